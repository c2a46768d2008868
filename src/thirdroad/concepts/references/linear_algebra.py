"""References of ``data/linear_algebra.toml``. Linear algebra and statistics."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a


def dot_product(x: ArrayLike, y: ArrayLike) -> float:
    """sum_i x_i y_i."""
    return float(np.dot(_a(x), _a(y)))


def bilinear_form(x: ArrayLike, A: ArrayLike, y: ArrayLike) -> float:
    """x^T A y: a dot product with a matrix in the middle."""
    return float(_a(x) @ _a(A) @ _a(y))


def matrix_vector_product(A: ArrayLike, x: ArrayLike) -> Array:
    """A x: each output entry is the dot product of a row of A with x."""
    return _a(A) @ _a(x)


def matmul(A: ArrayLike, B: ArrayLike) -> Array:
    """(A B)_ij = sum_k A_ik B_kj."""
    return _a(A) @ _a(B)


def hadamard(A: ArrayLike, B: ArrayLike) -> Array:
    """Entry-by-entry product."""
    return _a(A) * _a(B)


def affine(W: ArrayLike, x: ArrayLike, b: ArrayLike) -> Array:
    """W x + b."""
    return _a(W) @ _a(x) + _a(b)


def outer_product(x: ArrayLike, y: ArrayLike) -> Array:
    """x y^T: the matrix of all products x_i y_j."""
    return np.outer(_a(x), _a(y))


def l2_norm(x: ArrayLike) -> float:
    """sqrt(sum_i x_i^2), the Euclidean length."""
    return float(np.sqrt(np.sum(_a(x) ** 2)))


def lp_norm(x: ArrayLike, p: float) -> float:
    """(sum_i |x_i|^p)^(1/p)."""
    return float(np.sum(np.abs(_a(x)) ** p) ** (1 / p))


def lp_normalize(v: ArrayLike, p: float) -> Array:
    """v / ||v||_p along the last axis (PyTorch also floors the norm at a tiny eps)."""
    v = _a(v)
    return _a(v / (np.sum(np.abs(v) ** p, axis=-1, keepdims=True) ** (1 / p)))


def unit_vector(v: ArrayLike) -> Array:
    """v / ||v||_2 along the last axis: lp_normalize with p = 2, the power a bare norm means."""
    return lp_normalize(v, 2.0)


def cosine_similarity(x1: ArrayLike, x2: ArrayLike) -> Array:
    """x1 . x2 / (||x1|| ||x2||) along the last axis: the cosine of the angle between them."""
    x1, x2 = _a(x1), _a(x2)
    return _a(
        np.sum(x1 * x2, axis=-1) / (np.linalg.norm(x1, axis=-1) * np.linalg.norm(x2, axis=-1))
    )


def pairwise_distance(x1: ArrayLike, x2: ArrayLike, p: float) -> Array:
    """||x1 - x2||_p along the last axis (PyTorch adds 1e-6 to the difference first)."""
    return _a(np.sum(np.abs(_a(x1) - _a(x2)) ** p, axis=-1) ** (1 / p))


def frobenius_norm(A: ArrayLike) -> float:
    """sqrt(sum_ij A_ij^2)."""
    return float(np.sqrt(np.sum(_a(A) ** 2)))


def trace(A: ArrayLike) -> float:
    """sum_i A_ii."""
    return float(np.trace(_a(A)))


def weighted_average(a: ArrayLike, x: ArrayLike) -> Array:
    """sum_i a_i x_i / sum_i a_i (x may hold one vector per weight, along its first axis)."""
    a, x = _a(a), _a(x)
    return _a(np.tensordot(a, x, axes=(0, 0)) / a.sum())


def convex_combination(a: ArrayLike, x: ArrayLike) -> Array:
    """sum_i a_i x_i with weights that already sum to one."""
    return np.tensordot(_a(a), _a(x), axes=(0, 0))


def mean(x: ArrayLike) -> float:
    """(1/n) sum_i x_i."""
    return float(np.mean(_a(x)))


def variance(x: ArrayLike) -> float:
    """(1/n) sum_i (x_i - mean)^2: the population (biased) variance."""
    return float(np.var(_a(x)))


def sample_variance(x: ArrayLike) -> float:
    """(1/(n-1)) sum_i (x_i - mean)^2: the unbiased estimate from a sample."""
    return float(np.var(_a(x), ddof=1))


def gaussian_pdf(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> Array:
    """exp(-(x - mu)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2): the bell curve's height at x."""
    x, mu, sigma = _a(x), _a(mu), _a(sigma)
    return _a(np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2))


def standard_normal_pdf(x: ArrayLike) -> Array:
    """exp(-x^2 / 2) / sqrt(2 pi): the normal density with mean 0 and standard deviation 1."""
    return gaussian_pdf(x, 0.0, 1.0)


