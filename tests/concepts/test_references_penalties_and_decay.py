"""The penalty written without its half, the cross-entropy of one labelled example, the negative
log-likelihood of data and the gradient steps with weight decay, against torch and scipy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.stats import norm

from thirdroad.concepts import references as R


def test_the_unhalved_l2_penalty_is_twice_the_halved_one_and_torchs_squared_norm(rng: np.random.Generator) -> None:
    w = rng.normal(size=6)
    assert R.l2_penalty_unhalved(w, 0.3) == pytest.approx(2 * R.l2_penalty(w, 0.3), rel=1e-12)
    assert R.l2_penalty_unhalved(w, 0.3) == pytest.approx(0.3 * torch.linalg.vector_norm(torch.tensor(w)).item() ** 2)


def test_cross_entropy_at_a_label_against_torchs_nll_of_log_probabilities(rng: np.random.Generator) -> None:
    p = torch.softmax(torch.tensor(rng.normal(size=(5, 4))), dim=1)
    y = torch.tensor(rng.integers(0, 4, size=5))
    expected = F.nll_loss(torch.log(p), y).item()
    assert R.cross_entropy_at_label(p.numpy(), y.numpy()) == pytest.approx(expected, rel=1e-12)


def test_negative_log_likelihood_of_gaussian_data_against_scipy(rng: np.random.Generator) -> None:
    x = rng.normal(size=8)

    def p(v: float, given: tuple[float, float]) -> float:
        return float(norm.pdf(v, loc=given[0], scale=given[1]))

    expected = -float(np.sum(norm.logpdf(x, loc=0.5, scale=2.0)))
    assert R.negative_log_likelihood(p, x, (0.5, 2.0)) == pytest.approx(expected, rel=1e-12)


def test_sgd_with_weight_decay_against_torch(rng: np.random.Generator) -> None:
    w0, g = rng.normal(size=4), rng.normal(size=4)
    w = torch.tensor(w0, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=0.01)
    w.grad = torch.tensor(g)
    opt.step()
    np.testing.assert_allclose(R.gd_step_with_weight_decay(w0, 0.1, 0.01, g), w.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(R.decayed_gd_step(w0, 0.1, 0.1 * 0.01, g), w.detach().numpy(), rtol=1e-12)
