"""Matrices that went through machine translation: ``\\begin{array}`` comes back as
``start {array}``, ``\\end`` as ``finish``, and the row breaks ``\\\\`` are lost, so a row's last
entry and the next row's first share one cell (``0 & 1 1 & 0 & 0``).

The rule, stated so it can be checked: in plain text, ``start {array}`` with an optional column
spec (``{rrr}``: three columns) opens an array, which ends at the next ``finish``. Its cells are
split at ``&``; a cell holding two numbers is where one row ended and the next began. Entries
must be plain numbers. A row with fewer entries than the columns lost some, and the rows after a
second ``finish`` (an array whose end was itself damaged) are lost: nothing is filled in.

The line holding such arrays is noted as a whole (it is not handed to the formula parser, which
would read the words ``start`` and ``finish`` as names): what each array kept, what is missing,
and what can still be said: a whole square matrix is acted out by the matrix agents, rows that
hold a single 1 say where a permutation sends rows, and a stated product is compared with what
survives of its factors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._spans import Source

_ARRAY = re.compile(r"\bstart\s*\{\s*array\s*\}\s*(?:\{\s*(?P<spec>[lcr|\s]+)\}\s*)?(?P<body>.*?)\bfinish\b", re.I)
_NAME = re.compile(r"\bmathbf\s*\{\s*(?P<name>[A-Za-z]{1,3})\s*\}\s*=", re.I)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")

Rows = list[list[float]]


def _rows(body: str) -> Rows | None:
    """The rows of a translated array's body, or None when an entry is not a number."""
    rows: Rows = [[]]
    for cell in body.split("&"):
        tokens = cell.split()
        if not tokens or len(tokens) > 2 or not all(_NUMBER.match(t) for t in tokens):
            return None
        rows[-1].append(float(tokens[0]))
        if len(tokens) == 2:
            rows.append([float(tokens[1])])
    return rows


def _shown(rows: Rows) -> str:
    return "[" + "; ".join(" ".join(f"{v:g}" for v in row) for row in rows) + "]"


def _unit_rows(rows: Rows, n: int) -> dict[int, int]:
    """Row i (0-based) -> the column of its single 1, for whole rows of zeros and one 1."""
    return {i: row.index(1.0) for i, row in enumerate(rows)
            if len(row) == n and row.count(1.0) == 1 and row.count(0.0) == n - 1}


def _sends(units: dict[int, int]) -> str:
    parts = [f"A's {_ORDINALS[j]} row {_ORDINALS[i]}" for i, j in sorted(units.items()) if max(i, j) < len(_ORDINALS)]
    return ", ".join(parts)


def _about(name: str, rows: Rows, n: int, damaged_end: bool) -> str:
    """What one array kept and what it lost."""
    kept = sum(len(r) for r in rows)
    short = [i + 1 for i, r in enumerate(rows) if len(r) < n]
    if not short and len(rows) == n and not damaged_end:
        return f"{name} = {_shown(rows)} came through whole."
    said = f"{name} lost entries in the copy: it kept {kept} of its {n * n} ({_shown(rows)})"
    if short:
        said += f"; row {', '.join(map(str, short))} is short"
    if len(rows) < n:
        said += f"; {'a row is' if n - len(rows) == 1 else 'rows are'} missing"
    return said + ". Nothing is filled in."


def _product(names: Sequence[str], rows_p: Rows, rows_a: Rows, rows_r: Rows, n: int) -> str:
    """A stated product P A = R, checked as far as what survives allows (P a permutation)."""
    units = _unit_rows(rows_p, n)
    agree: list[str] = []
    differ: list[str] = []
    for i, j in sorted(units.items()):
        if j < len(rows_a) and i < len(rows_r):
            a_row, r_row = rows_a[j], rows_r[i]
            k = min(len(a_row), len(r_row))
            (agree if a_row[:k] == r_row[:k] else differ).append(f"row {i + 1}")
    if not agree and not differ:
        return "The product cannot be checked: the rows it needs were lost."
    said = "The product can be checked only where the rows survive: "
    if agree:
        said += f"{' and '.join(agree)} of the result agree with the rows of {names[1]} that {names[0]} puts there"
    if differ:
        said += ("; " if agree else "") + f"{' and '.join(differ)} do not"
    return said + "."


def _note(line: str) -> tuple[str, str] | None:
    """The title and words of the note on one line holding translated arrays."""
    arrays = list(_ARRAY.finditer(line))
    if not arrays:
        return None
    parsed = []
    for match in arrays:
        rows = _rows(match.group("body"))
        if rows is None:
            return None
        spec = re.sub(r"[|\s]", "", match.group("spec") or "")
        n = len(spec) or max(len(r) for r in rows)
        damaged = bool(re.match(r"\s*finish\b", line[match.end():], re.I))  # "finish finish": its end was lost
        parsed.append((rows, n, damaged))
    named = _NAME.search(line)
    name = named.group("name") if named else "here"
    factors = list(name) if named and len(name) == len(parsed) - 1 >= 2 else [name]
    labels = [f"The matrix {f}" for f in factors]
    labels = [*labels, "The result"] if len(factors) > 1 else labels * len(parsed)
    parts = [_about(label, rows, n, damaged) for label, (rows, n, damaged) in zip(labels, parsed, strict=False)]
    whole = [(label, rows) for label, (rows, n, damaged) in zip(labels, parsed, strict=False)
             if len(rows) == n and all(len(r) == n for r in rows) and not damaged]
    first_rows, n, _ = parsed[0]
    units = _unit_rows(first_rows, n)
    if units and len(set(units.values())) == len(units):
        whole_first = len(units) == n
        whose = "Its rows" if whole_first else "Still, its whole rows"
        parts.insert(1, f"{whose} each hold a single 1, as a permutation's rows do: on the left of a matrix A "
                     f"it puts {_sends(units)}.")
    if len(factors) == 2 and len(parsed) == 3:
        parts.append(_product(factors, parsed[0][0], parsed[1][0], parsed[2][0], parsed[0][1]))
    title = "A matrix damaged in the copy" if len(whole) < len(parsed) else "A matrix, as translated"
    return title, " ".join(parts)


def translated_arrays(text: str) -> tuple[list[tuple[int, int]], list[DocumentNote]]:
    """The lines of ``text`` that hold translated arrays (to be kept from the formula search),
    and a note on each."""
    source = Source(text)
    spans: list[tuple[int, int]] = []
    notes = []
    offset = 0
    for line in text.split("\n"):
        found = _note(line) if "start" in line.lower() else None
        if found is not None:
            start = offset + len(line) - len(line.lstrip())
            end = offset + len(line.rstrip())
            spans.append((start, end))
            row, column = source.line_col(start)
            notes.append(DocumentNote("matrix", "", found[1], start, end, row, column, says=found[0]))
        offset += len(line) + 1
    return spans, notes


def blank_lines(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with ``spans`` blanked (offsets kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
