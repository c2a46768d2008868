"""What every family of references shares: the array type, the conversion to it, and the table
of derivatives (a reference's slope stands right beside the reference, registered here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Fn = Callable[[Array], Any]


def _a(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


_DERIVATIVES: dict[str, Callable[..., Array]] = {}


def derivative(of: Callable[..., Any]) -> Callable[[Callable[..., Array]], Callable[..., Array]]:
    """Register the decorated function as the derivative of the reference ``of``: for a function
    applied entry by entry its slope at each entry, for one along the last axis (softmax) its
    Jacobian. It takes the same parameters as ``of``. At a kink it follows PyTorch's choice."""

    def register(fn: Callable[..., Array]) -> Callable[..., Array]:
        _DERIVATIVES[of.__name__] = fn
        return fn

    return register


def derivative_of(name: str) -> Callable[..., Array] | None:
    """The derivative of the reference called ``name``, if one is written."""
    return _DERIVATIVES.get(name)
