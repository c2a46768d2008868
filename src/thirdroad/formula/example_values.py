"""Small example values that mean something: drawn from a variable's declared role and domain.

The catalog says what each input of a concept is (its role: a vector, a setting, a step count;
its domain: a probability vector, labels, a gate in (0, 1), non-negative ...), and
``typical_values.toml`` what a readable example puts in for a plain vector, matrix or setting.
Here the two meet: :func:`readable` gives the example value of one variable, always inside its
domain (probabilities that add up to one, labels 0, 2, 1, a gate of 0.2, not 2), and
:func:`in_domain` checks a value against a domain, so that a worked example whose result falls
outside the output's declared domain is dropped rather than shown.

Shapes and sets are no values: a variable whose domain is a number of axes gets an array with
that many axes, and nothing here evaluates ``\\mathbb{R}^{n \\times d}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import AXES_PATTERN

# Readable entries for each domain, three wide like every example vector; a number of the
# domain is the first entry.
_ENTRIES: Mapping[str, tuple[float, ...]] = {
    "probability vector": (0.2, 0.5, 0.3),
    "labels": (0.0, 2.0, 1.0),
    "0 or 1": (1.0, 0.0, 1.0),
    "-1 or 1": (1.0, -1.0, 1.0),
    "in (0, 1)": (0.2, 0.9, 0.6),
    "in [0, 1]": (0.2, 0.9, 0.6),
    "positive": (1.0, 2.0, 0.5),
    "non-negative": (1.0, 4.0, 0.25),
    "negative": (-1.0, -2.0, -0.5),
    "whole": (2.0, 3.0, 1.0),
}
_NUMBER: Mapping[str, float] = {"labels": 1.0, "whole": 2.0, "in (0, 1)": 0.3, "in [0, 1]": 0.3}
_POSITIVE_DEFINITE = ((2.0, 1.0, 0.0), (1.0, 2.0, 0.0), (0.0, 0.0, 1.0))
# The domains that say what values are (the others say how many axes, a shape, or that a term
# may be left out).
_LOWER_TRIANGULAR = ((1.0, 0.0, 0.0), (0.5, 2.0, 0.0), (-1.0, 1.0, 1.0))
_VALUE_KINDS = frozenset({*_ENTRIES, "one-hot", "positive definite", "lower triangular", "upper triangular"})


def value_domain(domain: tuple[str, ...]) -> str:
    """The domain's phrase about values (not about axes, a shape or a term left out), or ""."""
    return next((d for d in domain if d in _VALUE_KINDS), "")


def _axes(domain: tuple[str, ...], role: str, rank: int) -> int:
    for phrase in domain:
        m = AXES_PATTERN.match(phrase)
        if m:
            return max(int(m.group(2)), rank) if m.group(1) else int(m.group(2))
        if phrase in ("n by 2n", "n² by n"):
            return 2
    return max(rank, {"vector": 1, "matrix": 2}.get(role, 0))


def readable(role: str, domain: tuple[str, ...] = (), k: int = 0, var: str = "", rank: int = 0) -> Any:
    """The example value of a variable: by its role (a vector, a matrix, a setting, the step
    count), its name (Adam's β1 is 0.9) and its domain; ``k`` picks among the example vectors;
    ``rank`` is how many axes the formula writes on it (at least)."""
    typical = concepts_module.typical_values()
    kind = value_domain(domain)
    if role == "size":
        return typical.size
    if role == "step":
        return typical.step
    axes = _axes(domain, role, rank)
    shape = _shape(domain, axes, typical.size)
    if kind == "positive definite":
        return np.array(_POSITIVE_DEFINITE)
    if kind in ("lower triangular", "upper triangular"):
        lower = np.array(_LOWER_TRIANGULAR)
        return lower if kind == "lower triangular" else lower.T
    if kind == "one-hot":
        labels = np.array(_ENTRIES["labels"], dtype=int)
        return np.eye(typical.size)[labels] if axes >= 2 else np.eye(typical.size)[labels[k % typical.size]]
    if not shape:
        usual = typical.by_variable.get(var)
        if kind and usual is not None and in_domain(usual, domain):
            return usual  # Adam's β1 is 0.9, inside (0, 1)
        if kind:
            return _NUMBER.get(kind, _ENTRIES[kind][0] if kind in _ENTRIES else typical.scalar)
        if role == "label":
            return 1
        return typical.by_variable.get(var, _scalar(k))
    if kind in _ENTRIES:
        return _fill(np.array(_ENTRIES[kind]), shape, k, kind)
    if len(shape) == 1:
        return np.array(typical.vectors[k % len(typical.vectors)])
    return _fill(np.array(typical.matrix), shape, k, "")


