"""Where randomness comes from: every layer takes a seed, or draws from one shared,
seeded generator, so that two runs of the same script give the same numbers."""

from __future__ import annotations

import numpy as np

Seed = int | np.random.Generator | None

_shared = [np.random.default_rng(0)]


def manual_seed(seed: int) -> None:
    """Reset the shared generator (what layers use when given no seed)."""
    _shared[0] = np.random.default_rng(seed)


def make_rng(seed: Seed = None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(_shared[0].integers(2**63))
    return np.random.default_rng(seed)
