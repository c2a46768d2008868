"""Guards against false names: checks applied to what recognition found, once every node has
been looked at, that move a chunk to the weak matches where the formula as a whole says it is no
such concept. Each guard looks at one thing the rest of the formula shows:

- an activation where a count or an index stands (``\\max(0, N - \\delta N)`` as a divisor,
  ``t = \\max(0, i - \\ell)``) is a guard on the count, not an activation;
- an optimizer's step whose gradient is a name the formula computes from something else
  (``w - \\gamma m_t / \\sqrt{v}`` with ``m_{t+1} = \\beta m_t + ...``) steps along that state, not
  along the gradient: it is not the optimizer that steps along the gradient;
- a part of a model found inside another model's chunk is that chunk's part (the tanh layer of an
  additive attention score is no LSTM candidate nor Luong's attentional hidden state);
- ``q_i k_j^T`` where a number stands (in an exponent, or as the entry ``a_{ij}`` an equation
  defines) multiplies two row vectors: a dot product, not an outer product;
- a sum of ``e^{-E(x, h)}`` over h alone is an unnormalised marginal of x, not the partition function;
- a chunk the numbers alone name (on one-dimensional inputs, blind to shapes) that holds an outer
  product ``u v^T`` computes matrices: ``\\sum_k u_k v_k^T`` is a sum of outer products, not a dot product.
"""

from __future__ import annotations

from collections.abc import Iterator

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Derivative,
    Fraction,
    Gradient,
    Node,
    Number,
    Power,
    Relation,
    Symbol,
    Update,
)
from thirdroad.formula.found import Found, Recognition

# Letters that stand for indices and counts: i, j, k, ℓ, n, t, N, ...
_COUNT_LETTERS = frozenset({"i", "j", "k", "l", "ell", "n", "t", "N", "K", "T"})


def guards(result: Recognition) -> None:
    """Move every chunk a guard of the module docstring rejects to the weak matches."""
    rejected = {id(f) for f in [*_activations_on_counts(result), *_steps_along_a_state(result),
                                *_parts_of_a_model(result), *_outer_products_of_scores(result),
                                *_partial_partition_sums(result)]}
    result.weak.extend(f for f in result.found if id(f) in rejected)
    result.found = [f for f in result.found if id(f) not in rejected]
    blind = {id(f) for f in _numbers_blind_to_matrices(result)}
    result.weak.extend(f for f in result.found if id(f) in blind)
    result.found = [f for f in result.found if id(f) not in blind]


def _activations_on_counts(result: Recognition) -> Iterator[Found]:
    """An activation found by its shape where a count stands (a divisor, a limit of a sum) or on
    counts and indices alone is a guard, not an activation: ``\\frac{1}{\\max(0, N - \\delta N)}``
    keeps a count from going below 0, ``\\sum_{c' = \\max(0, c - n/2)}`` an index,
    ``\\max(0, r(i, j) - k)`` a rank; no ReLU is applied there. (Named by its name, it stays.)"""
    places = set()
    for path, node in result.nodes.items():
        parent = result.nodes.get(path.rsplit(".", 1)[0]) if "." in path else None
        if (isinstance(parent, Fraction) and node is parent.den) or \
                (isinstance(parent, BigOp) and (node is parent.under or node is parent.over)):
            places.add(path)
    cat = concepts_module.catalog()
    for f in result.found:
        if f.named or cat[f.concept].family != "activations":
            continue
        if any(f.path == p or f.path.startswith(p + ".") for p in places) or _counts_only(f.node):
            yield f


def _counts_only(node: Node) -> bool:
    """Whether an expression computes with indices and counts alone (``i - \\ell``, ``r(i, j) - k``):
    its names are index letters, the arguments of a call included."""
    names = list(_names(node))
    return bool(names) and all(n in _COUNT_LETTERS for n in names)


def _names(node: Node) -> Iterator[str]:
    """The names an expression computes with (not a called function's, nor subscripts)."""
    if isinstance(node, Symbol):
        yield node.name
    elif isinstance(node, Apply):
        for arg in node.args:
            yield from _names(arg)
    elif not isinstance(node, Number):
        for child in node.children():
            yield from _names(child)


def _assignments(result: Recognition) -> Iterator[tuple[str, Symbol, Node]]:
    """The names the formula assigns, each with the path of its line and the value it gives."""
    for path, node in result.nodes.items():
        if isinstance(node, Update) and isinstance(node.target, Symbol):
            yield path, node.target, node.value
        elif isinstance(node, Relation) and len(node.operands) >= 2 and isinstance(node.operands[0], Symbol) \
                and node.ops[0] in ("eq", "leftarrow", "assign", "coloneqq"):
            yield path, node.operands[0], node.operands[-1]


