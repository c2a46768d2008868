"""Common misstatements about a concept, and the patterns that spot them in prose.

A misstatement is a thing people often *say* wrongly about a concept ("RMSProp averages the
squared weights", "the gradient points downhill"). The catalog records it beside the concept's
words, so that a reader of any document can note it kindly where a sentence makes it::

    [[concept.misstatement]]
    says = "a moving average of the squared weights"       # the slip, in a few words
    note = "RMSProp averages the squared gradients ..."   # what is right, kindly and briefly
    spot = ['(?i)\\baverage\\b.{0,40}\\bsquared weights\\b']  # every pattern matches the sentence
    unless = ['(?i)squared gradients']                     # optional: any match, the sentence is right
    near = ['(?i)\\bRMSProp\\b']                           # optional: some pattern matches the sentence
                                                           # or one of the two on either side
    example = ["RMSProp keeps a running average of the squared weights."]   # spotted, each alone
    correct = ["RMSProp keeps a running average of the squared gradients."] # never spotted

Patterns are Python regular expressions, searched in one sentence of prose (formulas blanked);
they are case-sensitive unless they say ``(?i)``, so an acronym such as RBF can be told from a
word. The loader checks that every ``example`` is spotted and no ``correct`` sentence is: the
data carries its own oracle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: How many sentences on either side of the spotted one ``near`` may be met in.
NEAR_SENTENCES = 2


@dataclass(frozen=True)
class Misstatement:
    """One common slip about a concept: what is said, what is right, and how to spot it."""

    concept: str
    says: str
    note: str
    spot: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    near: tuple[re.Pattern[str], ...] = ()
    example: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()

    def spots(self, sentence: str, around: Sequence[str] = ()) -> bool:
        """Whether ``sentence`` makes this slip; ``around`` holds the sentences near it (for
        ``near``; the sentence itself counts too)."""
        if not all(p.search(sentence) for p in self.spot):
            return False
        if any(p.search(sentence) for p in self.unless):
            return False
        if self.near:
            return any(p.search(text) for p in self.near for text in (sentence, *around))
        return True

    def to_dict(self) -> dict[str, object]:
        return {"says": self.says, "note": self.note, "spot": [p.pattern for p in self.spot],
                "unless": [p.pattern for p in self.unless], "near": [p.pattern for p in self.near]}


MISSTATEMENT_KEYS = frozenset({"says", "note", "spot", "unless", "near", "example", "correct"})


def _patterns(raw: object, key: str) -> tuple[re.Pattern[str], ...]:
    if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
        raise ValueError(f"{key!r} must be a list of regular expressions")
    out = []
    for pattern in raw:
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"{key!r} pattern {pattern!r} is not a regular expression: {exc}") from None
    return tuple(out)


def _texts(raw: object, key: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        raise ValueError(f"{key!r} must be a list of sentences")
    return tuple(" ".join(t.split()) for t in raw)


def misstatement(concept: str, raw: object) -> Misstatement:
    """One ``[[concept.misstatement]]`` table, checked; raises ValueError saying what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("each [[concept.misstatement]] must be a table")
    unknown = sorted(set(raw) - MISSTATEMENT_KEYS)
    if unknown:
        allowed = ", ".join(sorted(MISSTATEMENT_KEYS))
        raise ValueError(f"unknown key {unknown[0]!r} in a misstatement; allowed: {allowed}")
    says, note = raw.get("says"), raw.get("note")
    if not isinstance(says, str) or not says.strip() or not isinstance(note, str) or not note.strip():
        raise ValueError("a misstatement needs 'says' (the slip) and 'note' (what is right)")
    note = " ".join(note.split())
    if not note.endswith("."):
        raise ValueError(f"the note of misstatement {says!r} must be full sentences ending with a full stop")
    found = Misstatement(
        concept, " ".join(says.split()), note,
        spot=_patterns(raw.get("spot"), "spot"),
        unless=_patterns(raw.get("unless", []), "unless"),
        near=_patterns(raw.get("near", []), "near"),
        example=_texts(raw.get("example"), "example"),
        correct=_texts(raw.get("correct", []), "correct"),
    )
    if not found.spot or not found.example:
        raise ValueError(f"misstatement {says!r} needs at least one 'spot' pattern and one 'example'")
    for sentence in found.example:
        if not found.spots(sentence):
            raise ValueError(f"misstatement {says!r}: its example {sentence!r} is not spotted by its patterns")
    for sentence in found.correct:
        if found.spots(sentence):
            raise ValueError(f"misstatement {says!r}: the correct sentence {sentence!r} is spotted")
    return found
