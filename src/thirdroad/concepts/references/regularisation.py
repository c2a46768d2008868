"""References of ``data/regularisation.toml``: penalties added to a loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import _a


def regularised_loss(L: Callable[[Any], Any], R: Callable[[Any], Any], theta: ArrayLike, lambd: float) -> float:
    """L(theta) + lambda R(theta): the data loss plus a weighted penalty on the parameters."""
    return float(L(theta) + lambd * R(theta))


def regularised_mean_loss(L: ArrayLike, R: Callable[[Any], Any], W: ArrayLike, lambd: float) -> float:
    """(1/N) sum_i L_i + lambda R(W): the mean loss over the examples plus the weighted penalty."""
    return float(np.mean(_a(L)) + lambd * R(W))


def l1_penalty(lambd: float, theta: ArrayLike) -> float:
    """lambda sum_i |w_i| = lambda ||w||_1."""
    return float(lambd * np.sum(np.abs(_a(theta))))


def elastic_net_penalty(lambd1: float, lambd2: float, theta: ArrayLike) -> float:
    """lambda_1 ||w||_1 + lambda_2 ||w||_2^2."""
    w = _a(theta)
    return float(lambd1 * np.sum(np.abs(w)) + lambd2 * np.sum(w**2))
