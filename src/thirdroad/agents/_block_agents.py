"""Agents for the few ways a formula can differ from every agent ``thirdroad.nn.optim`` has.

Most variants a page writes are the engine's own agents with other settings (Ng's momentum is
a ``MovingAverage``, ε inside the root is ``eps_inside``, Adam without bias correction drops
the ``BiasCorrection`` agents). Three are not, and live here, written like the engine's own
(one variable at a time, memory made by ``init``) so they run in the same chain:

- :class:`Scale`, a constant factor (AdamW as its paper writes it, θ - η(α·step + λθ));
- :class:`ScaleByAdamVariant`, Adam with ε on the root of the *uncorrected* v while the step
  carries both corrections (the paper's faster ordering);
- :class:`ScaleByNadam`, NAdam with a constant momentum (Dozat's and Ruder's forms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from thirdroad.nn.optim import Step, Transform

Array = NDArray[np.float64]


@dataclass
class Scale(Transform):
    """Multiply by a constant: AdamW's α inside the schedule multiplier η of the paper's
    θ - η(α·step + λθ)."""

    by: float = 1.0

    def __post_init__(self) -> None:
        self.name = "scale"

    def words(self) -> str:
        return f"multiply by {self.by:g}"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        out: Array = u * self.by
        return out


@dataclass
class ScaleByAdamVariant(Transform):
    """Adam as a block may write it: ``bias_correction`` both, none, first or second;
    ε on the corrected root (PyTorch), on the raw root (the paper's faster order), inside
    the root, or none; AMSGrad's running maximum of v."""

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    amsgrad: bool = False
    bias_correction: str = "both"
    eps_root: str = "corrected"
    eps_inside: bool = False

    def __post_init__(self) -> None:
        self.name = "scale_by_adam"

    def words(self) -> str:
        bias = {"both": "correct both for their start at zero", "none": "with no bias correction",
                "first": "correct only the first for its start at zero",
                "second": "correct only the second for its start at zero"}[self.bias_correction]
        where = "inside the root" if self.eps_inside else ("on the uncorrected root" if self.eps_root == "raw" else "")
        return (f"keep a moving average of the gradients (β1={self.b1:g}) and of their squares (β2={self.b2:g}), "
                f"{bias}, and step by the first over the root of the second "
                f"(+ε={self.eps:g}{' ' + where if where else ''})")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param) for _ in range(3 if self.amsgrad else 2)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        b1, b2, t = self.b1, self.b2, s.t
        m, v = mem[0], mem[1]
        m *= b1
        m += (1 - b1) * u
        v *= b2
        v += (1 - b2) * u * u
        big = v
        if self.amsgrad:
            np.maximum(mem[2], v, out=mem[2])
            big = mem[2]
        c1 = 1 / (1 - b1**t) if self.bias_correction in ("both", "first") else 1.0
        c2 = 1 / (1 - b2**t) if self.bias_correction in ("both", "second") else 1.0
        eps = self.eps * (c2 if self.eps_inside else math.sqrt(c2)) if self.eps_root == "raw" else self.eps
        vhat = c2 * big
        denom = np.sqrt(vhat + eps) if self.eps_inside else np.sqrt(vhat) + eps
        out: Array = c1 * m / denom
        return out


@dataclass
class ScaleByNadam(Transform):
    """NAdam: Adam with Nesterov's look-ahead on m. ``form="PyTorch"`` warms the momentum
    up with μ_t = β1(1 - ½·0.96^{tψ}); ``"Ruder"`` and ``"Dozat"`` keep it at β1."""

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    momentum_decay: float = 4e-3
    form: str = "PyTorch"

    def __post_init__(self) -> None:
        self.name = "scale_by_nadam"

    def words(self) -> str:
        return (f"Adam's two moving averages (β1={self.b1:g}, β2={self.b2:g}), with the first looking one step ahead "
                "(Nesterov)")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.zeros_like(param), np.ones(1)]  # m, v, the product of the μ so far

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        b1, b2, t = self.b1, self.b2, s.t
        m, v, prod = mem
        m *= b1
        m += (1 - b1) * u
        v *= b2
        v += (1 - b2) * u * u
        denom = np.sqrt(v / (1 - b2**t)) + self.eps
        if self.form == "PyTorch":
            mu = b1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))
            mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
            prod *= mu
            p = float(prod[0])
            out: Array = ((1 - mu) / (1 - p)) * u / denom + (mu_next / (1 - p * mu_next)) * m / denom
            return out
        ahead = 1 - b1 ** (t + 1) if self.form == "Dozat" else 1 - b1**t
        out2: Array = (b1 * m / ahead + (1 - b1) * u / (1 - b1**t)) / denom
        return out2


__all__ = ["Scale", "ScaleByAdamVariant", "ScaleByNadam"]
