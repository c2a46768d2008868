"""A concept is named where the formula shows its defining structure and its roles, not on a
shape it shares with other formulas (issue 11: a wrong name is worse than none). Each class of
false name below is a loose structure that fitted a template; each pair of tests holds the
rule's other side: where the roles are written, the name stays."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain

# --- a vector-Jacobian product needs a Jacobian or an upstream gradient ------------------------


@pytest.mark.parametrize("text", [
    r"A = \sigma(w^T X + b)",  # logistic regression on a batch
    r"z = w^\top X",
    r"s = x^T W",
    r"y = a^\top M",
])
def test_a_row_vector_times_any_matrix_is_no_vjp(text: str) -> None:
    assert "vector_jacobian_product" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"y = v^T J",
    r"\bar x = \bar y^\top \frac{\partial y}{\partial x}",
    r"u = g^\top J",
])
def test_a_jacobian_or_a_gradient_written_keeps_the_vjp(text: str) -> None:
    assert "vector_jacobian_product" in explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"y = \operatorname{clip}(x, -c, c)", "grad_value_clipping"),  # clipping any value
    (r"s_t = s_{t-1} + x_t^2", "adagrad"),  # a running sum of squares of anything
])
def test_a_tiny_template_of_gradients_needs_a_gradient(text: str, concept: str) -> None:
    assert concept not in explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"g = \operatorname{clip}(g, -c, c)", "grad_value_clipping"),
    (r"G_t = G_{t-1} + g_t^2", "adagrad"),
])
def test_the_same_on_a_gradient_keeps_its_name(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


# --- a variance centres the data on its own mean --------------------------------------------------


@pytest.mark.parametrize("text", [
    r"J(w) = \frac{1}{2m}\sum_{i=1}^m (w^T x_i - y_i)^2",  # least squares: each prediction from its target
    r"L = \frac{1}{n}\sum_{i} (\hat y_i - y_i)^2",
    r"E = \frac{1}{2N}\sum_{n=1}^{N} (t_n - (a x_n + b))^2",
])
def test_a_mean_of_squared_errors_is_no_variance(text: str) -> None:
    assert "variance" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"\sigma^2 = \frac{1}{n}\sum_{i=1}^n (x_i - \bar x)^2",
    r"v = \frac{1}{N}\sum_{i=1}^N (x_i - \mu)^2",
    r"\sigma_B^2 = \frac{1}{m}\sum_{i=1}^m (x_i - \mu_B)^2",
    r"s^2 = \frac{1}{n-1}\sum_{i=1}^n \left(x_i - \frac{1}{n}\sum_{j=1}^n x_j\right)^2",  # the mean written out
])
def test_the_data_about_its_mean_stays_a_variance(text: str) -> None:
    assert "variance" in explain(text).concepts


# --- standardisation centres on a mean and scales by a deviation; weight norm writes a weight ---------


@pytest.mark.parametrize("text", [
    r"x' = \frac{x - \min(x)}{\max(x) - \min(x)}",  # min-max scaling
    r"z = \frac{x - x_{min}}{x_{max} - x_{min}}",
    r"u = \frac{x - \mu}{\|x - \mu\|}",  # a centred unit vector: a length, not a spread
    r"z = \frac{x - \max_i x_i}{\sigma}",
])
def test_an_order_statistic_or_a_length_is_no_standardisation(text: str) -> None:
    assert "standardization" not in explain(text).concepts


@pytest.mark.parametrize("text", [
    r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}}",
    r"\hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}",
    r"b' = \frac{b - m_b}{\max(\sigma_b, \epsilon)}",  # a deviation kept from 0 is still one
])
def test_a_mean_and_a_deviation_stay_a_standardisation(text: str) -> None:
    assert "standardization" in explain(text).concepts


@pytest.mark.parametrize("text", [r"y = \gamma \frac{x}{\|x\|}", r"u = s \frac{q}{\|q\|}"])
def test_a_scaled_unit_vector_is_no_weight_norm(text: str) -> None:
    assert "weight_norm" not in explain(text).concepts


@pytest.mark.parametrize("text", [r"w = g \frac{v}{\|v\|}", r"\mathbf{w} = g \dfrac{\mathbf{v}}{\|\mathbf{v}\|}",
                                  r"g \frac{v}{\|v\|}"])
def test_a_weight_or_its_own_names_keep_weight_norm(text: str) -> None:
    assert "weight_norm" in explain(text).concepts


# --- a gated recurrence needs its gates and its state --------------------------------------------


@pytest.mark.parametrize("text", [
    r"y = x \odot \exp(s(x)) + t(x)",  # a normalising flow's affine coupling layer
    r"y_2 = x_2 \odot \exp(s(x_1)) + t(x_1)",
    r"h = a \odot b + c \odot d",
])
def test_products_without_gates_are_no_recurrent_cell(text: str) -> None:
    assert not {"lstm", "gru"} & set(explain(text).concepts)


@pytest.mark.parametrize(("text", "concept"), [
    (r"c_t = f_t \odot c_{t-1} + i_t \odot g_t", "lstm"),
    (r"c_t = \Gamma_u * \tilde c_t + \Gamma_f * c_{t-1}", "lstm"),
    (r"h_t = o_t \odot \tanh(c_t)", "lstm"),
    (r"c = \sigma(W_f x + U_f h) \odot c + \sigma(W_i x + U_i h) \odot \tanh(W x + U h)", "lstm"),
    (r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}", "gru"),
])
def test_gates_by_name_or_by_their_sigmoid_keep_the_cell(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


# --- a penalty's strength is a number, not the matrix of a quadratic form ---------------------------


@pytest.mark.parametrize("text", [
    r"f(x) = \frac{1}{2} x^T A x - b^T x",  # the quadratic a conjugate-gradient text minimises
    r"q = \frac12 x^\top Q x",
    r"E = \frac{1}{2} v^T W v",  # a Hopfield network's energy, without its sign
])
def test_a_quadratic_form_is_no_l2_penalty(text: str) -> None:
    assert "l2_regularization" not in explain(text).concepts


def test_a_strength_times_the_squared_weights_stays_a_penalty() -> None:
    assert "l2_regularization" in explain(r"R = \frac{\lambda}{2} w^T w").concepts


# --- a dot product pairs numbers; a derivative's prime is on a function --------------------------


@pytest.mark.parametrize("text", [r"S = \sum_{k} u_k v_k^T", r"C = \frac{1}{n}\sum_i x_i x_i^\top"])
def test_a_sum_of_outer_products_is_no_dot_product(text: str) -> None:
    concepts = explain(text).concepts
    assert "dot_product" not in concepts and "outer_product" in concepts


@pytest.mark.parametrize("text", [r"y = W' x", r"h = a' b", r"y = f' x"])
def test_a_primed_name_times_a_name_is_no_derivative(text: str) -> None:
    assert "derivative" not in explain(text).concepts  # W' is a new matrix, not W's derivative


@pytest.mark.parametrize("text", [r"f'(x)", r"\sigma'(z)", r"y = A'\left(B\right)", r"C'(W_o) = E_o \cdot H"])
def test_a_primed_function_applied_stays_a_derivative(text: str) -> None:
    assert "derivative" in explain(text).concepts


# --- a likelihood conditions every example on the same parameters --------------------------------


@pytest.mark.parametrize("text", [
    r"p(x) = \prod_i p(x_i | x_{<i})",  # an autoregressive model: the chain rule of probability
    r"p(\mathbf{x}) = \prod_{i=1}^{n} p(x_i \mid x_{1:i-1})",
])
def test_a_factorisation_over_earlier_elements_is_no_likelihood(text: str) -> None:
    assert "likelihood" not in explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"L(\theta) = \prod_{i=1}^N p(y_i | x_i; \theta)", "likelihood"),
    (r"\log L = \sum_i \log p(x_i \mid \theta)", "log_likelihood"),
])
def test_examples_given_parameters_stay_a_likelihood(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


# --- cross-entropy compares two distributions ---------------------------------------------------


@pytest.mark.parametrize(("text", "instead"), [
    (r"D_{KL}(P\|Q) = -\sum_x P(x)\log\frac{Q(x)}{P(x)}", None),  # a log-ratio: the KL divergence
    (r"H(p) = -\sum_x p(x) \log p(x)", "entropy"),  # one distribution: its entropy
])
def test_one_distribution_in_both_places_is_no_cross_entropy(text: str, instead: str | None) -> None:
    concepts = explain(text).concepts
    assert "cross_entropy" not in concepts and (instead is None or instead in concepts)


@pytest.mark.parametrize("text", [r"H(p,q) = -\sum_x p(x)\log q(x)", r"L_i = -\sum_c y_{ic} \log p_{ic}",
                                  r"L = -\sum_i y_i \log \mathrm{softmax}(z)_i"])
def test_a_target_and_a_prediction_stay_a_cross_entropy(text: str) -> None:
    assert "cross_entropy" in explain(text).concepts


@pytest.mark.parametrize("text", [r"\hat w = \frac{w}{\|w\|}", r"y = \gamma \frac{x}{\|x\|}",
                                  r"k = \mathbf{q} / \|\mathbf{q}\|"])
def test_a_vector_over_its_bare_norm_is_lp_normalisation(text: str) -> None:
    concepts = explain(text).concepts
    assert "lp_normalize" in concepts and not {"weight_norm", "standardization"} & concepts
