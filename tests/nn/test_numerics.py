"""The delicate functions keep their digits where the naive forms lose them: the logistic
sigmoid at large |x|, softmax, log-softmax, logsumexp and cross-entropy at logits of ±1e5
(float32) and ±1e16 (float64); values and gradients, against PyTorch and exact values."""

from __future__ import annotations

import re
from pathlib import Path

import mpmath
import numpy as np
import pytest
import torch

from thirdroad import nn
from thirdroad.nn import numerics
from thirdroad.nn.energy import RBM, BoltzmannMachine
from thirdroad.nn.recurrent import GRU

EPS = {np.float32: float(np.finfo(np.float32).eps), np.float64: float(np.finfo(np.float64).eps)}
# Large |x| whose σ(x) is still a normal number (below, both sides flush to 0 or subnormals)
LARGE = {
    np.float32: np.array([-87.0, -80.0, -50.0, -30.0, -20.0, -17.0, -10.0, 10.0, 17.0, 30.0], np.float32),
    np.float64: np.array([-700.0, -500.0, -100.0, -40.0, -37.0, -20.0, 20.0, 37.0, 40.0, 100.0]),
}


def exact_sigmoid(x: np.ndarray) -> np.ndarray:
    with mpmath.workdps(60):
        return np.array([float(1 / (1 + mpmath.exp(-mpmath.mpf(float(v))))) for v in x])


def rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a.astype(np.float64) - b) / np.abs(b)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_keeps_its_digits_at_large_x_as_pytorch_does(dtype: type) -> None:
    x = LARGE[dtype]
    exact = exact_sigmoid(x)
    theirs = torch.sigmoid(torch.from_numpy(x)).numpy()
    assert rel(theirs, exact) <= 2 * EPS[dtype]
    ours = {
        "nn.sigmoid": nn.sigmoid(nn.tensor(x)).numpy(),
        "numerics.sigmoid": numerics.sigmoid(x),
        "numerics.sigmoid in place": numerics.sigmoid(x.copy(), out=None),
    }
    inplace = x.copy()
    ours["numerics.sigmoid(out=x)"] = numerics.sigmoid(inplace, out=inplace)
    for name, got in ours.items():
        assert got.dtype == dtype, name
        assert rel(got, exact) <= 2 * EPS[dtype], name
        assert rel(got, theirs.astype(np.float64)) <= 2 * EPS[dtype], name


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_models_use_the_stable_sigmoid(dtype: type) -> None:
    """The RBM, the Boltzmann machine and the fused GRU once used 0.5·tanh(x/2) + 0.5, which
    is exactly 0 at x = -20 in float32 (σ(-20) = 2.1e-9) and keeps 3 digits at x = -10."""
    x = LARGE[dtype][LARGE[dtype] < 0][-4:]  # -30 ... -10 or -100 ... -20
    exact = exact_sigmoid(x)
    tol = 4 * EPS[dtype]
    rbm = RBM(1, len(x), seed=0, dtype=dtype)
    rbm.W.assign(np.zeros((1, len(x)), dtype))
    rbm.c.assign(x)
    assert rel(rbm.prob_h_given_v(np.zeros((1, 1), dtype))[0], exact) <= tol
    rbm_v = RBM(len(x), 1, seed=0, dtype=dtype)
    rbm_v.W.assign(np.zeros((len(x), 1), dtype))
    rbm_v.b.assign(x)
    assert rel(rbm_v.prob_v_given_h(np.zeros((1, 1), dtype))[0], exact) <= tol
    bm = BoltzmannMachine(2, seed=0, dtype=dtype)
    bm.W.assign(np.zeros((2, 2), dtype))
    for value, want in zip(x, exact, strict=True):
        bm.b.assign(np.array([value, 0.0], dtype))
        assert rel(bm.conditional(np.zeros((1, 2), dtype), 0), np.array([want])) <= tol
    # A GRU with zero weights and the update gate's bias at x: n = tanh(0) = 0, so
    # h_t = z·h_{t-1} and h_1 = σ(x) from h_0 = 1.
    gru = GRU(1, len(x), seed=0, dtype=dtype)
    H = len(x)
    for v in gru.variables:
        v.assign(np.zeros(v.shape, dtype))
    bias = np.zeros(3 * H, dtype)
    bias[H : 2 * H] = x
    gru.bias_ih_l0.assign(bias)
    out, _ = gru(np.zeros((1, 2, 1), dtype), np.ones((1, H), dtype))
    assert rel(out.numpy()[0, 0], exact) <= tol
    twin = gru.to_torch()
    kind = twin.bias_ih_l0.dtype
    t_out, _ = twin(torch.zeros((1, 2, 1), dtype=kind), torch.ones((1, 1, H), dtype=kind))
    assert rel(out.numpy(), t_out.detach().numpy().astype(np.float64)) <= tol


