"""Reductions written as code: ``sum(y * log(p))`` is the sum over the entries of ``y log p``.

Code and code-style docstrings (Keras, TensorFlow, NumPy) write a loss on whole arrays:
``-sum(y_true * log(y_pred), axis=-1)``, ``mean(square(y_true - y_pred))``. Mathematics writes the
same loss entry by entry, ``-\\sum_i y_i \\log p_i``. The normal form reads a reduction called on an
elementwise expression of arrays as the reduction over their entries: each array named in the
body (a Latin name, ``y``, ``y_true``, ``ŷ``) gets the reduction's index. Greek letters and the
settings code names (``eps``, ``delta``, ``margin``) stay scalars, as they are in such code; a
body with another reduction inside, or names already indexed, is left as written (which name runs
with which index is not ours to guess).
"""

from __future__ import annotations

from thirdroad.formula.ast import Apply, BigOp, Neg, Node, Number, Relation, Symbol, map_children
from thirdroad.formula.tables import GREEK_SET

_SUMS = frozenset({"sum", "reduce_sum"})
_REDUCTIONS = _SUMS | frozenset({"mean", "reduce_mean", "max", "min", "prod", "norm", "logsumexp", "softmax",
                                 "reduce_max"})
_SCALARS = frozenset({"e", "pi", "eps", "epsilon", "delta", "margin", "alpha", "gamma", "beta", "tau", "axis", "dim"})
_INDEX_LETTERS = ("i", "n", "k", "j")


def over_entries(node: Apply) -> Node | None:
    """``sum(body)`` as ``\\sum_i body_i``, or None where the call is no such reduction of arrays.
    (A mean stays a call: its elementwise body is matched as it stands, the squared error inside
    ``mean(square(y_true - y_pred))``.)"""
    if not (isinstance(node.func, Symbol) and not node.func.sub and node.func.sup is None
            and node.func.name in _SUMS):
        return None
    args = [a for a in node.args if not _last_axis(a)]
    if len(args) != 1 or len(node.args) > 2:
        return None
    body = args[0]
    names = _arrays(body)
    if not names:
        return None
    index = next((Symbol(c) for c in _INDEX_LETTERS if c not in {n.name for n in _all_symbols(body)}), None)
    if index is None:
        return None
    return BigOp("sum", _indexed(body, names, index), index, None)


def _last_axis(node: Node) -> bool:
    """A keyword ``axis=-1`` or ``dim=-1``: the reduction over the entries of each row."""
    if not (isinstance(node, Relation) and node.ops == ("eq",) and len(node.operands) == 2):
        return False
    key, value = node.operands
    return isinstance(key, Symbol) and key.name in ("axis", "dim") and isinstance(value, Neg) \
        and isinstance(value.arg, Number) and value.arg.value == "1"


def _all_symbols(node: Node) -> list[Symbol]:
    return [n for n in node.walk() if isinstance(n, Symbol)]


def _arrays(body: Node) -> frozenset[Symbol] | None:
    """The names the body uses as arrays: every Latin name that is no function called and carries
    no index. None where the body holds a reduction, a relation or an indexed name."""
    heads = set()
    for n in body.walk():
        if isinstance(n, BigOp | Relation):
            return None
        if isinstance(n, Apply) and isinstance(n.func, Symbol):
            if n.func.name in _REDUCTIONS:
                return None
            heads.add(id(n.func))
    found = set()
    for n in body.walk():
        if not isinstance(n, Symbol) or id(n) in heads or n.sup is not None or n.prime:
            continue
        if n.name in GREEK_SET or n.name in _SCALARS or not n.name.isalpha():
            continue
        if any(not (isinstance(s, Symbol) and len(s.name) > 1 and s.name.isalpha() and not s.sub) for s in n.sub):
            return None  # x_i, w_{y}: already indexed
        found.add(n)
    return frozenset(found)


def _indexed(node: Node, names: frozenset[Symbol], index: Symbol) -> Node:
    if isinstance(node, Symbol):
        if node in names:
            return Symbol(node.name, node.font, node.accent, (*node.sub, index), None, node.prime)
        return node
    if isinstance(node, Apply):
        return Apply(node.func, tuple(_indexed(a, names, index) for a in node.args))
    return map_children(node, lambda child: _indexed(child, names, index))


__all__ = ["over_entries"]
