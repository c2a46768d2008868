"""Activation functions as agents: what each does to numbers, how steep it is, and a picture.

Every activation here is written in NumPy with its derivative beside it (the slope, or for the
vector-valued ones such as softmax the Jacobian), and is checked against PyTorch in the tests.
At a kink (ReLU at 0, ...) the slope follows PyTorch's choice.

>>> relu = ActivationAgent("relu")
>>> relu(np.array([-2.0, 0.5]))
array([0. , 0.5])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from thirdroad.agents import _format as fmt
from thirdroad.agents._errors import AgentInputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Array = NDArray[np.float64]
Fn = Callable[[Array, dict[str, float]], Array]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x: Array) -> Array:
    e = np.exp(-np.abs(x))  # never exponentiate a large positive number
    out: Array = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out


def _softplus(x: Array, beta: float = 1.0, threshold: float = 20.0) -> Array:
    out: Array = np.where(beta * x > threshold, x, np.logaddexp(0.0, beta * x) / beta)
    return out


def _phi(x: Array) -> Array:
    out: Array = 0.5 * (1 + _erf(x / math.sqrt(2)))
    return out


def _gelu_tanh_parts(x: Array) -> tuple[Array, Array]:
    k = math.sqrt(2 / math.pi)
    t = np.tanh(k * (x + 0.044715 * x**3))
    value = 0.5 * x * (1 + t)
    slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
    return value, slope


def _mish_parts(x: Array) -> tuple[Array, Array]:
    t = np.tanh(_softplus(x))
    return x * t, t + x * (1 - t * t) * _sigmoid(x)


def _threshold(x: Array, threshold: float, value: float) -> Array:
    out: Array = np.where(x > threshold, x, np.float64(value))
    return out


@dataclass(frozen=True)
class Elementwise:
    """A function applied to each number on its own, with its slope."""

    title: str
    does: str  # what it does, with {params} to fill in
    value: Fn
    slope: Fn
    defaults: dict[str, float] = field(default_factory=dict)


def _f(fn: Callable[..., Array]) -> Fn:
    return lambda x, p: fn(x, **p)


ELEMENTWISE: dict[str, Elementwise] = {
    "sigmoid": Elementwise(
        "Sigmoid", "squashes any number into the range (0, 1)",
        _f(_sigmoid), _f(lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    ),
    "tanh": Elementwise(
        "Tanh", "squashes any number into (-1, 1), keeping its sign",
        _f(np.tanh), _f(lambda x: 1 - np.tanh(x) ** 2),
    ),
    "relu": Elementwise(
        "ReLU", "keeps positive numbers and sets negative ones to 0",
        _f(lambda x: np.maximum(x, 0.0)), _f(lambda x: (x > 0).astype(np.float64)),
    ),
    "relu6": Elementwise(
        "ReLU6", "keeps numbers between 0 and 6 and clips the rest to 0 or 6",
        _f(lambda x: np.clip(x, 0.0, 6.0)), _f(lambda x: ((x > 0) & (x < 6)).astype(np.float64)),
    ),
    "leaky_relu": Elementwise(
        "Leaky ReLU", "keeps positive numbers and multiplies negative ones by {negative_slope}",
        _f(lambda x, negative_slope: np.where(x > 0, x, negative_slope * x)),
        _f(lambda x, negative_slope: np.where(x > 0, 1.0, negative_slope)),
        {"negative_slope": 0.01},
    ),
    "elu": Elementwise(
        "ELU", "keeps positive numbers and bends negative ones smoothly towards -{alpha}",
        _f(lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))),
        _f(lambda x, alpha: np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))),
        {"alpha": 1.0},
    ),
    "selu": Elementwise(
        "SELU", "scales positive numbers by 1.05 and bends negative ones towards -1.76, "
        "so layer outputs keep mean 0 and variance 1",
        _f(lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))),
        _f(lambda x: _SELU_SCALE * np.where(x > 0, 1.0, _SELU_ALPHA * np.exp(np.minimum(x, 0.0)))),
    ),
    "celu": Elementwise(
        "CELU", "keeps positive numbers and bends negative ones smoothly towards -{alpha}",
        _f(lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha))),
        _f(lambda x, alpha: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha))),
        {"alpha": 1.0},
    ),
    "gelu": Elementwise(
        "GELU", "lets each number through in proportion to how likely a standard normal "
        "value is to be smaller: large positives pass, large negatives become 0",
        _f(lambda x: x * _phi(x)),
        _f(lambda x: _phi(x) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    ),
    "gelu_tanh": Elementwise(
        "GELU (tanh approximation)", "is GELU computed with a tanh curve instead of the "
        "normal distribution",
        _f(lambda x: _gelu_tanh_parts(x)[0]), _f(lambda x: _gelu_tanh_parts(x)[1]),
    ),
    "silu": Elementwise(
        "SiLU (swish)", "multiplies each number by its own sigmoid: like ReLU, but smooth",
        _f(lambda x: x * _sigmoid(x)),
        _f(lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x)))),
    ),
    "mish": Elementwise(
        "Mish", "multiplies each number by tanh(softplus(x)): smooth, like SiLU",
        _f(lambda x: _mish_parts(x)[0]), _f(lambda x: _mish_parts(x)[1]),
    ),
    "softplus": Elementwise(
        "Softplus", "is a smooth ReLU, log(1 + e^x): always positive, close to x for large x",
        _f(_softplus), _f(lambda x, beta, threshold: np.where(beta * x > threshold, 1.0, _sigmoid(beta * x))),
        {"beta": 1.0, "threshold": 20.0},
    ),
    "softsign": Elementwise(
        "Softsign", "squashes into (-1, 1) like tanh, but reaches the ends more slowly",
        _f(lambda x: x / (1 + np.abs(x))), _f(lambda x: 1 / (1 + np.abs(x)) ** 2),
    ),
    "log_sigmoid": Elementwise(
        "Log-sigmoid", "is the log of the sigmoid: near 0 for large positives, near x for "
        "large negatives",
        _f(lambda x: -_softplus(-x)), _f(lambda x: _sigmoid(-x)),
    ),
    "hardtanh": Elementwise(
        "Hardtanh", "clips numbers to [{min_val}, {max_val}]",
        _f(lambda x, min_val, max_val: np.clip(x, min_val, max_val)),
        _f(lambda x, min_val, max_val: ((x > min_val) & (x < max_val)).astype(np.float64)),
        {"min_val": -1.0, "max_val": 1.0},
    ),
    "hardsigmoid": Elementwise(
        "Hard sigmoid", "is a straight-line sigmoid: 0 below -3, 1 above 3, a ramp between",
        _f(lambda x: np.clip(x / 6 + 0.5, 0.0, 1.0)),
        _f(lambda x: np.where((x > -3) & (x < 3), 1 / 6, 0.0)),
    ),
    "hardswish": Elementwise(
        "Hard swish", "multiplies each number by its hard sigmoid: a cheap SiLU",
        _f(lambda x: x * np.clip(x + 3, 0.0, 6.0) / 6),
        _f(lambda x: np.where(x <= -3, 0.0, np.where(x < 3, x / 3 + 0.5, 1.0))),
    ),
    "softshrink": Elementwise(
        "Softshrink", "moves every number {lambd} closer to 0, and sets those within "
        "{lambd} of 0 to 0",
        _f(lambda x, lambd: np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))),
        _f(lambda x, lambd: (np.abs(x) > lambd).astype(np.float64)),
        {"lambd": 0.5},
    ),
    "hardshrink": Elementwise(
        "Hardshrink", "sets numbers within {lambd} of 0 to 0 and keeps the rest",
        _f(lambda x, lambd: np.where(np.abs(x) > lambd, x, 0.0)),
        _f(lambda x, lambd: (np.abs(x) > lambd).astype(np.float64)),
        {"lambd": 0.5},
    ),
    "tanhshrink": Elementwise(
        "Tanhshrink", "subtracts tanh(x) from x: almost 0 near 0, about x - 1 far out",
        _f(lambda x: x - np.tanh(x)), _f(lambda x: np.tanh(x) ** 2),
    ),
    "prelu": Elementwise(
        "PReLU", "keeps positive numbers and multiplies negative ones by a learned slope "
        "({weight} here, PyTorch's starting value)",
        _f(lambda x, weight: np.where(x >= 0, x, weight * x)),
        _f(lambda x, weight: np.where(x > 0, 1.0, weight)),
        {"weight": 0.25},
    ),
    "threshold": Elementwise(
        "Threshold", "keeps numbers above {threshold} and replaces the rest by {value}",
        _f(_threshold),
        _f(lambda x, threshold, value: (x > threshold).astype(np.float64)),
        {"threshold": 0.0, "value": 0.0},
    ),
}  # fmt: skip

VECTOR = {
    "softmax": "Softmax",
    "softmin": "Softmin",
    "log_softmax": "Log-softmax",
    "glu": "GLU",
}
GLU_SAMPLE = (1.0, -2.0, 0.5, 3.0)
ACTIVATIONS: tuple[str, ...] = (*VECTOR, *ELEMENTWISE)
ALIASES = {"swish": "silu", "logsigmoid": "log_sigmoid", "leakyrelu": "leaky_relu", "logistic": "sigmoid"}

ELEMENTWISE_SAMPLE = (-2.0, -0.5, 0.0, 0.5, 2.0)
SCORES_SAMPLE = (3.0, 1.0, 0.2)
TEMPERATURES = (0.1, 1.0, 10.0)


def _softmax(x: Array) -> Array:
    e = np.exp(x - np.max(x))
    out: Array = e / np.sum(e)
    return out


def canonical_name(name: str) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


class ActivationAgent:
    """What an activation function does. ``params`` are PyTorch's keyword names
    (``negative_slope``, ``alpha``, ``beta``, ``lambd``, ...) plus ``temperature`` for
    softmax and softmin (scores are divided by it first)."""

    def __init__(self, name: str, **params: float) -> None:
        self.name = canonical_name(name)
        if self.name not in ACTIVATIONS:
            raise AgentInputError(
                f"unknown activation {name!r}",
                hint="one of: " + ", ".join(ACTIVATIONS),
            )
        allowed = {"temperature": 1.0} if self.name in ("softmax", "softmin") else {}
        if self.name in ELEMENTWISE:
            allowed = dict(ELEMENTWISE[self.name].defaults)
        unknown = set(params) - set(allowed)
        if unknown:
            raise AgentInputError(
                f"{self.name} has no parameter {', '.join(sorted(unknown))}",
                hint=f"its parameters: {', '.join(allowed) or 'none'}",
            )
        self.params: dict[str, float] = {**allowed, **{k: float(v) for k, v in params.items()}}
        if self.params.get("temperature", 1.0) <= 0:
            raise AgentInputError("the temperature must be positive")

    @property
    def title(self) -> str:
        return VECTOR[self.name] if self.name in VECTOR else ELEMENTWISE[self.name].title

    @property
    def concept(self) -> str:
        """The catalog id (``thirdroad.concepts``) of this activation."""
        return "gelu" if self.name == "gelu_tanh" else self.name

    @property
    def elementwise(self) -> bool:
        return self.name in ELEMENTWISE

    @property
    def sample(self) -> Array:
        if self.name == "glu":
            return np.array(GLU_SAMPLE)
        return np.array(ELEMENTWISE_SAMPLE if self.elementwise else SCORES_SAMPLE)

    # --- numbers --------------------------------------------------------------------------

    def __call__(self, x: ArrayLike) -> Array:
        v = _as_vector(x)
        if self.elementwise:
            return ELEMENTWISE[self.name].value(v, self.params)
        if v.ndim != 1:
            raise AgentInputError(f"{self.name} acts on one vector of scores; got shape {v.shape}")
        if self.name == "glu":
            a, b = _halves(v)
            gated: Array = a * _sigmoid(b)
            return gated
        t = self.params["temperature"] if self.name not in ("log_softmax", "glu") else 1.0
        if self.name == "softmax":
            return _softmax(v / t)
        if self.name == "softmin":
            return _softmax(-v / t)
        out: Array = v - np.max(v) - np.log(np.sum(np.exp(v - np.max(v))))
        return out

    def slope(self, x: ArrayLike) -> Array:
        """d output / d input, number by number (the diagonal of the Jacobian for softmax)."""
        v = _as_vector(x)
        if self.elementwise:
            return ELEMENTWISE[self.name].slope(v, self.params)
        if self.name == "glu":
            raise AgentInputError("GLU halves the vector, so it has no slope per number; use jacobian()")
        return np.diag(self.jacobian(v)).copy()

    def jacobian(self, x: ArrayLike) -> Array:
        """J[i, j] = d output_i / d input_j for a vector input."""
        v = _as_vector(x)
        if v.ndim != 1:
            raise AgentInputError(f"a Jacobian needs one vector; got shape {v.shape}")
        if self.elementwise:
            return np.diag(self.slope(v))
        if self.name == "glu":
            a, b = _halves(v)
            gate = _sigmoid(b)
            glu_jac: Array = np.hstack([np.diag(gate), np.diag(a * gate * (1 - gate))])
            return glu_jac
        if self.name == "log_softmax":
            p = _softmax(v)
            out: Array = np.eye(len(v)) - p[None, :]
            return out
        t = self.params["temperature"]
        p = self(v)
        sign = 1.0 if self.name == "softmax" else -1.0
        jac: Array = sign * (np.diag(p) - np.outer(p, p)) / t
        return jac

    # --- words ----------------------------------------------------------------------------

    def describe(self, sample: ArrayLike | None = None) -> str:
        """What it does in words, with the numbers it makes from ``sample``."""
        x = self.sample if sample is None else _as_vector(sample)
        if x.ndim != 1:
            raise AgentInputError(f"the sample must be one vector; got shape {x.shape}")
        if self.name in ("softmax", "softmin"):
            return self._describe_softmax(x)
        if self.name == "glu":
            a, b = _halves(x)
            return "\n".join(
                [
                    "GLU splits the vector into two halves, a and b, and lets each number of a "
                    "through by a gate sigmoid(b) between 0 and 1.",
                    f"On {fmt.vector(x)}: a = {fmt.vector(a)}, b = {fmt.vector(b)}, the gates are "
                    f"{fmt.vector(_sigmoid(b))}, so it gives {fmt.vector(self(x))}.",
                    "A gate near 1 lets its number pass; near 0 it shuts it out. The output is half "
                    "as long as the input.",
                ]
            )
        y = self(x)
        lines = []
        if self.elementwise:
            does = ELEMENTWISE[self.name].does.format(**{k: fmt.num(v) for k, v in self.params.items()})
            lines.append(f"{self.title} {does}.")
        else:
            lines.append(
                f"{self.title} gives the log of softmax's weights: each score minus "
                f"log-sum-exp of all the scores ({fmt.num(float(x[0] - y[0]))} here)."
            )
        lines.append(f"On {fmt.vector(x)} it gives {fmt.vector(y)}.")
        if self.elementwise:
            lines.append(f"Its slope there is {fmt.vector(self.slope(x))}.")
            lines.append(self._slope_sentence())
        return "\n".join(line for line in lines if line)

    def _describe_softmax(self, x: Array) -> str:
        t = self.params["temperature"]
        winner_word = "largest" if self.name == "softmax" else "smallest"
        p = self(x)
        k = int(np.argmax(p))
        at = f" at temperature {fmt.num(t)}" if t != 1 else ""
        head = (
            f"{self.title} turns scores into weights that are positive and add up to 1; "
            f"the {winner_word} score gets the most."
        )
        says = (
            f"{self.title}{at} lets the winner take {_share_word(p[k])}: {p[k]:.2f} of the weight "
            f"goes to the {winner_word} score ({fmt.num(x[k])})"
        )
        others = []
        for other in TEMPERATURES:
            if other == t:
                continue
            q = ActivationAgent(self.name, temperature=other)(x)
            if q[k] > p[k]:
                others.append(f"at temperature {fmt.num(other)} {_share_word(q[k])} ({q[k]:.2f})")
            else:
                spread = ", ".join(f"{w:.2f}" for w in q)
                others.append(f"at temperature {fmt.num(other)} the weights even out ({spread})")
        lines = [
            head,
            f"On the scores {fmt.vector(x)} it gives the weights {fmt.vector(p)}.",
            says + "; " + "; ".join(others) + ".",
            "Adding the same number to every score changes nothing; dividing by a higher "
            "temperature flattens the weights, a lower one sharpens them.",
        ]
        return "\n".join(lines)

    def _slope_sentence(self) -> str:
        """Where the slope is (nearly) 0, so gradients fade, and how steep it gets."""
        xs = np.linspace(-8, 8, 3201)
        s = np.abs(self.slope(xs))
        flat = s < 0.01
        if flat.all():
            return "Its slope is nearly 0 everywhere."
        first, last = int(np.argmin(flat)), len(flat) - 1 - int(np.argmin(flat[::-1]))
        parts = []
        if first > 0:
            parts.append(f"x < {_edge(xs[first])}")
        inner = np.flatnonzero(flat[first : last + 1]) + first
        if inner.size and xs[inner[-1]] - xs[inner[0]] > 0.15:  # a dead zone, not a dip's bottom
            parts.append(f"x between {_edge(xs[inner[0]])} and {_edge(xs[inner[-1]])}")
        if last < len(flat) - 1:
            parts.append(f"x > {_edge(xs[last])}")
        steepest = float(s.max())
        top = np.flatnonzero(s >= steepest - 1e-9)
        low, high = xs[top[0]], xs[top[-1]]
        size = fmt.num(steepest)
        if top[0] == 0 and top[-1] == len(xs) - 1:
            sentence = f"Its slope is never more than {size}"
        elif top[-1] == len(xs) - 1:
            grows = high - low < 0.01
            sentence = (
                f"Its slope grows towards {size} for large x" if grows else f"Its slope is {size} for x > {_edge(low)}"
            )
        elif top[0] == 0:
            grows = high - low < 0.01
            sentence = (
                f"Its slope grows towards {size} for very negative x"
                if grows
                else f"Its slope is {size} for x < {_edge(high)}"
            )
        elif high - low < 0.01:
            sentence = f"It is steepest at x = {fmt.num(low, 2)} (slope {size})"
        else:
            sentence = f"Its slope is {size} between x = {_edge(low)} and {_edge(high)}"
        if parts:
            sentence += (
                f"; it is nearly 0 for {fmt.and_join(parts)}, so gradients passing back through those inputs fade away"
            )
        return sentence + "."

    # --- pictures -------------------------------------------------------------------------

    def plot(self, path: str | Path | None = None, sample: ArrayLike | None = None) -> Figure:
        """The graph with its slope, and what it does to a sample vector."""
        from thirdroad.agents._activation_plots import plot_activation

        return plot_activation(self, self.sample if sample is None else _as_vector(sample), path)

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={fmt.num(v)}" for k, v in self.params.items())
        return f"<ActivationAgent {self.name}{' (' + extra + ')' if extra else ''}>"

    def _repr_html_(self) -> str:
        """In a notebook: what the activation does, then its curve and slope."""
        from thirdroad.agents._html import agent_html

        return agent_html(self.describe(), self.plot(), f"the curve of {self.name} and its slope")


def _edge(x: float) -> str:
    """A boundary read off a grid, to the nearest 0.05 (``0.005 -> "0"``)."""
    return fmt.num(round(x / 0.05) * 0.05, 2)


def _share_word(share: float) -> str:
    if share > 0.99:
        return "almost all"
    if share > 0.5:
        return "most"
    return "the largest share"


def _halves(v: Array) -> tuple[Array, Array]:
    if v.ndim != 1 or len(v) % 2:
        raise AgentInputError(f"GLU needs one vector of even length; got shape {v.shape}")
    half = len(v) // 2
    return v[:half], v[half:]


def _as_vector(x: ArrayLike) -> Array:
    try:
        v = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise AgentInputError("the input must be numbers") from None
    if v.size == 0:
        raise AgentInputError("the input is empty")
    if not np.all(np.isfinite(v)):
        raise AgentInputError("the input holds NaN or infinite numbers")
    return np.atleast_1d(v)
