"""Optimizers as agents: the engine's own optimizers (``thirdroad.nn.optim``) racing on 2-D
surfaces, with the path each one takes and a sentence on how it behaved.

Example::

    r = race("valley")
    print(r.describe())   # one line per optimizer, measured on its own path
    r.plot("race.png")    # paths over the contour map, and the loss curves
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from thirdroad.agents import _format as fmt
from thirdroad.agents._errors import AgentInputError
from thirdroad.agents.surfaces import SURFACES, Surface, surface
from thirdroad.nn import Variable, optim

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Array = NDArray[np.float64]
REACH = 1e-3  # "at the bottom": loss within this of the lowest loss
ESCAPE = -10.0  # "off the saddle": loss below this


@dataclass(frozen=True)
class Racer:
    """One optimizer of the race: how to build it from a learning rate, and its character."""

    name: str
    label: str
    trait: str
    make: Callable[[float], optim.Optimizer]
    concept: str  # the concept id in the catalog


RACERS: dict[str, Racer] = {
    "sgd": Racer(
        "sgd", "SGD", "steps straight downhill, the learning rate times the gradient",
        lambda lr: optim.SGD(lr=lr), "gradient_descent",
    ),
    "momentum": Racer(
        "momentum", "Momentum", "builds up speed in directions the gradient keeps pointing",
        lambda lr: optim.SGD(lr=lr, momentum=0.9), "sgd_momentum",
    ),
    "nesterov": Racer(
        "nesterov", "Nesterov", "is momentum that looks one step ahead before it steps",
        lambda lr: optim.SGD(lr=lr, momentum=0.9, nesterov=True), "nesterov",
    ),
    "rmsprop": Racer(
        "rmsprop", "RMSProp", "evens out the step sizes across directions, dividing by the "
        "recent size of each gradient",
        lambda lr: optim.RMSProp(lr=lr), "rmsprop",
    ),
    "adam": Racer(
        "adam", "Adam", "is momentum on top of RMSProp's even step sizes",
        lambda lr: optim.Adam(lr=lr), "adam",
    ),
    "adamw": Racer(
        "adamw", "AdamW", "is Adam plus a small pull of the weights towards 0 at every step",
        lambda lr: optim.AdamW(lr=lr), "adamw",
    ),
    "adagrad": Racer(
        "adagrad", "Adagrad", "divides by all the gradients it has ever seen, so its steps "
        "keep shrinking",
        lambda lr: optim.Adagrad(lr=lr), "adagrad",
    ),
}  # fmt: skip
ALIASES = {"sgd_momentum": "momentum", "nag": "nesterov", "rms_prop": "rmsprop", "gd": "sgd"}


def racer(name: str) -> Racer:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in RACERS:
        raise AgentInputError(f"unknown optimizer {name!r}", hint="one of: " + ", ".join(RACERS))
    return RACERS[key]


@dataclass(frozen=True)
class Run:
    """One optimizer's path: ``path[t]`` is the point after t steps (``path[0]`` the start)."""

    name: str
    label: str
    lr: float | None
    path: Array
    losses: Array
    chain: str  # the optimizer's own description of its chain of agents
    says: str  # what it did here, measured on its path
    reached: int | None  # steps to the bottom (or off the saddle); None if it never got there

    @property
    def steps(self) -> int:
        return len(self.path) - 1


Entrant = str | optim.Optimizer | tuple[str, optim.Optimizer]
"""Who can race: a named racer (``"adam"``), any ``nn.optim.Optimizer`` (labelled by its name),
or ``(label, optimizer)``: an optimizer read from a formula, say, labelled by that formula."""


def _entrant(who: Entrant) -> tuple[str | optim.Optimizer, str | None]:
    if isinstance(who, tuple):
        if len(who) != 2 or not isinstance(who[0], str) or not isinstance(who[1], optim.Optimizer):
            raise AgentInputError("a labelled entrant is (label, optimizer), e.g. ('my Adam', nn.optim.Adam())")
        return who[1], who[0]
    if not isinstance(who, str | optim.Optimizer):
        hint = "a name, an nn.optim.Optimizer, or (label, optimizer)"
        raise AgentInputError(f"not an optimizer: {type(who).__name__}", hint=hint)
    return who, None


