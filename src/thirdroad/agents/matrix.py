"""A matrix as an agent: what it is (every true name), what it does, and its stories.

>>> a = MatrixAgent.from_input("[[0,0,1],[1,0,0],[0,1,0]]")
>>> sorted(a.kinds)
['invertible', 'orthogonal', 'permutation', 'rotation']
>>> a.act_on_words("left")
"puts A's third row first, its first row second and its second row third"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from thirdroad.agents import _format as fmt
from thirdroad.agents._classify import Classification, classify
from thirdroad.agents._errors import AgentInputError
from thirdroad.agents._kinds import IMPLIES, KIND_CONCEPTS, KINDS
from thirdroad.agents._parse import ExactMatrix, as_matrix
from thirdroad.agents._words import axis_name, space_name, stretch
from thirdroad.agents.stories import (
    Story,
    determinant_story,
    eig_story,
    lu_story,
    qr_story,
    rank,
    svd_story,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FloatMatrix = NDArray[np.float64]
Side = Literal["left", "right"]

DEFAULT_TOL = 1e-9
DEFAULT_NEAR = 1e-2


@dataclass(frozen=True)
class NearMiss:
    """A kind the matrix just misses: ``off_by`` is its distance to the nearest such matrix."""

    kind: str
    off_by: float

    @property
    def message(self) -> str:
        if self.kind == "singular":
            return f"almost singular: it squashes one direction to {fmt.sci(self.off_by)} of its length"
        return f"almost {KINDS[self.kind].noun}: off by {fmt.sci(self.off_by)}"


class MatrixAgent:
    """What a matrix does. Build it with :func:`thirdroad.agent` or :meth:`from_input`.

    ``tol``: a kind holds when the matrix is within ``tol * max(1, largest |entry|)`` of it
    (largest entry of the difference). ``near``: kinds missed by at most ``near * ...`` are named
    as near misses ("almost a rotation: off by 1e-3").
    """

    def __init__(
        self,
        matrix: FloatMatrix,
        *,
        exact: ExactMatrix | None = None,
        tol: float = DEFAULT_TOL,
        near: float = DEFAULT_NEAR,
    ) -> None:
        if not 0 < tol < near:
            raise AgentInputError(f"need 0 < tol < near; got tol={tol}, near={near}")
        self.matrix: FloatMatrix = np.array(matrix, dtype=np.float64)
        self.matrix.setflags(write=False)
        self.exact = exact
        self.tol = tol
        self.near = near
        self._classification: Classification | None = None
        if self.is_square:
            self._classification = classify(self.matrix, tol)

    @classmethod
    def from_input(cls, obj: object, *, tol: float = DEFAULT_TOL, near: float = DEFAULT_NEAR) -> MatrixAgent:
        """From a NumPy array, nested lists or a string like ``"[[1, 1/2], [0, 1]]"``."""
        parsed = as_matrix(obj)
        return cls(parsed.values, exact=parsed.exact, tol=tol, near=near)

    # --- what it is ---------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.matrix.shape
        return rows, cols

    @property
    def is_square(self) -> bool:
        return self.shape[0] == self.shape[1]

    @property
    def rank(self) -> int:
        """How many independent directions survive (singular values above the tolerance)."""
        return rank(self.matrix, self.tol)

    @property
    def kinds(self) -> frozenset[str]:
        """Every true name (see ``thirdroad.agents.KINDS``); empty for a non-square matrix."""
        return self._classification.kinds if self._classification else frozenset()

    @property
    def params(self) -> dict[str, Any]:
        """What was recovered for the kinds that hold, in one dict.

        ``perm`` (row i of M A is row perm[i] of A, 0-based), ``angle`` (radians) and in 3-D
        ``axis``, ``normal`` (and ``line_angle`` in 2-D), ``rank`` and ``basis`` (orthonormal
        columns spanning the range; ``along``: the null space an oblique projection drops
        along), ``factors``, shear ``factor``/``direction``/``along`` (and ``axes`` (i, j) when
        it adds ``factor`` times coordinate j to coordinate i), ``null_space``; always ``rank``
        and, for a square matrix, ``det``.
        """
        merged: dict[str, Any] = {"rank": self.rank}
        if self._classification is not None:
            for kind in _ordered(self.kinds):
                merged.update(self._classification.params.get(kind, {}))
            merged["det"] = self.determinant().value
        return merged

    @staticmethod
    def params_order() -> list[str]:
        """Every kind name, in the order they are listed (most telling first)."""
        return list(KINDS)

    @property
    def concepts(self) -> list[str]:
        """Catalog ids (``thirdroad.concepts``) of what this matrix is an example of, then of
        the stories told about it."""
        ids = [KIND_CONCEPTS[k] for k in _ordered(self.kinds) if k in KIND_CONCEPTS]
        ids += [story.concept for story in self.stories()]
        return list(dict.fromkeys(ids))

    def params_of(self, kind: str) -> dict[str, Any]:
        """The parameters recovered for one kind (empty if it doesn't hold)."""
        if self._classification is None:
            return {}
        return dict(self._classification.params.get(kind, {}))

    @property
    def near_misses(self) -> list[NearMiss]:
        """Kinds missed by more than ``tol`` but at most ``near``, the most telling first."""
        if self._classification is None:
            return []
        c = self._classification
        close = [
            kind
            for kind in _ordered(c.residuals)
            if kind not in c.kinds and kind in KINDS and c.residuals[kind] <= self.near * c.scales[kind]
        ]
        named = set(close) | set(c.kinds)
        return [
            NearMiss(kind, c.residuals[kind])
            for kind in close
            if not any(kind in IMPLIES.get(other, ()) for other in named - {kind})
        ]

    # --- what it does -------------------------------------------------------------------

    def act_on_words(self, on: Side = "left") -> str:
        """What multiplying another matrix A by this one does to A's rows (left) or columns."""
        if on not in ("left", "right"):
            raise AgentInputError(f"on must be 'left' or 'right', not {on!r}")
        line = "row" if on == "left" else "column"
        kinds = self.kinds
        m = self.matrix
        if "identity" in kinds:
            return "leaves A as it is"
        if "permutation" in kinds:
            return _permutation_words(self.params_of("permutation")["perm"], line, on)
        if "diagonal" in kinds:
            return _diagonal_words(np.diag(m), line)
        shear = self.params_of("shear")
        if "axes" in shear:
            i, j = shear["axes"]
            k = fmt.num(shear["factor"])
            if on == "left":
                return f"adds {k} times A's {fmt.ordinal(j)} row to its {fmt.ordinal(i)} row"
            return f"adds {k} times A's {fmt.ordinal(i)} column to its {fmt.ordinal(j)} column"
        return _mixing_words(m if on == "left" else m.T, line)

    def describe(self, on: Side = "left") -> str:
        """In words for a learner: its names, what it does to A (``on`` which side), to vectors,
        to areas or volumes, and the names it just misses."""
        lines = [self._headline()]
        product = "M A" if on == "left" else "A M"
        lines.append(f"On the {on} of a matrix A ({product}) it {self.act_on_words(on)}.")
        lines.append(self._columns_words())
        lines += self._geometry()
        if self.is_square:
            lines.append(self.determinant().summary)
        else:
            lines.append("As a map: " + svd_story(self.matrix).summary)
        lines += [
            f"{miss.message[0].upper()}{miss.message[1:]} (tolerance {fmt.sci(self.tol)})." for miss in self.near_misses
        ]
        return "\n".join(lines)

    def _headline(self) -> str:
        rows, cols = self.shape
        if not self.is_square:
            return f"This {rows}x{cols} matrix takes {cols}-D vectors to {rows}-D vectors (rank {self.rank})."
        names = [KINDS[k].noun for k in _ordered(self.kinds)]
        rank = f" (rank {self.rank})" if "singular" in self.kinds else ""
        return f"This {rows}x{cols} matrix is {fmt.and_join(names)}{rank}."

    def _columns_words(self) -> str:
        """Where the basis vectors land: the columns, read as arrows."""
        cols = self.shape[1]
        if cols > 4:
            return f"Its columns are where the {cols} basis vectors land."
        sends = [f"e{j + 1} to {fmt.vector(self.matrix[:, j])}" for j in range(cols)]
        return f"It sends {fmt.and_join(sends)}: its columns are where the basis vectors land."

    def _geometry(self) -> list[str]:
        if not self.is_square:
            return []
        n = self.shape[0]
        where = space_name(n)
        said: list[str] = []
        kinds = self.kinds
        if "identity" in kinds:
            return [f"It leaves every vector of {where} where it is."]
        if "point_reflection" in kinds:
            said.append("It sends every point to its opposite through the origin.")
        if "rotation" in kinds and "point_reflection" not in kinds:
            p = self.params_of("rotation")
            if n == 2:
                angle = p["angle"]
                sense = "counterclockwise" if angle > 0 else "clockwise"
                said.append(f"It turns the plane by {fmt.degrees(abs(angle))} {sense}.")
            elif n == 3:
                said.append(f"It turns space by {fmt.degrees(p['angle'])} about the axis {fmt.vector(p['axis'])}.")
            else:
                said.append(f"It turns {where}, keeping lengths and angles.")
        elif "point_reflection" in kinds and n == 2:
            said.append("That is the same as turning the plane by 180°.")
        if "reflection" in kinds:
            p = self.params_of("reflection")
            if n == 2:
                said.append(f"It mirrors the plane across the line at {fmt.degrees(p['line_angle'])}.")
            else:
                said.append(
                    f"It mirrors {where} across the {'plane' if n == 3 else 'hyperplane'} "
                    f"perpendicular to {fmt.vector(p['normal'])}."
                )
        for kind, how in (("orthogonal_projection", "at right angles"), ("oblique_projection", "")):
            if kind in kinds:
                p = self.params_of(kind)
                said.append(_projection_words(p, n, how))
        turned = {"point_reflection", "permutation", "rotation", "reflection"}
        if "scaling" in kinds and not turned & kinds:
            said.append(f"It {stretch(np.diag(self.matrix), n, third_person=True)}.")
        if "shear" in kinds:
            p = self.params_of("shear")
            if "axes" in p:
                i, j = p["axes"]
                said.append(
                    f"It slides points along {axis_name(i, n)} by {fmt.num(p['factor'])} times "
                    f"their {axis_name(j, n)} coordinate (a shear)."
                )
            else:
                said.append(
                    f"It slides points along {fmt.vector(p['direction'])} by "
                    f"{fmt.num(p['factor'])} times their coordinate along "
                    f"{fmt.vector(p['along'])} (a shear)."
                )
        if "positive_definite" in kinds and not said:
            w = self.params_of("positive_definite")["eigenvalues"]
            said.append(
                "It stretches along perpendicular directions by positive factors "
                f"{fmt.and_join(fmt.num(x) for x in w[::-1])}, never flipping anything."
            )
        if "singular" in kinds:
            null = self.params_of("singular")["null_space"]
            if null.shape[1] == n:
                if "orthogonal_projection" not in kinds:  # that already said it
                    said.append("It sends every vector to zero.")
            else:
                dirs = fmt.and_join(fmt.vector(null[:, k]) for k in range(null.shape[1]))
                along = "along it" if null.shape[1] == 1 else "in the span of these"
                said.append(f"It sends {dirs} (and everything {along}) to zero.")
        if not said:
            said.append("As a map: " + svd_story(self.matrix).summary)
        return said

    # --- stories ------------------------------------------------------------------------

    def svd(self) -> Story:
        """Rotate, stretch along the axes, rotate: M = U Σ Vᵀ."""
        return svd_story(self.matrix)

    def eig(self) -> Story:
        """Directions it only stretches (or, for complex eigenvalues, turns with scaling)."""
        return eig_story(self.matrix)

    def qr(self) -> Story:
        """Gram–Schmidt: orthonormal directions Q, then triangular mixing R."""
        return qr_story(self.matrix)

    def lu(self) -> Story:
        """The elimination steps, ending at U; P M = L U."""
        return lu_story(self.matrix, self.exact)

    def determinant(self) -> Story:
        """The factor by which areas (volumes) change; a negative sign is a flip."""
        return determinant_story(self.matrix, self.exact, self.tol)

    def stories(self) -> list[Story]:
        """Every story that applies to this matrix's shape."""
        rows, cols = self.shape
        told = [self.svd()]
        if self.is_square:
            told += [self.eig(), self.qr(), self.lu(), self.determinant()]
        elif rows > cols:
            told += [self.qr(), self.lu()]
        else:
            told.append(self.lu())
        return told

    # --- pictures -----------------------------------------------------------------------

    def plot(self, path: str | None = None) -> Figure:
        """Before and after: grid, unit square and circle (2-D), a cube (3-D), arrows from rows
        to rows (permutation), or the entries as a table. Saves .png/.svg when ``path`` is given."""
        from thirdroad.agents._matrix_plots import plot_matrix

        return plot_matrix(self, path)

    def __repr__(self) -> str:
        rows, cols = self.shape
        return f"<MatrixAgent {rows}x{cols}: {', '.join(_ordered(self.kinds)) or 'general'}>"

    def _repr_html_(self) -> str:
        """In a notebook: what the matrix does, then the picture of it acting on the plane."""
        from thirdroad.agents._html import agent_html

        return agent_html(self.describe(), self.plot(), "the matrix acting on the unit grid and on a shape")


def _ordered(kinds: Any) -> list[str]:
    return [k for k in KINDS if k in kinds]


def _whose(k: int) -> str:
    """The first mention is "A's", later ones "its"."""
    return "A's" if k == 0 else "its"


def _permutation_words(perm: tuple[int, ...], line: str, on: str) -> str:
    n = len(perm)
    # left: row i of M A is row perm[i] of A. right: column perm[i] of A M is column i of A.
    sources = list(perm) if on == "left" else [perm.index(j) for j in range(n)]
    moved = [(dst, src) for dst, src in enumerate(sources) if src != dst]
    if len(moved) == 2:
        a, b = sorted(src for _, src in moved)
        return f"swaps A's {fmt.ordinal(a)} and {fmt.ordinal(b)} {line}s"
    phrases = [f"{_whose(k)} {fmt.ordinal(src)} {line} {fmt.ordinal(dst)}" for k, (dst, src) in enumerate(moved)]
    words = "puts " + fmt.and_join(phrases)
    if len(moved) < n:
        words += f"; the other {line}s stay in place"
    return words


def _diagonal_words(d: FloatMatrix, line: str) -> str:
    parts = [f"{_whose(k)} {fmt.ordinal(k)} {line} by {fmt.num(x)}" for k, x in enumerate(d)]
    if len(set(np.round(d, 12))) == 1:
        return f"multiplies every {line} of A by {fmt.num(d[0])}"
    return "multiplies " + fmt.and_join(parts)


def _mixing_words(m: FloatMatrix, line: str) -> str:
    rows = m.shape[0]
    shown = min(rows, 3)
    parts = []
    for i in range(shown):
        terms = [_term(m[i, j], f"{line} {j + 1}") for j in range(m.shape[1]) if m[i, j] != 0]
        combo = " + ".join(terms).replace("+ -", "- ") if terms else "0"
        parts.append(f"{line} {i + 1} of the result is {combo}")
    more = f"; and so on for all {rows} {line}s" if rows > shown else ""
    return f"mixes A's {line}s: " + "; ".join(parts) + more


def _term(coefficient: float, name: str) -> str:
    if coefficient == 1:
        return name
    if coefficient == -1:
        return "-" + name
    return f"{fmt.num(coefficient)}·{name}"


def _projection_words(p: dict[str, Any], n: int, how: str) -> str:
    rank = p["rank"]
    basis = p["basis"]
    target = {0: "the origin", 1: "the line through", 2: "the plane spanned by"}.get(
        rank, f"the {rank}-D subspace spanned by"
    )
    if rank == n:
        return "It is a projection onto everything: it keeps every vector."
    if rank == 0:
        return "It sends every vector to the origin."
    spanned = fmt.and_join(fmt.vector(basis[:, k]) for k in range(rank))
    text = f"It drops every vector onto {target} {spanned}"
    if how:
        return text + f", {how}."
    along = p["along"]
    dirs = fmt.and_join(fmt.vector(along[:, k]) for k in range(along.shape[1]))
    return text + f", sliding along {dirs} (not at right angles)."
