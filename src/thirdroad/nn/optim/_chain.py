"""The chain: what an agent is, what it is told, and the optimizer that runs agents in turn."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from thirdroad.nn._errors import EngineError
from thirdroad.nn._tensor import Tensor
from thirdroad.nn._variable import Variable
from thirdroad.nn.numerics import Array


class Step(NamedTuple):
    """What an agent is told about the variable it is working on."""

    param: Array  # the variable's values (before this step)
    t: int  # how many steps this variable has taken, this one included (as PyTorch counts)
    scratch: _Scratch  # space the agent may write into, lent to one variable at a time
    grad: Array | None = None  # the gradient, after the agents that edit it (weight decay as L2, ...)


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
    # A plain rescaling (a learning rate, a bias correction): the optimizer hands its factor
    # to the agent before it as ``scale``, instead of making one more pass over the numbers.
    scalar = False
    # Whether update() applies ``scale`` itself, folded into arithmetic it does anyway.
    takes_scale = False
    # An agent that changes the gradient itself (weight decay as an L2 penalty, clipping,
    # maximizing): what it hands on is "the gradient" for every agent after it (Step.grad).
    edits_gradient = False
    # An agent that reads Step.grad (a moving average of squared gradients placed after a
    # momentum, as in Adam written out), so the gradient must be kept intact for it.
    reads_gradient = False

    def words(self) -> str:
        raise NotImplementedError

    def init(self, param: Array) -> list[Array]:
        """The agent's memory for one variable: arrays shaped like it (none by default)."""
        return []

    def prepare(self, grads: list[Array], step: int) -> None:
        """A look at all gradients before the per-variable pass (global clipping needs it)."""

    def factor(self, s: Step) -> float:
        """For a ``scalar`` agent: the number it multiplies by."""
        raise NotImplementedError

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        raise NotImplementedError


@dataclass
class ScalarTransform(Transform):
    """An agent that multiplies everything by one number, worked out from the step count (and
    the variable). In a chain it costs nothing: its factor joins the agent before it."""

    def __post_init__(self) -> None:
        self.scalar = True
        self.takes_scale = True

    def update(self, u: Array, mem: list[Array], s: Step, overwrite: bool, scale: float) -> Array:
        r = self.factor(s) * scale
        if overwrite:
            u *= r
            return u
        return u * r


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
            if not isinstance(t, Transform):
                raise EngineError(f"{name}: item {i} of the chain is a {type(t).__name__}, not a Transform")
            if t.name == "clip_by_global_norm" and i > 0:
                raise EngineError(f"{name}: ClipByGlobalNorm looks at the raw gradients, so it must come first")
        # Fold each run of scalar agents into the agent before it: (agent, its place, scalars).
        self._plan: list[tuple[Transform, int, list[Transform]]] = []
        for i, t in enumerate(self.transforms):
            if t.scalar and self._plan:
                self._plan[-1][2].append(t)
            else:
                self._plan.append((t, i, []))
        # How many plan entries edit the gradient before the first one that does not.
        self._head = 0
        while self._head < len(self._plan) and self._plan[self._head][0].edits_gradient:
            self._head += 1
        self._keep_gradient = any(t.reads_gradient for t in self.transforms)

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
            np.add(var.data, self._step(g, var), out=var.data, casting="same_kind")

    def _step(self, g: Array, var: Variable) -> Array:
        """The chain run on one variable's gradient: the change to make to it."""
        key, param = id(var), var.data
        count = self.counts[key] = self.counts.get(key, 0) + 1
        mem = self.memory.get(key)
        if mem is None:
            mem = self.memory[key] = [t.init(param) for t in self.transforms]
        u, overwrite = g, False
        s = Step(param, count, self._scratch, g)
        for k, (t, i, scalars) in enumerate(self._plan):
            if k == self._head and k:
                s = s._replace(grad=u)  # the gradient, as the agents at the head left it
                overwrite = overwrite and not self._keep_gradient
            scale = 1.0
            for f in scalars:
                scale *= f.factor(s)
            u2 = t.update(u, mem[i], s, overwrite, scale if t.takes_scale else 1.0)
            overwrite = overwrite if t.output == "input" else t.output == "new"
            if scale != 1.0 and not t.takes_scale:
                if overwrite:
                    u2 *= scale
                else:
                    u2 = u2 * scale
                    overwrite = True
            u = u2
        return u

    def memory_of(self, variable: Variable) -> dict[str, list[Array]]:
        """What each agent remembers about one variable (its moving averages, say), by the
        agent's name; empty before the variable's first step."""
        mem = self.memory.get(id(variable))
        if mem is None:
            return {}
        return {t.name: m for t, m in zip(self.transforms, mem, strict=True) if m}

    def describe(self) -> str:
        """The chain in words: what this optimizer does to a gradient, agent by agent."""
        steps = "; then ".join(t.words() for t in self.transforms)
        return f"{self.name}: {steps}."

    def __repr__(self) -> str:
        return f"<{self.name} optimizer: {' -> '.join(t.name for t in self.transforms)}>"
