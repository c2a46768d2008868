"""``\\begin{...} ... \\end{...}``: matrices, cases, and the aligned layouts of derivations.

A matrix environment (pmatrix, bmatrix, array ...) is a grid of cells; ``cases`` is a list of
(value, condition) rows; any other environment (aligned, align, equation, gathered ...) holds
statements, with ``&`` marks that carry no math and rows that may go on with ``&= ...``.
"""

from __future__ import annotations

from thirdroad.formula.ast import Block, Cases, Matrix, Node, Statement, Text
from thirdroad.formula.lexer import Token
from thirdroad.formula.parser.cursor import Cursor, cover, is_op
from thirdroad.formula.tables import MATRIX_ENVS, PSEUDO_WORDS


def _condition(cond: Node | None) -> Node | None:
    """``\\text{if } x > 0`` -> ``x > 0``; ``\\text{otherwise}`` -> None."""
    if cond is None:
        return None
    if isinstance(cond, Text):
        return None if cond.text.lower() in ("otherwise", "else", "") else cond
    if isinstance(cond, Statement):
        parts = [p for p in cond.parts if not (
            isinstance(p, Text) and p.text.lower().strip(" ,") in PSEUDO_WORDS)]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Statement(tuple(parts), span=cond.span)
    return cond


class Environments(Cursor):
    """Environments: matrices, cases, aligned statements."""

    def environment(self, tok: Token) -> Node:
        env = tok.value
        self.enter(tok)
        if env in MATRIX_ENVS:
            node: Node = self._matrix(tok)
        elif env in ("cases", "dcases"):
            node = self._cases(tok)
        else:
            self.align += 1
            items = self.parse_lines()
            self.align -= 1
            self._end(tok)
            if not items:
                raise self.error(f"the {env} environment is empty", tok)
            node = items[0] if len(items) == 1 else Block(tuple(items), span=cover(tok, self.previous()))
        self.depth -= 1
        return node

    def _end(self, begin: Token) -> Token:
        end = self.peek()
        if end.kind != "end":
            raise self.error(f"\\begin{{{begin.value}}} is never ended", end,
                             f"the environment opened at column {begin.start + 1} needs "
                             f"\\end{{{begin.value}}}")
        if end.value != begin.value:
            raise self.error(f"\\end{{{end.value}}} does not match", end,
                             f"the environment opened at column {begin.start + 1} is "
                             f"{begin.value}: write \\end{{{begin.value}}}")
        return self.advance()

    def _cells(self) -> list[list[Node]]:
        """The rows of a grid, each a list of cells; an empty cell is an empty text."""
        rows: list[list[Node]] = []
        row: list[Node] = []
        cell: Node | None = None
        saved = self.paren, self.align
        self.paren, self.align = 0, 0
        self.cells += 1
        while True:
            tok = self.peek()
            if tok.kind in ("end", "eof"):
                break
            if tok.kind == "newrow" or is_op(tok, "&"):
                self.advance()
                row.append(cell if cell is not None else Text("", span=(tok.start, tok.start)))
                cell = None
                if tok.kind == "newrow":
                    rows.append(row)
                    row = []
                continue
            if cell is not None and is_op(tok, ";"):
                self.advance()  # a line of an array {l}: "w = 0; ∀r : μ(r) = 0", two statements
                more = self.parse_statement()
                cell = Block((*(cell.items if isinstance(cell, Block) else (cell,)), more), span=cover(cell, more))
                continue
            if cell is not None:
                raise self.unexpected(tok)
            cell = self.parse_statement()
        if cell is not None or row:
            end = self.peek()
            row.append(cell if cell is not None else Text("", span=(end.start, end.start)))
            rows.append(row)
        self.paren, self.align = saved
        self.cells -= 1
        return rows

    def _matrix(self, tok: Token) -> Node:
        rows = self._cells()
        end = self._end(tok)
        if not rows:
            raise self.error("the matrix is empty", tok)
        width = max(len(r) for r in rows)
        filled = tuple(
            tuple(r) + tuple(Text("", span=(end.start, end.start)) for _ in range(width - len(r)))
            for r in rows
        )
        return Matrix(filled, tok.value, span=cover(tok, end))

    def _cases(self, tok: Token) -> Node:
        rows = self._cells()
        end = self._end(tok)
        branches: list[tuple[Node, Node | None]] = []
        for row in rows:
            if len(row) > 2:
                raise self.error("a case has one value and one condition", end,
                                 "write value & condition \\\\ on each line")
            value = row[0]
            cond = row[1] if len(row) > 1 else None
            branches.append((value, _condition(cond)))
        if not branches:
            raise self.error("the cases are empty", tok)
        return Cases(tuple(branches), span=cover(tok, end))
