"""Shared drawing helpers. Figures are made without pyplot: each ``Figure`` has its own Agg
canvas, so nothing is registered globally, nothing needs closing, and a notebook's or a GUI's
backend is left alone. (The web app still draws in worker processes, not threads: some of
matplotlib's state, the mathtext parser behind log-scale tick labels, is shared by every figure
of a process.)"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import AutoLocator
from numpy.typing import NDArray

from thirdroad.agents._errors import AgentInputError

FloatMatrix = NDArray[np.float64]

E1_COLOR = "#d62728"  # red: where the first basis vector goes
E2_COLOR = "#1f77b4"  # blue: the second
E3_COLOR = "#2ca02c"  # green: the third
SHAPE_COLOR = "#ff7f0e"
CIRCLE_COLOR = "#9467bd"
GRID_COLOR = "#bbbbbb"
SAVE_SUFFIXES = (".png", ".svg", ".pdf")


def new_figure(width: float, height: float, *, three_d: bool = False) -> Figure:
    """A figure with its own canvas. Its margins are set by ``finish`` from the lines of text
    around the panels (``lay_out``); 3-D panels keep the fixed margins given here."""
    fig = Figure(figsize=(width, height))
    if three_d:
        fig.subplots_adjust(left=0.02, right=0.95, top=0.8, bottom=0.04, wspace=0.15)
    FigureCanvasAgg(fig)
    return fig


def panel_title(ax: Axes, text: str, fontsize: float = 10) -> None:
    """A panel's title, just above the panel (placed, not measured: its panels have no tick
    labels on top that it would have to clear)."""
    ax.set_title(text, fontsize=fontsize, y=1.0)


def wrap(text: str, width: int = 38) -> str:
    return textwrap.fill(text, width)


def suptitle(fig: Figure, text: str) -> None:
    """A title over all panels, wrapped to the figure's width (about 11 characters an inch)."""
    width_inches = fig.get_size_inches()[0]
    fig.suptitle(wrap(text, int(width_inches * 11)), fontsize=11)


# Margins in inches, for text at the sizes these pictures use (10 pt ticks and labels, 10 pt
# panel titles, an 11 pt title over all). The constrained layout measured every piece of text
# twice before the picture was drawn (half the time of a picture); counting the lines is enough.
_TICK_LABELS = 0.5  # beside a panel: tick labels like "-12.5" and the ticks
_TICKS_BELOW = 0.28  # under a panel: a line of tick labels and the ticks
_AXIS_LABEL = 0.2  # a line of an axis label
_TITLE_LINE = 0.17  # a line of a panel's title
_SUPTITLE_LINE = 0.19  # a line of the title over all panels
_EDGE = 0.08  # free space along the figure's edges


def _lines(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def lay_out(fig: Figure) -> None:
    """Margins and the gaps between panels from the lines of text around them: the title over
    all (wrapped), the panels' titles, their axis labels and tick labels. A figure with a 3-D
    panel keeps the margins ``new_figure`` gave it."""
    panels = [ax for ax in fig.axes if ax.get_subplotspec() is not None]
    specs = [spec for ax in panels if (spec := ax.get_subplotspec()) is not None]
    if not specs or any(ax.name == "3d" for ax in panels):
        return
    width, height = fig.get_size_inches()
    framed = [ax for ax in panels if ax.axison]
    tick_labels = _TICK_LABELS if framed else 0.0
    side = tick_labels + _AXIS_LABEL * max((_lines(ax.get_ylabel()) for ax in framed), default=0)
    suptitle = fig.get_suptitle()
    top = (_EDGE + _SUPTITLE_LINE * _lines(suptitle) + 0.05 * bool(suptitle)
           + _TITLE_LINE * max(_lines(ax.get_title()) for ax in panels) + 0.1)
    bottom = _EDGE + (_TICKS_BELOW if framed else 0.0) \
        + _AXIS_LABEL * max((_lines(ax.get_xlabel()) for ax in framed), default=0)
    left, right = _EDGE + side, _EDGE + 0.12
    columns = max(spec.get_gridspec().ncols for spec in specs)
    gap = side + 0.3
    panel_width = (width - left - right - gap * (columns - 1)) / columns
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                        top=1 - top / height, wspace=gap / panel_width)


