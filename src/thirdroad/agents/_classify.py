"""Which true names a square matrix has, what their parameters are, and how far it misses others.

Every kind has a *residual*: how far the matrix is from the nearest matrix of that kind, as the
largest entry of the difference (or, where no nearest member is easy to find, the size of the
defect, e.g. of M² - M for a projection). A kind holds when its residual is at most
``tol * scale`` and is named as a near miss when it is at most ``near * scale``, where
``scale = max(1, largest |entry|)``. The tolerances are the agent's, in plain sight.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatMatrix = NDArray[np.float64]
INF = math.inf


@dataclass(frozen=True)
class Verdict:
    """How far a matrix is from a kind (``residual``) and what was recovered if it holds."""

    residual: float
    params: dict[str, Any] = field(default_factory=dict)


class Facts:
    """Decompositions shared by the checks, each computed once."""

    def __init__(self, m: FloatMatrix, tol: float) -> None:
        self.m = m
        self.n = m.shape[0]
        self.eye = np.eye(self.n)
        self.scale = max(1.0, float(np.max(np.abs(m))))
        self.tol = tol

    def small(self, residual: float) -> bool:
        return residual <= self.tol * self.scale

    @cached_property
    def svd(self) -> tuple[FloatMatrix, FloatMatrix, FloatMatrix]:
        u, s, vt = np.linalg.svd(self.m)
        return u, s, vt

    @cached_property
    def sym(self) -> FloatMatrix:
        return (self.m + self.m.T) / 2

    @cached_property
    def sym_eigh(self) -> tuple[FloatMatrix, FloatMatrix]:
        w, v = np.linalg.eigh(self.sym)
        return w, v

    @cached_property
    def symmetric_residual(self) -> float:
        return float(np.max(np.abs(self.m - self.m.T))) / 2

    @cached_property
    def singular_cut(self) -> float:
        return self.tol * max(1.0, float(self.svd[1][0]))


def _maxabs(a: FloatMatrix) -> float:
    return float(np.max(np.abs(a))) if a.size else 0.0


def canonical_sign(v: FloatMatrix) -> FloatMatrix:
    """Flip a direction so its largest-magnitude entry is positive (a fixed choice of ±v)."""
    k = int(np.argmax(np.abs(v) - 1e-12 * np.arange(v.size)))
    return v if v[k] > 0 else -v


def readable_basis(b: FloatMatrix) -> FloatMatrix:
    """An orthonormal basis of the span of the orthonormal columns ``b``, chosen to read well:
    Gram–Schmidt on the projector's columns (where each axis lands), longest first, so a
    subspace that contains an axis is described by that axis."""
    n, k = b.shape
    work = b @ b.T
    columns = []
    for _ in range(k):
        norms = np.linalg.norm(work, axis=0)
        j = int(np.argmax(norms - 1e-9 * np.arange(n)))  # on a tie, the earlier axis
        v = canonical_sign(work[:, j] / norms[j])
        columns.append(v)
        work = work - np.outer(v, v @ work)
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def check_identity(f: Facts) -> Verdict:
    return Verdict(_maxabs(f.m - f.eye))


def check_point_reflection(f: Facts) -> Verdict:
    return Verdict(_maxabs(f.m + f.eye))


def check_diagonal(f: Facts) -> Verdict:
    return Verdict(_maxabs(f.m - np.diag(np.diag(f.m))), {"diagonal": np.diag(f.m).copy()})


def check_scaling(f: Facts) -> Verdict:
    d = np.diag(f.m)
    if np.min(np.abs(d)) <= f.tol * f.scale:
        return Verdict(INF)
    return Verdict(_maxabs(f.m - np.diag(d)), {"factors": d.copy()})


def check_symmetric(f: Facts) -> Verdict:
    return Verdict(f.symmetric_residual)


def check_orthogonal(f: Facts) -> Verdict:
    u, _, vt = f.svd
    return Verdict(_maxabs(f.m - u @ vt))


def nearest_rotation(m: FloatMatrix) -> FloatMatrix:
    u, _, vt = np.linalg.svd(m)
    d = np.ones(m.shape[0])
    d[-1] = np.sign(np.linalg.det(u @ vt)) or 1.0
    result: FloatMatrix = (u * d) @ vt
    return result


def rotation_params(r: FloatMatrix) -> dict[str, Any]:
    """Angle (radians) in 2-D; angle in [0, π] and unit axis (right-hand rule) in 3-D."""
    n = r.shape[0]
    if n == 2:
        return {"angle": math.atan2(r[1, 0], r[0, 0])}
    if n == 3:
        w = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]]) / 2
        cos = (float(np.trace(r)) - 1) / 2
        sin = float(np.linalg.norm(w))
        angle = math.atan2(sin, cos)
        if sin < 1e-12 and cos > 0:
            return {"angle": 0.0, "axis": np.array([0.0, 0.0, 1.0])}
        if cos > 0:
            axis = w / sin
        else:  # near a half turn w is tiny; the symmetric part (1 - cos) a aᵀ holds the axis
            outer = (r + r.T) / 2 - cos * np.eye(3)
            k = int(np.argmax(np.diag(outer)))
            axis = outer[:, k] / np.linalg.norm(outer[:, k])
            axis = axis if float(axis @ w) > 0 else -axis
            if sin < 1e-12:
                axis = canonical_sign(axis)
        return {"angle": angle, "axis": axis}
    if n > 3:
        phases = np.angle(np.linalg.eigvals(r))
        angles = sorted(float(a) for a in phases if a > 1e-12)
        return {"angles": np.array(angles)}
    return {}


def check_rotation(f: Facts) -> Verdict:
    r = nearest_rotation(f.m)
    return Verdict(_maxabs(f.m - r), rotation_params(r))


def check_reflection(f: Facts) -> Verdict:
    _, v = f.sym_eigh
    normal = canonical_sign(v[:, 0])
    h = f.eye - 2 * np.outer(normal, normal)
    params: dict[str, Any] = {"normal": normal}
    if f.n == 2:
        params["line_angle"] = math.atan2(normal[0], -normal[1]) % math.pi
    return Verdict(_maxabs(f.m - h), params)


def check_permutation(f: Facts) -> Verdict:
    perm = np.argmax(f.m, axis=1)
    if len(set(perm.tolist())) != f.n:
        return Verdict(INF)
    p = f.eye[perm]
    return Verdict(_maxabs(f.m - p), {"perm": tuple(int(k) for k in perm)})


def check_orthogonal_projection(f: Facts) -> Verdict:
    w, v = f.sym_eigh
    basis = v[:, w > 0.5]
    residual = _maxabs(f.m - basis @ basis.T)
    return Verdict(residual, {"rank": basis.shape[1], "basis": readable_basis(basis)})


def check_oblique_projection(f: Facts) -> Verdict:
    if f.small(f.symmetric_residual):
        return Verdict(INF)
    residual = _maxabs(f.m @ f.m - f.m) / f.scale
    rank = round(float(np.trace(f.m)))
    u, _, vt = f.svd
    params = {
        "rank": rank,
        "basis": readable_basis(u[:, :rank]),
        "along": readable_basis(vt[rank:].T),
    }
    return Verdict(residual, params)


def check_shear(f: Facts) -> Verdict:
    if f.n < 2:
        return Verdict(INF)
    nil = f.m - f.eye
    u, s, vt = np.linalg.svd(nil)
    if s[0] <= f.tol * f.scale:
        return Verdict(INF)
    direction, along, factor = u[:, 0], vt[0], float(s[0])
    residual = max(_maxabs(nil - factor * np.outer(direction, along)), abs(factor * float(along @ direction)))
    if canonical_sign(direction) is not direction:
        direction, along = -direction, -along
    params: dict[str, Any] = {"factor": factor, "direction": direction, "along": along}
    i, j = int(np.argmax(np.abs(direction))), int(np.argmax(np.abs(along)))
    if i != j and abs(abs(direction[i]) - 1) < 1e-12 and abs(abs(along[j]) - 1) < 1e-12:
        params = {
            "factor": float(nil[i, j]),
            "axes": (i, j),
            "direction": f.eye[i].copy(),
            "along": f.eye[j].copy(),
        }
    return Verdict(residual, params)


def check_singular(f: Facts) -> Verdict:
    _, s, vt = f.svd
    rank = int(np.sum(s > f.singular_cut))
    null = readable_basis(vt[rank:].T)
    return Verdict(float(s[-1]), {"rank": rank, "null_space": null})


def check_positive_definite(f: Facts) -> Verdict:
    w, _ = f.sym_eigh
    holds = f.small(f.symmetric_residual) and float(w[0]) > f.tol * f.scale
    return Verdict(0.0 if holds else INF, {"eigenvalues": w.copy()} if holds else {})


CHECKS: dict[str, Callable[[Facts], Verdict]] = {
    "identity": check_identity,
    "point_reflection": check_point_reflection,
    "permutation": check_permutation,
    "rotation": check_rotation,
    "reflection": check_reflection,
    "orthogonal_projection": check_orthogonal_projection,
    "oblique_projection": check_oblique_projection,
    "scaling": check_scaling,
    "shear": check_shear,
    "diagonal": check_diagonal,
    "orthogonal": check_orthogonal,
    "symmetric": check_symmetric,
    "positive_definite": check_positive_definite,
    "singular": check_singular,
}


@dataclass(frozen=True)
class Classification:
    kinds: frozenset[str]
    params: dict[str, dict[str, Any]]
    residuals: dict[str, float]  # distance to the nearest matrix of each kind
    scales: dict[str, float]  # what the tolerances are relative to, per kind


def classify(m: FloatMatrix, tol: float) -> Classification:
    """Every kind that holds for the square matrix ``m``, with its parameters and residuals."""
    facts = Facts(m, tol)
    kinds: set[str] = set()
    params: dict[str, dict[str, Any]] = {}
    residuals: dict[str, float] = {}
    scales = dict.fromkeys(CHECKS, facts.scale)
    for kind, check in CHECKS.items():
        verdict = check(facts)
        residuals[kind] = verdict.residual
        if kind == "singular":
            scales[kind] = facts.singular_cut / tol
            singular = verdict.residual <= facts.singular_cut
            name = "singular" if singular else "invertible"
            kinds.add(name)
            params[name] = verdict.params if singular else {}
            continue
        if facts.small(verdict.residual):
            kinds.add(kind)
            params[kind] = verdict.params
    return Classification(frozenset(kinds), params, residuals, scales)
