"""A restricted Boltzmann machine (RBM): visible units, hidden units, and the links between them.

An RBM is a *bipartite undirected* model: two groups of units, visible ``v`` (what we
observe, e.g. the pixels of an image) and hidden ``h`` (features it invents), with a
connection between every visible and every hidden unit and none inside a group
("restricted"). Undirected: a connection is a symmetric strength, not an arrow, so an RBM
has no "input layer" and "output layer"; information flows both ways. (An RBF is another
thing entirely: a radial basis function, a bump like exp(-‖x - μ‖²).)

Each joint state has an energy, and the machine prefers low energy::

    E(v, h) = -vᵀ W h - bᵀ v - cᵀ h       (b: visible biases, c: hidden biases)
    p(v, h) = exp(-E(v, h)) / Z

Because no hidden unit is connected to another, the hidden units are independent given
``v``, each a sigmoid of its input: ``p(h_j = 1 | v) = σ(c_j + vᵀ W_:j)``; the same holds the
other way round, ``p(v_i = 1 | h) = σ(b_i + W_i: h)``. Summing the hidden units out gives
the *free energy* of a visible vector, ``F(v) = -bᵀv - Σ_j softplus(c_j + vᵀ W_:j)``, with
``p(v) = exp(-F(v)) / Z``.

Learning lowers the free energy of the data and raises it where the model puts too much
probability. Contrastive divergence (CD-k) estimates the second place by running k steps
of Gibbs sampling from the data; persistent CD keeps the sampling chains from one update
to the next.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np

from thirdroad.nn import functional as F
from thirdroad.nn._rng import Seed, make_rng
from thirdroad.nn._tensor import Array, EngineError, ShapeError, Tensor
from thirdroad.nn._variable import Variable
from thirdroad.nn.module import Module
from thirdroad.nn.numerics import sigmoid, softplus
from thirdroad.nn.training import History, training_bar

VisibleKind = Literal["bernoulli", "gaussian"]

_PL_CHUNK = 1 << 22
"""How many numbers the pseudo-likelihood works on at once (bounds its memory)."""


class CDUpdate(NamedTuple):
    """What one contrastive-divergence step did: the change to each variable (already scaled
    by lr), and ``v_model``, the visible states the model's Gibbs chains reached (negative phase)."""

    W: Array
    b: Array
    c: Array
    v_model: Array


