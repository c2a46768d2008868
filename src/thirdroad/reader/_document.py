"""The document itself as HTML, in reading order, with each formula left as a placeholder.

The companion page shows the document the learner is reading, not a list of its formulas:
its headings, paragraphs, lists and code, with every formula drawn in its place. Each format
has its own way to its prose (Markdown through markdown-it, a small LaTeX reader, HTML through a
sanitizer that keeps only plain structure, plain text by its blank lines); all of them give a
list of top-level *blocks* of safe HTML, where formula ``k`` stands as :func:`mark` ``(k)``.
Nothing the document holds can run: scripts, styles, images, frames and every attribute but a
link's target are dropped, and a link to another site keeps its text only (the page makes no
request of its own).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from html import escape, unescape
from html.parser import HTMLParser

from thirdroad.reader._html import _katex_visual_copies
from thirdroad.reader._latex import mask_latex
from thirdroad.reader._python import comment_blocks, docstrings, unmarked
from thirdroad.reader._spans import Format, blank_all

_OPEN, _CLOSE = "\ue000", "\ue001"
MARK = re.compile(_OPEN + r"(\d+)" + _CLOSE)


def mark(k: int) -> str:
    """The placeholder of formula ``k`` (private-use characters no document writes)."""
    return f"{_OPEN}{k}{_CLOSE}"


Region = tuple[int, int, int, bool]  # start, end, formula index, display


def regions(spans: Sequence[tuple[int, int, bool]]) -> list[Region]:
    """Each formula's stretch of the document, in order and without overlaps (a formula inside
    another one's stretch, an align row inside its environment, keeps its own mark at the start)."""
    out: list[Region] = []
    for k, (start, end, display) in sorted(enumerate(spans), key=lambda item: item[1][0]):
        if out and start < out[-1][1]:
            start = end = out[-1][1]  # drawn with the formula before it: an empty stretch of its own
        out.append((start, end, k, display))
    return out


def _marked(text: str, found: list[Region], display_break: str, inline: Callable[[str], str] = escape) -> str:
    """``text`` with each region replaced by its mark; the text between marks through ``inline``."""
    out: list[str] = []
    last = 0
    for start, end, k, display in found:
        out.append(inline(text[last:start]))
        out.append(f"{display_break}{mark(k)}{display_break}" if display else mark(k))
        last = max(last, end)
    out.append(inline(text[last:]))
    return "".join(out)


def blocks(text: str, fmt: Format, spans: Sequence[tuple[int, int, bool]]) -> list[str]:
    """The document as top-level blocks of HTML, formula ``k`` as ``mark(k)``."""
    found = regions(spans)
    if fmt == "markdown":
        return _markdown(text, found)
    if fmt == "latex":
        return _latex(text, found)
    if fmt == "html":
        return _html(text, found)
    if fmt == "python":
        return _python(text, found)
    return _plain(text, found)


# ---------------------------------------------------------------- Markdown


def _markdown(text: str, found: list[Region]) -> list[str]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.add_render_rule("image", lambda tokens, idx, options, env: escape(tokens[idx].content))
    source = _MATH_ENV.sub("\n\n", _marked(text, found, "\n\n", lambda s: s))  # a bare align's own marks
    tokens = md.parse(source)
    out: list[str] = []
    start = 0
    for i, token in enumerate(tokens):
        if token.level == 0 and token.nesting in (0, -1):
            out.append(md.renderer.render(tokens[start:i + 1], md.options, {}))
            start = i + 1
    return [_local_links(block) for block in out if block.strip()]


_LINK = re.compile(r'<a href="([^"]*)"(?: title="[^"]*")?>')


def _local_links(block: str) -> str:
    """Links to another page keep their text, with the address as a tooltip: the companion makes
    no request and sends the reader nowhere by itself."""
    def local(match: re.Match[str]) -> str:
        href = match.group(1)
        return match.group() if href.startswith("#") else f'<a class="away" title="{href}">'

    return _LINK.sub(local, block)


# ---------------------------------------------------------------- LaTeX

_MATH_ENV = re.compile(r"\\(?:begin|end)\{(?:equation|align|alignat|flalign|gather|multline|eqnarray|displaymath|"
                       r"math|split|aligned)\*?\}(?:\{\d+\})?")
