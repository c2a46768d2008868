"""Hinge losses, RMSE, the GAN value and negative sampling (data/losses.more.toml) against
scikit-learn and torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import hinge_loss, root_mean_squared_error

from thirdroad.concepts import references as R


def test_hinge_and_squared_hinge_against_sklearn_and_torch(rng: np.random.Generator) -> None:
    scores, y = rng.normal(size=10), rng.choice([-1.0, 1.0], size=10)
    assert np.mean(R.hinge(scores, y)) == pytest.approx(hinge_loss(y, scores), rel=1e-12)
    np.testing.assert_allclose(R.squared_hinge(scores, y), torch.relu(1 - torch.tensor(y * scores)).numpy() ** 2)
    w, X = rng.normal(size=3), rng.normal(size=(10, 3))
    np.testing.assert_allclose(R.hinge_linear(w, X, y), R.hinge(X @ w, y))


def test_rmse_against_sklearn_and_torch(rng: np.random.Generator) -> None:
    y, y_hat = rng.normal(size=12), rng.normal(size=12)
    assert R.rmse(y_hat, y) == pytest.approx(root_mean_squared_error(y, y_hat), rel=1e-12)
    assert R.rmse(y_hat, y) == pytest.approx(torch.sqrt(F.mse_loss(torch.tensor(y_hat), torch.tensor(y))).item())


def test_gan_value_is_minus_the_discriminators_bce(rng: np.random.Generator) -> None:
    d_real, d_fake = rng.uniform(0.05, 0.95, size=6), rng.uniform(0.05, 0.95, size=6)
    bce_real = F.binary_cross_entropy(torch.tensor(d_real), torch.ones(6, dtype=torch.float64))
    bce_fake = F.binary_cross_entropy(torch.tensor(d_fake), torch.zeros(6, dtype=torch.float64))
    assert R.gan_value(d_real, d_fake) == pytest.approx(-(bce_real + bce_fake).item(), rel=1e-12)
    # at the discriminator's optimum against a perfect generator, D = 1/2 everywhere: -log 4
    assert R.gan_value(np.full(3, 0.5), np.full(3, 0.5)) == pytest.approx(-np.log(4))


def test_negative_sampling_against_torch(rng: np.random.Generator) -> None:
    u_o, v_c, U = rng.normal(size=4), rng.normal(size=4), rng.normal(size=(5, 4))
    tv = torch.tensor(v_c)
    want = F.logsigmoid(torch.tensor(u_o) @ tv) + F.logsigmoid(-(torch.tensor(U) @ tv)).sum()
    assert R.negative_sampling_objective(u_o, v_c, U) == pytest.approx(want.item(), rel=1e-12)
    assert R.negative_sampling_loss(u_o, v_c, U) == pytest.approx(-want.item(), rel=1e-12)
