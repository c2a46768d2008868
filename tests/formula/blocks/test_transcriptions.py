"""Each optimizer read from a formula runs as the formula says: 100 steps of the built
optimizer against a NumPy transcription of the same formula, written by hand, to 1e-12."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from thirdroad.agents.read_optimizer import optimizer_from
from thirdroad.formula.blocks import read_block
from thirdroad.nn import Variable

Array = np.ndarray
Grad = Callable[[Array], Array]
# a transcription: (theta, state, grad_fn, t, hyperparameters) -> new theta (state updated in place)
Step = Callable[[Array, dict[str, Any], Grad, int, dict[str, float]], Array]


def _zeros(state: dict[str, Any], theta: Array, *names: str) -> list[Array]:
    for n in names:
        state.setdefault(n, np.zeros_like(theta))
    return [state[n] for n in names]


def gd(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    return th - h["eta"] * grad(th)


def ruder_momentum(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (v,) = _zeros(st, th, "v")
    st["v"] = h["gamma"] * v + h["eta"] * grad(th)
    return th - st["v"]


def ng_momentum(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (v,) = _zeros(st, th, "v")
    st["v"] = h["beta"] * v + (1 - h["beta"]) * grad(th)
    return th - h["alpha"] * st["v"]


def ng_momentum_lr_inside(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (v,) = _zeros(st, th, "v")
    st["v"] = h["beta"] * v + (1 - h["beta"]) * h["alpha"] * grad(th)
    return th - st["v"]


def pytorch_nesterov(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    g = grad(th)
    st["b"] = g if t == 1 else h["mu"] * st["b"] + g
    return th - h["gamma"] * (g + h["mu"] * st["b"])


def ruder_nesterov_lookahead(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (v,) = _zeros(st, th, "v")
    st["v"] = h["gamma"] * v + h["eta"] * grad(th - h["gamma"] * v)
    return th - st["v"]


def adagrad(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (g2,) = _zeros(st, th, "G")
    g = grad(th)
    st["G"] = g2 + g * g
    return th - h["eta"] / np.sqrt(st["G"] + h["epsilon"]) * g


def ng_rmsprop(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (s,) = _zeros(st, th, "s")
    g = grad(th)
    st["s"] = h["beta"] * s + (1 - h["beta"]) * g**2
    return th - h["alpha"] * g / np.sqrt(st["s"])


def hinton_rmsprop(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (e,) = _zeros(st, th, "E")
    g = grad(th)
    st["E"] = 0.9 * e + 0.1 * g**2
    return th - h["eta"] / np.sqrt(st["E"] + h["epsilon"]) * g


def ng_adam(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    v, s = _zeros(st, th, "v", "s")
    g = grad(th)
    st["v"] = h["beta_1"] * v + (1 - h["beta_1"]) * g
    st["s"] = h["beta_2"] * s + (1 - h["beta_2"]) * g**2
    return th - h["alpha"] * st["v"] / (np.sqrt(st["s"]) + h["epsilon"])


def adam_paper(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, v = _zeros(st, th, "m", "v")
    g = grad(th)
    b1, b2 = h["beta_1"], h["beta_2"]
    st["m"], st["v"] = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    mhat, vhat = st["m"] / (1 - b1**t), st["v"] / (1 - b2**t)
    return th - h["alpha"] * mhat / (np.sqrt(vhat) + h["epsilon"])


def adam_faster_order(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, v = _zeros(st, th, "m", "v")
    g = grad(th)
    b1, b2 = h["beta_1"], h["beta_2"]
    st["m"], st["v"] = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    rate = h["alpha"] * np.sqrt(1 - b2**t) / (1 - b1**t)
    return th - rate * st["m"] / (np.sqrt(st["v"]) + h["epsilon"])


def adam_eps_inside(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, v = _zeros(st, th, "m", "v")
    g = grad(th)
    b1, b2 = h["beta_1"], h["beta_2"]
    st["m"], st["v"] = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    return th - h["eta"] * (st["m"] / (1 - b1**t)) / np.sqrt(st["v"] / (1 - b2**t) + h["epsilon"])


def adamw_paper(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, v = _zeros(st, th, "m", "v")
    g = grad(th)
    b1, b2 = h["beta_1"], h["beta_2"]
    st["m"], st["v"] = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    mhat, vhat = st["m"] / (1 - b1**t), st["v"] / (1 - b2**t)
    return th - h["eta"] * (mhat / (np.sqrt(vhat) + h["epsilon"]) + h["lambda"] * th)


def amsgrad_paper(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, v, vmax = _zeros(st, th, "m", "v", "vmax")
    g = grad(th)
    b1, b2 = h["beta_1"], h["beta_2"]
    st["m"], st["v"] = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    st["vmax"] = np.maximum(vmax, st["v"])
    return th - h["alpha"] * st["m"] / (np.sqrt(st["vmax"]) + h["epsilon"])


def adamax_paper(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, u = _zeros(st, th, "m", "u")
    g = grad(th)
    st["m"] = h["beta_1"] * m + (1 - h["beta_1"]) * g
    st["u"] = np.maximum(h["beta_2"] * u, np.abs(g))
    return th - h["alpha"] / (1 - h["beta_1"] ** t) * st["m"] / st["u"]


def nadam_ruder(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    m, v = _zeros(st, th, "m", "v")
    g = grad(th)
    b1, b2 = h["beta_1"], h["beta_2"]
    st["m"], st["v"] = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    mhat, vhat = st["m"] / (1 - b1**t), st["v"] / (1 - b2**t)
    return th - h["eta"] / (np.sqrt(vhat) + h["epsilon"]) * (b1 * mhat + (1 - b1) * g / (1 - b1**t))


def adadelta_zeiler(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    eg, ex = _zeros(st, th, "Eg", "Ex")
    g = grad(th)
    st["Eg"] = h["rho"] * eg + (1 - h["rho"]) * g * g
    dx = -np.sqrt(ex + h["epsilon"]) / np.sqrt(st["Eg"] + h["epsilon"]) * g
    st["Ex"] = h["rho"] * ex + (1 - h["rho"]) * dx * dx
    return th + dx


def lion(th, st, grad, t, h):  # type: ignore[no-untyped-def]
    (m,) = _zeros(st, th, "m")
    g = grad(th)
    c = h["beta_1"] * m + (1 - h["beta_1"]) * g
    new = th - h["eta"] * (np.sign(c) + h["lambda"] * th)
    st["m"] = h["beta_2"] * m + (1 - h["beta_2"]) * g
    return new


# (the formula, the hyperparameters by the formula's names, its transcription)
CASES: list[tuple[str, str, dict[str, float], Step]] = [
    ("gd", r"\theta = \theta - \eta \nabla_\theta J(\theta)", {"eta": 0.05}, gd),
    ("ruder momentum", r"v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta) \\ \theta = \theta - v_t",
     {"gamma": 0.9, "eta": 0.02}, ruder_momentum),
    ("ng momentum", r"v = \beta v + (1-\beta) dW \\ W = W - \alpha v", {"beta": 0.9, "alpha": 0.1}, ng_momentum),
    ("ng momentum, lr inside", r"v = \beta v + (1-\beta) \alpha dW \\ W = W - v", {"beta": 0.9, "alpha": 0.1},
     ng_momentum_lr_inside),
    ("pytorch nesterov", "if t > 1:\n  b = mu*b + g\nelse:\n  b = g\ntheta = theta - gamma*(g + mu*b)",
     {"mu": 0.9, "gamma": 0.02}, pytorch_nesterov),
    ("adagrad, eps inside",
     r"G_t = G_{t-1} + g_t^2 \\ \theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{G_t + \epsilon}} g_t",
     {"eta": 0.3, "epsilon": 1e-8}, adagrad),
    ("ng rmsprop", r"s = \beta s + (1-\beta) dW^2 \\ W = W - \alpha \frac{dW}{\sqrt s}", {"beta": 0.9, "alpha": 0.01},
     ng_rmsprop),
    ("hinton rmsprop", r"E[g^2]_t = 0.9 E[g^2]_{t-1} + 0.1 g^2_t \\ "
     r"\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{E[g^2]_t + \epsilon}} g_t", {"eta": 0.01, "epsilon": 1e-8},
     hinton_rmsprop),
    ("ng adam", r"v = \beta_1 v + (1-\beta_1) dW \\ s = \beta_2 s + (1-\beta_2) dW^2 \\ "
     r"W = W - \alpha \frac{v}{\sqrt{s} + \epsilon}", {"beta_1": 0.9, "beta_2": 0.999, "alpha": 0.01, "epsilon": 1e-8},
     ng_adam),
    ("adam paper", "m_t ← β_1 · m_{t−1} + (1 − β_1) · g_t\nv_t ← β_2 · v_{t−1} + (1 − β_2) · g_t^2\n"
     "m̂_t ← m_t/(1 − β_1^t)\nv̂_t ← v_t/(1 − β_2^t)\nθ_t ← θ_{t−1} − α · m̂_t/(√v̂_t + ε)",
     {"beta_1": 0.9, "beta_2": 0.999, "alpha": 0.01, "epsilon": 1e-8}, adam_paper),
    ("adam faster order", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
     r"\alpha_t = \alpha \sqrt{1-\beta_2^t}/(1-\beta_1^t) \\ "
     r"\theta_t = \theta_{t-1} - \alpha_t m_t/(\sqrt{v_t} + \hat\epsilon)",
     {"beta_1": 0.9, "beta_2": 0.999, "alpha": 0.01, "epsilon": 1e-8}, adam_faster_order),
    ("adam eps inside", "m = beta1*m + (1-beta1)*g\nv = beta2*v + (1-beta2)*g**2\nm_hat = m/(1-beta1**t)\n"
     "v_hat = v/(1-beta2**t)\ntheta = theta - eta*m_hat/sqrt(v_hat + eps)",
     {"beta_1": 0.9, "beta_2": 0.999, "eta": 0.01, "epsilon": 1e-8}, adam_eps_inside),
    ("adamw paper", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
     r"\hat m_t = m_t/(1-\beta_1^t) \\ \hat v_t = v_t/(1-\beta_2^t) \\ "
     r"\theta_t = \theta_{t-1} - \eta (\hat m_t/(\sqrt{\hat v_t} + \epsilon) + \lambda \theta_{t-1})",
     {"beta_1": 0.9, "beta_2": 0.999, "eta": 0.01, "epsilon": 1e-8, "lambda": 0.1}, adamw_paper),
    ("amsgrad paper", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
     r"\hat v_t = \max(\hat v_{t-1}, v_t) \\ \theta_{t+1} = \theta_t - \alpha m_t/(\sqrt{\hat v_t} + \epsilon)",
     {"beta_1": 0.9, "beta_2": 0.99, "alpha": 0.01, "epsilon": 1e-8}, amsgrad_paper),
    ("adamax paper", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ u_t = \max(\beta_2 u_{t-1}, |g_t|) \\ "
     r"\theta_t = \theta_{t-1} - \frac{\alpha}{1-\beta_1^t} \frac{m_t}{u_t}",
     {"beta_1": 0.9, "beta_2": 0.999, "alpha": 0.01}, adamax_paper),
    ("nadam ruder", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
     r"\hat m_t = \frac{m_t}{1-\beta_1^t} \\ \hat v_t = \frac{v_t}{1-\beta_2^t} \\ "
     r"\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{\hat v_t} + \epsilon}(\beta_1 \hat m_t + "
     r"\frac{(1-\beta_1) g_t}{1-\beta_1^t})", {"beta_1": 0.9, "beta_2": 0.999, "eta": 0.01, "epsilon": 1e-8},
     nadam_ruder),
    ("adadelta zeiler", r"E[g^2]_t = \rho E[g^2]_{t-1} + (1-\rho) g_t^2 \\ "
     r"\Delta x_t = -\frac{\sqrt{E[\Delta x^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}} g_t \\ "
     r"E[\Delta x^2]_t = \rho E[\Delta x^2]_{t-1} + (1-\rho) \Delta x_t^2 \\ x_{t+1} = x_t + \Delta x_t",
     {"rho": 0.95, "epsilon": 1e-6}, adadelta_zeiler),
    ("lion", r"c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ "
     r"\theta_t = \theta_{t-1} - \eta (\mathrm{sign}(c_t) + \lambda \theta_{t-1}) \\ "
     r"m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t", {"beta_1": 0.9, "beta_2": 0.99, "eta": 0.003, "lambda": 0.1}, lion),
]


def _problem(seed: int = 5) -> tuple[Grad, Array]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(5, 5))
    hess = a @ a.T / 5 + 0.3 * np.eye(5)
    b = rng.normal(size=5)
    return (lambda th: hess @ th + b), rng.normal(size=5)


@pytest.mark.parametrize(("label", "text", "values", "step"), CASES, ids=[c[0] for c in CASES])
def test_built_optimizer_follows_the_formula(label: str, text: str, values: dict[str, float], step: Step) -> None:
    reading = read_block(text)
    assert reading.runnable, (label, reading.notes)
    opt = optimizer_from(reading, **values)
    grad, start = _problem()
    x = Variable(start.copy())
    theta, state = start.copy(), {}  # type: ignore[var-annotated]
    for t in range(1, 101):
        opt.apply_gradients([(grad(x.numpy()), x)])
        theta = step(theta, state, grad, t, values)
        np.testing.assert_allclose(x.numpy(), theta, rtol=0, atol=1e-12, err_msg=f"{label}, step {t}")


def test_look_ahead_nesterov_runs_on_the_look_ahead_point() -> None:
    """Ruder's Nesterov takes the gradient at θ - γv; the engine runs PyTorch's form, whose
    parameter is that look-ahead point: the two agree on θ - γv at every step."""
    text = r"v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta - \gamma v_{t-1}) \\ \theta = \theta - v_t"
    values = {"gamma": 0.9, "eta": 0.02}
    reading = read_block(text)
    assert reading.concept == "nesterov"
    opt = optimizer_from(reading, **values)
    grad, start = _problem()
    x = Variable(start.copy())
    theta, state = start.copy(), {}  # type: ignore[var-annotated]
    for t in range(1, 101):
        opt.apply_gradients([(grad(x.numpy()), x)])
        theta = ruder_nesterov_lookahead(theta, state, grad, t, values)
        np.testing.assert_allclose(x.numpy(), theta - values["gamma"] * state["v"], rtol=0, atol=1e-12)
