"""Layers chained line by line are a multilayer perceptron (formula/layer_chain.py), and a layer
whose input is the previous layer's output is a layer, not an update of a state (issue 11)."""

from __future__ import annotations

import pytest

from thirdroad import explain


@pytest.mark.parametrize("text", [
    r"h_2 = \sigma(W_2 h_1 + b_2)",
    r"\mathbf{h}^{(l)} = \tanh(\mathbf{W}^{(l)} \mathbf{h}^{(l-1)} + \mathbf{b}^{(l)})",
])
def test_a_layer_fed_by_the_layer_before_is_a_dense_layer(text: str) -> None:
    assert "dense_layer" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"h_1 = \sigma(W_1 x + b_1) \\ h_2 = \sigma(W_2 h_1 + b_2) \\ y = W_3 h_2 + b_3",
    r"\begin{aligned} \mathbf{h} &= \phi(\mathbf{U} \mathbf{x} + \mathbf{c}) \\"
    r" \hat{\mathbf{y}} &= \mathbf{V} \mathbf{h} + \mathbf{d} \end{aligned}",
    r"z = \mathrm{ReLU}(A x + a) \\ o = \mathrm{softmax}(B z + c)",
])
def test_layers_that_feed_each_other_are_a_multilayer_perceptron(text: str) -> None:
    assert "mlp" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"h_1 = \sigma(W_1 x + b_1) \\ h_2 = \sigma(W_2 x + b_2)",  # two units of one layer side by side
    r"z = W x + b \\ y = V z + c",  # two affine maps: no activation between them
    r"h = \sigma(W x + b)",  # one layer
])
def test_layers_that_do_not_feed_each_other_are_no_perceptron(text: str) -> None:
    assert "mlp" not in explain(text).concepts


def test_a_state_updated_from_itself_is_still_no_layer_of_another_quantity() -> None:
    # Nesterov's g_t = g_t + mu b_t updates the gradient with the buffer: the rule that keeps the
    # buffer's template off it stands
    assert "nesterov" in explain(r"g_t = g_t + \mu b_t").concepts


def test_layers_that_rebuild_their_input_are_an_autoencoder_not_named_a_perceptron() -> None:
    concepts = explain(r"h = f(W x + b) \\ \hat{x} = g(V h + c)").concepts
    assert "dense_layer" in concepts and "mlp" not in concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"h_t = W_{hr} h_t", "linear_layer"),  # the same quantity on both sides: a projection in place
    (r"P_{k+1} = V_k^\top P_k V_k + \rho_k s_k s_k^\top", "bilinear_layer"),  # an update of P, no layer
])
def test_an_update_of_the_assigned_quantity_is_no_layer(text: str, concept: str) -> None:
    assert concept not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"h_t = f_W(h_{t-1}, x_t)",  # the recurrence an RNN computes, its function left open
    r"\mathbf{s}_t = g(\mathbf{s}_{t-1}, y_{t-1}, \mathbf{c}_t)",  # a decoder's state from its context
    r"h_t = \tanh(W h_{t-1} + U x_t)",  # no bias
])
def test_a_hidden_state_from_itself_and_an_input_is_a_recurrent_cell(text: str) -> None:
    assert "rnn_cell" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"m_t = f(m_{t-1}, g_t)",  # a moving quantity, not a hidden state
    r"h_t = f(h_{t-1})",  # no input at the step
    r"\tilde{h}_t = \tanh(W x_t + U (r_t \odot h_{t-1}))",  # a GRU's candidate, not the new state
    r"p_t = P(h_{t-1}, x_t)",
])
def test_other_recurrences_are_no_recurrent_cell(text: str) -> None:
    assert "rnn_cell" not in explain(text).concepts


def test_a_stack_of_layers_written_with_a_step_is_no_recurrent_cell() -> None:
    text = r"\mathbf{h}_{K} = \mathbf{a}[\boldsymbol\beta_{K-1} + \boldsymbol\Omega_{K-1} \mathbf{h}_{K-1}]"
    concepts = explain(text).concepts
    assert "rnn_cell" not in concepts and "dense_layer" in concepts


def test_the_names_say_the_lines_together_are_the_perceptron() -> None:
    names = explain(r"h = \sigma(W x + b) \\ y = V h + c").lenses["names"]
    assert names.startswith("Together, the lines are a multilayer perceptron")
