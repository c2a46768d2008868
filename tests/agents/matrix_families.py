"""Random matrices with known parameters, built from their definitions (not from the code
under test), for the classification tests."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


@dataclass
class Known:
    matrix: Matrix
    params: dict[str, Any] = field(default_factory=dict)


def rotation_2d(angle: float) -> Matrix:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def rotation_3d(axis: Matrix, angle: float) -> Matrix:
    """Rodrigues' formula: R = I + sin θ K + (1 - cos θ) K²."""
    a = axis / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * (k @ k)


def unit(rng: np.random.Generator, n: int) -> Matrix:
    v = rng.standard_normal(n)
    return v / np.linalg.norm(v)


def orthonormal(rng: np.random.Generator, n: int, k: int) -> Matrix:
    q, r = np.linalg.qr(rng.standard_normal((n, k)))
    return q * np.sign(np.diag(r))


def rotations(rng: np.random.Generator, count: int) -> list[Known]:
    out = []
    for i in range(count):
        if i % 2 == 0:
            angle = rng.uniform(-math.pi + 1e-3, math.pi - 1e-3)
            out.append(Known(rotation_2d(angle), {"angle": angle}))
        else:
            axis = unit(rng, 3)
            angle = rng.uniform(1e-3, math.pi - 1e-3)
            out.append(Known(rotation_3d(axis, angle), {"angle": angle, "axis": axis}))
    return out


def reflections(rng: np.random.Generator, count: int) -> list[Known]:
    out = []
    for i in range(count):
        n = 2 + i % 4
        normal = unit(rng, n)
        out.append(Known(np.eye(n) - 2 * np.outer(normal, normal), {"normal": normal}))
    return out


def orthogonal_projections(rng: np.random.Generator, count: int) -> list[Known]:
    out = []
    for i in range(count):
        n = 2 + i % 4
        rank = 1 + int(rng.integers(0, n - 1))
        basis = orthonormal(rng, n, rank)
        out.append(Known(basis @ basis.T, {"rank": rank, "basis": basis}))
    return out


def oblique_projections(rng: np.random.Generator, count: int) -> list[Known]:
    """P = A (Cᵀ A)⁻¹ Cᵀ: onto span(A), along the vectors C is blind to (Cᵀ x = 0)."""
    out: list[Known] = []
    while len(out) < count:
        n = 2 + len(out) % 4
        rank = 1 + int(rng.integers(0, n - 1))
        a, c = rng.standard_normal((n, rank)), rng.standard_normal((n, rank))
        if np.linalg.cond(c.T @ a) > 50:  # keep the entries of P moderate
            continue
        p = a @ np.linalg.inv(c.T @ a) @ c.T
        if np.max(np.abs(p - p.T)) < 1e-3:  # (almost) orthogonal by chance: not this family
            continue
        _, _, vt = np.linalg.svd(c.T)
        out.append(Known(p, {"rank": rank, "range": a, "along": vt[rank:].T}))
    return out


def permutations(rng: np.random.Generator, count: int) -> list[Known]:
    out = []
    for i in range(count):
        n = 2 + i % 7
        perm = tuple(int(k) for k in rng.permutation(n))
        p = np.zeros((n, n))
        p[np.arange(n), perm] = 1.0
        out.append(Known(p, {"perm": perm}))
    return out


def scalings(rng: np.random.Generator, count: int) -> list[Known]:
    out = []
    for i in range(count):
        n = 1 + i % 5
        factors = rng.uniform(0.1, 5, n) * rng.choice([-1.0, 1.0], n)
        out.append(Known(np.diag(factors), {"factors": factors}))
    return out


def shears(rng: np.random.Generator, count: int) -> list[Known]:
    out = []
    for k in range(count):
        n = 2 + k % 4
        factor = float(rng.uniform(0.1, 5) * rng.choice([-1.0, 1.0]))
        if k % 2 == 0:  # along a coordinate axis: add factor · x_j to x_i
            i, j = (int(x) for x in rng.choice(n, 2, replace=False))
            m = np.eye(n)
            m[i, j] = factor
            out.append(Known(m, {"factor": factor, "axes": (i, j)}))
        else:  # slanted: x -> x + factor (v·x) u with u ⟂ v
            uv = orthonormal(rng, n, 2)
            u, v = uv[:, 0], uv[:, 1]
            m = np.eye(n) + abs(factor) * np.outer(u, v)
            out.append(Known(m, {"factor": abs(factor), "direction": u, "along": v}))
    return out
