"""Pictures of matrices and their stories."""

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
    from thirdroad.agents.matrix import MatrixAgent
    from thirdroad.agents.stories import Story

FloatMatrix = NDArray[np.float64]


def plot_matrix(agent: MatrixAgent, path: str | Path | None = None) -> Figure:
    m = agent.matrix
    rows, cols = agent.shape
    headline = agent.describe().splitlines()[0]
    if "permutation" in agent.kinds and rows > 1:
        fig = _plot_permutation(agent)
    elif (rows, cols) == (2, 2):
        fig, (before, after) = new_panels("matrix: planes", 10, 5.4, "22")
        limit = _draw.plane_limits([np.eye(2), m])
        _draw.draw_plane(before, np.eye(2), "before: the plane, unit square and circle", limit)
        _draw.draw_plane(after, m, "after M: " + _geometry_title(agent), limit, prefix="M")
    elif (rows, cols) == (3, 3):
        fig, (before, after) = new_panels("matrix: spaces", 10, 5.4, "33")
        bounds = _draw.space_limit([np.eye(3), m])
        _draw.draw_space(before, np.eye(3), "before: the unit cube", bounds)
        _draw.draw_space(after, m, "after M: " + _geometry_title(agent), bounds, prefix="M")
    else:
        fig, (table, bars) = new_panels("matrix: table", 10, 4.8, "22", (1.3, 1))
        _draw.draw_table(table, m, f"M ({rows}x{cols})")
        _singular_value_bars(bars, m)
    _draw.suptitle(fig, headline)
    return _draw.finish(fig, path)


def _geometry_title(agent: MatrixAgent) -> str:
    det = agent.determinant().value if agent.is_square else None
    if det is None:
        return ""
    return f"det = {fmt.num(det)}"


def _singular_value_bars(ax: Axes, m: FloatMatrix) -> None:
    s = np.linalg.svd(m, compute_uv=False)
    ax.bar(range(1, len(s) + 1), s, color=_draw.SHAPE_COLOR)
    ax.set_xticks(range(1, len(s) + 1))
    ax.set_xlabel("direction (largest stretch first)", fontsize=9)
    ax.set_ylabel("stretch factor", fontsize=9)
    _draw.panel_title(ax, "how much it stretches each direction\n(singular values)")


