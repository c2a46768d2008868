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
from typing import Any

import numpy as np

from thirdroad.nn._tensor import Array, EngineError, Tensor, Variable

Schedule = Callable[[int], float]


# ---------------------------------------------------------------- transforms


@dataclass
class Transform:
    """One agent in an optimizer's chain: a variable's gradient (or what the previous agent
    made of it) comes in, something new goes out. Its memory, per variable, lives in ``state``.

    The chain runs one variable at a time, from the gradient to the step, so every agent's
    arrays are still in the cache when the next agent reads them, and scratch space can be
    shared by all variables.
    """

    name: str = field(init=False, default="")
    state: dict[int, Any] = field(init=False, default_factory=dict, repr=False)
    # What update() hands on: "new" (an array the next agent may overwrite: fresh, or scratch
    # space), "state" (this agent's own memory: must not be touched downstream) or "input"
    # (what it was given, as safe to overwrite as that was). ``overwrite=True`` tells an agent
    # that the array it receives is scratch it may reuse.
    output = "new"

    def words(self) -> str:
        raise NotImplementedError

    def prepare(self, grads: list[Array], step: int) -> None:
        """A look at all gradients before the per-variable pass (global clipping needs it)."""

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        raise NotImplementedError

    def _slot(self, key: int, like: Array, n: int = 1, fill: float = 0.0) -> Any:
        slot = self.state.get(key)
        if slot is None:
            slot = [np.full_like(like, fill) for _ in range(n)]
            self.state[key] = slot
        return slot


def _over_root(u: Array, mean_square: Array, eps: float) -> Array:
    """``u / (√mean_square + ε)``: the step every adaptive optimizer takes (ε outside the root)."""
    denom = np.sqrt(mean_square)
    denom += eps
    return u / denom


class _Scratch:
    """One flat buffer per dtype, lent to each variable in turn (the chain finishes one
    variable's step before it starts the next, so they never need it at the same time)."""

    def __init__(self) -> None:
        self.buffers: dict[np.dtype[Any], Array] = {}

    def like(self, a: Array) -> Array:
        buf = self.buffers.get(a.dtype)
        if buf is None or buf.size < a.size:
            buf = np.empty(a.size, dtype=a.dtype)
            self.buffers[a.dtype] = buf
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

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        if overwrite:
            u += self.weight_decay * param
            return u
        return u + self.weight_decay * param


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

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
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

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        mu, keep_new = self.momentum, 1.0 - self.dampening
        v = self.state.get(key)
        if v is None:
            v = np.array(u, copy=True)  # PyTorch starts the velocity at the first gradient
            self.state[key] = v
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

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        a = self.alpha
        slots = self._slot(key, u, 2 if self.centered else 1)
        s = slots[0]
        s *= a
        s += (1 - a) * (u * u)
        if self.centered:
            ga = slots[1]
            ga *= a
            ga += (1 - a) * u
            return _over_root(u, s - ga * ga, self.eps)
        return _over_root(u, s, self.eps)


@dataclass
class ScaleByAdam(Transform):
    """Adam's agent, made of two moving averages:
    ``m = β1·m + (1-β1)·g`` (the direction, like momentum) and
    ``v = β2·v + (1-β2)·g²`` (the typical size, like RMSProp); both start at 0, so each is
    divided by ``1 - β^t`` to undo that start (bias correction); the output is
    ``m̂ / (√v̂ + ε)``. ``amsgrad`` divides by the largest v̂ seen so far instead."""

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    amsgrad: bool = False
    scratch: _Scratch = field(init=False, default_factory=_Scratch, repr=False)

    def __post_init__(self) -> None:
        self.name = "scale_by_adam"

    def words(self) -> str:
        ams = " (AMSGrad: never let the second average shrink)" if self.amsgrad else ""
        return (
            f"keep a moving average of the gradients (β1={self.b1:g}) and of their squares "
            f"(β2={self.b2:g}){ams}, correct both for their start at zero, and step by the first "
            f"over the root of the second (+ε={self.eps:g})"
        )

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        b1, b2 = self.b1, self.b2
        slots = self._slot(key, u, 3 if self.amsgrad else 2)  # m, v, and AMSGrad's max of v
        m, v = slots[0], slots[1]
        r = self.scratch.like(u)  # in-place arithmetic: no new array per step
        m *= b1
        np.multiply(u, 1 - b1, out=r)
        m += r
        v *= b2
        np.multiply(u, u, out=r)
        r *= 1 - b2
        v += r
        if self.amsgrad:
            np.maximum(slots[2], v, out=slots[2])
            v = slots[2]
        np.sqrt(v, out=r)
        r /= math.sqrt(1.0 - b2**step)
        r += self.eps
        np.divide(m, r, out=r)
        r /= 1.0 - b1**step
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

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        (acc,) = self._slot(key, u, 1, self.initial_accumulator_value)
        acc += u * u
        return _over_root(u, acc, self.eps)


@dataclass
class ScaleByLearningRate(Transform):
    """The last agent: turn a direction into a step, ``-lr · direction``. ``lr`` may be a
    number or a schedule (a function of the step number, counted from 1)."""

    lr: float | Schedule = 1e-3
    lr_decay: float = 0.0

    def __post_init__(self) -> None:
        self.name = "scale_by_learning_rate"

    def rate(self, step: int) -> float:
        lr = self.lr(step) if callable(self.lr) else self.lr
        return lr / (1.0 + (step - 1) * self.lr_decay)

    def words(self) -> str:
        lr = "the scheduled learning rate" if callable(self.lr) else f"the learning rate {self.lr:g}"
        decay = f", itself shrinking as 1/(1 + {self.lr_decay:g}·(t-1))" if self.lr_decay else ""
        return f"step against it, scaled by {lr}{decay}"

    def update(self, u: Array, param: Array, key: int, step: int, overwrite: bool) -> Array:
        r = -self.rate(step)
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
        for i, t in enumerate(self.transforms):
            if isinstance(t, ClipByGlobalNorm) and i > 0:
                raise EngineError(f"{name}: ClipByGlobalNorm looks at the raw gradients, so it must come first")

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
        step = self.iterations
        for t in self.transforms:
            t.prepare(grads, step)
        for g, var in zip(grads, variables, strict=True):
            u, scratch, key, param = g, False, id(var), var.data
            for t in self.transforms:
                u = t.update(u, param, key, step, scratch)
                scratch = scratch if t.output == "input" else t.output == "new"
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