class RBM(Module):
    """A restricted Boltzmann machine with ``n_visible`` visible and ``n_hidden`` hidden units.

    Variables: ``W`` (n_visible, n_hidden), the connection strengths, small random
    normal numbers at the start (standard deviation ``init_std``); ``b`` (n_visible,),
    the visible biases; ``c`` (n_hidden,), the hidden biases, both zero at the start.

    ``visible="bernoulli"`` (default): visible units are 0 or 1 (binarised images).
    ``visible="gaussian"``: visible units are real numbers with unit variance around
    ``b + W h`` (standardise the data first); the energy gains ``Σ_i (v_i - b_i)² / 2``
    in place of ``-bᵀv``.

    >>> rbm = RBM(64, 100, seed=0)
    >>> history = rbm.fit(X_train, epochs=20, k=1, lr=0.05)
    >>> rbm.pseudo_likelihood(X_test)        # rises (towards 0) as the model learns
    >>> images = rbm.sample(16, steps=1000)  # new visible vectors from the model
    """

    def __init__(
        self,
        n_visible: int,
        n_hidden: int,
        seed: Seed = None,
        visible: VisibleKind = "bernoulli",
        init_std: float = 0.01,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        if n_visible < 1 or n_hidden < 1:
            raise EngineError(f"RBM needs at least one visible and one hidden unit, got {n_visible}, {n_hidden}")
        if visible not in ("bernoulli", "gaussian"):
            raise EngineError(f"visible units are 'bernoulli' or 'gaussian', not {visible!r}")
        rng = make_rng(seed)
        self.n_visible, self.n_hidden, self.visible = n_visible, n_hidden, visible
        self.W = Variable(rng.normal(0.0, init_std, (n_visible, n_hidden)).astype(dtype))
        self.b = Variable(np.zeros(n_visible, dtype=dtype))
        self.c = Variable(np.zeros(n_hidden, dtype=dtype))
        self._rng = rng
        self._chains: Array | None = None  # persistent CD's fantasy particles (visible states)

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.W.data.dtype

    # ---- energies -------------------------------------------------------------------
    def energy(self, v: Any, h: Any) -> Array:
        """E(v, h) = -vᵀWh - bᵀv - cᵀh for each row pair (Gaussian: ½‖v - b‖² in place of -bᵀv)."""
        v, h = self._visible_rows(v), self._hidden_rows(h)
        W, c = self.W.data, self.c.data
        coupling = np.einsum("...i,ij,...j->...", v, W, h)
        return -coupling - self._visible_term(v) - h @ c  # type: ignore[no-any-return]

    def free_energy(self, v: Any) -> Array:
        """F(v) = -log Σ_h exp(-E(v, h)) for each row: -bᵀv - Σ_j softplus(c_j + vᵀW_:j).

        The hidden units are summed out; a visible vector the model likes has low free energy.
        """
        v = self._visible_rows(v)
        return -self._visible_term(v) - softplus(v @ self.W.data + self.c.data).sum(axis=-1)  # type: ignore[no-any-return]

    def free_energy_tensor(self, v: Any) -> Tensor:
        """:meth:`free_energy` built from engine operations, so that a tape can differentiate it."""
        vt = v if isinstance(v, Tensor) else Tensor(self._visible_rows(v))
        hidden = F.sum(F.softplus(F.matmul(vt, self.W) + self.c), axis=-1)
        if self.visible == "bernoulli":
            visible = F.sum(vt * self.b, axis=-1)
        else:
            visible = F.mul(F.sum(F.square(vt - self.b), axis=-1), -0.5)
        return F.neg(visible + hidden)

    # ---- the two conditionals ------------------------------------------------------
    def prob_h_given_v(self, v: Any) -> Array:
        """p(h_j = 1 | v) = σ(c_j + vᵀW_:j) for every hidden unit j (rows of v -> rows of h)."""
        return self._p_h(self._visible_rows(v))

    def prob_v_given_h(self, h: Any) -> Array:
        """p(v_i = 1 | h) = σ(b_i + W_i:h) (Bernoulli), or the mean b_i + W_i:h (Gaussian)."""
        return self._p_v(self._hidden_rows(h))

    # ---- sampling -----------------------------------------------------------------------
    def gibbs(self, v: Any, steps: int = 1, seed: Seed = None) -> tuple[Array, Array]:
        """Run ``steps`` rounds of block Gibbs sampling from visible states ``v``.

        One round samples every hidden unit at once from p(h | v) (they are independent
        given v), then every visible unit at once from p(v | h). Returns the last visible
        sample and its mean p(v | h) (smoother to look at).
        """
        rng = self._rng if seed is None else make_rng(seed)
        x = self._visible_rows(v).copy()
        mean = x
        for _ in range(steps):
            h = self._bernoulli(self._p_h(x), self._uniform(rng, (len(x), self.n_hidden)))
            mean = self._p_v(h)
            x = self._sample_v(mean, self._visible_noise(rng, mean.shape))
        return x, mean

    def sample(
        self, n_samples: int, steps: int = 1000, init: Any = None, probabilities: bool = False, seed: Seed = None
    ) -> Array:
        """``n_samples`` visible vectors drawn from the model by ``steps`` rounds of Gibbs sampling.

        Chains start from ``init`` (rows of visible states) or from random states. With
        ``probabilities=True`` the result is the mean p(v | h) of the last round.
        """
        rng = self._rng if seed is None else make_rng(seed)
        if init is None:
            start = self._random_visible(rng, n_samples)
        else:
            start = self._visible_rows(init)
            if len(start) != n_samples:
                raise ShapeError(f"sample: init has {len(start)} rows for {n_samples} samples")
        x, mean = self.gibbs(start, steps=steps, seed=rng)
        return mean if probabilities else x

    # ---- learning -------------------------------------------------------------------
    def cd_step(
        self, v0: Any, lr: float = 0.05, k: int = 1, persistent: bool = False, draws: Sequence[Any] | None = None
    ) -> CDUpdate:
        """One contrastive-divergence update (CD-k, or persistent CD) on a batch ``v0``.

        Positive statistics come from the data: ``v0`` and p(h | v0). Negative statistics
        come from the model: the visible states ``v_k`` reached after k rounds of Gibbs
        sampling (started from the data for CD, from the kept chains for persistent CD)
        and p(h | v_k). Each variable moves by ``lr`` times (positive - negative)::

            ΔW = lr (⟨v hᵀ⟩_data - ⟨v hᵀ⟩_model)   Δb = lr (⟨v⟩_data - ⟨v⟩_model)   Δc = lr (⟨h⟩_data - ⟨h⟩_model)

        This is minus the gradient of ``mean F(v0) - mean F(v_k)`` with ``v_k`` held fixed.

        ``draws`` fixes the random numbers: 2k arrays used in order, for each round one
        for the hidden sample (uniforms in [0, 1), shape (chains, n_hidden)) and one for the
        visible sample (uniforms of shape (chains, n_visible); standard normal noise for
        Gaussian units). Unit j is on when its uniform is below its probability.
        """
        if k < 1:
            raise EngineError(f"cd_step: k must be at least 1, got {k}")
        v0 = self._visible_rows(v0)
        supply = _Draws(self, draws, 2 * k)
        ph0 = self._p_h(v0)
        if persistent:
            v = self._persistent_chains(v0)
            ph = self._p_h(v)
        else:
            v, ph = v0, ph0
        for _ in range(k):
            h = self._bernoulli(ph, supply.hidden(ph.shape))
            mean = self._p_v(h)
            v = self._sample_v(mean, supply.visible(mean.shape))
            ph = self._p_h(v)
        if persistent:
            self._chains = v
        return self._apply_statistics(v0, ph0, v, ph, lr)

    def fit(
        self,
        X: Any,
        epochs: int = 10,
        k: int = 1,
        persistent: bool = False,
        lr: float = 0.05,
        batch_size: int = 32,
        seed: int = 0,
        validation_data: Any = None,
        monitor_rows: int = 1000,
        progress: bool = True,
        description: str = "RBM",
    ) -> History:
        """Train by CD-k (or persistent CD) on the rows of ``X``, in shuffled mini-batches.

        After each epoch the history records ``recon_error`` (see :meth:`reconstruction_error`)
        and, for Bernoulli units, ``pseudo_likelihood`` (see :meth:`pseudo_likelihood`), both on
        the first ``monitor_rows`` rows, and the same with a ``val_`` prefix on
        ``validation_data`` when it is given.
        """
        data = self._visible_rows(X)
        if len(data) == 0:
            raise EngineError("fit: no training data")
        if batch_size <= 0 or epochs < 0:
            raise EngineError("fit: batch_size must be positive and epochs non-negative")
        val = None if validation_data is None else self._visible_rows(validation_data)
        order_rng = np.random.default_rng(seed)
        history = History()
        batches = math.ceil(len(data) / batch_size)
        with training_bar(progress) as bar:
            task = bar.add_task(description, total=epochs * batches, status="")
            for epoch in range(1, epochs + 1):
                order = order_rng.permutation(len(data))
                for i in range(batches):
                    self.cd_step(data[order[i * batch_size : (i + 1) * batch_size]], lr=lr, k=k, persistent=persistent)
                    history.steps += 1
                    bar.update(task, advance=1, status=f"epoch {epoch}/{epochs}")
                self._record(history, "", data[:monitor_rows])
                if val is not None:
                    self._record(history, "val_", val[:monitor_rows])
                last = history.last()
                wanted = [n for n in last if "pseudo" in n] or list(last)  # the bar has room for two numbers
                shown = ", ".join(f"{_short(name)} {last[name]:.2f}" for name in wanted)
                bar.update(task, status=f"epoch {epoch}/{epochs} {shown}")
        return history

    # ---- how well it does ------------------------------------------------------------------
    def reconstruction_error(self, X: Any) -> float:
        """Mean over rows of Σ_i (v_i - v̂_i)², where v̂ = p(v | h) with h = p(h | v).

        How well one up-and-down pass (with probabilities, no sampling) gives the data back.
        A rough guide only: it is not what CD optimises, and a model can reconstruct well
        while putting probability in the wrong places.
        """
        v = self._visible_rows(X)
        back = self._p_v(self._p_h(v))
        return float(np.mean(np.sum((v - back) ** 2, axis=-1)))

    def pseudo_likelihood(self, X: Any) -> float:
        """The log pseudo-likelihood, averaged over rows: mean of Σ_i log p(v_i | all other v).

        Each factor needs no partition function: flipping unit i changes the free energy
        from F(v) to F(v with i flipped), and p(v_i | rest) = σ(F(flipped) - F(v)). All units
        are flipped, so the number is exact. (scikit-learn's ``BernoulliRBM.score_samples``
        flips one unit chosen at random and multiplies by the number of units: a noisy
        estimate of the same sum.) It is negative; closer to 0 is better. Bernoulli visible
        units only.
        """
        if self.visible != "bernoulli":
            raise EngineError("pseudo_likelihood is defined here for Bernoulli visible units only")
        v = self._visible_rows(X).astype(np.float64)
        W, b, c = (a.astype(np.float64) for a in (self.W.data, self.b.data, self.c.data))
        pre = v @ W + c
        free = -v @ b - softplus(pre).sum(axis=-1)
        flip = 1.0 - 2.0 * v  # +1 turns a 0 on, -1 turns a 1 off
        rows = max(1, _PL_CHUNK // (self.n_visible * self.n_hidden))
        total = 0.0
        for s in range(0, len(v), rows):
            d = flip[s : s + rows]
            pre_flipped = pre[s : s + rows, None, :] + d[:, :, None] * W[None, :, :]
            free_flipped = -(v[s : s + rows] @ b)[:, None] - d * b - softplus(pre_flipped).sum(axis=-1)
            # log σ(x) = -softplus(-x)
            total -= float(softplus(free[s : s + rows, None] - free_flipped).sum())
        return total / len(v)

    def describe(self) -> str:
        """What this model is and does, in plain words."""
        if self.visible == "bernoulli":
            kind, energy, given_h = "0 or 1", "-vᵀWh - bᵀv - cᵀh", "on with probability σ(b_i + W_i:h)"
        else:
            kind, energy = "a real number (Gaussian, unit variance)", "½‖v - b‖² - vᵀWh - cᵀh"
            given_h = "normal around b_i + W_i:h, variance 1"
        return (
            f"A restricted Boltzmann machine (RBM): {self.n_visible} visible units (what is observed; "
            f"each {kind}) and {self.n_hidden} hidden units (features, each 0 or 1). It is a bipartite "
            "undirected model: every visible unit is joined to every hidden unit by a symmetric "
            "connection, and no two units of the same group are joined. Undirected means there is no "
            "input layer and output layer: the connections carry no arrows, and sampling goes both "
            f"ways, hidden from visible and visible from hidden. Every joint state has an energy "
            f"E(v, h) = {energy}, and low energy means probable. Given the visible units, the "
            "hidden units are independent, each on with probability σ(c_j + vᵀW_:j); given the hidden "
            f"units, the same holds for the visible ones ({given_h}). Training (contrastive divergence) lowers the "
            "free energy of the data and raises it on the samples the model makes up. (Not to be "
            "confused with an RBF, a radial basis function.)"
        )

    def __repr__(self) -> str:
        return f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden}, visible={self.visible!r})"

    # ---- the machinery -----------------------------------------------------------------
    def _p_h(self, v: Array) -> Array:
        pre = v @ self.W.data
        pre += self.c.data
        return sigmoid(pre, out=pre)

    def _p_v(self, h: Array) -> Array:
        pre = h @ self.W.data.T
        pre += self.b.data
        return pre if self.visible == "gaussian" else sigmoid(pre, out=pre)

    def _bernoulli(self, p: Array, u: Array) -> Array:
        out = np.empty_like(p)
        np.less(u, p, out=out)  # 1.0 where the uniform falls below the probability
        return out

    def _sample_v(self, mean: Array, draw: Array) -> Array:
        if self.visible == "gaussian":
            return mean + draw
        return self._bernoulli(mean, draw)

    def _uniform(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        if self.dtype in (np.float32, np.float64):
            return rng.random(shape, dtype=self.dtype)
        return rng.random(shape).astype(self.dtype)

    def _visible_noise(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        if self.visible == "gaussian":
            return rng.standard_normal(shape).astype(self.dtype, copy=False)
        return self._uniform(rng, shape)

    def _random_visible(self, rng: np.random.Generator, n: int) -> Array:
        if self.visible == "gaussian":
            return rng.standard_normal((n, self.n_visible)).astype(self.dtype)
        return (rng.random((n, self.n_visible)) < 0.5).astype(self.dtype)

    def _persistent_chains(self, v0: Array) -> Array:
        if self._chains is None or self._chains.shape[1:] != v0.shape[1:]:
            self._chains = v0.copy()  # the chains start at the first batch of data
        return self._chains

    def _apply_statistics(self, v0: Array, ph0: Array, v: Array, ph: Array, lr: float) -> CDUpdate:
        n_pos, n_neg = len(v0), len(v)
        # Both correlations in one matrix product: [v0; v]ᵀ [ph0·lr/n; -ph·lr/n'].
        states = np.concatenate((v0, v))
        weights = np.concatenate((ph0, ph))
        weights[:n_pos] *= lr / n_pos
        weights[n_pos:] *= -lr / n_neg
        dW = states.T @ weights
        db = v0.sum(axis=0) * (lr / n_pos) - v.sum(axis=0) * (lr / n_neg)
        dc = weights.sum(axis=0)
        self.W.data += dW
        self.b.data += db.astype(self.dtype, copy=False)
        self.c.data += dc
        return CDUpdate(dW, db, dc, v)

    def _record(self, history: History, prefix: str, rows: Array) -> None:
        history.add(prefix + "recon_error", self.reconstruction_error(rows))
        if self.visible == "bernoulli":
            history.add(prefix + "pseudo_likelihood", self.pseudo_likelihood(rows))

    def _visible_term(self, v: Array) -> Array:
        """The part of -E that involves the visible units alone: bᵀv, or -½‖v - b‖² (Gaussian)."""
        if self.visible == "bernoulli":
            return v @ self.b.data
        return -0.5 * np.sum((v - self.b.data) ** 2, axis=-1)  # type: ignore[no-any-return]

    def _visible_rows(self, v: Any) -> Array:
        return self._rows(v, self.n_visible, "visible")

    def _hidden_rows(self, h: Any) -> Array:
        return self._rows(h, self.n_hidden, "hidden")

    def _rows(self, x: Any, n: int, what: str) -> Array:
        arr = np.asarray(x.data if isinstance(x, Tensor) else x)
        if arr.dtype != self.dtype:
            arr = arr.astype(self.dtype)
        if arr.shape[-1:] != (n,):
            raise ShapeError(f"{what} states need {n} values in their last axis, got shape {arr.shape}")
        return arr


def _short(metric: str) -> str:
    """A metric's name short enough for the progress bar."""
    return metric.replace("pseudo_likelihood", "PL").replace("recon_error", "recon")


class _Draws:
    """The random numbers of one CD step: the ones given (checked, in order), or fresh ones."""

    def __init__(self, rbm: RBM, given: Sequence[Any] | None, needed: int) -> None:
        if given is not None and len(given) != needed:
            raise EngineError(f"cd_step: {needed} arrays of random numbers needed (2 per round), got {len(given)}")
        self.rbm, self.given, self.used = rbm, given, 0

    def hidden(self, shape: tuple[int, ...]) -> Array:
        return self._next(shape) if self.given is not None else self.rbm._uniform(self.rbm._rng, shape)

    def visible(self, shape: tuple[int, ...]) -> Array:
        return self._next(shape) if self.given is not None else self.rbm._visible_noise(self.rbm._rng, shape)

    def _next(self, shape: tuple[int, ...]) -> Array:
        assert self.given is not None
        arr = np.asarray(self.given[self.used], dtype=self.rbm.dtype)
        if arr.shape != shape:
            raise ShapeError(f"cd_step: random numbers number {self.used} have shape {arr.shape}, need {shape}")
        self.used += 1
        return arr
