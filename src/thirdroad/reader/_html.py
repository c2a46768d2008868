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
from thirdroad.reader._spans import MathSpan, blank_all, pair_up, scan_delimited

# Tags are matched with a bounded ``[^>]{0,2000}`` and elements paired with ``pair_up``: an
# unbounded ``[^>]*`` or ``.*?`` would rescan the rest of a hostile page from every unclosed "<".
_IN_TAG = r"[^>]{0,2000}"
_SCRIPT_OPEN = re.compile(r"<script\b" + _IN_TAG + ">", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)
_TEX_TYPE = re.compile(r"type\s*=\s*[\"']?math/tex(?P<mode>[^\"'>]*)", re.IGNORECASE)
_MATH_OPEN = re.compile(r"<math\b(?P<attrs>" + _IN_TAG + ")>", re.IGNORECASE)
_MATH_CLOSE = re.compile(r"</math\s*>", re.IGNORECASE)
_ANNOTATION = re.compile(
    r"<annotation\b[^>]{0,500}encoding\s*=\s*[\"']application/x-tex[\"'][^>]{0,500}>(?P<body>.*?)</annotation\s*>",
    re.DOTALL | re.IGNORECASE,
)
_IMG = re.compile(r"<img\b" + _IN_TAG + ">", re.IGNORECASE)
_ATTR = re.compile(r"(?P<name>[a-zA-Z-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))")
_SKIPPED_OPEN = re.compile(r"<(?P<tag>script|style|code|pre|textarea|svg)\b" + _IN_TAG + ">", re.IGNORECASE)
_SKIPPED_CLOSE = re.compile(r"</(?P<tag>script|style|code|pre|textarea|svg)\s*>", re.IGNORECASE)
_TAG = re.compile("<" + _IN_TAG + ">")
_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|table|tr|td|th|br|hr|section|article|blockquote|figure)\b"
                        + _IN_TAG + ">", re.IGNORECASE)
_SPAN_TAG = re.compile(r"<span\b(?P<attrs>" + _IN_TAG + r")>|</span\s*>", re.IGNORECASE)


def attributes(tag: str) -> dict[str, str]:
    return {m.group("name").lower(): html.unescape(m.group("dq") or m.group("sq") or m.group("bare") or "")
            for m in _ATTR.finditer(tag)}


def _katex_visual_copies(text: str) -> list[tuple[int, int]]:
    """Spans of ``<span class="katex-html">`` elements, each matched to its own closing tag
    (one pass over every span tag, with a stack)."""
    spans = []
    stack: list[tuple[int, bool]] = []
    for tag in _SPAN_TAG.finditer(text):
        if tag.group("attrs") is not None or not tag.group().startswith("</"):
            stack.append((tag.start(), "katex-html" in attributes(tag.group("attrs") or "").get("class", "")))
        elif stack:
            start, visual = stack.pop()
            if visual:
                spans.append((start, tag.end()))
    return spans


def _skipped(text: str) -> list[tuple[int, int]]:
    pairs = pair_up(text, _SKIPPED_OPEN, _SKIPPED_CLOSE, lambda m: m.group("tag").lower())
    return [(a.start(), b.end()) for a, b in pairs]


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
    used: list[tuple[int, int]] = []
    for begin, end in pair_up(text, _SCRIPT_OPEN, _SCRIPT_CLOSE):
        kind = _TEX_TYPE.search(begin.group())
        if kind is None:
            continue
        body = clean_math(html.unescape(text[begin.end():end.start()]))
        if body:
            found.append(MathSpan(body, begin.start(), end.end(), "display" in kind.group("mode"), "MathJax script"))
        used.append((begin.start(), end.end()))
    text = blank_all(text, used + _katex_visual_copies(text))
    used = []
    for begin, end in pair_up(text, _MATH_OPEN, _MATH_CLOSE):
        display = "block" in attributes(begin.group("attrs")).get("display", "")
        inside = text[begin.end():end.start()]
        annotation = _ANNOTATION.search(inside)
        if annotation:
            body, how = clean_math(html.unescape(annotation.group("body"))), "TeX annotation"
        else:
            body, how = mathml_to_latex(inside), "MathML"
        if body:
            found.append(MathSpan(body, begin.start(), end.end(), display, how))
        used.append((begin.start(), end.end()))
    text = blank_all(text, used)
    for match in _IMG.finditer(text):
        attrs = attributes(match.group())
        if re.search(r"latex|tex|math", attrs.get("class", "")) and attrs.get("alt", "").strip():
            found.append(MathSpan(clean_math(attrs["alt"]), match.start(), match.end(), False, "image alt text"))
    text = blank_all(text, _skipped(text))
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

    text = blank_all(text, _katex_visual_copies(text) + _skipped(text))
    text = _BLOCK_TAG.sub(block, text)
    return _TAG.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
