"""The agents particular to one optimizer family: Adam's two averages in one pass, AdaMax's
infinity norm, NAdam's look-ahead schedule, RAdam's rectification, Adadelta's unit correction,
Rprop's step sizes, Adafactor's factored second moment, Muon's orthogonalisation, Lion's blend,
ASGD's averaged iterate. Each keeps PyTorch's arithmetic (or the paper's, for Lion)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from thirdroad.nn._errors import EngineError
from thirdroad.nn.numerics import Array
from thirdroad.nn.optim._chain import ScalarTransform, Step, Transform


def _num(x: float) -> str:
    return f"{x:g}"


def _rms(a: Array) -> float:
    return float(np.linalg.norm(a.ravel())) / math.sqrt(max(a.size, 1))


@dataclass
class ScaleByAdam(Transform):
    """Adam's agent, made of two moving averages:
    ``m = β1·m + (1-β1)·g`` (the direction, like momentum) and
    ``v = β2·v + (1-β2)·g²`` (the typical size, like RMSProp); both start at 0, so each is
    divided by ``1 - β^t`` to undo that start (bias correction); the output is
    ``m̂ / (√v̂ + ε)``. ``amsgrad`` divides by the largest v̂ seen so far instead.
    Kingma & Ba, *Adam: a method for stochastic optimization*, ICLR 2015, Algorithm 1.

    The same as the chain ``[MovingAverage(β1), BiasCorrection(β1),
    ScaleByRootOfMovingAverage(β2, ε, bias_correction=True, max_of_averages=amsgrad)]``, in
    one pass: it keeps ``m / (1-β1)`` and ``v / (1-β2)`` rather than m and v, so the constant
    factors join the bias corrections in one number, and each step makes 4 passes over the
    numbers fewer (the answer is the same up to rounding)."""

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    amsgrad: bool = False

    def __post_init__(self) -> None:
        self.name = "scale_by_adam"
        self.takes_scale = True

    def words(self) -> str:
        ams = " (AMSGrad: never let the second average shrink)" if self.amsgrad else ""
        return (
            f"keep a moving average of the gradients (β1={self.b1:g}) and of their squares "
            f"(β2={self.b2:g}){ams}, correct both for their start at zero, and step by the first "
            f"over the root of the second (+ε={self.eps:g})"
        )

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param) for _ in range(3 if self.amsgrad else 2)]  # m, v, AMSGrad's max of v

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        b1, b2, t = self.b1, self.b2, s.t
        m, v = mem[0], mem[1]  # m/(1-β1) and v/(1-β2): the plain sums, fading by β each step
        r = s.scratch.like(u, self)  # in-place arithmetic: no new array per step
        m *= b1
        m += u
        v *= b2
        np.multiply(u, u, out=r)
        v += r
        if self.amsgrad:
            np.maximum(mem[2], v, out=mem[2])
            v = mem[2]
        # m̂ / (√v̂ + ε) with m̂ = (1-β1)·m/(1-β1^t) and v̂ = (1-β2)·v/(1-β2^t), that is
        # k·m / (√v + ε/c) with c = √((1-β2)/(1-β2^t)) and k = (1-β1)/((1-β1^t)·c).
        c = math.sqrt((1.0 - b2) / (1.0 - b2**t))
        np.sqrt(v, out=r)
        r += self.eps / c
        np.divide(m, r, out=r)
        r *= scale * (1.0 - b1) / ((1.0 - b1**t) * c)
        return r


@dataclass
class ScaleByInfinityNorm(Transform):
    """AdaMax's divisor (Kingma & Ba 2015, section 7.1): the largest recent gradient size,
    ``v = max(β2·v, |g| + ε)``, a moving maximum in place of Adam's moving average of
    squares (the L∞ norm where Adam has the L2). ``eps_where="outside"`` divides by
    ``v + ε`` with ``v = max(β2·v, |g|)`` instead (optax); the paper has no ε (``eps=0``).

    >>> Optimizer("AdaMax", [MovingAverage(0.9), BiasCorrection(0.9), ScaleByInfinityNorm(0.999),
    ...                      ScaleByLearningRate(2e-3)])
    """

    decay: float = 0.999
    eps: float = 1e-8
    eps_where: Literal["inside", "outside"] = "inside"

    def __post_init__(self) -> None:
        self.name = "scale_by_infinity_norm"
        self.reads_gradient = True

    def words(self) -> str:
        if self.eps_where == "inside":
            size = f"v = max({_num(self.decay)}·v, |g| + ε={_num(self.eps)})"
            return f"keep the largest recent gradient size, {size}; divide by it"
        size = f"v = max({_num(self.decay)}·v, |g|)"
        return f"keep the largest recent gradient size, {size}; divide by v + ε={_num(self.eps)}"

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        g = u if s.grad is None else s.grad
        (v,) = mem
        r = s.scratch.like(u, self)
        np.abs(g, out=r)
        if self.eps_where == "inside":
            r += self.eps
        v *= self.decay
        np.maximum(v, r, out=v)
        if self.eps_where == "inside":
            return np.divide(u, v, out=r)
        np.add(v, self.eps, out=r)
        return np.divide(u, r, out=r)


@dataclass
class NadamMomentum(Transform):
    """NAdam's momentum (Dozat, *Incorporating Nesterov momentum into Adam*, 2016): a moving
    average ``m = β1·m + (1-β1)·g`` looked at one step ahead. Followed by Adam's bias-corrected
    root it is NAdam; the three ways it is written:

    - ``form="pytorch"``: the momentum schedule ``μ_t = β1·(1 - ½·0.96^(t·ψ))``
      (ψ = ``momentum_decay``), ``(1-μ_t)/(1-Π_{i≤t} μ_i)·g + μ_{t+1}/(1-Π_{i≤t+1} μ_i)·m``;
    - ``form="dozat"``: a constant μ = β1, ``(1-β1)/(1-β1^t)·g + β1/(1-β1^(t+1))·m``;
    - ``form="ruder"``: Ruder's overview, ``(1-β1)/(1-β1^t)·g + β1/(1-β1^t)·m``
      (β1·m̂ + (1-β1)·ĝ with one correction for both).
    """

    b1: float = 0.9
    momentum_decay: float = 4e-3
    form: Literal["pytorch", "dozat", "ruder"] = "pytorch"

    def __post_init__(self) -> None:
        self.name = "nadam_momentum"
        if self.form not in ("pytorch", "dozat", "ruder"):
            raise EngineError(f"NadamMomentum: form is 'pytorch', 'dozat' or 'ruder', not {self.form!r}")

    def words(self) -> str:
        head = f"keep a moving average of the gradients (β1={_num(self.b1)}) and look one step ahead along it"
        if self.form == "pytorch":
            return f"{head}, with NAdam's momentum schedule μ_t = β1·(1 - ½·0.96^(t·{_num(self.momentum_decay)}))"
        if self.form == "dozat":
            return f"{head} (Dozat's form: the average corrected by 1 - β1^(t+1), the gradient by 1 - β1^t)"
        return f"{head} (Ruder's form: β1·m̂ + (1-β1)·g/(1 - β1^t))"

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.ones((), dtype=np.float64)]  # m, the product of the μ so far

    def mu(self, t: int) -> float:
        if self.form != "pytorch":
            return self.b1
        return float(self.b1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay)))

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        m, product = mem
        mu, mu_next = self.mu(s.t), self.mu(s.t + 1)
        product *= mu
        m += (1.0 - self.b1) * (u - m)  # PyTorch's lerp
        p = float(product)
        ahead = p if self.form == "ruder" else p * mu_next
        return (1.0 - mu) / (1.0 - p) * u + mu_next / (1.0 - ahead) * m


@dataclass
class ScaleByRectifiedRoot(Transform):
    """RAdam's divisor (Liu et al., *On the variance of the adaptive learning rate and beyond*,
    ICLR 2020): a moving average of squared gradients ``v = β2·v + (1-β2)·g²``, used only once
    its variance is tractable. With ``ρ∞ = 2/(1-β2) - 1`` and
    ``ρ_t = ρ∞ - 2t·β2^t/(1-β2^t)``: while ``ρ_t ≤ 5`` what comes in passes unchanged (plain
    momentum); after, it is multiplied by the rectification
    ``r_t = √((ρ_t-4)(ρ_t-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρ_t))`` and by ``√(1-β2^t) / (√v + ε)``."""

    b2: float = 0.999
    eps: float = 1e-8
    threshold: float = 5.0

    def __post_init__(self) -> None:
        self.name = "scale_by_rectified_root"
        self.reads_gradient = True

    def words(self) -> str:
        return (
            f"keep a moving average of squared gradients (β2={_num(self.b2)}); once its variance is "
            f"tractable (ρ_t > {_num(self.threshold)}), divide by its bias-corrected root (+ε={_num(self.eps)}) "
            "times RAdam's rectification r_t, before that pass it on unchanged"
        )

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        g = u if s.grad is None else s.grad
        (v,) = mem
        b2, t = self.b2, s.t
        v *= b2
        v += (1.0 - b2) * (g * g)
        correction2 = 1.0 - b2**t
        rho_inf = 2.0 / (1.0 - b2) - 1.0
        rho_t = rho_inf - 2.0 * t * b2**t / correction2
        if rho_t <= self.threshold:
            return u
        rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return u * (math.sqrt(correction2) / (np.sqrt(v) + self.eps)) * rect


@dataclass
class ScaleByRootOfStepAverage(Transform):
    """Adadelta's unit correction (Zeiler, *ADADELTA*, 2012): multiply by the root of a moving
    average of past squared *steps*, ``u·√(a + ε)``, then fold this step in,
    ``a ← ρ·a + (1-ρ)·(that step)²``. After a division by the root of the squared gradients'
    average, the step has the units of θ and needs no learning rate (PyTorch keeps one, 1.0)."""

    rho: float = 0.9
    eps: float = 1e-6

    def __post_init__(self) -> None:
        self.name = "scale_by_root_of_step_average"

    def words(self) -> str:
        return (
            f"multiply by the root of a moving average of past squared steps (+ε={_num(self.eps)} inside, "
            f"ρ={_num(self.rho)}), then fold this step into that average"
        )

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        (a,) = mem
        out = u * np.sqrt(a + self.eps)
        a *= self.rho
        a += (1.0 - self.rho) * (out * out)
        return out


@dataclass
class ScaleByRprop(Transform):
    """Rprop's agent (Riedmiller & Braun, 1993): every coordinate keeps its own step size,
    starting at ``lr``; it grows by ``etas[1]`` while the gradient keeps its sign and shrinks by
    ``etas[0]`` when the sign flips (and then that coordinate skips this step), within
    ``step_sizes``. It hands on ``sign(g)·step size``: only the gradient's sign is used."""

    lr: float = 1e-2
    etas: tuple[float, float] = (0.5, 1.2)
    step_sizes: tuple[float, float] = (1e-6, 50.0)

    def __post_init__(self) -> None:
        self.name = "scale_by_rprop"

    def words(self) -> str:
        (down, up), (low, high) = self.etas, self.step_sizes
        return (
            f"give every coordinate its own step size (from {_num(self.lr)}): ×{_num(up)} while the gradient "
            f"keeps its sign, ×{_num(down)} when it flips (skipping that step), kept within "
            f"[{_num(low)}, {_num(high)}]; hand on the gradient's sign times that size"
        )

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.full_like(param, self.lr)]  # the last gradient, the step sizes

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        prev, size = mem
        (down, up), (low, high) = self.etas, self.step_sizes
        same = np.sign(u * prev)
        change = np.where(same > 0, up, np.where(same < 0, down, 1.0))
        size *= change
        np.clip(size, low, high, out=size)
        g = np.where(change == down, 0.0, u)  # after a flip, this coordinate waits one step
        np.copyto(prev, g)
        return np.sign(g) * size


