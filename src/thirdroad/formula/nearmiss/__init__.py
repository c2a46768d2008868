"""Near-misses: a formula one slip away from a concept, and what the slip does.

"This looks like a softmax, but the sum in the denominator adds up the scores themselves, not
their exponentials; with x = [1, 2, 0.5], the weights as written add up to 3.9, not 1."

A near-miss is found on the recognised structure, never on strings: each kind of slip has a
repair (:mod:`.repairs`: put back an exp, a square root, a square, an ε, the sum or count a
normaliser should be; swap β and 1 − β; flip one sign), tried wherever in the formula the slip
could have been made. A repair counts only where it turns the formula into a concept the
catalog checks for that kind of slip and the written formula is no concept at all, where
recognition of the repaired formula names the concept with its usual evidence, and where the
written and the repaired formula give different numbers on inputs drawn from the concept's
declared domains (:mod:`.search`). Where the formula names a concept itself (or the object a
docstring documents does) and the numbers deny the name, small edits of
:mod:`thirdroad.formula.slips` are tried until the numbers agree (:mod:`.named`). A block of
update lines is repaired line by line and read again as a whole (:mod:`.blocks`). The warning
says what differs, what it does to the numbers on a small example (:mod:`.effects`) and what
was likely meant.

Conventions are never slips: 1/N against 1/(N-1), where ε sits, a batch norm's momentum that
weights the new value, Adan's order of βs are templates of their concepts, so a formula written
in any of them is a concept and is not repaired.

=================  ================================================
kind               repair
=================  ================================================
lost_exp           put ``exp`` back on a term, a sum's body, a part
lost_sqrt          put the square root back over a denominator
lost_square        square a value (a gradient, a difference)
swapped_beta       swap the weights β and 1 − β of two terms
flipped_sign       flip a term, an exponent, or the whole side
wrong_normaliser   sum the lone exponential, restore βᵗ, divide by n
wrong_weights      make the second weight 1 − β
missing_eps        add ε to a denominator or under a root
=================  ================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Apply, Block, Node, Power, Symbol, transform
from thirdroad.formula.latex import to_latex
from thirdroad.formula.named import context_concepts
from thirdroad.formula.nearmiss.blocks import block_slips
from thirdroad.formula.nearmiss.direction import sign_is_known
from thirdroad.formula.nearmiss.effects import effect
from thirdroad.formula.nearmiss.equal import equation_slips
from thirdroad.formula.nearmiss.named import named_slips
from thirdroad.formula.nearmiss.repairs import KINDS, E
from thirdroad.formula.nearmiss.search import Slip, checked_for, chunk_slips, family_of
from thirdroad.formula.phrases import concept_name, with_article
from thirdroad.formula.recognize import Recognition
from thirdroad.formula.unicode import to_unicode

if TYPE_CHECKING:
    from thirdroad.formula.blocks import BlockReading


@dataclass(frozen=True)
class Note:
    """Something in the formula that is almost, but not quite, a known concept.

    ``kind`` is ``"near_miss"``; ``slip`` the kind of slip (``lost_exp``, ``flipped_sign`` ...,
    the keys of ``thirdroad.concepts.NEAR_MISS_KINDS``); ``message`` says what differs, what it
    does to the numbers and the likely intended formula in plain Unicode (for a terminal).
    ``reason`` is the message without that formula; ``suggestion`` is the likely intended
    formula as a tree, which pages draw (MathML) and terminals spell (Unicode), and ``intended``
    its LaTeX, for the JSON.
    """

    kind: str
    concept: str
    message: str
    change: str = ""  # what differs, in a few words
    intended: str = ""  # the likely intended LaTeX
    span: tuple[int, int] = (0, 0)
    reason: str = ""  # the message up to "Likely meant:"
    suggestion: Node | None = field(default=None, compare=False)  # the likely intended formula
    slip: str = ""  # the kind of slip

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "concept": self.concept, "slip": self.slip, "message": self.message,
                "reason": self.reason or self.message, "intended": self.intended}


# Each kind of slip and the function that proposes its repairs (``repairs.KINDS``).
REPAIRS = tuple(KINDS.items())


def near_misses(rec: Recognition, seed: int = 0, context: str = "", block: BlockReading | None = None) -> list[Note]:
    """The near-miss warnings of a recognised formula (``context``: the words around it;
    ``block``: its reading as a block of update lines, if it is one)."""
    out: list[Note] = []
    seen: set[tuple[str, str]] = set()
    expected = rec.claims | frozenset(context_concepts(context))
    slips = block_slips(block, expected, seed) if block is not None else []
    whole = {family_of(s.concept): s.concept for s in slips}
    # a slip found for the whole block names what the block is: a line of it is no slip of
    # another optimizer of the same family (Adadelta's average is no RMSProp gone wrong)
    slips += [s for s in chunk_slips(rec, context, seed) if whole.get(family_of(s.concept), s.concept) == s.concept]
    slips += named_slips(rec, seed, frozenset(s.concept for s in slips))
    if not slips:
        slips = equation_slips(rec, seed)
    if block is not None and block.match is not None and not block.match.near_miss:
        # the block is read as a whole as this optimizer: a line of it is no slip of another
        # optimizer (Ng's RMSProp without ε is no "Adam without ε"); its own slips are still said
        family = family_of(block.match.concept)
        slips = [s for s in slips if s.concept == block.match.concept or family_of(s.concept) != family]
    for slip in (_owned(s, expected, rec) for s in slips):
        if (slip.concept, slip.kind) in seen:
            continue
        if slip.kind == "flipped_sign" and not sign_is_known(slip.concept, "theta" in slip.found.bindings,
                                                             rec.formula.root, context):
            continue  # gradient ascent on a log-likelihood, a velocity's sign: no slip (.direction)
        seen.add((slip.concept, slip.kind))
        out.append(note(slip))
    return out


def _owned(slip: Slip, expected: frozenset[str], rec: Recognition) -> Slip:
    """The slip said of the concept the words name, where the slip sits in a part of it: a
    bias correction that lost its power t in a block the docstring calls AdaBelief is AdaBelief's
    slip ("in its bias correction, ..."), a softmax that lost an exp inside what CrossEntropyLoss
    documents is the cross-entropy's. Only a concept checked for that kind of slip, built on the
    part that slipped, and only where the part is less than the whole formula and the words do
    not name the part itself."""
    cat = concepts_module.catalog()
    main = rec.main_path
    part = isinstance(rec.formula.root, Block) or slip.path == "" or slip.path.startswith(main + ".")
    if not part or slip.concept not in cat or slip.concept in expected:
        return slip  # the words name the part itself (Adam's box, which also says AMSGrad)
    for owner in sorted(expected):
        if owner in cat and owner != slip.concept and slip.kind in cat[owner].near_misses \
                and slip.concept in cat.ancestors(owner):
            what = f"in its {concept_name(cat[slip.concept])}, {slip.what}"
            return replace(slip, concept=owner, what=what)
    return slip


def note(slip: Slip) -> Note:
    """The warning for a slip found."""
    concept = concepts_module.catalog()[slip.concept]
    readable = _readable(slip.intended)
    says = effect(slip)
    reason = f"This looks like {with_article(concept_name(concept))}, but {slip.what}"
    reason += (f"; {says}" if says else "") + "."
    message = f"{reason} Likely meant: {to_unicode(readable)}"
    span = slip.span if slip.span is not None else slip.written.span
    return Note("near_miss", slip.concept, message, slip.what, to_latex(readable), span, reason, readable, slip.kind)


def _readable(fixed: Node) -> Node:
    """The suggestion as a learner can read it: where the scores are named e (e_{t,i}), e to the
    power e_{t,i} is written exp(e_{t,i})."""
    def spelled(node: Node) -> Node:
        if isinstance(node, Power) and node.base == E and any(
                isinstance(n, Symbol) and n.name == "e" for n in node.exp.walk()):
            return Apply(Symbol("exp"), (node.exp,))
        return node

    return transform(fixed, spelled)


__all__ = ["REPAIRS", "Note", "checked_for", "near_misses", "note"]
