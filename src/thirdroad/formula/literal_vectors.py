"""A vector written out as numbers that is all zeros but a single one is a one-hot vector.

``[0, 1, 0]``, ``\\begin{bmatrix} 1 \\\\ 0 \\\\ 0 \\end{bmatrix}`` and ``[0, \\ldots, 1, \\ldots, 0]``
(dots standing for more zeros) each pick one position out of several: the one-hot code of a class
or a token. Named for a column, a row or a bracketed list (a tuple ``(1, 0)`` is a point, and an
interval ``[0, 1]`` a range, not a vector), not where it sets weights (``w_1 = [1, 0, 0, 0]``).
"""

from __future__ import annotations

from collections.abc import Iterator

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Concat, Matrix, Node, Number, Product, Symbol
from thirdroad.formula.found import Found, Recognition, target_of
from thirdroad.formula.normal_form import canon, number_value

_DOTS = frozenset({"dots", "ldots", "cdots", "vdots"})
_WEIGHTS = frozenset({"w", "W", "theta", "Theta"})  # the letters texts give to weights


def _entries(node: Node) -> tuple[Node, ...] | None:
    if isinstance(node, Matrix) and (len(node.rows) == 1 or all(len(r) == 1 for r in node.rows)):
        return tuple(e for row in node.rows for e in row)
    if isinstance(node, Concat) and node.axis == "join":
        return node.items
    return None


def _values(entries: tuple[Node, ...]) -> Iterator[float | None]:
    """The numbers written, dots left out (``\\ldots 1`` is the 1 after the dots)."""
    for e in entries:
        parts = e.factors if isinstance(e, Product) and not e.op else (e,)
        for p in parts:
            if not (isinstance(p, Symbol) and p.name in _DOTS and not p.sub):
                yield number_value(p) if isinstance(p, Number) else None


def _assigned_to_weights(result: Recognition, path: str) -> bool:
    """``w_1 = [1, 0, 0, 0]``: weights set to numbers in an example are parameters, not a code."""
    target = target_of(path, result.nodes)
    return isinstance(target, Symbol) and target.name in _WEIGHTS


def one_hot_vectors(result: Recognition) -> None:
    """Name the one-hot vectors written out in the formula (see the module docstring)."""
    cat = concepts_module.catalog()
    for path, node in list(result.nodes.items()):
        entries = _entries(node)
        if entries is None or any(f.path == path and f.concept == "one_hot" for f in result.found):
            continue
        if _assigned_to_weights(result, path):
            continue
        values = list(_values(entries))
        if len(values) >= 2 and values.count(1.0) == 1 and values.count(0.0) == len(values) - 1:
            result.found.append(Found(path, node, canon(node), "one_hot", cat["one_hot"].formulas[0], {},
                                      "structural", False))


__all__ = ["one_hot_vectors"]
