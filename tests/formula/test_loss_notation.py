"""Losses as textbooks and library docs write them: an entry picked by a label (``x[y]``,
``s_{y_i}``), a sum over every class but the true one (``\\sum_{j \\neq y_i}``), a loss called by
its name with square brackets (``\\mathrm{ELBO}[\\theta, \\phi]``). The formulas are written for
these tests in the style of CS231n, PyTorch's docs and UDL."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain, parse
from thirdroad.formula.ast import Apply, Symbol


def test_a_small_letter_in_brackets_after_another_is_an_entry() -> None:
    # code's indexing, as PyTorch's docs write it: x[i] y[i] is a product of two entries
    root = parse(r"\sum_i x[i] y[i]", "latex").root
    entries = [n for n in root.walk() if isinstance(n, Symbol) and n.sub]
    assert {(n.name, n.sub[0].name) for n in entries if isinstance(n.sub[0], Symbol)} == {("x", "i"), ("y", "i")}
    assert explain(r"\sum_i x[i] y[i]").concepts == {"dot_product"}


def test_a_capital_before_a_bracket_may_still_multiply_it() -> None:
    root = parse(r"z = W[h] + b", "latex").root
    assert not any(isinstance(n, Symbol) and n.name == "W" and n.sub for n in root.walk())


def test_a_word_before_several_bracketed_items_is_called_on_them() -> None:
    root = parse(r"\mbox{ELBO}[\boldsymbol\theta, \boldsymbol\phi]", "latex").root
    assert isinstance(root, Apply) and isinstance(root.func, Symbol) and root.func.name == "ELBO"
    assert len(root.args) == 2


def test_the_elbo_called_by_its_name_with_square_brackets() -> None:
    e = explain(r"\mathrm{ELBO}[q, \theta] = \int q(z) \log \frac{p(x, z \mid \theta)}{q(z)} dz")
    assert "elbo" in e.concepts


@pytest.mark.parametrize(
    "text",
    [
        r"L_i = \sum_{j \neq y_i} \max(0, s_j - s_{y_i} + \Delta)",  # CS231n's scores
        r"\ell_n = \sum_{k \neq c_n} \max(0, z_k - z_{c_n} + m)",  # other letters, same roles
        r"\frac{1}{C} \sum_{i \neq y} \max(0, \text{margin} - x[y] + x[i])",  # PyTorch's, averaged
        r"J = \sum_{c \ne y} \max\left(0, 1 + \mathbf{w}_c^\top \mathbf{x} - \mathbf{w}_y^\top \mathbf{x}\right)",
    ],
)
def test_the_multiclass_hinge_over_the_wrong_classes(text: str) -> None:
    assert "multi_margin" in explain(text).concepts


@pytest.mark.parametrize(
    "text",
    [
        r"\sum_j \max(0, s_j - t_j + 1)",  # a hinge per entry, no true class left out
        r"\max(0, s_j - s_k + 1)",  # one pair: a ranking hinge, not the multi-class loss
    ],
)
def test_a_hinge_without_the_true_class_left_out_is_no_multiclass_margin(text: str) -> None:
    assert "multi_margin" not in explain(text).concepts


# ---- squared errors: the roles of the names say which squared difference is a loss


@pytest.mark.parametrize(
    "text",
    [
        r"J = \frac{1}{m} \sum_{i=1}^{m} (\hat{y}^{(i)} - y^{(i)})^2",  # the i-th example written above
        r"L = \sum_{n=1}^{N} (f(x_n) - y_n)^2",  # least squares, summed, the model called
        r"L[\boldsymbol\theta] = \sum_{i} \left(\mbox{f}[\mathbf{x}_i, \boldsymbol\theta] - y_i\right)^2",
        r"\ell_n = (t_n - f(x_n))^2",  # one example's squared error, prediction second
        r"\mathcal{L} = \frac{1}{N} \| X \theta - y \|_2^2",  # a squared norm is a sum of squares
        r"L = \Vert \hat{y} - y \Vert^2",
    ],
)
def test_a_squared_error_of_predictions_is_named(text: str) -> None:
    assert "mse" in explain(text).concepts


@pytest.mark.parametrize(
    "text",
    [
        r"s^2 = \frac{1}{n} \sum_{i=1}^{n} (x_i - \bar{x})^2",  # a spread around the mean
        r"d = \sum_i (p_i - q_i)^2",  # a squared distance between two vectors
        r"E(y, z) = \| y - W z \|^2",  # an energy
        r"E(y, z) = [y_1 - g_1(z)]^2 + [y_2 - g_2(z)]^2",  # an energy, each term a decoder's miss
        r"p(y \mid x) = \frac{1}{\sqrt{2 \pi \sigma^2}} \exp\left(-\frac{(y - f(x))^2}{2 \sigma^2}\right)",
        r"\frac{(y_i - f(x_i))^2}{2 \sigma_i^2} + \frac{1}{2} \log \sigma_i^2",  # scaled by a variance
    ],
)
def test_a_squared_difference_that_is_no_error_of_predictions_is_not_named(text: str) -> None:
    assert "mse" not in explain(text).concepts


# ---- densities and free energies as they are defined


@pytest.mark.parametrize(
    "text",
    [
        r"\phi(z) = \frac{1}{\sqrt{2\pi}} e^{-z^2/2}",
        r"p(u) = \frac{\exp(-u^2 / 2)}{\sqrt{2 \pi}}",
        r"q(t) = \frac{1}{\sqrt{2\pi}} \exp\left[\frac{-t^2}{2}\right]",
    ],
)
def test_the_standard_normal_density_is_a_gaussian(text: str) -> None:
    assert "gaussian_pdf" in explain(text).concepts


@pytest.mark.parametrize(
    "text",
    [
        r"F(v) = -\log \sum_{h} e^{-E(v, h)}",
        r"F_\beta(y) = -\frac{1}{\beta} \log \sum_{z} \exp(-\beta E(y, z))",
    ],
)
def test_a_free_energy_by_its_definition(text: str) -> None:
    assert "free_energy" in explain(text).concepts


def test_a_log_sum_exp_of_plain_scores_is_no_free_energy() -> None:
    assert "free_energy" not in explain(r"-\log \sum_j e^{-z_j}").concepts


def test_a_distribution_is_named_by_the_probability_its_line_assigns() -> None:
    # the letters are not the template's (p, x), but the line says whose probability it is
    assert "bernoulli_distribution" in explain(r"Pr(y \mid \lambda) = (1 - \lambda)^{1 - y} \cdot \lambda^{y}").concepts
    assert "bernoulli_distribution" in explain(r"P(b) = (1-a)^{1-b} a^b").concepts
    # the same arithmetic assigned to anything else, or the probability of another name, is not
    assert "bernoulli_distribution" not in explain(r"g = (1 - a)^{1 - b} a^b").concepts
    assert "bernoulli_distribution" not in explain(r"P(c) = (1 - a)^{1 - b} a^b").concepts


# ---- divergences: called by their name, or written as an integral


@pytest.mark.parametrize(
    "text",
    [
        r"\mathrm{KL}(P \| Q)",  # the name alone, called on two distributions
        r"D_{KL}(q \| p)",  # the divergence's letter with its kind below
        r"\mbox{D}_{KL}\Bigl[q(z) \Bigl|\Bigr| p(z)\Bigr] = \int q(z) \log\left[\frac{q(z)}{p(z)}\right] dz",
        r"D(f \| g) = \int f(x) \log \frac{f(x)}{g(x)} \, dx",  # densities, an integral
    ],
)
def test_a_kl_divergence_called_by_its_name_or_written_as_an_integral(text: str) -> None:
    assert "kl_divergence" in explain(text).concepts


def test_a_divergence_whose_ratio_is_upside_down_is_not_named_kl() -> None:
    # minus the KL divergence: the name D_KL is contradicted by the numbers
    assert "kl_divergence" not in explain(r"D_{KL}(p \| q) = \sum_i p_i \log \frac{q_i}{p_i}").concepts
    assert "kl_divergence" not in explain(r"D_{x}(p \| q)").concepts  # a D with a letter below names nothing
