"""A sum written without its index, Σ (y_i − ŷ_i)², runs over the one index its body carries
(issue 16: the README's MSE was read, then never named); where the body carries several indices
or none, nothing is guessed."""

from __future__ import annotations

import pytest

import thirdroad as tr
from thirdroad.formula import parse
from thirdroad.formula.ast import BigOp, Symbol
from thirdroad.formula.normal_form import canon


def _sum(text: str) -> BigOp:
    node = canon(parse(text).root)
    found = [n for n in node.walk() if isinstance(n, BigOp)]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(("text", "index"), [
    (r"\sum (y_i - \hat{y}_i)^2", "i"), ("Σ (y_i − ŷ_i)²", "i"), (r"\sum w_j x_j", "j"),
])
def test_the_sole_index_of_the_body_is_the_sums(text: str, index: str) -> None:
    assert _sum(text).under == Symbol(index)


@pytest.mark.parametrize("text", [r"\sum x_{ij}", r"\sum x", r"\sum a_i b_j", r"\sum_k x_{i}"])
def test_nothing_is_guessed_where_the_body_does_not_say(text: str) -> None:
    written = next(n for n in parse(text).root.walk() if isinstance(n, BigOp))
    assert _sum(text).under == written.under


def test_the_readmes_mse_is_named() -> None:
    assert "mse" in tr.explain("MSE = (1/n) Σ (y_i − ŷ_i)²").concepts
    assert "mse" in tr.explain(r"\mathrm{MSE} = \frac{1}{n} \sum (y_i - \hat{y}_i)^2").concepts
