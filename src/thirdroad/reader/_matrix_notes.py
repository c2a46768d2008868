"""Notes on the matrices a document writes out: what each one does (the matrix agents' words), a
product the document states, checked, and, where a copy lost entries, what is missing and what
can still be said.

Only matrices written with plain numbers are acted on. An equation ``X Y = M = R`` whose middle
array has k times as many rows as columns, under a product of k names, is read as the k square
matrices stacked (a copy that lost the brackets between them); the note says so. Nothing lost is
filled in: a matrix with a missing entry gets no story, only what its surviving rows show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from thirdroad.formula import to_unicode
from thirdroad.formula.ast import Matrix, Neg, Node, Number, Product, Relation, Symbol, Text
from thirdroad.reader._found import FoundFormula
from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._spans import Source

#: Matrices larger than this are not acted out (a data table, not an agent).
MAX_SIDE = 6


def _entry(node: Node) -> float | None:
    if isinstance(node, Number):
        return float(node.value)
    if isinstance(node, Neg) and isinstance(node.arg, Number):
        return -float(node.arg.value)
    return None


def _values(matrix: Matrix) -> tuple[np.ndarray | None, list[int]]:
    """The matrix as numbers, or None; and the 1-based rows that lost an entry in the copy."""
    short = [k + 1 for k, row in enumerate(matrix.rows) if any(isinstance(e, Text) and not e.text for e in row)]
    entries = [[_entry(e) for e in row] for row in matrix.rows]
    if short or any(v is None for row in entries for v in row):
        return None, short
    return np.array(entries, dtype=float), []


def _name(node: Node) -> str:
    """The name as plain letters (a bold 𝐏 is P in a sentence)."""
    return to_unicode(replace(node, font="") if isinstance(node, Symbol) else node)


def _acts(name: str, values: np.ndarray) -> str:
    """What the matrix is and does, in the agents' words."""
    from thirdroad.agents import MatrixAgent  # the agents load only for a document with a matrix

    agent = MatrixAgent(values)
    head = agent.describe().splitlines()[0]  # "This 3x3 matrix is a permutation, ..."
    if head.startswith("This ") and " matrix is " in head:
        size, what = head.removeprefix("This ").split(" matrix is ", 1)
        head = f"{name}, a {size.replace('x', '×')} matrix, is {what}"
    if not agent.is_square:
        return head
    return f"{head} On the left of another matrix A ({name} A), it {agent.act_on_words('left')}."


def _as_ints(values: np.ndarray) -> str:
    rows = ("; ".join(" ".join(f"{v:g}" for v in row) for row in values))
    return f"[{rows}]"


def _product_note(names: Sequence[str], stacked: np.ndarray, result: np.ndarray | None) -> str:
    """A stated product, split from its stacked array, computed and compared."""
    n = stacked.shape[1]
    parts = [stacked[k * n:(k + 1) * n] for k in range(len(names))]
    said = (f"The array after {''.join(names)} = has {stacked.shape[0]} rows of {n}: read as "
            + " and ".join(f"{name} = {_as_ints(part)}" for name, part in zip(names, parts, strict=True))
            + " (the copy lost the brackets between them).")
    product = parts[0]
    for part in parts[1:]:
        product = product @ part
    if result is None or result.shape != product.shape:
        return f"{said} Their product is {_as_ints(product)}."
    if np.allclose(product, result):
        return f"{said} Checked: {' times '.join(names)} is {_as_ints(product)}, the result the text gives."
    return f"{said} Their product is {_as_ints(product)}, not the {_as_ints(result)} the text gives."


def _note_for(found: FoundFormula) -> tuple[str, str]:
    """The note's title and words ("" when the formula writes no matrix to act on)."""
    formula = found.formula
    if formula is None or not isinstance(formula.root, Relation) or set(formula.root.ops) != {"eq"}:
        return "", ""
    lhs, *rest = formula.root.operands
    arrays = [op for op in rest if isinstance(op, Matrix)]
    if not arrays or len(arrays) != len(rest):
        return "", ""
    read = [_values(m) for m in arrays]
    short = [rows for _, rows in read if rows]
    if short:
        rows = ", ".join(str(r) for r in short[0])
        return "A matrix cut short", (f"A matrix here lost entries in the copy (row {rows} is short), so it "
                                      "cannot be acted out or checked; the entries that survive are shown as "
                                      "they are, and none is filled in.")
    values = [v for v, _ in read if v is not None]
    if len(values) != len(arrays) or any(max(v.shape) > MAX_SIDE * 2 for v in values):
        return "", ""
    factors = lhs.factors if isinstance(lhs, Product) else (lhs,)
    if not all(isinstance(f, Symbol) for f in factors):
        return "", ""
    names = [_name(f) for f in factors]
    first = values[0]
    if len(names) == 1 and len(values) == 1 and max(first.shape) <= MAX_SIDE:
        return f"What {names[0]} does", _acts(names[0], first)
    rows, cols = first.shape
    if len(names) >= 2 and rows == cols * len(names):
        title = f"{' '.join(names)}, computed" + (" and checked" if len(values) > 1 else "")
        return title, _product_note(names, first, values[1] if len(values) > 1 else None)
    return "", ""


def matrix_notes(formulas: Sequence[FoundFormula], source: Source) -> list[DocumentNote]:
    """One note per formula that writes a matrix out in numbers and says what it is."""
    notes = []
    for found in formulas:
        title, message = _note_for(found)
        if not message:
            continue
        line, column = source.line_col(found.start)
        notes.append(DocumentNote("matrix", "", message, found.start, found.end, line, column,
                                  says=title, formula=found.index))
    return notes
