"""The general agents: the pieces most optimizers are made of, each one idea a formula writes
on one line (a moving average, a bias correction, a division by a root, a sign, a step)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from thirdroad.nn._errors import EngineError
from thirdroad.nn.numerics import Array
from thirdroad.nn.optim._chain import ScalarTransform, Step, Transform

Schedule = Callable[[int], float]


def _num(x: float) -> str:
    return f"{x:g}"


# ---------------------------------------------------------------- at the head: the gradient itself


@dataclass
class Maximize(Transform):
    """Flip the gradient's sign, ``g ← -g``, so that the chain climbs the function instead of
    descending it (PyTorch's ``maximize=True``). It comes first.

    >>> Optimizer("climb", [Maximize(), ScaleByLearningRate(0.1)])   # θ ← θ + 0.1·g
    """

    def __post_init__(self) -> None:
        self.name = "maximize"
        self.edits_gradient = True

    def words(self) -> str:
        return "flip the gradient's sign (maximize: climb instead of descend)"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        if overwrite:
            np.negative(u, out=u)
            return u
        return np.negative(u)


@dataclass
class AddDecayedWeights(Transform):
    """Add ``weight_decay · θ`` to what comes in.

    At the head of the chain it is the gradient of an L2 penalty ``(λ/2)‖θ‖²`` (PyTorch's
    ``weight_decay`` in SGD, Adam, RMSprop...): everything after it sees ``g + λθ``. Placed
    after the adaptive scaling (``decoupled=True``) it is AdamW's decoupled weight decay,
    ``θ ← θ - lr·(update + λθ)``, which the adaptive scaling cannot weaken.
    Loshchilov & Hutter, *Decoupled weight decay regularization*, ICLR 2019.
    """

    weight_decay: float = 0.0
    decoupled: bool = False

    def __post_init__(self) -> None:
        self.name = "weight_decay"
        self.edits_gradient = not self.decoupled

    def words(self) -> str:
        if self.decoupled:
            return f"add weight_decay·θ to the step (decoupled weight decay, {self.weight_decay:g})"
        return f"add weight_decay·θ to the gradient (an L2 penalty, {self.weight_decay:g})"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        if overwrite:
            u += self.weight_decay * s.param
            return u
        return u + self.weight_decay * s.param


@dataclass
class ClipByGlobalNorm(Transform):
    """If the gradients, taken together as one long vector, are longer than ``max_norm``,
    shrink them all by the same factor (PyTorch's ``clip_grad_norm_``). It looks at the raw
    gradients, so it comes first in a chain."""

    max_norm: float = 1.0
    coef: float = field(init=False, default=1.0, repr=False)

    def __post_init__(self) -> None:
        self.name = "clip_by_global_norm"
        self.output = "input"
        self.edits_gradient = True

    def words(self) -> str:
        return f"shrink the gradients together if their overall length exceeds {self.max_norm:g}"

    def prepare(self, grads: list[Array], step: int) -> None:
        total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
        self.coef = min(1.0, self.max_norm / (total + 1e-6))

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        if self.coef >= 1.0:
            return u
        if overwrite:
            u *= self.coef
            return u
        return u * self.coef


# ---------------------------------------------------------------- averages of the gradient


@dataclass
class MovingAverage(Transform):
    """Keep a moving average of what comes in and hand it on: ``m ← decay·m + weight·u``.

    The weights cover every way momentum is written:

    - ``MovingAverage(β)``: ``m = βm + (1-β)g``, an exponential moving average (Ng's course,
      Adam's first moment, ``weight`` defaults to ``1 - decay``);
    - ``MovingAverage(γ, η)``: Ruder's ``v = γv + η∇J`` with the learning rate *inside* the
      average (not a dampening: follow it with :class:`Descend`, not a learning rate);
    - ``MovingAverage(μ, 1 - τ, start="first")``: PyTorch's SGD buffer ``b = μb + (1-τ)g``,
      which starts at the first gradient itself rather than at 0 (see :class:`Trace`).

    ``nesterov=True`` hands on ``weight·u + decay·m`` (the average after this step, looked
    one step further), as PyTorch's Nesterov momentum and Muon do.

    >>> Optimizer("Ng's momentum", [MovingAverage(0.9), ScaleByLearningRate(0.1)])
    >>> Optimizer("Ruder's momentum", [MovingAverage(0.9, 0.01), Descend()])
    """

    decay: float = 0.9
    weight: float | None = None
    start: Literal["zero", "first"] = "zero"
    nesterov: bool = False

    def __post_init__(self) -> None:
        self.name = "moving_average"
        if self.start not in ("zero", "first"):
            raise EngineError(f"MovingAverage: start is 'zero' or 'first', not {self.start!r}")
        self.output = "new" if self.nesterov else "state"

    @property
    def w(self) -> float:
        return 1.0 - self.decay if self.weight is None else self.weight

    def words(self) -> str:
        w = self.w
        if self.weight is None:
            how = f"keep a moving average of it (m = {_num(self.decay)}·m + {_num(w)}·g)"
        else:
            how = f"keep a running sum that fades by {_num(self.decay)} each step, new values weighted {_num(w)}"
        start = ", starting from the first value itself" if self.start == "first" else ""
        look = f"; hand on {_num(w)}·g + {_num(self.decay)}·m (Nesterov's look ahead)" if self.nesterov else ""
        return how + start + look

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        (m,) = mem
        w = self.w
        if s.t == 1 and self.start == "first":
            np.copyto(m, u)
        else:
            m *= self.decay
            if w == 1.0:
                m += u
            else:
                m += w * u
        if self.nesterov:
            return w * u + self.decay * m if w != 1.0 else u + self.decay * m
        return m


@dataclass
class Trace(MovingAverage):
    """PyTorch's momentum (``torch.optim.SGD``): a velocity ``b = μ·b + (1 - dampening)·g``
    that starts at the first gradient itself; with ``nesterov`` the step looks ahead,
    ``g + μ·b``. Sutskever et al., *On the importance of initialization and momentum in deep
    learning*, ICML 2013. The same agent as ``MovingAverage(μ, 1 - dampening, start="first")``."""

    momentum: float = 0.9
    dampening: float = 0.0

    def __init__(self, momentum: float = 0.9, dampening: float = 0.0, nesterov: bool = False) -> None:
        self.momentum, self.dampening = momentum, dampening
        super().__init__(momentum, 1.0 - dampening, "first", nesterov)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "momentum"

    def words(self) -> str:
        damp = f", new gradients weighted {1 - self.dampening:g}" if self.dampening else ""
        look = "; then look ahead by one more momentum step (Nesterov)" if self.nesterov else ""
        return f"keep a velocity: a running sum of gradients that fades by {self.momentum:g} each step{damp}{look}"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        out = super().update(u, mem, s, overwrite, scale)
        if self.nesterov and self.dampening:  # PyTorch's look ahead adds the gradient undamped
            out += self.dampening * u
        return out


@dataclass
class BiasCorrection(ScalarTransform):
    """Divide by ``(1 - decay^t)^power``: an average that started at 0 is too small by the
    factor ``1 - decay^t`` after t steps (Kingma & Ba, *Adam*, ICLR 2015, section 3). Without
    it, Adam's first steps are too small: ``m̂ = m / (1 - β1^t)``.

    ``power=-0.5`` multiplies by ``√(1 - β2^t)`` instead: the second moment's correction moved
    out of the root onto the step, as the paper's faster ordering writes Adam,
    ``α_t = α·√(1-β2^t)/(1-β1^t)``, ``θ ← θ - α_t·m/(√v + ε̂)``:

    >>> Optimizer("Adam, the paper's faster order", [MovingAverage(0.9), ScaleByRootOfMovingAverage(0.999),
    ...     BiasCorrection(0.9), BiasCorrection(0.999, power=-0.5), ScaleByLearningRate(1e-3)])
    """

    decay: float = 0.9
    power: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "bias_correction"

    def words(self) -> str:
        if self.power == 1.0:
            return f"correct it for its start at zero (divide by 1 - {_num(self.decay)}^t)"
        if self.power == -0.5:
            return f"multiply by √(1 - {_num(self.decay)}^t) (the root's correction, moved onto the step)"
        return f"divide by (1 - {_num(self.decay)}^t)^{_num(self.power)}"

    def factor(self, s: Step) -> float:
        return float((1.0 - self.decay**s.t) ** -self.power)


@dataclass
class Scale(ScalarTransform):
    """Multiply by a constant: a factor a formula writes apart from the learning rate (AdamW's
    paper writes ``θ ← θ - η_t(α·m̂/(√v̂ + ε) + λθ)``, the schedule multiplier η_t outside and
    the rate α inside: ``[ScaleByAdam(), Scale(α), AddDecayedWeights(λ, decoupled=True),
    ScaleByLearningRate(η_t)]``)."""

    by: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale"

    def words(self) -> str:
        return f"multiply it by {_num(self.by)}"

    def factor(self, s: Step) -> float:
        return self.by


@dataclass
class ScaleByRootOfMovingAverage(Transform):
    """Divide what comes in by the root of a moving average of the squared gradients:
    ``v ← decay·v + weight·g²``, then ``u / (√v + ε)``, or ``u / √(v + ε)`` with
    ``eps_inside`` (Keras, optax and Ruder put ε inside the root; PyTorch outside; the same
    number then damps by a different amount).

    Options, each a line some formula writes:

    - ``bias_correction``: use ``v̂ = v / (1 - decay^t)`` (Adam's second moment);
    - ``max_of_averages``: divide by the largest v̂ so far (AMSGrad, Reddi et al., ICLR 2018);
    - ``centered``: subtract the square of the gradients' own moving average (RMSProp
      centred, Graves 2013);
    - ``decay=1, weight=1``: a sum that never forgets (Adagrad), starting at ``initial``.

    The squares are of the *gradient* (as the head of the chain left it), whatever comes in:
    after a moving average of the gradient this is Adam,
    ``[MovingAverage(β1), BiasCorrection(β1), ScaleByRootOfMovingAverage(β2, bias_correction=True)]``.

    >>> Optimizer("RMSProp, Keras's ε", [ScaleByRootOfMovingAverage(0.9, 1e-7, eps_inside=True),
    ...                                  ScaleByLearningRate(1e-3)])
    """

    decay: float = 0.99
    eps: float = 1e-8
    weight: float | None = None
    eps_inside: bool = False
    bias_correction: bool = False
    max_of_averages: bool = False
    centered: bool = False
    initial: float = 0.0

    def __post_init__(self) -> None:
        self.name = "scale_by_root_of_moving_average"
        self.reads_gradient = True

    @property
    def w(self) -> float:
        return 1.0 - self.decay if self.weight is None else self.weight

    def words(self) -> str:
        if self.decay == 1.0:
            kept = "add up all squared gradients so far"
        else:
            kept = f"keep a moving average of squared gradients ({_num(self.decay)})"
        extras = [
            *(["minus the square of the gradients' own moving average (centred)"] if self.centered else []),
            *(["corrected for its start at zero"] if self.bias_correction else []),
            *(["never letting it shrink (the largest so far, AMSGrad)"] if self.max_of_averages else []),
        ]
        extra = ", " + ", ".join(extras) if extras else ""
        root = f"the root of (it + ε={_num(self.eps)})" if self.eps_inside else f"its root (+ε={_num(self.eps)})"
        return f"{kept}{extra}; divide by {root}"

    def init(self, param: Array) -> list[Array]:
        mem = [np.full_like(param, self.initial)]
        if self.centered:
            mem.append(np.zeros_like(param))
        if self.max_of_averages:
            mem.append(np.zeros_like(param))
        return mem

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        g = u if s.grad is None else s.grad
        v, w = mem[0], self.w
        r = s.scratch.like(u, self)
        np.multiply(g, g, out=r)
        if w != 1.0:
            r *= w
        if self.decay != 1.0:
            v *= self.decay
        v += r
        if self.centered:
            a = mem[1]
            a *= self.decay
            a += w * g
            np.multiply(a, a, out=r)
            np.subtract(v, r, out=r)
        else:
            np.copyto(r, v)
        if self.max_of_averages:
            np.maximum(mem[-1], r, out=mem[-1])
            np.copyto(r, mem[-1])
        if self.bias_correction:
            r /= 1.0 - self.decay**s.t
        if self.eps_inside:
            r += self.eps
            np.sqrt(r, out=r)
        else:
            np.sqrt(r, out=r)
            r += self.eps
        np.divide(u, r, out=r)
        return r


@dataclass
class ScaleByRms(ScaleByRootOfMovingAverage):
    """RMSProp's agent (Hinton's lecture 6e): keep a moving average of squared gradients,
    ``s = α·s + (1-α)·g²``, and divide each gradient by ``√s + ε`` (ε outside the root,
    PyTorch's convention). ``centered`` also subtracts the squared moving average of g."""

    def __init__(self, alpha: float = 0.99, eps: float = 1e-8, centered: bool = False) -> None:
        super().__init__(decay=alpha, eps=eps, centered=centered)
        self.alpha = alpha

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale_by_rms"

    def words(self) -> str:
        c = ", minus the square of the gradients' own moving average (centred)" if self.centered else ""
        return (
            f"keep a moving average of squared gradients (α={self.alpha:g}){c}; "
            f"divide each gradient by its root (+ε={self.eps:g})"
        )


@dataclass
class ScaleByRss(ScaleByRootOfMovingAverage):
    """Adagrad's agent (Duchi, Hazan & Singer, JMLR 2011): add up every squared gradient so
    far (it never forgets), and divide each gradient by the root of that sum plus ε."""

    def __init__(self, initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(decay=1.0, eps=eps, weight=1.0, initial=initial_accumulator_value)
        self.initial_accumulator_value = initial_accumulator_value

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale_by_rss"

    def words(self) -> str:
        return f"add up all squared gradients so far; divide each gradient by the root of the sum (+ε={self.eps:g})"


@dataclass
class Sign(Transform):
    """Keep only the sign of each number: ``sign(u)``, a step of the same size in every
    coordinate (signSGD; Lion's update, Chen et al. 2023)."""

    def __post_init__(self) -> None:
        self.name = "sign"

    def words(self) -> str:
        return "keep only its sign (+1 or -1 in every coordinate)"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        if overwrite:
            np.sign(u, out=u)
            return u
        return np.sign(u)


# ---------------------------------------------------------------- the step


@dataclass
class ScaleByLearningRate(ScalarTransform):
    """The last agent: turn a direction into a step, ``-lr · direction``. ``lr`` may be a
    number or a schedule (a function of the step number, counted from 1). It shrinks as
    ``lr / (1 + (t-1)·lr_decay)^power``: Adagrad's ``lr_decay`` (power 1), ASGD's
    ``η_t = lr / (1 + λ·lr·t)^α``."""

    lr: float | Schedule = 1e-3
    lr_decay: float = 0.0
    power: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "scale_by_learning_rate"

    def factor(self, s: Step) -> float:
        lr = self.lr(s.t) if callable(self.lr) else self.lr
        if not self.lr_decay:
            return -lr
        shrink = 1.0 + (s.t - 1) * self.lr_decay
        return -lr / (shrink if self.power == 1.0 else shrink**self.power)

    def words(self) -> str:
        lr = "the scheduled learning rate" if callable(self.lr) else f"the learning rate {self.lr:g}"
        power = "" if self.power == 1.0 else f"^{self.power:g}"
        decay = f", itself shrinking as 1/(1 + {self.lr_decay:g}·(t-1)){power}" if self.lr_decay else ""
        return f"step against it, scaled by {lr}{decay}"


@dataclass
class Descend(ScalarTransform):
    """Step against what comes in, ``θ ← θ - u``: for chains whose agents already set the
    step's size (Ruder's momentum with the learning rate inside, Rprop, Adafactor)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.name = "descend"

    def words(self) -> str:
        return "step against it (θ ← θ - it)"

    def factor(self, s: Step) -> float:
        return -1.0
