"""Numerics on plain NumPy arrays: each numerically delicate function written once, in the
form that keeps its digits. Everything else in the engine calls these (the rule table's
forward passes, the fused GRU, the Boltzmann machines); this module imports only NumPy.

Where the trap is, and how each form steps around it:

- ``sigmoid``: ``1 / (1 + e^-x)``. Very negative x makes ``e^-x`` overflow to inf, and
  ``1 / inf = 0`` is the right limit (the true value is then below the smallest normal
  number), so the overflow is expected and silenced. The other common form,
  ``0.5·tanh(x/2) + 0.5``, cancels for negative x: in float32 it gives exactly 0 for
  x < -17, where σ(-20) = 2.1e-9, and keeps only 3 digits at x = -10.
- ``softplus``: ``max(x, 0) + log(1 + e^-|x|)``: the exponential never sees a large
  positive number, and the log's argument stays in [1, 2].
- ``logsumexp``, ``softmax``, ``log_softmax``: take out the row's maximum first
  (``z = x - max x``, exact for the entries near the maximum), so every ``e^z`` is at most 1
  and the largest is exactly 1. Computing softmax as ``exp(x - logsumexp(x))`` instead
  subtracts two large, already rounded numbers: float32 logits near 1e5 then give
  probabilities that sum to 0.997.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

DEFAULT_DTYPE: np.dtype[Any] = np.dtype(np.float32)
"""What Python numbers and lists become in a tensor (NumPy arrays keep their own dtype)."""

__all__ = [
    "DEFAULT_DTYPE",
    "Array",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "max_shift",
    "sigmoid",
    "softmax",
    "softplus",
]


def sigmoid(x: Any, out: Array | None = None) -> Array:
    """σ(x) = 1 / (1 + e^-x), into ``out`` when given (``out=x`` works in place).

    >>> sigmoid(np.array([-20.0, 0.0, 20.0], dtype=np.float32))
    array([2.0611537e-09, 5.0000000e-01, 1.0000000e+00], dtype=float32)
    """
    a = np.asarray(x)
    if out is None:
        out = np.empty(a.shape, dtype=a.dtype if a.dtype.kind == "f" else np.float64)
    if a.size and np.min(a) < -_exp_limit(out.dtype):
        r: Array = np.negative(a, out=out)
        with np.errstate(over="ignore"):  # e^-x = inf for very negative x: then 1/(1 + inf) = 0
            np.exp(r, out=r)
    else:  # the common case, without np.errstate: entering it allocates on every call
        r = np.negative(a, out=out)
        np.exp(r, out=r)
    r += 1
    np.reciprocal(r, out=r)
    return r


def _exp_limit(dtype: np.dtype[Any]) -> float:
    """A number whose exponential is still finite in ``dtype`` (88 for float32, 709 for float64)."""
    return _EXP_LIMITS.setdefault(dtype, float(np.floor(np.log(np.finfo(dtype).max))))


_EXP_LIMITS: dict[np.dtype[Any], float] = {}


def softplus(x: Any) -> Array:
    """log(1 + e^x), as max(x, 0) + log(1 + e^-|x|): finite for any x, exact digits for tiny e^x."""
    return np.logaddexp(0, x)  # type: ignore[no-any-return]


def log_sigmoid(x: Any) -> Array:
    """log σ(x) = -softplus(-x): about x for very negative x, about -e^-x for large x."""
    return -softplus(np.negative(x))


def max_shift(x: Array, axis: Any) -> Array:
    """The maximum along ``axis`` (kept as an axis of length 1), to be subtracted before
    exponentiating. Rows whose maximum is not finite (all -inf, or holding inf) are shifted
    by 0 instead: inf - inf would be nan."""
    m: Array = np.max(x, axis=axis, keepdims=True)
    if not np.all(np.isfinite(m)):
        m = np.where(np.isfinite(m), m, 0)
    return m


def logsumexp(x: Array, axis: Any = None, keepdims: bool = False) -> Array:
    """log Σ e^x along ``axis``, as m + log Σ e^(x - m) with m the maximum: no overflow."""
    m = max_shift(x, axis)
    s: Array = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    s += m
    return s if keepdims else np.squeeze(s, axis=axis)


def softmax(x: Array, axis: Any = -1) -> Array:
    """e^x / Σ e^x along ``axis`` (an int, a tuple, or None for all), as e^z / Σ e^z with z = x - max x."""
    e: Array = np.exp(x - max_shift(x, axis))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def log_softmax(x: Array, axis: Any = -1) -> Array:
    """x - log Σ e^x along ``axis``, as z - log Σ e^z with z = x - max x."""
    z: Array = x - max_shift(x, axis)
    z -= np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
    return z
