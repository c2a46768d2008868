"""A flipped sign is a slip only where the direction is known to be wrong, and a convention or a
variant of a concept is no slip at all (false warnings are worse than missed slips).

Gradient ascent on a log-likelihood, a reward or a log-probability is right with a plus; heavy-
ball momentum writes its velocity v = μ v − η g and then adds it; Adam without bias correction,
ε inside the root and the centered RMSProp are variants. None gets a near-miss warning. Descent
on a loss that adds the gradient, and a loss that lost its minus, still do."""

from __future__ import annotations

import pytest

import thirdroad as tr


def near(text: str, context: str = "") -> list[str]:
    return [w.concept for w in tr.explain(text, context=context).warnings if w.kind == "near_miss"]


@pytest.mark.parametrize(("text", "context"), [
    (r"\theta \leftarrow \theta + \eta \nabla_\theta \log p(x \mid \theta)", ""),
    (r"\theta_{t+1} = \theta_t + \alpha G_t \nabla_\theta \log \pi_\theta(a_t \mid s_t)", ""),
    (r"\theta \leftarrow \theta + \alpha \nabla_\theta J(\theta)", "policy gradient: ascend the expected return"),
    (r"w \leftarrow w + \eta \nabla_w \ell(w)", "maximize the log-likelihood"),
    (r"\mathcal{L} = \sum_i y_i \log \hat y_i", "the log-likelihood of the labels"),
])
def test_ascent_on_a_likelihood_a_reward_or_a_log_probability_is_no_sign_slip(text: str, context: str) -> None:
    assert near(text, context) == []


@pytest.mark.parametrize("text", [
    r"v = \mu v - \eta g",
    r"v \leftarrow \mu v - \eta g \\ \theta \leftarrow \theta + v",
    r"v_{t+1} = \mu v_t - \eta \nabla f(\theta_t) \\ \theta_{t+1} = \theta_t + v_{t+1}",
])
def test_heavy_ball_velocity_is_no_ema_or_sign_slip(text: str) -> None:
    assert near(text, "momentum") == []


@pytest.mark.parametrize(("text", "concept"), [
    (r"m = \beta_1 m + (1-\beta_1) g \\ v = \beta_2 v + (1-\beta_2) g^2 \\ "
     r"\theta = \theta - \eta \frac{m}{\sqrt{v} + \epsilon}", "adam"),  # no bias correction (Ng)
    (r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
     r"\hat m_t = m_t/(1-\beta_1^t) \\ \hat v_t = v_t / (1-\beta_2^t) \\ "
     r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t + \epsilon}}", "adam"),  # ε inside the root
    (r"v_t = \alpha v_{t-1} + (1-\alpha) g_t^2 \\ \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t \\ "
     r"\theta_t = \theta_{t-1} - \eta \frac{g_t}{\sqrt{v_t - \bar g_t^2 + \epsilon}}", "rmsprop"),  # centered
])
def test_a_variant_of_an_optimizer_is_named_and_not_warned(text: str, concept: str) -> None:
    e = tr.explain(text)
    assert concept in e.concepts
    assert [w.concept for w in e.warnings if w.kind == "near_miss"] == []


def test_the_square_of_a_gradient_written_on_the_function_is_read_as_a_square() -> None:
    """∇f_i(w_t)² in RMSProp's average is (∇f_i(w_t))²: the block is RMSProp, not an RMSProp whose
    average lost its square (the false warning of the NYU course's RMSProp)."""
    squared = (r"v_{t+1} = \alpha v_t + (1 - \alpha) \nabla f_i(w_t)^2 \\ "
               r"w_{t+1} = w_t - \gamma \frac{\nabla f_i(w_t)}{\sqrt{v_{t+1}} + \epsilon}")
    e = tr.explain(squared, context="RMSprop")
    assert e.block is not None and e.block.concept == "rmsprop" and e.block.match is not None
    assert not e.block.match.near_miss
    assert near(squared, "RMSprop") == []
    plain = squared.replace(r"\nabla f_i(w_t)^2", r"\nabla f_i(w_t)")
    assert "rmsprop" in near(plain, "RMSprop")  # the square really lost is still a slip


@pytest.mark.parametrize(("text", "context", "concept"), [
    (r"\theta \leftarrow \theta + \eta \nabla_\theta L(\theta)", "", "gradient_descent"),
    (r"\theta_{t+1} = \theta_t + \gamma g_t", "SGD", "gradient_descent"),
    (r"w \leftarrow w + \alpha \frac{\partial L}{\partial w}", "", "gradient_descent"),
    (r"\mathcal{L} = \sum_i y_i \log \hat y_i", "cross-entropy loss", "cross_entropy"),
    (r"\ell(x, y) = y \log x + (1 - y) \log (1 - x)", "BCELoss", "bce"),
])
def test_descent_that_climbs_a_loss_and_a_loss_without_its_minus_are_still_slips(
        text: str, context: str, concept: str) -> None:
    assert concept in near(text, context)
