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
    """One agent in an optimizer's chain: gradients (or what the previous agent made of
    them) come in, something new goes out. Its memory, per variable, lives in ``state``."""

    name: str = field(init=False, default="")
    state: dict[int, Any] = field(init=False, default_factory=dict, repr=False)
    # What update() hands on: "new" arrays the next agent may overwrite (fresh, or this agent's
    # scratch space), or "state" (its own memory, which must not be touched downstream).
    # ``overwrite=True`` tells an agent that the arrays it receives are scratch it may reuse.
    output = "new"

    def words(self) -> str:
        raise NotImplementedError

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        raise NotImplementedError

    def _slot(self, key: int, like: Array, n: int = 1, fill: float = 0.0) -> Any:
        slot = self.state.get(key)
        if slot is None:
            slot = [np.full_like(like, fill) for _ in range(n)]
            self.state[key] = slot
        return slot


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

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        wd = self.weight_decay
        return [u + wd * p for u, p in zip(updates, params, strict=True)]


@dataclass
class ClipByGlobalNorm(Transform):
    """If the gradients, taken together as one long vector, are longer than ``max_norm``,
    shrink them all by the same factor (PyTorch's ``clip_grad_norm_``)."""

    max_norm: float = 1.0

    def __post_init__(self) -> None:
        self.name = "clip_by_global_norm"
        self.output = "input"  # hands on what it got (shrunk): as safe to overwrite as that was

    def words(self) -> str:
        return f"shrink the gradients together if their overall length exceeds {self.max_norm:g}"

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        total = math.sqrt(sum(float(np.vdot(u, u)) for u in updates))
        coef = self.max_norm / (total + 1e-6)
        if coef >= 1.0:
            return updates
        if overwrite:
            for u in updates:
                u *= coef
            return updates
        return [u * coef for u in updates]


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

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        out = []
        mu, keep_new = self.momentum, 1.0 - self.dampening
        for u, k in zip(updates, keys, strict=True):
            v = self.state.get(k)
            if v is None:
                v = np.array(u, copy=True)  # PyTorch starts the velocity at the first gradient
                self.state[k] = v
            else:
                v *= mu
                v += u if keep_new == 1.0 else keep_new * u
            out.append(u + mu * v if self.nesterov else v)
        return out


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

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        a = self.alpha
        out = []
        for u, k in zip(updates, keys, strict=True):
            slots = self._slot(k, u, 2 if self.centered else 1)
            s = slots[0]
            s *= a
            s += (1 - a) * (u * u)
            if self.centered:
                ga = slots[1]
                ga *= a
                ga += (1 - a) * u
                denom = np.sqrt(s - ga * ga)
            else:
                denom = np.sqrt(s)
            denom += self.eps
            out.append(u / denom)
        return out


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

    def __post_init__(self) -> None:
        self.name = "scale_by_adam"

    def words(self) -> str:
        ams = " (AMSGrad: never let the second average shrink)" if self.amsgrad else ""
        return (
            f"keep a moving average of the gradients (β1={self.b1:g}) and of their squares "
            f"(β2={self.b2:g}){ams}, correct both for their start at zero, and step by the first "
            f"over the root of the second (+ε={self.eps:g})"
        )

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        b1, b2 = self.b1, self.b2
        bc1 = 1.0 - b1**step
        bc2_sqrt = math.sqrt(1.0 - b2**step)
        out = []
        for u, k in zip(updates, keys, strict=True):
            # slots: m, v, scratch (the output, reused every step), and AMSGrad's max of v
            slots = self._slot(k, u, 4 if self.amsgrad else 3)
            m, v, r = slots[0], slots[1], slots[2]
            m *= b1
            np.multiply(u, 1 - b1, out=r)
            m += r
            v *= b2
            np.multiply(u, u, out=r)
            r *= 1 - b2
            v += r
            if self.amsgrad:
                np.maximum(slots[3], v, out=slots[3])
                v = slots[3]
            np.sqrt(v, out=r)
            r /= bc2_sqrt
            r += self.eps
            np.divide(m, r, out=r)
            r /= bc1
            out.append(r)
        return out


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

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        out = []
        for u, k in zip(updates, keys, strict=True):
            (acc,) = self._slot(k, u, 1, self.initial_accumulator_value)
            acc += u * u
            denom = np.sqrt(acc)
            denom += self.eps
            out.append(u / denom)
        return out


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

    def update(
        self, updates: list[Array], params: list[Array], keys: list[int], step: int, overwrite: bool = False
    ) -> list[Array]:
        r = -self.rate(step)
        if overwrite:
            for u in updates:
                u *= r
            return updates
        return [u * r for u in updates]


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

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> None:
        """One step: ``θ ← θ + chain(gradients)`` for each (gradient, variable) pair.
        Pairs whose gradient is ``None`` (unconnected variables) are skipped."""
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
        params = [v.data for v in variables]
        keys = [id(v) for v in variables]
        updates = grads
        scratch = False  # the gradients belong to the caller: never overwritten
        for t in self.transforms:
            updates = t.update(updates, params, keys, self.iterations, overwrite=scratch)
            scratch = scratch if t.output == "input" else t.output == "new"
        for var, u in zip(variables, updates, strict=True):
            np.add(var.data, u, out=var.data, casting="same_kind")

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
