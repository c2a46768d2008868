"""Linear algebra, statistics and calculus references against SciPy, PyTorch and the stdlib."""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np
import scipy.linalg
import scipy.stats
import torch
import torch.nn.functional as F
from scipy.spatial.distance import sqeuclidean
from scipy.spatial.transform import Rotation

from thirdroad.concepts import references as R

T = torch.tensor


def close(ours: Any, theirs: Any, tol: float = 1e-9) -> None:
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().double().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def test_products(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=4), rng.normal(size=4)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    S = rng.normal(size=(4, 4))
    close(R.dot_product(x, y), torch.dot(T(x), T(y)))
    close(R.matrix_vector_product(A, x), torch.mv(T(A), T(x)))
    close(R.matmul(A, B), torch.matmul(T(A), T(B)))
    close(R.hadamard(S, S.T), torch.mul(T(S), T(S.T)))
    close(R.outer_product(x, y), torch.outer(T(x), T(y)))
    b = rng.normal(size=3)
    close(R.affine(A, x, b), F.linear(T(x), T(A), T(b)))
    close(R.bilinear_form(x, S, y), F.bilinear(T(x[None]), T(y[None]), T(S[None]))[0, 0])
    close(R.transpose(A), torch.t(T(A)))
    close(R.concatenate(x, y), torch.cat([T(x), T(y)]))
    close(R.trace(S), torch.trace(T(S)))


def test_norms_and_similarities(rng: np.random.Generator) -> None:
    x, y = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    close(R.l2_norm(x[0]), scipy.linalg.norm(x[0]))
    close(R.lp_norm(x[0], 3.0), torch.linalg.vector_norm(T(x[0]), ord=3.0))
    close(R.frobenius_norm(x), scipy.linalg.norm(x, "fro"))
    close(R.lp_normalize(x, 1.5), F.normalize(T(x), p=1.5, dim=-1))
    close(R.unit_vector(x), F.normalize(T(x), p=2.0, dim=-1))
    close(R.cosine_similarity(x, y), F.cosine_similarity(T(x), T(y), dim=-1))
    close(R.pairwise_distance(x, y, 2.0), F.pairwise_distance(T(x), T(y), p=2.0), tol=1e-5)
    close(R.rbf_kernel(x[0], y[0], 1.3), np.exp(-sqeuclidean(x[0], y[0]) / (2 * 1.3**2)))


def test_averages_and_spread(rng: np.random.Generator) -> None:
    x, a = rng.normal(size=9), rng.uniform(0.1, 2.0, size=9)
    close(R.weighted_average(a, x), np.average(x, weights=a))
    states = rng.normal(size=(9, 3))
    close(R.convex_combination(a / a.sum(), states), np.average(states, axis=0, weights=a))
    close(R.mean(x), statistics.fmean(x))
    close(R.variance(x), statistics.pvariance(x))
    close(R.sample_variance(x), statistics.variance(x))
    close(R.standardize(x, x.mean(), x.std()), scipy.stats.zscore(x))


def test_decompositions_rebuild_the_matrix(rng: np.random.Generator) -> None:
    A = rng.normal(size=(4, 4))
    close(R.lu_product(*scipy.linalg.lu(A)), A)
    _, L, U = scipy.linalg.lu(A, permute_l=False)
    assert np.allclose(np.tril(L), L) and np.allclose(np.triu(U), U)
    close(R.qr_product(*scipy.linalg.qr(A)), A)
    Sym = A + A.T
    eigenvalues, Q = scipy.linalg.eigh(Sym)
    close(R.eig_product(Q, np.diag(eigenvalues)), Sym)
    close(R.eig_product(Q, eigenvalues), Sym)
    U2, s, Vh = scipy.linalg.svd(A)
    close(R.svd_product(U2, s, Vh.T), A)
    close(R.determinant(A), scipy.linalg.det(A))
    close(R.determinant_2x2(*A[:2, :2].ravel()), scipy.linalg.det(A[:2, :2]))
    close(R.product(eigenvalues), scipy.linalg.det(Sym))
    close(R.inverse(A), scipy.linalg.inv(A))


