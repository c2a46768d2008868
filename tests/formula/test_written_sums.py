"""A weighted sum written out term by term is the sum over its index (formula/written_sums.py, a
normal form), so the templates written with the sum name it (issue 11, recall)."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad import explain
from thirdroad.formula.ast import BigOp, Sum
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import parse


def _canonical_right(text: str) -> object:
    return canon(parse(text).root.operands[-1])  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [
    r"\hat{y} = w_1 x_1 + w_2 x_2 + w_3 x_3 + b",  # a linear model, three features
    r"\hat{y} = w_1 x_1 + w_2 x_2 + \dots + w_d x_d + b",  # d features, the middle left out
])
def test_a_linear_model_written_out_is_a_linear_regression(text: str) -> None:
    assert "linear_regression" in explain(text).concepts


def test_a_unit_written_out_is_a_dense_layer() -> None:
    assert "dense_layer" in explain(r"h_1 = \mathrm{a}[\theta_{10} + \theta_{11} x_1 + \theta_{12} x_2]").concepts


def test_two_products_written_out_are_a_dot_product() -> None:
    assert "dot_product" in explain(r"s = u_1 v_1 + u_2 v_2 + u_3 v_3").concepts


@pytest.mark.parametrize("text", [
    r"y = w_1 x + w_2 z",  # the names carry no common count
    r"y = x_1 + x_2 + x_3",  # names, not products
    r"y = w_1 x_1 + w_3 x_3",  # the counts skip
    r"y = w_1 x_2 + w_2 x_3",  # the factors of a term disagree
])
def test_other_sums_stay_as_written(text: str) -> None:
    assert not any(isinstance(t, BigOp) for t in _walk(_canonical_right(text)))


def _walk(node: object) -> list[object]:
    return list(node.walk())  # type: ignore[attr-defined]


def test_the_folded_sum_keeps_the_bias_apart_and_the_row() -> None:
    folded = _canonical_right(r"o_1 = x_1 w_{11} + x_2 w_{12} + x_3 w_{13} + b_1")
    assert isinstance(folded, Sum) and len(folded.terms) == 2
    assert any(isinstance(t, BigOp) and t.op == "sum" for t in folded.terms)


def test_the_folded_sum_computes_what_the_terms_do() -> None:
    u, v = np.array([0.5, -2.0, 3.0]), np.array([4.0, 1.5, -1.0])
    folded = _canonical_right(r"s = u_1 v_1 + u_2 v_2 + u_3 v_3")
    assert isinstance(folded, BigOp)
    assert evaluate(folded, u=u, v=v) == pytest.approx(float(u @ v))


@pytest.mark.parametrize("text", [
    r"D = \sum_x p(x) \log p(x) - \sum_x p(x) \log q(x)",  # sums of expressions: no weights and bias
    r"V = \sum_i E(w_i)^2 \mathrm{Var}(x_i) + \sum_i \mathrm{Var}(x_i) \mathrm{Var}(w_i)",
])
def test_a_sum_of_expressions_plus_a_term_is_no_weighted_sum_plus_a_bias(text: str) -> None:
    assert not explain(text).concepts & {"affine", "linear_regression"}
