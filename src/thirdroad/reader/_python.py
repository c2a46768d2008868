"""Math in a Python file's docstrings, as Sphinx writes it: the ``:math:`...``` role inline and
the ``.. math::`` directive for a display (its indented lines; a blank line between two
formulas separates them). Only docstrings are read: the code is not prose.

Offsets are the file's own: a docstring's formula is found where it stands in the source, and a
non-raw string's doubled backslashes are read as the single backslash they stand for.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from thirdroad.reader._latex import clean_math
from thirdroad.reader._spans import MathSpan, Source

_ROLE = re.compile(r":math:`(?P<body>[^`]{1,2000})`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[^\n]*\n", re.MULTILINE)


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
    return sorted(found, key=lambda s: s.start)


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
    """The file with everything but its docstrings blanked (offsets kept)."""
    out = [re.sub(r"[^\n]", " ", text)]
    chars = list(out[0])
    for doc in docstrings(text):
        chars[doc.start:doc.end] = text[doc.start:doc.end]
    return "".join(chars)
