"""Backpropagation's own form: a derivative of the loss sent back through one layer.

No fixed template holds it (a weight matrix may stand on either side of the upstream
derivative, the activation's slope may be written ``R'(Z)``, ``\\sigma'(z^l)`` or an indicator,
the layers may be indexed or named), but its writing says it. An equation is backpropagation
where its left-hand side is the derivative of a loss (a name a loss is given: ``C``, ``L``,
``\\ell``, ``J``, ``E``) with respect to a layer's quantity, and a right-hand side computes it
from

- the **upstream derivative**, the same loss differentiated with respect to another quantity,
  combined with something of the layer that is no derivative (its weights, its input, a gate):
  ``dC/dX = W^\\top dC/dY``, ``\\partial \\ell/\\partial \\Omega_k = \\partial \\ell/\\partial f_k \\, h_k^T``;
  or taken one layer up (``\\partial c/\\partial z_k`` from ``\\partial c/\\partial z_{k+1}``);
  or summed over the branches the quantity feeds (``dC/dX = dC/dY_1 + dC/dY_2``); or passed
  where a gate lets it through (``dC/dX`` is ``dC/dY`` where ``x > 0``, else 0);
- or the **activation's slope** at the layer (the derivative of another function) times a
  factor of the layer: ``C'(Z_o) = (\\hat y - y) \\cdot R'(Z_o)``.

The error recursion says it too: an error of one layer made of the error of another, a weight
and an activation's slope (``E_h = E_o \\cdot W_o \\cdot R'(Z_h)``).

A chain of derivatives alone (``\\partial c/\\partial z_f = \\partial c/\\partial z_g \\,
\\partial z_g/\\partial z_f``) is the chain rule, not backpropagation: nothing of a layer is in it.
"""

from __future__ import annotations

from collections.abc import Iterator

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Cases,
    Derivative,
    Gradient,
    Neg,
    Node,
    Number,
    Product,
    Relation,
    Sum,
    Symbol,
)

# names a loss is given where it is differentiated (fonts aside: \mathcal{L})
_ELLIPSES = frozenset({"dots", "cdots", "ldots"})
_LOSS_NAMES = frozenset({"C", "c", "L", "ell", "J", "E", "loss", "cost", "Loss", "Cost"})


def passes_back(relation: Node) -> bool:
    """Whether an equation is backpropagation's step through a layer (the module docstring)."""
    if not isinstance(relation, Relation) or not set(relation.ops) <= {"eq"} or len(relation.operands) < 2:
        return False
    lhs = relation.operands[0]
    own = _differentiated(lhs)
    if own is None:
        return _error_recursion(lhs, relation.operands[1:])
    loss, wrt = own
    if not _is_loss(loss) or wrt is None:
        return False
    if any(isinstance(n, BigOp) and n.op == "prod" for n in relation.walk()):
        return False  # a product over the time steps: backpropagation through time, a concept of its own
    return any(_sends_back(side, loss, wrt) for side in relation.operands[1:])


def _sends_back(side: Node, loss: Node, wrt: Node) -> bool:
    upstream = [d for d in side.walk() if _is_upstream(d, loss, wrt)]
    if upstream:
        if any(_layer_step(_differentiated(d), wrt) for d in upstream):
            return True
        if isinstance(side, Sum) and len(upstream) >= 2 and all(_is_upstream(_unsigned(t), loss, wrt)
                                                                   for t in side.terms):
            return True  # the quantity feeds several branches: their derivatives add up
        if isinstance(side, Cases) and any(any(n in upstream for n in v.walk()) for v, _ in side.branches):
            return True  # passed where a gate lets it through
        return any(isinstance(p, Product) and _with_local(p, upstream) for p in side.walk())
    # the loss's own derivative (the residual) times the slope of the activation at the layer
    return any(isinstance(p, Product) and _slope_and_local(p) for p in side.walk())


def _differentiated(node: Node | None) -> tuple[Node, Node | None] | None:
    """(what a derivative differentiates, with respect to what), or None for no derivative."""
    if isinstance(node, Derivative) and len(node.wrt) == 1:
        return node.expr, node.wrt[0]
    if isinstance(node, Gradient):
        return node.expr, node.wrt
    primed = _primed(node)
    if primed is not None:
        return primed
    return None


def _primed(node: Node | None) -> tuple[Node, Node] | None:
    """``R'(Z)``: (R, Z), read as a call or as the product the parser makes of a primed capital."""
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.prime == 1 and len(node.args) == 1:
        return _unprimed(node.func), node.args[0]
    if isinstance(node, Product) and not node.op and len(node.factors) == 2:
        func, arg = node.factors
        if isinstance(func, Symbol) and func.prime == 1 and not func.sub:
            return _unprimed(func), arg
    return None