def _steps_along_a_state(result: Recognition) -> Iterator[Found]:
    """Optimizer chunks whose gradient hole holds a name that other lines of the formula compute,
    and never as a gradient: a moving average of it (``m_{t+1} = \\beta m_t + (1 - \\beta) \\nabla f``),
    or another quantity (``O_t = \\mathrm{NS}(B_t)``). (A line that adds to the gradient itself,
    Nesterov's ``g_t = g_t + \\mu b_t``, is about that gradient.)"""
    assigned = list(_assignments(result))
    gradients = {(target.name, target.accent) for _, target, value in assigned if _a_gradient(target, value)}
    if len(assigned) < 2:
        return
    cat = concepts_module.catalog()
    for f in result.found:
        if cat[f.concept].family != "optimizers":
            continue
        states = {(target.name, target.accent) for path, target, _ in assigned
                  if not (f.path == path or f.path.startswith(path + "."))} - gradients
        for var in f.template.variables:
            bound = f.bindings.get(var.name)
            node = bound[0] if isinstance(bound, tuple) else bound
            if var.meaning.split(":")[-1].strip().startswith("gradient") and isinstance(node, Symbol) \
                    and (node.name, node.accent) in states:
                yield f
                break


def _a_gradient(target: Symbol, value: Node) -> bool:
    """Whether an assigned value is a gradient (``g_t = \\nabla f(\\theta)``, perhaps with a term added),
    not a state computed from its own last value."""
    nodes = list(value.walk())
    own = any(isinstance(n, Symbol) and (n.name, n.accent) == (target.name, target.accent) for n in nodes)
    return not own and any(isinstance(n, Derivative | Gradient) for n in nodes)


_MODEL_FAMILIES = frozenset({"layers", "attention"})


def _parts_of_a_model(result: Recognition) -> Iterator[Found]:
    """Chunks of a layer or attention concept inside the chunk of another such concept that does
    not build on them: ``v_a^T \\tanh(W_a s_{t-1} + U_a h_i)`` is an additive attention score, and
    the tanh inside it is that score's hidden layer, not an LSTM's candidate. (Named by its name,
    or inside what the other takes as an input, it stays.)"""
    cat = concepts_module.catalog()
    outer = [g for g in result.found if cat[g.concept].family in _MODEL_FAMILIES]
    for f in result.found:
        if f.named or cat[f.concept].family not in _MODEL_FAMILIES:
            continue
        if any(f.path.startswith(g.path + ".") and g.concept != f.concept and f.concept not in cat.ancestors(g.concept)
               and g.method == "structural" and not _an_input_of(f, g) for g in outer):
            yield f


def _an_input_of(f: Found, g: Found) -> bool:
    """Whether chunk ``f`` lies inside what another chunk ``g`` takes as an input (one of its
    bindings: the x + Sublayer(x) that a layer norm normalises), not inside ``g``'s own form."""
    for bound in g.bindings.values():
        node = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(node, Node) and any(n == f.canon for n in node.walk()):
            return True
    return False


def _outer_products_of_scores(result: Recognition) -> Iterator[Found]:
    """Outer products (``u v^T``) found where a number stands: inside an exponential or a softmax,
    or on a side of an equation that defines an entry (``e_{ij} = q_i k_j^T``). Written so, u and v
    are rows (the convention of ``x_i W^q``), and the product is their dot product."""
    for f in result.found:
        if f.concept != "outer_product" or f.named:
            continue
        steps = f.path.split(".")
        above = [result.nodes.get(".".join(steps[:k])) for k in range(1, len(steps))]
        if any(_exponential(n) for n in above):
            yield f
            continue
        relation = next((n for n in reversed(above) if isinstance(n, Relation)), None)
        if relation is not None and isinstance(lhs := relation.operands[0], Symbol) and len(lhs.sub) >= 2:
            yield f


def _numbers_blind_to_matrices(result: Recognition) -> Iterator[Found]:
    """Chunks found by the numbers alone around an outer product still standing (one not read as
    the dot product of two rows by ``_outer_products_of_scores``): the numbers drew vectors, where
    the formula writes a column times a row."""
    outer = [f.path for f in result.found if f.concept == "outer_product"]
    for f in result.found:
        if f.method == "numeric" and not f.named and any(p.startswith(f.path + ".") for p in outer):
            yield f


def _exponential(node: Node | None) -> bool:
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        return node.func.name in ("exp", "softmax")
    return isinstance(node, Power) and isinstance(node.base, Symbol) and node.base.name == "e"


def _partial_partition_sums(result: Recognition) -> Iterator[Found]:
    """A partition function whose energy takes names the sum does not run over: ``\\sum_h
    e^{-E(x, h)}`` sums out h for a given x."""
    for f in result.found:
        bound = f.bindings.get("E")
        if f.concept != "partition_function" or not isinstance(bound, tuple):
            continue
        energy, indices = bound
        if isinstance(energy, Apply) and any(isinstance(a, Symbol) and a not in indices for a in energy.args):
            yield f


__all__ = ["guards"]
