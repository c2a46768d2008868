"""A matrix's stories: its factorizations told as actions done one after another.

Every :class:`Story` starts from a matrix (``start``) and applies its steps on the left, one at a
time: ``steps[k].result == steps[k].matrix @ steps[k - 1].result``. For SVD, eig and QR the
start is the identity and the last result is the matrix itself: doing the steps to a vector,
in order, does what the matrix does. For LU the start is the matrix and the steps are row
operations; the last result is the upper-triangular ``U``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from thirdroad.agents import _format as fmt
from thirdroad.agents._classify import canonical_sign
from thirdroad.agents._errors import AgentInputError
from thirdroad.agents._parse import ExactMatrix
from thirdroad.agents._words import measure_name, space_name, stretch, turn

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FloatMatrix = NDArray[np.float64]


@dataclass(frozen=True)
class Step:
    """One action: its matrix, its words, and everything done so far (``result``)."""

    says: str
    matrix: FloatMatrix
    result: FloatMatrix


@dataclass(frozen=True)
class Story:
    """A factorization told as actions; ``factors`` holds the pieces (``U``, ``S``, ``Vt``, ...)."""

    title: str
    summary: str
    start: FloatMatrix
    steps: tuple[Step, ...]
    factors: dict[str, FloatMatrix] = field(default_factory=dict)
    value: float | None = None

    @property
    def concept(self) -> str:
        """The catalog id (``thirdroad.concepts``) of the factorization this story tells."""
        return {"SVD": "svd", "Eigendecomposition": "eigendecomposition", "QR": "qr", "LU": "lu"}.get(
            self.title, "determinant"
        )

    def text(self) -> str:
        said_title = self.summary.lower().startswith(f"the {self.title.lower()}")
        lines = [self.summary if said_title else f"{self.title}: {self.summary}"]
        lines += [f"  {k + 1}. {step.says}" for k, step in enumerate(self.steps)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def plot(self, path: str | None = None) -> Figure:
        """Panels, one per step (shapes in 2-D and 3-D, tables of numbers otherwise)."""
        from thirdroad.agents._matrix_plots import plot_story

        return plot_story(self, path)


def _is_identity(m: FloatMatrix) -> bool:
    return m.shape[0] == m.shape[1] and np.allclose(m, np.eye(m.shape[0]), rtol=0, atol=1e-14)


def _chain(start: FloatMatrix, pieces: list[tuple[str, FloatMatrix]]) -> tuple[Step, ...]:
    """Apply the pieces one after another; a piece that does nothing (exactly I) is left out."""
    kept = [p for p in pieces if not _is_identity(p[1])]
    pieces = kept or pieces[:1]
    steps = []
    current = start
    for says, matrix in pieces:
        current = matrix @ current
        steps.append(Step(says, matrix, current))
    return tuple(steps)


def _require_square(m: FloatMatrix, what: str) -> None:
    if m.shape[0] != m.shape[1]:
        rows, cols = m.shape
        raise AgentInputError(
            f"{what} needs a square matrix; this one is {rows}x{cols}",
            hint="only a square matrix maps a space to itself",
        )


# --- SVD ----------------------------------------------------------------------------------


def svd_story(m: FloatMatrix) -> Story:
    """Any matrix is a turn, a stretch along the axes, and another turn: M = U Σ Vᵀ.

    Both turns are chosen to be rotations; when the matrix mirrors (det < 0), the mirror shows
    up as one negative stretch factor ("and flip y"), so the words stay rotate-stretch-rotate.
    """
    rows, cols = m.shape
    u, s, vt = np.linalg.svd(m)
    signed = np.zeros((rows, cols))
    signed[np.arange(len(s)), np.arange(len(s))] = s
    # (u_k, v_k) and (-u_k, -v_k) give the same product; pick the first turn to be the smaller one
    for k in range(len(s)):
        if vt[k, k] < 0:
            vt[k] *= -1
            u[:, k] *= -1
    if cols > 1 and np.linalg.det(vt) < 0:
        vt[-1] *= -1
        if cols <= rows:
            signed[cols - 1, cols - 1] *= -1
    if rows > 1 and np.linalg.det(u) < 0:
        u[:, -1] *= -1
        if rows <= cols:
            signed[rows - 1, rows - 1] *= -1
    pieces: list[tuple[str, FloatMatrix]] = []
    if rows == cols and np.ptp(s) <= 1e-3 * float(s[0]) and s[0] > 0:
        # (nearly) equal singular values: U and V are (nearly) arbitrary, only U Vᵀ is telling.
        # So tell it as M = Q S: a symmetric stretch S = V |Σ| Vᵀ (about s in every direction),
        # then the turn Q = U sign(Σ) Vᵀ.
        flips = np.diag(np.sign(np.diag(signed)))
        q = u @ flips @ vt
        spread = vt.T @ np.diag(s) @ vt
        if np.ptp(s) <= 1e-12 * float(s[0]):
            spread = s[0] * np.eye(rows)
        if float(np.max(np.abs(s - 1))) < 1e-6:  # lengths change by under a millionth: one step
            pieces.append((turn(q).capitalize(), q @ spread))
        else:
            size = fmt.num(s[0]) if np.ptp(s) <= 1e-12 * float(s[0]) else f"about {fmt.num(float(np.mean(s)))}"
            pieces.append((f"Stretch by {size} in every direction", spread))
            pieces.append((turn(q).capitalize(), q))
        said = "; ".join(p[0][0].lower() + p[0][1:] for p in pieces)
        values = (
            fmt.num(s[0]) if np.ptp(s) <= 1e-12 * float(s[0]) else f"between {fmt.num(s[-1], 6)} and {fmt.num(s[0], 6)}"
        )
        summary = f"{said}. All its singular values are {values}."
        return Story(
            "SVD",
            summary,
            np.eye(cols),
            _chain(np.eye(cols), pieces),
            {"U": u, "S": signed, "Vt": vt},
        )
    if not np.allclose(vt, np.eye(cols), atol=1e-12):
        pieces.append((turn(vt).capitalize(), vt))
    diag = np.diag(signed)
    if rows == cols:
        middle = stretch(diag, rows)
    else:
        kept = stretch(diag, min(rows, cols)) if len(diag) else "nothing"
        extra = abs(cols - rows)
        middle = (
            f"{kept}, then drop the last {'coordinate' if extra == 1 else f'{extra} coordinates'}"
            if cols > rows
            else f"{kept}, then add {'a zero coordinate' if extra == 1 else f'{extra} zeros'}"
        )
    pieces.append((middle[0].upper() + middle[1:], signed))
    if not np.allclose(u, np.eye(rows), atol=1e-12):
        pieces.append((turn(u).capitalize(), u))
    said = "; ".join(p[0][0].lower() + p[0][1:] for p in pieces)
    values = fmt.and_join(fmt.num(x) for x in s)
    summary = f"{said}. The stretch factors {values} are the singular values."
    return Story("SVD", summary, np.eye(cols), _chain(np.eye(cols), pieces), {"U": u, "S": signed, "Vt": vt})


# --- eigendecomposition -------------------------------------------------------------------


def _real_eigenbasis(
    m: FloatMatrix,
) -> tuple[FloatMatrix, FloatMatrix, list[tuple[str, complex, FloatMatrix]]]:
    """P and block-diagonal D with M = P D P⁻¹: 1x1 blocks for real eigenvalues, r·rotation for
    each complex pair (in the plane of the eigenvector's real and imaginary parts)."""
    n = m.shape[0]
    w, v = np.linalg.eig(m)
    columns: list[FloatMatrix] = []
    blocks: list[FloatMatrix] = []
    parts: list[tuple[str, complex, FloatMatrix]] = []
    scale = max(1.0, float(np.max(np.abs(m))))
    for k in np.argsort(-np.abs(w), kind="stable"):
        lam = complex(w[k])
        if abs(lam.imag) <= 1e-12 * scale:
            vec = np.real(v[:, k])
            vec = vec / np.linalg.norm(vec)
            columns.append(vec)
            blocks.append(np.array([[lam.real]]))
            parts.append(("real", lam, vec))
        elif lam.imag < 0:  # one of each conjugate pair; this one makes the turn positive
            p, q = _perpendicular_parts(v[:, k])
            columns += [p, q]
            # M p = a p - b q and M q = b p + a q for λ = a + bi, v = p + iq
            blocks.append(np.array([[lam.real, lam.imag], [-lam.imag, lam.real]]))
            parts.append(("pair", lam, np.column_stack([p, q])))
    basis = np.column_stack(columns)
    d = np.zeros((n, n))
    at = 0
    for block in blocks:
        size = block.shape[0]
        d[at : at + size, at : at + size] = block
        at += size
    return basis, d, parts


def _perpendicular_parts(v: NDArray[np.complex128]) -> tuple[FloatMatrix, FloatMatrix]:
    """Real and imaginary parts of e^{iφ}·v with φ chosen to make them perpendicular, scaled so
    the real part has length 1: the plane of a complex pair drawn with the squarest axes."""
    p, q = np.real(v), np.imag(v)
    phi = 0.5 * math.atan2(-2 * float(p @ q), float(p @ p - q @ q))
    turned = v * complex(math.cos(phi), math.sin(phi))
    tp, tq = np.real(turned), np.imag(turned)
    if abs(float(tp @ tp - tq @ tq)) < 1e-9 * float(tp @ tp + tq @ tq):
        # a plain turn in its plane: any phase works, so let p follow the axis nearest the plane
        reach = tp * tp + tq * tq
        k = int(np.flatnonzero(reach >= reach.max() - 1e-9)[0])
        phi = math.atan2(-float(tq[k]), float(tp[k]))
        turned = turned * complex(math.cos(phi), math.sin(phi))
        return np.real(turned) / np.linalg.norm(np.real(turned)), np.imag(turned) / np.linalg.norm(np.real(turned))
    # Multiplying by i keeps p ⟂ q; of the four choices take the longer p, leaning on x first.
    weights = 0.5 ** np.arange(len(v))
    candidates = [turned * 1j**k for k in range(4)]
    best = max(
        candidates,
        key=lambda c: (
            float(np.linalg.norm(c.real) - np.linalg.norm(c.imag)) > -1e-9,
            float(np.real(c) @ weights),
        ),
    )
    norm = float(np.linalg.norm(best.real))
    return best.real / norm, best.imag / norm


def _eig_sentences(parts: list[tuple[str, complex, FloatMatrix]]) -> list[str]:
    said = []
    for kind, lam, vec in parts:
        if kind == "real":
            factor = lam.real
            vec = canonical_sign(vec)
            if abs(factor) < 1e-12:
                said.append(f"squashes {fmt.vector(vec)} to zero")
            elif abs(factor - 1) < 1e-12:
                said.append(f"keeps {fmt.vector(vec)} as it is")
            elif abs(factor + 1) < 1e-12:
                said.append(f"flips {fmt.vector(vec)} to its opposite")
            elif factor < 0:
                said.append(f"stretches {fmt.vector(vec)} by {fmt.num(factor)} (flips it)")
            else:
                said.append(f"stretches {fmt.vector(vec)} by {fmt.num(factor)}")
        else:
            r, angle = abs(lam), abs(math.atan2(lam.imag, lam.real))
            plane = f"the plane of {fmt.vector(vec[:, 0])} and {fmt.vector(vec[:, 1])}"
            scaled = "keeps sizes" if abs(r - 1) < 1e-12 else f"scales by {fmt.num(r)}"
            said.append(
                f"turns by {fmt.degrees(angle)} and {scaled} in {plane} "
                f"(eigenvalues {fmt.num(lam.real)} ± {fmt.num(abs(lam.imag))}i)"
            )
    return said


def eig_story(m: FloatMatrix) -> Story:
    """Directions the matrix only stretches (M v = λ v), or, for complex λ, turns with scaling."""
    _require_square(m, "an eigendecomposition")
    n = m.shape[0]
    symmetric = np.allclose(m, m.T, atol=1e-12 * max(1.0, float(np.max(np.abs(m)))))
    if symmetric:
        w, q = np.linalg.eigh(m)
        order = np.argsort(-np.abs(w), kind="stable")
        w, q = w[order], q[:, order]
        if n > 1 and np.linalg.det(q) < 0:
            q[:, -1] *= -1
        parts = [("real", complex(lam), q[:, k]) for k, lam in enumerate(w)]
        pieces = [
            (f"{turn(q.T).capitalize()}: the eigen-directions onto the axes", q.T),
            (stretch(w, n).capitalize(), np.diag(w)),
            (f"{turn(q).capitalize()}: back again", q),
        ]
        summary = (
            "It " + fmt.and_join(_eig_sentences(parts)) + ". The directions are perpendicular "
            "(the matrix is symmetric)."
        )
        factors = {"Q": q, "Lambda": np.diag(w)}
        return Story("Eigendecomposition", summary, np.eye(n), _chain(np.eye(n), pieces), factors)
    basis, d, parts = _real_eigenbasis(m)
    if np.linalg.cond(basis) > 1e8:
        eigenvalues = np.linalg.eigvals(m)
        summary = (
            "It can't be taken apart into independent stretch directions: its eigenvalues "
            f"{fmt.and_join(_eigenvalue(x) for x in eigenvalues)} "
            "don't come with enough eigenvectors (a 'defective' matrix, like a shear)."
        )
        return Story("Eigendecomposition", summary, np.eye(n), ())
    inverse = np.linalg.inv(basis)
    pieces = [
        ("Measure the vector along the eigen-directions (change of coordinates)", inverse),
        (_block_words(d, parts, n), d),
        ("Put the pieces back together along the eigen-directions", basis),
    ]
    summary = "It " + fmt.and_join(_eig_sentences(parts)) + "."
    factors = {"P": basis, "D": d}
    return Story("Eigendecomposition", summary, np.eye(n), _chain(np.eye(n), pieces), factors)


def _eigenvalue(x: complex) -> str:
    if abs(x.imag) < 1e-12:
        return fmt.num(x.real)
    return f"{fmt.num(x.real)} {'+' if x.imag > 0 else '-'} {fmt.num(abs(x.imag))}i"


def _block_words(d: FloatMatrix, parts: list[tuple[str, complex, FloatMatrix]], n: int) -> str:
    words = []
    at = 0
    for kind, lam, _ in parts:
        if kind == "real":
            same = abs(lam.real - 1) < 1e-12
            words.append(f"keep coordinate {at + 1}" if same else f"stretch coordinate {at + 1} by {fmt.num(lam.real)}")
            at += 1
        else:
            angle = abs(math.atan2(lam.imag, lam.real))
            scale = "" if abs(abs(lam) - 1) < 1e-12 else f" and scale them by {fmt.num(abs(lam))}"
            words.append(f"turn coordinates {at + 1} and {at + 2} by {fmt.degrees(angle)}{scale}")
            at += 2
    text = fmt.and_join(words)
    return text[0].upper() + text[1:]


# --- QR -----------------------------------------------------------------------------------


def qr_story(m: FloatMatrix) -> Story:
    """Gram–Schmidt: straighten the columns into orthonormal directions Q, then R mixes them.

    Signs are fixed so R's diagonal is positive: each q_k points the way a_k does.
    """
    rows, cols = m.shape
    if rows < cols:
        raise AgentInputError(
            f"QR (Gram–Schmidt on the columns) needs at least as many rows as columns; this matrix is {rows}x{cols}"
        )
    q, r = np.linalg.qr(m)
    signs = np.where(np.diag(r) < 0, -1.0, 1.0)
    q, r = q * signs, (r.T * signs).T
    scale = max(1.0, float(np.max(np.abs(m))))
    said = []
    for k in range(cols):
        a = f"a{k + 1}"
        if abs(r[k, k]) <= 1e-12 * scale:
            said.append(f"{a} adds no new direction: it lies along the earlier columns")
            continue
        earlier = [f"{fmt.num(r[j, k])}·q{j + 1}" for j in range(k) if abs(r[j, k]) > 1e-12 * scale]
        minus = f" minus its part along the earlier ones ({' + '.join(earlier)})" if earlier else ""
        if abs(r[k, k] - 1) < 1e-12:
            said.append(f"q{k + 1} is {a}{minus}, which already has length 1")
        else:
            said.append(f"q{k + 1} is {a}{minus}, scaled to length 1 (divide by {fmt.num(r[k, k])})")
    summary = "Gram–Schmidt on the columns a1, a2, ...: " + "; ".join(said) + "."
    pieces: list[tuple[str, FloatMatrix]] = [
        ("Mix the coordinates with the triangular R (each uses only itself and later ones)", r),
    ]
    if rows == cols:
        pieces.append((turn(q).capitalize() + " (Q)", q))
    else:
        pieces.append(("Place the result along the orthonormal columns of Q", q))
    return Story("QR", summary, np.eye(cols), _chain(np.eye(cols), pieces), {"Q": q, "R": r})


# --- LU -----------------------------------------------------------------------------------

Number = Fraction | float


def _swap_matrix(n: int, i: int, j: int) -> FloatMatrix:
    e = np.eye(n)
    e[[i, j]] = e[[j, i]]
    return e


def lu_story(m: FloatMatrix, exact: ExactMatrix | None = None) -> Story:
    """Gaussian elimination, one row operation at a time; P M = L U at the end.

    With exact entries the arithmetic is exact (fractions) and rows are swapped only when a
    pivot is zero. With floating-point entries the row with the largest pivot is swapped up
    (partial pivoting), which keeps rounding errors small.
    """
    rows, cols = m.shape
    work: list[list[Number]] = [list(row) for row in exact] if exact is not None else [[float(x) for x in r] for r in m]
    scale = max(1.0, float(np.max(np.abs(m))))
    perm = list(range(rows))
    lower = np.eye(rows)
    steps: list[Step] = []
    current = m.copy()
    pivot_row = 0
    for col in range(cols):
        if pivot_row >= rows:
            break
        candidates = [i for i in range(pivot_row, rows) if abs(float(work[i][col])) > 1e-12 * scale]
        if exact is not None:
            candidates = [i for i in range(pivot_row, rows) if work[i][col] != 0]
        if not candidates:
            continue
        best = candidates[0] if exact is not None else max(candidates, key=lambda i: abs(float(work[i][col])))
        if best != pivot_row:
            work[pivot_row], work[best] = work[best], work[pivot_row]
            perm[pivot_row], perm[best] = perm[best], perm[pivot_row]
            lower[[pivot_row, best], :pivot_row] = lower[[best, pivot_row], :pivot_row]
            why = f"row {pivot_row + 1} has 0 where the pivot goes" if exact is not None else "to use the larger pivot"
            e = _swap_matrix(rows, pivot_row, best)
            current = e @ current
            steps.append(Step(f"Swap rows {pivot_row + 1} and {best + 1} ({why})", e, current))
        pivot = work[pivot_row][col]
        for i in range(pivot_row + 1, rows):
            if work[i][col] == 0:
                continue
            factor = work[i][col] / pivot
            work[i] = [a - factor * b for a, b in zip(work[i], work[pivot_row], strict=True)]
            work[i][col] = 0 * pivot  # exactly zero, of the same number type
            lower[i, pivot_row] = float(factor)
            e = np.eye(rows)
            e[i, pivot_row] = -float(factor)
            current = e @ current
            current[i, col] = 0.0
            magnitude: Number = -factor if factor < 0 else factor
            size = "" if magnitude == 1 else f"{_exact_or_float(magnitude)} times "
            if factor > 0:
                says = f"Subtract {size}row {pivot_row + 1} from row {i + 1}"
            else:
                says = f"Add {size}row {pivot_row + 1} to row {i + 1}"
            steps.append(Step(says, e, current))
        pivot_row += 1
    upper = np.array([[float(x) for x in row] for row in work])
    p = np.eye(rows)[perm]
    n_swaps = sum(1 for s in steps if s.says.startswith("Swap"))
    if not steps:
        summary = "The matrix is already upper-triangular: no elimination needed (L = I, U = M)."
    else:
        count = "one step" if len(steps) == 1 else f"{len(steps)} steps"
        summary = (
            f"Elimination in {count} turns the matrix into the upper-triangular U. "
            "The multipliers, kept below the diagonal of L, undo those steps"
            + (", and P records the row swaps: P M = L U." if n_swaps else ": M = L U.")
        )
    factors = {"P": p, "L": lower, "U": upper}
    return Story("LU", summary, m.copy(), tuple(steps), factors)


def _exact_or_float(x: Number) -> str:
    if isinstance(x, Fraction) and x.denominator <= 1000:
        return str(x)
    return fmt.num(float(x))


# --- determinant --------------------------------------------------------------------------


def exact_determinant(exact: ExactMatrix) -> Fraction:
    """The determinant by exact elimination (fractions, no rounding)."""
    work = [list(row) for row in exact]
    n = len(work)
    det = Fraction(1)
    for col in range(n):
        pivot = next((i for i in range(col, n) if work[i][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            work[col], work[pivot] = work[pivot], work[col]
            det = -det
        det *= work[col][col]
        for i in range(col + 1, n):
            factor = work[i][col] / work[col][col]
            work[i] = [a - factor * b for a, b in zip(work[i], work[col], strict=True)]
    return det


def rank(m: FloatMatrix, tol: float) -> int:
    """How many directions survive: singular values above ``tol * max(1, largest)``."""
    s = np.linalg.svd(m, compute_uv=False)
    return int(np.sum(s > tol * max(1.0, float(s[0])))) if s.size else 0


def determinant_story(m: FloatMatrix, exact: ExactMatrix | None = None, tol: float = 1e-12) -> Story:
    """The determinant as the factor by which areas (volumes) change; its sign as a flip.

    With exact entries the determinant is exact; otherwise the matrix counts as flat when its
    smallest stretch is at most ``tol`` times its largest (the same rule as "singular").
    """
    _require_square(m, "a determinant")
    n = m.shape[0]
    det = float(exact_determinant(exact)) if exact is not None else float(np.linalg.det(m))
    what = measure_name(n)
    kept = rank(m, tol) if exact is None or det != 0 else rank(m, 1e-12)
    if (exact is not None and det == 0) or (exact is None and kept < n):
        flat = {0: "a single point", 1: "a line", 2: "a plane"}.get(kept, f"a {kept}-D subspace")
        rounding = abs(det) <= 1e-12 * max(1.0, float(np.max(np.abs(m)))) ** n
        if det == 0:
            value = "0"
        elif rounding:
            value = "0 (up to rounding)"
        else:
            value = f"{det:.3g}, zero within the tolerance {fmt.sci(tol)}"
        summary = (
            f"The determinant is {value}: the matrix squashes {space_name(n)} flat onto {flat}, "
            f"so {what} become 0 and it can't be undone."
        )
    else:
        change = f"keeps {what} the same" if abs(abs(det) - 1) < 1e-12 else f"multiplies {what} by {fmt.num(abs(det))}"
        flip = (
            " and flips orientation, like a mirror (the sign is negative)"
            if det < 0
            else "; the sign is positive, so nothing is mirrored"
        )
        summary = f"The determinant is {fmt.num(det)}: the matrix {change}{flip}."
    return Story("Determinant", summary, np.eye(n), (), {"M": m.copy()}, det)


__all__ = [
    "Step",
    "Story",
    "determinant_story",
    "eig_story",
    "lu_story",
    "qr_story",
    "rank",
    "svd_story",
]
