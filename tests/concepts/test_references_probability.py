"""Probability, statistics and information references (data/probability.toml) against
torch.distributions, SciPy, scikit-learn and enumeration."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import mutual_info_score

from thirdroad.concepts import references as R


def close(ours: Any, theirs: Any, tol: float = 1e-9) -> None:
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().double().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def gaussian(mean: float = 0.0, scale: float = 1.0) -> Any:
    """A normal density with the calling convention of the references: p(x), and p(x, given=mu)
    for the density with mean mu."""

    def p(x: Any, given: Any = None) -> float:
        mu = mean if given is None else float(np.asarray(given))
        return float(np.exp(-((x - mu) ** 2) / (2 * scale**2)) / np.sqrt(2 * np.pi * scale**2))

    return p


# -- expectation, marginals, Bayes -------------------------------------------------------------
def test_expectation_over_outcomes() -> None:
    binom = stats.binom(6, 0.3)
    outcomes = np.arange(7)
    close(R.expectation(binom.pmf, lambda k: k**2, outcomes), binom.expect(lambda k: k**2))
    close(R.expectation(binom.pmf, np.log1p, outcomes), binom.expect(np.log1p))


def joint_table(rng: np.random.Generator) -> tuple[np.ndarray, Any]:
    """A random joint table of (x, z) and p in the references' convention: p(x, z) the joint,
    p(x, given=z) the conditional, p(v) a marginal (of x when v indexes a row)."""
    table = rng.random((3, 4))
    table /= table.sum()

    def p(a: Any, b: Any = None, given: Any = None) -> float:
        if b is not None:
            return float(table[int(a), int(b)])
        if given is not None:
            return float(table[int(a), int(given)] / table[:, int(given)].sum())
        return float(table[:, int(a)].sum())  # the marginal of z, as the total-probability rule asks

    return table, p


def test_marginal_and_total_probability_agree_with_the_table(rng: np.random.Generator) -> None:
    table, p = joint_table(rng)
    for x in range(3):
        close(R.marginal(p, x, np.arange(4)), table[x].sum())
        close(R.total_probability(p, x, np.arange(4)), table[x].sum())
    grid = np.linspace(-8, 8, 4001)
    normal = gaussian()
    joint = lambda x, z: normal(x, given=z) * normal(z)  # noqa: E731
    close(R.marginal_density(joint, 0.7, grid), stats.norm.pdf(0.7, scale=np.sqrt(2)), tol=1e-6)


def test_kl_divergence_of_densities_is_the_closed_form_of_two_gaussians() -> None:
    grid = np.linspace(-12, 12, 8001)
    p = lambda x: stats.norm.pdf(x, loc=0.3, scale=1.1)  # noqa: E731
    q = lambda x: stats.norm.pdf(x, loc=-0.4, scale=1.6)  # noqa: E731
    exact = np.log(1.6 / 1.1) + (1.1**2 + (0.3 + 0.4) ** 2) / (2 * 1.6**2) - 0.5
    close(R.kl_divergence_density(p, q, grid), exact, tol=1e-6)
    close(R.kl_divergence_density(p, p, grid), 0.0, tol=1e-9)


def test_bayes_rule_is_the_conditional_of_the_joint(rng: np.random.Generator) -> None:
    table = rng.random((3, 4))  # rows: the data x (0, 1, 2), columns: the hypotheses ("h0" .. "h3")
    table /= table.sum()

    def p(a: Any, given: Any = None) -> float:
        if given is not None:  # the likelihood p(x | theta)
            h = int(given[1:])
            return float(table[int(a), h] / table[:, h].sum())
        if isinstance(a, str):  # the prior p(theta)
            return float(table[:, int(a[1:])].sum())
        return float(table[int(a)].sum())  # the evidence p(x)

    for x in range(3):
        for h in range(4):
            close(R.bayes_rule(p, x, f"h{h}"), table[x, h] / table[x].sum())


# -- likelihood ----------------------------------------------------------------------------------
def test_likelihood_and_log_likelihood_against_torch(rng: np.random.Generator) -> None:
    x = rng.normal(1.0, 2.0, size=8)
    p = gaussian(scale=2.0)
    normal = torch.distributions.Normal(torch.tensor(1.0, dtype=torch.float64), 2.0)
    log_probs = normal.log_prob(torch.tensor(x))
    close(R.likelihood(p, x, 1.0), log_probs.exp().prod())
    close(R.log_likelihood(p, x, 1.0), log_probs.sum())


def test_supervised_likelihoods_against_a_logistic_model(rng: np.random.Generator) -> None:
    xs, ys = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    w = rng.normal(size=3)

    def p(y: Any, given: Any) -> float:
        x, theta = given if isinstance(given, tuple) else (given, w)
        prob = 1 / (1 + np.exp(-(np.asarray(theta) @ x)))
        return float(prob if y == 1 else 1 - prob)

    bce = F.binary_cross_entropy_with_logits(torch.tensor(xs @ w), torch.tensor(ys, dtype=torch.float64),
                                                               reduction="sum")
    close(R.log_likelihood_supervised(p, ys, xs, w), -bce)
    close(R.likelihood_supervised(p, ys, xs, w), torch.exp(-bce))
    close(R.likelihood_given_inputs(p, ys, xs), torch.exp(-bce))


def test_maximum_likelihood_picks_the_sample_mean_among_candidates(rng: np.random.Generator) -> None:
    x = rng.normal(0.4, 1.0, size=50)
    candidates = np.linspace(-1, 1, 201)
    best = candidates[np.argmin(np.abs(candidates - x.mean()))]  # a Gaussian's MLE of its mean
    p = gaussian()
    close(R.maximum_likelihood(p, x, candidates), best)
    close(R.maximum_log_likelihood(p, x, candidates), best)


def test_conditional_likelihood_nll_and_map(rng: np.random.Generator) -> None:
    xs, ys = rng.normal(size=(40, 1)), rng.integers(0, 2, size=40)
    candidates = np.linspace(-2, 2, 41)[:, None]

    def p(y: Any, given: Any = None) -> float:
        if given is None:  # the prior p(theta): a standard normal on the weight
            return float(stats.norm.pdf(np.asarray(y)[0]))
        x, theta = given
        prob = 1 / (1 + np.exp(-(np.asarray(theta) @ x)))
        return float(prob if y == 1 else 1 - prob)

    labels = torch.tensor(ys, dtype=torch.float64)
    nll = [F.binary_cross_entropy_with_logits(torch.tensor(xs @ c), labels, reduction="sum").item() for c in candidates]
    close(R.maximum_conditional_likelihood(p, ys, xs, candidates), candidates[int(np.argmin(nll))])
    close(R.minimum_nll(p, ys, xs, candidates), candidates[int(np.argmin(nll))])

    sample = rng.normal(3.0, 1.0, size=2)
    lik = gaussian()
    prior = lambda t, given=None: lik(t, given) if given is not None else stats.norm.pdf(t, scale=0.5)  # noqa: E731
    grid = np.linspace(-1, 4, 501)
    posterior_mean = sample.sum() / (len(sample) + 1 / 0.25)  # conjugate normal: prior N(0, 0.5^2)
    assert abs(float(R.map_estimate(prior, sample, grid)) - posterior_mean) <= 0.01
    assert float(R.map_estimate(prior, sample, grid)) < float(R.maximum_likelihood(lik, sample, grid))


# -- distributions -------------------------------------------------------------------------------
def test_bernoulli_and_categorical_against_torch(rng: np.random.Generator) -> None:
    p, x = rng.uniform(0.05, 0.95, size=6), rng.integers(0, 2, size=6).astype(float)
    close(R.bernoulli_pmf(p, x), torch.distributions.Bernoulli(torch.tensor(p)).log_prob(torch.tensor(x)).exp())
    probs = rng.dirichlet(np.ones(5))
    cat = torch.distributions.Categorical(torch.tensor(probs))
    for k in range(5):
        close(R.categorical_pmf(probs, np.eye(5)[k]), cat.log_prob(torch.tensor(k)).exp())


def test_gaussian_mixture_against_torch(rng: np.random.Generator) -> None:
    pi, mu, sigma = rng.dirichlet(np.ones(3)), rng.normal(size=3), rng.uniform(0.5, 2, size=3)
    x = rng.normal(size=7)
    mix = torch.distributions.MixtureSameFamily(torch.distributions.Categorical(torch.tensor(pi)),
                                                torch.distributions.Normal(torch.tensor(mu), torch.tensor(sigma)))
    close(R.gaussian_mixture(pi, x, mu, sigma), mix.log_prob(torch.tensor(x)).exp())


# -- spread --------------------------------------------------------------------------------------
def test_spread_and_correlation_against_torch(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=9), rng.normal(size=9)
    tx, txy = torch.tensor(x), torch.tensor(np.stack([x, y]))
    close(R.standard_deviation(x), torch.std(tx, correction=0))
    close(R.sample_standard_deviation(x), torch.std(tx))
    close(R.covariance(x, y), torch.cov(txy, correction=0)[0, 1])
    close(R.sample_covariance(x, y), torch.cov(txy)[0, 1])
    close(R.correlation(x, y), torch.corrcoef(txy)[0, 1])
    close(R.correlation(x, y), stats.pearsonr(x, y).statistic)
    data = rng.normal(size=(4, 30))
    close(R.correlation_from_covariance(np.cov(data)), torch.corrcoef(torch.tensor(data)))


# -- information ---------------------------------------------------------------------------------
def test_conditional_entropy_and_mutual_information(rng: np.random.Generator) -> None:
    X = rng.integers(0, 3, size=200)
    Y = (X + rng.integers(0, 2, size=200)) % 4
    joint = np.histogram2d(X, Y, bins=[np.arange(4) - 0.5, np.arange(5) - 0.5])[0] / 200

    # one p for every distribution, told apart by its values: x is 0, 1, 2 and y is "y0" .. "y3"
    def p(a: Any, b: Any = None, given: Any = None) -> float:
        if b is not None:
            return float(joint[int(a), int(b[1:])])
        if given is not None:
            column = joint[:, int(given[1:])]
            return float(column[int(a)] / column.sum())
        return float(joint[:, int(a[1:])].sum()) if isinstance(a, str) else float(joint[int(a)].sum())

    ys = np.array([f"y{j}" for j in range(4)])
    h_joint, h_y = stats.entropy(joint.ravel()), stats.entropy(joint.sum(axis=0))
    close(R.conditional_entropy_sum(p, np.arange(3), ys), h_joint - h_y)
    close(R.mutual_information_sum(p, np.arange(3), ys), mutual_info_score(X, Y))


def test_js_divergence_against_scipy(rng: np.random.Generator) -> None:
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    close(R.js_divergence(p, q), jensenshannon(p, q) ** 2)
    close(R.js_divergence_via(p, q, (p + q) / 2), jensenshannon(p, q) ** 2)
    assert R.js_divergence(p, q) == pytest.approx(R.js_divergence(q, p))
    assert R.js_divergence(p, q) <= np.log(2)


def test_the_two_elbos_agree_and_bound_the_evidence(rng: np.random.Generator) -> None:
    prior, lik = rng.dirichlet(np.ones(4)), rng.uniform(0.1, 0.9, size=4)  # p(z), p(x = 1 | z)
    approx = rng.dirichlet(np.ones(4))  # q(z | x = 1)

    def p(a: Any, b: Any = None, given: Any = None) -> float:
        if b is not None:  # the joint p(x, z)
            return float(lik[int(b)] * prior[int(b)])
        if given is not None:  # p(x | z)
            return float(lik[int(given)])
        return float(prior[int(a)])  # the prior p(z)

    def q(v: Any, given: Any = None) -> float:
        return float(approx[int(v)])

    zs = np.arange(4)
    evidence = float(np.log(np.sum(lik * prior)))
    close(R.elbo(p, q, 1, zs), R.elbo_kl(p, q, 1, zs))
    posterior = lik * prior / np.sum(lik * prior)
    close(evidence - R.elbo(p, q, 1, zs), stats.entropy(approx, posterior))  # the gap is KL(q || posterior)
    assert R.elbo(p, q, 1, zs) <= evidence