@dataclass
class ScaleByFactoredRms(Transform):
    """Adafactor's divisor (Shazeer & Stern, ICML 2018, as PyTorch 2.13 writes it): a moving
    average of squared gradients kept, for a matrix, as its row means and column means only
    (``R`` and ``C``, memory n + m instead of n·m), rebuilt as ``V̂ = R C / mean(R)``; a vector
    keeps the full average. The average's weight grows with time: ``1-β2_t = t^beta2_decay``.
    Hands on ``g / √max(V̂, ε²)``."""

    beta2_decay: float = -0.8
    eps: float | None = None  # None: the dtype's machine epsilon

    def __post_init__(self) -> None:
        self.name = "scale_by_factored_rms"

    def words(self) -> str:
        eps = "machine ε" if self.eps is None else f"ε={_num(self.eps)}"
        return (
            "keep a moving average of squared gradients (weight t^"
            f"{_num(self.beta2_decay)}), factored for a matrix into its row and column means; "
            f"divide by its root (at least {eps})"
        )

    def init(self, param: Array) -> list[Array]:
        if param.ndim > 1:
            rows = (*param.shape[:-1], 1)
            cols = (*param.shape[:-2], 1, param.shape[-1])
            return [np.zeros(rows, param.dtype), np.zeros(cols, param.dtype)]
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        eps = float(np.finfo(u.dtype).eps) if self.eps is None else self.eps
        w = float(s.t) ** self.beta2_decay
        square = u * u
        if u.ndim > 1:
            row, col = mem
            row += w * (np.mean(square, axis=-1, keepdims=True) - row)
            col += w * (np.mean(square, axis=-2, keepdims=True) - col)
            estimate = (row @ col) / np.maximum(np.mean(row, axis=-2, keepdims=True), eps)
        else:
            (var,) = mem
            var += w * (square - var)
            estimate = var.copy()
        np.maximum(estimate, eps * eps, out=estimate)
        return u / np.sqrt(estimate)  # type: ignore[no-any-return]


