"""Concepts learners meet in real documents that the catalog lacked (issue 11): each is named on
its defining formula, and a formula close to it that is not it stays unnamed. A wrong name is
worse than none: the name of a symbol (L for a triangular factor) or the whole side an optimum
is taken of decides where the structure alone is shared with other things."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (r"A = L L^\top", "cholesky"),
        (r"\Sigma = L L^{T}", "cholesky"),  # a covariance through its Cholesky factor
        (r"A = U^\top U", "cholesky"),  # SciPy's upper factor
        (r"D_M(x) = \sqrt{(x - \mu)^\top \Sigma^{-1} (x - \mu)}", "mahalanobis_distance"),
        (r"\hat w = \arg\min_w \|X w - y\|_2^2", "least_squares"),
        (r"\min_{x} \|A x - b\|^2", "least_squares"),
        (r"\hat\beta = (X^\top X)^{-1} X^\top y", "least_squares"),
        (r"\underset{p}{\text{argmin}} ~ \|x - p\|_2^2 \quad \textrm{subject to} \quad \|p\|_1 \le r",
         "euclidean_projection"),
        (r"\operatorname{argmin}_z \|v - z\|_2^2 \quad \text{subject to} \quad 0 \le z \le 1", "euclidean_projection"),
        (r"\hat y = w^\top x + b", "linear_regression"),
        (r"\hat{\mathbf{y}} = \mathbf{X}\mathbf{w} + b", "linear_regression"),
        (r"\hat y_i = \sum_j w_j x_{ij} + b", "linear_regression"),
        (r"\hat y = \sigma(\mathbf{w}^\top \mathbf{x} + b)", "logistic_regression"),
        (r"\hat y = \frac{1}{1 + \exp(-(w^\top x + b))}", "logistic_regression"),
        (r"H(z) = \begin{cases} 0 & z < 0 \\ 1 & z \geq 0 \end{cases}", "heaviside"),
        (r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", "heaviside"),  # by its values
        (r"W(\mathbb{P}_r, \mathbb{P}_g) = \inf_{\gamma \in \Pi(\mathbb{P}_r, \mathbb{P}_g)} "
         r"\mathbb{E}_{(x, y) \sim \gamma}[\|x - y\|]", "wasserstein_distance"),
        (r"W_1(\mu, \nu) = \inf_{\pi \in \Gamma(\mu, \nu)} \int \|x - y\|_2 \, \mathrm{d}\pi(x, y)",
         "wasserstein_distance"),
        (r"x' = \frac{x - \min(x)}{\max(x) - \min(x)}", "min_max_scaling"),
        (r"\tilde x_i = \frac{x_i - \min_j x_j}{\max_j x_j - \min_j x_j}", "min_max_scaling"),
        (r"J = \sum_{i,j} f(X_{ij}) \left(w_i^\top \tilde w_j + b_i + \tilde b_j - \log X_{ij}\right)^2", "glove"),
        (r"f(x) = \begin{cases} (x/x_{\max})^\alpha & x < x_{\max} \\ 1 & \text{otherwise} \end{cases}", "glove"),
        (r"p(x_1, \ldots, x_T) = \prod_{t=1}^{T} p(x_t \mid x_1, \ldots, x_{t-1})", "chain_rule_probability"),
        (r"p(\mathbf{x}) = \prod_{i=1}^{n} p(x_i \mid x_{<i})", "chain_rule_probability"),
    ],
)
def test_the_defining_formula_is_named(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (r"G = W W^\top", "cholesky"),  # a Gram matrix: W is any matrix
        (r"K = X^\top X", "cholesky"),
        (r"S = Q Q^T", "cholesky"),
        (r"\hat\beta = (X^\top X)^{-1} X^\top y", "cholesky"),  # X^T X inside the normal equations
        (r"(x - \mu)^\top \Sigma^{-1} (x - \mu)", "mahalanobis_distance"),  # the square, in a Gaussian's exponent
        (r"\sqrt{(x - y)^\top (x - y)}", "mahalanobis_distance"),
        (r"\arg\min_w \|X w - y\|_2^2 + \lambda \|w\|_2^2", "least_squares"),  # ridge regression
        (r"\|A x - b\|_2^2", "least_squares"),  # a residual, not minimised
        (r"\arg\min_k \|x - \mu_k\|^2", "euclidean_projection"),  # the nearest of k centres
        (r"\|x - p\|_2^2", "euclidean_projection"),
        (r"s = w^\top x + b", "linear_regression"),  # any affine score: a neuron, a margin
        (r"\hat y = \sigma(w^\top x + b)", "linear_regression"),  # the logit inside a logistic regression
        (r"\hat y = W_2 h + b_2", "linear_regression"),  # a network's output layer reads a hidden state
        (r"\hat{y}_t = V h_t + c", "linear_regression"),
        (r"h = \sigma(w^\top x + b)", "logistic_regression"),  # a unit of a layer
        (r"\hat y = \sigma(W_2 h + b_2)", "logistic_regression"),
        (r"\hat y = \tanh(w^\top x + b)", "logistic_regression"),
        (r"f(x) = \begin{cases} 1 & x > 0 \\ -1 & \text{otherwise} \end{cases}", "heaviside"),  # the sign
        (r"g(x) = \begin{cases} 1 & x > 1 \\ 0 & \text{otherwise} \end{cases}", "heaviside"),  # a step at 1
        (r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", "heaviside"),  # a ReLU
        (r"\mathbb{E}_{(x, y) \sim \gamma}[\|x - y\|]", "wasserstein_distance"),  # one coupling, no infimum
        (r"\inf_{\theta} \mathbb{E}_{x \sim p}[\|x - y\|]", "wasserstein_distance"),
        (r"\frac{x - \min(x)}{\max(x)}", "min_max_scaling"),  # no range below
        (r"\frac{x - \mu}{\sigma}", "min_max_scaling"),
        (r"\sum_{i} (w^\top x_i + b - y_i)^2", "glove"),  # a squared error with no log count
        (r"\sum_{i,j} (w_i^\top \tilde w_j - \log X_{ij})^2", "glove"),  # no weighting, no biases
        (r"\prod_{t=1}^{T} p(x_t \mid x_{t-1})", "chain_rule_probability"),  # a Markov chain: the last item only
        (r"L(\theta) = \prod_{i=1}^{n} p(x_i \mid \theta)", "chain_rule_probability"),  # a likelihood of iid data
    ],
)
def test_a_near_formula_is_not_named(text: str, concept: str) -> None:
    assert concept not in explain(text).concepts


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (r"A = L L^\top", "a Cholesky decomposition"),
        (r"D_M(x) = \sqrt{(x - \mu)^\top \Sigma^{-1} (x - \mu)}", "a Mahalanobis distance"),
        (r"H(z) = \begin{cases} 0 & z < 0 \\ 1 & z \geq 0 \end{cases}", "a Heaviside step function"),
    ],
)
def test_a_name_after_a_person_keeps_its_capital(text: str, name: str) -> None:
    assert f"This is just {name}" in explain(text).to_dict()["lenses"]["names"]
