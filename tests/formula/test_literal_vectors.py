"""A vector written out as zeros and a single one is one-hot (formula/literal_vectors.py)."""

from __future__ import annotations

import pytest

from thirdroad import explain


@pytest.mark.parametrize("text", [
    r"\mathbf{y} = [0, 0, 1, 0]",  # the label of the third of four classes
    r"e_{\text{cat}} = \begin{bmatrix} 0 \\ 1 \\ 0 \end{bmatrix}",
    r"t = [0, \ldots, 0, 1, 0, \ldots, 0]",  # dots for more zeros
    r"x = \begin{pmatrix} 1 & 0 & 0 & 0 & 0 \end{pmatrix}",
])
def test_zeros_and_a_single_one_are_a_one_hot_vector(text: str) -> None:
    assert "one_hot" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"x \in [0, 1]",  # a range
    r"p = (1, 0)",  # a point
    r"I = \begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}",  # a matrix
    r"v = [0, 0, 0]",
    r"v = [1, 1, 0]",
    r"v = [0, 2, 0]",
])
def test_other_literals_are_not_one_hot(text: str) -> None:
    assert "one_hot" not in explain(text).concepts


def test_weights_set_to_numbers_are_not_a_one_hot_code() -> None:
    assert "one_hot" not in explain(r"w_2 = [0, 1, 0, 0]").concepts
