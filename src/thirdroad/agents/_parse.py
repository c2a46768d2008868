"""Turn whatever the learner typed or passed into a matrix, safely and with clear errors.

Strings are read by a tiny tokenizer (never ``eval``): brackets, commas or spaces between
entries, ``;`` or ``],[`` between rows, and numbers such as ``-3``, ``0.5``, ``1e-3`` and exact
rationals ``1/2``. Entries given exactly (integers, decimals and rationals in a string, integer
arrays) are also kept as :class:`fractions.Fraction`, so elimination steps can be shown exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thirdroad.agents._errors import AgentInputError

FloatMatrix = NDArray[np.float64]
ExactMatrix = tuple[tuple[Fraction, ...], ...]

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_TOKEN = re.compile(
    rf"\s*(?:(?P<number>{_NUMBER}(?:\s*/\s*{_NUMBER})?)|(?P<punct>[\[\],;])|(?P<bad>\S+?(?=[\s\[\],;]|$)))"
)


@dataclass(frozen=True)
class ParsedMatrix:
    """A matrix as floats, and exactly when every entry was given exactly."""

    values: FloatMatrix
    exact: ExactMatrix | None


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "[", "]", ",", ";", "end"
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.group("bad") is not None:
            start = position + (len(text[position:]) - len(text[position:].lstrip()))
            bad = match.group("bad") if match is not None else text[start:]
            if bad.strip("+-").lower() in {"nan", "inf", "infinity"}:
                raise AgentInputError(
                    f"{bad!r} is not a finite number",
                    text=text,
                    offset=start,
                    hint="every entry must be a finite number",
                )
            raise AgentInputError(
                f"not a number: {bad!r}",
                text=text,
                offset=start,
                hint="entries must be numbers such as 2, -0.5, 1e-3 or 1/3",
            )
        if match.group("number") is not None:
            tokens.append(_Token("number", match.group("number"), match.start("number")))
        else:
            tokens.append(_Token(match.group("punct"), match.group("punct"), match.start("punct")))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _number(part: str, token: _Token, text: str) -> Fraction:
    _, _, exponent = part.lower().partition("e")
    if exponent and abs(int(exponent)) > 300:  # 10**exponent as an exact integer would be huge
        raise AgentInputError(
            f"{token.text!r} is too large or too small to compute with",
            text=text,
            offset=token.position,
            hint="use exponents between -300 and 300",
        )
    return Fraction(part)


def _to_fraction(token: _Token, text: str) -> Fraction:
    top, _, bottom = token.text.partition("/")
    numerator = _number(top.strip(), token, text)
    if not bottom:
        return numerator
    denominator = _number(bottom.strip(), token, text)
    if denominator == 0:
        raise AgentInputError(f"division by zero in {token.text!r}", text=text, offset=token.position)
    return numerator / denominator


class _Reader:
    """Recursive descent over: matrix := '[' row (',' row)* ']' | row (';' row)* ."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self, kind: str, what: str) -> _Token:
        token = self.peek()
        if token.kind != kind:
            found = "the end" if token.kind == "end" else repr(token.text)
            raise AgentInputError(f"expected {what} but found {found}", text=self.text, offset=token.position)
        self.i += 1
        return token

    def row_of_numbers(self, closing: str | None) -> tuple[list[Fraction], int]:
        start = self.peek().position
        row = [_to_fraction(self.take("number", "a number"), self.text)]
        while True:
            token = self.peek()
            if token.kind == ",":
                self.i += 1
            if self.peek().kind == "number":
                row.append(_to_fraction(self.take("number", "a number"), self.text))
                continue
            if token.kind == "," and self.peek().kind != "number":
                self.take("number", "a number after ','")
            break
        if closing is not None:
            self.take(closing, f"'{closing}' or another number")
        return row, start

    def matrix(self) -> tuple[list[list[Fraction]], list[int]]:
        rows: list[list[Fraction]] = []
        starts: list[int] = []
        if self.peek().kind == "end":
            raise AgentInputError("the matrix is empty", text=self.text, offset=0)
        if self.peek().kind == "[":
            self.i += 1
            if self.peek().kind == "[":
                while True:
                    self.take("[", "'[' to open a row")
                    if self.peek().kind == "]":
                        raise AgentInputError("a row is empty", text=self.text, offset=self.peek().position)
                    row, start = self.row_of_numbers("]")
                    rows.append(row)
                    starts.append(start)
                    if self.peek().kind == ",":
                        self.i += 1
                        continue
                    break
                self.take("]", "']' to close the matrix")
            elif self.peek().kind == "]":
                raise AgentInputError("the matrix is empty", text=self.text, offset=0)
            else:  # [1 2; 3 4]
                rows, starts = self.semicolon_rows()
                self.take("]", "']' to close the matrix")
        else:
            rows, starts = self.semicolon_rows()
        self.take("end", "the end of the matrix")
        return rows, starts

    def semicolon_rows(self) -> tuple[list[list[Fraction]], list[int]]:
        rows: list[list[Fraction]] = []
        starts: list[int] = []
        while True:
            row, start = self.row_of_numbers(None)
            rows.append(row)
            starts.append(start)
            if self.peek().kind == ";":
                self.i += 1
                continue
            return rows, starts


