"""Penalties (data/regularisation.toml) against torch's norms and scikit-learn's elastic net."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import ElasticNet

from thirdroad.concepts import references as R


def test_l1_and_elastic_net_penalties_against_torch(rng: np.random.Generator) -> None:
    w = rng.normal(size=7)
    tw = torch.tensor(w)
    np.testing.assert_allclose(R.l1_penalty(0.3, w), 0.3 * torch.linalg.vector_norm(tw, 1).item(), rtol=1e-12)
    np.testing.assert_allclose(R.elastic_net_penalty(0.3, 0.2, w),
                               0.3 * torch.linalg.vector_norm(tw, 1).item() + 0.2 * torch.sum(tw**2).item(), rtol=1e-12)


def test_sklearn_elastic_net_minimises_the_penalised_loss(rng: np.random.Generator) -> None:
    """scikit-learn's ElasticNet minimises (1/2n)||y - Xw||^2 + a r ||w||_1 + (a (1 - r) / 2) ||w||_2^2:
    the regularised loss with the elastic-net penalty, lambda_1 = a r and lambda_2 = a (1 - r) / 2."""
    X, y = rng.normal(size=(40, 5)), rng.normal(size=40)
    alpha, ratio = 0.1, 0.6
    w = ElasticNet(alpha=alpha, l1_ratio=ratio, fit_intercept=False, tol=1e-12, max_iter=100000).fit(X, y).coef_

    def loss(theta: np.ndarray) -> float:
        return float(np.sum((y - X @ theta) ** 2) / (2 * len(y)))

    def objective(theta: np.ndarray) -> float:
        return R.regularised_loss(loss, lambda t: R.elastic_net_penalty(ratio, (1 - ratio) / 2, t), theta, alpha)

    best = objective(w)
    for _ in range(50):
        assert objective(w + rng.normal(scale=1e-3, size=5)) >= best - 1e-12
    per_example = (y - X @ w) ** 2 / 2
    np.testing.assert_allclose(
        R.regularised_mean_loss(per_example, lambda t: R.elastic_net_penalty(ratio, (1 - ratio) / 2, t), w, alpha),
        best, rtol=1e-12)
