"""Run what was read: a block's optimizer built as the engine's own chain of agents.

``thirdroad.formula.blocks`` reads a block into plain data: the chain of agents it
computes, with its hyperparameters as the block names them. This module turns that chain
into a :class:`thirdroad.nn.optim.Optimizer` made of the engine's own agents: exactly the
chain of the engine's optimizer of that name where the block computes what PyTorch computes,
and the same agents with other settings where it differs (Ng's momentum is a moving average
that starts at 0, Adam without bias correction drops the BiasCorrection agent, ε inside the
root is ``eps_inside``). Each number comes from the block where it gives one, from the caller,
or else from PyTorch's default for that optimizer (said in :func:`hyperparameters`).

>>> opt = optimizer_from_block(r"v = \\beta v + (1-\\beta) dW \\\\ W = W - \\alpha v")
>>> opt.describe()
"...keep a moving average of it (m = 0.9·m + 0.1·g); then step against it..."
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from thirdroad.agents._errors import AgentInputError
from thirdroad.formula.blocks import BlockReading, Link, Value, read_block, register_optimizer_builder, trajectory
from thirdroad.formula.blocks.derive import find_states
from thirdroad.formula.blocks.flow import CONST
from thirdroad.nn import optim

_MACHINE_EPS = float(np.finfo(np.float64).eps)
# PyTorch's defaults; where PyTorch has none that keeps the formula alive (its momentum is
# 0), the usual choice, marked so.
DEFAULTS: dict[str, dict[str, float]] = {
    "gradient_descent": {"lr": 1e-3},
    "sgd_momentum": {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0},
    "nesterov": {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "momentum": 0.9},
    "adagrad": {"lr": 1e-2, "eps": 1e-10, "lr_decay": 0.0, "initial_accumulator_value": 0.0},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    "adam": {"lr": 1e-3, "betas[0]": 0.9, "betas[1]": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "amsgrad": {"lr": 1e-3, "betas[0]": 0.9, "betas[1]": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "adamw": {"lr": 1e-3, "betas[0]": 0.9, "betas[1]": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
    "adamax": {"lr": 2e-3, "betas[0]": 0.9, "betas[1]": 0.999, "eps": 1e-8},
    "nadam": {"lr": 2e-3, "betas[0]": 0.9, "betas[1]": 0.999, "eps": 1e-8, "momentum_decay": 4e-3},
    "radam": {"lr": 1e-3, "betas[0]": 0.9, "betas[1]": 0.999, "eps": 1e-8},
    "lion": {"lr": 1e-4, "betas[0]": 0.9, "betas[1]": 0.99, "weight_decay": 0.0},
    "rprop": {"lr": 1e-2, "etaplus": 1.2, "etaminus": 0.5, "step_min": 1e-6, "step_max": 50.0},
    "adafactor": {"lr": 1e-2, "beta2_decay": -0.8, "eps1": _MACHINE_EPS, "eps2": 1e-3, "d": 1.0},
}
USUAL = {("sgd_momentum", "momentum"), ("nesterov", "momentum"), ("rmsprop", "momentum"),
         ("lion", "lr"), ("lion", "betas[0]"), ("lion", "betas[1]")}  # no PyTorch default: the usual choice


@dataclass(frozen=True)
class Setting:
    """One hyperparameter of the built optimizer: the block's name, PyTorch's name, the
    number used, and where it came from (``block``, ``given`` by the caller, ``pytorch``
    default, or the ``usual`` choice where PyTorch has none)."""

    symbol: str
    role: str
    value: float
    source: str


def hyperparameters(reading: BlockReading, **values: Any) -> dict[str, Setting]:
    """Every name in the chain with the number it gets, keyed by the block's name. ``values``
    name them the block's way (``beta_1=0.8``) or PyTorch's (``betas=(0.8, 0.99)``, ``lr=0.1``)."""
    concept = reading.concept or ""
    values = _spread(values)
    out: dict[str, Setting] = {}
    for link in reading.chain:
        for _, v in link.params:
            if not isinstance(v, Value) or v.number is not None or not v.symbol or v.symbol in out:
                continue
            out[v.symbol] = _setting(reading, concept, v, values)
    return out


def _spread(values: dict[str, Any]) -> dict[str, float]:
    """PyTorch's pairs as two roles: ``betas=(a, b)`` is ``betas[0]=a, betas[1]=b``."""
    out: dict[str, float] = {}
    pairs = {"betas": ("betas[0]", "betas[1]"), "etas": ("etaminus", "etaplus"), "step_sizes": ("step_min", "step_max")}
    for key, value in values.items():
        if key in pairs and isinstance(value, tuple | list):
            out.update(zip(pairs[key], map(float, value), strict=True))
        elif not isinstance(value, bool):
            out[key] = float(value)
    return out


