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

ENV_NAMES = "equation|align|alignat|flalign|gather|multline|eqnarray|displaymath|math"
_ENV_BEGIN = re.compile(r"\\begin\{(?P<env>(?:" + ENV_NAMES + r")\*?)\}(?:\{\d+\})?")
_ENV_END = re.compile(r"\\end\{(?P<env>(?:" + ENV_NAMES + r")\*?)\}")
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


def blank_comments(text: str) -> str:
    """``% ...`` to the end of its line as spaces (offsets kept): TeX and MathJax read nothing
    there, and the line break that ends a comment is lost once a formula's lines are joined."""
    return _COMMENT.sub(lambda m: " " * len(m.group()), text)


def clean_math(text: str) -> str:
    """The formula without comments, labels, alignment marks and the sentence's own punctuation."""
    text = _LABELS.sub(" ", blank_comments(text))
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


def environment_math(env: str, body: str, base: int, whole: tuple[int, int]) -> list[MathSpan]:
    name = env.rstrip("*")
    body = blank_comments(body)  # a comment may hold a row break or end a row's line
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
        found += environment_math(begin.group("env"), text[begin.end():end.start()], begin.end(),
                                   (begin.start(), end.end()))
    return found, blank_all(text, [(begin.start(), end.end()) for begin, end in pairs])


# ---------------------------------------------------------------- the author's macros

_NEWCOMMAND = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\s*\\(?P<name>[A-Za-z]+)\s*\}?\s*(?:\[(?P<n>\d)\])?\s*\{")
_DEF = re.compile(r"\\def\s*\\(?P<name>[A-Za-z]+)\s*(?P<params>(?:#\d)*)\s*\{")
_OPERATOR = re.compile(r"\\DeclareMathOperator\*?\s*\{\s*\\(?P<name>[A-Za-z]+)\s*\}\s*\{(?P<body>[^{}]*)\}")
_ARGUMENT = re.compile(r"#(\d)")
_TOKEN = re.compile(r"\\[A-Za-z]+|\S")
#: Expansion stops after this many rounds, or when a formula grows past this many characters:
#: a macro that calls itself (or a "macro bomb") must not hang the reader.
MACRO_ROUNDS, MACRO_MAX_CHARS = 8, 5_000


def _group(text: str, start: int) -> tuple[str, int] | None:
    """The brace group that opens at ``text[start]``: (its inside, the index after it)."""
    depth = 0
    i = start
    while i < min(len(text), start + MACRO_MAX_CHARS):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
        i += 1
    return None


def macros(preamble: str) -> dict[str, tuple[int, str]]:
    """The author's macros (``\\newcommand``, ``\\renewcommand``, ``\\def``,
    ``\\DeclareMathOperator``) as name -> (number of arguments, body)."""
    found: dict[str, tuple[int, str]] = {}
    for pattern in (_NEWCOMMAND, _DEF):
        for match in pattern.finditer(preamble):
            group = _group(preamble, match.end() - 1)
            if group is None:
                continue
            count = int(match.group("n") or 0) if pattern is _NEWCOMMAND else match.group("params").count("#")
            found[match.group("name")] = (count, group[0])
    for match in _OPERATOR.finditer(preamble):
        found[match.group("name")] = (0, "\\operatorname{" + match.group("body").strip() + "}")
    return found


def _arguments(formula: str, end: int, count: int) -> tuple[list[str], int] | None:
    args = []
    for _ in range(count):
        while end < len(formula) and formula[end] == " ":
            end += 1
        if end >= len(formula):
            return None
        group = _group(formula, end) if formula[end] == "{" else None
        if group is not None:
            args.append(group[0])
            end = group[1]
            continue
        token = _TOKEN.match(formula, end)  # a one-token argument: \norm x
        if token is None:
            return None
        args.append(token.group())
        end = token.end()
    return args, end


def expand(formula: str, known: dict[str, tuple[int, str]]) -> str:
    """``formula`` with the author's macros replaced by their bodies, arguments filled in."""
    if not known:
        return formula
    use = re.compile(r"\\(" + "|".join(sorted(map(re.escape, known), key=len, reverse=True)) + r")(?![A-Za-z])")
    for _ in range(MACRO_ROUNDS):
        out: list[str] = []
        size = last = 0
        for match in use.finditer(formula):
            if match.start() < last:
                continue
            count, body = known[match.group(1)]
            taken = _arguments(formula, match.end(), count)
            if taken is None:
                continue
            args, end = taken
            filled = _fill(body, args)
            # a body ending in a command name must not run into the letters that follow it
            out += [formula[last:match.start()], filled + (" " if re.search(r"\\[A-Za-z]+$", filled) else "")]
            size += len(out[-1]) + len(out[-2])
            if size > MACRO_MAX_CHARS:
                return formula  # as far as it could be expanded within the limit
            last = end
        if not out:
            break
        out.append(formula[last:])
        formula = "".join(out)
    return formula


def _fill(body: str, args: list[str]) -> str:
    def argument(match: re.Match[str]) -> str:
        k = int(match.group(1))
        return args[k - 1] if 0 < k <= len(args) else ""

    return _ARGUMENT.sub(argument, body)


def find_latex(text: str) -> list[MathSpan]:
    """Every formula of a LaTeX source, in document order, with the author's macros expanded."""
    begin = text.find("\\begin{document}")
    known = macros(_COMMENT.sub("", text[:begin] if begin >= 0 else text))
    masked = mask_latex(text)
    found, rest = find_environments(masked)
    for span in scan_delimited(rest):
        cleaned = clean_math(span.text)
        if cleaned:
            found.append(MathSpan(cleaned, span.start, span.end, span.display, span.how))
    expanded = []
    for span in found:
        full = expand(span.text, known)
        expanded.append(replace(span, text=full, written=span.text) if full != span.text else span)
    return sorted(expanded, key=lambda s: s.start)