_HEADING = re.compile(r"\\(?P<level>(?:sub)*section|chapter|paragraph|title)\*?\{(?P<title>[^{}]*)\}")
_WRAP = {"emph": "em", "textit": "em", "textbf": "strong", "texttt": "code", "underline": "u"}
_WRAPPED = re.compile(r"\\(?P<cmd>emph|textit|textbf|texttt|underline|text|mbox|textrm)\{(?P<body>[^{}]*)\}")
_DROPPED = re.compile(r"\\(?:label|cite[pt]?|ref|eqref|footnote|url|bibliography|bibliographystyle|vspace|hspace)"
                      r"\*?(?:\[[^\]]*\])?\{[^{}]*\}|\\(?:maketitle|noindent|centering|newpage|clearpage|par|"
                      r"tableofcontents|medskip|bigskip|smallskip)\b")
_LIST = re.compile(r"\\(?:begin|end)\{(?:itemize|enumerate|description)\}")
_ITEM = re.compile(r"\\item\b(?:\[[^\]]*\])?")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")


def _latex_prose(piece: str) -> str:
    """A stretch of LaTeX prose as escaped HTML: wrappers become emphasis, quotes and dashes their
    characters, every other command is dropped (its braces too)."""
    piece = _DROPPED.sub("", piece)
    piece = piece.replace("``", "“").replace("''", "”").replace("---", "—").replace("--", "–").replace("~", "\u00a0")
    out, last = [], 0
    for match in _WRAPPED.finditer(piece):
        out.append(_bare(piece[last:match.start()]))
        tag = _WRAP.get(match.group("cmd"))
        body = _bare(match.group("body"))
        out.append(f"<{tag}>{body}</{tag}>" if tag else body)
        last = match.end()
    out.append(_bare(piece[last:]))
    return "".join(out)


def _bare(piece: str) -> str:
    return escape(_COMMAND.sub(lambda m: m.group()[1] if len(m.group()) == 2 and not m.group()[1].isalpha() else "",
                               piece).replace("{", "").replace("}", ""))


def _latex(text: str, found: list[Region]) -> list[str]:
    masked = mask_latex(text)  # comments, verbatim and the preamble blanked (offsets kept)
    end = masked.find("\\end{document}")
    if end >= 0:
        masked = masked[:end]
        found = [r for r in found if r[0] < end]
    body = _marked(masked, found, "\n\n", lambda s: s)
    body = _MATH_ENV.sub("\n\n", body)
    out: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", body):
        for piece in re.split(r"(?=\\(?:(?:sub)*section|chapter|paragraph|title)\*?\{)", paragraph):
            piece = piece.strip()
            heading = _HEADING.match(piece)
            if heading:
                level = {"title": 1, "chapter": 2, "section": 2}.get(heading.group("level"), 3)
                out.append(f"<h{level}>{_latex_prose(heading.group('title'))}</h{level}>")
                piece = piece[heading.end():].strip()
            if _LIST.search(piece) or _ITEM.search(piece):
                items = [_latex_prose(i).strip() for i in _ITEM.split(_LIST.sub("", piece))]
                lead, items = items[0], [i for i in items[1:] if i]
                if lead:
                    out.append(f"<p>{lead}</p>")
                if items:
                    out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
                continue
            html = _latex_prose(piece).strip()
            if html:
                out.append(f"<p>{html}</p>")
    return out


# ---------------------------------------------------------------- HTML

_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote", "table", "dl", "hr"})
_KEPT = frozenset({"li", "em", "strong", "b", "i", "code", "a", "sub", "sup", "br", "tr", "td", "th", "thead",
                   "tbody", "dt", "dd", "span", "u", "small", "mark", "kbd", "var", "cite", "q", "abbr"}) | _BLOCKS
_DROPPED_WHOLE = frozenset({"script", "style", "noscript", "svg", "math", "head", "title", "iframe", "template",
                            "object", "embed", "canvas", "video", "audio", "select", "textarea", "button", "form",
                            "nav", "footer"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed",
                   "param", "track"})


