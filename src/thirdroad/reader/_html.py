"""Math in HTML pages, in the forms the usual renderers leave behind:

- MathJax: ``<script type="math/tex">`` (``; mode=display`` for display math), and the raw
  ``\\(..\\)``, ``\\[..\\]``, ``$$..$$`` still in the page's text before MathJax runs;
- KaTeX: ``<annotation encoding="application/x-tex">`` inside its ``<math>`` (its visual copy,
  ``katex-html``, is skipped so nothing is read twice);
- plain ``<math>`` MathML without a TeX annotation, read back into LaTeX;
- images of formulas whose ``alt`` holds the LaTeX (``<img class="latex" alt="...">``).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import ClassVar

from thirdroad.reader._latex import clean_math
from thirdroad.reader._spans import MathSpan, blank, scan_delimited

_SCRIPT_TEX = re.compile(
    r"<script\b[^>]*type\s*=\s*[\"']?math/tex(?P<mode>[^\"'>]*)[\"']?[^>]*>(?P<body>.*?)</script\s*>",
    re.DOTALL | re.IGNORECASE,
)
_MATH = re.compile(r"<math\b(?P<attrs>[^>]*)>(?P<body>.*?)</math\s*>", re.DOTALL | re.IGNORECASE)
_ANNOTATION = re.compile(
    r"<annotation\b[^>]*encoding\s*=\s*[\"']application/x-tex[\"'][^>]*>(?P<body>.*?)</annotation\s*>",
    re.DOTALL | re.IGNORECASE,
)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"(?P<name>[a-zA-Z-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))")
_SKIPPED = re.compile(r"<(script|style|code|pre|textarea|svg)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|table|tr|td|th|br|hr|section|article|blockquote|figure)\b[^>]*>",
                        re.IGNORECASE)


def attributes(tag: str) -> dict[str, str]:
    return {m.group("name").lower(): html.unescape(m.group("dq") or m.group("sq") or m.group("bare") or "")
            for m in _ATTR.finditer(tag)}


def _katex_visual_copies(text: str) -> list[tuple[int, int]]:
    """Spans of ``<span class="katex-html">`` elements, matched to their closing tag."""
    spans = []
    for match in re.finditer(r"<span\b[^>]*class\s*=\s*[\"'][^\"']*katex-html[^\"']*[\"'][^>]*>", text):
        depth = 1
        for tag in re.finditer(r"<span\b[^>]*>|</span\s*>", text[match.end():]):
            depth += -1 if tag.group().startswith("</") else 1
            if depth == 0:
                spans.append((match.start(), match.end() + tag.end()))
                break
    return spans


class _MathMLReader(HTMLParser):
    """Reads MathML presentation markup back into LaTeX, element by element."""

    _SCRIPTS: ClassVar[dict[str, str]] = {
        "msub": "{0}_{{{1}}}", "msup": "{0}^{{{1}}}", "msubsup": "{0}_{{{1}}}^{{{2}}}",
                "munder": "{0}_{{{1}}}", "mover": "{0}^{{{1}}}", "munderover": "{0}_{{{1}}}^{{{2}}}",
                "mfrac": "\\frac{{{0}}}{{{1}}}", "mroot": "\\sqrt[{1}]{{{0}}}"}
    _SYMBOLS: ClassVar[dict[str, str]] = {
        "∑": "\\sum ", "∏": "\\prod ", "√": "\\sqrt ", "∇": "\\nabla ", "∂": "\\partial ",
                "←": "\\leftarrow ", "⋅": "\\cdot ", "·": "\\cdot ", "×": "\\times ", "⊙": "\\odot ",
                "⊤": "\\top ", "∈": "\\in ", "≤": "\\le ", "≥": "\\ge ", "≈": "\\approx ", "∞": "\\infty ",
                "\u2062": " ", "\u2061": "", "−": "-"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str]]] = [("math", [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag.lower(), []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return  # <mspace/>, <none/>: nothing to read

    def handle_endtag(self, tag: str) -> None:
        if len(self.stack) < 2:
            return
        name, parts = self.stack.pop()
        self.stack[-1][1].append(self._join(name, parts))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1][1].append("".join(self._SYMBOLS.get(c, c) for c in data.strip()))

    def _join(self, name: str, parts: list[str]) -> str:
        if name in ("annotation", "annotation-xml"):
            return ""
        if name in self._SCRIPTS and len(parts) >= self._SCRIPTS[name].count("{{"):
            return self._SCRIPTS[name].format(*parts)
        if name == "msqrt":
            return "\\sqrt{" + " ".join(parts) + "}"
        if name == "mi" and len("".join(parts)) > 1 and not "".join(parts).startswith("\\"):
            return "\\operatorname{" + "".join(parts) + "}"
        if name == "mtr":
            return " ".join(parts) + " \\\\ "
        if name == "mtable":
            return "\\begin{matrix}" + " ".join(parts).rstrip("\\ ") + "\\end{matrix}"
        if name == "mtd":
            return " ".join(parts) + " &"
        return " ".join(parts)

    def text(self) -> str:
        while len(self.stack) > 1:
            name, parts = self.stack.pop()
            self.stack[-1][1].append(self._join(name, parts))
        return re.sub(r"&\s*\\\\", r"\\\\", " ".join(self.stack[0][1])).rstrip("& ")


def mathml_to_latex(markup: str) -> str:
    """LaTeX for presentation MathML (the inside of a ``<math>`` element)."""
    reader = _MathMLReader()
    reader.feed(markup)
    reader.close()
    return re.sub(r"\s+", " ", reader.text()).strip()


def find_html(text: str) -> list[MathSpan]:
    """Every formula of an HTML page, in document order."""
    found: list[MathSpan] = []
    for match in _SCRIPT_TEX.finditer(text):
        body = clean_math(html.unescape(match.group("body")))
        if body:
            found.append(MathSpan(body, match.start(), match.end(), "display" in match.group("mode"), "MathJax script"))
        text = blank(text, match.start(), match.end())
    for start, end in _katex_visual_copies(text):
        text = blank(text, start, end)
    for match in _MATH.finditer(text):
        display = "block" in attributes(match.group("attrs")).get("display", "")
        annotation = _ANNOTATION.search(match.group("body"))
        if annotation:
            body, how = clean_math(html.unescape(annotation.group("body"))), "TeX annotation"
        else:
            body, how = mathml_to_latex(match.group("body")), "MathML"
        if body:
            found.append(MathSpan(body, match.start(), match.end(), display, how))
        text = blank(text, match.start(), match.end())
    for match in _IMG.finditer(text):
        attrs = attributes(match.group())
        if re.search(r"latex|tex|math", attrs.get("class", "")) and attrs.get("alt", "").strip():
            found.append(MathSpan(clean_math(attrs["alt"]), match.start(), match.end(), False, "image alt text"))
    text = _SKIPPED.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    prose = _TAG.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    for span in scan_delimited(prose):
        cleaned = clean_math(html.unescape(span.text))
        if cleaned:
            found.append(MathSpan(cleaned, span.start, span.end, span.display, span.how))
    return sorted(found, key=lambda s: s.start)


def html_prose(text: str) -> str:
    """The page with tags blanked (block tags become paragraph breaks), offsets kept."""

    def block(match: re.Match[str]) -> str:
        size = len(match.group())
        return ("\n\n" + " " * size)[:size]

    for start, end in _katex_visual_copies(text):
        text = blank(text, start, end)
    text = _SKIPPED.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    text = _BLOCK_TAG.sub(block, text)
    return _TAG.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
