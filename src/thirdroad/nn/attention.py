"""Attention: a decoder looks back at every encoder state and takes a weighted average.

Luong, Pham and Manning (2015), "Effective Approaches to Attention-based Neural
Machine Translation", in four steps, each one a method here:

1. **score** each source position s against the decoder state h_t
   (``dot``: h_tᵀ h̄_s; ``general``: h_tᵀ W_a h̄_s; ``concat``: v_aᵀ tanh(W_a [h_t; h̄_s]));
2. **attention weights**: a softmax of the scores over the source positions,
   a_t(s) = exp(score(h_t, h̄_s)) / Σ_s' exp(score(h_t, h̄_s')); padding gets weight 0;
3. **context vector**: the weighted average of the encoder states, c_t = Σ_s a_t(s) h̄_s;
4. **attentional hidden state**: h̃_t = tanh(W_c [c_t; h_t]), what the output layer reads.

Bahdanau, Cho and Bengio (2014) score with a small network instead:
v_aᵀ tanh(W_a s + U_a h̄_s) (:class:`BahdanauAttention`, "additive"). Luong's
``concat`` score is the same thing with W_a and U_a glued side by side into one
matrix: [W_a U_a] [h_t; h̄_s] = W_a h_t + U_a h̄_s.

Shapes: ``attn(query, keys, mask=None)`` takes a query (B, H), one decoder
state per example, or (B, T, H), all decoder steps at once; keys (B, S, H),
the encoder states; mask (B, S), True where a source position holds a real
token. It returns the context, (B, H) or (B, T, H), and the weights, (B, S)
or (B, T, S). Matrices act on row vectors from the right (``h @ W``), as
:class:`~thirdroad.nn.Dense` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from thirdroad.nn import functional as F
from thirdroad.nn._rng import Seed, make_rng
from thirdroad.nn._tensor import EngineError, ShapeError, Tensor
from thirdroad.nn._variable import Variable
from thirdroad.nn.module import Module

__all__ = ["Attention", "BahdanauAttention", "LuongAttention", "masked_softmax", "rows_times"]

SCORES = ("dot", "general", "concat")


def rows_times(x: Any, w: Any) -> Tensor:
    """``x @ w`` for x of any number of leading axes, as one 2-D matrix product.

    (A 3-D ``x @ w`` would give w's gradient as one matrix per batch row, summed
    afterwards; flattening the rows first gives it as one product.)
    """
    shape = x.shape
    flat = F.reshape(x, (-1, shape[-1]))
    return F.reshape(F.matmul(flat, w), (*shape[:-1], w.shape[-1]))


def masked_softmax(scores: Any, mask: Any = None) -> Tensor:
    """Softmax over the last axis (the source positions); where ``mask`` is False the weight is 0.

    Masked scores are set to -inf before the softmax, so e^-inf = 0 exactly and the
    other weights still sum to 1. A row with no real position at all has no softmax.
    """
    if mask is None:
        return F.softmax(scores, axis=-1)
    m = np.asarray(mask.data if isinstance(mask, Tensor) else mask, dtype=bool)
    if not m.any(axis=-1).all():
        raise EngineError("attention: a row of the mask hides every source position")
    s = scores.data if isinstance(scores, Tensor) else np.asarray(scores)
    if s.ndim == m.ndim + 1:
        m = m[:, None, :]  # the same source mask for every decoder step
    return F.softmax(F.where(m, scores, -np.inf), axis=-1)


class Attention(Module):
    """What every attention here shares: weights from scores, then the context. Subclasses score."""

    n_hidden: int
    kind: str

    def score(self, query: Any, keys: Any) -> Tensor:
        """One number per (decoder step, source position): query (B, T, H), keys (B, S, H) -> (B, T, S)."""
        raise NotImplementedError

    def attention_weights(self, scores: Any, mask: Any = None) -> Tensor:
        """a_t(s) = softmax over s of the scores; padded positions get 0."""
        return masked_softmax(scores, mask)

    def context(self, weights: Any, keys: Any) -> Tensor:
        """c_t = Σ_s a_t(s) h̄_s: the encoder states averaged with the attention weights."""
        return F.matmul(weights, keys)

    def forward(self, query: Any, keys: Any, mask: Any = None) -> tuple[Tensor, Tensor]:
        q = query if isinstance(query, Tensor) else Tensor(query)
        k = keys if isinstance(keys, Tensor) else Tensor(keys)
        if k.ndim != 3 or q.ndim not in (2, 3) or q.shape[0] != k.shape[0]:
            raise ShapeError(
                f"attention: query (B, H) or (B, T, H) and keys (B, S, H), got {q.shape} and {k.shape}"
            )
        single = q.ndim == 2
        if single:
            q = F.expand_dims(q, 1)
        weights = self.attention_weights(self.score(q, k), mask)
        context = self.context(weights, k)
        if single:
            return F.getitem(context, (slice(None), 0)), F.getitem(weights, (slice(None), 0))
        return context, weights


class LuongAttention(Attention):
    """Luong's global attention with a ``dot``, ``general`` or ``concat`` score.

    >>> attn = LuongAttention(16, score="general", seed=0)
    >>> context, weights = attn(h_t, encoder_states, mask)   # (B, 16), (B, S)
    >>> h_tilde = attn.attentional(context, h_t)              # tanh(W_c [c_t; h_t])

    Variables: ``W_a`` (H, H) for ``general`` (the score h_t W_a h̄_sᵀ); ``W_a`` (2H, H)
    and ``v_a`` (H,) for ``concat``; ``W_c`` (2H, H) for the attentional hidden state.
    """

    def __init__(self, n_hidden: int, score: str = "general", seed: Seed = None, dtype: Any = np.float32) -> None:
        super().__init__()
        if score not in SCORES:
            raise EngineError(f"LuongAttention: score must be one of {SCORES}, not {score!r}")
        rng = make_rng(seed)
        self.n_hidden, self.kind = n_hidden, score
        k = 1.0 / np.sqrt(n_hidden)
        if score == "general":
            self.W_a = Variable(rng.uniform(-k, k, (n_hidden, n_hidden)).astype(dtype))
        elif score == "concat":
            k2 = 1.0 / np.sqrt(2 * n_hidden)
            self.W_a = Variable(rng.uniform(-k2, k2, (2 * n_hidden, n_hidden)).astype(dtype))
            self.v_a = Variable(rng.uniform(-k, k, (n_hidden,)).astype(dtype))
        k2 = 1.0 / np.sqrt(2 * n_hidden)
        self.W_c = Variable(rng.uniform(-k2, k2, (2 * n_hidden, n_hidden)).astype(dtype))

    def score(self, query: Any, keys: Any) -> Tensor:
        keys_t = F.swapaxes(keys, -1, -2)  # (B, H, S)
        if self.kind == "dot":  # h_tᵀ h̄_s
            return F.matmul(query, keys_t)
        if self.kind == "general":  # h_tᵀ W_a h̄_s
            return F.matmul(rows_times(query, self.W_a), keys_t)
        # concat: v_aᵀ tanh(W_a [h_t; h̄_s]), with W_a [h_t; h̄_s] = W_a[:H] h_t + W_a[H:] h̄_s
        H = self.n_hidden
        from_query = rows_times(query, self.W_a[:H])  # (B, T, H)
        from_keys = rows_times(keys, self.W_a[H:])  # (B, S, H)
        both = F.expand_dims(from_query, 2) + F.expand_dims(from_keys, 1)  # (B, T, S, H)
        return F.matmul(F.tanh(both), self.v_a)

    def attentional(self, context: Any, query: Any) -> Tensor:
        """h̃_t = tanh(W_c [c_t; h_t]): the context and the decoder state, mixed."""
        return F.tanh(rows_times(F.concat([context, query], axis=-1), self.W_c))

    def to_torch(self) -> Any:
        return _torch_attention(self)

    def __repr__(self) -> str:
        return f"LuongAttention({self.n_hidden}, score={self.kind!r})"


class BahdanauAttention(Attention):
    """Bahdanau's additive attention: score(s, h̄) = v_aᵀ tanh(W_a s + U_a h̄).

    ``n_attention`` is the width of the small scoring network (default: ``n_hidden``).
    Variables: ``W_a`` (H, A) for the query, ``U_a`` (H, A) for the keys, ``v_a`` (A,).
    """

    def __init__(
        self, n_hidden: int, n_attention: int | None = None, seed: Seed = None, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        rng = make_rng(seed)
        A = n_attention or n_hidden
        self.n_hidden, self.n_attention, self.kind = n_hidden, A, "additive"
        k, ka = 1.0 / np.sqrt(n_hidden), 1.0 / np.sqrt(A)
        self.W_a = Variable(rng.uniform(-k, k, (n_hidden, A)).astype(dtype))
        self.U_a = Variable(rng.uniform(-k, k, (n_hidden, A)).astype(dtype))
        self.v_a = Variable(rng.uniform(-ka, ka, (A,)).astype(dtype))

    def score(self, query: Any, keys: Any) -> Tensor:
        both = F.expand_dims(rows_times(query, self.W_a), 2) + F.expand_dims(rows_times(keys, self.U_a), 1)
        return F.matmul(F.tanh(both), self.v_a)  # (B, T, S, A) @ (A,) -> (B, T, S)

    def to_torch(self) -> Any:
        return _torch_attention(self)

    def __repr__(self) -> str:
        return f"BahdanauAttention({self.n_hidden}, n_attention={self.n_attention})"


# ------------------------------------------------------------- the way out


def _torch_attention(attn: Attention) -> Any:
    """The same attention as a ``torch.nn.Module`` (weights copied), for those who move to PyTorch."""
    import torch

    cls = _torch_classes()["attention"]
    state = {name: v.data for name, v in attn.named_variables()}
    dtype = torch.float64 if next(iter(state.values())).dtype == np.float64 else torch.float32
    module = cls(attn.n_hidden, attn.kind, getattr(attn, "n_attention", attn.n_hidden)).to(dtype)
    with torch.no_grad():
        for name, value in state.items():
            getattr(module, name).copy_(torch.from_numpy(np.array(value)))
    return module


_TORCH_CLASSES: dict[str, Any] = {}


def _torch_classes() -> dict[str, Any]:
    """PyTorch twins of the modules here, defined on first use so that torch stays optional."""
    if _TORCH_CLASSES:
        return _TORCH_CLASSES
    import torch

    class TorchAttention(torch.nn.Module):
        """Luong (dot, general, concat) or Bahdanau (additive) attention, the same formulas in PyTorch."""

        def __init__(self, n_hidden: int, kind: str, n_attention: int) -> None:
            super().__init__()
            self.kind = kind
            H = n_hidden
            if kind == "general":
                self.W_a = torch.nn.Parameter(torch.empty(H, H))
            elif kind == "concat":
                self.W_a = torch.nn.Parameter(torch.empty(2 * H, H))
                self.v_a = torch.nn.Parameter(torch.empty(H))
            elif kind == "additive":
                self.W_a = torch.nn.Parameter(torch.empty(H, n_attention))
                self.U_a = torch.nn.Parameter(torch.empty(H, n_attention))
                self.v_a = torch.nn.Parameter(torch.empty(n_attention))
            if kind != "additive":
                self.W_c = torch.nn.Parameter(torch.empty(2 * H, H))

        def score(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
            if self.kind == "dot":
                return q @ k.transpose(1, 2)
            if self.kind == "general":
                return (q @ self.W_a) @ k.transpose(1, 2)
            if self.kind == "concat":
                H = q.shape[-1]
                both = (q @ self.W_a[:H]).unsqueeze(2) + (k @ self.W_a[H:]).unsqueeze(1)
            else:
                both = (q @ self.W_a).unsqueeze(2) + (k @ self.U_a).unsqueeze(1)
            return torch.tanh(both) @ self.v_a

        def forward(
            self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None
        ) -> tuple[torch.Tensor, torch.Tensor]:
            single = query.dim() == 2
            q = query.unsqueeze(1) if single else query
            scores = self.score(q, keys)
            if mask is not None:
                scores = scores.masked_fill(~mask.bool().unsqueeze(1), float("-inf"))
            weights = torch.softmax(scores, dim=-1)
            context = weights @ keys
            if single:
                return context[:, 0], weights[:, 0]
            return context, weights

        def attentional(self, context: torch.Tensor, query: torch.Tensor) -> torch.Tensor:
            return torch.tanh(torch.cat([context, query], dim=-1) @ self.W_c)

    _TORCH_CLASSES["attention"] = TorchAttention
    return _TORCH_CLASSES