class _Sanitizer(HTMLParser):
    """The page's body as flat top-level blocks of plain structure; wrappers (div, section,
    article) end a block and vanish; text outside any block becomes a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.open: list[str] = []  # kept elements open inside the current block
        self.skipping = 0
        self.loose = False  # the current block is loose text, wrapped in <p> when closed

    def _flush(self) -> None:
        for tag in reversed(self.open):
            self.current.append(f"</{tag}>")
        html = "".join(self.current).strip()
        if html and re.sub(r"<[^>]*>|\s", "", html):
            self.blocks.append(f"<p>{html}</p>" if self.loose else html)
        self.current, self.open, self.loose = [], [], False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or tag in _DROPPED_WHOLE:
            self.skipping += tag not in _VOID
            return
        if tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.handle_data(f"[{alt}]" if alt else "")
            return
        if tag not in _KEPT:
            if not self.open:
                self._flush()  # a wrapper: what came before was a block of its own
            return
        if tag in _BLOCKS and (not self.open or self.loose):
            self._flush()
        if not self.open and tag not in _BLOCKS:
            self.loose = True
        self.current.append(self._tag(tag, dict(attrs)))
        if tag not in _VOID:
            self.open.append(tag)
        elif tag == "hr" and len(self.open) == 0:
            self._flush()

    @staticmethod
    def _tag(tag: str, attrs: dict[str, str | None]) -> str:
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#"):
            return f'<a href="{escape(href)}">'
        if tag == "a" and href:
            return f'<a class="away" title="{escape(href)}">'
        return f"<{tag}>"

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= tag in _DROPPED_WHOLE
            return
        if tag not in self.open:
            if tag not in _KEPT and not self.open:
                self._flush()
            return
        while self.open:
            top = self.open.pop()
            self.current.append(f"</{top}>")
            if top == tag:
                break
        if not self.open and tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.open:
            if not data.strip() and not MARK.search(data):
                return
            self.loose = True
        self.current.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        self._flush()


def _html(text: str, found: list[Region]) -> list[str]:
    # KaTeX's drawing of a formula goes (its math is read from its annotation)
    starts = {s for s, _, _, _ in found}
    text = blank_all(text, [(a, b) for a, b in _katex_visual_copies(text) if a not in starts])
    body = text[text.lower().find("<body"):] if "<body" in text.lower() else text
    shift = len(text) - len(body)
    source = _marked(body, [(s - shift, e - shift, k, d) for s, e, k, d in found if s >= shift],
                     "", lambda s: s)
    sanitizer = _Sanitizer()
    sanitizer.feed(source)
    sanitizer.close()
    return sanitizer.blocks


# ---------------------------------------------------------------- plain text

_TEXT_HEADING = re.compile(r"^(?P<title>[A-Z0-9][^\n.!?:;=]{2,60})\n(?:[=-]{3,}\n?)?$")


#: A line of plain text at least this long is a paragraph of its own (a page saved as text, or a
#: translation of one, writes one paragraph a line with no blank line between them).
PARAGRAPH_LINE = 160


def _paragraphs(body: str) -> list[str]:
    """Paragraphs split at blank lines, and at each line long enough to be a paragraph itself
    (runs of shorter lines, such as code, stay together)."""
    out: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", body):
        lines = paragraph.split("\n")
        if max(len(line) for line in lines) < PARAGRAPH_LINE:
            out.append(paragraph)
            continue
        run: list[str] = []
        for line in lines:
            if len(line) >= PARAGRAPH_LINE:
                out += ["\n".join(run)] if run else []
                out.append(line)
                run = []
            else:
                run.append(line)
        out += ["\n".join(run)] if run else []
    return out


def _plain(text: str, found: list[Region]) -> list[str]:
    body = _marked(text, found, "\n\n", escape)
    out: list[str] = []
    for paragraph in _paragraphs(body):
        paragraph = paragraph.strip("\n")
        if not paragraph.strip():
            continue
        heading = _TEXT_HEADING.match(paragraph.strip() + "\n")
        if heading and not MARK.search(paragraph):
            out.append(f"<h2>{heading.group('title')}</h2>")
        else:
            out.append("<p>" + "<br>".join(line.strip() for line in paragraph.splitlines()) + "</p>")
    return out


# ---------------------------------------------------------------- Python docstrings

_DIRECTIVE_LINE = re.compile(r"^[ \t]*\.\. math::[^\n]*$", re.MULTILINE)


def _python(text: str, found: list[Region]) -> list[str]:
    """Each docstring under its object's name and each block of comments under its line, in the
    file's order, read as plain text (math directives and comment marks gone)."""
    prose = [(doc.start, doc.end, f"<h2><code>{escape(doc.owner)}</code></h2>", text[doc.start:doc.end])
             for doc in docstrings(text)]
    prose += [(start, end, f"<h3><code># line {text.count(chr(10), 0, start) + 1}</code></h3>",
               unmarked(text[start:end])) for start, end in comment_blocks(text)]
    out: list[str] = []
    for start, end, heading, written in sorted(prose):
        inside = [(s - start, e - start, k, d) for s, e, k, d in found if start <= s < end]
        body = _DIRECTIVE_LINE.sub("", _marked(written, inside, "\n\n", lambda s: s))
        paragraphs = _plain(textwrap.dedent(body), [])
        if paragraphs:
            out.append(heading)
            out += paragraphs
    return out


def unescape_text(html: str) -> str:
    """The visible text of a block (for tests and the page's own checks)."""
    return unescape(re.sub(r"<[^>]*>", "", html))
