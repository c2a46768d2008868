"""The surface the box tests run optimizers on, shared by the PyTorch and optax comparisons: a
random positive-definite quadratic, and the engine's path down it."""

from __future__ import annotations

from typing import Any

import numpy as np

from thirdroad.nn import Variable


def quadratic(n: int = 6, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Hessian, linear term, start) of 0.5 xᵀHx + bᵀx in n dimensions."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    return a @ a.T / n + 0.5 * np.eye(n), rng.normal(size=n), rng.normal(size=n)


def engine_path(opt: Any, steps: int, n: int = 6) -> np.ndarray:
    """Where the engine's optimizer ``opt`` takes x, step by step."""
    hess, b, start = quadratic(n)
    x = Variable(start.copy())
    out = []
    for _ in range(steps):
        opt.apply_gradients([(hess @ x.numpy() + b, x)])
        out.append(x.numpy().copy())
    return np.array(out)
