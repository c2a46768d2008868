"""Math in Markdown: ``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]`` and bare LaTeX environments,
never inside code blocks or inline code."""

from __future__ import annotations

import re

from thirdroad.reader._latex import clean_math, find_environments
from thirdroad.reader._spans import MathSpan, blank_all, pair_up, scan_delimited

_FENCE_OPEN = re.compile(r"^(?P<fence>```+|~~~+)[^\n]*$", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^(?P<fence>```+|~~~+)[ \t]*$", re.MULTILINE)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|^)(?:(?: {4}|\t)[^\n]*\n)+")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).{1,2000}?(?<!`)\1(?!`)", re.DOTALL)


def mask_code(text: str) -> str:
    """Code blocks and inline code blanked out (offsets kept): math there is code, not math."""
    fences = pair_up(text, _FENCE_OPEN, _FENCE_CLOSE, lambda m: m.group("fence"))
    text = blank_all(text, [(a.start(), b.end()) for a, b in fences])
    for pattern in (_INDENTED_CODE, _INLINE_CODE):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return text


def find_markdown(text: str) -> list[MathSpan]:
    """Every formula of a Markdown document, in document order."""
    found, rest = find_environments(mask_code(text))
    for span in scan_delimited(rest):
        cleaned = clean_math(span.text)
        if cleaned:
            found.append(MathSpan(cleaned, span.start, span.end, span.display, span.how))
    return sorted(found, key=lambda s: s.start)
