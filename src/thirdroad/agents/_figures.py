"""Figures kept from one picture to the next, for a program that draws many (the web app).

Most of a new picture's cost is not its own lines and text but matplotlib's furniture: a new
panel builds its axes, spines and title texts, and every tick on it is five artists made with
copies of the first tick's properties (about a millisecond a tick, and a picture has 20 to 40).
Inside :func:`figures_reused`, a picture is drawn on the figure and panels that the last
picture of the same kind left in this thread: its own artists are taken off, the panels are set
back to what a new panel has (limits, scales, aspect, title, labels, grid, colour cycle), and
the furniture (ticks, spines, the canvas and its renderer, whose text measurements are kept) is
drawn again instead of built again. Each kind of picture (``kind``: one drawing function and
branch) has its own figure, so a panel is only ever reused by the same code, which sets the
same properties (tick sizes, label sizes) again every time.

A figure handed out inside the block is good until the next picture of its kind is drawn in
that thread inside such a block (the web app turns it into a PNG at once). Outside the block,
every picture has a new figure of its own, as before. Figures are kept per thread
(``threading.local``): two threads never draw on the same one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib is imported when the first picture is drawn, not with the package
    from matplotlib.figure import Figure

#: How many figures a thread keeps (the kinds of picture the web app draws, with room).
KEPT = 12

Key = tuple[str, float, float, str, tuple[float, ...] | None]


class _Kept(threading.local):
    def __init__(self) -> None:
        self.depth = 0  # how many figures_reused blocks this thread is in
        self.figures: OrderedDict[Key, tuple[Figure, list[Any]]] = OrderedDict()
        self.lent: set[Key] = set()  # handed out in the current block: not handed out again


_kept = _Kept()


@contextmanager
def figures_reused() -> Iterator[None]:
    """Within this block, pictures are drawn on the figures the last pictures of the same kinds
    left in this thread (each still looks exactly as on a new figure)."""
    _kept.depth += 1
    try:
        yield
    finally:
        _kept.depth -= 1
        if _kept.depth == 0:
            _kept.lent.clear()


def new_panels(kind: str, width: float, height: float, layout: str,
               width_ratios: tuple[float, ...] | None = None) -> tuple[Figure, list[Any]]:
    """A figure of ``width`` x ``height`` inches and its panels in one row, one a letter of
    ``layout``: ``"2"`` a plane, ``"3"`` a 3-D panel. Inside :func:`figures_reused`, the figure
    of the last picture of this ``kind`` and size (one drawing function and branch), cleared."""
    key: Key = (kind, width, height, layout, width_ratios)
    if _kept.depth and key not in _kept.lent:
        _kept.lent.add(key)
        kept = _kept.figures.get(key)
        if kept is not None:
            _kept.figures.move_to_end(key)
            for ax in kept[1]:
                _reset(ax)
            return kept
        made = _made(width, height, layout, width_ratios)
        _kept.figures[key] = made
        while len(_kept.figures) > KEPT:
            _kept.figures.popitem(last=False)
        return made
    return _made(width, height, layout, width_ratios)


def _made(width: float, height: float, layout: str,
          width_ratios: tuple[float, ...] | None) -> tuple[Figure, list[Any]]:
    from thirdroad.agents import _draw

    if not layout or set(layout) - {"2", "3"}:
        raise ValueError(f"a panel is '2' or '3', not {layout!r}")
    fig = _draw.new_figure(width, height, three_d="3" in layout)
    grid = fig.add_gridspec(1, len(layout), width_ratios=width_ratios)
    panels = [fig.add_subplot(grid[0, k], projection="3d" if p == "3" else None) for k, p in enumerate(layout)]
    return fig, panels


def _reset(ax: Any) -> None:
    """A panel as a new one is, for the same code to draw on again: its own artists taken off,
    and what drawing on it set (limits and autoscaling, scales with their tick locators and
    labels, aspect, frame, title, axis labels, grid, colour cycle) set back."""
    for group in (ax.lines, ax.patches, ax.collections, ax.texts, ax.images, ax.artists, ax.tables):
        for artist in list(group):
            artist.remove()
    ax.containers.clear()  # their artists are gone with the patches and lines
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.relim()
    ax.set_prop_cycle(None)
    ax.set_axis_on()
    ax.set_title("")
    ax.set_xlabel("")
    ax.set_ylabel("")
    if ax.name == "3d":
        ax.set_zlabel("")
        return  # its drawing sets its limits, ticks and box itself (draw_space)
    ax.set_xscale("linear")
    ax.set_yscale("linear")
    ax.set_aspect("auto")
    ax.grid(False)
    ax.set_xlim(0, 1, auto=True)
    ax.set_ylim(0, 1, auto=True)