def test_the_logistic_function_is_written_once() -> None:
    """Only numerics.py spells out σ; every other file of the engine calls it."""
    forms = re.compile(r"tanh\(0\.5|tanh\(\w+ / 2\)|1(\.0)? / \(1(\.0)? \+ (np\.)?exp|exp\(-np\.abs")
    root = Path(nn.__file__).parent
    for path in root.rglob("*.py"):
        if path.name != "numerics.py":
            code = "\n".join(line.split("#")[0] for line in path.read_text().splitlines() if '"""' not in line)
            assert not forms.search(code), path


# ---------------------------------------------------------------- softmax and its family

OFFSETS = np.array([[0.0, 1.0, 2.0, 3.0, -1.0, 4.0, 0.5, 2.5], [3.0, -2.0, 0.25, 0.0, 1.5, -0.5, 2.0, 1.0]])
CASES = [(np.float32, 1e5, 1.0), (np.float32, -1e5, 1.0), (np.float64, 1e16, 8.0), (np.float64, -1e16, 8.0)]
IDS = ["float32+1e5", "float32-1e5", "float64+1e16", "float64-1e16"]
# what the numbers can hold: the tolerance for values and gradients of size about 1
TOL = {np.float32: 2e-6, np.float64: 4e-15}


def _logits(dtype: type, big: float, step: float) -> np.ndarray:
    """Large logits whose differences (multiples of the spacing of numbers there) are exact."""
    return (big + OFFSETS * step).astype(dtype)


def _both(fn_ours, fn_torch, x: np.ndarray, weights: np.ndarray):  # type: ignore[no-untyped-def]
    v = nn.Variable(x)
    with nn.GradientTape() as tape:
        y = fn_ours(v)
        loss = (y * weights.astype(x.dtype)).sum()
    g = tape.gradient(loss, v)
    t = torch.tensor(x, requires_grad=True)
    ty = fn_torch(t)
    (ty * torch.from_numpy(weights.astype(x.dtype))).sum().backward()
    return y.numpy(), g, ty.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize(("dtype", "big", "step"), CASES, ids=IDS)