@dataclass
class ClipByRms(Transform):
    """Adafactor's update clipping: shrink what comes in to a root mean square of at most ``d``,
    ``u / max(1, RMS(u)/d)``."""

    d: float = 1.0

    def __post_init__(self) -> None:
        self.name = "clip_by_rms"

    def words(self) -> str:
        return f"shrink it if its root mean square exceeds {_num(self.d)}"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        shrink = max(1.0, _rms(u) / self.d)
        if overwrite:
            u /= shrink
            return u
        return u / shrink


@dataclass
class ScaleByParameterRms(ScalarTransform):
    """Adafactor's relative step: multiply by the size of the variable itself,
    ``max(ε₂, RMS(θ))``, so a step moves each variable by a share of its own scale."""

    eps: float = 1e-3

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale_by_parameter_rms"

    def words(self) -> str:
        return f"scale it by the variable's own root mean square (at least {_num(self.eps)})"

    def factor(self, s: Step) -> float:
        return max(self.eps, _rms(s.param))


@dataclass
class ScaleByRelativeStepSize(ScalarTransform):
    """Adafactor's step size schedule, ``ρ_t = min(lr, 1/√t)``: constant at first, then
    falling as one over the root of the step count (Shazeer & Stern 2018, section 8)."""

    lr: float = 1e-2

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale_by_relative_step_size"

    def words(self) -> str:
        return f"scale it by min({_num(self.lr)}, 1/√t)"

    def factor(self, s: Step) -> float:
        return min(self.lr, 1.0 / math.sqrt(s.t))


