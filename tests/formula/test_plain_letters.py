"""A tiny template (two operations: ``g + \\mu b``, ``W x + b``) is named only on its names; one
bare Latin letter it shares with the formula is a coincidence, not a role."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain


@pytest.mark.parametrize("text", ["y = a b + c", "g = a b + c", "z = c + a b"])
def test_one_shared_bare_letter_names_nothing(text: str) -> None:
    assert not explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"u = \mu b + g", "nesterov"),  # a Greek setting is the template's own name
    ("h = W x + b", "affine"),  # two letters in their places
])
def test_a_telling_name_or_two_letters_still_name_it(text: str, concept: str) -> None:
    assert concept in explain(text).concepts
