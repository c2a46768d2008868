"""Finding a slip in a block of update lines: repair one line, and read the block again.

A block is named as a whole (``thirdroad.formula.blocks``): Adam is its three or five lines
together, and a slip in one of them (a lost square in the second moment, β and 1 − β swapped
in the first) leaves each line a fine formula of its own but the whole no longer Adam. So a
block that is not named, or named only as a near-miss, is repaired line by line: each repair of
:mod:`.repairs` that turns its line into (a part of) a concept checked for that kind of slip is
tried on the whole block, best first, and the block is read again. The slip is found where the
repaired block is named, cleanly, as a concept checked for that kind, and the repaired line
gives other numbers than the written one.

A block named cleanly is never repaired: whatever it computes, it computes that concept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from thirdroad import concepts
from thirdroad.formula.ast import Node, Relation, Symbol, Update, transform
from thirdroad.formula.evidence import agreement
from thirdroad.formula.nearmiss.repairs import EPSILON, Repair, repairs, replace_path, said
from thirdroad.formula.nearmiss.search import PRIORITY, Slip, checked_for, differ
from thirdroad.formula.normal_form import canon
from thirdroad.formula.recognize import Found, concepts_at
from thirdroad.formula.templates import compiled

if TYPE_CHECKING:
    from thirdroad.formula.blocks import BlockReading

_MOST = 4  # repaired blocks read again, best first (a block takes a while to read)


@dataclass(frozen=True)
class _Line:
    """A repair of one line: the line's number, its value as written and as repaired, and the
    concept the repaired line is (as a chunk)."""

    line: int
    written: Node
    value: Node
    repair: Repair
    found: Found
    score: int


# The block reader's differences that are slips when no source writes them so (a difference
# with a ``source`` is someone's convention: Ng's Adam without bias correction, AdaMax's paper
# without ε), and the kind of slip each one is.
_DIFFERENCE_SLIPS = {"no_eps": "missing_eps", "missing_square": "lost_square", "climbs": "flipped_sign",
                     "missing_exp": "lost_exp"}


def block_slips(block: BlockReading, expected: frozenset[str] = frozenset(), seed: int = 0) -> list[Slip]:
    """The slip of a block (see the module docstring); [] or one. ``expected``: the concepts the
    words around the block name, whose lines are tried first."""
    if _unsettled(block):
        return _repaired(block, _line_repairs(block, seed), expected, seed, lambda again: True)
    eps = _unused_eps(block)
    if eps is not None and "missing_eps" in _kinds(block.concept or ""):
        # the block declares an ε that no line reads: the line that divides lost it
        tried = [_with_symbol(c, eps) for c in _line_repairs(block, seed, frozenset({"missing_eps"}))]
        return _repaired(block, tried, expected | {block.concept or ""}, seed,
                         lambda again: again.concept == block.concept and _unused_eps(again) is None)
    differences = _differences(block)
    slips = {_DIFFERENCE_SLIPS[d] for d in differences if d in _DIFFERENCE_SLIPS}
    kinds = frozenset(slips) & _kinds(block.concept or "")
    if not kinds:
        return _in_an_option(block, expected, seed)
    # named, with a difference that is a slip: the repair must make that difference go
    wrong = differences & set(_DIFFERENCE_SLIPS)
    return _repaired(block, _line_repairs(block, seed, kinds), expected | {block.concept or ""}, seed,
                     lambda again: again.concept == block.concept and bool(wrong - _differences(again)))


def _in_an_option(block: BlockReading, expected: frozenset[str], seed: int) -> list[Slip]:
    """A slip in the lines of an option that is off: PyTorch's RMSProp box is RMSProp as read
    (momentum 0), and with μ ≠ 0 it reads lines the default leaves out. Where the box with an
    option on is no optimizer (or a near-miss), its lines are repaired as for any such block."""
    concept = block.concept or ""
    for other in block.variants:
        if not _unsettled(other):
            continue
        tried = _line_repairs(other, seed, _kinds(concept))
        found = _repaired(other, tried, expected | {concept}, seed, lambda again: not _unsettled(again))
        if found:
            return found
    return []


def _repaired(block: BlockReading, tried: list[_Line], expected: frozenset[str], seed: int,
              better: Callable[[BlockReading], bool]) -> list[Slip]:
    """The first repair, best first, after which the block is named cleanly as a concept checked
    for that kind of slip (and ``better`` holds), with a line that gives other numbers."""
    cat = concepts.catalog()
    related = {c for e in expected if e in cat for c in (e, *cat.ancestors(e))}
    ranked = sorted(tried, key=lambda c: (c.found.concept not in related, PRIORITY.index(c.repair.kind),
                                          -c.score, c.line))
    for c in ranked[:_MOST]:
        again = block.with_lines({c.line: c.value})
        concept = again.concept
        if concept is None or _unsettled(again) or c.repair.kind not in _kinds(concept) or not better(again):
            continue
        if differ(canon(c.written), canon(c.value), c.found, seed) is False:
            continue
        return [_slip(block, c, concept)]
    return []


def _unused_eps(block: BlockReading) -> Symbol | None:
    """The ε a block declares among its settings (the role eps) when no line reads it."""
    declared = [h.symbol for h in block.hypers.values() if h.role == "eps"]
    read = {n.name for a in block.program.assignments() for n in a.value.walk() if isinstance(n, Symbol)}
    if not declared or any(name in read for name in declared):
        return None
    return Symbol(declared[0])


def _with_symbol(c: _Line, eps: Symbol) -> _Line:
    """A repair that put ε back, written with the block's own ε (ε, ϵ or eps)."""
    swap = {EPSILON: eps}
    value = transform(c.value, lambda n: swap.get(n, n))
    repair = replace(c.repair, new=transform(c.repair.new, lambda n: swap.get(n, n)))
    return replace(c, value=value, repair=repair)


