"""Optimizer and schedule references, composed step by step, against torch.optim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from thirdroad.concepts import references as R


def torch_run(make: Callable[[list[torch.Tensor]], torch.optim.Optimizer], theta0: np.ndarray,
              grads: list[np.ndarray]) -> list[np.ndarray]:
    """Parameters after each step of a torch optimizer fed the given gradients."""
    p = torch.tensor(theta0.copy(), requires_grad=True)
    opt = make([p])
    out = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


@pytest.fixture
def problem(rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    return rng.normal(size=5), [rng.normal(size=5) for _ in range(4)]


def check(ours: list[Any], theirs: list[np.ndarray], tol: float = 1e-10) -> None:
    for step, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=f"step {step}")


def test_sgd(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    ours = []
    for g in grads:
        theta = R.gd_step(theta, 0.1, g)
        ours.append(theta)
    check(ours, torch_run(lambda p: torch.optim.SGD(p, lr=0.1), problem[0], grads))


def test_momentum_pytorch_and_sutskever_forms(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta0, grads = problem
    theirs = torch_run(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.2),
                       theta0, grads)
    theta, buf, ours = theta0, None, []
    for g in grads:
        buf = g if buf is None else R.momentum_buffer(buf, g, 0.9, 0.2)  # starts at g
        theta = R.gd_step(theta, 0.1, buf)
        ours.append(theta)
    check(ours, theirs)
    # Without dampening, Sutskever's velocity is PyTorch's buffer times the learning rate.
    theirs = torch_run(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), theta0, grads)
    theta, v, ours = theta0, np.zeros(5), []
    for g in grads:
        v = R.momentum_velocity(v, g, 0.9, 0.1)
        theta = theta - v
        ours.append(theta)
    check(ours, theirs)


def test_ema_forms_agree_and_momentum_as_ema_is_a_rescaling(
        problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    _, grads = problem
    a = b = np.zeros(5)
    for g in grads:
        a, b = R.ema(a, g, 0.9), R.ema_new_weight(b, g, 0.1)
    np.testing.assert_allclose(a, b)
    # Ng's velocity is (1 - beta) times Sutskever's velocity with eta = 1.
    v_ng, v_s = np.zeros(5), np.zeros(5)
    for g in grads:
        v_ng, v_s = R.ema(v_ng, g, 0.9), R.momentum_velocity(v_s, g, 0.9, 1.0)
    np.testing.assert_allclose(v_ng, 0.1 * v_s)


def test_nesterov_both_forms(rng: np.random.Generator) -> None:
    A = rng.normal(size=(4, 4))
    A = A @ A.T + np.eye(4)

    def grad_fn(x: np.ndarray) -> np.ndarray:
        return A @ x

    phi0, lr, mu = rng.normal(size=4), 0.05, 0.9
    p = torch.tensor(phi0.copy(), requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=mu, nesterov=True)
    theta, v, buf = phi0, np.zeros(4), None
    for _ in range(5):
        g = grad_fn(p.detach().numpy())
        p.grad = torch.tensor(g)
        opt.step()
        buf = g if buf is None else mu * buf + g
        # PyTorch's direction, from the documented formula
        assert R.nesterov_direction(g, buf, mu).shape == (4,)
        v = R.nesterov_velocity(v, theta, grad_fn, mu, lr)
        theta = theta - v
        # Sutskever's iterate, moved to its look-ahead point, is PyTorch's parameter.
        np.testing.assert_allclose(theta - mu * v, p.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_rmsprop(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    theirs = torch_run(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-3),
                       theta, grads)
    sq, ours = np.zeros(5), []
    for g in grads:
        sq = R.ema_square(sq, g, 0.9)
        theta = R.rmsprop_step(theta, sq, g, 0.01, 1e-3)
        ours.append(theta)
    check(ours, theirs)


def test_rmsprop_epsilon_inside_is_a_floor_on_the_average(rng: np.random.Generator) -> None:
    theta, sq, g = rng.normal(size=3), rng.uniform(0, 1e-4, size=3), rng.normal(size=3)
    inside = R.rmsprop_step_eps_inside(theta, sq, g, 0.01, 1e-4)
    np.testing.assert_allclose(inside, R.rmsprop_step(theta, sq + 1e-4, g, 0.01, 0.0))
    assert not np.allclose(inside, R.rmsprop_step(theta, sq, g, 0.01, 1e-4))


def adam_moments(grads: list[np.ndarray], b1: float, b2: float) -> list[tuple[Any, Any]]:
    m = v = np.zeros_like(grads[0])
    out = []
    for g in grads:
        m, v = R.ema(m, g, b1), R.ema_square(v, g, b2)
        out.append((m, v))
    return out


def test_adam_all_written_forms(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta0, grads = problem
    lr, b1, b2, eps = 0.01, 0.9, 0.99, 1e-3
    theirs = torch_run(lambda p: torch.optim.Adam(p, lr=lr, betas=(b1, b2), eps=eps),
                       theta0, grads)
    a = b = c = theta0
    ours_a, ours_b, ours_c = [], [], []
    for t, (m, v) in enumerate(adam_moments(grads, b1, b2), start=1):
        m_hat, v_hat = R.bias_correction(m, b1, t), R.bias_correction(v, b2, t)
        a = R.adam_update(a, m_hat, v_hat, lr, eps)
        b = R.adam_step(b, m, v, t, lr, b1, b2, eps)
        c = R.adam_step_eps_hat(c, m, v, t, lr, b1, b2, eps * np.sqrt(1 - b2**t))
        ours_a.append(a)
        ours_b.append(b)
        ours_c.append(c)
    check(ours_a, theirs)
    check(ours_b, theirs)
    check(ours_c, theirs)


def test_adamw(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    lr, b1, b2, eps, wd = 0.01, 0.9, 0.99, 1e-8, 0.1
    theirs = torch_run(lambda p: torch.optim.AdamW(p, lr=lr, betas=(b1, b2), eps=eps,
                                                   weight_decay=wd), theta, grads)
    ours = []
    for t, (m, v) in enumerate(adam_moments(grads, b1, b2), start=1):
        theta = R.adamw_update(theta, R.bias_correction(m, b1, t), R.bias_correction(v, b2, t),
                               lr, eps, wd)
        ours.append(theta)
    check(ours, theirs)


def test_decoupled_weight_decay_equals_l2_for_plain_sgd(rng: np.random.Generator) -> None:
    theta = rng.normal(size=4)
    theirs = torch_run(lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.3), theta,
                       [np.zeros(4)])
    check([R.decoupled_weight_decay(theta, 0.1, 0.3)], theirs)


def test_adamax(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    theirs = torch_run(lambda p: torch.optim.Adamax(p, lr=0.01, betas=(0.9, 0.99), eps=0.0),
                       theta, grads)
    m, u, ours = np.zeros(5), np.zeros(5), []
    for t, g in enumerate(grads, start=1):
        m, u = R.ema(m, g, 0.9), R.adamax_norm(u, g, 0.99)
        theta = R.adamax_step(theta, m, u, t, 0.01, 0.9)
        ours.append(theta)
    check(ours, theirs)


def test_nadam_with_constant_beta1(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    lr, b1, b2, eps = 0.01, 0.9, 0.99, 1e-8
    # A huge momentum_decay makes PyTorch's beta1 schedule constant, as in Dozat's formula.
    theirs = torch_run(lambda p: torch.optim.NAdam(p, lr=lr, betas=(b1, b2), eps=eps,
                                                   momentum_decay=1e9), theta, grads)
    ours = []
    for t, ((m, v), g) in enumerate(zip(adam_moments(grads, b1, b2), grads, strict=True), 1):
        theta = R.nadam_step(theta, m, R.bias_correction(v, b2, t), g, t, lr, b1, eps)
        ours.append(theta)
    check(ours, theirs, tol=1e-8)  # PyTorch keeps the product of the beta1s in float32


def test_radam(rng: np.random.Generator) -> None:
    theta = rng.normal(size=5)
    grads = [rng.normal(size=5) for _ in range(9)]
    lr, b1, b2, eps = 0.01, 0.9, 0.9, 1e-12
    theirs = torch_run(lambda p: torch.optim.RAdam(p, lr=lr, betas=(b1, b2), eps=eps),
                       theta, grads)
    rho_inf = 2 / (1 - b2) - 1
    ours, rectified = [], 0
    for t, (m, v) in enumerate(adam_moments(grads, b1, b2), start=1):
        m_hat, v_hat = R.bias_correction(m, b1, t), R.bias_correction(v, b2, t)
        rho = R.radam_rho(t, b2)
        if rho > 5:
            r = R.radam_rectification(rho, rho_inf)
            theta = R.radam_update(theta, m_hat, v_hat, r, lr, eps)
            rectified += 1
        else:
            theta = theta - lr * m_hat
        ours.append(theta)
    assert 0 < rectified < len(grads)
    check(ours, theirs, tol=1e-9)


def test_adagrad_both_epsilons(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    theirs = torch_run(lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-3), theta, grads)
    acc, ours = np.zeros(5), []
    for g in grads:
        acc = R.accumulate_square(acc, g)
        theta = R.adagrad_step(theta, acc, g, 0.1, 1e-3)
        ours.append(theta)
    check(ours, theirs)
    np.testing.assert_allclose(R.adagrad_step_eps_inside(theta, acc, grads[0], 0.1, 1e-3),
                               R.adagrad_step(theta, acc + 1e-3, grads[0], 0.1, 0.0))


def test_adadelta(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    theirs = torch_run(lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
                       theta, grads)
    sq, acc_delta, ours = np.zeros(5), np.zeros(5), []
    for g in grads:
        sq = R.ema_square(sq, g, 0.9)
        delta = R.adadelta_delta(acc_delta, sq, g, 1e-6)
        acc_delta = R.ema_square(acc_delta, delta, 0.9)
        theta = theta + delta
        ours.append(theta)
    check(ours, theirs)


def test_rprop_while_signs_hold(rng: np.random.Generator) -> None:
    theta = rng.normal(size=5)
    sign = rng.choice([-1.0, 1.0], size=5)
    grads = [sign * rng.uniform(0.1, 2.0, size=5) for _ in range(4)]
    theirs = torch_run(lambda p: torch.optim.Rprop(p, lr=0.01, etas=(0.5, 1.2)), theta, grads)
    step, prev, ours = np.full(5, 0.01), np.zeros(5), []
    for g in grads:
        step = R.rprop_step_size(step, g, prev, 1.2, 0.5)
        theta = R.sign_step(theta, g, step)
        prev = g
        ours.append(theta)
    check(ours, theirs)
    shrunk = R.rprop_step_size(np.ones(2), np.array([1.0, -1.0]), np.array([-1.0, -1.0]), 1.2, 0.5)
    np.testing.assert_allclose(shrunk, [0.5, 1.2])


def test_adafactor_rebuilds_rank_one_second_moments(rng: np.random.Generator) -> None:
    r, c = rng.uniform(0.1, 2, size=4), rng.uniform(0.1, 2, size=3)
    V = np.outer(r, c)  # a rank-one matrix of squared-gradient averages
    np.testing.assert_allclose(R.adafactor_second_moment(V.sum(axis=1), V.sum(axis=0)), V)


def test_lion_moves_every_weight_by_the_learning_rate(rng: np.random.Generator) -> None:
    theta, m, g = rng.normal(size=6), rng.normal(size=6), rng.normal(size=6)
    step = theta - R.lion_step(theta, m, g, 0.003, 0.9, 0.0)
    np.testing.assert_allclose(np.abs(step), 0.003)
    np.testing.assert_array_equal(np.sign(step), np.sign(0.9 * m + 0.1 * g))


def test_clipping(rng: np.random.Generator) -> None:
    g = rng.normal(size=6) * 5
    p = torch.zeros(6, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_norm_([p], max_norm=1.5)
    np.testing.assert_allclose(R.clip_by_norm(g, 1.5), p.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(R.clip_by_norm(g, 1e6), g)
    p.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_value_([p], clip_value=0.7)
    np.testing.assert_allclose(R.clip_by_value(g, 0.7), p.grad.numpy())


def scheduled(make: Callable[[torch.optim.Optimizer], Any], steps: int,
              lr: float = 0.5) -> list[float]:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def test_schedules_match_torch() -> None:
    S = torch.optim.lr_scheduler
    n = 25
    expected = {
        "step": scheduled(lambda o: S.StepLR(o, step_size=7, gamma=0.3), n),
        "exp": scheduled(lambda o: S.ExponentialLR(o, gamma=0.9), n),
        "poly": scheduled(lambda o: S.PolynomialLR(o, total_iters=20, power=2.0), n),
        "cos": scheduled(lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.01), 21),
        "warm": scheduled(lambda o: S.LinearLR(o, start_factor=1e-12, total_iters=10), n),
    }
    t = range(n)
    np.testing.assert_allclose([R.step_decay(0.5, 0.3, i, 7) for i in t], expected["step"])
    np.testing.assert_allclose([R.exponential_decay(0.5, 0.9, i) for i in t], expected["exp"])
    np.testing.assert_allclose([R.exponential_decay_rate(0.5, -np.log(0.9), i) for i in t],
                               expected["exp"])
    np.testing.assert_allclose([R.polynomial_decay(0.5, 0.0, i, 20, 2.0) for i in t],
                               expected["poly"], atol=1e-12)
    np.testing.assert_allclose([R.cosine_annealing(0.01, 0.5, i, 20) for i in range(21)],
                               expected["cos"], atol=1e-12)
    np.testing.assert_allclose([R.linear_warmup(0.5, i, 10) for i in t], expected["warm"],
                               atol=1e-11)


def test_inverse_sqrt_schedule_peaks_at_the_end_of_warmup() -> None:
    lrs = [R.inverse_sqrt_schedule(512, t, 4000) for t in range(1, 20000, 50)]
    peak = int(np.argmax(lrs)) * 50 + 1
    assert abs(peak - 4000) <= 50
    np.testing.assert_allclose(R.inverse_sqrt_schedule(512, 4000, 4000), (512 * 4000) ** -0.5)


def test_amsgrad(problem: tuple[np.ndarray, list[np.ndarray]]) -> None:
    theta, grads = problem
    lr, b1, b2, eps = 0.01, 0.9, 0.99, 1e-8
    theirs = torch_run(lambda p: torch.optim.Adam(p, lr=lr, betas=(b1, b2), eps=eps,
                                                  amsgrad=True), theta, grads)
    v_max, ours = np.zeros(5), []
    for t, (m, v) in enumerate(adam_moments(grads, b1, b2), start=1):
        v_max = R.running_max(v_max, v)
        theta = R.adam_update(theta, R.bias_correction(m, b1, t),
                              R.bias_correction(v_max, b2, t), lr, eps)
        ours.append(theta)
    check(ours, theirs)