def _setting(reading: BlockReading, concept: str, v: Value, values: dict[str, float]) -> Setting:
    role = v.role
    plain = unicodedata.normalize("NFD", v.symbol.replace(CONST, ""))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    for key in (v.symbol, plain, role):
        if key in values:
            return Setting(v.symbol, role, float(values[key]), "given")
    h = reading.hypers.get(v.symbol)
    if h is not None and h.value is not None:
        return Setting(v.symbol, role, h.value, "block")
    table = DEFAULTS.get(concept, {})
    if role in table:
        return Setting(v.symbol, role, table[role], "usual" if (concept, role) in USUAL else "pytorch")
    if role == "weight_decay":
        return Setting(v.symbol, role, 0.0, "pytorch")
    if role == "schedule":  # a schedule multiplier written as a name: no schedule
        return Setting(v.symbol, role, 1.0, "usual")
    raise AgentInputError(f"no value for {v.symbol} ({role}): give it, e.g. {role}=...")


def optimizer_from(reading: BlockReading, label: str | None = None, **values: Any) -> optim.Optimizer:
    """The block's optimizer as the engine's chain of agents. ``values`` set hyperparameters
    by the block's names or PyTorch's (``lr=0.1``, ``beta_1=0.8``)."""
    if reading.match is None:
        raise AgentInputError("this block is not an optimizer thirdroad can name, so there is nothing to build",
                              hint="; ".join(reading.notes) or "write the update lines of a known optimizer")
    if reading.match.near_miss:
        differences = "; ".join(d.says for d in reading.match.differences)
        raise AgentInputError(f"this block is a near miss of {reading.name}: {differences}",
                              hint="fix the formula to build it")
    settings = hyperparameters(reading, **values)
    number = _resolver(settings)
    transforms = [t for link in reading.chain for t in _transforms(link, number)]
    name = label or f"{reading.name} (read from the formula)"
    return optim.Optimizer(name, transforms)


def optimizer_from_block(text: str, label: str | None = None, **values: Any) -> optim.Optimizer:
    """Read ``text`` as a block and build its optimizer; switches of an algorithm box
    (``nesterov=True``) and its optional hyperparameters (``momentum=0.9``) turn options on."""
    reading = read_block(text)
    if any(isinstance(v, bool) for v in values.values()) or _optional(reading, values):
        reading = reading.configured(**values)
    return optimizer_from(reading, label, **values)


def _optional(reading: BlockReading, values: dict[str, Any]) -> bool:
    from thirdroad.formula.blocks.derive import optional_hypers

    optional = optional_hypers(reading.program)
    return any(reading.symbol_for(k) in optional for k in values)


def _resolver(settings: dict[str, Setting]) -> Callable[[Any], Any]:
    def number(v: Any) -> Any:
        if not isinstance(v, Value):
            return v
        if v.number is not None:
            return v.number
        x = settings[v.symbol].value
        return 1.0 - x if v.one_minus else x

    return number


