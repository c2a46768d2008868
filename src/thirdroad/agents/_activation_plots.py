"""Pictures of activations: the graph with its slope, and a sample vector before and after."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from thirdroad.agents import _draw
from thirdroad.agents import _format as fmt
from thirdroad.agents._figures import new_panels

if TYPE_CHECKING:
    from thirdroad.agents.activation import ActivationAgent

Array = NDArray[np.float64]
VALUE_COLOR = "#1f77b4"
SLOPE_COLOR = "#ff7f0e"


def plot_activation(agent: ActivationAgent, sample: Array, path: str | Path | None,
                    temperatures: tuple[float, ...]) -> Figure:
    """The agent's graph and what it does to ``sample``; a softmax's bars at each of ``temperatures``."""
    branch = "graph" if agent.elementwise else "glu" if agent.name == "glu" else "weights"
    fig, (graph, action) = new_panels(f"activation: {branch}", 11, 4.6, "22")
    if agent.elementwise:
        _graph(graph, agent, sample)
        _number_lines(action, agent, sample)
    elif agent.name == "glu":
        _glu_gate(graph, type(agent)("sigmoid"))
        _glu_bars(action, agent, sample)
    else:
        _softmax_curve(graph, agent, sample)
        _weights(action, agent, sample, temperatures)
    lines = agent.describe(sample).splitlines()
    _draw.suptitle(fig, lines[2] if agent.name in ("softmax", "softmin") else lines[0])
    return _draw.finish(fig, path)


def _graph(ax: Axes, agent: ActivationAgent, sample: Array) -> None:
    xs = np.linspace(-5, 5, 801)
    ax.axhline(0, color="#999999", lw=0.8)
    ax.axvline(0, color="#999999", lw=0.8)
    ax.plot(xs, agent(xs), color=VALUE_COLOR, lw=2.2, label=f"{agent.title}(x)")
    ax.plot(xs, agent.slope(xs), color=SLOPE_COLOR, lw=1.6, ls="--", label="slope")
    ax.plot(sample, agent(sample), "o", color=VALUE_COLOR, ms=6, zorder=3)
    ax.set_xlabel("input x")
    _draw.panel_title(ax, "the graph, and its slope (how much a small change gets through)")
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(alpha=0.3)


def _number_lines(ax: Axes, agent: ActivationAgent, sample: Array) -> None:
    """Two number lines: the inputs on top, the outputs below, an arrow for each number."""
    out = agent(sample)
    low = float(min(sample.min(), out.min(), -1.0))
    high = float(max(sample.max(), out.max(), 1.0))
    for y, label in ((1.0, "in"), (0.0, "out")):
        ax.plot([low, high], [y, y], color="#555555", lw=1.0)
        ax.text(low - 0.04 * (high - low), y, label, ha="right", va="center", fontsize=10)
    tiers_in, tiers_out = _tiers(sample, high - low), _tiers(out, high - low)
    colors = [f"C{k % 10}" for k in range(len(sample))]
    for y, values in ((1.0, sample), (0.0, out)):  # the numbers as dots, a row in one collection
        ax.scatter(values, np.full(len(values), y), s=36, c=colors, zorder=2)
    for k, (a, b) in enumerate(zip(sample, out, strict=True)):
        color = colors[k]
        ax.annotate("", xy=(b, 0.04), xytext=(a, 0.96),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.6})  # fmt: skip
        ax.text(a, 1.08 + 0.12 * tiers_in[k], fmt.num(a), ha="center", fontsize=9, color=color)
        ax.text(b, -0.16 - 0.12 * tiers_out[k], fmt.num(b), ha="center", fontsize=9, color=color)
    ax.set_xlim(low - 0.12 * (high - low), high + 0.05 * (high - low))
    ax.set_ylim(-0.2 - 0.12 * (max(tiers_out) + 1), 1.2 + 0.12 * (max(tiers_in) + 1))
    ax.axis("off")
    _draw.panel_title(ax, "what it does to a sample vector, number by number")


def _glu_gate(ax: Axes, gate: ActivationAgent) -> None:
    xs = np.linspace(-6, 6, 401)
    ax.plot(xs, gate(xs), color=VALUE_COLOR, lw=2.2, label="gate sigmoid(b)")
    ax.plot(xs, gate.slope(xs), color=SLOPE_COLOR, lw=1.6, ls="--", label="its slope")
    ax.set_xlabel("b (a number from the second half)")
    _draw.panel_title(ax, "the gate: how much of a gets through")
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(alpha=0.3)


def _glu_bars(ax: Axes, agent: ActivationAgent, sample: Array) -> None:
    half = len(sample) // 2
    a, b = sample[:half], sample[half:]
    out = agent(sample)
    positions = np.arange(half)
    width = 0.27
    gate = out / np.where(a == 0, 1.0, a)
    gate = np.where(a == 0, 1 / (1 + np.exp(-b)), gate)
    ax.bar(positions - width, a, width, color="#aaaaaa", label="a (first half)")
    ax.bar(positions, gate, width, color=SLOPE_COLOR, label="gate sigmoid(b)")
    ax.bar(positions + width, out, width, color=VALUE_COLOR, label="a x gate (output)")
    ax.set_xticks(positions, [f"number {k + 1}" for k in positions])
    ax.axhline(0, color="#555555", lw=0.8)
    ax.legend(fontsize=9)
    _draw.panel_title(ax, "half the vector gates the other half")


def _tiers(values: Array, span: float) -> list[int]:
    """A label row for each value, so labels of numbers that sit close together don't overlap."""
    tiers = [0] * len(values)
    placed: list[tuple[float, int]] = []
    for k in np.argsort(values):
        tier = 0
        while any(t == tier and abs(values[k] - v) < 0.09 * span for v, t in placed):
            tier += 1
        tiers[k] = tier
        placed.append((float(values[k]), tier))
    return tiers


