"""The race in pictures: paths over the contour map, and loss curves."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator
from numpy.typing import NDArray

from thirdroad.agents import _draw
from thirdroad.agents._figures import new_panels

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


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float, _position: object = None) -> str:
    """A tick label of a log scale: ``10⁻³`` for a power of ten (written in Unicode, so it is
    laid out as plain text, not parsed as mathematics for each new picture), ``0``, or the number."""
    if value == 0:
        return "0"
    exponent = round(float(np.log10(abs(value))))
    if not np.isclose(abs(value), 10.0**exponent, rtol=1e-9):
        return f"{value:g}".replace("-", "\u2212")
    return ("\u2212" if value < 0 else "") + "10" + str(exponent).translate(_SUPERSCRIPT)


def _loss_curves(ax: Axes, race: Race) -> None:
    """Each racer's loss, step by step, on a log scale: above the lowest point where the surface
    has one (the saddle has none: its loss itself, on a scale symmetric around 0)."""
    lowest = race.surface.lowest
    shown = []
    for r in race.runs:
        shown.append(r.losses if lowest is None else np.maximum(r.losses - lowest, 1e-16))
        ax.plot(np.arange(len(r.losses)), shown[-1], color=COLORS.get(r.name, "black"), lw=1.6, label=r.label,
                linestyle=_line(r.name))
    ax.set_ylabel("loss" if lowest is None else "loss above the lowest point")
    _loss_scale(ax, shown, symmetric=lowest is None)
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _draw.panel_title(ax, "loss, step by step")


def _loss_scale(ax: Axes, shown: list[NDArray[np.float64]], *, symmetric: bool) -> None:
    """A log scale for the losses (symmetric around 0 when they go below it), powers of ten
    labelled; with two decades or more on show, no marks between the labelled ones."""
    ax.set_yscale("symlog" if symmetric else "log")
    ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
    values = np.abs(np.concatenate(shown))
    values = values[np.isfinite(values) & (values > 0)]
    if symmetric or (values.size and values.max() >= 100 * values.min()):
        ax.yaxis.set_minor_locator(NullLocator())


def plot_race(race: Race, path: str | Path | None = None, title: str | None = None) -> Figure:
    land = race.surface
    fig, (field, curves) = new_panels("race", 13, 5.6, "22", (1.25, 1))
    x0, x1, y0, y1 = land.view
    # 150 points a side: a cell is about two pixels of the panel, finer than a contour line shows
    xs, ys = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
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
    _draw.panel_title(field, f"{land.title}: f(x, y) = {land.formula}")
    _loss_curves(curves, race)
    _draw.suptitle(fig, title or f"{land.title}: {land.about}")
    return _draw.finish(fig, path)
