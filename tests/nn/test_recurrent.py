"""RNN and GRU cells and the GRU layer against PyTorch (float64, 1e-9), fused against composed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from tests.nn.reference import finite_difference, rel_err
from thirdroad import nn
from thirdroad.nn import rules
from thirdroad.nn.recurrent import GRU, GRUCell, RNNCell, gru_sequence

TOL = 1e-9
B, T, N_IN, H = 3, 6, 4, 5


def _data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r = np.random.default_rng(seed)
    return (
        r.standard_normal((B, T, N_IN)),
        r.standard_normal((B, H)),
        r.standard_normal((B, T, H)),  # weights of the outputs in the loss
        r.standard_normal((B, H)),  # weights of the last state in the loss
    )


def _ours(gru: GRU, x: np.ndarray, h0: np.ndarray, w_out: np.ndarray, w_last: np.ndarray, lengths: Any = None) -> Any:
    xv, hv = nn.Variable(x), nn.Variable(h0)
    with nn.GradientTape() as tape:
        out, last = gru(xv, hv, lengths=lengths)
        loss = (out * w_out).sum() + (last * w_last).sum()
    grads = tape.gradient(loss, [xv, hv, *gru.variables])
    return out.numpy(), last.numpy(), grads


@pytest.mark.parametrize("fused", [True, False])
def test_gru_equals_torch_forward_and_gradients(fused: bool) -> None:
    x, h0, w_out, w_last = _data(0)
    gru = GRU(N_IN, H, fused=fused, seed=1, dtype=np.float64)
    out, last, grads = _ours(gru, x, h0, w_out, w_last)

    ref = torch.nn.GRU(N_IN, H, batch_first=True).double()
    with torch.no_grad():
        for name, value in gru.state_dict().items():
            getattr(ref, name).copy_(torch.from_numpy(value))
    tx = torch.tensor(x, requires_grad=True)
    th = torch.tensor(h0[None], requires_grad=True)
    t_out, t_last = ref(tx, th)
    t_loss = (t_out * torch.tensor(w_out)).sum() + (t_last[0] * torch.tensor(w_last)).sum()
    t_grads = torch.autograd.grad(t_loss, [tx, th, *ref.parameters()])

    assert rel_err(out, t_out.detach().numpy()) < TOL
    assert rel_err(last, t_last[0].detach().numpy()) < TOL
    for ours, theirs in zip(grads, t_grads, strict=True):
        assert rel_err(ours, theirs.numpy().reshape(ours.shape)) < TOL


def test_fused_and_composed_gru_agree_with_lengths() -> None:
    x, h0, w_out, w_last = _data(1)
    lengths = np.array([6, 2, 4])
    fused = GRU(N_IN, H, fused=True, seed=2, dtype=np.float64)
    composed = GRU(N_IN, H, fused=False, seed=2, dtype=np.float64)
    a = _ours(fused, x, h0, w_out, w_last, lengths)
    b = _ours(composed, x, h0, w_out, w_last, lengths)
    assert rel_err(a[0], b[0]) < 1e-12
    assert rel_err(a[1], b[1]) < 1e-12
    for ga, gb in zip(a[2], b[2], strict=True):
        assert rel_err(ga, gb) < 1e-12


def test_last_state_with_lengths_equals_torch_packed_sequences() -> None:
    x, h0, _, _ = _data(2)
    lengths = np.array([3, 6, 1])
    gru = GRU(N_IN, H, seed=3, dtype=np.float64)
    _, last = gru(x, h0, lengths=lengths)
    ref = gru.to_torch()
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        torch.from_numpy(x), torch.from_numpy(lengths), batch_first=True, enforce_sorted=False
    )
    _, t_last = ref(packed, torch.from_numpy(h0[None]))
    assert rel_err(last.numpy(), t_last[0].detach().numpy()) < TOL


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("padded", [True, False])
def test_bidirectional_gru_equals_torch_with_packed_sequences(fused: bool, padded: bool) -> None:
    x, _, _, _ = _data(9)
    r = np.random.default_rng(9)
    h0, w_out, w_last = r.standard_normal((2, B, H)), r.standard_normal((B, T, 2 * H)), r.standard_normal((B, 2 * H))
    lengths = np.array([4, 6, 1]) if padded else np.full(B, T)
    gru = GRU(N_IN, H, fused=fused, bidirectional=True, seed=12, dtype=np.float64)
    xv, hv = nn.Variable(x), nn.Variable(h0)
    with nn.GradientTape() as tape:
        out, last = gru(xv, hv, lengths=lengths if padded else None)
        real = (np.arange(T)[None, :] < lengths[:, None])[:, :, None]  # outputs past the end mean nothing
        loss = (out * (w_out * real)).sum() + (last * w_last).sum()
    grads = tape.gradient(loss, [xv, hv, *gru.variables])

    ref = gru.to_torch()
    assert ref.bidirectional and set(ref.state_dict()) == set(gru.state_dict())
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        tx, torch.from_numpy(lengths), batch_first=True, enforce_sorted=False
    )
    t_packed, t_last = ref(packed, th)
    t_out, _ = torch.nn.utils.rnn.pad_packed_sequence(t_packed, batch_first=True, total_length=T)
    t_last = torch.cat([t_last[0], t_last[1]], dim=-1)
    t_loss = (t_out * torch.from_numpy(w_out * real)).sum() + (t_last * torch.from_numpy(w_last)).sum()
    t_grads = torch.autograd.grad(t_loss, [tx, th, *ref.parameters()])
    assert rel_err(out.numpy() * real, t_out.detach().numpy()) < TOL
    assert rel_err(last.numpy(), t_last.detach().numpy()) < TOL
    names = ["x", "h0", *(n for n, _ in gru.named_variables())]
    t_names = ["x", "h0", *(n for n, _ in ref.named_parameters())]
    theirs = dict(zip(t_names, t_grads, strict=True))
    for name, ours in zip(names, grads, strict=True):
        assert rel_err(ours, theirs[name].numpy()) < TOL, name


def test_fused_gradient_matches_finite_differences() -> None:
    r = np.random.default_rng(3)
    x, h0 = r.standard_normal((2, 3, 2)), r.standard_normal((2, 3))
    gru = GRU(2, 3, seed=4, dtype=np.float64)
    w = r.standard_normal((2, 3, 3))
    names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    arrays = [x, h0, *(gru.state_dict()[n] for n in names)]

    def loss_value(*a: np.ndarray) -> float:
        return float((gru_sequence(*a).numpy() * w).sum())

    inputs = [nn.Variable(a) for a in arrays]
    with nn.GradientTape() as tape:
        loss = (gru_sequence(*inputs) * w).sum()
    grads = tape.gradient(loss, inputs)
    for i, g in enumerate(grads):
        assert rel_err(g, finite_difference(loss_value, arrays, i)) < 1e-7


def test_persistent_tape_gives_the_same_gradients_twice() -> None:
    x, h0, w_out, _ = _data(4)
    gru = GRU(N_IN, H, seed=5, dtype=np.float64)
    xv = nn.Variable(x)
    with nn.GradientTape(persistent=True) as tape:
        out, _ = gru(xv, h0)
        first = (out * w_out).sum()
        second = (out * out).sum()
    g1 = tape.gradient(first, [xv, *gru.variables])
    g2 = tape.gradient(second, [xv, *gru.variables])
    g1_again = tape.gradient(first, [xv, *gru.variables])
    for a, b in zip(g1, g1_again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(g1[0], g2[0])


def test_fused_gru_refuses_second_derivatives_and_composed_gives_them() -> None:
    x, h0, _, _ = _data(5)
    fused = GRU(N_IN, H, seed=6, dtype=np.float64)
    xv = nn.Variable(x)
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            out, _ = fused(xv, h0)
            y = (out * out).sum()
        with pytest.raises(nn.EngineError, match="fused=False"):
            inner.gradient(y, xv)

    composed = GRU(N_IN, H, fused=False, seed=6, dtype=np.float64)
    v = np.random.default_rng(0).standard_normal(x.shape)
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            out, _ = composed(xv, h0)
            y = (out * out).sum()
        gx = inner.gradient(y, xv)
        gv = (gx * v).sum()
    hvp = outer.gradient(gv, xv)  # Hessian times v

    ref = composed.to_torch()
    tx = torch.tensor(x, requires_grad=True)
    t_out, _ = ref(tx, torch.from_numpy(h0[None]))
    (t_gx,) = torch.autograd.grad((t_out * t_out).sum(), tx, create_graph=True)
    (t_hvp,) = torch.autograd.grad((t_gx * torch.from_numpy(v)).sum(), tx)
    assert rel_err(hvp, t_hvp.numpy()) < TOL


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_equals_torch(nonlinearity: str) -> None:
    r = np.random.default_rng(6)
    x, h = r.standard_normal((B, N_IN)), r.standard_normal((B, H))
    cell = RNNCell(N_IN, H, nonlinearity=nonlinearity, seed=7, dtype=np.float64)
    xv, hv = nn.Variable(x), nn.Variable(h)
    with nn.GradientTape() as tape:
        y = cell(xv, hv)
        loss = (y * y).sum()
    grads = tape.gradient(loss, [xv, hv, *cell.variables])
    ref = cell.to_torch()
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h, requires_grad=True)
    ty = ref(tx, th)
    t_grads = torch.autograd.grad((ty * ty).sum(), [tx, th, *ref.parameters()])
    assert rel_err(y.numpy(), ty.detach().numpy()) < TOL
    for ours, theirs in zip(grads, t_grads, strict=True):
        assert rel_err(ours, theirs.numpy()) < TOL


def test_gru_cell_equals_torch() -> None:
    r = np.random.default_rng(7)
    x, h = r.standard_normal((B, N_IN)), r.standard_normal((B, H))
    cell = GRUCell(N_IN, H, seed=8, dtype=np.float64)
    xv, hv = nn.Variable(x), nn.Variable(h)
    with nn.GradientTape() as tape:
        y = cell(xv, hv)
        loss = (y * np.arange(H)).sum()
    grads = tape.gradient(loss, [xv, hv, *cell.variables])
    ref = cell.to_torch()
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h, requires_grad=True)
    ty = ref(tx, th)
    t_grads = torch.autograd.grad((ty * torch.arange(H)).sum(), [tx, th, *ref.parameters()])
    assert rel_err(y.numpy(), ty.detach().numpy()) < TOL
    for ours, theirs in zip(grads, t_grads, strict=True):
        assert rel_err(ours, theirs.numpy()) < TOL


def test_to_torch_in_float32_is_a_copy() -> None:
    x = np.random.default_rng(8).standard_normal((B, T, N_IN)).astype(np.float32)
    gru = GRU(N_IN, H, seed=9)
    out, last = gru(x)
    ref = gru.to_torch()
    assert isinstance(ref, torch.nn.GRU) and ref.batch_first
    assert set(ref.state_dict()) == set(gru.state_dict())
    t_out, t_last = ref(torch.from_numpy(x))
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(last.numpy(), t_last[0].detach().numpy(), atol=1e-5)


def test_sigmoid_gates_do_not_overflow_in_float32() -> None:
    gru = GRU(1, 2, seed=10)
    gru.weight_ih_l0.assign(np.full((6, 1), 1e4, np.float32))
    out, _ = gru(np.array([[[-1.0], [1.0]]], dtype=np.float32))  # pytest turns an overflow warning into an error
    assert np.isfinite(out.numpy()).all()


def test_fused_primitive_is_in_the_printed_rule_table() -> None:
    row = next(r for r in rules.rule_rows() if r[0] == "gru_sequence")
    assert "dh" in row[1] and "first order" in row[2]


def test_shape_errors_name_the_shapes() -> None:
    gru = GRU(N_IN, H, seed=11)
    with pytest.raises(nn.ShapeError, match=r"\(batch, time, 4\)"):
        gru(np.zeros((B, N_IN), np.float32))
    with pytest.raises(nn.ShapeError, match="lengths"):
        gru(np.zeros((B, T, N_IN), np.float32), lengths=np.array([0, 1, 2]))