def parse_matrix_text(text: str) -> ParsedMatrix:
    """Read ``"[[0,0,1],[1,0,0],[0,1,0]]"``, ``"1 2; 3 4"`` or ``"[[1/2, 0], [0, 2]]"``."""
    reader = _Reader(text)
    rows, starts = reader.matrix()
    width = len(rows[0])
    for index, row in enumerate(rows):
        if len(row) != width:
            raise AgentInputError(
                f"the rows have different lengths: row 1 has {width} entries, row {index + 1} has {len(row)}",
                text=text,
                offset=starts[index],
                hint="every row of a matrix needs the same number of entries",
            )
    exact = tuple(tuple(row) for row in rows)
    try:
        values = np.array([[float(x) for x in row] for row in rows], dtype=np.float64)
    except OverflowError:
        raise AgentInputError(
            "an entry is too large to compute with", text=text, hint="entries must stay below about 1e308"
        ) from None
    _check_finite(values)
    return ParsedMatrix(values, exact)


LARGEST = 1e100  # beyond this, products of entries overflow and nothing said would be reliable


def _check_finite(values: FloatMatrix) -> None:
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        i, j = (int(k) for k in bad[0])
        what = "NaN (not a number)" if np.isnan(values[i, j]) else "infinite"
        raise AgentInputError(
            f"entry ({i + 1}, {j + 1}) is {what}",
            hint="every entry must be a finite number",
        )
    huge = np.argwhere(np.abs(values) > LARGEST)
    if huge.size:
        i, j = (int(k) for k in huge[0])
        raise AgentInputError(
            f"entry ({i + 1}, {j + 1}) is too large to compute with reliably ({values[i, j]:.3g})",
            hint=f"keep entries below {LARGEST:g} in size",
        )


def _ragged_error(rows: list[Any]) -> AgentInputError:
    lengths = [len(r) if isinstance(r, list | tuple | np.ndarray) else 1 for r in rows]
    for index, length in enumerate(lengths):
        if length != lengths[0]:
            return AgentInputError(
                f"the rows have different lengths: row 1 has {lengths[0]} entries, row {index + 1} has {length}",
                hint="every row of a matrix needs the same number of entries",
            )
    return AgentInputError("the rows don't line up into a table of numbers")


def as_matrix(obj: object) -> ParsedMatrix:
    """Any matrix-like input (string, nested lists, NumPy array) as a checked ParsedMatrix."""
    if isinstance(obj, str):
        return parse_matrix_text(obj)
    if hasattr(obj, "detach"):  # a PyTorch tensor that may carry gradients
        obj = obj.detach()
    if hasattr(obj, "numpy") and callable(obj.numpy):  # PyTorch or thirdroad.nn tensors
        obj = obj.numpy()
    if isinstance(obj, list | tuple) and any(isinstance(r, list | tuple) for r in obj):
        widths = {len(r) if isinstance(r, list | tuple) else -1 for r in obj}
        if len(widths) > 1:
            raise _ragged_error(list(obj))
    try:
        array = np.asarray(obj)
    except ValueError as error:  # NumPy refuses ragged nesting
        raise AgentInputError(f"not a table of numbers: {error}") from None
    if array.dtype == object or array.dtype.kind in "USV":
        raise AgentInputError(
            "not a number: the matrix holds text or other objects",
            hint="pass numbers, e.g. [[1, 0], [0, 1]] or the string '[[1, 0], [0, 1]]'",
        )
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    if array.dtype.kind == "c":
        raise AgentInputError("complex entries aren't supported: give a real matrix")
    if array.size == 0:
        raise AgentInputError("the matrix is empty")
    if array.ndim != 2:
        shape = {0: "a single number", 1: "a vector (one axis)"}.get(array.ndim, f"an array with {array.ndim} axes")
        raise AgentInputError(
            f"a matrix needs exactly two axes (rows and columns); got {shape}",
            hint="write [[1, 2, 3]] for a 1x3 matrix",
        )
    values = array.astype(np.float64)
    _check_finite(values)
    exact: ExactMatrix | None = None
    whole = array.dtype.kind in "iu" or bool(np.all(values == np.trunc(values)))
    if whole and bool(np.all(np.abs(values) < 2**53)):
        exact = tuple(tuple(Fraction(int(x)) for x in row) for row in values)
    return ParsedMatrix(values, exact)
