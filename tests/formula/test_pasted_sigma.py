"""The character Σ with limits is the sum sign even beside LaTeX's braced scripts (issue 16: a
softmax pasted from an encyclopedia page, σ(z)_j = e^{z_j} / Σ_{k=1}^K e^{z_k}, was read as a
fraction over the matrix Σ times e^{z_k}); LaTeX's own \\Sigma_k stays the matrix."""

from __future__ import annotations

import numpy as np
import pytest

import thirdroad as tr
from thirdroad.formula import evaluate, parse
from thirdroad.formula.ast import BigOp, Fraction


def test_an_encyclopedias_softmax_is_a_softmax() -> None:
    text = "σ(z)_j = e^{z_j} / Σ_{k=1}^K e^{z_k}"
    rhs = parse(text).root.operands[1]  # type: ignore[attr-defined]
    assert isinstance(rhs, Fraction) and isinstance(rhs.den, BigOp)
    assert "softmax" in tr.explain(text).concepts
    z = np.array([1.0, 2.0, 0.5])
    got = evaluate("e^{z_j} / Σ_{k=1}^K e^{z_k}", z=z, K=3)
    np.testing.assert_allclose(got, np.exp(z) / np.exp(z).sum())


@pytest.mark.parametrize("text", [r"\Sigma_{k} = A", r"x^{2} + \Sigma_1 = 1"])
def test_latex_sigma_with_a_subscript_is_still_the_matrix(text: str) -> None:
    assert "\\sum" not in parse(text).latex
