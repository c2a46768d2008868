"""Math in LaTeX sources: the display environments, row by row, then inline delimiters.

An ``align`` row that starts with a relation (``&= ...``) continues the row before it, so
``a &= b \\\\ &= c`` is read as one chain ``a = b = c``; ``gather`` rows are separate formulas;
a ``multline`` is one formula written over several lines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from thirdroad.reader._spans import MathSpan, blank_all, pair_up, scan_delimited

_ENV_NAMES = "equation|align|alignat|flalign|gather|multline|eqnarray|displaymath|math"
_ENV_BEGIN = re.compile(r"\\begin\{(?P<env>(?:" + _ENV_NAMES + r")\*?)\}(?:\{\d+\})?")
_ENV_END = re.compile(r"\\end\{(?P<env>(?:" + _ENV_NAMES + r")\*?)\}")
_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_SKIPPED_BEGIN = re.compile(r"\\begin\{(?P<env>verbatim|lstlisting|minted|comment)\}")
_SKIPPED_END = re.compile(r"\\end\{(?P<env>verbatim|lstlisting|minted|comment)\}")
_INNER_ROWS = re.compile(r"\\(?:begin|end)\{(?:split|aligned|gathered|multlined)\}(?:\[[a-z]\])?")
_LABELS = re.compile(r"\\(?:label|tag\*?|eqref)\{[^{}]*\}|\\(?:nonumber|notag|displaystyle)\b")
_TRAILING = re.compile(r"(?:\s|\\[,;:! ]|\\quad|\\qquad|[.,;])+$")
_RELATION_START = re.compile(r"^\s*(?:=|\\approx|\\le|\\ge|\\leq|\\geq|<|>|\\propto|\\equiv|\\sim|\\to|\\leftarrow)")


_NESTING = re.compile(r"\\begin\{|\\end\{|\\&|&")


def _drop_alignment_marks(text: str) -> str:
    """``&`` out, except inside a nested environment (cases, matrices) where it separates cells."""
    out, depth, last = [], 0, 0
    for match in _NESTING.finditer(text):
        token = match.group()
        if token == "\\begin{":
            depth += 1
        elif token == "\\end{":
            depth -= 1
        elif token == "&" and depth <= 0:
            out.append(text[last:match.start()] + " ")
            last = match.end()
    return "".join(out) + text[last:]


def clean_math(text: str) -> str:
    """The formula without labels, alignment marks and the sentence's own punctuation."""
    text = _LABELS.sub(" ", text)
    text = _INNER_ROWS.sub(" ", text)
    text = _drop_alignment_marks(text)
    text = _TRAILING.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def split_rows(body: str) -> list[tuple[int, str]]:
    """``body`` cut at ``\\\\`` outside braces and nested environments: (offset, row)."""
    rows: list[tuple[int, str]] = []
    depth = 0
    start = 0
    i = 0
    while i < len(body):
        if body.startswith("\\begin{", i):
            depth += 1
            i += 7
            continue
        if body.startswith("\\end{", i):
            depth -= 1
            i += 5
            continue
        char = body[i]
        if char == "\\" and body.startswith("\\\\", i) and depth == 0:
            rows.append((start, body[start:i]))
            i += 2
            # the optional spacing after a row break: \\[2pt]
            skip = re.match(r"\s*\[[^\]]*\]", body[i:])
            if skip:
                i += skip.end()
            start = i
            continue
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        i += 1
    rows.append((start, body[start:]))
    return rows


def _environment_math(env: str, body: str, base: int, whole: tuple[int, int]) -> list[MathSpan]:
    name = env.rstrip("*")
    has_inner = bool(_INNER_ROWS.search(body))
    if name in ("equation", "displaymath", "math", "multline") and not has_inner:
        text = clean_math(body.replace("\\\\", " ") if name == "multline" else body)
        return [MathSpan(text, whole[0], whole[1], name != "math", name)] if text else []
    found: list[MathSpan] = []
    for offset, row in split_rows(body):
        text = clean_math(row)
        if not text:
            continue
        if name != "gather" and found and (_RELATION_START.match(text) or name == "multline"):
            last = found[-1]
            found[-1] = MathSpan(f"{last.text} {text}", last.start, base + offset + len(row), True, last.how)
            continue
        found.append(MathSpan(text, base + offset, base + offset + len(row), True, f"{name} row"))
    # each row runs up to the next one, so the row breaks between them are nobody's prose
    return [replace(span, end=after.start) for span, after in itertools.pairwise(found)] + found[-1:]


_STRUCTURE = re.compile(r"\\(?:(?:sub)*section|chapter|paragraph|title|caption)\*?\{[^{}]*\}|\\(?:begin|end)\{[^{}]*\}")


def mask_structure(text: str) -> str:
    """The prose of a LaTeX source: comments, preamble, headings and environment marks blanked."""
    # Environment marks become invisible glue, not blank lines, so that the sentence that
    # introduces a display goes on into it.
    return _STRUCTURE.sub(lambda m: ("\u2060" if m.group().startswith(("\\begin", "\\end")) else " ") * len(m.group()),
                          mask_latex(text))


def mask_latex(text: str) -> str:
    """Comments, verbatim blocks and the preamble blanked out (offsets kept)."""
    text = _COMMENT.sub(lambda m: " " * len(m.group()), text)
    skipped = [(a.start(), b.end()) for a, b in pair_up(text, _SKIPPED_BEGIN, _SKIPPED_END, _env_name)]
    begin = text.find("\\begin{document}")
    if begin >= 0:
        skipped.append((0, begin + len("\\begin{document}")))
    return blank_all(text, skipped)


def _env_name(match: re.Match[str]) -> str:
    return match.group("env")


def find_environments(text: str) -> tuple[list[MathSpan], str]:
    """The math environments in ``text``, and ``text`` with them blanked out."""
    found: list[MathSpan] = []
    pairs = pair_up(text, _ENV_BEGIN, _ENV_END, _env_name)
    for begin, end in pairs:
        found += _environment_math(begin.group("env"), text[begin.end():end.start()], begin.end(),
                                   (begin.start(), end.end()))
    return found, blank_all(text, [(begin.start(), end.end()) for begin, end in pairs])


def find_latex(text: str) -> list[MathSpan]:
    """Every formula of a LaTeX source, in document order."""
    masked = mask_latex(text)
    found, rest = find_environments(masked)
    for span in scan_delimited(rest):
        cleaned = clean_math(span.text)
        if cleaned:
            found.append(MathSpan(cleaned, span.start, span.end, span.display, span.how))
    return sorted(found, key=lambda s: s.start)
