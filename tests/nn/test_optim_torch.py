"""Every torch.optim optimizer the engine builds as a chain of agents, with every option its
algorithm box shows, equal to torch.optim over 100 steps in float64 (to 1e-9)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch

from thirdroad import nn
from thirdroad.nn import optim

Config = tuple[str, Callable[[], optim.Optimizer], Callable[[list[torch.Tensor]], torch.optim.Optimizer]]
SHAPES = [(3, 4), (5,)]
CONFIGS: list[tuple[str, Any, Any, list[tuple[int, ...]]]] = []


def _add(name: str, ours: Any, theirs: Any, shapes: list[tuple[int, ...]] | None = None) -> None:
    CONFIGS.append((name, ours, theirs, shapes or SHAPES))


def _same(name: str, lr: float, shapes: list[tuple[int, ...]] | None = None, **kw: Any) -> None:
    """Our optimizer and torch's of the same name, the same keyword arguments."""
    ours = getattr(optim, name)
    theirs = getattr(torch.optim, name)
    label = f"{name}(" + ", ".join(f"{k}={v}" for k, v in kw.items()) + ")"
    _add(label, lambda: ours(lr=lr, **kw), lambda p: theirs(p, lr=lr, **kw), shapes)


_same("SGD", 0.05, maximize=True)
_same("SGD", 0.05, momentum=0.9, dampening=0.2, weight_decay=0.01)
_same("SGD", 0.05, momentum=0.8, nesterov=True, weight_decay=0.02, maximize=True)
_same("RMSprop", 0.01, maximize=True)
_same("RMSprop", 0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5, centered=True, maximize=True)
_same("Adam", 0.01, maximize=True)
_same("Adam", 0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, amsgrad=True)
_same("Adam", 0.02, weight_decay=0.05, amsgrad=True, maximize=True, decoupled_weight_decay=True)
_same("AdamW", 0.02, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.1, amsgrad=True, maximize=True)
_same("Adagrad", 0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1, eps=1e-8, maximize=True)
_same("Adadelta", 1.0)
_same("Adadelta", 0.5, rho=0.8, eps=1e-5, weight_decay=0.01, maximize=True)
_same("Adamax", 2e-3)
_same("Adamax", 0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.02, maximize=True)
_same("NAdam", 2e-3)
_same("NAdam", 0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.02, momentum_decay=0.01, maximize=True)
_same("NAdam", 0.01, weight_decay=0.05, decoupled_weight_decay=True)
_same("RAdam", 1e-3)
_same("RAdam", 0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.02, maximize=True)
_same("RAdam", 0.01, weight_decay=0.05, decoupled_weight_decay=True)
_same("Rprop", 0.01)
_same("Rprop", 0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.05), maximize=True)
_same("ASGD", 0.01)
_same("ASGD", 0.05, lambd=1e-2, alpha=0.6, t0=10.0, weight_decay=0.01, maximize=True)
_same("Adafactor", 0.01)
_same("Adafactor", 0.05, beta2_decay=-0.6, eps=(1e-20, 1e-2), d=1.2, weight_decay=0.05, maximize=True)
_same("Adafactor", 0.01, shapes=[(2, 3, 4), (4, 1), ()])  # factored over the last two axes; a scalar


