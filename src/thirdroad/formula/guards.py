"""Guards against false names: checks applied to what recognition found, once every node has
been looked at, that move a chunk to the weak matches where the formula as a whole says it is no
such concept."""

from __future__ import annotations

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import BigOp, Fraction
from thirdroad.formula.found import Found, Recognition


def guards(result: Recognition) -> None:
    """An activation found by its shape where a count stands (a divisor, a limit of a sum) is a
    guard, not an activation: ``\\frac{1}{\\max(0, N - \\delta N)}`` keeps a count from going below 0,
    ``\\sum_{c' = \\max(0, c - n/2)}`` an index; no ReLU is applied there. (Named by its name, it stays.)"""
    places = set()
    for path, node in result.nodes.items():
        parent = result.nodes.get(path.rsplit(".", 1)[0]) if "." in path else None
        if (isinstance(parent, Fraction) and node is parent.den) or \
                (isinstance(parent, BigOp) and (node is parent.under or node is parent.over)):
            places.add(path)
    cat = concepts_module.catalog()

    def guard(f: Found) -> bool:
        return not f.named and cat[f.concept].family == "activations" and \
            any(f.path == p or f.path.startswith(p + ".") for p in places)

    result.weak.extend(f for f in result.found if guard(f))
    result.found = [f for f in result.found if not guard(f)]


__all__ = ["guards"]
