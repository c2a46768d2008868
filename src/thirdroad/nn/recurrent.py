"""Recurrent layers: a state that is carried from one step of a sequence to the next.

An RNN cell reads one input vector ``x_t`` and the previous state ``h_{t-1}``
and writes the new state ``h_t``. A GRU cell does the same through three
small networks, the *gates* (PyTorch's equations, gate order r, z, n):

.. code-block:: text

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)          reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)          update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   new (candidate) state
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

The reset gate decides how much of the old state the candidate may look at;
the update gate is a per-unit dial between keeping the old state (z = 1)
and taking the new one (z = 0).

Weights keep PyTorch's names and layout (``weight_ih`` is (3H, n_in), rows
r, z, n stacked), so ``to_torch()`` is a plain copy and ``state_dict()`` keys
match ``torch.nn.GRU``'s.

:class:`GRU` runs a whole sequence. By default it uses one *fused* primitive,
``gru_sequence``, whose backward pass is derived by hand (below, in
:func:`_gru_backward`) instead of being composed from some twenty recorded
operations per step; ``GRU(..., fused=False)`` runs the gate equations above
through the tape instead, step by step. Both give the same numbers (tested,
and both equal ``torch.nn.GRU``). The fused one is faster by as much as the
bookkeeping of those operations costs, and by keeping every per-step operation on
contiguous memory: measured forward and backward, about 5x for a batch of 8 and 32
units, 2.2x for 64 and 64, 1.7x for 64 and 128 (where the matrix products, the same
on both paths, take most of the time). Its backward pass is first order only: for
second derivatives, use ``fused=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from thirdroad.nn import functional as F
from thirdroad.nn import rules
from thirdroad.nn._rng import Seed, make_rng
from thirdroad.nn._tensor import Array, EngineError, ShapeError, Tensor, record
from thirdroad.nn._variable import Variable
from thirdroad.nn.module import Module
from thirdroad.nn.numerics import sigmoid

__all__ = ["GRU", "GRUCell", "RNNCell", "gru_cell", "gru_sequence", "rnn_cell"]


# ------------------------------------------------------------ composed cells


def rnn_cell(x: Any, h: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any, nonlinearity: str = "tanh") -> Tensor:
    """One step of a plain (Elman) RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)``."""
    pre = F.matmul(x, F.transpose(w_ih)) + b_ih + F.matmul(h, F.transpose(w_hh)) + b_hh
    return F.tanh(pre) if nonlinearity == "tanh" else F.relu(pre)


def gru_cell(x: Any, h: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> Tensor:
    """One GRU step, written as the gate equations read (every operation on the tape)."""
    i_r, i_z, i_n = F.split(F.matmul(x, F.transpose(w_ih)) + b_ih, 3, axis=-1)
    h_r, h_z, h_n = F.split(F.matmul(h, F.transpose(w_hh)) + b_hh, 3, axis=-1)
    r = F.sigmoid(i_r + h_r)  # reset gate
    z = F.sigmoid(i_z + h_z)  # update gate
    n = F.tanh(i_n + r * h_n)  # new state, from the input and the part of h the reset gate lets through
    h_new: Tensor = (1 - z) * n + z * h  # a blend, unit by unit, of the new state and the old
    return h_new


# ------------------------------------------------- the fused sequence primitive


@dataclass
class _GRUSaved:
    """What the forward pass keeps for the backward pass: time-major arrays, one block per gate,
    so that every per-step operation works on one contiguous (B, H) block."""

    gates: Array = field(default_factory=lambda: np.empty(0))  # (3, T, B, H): r, z, n after their nonlinearities
    hn: Array = field(default_factory=lambda: np.empty(0))  # (T, B, H): W_hn h_{t-1} + b_hn
    h_minus_n: Array = field(default_factory=lambda: np.empty(0))  # (T, B, H): h_{t-1} - n_t
    states: Array = field(default_factory=lambda: np.empty(0))  # (T+1, B, H): h_0 ... h_T
    g: Any = None  # the output gradient the cached input gradients belong to
    grads: tuple[Array, ...] = ()


def _gru_forward(x: Array, h0: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array, saved: _GRUSaved) -> Array:
    B, T, n_in = x.shape
    H = w_hh.shape[1]
    x_rows = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(T * B, n_in)
    # The input's share of every gate, for all steps at once: (3, T, B, H). b_hh's r and z
    # parts are added here too (plain sums); its n part is not: the reset gate multiplies it.
    gi = np.matmul(x_rows, w_ih.reshape(3, H, n_in).transpose(0, 2, 1)).reshape(3, T, B, H)
    bias = b_ih.reshape(3, 1, H).copy()
    bias[:2] += b_hh[: 2 * H].reshape(2, 1, H)
    gi += bias[:, None]
    b_hn = b_hh[2 * H :]
    w_hh_t = w_hh.reshape(3, H, H).transpose(0, 2, 1)  # h @ w_hh_t[k] is gate k's share from h
    gates = np.empty((3, T, B, H), dtype=x.dtype)
    hn = np.empty((T, B, H), dtype=x.dtype)
    h_minus_n = np.empty((T, B, H), dtype=x.dtype)
    states = np.empty((T + 1, B, H), dtype=x.dtype)
    states[0] = h0
    gh = np.empty((3, B, H), dtype=x.dtype)
    for t in range(T):
        h = states[t]
        np.matmul(h, w_hh_t, out=gh)
        rz = np.add(gi[:2, t], gh[:2], out=gates[:2, t])
        sigmoid(rz, out=rz)
        r, z = gates[0, t], gates[1, t]
        hnt = np.add(gh[2], b_hn, out=hn[t])
        n = np.multiply(r, hnt, out=gates[2, t])
        n += gi[2, t]
        np.tanh(n, out=n)
        # h_t = (1 - z) n + z h = n + z (h - n)
        new = np.multiply(np.subtract(h, n, out=h_minus_n[t]), z, out=states[t + 1])
        new += n
    saved.gates, saved.hn, saved.h_minus_n, saved.states = gates, hn, h_minus_n, states
    saved.g, saved.grads = None, ()
    return np.ascontiguousarray(states[1:].transpose(1, 0, 2))


def _gru_backward(
    g: Array, x: Array, h0: Array, w_ih: Array, w_hh: Array, b_ih: Array, b_hh: Array, saved: _GRUSaved
) -> tuple[Array, ...]:
    """The chain rule through every step, backwards in time, by hand.

    With ``dh`` the gradient arriving at ``h_t`` (from the output at t and from step t+1):

    .. code-block:: text

        h = n + z (h_prev - n)   ->  dn = dh (1 - z),  dz = dh (h_prev - n),  dh_prev = dh z + ...
        n = tanh(a_n)            ->  da_n = dn (1 - n²)
        a_n = i_n + r (W_hn h_prev + b_hn)  ->  dr = da_n (W_hn h_prev + b_hn),  the h-side of n gets da_n r
        r = σ(a_r), z = σ(a_z)   ->  da_r = dr r (1 - r),  da_z = dz z (1 - z)
        dh_prev += da_r W_hr + da_z W_hz + (da_n r) W_hn

    Everything that does not depend on ``dh`` (the slopes of the gates) is worked out
    for all steps at once before the loop; the weight gradients, sums over steps of
    outer products, are taken after it as one matrix product over all (t, b) rows.
    """
    gates, hn, states = saved.gates, saved.hn, saved.states
    _, T, B, H = gates.shape
    n_in = x.shape[2]
    r, z, n = gates[0], gates[1], gates[2]
    # slopes, for every step at once: da_n = dh·k_n, da_r = da_n·k_r, da_z = dh·k_z
    k_n = (1 - n * n) * (1 - z)
    k_r = hn * (r - r * r)
    k_z = saved.h_minus_n * (z - z * z)
    g_steps = np.ascontiguousarray(g.transpose(1, 0, 2))
    # d[0], d[1], d[2]: the gradients of the three gates' h-side sums (a_r, a_z, r ⊙ (W_hn h + b_hn));
    # d[3]: of the candidate's pre-activation a_n (its x-side sum)
    d = np.empty((4, T, B, H), dtype=g.dtype)
    w_hh_3 = w_hh.reshape(3, H, H)
    dh = np.zeros((B, H), dtype=g.dtype)
    back = np.empty((3, B, H), dtype=g.dtype)
    for t in range(T - 1, -1, -1):
        dh += g_steps[t]
        dan = np.multiply(dh, k_n[t], out=d[3, t])
        np.multiply(dan, k_r[t], out=d[0, t])
        np.multiply(dh, k_z[t], out=d[1, t])
        np.multiply(dan, r[t], out=d[2, t])
        dh *= z[t]
        np.matmul(d[:3, t], w_hh_3, out=back)
        dh += back[0]
        dh += back[1]
        dh += back[2]
    rows = d.reshape(4, T * B, H)
    x_rows = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(T * B, n_in)
    i_side = (0, 1, 3)  # the x-side sums of r, z and n
    w_ih_3 = w_ih.reshape(3, H, n_in)
    dx = rows[0] @ w_ih_3[0]
    dx += rows[1] @ w_ih_3[1]
    dx += rows[3] @ w_ih_3[2]
    dw_ih = np.empty_like(w_ih)
    for k, j in enumerate(i_side):
        np.matmul(rows[j].T, x_rows, out=dw_ih[k * H : (k + 1) * H])
    dw_hh = np.matmul(rows[:3].transpose(0, 2, 1), states[:-1].reshape(T * B, H)).reshape(3 * H, H)
    sums = rows.sum(axis=1)
    db_ih = sums[list(i_side)].reshape(3 * H)
    db_hh = sums[:3].reshape(3 * H)
    return np.ascontiguousarray(dx.reshape(T, B, n_in).transpose(1, 0, 2)), dh, dw_ih, dw_hh, db_ih, db_hh


def _gru_partial(F_: Any, i: int, g: Any, out: Any, *inputs: Any, saved: _GRUSaved) -> Any:
    if isinstance(g, Tensor):
        raise EngineError(
            "gru_sequence has a hand-written first-order backward pass only; for second "
            "derivatives build the GRU with fused=False (every gate operation on the tape)"
        )
    if saved.g is not g:  # one backward sweep gives all six gradients; the other calls reuse it
        x, h0, w_ih, w_hh, b_ih, b_hh = inputs
        saved.grads = _gru_backward(g, x, h0, w_ih, w_hh, b_ih, b_hh, saved)
        saved.g = g
    return saved.grads[i]


GRU_SEQUENCE = rules.register(
    rules.Primitive(
        "gru_sequence",
        lambda x, h0, w_ih, w_hh, b_ih, b_hh, saved: _gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, saved),
        (_gru_partial,),
        "h_t = (1-z)⊙n + z⊙h_{t-1}: backwards in time, dn = dh(1-z), dz = dh(h_{t-1}-n), "
        "dh_{t-1} = dh⊙z + [da_r, da_z, da_n⊙r]·W_hh",
        "fused: a hand-derived backward pass, first order only",
        variadic=True,
    )
)


def gru_sequence(x: Any, h0: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> Tensor:
    """Run a GRU over x (B, T, n_in) from h0 (B, H): all states (B, T, H), as one primitive."""
    xd = x.data if isinstance(x, Tensor) else np.asarray(x)
    wd = w_hh.data if isinstance(w_hh, Tensor) else np.asarray(w_hh)
    if xd.ndim != 3:
        raise ShapeError(f"gru_sequence: x must be (batch, time, features), got shape {xd.shape}")
    H = wd.shape[1]
    if h0 is None:
        h0 = np.zeros((xd.shape[0], H), dtype=xd.dtype)
    hd = h0.data if isinstance(h0, Tensor) else np.asarray(h0)
    if hd.shape != (xd.shape[0], H):
        raise ShapeError(f"gru_sequence: h0 must be ({xd.shape[0]}, {H}), got {hd.shape}")
    args = (x, h0, w_ih, w_hh, b_ih, b_hh)
    xa, ha, wi, wh, bi, bh = (a.data if isinstance(a, Tensor) else np.asarray(a) for a in args)
    saved = _GRUSaved()
    out = _gru_forward(xa, ha, wi, wh, bi, bh, saved)
    return record(GRU_SEQUENCE, out, args, {"saved": saved})


# ------------------------------------------------------------------ modules


def _uniform(rng: np.random.Generator, bound: float, shape: tuple[int, ...], dtype: Any) -> Variable:
    return Variable(rng.uniform(-bound, bound, shape).astype(dtype))


def _torch_dtype(a: Array) -> Any:
    import torch

    return torch.float64 if a.dtype == np.float64 else torch.float32


def _copy_into_torch(module: Any, state: dict[str, Array]) -> Any:
    import torch

    module = module.to(_torch_dtype(next(iter(state.values()))))
    module.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    return module


class RNNCell(Module):
    """A plain recurrent cell: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu).

    Weights as in ``torch.nn.RNNCell``: ``weight_ih`` (H, n_in), ``weight_hh`` (H, H),
    all uniform in ±1/√H.
    """

    def __init__(
        self, n_in: int, n_hidden: int, nonlinearity: str = "tanh", seed: Seed = None, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        if nonlinearity not in ("tanh", "relu"):
            raise EngineError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', not {nonlinearity!r}")
        rng = make_rng(seed)
        k = 1.0 / np.sqrt(n_hidden)
        self.n_in, self.n_hidden, self.nonlinearity = n_in, n_hidden, nonlinearity
        self.weight_ih = _uniform(rng, k, (n_hidden, n_in), dtype)
        self.weight_hh = _uniform(rng, k, (n_hidden, n_hidden), dtype)
        self.bias_ih = _uniform(rng, k, (n_hidden,), dtype)
        self.bias_hh = _uniform(rng, k, (n_hidden,), dtype)

    def forward(self, x: Any, h: Any = None) -> Tensor:
        if h is None:
            h = np.zeros((np.shape(x.data if isinstance(x, Tensor) else x)[0], self.n_hidden), self.weight_hh.dtype)
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, self.nonlinearity)

    def to_torch(self) -> Any:
        import torch

        cell = torch.nn.RNNCell(self.n_in, self.n_hidden, nonlinearity=self.nonlinearity)
        return _copy_into_torch(cell, self.state_dict())

    def __repr__(self) -> str:
        return f"RNNCell({self.n_in}, {self.n_hidden}, nonlinearity={self.nonlinearity!r})"


class GRUCell(Module):
    """One GRU step, ``h' = cell(x, h)``, as the gate equations read (see the module docstring).

    Weights as in ``torch.nn.GRUCell``: ``weight_ih`` (3H, n_in) and ``weight_hh`` (3H, H),
    the r, z, n blocks stacked in that order; uniform in ±1/√H.
    """

    def __init__(self, n_in: int, n_hidden: int, seed: Seed = None, dtype: Any = np.float32) -> None:
        super().__init__()
        rng = make_rng(seed)
        k = 1.0 / np.sqrt(n_hidden)
        self.n_in, self.n_hidden = n_in, n_hidden
        self.weight_ih = _uniform(rng, k, (3 * n_hidden, n_in), dtype)
        self.weight_hh = _uniform(rng, k, (3 * n_hidden, n_hidden), dtype)
        self.bias_ih = _uniform(rng, k, (3 * n_hidden,), dtype)
        self.bias_hh = _uniform(rng, k, (3 * n_hidden,), dtype)

    def forward(self, x: Any, h: Any = None) -> Tensor:
        if h is None:
            h = np.zeros((np.shape(x.data if isinstance(x, Tensor) else x)[0], self.n_hidden), self.weight_hh.dtype)
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)

    def to_torch(self) -> Any:
        import torch

        return _copy_into_torch(torch.nn.GRUCell(self.n_in, self.n_hidden), self.state_dict())

    def __repr__(self) -> str:
        return f"GRUCell({self.n_in}, {self.n_hidden})"


class GRU(Module):
    """A GRU over whole sequences, batch first: ``outputs, h_last = gru(x, h0=None)``.

    ``x`` is (B, T, n_in); ``outputs`` (B, T, H) holds the state after every step and
    ``h_last`` (B, H) the state after the last one. With ``lengths`` (B,) for padded
    batches, ``h_last`` is the state after each sequence's own last step (as with
    PyTorch's packed sequences; the outputs past a sequence's end are computed but
    mean nothing, so mask them).

    >>> gru = GRU(8, 16, seed=0)
    >>> out, h = gru(np.zeros((4, 5, 8), np.float32))   # out (4, 5, 16), h (4, 16)

    ``bidirectional=True`` adds a second GRU that reads each sequence backwards (from
    its own last real step): ``outputs`` (B, T, 2H) puts the two states of each step
    side by side, forward first, so every step knows what comes before *and* after it;
    ``h_last`` (B, 2H) is [forward state after the end; backward state after the start],
    and ``h0``, if given, is (2, B, H).

    Variables carry ``torch.nn.GRU``'s names (``weight_ih_l0``, ``weight_ih_l0_reverse``...),
    so ``gru.to_torch()`` is ``torch.nn.GRU(n_in, H, batch_first=True, bidirectional=...)``
    with the same weights. (PyTorch returns the last states as (directions, B, H).)
    """

    def __init__(
        self,
        n_in: int,
        n_hidden: int,
        fused: bool = True,
        bidirectional: bool = False,
        seed: Seed = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        rng = make_rng(seed)
        k = 1.0 / np.sqrt(n_hidden)
        self.n_in, self.n_hidden, self.fused, self.bidirectional = n_in, n_hidden, fused, bidirectional
        for suffix in ("", "_reverse") if bidirectional else ("",):
            setattr(self, "weight_ih_l0" + suffix, _uniform(rng, k, (3 * n_hidden, n_in), dtype))
            setattr(self, "weight_hh_l0" + suffix, _uniform(rng, k, (3 * n_hidden, n_hidden), dtype))
            setattr(self, "bias_ih_l0" + suffix, _uniform(rng, k, (3 * n_hidden,), dtype))
            setattr(self, "bias_hh_l0" + suffix, _uniform(rng, k, (3 * n_hidden,), dtype))

    def _weights(self, suffix: str) -> tuple[Variable, ...]:
        names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        return tuple(self._variables[name + suffix] for name in names)

    def _run(self, x: Any, h0: Any, weights: tuple[Variable, ...]) -> Tensor:
        if self.fused:
            return gru_sequence(x, h0, *weights)
        h, states = h0, []
        for t in range(np.shape(x.data if isinstance(x, Tensor) else x)[1]):
            h = gru_cell(F.getitem(x, (slice(None), t)), h, *weights)
            states.append(h)
        return F.stack(states, axis=1)

    def forward(self, x: Any, h0: Any = None, lengths: Any = None) -> tuple[Tensor, Tensor]:
        xd = x.data if isinstance(x, Tensor) else np.asarray(x)
        if xd.ndim != 3 or xd.shape[2] != self.n_in:
            raise ShapeError(f"GRU: x must be (batch, time, {self.n_in}), got shape {xd.shape}")
        B, T, _ = xd.shape
        lens = None
        if lengths is not None:
            lens = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
            if lens.shape != (B,) or lens.min() < 1 or lens.max() > T:
                raise ShapeError(f"GRU: lengths must be ({B},) with values in 1..{T}")
        # the state after each sequence's last real step
        last_step = (slice(None), T - 1) if lens is None else (np.arange(B), lens - 1)
        zeros = np.zeros((B, self.n_hidden), dtype=self._variables["weight_hh_l0"].dtype)
        if not self.bidirectional:
            outputs = self._run(x, zeros if h0 is None else h0, self._weights(""))
            return outputs, F.getitem(outputs, last_step)
        if h0 is not None and np.shape(h0.data if isinstance(h0, Tensor) else h0) != (2, B, self.n_hidden):
            raise ShapeError(f"GRU: a bidirectional GRU takes h0 of shape (2, {B}, {self.n_hidden})")
        h0_f, h0_b = (zeros, zeros) if h0 is None else (F.getitem(h0, 0), F.getitem(h0, 1))
        forward = self._run(x, h0_f, self._weights(""))
        # Read each sequence from its own last real step back to its first; padding stays put.
        if lens is None:
            flip: Any = (slice(None), slice(None, None, -1))
        else:
            t = np.arange(T)[None, :]
            flip = (np.arange(B)[:, None], np.where(t < lens[:, None], lens[:, None] - 1 - t, t))
        backward = F.getitem(self._run(F.getitem(x, flip), h0_b, self._weights("_reverse")), flip)
        outputs = F.concat([forward, backward], axis=-1)
        last = F.concat([F.getitem(forward, last_step), F.getitem(backward, (slice(None), 0))], axis=-1)
        return outputs, last

    def to_torch(self) -> Any:
        import torch

        twin = torch.nn.GRU(self.n_in, self.n_hidden, batch_first=True, bidirectional=self.bidirectional)
        return _copy_into_torch(twin, self.state_dict())

    def __repr__(self) -> str:
        extra = ("" if self.fused else ", fused=False") + (", bidirectional=True" if self.bidirectional else "")
        return f"GRU({self.n_in}, {self.n_hidden}{extra})"
