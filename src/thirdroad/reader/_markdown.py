"""Math in Markdown: ``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]`` and bare LaTeX environments,
never inside code blocks or inline code.

Markdown exported from a WordPress blog keeps the blog's math markup: the ``[latex]..[/latex]``
shortcode (its brackets escaped, ``\\[latex\\]``, when the exporter escaped every bracket) and
WordPress.com's ``$latex ..$``. Where the markup itself is escaped (``\\[latex\\]``,
``\\\\begin{equation}``), the math inside is Markdown text too: a renderer undoes its escapes
(``\\\\frac`` is ``\\frac``, ``x\\_t`` is ``x_t``) before MathJax reads it, and so does the reader.
"""

from __future__ import annotations

import re

from thirdroad.reader._latex import ENV_NAMES, clean_math, environment_math, find_environments
from thirdroad.reader._spans import MathSpan, blank_all, pair_up, scan_delimited

_FENCE_OPEN = re.compile(r"^(?P<fence>```+|~~~+)[^\n]*$", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^(?P<fence>```+|~~~+)[ \t]*$", re.MULTILINE)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|^)(?:(?: {4}|\t)[^\n]*\n)+")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).{1,2000}?(?<!`)\1(?!`)", re.DOTALL)
# [latex]..[/latex], its brackets escaped or not (an escaped opening pairs with an escaped close)
_SHORTCODE = re.compile(r"(?P<esc>\\?)\[latex(?P=esc)\](?P<body>.{1,5000}?)(?P=esc)\[/latex(?P=esc)\]",
                        re.DOTALL | re.IGNORECASE)
# WordPress.com: $latex x^2$, with its optional size and colour settings (&s=2&bg=ffffff)
_DOLLAR_LATEX = re.compile(r"^latex\s+(?P<body>.*?)(?:&(?:amp;)?(?:s|bg|fg)=[^&]*)*$", re.DOTALL)
_ESCAPED_ENV_BEGIN = re.compile(r"(?<!\\)\\\\begin\{(?P<env>(?:" + ENV_NAMES + r")\*?)\}")
_ESCAPED_ENV_END = re.compile(r"(?<!\\)\\\\end\{(?P<env>(?:" + ENV_NAMES + r")\*?)\}")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def mask_code(text: str) -> str:
    """Code blocks and inline code blanked out (offsets kept): math there is code, not math."""
    fences = pair_up(text, _FENCE_OPEN, _FENCE_CLOSE, lambda m: m.group("fence"))
    text = blank_all(text, [(a.start(), b.end()) for a, b in fences])
    for pattern in (_INDENTED_CODE, _INLINE_CODE):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return text


def unescape_markdown(text: str) -> str:
    """What a Markdown renderer makes of ``text``: a backslash before ASCII punctuation is dropped
    (``\\\\`` is one backslash, ``\\_`` an underscore), as CommonMark says."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def _wordpress(text: str) -> tuple[list[MathSpan], str]:
    """The ``[latex]`` shortcodes and the environments written with Markdown escapes, and
    ``text`` with them blanked out."""
    found: list[MathSpan] = []
    taken: list[tuple[int, int]] = []
    for match in _SHORTCODE.finditer(text):
        body = match.group("body")
        body = clean_math(unescape_markdown(body) if match.group("esc") else body)
        if body:
            found.append(MathSpan(body, match.start(), match.end(), False, "[latex] shortcode"))
        taken.append(match.span())
    text = blank_all(text, taken)
    pairs = pair_up(text, _ESCAPED_ENV_BEGIN, _ESCAPED_ENV_END, lambda m: m.group("env"))
    for begin, end in pairs:
        body = unescape_markdown(text[begin.end():end.start()])
        spans = environment_math(begin.group("env"), body, begin.end(), (begin.start(), end.end()))
        # the rows' offsets are in the unescaped body: each is placed within the environment
        found += [MathSpan(s.text, min(s.start, end.start()), min(s.end, end.end()), s.display, s.how) for s in spans]
    return found, blank_all(text, [(begin.start(), end.end()) for begin, end in pairs])


def _cleaned(span: MathSpan) -> MathSpan:
    wordpress = _DOLLAR_LATEX.match(span.text) if span.how == "$..$" else None
    if wordpress is None:
        return MathSpan(clean_math(span.text), span.start, span.end, span.display, span.how)
    return MathSpan(clean_math(wordpress.group("body")), span.start, span.end, False, "$latex ..$")


def find_markdown(text: str) -> list[MathSpan]:
    """Every formula of a Markdown document, in document order."""
    found, rest = _wordpress(mask_code(text))
    more, rest = find_environments(rest)
    found += more
    found += [cleaned for cleaned in map(_cleaned, scan_delimited(rest)) if cleaned.text]
    return sorted(found, key=lambda s: s.start)
