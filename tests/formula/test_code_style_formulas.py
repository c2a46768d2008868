"""Formulas written as code, as library documentation shows them (Keras' "Formula:" blocks):
Python identifiers with digits, keyword settings in calls, functions of several arrays."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad.formula import FormulaError, explain, parse
from thirdroad.formula.errors import ValuesError
from thirdroad.formula.evaluate import evaluate

from .sexpr import sexpr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("loss = -sum(l2_norm(y_true) * l2_norm(y_pred))",
      "(eq loss (- (apply sum (* (apply l2_{norm} y_{true}) (apply l2_{norm} y_{pred})))))"),
     ("f1_score = 2 * p * r / (p + r)", "(eq f1_{score} (/ (* 2 p r) (+ p r)))"),
     ("m = beta1*m + (1-beta1)*g", "(update= m (+ (* beta_1 m) (* (+ 1 (- beta_1)) g)))")],
)
def test_an_identifier_with_digits_inside_is_one_name_and_digits_ending_it_a_subscript(
        text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_a_call_over_the_last_axis_is_the_call_and_other_settings_are_not_computed() -> None:
    y = np.array([0.5, -1.0, 2.0])
    assert evaluate("z = mean(square(y), axis=-1)", y=y) == pytest.approx(np.mean(y**2))
    with pytest.raises(FormulaError, match="setting"):
        evaluate("z = mean(y, axis=0)", y=y)
    with pytest.raises(FormulaError, match="setting"):
        evaluate("z = softmax(y, dim=1)", y=y)


def test_functions_of_several_arrays_broadcast_them_or_say_they_cannot() -> None:
    assert evaluate("z = mean(a, b)", a=[1.0, 2.0], b=3.0) == pytest.approx([2.0, 2.5])
    assert evaluate("z = max(a, b)", a=[1.0, 4.0], b=3.0) == pytest.approx([3.0, 4.0])
    for fn in ("mean", "max", "min"):
        with pytest.raises(ValuesError, match="entry by entry"):
            evaluate(f"z = {fn}(a, b)", a=[1.0, 2.0], b=[1.0, 2.0, 3.0])


def test_a_log_cosh_block_written_as_code_is_explained_without_a_crash() -> None:
    # keras.metrics.LogCoshError's formula: it made explain raise NumPy's ValueError
    e = explain("error = y_pred - y_true\nlogcosh = mean(log((exp(error) + exp(-error))/2), axis=-1)")
    assert "mean" in e.concepts


@pytest.mark.parametrize(
    ("text", "expected"),
    [("loss = square(e)", "(eq loss (^ e 2))"), ("y = maximum(x, 0)", "(eq y (apply max x 0))"),
     ("y = minimum(a, b)", "(eq y (apply min a b))")],
)
def test_numpys_names_of_functions_read_as_the_mathematics_they_name(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_the_hinge_loss_written_with_numpys_maximum_is_named() -> None:
    assert "hinge_loss" in explain("loss = maximum(1 - y_true * y_pred, 0)").concepts
    assert "squared_hinge" in explain("loss = square(maximum(1 - y_true * y_pred, 0))").concepts


def test_a_sum_keeps_the_terms_its_condition_on_indices_picks_and_refuses_a_condition_on_data() -> None:
    a = np.arange(9.0).reshape(3, 3)
    assert evaluate(r"s = \sum_{j} \sum_{i < j} A_{ij}", A=a) == pytest.approx(a[np.triu_indices(3, 1)].sum())
    assert evaluate(r"s = \sum_{i} \sum_{j \ne i} A_{ij}", A=a) == pytest.approx(a.sum() - np.trace(a))
    assert evaluate(r"s_j = \sum_{i < j} A_{ij}", A=a) == pytest.approx([a[:j, j].sum() for j in range(3)])
    with pytest.raises(FormulaError, match="picked by"):  # y counts from 0 or from 1: not written
        evaluate(r"s = \sum_{i \ne y} x_i", x=[1.0, 2.0, 3.0], y=1)


def test_compile_refuses_a_sum_with_a_condition_rather_than_drop_it() -> None:
    from thirdroad.formula import compile as compile_formula

    for text in (r"s = \sum_{i \ne y} x_i", r"s = \sum_{j}\sum_{i < j} A_{ij}"):
        with pytest.raises(FormulaError, match="picked by a condition"):
            compile_formula(text)
