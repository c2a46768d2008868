"""Optimizers, built the way optax builds them: as chains of small agents.

Each :class:`Transform` takes the gradients and hands on something else: a
moving average of them, that average divided by the root of a moving
average of squares, the same scaled by the learning rate... The named
optimizers are short chains of these, and ``describe()`` reads the chain out:

>>> Adam(lr=1e-3).describe()
'Adam: keep a moving average of the gradients (β1=0.9) and of their squares ...'

Conventions follow PyTorch's ``torch.optim`` by default, so the two agree step
for step (tested to 1e-9 in float64). Where the literature writes things
differently, the docstrings say so:

- Momentum appears as ``v = γv + η∇J, θ = θ - v`` (the learning rate inside the
  velocity) and as ``v = βv + (1-β)dW, θ = θ - αv`` (an exponential moving average,
  Andrew Ng's course). PyTorch, and this module, use ``v = μv + g, θ = θ - lr·v``;
  with a constant learning rate all three trace the same path up to a rescaling of
  the learning rate (``α(1-β) = lr``).
- RMSProp: PyTorch (and this module) adds ε *outside* the root, ``g / (√s + ε)``;
  TensorFlow/Keras and optax add it *inside*, ``g / √(s + ε)``.
- Adam: PyTorch adds ε to the bias-corrected root, ``m̂ / (√v̂ + ε)``, as the paper's
  algorithm box does; the paper's "more efficient" ordering puts an ε̂ on the raw root.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from thirdroad.nn._tensor import Array, EngineError, Tensor
from thirdroad.nn._variable import Variable

Schedule = Callable[[int], float]


# ---------------------------------------------------------------- transforms


class Step(NamedTuple):
    """What an agent is told about the variable it is working on."""

    param: Array  # the variable's values
    t: int  # how many steps this variable has taken, this one included (as PyTorch counts)
    scratch: _Scratch  # space the agent may write into, lent to one variable at a time


@dataclass
class Transform:
    """One agent in an optimizer's chain: a variable's gradient (or what the previous agent
    made of it) comes in, something new goes out. Its memory for a variable (a moving
    average, say) is made by ``init`` and handed back to ``update`` on every step.

    The chain runs one variable at a time, from the gradient to the step, so every agent's
    arrays are still in the cache when the next agent reads them.
    """

    name: str = field(init=False, default="")
    # What update() hands on: "new" (an array the next agent may overwrite: fresh, or scratch
    # space), "state" (this agent's own memory: must not be touched downstream) or "input"
    # (what it was given, as safe to overwrite as that was). ``overwrite=True`` tells an agent
    # that the array it receives is scratch it may reuse.
    output = "new"
    # A plain rescaling (the learning rate): the optimizer hands its factor to the agent
    # before it as ``scale``, instead of making one more pass over the numbers.
    scalar = False
    # Whether update() applies ``scale`` itself, folded into arithmetic it does anyway.
    takes_scale = False

    def words(self) -> str:
        raise NotImplementedError

    def init(self, param: Array) -> list[Array]:
        """The agent's memory for one variable: arrays shaped like it (none by default)."""
        return []

    def prepare(self, grads: list[Array], step: int) -> None:
        """A look at all gradients before the per-variable pass (global clipping needs it)."""

    def factor(self, count: int) -> float:
        """For a ``scalar`` agent: the number it multiplies by."""
        raise NotImplementedError

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        raise NotImplementedError


def _over_root(u: Array, mean_square: Array, eps: float, s: Step, owner: Transform) -> Array:
    """``u / (√mean_square + ε)``: the step every adaptive optimizer takes (ε outside the root)."""
    r = s.scratch.like(u, owner)
    np.sqrt(mean_square, out=r)
    r += eps
    np.divide(u, r, out=r)
    return r


class _Scratch:
    """One flat buffer per agent and dtype, lent to each variable in turn (the chain
    finishes one variable's step before it starts the next, so they never need it at the
    same time)."""

    def __init__(self) -> None:
        self.buffers: dict[tuple[int, np.dtype[Any]], Array] = {}

    def like(self, a: Array, owner: object) -> Array:
        key = (id(owner), a.dtype)
        buf = self.buffers.get(key)
        if buf is None or buf.size < a.size:
            buf = np.empty(a.size, dtype=a.dtype)
            self.buffers[key] = buf
        return buf[: a.size].reshape(a.shape)


@dataclass
class AddDecayedWeights(Transform):
    """Add ``weight_decay · θ`` to what comes in: the gradient of an L2 penalty (or, placed
    after the adaptive scaling, AdamW's decoupled weight decay)."""

    weight_decay: float = 0.0
    decoupled: bool = False

    def __post_init__(self) -> None:
        self.name = "weight_decay"

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


