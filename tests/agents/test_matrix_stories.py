"""Stories: each one's steps, done in order, are the matrix (or, for LU, the elimination)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from matrix_families import rotation_2d, rotation_3d

from thirdroad.agents import AgentInputError, agent


def _replayed(story) -> np.ndarray:  # type: ignore[no-untyped-def]
    current = story.start
    for step in story.steps:
        current = step.matrix @ current
        assert np.allclose(step.result, current, atol=1e-12)
    return current


SHAPES = [(2, 2), (3, 3), (4, 4), (2, 3), (3, 2), (5, 3)]


@pytest.mark.parametrize("shape", SHAPES)
def test_svd_steps_rebuild_the_matrix(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(21)
    for _ in range(30):
        m = rng.standard_normal(shape)
        story = agent(m).svd()
        assert np.allclose(_replayed(story), m, atol=1e-10)
        assert np.allclose(np.abs(np.diag(story.factors["S"])), np.linalg.svd(m, compute_uv=False))


def test_svd_words_for_a_known_turn_stretch_turn() -> None:
    m = rotation_2d(math.radians(-45)) @ np.diag([3.0, 0.5]) @ rotation_2d(math.radians(30))
    story = agent(m).svd()
    assert [s.says for s in story.steps] == [
        "Rotate by 30°",
        "Stretch by 3 along x and by 0.5 along y",
        "Rotate by -45°",
    ]


def test_svd_of_a_mirror_image_shows_one_flip() -> None:
    m = np.diag([1.0, -1.0]) @ np.diag([3.0, 0.5])
    says = [s.says for s in agent(m).svd().steps]
    assert says == ["Stretch by 3 along x and by 0.5 along y, and flip y"]


@pytest.mark.parametrize("n", [2, 3, 4])
def test_eig_steps_rebuild_the_matrix_with_real_or_complex_eigenvalues(n: int) -> None:
    rng = np.random.default_rng(22)
    for _ in range(40):
        m = rng.standard_normal((n, n))
        story = agent(m).eig()
        assert np.allclose(_replayed(story), m, atol=1e-9)
        sym = m + m.T
        assert np.allclose(_replayed(agent(sym).eig()), sym, atol=1e-9)


def test_eig_of_a_scaled_turn_is_a_rotation_with_scaling() -> None:
    story = agent(2 * rotation_2d(math.radians(40))).eig()
    assert "turns by 40° and scales by 2" in story.summary
    assert np.allclose(_replayed(story), 2 * rotation_2d(math.radians(40)))


def test_eig_of_a_symmetric_matrix_names_its_directions_and_factors() -> None:
    story = agent("[[2,1],[1,2]]").eig()
    assert story.summary.startswith("It stretches (0.707, 0.707) by 3 and keeps (0.707, -0.707) as it is")


def test_eig_of_a_shear_says_it_cannot_be_taken_apart() -> None:
    story = agent("[[1,1],[0,1]]").eig()
    assert "can't be taken apart" in story.summary and story.steps == ()


def test_eig_of_a_3d_turn_finds_the_axis_and_the_turn() -> None:
    axis = np.array([1.0, 2.0, 2.0]) / 3
    story = agent(rotation_3d(axis, math.radians(70))).eig()
    assert "keeps (0.333, 0.667, 0.667) as it is" in story.summary
    assert "turns by 70°" in story.summary


@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (4, 2)])
def test_qr_is_orthonormal_directions_then_triangular_mixing(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(23)
    for _ in range(30):
        m = rng.standard_normal(shape)
        story = agent(m).qr()
        q, r = story.factors["Q"], story.factors["R"]
        assert np.allclose(q.T @ q, np.eye(shape[1]))
        assert np.allclose(np.tril(r, -1), 0) and np.all(np.diag(r) > 0)
        assert np.allclose(_replayed(story), m)


def test_qr_words_follow_gram_schmidt() -> None:
    story = agent("[[3,1],[4,2]]").qr()
    assert "q1 is a1, scaled to length 1 (divide by 5)" in story.summary
    assert "q2 is a2 minus its part along the earlier ones (2.2·q1)" in story.summary


def test_qr_needs_at_least_as_many_rows_as_columns() -> None:
    with pytest.raises(AgentInputError, match="at least as many rows"):
        agent("[[1,2,3],[4,5,6]]").qr()


@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (4, 4), (3, 5), (5, 3)])
def test_lu_steps_end_at_u_and_p_m_equals_l_u(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(24)
    for _ in range(30):
        m = rng.standard_normal(shape)
        story = agent(m).lu()
        p, low, up = story.factors["P"], story.factors["L"], story.factors["U"]
        assert np.allclose(_replayed(story), up)
        assert np.allclose(p @ m, low @ up)
        assert np.allclose(np.triu(up), up) and np.allclose(np.tril(low), low)
        assert np.all(np.abs(low) <= 1 + 1e-12)  # partial pivoting keeps multipliers small


def _apply_words(rows: list[list[Fraction]], says: str) -> None:
    if match := re.fullmatch(r"Swap rows (\d+) and (\d+) \(.*\)", says):
        i, j = int(match.group(1)) - 1, int(match.group(2)) - 1
        rows[i], rows[j] = rows[j], rows[i]
        return
    match = re.fullmatch(r"(Subtract|Add) (?:([\d/]+) times )?row (\d+) (?:from|to) row (\d+)", says)
    assert match, says
    sign = -1 if match.group(1) == "Subtract" else 1
    k, src, dst = Fraction(match.group(2) or 1), int(match.group(3)) - 1, int(match.group(4)) - 1
    rows[dst] = [a + sign * k * b for a, b in zip(rows[dst], rows[src], strict=True)]


def test_exact_lu_steps_in_words_replay_exactly() -> None:
    text = "[[0, 2, 1], [1/2, 1, 1], [2, 1, 3]]"
    story = agent(text).lu()
    rows = [
        [Fraction(0), Fraction(2), Fraction(1)],
        [Fraction(1, 2), Fraction(1), Fraction(1)],
        [Fraction(2), Fraction(1), Fraction(3)],
    ]
    assert story.steps[0].says == "Swap rows 1 and 2 (row 1 has 0 where the pivot goes)"
    for step in story.steps:
        _apply_words(rows, step.says)
        assert np.array_equal(np.array(rows, dtype=float), step.result)
    assert all(rows[i][j] == 0 for i in range(3) for j in range(i))


def test_determinant_is_the_area_factor_and_its_sign_a_flip() -> None:
    rng = np.random.default_rng(25)
    for n in (2, 3, 4):
        m = rng.standard_normal((n, n))
        story = agent(m).determinant()
        assert story.value == pytest.approx(np.linalg.det(m), rel=1e-10)
        assert ("flips orientation" in story.summary) == (np.linalg.det(m) < 0)
    assert agent("[[2,0],[0,3]]").determinant().summary == (
        "The determinant is 6: the matrix multiplies areas by 6; the sign is positive, so nothing is mirrored."
    )
    assert "multiplies volumes by 2 and flips" in agent(np.diag([1.0, -2.0, 1.0])).determinant().summary
    assert agent("[[1/3, 0], [0, 3]]").determinant().value == 1.0  # exact: no rounding


@pytest.mark.parametrize("story", ["eig", "determinant"])
def test_square_only_stories_refuse_rectangles_with_a_clear_error(story: str) -> None:
    with pytest.raises(AgentInputError, match="needs a square matrix; this one is 2x3"):
        getattr(agent("[[1,2,3],[4,5,6]]"), story)()


def test_stories_lists_what_applies_and_each_has_text() -> None:
    titles = [s.title for s in agent("[[1,2],[3,4]]").stories()]
    assert titles == ["SVD", "Eigendecomposition", "QR", "LU", "Determinant"]
    assert [s.title for s in agent("[[1,2,3],[4,5,6]]").stories()] == ["SVD", "LU"]
    text = agent("[[1,2],[3,4]]").lu().text()
    assert text.splitlines()[1] == "  1. Subtract 3 times row 1 from row 2"
