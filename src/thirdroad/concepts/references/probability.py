"""References of ``data/probability.toml``: expectations, likelihoods, Bayes' rule, distributions,
spread and the quantities of information theory.

A distribution given as a function (the ``p`` of ``p(x \\mid \\theta)``) is a Python callable:
``p(x)`` for the probability or density of ``x``, ``p(x, z)`` for a joint, and
``p(x, given=theta)`` for a conditional (``given`` is what a template's ``\\mid`` is followed by).
As in the formulas' own notation, one ``p`` stands for every distribution of the model, told apart
by the value it is asked about. The values it is evaluated at are arrays whose first axis runs over
the outcomes or examples.
Logarithms are natural (information in nats).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a

Distribution = Callable[..., Any]


def _each(p: Distribution, values: ArrayLike, **given: Any) -> Array:
    """p at each value (the first axis of ``values``), conditioned on ``given``."""
    return _a([p(v, **given) for v in np.asarray(values)])


# --------------------------------------------------------------------------------------------
# expectation and sums over outcomes


def expectation(p: Distribution, f: Callable[[Any], Any], x: ArrayLike) -> float:
    """E_{x ~ p}[f(x)] = sum_x p(x) f(x), over the outcomes ``x`` of a discrete distribution."""
    outcomes = np.asarray(x)
    return float(np.sum(_each(p, outcomes) * _each(f, outcomes)))


def marginal(p: Distribution, x: Any, z: ArrayLike) -> float:
    """p(x) = sum_z p(x, z): the joint summed over every value of the other variable."""
    return float(sum(p(x, v) for v in np.asarray(z)))


def total_probability(p: Distribution, x: Any, z: ArrayLike) -> float:
    """p(x) = sum_z p(x | z) p(z)."""
    return float(sum(p(x, given=v) * p(v) for v in np.asarray(z)))


def marginal_density(p: Distribution, x: Any, z: ArrayLike) -> float:
    """p(x) = int p(x, z) dz, by the trapezoid rule on the increasing grid ``z``."""
    grid = _a(z)
    return float(np.trapezoid(_a([p(x, v) for v in grid]), grid))


def kl_divergence_density(p: Distribution, q: Distribution, x: ArrayLike) -> float:
    """int p(x) log(p(x) / q(x)) dx, by the trapezoid rule on the increasing grid ``x``."""
    grid = _a(x)
    dp, dq = _each(p, grid), _each(q, grid)
    return float(np.trapezoid(dp * np.log(dp / dq), grid))


# --------------------------------------------------------------------------------------------
# likelihood


def likelihood(p: Distribution, x: ArrayLike, theta: Any) -> float:
    """prod_i p(x_i | theta): the probability of all the examples, each drawn independently."""
    return float(np.prod(_each(p, x, given=theta)))


def likelihood_supervised(p: Distribution, y: ArrayLike, x: ArrayLike, theta: Any) -> float:
    """prod_i p(y_i | x_i, theta): the probability of every label given its input."""
    return float(np.prod([p(yi, given=(xi, theta)) for yi, xi in zip(np.asarray(y), np.asarray(x), strict=True)]))


def likelihood_given_inputs(p: Distribution, y: ArrayLike, x: ArrayLike) -> float:
    """prod_i p(y_i | x_i): the likelihood of the labels, the model's parameters left implicit."""
    return float(np.prod([p(yi, given=xi) for yi, xi in zip(np.asarray(y), np.asarray(x), strict=True)]))


def log_likelihood(p: Distribution, x: ArrayLike, theta: Any) -> float:
    """sum_i log p(x_i | theta)."""
    return float(np.sum(np.log(_each(p, x, given=theta))))


def log_likelihood_supervised(p: Distribution, y: ArrayLike, x: ArrayLike, theta: Any) -> float:
    """sum_i log p(y_i | x_i, theta)."""
    return float(np.log(likelihood_supervised(p, y, x, theta)))


def _best(scores: list[float], theta: ArrayLike, largest: bool) -> Array:
    """The candidate (a row of ``theta``) with the largest (or smallest) score."""
    pick = int(np.argmax(scores) if largest else np.argmin(scores))
    return _a(np.asarray(theta)[pick])