def run(
    who: Entrant,
    on: str | Surface = "valley",
    *,
    lr: float | None = None,
    steps: int | None = None,
    label: str | None = None,
) -> Run:
    """Run one optimizer on a surface: the engine's optimizer, fed the surface's gradient.

    ``who`` is a racer's name (its learning rate tuned for each surface, or ``lr``), or any
    :class:`thirdroad.nn.optim.Optimizer`, which runs as built (a copy: the one given keeps no
    state), labelled ``label`` or by its name."""
    land = surface(on) if isinstance(on, str) else on
    count = land.steps if steps is None else steps
    if count < 1:
        raise AgentInputError(f"need at least one step; got {count}")
    who, given = _entrant(who)
    if isinstance(who, str):
        r = racer(who)
        rate = land.lr[r.name] if lr is None else lr
        opt, name, label, trait = r.make(rate), r.name, label or given or r.label, r.trait
    else:
        if lr is not None:
            raise AgentInputError("give lr to the optimizer itself, not to the race")
        opt, name, trait, rate = copy.deepcopy(who), who.name, "", None
        label = label or given or who.name
    point = Variable(np.array(land.start, dtype=np.float64))
    path = [point.numpy().copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(count):
            gx, gy = land.grad(*(float(v) for v in path[-1]))
            opt.apply_gradients([(np.array([gx, gy]), point)])
            path.append(point.numpy().copy())
            if not np.all(np.isfinite(path[-1])):
                break
        trail = np.array(path)
        losses = np.array([land.fn(x, y) for x, y in trail])
    reached = _reached(land, losses)
    named = label if rate is None else f"{label} (lr {fmt.num(rate)})"
    says = _behaviour(named, trait, land, trail, losses, reached)
    return Run(name, label, rate, trail, losses, opt.describe(), says, reached)


def _reached(land: Surface, losses: Array) -> int | None:
    target = ESCAPE if land.lowest is None else land.lowest + REACH
    hits = np.flatnonzero(losses < target) if land.lowest is None else np.flatnonzero(losses <= target)
    return int(hits[0]) if hits.size else None


def _behaviour(label: str, trait: str, land: Surface, path: Array, losses: Array, reached: int | None) -> str:
    head = f"{label} {trait}." if trait else f"{label}."
    steps = len(path) - 1
    if not np.all(np.isfinite(path)):
        return f"{head} Here it blew up: the steps grew without bound after {steps} steps."
    moves = np.diff(path, axis=0)
    # a zigzag: some coordinate of the step flips sign from one step to the next
    flips = (moves[1:] * moves[:-1] < 0) & (np.abs(moves[1:]) > 1e-12) & (np.abs(moves[:-1]) > 1e-12)
    turns = int(np.sum(flips.any(axis=1)))
    rises = int(np.sum(np.diff(losses) > 1e-12 * np.maximum(1.0, np.abs(losses[:-1]))))
    if land.lowest is None:
        where = (
            f"it rolled off the saddle (loss below {fmt.num(ESCAPE)}) after {reached} steps"
            if reached is not None
            else f"it lingered near the saddle: loss {fmt.num(losses[-1])} after {steps} steps"
        )
    elif reached is not None:
        where = f"it got within {fmt.num(REACH)} of the lowest loss after {reached} steps"
    else:
        assert land.minimum is not None
        gap = float(np.linalg.norm(path[-1] - np.array(land.minimum)))
        where = f"after {steps} steps it was at loss {fmt.num(losses[-1])}, still {fmt.num(gap)} from the lowest point"
    how = []
    if turns >= max(3, steps // 3):
        how.append(f"it zigzags (turned back on {turns} of {steps} steps)")
    if rises >= 3 and land.lowest is None:
        how.append(f"it swings back and forth across the ridge (the loss went up on {rises} steps)")
    elif rises >= 3:
        settled = reached is not None or rises < steps // 4
        how.append(
            f"it overshoots and {'settles' if settled else 'keeps swinging'} (the loss went up on {rises} steps)"
        )
    sizes = np.linalg.norm(moves, axis=1)
    if reached is None and sizes[0] > 0 and sizes[-1] < 0.01 * sizes[0] and land.lowest is not None:
        how.append(f"its steps shrank to {fmt.num(100 * sizes[-1] / sizes[0], 2)}% of the first")
    if not how and rises == 0:
        how.append("it went steadily downhill")
    return f"{head} Here {where}; {fmt.and_join(how)}."


@dataclass(frozen=True)
class Race:
    """Several optimizers from the same start on the same surface."""

    surface: Surface
    runs: tuple[Run, ...]

    def describe(self) -> str:
        land = self.surface
        lines = [f"{land.title}, f(x, y) = {land.formula}: {land.about}. Everyone starts at {fmt.vector(land.start)}."]
        lines += [f"- {r.says}" for r in self.runs]
        done = [r for r in self.runs if r.reached is not None]
        if done:
            best = min(done, key=lambda r: r.reached or 0)
            goal = "off the saddle" if land.lowest is None else "to the bottom"
            lines.append(f"First {goal}: {best.label}, in {best.reached} steps.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        """In a notebook: one sentence per optimizer, then their paths over the surface."""
        from thirdroad.agents._html import agent_html

        return agent_html(self.describe(), self.plot(), f"the optimizers' paths over the {self.surface.name} surface")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: each optimizer's end point, loss, steps to the goal and words."""
        return {
            "surface": self.surface.name,
            "formula": self.surface.formula,
            "start": list(self.surface.start),
            "runs": [
                {
                    "optimizer": r.name,
                    "label": r.label,
                    "lr": r.lr,
                    "steps": r.steps,
                    "end": [float(v) for v in r.path[-1]],
                    "loss": float(r.losses[-1]),
                    "reached": r.reached,
                    "says": r.says,
                }
                for r in self.runs
            ],
        }

    def plot(self, path: str | Path | None = None) -> Figure:
        """The paths over the contour map, and the loss curves."""
        from thirdroad.agents._race_plots import plot_race

        return plot_race(self, path)


def race(
    on: str | Surface = "rosenbrock",
    optimizers: Sequence[Entrant] | None = None,
    *,
    steps: int | None = None,
    lr: dict[str, float] | None = None,
) -> Race:
    """Race optimizers (default: all seven named racers) on a surface (bowl, valley,
    rosenbrock, beale, saddle) from its start point; ``lr`` overrides the named racers'
    learning rates by name. Any ``nn.optim.Optimizer`` may race too, alone or as
    ``(label, optimizer)``:

    >>> race("valley", ["adam", "rmsprop", ("v = βv + (1-β)dW ...", optimizer_read_from_a_formula)])
    """
    land = surface(on) if isinstance(on, str) else on
    chosen = list(RACERS) if optimizers is None else list(optimizers)
    if not chosen:
        raise AgentInputError("a race needs at least one optimizer")
    rates = lr or {}
    runs = []
    for entry in chosen:
        who, label = _entrant(entry)
        if isinstance(who, str):
            runs.append(run(who, land, lr=rates.get(racer(who).name), steps=steps, label=label))
        else:
            runs.append(run(who, land, steps=steps, label=label))
    return Race(land, tuple(runs))


class OptimizerAgent:
    """What an optimizer does: its chain of agents in words, and how it moves on a surface."""

    def __init__(self, who: str | optim.Optimizer, *, lr: float | None = None, on: str = "valley") -> None:
        self.surface = surface(on)
        self.lr: float | None = lr
        if isinstance(who, str):
            self.racer: Racer | None = racer(who)
            self.name = self.racer.name
            rate = self.surface.lr[self.name] if lr is None else lr
            self.lr, self.optimizer = rate, self.racer.make(rate)
        elif isinstance(who, optim.Optimizer):
            if lr is not None:
                raise AgentInputError("give lr to the optimizer itself, not to the agent")
            self.racer, self.name, self.lr, self.optimizer = None, who.name, None, who
        else:
            raise AgentInputError(f"not an optimizer: {type(who).__name__}")

    @property
    def concept(self) -> str | None:
        """The catalog id (``thirdroad.concepts``) of this optimizer, when it is a named one."""
        return None if self.racer is None else self.racer.concept

    def run(self, on: str | Surface | None = None, *, steps: int | None = None) -> Run:
        land = self.surface if on is None else (surface(on) if isinstance(on, str) else on)
        if self.racer is None:
            return run(self.optimizer, land, steps=steps)
        rate = self.lr if land is self.surface else None
        return run(self.racer.name, land, lr=rate, steps=steps)

    def describe(self) -> str:
        """The chain of agents (from the engine), then what it did on this agent's surface."""
        done = self.run()
        land = self.surface
        return "\n".join(
            [
                self.optimizer.describe(),
                f"On the {land.title.lower()} f(x, y) = {land.formula}, from {fmt.vector(land.start)}"
                + (f" with lr {fmt.num(self.lr)}:" if self.lr is not None else ":"),
                done.says,
            ]
        )

    def plot(self, path: str | Path | None = None, on: str | None = None) -> Figure:
        from thirdroad.agents._race_plots import plot_race

        land = self.surface if on is None else surface(on)
        done = self.run(land)
        return plot_race(Race(land, (done,)), path, title=done.says)

    def __repr__(self) -> str:
        return f"<OptimizerAgent {self.name}{'' if self.lr is None else f' lr={self.lr:g}'}>"

    def _repr_html_(self) -> str:
        """In a notebook: what the optimizer does, then its path on a surface."""
        from thirdroad.agents._html import agent_html

        return agent_html(self.describe(), self.plot(), f"the path of {self.name} on a surface")


__all__ = ["RACERS", "SURFACES", "Entrant", "OptimizerAgent", "Race", "Racer", "Run", "race", "run"]
