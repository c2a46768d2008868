"""The agents' pictures are laid out by counting lines of text (``_draw.lay_out``), not by
measuring it: checked here on the drawn text of every kind of picture, measured after drawing.
Every title, axis label and tick label lies inside the figure, and none covers another or
another panel."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, FixedLocator
from matplotlib.transforms import Bbox

from thirdroad.agents import ActivationAgent, agent, race
from thirdroad.agents._race_plots import power_of_ten

PICTURES: dict[str, Callable[[], Figure]] = {
    "2x2 matrix": lambda: agent("[[1.64, -0.5], [-0.5, 1.64]]").plot(),
    "2x2 matrix, far reaching": lambda: agent("[[12, -7], [3, 9.5]]").plot(),
    "4x4 matrix": lambda: agent(np.arange(16.0).reshape(4, 4) - 7.5).plot(),
    "5x3 matrix": lambda: agent("[[1,2,3],[4,5,6],[7,8,10],[1,0,0],[0,1,0]]").plot(),
    "2x2 permutation": lambda: agent("[[0,1],[1,0]]").plot(),
    "4x4 permutation": lambda: agent(np.eye(4)[[1, 3, 0, 2]]).plot(),
    "svd story": lambda: agent("[[2,1],[1,3]]").svd().plot(),
    "lu story": lambda: agent(np.arange(16.0).reshape(4, 4) + np.eye(4)).lu().plot(),
    "determinant story": lambda: agent("[[2,1],[1,3]]").determinant().plot(),
    **{f"activation {name}": (lambda name=name: ActivationAgent(name).plot())
       for name in ("relu", "gelu", "softmax", "log_softmax", "glu", "hardshrink")},
    **{f"race on {name}": (lambda name=name: race(name, ["sgd", "momentum", "adam"]).plot())
       for name in ("rosenbrock", "bowl", "valley", "beale", "saddle")},
    "race of 2 steps": lambda: race("valley", ["sgd", "adam"], steps=2).plot(),
}


def _shown(text: Text) -> bool:
    return text.get_visible() and bool(text.get_text().strip())


def _labels(ax: Axes) -> list[Text]:
    """An axes' title and axis labels, and the tick labels it shows."""
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label]
    if ax.axison:
        for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            low, high = min(low, high), max(low, high)
            texts += [tick.label1 for tick in axis.get_major_ticks() if low <= tick.get_loc() <= high]
    return [t for t in texts if _shown(t)]


def _overlap(a: Bbox, b: Bbox, slack: float = 1.0) -> bool:
    return a.x0 + slack < b.x1 and b.x0 + slack < a.x1 and a.y0 + slack < b.y1 and b.y0 + slack < a.y1


@pytest.mark.parametrize("name", list(PICTURES))
def test_the_text_of_a_picture_fits(name: str) -> None:
    fig = PICTURES[name]()
    fig.set_dpi(72)  # as the web app draws it
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    whole = fig.bbox
    flat = [ax for ax in fig.axes if ax.name != "3d"]
    suptitle = [t for t in fig.findobj(Text) if t.axes is None and _shown(t) and t.get_text() == fig.get_suptitle()]
    owned: list[tuple[Axes | None, Text, Bbox]] = [(None, t, t.get_window_extent(renderer)) for t in suptitle]
    for ax in flat:
        owned += [(ax, t, t.get_window_extent(renderer)) for t in _labels(ax)]
    assert owned, "a picture says something"
    for _, text, box in owned:
        inside = whole.x0 - 1 <= box.x0 and box.x1 <= whole.x1 + 1 and whole.y0 - 1 <= box.y0 and box.y1 <= whole.y1 + 1
        assert inside, f"{text.get_text()!r} reaches out of the picture: {box} in {whole}"
    for k, (ax, text, box) in enumerate(owned):
        for _, other, other_box in owned[k + 1:]:
            assert not _overlap(box, other_box), f"{text.get_text()!r} covers {other.get_text()!r}"
        for panel in flat:
            if panel is not ax and panel.axison:
                assert not _overlap(box, panel.get_window_extent(renderer)), \
                    f"{text.get_text()!r} covers another panel"


@pytest.mark.parametrize(
    ("value", "label"),
    [(1.0, "10⁰"), (10.0, "10¹"), (1e-3, "10⁻³"), (1e-16, "10⁻¹⁶"), (-100.0, "−10²"), (0.0, "0"), (0.5, "0.5"),
     (-2e-5, "−2e\u221205")],
)
def test_log_scale_tick_labels_are_powers_of_ten_in_unicode(value: float, label: str) -> None:
    assert power_of_ten(value) == label


@pytest.mark.parametrize("name", ["2x2 matrix", "4x4 matrix", "activation relu", "activation softmax", "race on bowl"])
def test_the_ticks_made_are_matplotlib_s_ticks_in_view(name: str) -> None:
    fig = PICTURES[name]()
    fig.canvas.draw()
    checked = 0
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "linear" or not ax.axison:
                continue
            low, high = sorted(axis.get_view_interval())
            automatic = AutoLocator()
            automatic.set_axis(axis)
            expected = [t for t in automatic() if low - 1e-9 <= t <= high + 1e-9]
            if isinstance(axis.get_major_locator(), FixedLocator):
                continue  # ticks set by hand (a table's rows and columns)
            assert list(axis.get_majorticklocs()) == pytest.approx(expected)
            checked += 1
    assert checked >= 1
