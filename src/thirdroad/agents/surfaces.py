"""Small 2-D landscapes for optimizers to race on, each with its analytic gradient.

``fn(x, y)`` uses only ``+``, ``-``, ``*`` and ``**`` so the same formula runs on floats, NumPy
arrays (for contour maps), PyTorch tensors and thirdroad.nn tensors; ``grad(x, y)`` is worked out
by hand (and checked against autodiff in the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from thirdroad.agents._errors import AgentInputError

Fn = Callable[[Any, Any], Any]
Grad = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Surface:
    name: str
    title: str
    formula: str
    about: str
    fn: Fn
    grad: Grad
    start: tuple[float, float]
    minimum: tuple[float, float] | None  # None: no lowest point (the saddle falls forever)
    view: tuple[float, float, float, float]  # x from, x to, y from, y to
    steps: int
    lr: dict[str, float]  # a learning rate per racer that makes the race worth watching
    log_contours: bool = False

    def __call__(self, x: Any, y: Any) -> Any:
        return self.fn(x, y)

    @property
    def lowest(self) -> float | None:
        return None if self.minimum is None else float(self.fn(*self.minimum))


def _beale(x: Any, y: Any) -> Any:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _beale_grad(x: float, y: float) -> tuple[float, float]:
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    dx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    dy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return dx, dy


SURFACES: dict[str, Surface] = {
    "bowl": Surface(
        "bowl", "Round bowl", "x² + y²",
        "the same slope in every direction: every optimizer should walk straight in",
        lambda x, y: x**2 + y**2,
        lambda x, y: (2 * x, 2 * y),
        (-4.0, 3.0), (0.0, 0.0), (-5.0, 5.0, -5.0, 5.0), 100,
        {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.1, "adam": 0.3, "adamw": 0.3,
         "adagrad": 1.5},
    ),
    "valley": Surface(
        "valley", "Elongated valley", "0.05 x² + 2 y²",
        "40 times steeper across (y) than along (x): a narrow valley with a gentle floor",
        lambda x, y: 0.05 * x**2 + 2 * y**2,
        lambda x, y: (0.1 * x, 4 * y),
        (-9.0, 2.0), (0.0, 0.0), (-10.0, 10.0, -3.0, 3.0), 80,
        {"sgd": 0.45, "momentum": 0.1, "nesterov": 0.1, "rmsprop": 0.1, "adam": 0.3, "adamw": 0.3,
         "adagrad": 1.0},
    ),
    "rosenbrock": Surface(
        "rosenbrock", "Rosenbrock's banana", "(1 - x)² + 100 (y - x²)²",
        "a long curved valley: easy to fall into, slow to follow to its end at (1, 1)",
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
        (-1.5, 2.0), (1.0, 1.0), (-2.0, 2.0, -1.0, 3.0), 1000,
        {"sgd": 0.001, "momentum": 0.0005, "nesterov": 0.0005, "rmsprop": 0.005, "adam": 0.05,
         "adamw": 0.05, "adagrad": 0.3},
        log_contours=True,
    ),
    "beale": Surface(
        "beale", "Beale's function", "(1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²",
        "flat plateaus and steep walls; the lowest point is at (3, 0.5)",
        _beale, _beale_grad,
        (1.0, 1.4), (3.0, 0.5), (-1.0, 4.5, -1.5, 2.0), 500,
        {"sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "rmsprop": 0.01, "adam": 0.05,
         "adamw": 0.05, "adagrad": 0.5},
        log_contours=True,
    ),
    "saddle": Surface(
        "saddle", "Saddle", "x² - y²",
        "downhill along y, uphill along x: the start sits almost exactly on the ridge",
        lambda x, y: x**2 - y**2,
        lambda x, y: (2 * x, -2 * y),
        (-4.0, 0.001), None, (-5.0, 5.0, -5.0, 5.0), 60,
        {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "rmsprop": 0.02, "adam": 0.1, "adamw": 0.1,
         "adagrad": 0.2},
    ),
}  # fmt: skip


def surface(name: str) -> Surface:
    """A surface by name: bowl, valley, rosenbrock, beale or saddle."""
    key = name.strip().lower().replace(" ", "_")
    aliases = {"round_bowl": "bowl", "elongated_valley": "valley", "banana": "rosenbrock"}
    key = aliases.get(key, key)
    if key not in SURFACES:
        raise AgentInputError(f"unknown surface {name!r}", hint="one of: " + ", ".join(SURFACES))
    return SURFACES[key]
