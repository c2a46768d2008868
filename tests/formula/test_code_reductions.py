"""Reductions written as code on whole arrays (``sum(y * log(p))``, ``mean(square(t - y_pred))``)
read as the sums over entries that mathematics writes, and named as those are."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain, parse
from thirdroad.formula.normal_form import canon


@pytest.mark.parametrize(
    ("code", "math"),
    [("sum(t * log(q))", r"\sum_i t_i \log q_i"),
     ("sum(w * x, axis=-1)", r"\sum_i w_i x_i"),
     ("sum(exp(z))", r"\sum_i e^{z_i}"),
     ("sum(a * log(a / b))", r"\sum_i a_i \log(a_i / b_i)"),
     ("sum(abs(u - v))", r"\sum_i |u_i - v_i|")],
)
def test_a_reduction_called_on_arrays_is_the_reduction_over_their_entries(code: str, math: str) -> None:
    assert canon(parse(code).root) == canon(parse(math).root)


@pytest.mark.parametrize(
    "code",
    ["sum(x_i)",  # already indexed: the index is the formula's own
     "sum(x, axis=0)",  # over another axis: not the entries of a row
     "sum(exp(x) / sum(exp(x)))",  # a reduction inside: which name runs with which index is unwritten
     ],
)
def test_a_reduction_the_normal_form_cannot_read_entry_by_entry_stays_as_written(code: str) -> None:
    node = canon(parse(code).root)
    assert node.kind == "apply"


def test_scalars_of_code_keep_no_index() -> None:
    # eps and the Greek letters are settings in such code, not arrays
    assert canon(parse("sum(t * log(q + eps))").root) == canon(parse(r"\sum_i t_i \log(q_i + \epsilon)").root)
    assert canon(parse("sum(alpha * x)").root) == canon(parse(r"\sum_i \alpha x_i").root)


@pytest.mark.parametrize(
    ("text", "concept"),
    [("loss = -sum(target * log(probs), axis=-1)", "cross_entropy"),
     ("ce = -sum(y_true * log(y_pred))", "cross_entropy"),
     ("loss = sum(p_true * log(p_true / p_model))", "kl_divergence"),
     ("loss = mean(square(y_true - y_pred))", "mse"),
     ("err = mean((y - outputs)**2)", "mse"),
     ("h = -sum(probs * log(probs))", "entropy"),
     ("p = exp(z) / sum(exp(z))", "softmax"),
     ("s = sum(a * b) / (sqrt(sum(a**2)) * sqrt(sum(b**2)))", "cosine_similarity")],
)
def test_losses_and_functions_written_as_code_are_named(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


def test_a_squared_difference_summed_in_code_is_a_loss_only_where_a_name_says_prediction() -> None:
    assert "mse" in explain("sum((y_true - y_pred)**2)").concepts
    assert "mse" not in explain("d = sum((p - q)**2)").concepts  # a squared distance
    assert "mse" not in explain("v = mean((x - mu)**2)").concepts  # a variance