def _transforms(link: Link, number: Callable[[Any], Any]) -> list[optim.Transform]:
    """The engine's agents for one link of the chain read from a block."""
    p = {k: number(v) for k, v in link.params}
    kind = link.kind
    simple: dict[str, Callable[[], optim.Transform]] = {
        "scale_by_learning_rate": lambda: optim.ScaleByLearningRate(p["lr"], p.get("lr_decay", 0.0)),
        "add_decayed_weights": lambda: optim.AddDecayedWeights(p["weight_decay"], bool(p.get("decoupled", False))),
        "scale": lambda: optim.Scale(p["factor"]),
        "descend": lambda: optim.Descend(),
        "maximize": lambda: optim.Maximize(),
        "moving_average": lambda: optim.MovingAverage(p["decay"], p.get("weight"), _start(p),
                                                      bool(p.get("nesterov", False))),
        "scale_by_lion": lambda: optim.LionMomentum(p["b1"], p["b2"]),
    }
    if kind in simple:
        out = [simple[kind]()]
        return [*out, optim.Sign()] if kind == "scale_by_lion" else out
    if kind == "trace":
        damp, nesterov = p.get("dampening", 0.0), bool(p.get("nesterov", False))
        if p.get("start", "gradient") == "zero" and damp:  # a velocity that starts at 0, not at the gradient
            return [optim.MovingAverage(p["momentum"], 1.0 - damp, "zero", nesterov)]
        return [optim.Trace(p["momentum"], damp, nesterov)]
    if kind in ("scale_by_rms", "scale_by_rss"):
        return [_root_of_average(kind, p)]
    if kind == "scale_by_adam":
        return _adam(p)
    if kind == "scale_by_adamax":
        head: list[optim.Transform] = [optim.MovingAverage(p["b1"])]
        if p["bias_correction"] == "first":
            head.append(optim.BiasCorrection(p["b1"]))
        return [*head, optim.ScaleByInfinityNorm(p["b2"], p["eps"], "inside" if p["eps_where"] == "max" else "outside")]
    if kind == "scale_by_nadam":
        form: Literal["pytorch", "dozat", "ruder"] = "pytorch" if p["form"] == "PyTorch" else \
            "dozat" if p["form"] == "Dozat" else "ruder"
        return [optim.NadamMomentum(p["b1"], p.get("momentum_decay", 4e-3), form),
                optim.ScaleByRootOfMovingAverage(p["b2"], p["eps"], bias_correction=True)]
    if kind == "scale_by_radam":
        return [optim.MovingAverage(p["b1"]), optim.BiasCorrection(p["b1"]),
                optim.ScaleByRectifiedRoot(p["b2"], p["eps"], p.get("threshold", 5.0))]
    if kind == "scale_by_adadelta":
        return [optim.ScaleByRootOfMovingAverage(p["rho"], p["eps"], eps_inside=True),
                optim.ScaleByRootOfStepAverage(p["rho"], p["eps"])]
    if kind == "scale_by_adafactor":
        eps1 = None if p["eps1"] == _MACHINE_EPS else p["eps1"]  # PyTorch's default: the dtype's machine ε
        return [optim.ScaleByFactoredRms(p["beta2_decay"], eps1), optim.ClipByRms(p["d"]),
                optim.ScaleByParameterRms(p["eps2"]), optim.ScaleByRelativeStepSize(p["lr"])]
    if kind == "scale_by_rprop":
        return [optim.ScaleByRprop(p["lr"], (p["etaminus"], p["etaplus"]), (p["step_min"], p["step_max"])),
                optim.Descend()]
    raise AgentInputError(f"thirdroad cannot build a {kind} agent yet")


def _start(p: dict[str, Any]) -> Literal["zero", "first"]:
    return "first" if p.get("start", "zero") == "gradient" else "zero"


def _root_of_average(kind: str, p: dict[str, Any]) -> optim.Transform:
    """RMSProp's and Adagrad's divisor: PyTorch's agent where ε sits outside the root."""
    inside = bool(p.get("eps_inside"))
    if kind == "scale_by_rms":
        if not inside:
            return optim.ScaleByRms(p["alpha"], p["eps"], bool(p.get("centered")))
        return optim.ScaleByRootOfMovingAverage(p["alpha"], p["eps"], eps_inside=True, centered=bool(p.get("centered")))
    init = p.get("initial_accumulator_value", 0.0)
    if not inside:
        return optim.ScaleByRss(init, p["eps"])
    return optim.ScaleByRootOfMovingAverage(1.0, p["eps"], weight=1.0, eps_inside=True, initial=init)


