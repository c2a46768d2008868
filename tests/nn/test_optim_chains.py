"""The small agents compose into the formulas pages write (Ng's momentum, Ruder's, Keras's ε
inside the root, Adam without bias correction, Lion from its paper), each held to a plain NumPy
transcription of the formula; the fused Adam equals its chain written out; every chain reads
out in words."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import pytest

from thirdroad import nn
from thirdroad.nn import optim

Update = Callable[[np.ndarray, np.ndarray, int, dict[str, np.ndarray]], np.ndarray]


def _race(opt: optim.Optimizer, by_hand: Update, steps: int = 100, seed: int = 3) -> float:
    """Largest gap between the optimizer and the formula run by hand, over ``steps`` steps."""
    r = np.random.default_rng(seed)
    start = r.standard_normal(7)
    var, theta, state = nn.Variable(start.copy()), start.copy(), {}
    gap = 0.0
    for t in range(1, steps + 1):
        g = r.standard_normal(7) + 0.5 * np.sin(t)
        opt.apply_gradients([(g, var)])
        theta = by_hand(theta, g, t, state)
        gap = max(gap, float(np.max(np.abs(var.numpy() - theta))))
    assert float(np.max(np.abs(theta - start))) > 1e-3  # it moved
    return gap


def _zeros(state: dict[str, np.ndarray], *names: str) -> list[np.ndarray]:
    return [state.setdefault(n, np.zeros(7)) for n in names]


def lion_paper(lr: float, b1: float, b2: float, wd: float) -> Update:
    """Chen et al. 2023, Program 1: c = β1 m + (1-β1) g; θ = θ - lr (sign(c) + λθ); m = β2 m + (1-β2) g."""

    def step(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        (m,) = _zeros(state, "m")
        c = b1 * m + (1 - b1) * g
        new = theta - lr * (np.sign(c) + wd * theta)
        state["m"] = b2 * m + (1 - b2) * g
        return new

    return step


@pytest.mark.parametrize(("lr", "betas", "wd"), [(1e-4, (0.9, 0.99), 0.0), (3e-3, (0.95, 0.98), 0.1)])
def test_lion_equals_the_paper_transcribed_in_numpy(lr: float, betas: tuple[float, float], wd: float) -> None:
    assert _race(optim.Lion(lr=lr, betas=betas, weight_decay=wd), lion_paper(lr, *betas, wd)) <= 1e-12


def test_lion_maximize_climbs() -> None:
    hand = lion_paper(1e-3, 0.9, 0.99, 0.0)
    gap = _race(optim.Lion(lr=1e-3, maximize=True), lambda th, g, t, s: hand(th, -g, t, s))
    assert gap <= 1e-12


def test_ng_momentum_is_a_true_average_with_the_rate_outside() -> None:
    """Ng: v = βv + (1-β)dW, W = W - αv."""

    def ng(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        (v,) = _zeros(state, "v")
        state["v"] = 0.9 * v + 0.1 * g
        return theta - 0.05 * state["v"]

    assert _race(optim.Optimizer("Ng", [optim.MovingAverage(0.9), optim.ScaleByLearningRate(0.05)]), ng) <= 1e-12


def test_ruder_momentum_keeps_the_rate_inside_and_equals_pytorch_sgd() -> None:
    """Ruder: v = γv + η∇J, θ = θ - v: the learning rate inside the average, no dampening;
    with v starting at 0 it traces PyTorch's SGD momentum with lr = η."""

    def ruder(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        (v,) = _zeros(state, "v")
        state["v"] = 0.9 * v + 0.01 * g
        return theta - state["v"]

    chain = optim.Optimizer("Ruder", [optim.MovingAverage(0.9, 0.01), optim.Descend()])
    assert _race(chain, ruder) <= 1e-12
    sgd = optim.SGD(lr=0.01, momentum=0.9)
    assert _race(sgd, ruder) <= 1e-12


def test_rmsprop_with_eps_inside_the_root_as_keras_writes_it() -> None:
    def keras(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        (s,) = _zeros(state, "s")
        state["s"] = 0.9 * s + 0.1 * g * g
        return theta - 1e-2 * g / np.sqrt(state["s"] + 1e-7)

    chain = [optim.ScaleByRootOfMovingAverage(0.9, 1e-7, eps_inside=True), optim.ScaleByLearningRate(1e-2)]
    assert _race(optim.Optimizer("Keras RMSProp", chain), keras) <= 1e-12


@pytest.mark.parametrize("corrected", [True, False])
def test_adam_line_by_line_with_and_without_bias_correction(corrected: bool) -> None:
    """Ng's Adam (v, s, the corrections, the step), and the same without the corrections."""

    def ng_adam(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        v, s = _zeros(state, "v", "s")
        state["v"], state["s"] = 0.9 * v + 0.1 * g, 0.999 * s + 0.001 * g * g
        v_hat = state["v"] / (1 - 0.9**t) if corrected else state["v"]
        s_hat = state["s"] / (1 - 0.999**t) if corrected else state["s"]
        return theta - 1e-2 * v_hat / (np.sqrt(s_hat) + 1e-8)

    chain: list[optim.Transform] = [optim.MovingAverage(0.9)]
    if corrected:
        chain.append(optim.BiasCorrection(0.9))
    chain += [optim.ScaleByRootOfMovingAverage(0.999, 1e-8, bias_correction=corrected), optim.ScaleByLearningRate(1e-2)]
    assert _race(optim.Optimizer("Ng's Adam", chain), ng_adam) <= 1e-12


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_the_fused_adam_agent_equals_its_chain_written_out(amsgrad: bool, weight_decay: float) -> None:
    head: list[optim.Transform] = [optim.AddDecayedWeights(weight_decay)] if weight_decay else []
    core = optim.ScaleByAdam(0.9, 0.99, 1e-6, amsgrad)
    fused = optim.Optimizer("fused", [*head, core, optim.ScaleByLearningRate(0.01)])
    spelled = optim.Optimizer(
        "spelled out",
        [
            *head,
            optim.MovingAverage(0.9),
            optim.BiasCorrection(0.9),
            optim.ScaleByRootOfMovingAverage(0.99, 1e-6, bias_correction=True, max_of_averages=amsgrad),
            optim.ScaleByLearningRate(0.01),
        ],
    )
    r = np.random.default_rng(11)
    a, b = nn.Variable(r.standard_normal(6)), nn.Variable(np.zeros(6))
    b.assign(a.numpy())
    for _ in range(100):
        g = r.standard_normal(6)
        fused.apply_gradients([(g, a)])
        spelled.apply_gradients([(g, b)])
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-12)


def test_sign_sgd_and_adamax_written_out() -> None:
    def sign_sgd(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        return theta - 1e-2 * np.sign(g)

    assert _race(optim.Optimizer("signSGD", [optim.Sign(), optim.ScaleByLearningRate(1e-2)]), sign_sgd) == 0.0

    def adamax(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        m, u = _zeros(state, "m", "u")
        state["m"], state["u"] = 0.9 * m + 0.1 * g, np.maximum(0.999 * u, np.abs(g))
        return theta - 2e-3 / (1 - 0.9**t) * state["m"] / (state["u"] + 1e-8)

    chain = [optim.MovingAverage(0.9), optim.BiasCorrection(0.9), optim.ScaleByInfinityNorm(0.999, 1e-8, "outside"),
             optim.ScaleByLearningRate(2e-3)]  # fmt: skip
    assert _race(optim.Optimizer("AdaMax (optax's ε)", chain), adamax) <= 1e-12


NAMED = ["SGD", "RMSProp", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD",
         "Adafactor", "Muon", "Lion"]  # fmt: skip


@pytest.mark.parametrize("name", NAMED)
def test_describe_reads_every_agent_of_every_chain(name: str) -> None:
    kw = {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01, "maximize": True} if name == "SGD" else {}
    opt = getattr(optim, name)(**kw)
    text = opt.describe()
    assert text.startswith(opt.name + ": ") and text.endswith(".")
    assert text == opt.name + ": " + "; then ".join(t.words() for t in opt.transforms) + "."
    for t in opt.transforms:
        assert t.words() and "NotImplemented" not in t.words()


def test_every_public_agent_documents_its_formula_and_is_exported() -> None:
    agents = [getattr(optim, n) for n in optim.__all__ if inspect.isclass(getattr(optim, n))]
    bases = (optim.Transform, optim.ScalarTransform)
    transforms = [a for a in agents if issubclass(a, optim.Transform) and a not in bases]
    assert len(transforms) >= 25
    for cls in transforms:
        doc = inspect.getdoc(cls) or ""
        assert len(doc) > 60, cls.__name__
        agent = cls()
        assert agent.words() and agent.name, cls.__name__
    for needed in ("MovingAverage", "BiasCorrection", "ScaleByRootOfMovingAverage", "Sign", "ScaleByInfinityNorm"):
        assert needed in optim.__all__


def test_a_chain_that_is_not_made_of_agents_is_refused() -> None:
    with pytest.raises(nn.EngineError, match="not a Transform"):
        optim.Optimizer("bad", [optim.Sign(), "lr"])  # type: ignore[list-item]


def test_adam_in_the_paper_s_faster_order() -> None:
    """Kingma & Ba, end of section 2: α_t = α·√(1-β2^t)/(1-β1^t), θ ← θ - α_t·m/(√v + ε̂)."""

    def faster(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        m, v = _zeros(state, "m", "v")
        state["m"], state["v"] = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        rate = 1e-2 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        return theta - rate * state["m"] / (np.sqrt(state["v"]) + 1e-8)

    chain = [optim.MovingAverage(0.9), optim.ScaleByRootOfMovingAverage(0.999, 1e-8), optim.BiasCorrection(0.9),
             optim.BiasCorrection(0.999, power=-0.5), optim.ScaleByLearningRate(1e-2)]  # fmt: skip
    assert _race(optim.Optimizer("Adam, the faster order", chain), faster) <= 1e-12


def test_adamw_as_its_paper_writes_it() -> None:
    """Loshchilov & Hutter, Algorithm 2: θ ← θ - η(α·m̂/(√v̂ + ε) + λθ)."""

    def paper(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        m, v = _zeros(state, "m", "v")
        state["m"], state["v"] = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        m_hat, v_hat = state["m"] / (1 - 0.9**t), state["v"] / (1 - 0.999**t)
        return theta - 0.5 * (1e-2 * m_hat / (np.sqrt(v_hat) + 1e-8) + 0.1 * theta)

    chain = [optim.ScaleByAdam(), optim.Scale(1e-2), optim.AddDecayedWeights(0.1, decoupled=True),
             optim.ScaleByLearningRate(0.5)]  # fmt: skip
    assert _race(optim.Optimizer("AdamW, the paper", chain), paper) <= 1e-12


@pytest.mark.parametrize("form", ["dozat", "ruder"])
def test_nadam_as_dozat_and_ruder_write_it(form: str) -> None:
    """A constant momentum β1: Dozat corrects the look-ahead average by 1 - β1^(t+1), Ruder
    corrects both terms by 1 - β1^t."""

    def nadam(theta: np.ndarray, g: np.ndarray, t: int, state: dict[str, np.ndarray]) -> np.ndarray:
        m, v = _zeros(state, "m", "v")
        state["m"], state["v"] = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        ahead = 1 - 0.9 ** (t + 1) if form == "dozat" else 1 - 0.9**t
        direction = 0.9 * state["m"] / ahead + 0.1 * g / (1 - 0.9**t)
        return theta - 2e-3 * direction / (np.sqrt(state["v"] / (1 - 0.999**t)) + 1e-8)

    chain = [optim.NadamMomentum(0.9, form=form), optim.ScaleByRootOfMovingAverage(0.999, 1e-8, bias_correction=True),
             optim.ScaleByLearningRate(2e-3)]  # type: ignore[arg-type]  # fmt: skip
    assert _race(optim.Optimizer(f"NAdam ({form})", chain), nadam) <= 1e-12
