"""Pictures: they are drawn from the matrix (checked on the drawn shapes) and saved as asked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from thirdroad.agents import AgentInputError, agent


def _unit_square_images(fig: Figure) -> list[np.ndarray]:
    """Corners of every filled unit square drawn, panel by panel."""
    found = []
    for ax in fig.axes:
        for patch in ax.patches:
            if isinstance(patch, Polygon) and patch.get_label() == "unit square":
                found.append(patch.get_xy()[:4].T)
    return found


def test_2d_plot_shows_the_unit_square_before_and_after(tmp_path: Path) -> None:
    m = np.array([[2.0, 1.0], [0.5, 1.5]])
    fig = agent(m).plot(tmp_path / "m.png")
    before, after = _unit_square_images(fig)
    square = np.array([[0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)
    assert np.allclose(before, square) and np.allclose(after, m @ square)
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_is_written_too(tmp_path: Path) -> None:
    agent("[[1,2],[0,1]]").plot(str(tmp_path / "shear.svg"))
    assert "<svg" in (tmp_path / "shear.svg").read_text()[:400]


def test_story_panels_follow_the_steps() -> None:
    story = agent("[[1,2],[3,4]]").svd()
    fig = story.plot()
    squares = _unit_square_images(fig)
    assert len(squares) == len(story.steps) + 1
    corners = np.array([[0, 1, 1, 0], [0, 0, 1, 1]], dtype=float)
    for step, drawn in zip(story.steps, squares[1:], strict=True):
        assert np.allclose(drawn, step.result @ corners)


def test_permutation_plot_draws_one_arrow_per_row() -> None:
    p = np.eye(5)[[4, 0, 1, 2, 3]]
    fig = agent(p).plot()
    arrows = [t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 5
    a = np.arange(5.0)[:, None] * np.ones((1, 3))  # row k of A holds the number k
    product = p @ a
    for arrow in arrows:  # rows are drawn top to bottom: row k at height 4 - k
        source, target = 4 - round(arrow.xyann[1]), 4 - round(arrow.xy[1])
        assert product[target, 0] == source
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"row 1 of A", "row 5 of M A"} <= labels


@pytest.mark.parametrize(
    "matrix",
    ["[[0,0,1],[1,0,0],[0,1,0]]", "[[1,2,0],[0,1,0],[0,0.5,2]]", np.arange(16.0).reshape(4, 4), "[[1,2,3],[4,5,6]]"],
)
def test_every_shape_gets_a_picture(matrix: object, tmp_path: Path) -> None:
    fig = agent(matrix).plot(tmp_path / "x.png")
    assert isinstance(fig, Figure) and (tmp_path / "x.png").stat().st_size > 5000


@pytest.mark.parametrize(
    ("name", "matrix"),
    [
        *((name, "[[2,1],[1,3]]") for name in ("svd", "eig", "qr", "lu", "determinant")),
        ("svd", "[[0,1,2],[1,1,1],[2,0,1]]"),
        ("eig", "[[0,1,2],[1,1,1],[2,0,1]]"),
        ("lu", np.arange(16.0).reshape(4, 4) + np.eye(4)),
        ("qr", np.arange(16.0).reshape(4, 4) + np.eye(4)),
        ("determinant", np.diag([1.0, -2.0, 1.5])),
        ("determinant", np.arange(16.0).reshape(4, 4)),
    ],
)
def test_every_story_gets_a_picture(name: str, matrix: object, tmp_path: Path) -> None:
    getattr(agent(matrix), name)().plot(tmp_path / f"{name}.png")
    assert (tmp_path / f"{name}.png").stat().st_size > 5000


def test_unknown_picture_format_is_refused() -> None:
    with pytest.raises(AgentInputError, match=r"\.png, \.svg or \.pdf"):
        agent("[[1]]").plot("out.gif")


@pytest.mark.parametrize("matrix", ["[[1,2],[3,4]]", "[[2,1],[1,3]]", np.diag([1.0, -2.0, 1.5]), np.eye(3)])
def test_determinant_picture_says_flipped_exactly_when_the_sign_is_negative(matrix: object) -> None:
    story = agent(matrix).determinant()
    after = story.plot().axes[1].get_title()
    assert ("flipped" in after) == (story.value is not None and story.value < 0), after
