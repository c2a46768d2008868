"""Fade out part of a formula and see what is left.

"Mentally fade out the weight matrix in the middle, and a dot product appears": a factor taken
out of a product, a term out of a sum, an argument out of a call, and what remains is read
again. ``h_tᵀ W_a h̄_s`` without ``W`` is ``h_tᵀ h̄_s``, a dot product.

What to fade is named by its text (``"W"``: every symbol written W, whatever its subscript;
``"W_a"``: that one) or by its place in the tree (``"0.1.2"``, the ``data-node`` of the MathML).
"""

from __future__ import annotations

from thirdroad.errors import ThirdroadError
from thirdroad.formula.ast import (
    Apply,
    Fraction,
    Node,
    Number,
    Power,
    Product,
    Relation,
    Sum,
    Symbol,
    Update,
    map_children,
)
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.reading import parse
from thirdroad.formula.unicode import to_unicode


class NothingToFade(ThirdroadError, ValueError):
    """Fading out names nothing in the formula, or would leave nothing of it."""


def _is_path(what: str) -> bool:
    return what == "0" or (what.startswith("0.") and all(p.isdigit() for p in what.split(".")[1:]))


def paths_of(root: Node, what: str) -> set[str]:
    """The places in ``root`` that ``what`` names: a path as it is, or every symbol written so."""
    if _is_path(what):
        return {what}
    try:
        pattern = parse(what).root
    except FormulaError:
        return set()
    if not isinstance(pattern, Symbol):
        return {p for p, n in _walk(root, "0") if n == pattern}
    return {p for p, n in _walk(root, "0") if isinstance(n, Symbol) and n.name == pattern.name
            and n.accent == pattern.accent and (not pattern.sub or n.sub == pattern.sub)}


def _walk(node: Node, path: str) -> list[tuple[str, Node]]:
    out = [(path, node)]
    for k, child in enumerate(node.children()):
        out += _walk(child, f"{path}.{k}")
    return out


def _kept(parts: list[Node | None]) -> list[Node]:
    return [p for p in parts if p is not None]


def _rebuilt(node: Node, new: list[Node | None]) -> Node | None:
    """``node`` with its children replaced by ``new``, where ``None`` is a faded child."""
    if all(n is not None for n in new):
        changed = iter(new)
        return map_children(node, lambda _child: next(changed))
    kept = _kept(new)
    if isinstance(node, Sum | Product):
        if not kept:
            return None
        if len(kept) == 1:
            return kept[0]
        return Sum(tuple(kept)) if isinstance(node, Sum) else Product(tuple(kept), node.op)
    if isinstance(node, Fraction):
        num, den = new
        if den is None:
            return num
        return Fraction(Number("1"), den) if num is None else num
    if isinstance(node, Power):
        return new[0]  # the exponent gone, the base is left; the base gone, nothing
    if isinstance(node, Apply):
        func, *args = new
        left = _kept(args)
        return Apply(func, tuple(left)) if func is not None and left else None
    if isinstance(node, Relation):
        return kept[0] if len(kept) == 1 else Relation(node.ops[:len(kept) - 1], tuple(kept)) if kept else None
    if isinstance(node, Update):
        return new[1]  # the value is what is left; the target alone means nothing
    return None  # a minus, a root, a transpose, a norm, a sum sign ... of nothing is nothing


def fade_tree(root: Node, paths: set[str]) -> Node | None:
    """``root`` with the nodes at ``paths`` faded out (None if nothing is left)."""
    def rebuild(node: Node, path: str) -> Node | None:
        if path in paths:
            return None
        new = [rebuild(child, f"{path}.{k}") for k, child in enumerate(node.children())]
        if all(n is c for n, c in zip(new, node.children(), strict=True)):
            return node
        return _rebuilt(node, new)

    return rebuild(root, "0")



def faded(root: Node, what: tuple[str, ...]) -> tuple[Node, str]:
    """What is left of ``root`` with ``what`` faded out, and what was faded, as written
    (``W_a``). Raises NothingToFade."""
    paths: set[str] = set().union(*(paths_of(root, w) for w in what)) if what else set()
    if not paths:
        raise NothingToFade(f"nothing in the formula is written {' or '.join(what) or 'so'}")
    rest = fade_tree(root, paths)
    if rest is None:
        raise NothingToFade("fading that out leaves nothing of the formula")
    shown = list(dict.fromkeys(to_unicode(node) for p, node in _walk(root, "0") if p in paths))
    return rest, ", ".join(shown)
