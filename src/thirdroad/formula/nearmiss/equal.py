"""A slip an equation gives away: its sides say they are equal, and the numbers say they are not.

``P(y = 1 | x) = 1 / (1 + (−(wᵀx + b))) = σ(wᵀx + b)``: the last side is a sigmoid, the middle one
is not, and putting one exp back makes the two agree on every input. The text itself says what
the side should compute, so the direction of a sign, the place of a square or of an exp is
known without the concept's name. For each chain of ``=`` whose sides are all computable:

1. two sides give different numbers on random inputs (a true equation never does);
2. one repair of :mod:`.repairs`, on one side, makes that side give the other's numbers;
3. the side repaired is not itself a concept as written (the other side is the evidence of
   what it should be), and the other side or the repaired one is a concept checked for that
   kind of slip, which the warning names.

A chain with an approximate or an ordered relation (≈, ≤, ∝) is no claim of equality and is
left alone, and so is a side where two different repairs would each do.
"""

from __future__ import annotations

import itertools

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Apply, Node, Relation, Symbol
from thirdroad.formula.deadline import checkpoint
from thirdroad.formula.evaluate import metered
from thirdroad.formula.nearmiss.repairs import Repair, repairs, replace_path
from thirdroad.formula.nearmiss.search import Slip, checked_for, differ, same_numbers
from thirdroad.formula.normal_form import canon
from thirdroad.formula.recognize import Found, Recognition, concepts_at

_EQUAL = frozenset({"eq", "def", "equiv"})
_MOST = 80  # repairs tried on one side
_LARGEST = 60  # parts of the largest side repaired
# the nodes all the repairs of a formula's equations may compute (evaluate.metered), the same on any
# machine: a long derivation's sides take long to compute, and a search past it says nothing
_BUDGET = 20_000  # the slips found on the development corpus and the slip set took at most 474


def equation_slips(rec: Recognition, seed: int = 0) -> list[Slip]:
    """The slips of the formula's equations (see the module docstring), one per equation."""
    out: list[Slip] = []
    with metered() as work:
        for path, node in rec.nodes.items():
            if not isinstance(node, Relation) or not set(node.ops) <= _EQUAL or len(node.operands) < 2:
                continue
            sides = [f"{path}.{k}" for k in range(len(node.operands))]
            slip = _one(rec, sides, seed, work)
            if slip is not None:
                out.append(slip)
    return out


def _one(rec: Recognition, sides: list[str], seed: int, work: list[int]) -> Slip | None:
    canons = {s: rec.canon_of.get(s) for s in sides}
    for wrong, right in itertools.permutations(sides, 2):
        if work[0] > _BUDGET:
            return None
        a, b = canons[wrong], canons[right]
        if a is None or b is None or _values(b) - _values(a) - _ADDED or differ(a, b, None, seed) is not True:
            continue  # a side using an input the other lacks: no repair of the other can agree with it
        if _concepts(rec, wrong) or sum(1 for _ in rec.nodes[wrong].walk()) > _LARGEST:
            continue  # a concept as written is the evidence, not the slip
        slip = _repair(rec, wrong, right, b, seed, work)
        if slip is not None:
            return slip
    return None


# the only names a repair puts in (a lost ε, Euler's e of a lost exp); a repair adds functions (a root), no inputs
_ADDED = frozenset({"epsilon", "varepsilon", "eps", "e"})


def _values(node: Node) -> frozenset[str]:
    """The names a side computes with (its inputs and settings, not the functions it applies)."""
    names = {n.name for n in node.walk() if isinstance(n, Symbol)}
    return frozenset(names - {a.func.name for a in node.walk() if isinstance(a, Apply) and isinstance(a.func, Symbol)})


def _repair(rec: Recognition, wrong: str, right: str, target: Node, seed: int, work: list[int]) -> Slip | None:
    """The one repair of side ``wrong`` that gives the numbers of side ``right``, as a slip of a
    concept checked for its kind (None where none or more than one repair does)."""
    node = rec.nodes[wrong]
    hits: list[tuple[Repair, Node]] = []
    for repair in itertools.islice(repairs(node, base=wrong), _MOST):
        checkpoint()
        if work[0] > _BUDGET:
            return None  # the numbers of every repair were not seen: no slip is said
        fixed = replace_path(node, "0" + repair.path[len(wrong):], repair.new)
        if same_numbers(canon(fixed), target, seed):
            hits.append((repair, fixed))
    if len({f for _, f in hits}) != 1:
        return None
    repair, fixed = hits[0]
    found = _named(rec, right, fixed, repair.kind, seed)
    if found is None:
        return None
    return Slip(found.concept, repair.kind, wrong, node, fixed, repair.what, found)


def _concepts(rec: Recognition, path: str) -> list[Found]:
    return [f for f in rec.found if f.path == path]


def _named(rec: Recognition, right: str, fixed: Node, kind: str, seed: int) -> Found | None:
    """The concept the slip is of: the repaired side's, or the other side's, checked for
    ``kind``."""
    wanted = checked_for(kind)
    cat = concepts_module.catalog()
    for f in concepts_at(canon(fixed), seed):
        if f.concept in wanted and f.concept in cat:
            return f
    for f in _concepts(rec, right):
        if f.concept in wanted:
            return f
    return None


__all__ = ["equation_slips"]