@dataclass
class Orthogonalize(Transform):
    """Muon's agent (Jordan et al., 2024): replace a matrix by (nearly) the closest orthogonal
    one, ``U Vᵀ`` for ``U S Vᵀ`` its SVD, by a few Newton–Schulz steps
    ``X ← aX + (bA + cA²)X`` with ``A = XXᵀ``, from ``X = G/‖G‖``. The quintic's coefficients
    push every singular value to about 1 (somewhere in 0.7..1.2), fast, rather than exactly.
    For 2-D variables only. PyTorch runs these steps in bfloat16; this agent runs them in the
    variable's own precision."""

    ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315)
    ns_steps: int = 5
    eps: float = 1e-7

    def __post_init__(self) -> None:
        self.name = "orthogonalize"
        if not 0 <= self.ns_steps < 100:
            raise EngineError(f"Orthogonalize: ns_steps must lie in [0, 100), got {self.ns_steps}")

    def words(self) -> str:
        return f"make it (nearly) orthogonal with {self.ns_steps} Newton–Schulz steps (every singular value near 1)"

    def init(self, param: Array) -> list[Array]:
        if param.ndim != 2:
            raise EngineError(f"Muon's orthogonalisation needs 2-D variables (matrices), got shape {param.shape}")
        return []

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        a, b, c = self.ns_coefficients
        tall = u.shape[0] > u.shape[1]
        x = u.T if tall else u
        x = x / max(float(np.linalg.norm(x)), self.eps)
        for _ in range(self.ns_steps):
            gram = x @ x.T
            x = a * x + (b * gram + c * (gram @ gram)) @ x
        return np.ascontiguousarray(x.T) if tall else x


