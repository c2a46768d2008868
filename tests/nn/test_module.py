"""Modules and layers: registration, saving (atomically), modes, and equality with torch.nn."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.nn.reference import rel_err
from thirdroad import nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = nn.Dense(3, 4, activation="tanh", seed=0)
        self.scale = nn.Variable(np.ones(4, dtype=np.float32))
        self.frozen = nn.Variable(np.zeros(2), trainable=False)

    def forward(self, x: nn.Tensor) -> nn.Tensor:
        return self.inner(x) * self.scale


def test_variables_are_named_and_ordered() -> None:
    model = nn.Sequential(Block(), nn.Dense(4, 2, seed=1))
    names = [n for n, _ in model.named_variables()]
    assert names == ["0.scale", "0.frozen", "0.inner.W", "0.inner.b", "1.W", "1.b"]
    assert len(model.variables) == 5  # the frozen one is not trainable
    assert model.num_parameters() == 4 + 12 + 4 + 8 + 2


def test_state_dict_round_trip_and_strictness(tmp_path: Path) -> None:
    a, b = nn.Sequential(Block(), nn.Dense(4, 2, seed=1)), nn.Sequential(Block(), nn.Dense(4, 2, seed=9))
    path = a.save(tmp_path / "model.npz")
    b.load(path)
    for (na, va), (nb, vb) in zip(a.named_variables(), b.named_variables(), strict=True):
        assert na == nb
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    with pytest.raises(nn.EngineError, match=r"missing \['1.b'\]"):
        b.load_state_dict({k: v for k, v in a.state_dict().items() if k != "1.b"})
    bad = a.state_dict()
    bad["1.W"] = np.zeros((5, 5))
    with pytest.raises(nn.ShapeError, match=r"1.W has shape \(4, 2\) here, \(5, 5\) in the state"):
        b.load_state_dict(bad)


def test_a_crash_mid_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = nn.Dense(3, 2, seed=0)
    path = model.save(tmp_path / "m.npz")
    before = path.read_bytes()
    model.W.assign(np.full((3, 2), 7.0))

    def crash(fh: object, **arrays: object) -> None:
        fh.write(b"half a file")  # type: ignore[attr-defined]
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]  # no temporary file left behind


def test_dense_mlp_equals_its_torch_copy() -> None:
    model = nn.Sequential(nn.Dense(5, 7, activation="relu", seed=0), nn.Dense(7, 3, activation="tanh", seed=1))
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    t = model.to_torch()
    with torch.no_grad():
        ty = t(torch.from_numpy(x)).numpy()
    assert np.max(np.abs(model(x).numpy() - ty)) <= 1e-5


def test_layer_norm_and_embedding_equal_torch() -> None:
    r = np.random.default_rng(1)
    x = r.standard_normal((2, 3, 6))
    ln = nn.LayerNorm(6, dtype=np.float64)
    ln.gamma.assign(r.standard_normal(6))
    ln.beta.assign(r.standard_normal(6))
    xv = nn.Variable(x)
    with nn.GradientTape() as tape:
        y = ln(xv)
        loss = (y * y * np.arange(6.0)).sum()
    gx, gg = tape.gradient(loss, [xv, ln.gamma])
    tln = ln.to_torch()
    tx = torch.tensor(x, requires_grad=True)
    ty = tln(tx)
    (ty * ty * torch.arange(6.0, dtype=torch.float64)).sum().backward()
    assert rel_err(y.numpy(), ty.detach().numpy()) <= 1e-10
    assert rel_err(gx, tx.grad.numpy()) <= 1e-10
    assert rel_err(gg, tln.weight.grad.numpy()) <= 1e-10

    emb = nn.Embedding(10, 4, seed=0)
    ids = np.array([[1, 2, 1], [9, 0, 1]])
    temb = emb.to_torch()
    assert rel_err(emb(ids).numpy(), temb(torch.tensor(ids)).detach().numpy()) == 0.0


def test_dropout_is_seeded_scaled_and_off_in_eval() -> None:
    x = np.ones((200, 50), dtype=np.float32)
    a, b = nn.Dropout(0.3, seed=5), nn.Dropout(0.3, seed=5)
    ya, yb = a(x).numpy(), b(x).numpy()
    np.testing.assert_array_equal(ya, yb)
    assert set(np.unique(ya)) == {0.0, np.float32(1 / 0.7)}
    assert abs((ya == 0).mean() - 0.3) < 0.02
    model = nn.Sequential(nn.Dropout(0.5, seed=0))
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), x)
    with pytest.raises(nn.EngineError, match="p must lie in"):
        nn.Dropout(1.0)


def test_unknown_activation_is_named() -> None:
    with pytest.raises(nn.EngineError, match="unknown activation 'rleu'"):
        nn.Dense(2, 2, activation="rleu")


def test_seeds_make_layers_reproducible() -> None:
    np.testing.assert_array_equal(nn.Dense(4, 4, seed=3).W.numpy(), nn.Dense(4, 4, seed=3).W.numpy())
    nn.manual_seed(7)
    first = nn.Dense(4, 4).W.numpy()
    nn.manual_seed(7)
    np.testing.assert_array_equal(first, nn.Dense(4, 4).W.numpy())
