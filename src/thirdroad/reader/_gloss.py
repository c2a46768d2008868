"""What the sentence around a lone name calls it: "the learning rate ⟨\\eta⟩" glosses η as the
learning rate. Only a noun phrase that opens with an article or a possessive, right before the
name, counts; anything less certain is left unsaid rather than guessed."""

from __future__ import annotations

import re

from thirdroad.formula import Formula

_OPENERS = {"the": "the", "a": "a", "an": "an", "its": "the", "their": "the", "his": "the", "her": "the",
            "our": "the", "each": "each", "every": "every"}
# words that end a noun phrase: what comes before them is not part of the name's description
_STOPS = frozenset({
    "of", "in", "on", "over", "to", "from", "by", "with", "and", "or", "but", "as", "at", "for", "per",
    "into", "onto", "than", "that", "which", "is", "are", "was", "were", "be", "been", "has", "have", "had",
    "keeps", "takes", "uses", "gives", "makes", "where", "when", "while", "then", "so", "if",
})
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


def sentence_gloss(formula: Formula | None, text: str, context: str) -> str:
    """The noun phrase just before ``⟨text⟩`` in ``context`` ("the last hidden state"), when the
    formula is one name; "" otherwise."""
    if formula is None or formula.root.kind != "symbol":
        return ""
    marked = f"⟨{text}⟩"
    at = context.find(marked)
    if at < 0:
        return ""
    before = context[:at].rsplit("⟩", 1)[-1]
    if before.rstrip() != before.rstrip().rstrip(",;:"):
        return ""  # "Q, K": a list, not a description
    words = before.split()
    phrase: list[str] = []
    for word in reversed(words[-6:]):
        if not _WORD.fullmatch(word) or word.lower() in _STOPS:
            return ""
        if word.lower() in _OPENERS:
            if not phrase:
                return ""
            head = [w for w in phrase if w.lower() != "own"]
            return " ".join([_OPENERS[word.lower()], *head]) if head else ""
        phrase.insert(0, word)
        if len(phrase) > 4:
            return ""
    return ""
