"""A piece of math found in a document, and the delimiter scanner that Markdown, LaTeX and the
text of HTML pages share.

Offsets are 0-based character positions in the document as given (after newline
normalisation); ``Source.where`` turns one into "line 12, column 5".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["markdown", "latex", "html", "text", "python"]
FORMATS: tuple[Format, ...] = ("markdown", "latex", "html", "text", "python")


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One formula as written in the document.

    ``start``/``end`` cover the formula with its delimiters; ``text`` is the math inside them,
    cleaned of labels and alignment marks. ``how`` says how it was found (``$..$``,
    ``align``, ``MathJax script``, ``running text`` ...). ``written`` keeps the formula as the
    author wrote it when the author's own macros were expanded in ``text``.

    Plain text copied from a rendered page can break one formula over several lines (a
    fraction's numerator and denominator on lines of their own, a long sum wrapped); such a
    formula is rebuilt, and ``lines`` says from how many lines (1: it stood on one line).
    ``label`` is the equation number the page printed beside it (``"3"`` for ``(3)``), dropped
    from ``text``.
    """

    text: str
    start: int
    end: int
    display: bool
    how: str
    written: str = field(default="", compare=False)
    lines: int = field(default=1, compare=False)
    label: str = field(default="", compare=False)


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


def blank_all(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """``text`` with every range replaced by spaces (newlines kept), in one pass."""
    out: list[str] = []
    last = 0
    for start, end in sorted(ranges):
        start = max(start, last)
        if end <= start:
            continue
        out += [text[last:start], re.sub(r"[^\n]", " ", text[start:end])]
        last = end
    out.append(text[last:])
    return "".join(out)


def pair_up(text: str, opener: re.Pattern[str], closer: re.Pattern[str],
            key: Callable[[re.Match[str]], str] = lambda m: "") -> list[tuple[re.Match[str], re.Match[str]]]:
    """Each ``opener`` match with the first ``closer`` match after it that has the same ``key``
    (an environment's name, a tag's name); openers inside an earlier pair are skipped. Linear
    apart from the binary searches, where a lazy ``open.*?close`` pattern would rescan the rest
    of the document from every unclosed opener."""
    closers: dict[str, list[re.Match[str]]] = {}
    for match in closer.finditer(text):
        closers.setdefault(key(match), []).append(match)
    starts = {k: [m.start() for m in found] for k, found in closers.items()}
    pairs = []
    reached = 0
    for match in opener.finditer(text):
        if match.start() < reached:
            continue
        k = key(match)
        i = bisect.bisect_left(starts.get(k, []), match.end())
        if i < len(starts.get(k, [])):
            pairs.append((match, closers[k][i]))
            reached = closers[k][i].end()
    return pairs


def blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces (newlines kept), so offsets stay put."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


# ``\\(..\\)`` and ``\\[..\\]`` also with their backslash escaped, as Markdown that a renderer
# unescapes before MathJax reads it writes them (``\\\\( x \\\\)``, MDX pages).
# Inline ``$...$``: not ``$$``, no space just inside the dollars, no digit right after the
# closing one (so "costs $5 and $10" is money, not math), no escaped dollar.
_DELIMITERS = re.compile(
    r"(?<!\\)\$\$(?P<dd>.{1,5000}?)(?<!\\)\$\$"
    r"|(?P<besc>\\?)\\\[(?P<brack>.{1,5000}?)(?P=besc)\\\]"
    r"|(?P<pesc>\\?)\\\((?P<paren>.{1,5000}?)(?P=pesc)\\\)"
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
