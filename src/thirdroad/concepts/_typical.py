"""Typical values for worked examples, read from ``typical_values.toml``.

The catalog says what each input of a concept *is* (a probability vector, a decay rate); this
file says what a small, readable example puts in for it: three-entry vectors, a 3x3 matrix,
Adam's usual β's. Kept as plain numbers (tuples), so the catalog stays free of NumPy here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thirdroad.concepts._load import CatalogError

PATH = Path(__file__).with_name("typical_values.toml")
_KEYS = {"vectors", "matrix", "scalar", "step", "by_variable", "by_symbol"}


@dataclass(frozen=True)
class TypicalValues:
    """``vectors`` (each ``size`` wide), ``matrix`` (``size`` by ``size``), a plain ``scalar``,
    a ``step`` count, and settings by a template variable's name (``by_variable``) and by the
    name a formula writes (``by_symbol``)."""

    vectors: tuple[tuple[float, ...], ...]
    matrix: tuple[tuple[float, ...], ...]
    scalar: float
    step: int
    by_variable: dict[str, float]
    by_symbol: dict[str, float]

    @property
    def size(self) -> int:
        """The width of every example array: what a size or a count in a formula is set to."""
        return len(self.vectors[0])


def _numbers(value: Any, where: str) -> tuple[float, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(x, int | float) for x in value):
        raise CatalogError(f"{PATH.name}: {where} must be a non-empty list of numbers")
    return tuple(float(x) for x in value)


def _settings(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict) or not all(isinstance(v, int | float) for v in value.values()):
        raise CatalogError(f"{PATH.name}: [{where}] must map names to numbers")
    return {str(k): v for k, v in value.items()}


def read_typical_values() -> TypicalValues:
    """The typical values, read from the file and checked (a mistake raises CatalogError)."""
    import tomllib  # only when the file is read: the copy on disk is read without it

    with PATH.open("rb") as fh:
        data = tomllib.load(fh)
    if set(data) != _KEYS:
        raise CatalogError(f"{PATH.name}: keys must be exactly {sorted(_KEYS)}, not {sorted(data)}")
    vectors = tuple(_numbers(v, "each of vectors") for v in data["vectors"])
    matrix = tuple(_numbers(row, "each row of matrix") for row in data["matrix"])
    size = len(vectors[0])
    if any(len(v) != size for v in vectors) or len(matrix) != size or any(len(r) != size for r in matrix):
        raise CatalogError(f"{PATH.name}: the vectors and the matrix must all be {size} wide")
    if not isinstance(data["scalar"], int | float) or not isinstance(data["step"], int):
        raise CatalogError(f"{PATH.name}: scalar is a number and step a whole number")
    return TypicalValues(vectors, matrix, float(data["scalar"]), data["step"],
                         _settings(data["by_variable"], "by_variable"), _settings(data["by_symbol"], "by_symbol"))
