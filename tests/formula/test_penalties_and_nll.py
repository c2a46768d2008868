"""L2 penalties written without the half, weight decay folded into a gradient step, and minus the
log of the probability of a labelled class or of the data (formulas written for these tests)."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain


@pytest.mark.parametrize(
    ("text", "concept"),
    [(r"J(\theta) = L(\theta) + \lambda \|\theta\|_2^2", "l2_regularization"),
     (r"\Omega(w) = \lambda \sum_j w_j^2", "l2_regularization"),
     (r"E(W) = E_0(W) + \alpha \|W\|^2", "l2_regularization"),
     (r"w \leftarrow (1 - \eta \lambda) w - \eta \nabla_w L", "weight_decay"),
     (r"\theta_{t+1} = \theta_t - \eta (g_t + \lambda \theta_t)", "weight_decay"),
     (r"\theta \leftarrow (1 - \lambda) \theta - \eta \frac{\partial J}{\partial \theta}", "weight_decay"),
     (r"\ell_n = -\log p_{y_n}", "cross_entropy"),
     (r"\ell = -\log \hat{y}_c", "cross_entropy"),
     (r"\mathcal{L}(\theta) = -\sum_{n=1}^{N} \log p(x_n \mid \theta)", "nll")],
)
def test_the_concept_is_named(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


@pytest.mark.parametrize(
    ("text", "concept"),
    [(r"-\log x_i", "cross_entropy"),  # minus the log of any entry: no label picks it
     (r"s = -\log q_k", "cross_entropy"),
     (r"L = y_{true} (\log y_{true} - \log y_{pred})", "cross_entropy"),  # a word, no label
     (r"\lambda \|x - y\|^2", "l2_regularization"),  # a distance penalised, no weights
     (r"R = \beta \|z\|^2", "l2_regularization"),  # the size of a code
     (r"m_t = (1 - \beta) m_{t-1} - \beta g_t", "weight_decay")],  # one setting for two roles
)
def test_the_concept_is_not_named_without_its_roles(text: str, concept: str) -> None:
    assert concept not in explain(text).concepts
