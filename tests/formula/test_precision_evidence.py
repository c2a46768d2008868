"""Evidence a name needs (issue 11, precision): a structure shared by several concepts names one
only where the formula writes what tells it apart. Formulas are our own, in the style of real text."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from thirdroad import explain
from thirdroad.formula.evaluate import evaluate

# --- a causal mask is written as a mask -------------------------------------------------------

@pytest.mark.parametrize("text", [
    r"\mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d}} + B\right) V",  # a bias (relative positions, ALiBi)
    r"\operatorname{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K^T}{\sqrt{d_k}} + P\right) V",
    r"\mathrm{softmax}\left(\frac{QK^T}{\sqrt{d_h}} + R_{rel}\right) V",
])
def test_a_bias_added_to_attention_scores_is_no_causal_mask(text: str) -> None:
    concepts = explain(text).concepts
    assert "causal_mask" not in concepts
    assert "scaled_dot_product_attention" in concepts  # its scaled scores are still written


@pytest.mark.parametrize("text", [
    r"\mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}} + M\right) V",
    r"\mathrm{softmax}\left(\frac{QK^T}{\sqrt{d_k}} + M_{causal}\right) V",
    r"\mathrm{softmax}\left(\frac{QK^T}{\sqrt{d_k}} + \text{mask}\right) V",
])
def test_a_mask_written_as_one_is_named(text: str) -> None:
    assert "causal_mask" in explain(text).concepts


def test_the_masked_attention_adds_minus_infinity_where_the_key_is_later() -> None:
    # oracle: torch's causal attention equals the template with M = -inf above the diagonal
    rng = np.random.default_rng(1)
    q, k, v = (rng.normal(size=(4, 3)) for _ in range(3))
    mask = np.triu(np.full((4, 4), -np.inf), k=1)
    ours = evaluate(r"\mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d}} + M\right) V", Q=q, K=k, V=v, d=3.0, M=mask)
    want = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v), is_causal=True)
    np.testing.assert_allclose(np.asarray(ours), want.numpy(), rtol=1e-10)


# --- a dot product pairs entries, a weighted sum of vectors adds vectors ---------------------

@pytest.mark.parametrize("text", [
    r"\mathbf{c} = \sum_i a_i \mathbf{v}_i",
    r"\mathbf{s}_k = \sum_{n} \gamma_{nk} \mathbf{x}_n",
    r"\mathbf{y}_i = \sum_{j} w_{ij} \mathbf{h}_j",
])
def test_a_weighted_sum_of_bold_vectors_is_no_dot_product(text: str) -> None:
    assert "dot_product" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"\mathbf{u} \cdot \mathbf{v} = \sum_i u_i v_i",  # the entries of bold vectors, written plain
    r"s = \sum_{j=1}^{d} w_j x_j",
])
def test_entries_paired_by_an_index_are_a_dot_product(text: str) -> None:
    assert "dot_product" in explain(text).concepts


def test_a_sum_of_vectors_weighted_is_a_vector_not_a_number() -> None:
    # oracle: sum_i a_i v_i with vectors v_i is the matrix product a^T V (a vector), while the dot
    # product of a with one column gives one number: the two readings differ in kind
    rng = np.random.default_rng(2)
    a, v = rng.normal(size=4), rng.normal(size=(4, 3))
    summed = sum(a[i] * v[i] for i in range(4))
    np.testing.assert_allclose(summed, torch.tensor(a) @ torch.tensor(v), rtol=1e-12)
    assert np.shape(summed) == (3,)


# --- weights known to sum to one, along the index summed over --------------------------------

@pytest.mark.parametrize("text", [
    r"I_c = \sum_{i=1}^{N} p_{i,c} \, t_{i,c}",  # p_{i,c} sums to one over the classes c, not the examples i
    r"n_k = \sum_{n} p_{n,k}",
])
def test_probabilities_summed_across_examples_are_no_weighted_average(text: str) -> None:
    assert "weighted_average" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"c_i = \sum_j \alpha_{ij} h_j",  # attention weights sum to one over j, the index summed
    r"\bar{x} = \sum_k \pi_k x_k",
])
def test_weights_summed_along_their_last_index_average(text: str) -> None:
    assert "weighted_average" in explain(text).concepts


def test_a_probability_table_sums_to_one_along_its_last_index() -> None:
    # oracle: torch's softmax over the class axis makes rows sum to one, not columns
    p = torch.softmax(torch.tensor(np.random.default_rng(3).normal(size=(5, 3))), dim=-1).numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert not np.allclose(p.sum(axis=0), 1.0)


# --- a capital T alone: the last step as often as a transpose --------------------------------

@pytest.mark.parametrize("text", [r"\mathbf{H}^T", r"h^{T}"])
def test_a_name_with_a_capital_t_alone_is_not_called_a_transpose(text: str) -> None:
    assert "transpose" not in explain(text).concepts


@pytest.mark.parametrize("text", [r"\mathbf{W}^\top", r"W' = W^T", r"A^{(2)} = {A^{(1)}}^T"])
def test_a_transpose_said_or_assigned_is_named(text: str) -> None:
    assert "transpose" in explain(text).concepts


def test_the_transpose_read_agrees_with_torch() -> None:
    a = np.random.default_rng(4).normal(size=(2, 3))
    np.testing.assert_allclose(np.asarray(evaluate(r"A^\top", A=a)), torch.tensor(a).T.numpy())
