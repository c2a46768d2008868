"""Agents for the ways a formula can differ from ``thirdroad.nn.optim``'s optimizers.

A block read from a page is often a variant: Adam without bias correction (Ng), ε inside
the root (Keras), momentum whose average starts at zero, AdaMax without ε (the paper),
NAdam without the momentum schedule (Ruder). Each is one small
:class:`~thirdroad.nn.optim.Transform` here, written like the engine's own (one
variable at a time, its memory made by ``init``), so a variant runs in the same chain as
the canonical agents around it. The optimizers the engine does not have yet (AdaMax,
NAdam, RAdam, Adadelta, Lion, Rprop) are here in their PyTorch form as well.
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
class ZeroStartTrace(Transform):
    """Momentum whose velocity starts at zero, ``v = μv + (1-τ)g`` from the first step
    (PyTorch's buffer starts at the first gradient itself)."""

    momentum: float = 0.9
    dampening: float = 0.0
    nesterov: bool = False

    def __post_init__(self) -> None:
        self.name = "momentum"

    def words(self) -> str:
        return (f"keep a velocity that starts at 0 and fades by {self.momentum:g} each step, new gradients "
                f"weighted {1 - self.dampening:g}" + ("; then look ahead one momentum step" if self.nesterov else ""))

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        (v,) = mem
        v *= self.momentum
        v += (1 - self.dampening) * u
        out: Array = u + self.momentum * v if self.nesterov else v.copy()
        return out


@dataclass
class ScaleByRmsInside(Transform):
    """RMSProp with ε inside the root: ``g / √(s + ε)`` (Keras, optax)."""

    alpha: float = 0.99
    eps: float = 1e-8
    centered: bool = False

    def __post_init__(self) -> None:
        self.name = "scale_by_rms"

    def words(self) -> str:
        return (f"keep a moving average of squared gradients (α={self.alpha:g}); divide each gradient by the root "
                f"of it plus ε={self.eps:g} (ε inside the root)")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param) for _ in range(2 if self.centered else 1)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        a = self.alpha
        mem[0] *= a
        mem[0] += (1 - a) * u * u
        mean_square = mem[0]
        if self.centered:
            mem[1] *= a
            mem[1] += (1 - a) * u
            mean_square = mean_square - mem[1] * mem[1]
        out: Array = u / np.sqrt(mean_square + self.eps)
        return out