def _differences(block: BlockReading) -> set[str]:
    """The keys of the block's differences from the canonical form that no source writes so."""
    diffs = block.match.differences if block.match is not None else \
        block.layer.differences if block.layer is not None else ()
    return {d.key for d in diffs if not d.source}


def _unsettled(block: BlockReading) -> bool:
    """Not named, or named only as a near-miss (a layer or an optimizer that computes something else)."""
    if block.match is not None:
        return block.match.near_miss
    if block.layer is not None:
        return block.layer.near_miss
    return block.roles is not None


def _kinds(concept: str) -> frozenset[str]:
    return frozenset(concepts.get(concept).near_misses) if concept in concepts.catalog() else frozenset()


def _line_repairs(block: BlockReading, seed: int, kinds: frozenset[str] | None = None) -> list[_Line]:
    """Each repair of a line that makes the line (a part of) a concept checked for its kind."""
    out: list[_Line] = []
    for a in block.program.assignments():
        seen: set[Node] = set()
        for repair in repairs(a.value, kinds, update=True):
            value = replace_path(a.value, repair.path, repair.new)
            if value in seen:
                continue
            seen.add(value)
            wanted = _line_concepts(repair.kind)
            hits = [f for f in concepts_at(canon(value), seed) if f.concept in wanted]
            if hits:
                ct = compiled(hits[0].template)
                score = agreement(ct, hits[0].bindings) if ct is not None else 0
                out.append(_Line(a.line, a.value, value, repair, hits[0], score))
    return out


@cache
def _line_concepts(kind: str) -> frozenset[str]:
    """What a repaired line may be: a concept checked for the kind of slip, or a part one of
    them is built on (Adadelta's average of squared gradients is an EMA, a part of Adadelta);
    whether the whole is then the concept is decided by reading the repaired block."""
    cat = concepts.catalog()
    wanted = checked_for(kind)
    return wanted | frozenset(a for c in wanted if c in cat for a in cat.ancestors(c))


def _slip(block: BlockReading, c: _Line, concept: str) -> Slip:
    """The slip, said about the line it is in, with the repaired line as the intended formula."""
    assign = next(a for a in block.program.assignments() if a.line == c.line)
    line = assign.node
    intended: Node = c.value
    if isinstance(line, Update):
        intended = Update(line.target, c.value, line.op)
    elif isinstance(line, Relation):
        intended = Relation(line.ops, (*line.operands[:-1], c.value))
    target = line.target if isinstance(line, Update) else line.operands[0] if isinstance(line, Relation) else None
    what = f"in the line for {said(target)}, {c.repair.what}" if target is not None else c.repair.what
    return Slip(concept, c.repair.kind, "", c.written, intended, what, c.found, span=(0, len(block.text)))


__all__ = ["block_slips"]
