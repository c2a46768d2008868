"""References of ``data/attention.toml``.

Attention: one decoder state h against source states H, one row per source position s.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a
from thirdroad.concepts.references.activations import softmax


def luong_dot(h: ArrayLike, H: ArrayLike) -> Array:
    """score(h_t, hbar_s) = h_t . hbar_s for every s."""
    return _a(H) @ _a(h)


def luong_general(h: ArrayLike, W: ArrayLike, H: ArrayLike) -> Array:
    """score(h_t, hbar_s) = h_t^T W_a hbar_s for every s."""
    return _a(H) @ _a(W).T @ _a(h)


def luong_concat(v: ArrayLike, W: ArrayLike, h: ArrayLike, H: ArrayLike) -> Array:
    """score(h_t, hbar_s) = v_a^T tanh(W_a [h_t; hbar_s]) for every s."""
    H = _a(H)
    stacked = np.concatenate([np.broadcast_to(_a(h), (len(H), len(_a(h)))), H], axis=1)
    return np.tanh(stacked @ _a(W).T) @ _a(v)


def additive_score(v: ArrayLike, W: ArrayLike, s: ArrayLike, U: ArrayLike,
                   H: ArrayLike) -> Array:
    """e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j) for every j (Bahdanau)."""
    return np.tanh(_a(W) @ _a(s) + _a(H) @ _a(U).T) @ _a(v)


def attentional_hidden(W: ArrayLike, c: ArrayLike, h: ArrayLike) -> Array:
    """tanh(W_c [c_t; h_t]): mix the context back into the decoder state (Luong)."""
    return _a(np.tanh(_a(W) @ np.concatenate([_a(c), _a(h)])))


def scaled_scores(Q: ArrayLike, K: ArrayLike) -> Array:
    """Q K^T / sqrt(d_k): every query against every key, scaled by the key width."""
    K = _a(K)
    return _a(_a(Q) @ np.swapaxes(K, -1, -2) / np.sqrt(K.shape[-1]))


def scaled_dot_product_attention(Q: ArrayLike, K: ArrayLike, V: ArrayLike) -> Array:
    """softmax(Q K^T / sqrt(d_k)) V."""
    return softmax(scaled_scores(Q, K)) @ _a(V)


def causal_attention(Q: ArrayLike, K: ArrayLike, V: ArrayLike) -> Array:
    """softmax(Q K^T / sqrt(d_k) + M) V with M = -inf above the diagonal: no peeking ahead."""
    S = scaled_scores(Q, K)
    n, m = S.shape[-2:]
    S = np.where(np.tril(np.ones((n, m), dtype=bool)), S, -np.inf)
    return softmax(S) @ _a(V)


def multi_head_attention(Q: ArrayLike, K: ArrayLike, V: ArrayLike, W_q: ArrayLike,
                         W_k: ArrayLike, W_v: ArrayLike, W_o: ArrayLike) -> Array:
    """Concat(head_1..head_h) W^O, head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V).

    W_q, W_k, W_v have shape (heads, d_model, d_head); W_o has shape (heads * d_head, d_model).
    """
    heads = [scaled_dot_product_attention(_a(Q) @ wq, _a(K) @ wk, _a(V) @ wv)
             for wq, wk, wv in zip(_a(W_q), _a(W_k), _a(W_v), strict=True)]
    return np.concatenate(heads, axis=-1) @ _a(W_o)


def positional_encoding(pos: float, d_model: int) -> Array:
    """The sinusoidal code of one position: sin at even entries 2i, cos at odd entries 2i+1."""
    i = np.arange(0, d_model, 2)
    angle = pos / 10000 ** (i / d_model)
    pe = np.zeros(d_model)
    pe[0::2] = np.sin(angle)
    pe[1::2] = np.cos(angle[: d_model // 2])
    return pe


def self_attention(X: ArrayLike, W_q: ArrayLike, W_k: ArrayLike, W_v: ArrayLike) -> Array:
    """softmax((X W_q)(X W_k)^T / sqrt(d_k)) X W_v: queries, keys and values all from the same
    sequence X (one position per row)."""
    X = _a(X)
    return scaled_dot_product_attention(X @ _a(W_q), X @ _a(W_k), X @ _a(W_v))
