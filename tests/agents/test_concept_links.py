"""Every concept id an agent names is in the catalog, so interfaces can link to its card."""

from __future__ import annotations

import numpy as np

import thirdroad.concepts as catalog
from thirdroad.agents import ACTIVATIONS, RACERS, agent


def test_matrix_concepts_are_in_the_catalog() -> None:
    for m in ("[[0,0,1],[1,0,0],[0,1,0]]", "[[0,1],[1,0]]", "[[1,0],[0,0]]", "[[1,1],[0,0]]", np.eye(3)):
        ids = agent(m).concepts
        assert ids and all(i in catalog for i in ids), ids
    assert agent("[[0,1],[1,0]]").concepts[:2] == ["permutation_matrix", "reflection_matrix"]
    assert agent("[[1,2],[3,4]]").concepts == ["svd", "eigendecomposition", "qr", "lu", "determinant"]


def test_activation_and_optimizer_concepts_are_in_the_catalog() -> None:
    for name in ACTIVATIONS:
        assert agent(name).concept in catalog, name
    for name in RACERS:
        assert agent(name).concept in catalog, name