@pytest.fixture(autouse=True)
def _float64_scalars() -> Iterator[None]:
    """torch keeps an optimizer's scalar state (NAdam's product of μ, ASGD's η and μ) in the
    default dtype: float64 here, as everything else."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def _gradients(shapes: list[tuple[int, ...]], steps: int, seed: int = 42) -> tuple[list[np.ndarray], list[Any]]:
    r = np.random.default_rng(seed)
    starts = [r.standard_normal(s) for s in shapes]
    # sign changes, sizes that drift: every branch of Rprop and RAdam is taken
    grads = [[r.standard_normal(s) * (1 + 0.1 * t) + 0.3 * np.sin(t) for s in shapes] for t in range(steps)]
    return starts, grads


def run_both(ours: Any, theirs: Any, shapes: list[tuple[int, ...]], steps: int = 100) -> tuple[Any, Any, Any, Any]:
    starts, grads = _gradients(shapes, steps)
    variables = [nn.Variable(a) for a in starts]
    opt = ours()
    tparams = [torch.tensor(a, requires_grad=True) for a in starts]
    topt = theirs(tparams)
    for step in grads:
        opt.apply_gradients(zip(step, variables, strict=True))
        for p, g in zip(tparams, step, strict=True):
            p.grad = torch.tensor(g)
        topt.step()
    return variables, tparams, opt, topt


def deviation(variables: list[nn.Variable], tparams: list[torch.Tensor]) -> float:
    return max(float(np.max(np.abs(v.numpy() - p.detach().numpy()), initial=0.0)) for v, p in zip(
        variables, tparams, strict=True))


@pytest.mark.parametrize(("name", "ours", "theirs", "shapes"), CONFIGS, ids=[c[0] for c in CONFIGS])
def test_hundred_steps_equal_torch_optim(name: str, ours: Any, theirs: Any, shapes: Any) -> None:
    variables, tparams, _, _ = run_both(ours, theirs, shapes)
    assert deviation(variables, tparams) <= 1e-9, name
    moved = max(float(np.max(np.abs(v.numpy() - s), initial=0.0)) for v, s in zip(
        variables, _gradients(shapes, 1)[0], strict=True))
    assert moved > 1e-3, f"{name} hardly moved: the comparison would prove nothing"


def test_asgd_keeps_torch_s_averaged_point() -> None:
    ours = lambda: optim.ASGD(lr=0.05, lambd=1e-2, alpha=0.6, t0=10.0)  # noqa: E731
    theirs = lambda p: torch.optim.ASGD(p, lr=0.05, lambd=1e-2, alpha=0.6, t0=10.0)  # noqa: E731
    variables, tparams, opt, topt = run_both(ours, theirs, SHAPES)
    for v, p in zip(variables, tparams, strict=True):
        average = opt.memory_of(v)["average_iterates"][0]
        np.testing.assert_allclose(average, topt.state[p]["ax"].numpy(), rtol=0, atol=1e-9)
        assert not np.allclose(average, v.numpy())  # after t0 it is an average, not the last point


# ---------------------------------------------------------------- Muon


def _newton_schulz_64(grad: torch.Tensor, ns_coefficients: Any, ns_steps: int, eps: float) -> torch.Tensor:
    """torch's Newton-Schulz iteration for Muon, in float64 instead of bfloat16."""
    a, b, c = ns_coefficients
    x = grad.T if grad.size(0) > grad.size(1) else grad
    x = x / x.norm().clamp(min=eps)
    for _ in range(ns_steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if grad.size(0) > grad.size(1) else x


MUON = [
    {},
    {"nesterov": False, "momentum": 0.9, "weight_decay": 0.0},
    {"adjust_lr_fn": "match_rms_adamw", "ns_steps": 3, "eps": 1e-6, "weight_decay": 0.05},
    {"ns_coefficients": (2.0, -1.5, 0.5), "adjust_lr_fn": "original"},
]


@pytest.mark.parametrize("kw", MUON, ids=[str(k) for k in MUON])
def test_muon_equals_torch_with_its_newton_schulz_in_float64(
    kw: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.optim._muon, "_zeropower_via_newtonschulz", _newton_schulz_64)
    variables, tparams, _, _ = run_both(
        lambda: optim.Muon(lr=0.02, **kw), lambda p: torch.optim.Muon(p, lr=0.02, **kw), [(3, 5), (6, 4)]
    )
    assert deviation(variables, tparams) <= 1e-9


def test_muon_is_near_stock_torch_whose_newton_schulz_runs_in_bfloat16() -> None:
    variables, tparams, _, _ = run_both(
        lambda: optim.Muon(lr=0.02), lambda p: torch.optim.Muon(p, lr=0.02), [(3, 5), (6, 4)], steps=10
    )
    assert deviation(variables, tparams) <= 2e-2  # bfloat16 keeps about 3 digits


def test_muon_refuses_what_is_not_a_matrix() -> None:
    with pytest.raises(nn.EngineError, match="2-D"):
        optim.Muon().apply_gradients([(np.ones(3), nn.Variable(np.zeros(3)))])