class _TicksInView(AutoLocator):
    """Matplotlib's automatic ticks, less those outside the panel's view: they are never drawn,
    but each would be made (a tick is five artists) and labelled on every drawing."""

    def __call__(self) -> Any:
        assert self.axis is not None
        low, high = sorted(self.axis.get_view_interval())
        slack = 1e-9 * (high - low)
        return [t for t in super().__call__() if low - slack <= t <= high + slack]


def _only_ticks_in_view(fig: Figure) -> None:
    for ax in fig.axes:
        if ax.name == "3d":
            continue
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_locator()) is AutoLocator:  # not ticks set by hand, nor a log scale's
                axis.set_major_locator(_TicksInView())


def finish(fig: Figure, path: str | Path | None) -> Figure:
    """Lay the figure out, save it when a path is given (.png, .svg or .pdf) and hand it back."""
    lay_out(fig)
    _only_ticks_in_view(fig)
    if path is not None:
        target = Path(path)
        if target.suffix.lower() not in SAVE_SUFFIXES:
            raise AgentInputError(
                f"can't save a picture as {target.suffix or 'a file without a suffix'!r}",
                hint="use a path ending in .png, .svg or .pdf",
            )
        fig.savefig(target, dpi=110)
    return fig


def plane_limits(maps: list[FloatMatrix]) -> float:
    """One half-width that fits the unit square and circle after every map, for shared axes."""
    angles = np.linspace(0, 2 * np.pi, 73)
    points = np.vstack([np.cos(angles), np.sin(angles)])
    square = np.array([[0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)
    reach = 1.0
    for m in maps:
        reach = max(reach, float(np.max(np.abs(m @ points))), float(np.max(np.abs(m @ square))))
    return 1.25 * reach


def draw_plane(ax: Axes, m: FloatMatrix, title: str, limit: float, prefix: str = "") -> None:
    """The plane after the 2x2 map ``m``: grid lines, unit square, unit circle, basis vectors
    (labelled ``prefix + "e1"``); the unit square before the map is dashed."""
    span = 2  # the grid of the plane before the map, from -2 to 2, carried along by it: one collection of lines
    ends = np.array([[(k, -span), (k, span)] for k in range(-span, span + 1)]
                    + [[(-span, k), (span, k)] for k in range(-span, span + 1)], dtype=float)
    ax.add_collection(LineCollection(list(ends @ m.T), colors=GRID_COLOR, linewidths=0.6, zorder=1), autolim=False)
    ax.axhline(0, color="#888888", lw=0.8, zorder=1)
    ax.axvline(0, color="#888888", lw=0.8, zorder=1)
    if not np.allclose(m, np.eye(2)):
        ax.plot([0, 1, 1, 0, 0], [0, 0, 1, 1, 0], color="#555555", lw=0.9, ls="--", zorder=2)
    square = m @ np.array([[0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)
    ax.fill(square[0], square[1], color=SHAPE_COLOR, alpha=0.35, zorder=2, label="unit square")
    ax.plot(*np.hstack([square, square[:, :1]]), color=SHAPE_COLOR, lw=1.2, zorder=2)
    angles = np.linspace(0, 2 * np.pi, 145)
    circle = m @ np.vstack([np.cos(angles), np.sin(angles)])
    ax.plot(circle[0], circle[1], color=CIRCLE_COLOR, lw=1.6, zorder=3, label="unit circle")
    for k, (color, name) in enumerate(((E1_COLOR, "e1"), (E2_COLOR, "e2"))):
        tip = m[:, k]
        ax.annotate(
            "",
            xy=(tip[0], tip[1]),
            xytext=(0, 0),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.2},
            zorder=4,
        )
        ax.annotate(
            prefix + name, xy=(tip[0], tip[1]), xytext=(4, 4), textcoords="offset points",
            color=color, fontsize=11, fontweight="bold", zorder=5,
        )  # fmt: skip
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    panel_title(ax, title)
    ax.tick_params(labelsize=8)


_CUBE_EDGES = [
    (a, b)
    for a in range(8)
    for b in range(a + 1, 8)
    if bin(a ^ b).count("1") == 1  # corners differing in one coordinate share an edge
]


def cube_corners() -> FloatMatrix:
    return np.array([[(i >> k) & 1 for i in range(8)] for k in range(3)], dtype=float)


def space_limit(maps: list[FloatMatrix]) -> tuple[float, float]:
    """Shared bounds for 3-D panels: the images of the unit cube, the origin, and a margin."""
    points = np.hstack([m @ cube_corners() for m in maps])
    low, high = min(-0.2, float(points.min())), max(1.0, float(points.max()))
    margin = 0.1 * (high - low)
    return low - margin, high + margin


def draw_space(ax: Any, m: FloatMatrix, title: str, limit: tuple[float, float], prefix: str = "") -> None:
    """The unit cube and the three basis vectors after the 3x3 map ``m`` (3-D axes)."""
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # type: ignore[import-untyped]

    corners = m @ cube_corners()
    faces = [[0, 1, 3, 2], [4, 5, 7, 6], [0, 1, 5, 4], [2, 3, 7, 6], [0, 2, 6, 4], [1, 3, 7, 5]]
    polys = [[tuple(corners[:, i]) for i in face] for face in faces]
    ax.computed_zorder = False  # basis arrows stay on top of the see-through cube
    ax.add_collection3d(
        Poly3DCollection(polys, facecolor=SHAPE_COLOR, alpha=0.15, edgecolor=SHAPE_COLOR, lw=0.8, zorder=1)
    )
    for k, color in enumerate((E1_COLOR, E2_COLOR, E3_COLOR)):
        ax.quiver(0, 0, 0, *m[:, k], color=color, lw=2.4, arrow_length_ratio=0.12, zorder=3)
        ax.text(
            *(m[:, k] * 1.08), f"{prefix}e{k + 1}", color=color, fontsize=10, fontweight="bold",
            zorder=4,
        )  # fmt: skip
    low, high = limit
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_zlim(low, high)
    ax.set_box_aspect((1, 1, 1))
    ax.set_xlabel("x", fontsize=8)
    ax.set_ylabel("y", fontsize=8)
    ax.set_zlabel("z", fontsize=8)
    ax.tick_params(labelsize=7)
    ticks = [round(low, 1), round(high, 1)]
    if min(-low, high) > 0.15 * (high - low):  # 0 only where it has room
        ticks.insert(1, 0.0)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_zticks(ticks)
    ax.set_title(title, fontsize=10)


def draw_table(ax: Axes, m: FloatMatrix, title: str, highlight: int | None = None) -> None:
    """A matrix as a grid of coloured cells with its numbers written in."""
    from thirdroad.agents import _format as fmt

    bound = max(1e-12, float(np.max(np.abs(m))))
    ax.imshow(m, cmap="RdBu_r", vmin=-1.6 * bound, vmax=1.6 * bound)  # pale colours, dark text
    rows, cols = m.shape
    if rows * cols <= 100:
        for i in range(rows):
            for j in range(cols):
                ax.text(j, i, fmt.num(m[i, j]), ha="center", va="center", fontsize=11)
    if highlight is not None:
        ax.add_patch(Rectangle((-0.5, highlight - 0.5), cols, 1, fill=False, edgecolor="black", lw=2.0))
    ax.set_xticks(range(cols), [str(j + 1) for j in range(cols)], fontsize=8)
    ax.set_yticks(range(rows), [str(i + 1) for i in range(rows)], fontsize=8)
    panel_title(ax, title)