def test_softmax_at_huge_logits_sums_to_one_and_equals_pytorch(dtype: type, big: float, step: float) -> None:
    x = _logits(dtype, big, step)
    w = np.random.default_rng(0).standard_normal(x.shape)
    y, g, ty, tg = _both(lambda t: nn.softmax(t, axis=-1), lambda t: torch.softmax(t, -1), x, w)
    exact = np.exp(OFFSETS * step) / np.exp(OFFSETS * step).sum(axis=-1, keepdims=True)
    assert y.dtype == dtype and g.dtype == dtype
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(y, exact, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(y, ty, rtol=0, atol=TOL[dtype])
    exact_g = exact * (w - (w * exact).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(g, exact_g, rtol=0, atol=4 * TOL[dtype])
    np.testing.assert_allclose(g, tg, rtol=0, atol=4 * TOL[dtype])


@pytest.mark.parametrize(("dtype", "big", "step"), CASES, ids=IDS)
def test_log_softmax_at_huge_logits_equals_pytorch(dtype: type, big: float, step: float) -> None:
    x = _logits(dtype, big, step)
    w = np.random.default_rng(1).standard_normal(x.shape)
    y, g, ty, tg = _both(lambda t: nn.log_softmax(t, axis=-1), lambda t: torch.log_softmax(t, -1), x, w)
    z = OFFSETS * step
    exact = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(y, exact, rtol=0, atol=4 * TOL[dtype])
    np.testing.assert_allclose(y, ty, rtol=0, atol=4 * TOL[dtype])
    np.testing.assert_allclose(g, tg, rtol=0, atol=4 * TOL[dtype])


@pytest.mark.parametrize(("dtype", "big", "step"), CASES, ids=IDS)
def test_logsumexp_at_huge_logits_equals_pytorch_and_its_gradient_is_the_exact_softmax(
    dtype: type, big: float, step: float
) -> None:
    x = _logits(dtype, big, step)
    w = np.random.default_rng(2).standard_normal(x.shape[:1])
    y, g, ty, _ = _both(lambda t: nn.logsumexp(t, axis=-1), lambda t: torch.logsumexp(t, -1), x, w)
    np.testing.assert_array_equal(y, ty)  # m + log Σ e^(x-m), rounded once at the size of x
    z = OFFSETS * step
    soft = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    # PyTorch's backward is exp(x - logsumexp(x)): at these sizes it is off by 2e-3 (float32)
    # or 2e-2 (float64); the softmax itself is exact
    np.testing.assert_allclose(g, w[:, None] * soft, rtol=0, atol=4 * TOL[dtype])
    v = nn.Variable(x)
    with nn.GradientTape() as tape:
        total = nn.logsumexp(v)  # over every axis at once
    np.testing.assert_allclose(tape.gradient(total, v), np.exp(z) / np.exp(z).sum(), rtol=0, atol=TOL[dtype])


@pytest.mark.parametrize(("dtype", "big", "step"), CASES, ids=IDS)
def test_cross_entropy_at_huge_logits_equals_pytorch(dtype: type, big: float, step: float) -> None:
    x = _logits(dtype, big, step)
    labels = np.array([5, 1])
    v = nn.Variable(x)
    with nn.GradientTape() as tape:
        loss = nn.losses.cross_entropy(v, labels)
    g = tape.gradient(loss, v)
    t = torch.tensor(x, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(t, torch.from_numpy(labels))
    t_loss.backward()
    z = OFFSETS * step
    exact = float(np.mean(np.log(np.exp(z).sum(axis=-1)) - z[[0, 1], labels]))
    assert abs(loss.item() - exact) <= 4 * TOL[dtype] * max(1.0, abs(exact))
    assert abs(loss.item() - t_loss.item()) <= 4 * TOL[dtype] * max(1.0, abs(exact))
    np.testing.assert_allclose(g, t.grad.numpy(), rtol=0, atol=4 * TOL[dtype])
    soft = torch.nn.functional.softmax(torch.from_numpy(x), -1).numpy()
    probs = nn.losses.cross_entropy(nn.tensor(x), soft.astype(dtype)).item()
    t_probs = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(soft)).item()
    assert abs(probs - t_probs) <= 8 * TOL[dtype] * max(1.0, abs(t_probs))


def test_cross_entropy_of_equal_logits_is_log_of_the_class_count() -> None:
    """The issue's case: three equal float32 logits of 1e5 gave 1.1016 instead of log 3 = 1.0986."""
    ce = nn.losses.cross_entropy(nn.tensor(np.full((1, 3), 1e5, np.float32)), np.array([0])).item()
    assert ce == pytest.approx(np.log(3), abs=1e-6)


def test_masked_rows_still_get_zero_weight() -> None:
    x = np.array([[1e5, -np.inf, 1e5 + 1.0], [-np.inf, 2.0, -np.inf]], np.float32)
    v = nn.Variable(x)
    with nn.GradientTape() as tape:
        y = nn.softmax(v, axis=-1)
        loss = (y * np.arange(3.0)).sum()
    g = tape.gradient(loss, v)
    t = torch.tensor(x, requires_grad=True)
    (torch.softmax(t, -1) * torch.arange(3.0)).sum().backward()
    np.testing.assert_allclose(y.numpy(), torch.softmax(torch.from_numpy(x), -1).numpy(), atol=2e-7)
    np.testing.assert_allclose(g, t.grad.numpy(), atol=2e-7)


# ---------------------------------------------------------------- tensors are arrays


@pytest.mark.parametrize("rank", [0, 1, 2, 3])
def test_np_asarray_reads_a_tensor_of_every_rank(rank: int) -> None:
    data = np.arange(2.0**rank if rank else 1.0).reshape((2,) * rank).astype(np.float32) + 1
    t = nn.tensor(data)
    for made in (t, t * 2, t.sum(), t.mean(), t.max(), nn.exp(t).sum() * 3, nn.Variable(data)):
        arr = np.asarray(made)
        assert isinstance(arr, np.ndarray) and arr.shape == made.shape, made
        assert isinstance(made.numpy(), np.ndarray)
        np.testing.assert_array_equal(arr, made.numpy())
        assert np.asarray(made, dtype=np.float64).dtype == np.float64
        copied = np.array(made, copy=True)
        assert not np.shares_memory(copied, made.numpy())
