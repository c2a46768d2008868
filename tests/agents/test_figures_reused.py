"""Pictures drawn inside ``figures_reused`` (the web app's drawing workers) are the pictures drawn
on new figures, pixel for pixel, whatever was drawn on the kept figure before; the figures are
really kept, only inside the block, one per thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.figure import Figure

from thirdroad.agents import ActivationAgent, MatrixAgent, figures_reused, race

# every kind of picture the web app draws, and within a kind what changes a panel's state: an
# identity (no dashed square), a flat map, tables of other sizes, permutations with and without
# a 3-D panel, the three branches of an activation's picture, races on a log scale (equal
# aspect or not) and on a symmetric log scale
PICTURES: dict[str, Callable[[], Figure]] = {
    "2x2": lambda: MatrixAgent([[1.5, 0.5], [-0.25, 1.0]]).plot(),
    "2x2 flat": lambda: MatrixAgent([[1, 2], [2, 4]]).plot(),
    "2x2 identity": lambda: MatrixAgent([[1, 0], [0, 1]]).plot(),
    "3x3": lambda: MatrixAgent([[2, 0, 0], [0, 1, 0.5], [0, 0, -1]]).plot(),
    "3x3 shear": lambda: MatrixAgent([[1, 0.2, 0], [0.3, 1, 0.5], [0, 0.1, 3]]).plot(),
    "4x4": lambda: MatrixAgent([[1, 2, 3, 4], [0, 1, 2, 3], [0, 0, 1, 2], [1, 0, 0, 1]]).plot(),
    "2x3": lambda: MatrixAgent([[1, 2, 3], [0, 1, 2]]).plot(),
    "permutation 3": lambda: MatrixAgent([[0, 0, 1], [1, 0, 0], [0, 1, 0]]).plot(),
    "permutation 2": lambda: MatrixAgent([[0, 1], [1, 0]]).plot(),
    "relu": lambda: ActivationAgent("relu").plot(),
    "tanh": lambda: ActivationAgent("tanh").plot(),
    "softmax": lambda: ActivationAgent("softmax").plot(),
    "log_softmax": lambda: ActivationAgent("log_softmax").plot(),
    "glu": lambda: ActivationAgent("glu").plot(),
    "race rosenbrock": lambda: race("rosenbrock", ["sgd", "adam"], steps=60).plot(),
    "race valley": lambda: race("valley", ["momentum"], steps=60).plot(),
    "race saddle": lambda: race("saddle", ["rmsprop", "adam"], steps=60).plot(),
}


def pixels(fig: Figure) -> np.ndarray:
    fig.set_dpi(50)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]


def test_a_picture_on_a_kept_figure_is_the_picture_on_a_new_one() -> None:
    new = {name: pixels(draw()) for name, draw in PICTURES.items()}
    figures: dict[str, list[int]] = {name: [] for name in PICTURES}
    for names in (list(PICTURES), list(PICTURES)[::-1]):  # each kind after other pictures of its kind
        for name in names:
            with figures_reused():
                fig = PICTURES[name]()
                figures[name].append(id(fig))
                kept = pixels(fig)
            assert kept.shape == new[name].shape, name
            differ = np.count_nonzero((kept != new[name]).any(axis=2))
            assert differ == 0, f"{name}: {differ} pixels differ"
    # the figures were kept: the second drawing of each picture was on the figure of the first
    assert all(first == second for first, second in figures.values())
    assert figures["2x2"] == figures["2x2 flat"] and figures["relu"] == figures["tanh"]


def test_outside_the_block_every_picture_has_a_figure_of_its_own() -> None:
    with figures_reused():
        kept = ActivationAgent("relu").plot()
    first, second = ActivationAgent("relu").plot(), ActivationAgent("relu").plot()
    assert len({id(kept), id(first), id(second)}) == 3
    assert first.axes[0].lines and second.axes[0].lines  # the first was not cleared by the second


def test_two_pictures_of_a_kind_in_one_block_are_two_figures() -> None:
    with figures_reused():
        first = ActivationAgent("relu").plot()
        drawn = pixels(first)
        second = ActivationAgent("sigmoid").plot()
        assert first is not second
        assert np.array_equal(pixels(first), drawn)  # the first is left as it was drawn


def test_each_thread_keeps_its_own_figures() -> None:
    met = threading.Barrier(2)
    figures: list[Figure] = []

    def draw() -> None:
        with figures_reused():
            figures.append(ActivationAgent("relu").plot())
            met.wait(timeout=60)  # both are inside their block at once

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(figures) == 2 and figures[0] is not figures[1]


def test_a_panel_layout_is_planes_or_spaces() -> None:
    from thirdroad.agents._figures import new_panels

    with pytest.raises(ValueError, match="'2' or '3'"):
        new_panels("test", 4, 3, "2x")
