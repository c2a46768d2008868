"""Luong (dot, general, concat) and Bahdanau attention against a PyTorch reference written here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from tests.nn.reference import rel_err
from thirdroad import nn
from thirdroad.nn.attention import BahdanauAttention, LuongAttention, masked_softmax

TOL = 1e-9
B, T, S, H = 3, 4, 6, 5
MASK = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]], dtype=bool)


def reference_attention(kind: str, q: torch.Tensor, k: torch.Tensor, p: dict[str, torch.Tensor], mask: Any) -> Any:
    """The formulas, one line each, in PyTorch (independent of thirdroad's to_torch)."""
    if kind == "dot":
        scores = torch.einsum("bth,bsh->bts", q, k)
    elif kind == "general":
        scores = torch.einsum("bth,hg,bsg->bts", q, p["W_a"], k)
    elif kind == "concat":
        pairs = torch.cat(
            [q.unsqueeze(2).expand(-1, -1, k.shape[1], -1), k.unsqueeze(1).expand(-1, q.shape[1], -1, -1)], dim=-1
        )
        scores = torch.tanh(pairs @ p["W_a"]) @ p["v_a"]
    else:  # Bahdanau's additive score
        scores = torch.tanh((q @ p["W_a"]).unsqueeze(2) + (k @ p["U_a"]).unsqueeze(1)) @ p["v_a"]
    if mask is not None:
        scores = scores.masked_fill(~torch.from_numpy(mask)[:, None, :], float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    context = torch.einsum("bts,bsh->bth", weights, k)
    return context, weights


def make(kind: str) -> Any:
    if kind == "additive":
        return BahdanauAttention(H, n_attention=7, seed=0, dtype=np.float64)
    return LuongAttention(H, score=kind, seed=0, dtype=np.float64)


@pytest.mark.parametrize("kind", ["dot", "general", "concat", "additive"])
@pytest.mark.parametrize("steps", ["all", "one"])
@pytest.mark.parametrize("masked", [True, False])
def test_attention_equals_torch_reference(kind: str, steps: str, masked: bool) -> None:
    r = np.random.default_rng(1)
    q = r.standard_normal((B, T, H) if steps == "all" else (B, H))
    k = r.standard_normal((B, S, H))
    w_c, w_w = r.standard_normal((*q.shape[:-1], H)), r.standard_normal((*q.shape[:-1], S))
    mask = MASK if masked else None
    attn = make(kind)
    qv, kv = nn.Variable(q), nn.Variable(k)
    with nn.GradientTape() as tape:
        context, weights = attn(qv, kv, mask)
        loss = (context * w_c).sum() + (nn.where(weights.numpy() > 0, weights, 0.0) * w_w).sum()
    grads = tape.gradient(loss, [qv, kv, *attn.variables])

    params = {name: torch.tensor(v.data, requires_grad=True) for name, v in attn.named_variables()}
    used = [name for name, _ in attn.named_variables() if name != "W_c"]
    tq, tk = torch.tensor(q, requires_grad=True), torch.tensor(k, requires_grad=True)
    t_ctx, t_w = reference_attention(kind, tq if steps == "all" else tq.unsqueeze(1), tk, params, mask)
    if steps == "one":
        t_ctx, t_w = t_ctx[:, 0], t_w[:, 0]
    t_loss = (t_ctx * torch.from_numpy(w_c)).sum() + (t_w * torch.from_numpy(w_w)).sum()
    t_grads = torch.autograd.grad(t_loss, [tq, tk, *(params[n] for n in used)])

    assert context.shape == q.shape and weights.shape == (*q.shape[:-1], S)
    assert rel_err(context.numpy(), t_ctx.detach().numpy()) < TOL
    assert rel_err(weights.numpy(), t_w.detach().numpy()) < TOL
    ours = dict(zip(["query", "keys", *(n for n, _ in attn.named_variables())], grads, strict=True))
    for name, theirs in zip(["query", "keys", *used], t_grads, strict=True):
        assert rel_err(ours[name], theirs.numpy()) < TOL, name
    if "W_c" in ours:
        assert ours["W_c"] is None  # the attentional layer was not used


def test_weights_are_a_distribution_over_real_positions_only() -> None:
    r = np.random.default_rng(2)
    attn = LuongAttention(H, "general", seed=1, dtype=np.float64)
    _, weights = attn(r.standard_normal((B, T, H)), r.standard_normal((B, S, H)), MASK)
    w = weights.numpy()
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    assert (w[~np.broadcast_to(MASK[:, None, :], w.shape)] == 0.0).all()
    assert (w[2, :, 0] == 1.0).all()  # one real position takes all the weight


def test_context_is_the_weighted_average_of_the_keys() -> None:
    r = np.random.default_rng(3)
    keys = r.standard_normal((B, S, H))
    attn = LuongAttention(H, "dot", dtype=np.float64)
    context, weights = attn(r.standard_normal((B, H)), keys)
    expected = np.stack([np.average(keys[b], axis=0, weights=weights.numpy()[b]) for b in range(B)])
    np.testing.assert_allclose(context.numpy(), expected, atol=1e-12)


def test_attentional_hidden_state_equals_torch() -> None:
    r = np.random.default_rng(4)
    c, h = r.standard_normal((B, T, H)), r.standard_normal((B, T, H))
    attn = LuongAttention(H, "dot", seed=2, dtype=np.float64)
    cv, hv = nn.Variable(c), nn.Variable(h)
    with nn.GradientTape() as tape:
        out = attn.attentional(cv, hv)
        loss = (out * out).sum()
    grads = tape.gradient(loss, [cv, hv, attn.W_c])
    tc, th = torch.tensor(c, requires_grad=True), torch.tensor(h, requires_grad=True)
    tw = torch.tensor(attn.W_c.data, requires_grad=True)
    t_out = torch.tanh(torch.cat([tc, th], dim=-1) @ tw)
    t_grads = torch.autograd.grad((t_out * t_out).sum(), [tc, th, tw])
    assert rel_err(out.numpy(), t_out.detach().numpy()) < TOL
    for ours, theirs in zip(grads, t_grads, strict=True):
        assert rel_err(ours, theirs.numpy()) < TOL


@pytest.mark.parametrize("kind", ["dot", "general", "concat", "additive"])
def test_to_torch_gives_the_same_outputs_in_float32(kind: str) -> None:
    r = np.random.default_rng(5)
    q, k = r.standard_normal((B, T, H)).astype(np.float32), r.standard_normal((B, S, H)).astype(np.float32)
    attn = (
        BahdanauAttention(H, seed=3) if kind == "additive" else LuongAttention(H, score=kind, seed=3)
    )
    context, weights = attn(q, k, MASK)
    twin = attn.to_torch()
    assert isinstance(twin, torch.nn.Module)
    t_ctx, t_w = twin(torch.from_numpy(q), torch.from_numpy(k), torch.from_numpy(MASK))
    np.testing.assert_allclose(context.numpy(), t_ctx.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(weights.numpy(), t_w.detach().numpy(), atol=1e-5)
    if kind != "additive":
        np.testing.assert_allclose(
            attn.attentional(context, q).numpy(), twin.attentional(t_ctx, torch.from_numpy(q)).detach().numpy(),
            atol=1e-5,
        )


def test_errors() -> None:
    with pytest.raises(nn.EngineError, match="score must be one of"):
        LuongAttention(H, score="cosine")
    with pytest.raises(nn.EngineError, match="hides every source position"):
        masked_softmax(np.zeros((2, S)), np.zeros((2, S), dtype=bool))
    with pytest.raises(nn.ShapeError, match=r"\(B, S, H\)"):
        LuongAttention(H, "dot")(np.zeros((B, H)), np.zeros((S, H)))
