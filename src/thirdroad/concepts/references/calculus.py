"""References of ``data/calculus.toml``.

Calculus, numerically: derivatives by central differences, the definition a learner can check by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


# --------------------------------------------------------------------------------------------
# approximations and integrals


def finite_difference(f: Callable[[Any], Any], x: ArrayLike, h: float) -> Array:
    """(f(x + h) - f(x)) / h: the forward difference, the slope of a chord of width h."""
    return _a((_a(f(_a(x) + h)) - _a(f(_a(x)))) / h)


def central_difference(f: Callable[[Any], Any], x: ArrayLike, h: float) -> Array:
    """(f(x + h) - f(x - h)) / (2h): the centred difference, accurate to order h squared."""
    return _a((_a(f(_a(x) + h)) - _a(f(_a(x) - h))) / (2 * h))


def taylor_second_order(f_a: ArrayLike, df_a: ArrayLike, d2f_a: ArrayLike, x: ArrayLike, a: ArrayLike) -> Array:
    """f(a) + f'(a)(x - a) + f''(a)/2 (x - a)^2: the parabola that touches f at a."""
    d = _a(x) - _a(a)
    return _a(_a(f_a) + _a(df_a) * d + _a(d2f_a) / 2 * d**2)


def taylor_quadratic_model(f_0: float, g: ArrayLike, H: ArrayLike, x: ArrayLike, x0: ArrayLike) -> float:
    """f(x0) + (x - x0)^T g + (1/2) (x - x0)^T H (x - x0): the second-order model of f around x0,
    with g its gradient and H its Hessian there."""
    d = _a(x) - _a(x0)
    return float(f_0 + d @ _a(g) + 0.5 * d @ _a(H) @ d)


def directional_derivative(grad: ArrayLike, v: ArrayLike) -> float:
    """nabla f(x) . v: how fast f changes when x moves along v."""
    return float(np.dot(_a(grad), _a(v)))


def integral(f: Callable[[Any], Any], a: float, b: float) -> float:
    """int_a^b f(x) dx, by the trapezoid rule on 10001 points (the area under f from a to b)."""
    grid = np.linspace(a, b, 10001)
    return float(np.trapezoid(_a([f(v) for v in grid]), grid))


# --------------------------------------------------------------------------------------------
# argmax and argmin


def argmax(f: Callable[[Any], Any], x: ArrayLike) -> Array:
    """argmax_x f(x): the candidate (a row of ``x``) where f is largest (the first, on a tie)."""
    candidates = np.asarray(x)
    return _a(candidates[int(np.argmax([float(f(c)) for c in candidates]))])


def argmin(f: Callable[[Any], Any], x: ArrayLike) -> Array:
    """argmin_x f(x): the candidate where f is smallest (the first, on a tie)."""
    candidates = np.asarray(x)
    return _a(candidates[int(np.argmin([float(f(c)) for c in candidates]))])


def argmax_index(x: ArrayLike) -> int:
    """argmax_i x_i: the position of the largest entry (the first, on a tie; counted from 0)."""
    return int(np.argmax(_a(x)))


def argmin_index(x: ArrayLike) -> int:
    """argmin_i x_i: the position of the smallest entry."""
    return int(np.argmin(_a(x)))
