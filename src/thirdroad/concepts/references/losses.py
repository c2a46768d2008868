"""References of ``data/losses.toml``.

Losses, with PyTorch's default reduction: the mean over examples, unless the docstring says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a
from thirdroad.concepts.references.activations import log_sigmoid, log_softmax, softplus


def _rows_mean(per_example: Array) -> float:
    return float(np.mean(per_example))


def mse(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Mean of the squared differences."""
    return float(np.mean((_a(y_hat) - _a(y)) ** 2))


def sum_squared_error(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Half the sum of squared differences (the form whose gradient is just y_hat - y)."""
    return float(0.5 * np.sum((_a(y_hat) - _a(y)) ** 2))


def squared_errors(y_hat: ArrayLike, y: ArrayLike) -> Array:
    """The squared difference of each prediction from its target, before any sum or mean."""
    return _a((_a(y_hat) - _a(y)) ** 2)


def sum_of_squares(y_hat: ArrayLike, y: ArrayLike) -> float:
    """The sum of the squared differences (least squares' loss: the MSE times the count)."""
    return float(np.sum((_a(y_hat) - _a(y)) ** 2))


def l1(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Mean of the absolute differences."""
    return float(np.mean(np.abs(_a(y_hat) - _a(y))))


def huber(y_hat: ArrayLike, y: ArrayLike, delta: float) -> float:
    """Squared error for small differences, delta * (|d| - delta/2) for large ones (mean)."""
    d = np.abs(_a(y_hat) - _a(y))
    return float(np.mean(np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta))))


def smooth_l1(y_hat: ArrayLike, y: ArrayLike, beta: float) -> float:
    """0.5 d^2 / beta for |d| < beta, |d| - beta/2 beyond: Huber divided by beta (mean)."""
    d = np.abs(_a(y_hat) - _a(y))
    return float(np.mean(np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)))


def cross_entropy(p: ArrayLike, y: ArrayLike) -> float:
    """-sum_c y_c log p_c from probabilities p and target distribution y (mean over rows)."""
    return _rows_mean(-np.sum(_a(y) * np.log(_a(p)), axis=-1))


def cross_entropy_logits(z: ArrayLike, y: ArrayLike) -> float:
    """Cross-entropy from logits z and a class label y per row (mean over rows)."""
    logp = np.atleast_2d(log_softmax(z))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    return _rows_mean(-logp[np.arange(len(labels)), labels])


def nll(x: ArrayLike, y: ArrayLike) -> float:
    """Negative log-likelihood: minus the log-probability x[n, y_n] of each true class (mean)."""
    logp = np.atleast_2d(_a(x))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    return _rows_mean(-logp[np.arange(len(labels)), labels])


def cross_entropy_at_label(p: ArrayLike, y: ArrayLike) -> float:
    """-log p[n, y_n]: minus the log of the probability given to each true class (mean over rows)."""
    probs = np.atleast_2d(_a(p))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    return _rows_mean(-np.log(probs[np.arange(len(labels)), labels]))


def negative_log_likelihood(p: Callable[..., Any], x: ArrayLike, theta: Any) -> float:
    """-sum_i log p(x_i | theta): minus the log-likelihood of the examples (``p(x, given=theta)``)."""
    return -float(np.sum(np.log([p(v, given=theta) for v in np.asarray(x)])))


def info_nce(s: ArrayLike, j: ArrayLike, tau: float) -> float:
    """-log softmax(s / tau)[j]: the positive pair j must out-score the others (mean over rows)."""
    logp = np.atleast_2d(log_softmax(_a(s) / tau))
    labels = np.atleast_1d(np.asarray(j, dtype=np.int64))
    return _rows_mean(-logp[np.arange(len(labels)), labels])


def entropy(p: ArrayLike) -> float:
    """-sum_i p_i log p_i: how spread out a distribution is (in nats)."""
    p = _a(p)
    return float(-np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)))


def bce(p: ArrayLike, y: ArrayLike) -> float:
    """-[y log p + (1 - y) log(1 - p)], mean over entries; p are probabilities."""
    p, y = _a(p), _a(y)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def bce_terms(p: ArrayLike, y: ArrayLike) -> Array:
    """-[y log p + (1 - y) log(1 - p)] for each entry (bce is their mean)."""
    p, y = _a(p), _a(y)
    return _a(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_with_logits(z: ArrayLike, y: ArrayLike) -> float:
    """Binary cross-entropy from logits, as max(z, 0) - z y + log(1 + exp(-|z|)) (mean)."""
    z, y = _a(z), _a(y)
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """sum_i p_i log(p_i / q_i) for discrete distributions (mean over rows)."""
    p, q = _a(p), _a(q)
    return _rows_mean(np.sum(p * np.log(p / q), axis=-1))


def kl_div_log_input(x: ArrayLike, y: ArrayLike) -> float:
    """PyTorch's kl_div: x holds log q, y holds p; sum_i y_i (log y_i - x_i), mean over rows."""
    x, y = _a(x), _a(y)
    return _rows_mean(np.sum(y * (np.log(y) - x), axis=-1))


def poisson_nll(x: ArrayLike, y: ArrayLike) -> float:
    """exp(x) - y x with x the log of the predicted rate (PyTorch, log_input=True), mean."""
    x, y = _a(x), _a(y)
    return float(np.mean(np.exp(x) - y * x))


def poisson_nll_rate(rate: ArrayLike, y: ArrayLike) -> float:
    """rate - y log(rate), with the rate itself as input (constant log y! dropped), mean."""
    rate, y = _a(rate), _a(y)
    return float(np.mean(rate - y * np.log(rate)))


def gaussian_nll(mu: ArrayLike, y: ArrayLike, var: ArrayLike) -> float:
    """0.5 (log var + (y - mu)^2 / var), mean (PyTorch without the constant)."""
    mu, y, var = _a(mu), _a(y), _a(var)
    return float(np.mean(0.5 * (np.log(var) + (y - mu) ** 2 / var)))


def hinge_embedding(x: ArrayLike, y: ArrayLike, margin: float) -> float:
    """x where y = 1, max(0, margin - x) where y = -1 (x is usually a distance), mean."""
    x, y = _a(x), _a(y)
    return float(np.mean(np.where(y == 1, x, np.maximum(0.0, margin - x))))


def margin_ranking(x1: ArrayLike, x2: ArrayLike, y: ArrayLike, margin: float) -> float:
    """max(0, -y (x1 - x2) + margin): x1 should beat x2 by margin where y = 1, mean."""
    return float(np.mean(np.maximum(0.0, -_a(y) * (_a(x1) - _a(x2)) + margin)))


def triplet_margin_terms(a: ArrayLike, p: ArrayLike, n: ArrayLike, margin: float) -> Array:
    """max(d(a_i, p_i) - d(a_i, n_i) + margin, 0) for each row i, with Euclidean d."""
    d_ap = np.linalg.norm(_a(a) - _a(p), axis=-1)
    d_an = np.linalg.norm(_a(a) - _a(n), axis=-1)
    return _a(np.maximum(d_ap - d_an + margin, 0.0))


def triplet_margin(a: ArrayLike, p: ArrayLike, n: ArrayLike, margin: float) -> float:
    """The mean over triplets of triplet_margin_terms (one triplet: its loss)."""
    return float(np.mean(triplet_margin_terms(a, p, n, margin)))


def cosine_embedding(x1: ArrayLike, x2: ArrayLike, y: ArrayLike, margin: float) -> float:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1, mean."""
    x1, x2, y = np.atleast_2d(_a(x1)), np.atleast_2d(_a(x2)), _a(y)
    cos = np.sum(x1 * x2, -1) / (np.linalg.norm(x1, axis=-1) * np.linalg.norm(x2, axis=-1))
    return float(np.mean(np.where(y == 1, 1 - cos, np.maximum(0.0, cos - margin))))


def multi_margin(x: ArrayLike, y: ArrayLike, margin: float) -> float:
    """sum over wrong classes i of max(0, margin - x[y] + x[i]), divided by the class count."""
    x = np.atleast_2d(_a(x))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    rows = np.arange(len(labels))
    hinge = np.maximum(0.0, margin - x[rows, labels][:, None] + x)
    hinge[rows, labels] = 0.0
    return _rows_mean(hinge.sum(axis=1) / x.shape[1])


def multi_margin_sum(x: ArrayLike, y: ArrayLike, margin: float) -> float:
    """sum over wrong classes i of max(0, margin - x[y] + x[i]), not divided by the class count
    (the multi-class SVM loss of Weston & Watkins as CS231n writes it)."""
    return float(multi_margin(x, y, margin) * np.atleast_2d(_a(x)).shape[1])


def multi_margin_linear(w: ArrayLike, x: ArrayLike, y: ArrayLike, margin: float) -> float:
    """The multi-class SVM loss of a linear classifier: the scores are w_j^T x, one row of w per class."""
    return multi_margin_sum(_a(w) @ _a(x), y, margin)


def soft_margin(x: ArrayLike, y: ArrayLike) -> float:
    """log(1 + exp(-y x)) with labels y in {-1, 1}, mean."""
    return float(np.mean(softplus(-_a(y) * _a(x))))


def multilabel_soft_margin(x: ArrayLike, y: ArrayLike) -> float:
    """-(1/C) sum_i [y_i log sigmoid(x_i) + (1 - y_i) log sigmoid(-x_i)], mean over rows."""
    x, y = _a(x), _a(y)
    per = y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x)
    return _rows_mean(-per.mean(axis=-1))


def kl_gaussian_standard(mu: ArrayLike, logvar: ArrayLike) -> float:
    """KL(N(mu, sigma^2) || N(0, 1)) summed over dimensions, from mu and log sigma^2 (the VAE term)."""
    mu, logvar = _a(mu), _a(logvar)
    return float(-0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar)))


def kl_gaussian_neg(mu: ArrayLike, logvar: ArrayLike) -> float:
    """Minus the KL term, as printed in Kingma & Welling: (1/2) sum (1 + log var - mu^2 - var)."""
    return -kl_gaussian_standard(mu, logvar)


def perplexity(logp: ArrayLike) -> float:
    """exp of the mean negative log-probability of the observed tokens."""
    return float(np.exp(-np.mean(_a(logp))))


def perplexity_from_loss(H: float) -> float:
    """exp(H): perplexity from a cross-entropy measured in nats."""
    return float(np.exp(H))


def smooth_labels(y: ArrayLike, eps: float) -> Array:
    """(1 - eps) y + eps / K: move a little probability from the true class to all K classes."""
    y = _a(y)
    return _a((1 - eps) * y + eps / y.shape[-1])


def focal_loss(p_t: ArrayLike, alpha: float, gamma: float) -> float:
    """-alpha (1 - p_t)^gamma log(p_t), mean: down-weights examples already classified well."""
    p_t = _a(p_t)
    return float(np.mean(-alpha * (1 - p_t) ** gamma * np.log(p_t)))


def l2_penalty(theta: ArrayLike, lambd: float) -> float:
    """(lambd / 2) ||theta||^2."""
    return float(0.5 * lambd * np.sum(_a(theta) ** 2))


def l2_penalty_unhalved(w: ArrayLike, lambd: float) -> float:
    """lambd ||w||^2: the penalty written without the half (the strength takes it)."""
    return float(lambd * np.sum(_a(w) ** 2))


def hinge(y_hat: ArrayLike, y: ArrayLike) -> Array:
    """max(0, 1 - y y_hat) for labels y in {-1, 1}: zero once the score is on the right side by a
    margin of 1, growing linearly otherwise (per example)."""
    return _a(np.maximum(0.0, 1 - _a(y) * _a(y_hat)))


def hinge_linear(w: ArrayLike, x: ArrayLike, y: ArrayLike) -> Array:
    """max(0, 1 - y w^T x): the hinge loss of a linear classifier (one example per row of x)."""
    return hinge(_a(x) @ _a(w), y)


def squared_hinge(y_hat: ArrayLike, y: ArrayLike) -> Array:
    """max(0, 1 - y y_hat)^2 (per example)."""
    return _a(hinge(y_hat, y) ** 2)


def rmse(y_hat: ArrayLike, y: ArrayLike) -> float:
    """The square root of the mean squared error, in the targets' own units."""
    return float(np.sqrt(np.mean((_a(y_hat) - _a(y)) ** 2)))


def gan_value(d_real: ArrayLike, d_fake: ArrayLike) -> float:
    """E[log D(x)] + E[log(1 - D(G(z)))], the expectations as means over the samples: the value the
    discriminator raises and the generator lowers."""
    return float(np.mean(np.log(_a(d_real))) + np.mean(np.log(1 - _a(d_fake))))


def negative_sampling_objective(u_o: ArrayLike, v_c: ArrayLike, U: ArrayLike) -> float:
    """log sigma(u_o . v_c) + sum_k log sigma(-u_k . v_c): the true context word scored up, the
    sampled noise words (the rows u_k of U) scored down."""
    v = _a(v_c)
    return float(log_sigmoid(_a(u_o) @ v) + np.sum(log_sigmoid(-(_a(U) @ v))))


def negative_sampling_loss(u_o: ArrayLike, v_c: ArrayLike, U: ArrayLike) -> float:
    """-log sigma(u_o . v_c) - sum_k log sigma(-u_k . v_c): the objective, negated to be minimised."""
    return -negative_sampling_objective(u_o, v_c, U)


def glove_loss(f: Callable[[Any], Any], X: ArrayLike, W: ArrayLike, Wt: ArrayLike, b: ArrayLike,
               bt: ArrayLike) -> float:
    """sum_ij f(X_ij) (w_i^T wt_j + b_i + bt_j - log X_ij)^2 over the pairs with a count."""
    X, W, Wt = _a(X), _a(W), _a(Wt)
    gap = W @ Wt.T + _a(b)[:, None] + _a(bt)[None, :] - np.log(np.where(X > 0, X, 1.0))
    weight = np.where(X > 0, np.vectorize(lambda c: float(f(c)))(X), 0.0)
    return float(np.sum(weight * gap**2))


def glove_weight(x: float, x_max: float = 100.0, alpha: float = 0.75) -> float:
    """(x / x_max)^alpha below x_max, 1 from there on: GloVe's weighting of a count."""
    return float((x / x_max) ** alpha) if x < x_max else 1.0
