"""NumPy reference implementations of the catalog's formula templates, one module per family
(``activations.py`` serves ``data/activations.toml``, and so on; a family continued in
``data/<family>.<part>.toml`` keeps its references in the family's module).

Each function computes the right-hand side of one or more templates; its parameter names are
the templates' pattern variables (``lr`` is written ``\\eta`` or ``\\alpha`` in the LaTeX, the
data says which), so a recognizer that bound the variables can call it by keyword. Indexed
formulas (``\\sigma(x)_i``) return the whole array: the free index picks an entry. A variable
written with an index (``\\bar h_s``) is passed whole, stacked along its first axis.

Hyperparameter names follow PyTorch where it has one. Where libraries disagree, the docstring
says which convention this function follows, and the data carries the other as its own template.

Where a reference has its derivative written beside it (the activations an agent shows),
``derivative_of(name)`` gives it: the slope of an element-wise function, the Jacobian of one
along an axis.

A template names its reference by the function's name alone (``reference = "softmax"``): the
names are unique over all the families, and ``references.softmax`` finds it wherever it lives.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from thirdroad.concepts.references import (
    activations,
    attention,
    calculus,
    energy_models,
    initialisation,
    layers,
    linear_algebra,
    losses,
    models,
    optimizers,
    probability,
    regularisation,
)
from thirdroad.concepts.references._arrays import derivative_of

FAMILIES: dict[str, ModuleType] = {
    "activations": activations,
    "attention": attention,
    "calculus": calculus,
    "energy_models": energy_models,
    "initialisation": initialisation,
    "layers": layers,
    "linear_algebra": linear_algebra,
    "losses": losses,
    "models": models,
    "optimizers": optimizers,
    "probability": probability,
    "regularisation": regularisation,
}


@cache
def functions() -> dict[str, Callable[..., Any]]:
    """Every reference function by name (the public functions each family module defines)."""
    out: dict[str, Callable[..., Any]] = {}
    for module in FAMILIES.values():
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_"):
                if name in out:
                    raise RuntimeError(f"two reference functions are called {name!r}")
                out[name] = fn
    return out


def __getattr__(name: str) -> Callable[..., Any]:
    fn = functions().get(name)
    if fn is None:
        raise AttributeError(f"no reference function {name!r} in thirdroad.concepts.references")
    return fn


__all__ = ["FAMILIES", "derivative_of", "functions"]
