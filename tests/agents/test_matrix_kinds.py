"""Classification on generated matrices with known parameters (at least 500 of each kind)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matrix_families import (
    Known,
    oblique_projections,
    orthogonal_projections,
    permutations,
    reflections,
    rotation_2d,
    rotations,
    scalings,
    shears,
)

from thirdroad.agents import MatrixAgent, agent

COUNT = 500
TOL = 1e-9


def _same_up_to_sign(a: np.ndarray, b: np.ndarray) -> float:
    return float(min(np.max(np.abs(a - b)), np.max(np.abs(a + b))))


def _projector(basis: np.ndarray) -> np.ndarray:
    q, _ = np.linalg.qr(basis)
    return q @ q.T


def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


def _family(maker, seed: int) -> list[tuple[Known, MatrixAgent]]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    return [(k, agent(k.matrix)) for k in maker(rng, COUNT)]


def test_rotations_are_named_and_their_angle_and_axis_recovered() -> None:
    for known, a in _family(rotations, 1):
        assert {"rotation", "orthogonal", "invertible"} <= a.kinds
        assert not {"reflection", "singular", "symmetric"} & a.kinds
        p = a.params
        assert abs(p["angle"] - known.params["angle"]) < TOL
        if "axis" in known.params:
            assert np.max(np.abs(p["axis"] - known.params["axis"])) < TOL
        assert abs(p["det"] - 1) < TOL


def test_reflections_are_named_and_their_normal_recovered() -> None:
    for known, a in _family(reflections, 2):
        assert {"reflection", "orthogonal", "symmetric", "invertible"} <= a.kinds
        assert "rotation" not in a.kinds
        assert _same_up_to_sign(a.params["normal"], known.params["normal"]) < TOL
        if known.matrix.shape == (2, 2):
            nx, ny = known.params["normal"]
            line = math.atan2(ny, nx) + math.pi / 2  # the mirror line is perpendicular to n
            assert abs(_wrap(2 * (a.params["line_angle"] - line))) < 2 * TOL


def test_orthogonal_projections_give_rank_and_a_basis_of_the_range() -> None:
    for known, a in _family(orthogonal_projections, 3):
        assert {"orthogonal_projection", "symmetric", "singular"} <= a.kinds
        assert "oblique_projection" not in a.kinds
        basis = a.params["basis"]
        assert a.params["rank"] == known.params["rank"] == basis.shape[1]
        assert np.max(np.abs(basis.T @ basis - np.eye(basis.shape[1]))) < TOL
        assert np.max(np.abs(basis @ basis.T - known.matrix)) < TOL


def test_oblique_projections_give_range_and_the_direction_they_drop_along() -> None:
    for known, a in _family(oblique_projections, 4):
        assert {"oblique_projection", "singular"} <= a.kinds
        assert not {"orthogonal_projection", "symmetric"} & a.kinds
        assert a.params["rank"] == known.params["rank"]
        assert np.max(np.abs(_projector(a.params["basis"]) - _projector(known.params["range"]))) < TOL
        assert np.max(np.abs(_projector(a.params["along"]) - _projector(known.params["along"]))) < TOL


def _sign(perm: tuple[int, ...]) -> int:
    seen, sign = set(), 1
    for start in range(len(perm)):
        length, k = 0, start
        while k not in seen:
            seen.add(k)
            k, length = perm[k], length + 1
        if length and length % 2 == 0:
            sign = -sign
    return sign


def test_permutations_give_perm_and_every_other_true_name() -> None:
    for known, a in _family(permutations, 5):
        perm = known.params["perm"]
        assert a.params["perm"] == perm
        moved = sum(1 for i, k in enumerate(perm) if i != k)
        expected = {"permutation", "orthogonal", "invertible"}
        expected |= {"rotation"} if _sign(perm) == 1 else set()
        expected |= {"reflection"} if moved == 2 else set()
        expected |= {"symmetric"} if all(perm[perm[i]] == i for i in range(len(perm))) else set()
        if moved == 0:
            expected |= {"identity", "diagonal", "scaling", "orthogonal_projection", "positive_definite"}
        assert a.kinds == expected, (perm, sorted(a.kinds))


def test_scalings_give_their_factors() -> None:
    for known, a in _family(scalings, 6):
        factors = known.params["factors"]
        assert {"scaling", "diagonal", "symmetric", "invertible"} <= a.kinds
        assert np.max(np.abs(a.params["factors"] - factors)) < TOL
        assert ("positive_definite" in a.kinds) == bool(np.all(factors > 0))
        assert ("orthogonal" in a.kinds) == bool(np.allclose(np.abs(factors), 1))


def test_shears_give_factor_and_axes_or_directions() -> None:
    for known, a in _family(shears, 7):
        assert a.kinds == {"shear", "invertible"}, sorted(a.kinds)
        p = a.params
        if "axes" in known.params:
            assert p["axes"] == known.params["axes"]
            assert abs(p["factor"] - known.params["factor"]) < TOL
        else:
            assert abs(p["factor"] - known.params["factor"]) < TOL
            outer = np.outer(p["direction"], p["along"])
            truth = np.outer(known.params["direction"], known.params["along"])
            assert np.max(np.abs(outer - truth)) < TOL


def test_compositions_get_the_names_and_parameters_of_the_product() -> None:
    rng = np.random.default_rng(8)
    for i in range(COUNT):
        case = i % 5
        if case == 0:  # two turns make one turn
            a_, b_ = rng.uniform(-3, 3, 2)
            a = agent(rotation_2d(a_) @ rotation_2d(b_))
            assert "rotation" in a.kinds
            assert abs(_wrap(a.params["angle"] - (a_ + b_))) < TOL
        elif case == 1:  # two mirrors make a turn by twice the angle between their lines
            f1, f2 = rng.uniform(0, math.pi, 2)
            h1, h2 = (
                np.array([[math.cos(2 * f), math.sin(2 * f)], [math.sin(2 * f), -math.cos(2 * f)]]) for f in (f1, f2)
            )
            a = agent(h1 @ h2)
            assert "rotation" in a.kinds and "reflection" not in a.kinds
            assert abs(_wrap(a.params["angle"] - 2 * (f1 - f2))) < TOL
        elif case == 2:  # turn, stretch along the axes, turn back: symmetric positive definite
            n = 2 + i % 3
            q, _ = np.linalg.qr(rng.standard_normal((n, n)))
            d = rng.uniform(0.2, 4, n)
            a = agent(q @ np.diag(d) @ q.T)
            assert {"symmetric", "positive_definite", "invertible"} <= a.kinds
            assert np.max(np.abs(a.params["eigenvalues"] - np.sort(d))) < TOL
        elif case == 3:  # permutations compose: row i of P1 P2 A is row perm2[perm1[i]] of A
            n = 3 + i % 4
            p1, p2 = rng.permutation(n), rng.permutation(n)
            m1, m2 = np.eye(n)[p1], np.eye(n)[p2]
            a = agent(m1 @ m2)
            assert a.params["perm"] == tuple(int(k) for k in p2[p1])
        else:  # a turn after an uneven stretch is no special kind: just invertible
            angle = rng.uniform(0.1, math.pi / 2 - 0.1)
            d = np.array([rng.uniform(1.5, 3), rng.uniform(0.2, 0.8)])
            a = agent(rotation_2d(angle) @ np.diag(d))
            assert a.kinds == {"invertible"}
            assert abs(a.params["det"] - d.prod()) < TOL


@pytest.mark.parametrize(
    ("matrix", "names"),
    [
        (
            rotation_2d(math.pi),
            {"rotation", "point_reflection", "scaling", "diagonal", "orthogonal", "symmetric", "invertible"},
        ),
        ("[[0,1],[1,0]]", {"permutation", "reflection", "orthogonal", "symmetric", "invertible"}),
        ("[[0,0,1],[1,0,0],[0,1,0]]", {"permutation", "rotation", "orthogonal", "invertible"}),
        ("[[1,0],[0,0]]", {"orthogonal_projection", "diagonal", "symmetric", "singular"}),
        ("[[1,1],[0,0]]", {"oblique_projection", "singular"}),
        ("[[2,1],[1,2]]", {"symmetric", "positive_definite", "invertible"}),
    ],
)
def test_several_true_names_are_all_reported(matrix: object, names: set[str]) -> None:
    assert agent(matrix).kinds == names


def test_half_turn_in_2d_is_the_point_reflection_minus_identity() -> None:
    a = agent(rotation_2d(math.pi))
    assert abs(abs(a.params["angle"]) - math.pi) < TOL
    assert "sends every point to its opposite" in a.describe()


def test_3d_cycle_is_a_turn_by_120_degrees_about_the_diagonal() -> None:
    a = agent("[[0,0,1],[1,0,0],[0,1,0]]")
    assert abs(a.params["angle"] - 2 * math.pi / 3) < TOL
    assert np.max(np.abs(a.params["axis"] - np.ones(3) / math.sqrt(3))) < TOL


def test_singular_matrix_gives_its_null_space() -> None:
    rng = np.random.default_rng(9)
    for _ in range(50):
        m = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 4))
        a = agent(m)
        assert "singular" in a.kinds and a.params["rank"] == 2
        null = a.params["null_space"]
        assert null.shape == (4, 2)
        assert np.max(np.abs(m @ null)) < 1e-9 * max(1, np.max(np.abs(m)))


def test_tolerance_is_explicit_and_near_misses_are_named() -> None:
    bent = 1.001 * rotation_2d(math.pi / 2)  # the nearest rotation is the quarter turn itself
    assert "rotation" not in agent(bent).kinds
    assert "rotation" in agent(bent, tol=1e-2, near=1e-1).kinds
    messages = [m.message for m in agent(bent).near_misses]
    assert messages == ["almost a rotation: off by 1e-3"], messages
    assert "Almost a rotation: off by 1e-3" in agent(bent).describe()


def test_a_near_miss_that_another_near_miss_explains_is_not_repeated() -> None:
    a = agent(np.eye(3) + 1e-4 * np.arange(9).reshape(3, 3))
    kinds = [m.kind for m in a.near_misses]
    assert "identity" in kinds and "orthogonal" not in kinds and "diagonal" not in kinds


def test_almost_singular_is_named_with_its_smallest_stretch() -> None:
    a = agent(np.diag([1.0, 1e-4]))
    assert "invertible" in a.kinds
    assert any(m.message.startswith("almost singular: it squashes one direction to 1e-4") for m in a.near_misses)


def test_non_square_matrices_have_no_square_kinds_but_a_rank() -> None:
    a = agent("[[1,2,3],[2,4,6]]")
    assert a.kinds == frozenset()
    assert a.params == {"rank": 1}