@dataclass
class ScaleByShape(ScalarTransform):
    """Muon's learning-rate adjustment by the matrix's shape (A, B): ``√max(1, A/B)``
    (``adjust_lr_fn=None`` or ``"original"``) or ``0.2·√max(A, B)`` (``"match_rms_adamw"``,
    a step of the root mean square AdamW would take)."""

    adjust_lr_fn: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale_by_shape"
        if self.adjust_lr_fn not in (None, "original", "match_rms_adamw"):
            raise EngineError(f"adjust_lr_fn is None, 'original' or 'match_rms_adamw', not {self.adjust_lr_fn!r}")

    def words(self) -> str:
        if self.adjust_lr_fn == "match_rms_adamw":
            return "scale it by 0.2·√max(rows, columns), to match AdamW's step size"
        return "scale it by √max(1, rows/columns)"

    def factor(self, s: Step) -> float:
        rows, cols = s.param.shape[:2]
        if self.adjust_lr_fn == "match_rms_adamw":
            return 0.2 * math.sqrt(max(rows, cols))
        return math.sqrt(max(1.0, rows / cols))


@dataclass
class LionMomentum(Transform):
    """Lion's momentum (Chen et al., *Symbolic discovery of optimization algorithms*, 2023):
    hand on a blend of the gradient and the momentum, ``β1·m + (1-β1)·g``, and only then fold
    the gradient into the momentum with another weight, ``m ← β2·m + (1-β2)·g``. Followed by
    :class:`Sign`, it is Lion's update direction."""

    b1: float = 0.9
    b2: float = 0.99

    def __post_init__(self) -> None:
        self.name = "lion_momentum"

    def words(self) -> str:
        return (
            f"hand on a blend of the gradient and the momentum ({_num(self.b1)}·m + {_num(1 - self.b1)}·g); "
            f"then fold the gradient into the momentum (m = {_num(self.b2)}·m + {_num(1 - self.b2)}·g)"
        )

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        (m,) = mem
        out = self.b1 * m + (1.0 - self.b1) * u
        m *= self.b2
        m += (1.0 - self.b2) * u
        return out


@dataclass
class AverageIterates(Transform):
    """ASGD's average (Polyak & Juditsky, 1992): keep a running average of the points the
    variable visits, from step ``t0`` on; the step itself passes unchanged. It comes last, and
    :meth:`Optimizer.memory_of` reads the average (``"average_iterates"``)."""

    t0: float = 1e6

    def __post_init__(self) -> None:
        self.name = "average_iterates"
        self.output = "input"

    def words(self) -> str:
        return f"keep a running average of the points visited, from step {_num(self.t0)} on (ASGD's averaged iterate)"

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param), np.ones((), dtype=np.float64)]  # the average, its weight μ

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        average, mu = mem
        point = s.param + u
        if float(mu) != 1.0:
            average += (point - average) * float(mu)
        else:
            np.copyto(average, point)
        mu[...] = 1.0 / max(1.0, s.t - self.t0)
        return u
