"""Random inputs for a compiled formula, shared by the tests that check two readings agree."""

from __future__ import annotations

from typing import Any

import numpy as np

from thirdroad.formula.ast import Symbol


def random_inputs(fn: Any, rng: np.random.Generator) -> dict[str, Any]:
    """Random values for a compiled formula's inputs: an array for a name with indices (each
    index its own length, so a mixed-up index would show), a number otherwise."""
    shapes: dict[str, tuple[int, ...]] = {}
    for step in fn.program.steps:
        for node in step.value.walk():
            if isinstance(node, Symbol):
                name, axes = fn.program.name_of(node, step.axes)
                if axes:
                    shapes[name] = tuple(3 + "ijkst".find(a) % 3 for a in axes)
    return {
        name: rng.uniform(0.2, 0.9, size=shapes[name]) if name in shapes else float(rng.uniform(0.2, 0.9))
        for name in fn.inputs
    }
