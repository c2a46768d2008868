"""References of ``data/initialisation.toml``. Initialisation: the scale of the first random weights."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a


def xavier_uniform_bound(fan_in: float, fan_out: float, gain: float = 1.0) -> float:
    """gain * sqrt(6 / (fan_in + fan_out)): draw weights uniformly in [-bound, bound]."""
    return float(gain * np.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal_std(fan_in: float, fan_out: float, gain: float = 1.0) -> float:
    """gain * sqrt(2 / (fan_in + fan_out)): the standard deviation of normal weights."""
    return float(gain * np.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_normal_std(fan_in: float) -> float:
    """sqrt(2 / fan_in): the standard deviation for ReLU layers."""
    return float(np.sqrt(2.0 / fan_in))


def kaiming_std_gain(gain: float, fan_in: float) -> float:
    """gain / sqrt(fan_in): PyTorch's form; the ReLU gain sqrt(2) gives kaiming_normal_std."""
    return float(gain / np.sqrt(fan_in))


def kaiming_uniform_bound(fan_in: float) -> float:
    """sqrt(6 / fan_in): the uniform bound with the same variance as kaiming_normal_std."""
    return float(np.sqrt(6.0 / fan_in))


def kaiming_std_leaky(fan_in: float, a: float) -> float:
    """sqrt(2 / ((1 + a^2) fan_in)) for leaky ReLU with negative slope a."""
    return float(np.sqrt(2.0 / ((1 + a**2) * fan_in)))


def lecun_normal_std(fan_in: float) -> float:
    """sqrt(1 / fan_in): keeps the variance for linear or tanh-like units (and SELU)."""
    return float(np.sqrt(1.0 / fan_in))


def orthogonal_from_qr(Q: ArrayLike, R: ArrayLike) -> Array:
    """Q diag(sign(diag R)): the sign fix that makes Q uniformly random among orthogonal
    matrices when it comes from the QR of a Gaussian matrix."""
    return _a(Q) * np.sign(np.diag(_a(R)))
