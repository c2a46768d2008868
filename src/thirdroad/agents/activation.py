"""Activation functions as agents: what each does to numbers, how steep it is, and a picture.

Every activation here is written in NumPy with its derivative beside it (the slope, or for the
vector-valued ones such as softmax the Jacobian), and is checked against PyTorch in the tests.
At a kink (ReLU at 0, ...) the slope follows PyTorch's choice.

>>> relu = ActivationAgent("relu")
>>> relu(np.array([-2.0, 0.5]))
array([0. , 0.5])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

import thirdroad.concepts as concepts_module
from thirdroad.agents import _format as fmt
from thirdroad.agents._errors import AgentInputError
from thirdroad.concepts import references

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Words:
    """How the agent tells what an element-wise activation does: its title and a phrase with
    ``{params}`` to fill in. The numbers (values, slopes, PyTorch's default settings) come from
    the catalog's reference of the same name and the derivative written beside it."""

    title: str
    does: str


ELEMENTWISE: dict[str, Words] = {
    "sigmoid": Words("Sigmoid", "squashes any number into the range (0, 1)"),
    "tanh": Words("Tanh", "squashes any number into (-1, 1), keeping its sign"),
    "relu": Words("ReLU", "keeps positive numbers and sets negative ones to 0"),
    "relu6": Words("ReLU6", "keeps numbers between 0 and 6 and clips the rest to 0 or 6"),
    "leaky_relu": Words("Leaky ReLU", "keeps positive numbers and multiplies negative ones by {negative_slope}"),
    "elu": Words("ELU", "keeps positive numbers and bends negative ones smoothly towards -{alpha}"),
    "selu": Words("SELU", "scales positive numbers by 1.05 and bends negative ones towards -1.76, "
                  "so layer outputs keep mean 0 and variance 1"),
    "celu": Words("CELU", "keeps positive numbers and bends negative ones smoothly towards -{alpha}"),
    "gelu": Words("GELU", "lets each number through in proportion to how likely a standard normal "
                  "value is to be smaller: large positives pass, large negatives become 0"),
    "gelu_tanh": Words("GELU (tanh approximation)", "is GELU computed with a tanh curve instead of the "
                       "normal distribution"),
    "silu": Words("SiLU (swish)", "multiplies each number by its own sigmoid: like ReLU, but smooth"),
    "mish": Words("Mish", "multiplies each number by tanh(softplus(x)): smooth, like SiLU"),
    "softplus": Words("Softplus", "is a smooth ReLU, log(1 + e^x): always positive, close to x for large x"),
    "softsign": Words("Softsign", "squashes into (-1, 1) like tanh, but reaches the ends more slowly"),
    "log_sigmoid": Words("Log-sigmoid", "is the log of the sigmoid: near 0 for large positives, near x for "
                         "large negatives"),
    "hardtanh": Words("Hardtanh", "clips numbers to [{min_val}, {max_val}]"),
    "hardsigmoid": Words("Hard sigmoid", "is a straight-line sigmoid: 0 below -3, 1 above 3, a ramp between"),
    "hardswish": Words("Hard swish", "multiplies each number by its hard sigmoid: a cheap SiLU"),
    "softshrink": Words("Softshrink", "moves every number {lambd} closer to 0, and sets those within "
                        "{lambd} of 0 to 0"),
    "hardshrink": Words("Hardshrink", "sets numbers within {lambd} of 0 to 0 and keeps the rest"),
    "tanhshrink": Words("Tanhshrink", "subtracts tanh(x) from x: almost 0 near 0, about x - 1 far out"),
    "prelu": Words("PReLU", "keeps positive numbers and multiplies negative ones by a learned slope "
                   "({weight} here, PyTorch's starting value)"),
    "threshold": Words("Threshold", "keeps numbers above {threshold} and replaces the rest by {value}"),
}


def _reference(name: str) -> Callable[..., Array]:
    fn: Callable[..., Array] = getattr(references, name)
    return fn


def _derivative(name: str) -> Callable[..., Array]:
    fn = references.derivative_of(name)
    if fn is None:
        raise AgentInputError(f"the catalog has no derivative of {name}")
    return fn


@cache
def defaults(name: str) -> dict[str, float]:
    """The settings of an activation and their defaults (PyTorch's), read off its reference."""
    params = list(inspect.signature(_reference(name)).parameters.values())[1:]
    return {p.name: float(p.default) for p in params if p.default is not p.empty}


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
            allowed = defaults(self.name)
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
        """The catalog id (``thirdroad.concepts``) of this activation: the concept one of whose
        formulas its reference computes (the tanh form of GELU is GELU)."""
        return _concept_of(self.name)

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
            return _reference(self.name)(v, **self.params)
        if v.ndim != 1:
            raise AgentInputError(f"{self.name} acts on one vector of scores; got shape {v.shape}")
        if self.name == "glu":
            return _reference("glu")(*_halves(v))
        return _reference(self.name)(v / self.params.get("temperature", 1.0))

    def slope(self, x: ArrayLike) -> Array:
        """d output / d input, number by number (the diagonal of the Jacobian for softmax)."""
        v = _as_vector(x)
        if self.elementwise:
            return _derivative(self.name)(v, **self.params)
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
            return _derivative("glu")(*_halves(v))
        t = self.params.get("temperature", 1.0)  # the chain rule through x / t
        return _derivative(self.name)(v / t) / t

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
                    f"{fmt.vector(_reference('sigmoid')(b))}, so it gives {fmt.vector(self(x))}.",
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

        return plot_activation(self, self.sample if sample is None else _as_vector(sample), path, TEMPERATURES)

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={fmt.num(v)}" for k, v in self.params.items())
        return f"<ActivationAgent {self.name}{' (' + extra + ')' if extra else ''}>"

    def _repr_html_(self) -> str:
        """In a notebook: what the activation does, then its curve and slope."""
        from thirdroad.agents._html import agent_html

        return agent_html(self.describe(), self.plot(), f"the curve of {self.name} and its slope")


@cache
def _concept_of(name: str) -> str:
    for concept in concepts_module.catalog():
        if any(t.reference == name for t in concept.formulas):
            return concept.id
    raise AgentInputError(f"no concept of the catalog is computed by {name}")


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
