"""Attention read from the roles of its symbols (formula/attention_roles.py): a softmax of a
query-key score is attention weights; a weighted sum whose weights the formula defines as attention
weights is a context vector; a softmax of anything else, and a weighted sum of other weights, are not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from thirdroad import explain
from thirdroad.formula.evaluate import evaluate


@pytest.mark.parametrize("text", [
    r"\beta_{ij} = \mathrm{softmax}\left(\frac{\mathbf{q}_i \mathbf{k}_j^\top}{\sqrt{d}}\right)",
    r"P = \mathrm{softmax}(Q K^T / \sqrt{d_k})",
    r"w_i = \text{softmax}(q, k_i)",
    r"\pi_{t,s} = \frac{\exp(\text{score}(\mathbf{h}_t, \mathbf{e}_s))}"
    r"{\sum_{r} \exp(\text{score}(\mathbf{h}_t, \mathbf{e}_r))}",
    r"w(i) = \text{softmax}(\beta \, \text{cosine}[\mathbf{k}, \mathbf{m}_i])",  # a key compared by content
])
def test_a_softmax_of_a_query_key_score_is_attention_weights(text: str) -> None:
    assert "attention_weights" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"p = \mathrm{softmax}(W x + b)",  # a classifier's output
    r"p_j = \frac{\exp(\mathbf{w}_j^\top \mathbf{x})}{\sum_k \exp(\mathbf{w}_k^\top \mathbf{x})}",
    r"\ell = -\log \frac{\exp(\text{sim}(z_i, z_j) / \tau)}{\sum_k \exp(\text{sim}(z_i, z_k) / \tau)}",  # contrastive
    r"q = \mathrm{softmax}(z)",  # a distribution named q, no keys
])
def test_a_softmax_of_anything_else_is_no_attention(text: str) -> None:
    assert "attention_weights" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"\begin{aligned} e_i &= \mathbf{k}_i^\top \mathbf{q} \\ w &= \mathrm{softmax}(e) \\"
    r" \mathbf{r} &= \sum_i w_i \mathbf{v}_i \end{aligned}",
    r"\begin{aligned} \mathbf{c}_t &= \sum_s \beta_{t,s} \mathbf{h}_s \\"
    r" \beta_{t,s} &= \frac{\exp(\text{align}(\mathbf{d}_t, \mathbf{h}_s))}"
    r"{\sum_{r} \exp(\text{align}(\mathbf{d}_t, \mathbf{h}_r))} \end{aligned}",
])
def test_a_sum_weighted_by_attention_weights_is_a_context_vector(text: str) -> None:
    assert {"attention_weights", "context_vector"} <= explain(text).concepts


@pytest.mark.parametrize("text", [
    r"\begin{aligned} g &= \mathrm{softmax}(W_g x) \\ y &= \sum_i g_i E_i \end{aligned}",  # a mixture's gate
    r"y = \sum_i w_i x_i",
])
def test_a_sum_weighted_otherwise_is_no_context_vector(text: str) -> None:
    assert "context_vector" not in explain(text).concepts


def test_the_weights_and_the_context_are_what_torch_attention_computes() -> None:
    # the oracle: softmax(q k^T / sqrt d) v with the formula's evaluator against torch's attention
    rng = np.random.default_rng(1)
    q, k, v = (rng.normal(size=(1, 4, 3)) for _ in range(3))
    expected = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)))
    weights = evaluate(r"\mathrm{softmax}(Q K^T / \sqrt{d})", Q=q[0], K=k[0], d=3.0)
    np.testing.assert_allclose(weights @ v[0], expected.numpy()[0], rtol=1e-10)


@pytest.mark.parametrize("text", [
    # queries, keys and values are all computed from the one sequence X
    r"\mathbf{Z} = \mathbf{V}[\mathbf{X}] \, \mathrm{softmax}"
    r"\left[\mathbf{K}[\mathbf{X}]^T \mathbf{Q}[\mathbf{X}]\right]",
    r"\begin{aligned} \beta_{i,j} &= \mathrm{softmax}(u(\mathbf{x}_i)^\top r(\mathbf{x}_j)) \\"
    r" \mathbf{y}_j &= \sum_{i} \beta_{i,j} \, p(\mathbf{x}_i) \end{aligned}",
])
def test_attention_whose_queries_keys_and_values_share_one_sequence_is_self_attention(text: str) -> None:
    assert {"attention_weights", "self_attention"} <= explain(text).concepts


@pytest.mark.parametrize("text", [
    # keys from X, queries from Y: cross-attention
    r"\mathbf{Z} = \mathbf{V}[\mathbf{X}] \, \mathrm{softmax}"
    r"\left[\mathbf{K}[\mathbf{X}]^T \mathbf{Q}[\mathbf{Y}]\right]",
    # values from another sequence
    r"\mathbf{Z} = \mathbf{V}[\mathbf{Y}] \, \mathrm{softmax}"
    r"\left[\mathbf{K}[\mathbf{X}]^T \mathbf{Q}[\mathbf{X}]\right]",
    # where q and k come from is not written
    r"\mathbf{Z} = \mathbf{V} \, \mathrm{softmax}\left[\mathbf{K}^T \mathbf{Q}\right]",
    # a weighted sum of the sequence by weights of another kind
    r"\begin{aligned} g &= \mathrm{softmax}(W x) \\ y &= \sum_i g_i x_i \end{aligned}",
])
def test_attention_across_sequences_or_of_unknown_origin_is_not_self_attention(text: str) -> None:
    assert "self_attention" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"s_{ij} = \frac{\mathbf{q}_i^\top \mathbf{k}_j}{\sqrt{d_k}}",
    r"\text{score}(\mathbf{d}_t, \mathbf{e}_s) = \frac{\mathbf{d}_t^\top \mathbf{e}_s}{\sqrt{m}}",
])
def test_a_query_key_dot_product_over_the_root_of_the_width_is_the_scaled_score(text: str) -> None:
    assert "scaled_dot_product_attention" in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"y = \frac{\mathbf{w}^\top \mathbf{x}}{\sqrt{n}}",  # a scaled linear unit
    r"\rho = \frac{\mathbf{u}^\top \mathbf{v}}{\sqrt{d}}",
])
def test_any_other_scaled_dot_product_is_no_attention(text: str) -> None:
    assert "scaled_dot_product_attention" not in explain(text).concepts
