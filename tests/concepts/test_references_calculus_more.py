"""Finite differences, Taylor models, directional derivatives, integrals and argmax/argmin
(data/calculus.more.toml) against torch.autograd, SciPy and torch.argmax."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import integrate

from thirdroad.concepts import references as R


def test_finite_differences_approach_the_autograd_derivative() -> None:
    x = torch.tensor([0.3, -1.1, 2.0], dtype=torch.float64, requires_grad=True)
    torch.sin(x).sum().backward()
    assert x.grad is not None
    exact = x.grad.numpy()
    forward = R.finite_difference(np.sin, x.detach().numpy(), 1e-6)
    centred = R.central_difference(np.sin, x.detach().numpy(), 1e-4)
    np.testing.assert_allclose(forward, exact, atol=1e-5)
    np.testing.assert_allclose(centred, exact, atol=1e-8)
    # the centred error shrinks like h^2, the forward one like h
    err = lambda fn, h: np.max(np.abs(fn(np.sin, x.detach().numpy(), h) - exact))  # noqa: E731
    assert err(R.central_difference, 1e-2) < err(R.finite_difference, 1e-2) / 10


def test_taylor_models_are_exact_for_quadratics(rng: np.random.Generator) -> None:
    f = lambda x: 3 * x**2 - 2 * x + 1  # noqa: E731
    a, x = 0.7, np.array([-1.0, 0.2, 2.5])
    np.testing.assert_allclose(R.taylor_second_order(f(a), 6 * a - 2, 6.0, x, a), f(x), rtol=1e-12)
    B = rng.normal(size=(3, 3))
    A, b, x0, x1 = B @ B.T, rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    t0 = torch.tensor(x0, requires_grad=True)
    value = 0.5 * t0 @ torch.tensor(A) @ t0 + torch.tensor(b) @ t0
    (grad,) = torch.autograd.grad(value, t0, create_graph=True)
    hessian = torch.autograd.functional.hessian(lambda t: 0.5 * t @ torch.tensor(A) @ t + torch.tensor(b) @ t, t0)
    model = R.taylor_quadratic_model(value.item(), grad.detach().numpy(), hessian.numpy(), x1, x0)
    assert model == pytest.approx(0.5 * x1 @ A @ x1 + b @ x1, rel=1e-10)


def test_directional_derivative_against_a_jacobian_vector_product(rng: np.random.Generator) -> None:
    x, v = rng.normal(size=4), rng.normal(size=4)
    f = lambda t: torch.sum(torch.tanh(t) ** 2)  # noqa: E731
    _, jvp = torch.autograd.functional.jvp(f, torch.tensor(x), torch.tensor(v))
    grad = torch.autograd.functional.jacobian(f, torch.tensor(x)).numpy()
    assert R.directional_derivative(grad, v) == pytest.approx(jvp.item(), rel=1e-12)


def test_integral_against_scipy_quad() -> None:
    assert R.integral(np.exp, 0.0, 1.0) == pytest.approx(integrate.quad(np.exp, 0, 1)[0], rel=1e-8)
    assert R.integral(np.sin, 0.0, np.pi) == pytest.approx(integrate.quad(np.sin, 0, np.pi)[0], rel=1e-7)


def test_argmax_and_argmin_against_torch(rng: np.random.Generator) -> None:
    x = rng.normal(size=9)
    assert R.argmax_index(x) == torch.argmax(torch.tensor(x)).item()
    assert R.argmin_index(x) == torch.argmin(torch.tensor(x)).item()
    candidates = np.linspace(-2, 2, 401)
    f = lambda t: -((t - 0.37) ** 2)  # noqa: E731
    assert float(R.argmax(f, candidates)) == pytest.approx(0.37, abs=0.005)
    assert float(R.argmin(lambda t: -f(t), candidates)) == pytest.approx(0.37, abs=0.005)
    rows = rng.normal(size=(5, 2))  # candidates may be vectors: one per row
    np.testing.assert_array_equal(R.argmax(lambda r: r.sum(), rows), rows[np.argmax(rows.sum(axis=1))])