def maximum_likelihood(p: Distribution, x: ArrayLike, theta: ArrayLike) -> Array:
    """argmax_theta prod_i p(x_i | theta), over the candidate parameters (the rows of ``theta``)."""
    return _best([likelihood(p, x, t) for t in np.asarray(theta)], theta, largest=True)


def maximum_log_likelihood(p: Distribution, x: ArrayLike, theta: ArrayLike) -> Array:
    """argmax_theta sum_i log p(x_i | theta): the same parameters, the product turned into a sum."""
    return _best([log_likelihood(p, x, t) for t in np.asarray(theta)], theta, largest=True)


def maximum_conditional_likelihood(p: Distribution, y: ArrayLike, x: ArrayLike, theta: ArrayLike) -> Array:
    """argmax_theta prod_i p(y_i | x_i, theta)."""
    return _best([likelihood_supervised(p, y, x, t) for t in np.asarray(theta)], theta, largest=True)


def minimum_nll(p: Distribution, y: ArrayLike, x: ArrayLike, theta: ArrayLike) -> Array:
    """argmin_theta -sum_i log p(y_i | x_i, theta)."""
    return _best([-log_likelihood_supervised(p, y, x, t) for t in np.asarray(theta)], theta, largest=False)


def map_estimate(p: Distribution, x: ArrayLike, theta: ArrayLike) -> Array:
    """argmax_theta p(theta) prod_i p(x_i | theta): the likelihood weighed by the prior ``p(theta)``."""
    return _best([p(t) * likelihood(p, x, t) for t in np.asarray(theta)], theta, largest=True)


def bayes_rule(p: Distribution, x: Any, theta: Any) -> float:
    """p(theta | x) = p(x | theta) p(theta) / p(x)."""
    return float(p(x, given=theta) * p(theta) / p(x))


# --------------------------------------------------------------------------------------------
# distributions


def bernoulli_pmf(p: ArrayLike, x: ArrayLike) -> Array:
    """p^x (1 - p)^(1 - x) for x in {0, 1}: p where x is 1, 1 - p where it is 0."""
    p, x = _a(p), _a(x)
    return _a(p**x * (1 - p) ** (1 - x))


def categorical_pmf(p: ArrayLike, y: ArrayLike) -> float:
    """prod_k p_k^(y_k) for a one-hot y: the probability of the class y marks."""
    return float(np.prod(_a(p) ** _a(y)))


def gaussian_mixture(pi: ArrayLike, x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> Array:
    """sum_k pi_k N(x | mu_k, sigma_k^2), at each entry of x (one-dimensional components)."""
    x = _a(x)[..., None]
    mu, sigma = _a(mu), _a(sigma)
    density = np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    return _a(np.sum(_a(pi) * density, axis=-1))


# --------------------------------------------------------------------------------------------
# spread


def standard_deviation(x: ArrayLike) -> float:
    """sqrt((1/n) sum_i (x_i - mu)^2): the population standard deviation."""
    return float(np.sqrt(np.mean((_a(x) - np.mean(_a(x))) ** 2)))


def sample_standard_deviation(x: ArrayLike) -> float:
    """sqrt((1/(n-1)) sum_i (x_i - x_bar)^2)."""
    x = _a(x)
    return float(np.sqrt(np.sum((x - x.mean()) ** 2) / (x.size - 1)))


def covariance(x: ArrayLike, y: ArrayLike) -> float:
    """E[(X - E[X])(Y - E[Y])] over paired samples: the mean product of the deviations."""
    x, y = _a(x), _a(y)
    return float(np.mean((x - x.mean()) * (y - y.mean())))


def sample_covariance(x: ArrayLike, y: ArrayLike) -> float:
    """(1/(n-1)) sum_i (x_i - x_bar)(y_i - y_bar)."""
    x, y = _a(x), _a(y)
    return float(np.sum((x - x.mean()) * (y - y.mean())) / (x.size - 1))


def correlation(x: ArrayLike, y: ArrayLike) -> float:
    """Pearson's r: the covariance over the product of the standard deviations."""
    x, y = _a(x), _a(y)
    dx, dy = x - x.mean(), y - y.mean()
    return float(np.sum(dx * dy) / (np.sqrt(np.sum(dx**2)) * np.sqrt(np.sum(dy**2))))


def correlation_from_covariance(C: ArrayLike) -> Array:
    """R_ij = C_ij / sqrt(C_ii C_jj): a covariance matrix scaled to correlations."""
    C = _a(C)
    d = np.sqrt(np.diag(C))
    return _a(C / np.outer(d, d))


# --------------------------------------------------------------------------------------------
# information


def conditional_entropy_sum(p: Distribution, x: ArrayLike, y: ArrayLike) -> float:
    """-sum_{x,y} p(x, y) log p(x | y), over the values ``x`` and ``y`` take."""
    return float(-sum(p(a, b) * np.log(p(a, given=b)) for a in np.asarray(x) for b in np.asarray(y)
                      if p(a, b) > 0))


def mutual_information_sum(p: Distribution, x: ArrayLike, y: ArrayLike) -> float:
    """sum_{x,y} p(x, y) log(p(x, y) / (p(x) p(y))), over the values ``x`` and ``y`` take."""
    return float(sum(p(a, b) * np.log(p(a, b) / (p(a) * p(b))) for a in np.asarray(x) for b in np.asarray(y)
                     if p(a, b) > 0))


def js_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """(1/2) KL(p || m) + (1/2) KL(q || m) with m = (p + q) / 2."""
    p, q = _a(p), _a(q)
    m = (p + q) / 2
    return float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))


