"""A concept is named where the formula shows its defining structure and its roles, not on a
shape it shares with other formulas (issue 11: a wrong name is worse than none). Each class of
false name below is a loose structure that fitted a template; each pair of tests holds the
rule's other side: where the roles are written, the name stays."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain

# --- a vector-Jacobian product needs a Jacobian or an upstream gradient ------------------------


@pytest.mark.parametrize("text", [
    r"A = \sigma(w^T X + b)",  # logistic regression on a batch
    r"z = w^\top X",
    r"s = x^T W",
    r"y = a^\top M",
])
def test_a_row_vector_times_any_matrix_is_no_vjp(text: str) -> None:
    assert "vector_jacobian_product" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"y = v^T J",
    r"\bar x = \bar y^\top \frac{\partial y}{\partial x}",
    r"u = g^\top J",
])
def test_a_jacobian_or_a_gradient_written_keeps_the_vjp(text: str) -> None:
    assert "vector_jacobian_product" in explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"y = \operatorname{clip}(x, -c, c)", "grad_value_clipping"),  # clipping any value
    (r"s_t = s_{t-1} + x_t^2", "adagrad"),  # a running sum of squares of anything
])
def test_a_tiny_template_of_gradients_needs_a_gradient(text: str, concept: str) -> None:
    assert concept not in explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"g = \operatorname{clip}(g, -c, c)", "grad_value_clipping"),
    (r"G_t = G_{t-1} + g_t^2", "adagrad"),
])
def test_the_same_on_a_gradient_keeps_its_name(text: str, concept: str) -> None:
    assert concept in explain(text).concepts

