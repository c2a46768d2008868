"""Math in a Python file's docstrings and comments: the prose of the file, the code left out.

Sphinx writes the ``:math:`...``` role inline and the ``.. math::`` directive for a display (its
indented lines; a blank line between two formulas separates them); docstrings and comments
written as Markdown (annotated implementations, many libraries) use ``$$..$$``, ``$..$``,
``\\(..\\)`` and ``\\[..\\]``, also across the lines of a block of ``#`` comments. Code fenced
or quoted in backticks inside a docstring is code, not math.

Offsets are the file's own: a docstring's formula is found where it stands in the source, and a
non-raw string's doubled backslashes are read as the single backslash they stand for.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from thirdroad.reader._latex import clean_math
from thirdroad.reader._spans import MathSpan, Source, blank, scan_delimited

_ROLE = re.compile(r":math:`(?P<body>[^`]{1,2000})`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[^\n]*\n", re.MULTILINE)
# code inside a docstring: fenced blocks, backtick spans (a :math: role's body too: read above)
_COMMENT_MARK = re.compile(r"(?:^|\n)[ \t]*#+")  # the marks a comment block's lines begin with
_CODE = re.compile(r"```.*?(?:```|\Z)|``[^`\n]*``|`[^`\n]*`", re.DOTALL)


@dataclass(frozen=True)
class Docstring:
    """A docstring's stretch of the file (inside its quotes), whose object (``class Softmax``,
    ``def forward``, ``module``) and whether its backslashes are doubled (a non-raw string)."""

    start: int
    end: int
    owner: str
    escaped: bool


def docstrings(text: str) -> list[Docstring]:
    """Every docstring of the file, in order ([] when the file is not Python that parses)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    source = Source(text)
    rows = text.split("\n")

    def offset(line: int, column: int) -> int:  # ast counts a column in UTF-8 bytes
        chars = len(rows[line - 1].encode()[:column].decode(errors="ignore"))
        return source.offset_of(line, chars)

    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)) or first.end_lineno is None or first.end_col_offset is None:
            continue
        start = offset(first.lineno, first.col_offset)
        end = offset(first.end_lineno, first.end_col_offset)
        literal = text[start:end]
        prefix = re.match(r"[rRbBuUfF]*", literal)
        quotes = 3 if literal[len(prefix.group()) if prefix else 0:].startswith(('"""', "'''")) else 1
        skip = (len(prefix.group()) if prefix else 0) + quotes
        owner = "module" if isinstance(node, ast.Module) else \
            f"{'class' if isinstance(node, ast.ClassDef) else 'def'} {node.name}"
        out.append(Docstring(start + skip, end - quotes, owner, "r" not in (prefix.group().lower() if prefix else "")))
    return sorted(out, key=lambda d: d.start)


def _formula(raw: str, escaped: bool) -> str:
    return clean_math(raw.replace("\\\\", "\\") if escaped else raw)


def find_python(text: str) -> list[MathSpan]:
    """Every formula of the file's docstrings, in order."""
    found: list[MathSpan] = []
    for doc in docstrings(text):
        body = text[doc.start:doc.end]
        for role in _ROLE.finditer(body):
            formula = _formula(role.group("body"), doc.escaped)
            if formula:
                found.append(MathSpan(formula, doc.start + role.start(), doc.start + role.end(), False, ":math:"))
        for directive in _DIRECTIVE.finditer(body):
            found += _block(body, directive, doc)
        found += _delimited(body, doc.start, doc.escaped)
    for start, end in comment_blocks(text):
        found += _delimited(unmarked(text[start:end]), start,
                            False)
    return sorted(found, key=lambda s: s.start)


def _delimited(body: str, at: int, escaped: bool) -> list[MathSpan]:
    """The ``$$..$$``, ``$..$``, ``\\(..\\)``, ``\\[..\\]`` formulas of a docstring's or a comment
    block's text (which starts at ``at`` in the file), outside its code."""
    for code in reversed(list(_CODE.finditer(body))):
        body = blank(body, code.start(), code.end())
    out = []
    for span in scan_delimited(body):
        formula = _formula(span.text, escaped)
        if formula:
            out.append(MathSpan(formula, at + span.start, at + span.end, span.display, span.how))
    return out


def unmarked(comments: str) -> str:
    """A comment block's text with the ``#`` marks (and the indentation before them) blanked."""
    return _COMMENT_MARK.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), comments)


def comment_blocks(text: str) -> list[tuple[int, int]]:
    """The stretches of the file that are ``#`` comments (start and end offsets), a run of comment
    lines on consecutive lines one stretch ([] when the file is not Python that tokenizes)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    source = Source(text)
    blocks: list[tuple[int, int]] = []
    last_row = -2
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        start = source.offset_of(tok.start[0], tok.start[1])
        end = source.offset_of(tok.end[0], tok.end[1])
        alone = not tok.line[:tok.start[1]].strip()  # a comment line, not a comment after code
        if blocks and alone and tok.start[0] == last_row + 1:
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
        last_row = tok.start[0] if alone else -2
    return blocks


def _block(body: str, directive: re.Match[str], doc: Docstring) -> list[MathSpan]:
    """The formulas of one ``.. math::`` block: its lines indented deeper than the directive."""
    indent = len(directive.group("indent").expandtabs())
    lines = body[directive.end():].split("\n")
    at = directive.end()
    out: list[MathSpan] = []
    group: list[str] = []
    group_start = at
    for line in lines:
        deeper = line.strip() and len(line) - len(line.lstrip()) > indent
        if line.strip() and not deeper:
            break
        if deeper:
            if not group:
                group_start = at
            group.append(line)
        elif group:
            out.append(_display(group, group_start, doc))
            group = []
        at += len(line) + 1
    if group:
        out.append(_display(group, group_start, doc))
    return [span for span in out if span.text]


def _display(lines: list[str], start: int, doc: Docstring) -> MathSpan:
    raw = "\n".join(lines)
    return MathSpan(_formula(raw, doc.escaped), doc.start + start, doc.start + start + len(raw), True, ".. math::")


def python_prose(text: str) -> str:
    """The file with everything but its docstrings and comments blanked (offsets kept; a comment's
    ``#`` marks blanked too)."""
    chars = list(re.sub(r"[^\n]", " ", text))
    for doc in docstrings(text):
        chars[doc.start:doc.end] = text[doc.start:doc.end]
    for start, end in comment_blocks(text):
        chars[start:end] = unmarked(text[start:end])
    return "".join(chars)
