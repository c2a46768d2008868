"""Optimizers: step for step equal to torch.optim, and they converge where they should."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from tests.nn.reference import rel_err
from thirdroad import nn
from thirdroad.nn import optim

CONFIGS: list[tuple[str, Callable[[], optim.Optimizer], Callable[[list[torch.Tensor]], torch.optim.Optimizer]]] = []


def _add(name: str, ours: Callable[[], optim.Optimizer], theirs: Callable[[list[Any]], Any]) -> None:
    CONFIGS.append((name, ours, theirs))


_add("sgd", lambda: optim.SGD(lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1))
_add("sgd_wd", lambda: optim.SGD(lr=0.1, weight_decay=0.01), lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01))
_add("sgd_momentum", lambda: optim.SGD(lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9))
_add(
    "sgd_dampening",
    lambda: optim.SGD(lr=0.05, momentum=0.9, dampening=0.3),
    lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.3),
)
_add(
    "sgd_nesterov_wd",
    lambda: optim.SGD(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02),
    lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02),
)
_add("rmsprop", lambda: optim.RMSProp(lr=0.01), lambda p: torch.optim.RMSprop(p, lr=0.01))
_add(
    "rmsprop_all",
    lambda: optim.RMSProp(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5, centered=True),
    lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5, centered=True),
)
_add(
    "rmsprop_momentum",
    lambda: optim.RMSProp(lr=0.01, momentum=0.9),
    lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9),
)
_add("adam", lambda: optim.Adam(lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01))
_add(
    "adam_all",
    lambda: optim.Adam(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
)
_add("adam_amsgrad", lambda: optim.Adam(lr=0.01, amsgrad=True), lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True))
_add("adamw", lambda: optim.AdamW(lr=0.01), lambda p: torch.optim.AdamW(p, lr=0.01))
_add(
    "adamw_all",
    lambda: optim.AdamW(lr=0.02, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.1, amsgrad=True),
    lambda p: torch.optim.AdamW(p, lr=0.02, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.1, amsgrad=True),
)
_add("adagrad", lambda: optim.Adagrad(lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1))
_add(
    "adagrad_all",
    lambda: optim.Adagrad(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1, eps=1e-8),
    lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1, eps=1e-8),
)


@pytest.mark.parametrize(("name", "ours", "theirs"), CONFIGS, ids=[c[0] for c in CONFIGS])
def test_hundred_steps_equal_torch_optim(name: str, ours: Any, theirs: Any) -> None:
    r = np.random.default_rng(42)
    shapes = [(3, 4), (5,)]
    starts = [r.standard_normal(s) for s in shapes]
    grads = [[r.standard_normal(s) * (1 + 0.1 * t) for s in shapes] for t in range(100)]

    variables = [nn.Variable(a) for a in starts]
    opt = ours()
    tparams = [torch.tensor(a, requires_grad=True) for a in starts]
    topt = theirs(tparams)
    for step in grads:
        opt.apply_gradients(zip(step, variables, strict=True))
        for p, g in zip(tparams, step, strict=True):
            p.grad = torch.tensor(g)
        topt.step()
    for v, p in zip(variables, tparams, strict=True):
        assert np.max(np.abs(v.numpy() - p.detach().numpy())) <= 1e-9, name
        assert rel_err(v.numpy(), p.detach().numpy()) <= 1e-9


def _quadratic(x: nn.Tensor) -> nn.Tensor:
    a = np.array([[3.0, 0.5], [0.5, 1.0]])
    d = x - np.array([1.0, -2.0])
    return (d * (d @ a)).sum()


def _rosenbrock(x: nn.Tensor) -> nn.Tensor:
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


CONVERGE = [
    ("SGD", lambda: optim.SGD(lr=1e-3), lambda: optim.SGD(lr=0.1), 30000),
    ("SGD momentum", lambda: optim.SGD(lr=1e-3, momentum=0.9), lambda: optim.SGD(lr=0.05, momentum=0.9), 5000),
    (
        "Nesterov",
        lambda: optim.SGD(lr=1e-3, momentum=0.9, nesterov=True),
        lambda: optim.SGD(lr=0.05, momentum=0.9, nesterov=True),
        5000,
    ),
    ("RMSProp", lambda: optim.RMSProp(lr=1e-3), lambda: optim.RMSProp(lr=0.01), 8000),
    ("Adam", lambda: optim.Adam(lr=0.02), lambda: optim.Adam(lr=0.05), 6000),
    ("AdamW", lambda: optim.AdamW(lr=0.02, weight_decay=0.0), lambda: optim.AdamW(lr=0.05, weight_decay=0.0), 6000),
    ("Adagrad", lambda: optim.Adagrad(lr=0.5), lambda: optim.Adagrad(lr=0.5), 8000),
]


def _run(opt: optim.Optimizer, f: Callable[[nn.Tensor], nn.Tensor], start: list[float], steps: int) -> np.ndarray:
    x = nn.Variable(np.array(start, dtype=np.float64))
    for _ in range(steps):
        with nn.GradientTape() as tape:
            y = f(x)
        opt.apply_gradients([(tape.gradient(y, x), x)])
    return x.numpy()


@pytest.mark.parametrize(("name", "rosen", "quad", "steps"), CONVERGE, ids=[c[0] for c in CONVERGE])
def test_converges_on_quadratic_and_rosenbrock(name: str, rosen: Any, quad: Any, steps: int) -> None:
    xq = _run(quad(), _quadratic, [-1.0, 1.0], 2000)
    np.testing.assert_allclose(xq, [1.0, -2.0], atol=2e-2)
    xr = _run(rosen(), _rosenbrock, [-1.2, 1.0], steps)
    assert float(_rosenbrock(nn.tensor(xr)).numpy()) < 1e-3, (name, xr)


def test_describe_reads_the_chain() -> None:
    text = optim.Adam(lr=1e-3).describe()
    assert text.startswith("Adam: keep a moving average of the gradients (β1=0.9) and of their squares (β2=0.999)")
    assert "correct both for their start at zero" in text and "root of the second" in text
    assert "learning rate 0.001" in text
    assert "L2 penalty" in optim.SGD(weight_decay=0.1).describe()
    assert "decoupled" in optim.AdamW().describe()
    assert "Nesterov" in optim.SGD(momentum=0.9, nesterov=True).describe()
    assert [t.name for t in optim.RMSProp(momentum=0.9).transforms] == [
        "scale_by_rms",
        "momentum",
        "scale_by_learning_rate",
    ]


def test_custom_chain_with_clipping_matches_torch_clip_grad_norm() -> None:
    r = np.random.default_rng(0)
    starts = [r.standard_normal((4, 3)), r.standard_normal(3)]
    grads = [r.standard_normal((4, 3)) * 5, r.standard_normal(3) * 5]
    vs = [nn.Variable(a) for a in starts]
    opt = optim.Optimizer("clipped SGD", [optim.ClipByGlobalNorm(1.0), optim.ScaleByLearningRate(0.1)])
    opt.apply_gradients(zip(grads, vs, strict=True))
    ps = [torch.tensor(a, requires_grad=True) for a in starts]
    for p, g in zip(ps, grads, strict=True):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_norm_(ps, 1.0)
    torch.optim.SGD(ps, lr=0.1).step()
    for v, p in zip(vs, ps, strict=True):
        assert rel_err(v.numpy(), p.detach().numpy()) <= 1e-12


def test_schedule_as_learning_rate() -> None:
    x = nn.Variable(np.array([1.0]))
    opt = optim.SGD(lr=lambda step: 0.1 / step)
    for _ in range(3):
        opt.apply_gradients([(np.array([1.0]), x)])
    assert x.numpy()[0] == pytest.approx(1.0 - 0.1 * (1 + 1 / 2 + 1 / 3))


def test_bad_gradients_are_named() -> None:
    x = nn.Variable(np.zeros(3), name="w")
    with pytest.raises(nn.EngineError, match=r"gradient of shape \(2,\) for w of shape \(3,\)"):
        optim.Adam().apply_gradients([(np.zeros(2), x)])
    with pytest.raises(nn.EngineError, match="only update Variables"):
        optim.Adam().apply_gradients([(np.zeros(3), nn.tensor(np.zeros(3)))])
    optim.Adam().apply_gradients([(None, x)])  # unconnected: skipped
    np.testing.assert_array_equal(x.numpy(), 0.0)


@pytest.mark.parametrize("name", ["adam", "adagrad_all", "sgd_momentum", "rmsprop_all"])
def test_a_variable_that_skips_steps_counts_its_own_steps_as_torch_does(name: str) -> None:
    """A variable whose gradient is None on a step is left alone, and its step count (bias
    correction, Adagrad's lr decay, the first momentum step) does not advance: PyTorch keeps
    a count per parameter, and so do we."""
    _, ours, theirs = next(c for c in CONFIGS if c[0] == name)
    r = np.random.default_rng(7)
    starts = [r.standard_normal((2, 3)), r.standard_normal(4)]
    variables = [nn.Variable(a) for a in starts]
    tparams = [torch.tensor(a, requires_grad=True) for a in starts]
    opt, topt = ours(), theirs(tparams)
    for t in range(30):
        step = [r.standard_normal((2, 3)), r.standard_normal(4) if t % 3 == 0 else None]
        opt.apply_gradients(zip(step, variables, strict=True))
        for p, g in zip(tparams, step, strict=True):
            p.grad = None if g is None else torch.tensor(g)
        topt.step()
    for v, p in zip(variables, tparams, strict=True):
        assert rel_err(v.numpy(), p.detach().numpy()) <= 1e-12, name


def test_learning_rates_in_a_row_fold_into_the_agent_before_them() -> None:
    """Scalar agents after an adaptive one are folded into it (no extra pass over the
    numbers); the step must be what the chain says, agent by agent."""
    r = np.random.default_rng(3)
    start, grads = r.standard_normal(50), [r.standard_normal(50) for _ in range(20)]
    folded = optim.Optimizer(
        "two rates", [optim.ScaleByAdam(), optim.ScaleByLearningRate(0.1), optim.ScaleByLearningRate(-0.5)]
    )
    plain = optim.Adam(lr=0.05)  # -0.1 · -(-0.5) = -0.05: a step of 0.05 downhill
    a, b = nn.Variable(start.copy()), nn.Variable(start.copy())
    m = v = np.zeros(50)
    x = start.copy()
    for t, g in enumerate(grads, start=1):
        folded.apply_gradients([(g, a)])
        plain.apply_gradients([(g, b)])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        x = x - 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    np.testing.assert_allclose(a.numpy(), x, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.numpy(), x, rtol=1e-12, atol=1e-14)


def test_float32_adam_on_a_layer_sized_variable_matches_torch() -> None:
    r = np.random.default_rng(5)
    start = r.standard_normal((300, 200)).astype(np.float32)
    var, p = nn.Variable(start.copy()), torch.tensor(start.copy(), requires_grad=True)
    opt, topt = optim.Adam(lr=1e-3), torch.optim.Adam([p], lr=1e-3)
    for _ in range(50):
        g = r.standard_normal(start.shape).astype(np.float32)
        opt.apply_gradients([(g, var)])
        p.grad = torch.from_numpy(g)
        topt.step()
    assert var.data.dtype == np.float32
    np.testing.assert_allclose(var.numpy(), p.detach().numpy(), rtol=0, atol=2e-6)
