"""NumPy references of activations and losses against PyTorch (and SciPy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.stats
import torch
import torch.nn.functional as F

from thirdroad.concepts import references as R

T = torch.tensor


def close(ours: Any, theirs: Any, tol: float = 1e-9) -> None:
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().double().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


ACTIVATIONS: list[tuple[str, Callable[..., Any], Callable[..., Any], dict[str, float]]] = [
    ("softmax", R.softmax, lambda x: F.softmax(x, -1), {}),
    ("softmin", R.softmin, lambda x: F.softmin(x, -1), {}),
    ("log_softmax", R.log_softmax, lambda x: F.log_softmax(x, -1), {}),
    ("logsumexp", R.logsumexp, lambda x: torch.logsumexp(x, -1), {}),
    ("sigmoid", R.sigmoid, torch.sigmoid, {}),
    ("log_sigmoid", R.log_sigmoid, F.logsigmoid, {}),
    ("tanh", R.tanh, torch.tanh, {}),
    ("relu", R.relu, F.relu, {}),
    ("relu6", R.relu6, F.relu6, {}),
    ("leaky_relu", R.leaky_relu, lambda x: F.leaky_relu(x, 0.07), {"negative_slope": 0.07}),
    ("elu", R.elu, lambda x: F.elu(x, 0.8), {"alpha": 0.8}),
    ("selu", R.selu, F.selu, {}),
    ("celu", R.celu, lambda x: F.celu(x, 1.7), {"alpha": 1.7}),
    ("gelu", R.gelu, F.gelu, {}),
    ("gelu_tanh", R.gelu_tanh, lambda x: F.gelu(x, approximate="tanh"), {}),
    ("softplus", R.softplus, lambda x: F.softplus(x, beta=2.0, threshold=1e6), {"beta": 2.0}),
    ("softsign", R.softsign, F.softsign, {}),
    ("silu", R.silu, F.silu, {}),
    ("mish", R.mish, F.mish, {}),
    ("hardtanh", R.hardtanh, lambda x: F.hardtanh(x, -0.5, 2.0),
     {"min_val": -0.5, "max_val": 2.0}),
    ("hardsigmoid", R.hardsigmoid, F.hardsigmoid, {}),
    ("hardswish", R.hardswish, F.hardswish, {}),
    ("softshrink", R.softshrink, lambda x: F.softshrink(x, 0.6), {"lambd": 0.6}),
    ("hardshrink", R.hardshrink, lambda x: F.hardshrink(x, 0.6), {"lambd": 0.6}),
    ("tanhshrink", R.tanhshrink, F.tanhshrink, {}),
    ("threshold", R.threshold, lambda x: F.threshold(x, 0.3, -2.0),
     {"threshold": 0.3, "value": -2.0}),
]


@pytest.mark.parametrize("name, ours, theirs, kwargs", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_matches_torch(rng: np.random.Generator, name: str, ours: Callable[..., Any],
                                  theirs: Callable[..., Any], kwargs: dict[str, float]) -> None:
    x = rng.normal(scale=4.0, size=(3, 7))
    close(ours(x, **kwargs), theirs(T(x)), tol=1e-7 if name == "gelu" else 1e-9)


def test_softmax_survives_large_scores() -> None:
    x = np.array([1000.0, 1001.0, 999.0])
    close(R.softmax(x), F.softmax(T(x), -1))
    close(R.sigmoid(np.array([-800.0, 800.0])), [0.0, 1.0])


def test_softmax_with_temperature_and_prelu_and_glu(rng: np.random.Generator) -> None:
    x = rng.normal(size=(2, 5))
    close(R.softmax_temperature(x, 0.5), F.softmax(T(x) / 0.5, -1))
    slope = rng.uniform(0, 0.5, size=5)
    close(R.prelu(x, slope), F.prelu(T(x), T(slope)))
    both = rng.normal(size=(3, 8))
    close(R.glu(both[:, :4], both[:, 4:]), F.glu(T(both), -1))
    close(R.swish(x, 1.0), F.silu(T(x)))


def onehot(labels: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k)[labels]


def test_regression_losses(rng: np.random.Generator) -> None:
    y_hat, y = rng.normal(size=(4, 3)) * 2, rng.normal(size=(4, 3)) * 2
    a, b = T(y_hat), T(y)
    close(R.mse(y_hat, y), F.mse_loss(a, b))
    close(R.sum_squared_error(y_hat, y), 0.5 * F.mse_loss(a, b, reduction="sum"))
    close(R.l1(y_hat, y), F.l1_loss(a, b))
    close(R.huber(y_hat, y, 1.3), F.huber_loss(a, b, delta=1.3))
    close(R.smooth_l1(y_hat, y, 0.7), F.smooth_l1_loss(a, b, beta=0.7))
    var = rng.uniform(0.5, 2.0, size=(4, 3))
    close(R.gaussian_nll(y_hat, y, var), F.gaussian_nll_loss(a, b, T(var)))


def test_cross_entropy_from_logits_and_from_probabilities(rng: np.random.Generator) -> None:
    z = rng.normal(size=(5, 4)) * 3
    labels = rng.integers(0, 4, size=5)
    torch_ce = F.cross_entropy(T(z), T(labels))
    close(R.cross_entropy_logits(z, labels), torch_ce)
    close(R.cross_entropy(R.softmax(z), onehot(labels, 4)), torch_ce)
    close(R.nll(R.log_softmax(z), labels), F.nll_loss(F.log_softmax(T(z), -1), T(labels)))
    close(R.perplexity_from_loss(R.cross_entropy_logits(z, labels)), torch.exp(torch_ce))
    logp = R.log_softmax(z)[np.arange(5), labels]
    close(R.perplexity(logp), torch.exp(torch_ce))


def test_label_smoothing_matches_torch(rng: np.random.Generator) -> None:
    z = rng.normal(size=(6, 5))
    labels = rng.integers(0, 5, size=6)
    smoothed = R.smooth_labels(onehot(labels, 5), 0.1)
    close(smoothed.sum(axis=1), np.ones(6))
    close(R.cross_entropy(R.softmax(z), smoothed),
          F.cross_entropy(T(z), T(labels), label_smoothing=0.1))


def test_focal_loss_without_focusing_is_cross_entropy(rng: np.random.Generator) -> None:
    z = rng.normal(size=(6, 3))
    labels = rng.integers(0, 3, size=6)
    p_t = R.softmax(z)[np.arange(6), labels]
    close(R.focal_loss(p_t, 1.0, 0.0), F.cross_entropy(T(z), T(labels)))
    assert R.focal_loss(p_t, 1.0, 2.0) < R.focal_loss(p_t, 1.0, 0.0)


def test_binary_losses(rng: np.random.Generator) -> None:
    z = rng.normal(size=(4, 3)) * 3
    y = rng.integers(0, 2, size=(4, 3)).astype(float)
    close(R.bce(R.sigmoid(z), y), F.binary_cross_entropy(torch.sigmoid(T(z)), T(y)))
    close(R.bce_terms(R.sigmoid(z), y),
          F.binary_cross_entropy(torch.sigmoid(T(z)), T(y), reduction="none"))
    close(R.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(T(z), T(y)))
    close(R.multilabel_soft_margin(z, y), F.multilabel_soft_margin_loss(T(z), T(y)))
    signs = 2 * y - 1
    close(R.soft_margin(z, signs), F.soft_margin_loss(T(z), T(signs)))


def test_divergences_and_entropy(rng: np.random.Generator) -> None:
    p, q = rng.dirichlet(np.ones(5), size=3), rng.dirichlet(np.ones(5), size=3)
    close(R.kl_divergence(p, q), np.mean(scipy.stats.entropy(p, q, axis=1)))
    close(R.kl_div_log_input(np.log(q), p),
          F.kl_div(T(np.log(q)), T(p), reduction="batchmean"))
    close(R.entropy(p[0]), scipy.stats.entropy(p[0]))
    close(R.entropy(np.array([0.5, 0.5, 0.0])), np.log(2))


def test_count_losses(rng: np.random.Generator) -> None:
    x = rng.normal(size=(3, 4))
    counts = rng.poisson(2.0, size=(3, 4)).astype(float)
    close(R.poisson_nll(x, counts), F.poisson_nll_loss(T(x), T(counts), log_input=True))
    rate = np.exp(x)
    close(R.poisson_nll_rate(rate, counts),
          F.poisson_nll_loss(T(rate), T(counts), log_input=False, eps=0.0), tol=1e-8)


def test_margin_losses(rng: np.random.Generator) -> None:
    x1, x2 = rng.normal(size=6), rng.normal(size=6)
    y = rng.choice([-1.0, 1.0], size=6)
    close(R.margin_ranking(x1, x2, y, 0.3), F.margin_ranking_loss(T(x1), T(x2), T(y), 0.3))
    dist = np.abs(rng.normal(size=6))
    close(R.hinge_embedding(dist, y, 1.2), F.hinge_embedding_loss(T(dist), T(y), margin=1.2))
    a, pos, neg = (rng.normal(size=(5, 4)) for _ in range(3))
    close(R.triplet_margin(a, pos, neg, 1.0),
          F.triplet_margin_loss(T(a), T(pos), T(neg), margin=1.0), tol=1e-5)
    close(R.triplet_margin_terms(a, pos, neg, 1.0),
          F.triplet_margin_loss(T(a), T(pos), T(neg), margin=1.0, reduction="none"), tol=1e-5)
    u, v = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    close(R.cosine_embedding(u, v, y, 0.2), F.cosine_embedding_loss(T(u), T(v), T(y), 0.2))
    scores = rng.normal(size=(5, 4))
    labels = rng.integers(0, 4, size=5)
    close(R.multi_margin(scores, labels, 0.8),
          F.multi_margin_loss(T(scores), T(labels), margin=0.8))
    pred, target = rng.normal(size=6), rng.normal(size=6)
    close(R.squared_errors(pred, target), F.mse_loss(T(pred), T(target), reduction="none"))
    close(R.sum_of_squares(pred, target), F.mse_loss(T(pred), T(target), reduction="sum"))
    # summed over the wrong classes (CS231n), not averaged: PyTorch's per-example loss times C
    per_example = F.multi_margin_loss(T(scores), T(labels), margin=0.8, reduction="none")
    close(R.multi_margin_sum(scores, labels, 0.8), (per_example * 4).mean())
    W, x = rng.normal(size=(4, 3)), rng.normal(size=3)
    close(R.multi_margin_linear(W, x, labels[:1], 1.0),
          F.multi_margin_loss(T(W @ x)[None], T(labels[:1]), margin=1.0) * 4)


def test_l2_penalty(rng: np.random.Generator) -> None:
    theta = rng.normal(size=7)
    close(R.l2_penalty(theta, 0.3), 0.15 * torch.linalg.vector_norm(T(theta)) ** 2)


def test_logit_undoes_sigmoid_and_swiglu(rng: np.random.Generator) -> None:
    p = rng.uniform(0.01, 0.99, size=8)
    close(R.logit(p), torch.logit(T(p)))
    close(R.sigmoid(R.logit(p)), p)
    a, b = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    close(R.swiglu(a, b), F.silu(T(a)) * T(b))


def test_info_nce_is_cross_entropy_over_candidates(rng: np.random.Generator) -> None:
    z = rng.normal(size=(6, 4))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    partner = z + 0.1 * rng.normal(size=(6, 4))
    partner /= np.linalg.norm(partner, axis=1, keepdims=True)
    sims = z @ partner.T
    labels = np.arange(6)
    close(R.info_nce(sims, labels, 0.1),
          F.cross_entropy(F.cosine_similarity(T(z)[:, None], T(partner)[None], dim=-1) / 0.1,
                          T(labels)), tol=1e-6)


def test_vae_kl_term_matches_torch_distributions(rng: np.random.Generator) -> None:
    mu, logvar = rng.normal(size=5), rng.normal(size=5)
    q = torch.distributions.Normal(T(mu), torch.exp(0.5 * T(logvar)))
    p = torch.distributions.Normal(torch.zeros(5, dtype=torch.float64),
                                   torch.ones(5, dtype=torch.float64))
    expected = torch.distributions.kl_divergence(q, p).sum()
    close(R.kl_gaussian_standard(mu, logvar), expected)
    close(R.kl_gaussian_neg(mu, logvar), -expected)


def test_every_derivative_written_beside_a_reference_is_its_slope_or_jacobian() -> None:
    """Central differences away from the kinks: the slopes and Jacobians agree with the values."""
    x = np.array([-4.3, -2.2, -0.8, -0.3, 0.2, 0.7, 1.9, 4.1])
    h = 1e-6
    written = {name for name in R.functions() if R.derivative_of(name) is not None}
    assert {"sigmoid", "relu", "gelu", "softplus", "softmax", "glu", "threshold"} <= written
    for name in sorted(written):
        fn, d = R.functions()[name], R.derivative_of(name)
        assert d is not None
        if name == "glu":
            a, b = x[:4], x[4:]
            numeric = np.stack([(fn(*np.split(x + h * e, 2)) - fn(*np.split(x - h * e, 2))) / (2 * h)
                                for e in np.eye(8)], axis=1)
            assert np.allclose(d(a, b), numeric, atol=1e-6), name
            continue
        numeric_jac = np.stack([(fn(x + h * e) - fn(x - h * e)) / (2 * h) for e in np.eye(len(x))], axis=1)
        got = d(x)
        expected = np.diag(numeric_jac) if got.ndim == 1 else numeric_jac
        assert np.allclose(got, expected, atol=1e-6), name
