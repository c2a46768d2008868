"""``find_math``: which kind of document this is, where its formulas are, and the sentence and
section each one sits in."""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

from thirdroad.formula import checkpoint
from thirdroad.reader._html import find_html, html_prose
from thirdroad.reader._latex import find_latex, mask_structure
from thirdroad.reader._markdown import find_markdown, mask_code
from thirdroad.reader._plain import find_plain
from thirdroad.reader._python import find_python, python_prose
from thirdroad.reader._spans import FORMATS, Format, MathSpan, Source
from thirdroad.reader._text_latex import find_text_latex
from thirdroad.reader._translated_arrays import blank_lines, translated_arrays

_SUFFIXES: dict[str, Format] = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".rmd": "markdown", ".qmd": "markdown",
    ".tex": "latex", ".ltx": "latex", ".latex": "latex",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text",
    ".py": "python",
}
CONTEXT_CHARS = 320
_NEIGHBOURS = 4  # formulas shown on each side of one in its sentence, at most


def format_of(text: str, suffix: str = "") -> Format:
    """The document's kind: by file suffix when it is a known one, else by what the text holds."""
    if suffix.lower() in _SUFFIXES:
        return _SUFFIXES[suffix.lower()]
    head = text[:5000]
    if re.search(r"<(?:html|body|p|div|math|script|span|h[1-6])\b", head, re.IGNORECASE):
        return "html"
    if re.search(r"\\(?:documentclass|begin\{(?:document|equation|align)|section\{)", text):
        return "latex"
    if re.search(r"\$[^$\n]+\$|\\\(|\\\[|^#{1,6} ", text, re.MULTILINE):
        return "markdown"
    return "text"


def _find_text(text: str) -> list[MathSpan]:
    """Plain text: the LaTeX a saved page kept (``\\[..\\]``, ``\\(..\\)``), then math in the prose."""
    translated, _ = translated_arrays(text)  # noted as a whole, never parsed (reader/_translated_arrays.py)
    delimited, rest = find_text_latex(blank_lines(text, translated))
    return sorted(delimited + find_plain(rest), key=lambda s: s.start)


def find_spans(text: str, fmt: Format) -> list[MathSpan]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}: use one of {', '.join(FORMATS)}")
    finder = {"markdown": find_markdown, "latex": find_latex, "html": find_html, "text": _find_text,
              "python": find_python}[fmt]
    return finder(text)


# ---------------------------------------------------------------- where and in which sentence


@dataclass(frozen=True)
class Place:
    line: int
    column: int
    section: str
    context: str

    @property
    def location(self) -> str:
        where = f"line {self.line}, column {self.column}"
        return f"{self.section} · {where}" if self.section else where


_HEADINGS = {
    "markdown": re.compile(r"^#{1,6}[ \t]+(?P<title>[^\n]+?)[ \t#]*$", re.MULTILINE),
    "latex": re.compile(r"\\(?:sub)*section\*?\{(?P<title>[^{}]*)\}"),
    "html": re.compile(r"<h[1-6]\b[^>]{0,500}>(?P<title>.{0,500}?)</h[1-6]\s*>", re.IGNORECASE | re.DOTALL),
    "text": re.compile(r"(?:^|\n\n)(?P<title>[A-Z0-9][^\n.!?:;=]{2,60})\n(?:[=-]{3,}\n)?\n", re.MULTILINE),
    "python": re.compile(r"^[ \t]*(?:async[ \t]+)?(?P<title>(?:def|class)[ \t]+\w+)", re.MULTILINE),
}
_LATEX_WRAPPERS = re.compile(r"\\(?:emph|textbf|textit|texttt|mathrm|text|underline)\{([^{}]*)\}")
_LATEX_DROPPED = re.compile(r"\\(?:cite[pt]?|label|ref|eqref|footnote|url)\{[^{}]*\}|\\[A-Za-z]+\*?")
_MD_MARKS = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`#>]+(?=\S)|(?<=\S)[*_`]+")
_PROSE_WORD = re.compile(r"[A-Za-z]{2,}")
_ANGLED = re.compile(r"⟨[^⟩]*⟩|\[this formula\]")
_FORMULA_MASK = "\u2063"
_INVISIBLE = str.maketrans({"\u2060": " ", _FORMULA_MASK: " "})
_NEW_SENTENCE = re.compile(r"[ \t\u2060]*\n[\s\u2060]*[A-Z]")
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\d(\"“$\\\u2060\u2063])|\n[ \t]*\n")


_LEFT_OUT = {"python": "lines of code (a Python file's prose is its docstrings and comments)",
             "markdown": "lines with code (code blocks and `inline code`: math written there is code, not a formula)"}


def left_out(text: str, fmt: Format) -> str:
    """What the reading does not read, and why ("" when nothing): the lines of the document where
    its prose leaves out words or numbers (Python's code, Markdown's code blocks; not the quotes
    around a docstring, a fence, a comment's mark)."""
    if fmt not in _LEFT_OUT:
        return ""
    prose = {"python": python_prose, "markdown": mask_code}[fmt](text)
    lines = sum(1 for written, kept in zip(text.split("\n"), prose.split("\n"), strict=True)
                if any(c.isalnum() and k == " " for c, k in zip(written, kept, strict=True)))
    return f"{lines} {_LEFT_OUT[fmt]}" if lines else ""


