"""A named call in a role (formula/named_roles.py): a softmax called by name whose line assigns
attention weights' own output name is attention weights; and a weight matrix's superscript name
is its label (normal_form: W^q is no power)."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad import explain
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import parse


@pytest.mark.parametrize("text", [
    r"\mathbf{a} = \text{softmax}(\mathbf{e})",
    r"\alpha_{ij} = \mathrm{softmax}(e_{ij})",
])
def test_a_softmax_assigned_to_attention_weights_names_them(text: str) -> None:
    assert {"attention_weights", "softmax"} <= explain(text).concepts


@pytest.mark.parametrize("text", [
    r"p = \mathrm{softmax}(x)",  # a distribution, no attention
    r"c = \text{softmax}(\alpha)",
    r"\mathrm{softmax}(e)",  # nothing assigned
])
def test_a_softmax_in_no_role_stays_a_softmax(text: str) -> None:
    concepts = explain(text).concepts
    assert "attention_weights" not in concepts


def test_the_named_call_computes_what_the_template_does() -> None:
    # the oracle behind the role: the call and the written-out weights agree on the numbers
    e = np.random.default_rng(0).normal(size=5)
    called = evaluate(r"\mathrm{softmax}(x)", x=e)
    written = evaluate(r"\frac{\exp(x_j)}{\sum_k \exp(x_k)}", x=e)
    np.testing.assert_allclose(called, written, rtol=1e-12)


@pytest.mark.parametrize("text", [r"Q = X W^q", r"\mathbf{K} = \mathbf{X}\mathbf{W}^K", r"V = X W^{v}"])
def test_a_projection_with_a_labelled_weight_is_a_linear_layer(text: str) -> None:
    assert "linear_layer" in explain(text).concepts


def test_a_weight_label_is_no_power_but_numbers_and_transposes_stay() -> None:
    label = canon(parse("W^q").root)
    assert label.kind == "symbol"
    assert canon(parse("W^2").root).kind == "power"
    assert canon(parse("W^T").root).kind == "transpose"
    assert canon(parse("A^k").root).kind == "power"  # only a weight matrix's letter is a label


@pytest.mark.parametrize("text", [r"p = \sigma(w^T x + b)", r"p(y = 1 \mid x) = \sigma(w^T x + b)"])
def test_a_probabilitys_letter_alone_names_no_rbm_conditional(text: str) -> None:
    assert "rbm_conditional" not in explain(text).concepts


@pytest.mark.parametrize("text", [r"p(h_j = 1 \mid v) = \sigma(b_j + \sum_i v_i W_{ij})",
                                  r"P(h_j = 1 \mid \mathbf{v}) = \sigma(c_j + \sum_i v_i W_{ij})"])
def test_an_rbm_conditional_written_of_its_units_is_named(text: str) -> None:
    assert "rbm_conditional" in explain(text).concepts
