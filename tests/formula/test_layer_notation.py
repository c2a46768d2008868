"""Layers as texts write them (issue 11, recall): an activation written as a plain letter
(``s(W x + b)``, rule activation-letter), a function set upright before square brackets
(``\\mathrm{a}[\\beta + \\Omega x]``, rule bracket-index), a bias written with a Greek letter."""

from __future__ import annotations

import pytest

from thirdroad import explain
from thirdroad.formula.ast import Apply, Product, Symbol
from thirdroad.formula.reading import parse


def _right(text: str) -> object:
    root = parse(text).root
    return root.operands[-1]  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [
    r"\mathbf{h} = s(\mathbf{W}\mathbf{x} + \mathbf{b})",  # an autoencoder's encoder, s "the sigmoid"
    r"z = a(b + W x)",
    r"h^{(1)} = g(W^{(1)} x + b^{(1)})",
    r"\mathbf{h} = \mathrm{a}[\boldsymbol\beta + \boldsymbol\Omega \mathbf{x}]",  # brackets for the call
    r"\mathbf{h} = \mathbf{a}[\boldsymbol\beta_0 + \boldsymbol\Omega_0 \mathbf{x}]",
    r"h = \tanh(\Omega x + \beta)",  # a bias written beta
])
def test_a_layer_written_with_a_letter_or_brackets_is_a_dense_layer(text: str) -> None:
    assert "dense_layer" in explain(text).concepts


def test_the_letter_is_read_as_applied_and_the_other_reading_is_kept() -> None:
    formula = parse(r"y = s(W x + b)")
    right = formula.root.operands[-1]  # type: ignore[attr-defined]
    assert isinstance(right, Apply) and right.func == Symbol("s", span=right.func.span)
    assert [d.rule for d in formula.decisions] == ["activation-letter"]
    (_decision, other), = formula.alternatives()
    assert isinstance(other.root.operands[-1], Product)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [
    r"y = c(x + b)",  # no weight matrix inside: a number times a sum
    r"y = x(W x + b)",  # the bracket uses the letter
    r"y = 2(W x + b)",
    r"y = a(x - \mu)",
    r"y = k(a + b)",
])
def test_a_letter_before_any_other_bracket_stays_a_factor(text: str) -> None:
    assert not isinstance(_right(text), Apply)
    assert "dense_layer" not in explain(text).concepts


def test_two_layers_written_with_letters_are_a_multilayer_perceptron() -> None:
    assert "mlp" in explain(r"f(x) = g(c + V s(b + W x))").concepts


def test_an_upright_letter_before_an_index_stays_an_entry() -> None:
    assert isinstance(_right(r"y = \mathbf{x}[n - 1]"), Symbol)  # the entry x_{n-1}
    assert isinstance(_right(r"y = \mathrm{a}[\theta_0 + \theta_1 x]"), Apply)


def test_a_greek_bias_names_the_affine_map_and_greek_settings_stay_settings() -> None:
    assert "affine" in explain(r"f = \beta + \Omega h").concepts
    assert "ema" in explain(r"m = \beta m + (1 - \beta) g").concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"\mathbf{H} = \phi(\mathbf{X} \mathbf{W}^{(1)} + \mathbf{b}^{(1)})", "dense_layer"),  # rows, W in by out
    (r"H = \mathrm{ReLU}(X W + b)", "dense_layer"),
    (r"\mathbf{h} = \tanh(\mathbf{x} \mathbf{W}^\top + \mathbf{b})", "dense_layer"),  # W out by in (PyTorch)
    (r"\mathbf{O} = \mathbf{H} \mathbf{W}^{(2)} + \mathbf{b}^{(2)}", "linear_layer"),  # the output layer, no activation
    (r"Y = X W + b", "linear_layer"),
])
def test_a_layer_on_a_batch_of_rows_is_named(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"\sigma(A B + C)",  # no weight, no input: any matrices
    r"y = \exp(X W + b)",  # exp is no activation of a layer
])
def test_rows_times_a_matrix_without_a_layer_s_roles_is_no_layer(text: str) -> None:
    assert not {"dense_layer", "linear_layer"} & explain(text).concepts
