"""Layers chained line by line are a multilayer perceptron; a state computed from itself one step
back and an input at the step is a recurrent cell.

Texts write a network one layer a line::

    h_1 = a(\\beta_0 + \\Omega_0 x)
    h_2 = a(\\beta_1 + \\Omega_1 h_1)
    y   = \\beta_2 + \\Omega_2 h_2

Each line is a dense layer (or, the last, a linear one), and the input of each is the output an
earlier line assigns. A block where a dense layer's output is the input of a later layer is a
multilayer perceptron, named for the whole block; one dense layer alone, lines that do not
feed each other (three units of one layer side by side), or layers whose last output rebuilds the
first input (``\\hat x`` from ``x``: an autoencoder) are not.

A hidden state (``h`` or ``s``, as texts name it) at step t computed by a function of its own
value at step t - 1 and an input at the step, ``h_t = f_W(h_{t-1}, x_t)``,
``s_t = f(s_{t-1}, y_{t-1}, c_t)``, is a recurrent cell whatever the function (a cell named by a
template, a GRU or an LSTM, keeps its own name); with weights written at the step
(``h_K = a(\\beta_{K-1} + \\Omega_{K-1} h_{K-1})``) it is a stack of layers instead.
"""

from __future__ import annotations

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Apply, Block, Node, Relation, Sum, Symbol, Update
from thirdroad.formula.found import Found, Recognition
from thirdroad.formula.normal_form import canon

_DENSE = "dense_layer"
_LINEAR = frozenset({"dense_layer", "affine", "linear_layer"})  # what a later layer may be
_MLP = "mlp"


def _input_of(found: Found) -> Node | None:
    bound = found.bindings.get("x")
    node = bound[0] if isinstance(bound, tuple) else bound
    return canon(node) if isinstance(node, Symbol) else None


def _first_input(result: Recognition, root: Block) -> Node | None:
    """The input of the block's first layer."""
    for k, line in enumerate(root.items):
        if isinstance(line, Relation):
            for f in result.found:
                if f.path == f"0.{k}.{len(line.operands) - 1}" and f.concept in _LINEAR:
                    return _input_of(f)
    return None


def _reconstructs(output: Node, first: Node | None) -> bool:
    """``\\hat x`` (or x̃, x') from x: the last line rebuilds the first input, an autoencoder."""
    return isinstance(output, Symbol) and isinstance(first, Symbol) and output.name == first.name and (
        bool(output.accent) or output.prime > 0)


def layer_chain(result: Recognition) -> None:
    """Name the block a multilayer perceptron where its layers feed each other (see the module
    docstring)."""
    root = result.formula.root
    if not isinstance(root, Block) or any(f.concept == _MLP for f in result.found):
        return
    outputs: dict[Node, int] = {}  # the name a line assigns -> the line
    dense_fed = False
    for k, line in enumerate(root.items):
        if not (isinstance(line, Relation) and line.ops == ("eq",) and isinstance(line.operands[0], Symbol)):
            continue
        side = f"0.{k}.{len(line.operands) - 1}"
        layers = [f for f in result.found if f.path == side and f.concept in _LINEAR]
        for f in layers:
            fed_by = outputs.get(_input_of(f)) if _input_of(f) is not None else None  # type: ignore[arg-type]
            if fed_by is not None and fed_by >= 0:
                dense_fed = True
        dense = any(f.concept == _DENSE for f in layers)
        outputs[canon(line.operands[0])] = k if dense else -1
    first, last = _first_input(result, root), root.items[-1]
    if dense_fed and not (isinstance(last, Relation) and _reconstructs(last.operands[0], first)):
        cat = concepts_module.catalog()
        result.found.append(Found("0", root, canon(root), _MLP, cat[_MLP].formulas[0], {},
                                  "structural", False))


_STATES = frozenset({"h", "s"})  # the letters texts give a hidden state
_RECURRENT = frozenset({"rnn_cell", "gru", "lstm"})
_NOT_CELLS = frozenset({"P", "p", "q", "E", "L"})  # a probability, an expectation, a loss


def _step(sym: Symbol) -> Node | None:
    """The step a name is written at: t of ``h_t``, ``t - 1`` of ``h_{t-1}``."""
    return sym.sub[0] if len(sym.sub) == 1 else None


def _earlier(step: Node | None, t: Symbol) -> bool:
    return isinstance(step, Sum) and len(step.terms) == 2 and step.terms[0] == t


def recurrent_cells(result: Recognition) -> None:
    """Name a recurrent cell where a hidden state is a function of itself one step back and an
    input at the step (see the module docstring)."""
    cat = concepts_module.catalog()
    for path, node in list(result.nodes.items()):
        if isinstance(node, Update):
            target, value, side = node.target, node.value, f"{path}.1"
        elif isinstance(node, Relation) and node.ops == ("eq",) and len(node.operands) == 2:
            target, value, side = node.operands[0], node.operands[1], f"{path}.1"
        else:
            continue
        if not (isinstance(target, Symbol) and target.name in _STATES and not target.accent and not target.prime
                and isinstance(value, Apply)
                and isinstance(value.func, Symbol) and value.func.name not in _NOT_CELLS):
            continue
        t = _step(target)
        if not isinstance(t, Symbol) or any(f.path == side and f.concept in _RECURRENT for f in result.found):
            continue
        names = [n for a in value.args for n in a.walk() if isinstance(n, Symbol)]
        own = any(n.name == target.name and _earlier(_step(n), t) for n in names)
        at_step = [n for n in names if n.name != target.name and n.sub and t in n.sub[0].walk()]
        # weights written at the step (h_K from h_{K-1} through Omega_{K-1}) make a stack of layers:
        # a recurrent cell uses the same weights at every step
        layers = any(n.name[:1].isupper() for n in at_step)
        if own and at_step and not layers:
            result.found.append(Found(side, value, canon(value), "rnn_cell", cat["rnn_cell"].formulas[0], {},
                                      "structural", False))


__all__ = ["layer_chain", "recurrent_cells"]
