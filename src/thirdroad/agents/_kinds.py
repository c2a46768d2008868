"""The names a matrix can have, as data: the order to list them in and the words for each."""

from __future__ import annotations

from typing import NamedTuple


class KindWords(NamedTuple):
    noun: str  # "a rotation": how it reads in "M is a rotation"
    meaning: str  # the definition thirdroad checks, in words


KINDS: dict[str, KindWords] = {
    "identity": KindWords("the identity", "leaves every vector as it is (M = I)"),
    "point_reflection": KindWords(
        "a point reflection", "sends every point to its opposite through the origin (M = -I)"
    ),
    "permutation": KindWords("a permutation", "exactly one 1 in every row and every column, zeros elsewhere"),
    "rotation": KindWords("a rotation", "keeps lengths and angles and doesn't mirror (det = +1)"),
    "reflection": KindWords("a reflection", "mirrors across a line, plane or hyperplane: M = I - 2 n nᵀ with |n| = 1"),
    "orthogonal_projection": KindWords(
        "an orthogonal projection", "drops vectors onto a subspace at right angles (M² = M = Mᵀ)"
    ),
    "oblique_projection": KindWords(
        "an oblique projection",
        "drops vectors onto a subspace along a slanted direction (M² = M, M ≠ Mᵀ)",
    ),
    "scaling": KindWords("a scaling", "stretches each axis by its own nonzero factor"),
    "shear": KindWords(
        "a shear",
        "slides points along one direction by an amount proportional to a "
        "perpendicular coordinate (M = I + k u vᵀ, u ⟂ v)",
    ),
    "diagonal": KindWords("diagonal", "zeros off the diagonal"),
    "orthogonal": KindWords("orthogonal", "keeps all lengths and angles (MᵀM = I)"),
    "symmetric": KindWords("symmetric", "equal to its transpose (M = Mᵀ)"),
    "positive_definite": KindWords("positive definite", "symmetric with all eigenvalues positive (xᵀMx > 0 for x ≠ 0)"),
    "singular": KindWords("singular", "squashes some direction to zero (det = 0), no inverse"),
    "invertible": KindWords("invertible", "can be undone: det ≠ 0"),
}

# The concept (in the catalog, ``thirdroad.concepts``) that each kind is an example of.
KIND_CONCEPTS: dict[str, str] = {
    "permutation": "permutation_matrix",
    "rotation": "rotation_matrix",
    "reflection": "reflection_matrix",
    "point_reflection": "reflection_matrix",
    "orthogonal_projection": "projection_matrix",
    "oblique_projection": "projection_matrix",
    "singular": "determinant",
}

# A near-miss for a kind on the right is not worth naming when one on the left is named.
IMPLIES: dict[str, frozenset[str]] = {
    "identity": frozenset(
        {"diagonal", "symmetric", "rotation", "orthogonal", "permutation",
         "orthogonal_projection", "scaling", "invertible", "positive_definite"}
    ),
    "point_reflection": frozenset({"diagonal", "symmetric", "orthogonal", "scaling", "rotation"}),
    "permutation": frozenset({"orthogonal"}),
    "rotation": frozenset({"orthogonal"}),
    "reflection": frozenset({"orthogonal", "symmetric"}),
    "orthogonal_projection": frozenset({"symmetric", "oblique_projection"}),
    "scaling": frozenset({"diagonal"}),
}  # fmt: skip
