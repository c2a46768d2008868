"""What a template's holes may hold: the roles a concept's formula gives its inputs, checked on
what the formula writes in their place.

A template fits any formula of its shape; its holes say what each input is (a mean of the
data, a gate, the previous state, a Jacobian), and a formula that puts something else there is
another formula of the same shape:

- a statistic (the mean of a variance, the deviation of a standardisation) is a moment of the
  data: a name, or the data's statistic written out; never an element of the data (``y_i``) nor an
  order statistic or a length (``\\min(x)``, ``\\|x\\|``);
- a recurrent cell's gates are gates (a sigmoid's call or a gate's name) and its state a name;
- a tiny template of derivatives (``v^T J``) has a derivative written in one of its holes;
- two distributions a template compares (cross-entropy's target and prediction) are two: a
  formula that writes one inside the other (``\\log \\frac{Q(x)}{P(x)}``) or the same in both
  (``-\\sum p \\log p``, an entropy) computes something else;
- what a template writes without the index of its sum or product is the same in every term
  (a likelihood's parameters θ), so it holds nothing that runs with that index (``x_{<i}``);
- an entry picked by a label (the y of ``-\\log p_y``), with no sum over the classes beside it, is
  picked by a label written as one (``y``, ``c``, ``y_i``), not by a running index (``-\\log x_i`` is
  minus the log of any entry);
- two settings a template keeps apart (a learning rate and a decay rate) are two names;
- a number (a strength λ, a scale) is no letter the formula multiplies a transposed vector by
  (``x^T A x``: A is a matrix, and the form a quadratic, not a penalty λ‖x‖²);
- the entries of vectors a template pairs by an index (``\\sum_i x_i y_i``) are numbers: a bold name
  with the index is the i-th of several vectors (``\\sum_i a_i \\mathbf{v}_i``, a weighted sum of vectors);
- a mask (the M a causal mask adds to attention's scores) is written as one: any array added to
  the scores (a bias B, a relative position term P) has the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Apply, BigOp, Derivative, Gradient, Node, Norm, Product, Symbol, Transpose
from thirdroad.formula.evidence import is_atom
from thirdroad.formula.match import PIdx, PVar
from thirdroad.formula.templates import NUMBER_ROLES, CompiledTemplate, symbol_tree


def statistics_are_names(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """A statistic a template writes (the mean μ and deviation σ of a standardisation) is a name
    in the chunk too, or an expression of the data it summarises (``\\langle x \\rangle``,
    ``\\frac{1}{n} \\sum_j x_j``): ``(f(x + h) - f(x)) / h`` is no standardisation of f(x + h). And it
    summarises all the data, so it does not change from one element to the next:
    ``\\sum_i (w^T x_i - y_i)^2`` takes each prediction from its own target y_i (a squared error), not
    each value from their mean."""
    for written, _, data_var in ct.template.derived:
        source = bindings.get(data_var)
        data = source[0] if isinstance(source, tuple) else source
        for hole, alone in _holes_of(written, ct):
            bound = bindings.get(hole)
            node = bound[0] if isinstance(bound, tuple) else bound
            if not isinstance(node, Node):
                continue
            if isinstance(source, tuple) and any(n in source[1] for n in node.walk()):
                return False  # y_i, W x_i: an element of its own, no mean
            if alone and not is_atom(bound) and not (isinstance(data, Node) and _writes(node, data)):
                return False  # neither a name nor the statistic of the data written out (⟨x⟩)
            if _no_moment(node):
                return False
    return True


# an order statistic: the smallest, the largest, the middle value (a call, or a name marked so)
_ORDER_STATISTICS = frozenset({"min", "max", "median", "argmin", "argmax"})


def _no_moment(node: Node) -> bool:
    """A mean, variance or standard deviation is a moment of the data. An order statistic
    (``\\min(x)``, ``x_{max} - x_{min}``: min-max scaling) or a length (``\\|x\\|``: a unit vector)
    written where the template has one is another way to shift or scale, not standardisation."""
    for n in node.walk():
        if isinstance(n, Norm) or (isinstance(n, BigOp) and n.op in _ORDER_STATISTICS):
            return True
        if isinstance(n, Apply) and isinstance(n.func, Symbol) and n.func.name in _ORDER_STATISTICS \
                and len(n.args) == 1:
            return True  # over the data; max(σ, ε) only keeps a deviation from 0
        if isinstance(n, Symbol) and any(isinstance(m, Symbol) and m.name in _ORDER_STATISTICS
                                         for mark in (*n.sub, *((n.sup,) if n.sup is not None else ()))
                                         for m in mark.walk()):
            return True  # x_{min}
    return False


def _holes_of(written: str, ct: CompiledTemplate) -> list[tuple[str, bool]]:
    """The holes a statistic the template writes is in, each with whether it is the statistic
    alone: a variable's (its symbol, or an expression of it: ``\\sqrt{\\sigma^2 + \\epsilon}``), or
    (a name the template writes without declaring it, ``\\mu`` of a variance) the free hole the
    pattern makes of it."""
    sym = symbol_tree(written)
    holes = [(v.name, v.symbol == written) for v in ct.template.variables
             if v.symbol == written or (sym is not None and any(n == sym for n in _tree_of(v.symbol)))]
    if isinstance(sym, Symbol):
        holes.append(("_" + sym.name + sym.accent, True))
    return holes


def _tree_of(latex: str) -> Iterable[Node]:
    """The nodes of a symbol the catalog writes (``\\sqrt{\\sigma^2 + \\epsilon}`` holds σ²)."""
    tree = symbol_tree(latex) if latex else None
    return tree.walk() if tree is not None else ()


def _writes(node: Node, data: Node) -> bool:
    """Whether an expression writes the data: the data itself, or its name at another index
    (``x_j`` of ``x_i``)."""
    if isinstance(data, Symbol):
        return any(isinstance(n, Symbol) and (n.name, n.accent, n.font) == (data.name, data.accent, data.font)
                   for n in node.walk())
    return any(n == data for n in node.walk())


def states_are_names(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """What a recurrent cell carries from the previous step (a hole the template means as a
    previous state) is written as a name, and a gate as a name or the call that makes it
    (``\\sigma(...)``): ``\\tanh(W x + U (r \\odot h))`` gates the state before the product (a GRU's
    candidate as Cho et al. write it), so it is no plain recurrent cell nor an LSTM's candidate;
    ``g w^c + (1 - g) w_{t-1}`` interpolates, it is no LSTM cell with a forget gate 1 - g. A gate's
    name is one the catalog gives gates (an LSTM's f, i, o, a GRU's r, z; Γ as some courses write
    them): ``x \\odot \\exp(s(x)) + t(x)`` (a normalising flow's affine coupling) has the shape of an
    LSTM's cell line, but neither gates nor a cell carried from the last step."""
    for var in ct.template.variables:
        words, bound = var.meaning.split(":")[-1], bindings.get(var.name)
        if bound is None:
            continue
        if "previous" in words and ("state" in words or "cell" in words) and not is_atom(bound):
            return False
        if "gate" in words.split() and not (is_atom(bound) or isinstance(bound, Apply)):
            return False  # a gate is a name or the sigmoid that makes it: 1 - g_t is an interpolation's weight
        if words.split()[-1:] == ["gate"] and var.role != "matrix" and not _a_gate(bound):
            return False
        if words.strip() == "input" and isinstance(bound, Product) and bound.op == "odot":
            return False  # an input gated before the product (U (r * x)) is a GRU's reset, no plain input
    return True


def _a_gate(bound: Any) -> bool:
    """A gate as written: a sigmoid's call (``\\sigma(W x + U h)``, ``\\sigma_g(...)``) or a gate's name."""
    node = bound[0] if isinstance(bound, tuple) else bound
    if isinstance(node, Apply):
        return isinstance(node.func, Symbol) and node.func.name in _SIGMOIDS
    return isinstance(node, Symbol) and node.name in _gate_letters()


_SIGMOIDS = frozenset({"sigma", "sigmoid", "sigm"})


@lru_cache(maxsize=1)
def _gate_letters() -> frozenset[str]:
    """The letters the catalog writes gates with (a variable meant as "... gate"), and Γ."""
    letters = {"Gamma"}
    for concept in concepts_module.catalog():
        for template in concept.formulas:
            for var in template.variables:
                sym = symbol_tree(var.symbol) if var.symbol else None
                gate = var.meaning.split(":")[-1].split()[-1:] == ["gate"] and var.role != "matrix"
                if gate and isinstance(sym, Symbol):
                    letters.add(sym.name)
    return frozenset(letters)


def derivatives_written(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """A tiny template whose holes are meant as derivatives (a vector-Jacobian product's ``v^T J``,
    a gradient clipped or accumulated) is that concept only where the formula writes one of them
    as a derivative: ``\\partial y / \\partial x``, ``\\nabla f``, ``f'(x)``, or a name conventional for
    one (``J``, ``J_f``, ``Df``, ``g_t``, ``\\delta``). Its shape alone is any product of a row vector
    and a matrix: ``w^T X`` is a linear model on a batch, no Jacobian is in it."""
    meant = [v for v in ct.template.variables if v.name in bindings and _DERIVATIVE_WORDS & set(
        v.meaning.split(":")[-1].lower().replace(",", " ").split())]
    if not ct.generic or not meant:
        return True
    return any(_a_derivative(bindings[v.name]) for v in meant)


_DERIVATIVE_WORDS = frozenset({"jacobian", "gradient", "gradients", "derivative"})
# letters conventional for a derivative: a Jacobian J, a differential D, a gradient g, an error δ
_DERIVATIVE_LETTERS = frozenset({"J", "D", "g", "delta", "nabla"})


def _a_derivative(bound: Any) -> bool:
    node = bound[0] if isinstance(bound, tuple) else bound
    if isinstance(node, Apply):
        node = node.func
    if isinstance(node, Derivative | Gradient):
        return True
    return isinstance(node, Symbol) and (node.name in _DERIVATIVE_LETTERS or node.prime > 0)


def numbers_as_matrices(ct: CompiledTemplate, bindings: Mapping[str, Any], chunk: Node) -> bool:
    """Whether a hole meant as a number holds a letter the chunk writes right after a transposed
    vector (``x^T A x``, ``u^T M``): a matrix, whatever the numbers say when it is drawn as one
    number (``\\frac{1}{2} x^T A x`` then equals ``\\frac{A}{2} \\|x\\|^2``, an L2 penalty's shape)."""
    matrices = {f for n in chunk.walk() if isinstance(n, Product)
                for before, f in zip(n.factors, n.factors[1:], strict=False) if isinstance(before, Transpose)}
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        node = bound[0] if isinstance(bound, tuple) else bound
        if var.role in NUMBER_ROLES and isinstance(node, Symbol) and node in matrices:
            return True
    return False


def constant_over_the_terms(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether every hole the template writes without the index of a sum or product around it
    holds something without that index too: ``\\prod_i p(x_i \\mid \\theta)`` conditions every example on
    the same parameters, and ``\\prod_i p(x_i \\mid x_{<i})`` on the examples before it (the chain rule
    of probability: an autoregressive model's factorisation, no likelihood of independent data)."""
    for big in (n for n in ct.pattern.walk() if isinstance(n, BigOp)):
        under = big.under.walk() if big.under is not None else ()
        indices = {bindings.get(n.var) for n in under if isinstance(n, PIdx)} - {None}
        for hole in big.body.walk():
            if not isinstance(hole, PVar) or hole.indices or hole.role in _NOT_VALUES:
                continue
            bound = bindings.get(hole.var)
            node = bound[0] if isinstance(bound, tuple) else bound
            if isinstance(node, Node) and any(n in indices for n in node.walk()):
                return False
    return True


def distributions_apart(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether the holes a template means as distributions (a target and predicted probabilities)
    hold two quantities, neither written inside the other: cross-entropy's
    ``-\\sum p \\log q`` on ``-\\sum_x P(x) \\log \\frac{Q(x)}{P(x)}`` takes a log-ratio (a KL divergence), and
    on ``-\\sum_x p(x) \\log p(x)`` one distribution (an entropy)."""
    held = []
    for var in ct.template.variables:
        words = var.meaning.split(":")[-1]
        bound = bindings.get(var.name)
        if bound is not None and any(w in words for w in ("distribution", "probabilit", "target")):
            held.append(bound[0] if isinstance(bound, tuple) else bound)
    return not any(a is not b and isinstance(a, Node) and isinstance(b, Node) and any(n == a for n in b.walk())
                   for a in held for b in held)


_NOT_VALUES = frozenset({"index", "bound_index", "size", "function", "activation"})


def entries_not_vectors(ct: CompiledTemplate, bindings: Mapping[str, Any], written: Node) -> bool:
    """Whether those entries are written as numbers: a bold name with the index (``\\mathbf{v}_i``)
    is the i-th of several vectors, so ``\\sum_i a_i \\mathbf{v}_i`` is a weighted sum of vectors, no dot
    product (``\\mathbf{u} \\cdot \\mathbf{v} = \\sum_i u_i v_i`` writes the entries plain). ``written``: the
    chunk as written (the canonical form drops the fonts)."""
    bold = {n.name for n in written.walk() if isinstance(n, Symbol) and n.sub and n.font in ("bf", "bm", "boldsymbol")}
    return not any(node.name in bold for node, _ in _entries(ct, bindings))


def _entries(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> list[tuple[Symbol, tuple[Node, ...]]]:
    """The names bound to the indexed vector holes a template sums over, each with the indices it
    was bound over."""
    out = []
    summed = (n for big in ct.pattern.walk() if isinstance(big, BigOp) and big.op == "sum" for n in big.body.walk())
    for hole in {n.var: n for n in summed if isinstance(n, PVar) and n.indices}.values():
        bound = bindings.get(hole.var)
        if hole.role == "vector" and isinstance(bound, tuple) and isinstance(bound[0], Symbol):
            out.append((bound[0], tuple(bound[1])))
    return out


def masks_written(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Whether the mask a template of a mask adds (its letter M) is written as
    one: the letter M (``M``, ``M_{causal}``), a name that says mask, or minus infinity written out.
    ``\\mathrm{softmax}(Q K^T / \\sqrt{d} + B) V`` adds a bias (a learned or relative-position term):
    attention with a bias, no mask said."""
    bound = bindings.get("_M")
    if bound is None or "mask" not in ct.concept:
        return True
    node = bound[0] if isinstance(bound, tuple) else bound
    return isinstance(node, Node) and any(
        isinstance(n, Symbol) and (n.name in ("M", "m", "infty") or "mask" in n.name.lower()) for n in node.walk())


_RUNNING_INDICES = frozenset("ijklmn")


def labels_written_as_labels(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Where a template picks an entry by a label and sums over no index (``-\\log p_y``), the
    label is written as one: a letter no running index takes (``y``, ``c``) or a label of its own
    example (``y_i``); ``-\\log x_i`` is minus the log of an entry. (Beside a sum over the classes,
    ``-\\log \\frac{e^{x_i}}{\\sum_j e^{x_j}}``, the entry is the class the formula picks.)"""
    if any(v.role == "bound_index" for v in ct.template.variables):
        return True
    return all(_a_label(bindings.get(var.name)) for var in ct.template.variables if var.role == "label")


def _a_label(bound: Any) -> bool:
    """A label's letter (``y``, ``c``, ``t``) or an example's label (``y_i``): one plain letter, not
    a running index, a word (the ``pred`` of ``y_{pred}``) or a marked name (``\\tilde w``)."""
    if bound is None:
        return True
    if not (isinstance(bound, Symbol) and len(bound.name) == 1 and not bound.accent and bound.sup is None):
        return False
    if not bound.sub:
        return bound.name not in _RUNNING_INDICES
    return len(bound.sub) == 1 and isinstance(s := bound.sub[0], Symbol) and len(s.name) == 1 and not s.sub


def penalised_weights_are_names(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """A penalty on the weights (a strength times their squared norm) holds a name the weights
    take (``w``, ``W``, ``θ``, ``φ``): ``\\lambda \\|x - y\\|^2`` penalises a distance, and ``β \\|z\\|^2``
    the size of a code, not of the weights."""
    if not any("strength" in v.meaning for v in ct.template.variables):
        return True
    for v in ct.template.variables:
        bound = bindings.get(v.name)
        node = bound[0] if isinstance(bound, tuple) else bound
        if v.meaning.split(":")[-1].strip() == "weights" and node is not None and not (
                isinstance(node, Symbol) and node.name in _WEIGHT_LETTERS):
            return False
    return True


_WEIGHT_LETTERS = frozenset({"w", "W", "theta", "Theta", "phi", "varphi", "omega"})


def settings_apart(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> bool:
    """Two settings of a template (a learning rate and a decay rate) hold two names: ``(1 - β) m -
    β g`` writes one β for both, and is no step that shrinks the weights by another rate."""
    held = [b for v in ct.template.variables
            if v.role == "hyperparameter" and isinstance(b := bindings.get(v.name), Symbol)]
    return len(held) == len(set(held))


__all__ = ["constant_over_the_terms", "derivatives_written", "distributions_apart", "entries_not_vectors",
           "labels_written_as_labels", "masks_written", "numbers_as_matrices", "penalised_weights_are_names",
           "settings_apart", "states_are_names", "statistics_are_names"]
