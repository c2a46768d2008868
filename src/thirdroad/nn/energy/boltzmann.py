"""A Boltzmann machine: binary units, symmetric connections, an energy for every state.

Every way of switching the units on (1) and off (0) is a *state* ``s``, and every state
has an energy::

    E(s) = -1/2 sᵀ W s - bᵀ s        (W symmetric, zero diagonal)

Low energy means likely: the machine visits state ``s`` with probability
``exp(-E(s)/T) / Z``, the *Boltzmann distribution* (``Z`` adds up ``exp(-E/T)`` over
all states, so the probabilities sum to 1). Read it as a softmax whose scores are
``-E(s)/T``, one score per state. A small machine can list its states and compute
this exactly; a big one cannot (2^n states), so it *samples* instead, one unit at a
time (Gibbs sampling).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from thirdroad.nn._rng import Seed, make_rng
from thirdroad.nn._tensor import Array, EngineError, ShapeError
from thirdroad.nn._variable import Variable
from thirdroad.nn.module import Module
from thirdroad.nn.numerics import sigmoid, softmax

MAX_ENUMERATED_UNITS = 20
"""Beyond this many units, listing all 2^n states would take too much memory."""


def all_states(n_units: int) -> Array:
    """Every binary state of ``n_units`` units, one per row, counting in binary.

    Row ``k`` holds the binary digits of ``k``, the first unit being the most significant:
    ``all_states(2)`` is ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    """
    if not 0 < n_units <= MAX_ENUMERATED_UNITS:
        raise EngineError(
            f"cannot list the states of {n_units} units: 2^{n_units} of them; "
            f"enumeration is for 1 to {MAX_ENUMERATED_UNITS} units, sample bigger machines instead"
        )
    codes = np.arange(2**n_units)[:, None]
    shifts = np.arange(n_units - 1, -1, -1)[None, :]
    return ((codes >> shifts) & 1).astype(np.float64)


class BoltzmannMachine(Module):
    """A fully connected Boltzmann machine of ``n_units`` binary units (0 or 1).

    Variables: ``W`` (n, n), the symmetric connection strengths (zero diagonal: a unit
    is not connected to itself), and ``b`` (n,), each unit's bias. They start random
    (normal, standard deviation ``weight_scale``) so that a fresh machine already has a
    distribution worth looking at.

    >>> bm = BoltzmannMachine(5, seed=0)
    >>> states, probs = bm.exact_distribution()      # 32 states, 32 probabilities
    >>> samples = bm.sample(10_000, burn_in=100)     # Gibbs sampling visits them as often
    """

    def __init__(self, n_units: int, seed: Seed = None, weight_scale: float = 1.0, dtype: Any = np.float64) -> None:
        super().__init__()
        if n_units < 1:
            raise EngineError(f"BoltzmannMachine needs at least one unit, got {n_units}")
        rng = make_rng(seed)
        upper = np.triu(rng.normal(0.0, weight_scale, (n_units, n_units)), k=1)
        self.n_units = n_units
        self.W = Variable((upper + upper.T).astype(dtype))
        self.b = Variable(rng.normal(0.0, weight_scale, n_units).astype(dtype))
        self._rng = rng

    # ---- energy and the exact distribution ------------------------------------
    def energy(self, states: Any) -> Array:
        """E(s) = -1/2 sᵀWs - bᵀs for each row of ``states`` (shape (..., n) -> (...))."""
        s = self._check_states(states)
        W, b = self._weights()
        return -0.5 * np.einsum("...i,ij,...j->...", s, W, s) - s @ b  # type: ignore[no-any-return]

    def exact_distribution(self, T: float = 1.0) -> tuple[Array, Array]:
        """All 2^n states and the probability of each: ``softmax(-E(s)/T)`` over the states.

        Returns ``(states, probabilities)``, states in the order of :func:`all_states`.
        Only for small machines (up to 20 units).
        """
        _check_temperature(T)
        states = all_states(self.n_units)
        return states, softmax(-self.energy(states) / T)

    # ---- one unit at a time ----------------------------------------------------
    def energy_gap(self, states: Any, unit: int) -> Array:
        """ΔE_i = E(s with unit i off) - E(s with unit i on) = Σ_j W_ij s_j + b_i.

        How much energy the machine saves by switching unit ``i`` on, the rest held fixed.
        """
        s = self._check_states(states)
        W, b = self._weights()
        return s @ W[unit] + b[unit]  # type: ignore[no-any-return]

    def conditional(self, states: Any, unit: int, T: float = 1.0) -> Array:
        """p(s_i = 1 | all other units) = σ(ΔE_i / T).

        A softmax over the two states the unit can take (off, scored -E_off/T, and on,
        scored -E_on/T) has only one free number, the difference of the scores, ΔE_i/T;
        a softmax over two scores is a sigmoid of their difference.
        """
        _check_temperature(T)
        return sigmoid(self.energy_gap(states, unit) / T)

    def sample(
        self,
        n_samples: int,
        burn_in: int = 100,
        T: float = 1.0,
        n_chains: int | None = None,
        thin: int = 1,
        seed: Seed = None,
    ) -> Array:
        """Draw ``n_samples`` states by Gibbs sampling: (n_samples, n) array of 0s and 1s.

        Each *sweep* visits the units in turn and sets unit i to 1 with probability
        :meth:`conditional`, given the current values of all the others. After ``burn_in``
        sweeps a chain forgets where it started (random states) and its visits follow the
        Boltzmann distribution. ``n_chains`` chains run side by side (default: up to 1000);
        each keeps one state every ``thin`` sweeps.
        """
        _check_temperature(T)
        if n_samples < 1 or burn_in < 0 or thin < 1:
            raise EngineError("sample: n_samples and thin must be positive, burn_in non-negative")
        rng = self._rng if seed is None else make_rng(seed)
        chains = min(n_samples, 1000) if n_chains is None else n_chains
        W, b = self._weights()
        s = (rng.random((chains, self.n_units)) < 0.5).astype(W.dtype)
        kept: list[Array] = []
        rounds = -(-n_samples // chains)
        for sweep in range(burn_in + rounds * thin):
            u = rng.random((chains, self.n_units))
            for i in range(self.n_units):
                # Units are updated one after the other: unit i must see the new values of
                # the units before it. Updating all at once would not sample this distribution.
                p_on = sigmoid((s @ W[i] + b[i]) / T)
                s[:, i] = u[:, i] < p_on
            if sweep >= burn_in and (sweep - burn_in + 1) % thin == 0:
                kept.append(s.copy())
        return np.concatenate(kept, axis=0)[:n_samples]

    def describe(self) -> str:
        """What this machine is and does, in plain words."""
        n = self.n_units
        return (
            f"A Boltzmann machine with {n} binary units (each on or off), every pair joined by a "
            f"symmetric connection. Each of its {2**n if n <= 60 else 'too many'} states s has an "
            "energy E(s) = -1/2 sᵀWs - bᵀs: strong positive connections between units that are on, "
            "and positive biases, make the energy low. The machine is in state s with probability "
            "exp(-E(s)/T) / Z, the Boltzmann distribution: a softmax over all states of the score "
            "-E(s)/T. A higher temperature T flattens it; a lower one piles the probability on the "
            "lowest-energy states. To sample, it updates one unit at a time: unit i switches on with "
            "probability σ(ΔE_i/T), a sigmoid of its energy gap ΔE_i = Σ_j W_ij s_j + b_i, which is "
            "a softmax over the unit's two states (off or on). Repeated long enough (Gibbs sampling), "
            "these one-unit choices visit the states with their Boltzmann probabilities."
        )

    # ---- helpers ----------------------------------------------------------------
    def _weights(self) -> tuple[Array, Array]:
        return self.W.data, self.b.data

    def _check_states(self, states: Any) -> Array:
        s = np.asarray(getattr(states, "data", states), dtype=self.W.data.dtype)
        if s.shape[-1:] != (self.n_units,):
            raise ShapeError(f"states must have {self.n_units} values in their last axis, got shape {s.shape}")
        return s

    def __repr__(self) -> str:
        return f"BoltzmannMachine(n_units={self.n_units})"


def _check_temperature(T: float) -> None:
    if not T > 0:
        raise EngineError(f"the temperature T must be positive, got {T}")
