"""Every primitive against PyTorch (float64, relative error <= 1e-10) and finite differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.nn.reference import finite_difference, ours_and_torch_grads, rel_err
from thirdroad import nn

TOL = 1e-10
R = np.random.default_rng(7)


def pos(*shape: int) -> np.ndarray:
    return R.uniform(0.5, 2.0, shape)


def any_(*shape: int) -> np.ndarray:
    return R.standard_normal(shape)


def away_from_zero(*shape: int) -> np.ndarray:
    x = R.uniform(0.2, 2.0, shape)
    return x * R.choice([-1.0, 1.0], shape)


# (name, ours, torch, inputs): shapes chosen to broadcast in several ways
CASES: list[tuple[str, Callable[..., Any], Callable[..., Any], list[np.ndarray]]] = [
    ("add", lambda x, y: x + y, lambda x, y: x + y, [any_(3, 4), any_(4)]),
    ("add_scalar_side", lambda x, y: x + y, lambda x, y: x + y, [any_(2, 1, 3), any_(4, 1)]),
    ("sub", lambda x, y: x - y, lambda x, y: x - y, [any_(3, 1), any_(1, 5)]),
    ("mul", lambda x, y: x * y, lambda x, y: x * y, [any_(2, 3, 4), any_(3, 1)]),
    ("div", lambda x, y: x / y, lambda x, y: x / y, [any_(3, 4), away_from_zero(4)]),
    ("neg", lambda x: -x, lambda x: -x, [any_(5)]),
    ("pow_const", lambda x: x**3, lambda x: x**3, [any_(3, 3)]),
    ("pow_both", lambda x, y: x**y, lambda x, y: x**y, [pos(3, 4), any_(4)]),
    ("exp", nn.exp, torch.exp, [any_(4, 3)]),
    ("log", nn.log, torch.log, [pos(4, 3)]),
    ("log1p", nn.log1p, torch.log1p, [pos(4, 3)]),
    ("sqrt", nn.sqrt, torch.sqrt, [pos(6)]),
    ("abs", nn.abs, torch.abs, [away_from_zero(3, 4)]),
    ("tanh", nn.tanh, torch.tanh, [any_(3, 4)]),
    ("sigmoid", nn.sigmoid, torch.sigmoid, [any_(3, 4) * 4]),
    ("relu", nn.relu, torch.relu, [away_from_zero(3, 4)]),
    ("maximum", nn.maximum, torch.maximum, [any_(3, 4), any_(3, 4)]),
    ("minimum", nn.minimum, torch.minimum, [any_(3, 4), any_(3, 4)]),
    (
        "where",
        lambda x, y: nn.where(np.arange(4) % 2 == 0, x, y),
        lambda x, y: torch.where(torch.tensor(np.arange(4) % 2 == 0), x, y),
        [any_(3, 4), any_(4)],
    ),
    ("clip", lambda x: nn.clip(x, -0.5, 0.7), lambda x: torch.clamp(x, -0.5, 0.7), [any_(5, 4)]),
    ("matmul", lambda x, y: x @ y, lambda x, y: x @ y, [any_(3, 4), any_(4, 5)]),
    ("matmul_batched", lambda x, y: x @ y, lambda x, y: x @ y, [any_(2, 3, 4), any_(4, 5)]),
    ("matmul_broadcast", lambda x, y: x @ y, lambda x, y: x @ y, [any_(2, 1, 3, 4), any_(3, 4, 2)]),
    ("matvec", lambda x, y: x @ y, lambda x, y: x @ y, [any_(2, 3, 4), any_(4)]),
    ("vecmat", lambda x, y: x @ y, lambda x, y: x @ y, [any_(4), any_(2, 4, 3)]),
    ("dot", lambda x, y: x @ y, lambda x, y: x @ y, [any_(4), any_(4)]),
    (
        "einsum_scores",
        lambda q, k: nn.einsum("bth,bsh->bts", q, k),
        lambda q, k: torch.einsum("bth,bsh->bts", q, k),
        [any_(2, 3, 4), any_(2, 5, 4)],
    ),
    (
        "einsum_sum_out",
        lambda x, y: nn.einsum("ij,j->i", x, y),
        lambda x, y: torch.einsum("ij,j->i", x, y),
        [any_(3, 4), any_(4)],
    ),
    (
        "einsum_only_one_has_index",
        lambda x, y: nn.einsum("ij,k->k", x, y),
        lambda x, y: torch.einsum("ij,k->k", x, y),
        [any_(3, 4), any_(2)],
    ),
    (
        "einsum_ellipsis_three",
        lambda x, w, v: nn.einsum("...i,ij,j->...", x, w, v),
        lambda x, w, v: torch.einsum("...i,ij,j->...", x, w, v),
        [any_(2, 3, 4), any_(4, 5), any_(5)],
    ),
    ("sum_all", lambda x: x.sum(), lambda x: x.sum(), [any_(3, 4)]),
    ("sum_axis", lambda x: x.sum(axis=1), lambda x: x.sum(dim=1), [any_(3, 4, 2)]),
    (
        "sum_axes_keep",
        lambda x: x.sum(axis=(0, 2), keepdims=True),
        lambda x: x.sum(dim=(0, 2), keepdim=True),
        [any_(3, 4, 2)],
    ),
    ("mean_axis", lambda x: x.mean(axis=-1), lambda x: x.mean(dim=-1), [any_(3, 4)]),
    ("max_all", lambda x: x.max(), lambda x: x.max(), [any_(3, 4)]),
    ("max_axis", lambda x: x.max(axis=0), lambda x: x.amax(dim=0), [any_(3, 4)]),
    ("max_keep", lambda x: x.max(axis=1, keepdims=True), lambda x: x.amax(dim=1, keepdim=True), [any_(3, 4)]),
    ("logsumexp", lambda x: nn.logsumexp(x, axis=-1), lambda x: torch.logsumexp(x, dim=-1), [any_(3, 5)]),
    ("logsumexp_all", lambda x: nn.logsumexp(x), lambda x: torch.logsumexp(x.reshape(-1), dim=0), [any_(3, 5)]),
    ("reshape", lambda x: x.reshape(6, 2), lambda x: x.reshape(6, 2), [any_(3, 4)]),
    ("transpose", lambda x: x.transpose(2, 0, 1), lambda x: x.permute(2, 0, 1), [any_(2, 3, 4)]),
    ("T", lambda x: x.T, lambda x: x.T, [any_(2, 3)]),
    ("broadcast_to", lambda x: nn.broadcast_to(x, (2, 3, 4)), lambda x: x.expand(2, 3, 4), [any_(3, 1)]),
    ("getitem_basic", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [any_(4, 5)]),
    ("getitem_int", lambda x: x[2], lambda x: x[2], [any_(4, 5)]),
    (
        "getitem_advanced_repeats",
        lambda x: x[np.array([0, 2, 0, 0])],
        lambda x: x[torch.tensor([0, 2, 0, 0])],
        [any_(4, 3)],
    ),
    (
        "getitem_pairs",
        lambda x: x[np.array([0, 1, 1]), np.array([2, 0, 2])],
        lambda x: x[torch.tensor([0, 1, 1]), torch.tensor([2, 0, 2])],
        [any_(3, 4)],
    ),
    ("concat", lambda x, y: nn.concat([x, y], axis=1), lambda x, y: torch.cat([x, y], dim=1), [any_(2, 3), any_(2, 4)]),
    ("stack", lambda x, y: nn.stack([x, y], axis=1), lambda x, y: torch.stack([x, y], dim=1), [any_(2, 3), any_(2, 3)]),
    (
        "split",
        lambda x: nn.split(x, 3, axis=1)[1] * nn.split(x, 3, axis=1)[2],
        lambda x: torch.split(x, 2, dim=1)[1] * torch.split(x, 2, dim=1)[2],
        [any_(2, 6)],
    ),
    (
        "embedding",
        lambda w: nn.embedding(w, np.array([[1, 3], [1, 1]])),
        lambda w: torch.nn.functional.embedding(torch.tensor([[1, 3], [1, 1]]), w),
        [any_(5, 3)],
    ),
    ("softmax", lambda x: nn.softmax(x, axis=-1), lambda x: torch.softmax(x, dim=-1), [any_(3, 5)]),
    ("softmax_axis0", lambda x: nn.softmax(x, axis=0), lambda x: torch.softmax(x, dim=0), [any_(3, 5)]),
    ("log_softmax", lambda x: nn.log_softmax(x), lambda x: torch.log_softmax(x, dim=-1), [any_(3, 5)]),
    ("log_sigmoid", nn.log_sigmoid, torch.nn.functional.logsigmoid, [any_(3, 5) * 5]),
    ("softplus", nn.softplus, torch.nn.functional.softplus, [any_(3, 5) * 5]),
    ("silu", nn.silu, torch.nn.functional.silu, [any_(4)]),
    ("elu", nn.elu, torch.nn.functional.elu, [away_from_zero(4, 3)]),
    ("leaky_relu", nn.leaky_relu, torch.nn.functional.leaky_relu, [away_from_zero(4, 3)]),
    ("gelu_tanh", nn.gelu_tanh, lambda x: torch.nn.functional.gelu(x, approximate="tanh"), [any_(4, 3)]),
    ("cast", lambda x: x.astype(np.float32) * 2.0, lambda x: x.float() * 2.0, [any_(3)]),
    ("var", lambda x: nn.var(x, axis=1), lambda x: x.var(dim=1, unbiased=False), [any_(3, 5)]),
]


@pytest.mark.parametrize(("name", "ours", "theirs", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_value_and_gradients_equal_pytorch(name: str, ours: Any, theirs: Any, inputs: list[np.ndarray]) -> None:
    y, g_ours, ty, g_torch = ours_and_torch_grads(ours, theirs, inputs)
    w = np.random.default_rng(3).standard_normal(y.shape)
    y, g_ours, ty, g_torch = ours_and_torch_grads(ours, theirs, inputs, weights=w)
    assert rel_err(y, ty) <= TOL
    for go, gt in zip(g_ours, g_torch, strict=True):
        assert go is not None and gt is not None
        assert go.dtype == np.float64
        assert rel_err(go, gt) <= TOL, name


# kinks (relu, abs, max, clip) and float32 rounding (cast) are no place for finite differences
FD_CASES = [c for c in CASES if c[0] not in {"relu", "abs", "max_all", "max_axis", "max_keep", "clip", "cast"}]


@pytest.mark.parametrize(("name", "ours", "theirs", "inputs"), FD_CASES, ids=[c[0] for c in FD_CASES])
def test_gradients_match_central_differences(name: str, ours: Any, theirs: Any, inputs: list[np.ndarray]) -> None:
    w = np.random.default_rng(5).standard_normal(np.shape(ours(*[nn.tensor(a) for a in inputs]).numpy()))

    def f(*arrays: np.ndarray) -> float:
        return float((ours(*[nn.tensor(a) for a in arrays]).numpy() * w).sum())

    _, g_ours, _, _ = ours_and_torch_grads(ours, theirs, inputs, weights=w)
    for i in range(len(inputs)):
        fd = finite_difference(f, inputs, i)
        assert rel_err(g_ours[i], fd) <= 1e-6, (name, i)


def test_every_primitive_is_exercised() -> None:
    """The table and the test cases stay in step: each primitive has a case above."""
    exercised: set[str] = set()
    for _, ours, _, inputs in CASES:
        xs = [nn.Variable(a) for a in inputs]
        with nn.GradientTape(persistent=True) as tape:
            ours(*xs)
        exercised |= {node[0].name for node in tape._nodes}
    names = {p.name for p in nn.rules.CORE if p.name != "scatter"}  # scatter: see test_higher_order.py
    assert names <= exercised, names - exercised


@pytest.mark.parametrize("value", [1e4, -1e4])
def test_stable_functions_stay_finite_for_huge_logits(value: float) -> None:
    z = np.array([[value, 0.0, -value], [value, value, 1.0]])
    labels = np.array([2, 0])
    x = nn.Variable(z)
    fns = {
        "softmax": lambda t: nn.softmax(t),
        "log_softmax": lambda t: nn.log_softmax(t),
        "logsumexp": lambda t: nn.logsumexp(t, axis=-1),
        "log_sigmoid": lambda t: nn.log_sigmoid(t),
        "sigmoid": lambda t: nn.sigmoid(t),
        "softplus": lambda t: nn.softplus(t),
        "cross_entropy": lambda t: nn.losses.cross_entropy(t, labels),
        "bce_with_logits": lambda t: nn.losses.bce_with_logits(t, (z > 0).astype(float)),
    }
    for name, fn in fns.items():
        with nn.GradientTape() as tape:
            y = fn(x)
            loss = y.sum()
        (g,) = tape.gradient(loss, [x])
        assert np.all(np.isfinite(y.numpy())), name
        assert np.all(np.isfinite(g)), name
    ce = nn.losses.cross_entropy(nn.tensor(z), labels).item()
    t_ce = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(labels)).item()
    assert ce == pytest.approx(t_ce, rel=1e-12)


def test_float32_stays_float32() -> None:
    x = nn.Variable(np.ones((2, 3), dtype=np.float32))
    w = nn.Variable(np.ones((3, 2), dtype=np.float32))
    with nn.GradientTape() as tape:
        y = nn.softmax(nn.tanh(x @ w * 0.5 + 1.0) / np.sqrt(2.0)).sum()
    gx, gw = tape.gradient(y, [x, w])
    assert y.dtype == np.float32 and gx.dtype == np.float32 and gw.dtype == np.float32


def test_mixed_dtypes_are_promoted_and_gradients_keep_each_source_dtype() -> None:
    x = nn.Variable(np.ones(3, dtype=np.float32))
    y = nn.Variable(np.full(3, 2.0))
    with nn.GradientTape() as tape:
        z = (x * y).sum()
    assert z.dtype == np.float64
    gx, gy = tape.gradient(z, [x, y])
    assert gx.dtype == np.float32 and gy.dtype == np.float64
    np.testing.assert_array_equal(gx, [2, 2, 2])


def test_non_differentiable_points_follow_pytorch() -> None:
    """relu'(0) = 0, |x|'(0) = 0, ties in max and maximum share, clip passes at its bounds."""
    a = np.array([0.0, 1.0, 1.0, -1.0])
    cases = [
        (lambda t: nn.relu(t), torch.relu),
        (lambda t: nn.abs(t), torch.abs),
        (lambda t: t.max(), lambda t: t.max()),
        (
            lambda t: nn.maximum(t, nn.tensor(np.array([0.0, 1.0, 0.0, 0.0]))),
            lambda t: torch.maximum(t, torch.tensor([0.0, 1.0, 0.0, 0.0], dtype=torch.float64)),
        ),
        (lambda t: nn.clip(t, 0.0, 1.0), lambda t: torch.clamp(t, 0.0, 1.0)),
    ]
    for ours, theirs in cases:
        _, g, _, tg = ours_and_torch_grads(ours, theirs, [a])
        np.testing.assert_array_equal(g[0], tg[0])


BROADCAST_OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 0.5), lambda a, b: a / (b * b + 0.5)),
    "maximum": (nn.maximum, torch.maximum),
    "pow": (lambda a, b: (a * a + 0.5) ** b, lambda a, b: (a * a + 0.5) ** b),
    "where": (
        lambda a, b: nn.where(a.numpy() > 0, a, b),
        lambda a, b: torch.where(a.detach() > 0, a, b),
    ),
}


@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
    op=st.sampled_from(sorted(BROADCAST_OPS)),
    seed=st.integers(0, 2**16),
)
def test_random_shapes_broadcast_like_pytorch(shapes: Any, op: str, seed: int) -> None:
    r = np.random.default_rng(seed)
    a, b = (r.standard_normal(s) for s in shapes.input_shapes)
    ours, theirs = BROADCAST_OPS[op]
    y, g_ours, ty, g_torch = ours_and_torch_grads(ours, theirs, [a, b], weights=r.standard_normal(shapes.result_shape))
    assert rel_err(y, ty) <= TOL
    for go, gt, arr in zip(g_ours, g_torch, (a, b), strict=True):
        assert go.shape == arr.shape
        assert rel_err(go, gt) <= TOL
