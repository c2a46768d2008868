"""The explanation's data: a :class:`Chunk` (a part of the formula that is a known concept),
the three lenses, and the chunks grouped by place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: The three lenses: key, title in the terminal, label on a page.
LENSES = (("names", "Names", "what it is called"),
          ("reading_order", "Reading order", "how to read it"),
          ("action", "Action", "what it does"))


@dataclass(frozen=True)
class Chunk:
    """A part of the formula that is a known concept.

    A part that is several concepts at once (attention weights are a softmax) gives one chunk
    per concept, with the same ``span``; ``also`` lists the others. A part that is one line
    *of* a larger concept (the EMA line is Adam's first moment) is not a second identity: the
    larger concept is listed in ``part_of``, and ``inside`` says which part it plays. A line
    that is one part of its own concept (RMSProp's running average of squared gradients, Adam's
    step) names that ``part``; ``does`` says what the line does. An optimizer that takes a step
    of the same form with other inputs (RMSProp's step, where Adam divides m̂ rather than the
    gradient) is a relation too, listed in ``same_form_as`` and told in ``like``.
    """

    concept: str
    latex: str
    span: tuple[int, int]
    bindings: dict[str, str]
    method: str  # "structural" or "numeric"
    says: str = ""
    path: str = field(default="0", compare=False)  # where in the tree (``data-node`` in the MathML)
    also: tuple[str, ...] = field(default=(), compare=False)
    confirmed: bool = field(default=False, compare=False)
    words: str = field(default="", compare=False)  # the chunk read aloud
    part_of: tuple[str, ...] = ()  # concepts this chunk is one line of (Adam, Lion for an EMA)
    inside: str = field(default="", compare=False)  # that relation in a sentence
    part: str = ""  # the part of its concept this line is ("step", "first moment"); "" for the whole
    does: str = field(default="", compare=False)  # what that part does
    same_form_as: tuple[str, ...] = ()  # optimizers whose step has this form, with other inputs
    like: str = field(default="", compare=False)  # that relation in a sentence
    notation: str = field(default="", compare=False)  # the chunk in plain Unicode: ∇_θ L(θ)

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept, "latex": self.latex, "span": list(self.span),
                "bindings": dict(self.bindings), "method": self.method, "says": self.says,
                "part": self.part, "part_of": list(self.part_of), "same_form_as": list(self.same_form_as)}


def by_path(chunks: Sequence[Chunk]) -> dict[str, list[Chunk]]:
    """The chunks grouped by the part of the formula they sit on, in order."""
    groups: dict[str, list[Chunk]] = {}
    for c in chunks:
        groups.setdefault(c.path, []).append(c)
    return groups