_CURVES: dict[tuple[str, tuple[tuple[str, float], ...], tuple[float, ...]], tuple[Array, Array, Array]] = {}


def _moving_first_score(agent: ActivationAgent, sample: Array) -> tuple[Array, Array, Array]:
    """The first score's weight and its slope, at 401 places of that score, the others held at
    ``sample``'s: 802 evaluations that depend on nothing but the activation, its settings and the
    sample, so a process that draws the same activation again (the web app's workers) computes
    them once (the last 32 kept)."""
    key = (agent.name, tuple(sorted(agent.params.items())), tuple(float(v) for v in sample))
    if key not in _CURVES:
        xs = np.linspace(float(sample.min()) - 5, float(sample.max()) + 5, 401)
        weight, slope = np.empty_like(xs), np.empty_like(xs)
        scores = sample.astype(np.float64)
        for k, x in enumerate(xs):
            scores[0] = x
            weight[k] = agent(scores)[0]
            slope[k] = agent.jacobian(scores)[0, 0]
        for array in (xs, weight, slope):
            array.flags.writeable = False  # shared by every picture that asks
        if len(_CURVES) >= 32:
            _CURVES.pop(next(iter(_CURVES)))
        _CURVES[key] = (xs, weight, slope)
    return _CURVES[key]


def _softmax_curve(ax: Axes, agent: ActivationAgent, sample: Array) -> None:
    """The weight of the first score as that score moves, the others held fixed."""
    xs, weight, slope = _moving_first_score(agent, sample)
    ax.plot(xs, weight, color=VALUE_COLOR, lw=2.2, label="weight of score 1")
    ax.plot(xs, slope, color=SLOPE_COLOR, lw=1.6, ls="--", label="its slope")
    ax.plot([sample[0]], [agent(sample)[0]], "o", color=VALUE_COLOR)
    others = ", ".join(fmt.num(v) for v in sample[1:])
    ax.set_xlabel(f"score 1 (the other scores stay at {others})")
    _draw.panel_title(ax, "moving one score: its weight and the slope")
    ax.legend(loc="center left", fontsize=9)
    ax.grid(alpha=0.3)


def _weights(ax: Axes, agent: ActivationAgent, sample: Array, shown: tuple[float, ...]) -> None:
    temperatures = sorted({*shown, agent.params.get("temperature", 1.0)})
    if agent.name == "log_softmax":
        temperatures = [1.0]
    width = 0.8 / (len(temperatures) + 1)
    positions = np.arange(len(sample))
    ax.bar(positions - 0.4 + width / 2, sample, width, color="#aaaaaa", label="scores")
    for k, t in enumerate(temperatures):
        options = {"temperature": t} if agent.name != "log_softmax" else {}
        values = type(agent)(agent.name, **options)(sample)
        label = f"temperature {fmt.num(t)}" if agent.name != "log_softmax" else "log-weights"
        ax.bar(positions - 0.4 + width * (k + 1.5), values, width, label=label, color=f"C{k}")
    ax.set_xticks(positions, [f"score {k + 1}" for k in positions])
    ax.axhline(0, color="#555555", lw=0.8)
    ax.legend(fontsize=9)
    _draw.panel_title(ax, "scores in, weights out")
