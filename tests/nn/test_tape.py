"""GradientTape semantics, second derivatives, random expression graphs, and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tests.nn.reference import rel_err
from thirdroad import nn


def test_unconnected_source_gets_none_or_zeros() -> None:
    x, y = nn.Variable(np.ones(3)), nn.Variable(np.ones(2))
    with nn.GradientTape(persistent=True) as tape:
        z = (x * 2.0).sum()
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_array_equal(gx, [2.0, 2.0, 2.0])
    assert gy is None
    _, gy0 = tape.gradient(z, [x, y], unconnected_gradients="zero")
    np.testing.assert_array_equal(gy0, [0.0, 0.0])


def test_single_source_gives_single_gradient_and_order_is_kept() -> None:
    a, b = nn.Variable(np.array(2.0)), nn.Variable(np.array(3.0))
    with nn.GradientTape(persistent=True) as tape:
        z = a * a * b
    assert float(tape.gradient(z, a)) == 12.0
    assert [float(g) for g in tape.gradient(z, [b, a])] == [4.0, 12.0]


def test_non_scalar_target_needs_output_gradients() -> None:
    x = nn.Variable(np.ones((2, 3)))
    with nn.GradientTape(persistent=True) as tape:
        y = x * 3.0
    with pytest.raises(nn.EngineError, match=r"shape \(2, 3\).*output_gradients"):
        tape.gradient(y, [x])
    w = np.arange(6.0).reshape(2, 3)
    (g,) = tape.gradient(y, [x], output_gradients=w)
    np.testing.assert_array_equal(g, 3.0 * w)
    with pytest.raises(nn.EngineError, match="output_gradients has shape"):
        tape.gradient(y, [x], output_gradients=np.ones(3))


def test_non_persistent_tape_answers_once() -> None:
    x = nn.Variable(np.ones(2))
    with nn.GradientTape() as tape:
        y = (x * x).sum()
    tape.gradient(y, [x])
    with pytest.raises(nn.EngineError, match="persistent=True"):
        tape.gradient(y, [x])


def test_constants_need_watch() -> None:
    c = nn.tensor(np.array([1.0, 2.0]))
    with nn.GradientTape(persistent=True) as tape:
        y = (c * c).sum()
    assert tape.gradient(y, c) is None
    with nn.GradientTape() as tape:
        tape.watch(c)
        y = (c * c).sum()
    np.testing.assert_array_equal(tape.gradient(y, c), [2.0, 4.0])


def test_gradient_with_respect_to_an_intermediate() -> None:
    x = nn.Variable(np.array([1.0, -2.0]))
    with nn.GradientTape() as tape:
        h = x * 3.0
        y = (h * h).sum()
    gh, gx = tape.gradient(y, [h, x])
    np.testing.assert_array_equal(gh, 2 * h.numpy())
    np.testing.assert_array_equal(gx, 18 * x.numpy())


def test_operations_outside_the_tape_are_not_recorded() -> None:
    x = nn.Variable(np.array(2.0))
    y = x * x  # before the tape opens
    with nn.GradientTape() as tape:
        z = y * x
    assert float(tape.gradient(z, x)) == 4.0  # only the last product is seen: dz/dx = y


def test_stop_recording_and_stop_gradient() -> None:
    x = nn.Variable(np.array(3.0))
    with nn.GradientTape() as tape:
        with tape.stop_recording():
            frozen = x * x
        y = frozen * x + nn.tensor(nn.stop_gradient(x * x)) * x
    assert float(tape.gradient(y, x)) == 18.0


def _hvp_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r = np.random.default_rng(11)
    return r.standard_normal((3, 4)), r.standard_normal((4, 2)), r.standard_normal((3, 4))


def test_hessian_vector_product_equals_pytorch() -> None:
    a, w0, v = _hvp_case()
    x, w = nn.Variable(a), nn.Variable(w0)
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            h = nn.tanh(x @ w)
            f = (nn.softmax(h, axis=-1) * h).sum() + (nn.sigmoid(x) ** 3).sum() + nn.logsumexp(x * x)
        gx = inner.gradient(f, x)
        gv = (gx * v).sum()
    hv, hw = outer.gradient(gv, [x, w])

    tx = torch.tensor(a, requires_grad=True)
    tw = torch.tensor(w0, requires_grad=True)
    th = torch.tanh(tx @ tw)
    tf = (torch.softmax(th, -1) * th).sum() + (torch.sigmoid(tx) ** 3).sum() + torch.logsumexp((tx * tx).reshape(-1), 0)
    (tgx,) = torch.autograd.grad(tf, tx, create_graph=True)
    thv, thw = torch.autograd.grad((tgx * torch.tensor(v)).sum(), [tx, tw])
    assert rel_err(gx.numpy(), tgx.detach().numpy()) <= 1e-10
    assert rel_err(hv, thv.numpy()) <= 1e-10
    assert rel_err(hw, thw.numpy()) <= 1e-10


def test_second_derivative_through_indexing_concat_and_max() -> None:
    """The partials of getitem, scatter, concat, max and matmul are themselves differentiable."""
    a = np.random.default_rng(2).standard_normal((4, 3))
    x = nn.Variable(a)
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            y = nn.concat([x[np.array([0, 0, 2])], x[1:3] ** 2], axis=0)
            f = (y.max(axis=1) ** 3).sum() + (x.T @ x).sum() ** 2 / 10
        g = inner.gradient(f, x)
        s = (g * g).sum()
    hx = outer.gradient(s, x)
    tx = torch.tensor(a, requires_grad=True)
    ty = torch.cat([tx[[0, 0, 2]], tx[1:3] ** 2], 0)
    tf = (ty.amax(1) ** 3).sum() + (tx.T @ tx).sum() ** 2 / 10
    (tg,) = torch.autograd.grad(tf, tx, create_graph=True)
    (thx,) = torch.autograd.grad((tg * tg).sum(), tx)
    assert rel_err(hx, thx.numpy()) <= 1e-10


# ---------------------------------------------------------------- random graphs

UNARY = {
    "tanh": (nn.tanh, torch.tanh),
    "sigmoid": (nn.sigmoid, torch.sigmoid),
    "exp_damped": (lambda t: nn.exp(t * 0.3), lambda t: torch.exp(t * 0.3)),
    "softplus": (nn.softplus, torch.nn.functional.softplus),
    "square": (lambda t: t * t, lambda t: t * t),
    "log_cosh": (lambda t: nn.log(nn.exp(t) + nn.exp(-t)), lambda t: torch.log(torch.exp(t) + torch.exp(-t))),
    "softmax": (lambda t: nn.softmax(t, axis=-1), lambda t: torch.softmax(t, -1)),
    "sum_keep": (lambda t: t.sum(axis=-1, keepdims=True), lambda t: t.sum(-1, keepdim=True)),
    "transpose_back": (
        lambda t: nn.transpose(nn.transpose(t)),
        lambda t: t.permute(*reversed(range(t.ndim))).permute(*reversed(range(t.ndim))),
    ),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "maximum": (nn.maximum, torch.maximum),
    "matmul_sq": (lambda a, b: a @ b.T, lambda a, b: a @ b.T),
}

steps = st.lists(
    st.one_of(
        st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)), st.integers(0, 20)),
        st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), st.integers(0, 20), st.integers(0, 20)),
    ),
    min_size=1,
    max_size=12,
)


@given(steps=steps, seed=st.integers(0, 2**16), broadcast_row=st.booleans())
def test_random_expression_graphs_match_pytorch(steps: list[Any], seed: int, broadcast_row: bool) -> None:
    r = np.random.default_rng(seed)
    leaves = [r.standard_normal((3, 3)), r.standard_normal((1, 3) if broadcast_row else (3, 3)), r.standard_normal(3)]

    def build(lib: int, xs: list[Any]) -> Any:
        pool = list(xs)
        for step in steps:
            if step[0] == "u":
                fn = UNARY[step[1]][lib]
                pool.append(fn(pool[step[2] % len(pool)]))
            else:
                fn = BINARY[step[1]][lib]
                a, b = pool[step[2] % len(pool)], pool[step[3] % len(pool)]
                if step[1] == "matmul_sq" and not (tuple(a.shape) == tuple(b.shape) == (3, 3)):
                    fn = BINARY["mul"][lib]
                pool.append(fn(a, b))
        out = pool[-1]
        for p in pool[:-1]:
            out = out + p.sum() * 0.1  # every leaf reaches the loss
        return out.sum()

    xs = [nn.Variable(a) for a in leaves]
    with nn.GradientTape() as tape:
        y = build(0, xs)
    grads = tape.gradient(y, xs)
    ts = [torch.tensor(a, requires_grad=True) for a in leaves]
    ty = build(1, ts)
    tgrads = torch.autograd.grad(ty, ts)
    assert rel_err(y.numpy(), ty.detach().numpy()) <= 1e-10
    for g, tg in zip(grads, tgrads, strict=True):
        assert rel_err(g, tg.numpy()) <= 1e-9


# ---------------------------------------------------------------- errors


def test_shape_mismatch_names_the_op_and_both_shapes() -> None:
    a, b = nn.tensor(np.ones((3, 4))), nn.tensor(np.ones((5,)))
    with pytest.raises(nn.ShapeError, match=r"add: shapes \(3, 4\) and \(5,\)"):
        _ = a + b
    with pytest.raises(nn.ShapeError, match=r"mul: shapes \(3, 4\) and \(5,\)"):
        _ = a * b
    with pytest.raises(nn.ShapeError, match=r"matmul: \(3, 4\) @ \(5,\)"):
        _ = a @ b
    with pytest.raises(nn.ShapeError, match=r"reshape: cannot reshape \(3, 4\) into \(5,\)"):
        a.reshape(5)
    with pytest.raises(nn.ShapeError, match="concat"):
        nn.concat([a, b])
    with pytest.raises(nn.ShapeError, match="einsum"):
        nn.einsum("ij,jk->ik", a, a)
    with pytest.raises(nn.ShapeError, match="embedding: ids must lie in"):
        nn.embedding(a, np.array([0, 3]))


def test_bad_values_are_named() -> None:
    with pytest.raises(nn.EngineError, match="cannot make a tensor"):
        nn.tensor(["a", "b"])
    with pytest.raises(nn.EngineError, match="sources must be tensors"):
        x = nn.Variable(np.ones(2))
        with nn.GradientTape() as tape:
            y = x.sum()
        tape.gradient(y, [np.ones(2)])


def test_tensor_defaults_and_dtypes() -> None:
    assert nn.tensor([1.0, 2.0]).dtype == np.float32
    assert nn.tensor(np.array([1.0, 2.0])).dtype == np.float64  # float64 on request: kept
    assert nn.tensor([1, 2]).dtype == np.int64
    assert nn.Variable([1.0]).dtype == np.float32
    v = nn.Variable(np.zeros(2), name="v")
    assert "name='v'" in repr(v)


def test_iterating_a_tensor_gives_rows_that_keep_their_gradient() -> None:
    x = nn.Variable(np.arange(6.0).reshape(3, 2))
    with nn.GradientTape() as tape:
        rows = list(x)
        y = rows[0].sum() + 2.0 * rows[2].sum()
    assert len(rows) == 3
    np.testing.assert_array_equal(tape.gradient(y, x), [[1, 1], [0, 0], [2, 2]])
