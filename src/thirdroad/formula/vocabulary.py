"""The characters and words of written math, for telling a formula from the prose around it:
the document reader finds the formulas of a plain-text copy with them. Read from the parser's
own tables, so that what the parser can read and what the reader looks for stay one list."""

from __future__ import annotations

from thirdroad.formula.repair import CAPITALISED_COMMANDS, TRANSLATIONS
from thirdroad.formula.tables import (
    DASHES,
    GREEK,
    LATEX_FUNCTIONS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    UNICODE_GREEK,
    WORD_FUNCTIONS,
)

#: Raised and lowered characters (``²``, ``₁``), each with the plain character it stands for.
RAISED: dict[str, str] = dict(SUPERSCRIPTS)
LOWERED: dict[str, str] = dict(SUBSCRIPTS)
#: Characters found only in math: Greek letters, raised and lowered characters, minus signs.
MATH_CHARACTERS: frozenset[str] = frozenset(UNICODE_GREEK) | frozenset(SUPERSCRIPTS) | frozenset(SUBSCRIPTS) | DASHES
#: Words that name math: Greek letters spelled out, function names, and the misspellings of a
#: damaged copy that the parser repairs (``fraud`` for ``frac``).
MATH_WORDS: frozenset[str] = frozenset(GREEK) | LATEX_FUNCTIONS | WORD_FUNCTIONS | frozenset(TRANSLATIONS) \
    | frozenset(w.capitalize() for w in CAPITALISED_COMMANDS)  # Mathbf, as a sentence starts
#: The dashes a copy writes for a minus sign.
MINUS_SIGNS: frozenset[str] = DASHES

__all__ = ["LOWERED", "MATH_CHARACTERS", "MATH_WORDS", "MINUS_SIGNS", "RAISED"]
