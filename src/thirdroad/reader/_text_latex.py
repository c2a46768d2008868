"""LaTeX left in plain text: a web page saved as text keeps MathJax's source, ``\\[..\\]`` and
``\\(..\\)``, and sometimes cuts a display short (an image-only part dropped, the page's closing
``\\end{array}\\right]`` and ``\\]`` lost, matrix rows running into the prose after them).

The rule, stated so it can be checked:

- ``\\(..\\)`` is an inline formula when its closer comes in the same paragraph with no other
  opener between; ``\\[..\\]`` a display when its closer comes before any blank line, any other
  opener and any line of prose;
- a display whose closer is missing is *cut short*: it runs over the lines after its opener while
  they are math (no run of three prose words), and stops at the first blank line or prose line;
  what it left open (``\\left[``, ``\\begin{array}``) is closed, in order, and the span says so
  (``how``);
- inside an array, two lines that each hold a row (``&``) with no ``\\\\`` between them lost
  their row break, which is put back; rows that follow ``\\end{array}\\right] =`` outside any
  array are the next matrix, and are put in one.

Nothing is invented: no entry is added or guessed; a row with fewer entries than its neighbours
stays short, for the parser and the matrix notes to report.
"""

from __future__ import annotations

import re

from thirdroad.reader._latex import clean_math
from thirdroad.reader._spans import MathSpan, blank_all

_OPENER = re.compile(r"\\[\[(]")
_CLOSER = {"[": "\\]", "(": "\\)"}
_PROSE = re.compile(r"(?:(?<![\\\w])[A-Za-z’']{2,}[,;:.!?]?\s+){2}(?<![\\\w])[A-Za-z’']{2,}\b")
_OPENS = re.compile(r"\\left\s*(\\[{}]|\\langle|[(\[|.])|\\right\s*(?:\\[{}]|\\rangle|[)\]|.])"
                    r"|\\begin\{(\w+\*?)\}|\\end\{\w+\*?\}")
_CLOSING = {"(": ")", "[": "]", "|": "|", "\\{": "\\}", "\\langle": "\\rangle", ".": "."}
_ROW = re.compile(r"&")
_BRACKETED_ARRAY = re.compile(r"\\left\s*\[\s*\\begin\{array\}(?:\{[a-z|]*\})?(?P<body>(?:(?!\\begin\{|\\end\{).)*?)"
                              r"\\end\{array\}\s*\\right\s*\]", re.DOTALL)
#: How far an inline formula may run, in characters.
INLINE_LIMIT = 600


def _as_bmatrix(match: re.Match[str]) -> str:
    """A bracketed array is a matrix: ``bmatrix`` keeps its brackets when it is drawn."""
    return f"\\begin{{bmatrix}}{match.group('body')}\\end{{bmatrix}}"


def _is_prose(line: str) -> bool:
    """Whether ``line`` holds three words of prose in a row (commands and their arguments aside)."""
    bare = re.sub(r"\\[A-Za-z]+(?:\{[^{}]*\})?", " ", line)
    return bool(_PROSE.search(bare))


def _close_open(body: str) -> tuple[str, list[str]]:
    """``body`` with what it left open closed, innermost first, and the closers it needed."""
    stack: list[str] = []
    for match in _OPENS.finditer(body):
        if match.group(1) is not None:
            stack.append("\\right" + _CLOSING[match.group(1)])
        elif match.group(2) is not None:
            stack.append(f"\\end{{{match.group(2)}}}")
        elif stack:
            stack.pop()
    added = stack[::-1]
    return (body + " " + " ".join(added)).rstrip() if added else body, added


def _rows_repaired(body: str) -> str:
    """Row breaks put back between row lines of an array, and rows after ``\\right] =`` that
    stand outside any array put in one."""
    lines = body.split("\n")
    depth = 0
    out: list[str] = []
    loose: list[str] = []  # rows outside any array, waiting to be wrapped

    def flush() -> None:
        if loose:
            out.append("\\left[\\begin{array}" + " \\\\ ".join(row.rstrip(" \\") for row in loose)
                       + "\\end{array}\\right]")
            loose.clear()

    for line in lines:
        text = line.strip()
        is_row = bool(_ROW.search(text)) and not _is_prose(text)
        if is_row and depth == 0 and not re.search(r"\\begin\{", text):
            loose.append(text)
            continue
        flush()
        if is_row and depth > 0 and out and _ROW.search(out[-1]) and not out[-1].rstrip().endswith("\\\\"):
            out[-1] = out[-1].rstrip() + " \\\\"
        depth += len(re.findall(r"\\begin\{", text)) - len(re.findall(r"\\end\{", text))
        out.append(text)
    flush()
    return "\n".join(out)


def _display_end(text: str, start: int) -> tuple[int, bool]:
    """Where the display opened at ``start`` ends (after its closer), and whether it was closed;
    a display cut short ends with its last math line."""
    line_end = text.find("\n", start)
    end = len(text) if line_end < 0 else line_end
    first = text[start + 2:end]
    closer = first.find("\\]")
    if closer >= 0:
        return start + 2 + closer + 2, True
    last = end
    pos = end
    while pos < len(text):
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos + 1:nxt]
        if not line.strip() or _OPENER.search(line.replace("\\\\", "  ")) or _is_prose(line.split("\\]")[0]):
            break
        if "\\]" in line:
            return pos + 1 + line.index("\\]") + 2, True
        last = pos = nxt
    return last, False


def _inline_end(text: str, start: int) -> int | None:
    closer = text.find("\\)", start + 2, start + INLINE_LIMIT)
    if closer < 0:
        return None
    inner = text[start + 2:closer]
    if "\n\n" in inner or _OPENER.search(inner.replace("\\\\", "  ")):
        return None
    return closer + 2


def find_text_latex(text: str) -> tuple[list[MathSpan], str]:
    """The ``\\[..\\]`` and ``\\(..\\)`` formulas of plain text (displays cut short closed), and
    the text with them blanked for the search of math in running prose."""
    found: list[MathSpan] = []
    pos = 0
    while (match := _OPENER.search(text, pos)) is not None:
        start = match.start()
        if text[start - 1:start] == "\\":  # \\[2pt] or \\( is a row break, not an opener
            pos = start + 2
            continue
        if match.group() == "\\(":
            end = _inline_end(text, start)
            if end is None:
                pos = start + 2
                continue
            inner, how, closed = text[start + 2:end - 2], r"\(..\)", True
        else:
            end, closed = _display_end(text, start)
            inner = text[start + 2:end - 2] if closed else text[start + 2:end]
            how = r"\[..\]"
        body = _rows_repaired(inner) if "&" in inner else inner
        if not closed:
            body, added = _close_open(body)
            how = r"\[.. (cut short" + (f"; closed with {' '.join(added)})" if added else ")")
        cleaned = clean_math(_BRACKETED_ARRAY.sub(_as_bmatrix, body))
        if cleaned:
            found.append(MathSpan(cleaned, start, end, match.group() == "\\[", how))
        pos = end
    return found, blank_all(text, [(s.start, s.end) for s in found])