def _adam(p: dict[str, Any]) -> list[optim.Transform]:
    """Adam as written: PyTorch's one-pass agent when the block is PyTorch's Adam; otherwise
    its two averages as separate agents, with a bias correction only where the block has one
    (the second moment's moved onto the step where ε sits on the raw root: the paper's faster
    ordering)."""
    bias, where, inside = p["bias_correction"], p["eps_root"], bool(p["eps_inside"])
    if bias == "both" and where in ("corrected", "none") and not inside:
        return [optim.ScaleByAdam(p["b1"], p["b2"], p["eps"], bool(p["amsgrad"]))]
    raw = where == "raw" and bias in ("both", "second")
    chain: list[optim.Transform] = [optim.MovingAverage(p["b1"])]
    if bias in ("both", "first"):
        chain.append(optim.BiasCorrection(p["b1"]))
    chain.append(optim.ScaleByRootOfMovingAverage(p["b2"], p["eps"], eps_inside=inside,
                                                  bias_correction=bias in ("both", "second") and not raw,
                                                  max_of_averages=bool(p["amsgrad"])))
    if raw:
        chain.append(optim.BiasCorrection(p["b2"], power=-0.5))
    return chain


# ---------------------------------------------------------------- checking against the formula


def check_against_block(reading: BlockReading, steps: int = 30, seed: int = 0, **values: Any) -> float:
    """The largest gap, over ``steps`` steps on a random quadratic, between the built
    optimizer and the block run line by line as written (``thirdroad.formula.blocks``'s
    ``simulate``). The two agree to rounding when the block was read right.

    Sutskever's look-ahead form runs as PyTorch's Nesterov momentum, whose parameter is the
    look-ahead point θ - γv: for it the built optimizer's points are compared with θ - γv."""
    opt = optimizer_from(reading, None, **values)
    roles = reading.roles
    assert roles is not None and reading.match is not None
    rng = np.random.default_rng(seed)
    n = 5
    a = rng.normal(size=(n, n))
    hess = a @ a.T / n + np.eye(n)
    shift = rng.normal(size=(steps + 1, n))

    def grad(theta: np.ndarray, t: int) -> np.ndarray:
        out: np.ndarray = hess @ theta + shift[t]
        return out

    start = rng.normal(size=n)
    settings = hyperparameters(reading, **values)
    symbols = {k: s.value for k, s in settings.items()}
    for name, h in reading.hypers.items():
        symbols.setdefault(name, h.value if h.value is not None else 0.0)
    states = find_states(reading.program, roles)
    written = trajectory(reading.program, roles, states, reading.config, symbols, grad, start, steps)
    ahead = _look_ahead(reading, settings)
    from thirdroad.nn import Variable

    point = Variable(start.copy())
    worst = 0.0
    for t in range(1, steps + 1):
        opt.apply_gradients([(grad(point.numpy(), t), point)])
        theta, memory = written[t - 1]
        if ahead is not None:
            name, gamma = ahead
            theta = theta + gamma * memory[name]
        worst = max(worst, float(np.max(np.abs(point.numpy() - theta))))
    return worst


def _look_ahead(reading: BlockReading, settings: dict[str, Setting]) -> tuple[str, float] | None:
    """(the velocity's name, ±γ) for the look-ahead forms, whose built points are θ ± γv:
    Ruder's velocity is subtracted (θ - γv), Sutskever's added (θ + μv)."""
    m = reading.match
    if m is None or "look-ahead" not in m.form:
        return None
    (velocity,) = m.roles
    trace = next(link for link in m.chain if link.kind == "trace")
    gamma = float(_resolver(settings)(trace.get("momentum")))
    return velocity, gamma if m.form.startswith("Sutskever") else -gamma


register_optimizer_builder(optimizer_from)  # so that tr.explain(block).optimizer can build it

__all__ = ["DEFAULTS", "Setting", "check_against_block", "hyperparameters", "optimizer_from", "optimizer_from_block"]
