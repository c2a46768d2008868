"""A block read as a whole as one optimizer is no slip of another: Ng's RMSProp has no ε, and the
reading says so; no warning may call it "Adam without ε" (the translated seed's RMSProp line got
exactly that false name). A slip of the optimizer itself is still flagged."""

from __future__ import annotations

import pytest

import thirdroad as tr


@pytest.mark.parametrize("text", [
    r"s = \beta s + (1 - \beta) dw^{2} \\ w = w - \alpha \frac{dw}{\sqrt{s}}",
    r"s = \beta s + (1 - \beta) dW^{2} \\ W = W - \alpha \frac{dW}{\sqrt{s}}",
    "s = beta s + (1- beta) dw^2 w = w – alpha fraud {dw} { sqrt s}",
])
def test_ngs_rmsprop_without_eps_is_named_and_no_near_miss_of_another_optimizer(text: str) -> None:
    e = tr.explain(text)
    assert "rmsprop" in e.concepts
    assert e.block is not None and e.block.match is not None
    assert any(d.key == "no_eps" for d in e.block.match.differences)  # said, as a difference
    assert all(w.concept == "rmsprop" for w in e.warnings), [w.message for w in e.warnings]


def test_a_lost_square_in_the_same_block_is_still_flagged() -> None:
    e = tr.explain(r"s = \beta s + (1 - \beta) dw \\ w = w - \alpha \frac{dw}{\sqrt{s}}")
    assert any(w.concept == "rmsprop" for w in e.warnings)


@pytest.mark.parametrize("text", [
    r"\frac{\partial J}{\partial b} = \frac{1}{m}\sum_{i=1}^m (a^{(i)} - y^{(i)})",
    r"db = \frac{1}{m}\sum_{i=1}^m (a^{(i)} - y^{(i)})",
    r"\nabla_b J = \frac{1}{m}\sum_{i=1}^m (\hat{y}_i - y_i)",
])
def test_a_losss_derivative_is_no_loss_that_lost_its_square(text: str) -> None:
    # the derivative of a squared error with respect to a bias is a plain mean difference
    assert not any(w.concept == "mse" for w in tr.explain(text).warnings)


def test_a_loss_that_lost_its_square_is_still_flagged() -> None:
    e = tr.explain(r"J = \frac{1}{n}\sum_{i=1}^n (y_i - \hat{y}_i)")
    assert [(w.concept, w.slip) for w in e.warnings] == [("mse", "lost_square")]


@pytest.mark.parametrize("text", [
    r"\frac{1}{m}\sum_{i=1}^m (a^{(i)} - y^{(i)})",  # a mean error, or a bias's gradient without its name
    r"\frac{1}{m}\sum_{i=1}^m (\hat{y}^{(i)} - y^{(i)})",  # the same with the prediction's hat
    r"L = -\sum_{i=1}^I \left[ f_{y_i}[x_i, \phi] - \log \left[ \sum_{k=1}^K \exp\left[ f_k[x_i, \phi] \right] "
    r"\right] \right]",  # a cross-entropy: its 'target' would be a log-sum-exp, no data
])
def test_a_difference_that_does_not_say_it_is_an_error_is_no_lost_square(text: str) -> None:
    assert not any(w.concept == "mse" for w in tr.explain(text).warnings)


@pytest.mark.parametrize("text", [r"J = \frac{1}{m}\sum_{i=1}^m (a^{(i)} - y^{(i)})",
                                  r"\text{MSE} = \frac{1}{n}\sum_{i=1}^n (\hat{y}_i - y_i)"])
def test_a_difference_named_a_loss_that_lost_its_square_is_flagged(text: str) -> None:
    assert [(w.concept, w.slip) for w in tr.explain(text).warnings] == [("mse", "lost_square")]
