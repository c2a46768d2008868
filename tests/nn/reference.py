"""Helpers to hold the engine against PyTorch and against finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from thirdroad import nn


def rel_err(a: Any, b: Any) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(float(np.max(np.abs(b))) if b.size else 0.0, 1e-300)
    return float(np.max(np.abs(a - b))) / scale if a.size else 0.0


def ours_and_torch_grads(
    ours: Callable[..., nn.Tensor],
    theirs: Callable[..., torch.Tensor],
    arrays: Sequence[np.ndarray],
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, list[Any], np.ndarray, list[Any]]:
    """Value and gradients of sum(weights * f(inputs)) on both sides, in float64."""
    xs = [nn.Variable(a.astype(np.float64)) for a in arrays]
    with nn.GradientTape() as tape:
        y = ours(*xs)
        w = np.ones(y.shape) if weights is None else weights
        loss = (y * w).sum()
    g_ours = tape.gradient(loss, xs)
    ts = [torch.tensor(a.astype(np.float64), requires_grad=True) for a in arrays]
    ty = theirs(*ts)
    tloss = (ty * torch.tensor(w)).sum()
    g_torch = torch.autograd.grad(tloss, ts, allow_unused=True)
    return y.numpy(), g_ours, ty.detach().numpy(), [None if g is None else g.numpy() for g in g_torch]


def finite_difference(f: Callable[..., float], arrays: Sequence[np.ndarray], i: int, h: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function with respect to input i."""
    base = [a.astype(np.float64).copy() for a in arrays]
    grad = np.zeros_like(base[i])
    flat = base[i].reshape(-1)
    for j in range(flat.size):
        keep = flat[j]
        flat[j] = keep + h
        up = f(*base)
        flat[j] = keep - h
        down = f(*base)
        flat[j] = keep
        grad.reshape(-1)[j] = (up - down) / (2 * h)
    return grad