def _plot_permutation(agent: MatrixAgent) -> Figure:
    perm = agent.params_of("permutation")["perm"]
    n = len(perm)
    square = agent.shape in ((2, 2), (3, 3))
    three_d = agent.shape == (3, 3)
    layout = ("23" if three_d else "22") if square else "2"
    fig, panels = new_panels("matrix: permutation", 11 if square else 6.5, max(3.6, 0.55 * n + 2.2), layout)
    ax = panels[0]
    colors = [f"C{k % 10}" for k in range(n)]
    for i in range(n):
        y = n - 1 - i
        ax.text(0, y, f"row {i + 1} of A", ha="center", va="center", fontsize=11,
                bbox={"boxstyle": "round", "facecolor": colors[i], "alpha": 0.3})  # fmt: skip
        ax.text(3, y, f"row {i + 1} of M A", ha="center", va="center", fontsize=11,
                bbox={"boxstyle": "round", "facecolor": colors[perm[i]], "alpha": 0.3})  # fmt: skip
    for i, source in enumerate(perm):
        ax.annotate(
            "",
            xy=(2.25, n - 1 - i),
            xytext=(0.75, n - 1 - source),
            arrowprops={"arrowstyle": "-|>", "color": colors[source], "lw": 2.0},
        )
    ax.set_xlim(-0.9, 3.9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.axis("off")
    _draw.panel_title(ax, _draw.wrap("M A: " + agent.act_on_words("left"), 60))
    if square:
        m = agent.matrix
        after = panels[1]
        if agent.shape == (2, 2):
            limit = _draw.plane_limits([np.eye(2), m])
            _draw.draw_plane(after, m, "as a map on vectors", limit, prefix="M")
        else:
            bounds = _draw.space_limit([m])
            _draw.draw_space(after, m, "as a map: the unit cube after M", bounds, prefix="M")
    return fig


def plot_story(story: Story, path: str | Path | None = None) -> Figure:
    """One panel for the start and one for each step, showing everything done so far."""
    panels = [("start", story.start)] + [(s.says, s.result) for s in story.steps]
    shape = story.start.shape
    geometric = story.title != "LU" and shape in ((2, 2), (3, 3)) and all(r.shape == shape for _, r in panels)
    if story.title == "Determinant":
        return _plot_determinant(story, path)
    if story.title == "LU":
        panels.append(("L: the multipliers, undoing the steps", story.factors["L"]))
    count = len(panels)
    fig = _draw.new_figure(max(4.2 * count, 6), 4.9, three_d=geometric and shape == (3, 3))
    if geometric and shape == (2, 2):
        limit = _draw.plane_limits([r for _, r in panels])
        for k, (says, result) in enumerate(panels):
            ax = fig.add_subplot(1, count, k + 1)
            title = says if k == 0 else f"{k}. {says}"
            _draw.draw_plane(ax, result, _draw.wrap(title, 36), limit)
    elif geometric:
        bounds = _draw.space_limit([r for _, r in panels])
        for k, (says, result) in enumerate(panels):
            ax3 = fig.add_subplot(1, count, k + 1, projection="3d")
            title = says if k == 0 else f"{k}. {says}"
            _draw.draw_space(ax3, result, _draw.wrap(title, 36), bounds)
    else:
        for k, (says, result) in enumerate(panels):
            ax = fig.add_subplot(1, count, k + 1)
            changed = _changed_row(panels[k - 1][1], result) if k else None
            title = ("M" if story.title == "LU" else "I") if k == 0 else f"{k}. {says}"
            if story.title == "LU" and k == count - 1:
                title, changed = says, None
            _draw.draw_table(ax, result, _draw.wrap(title, 30), highlight=changed)
    _draw.suptitle(fig, f"{story.title}: {story.summary}")
    return _draw.finish(fig, path)


def _changed_row(before: FloatMatrix, after: FloatMatrix) -> int | None:
    if before.shape != after.shape:
        return None
    changed = [i for i in range(before.shape[0]) if not np.allclose(before[i], after[i])]
    return changed[-1] if len(changed) == 1 else None


def _plot_determinant(story: Story, path: str | Path | None) -> Figure:
    """The unit square (cube) before and after, titled with its new area (volume) and whether
    the map flipped it; for more dimensions, the matrix itself."""
    m = story.factors["M"]
    n = m.shape[0]
    value = story.value or 0.0
    flat = "flat" in story.summary
    if n == 2:
        fig = _draw.new_figure(10, 5.4)
        limit = _draw.plane_limits([np.eye(2), m])
        before, after = fig.subplots(1, 2)
        _draw.draw_plane(before, np.eye(2), "area 1; turning from e1 to e2 is counterclockwise", limit)
        if flat:
            title = "area 0: the square is flattened"
        elif value < 0:
            title = f"area {fmt.num(abs(value))}; flipped: from Me1 to Me2 now turns clockwise"
        else:
            title = f"area {fmt.num(value)}; from Me1 to Me2 still turns counterclockwise"
        _draw.draw_plane(after, m, title, limit, prefix="M")
    elif n == 3:
        fig = _draw.new_figure(10, 5.4, three_d=True)
        bounds = _draw.space_limit([np.eye(3), m])
        before = fig.add_subplot(1, 2, 1, projection="3d")
        after = fig.add_subplot(1, 2, 2, projection="3d")
        _draw.draw_space(before, np.eye(3), "volume 1: e1, e2, e3 form a right hand", bounds)
        if flat:
            title = "volume 0: the cube is flattened"
        elif value < 0:
            title = f"volume {fmt.num(abs(value))}; flipped: Me1, Me2, Me3 form a left hand"
        else:
            title = f"volume {fmt.num(value)}; Me1, Me2, Me3 still form a right hand"
        _draw.draw_space(after, m, title, bounds, prefix="M")
    else:
        fig = _draw.new_figure(6, 5)
        _draw.draw_table(fig.add_subplot(1, 1, 1), m, f"M: det = {fmt.num(value)}")
    _draw.suptitle(fig, story.summary)
    return _draw.finish(fig, path)
