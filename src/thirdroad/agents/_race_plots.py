"""The race in pictures: paths over the contour map, and loss curves."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from thirdroad.agents import _draw

if TYPE_CHECKING:
    from thirdroad.agents.optimizer import Race

COLORS = {
    "sgd": "#1f77b4", "momentum": "#ff7f0e", "nesterov": "#8c564b", "rmsprop": "#2ca02c",
    "adam": "#d62728", "adamw": "#e377c2", "adagrad": "#9467bd",
}  # fmt: skip


def _line(name: str) -> str:
    """A named racer draws a solid line; an optimizer read from a formula a dashed black one, so
    it shows where it runs along another."""
    return "-" if name in COLORS else "--"


def plot_race(race: Race, path: str | Path | None = None, title: str | None = None) -> Figure:
    land = race.surface
    fig = _draw.new_figure(13, 5.6)
    field, curves = fig.subplots(1, 2, width_ratios=[1.25, 1])
    x0, x1, y0, y1 = land.view
    xs, ys = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    zs = land.fn(xs, ys)
    if land.log_contours:
        levels = np.logspace(np.log10(max(zs.min(), 1e-3)), np.log10(zs.max()), 25)
        field.contourf(xs, ys, zs, levels=levels, norm=LogNorm(), cmap="Greys", alpha=0.35)
        field.contour(xs, ys, zs, levels=levels, norm=LogNorm(), colors="#777777", linewidths=0.5)
    else:
        field.contourf(xs, ys, zs, levels=25, cmap="Greys", alpha=0.35)
        field.contour(xs, ys, zs, levels=25, colors="#777777", linewidths=0.5)
    for r in race.runs:
        color = COLORS.get(r.name, "black")
        field.plot(r.path[:, 0], r.path[:, 1], _line(r.name), color=color, lw=1.6, label=r.label)
        field.plot(r.path[-1, 0], r.path[-1, 1], "o", color=color, ms=7, mec="white")
    field.plot(*land.start, "s", color="black", ms=8, label="start")
    if land.minimum is not None:
        field.plot(*land.minimum, "*", color="gold", ms=18, mec="black", label="lowest point")
    field.set_xlim(x0, x1)
    field.set_ylim(y0, y1)
    if (x1 - x0) <= 2 * (y1 - y0):  # true shapes (a round bowl looks round), unless far too flat
        field.set_aspect("equal")
    field.set_xlabel("x")
    field.set_ylabel("y")
    field.legend(fontsize=8, loc="best")
    field.set_title(f"{land.title}: f(x, y) = {land.formula}", fontsize=10)
    lowest = land.lowest
    for r in race.runs:
        color = COLORS.get(r.name, "black")
        steps = np.arange(len(r.losses))
        style = {"color": color, "lw": 1.6, "label": r.label, "linestyle": _line(r.name)}
        if lowest is None:
            curves.plot(steps, r.losses, **style)
        else:
            curves.plot(steps, np.maximum(r.losses - lowest, 1e-16), **style)
    if lowest is None:
        curves.set_yscale("symlog")
        curves.set_ylabel("loss")
    else:
        curves.set_yscale("log")
        curves.set_ylabel("loss above the lowest point")
    curves.set_xlabel("step")
    curves.grid(alpha=0.3)
    curves.legend(fontsize=8)
    curves.set_title("loss, step by step", fontsize=10)
    _draw.suptitle(fig, title or f"{land.title}: {land.about}")
    return _draw.finish(fig, path)