class Placer:
    """Finds the section and the context sentence of each formula of one document."""

    def __init__(self, text: str, fmt: Format, spans: list[MathSpan]) -> None:
        self.source = Source(text)
        self.fmt = fmt
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.ends = [s.end for s in self.spans]
        prose = {"html": html_prose, "latex": mask_structure, "markdown": mask_code,
                 "python": python_prose}.get(fmt, lambda t: t)(text)
        # Boundaries are looked for in the prose with every formula blanked, so that the dots of
        # "0.9" or "\cdots" inside math never end a sentence.
        chars = list(prose)
        for span in self.spans:
            for i in range(span.start, min(span.end, len(chars))):
                if chars[i] != "\n":
                    chars[i] = _FORMULA_MASK
        self.masked = "".join(chars)
        breaks = {m.end() for m in _BREAK.finditer(self.masked)}
        # A display formula followed by a new line that starts with a capital ends its sentence
        # even without a full stop (papers often leave it out).
        breaks.update(s.end for s in spans if s.display and _NEW_SENTENCE.match(self.masked, s.end))
        self.breaks = sorted(breaks)
        headings = [(m.start(), self._clean(m.group("title"))) for m in _HEADINGS[fmt].finditer(text)]
        self.heading_starts = [start for start, _ in headings]
        self.heading_titles = [title for _, title in headings]

    def _clean(self, text: str) -> str:
        if self.fmt == "latex":
            text = _LATEX_WRAPPERS.sub(r"\1", text)
            text = _LATEX_DROPPED.sub("", text).replace("~", " ").replace("{", "").replace("}", "")
        elif self.fmt == "html":
            text = html.unescape(re.sub(r"<[^>]*>", "", text))
        elif self.fmt == "markdown":
            text = _MD_MARKS.sub(lambda m: m.group(1) or "", text)
        return re.sub(r"\s+", " ", text).strip()

    def section(self, offset: int) -> str:
        """The title of the last heading before ``offset`` ("" before the first)."""
        k = bisect.bisect_right(self.heading_starts, offset) - 1
        return self.heading_titles[k] if k >= 0 else ""

    def context(self, span: MathSpan) -> str:
        """The sentence around the formula, with this formula as ``[this formula]`` when it is
        long and the other formulas in it as ``⟨their text⟩``. A display formula standing alone
        gets the sentence before it, which usually introduces it."""
        i = bisect.bisect_right(self.breaks, span.start) - 1
        j = bisect.bisect_left(self.breaks, span.end)
        end = self.breaks[j] if j < len(self.breaks) else len(self.masked)
        sentence = self._sentence(span, self.breaks[i] if i >= 0 else 0, end)
        for _ in range(2):  # at most two sentences back
            if i < 0 or len(_PROSE_WORD.findall(_ANGLED.sub("", sentence))) >= 3:
                break
            i -= 1
            sentence = self._sentence(span, self.breaks[i] if i >= 0 else 0, end)
        return sentence

    def _sentence(self, span: MathSpan, start: int, end: int) -> str:
        if end - start > 4 * CONTEXT_CHARS:  # a "sentence" this long is a page without full stops
            start, end = max(start, span.start - CONTEXT_CHARS), min(end, span.end + CONTEXT_CHARS)
        pieces: list[str] = []
        cursor = start
        # spans are in document order and do not overlap: only those from the first one ending
        # after ``start`` to the last one starting before ``end`` can be in the sentence
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        # a sentence shows at most a few formulas on each side of this one: a page of thousands of
        # formulas and no prose (400,000 dollar signs) would otherwise make each sentence from
        # hundreds of pieces, and the reading time grow with the square of the page
        here = bisect.bisect_left(self.starts, span.start)
        if first < here - _NEIGHBOURS:
            first, start = here - _NEIGHBOURS, max(start, self.spans[here - _NEIGHBOURS].start)
        if last > here + _NEIGHBOURS + 1:
            last, end = here + _NEIGHBOURS + 1, min(end, self.spans[here + _NEIGHBOURS].end)
        for other in self.spans[first:last]:
            if other.end <= start or other.start >= end:
                continue
            pieces.append(self._clean(self.masked[cursor:max(cursor, other.start)].translate(_INVISIBLE)))
            mine = other is span
            pieces.append("[this formula]" if mine and len(other.text) > 40 else f"⟨{other.text}⟩")
            cursor = max(cursor, other.end)
        pieces.append(self._clean(self.masked[cursor:end].translate(_INVISIBLE)))
        sentence = re.sub(r"\s+", " ", " ".join(p for p in pieces if p)).strip()
        sentence = re.sub(r"\s+([,.;:!?])", r"\1", sentence)
        if len(sentence) > CONTEXT_CHARS:
            sentence = sentence[: CONTEXT_CHARS - 1].rstrip() + "…"
        return sentence

    def place(self, span: MathSpan) -> Place:
        line, column = self.source.line_col(span.start)
        return Place(line, column, self.section(span.start), self.context(span))


def find_math(text: str, fmt: Format | None = None) -> list[tuple[MathSpan, Place]]:
    """Every formula in ``text`` with its place (line, column, section, context sentence)."""
    return find_first_math(text, fmt)[0]


def find_first_math(text: str, fmt: Format | None = None,
                    limit: int | None = None) -> tuple[list[tuple[MathSpan, Place]], int]:
    """The first ``limit`` formulas of ``text`` with their places, and how many more there are
    (found, but not placed: they will not be read)."""
    kind = fmt or format_of(text)
    spans = find_spans(text, kind)
    placer = Placer(text, kind, spans)
    placed = []
    for span in spans[:limit]:
        checkpoint()
        placed.append((span, placer.place(span)))
    return placed, len(spans) - len(placed)
