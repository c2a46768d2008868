"""An activation as a hole (formula/activation_hole.py): a template that declares its function
"the activation" (a dense layer's f(W x + b), an MLP's) is filled by any activation applied, and
a layer that computes a probability is no layer (formula/layer_guard.py)."""

from __future__ import annotations

import pytest

from thirdroad import explain
from thirdroad.formula.activation_hole import RELU, activation_call
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import parse


@pytest.mark.parametrize("text", [
    r"\sigma(\sum_i w_i x_i + b)",
    r"f(w^T x + b)",
    r"h = \tanh(W x + b)",
    r"h = \mathrm{ReLU}(W x + b)",
    r"h = \max(0, W x + b)",
    r"a_j = g(W x + b)",
])
def test_any_activation_of_an_affine_map_is_a_dense_layer(text: str) -> None:
    assert "dense_layer" in explain(text).concepts


@pytest.mark.parametrize(("text", "activation"), [
    (r"h = \max(0, W x + b)", "relu"),
    (r"h = \tanh(W x + b)", "tanh"),
    (r"h = \sigma(W x + b)", "sigmoid"),
])
def test_the_activation_in_the_hole_keeps_its_own_name(text: str, activation: str) -> None:
    assert {"dense_layer", activation} <= explain(text).concepts


@pytest.mark.parametrize("text", [
    r"s = W_2 \max(0, W_1 x)",
    r"y = W_2 \tanh(W_1 x + b_1) + b_2",
    r"y = g(W_2 f(W_1 x + b_1) + b_2)",
])
def test_two_layers_are_a_multilayer_perceptron(text: str) -> None:
    assert "mlp" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"P(y = 1 \mid x) = \sigma(w^T x + b)",  # logistic regression: a probability
    r"\sigma(w^T x + b) > 0.5",  # a decision rule
    r"h \sim \sigma(W v + c)",  # a draw
    r"\mathrm{sigm}(W_{.j} h + b_j)",  # alone, not with a layer's names: an RBM unit's probability
    r"y = \log(W x + b)",  # log is no activation
    r"y = P(W x + b)",  # nor is a probability
    r"z = \sigma(W_z x_t + U_z h_{t-1})",  # a second input, not a bias: a recurrent gate
])
def test_no_dense_layer_where_the_shape_is_something_else(text: str) -> None:
    assert "dense_layer" not in explain(text).concepts


def test_a_declared_function_that_is_no_activation_is_matched_as_before() -> None:
    # the gradient's f in \nabla f(x) may be any function, a loss L among them
    assert "gradient" in explain(r"\theta \leftarrow \theta - \eta \nabla_\theta L(\theta)").concepts


def test_what_fills_the_hole() -> None:
    def call(text: str) -> object:
        return activation_call(canon(parse(text).root))

    assert call(r"\max(0, u)") == (RELU, canon(parse("u").root))
    assert call(r"\max(u, 0)") == (RELU, canon(parse("u").root))
    assert call(r"\max(a, b)") is None
    assert call(r"\log(u)") is None
    assert call(r"f_W(u)") is None  # a whole network, not an activation
    assert call(r"\tanh(u)") is not None
