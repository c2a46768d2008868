"""References of ``data/calculus.toml``.

Calculus, numerically: derivatives by central differences, the definition a learner can check by hand.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, Fn, _a

_H = 1e-5


def derivative(f: Callable[[float], float], x: float) -> float:
    """df/dx at x, by a central difference."""
    return (float(f(x + _H)) - float(f(x - _H))) / (2 * _H)


def gradient(f: Fn, x: ArrayLike) -> Array:
    """The vector of partial derivatives of a scalar function f at x (same shape as x)."""
    x = _a(x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = _H
        grad[idx] = (float(f(x + step)) - float(f(x - step))) / (2 * _H)
    return grad


def jacobian(f: Fn, x: ArrayLike) -> Array:
    """J[i, j] = d f_i / d x_j for a function from vectors to vectors."""
    x = _a(x)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step.flat[j] = _H
        columns.append((_a(f(x + step)) - _a(f(x - step))).ravel() / (2 * _H))
    return np.stack(columns, axis=1)


def hessian(f: Fn, x: ArrayLike) -> Array:
    """H[i, j] = d^2 f / dx_i dx_j: the Jacobian of the gradient."""
    return jacobian(lambda z: gradient(f, z), x)


def chain_rule(dz_dy: ArrayLike, dy_dx: ArrayLike) -> Array:
    """dz/dx = dz/dy dy/dx: numbers multiply, Jacobians multiply as matrices."""
    a, b = _a(dz_dy), _a(dy_dx)
    return a * b if a.ndim == 0 or b.ndim == 0 else a @ b


def vector_jacobian_product(v: ArrayLike, J: ArrayLike) -> Array:
    """v^T J: what backpropagation passes back through one step."""
    return _a(v) @ _a(J)


def reparameterize(mu: ArrayLike, sigma: ArrayLike, eps: ArrayLike) -> Array:
    """mu + sigma * eps with eps drawn from N(0, 1): a sample that gradients can flow through."""
    return _a(mu) + _a(sigma) * _a(eps)


def backprop_delta(W_next: ArrayLike, delta_next: ArrayLike, dact: ArrayLike) -> Array:
    """delta^l = (W^{l+1})^T delta^{l+1} * sigma'(z^l), layer l's error from layer l+1's."""
    return (_a(W_next).T @ _a(delta_next)) * _a(dact)
