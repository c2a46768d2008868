"""What a matrix does to another matrix, in words, checked against the product itself."""

from __future__ import annotations

import re

import numpy as np
import pytest

from thirdroad.agents import agent

ORDINALS = {
    w: k
    for k, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
    )
}


def _claims(text: str, line: str) -> list[tuple[int, int]]:
    """(source, destination) pairs, 0-based, read back from "A's third row first, its ..."."""
    found = re.findall(rf"(?:A's|its) (\w+) {line} (\w+)", text)
    return [(ORDINALS[src], ORDINALS[dst]) for src, dst in found]


def _swap(text: str, line: str) -> tuple[int, int] | None:
    match = re.search(rf"swaps A's (\w+) and (\w+) {line}s", text)
    return (ORDINALS[match.group(1)], ORDINALS[match.group(2)]) if match else None


def test_the_issue_example_reads_as_in_the_issue_and_matches_the_product() -> None:
    p = agent("[[0,0,1],[1,0,0],[0,1,0]]")
    words = p.act_on_words("left")
    assert words == "puts A's third row first, its first row second and its second row third"
    a = np.arange(1, 10, dtype=float).reshape(3, 3)
    product = p.matrix @ a
    for src, dst in _claims(words, "row"):
        assert np.array_equal(product[dst], a[src])
    assert p.params["perm"] == (2, 0, 1)
    assert "puts A's third row first" in p.describe(on="left")


@pytest.mark.parametrize("on", ["left", "right"])
def test_narration_of_random_permutations_matches_the_product(on: str) -> None:
    rng = np.random.default_rng(11)
    line = "row" if on == "left" else "column"
    for _ in range(200):
        n = int(rng.integers(2, 8))
        p = np.eye(n)[rng.permutation(n)]
        a = rng.standard_normal((n, n))
        product = p @ a if on == "left" else a @ p
        take = (lambda m, k: m[k]) if on == "left" else (lambda m, k: m[:, k])
        words = agent(p).act_on_words(on)  # type: ignore[arg-type]
        swap = _swap(words, line)
        claims = [(swap[0], swap[1]), (swap[1], swap[0])] if swap else _claims(words, line)
        moved = {k for k in range(n) if not np.array_equal(take(product, k), take(a, k))}
        assert {dst for _, dst in claims} == moved, words
        for src, dst in claims:
            assert np.array_equal(take(product, dst), take(a, src)), words
        if "stay in place" not in words and not swap:
            assert len(claims) == n or moved == set()


def test_scaling_words_match_the_product() -> None:
    d = np.array([2.0, 0.5, -3.0])
    words = agent(np.diag(d)).act_on_words("left")
    assert words == "multiplies A's first row by 2, its second row by 0.5 and its third row by -3"
    a = np.ones((3, 2))
    assert np.array_equal((np.diag(d) @ a)[:, 0], d)


@pytest.mark.parametrize("on", ["left", "right"])
def test_shear_words_match_the_product(on: str) -> None:
    rng = np.random.default_rng(12)
    for _ in range(50):
        n = int(rng.integers(2, 5))
        i, j = (int(x) for x in rng.choice(n, 2, replace=False))
        k = float(rng.integers(-5, 6) or 2)
        m = np.eye(n)
        m[i, j] = k
        a = rng.standard_normal((n, n))
        words = agent(m).act_on_words(on)  # type: ignore[arg-type]
        match = re.fullmatch(r"adds (-?[\d.]+) times A's (\w+) (row|column) to its (\w+) (row|column)", words)
        assert match, words
        factor, src, dst = float(match.group(1)), ORDINALS[match.group(2)], ORDINALS[match.group(4)]
        if on == "left":
            expected = a.copy()
            expected[dst] += factor * a[src]
            assert np.allclose(m @ a, expected)
        else:
            expected = a.copy()
            expected[:, dst] += factor * a[:, src]
            assert np.allclose(a @ m, expected)


def test_general_matrix_words_give_each_row_of_the_result() -> None:
    words = agent("[[1,2],[3,4]]").act_on_words("left")
    assert words == "mixes A's rows: row 1 of the result is row 1 + 2·row 2; row 2 of the result is 3·row 1 + 4·row 2"


def test_describe_tells_names_action_geometry_and_determinant() -> None:
    text = agent("[[0,-1],[1,0]]").describe()
    assert text.splitlines()[0] == "This 2x2 matrix is a rotation, orthogonal and invertible."
    assert "It turns the plane by 90° counterclockwise." in text
    assert "keeps areas the same" in text
    flip = agent("[[0,1],[1,0]]").describe()
    assert "mirrors the plane across the line at 45°" in flip
    assert "flips orientation" in flip
    flat = agent("[[1,2],[2,4]]").describe()
    assert "squashes the plane flat onto a line" in flat


def test_describe_rejects_an_unknown_side() -> None:
    with pytest.raises(ValueError, match="left' or 'right"):
        agent("[[1,0],[0,1]]").describe(on="top")  # type: ignore[arg-type]


def test_flat_within_the_tolerance_is_said_with_the_tolerance() -> None:
    a = agent(np.diag([1e-10, 1.0]))
    assert "singular" in a.kinds and a.rank == 1
    assert "The determinant is 1e-10, zero within the tolerance 1e-9" in a.describe()
    assert "invertible" in agent(np.diag([1e-10, 1.0]), tol=1e-12, near=1e-2).kinds


def test_the_zero_matrix_sends_everything_to_the_origin_once() -> None:
    text = agent(np.zeros((3, 3))).describe()
    assert text.count("every vector to") == 1 and "flat onto a single point" in text


def test_3d_words_name_planes_axes_and_directions() -> None:
    n = np.array([1.0, 2.0, 2.0]) / 3
    assert (
        "mirrors space across the plane perpendicular to (0.333, 0.667, 0.667)"
        in agent(np.eye(3) - 2 * np.outer(n, n)).describe()
    )
    flat = agent("[[1,0,0],[0,1,0],[0,0,0]]")
    assert "onto the plane spanned by (1, 0, 0) and (0, 1, 0), at right angles" in flat.describe()
    assert np.array_equal(flat.params["null_space"], np.array([[0.0], [0.0], [1.0]]))
    slanted = agent("[[1,1,0],[0,0,0],[0,0,0]]")
    assert "sliding along (0, 0, 1) and (0.707, -0.707, 0) (not at right angles)" in slanted.describe()
    assert "slides points along y by 3 times their z coordinate" in agent("[[1,0,0],[0,1,3],[0,0,1]]").describe()


def test_describe_says_where_the_basis_vectors_land() -> None:
    rng = np.random.default_rng(13)
    for shape in ((2, 2), (3, 3), (2, 3), (4, 2)):
        m = np.round(rng.standard_normal(shape), 2)
        line = next(x for x in agent(m).describe().splitlines() if x.startswith("It sends e1"))
        for j, found in enumerate(re.findall(r"e(\d) to \(([^)]*)\)", line)):
            assert int(found[0]) == j + 1
            assert np.allclose([float(v) for v in found[1].split(",")], m[:, j])