@dataclass
class Trace(Transform):
    """Momentum: a running sum in which older gradients fade by ``momentum`` each step,
    ``v = μ·v + (1 - dampening)·g`` (the first step takes ``v = g``). With ``nesterov``
    the step looks ahead: ``g + μ·v``."""

    momentum: float = 0.9
    dampening: float = 0.0
    nesterov: bool = False

    def __post_init__(self) -> None:
        self.name = "momentum"
        self.output = "new" if self.nesterov else "state"  # without Nesterov the velocity itself is the step

    def words(self) -> str:
        damp = f", new gradients weighted {1 - self.dampening:g}" if self.dampening else ""
        look = "; then look ahead by one more momentum step (Nesterov)" if self.nesterov else ""
        return f"keep a velocity: a running sum of gradients that fades by {self.momentum:g} each step{damp}{look}"

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        mu, keep_new = self.momentum, 1.0 - self.dampening
        (v,) = mem
        if s.t == 1:
            np.copyto(v, u)  # PyTorch starts the velocity at the first gradient
        else:
            v *= mu
            v += u if keep_new == 1.0 else keep_new * u
        return u + mu * v if self.nesterov else v


@dataclass
class ScaleByRms(Transform):
    """RMSProp's agent: keep a moving average of squared gradients,
    ``s = α·s + (1-α)·g²``, and divide each gradient by ``√s + ε`` (ε outside the root,
    PyTorch's convention). ``centered`` also subtracts the squared moving average of g."""

    alpha: float = 0.99
    eps: float = 1e-8
    centered: bool = False

    def __post_init__(self) -> None:
        self.name = "scale_by_rms"

    def words(self) -> str:
        c = ", minus the square of the gradients' own moving average (centred)" if self.centered else ""
        return (
            f"keep a moving average of squared gradients (α={self.alpha:g}){c}; "
            f"divide each gradient by its root (+ε={self.eps:g})"
        )

    def init(self, param: Array) -> list[Array]:
        return [np.zeros_like(param) for _ in range(2 if self.centered else 1)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        a = self.alpha
        sq = mem[0]
        sq *= a
        sq += (1 - a) * (u * u)
        if self.centered:
            ga = mem[1]
            ga *= a
            ga += (1 - a) * u
            return _over_root(u, sq - ga * ga, self.eps, s, self)
        return _over_root(u, sq, self.eps, s, self)


@dataclass
class ScaleByAdam(Transform):
    """Adam's agent, made of two moving averages:
    ``m = β1·m + (1-β1)·g`` (the direction, like momentum) and
    ``v = β2·v + (1-β2)·g²`` (the typical size, like RMSProp); both start at 0, so each is
    divided by ``1 - β^t`` to undo that start (bias correction); the output is
    ``m̂ / (√v̂ + ε)``. ``amsgrad`` divides by the largest v̂ seen so far instead.

    It keeps ``m / (1-β1)`` and ``v / (1-β2)`` rather than m and v: the constant factors then
    join the bias corrections in one number, and each step makes 4 passes over the
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
class ScaleByRss(Transform):
    """Adagrad's agent: add up every squared gradient so far (it never forgets), and divide
    each gradient by the root of that sum plus ε."""

    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self) -> None:
        self.name = "scale_by_rss"

    def words(self) -> str:
        return f"add up all squared gradients so far; divide each gradient by the root of the sum (+ε={self.eps:g})"

    def init(self, param: Array) -> list[Array]:
        return [np.full_like(param, self.initial_accumulator_value)]

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        (acc,) = mem
        acc += u * u
        return _over_root(u, acc, self.eps, s, self)


@dataclass
class ScaleByLearningRate(Transform):
    """The last agent: turn a direction into a step, ``-lr · direction``. ``lr`` may be a
    number or a schedule (a function of the step number, counted from 1)."""

    lr: float | Schedule = 1e-3
    lr_decay: float = 0.0

    def __post_init__(self) -> None:
        self.name = "scale_by_learning_rate"
        self.scalar = True
        self.takes_scale = True  # at the head of a chain, the rates after it join its own

    def factor(self, count: int) -> float:
        lr = self.lr(count) if callable(self.lr) else self.lr
        return -lr / (1.0 + (count - 1) * self.lr_decay)

    def words(self) -> str:
        lr = "the scheduled learning rate" if callable(self.lr) else f"the learning rate {self.lr:g}"
        decay = f", itself shrinking as 1/(1 + {self.lr_decay:g}·(t-1))" if self.lr_decay else ""
        return f"step against it, scaled by {lr}{decay}"

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        r = self.factor(s.t) * scale
        if overwrite:
            u *= r
            return u
        return u * r


# ---------------------------------------------------------------- optimizers


class Optimizer:
    """A chain of transforms that turns gradients into steps and applies them.

    >>> opt = Optimizer("my SGD", [ClipByGlobalNorm(1.0), ScaleByLearningRate(0.1)])
    >>> opt.apply_gradients(zip(grads, variables))
    """

    def __init__(self, name: str, transforms: Sequence[Transform]) -> None:
        self.name = name
        self.transforms = list(transforms)
        self.iterations = 0
        self.memory: dict[int, list[list[Array]]] = {}  # per variable: each agent's arrays
        self.counts: dict[int, int] = {}  # per variable: steps taken
        self._scratch = _Scratch()
        for i, t in enumerate(self.transforms):
            if isinstance(t, ClipByGlobalNorm) and i > 0:
                raise EngineError(f"{name}: ClipByGlobalNorm looks at the raw gradients, so it must come first")
        # Fold each run of scalar agents into the agent before it: (agent, its place, scalars).
        self._plan: list[tuple[Transform, int, list[Transform]]] = []
        for i, t in enumerate(self.transforms):
            if t.scalar and self._plan:
                self._plan[-1][2].append(t)
            else:
                self._plan.append((t, i, []))

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> None:
        """One step: ``θ ← θ + chain(gradient)`` for each (gradient, variable) pair.
        Pairs whose gradient is ``None`` (unconnected variables) are skipped; the gradients
        themselves are never changed."""
        grads: list[Array] = []
        variables: list[Variable] = []
        for g, var in grads_and_vars:
            if g is None:
                continue
            if not isinstance(var, Variable):
                raise EngineError(f"{self.name}: can only update Variables, got {type(var).__name__}")
            garr = g.data if isinstance(g, Tensor) else np.asarray(g)
            if garr.shape != var.data.shape:
                raise EngineError(
                    f"{self.name}: gradient of shape {garr.shape} for {var.name or 'a variable'} "
                    f"of shape {var.data.shape}"
                )
            grads.append(garr)
            variables.append(var)
        if not variables:
            return
        self.iterations += 1
        for t in self.transforms:
            t.prepare(grads, self.iterations)
        for g, var in zip(grads, variables, strict=True):
            key, param = id(var), var.data
            count = self.counts[key] = self.counts.get(key, 0) + 1
            mem = self.memory.get(key)
            if mem is None:
                mem = self.memory[key] = [t.init(param) for t in self.transforms]
            u, overwrite = g, False
            s = Step(param, count, self._scratch)
            for t, i, scalars in self._plan:
                scale = 1.0
                for f in scalars:
                    scale *= f.factor(count)
                u2 = t.update(u, mem[i], s, overwrite, scale if t.takes_scale else 1.0)
                overwrite = overwrite if t.output == "input" else t.output == "new"
                if scale != 1.0 and not t.takes_scale:
                    if overwrite:
                        u2 *= scale
                    else:
                        u2 = u2 * scale
                        overwrite = True
                u = u2
            np.add(param, u, out=param, casting="same_kind")

    def describe(self) -> str:
        """The chain in words: what this optimizer does to a gradient, agent by agent."""
        steps = "; then ".join(t.words() for t in self.transforms)
        return f"{self.name}: {steps}."

    def __repr__(self) -> str:
        return f"<{self.name} optimizer: {' -> '.join(t.name for t in self.transforms)}>"


def _decay(weight_decay: float) -> list[Transform]:
    return [AddDecayedWeights(weight_decay)] if weight_decay else []


def SGD(
    lr: float | Schedule = 1e-2,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> Optimizer:
    """Stochastic gradient descent: ``θ ← θ - lr·g``; with momentum, step along a
    velocity that remembers past gradients (see the module notes for the other ways
    momentum is written)."""
    if nesterov and (momentum <= 0 or dampening != 0):
        raise EngineError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")
    chain: list[Transform] = _decay(weight_decay)
    if momentum:
        chain.append(Trace(momentum, dampening, nesterov))
    chain.append(ScaleByLearningRate(lr))
    name = "SGD with Nesterov momentum" if nesterov else "SGD with momentum" if momentum else "SGD"
    return Optimizer(name, chain)


def RMSProp(
    lr: float | Schedule = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> Optimizer:
    """RMSProp: divide each gradient by the root of a moving average of its squares, so
    every direction takes steps of similar size. ε outside the root (PyTorch)."""
    chain: list[Transform] = [*_decay(weight_decay), ScaleByRms(alpha, eps, centered)]
    if momentum:
        chain.append(Trace(momentum))
    chain.append(ScaleByLearningRate(lr))
    return Optimizer("RMSProp", chain)


def Adam(
    lr: float | Schedule = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
) -> Optimizer:
    """Adam: momentum on top (a moving average of gradients), RMSProp below (a moving
    average of their squares), both bias-corrected. Kingma & Ba, 2015."""
    chain = [*_decay(weight_decay), ScaleByAdam(betas[0], betas[1], eps, amsgrad), ScaleByLearningRate(lr)]
    return Optimizer("Adam", chain)


def AdamW(
    lr: float | Schedule = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> Optimizer:
    """AdamW: Adam, with weight decay applied to the step itself rather than mixed into
    the gradient, so the adaptive scaling does not weaken it. Loshchilov & Hutter, 2019."""
    chain = [
        ScaleByAdam(betas[0], betas[1], eps, amsgrad),
        AddDecayedWeights(weight_decay, decoupled=True),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("AdamW", chain)


def Adagrad(
    lr: float | Schedule = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
) -> Optimizer:
    """Adagrad: divide each gradient by the root of the sum of all its past squares;
    directions that have moved a lot slow down for good. Duchi et al., 2011."""
    chain = [
        *_decay(weight_decay),
        ScaleByRss(initial_accumulator_value, eps),
        ScaleByLearningRate(lr, lr_decay),
    ]
    return Optimizer("Adagrad", chain)