@dataclass
class ScaleByRssInside(Transform):
    """Adagrad with ε inside the root: ``g / √(Σg² + ε)``."""

    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self) -> None:
        self.name = "scale_by_rss"

    def words(self) -> str:
        return f"add up all squared gradients so far; divide each gradient by the root of the sum plus ε={self.eps:g}"

    def init(self, param: Array) -> list[Array]:
        return [np.full_like(param, self.initial_accumulator_value)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        mem[0] += u * u
        out: Array = u / np.sqrt(mem[0] + self.eps)
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
class ScaleByAdamax(Transform):
    """AdaMax: m as in Adam; u, a decaying maximum of |g| (``max(β2·u, |g| + ε)``,
    PyTorch); the step ``m / ((1-β1^t)·u)``. ``eps_where="denominator"`` adds ε to u instead."""

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    bias_correction: str = "first"
    eps_where: str = "max"

    def __post_init__(self) -> None:
        self.name = "scale_by_adamax"

    def words(self) -> str:
        return (f"keep a moving average of the gradients (β1={self.b1:g}) and a maximum of their sizes that fades by "
                f"β2={self.b2:g}; step by the first over the second")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        m, inf = mem
        m *= self.b1
        m += (1 - self.b1) * u
        np.maximum(self.b2 * inf, np.abs(u) + (self.eps if self.eps_where == "max" else 0.0), out=inf)
        c1 = 1 / (1 - self.b1**s.t) if self.bias_correction == "first" else 1.0
        denom = inf + self.eps if self.eps_where == "denominator" else inf
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


@dataclass
class ScaleByRadam(Transform):
    """RAdam: Adam's step once the variance of v̂ can be trusted (ρ_t > threshold), plain
    bias-corrected momentum before that."""

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    threshold: float = 5.0

    def __post_init__(self) -> None:
        self.name = "scale_by_radam"

    def words(self) -> str:
        return (f"Adam's two moving averages (β1={self.b1:g}, β2={self.b2:g}); divide by the root of the second only "
                f"once its variance is tractable (ρ_t > {self.threshold:g}), scaled by the rectification r_t")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        b1, b2, t = self.b1, self.b2, s.t
        m, v = mem
        m *= b1
        m += (1 - b1) * u
        v *= b2
        v += (1 - b2) * u * u
        mhat = m / (1 - b1**t)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t > self.threshold:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            out: Array = mhat * rect * math.sqrt(1 - b2**t) / (np.sqrt(v) + self.eps)
            return out
        return mhat


@dataclass
class ScaleByAdadelta(Transform):
    """Adadelta: divide by the root of a moving average of squared gradients and multiply
    by the root of a moving average of squared steps, so the step has the weights' units."""

    rho: float = 0.9
    eps: float = 1e-6

    def __post_init__(self) -> None:
        self.name = "scale_by_adadelta"

    def words(self) -> str:
        return (f"keep moving averages (ρ={self.rho:g}) of squared gradients and of squared steps; step by the root "
                "of the second over the root of the first, times the gradient")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        sq, acc = mem
        sq *= self.rho
        sq += (1 - self.rho) * u * u
        delta: Array = np.sqrt(acc + self.eps) / np.sqrt(sq + self.eps) * u
        acc *= self.rho
        acc += (1 - self.rho) * delta * delta
        return delta


@dataclass
class ScaleByLion(Transform):
    """Lion: step by the sign of a blend of the moving average and the new gradient (β1),
    then update the average (β2). Chen et al., 2023."""

    b1: float = 0.9
    b2: float = 0.99

    def __post_init__(self) -> None:
        self.name = "scale_by_lion"

    def words(self) -> str:
        return (f"step by the sign of β1={self.b1:g} of the average plus the rest of the gradient; then average "
                f"with β2={self.b2:g}")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        (m,) = mem
        out: Array = np.sign(self.b1 * m + (1 - self.b1) * u)
        m *= self.b2
        m += (1 - self.b2) * u
        return out


@dataclass
class ScaleByRprop(Transform):
    """Rprop: a step size per weight, times ``etaplus`` while the gradient keeps its sign,
    times ``etaminus`` when it flips (and that step is skipped), kept within bounds; the step
    is the size times the gradient's sign. It is its own learning rate (the first size)."""

    lr: float = 1e-2
    etaminus: float = 0.5
    etaplus: float = 1.2
    step_min: float = 1e-6
    step_max: float = 50.0

    def __post_init__(self) -> None:
        self.name = "scale_by_rprop"

    def words(self) -> str:
        return (f"give each weight its own step size (starting at {self.lr:g}): ×{self.etaplus:g} while the gradient "
                f"keeps its sign, ×{self.etaminus:g} when it flips; step against the gradient's sign")

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.full_like(param, self.lr)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        prev, size = mem
        agree = prev * u
        grow, shrink = agree > 0, agree < 0
        size[grow] = np.minimum(size[grow] * self.etaplus, self.step_max)
        size[shrink] = np.maximum(size[shrink] * self.etaminus, self.step_min)
        g = np.where(shrink, 0.0, u)
        np.copyto(prev, g)
        out: Array = -size * np.sign(g)
        return out


__all__ = [
    "Scale",
    "ScaleByAdadelta",
    "ScaleByAdamVariant",
    "ScaleByAdamax",
    "ScaleByLion",
    "ScaleByNadam",
    "ScaleByRadam",
    "ScaleByRmsInside",
    "ScaleByRprop",
    "ScaleByRssInside",
    "ZeroStartTrace",
]  # fmt: skip
