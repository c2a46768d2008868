"""More optimizers (data/optimizers.more.toml) against optax (in a subprocess), torch.optim.swa_utils and the
closed-form minimum of a quadratic."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import torch

from thirdroad.concepts import references as R

# optax runs in a subprocess: importing JAX here would make every later os.fork() of the test
# session (the web app's workers) warn that JAX is multithreaded.
_OPTAX = """
import json, sys
import numpy as np
import optax
grads = [np.asarray(g, np.float32) for g in json.loads(sys.stdin.read())]
out = {}
opt = optax.scale_by_yogi(b1=0.9, b2=0.99, eps=1e-3, initial_accumulator_value=1e-6)
state = opt.init(np.zeros_like(grads[0]))
out["yogi"] = []
for g in grads:
    _, state = opt.update(g, state)
    out["yogi"].append(np.asarray(state.nu).tolist())
opt = optax.scale_by_belief(b1=0.9, b2=0.99, eps=1e-16, eps_root=0.0)
state = opt.init(np.zeros_like(grads[0]))
out["belief"] = []
for g in grads:
    _, state = opt.update(g, state)
    out["belief"].append(np.asarray(state.nu).tolist())
opt = optax.sign_sgd(learning_rate=0.1)
updates, _ = opt.update(grads[0], opt.init(grads[0]), grads[0])
out["sign_sgd"] = np.asarray(updates).tolist()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def grads() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.normal(size=5).astype(np.float32).astype(np.float64) for _ in range(6)]


@pytest.fixture(scope="module")
def by_optax(grads: list[np.ndarray]) -> dict[str, Any]:
    if importlib.util.find_spec("optax") is None:  # not a test dependency: JAX is large
        pytest.skip("optax is not installed here (pip install optax to compare Yogi, AdaBelief and signSGD with it)")
    done = subprocess.run([sys.executable, "-c", _OPTAX], input=json.dumps([g.tolist() for g in grads]),
                          capture_output=True, text=True, check=True, timeout=300)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_yogi_second_moment_against_optax(grads: list[np.ndarray], by_optax: dict[str, Any]) -> None:
    v = np.full(5, 1e-6)
    for g, theirs in zip(grads, by_optax["yogi"], strict=True):
        v = R.yogi_second_moment(v, g, 0.99)
        np.testing.assert_allclose(v, theirs, rtol=1e-5, atol=1e-9)


def test_yogi_moves_by_a_fraction_of_the_squared_gradient_not_of_the_gap() -> None:
    v, g = np.array([100.0, 0.0]), np.array([1.0, 2.0])
    # Adam would move v by (1 - beta2) (g^2 - v): -0.99 and +0.04; Yogi by (1 - beta2) g^2 towards g^2
    np.testing.assert_allclose(R.yogi_second_moment(v, g, 0.99), [100.0 - 0.01, 0.04])


def test_adabelief_second_moment_against_optax(grads: list[np.ndarray], by_optax: dict[str, Any]) -> None:
    m, s = np.zeros(5), np.zeros(5)
    for g, theirs in zip(grads, by_optax["belief"], strict=True):
        m = R.ema(m, g, 0.9)
        s = R.belief_second_moment(s, g, m, 0.99)
        np.testing.assert_allclose(s, theirs, rtol=1e-5, atol=1e-9)


def test_sign_sgd_against_optax(grads: list[np.ndarray], by_optax: dict[str, Any]) -> None:
    theta = grads[0]  # optax's update does not depend on the parameters; any will do
    theirs = theta + np.asarray(by_optax["sign_sgd"])
    np.testing.assert_allclose(R.sign_sgd_step(theta, 0.1, grads[0]), theirs, rtol=1e-6)


def quadratic(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A positive definite H, a vector b and the gradient of f(x) = x^T H x / 2 - b^T x at a point
    (from torch.autograd)."""
    B = rng.normal(size=(4, 4))
    H, b, x = B @ B.T + 0.5 * np.eye(4), rng.normal(size=4), rng.normal(size=4)
    tx = torch.tensor(x, requires_grad=True)
    (0.5 * tx @ torch.tensor(H) @ tx - torch.tensor(b) @ tx).backward()
    assert tx.grad is not None
    return H, b, tx.grad.numpy()


def test_newton_lands_on_the_minimum_of_a_quadratic(rng: np.random.Generator) -> None:
    H, b, _ = quadratic(rng)
    x = rng.normal(size=4)
    grad = H @ x - b
    minimum = torch.linalg.solve(torch.tensor(H), torch.tensor(b)).numpy()
    np.testing.assert_allclose(R.newton_step(x, H, grad), minimum, rtol=1e-10)


def test_preconditioning_with_the_hessian_is_newton_and_with_the_identity_is_descent(rng: np.random.Generator) -> None:
    H, b, grad = quadratic(rng)
    x = rng.normal(size=4)
    g = H @ x - b
    np.testing.assert_allclose(R.preconditioned_step(x, 1.0, H, g), R.newton_step(x, H, g), rtol=1e-12)
    np.testing.assert_allclose(R.preconditioned_step(x, 0.1, np.eye(4), g), x - 0.1 * g, rtol=1e-12)
    step = R.preconditioned_step(x, 0.3, H, grad)
    np.testing.assert_allclose(step, x - 0.3 * torch.linalg.solve(torch.tensor(H), torch.tensor(grad)).numpy())


def test_polyak_average_against_torch_averaged_model(rng: np.random.Generator) -> None:
    layer = torch.nn.Linear(3, 1, bias=False).double()
    averaged = torch.optim.swa_utils.AveragedModel(layer)
    avg = None
    for t in range(1, 6):
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(rng.normal(size=(1, 3))))
        averaged.update_parameters(layer)
        theta = layer.weight.detach().numpy().copy()
        avg = theta if avg is None else R.running_average(avg, theta, t)
        np.testing.assert_allclose(avg, averaged.module.weight.detach().numpy(), rtol=1e-12)


def test_inverse_time_decay_halves_at_one_over_k_and_its_inverse_is_linear() -> None:
    lr0, k = 0.5, 0.2
    assert R.inverse_time_decay(lr0, k, 1 / k) == pytest.approx(lr0 / 2)
    t = np.arange(0, 50, dtype=float)
    slope, intercept = np.polyfit(t, [1 / R.inverse_time_decay(lr0, k, s) for s in t], 1)
    assert slope == pytest.approx(k / lr0) and intercept == pytest.approx(1 / lr0)
