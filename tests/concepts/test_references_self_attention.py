"""Self-attention (data/attention.more.toml) against torch's scaled dot-product attention."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from thirdroad.concepts import references as R


def test_self_attention_against_torch(rng: np.random.Generator) -> None:
    X = rng.normal(size=(5, 4))
    W_q, W_k, W_v = (rng.normal(size=(4, 3)) for _ in range(3))
    tX = torch.tensor(X)
    want = F.scaled_dot_product_attention(tX @ torch.tensor(W_q), tX @ torch.tensor(W_k), tX @ torch.tensor(W_v))
    np.testing.assert_allclose(R.self_attention(X, W_q, W_k, W_v), want.numpy(), rtol=1e-10, atol=1e-12)


def test_self_attention_is_blind_to_order_without_positions(rng: np.random.Generator) -> None:
    X = rng.normal(size=(5, 4))
    W = [rng.normal(size=(4, 4)) for _ in range(3)]
    perm = rng.permutation(5)
    np.testing.assert_allclose(R.self_attention(X[perm], *W), R.self_attention(X, *W)[perm], rtol=1e-10)
