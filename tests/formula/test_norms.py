"""p-norms computed by the evaluator, against NumPy's ``linalg.norm``; the "0-norm" (how many
entries are not zero) is what NumPy computes for ord=0, not a division by zero."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import thirdroad as tr
from thirdroad.formula.numeric import norm

VECTORS = arrays(np.float64, st.integers(1, 8), elements=st.sampled_from([0.0, -2.5, 1.0, 3.0, -0.5]))


@given(VECTORS, st.sampled_from([0, 1, 2, 3, np.inf]))
def test_a_p_norm_is_numpys(x: np.ndarray, p: float) -> None:
    assert float(norm(x, p)) == pytest.approx(float(np.linalg.norm(x, p)))


def test_the_zero_norm_of_a_formula_is_explained_without_an_error() -> None:
    e = tr.explain(r"\left \Vert \mathbf{x} \right \Vert_0 = \text{number of non-zero entries of } \mathbf{x}.")
    assert e.formula.to_words().startswith("the 0-norm of")