def js_divergence_via(P: ArrayLike, Q: ArrayLike, M: ArrayLike) -> float:
    """(1/2) D_KL(P || M) + (1/2) D_KL(Q || M), with the mixture M given (it is (P + Q) / 2)."""
    P, Q, M = _a(P), _a(Q), _a(M)
    return float(0.5 * np.sum(P * np.log(P / M)) + 0.5 * np.sum(Q * np.log(Q / M)))


def elbo(p: Distribution, q: Distribution, x: Any, z: ArrayLike) -> float:
    """E_{z ~ q(z | x)}[log p(x, z) - log q(z | x)] = sum_z q(z | x) log(p(x, z) / q(z | x)),
    over the values ``z`` of a discrete latent variable."""
    return float(sum(q(v, given=x) * (np.log(p(x, v)) - np.log(q(v, given=x))) for v in np.asarray(z)
                     if q(v, given=x) > 0))


def elbo_kl(p: Distribution, q: Distribution, x: Any, z: ArrayLike) -> float:
    """E_{z ~ q(z | x)}[log p(x | z)] - KL(q(z | x) || p(z)): the same bound, as a reconstruction
    term minus a divergence from the prior."""
    zs = np.asarray(z)
    weights = _a([q(v, given=x) for v in zs])
    recon = float(np.sum(weights * _a([np.log(p(x, given=v)) for v in zs])))
    prior = _a([p(v) for v in zs])
    kept = weights > 0
    return recon - float(np.sum(weights[kept] * np.log(weights[kept] / prior[kept])))


def wasserstein_1d(P: ArrayLike, Q: ArrayLike, Pi: Callable[..., Any] | None = None,
                   gamma: Callable[..., Any] | None = None) -> float:
    """W1 between the empirical distributions of two equally long samples on the line: the mean
    distance between the sorted samples (sorting pairs them the cheapest way, so the set of
    couplings ``Pi`` and the coupling ``gamma`` a formula names need not be given)."""
    p, q = np.sort(_a(P).ravel()), np.sort(_a(Q).ravel())
    if p.shape != q.shape:
        raise ValueError("wasserstein_1d pairs two samples of the same size")
    return float(np.mean(np.abs(p - q)))


def chain_rule_probability(p: Distribution, x: Any) -> float:
    """prod_i p(x_i | x_1, ..., x_{i-1}): ``p(item, given=prefix)`` with the prefix as a tuple
    (empty for the first item)."""
    items = list(x)
    return float(np.prod([p(items[i], given=tuple(items[:i])) for i in range(len(items))]))
