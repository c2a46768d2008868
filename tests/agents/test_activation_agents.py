"""Activation agents: values and slopes held against PyTorch, words checked against numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from thirdroad.agents import AgentInputError, agent
from thirdroad.agents.activation import ACTIVATIONS, ELEMENTWISE, ActivationAgent

TORCH = {
    "sigmoid": lambda x, p: torch.sigmoid(x),
    "tanh": lambda x, p: torch.tanh(x),
    "relu": lambda x, p: F.relu(x),
    "relu6": lambda x, p: F.relu6(x),
    "leaky_relu": lambda x, p: F.leaky_relu(x, p["negative_slope"]),
    "elu": lambda x, p: F.elu(x, p["alpha"]),
    "selu": lambda x, p: F.selu(x),
    "celu": lambda x, p: F.celu(x, p["alpha"]),
    "gelu": lambda x, p: F.gelu(x),
    "gelu_tanh": lambda x, p: F.gelu(x, approximate="tanh"),
    "silu": lambda x, p: F.silu(x),
    "mish": lambda x, p: F.mish(x),
    "softplus": lambda x, p: F.softplus(x, p["beta"], p["threshold"]),
    "softsign": lambda x, p: F.softsign(x),
    "log_sigmoid": lambda x, p: F.logsigmoid(x),
    "hardtanh": lambda x, p: F.hardtanh(x, p["min_val"], p["max_val"]),
    "hardsigmoid": lambda x, p: F.hardsigmoid(x),
    "hardswish": lambda x, p: F.hardswish(x),
    "softshrink": lambda x, p: F.softshrink(x, p["lambd"]),
    "hardshrink": lambda x, p: F.hardshrink(x, p["lambd"]),
    "tanhshrink": lambda x, p: F.tanhshrink(x),
    "softmax": lambda x, p: F.softmax(x / p["temperature"], dim=0),
    "softmin": lambda x, p: F.softmin(x / p["temperature"], dim=0),
    "log_softmax": lambda x, p: F.log_softmax(x, dim=0),
    "prelu": lambda x, p: F.prelu(x, torch.tensor([p["weight"]], dtype=torch.float64)),
    "threshold": lambda x, p: F.threshold(x, p["threshold"], p["value"]),
    "glu": lambda x, p: F.glu(x, dim=0),
}
OTHER_PARAMS = {
    "leaky_relu": {"negative_slope": 0.2},
    "elu": {"alpha": 0.5},
    "celu": {"alpha": 2.0},
    "softplus": {"beta": 2.0, "threshold": 5.0},
    "hardtanh": {"min_val": -2.0, "max_val": 0.5},
    "softshrink": {"lambd": 1.0},
    "hardshrink": {"lambd": 1.5},
    "softmax": {"temperature": 0.5},
    "softmin": {"temperature": 3.0},
    "prelu": {"weight": -0.3},
    "threshold": {"threshold": 0.7, "value": -2.0},
}


def test_every_activation_is_held_against_pytorch() -> None:
    assert set(TORCH) == set(ACTIVATIONS)


def _points() -> np.ndarray:
    rng = np.random.default_rng(31)
    kinks = [-6.0, -3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0, 6.0, 2.5, 10.0, -30.0, 30.0]
    return np.concatenate([rng.standard_normal(40) * 4, kinks])


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("non_default", [False, True])
def test_values_and_slopes_match_pytorch(name: str, non_default: bool) -> None:
    params = OTHER_PARAMS.get(name, {}) if non_default else {}
    act = ActivationAgent(name, **params)
    x = _points() if name in ELEMENTWISE else np.array([3.0, 1.0, 0.2, -2.0, 0.0, 1.5])
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    yt = TORCH[name](xt, act.params)
    assert np.allclose(act(x), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    if name in ELEMENTWISE:
        yt.sum().backward()
        # PyTorch's hardsigmoid backward uses 1/6 rounded to float32, even in float64
        rtol = 1e-7 if name == "hardsigmoid" else 1e-10
        assert np.allclose(act.slope(x), xt.grad.numpy(), rtol=rtol, atol=1e-12), name
    else:
        jac = torch.autograd.functional.jacobian(lambda v: TORCH[name](v, act.params), xt.detach())
        assert np.allclose(act.jacobian(x), jac.numpy(), rtol=1e-10, atol=1e-12)
        if name != "glu":
            assert np.allclose(act.slope(x), np.diag(jac.numpy()))


def test_softmax_words_carry_the_numbers() -> None:
    text = agent("softmax").describe()
    assert "Softmax lets the winner take most: 0.84 of the weight goes to the largest score (3)" in text
    assert "at temperature 0.1 almost all (1.00)" in text
    p = ActivationAgent("softmax", temperature=10.0)(np.array([3.0, 1.0, 0.2]))
    assert f"at temperature 10 the weights even out ({p[0]:.2f}, {p[1]:.2f}, {p[2]:.2f})" in text


def test_softmax_share_words_follow_the_share() -> None:
    scores = np.array([1.0, 0.9, 0.8, 0.7])
    text = agent("softmax").describe(scores)
    share = ActivationAgent("softmax")(scores).max()
    assert share < 0.5 and f"take the largest share: {share:.2f}" in text


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_words_give_the_outputs_and_slopes_of_the_sample(name: str) -> None:
    act = ActivationAgent(name)
    lines = act.describe().splitlines()
    said_out = _numbers(lines[1].split("it gives")[1])
    said_slope = _numbers(lines[2])
    assert np.allclose(said_out, act(act.sample), rtol=5e-3, atol=1e-3)  # three significant digits
    assert np.allclose(said_slope, act.slope(act.sample), rtol=5e-3, atol=1e-3)  # three significant digits


def test_slope_sentences_name_where_gradients_fade() -> None:
    assert (
        "It is steepest at x = 0 (slope 0.25); it is nearly 0 for x < -4.6 and x > 4.6" in agent("sigmoid").describe()
    )
    assert "Its slope is 1 for x > 0; it is nearly 0 for x < 0" in agent("relu").describe()
    assert "nearly 0 for x between -0.5 and 0.5" in agent("hardshrink").describe()


def test_aliases_and_errors() -> None:
    assert agent("Swish").name == "silu"
    assert agent("leaky_relu", negative_slope=0.3).params["negative_slope"] == 0.3
    with pytest.raises(AgentInputError, match="unknown activation 'sofmax'"):
        ActivationAgent("sofmax")
    with pytest.raises(AgentInputError, match="relu has no parameter alpha"):
        ActivationAgent("relu", alpha=1.0)
    with pytest.raises(AgentInputError, match="temperature must be positive"):
        ActivationAgent("softmax", temperature=0.0)
    with pytest.raises(AgentInputError, match="NaN"):
        agent("tanh").describe([1.0, float("nan")])
    with pytest.raises(AgentInputError, match="one vector"):
        agent("softmax")(np.ones((2, 2)))


@pytest.mark.parametrize("name", ["softmax", "gelu", "log_softmax", "hardshrink", "glu"])
def test_plots_are_drawn_and_saved(name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fig = agent(name).plot(tmp_path / f"{name}.png")
    assert len(fig.axes) == 2 and (tmp_path / f"{name}.png").stat().st_size > 5000


def test_graph_shows_the_function_and_its_slope() -> None:
    act = ActivationAgent("tanh")
    fig = act.plot()
    value, slope = fig.axes[0].lines[2:4]  # after the two axis lines
    xs = value.get_xdata()
    assert np.allclose(value.get_ydata(), np.tanh(xs)) and np.allclose(slope.get_ydata(), 1 - np.tanh(xs) ** 2)


def test_glu_words_give_halves_gates_and_output() -> None:
    text = agent("glu").describe()
    assert "a = (1, -2), b = (0.5, 3), the gates are (0.622, 0.953), so it gives (0.622, -1.91)" in text
    with pytest.raises(AgentInputError, match="even length"):
        agent("glu")(np.ones(3))
    with pytest.raises(AgentInputError, match="jacobian"):
        agent("glu").slope(np.ones(4))
