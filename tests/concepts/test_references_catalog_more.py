"""References of concepts learners meet in real documents (issue 11): the Cholesky product, the
Mahalanobis distance, least squares and the Euclidean projection, against PyTorch and SciPy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.optimize
import torch
from scipy.spatial.distance import mahalanobis

from thirdroad.concepts import references as R


def close(ours: Any, theirs: Any, tol: float = 1e-9) -> None:
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().double().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def spd(rng: np.random.Generator, n: int = 4) -> np.ndarray:
    B = rng.normal(size=(n, n))
    return B @ B.T + 0.5 * np.eye(n)


def test_cholesky_products_rebuild_the_matrix_torch_factors(rng: np.random.Generator) -> None:
    A = spd(rng)
    L = torch.linalg.cholesky(torch.tensor(A)).numpy()
    close(R.cholesky_product(L), A)
    U = torch.linalg.cholesky(torch.tensor(A), upper=True).numpy()
    close(R.cholesky_upper_product(U), A)
    assert not np.allclose(R.cholesky_product(U), A)  # the upper factor must come first, transposed


def test_mahalanobis_against_scipy(rng: np.random.Generator) -> None:
    S = spd(rng)
    x, mu = rng.normal(size=4), rng.normal(size=4)
    close(R.mahalanobis(x, mu, S), mahalanobis(x, mu, np.linalg.inv(S)))
    close(R.mahalanobis(x, mu, np.eye(4)), np.linalg.norm(x - mu))  # identity covariance: Euclidean


def test_least_squares_against_torch(rng: np.random.Generator) -> None:
    A, b = rng.normal(size=(6, 3)), rng.normal(size=6)
    x = torch.linalg.lstsq(torch.tensor(A), torch.tensor(b).unsqueeze(1)).solution.squeeze(1)
    close(R.least_squares(A, b), x)
    r = A @ x.numpy() - b
    close(R.least_squares_residual(A, b), r @ r)
    close(R.least_squares(A, b), np.linalg.solve(A.T @ A, A.T @ b))  # the normal equations


def test_euclidean_projection_unconstrained_is_the_minimiser(rng: np.random.Generator) -> None:
    x = rng.normal(size=4)
    found = scipy.optimize.minimize(lambda y: np.sum((x - y) ** 2), np.zeros(4), tol=1e-12).x
    np.testing.assert_allclose(R.euclidean_projection(x), found, atol=1e-5)


def test_linear_and_logistic_regression_against_scikit_learn(rng: np.random.Generator) -> None:
    from sklearn.linear_model import LinearRegression, LogisticRegression

    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.7 + 0.1 * rng.normal(size=40)
    lin = LinearRegression().fit(X, y)
    close(R.linear_regression_batch(X, lin.coef_, lin.intercept_), lin.predict(X))
    close(R.linear_regression(lin.coef_, X[0], lin.intercept_), lin.predict(X[:1])[0])
    labels = (y > np.median(y)).astype(int)
    log = LogisticRegression().fit(X, labels)
    close([R.logistic_regression(log.coef_[0], x, log.intercept_[0]) for x in X], log.predict_proba(X)[:, 1])


def test_wasserstein_of_samples_against_scipy(rng: np.random.Generator) -> None:
    from scipy.stats import wasserstein_distance

    u, v = rng.normal(size=50), rng.normal(1.0, 2.0, size=50)
    close(R.wasserstein_1d(u, v), wasserstein_distance(u, v))
    close(R.wasserstein_1d(u, u + 3.0), 3.0)  # a shift moves every grain of mass by 3


def test_heaviside_against_torch() -> None:
    x = np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])
    close(R.heaviside(x), torch.heaviside(torch.tensor(x), torch.tensor(1.0, dtype=torch.float64)))
    close(R.derivative_of("heaviside")(x), np.zeros(5))  # type: ignore[misc]


def test_min_max_scaling_against_scikit_learn(rng: np.random.Generator) -> None:
    from sklearn.preprocessing import MinMaxScaler

    x = rng.normal(size=7)
    close(R.min_max_scale(x), MinMaxScaler().fit_transform(x[:, None])[:, 0])


def test_glove_loss_vanishes_on_exact_log_counts_and_matches_torch(rng: np.random.Generator) -> None:
    W, Wt, b, bt = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=5), rng.normal(size=4)
    X = np.exp(W @ Wt.T + b[:, None] + bt[None, :])  # counts the vectors fit exactly

    def weight(c: float) -> float:
        return R.glove_weight(c, 2.0, 0.75)

    assert R.glove_loss(weight, X, W, Wt, b, bt) < 1e-20
    counts = rng.integers(1, 6, size=(5, 4)).astype(float)
    t = {k: torch.tensor(v) for k, v in dict(X=counts, W=W, Wt=Wt, b=b, bt=bt).items()}
    f = torch.where(t["X"] < 2.0, (t["X"] / 2.0) ** 0.75, torch.ones_like(t["X"]))
    expected = (f * (t["W"] @ t["Wt"].T + t["b"][:, None] + t["bt"][None, :] - torch.log(t["X"])) ** 2).sum()
    close(R.glove_loss(weight, counts, W, Wt, b, bt), expected)
    assert R.glove_weight(50.0) == pytest.approx(0.5**0.75) and R.glove_weight(500.0) == 1.0


def test_chain_rule_of_probability_rebuilds_a_joint_by_enumeration(rng: np.random.Generator) -> None:
    import itertools

    joint = rng.uniform(0.1, 1.0, size=(2, 3, 2))
    joint /= joint.sum()  # a distribution over sequences (a, b, c)

    def p(item: int, given: tuple[int, ...] = ()) -> float:
        k = len(given)
        prefix = joint[given].sum(axis=tuple(range(1, joint.ndim - k))) if k < joint.ndim - 1 else joint[given]
        marginal = joint.sum(axis=tuple(range(k + 1, joint.ndim))) if k + 1 < joint.ndim else joint
        return float(marginal[(*given, item)] / np.sum(prefix))

    for seq in itertools.product(range(2), range(3), range(2)):
        close(R.chain_rule_probability(p, seq), joint[seq])
