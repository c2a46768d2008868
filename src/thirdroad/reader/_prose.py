"""The prose of a document cut into sentences, each with its place, for notes on the words.

A sentence keeps the formulas that stand in it (as their text), so that a pattern can see
"the negative gradient -∇f"; its boundaries are found with every formula blanked, so that the
dots of "0.9" or "\\cdots" never end one. Besides full stops, a sentence ends at a blank line, and
at a line break before a capital when the line before ends a sentence or is short (a heading
of a page saved as text, an item of a list).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from thirdroad.reader._html import html_prose
from thirdroad.reader._latex import mask_structure
from thirdroad.reader._markdown import mask_code
from thirdroad.reader._python import python_prose
from thirdroad.reader._spans import Format

_BREAK = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[A-Z\d\"“‘(])|\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"\n[ \t]*(?=[A-Z\d\"“‘(•*-])")
#: A line at most this long, ending without a full stop, is a heading or an item, not a sentence
#: wrapped over lines.
SHORT_LINE = 60


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text`` with spaces normalised and its formulas as written (for patterns),
    ``shown`` with its formulas as a reader sees them, ``start``/``end`` in the document."""

    start: int
    end: int
    text: str
    shown: str


@dataclass(frozen=True)
class Math:
    """A formula of the document, as the sentences hold it."""

    start: int
    end: int
    text: str  # as written (patterns see this)
    shown: str  # as a reader sees it (Unicode)
    display: bool = False


def prose_of(text: str, fmt: Format) -> str:
    """The document with what is not prose blanked, offsets kept (code, tags, preamble)."""
    masks = {"html": html_prose, "latex": mask_structure, "markdown": mask_code, "python": python_prose}
    return masks[fmt](text) if fmt in masks else text


def _fill(prose: str, formulas: Sequence[Math], how: str) -> str:
    """``prose`` with each formula blanked, written as its text, or as shown (offsets kept; a
    formula longer than its place is cut, which only patterns and quotes see)."""
    chars = list(prose)
    for math in formulas:
        width = math.end - math.start
        written = {"blank": "", "text": math.text, "shown": math.shown}[how]
        filled = f" {written} " if written else ""
        chars[math.start:math.end] = list(filled[:width].ljust(width))
    return "".join(chars)


def _breaks(blanked: str, formulas: Sequence[Math]) -> list[int]:
    cuts = {m.end() for m in _BREAK.finditer(blanked)}
    for math in formulas:  # a displayed formula stands between sentences
        if math.display:
            cuts.update((math.start, math.end))
    for match in _LINE_BREAK.finditer(blanked):
        line_start = blanked.rfind("\n", 0, match.start()) + 1
        line = blanked[line_start:match.start()].rstrip()
        if line.endswith((".", "!", "?", ":", ";")) or len(line) <= SHORT_LINE:
            cuts.add(match.start() + 1)
    return sorted(cuts)


def blanked_prose(document: str, fmt: Format, formulas: Sequence[Math] = ()) -> str:
    """The document's prose with what is not prose and every formula blanked (offsets kept)."""
    return _fill(prose_of(document, fmt), formulas, "blank")


def sentences(document: str, fmt: Format, formulas: Sequence[Math] = ()) -> list[Sentence]:
    """The document's sentences in order (a displayed formula alone is none)."""
    prose = prose_of(document, fmt)
    blanked = _fill(prose, formulas, "blank")
    written = _fill(prose, formulas, "text")
    shown = _fill(prose, formulas, "shown")
    out = []
    bounds = sorted({0, *_breaks(blanked, formulas), len(prose)})
    for start, end in itertools.pairwise(bounds):
        if not re.search(r"[A-Za-z]{2}", blanked[start:end]):
            continue
        lead = len(blanked[start:end]) - len(blanked[start:end].lstrip())
        end = start + len(blanked[start:end].rstrip())
        out.append(Sentence(start + lead, end, " ".join(written[start:end].split()),
                            " ".join(shown[start:end].split())))
    return out