def _scalar(k: int) -> float:
    """A plain number: the typical scalar, then others, so that not every number is 0.5."""
    typical = concepts_module.typical_values()
    choices = (typical.scalar, 2.0, -1.0, 1.5)
    return choices[k % len(choices)]


def _shape(domain: tuple[str, ...], axes: int, size: int) -> tuple[int, ...]:
    if "n by 2n" in domain:
        return (size, 2 * size)
    if "n² by n" in domain:
        return (size * size, size)
    return (size,) * axes


def _fill(base: np.ndarray, shape: tuple[int, ...], k: int, kind: str) -> np.ndarray:
    """An array of ``shape`` made from ``base`` (rolled by ``k``), inside the domain ``kind``."""
    flat = np.resize(np.roll(base.ravel(), k), int(np.prod(shape))).reshape(shape)
    if kind == "probability vector":
        flat = flat / flat.sum(axis=-1, keepdims=True)
    return np.asarray(flat, dtype=np.float64)


def in_domain(value: Any, domain: tuple[str, ...], tol: float = 1e-9) -> bool:
    """Whether ``value`` lies in the domain (its phrases about values; axes are not checked)."""
    kind = value_domain(domain)
    arr = np.asarray(value, dtype=np.float64)
    if not kind:
        return True
    if not np.all(np.isfinite(arr)):
        return False
    checks = {
        "positive": lambda a: np.all(a > 0),
        "non-negative": lambda a: np.all(a >= -tol),
        "negative": lambda a: np.all(a < 0),
        "in (0, 1)": lambda a: np.all((a > 0) & (a < 1)),
        "in [0, 1]": lambda a: np.all((a >= -tol) & (a <= 1 + tol)),
        "probability vector": lambda a: np.all(a >= -tol) and np.allclose(a.sum(axis=-1), 1.0),
        "labels": lambda a: np.all((a >= 0) & (a == np.round(a))),
        "one-hot": lambda a: np.all((a == 0) | (a == 1)) and np.allclose(a.sum(axis=-1), 1.0),
        "0 or 1": lambda a: np.all((a == 0) | (a == 1)),
        "-1 or 1": lambda a: np.all(np.abs(a) == 1),
        "whole": lambda a: np.all(a == np.round(a)),
        "positive definite": _positive_definite,
        "lower triangular": _lower_triangular,
        "upper triangular": _upper_triangular,
    }
    check = checks.get(kind)
    return bool(check(arr)) if check is not None else True


def _triangular(a: np.ndarray, lower: bool) -> bool:
    """Square, zero on the far side of the diagonal, positive on it (a Cholesky factor)."""
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        return False
    far = np.triu(a, 1) if lower else np.tril(a, -1)
    return bool(np.all(far == 0) and np.all(np.diag(a) > 0))


def _lower_triangular(a: np.ndarray) -> bool:
    return _triangular(a, lower=True)


def _upper_triangular(a: np.ndarray) -> bool:
    return _triangular(a, lower=False)


def _positive_definite(a: np.ndarray) -> bool:
    if a.ndim != 2 or a.shape[0] != a.shape[1] or not np.allclose(a, a.T):
        return False
    return bool(np.all(np.linalg.eigvalsh(a) > 0))


def fmt_value(value: Any) -> str:
    """A number or an array as an example writes it: ``0.5``, ``[1, 2, 0.5]``, ``[1, 0; 0, 1]``;
    an array of more axes as its rows of rows: ``[[1, 0; 0, 1], [2, 0; 0, 2]]``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    if arr.ndim == 1:
        return "[" + ", ".join(f"{v:.3g}" for v in arr) + "]"
    if arr.ndim == 2:
        return "[" + "; ".join(", ".join(f"{v:.3g}" for v in row) for row in arr) + "]"
    return "[" + ", ".join(fmt_value(part) for part in arr) + "]"


__all__ = ["fmt_value", "in_domain", "readable", "value_domain"]
