"""A piece of math found in a document, and the delimiter scanner that Markdown, LaTeX and the
text of HTML pages share.

Offsets are 0-based character positions in the document as given (after newline
normalisation); ``Source.where`` turns one into "line 12, column 5".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["markdown", "latex", "html", "text"]
FORMATS: tuple[Format, ...] = ("markdown", "latex", "html", "text")


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One formula as written in the document.

    ``start``/``end`` cover the formula with its delimiters; ``text`` is the math inside them,
    cleaned of labels and alignment marks. ``how`` says how it was found (``$..$``,
    ``align``, ``MathJax script``, ``running text`` ...).
    """

    text: str
    start: int
    end: int
    display: bool
    how: str
    repaired_from: str = field(default="", compare=False)


class Source:
    """The document text with a line index, for locations and context sentences."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def where(self, offset: int) -> str:
        line, col = self.line_col(offset)
        return f"line {line}, column {col}"

    def offset_of(self, line: int, col: int) -> int:
        """The offset of a 1-based line and 0-based column (what ``html.parser`` reports)."""
        line = max(1, min(line, len(self._line_starts)))
        return min(len(self.text), self._line_starts[line - 1] + col)


def blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces (newlines kept), so offsets stay put."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


# Inline ``$...$``: not ``$$``, no space just inside the dollars, no digit right after the
# closing one (so "costs $5 and $10" is money, not math), no escaped dollar.
_DELIMITERS = re.compile(
    r"(?<!\\)\$\$(?P<dd>.+?)(?<!\\)\$\$"
    r"|\\\[(?P<brack>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$])\$(?!\s)(?P<d>[^$\n]*?[^\s\\$])\$(?![\d$])",
    re.DOTALL,
)
_HOW = {"dd": "$$..$$", "brack": r"\[..\]", "paren": r"\(..\)", "d": "$..$"}


def scan_delimited(text: str, base: int = 0) -> list[MathSpan]:
    """Every ``$$..$$``, ``\\[..\\]``, ``\\(..\\)`` and ``$..$`` in ``text``."""
    found = []
    for match in _DELIMITERS.finditer(text):
        group = match.lastgroup
        assert group is not None
        inner = match.group(group)
        if not inner.strip():
            continue
        found.append(MathSpan(inner.strip(), base + match.start(), base + match.end(),
                              group in ("dd", "brack"), _HOW[group]))
    return found