def standardize(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> Array:
    """(x - mu) / sigma: how many standard deviations from the mean."""
    return (_a(x) - _a(mu)) / _a(sigma)


def concatenate(a: ArrayLike, b: ArrayLike) -> Array:
    """[a; b]: a followed by b along the last axis."""
    return np.concatenate([_a(a), _a(b)], axis=-1)


def transpose(A: ArrayLike) -> Array:
    """A^T: rows become columns."""
    return _a(A).T


def permute_rows(A: ArrayLike, pi: ArrayLike) -> Array:
    """P A with P the permutation matrix of pi: row i of the result is row pi(i) of A."""
    return _a(A)[np.asarray(pi, dtype=np.int64)]


def permutation_matrix(pi: ArrayLike) -> Array:
    """P_ij = 1 if j = pi(i) else 0."""
    pi = np.asarray(pi, dtype=np.int64)
    return _a(np.eye(len(pi))[pi])


def rotation_2d(theta: float) -> Array:
    """The matrix that turns the plane by the angle theta, anticlockwise."""
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def householder(v: ArrayLike) -> Array:
    """I - 2 v v^T / (v^T v): the reflection across the plane perpendicular to v."""
    v = _a(v)
    return np.eye(len(v)) - 2 * np.outer(v, v) / (v @ v)


def projection(A: ArrayLike) -> Array:
    """A (A^T A)^-1 A^T: projects onto the column space of A (a vector is one column)."""
    A = _a(A)
    if A.ndim == 1:
        A = A[:, None]
    return A @ np.linalg.solve(A.T @ A, A.T)


def inverse(A: ArrayLike) -> Array:
    """A^-1: the matrix that undoes A."""
    return _a(np.linalg.inv(_a(A)))


def lu_product(P: ArrayLike, L: ArrayLike, U: ArrayLike) -> Array:
    """P L U: rebuild A from its LU factors (SciPy's convention A = P L U)."""
    return _a(P) @ _a(L) @ _a(U)


def qr_product(Q: ArrayLike, R: ArrayLike) -> Array:
    """Q R: rebuild A from an orthogonal Q and an upper-triangular R."""
    return _a(Q) @ _a(R)


def eig_product(Q: ArrayLike, Lambda: ArrayLike) -> Array:
    """Q Lambda Q^-1: rebuild A from eigenvectors (columns of Q) and eigenvalues (diagonal)."""
    Q, Lambda = _a(Q), _a(Lambda)
    if Lambda.ndim == 1:
        Lambda = np.diag(Lambda)
    return Q @ Lambda @ np.linalg.inv(Q)


def svd_product(U: ArrayLike, Sigma: ArrayLike, V: ArrayLike) -> Array:
    """U Sigma V^T: rebuild A from its singular vectors and singular values."""
    U, Sigma, V = _a(U), _a(Sigma), _a(V)
    if Sigma.ndim == 1:
        Sigma = np.diag(Sigma)
    return U @ Sigma @ V.T


def determinant(A: ArrayLike) -> float:
    """det A: the factor by which A scales volumes (negative if it flips orientation)."""
    return float(np.linalg.det(_a(A)))


def determinant_2x2(a: float, b: float, c: float, d: float) -> float:
    """ad - bc for the matrix [[a, b], [c, d]]."""
    return float(a * d - b * c)


def product(lambdas: ArrayLike) -> float:
    """The product of the entries (the determinant is the product of the eigenvalues)."""
    return float(np.prod(_a(lambdas)))


def rbf_kernel(x1: ArrayLike, x2: ArrayLike, sigma: float) -> float:
    """exp(-||x1 - x2||^2 / (2 sigma^2))."""
    return float(np.exp(-np.sum((_a(x1) - _a(x2)) ** 2) / (2 * sigma**2)))


# --------------------------------------------------------------------------------------------
# data/linear_algebra.more.toml


def condition_number(A: ArrayLike) -> float:
    """||A|| ||A^{-1}|| in the spectral norm = the largest singular value over the smallest."""
    s = np.linalg.svd(_a(A), compute_uv=False)
    return float(s[0] / s[-1])


def condition_number_eigen(H: ArrayLike) -> float:
    """lambda_max(H) / lambda_min(H) for a symmetric positive definite H (a Hessian)."""
    w = np.linalg.eigvalsh(_a(H))
    return float(w[-1] / w[0])



def cholesky_product(L: ArrayLike) -> Array:
    """L L^T: rebuild a symmetric positive definite A from its lower-triangular Cholesky factor."""
    return _a(L) @ _a(L).T


def cholesky_upper_product(U: ArrayLike) -> Array:
    """U^T U: rebuild A from its upper-triangular Cholesky factor (U = L^T)."""
    return _a(U).T @ _a(U)


def mahalanobis(x: ArrayLike, mu: ArrayLike, Sigma: ArrayLike) -> float:
    """sqrt((x - mu)^T Sigma^-1 (x - mu)): a distance in units of the covariance's spread."""
    d = _a(x) - _a(mu)
    return float(np.sqrt(d @ np.linalg.solve(_a(Sigma), d)))


def least_squares(A: ArrayLike, b: ArrayLike) -> Array:
    """argmin_x ||A x - b||^2 (the minimum-norm one where several reach it)."""
    return _a(np.linalg.lstsq(_a(A), _a(b), rcond=None)[0])


def least_squares_residual(A: ArrayLike, b: ArrayLike) -> float:
    """min_x ||A x - b||^2: the squared distance from b to the nearest A x."""
    r = _a(A) @ least_squares(A, b) - _a(b)
    return float(r @ r)


def euclidean_projection(x: ArrayLike) -> Array:
    """argmin_y ||x - y||^2 over the whole space: x itself. The constraints a formula writes
    after it pick the set; the numbers can only check the unconstrained case."""
    return _a(x).copy()


def min_max_scale(x: ArrayLike) -> Array:
    """(x - min x) / (max x - min x): the smallest value to 0, the largest to 1."""
    x = _a(x)
    return _a((x - x.min()) / (x.max() - x.min()))