def _unprimed(symbol: Symbol) -> Symbol:
    return Symbol(symbol.name, symbol.font, symbol.accent, symbol.sub, symbol.sup)


def _is_loss(node: Node) -> bool:
    if isinstance(node, Apply):
        node = node.func
    return isinstance(node, Symbol) and node.name in _LOSS_NAMES and not node.prime


def _bare(node: Node) -> Node:
    """A quantity without its font and arguments: ``C(y, \\bar y)`` is ``C``, ``\\mathcal{L}`` is L."""
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        node = node.func
    if isinstance(node, Symbol):
        return Symbol(node.name, "", node.accent, node.sub, node.sup)
    return node


def _is_upstream(node: Node, loss: Node, wrt: Node) -> bool:
    """The same loss differentiated with respect to another quantity."""
    parts = _differentiated(node)
    return parts is not None and parts[1] is not None and _bare(parts[0]) == _bare(loss) \
        and _bare(parts[1]) != _bare(wrt)


def _unsigned(node: Node) -> Node:
    return node.arg if isinstance(node, Neg) else node


def _factors(product: Product) -> Iterator[Node]:
    """The factors of a product, nested products opened, a primed call (``R' Z``) kept whole."""
    for f in product.factors:
        if isinstance(f, Product) and _primed(f) is None:
            yield from _factors(f)
        else:
            yield f


def _is_derivative(node: Node) -> bool:
    return _differentiated(node) is not None


def _local(node: Node) -> bool:
    """A factor of the layer itself: no derivative and no bare number."""
    return not _is_derivative(node) and not isinstance(_unsigned(node), Number) \
        and not (isinstance(node, Symbol) and node.name in _ELLIPSES)


def _with_local(node: Node, upstream: list[Node]) -> bool:
    """A product of an upstream derivative and a factor of the layer (its weights, its input), or
    of numbers alone (``dC/dY \\cdot 1``: a sum passes the derivative on unchanged)."""
    if not isinstance(node, Product):
        return False
    factors = list(_factors(node))
    if not any(f in upstream for f in factors):
        return False
    others = [f for f in factors if f not in upstream]
    return any(_local(f) for f in others) or (bool(others) and not any(_is_derivative(f) for f in others))


def _slope_and_local(product: Product) -> bool:
    factors = list(_factors(product))
    return any(_primed(f) is not None for f in factors) and any(_local(f) for f in factors)


def _index(node: Node) -> Node | None:
    """The one layer index a quantity carries: ``z_k``, ``W^{(l)}``, ``\\delta^{l+1}``."""
    if isinstance(node, Symbol):
        if len(node.sub) == 1:
            return node.sub[0]
        if node.sup is not None and not node.sub:
            return node.sup
    return None


def _layer_step(parts: tuple[Node, Node | None] | None, wrt: Node) -> bool:
    """The upstream derivative is taken one layer up or down: ``z_{k+1}`` for ``z_k`` or ``w_k``."""
    if parts is None or parts[1] is None:
        return False
    a, b = _index(parts[1]), _index(wrt)
    if a is None or b is None:
        return False
    return _plus_one(a, b) or _plus_one(b, a)


def _plus_one(a: Node, b: Node) -> bool:
    """``a`` is ``b + 1`` (``k + 1`` and ``k``, ``k`` and ``k - 1``)."""
    if isinstance(a, Sum) and len(a.terms) == 2 and a.terms[1] == Number("1") and a.terms[0] == b:
        return True
    return isinstance(b, Sum) and len(b.terms) == 2 and b.terms[1] == Neg(Number("1")) and b.terms[0] == a


def _error_recursion(lhs: Node, sides: tuple[Node, ...]) -> bool:
    """``E_h = E_o \\cdot W_o \\cdot R'(Z_h)``, ``\\delta^l = ((W^{l+1})^T \\delta^{l+1}) \\odot \\sigma'(z^l)``:
    an error named like the left-hand side but of another layer, a weight, and an activation's slope."""
    if not isinstance(lhs, Symbol) or _index(lhs) is None:
        return False
    for side in sides:
        for p in side.walk():
            if not isinstance(p, Product) or _primed(p) is not None:
                continue
            factors = list(_factors(p))
            other = [f for f in factors if isinstance(f, Symbol) and f.name == lhs.name and f != lhs
                     and _index(f) is not None]
            slopes = [f for f in factors if _primed(f) is not None]
            rest = [f for f in factors if f not in other and f not in slopes and _local(f)]
            if other and slopes and rest:
                return True
    return False


__all__ = ["passes_back"]