def test_geometric_matrices(rng: np.random.Generator) -> None:
    theta = 0.7
    close(R.rotation_2d(theta), Rotation.from_euler("z", theta).as_matrix()[:2, :2])
    v = rng.normal(size=4)
    H = R.householder(v)
    close(H @ v, -v)
    w = rng.normal(size=4)
    w -= (w @ v) / (v @ v) * v  # perpendicular to v: left alone
    close(H @ w, w)
    close(H @ H, np.eye(4))
    A = rng.normal(size=(5, 2))
    basis = scipy.linalg.orth(A)
    close(R.projection(A), basis @ basis.T)
    close(R.projection(A[:, 0]), np.outer(A[:, 0], A[:, 0]) / (A[:, 0] @ A[:, 0]))
    pi = np.array([2, 0, 1])
    M = rng.normal(size=(3, 3))
    close(R.permute_rows(M, pi), R.permutation_matrix(pi) @ M)
    close(R.permute_rows(M, pi)[0], M[2])  # the third row comes first


def test_derivatives_against_autograd(rng: np.random.Generator) -> None:
    close(R.derivative(np.sin, 0.3), np.cos(0.3), tol=1e-8)
    W = rng.normal(size=(3, 3))
    x0 = rng.normal(size=3)

    def f_np(x: np.ndarray) -> float:
        return float(np.sum(np.tanh(W @ x) ** 2))

    def f_t(x: torch.Tensor) -> torch.Tensor:
        return torch.sum(torch.tanh(T(W) @ x) ** 2)

    close(R.gradient(f_np, x0), torch.func.grad(f_t)(T(x0)), tol=1e-7)
    close(R.jacobian(lambda x: np.tanh(W @ x), x0),
          torch.autograd.functional.jacobian(lambda x: torch.tanh(T(W) @ x), T(x0)), tol=1e-7)
    close(R.hessian(f_np, x0), torch.autograd.functional.hessian(f_t, T(x0)), tol=1e-4)


def test_chain_rule_and_vjp(rng: np.random.Generator) -> None:
    x = 0.4
    close(R.chain_rule(np.cos(np.sin(x)), np.cos(x)), R.derivative(lambda u: np.sin(np.sin(u)), x),
          tol=1e-8)
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    close(R.chain_rule(A, B), A @ B)
    v, J = rng.normal(size=3), rng.normal(size=(3, 4))
    _, vjp = torch.autograd.functional.vjp(lambda z: T(J) @ z, T(np.zeros(4)), T(v))
    close(R.vector_jacobian_product(v, J), vjp)


def test_backprop_delta_is_the_gradient_at_the_earlier_layer(rng: np.random.Generator) -> None:
    W1, W2, x, y = (rng.normal(size=s) for s in [(4, 3), (2, 4), 3, 2])
    z1 = T(W1 @ x, requires_grad=True)
    z2 = T(W2) @ torch.sigmoid(z1)
    z2.retain_grad()
    loss = 0.5 * torch.sum((z2 - T(y)) ** 2)
    loss.backward()
    s = R.sigmoid(W1 @ x)
    assert z2.grad is not None and z1.grad is not None
    close(R.backprop_delta(W2, z2.grad.numpy(), s * (1 - s)), z1.grad)


def test_gaussian_density(rng: np.random.Generator) -> None:
    x = rng.normal(size=7) * 2
    close(R.gaussian_pdf(x, 0.5, 1.7), scipy.stats.norm.pdf(x, loc=0.5, scale=1.7))
    close(R.standard_normal_pdf(x), scipy.stats.norm.pdf(x))


def test_reparameterized_sample_matches_torch_rsample(rng: np.random.Generator) -> None:
    mu, sigma = T(rng.normal(size=4), requires_grad=True), T(rng.uniform(0.5, 2, size=4))
    torch.manual_seed(7)
    eps = torch.randn(4, dtype=torch.float64)
    torch.manual_seed(7)
    sample = torch.distributions.Normal(mu, sigma).rsample()
    close(R.reparameterize(mu.detach().numpy(), sigma.numpy(), eps.numpy()), sample)
    sample.sum().backward()  # the point of the trick: the sample has a gradient
    assert mu.grad is not None
    close(mu.grad, np.ones(4))
