"""Worked examples respect meaning (issue 11): every input a catalog template declares a domain
for (a probability vector, labels, a gate in (0, 1), an average of squares that is at least 0 ...)
gets a value inside it, and the value shown is inside the template's declared ``result``.

The check runs over every formula of the catalog: each is explained, and the inputs of its
worked example are held to the domains the catalog declares for the template that named them,
by predicates written here (not the package's own ``in_domain``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from thirdroad import concepts
from thirdroad.formula import FormulaError, explain

TOL = 1e-9
CHECKS: dict[str, Callable[[np.ndarray], bool]] = {
    "positive": lambda a: bool(np.all(a > 0)),
    "non-negative": lambda a: bool(np.all(a >= 0)),
    "negative": lambda a: bool(np.all(a < 0)),
    "in (0, 1)": lambda a: bool(np.all((a > 0) & (a < 1))),
    "in [0, 1]": lambda a: bool(np.all((a >= 0) & (a <= 1))),
    "probability vector": lambda a: bool(np.all(a >= 0) and np.allclose(a.sum(axis=-1), 1.0)),
    "labels": lambda a: bool(np.all((a >= 0) & (a == np.round(a)))),
    "one-hot": lambda a: bool(np.all((a == 0) | (a == 1)) and np.allclose(a.sum(axis=-1), 1.0)),
    "0 or 1": lambda a: bool(np.all((a == 0) | (a == 1))),
    "-1 or 1": lambda a: bool(np.all(np.abs(a) == 1)),
    "whole": lambda a: bool(np.all(a == np.round(a))),
}


def inside(value: Any, domain: tuple[str, ...]) -> bool:
    arr = np.asarray(value, dtype=np.float64)
    return all(CHECKS[d](arr) for d in domain if d in CHECKS) and bool(np.all(np.isfinite(arr)))


def templates() -> list[tuple[str, str]]:
    return [(c.id, t.latex) for c in concepts.catalog() for t in c.formulas]


def declared(concept: str, latex: str) -> concepts.Template:
    return next(t for t in concepts.catalog()[concept].formulas if t.latex == latex)


def test_the_catalog_declares_domains_where_values_mean_something() -> None:
    """Probabilities, labels, gates and averages of squares are declared, so the check below
    has something to hold the examples to."""
    with_domain = {(c.id, v.name) for c in concepts.catalog() for t in c.formulas for v in t.variables
                   if any(d in CHECKS for d in v.domain)}
    for needed in [("bce", "p"), ("bce", "y"), ("cross_entropy", "p"), ("lstm", "f"), ("gru", "z"),
                   ("adam", "v_hat"), ("rmsprop", "avg"), ("ema", "beta")]:
        assert needed in with_domain, needed
    results = {c.id for c in concepts.catalog() for t in c.formulas if t.result}
    assert {"softmax", "sigmoid", "variance", "mse"} <= results


def test_every_worked_example_of_the_catalog_is_inside_its_domains() -> None:
    checked = 0
    for concept, latex in templates():
        try:
            e = explain(latex)
        except FormulaError:
            continue
        example = e.example
        if example is None or not example.concept or example.block:
            continue
        template = declared(example.concept, example.template)
        for name, var in example.variables.items():
            if name not in example.inputs or name in example.derived:
                continue
            domain = template.variable(var).domain
            assert inside(example.inputs[name], domain), (concept, latex, name, example.inputs[name], domain)
            checked += any(d in CHECKS for d in domain)
        assert inside(example.result, template.result), (concept, latex, example.result, template.result)
    assert checked >= 40  # inputs with a declared domain, across the catalog


@pytest.mark.parametrize(("text", "name", "domain"), [
    (r"c_t = f_t \odot c_{t-1} + i_t \odot g_t", "f_t", ("in (0, 1)",)),      # a gate is no 2
    (r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2", "v_(t−1)", ("non-negative",)),  # nor -0.999
    (r"-[y \log p + (1 - y) \log(1 - p)]", "p", ("in (0, 1)",)),             # probabilities ...
    (r"-[y \log p + (1 - y) \log(1 - p)]", "y", ("0 or 1",)),                # ... and 0/1 labels
    (r"-\sum_{c} y_c \log p_c", "p", ("probability vector",)),
])
def test_the_issues_examples_get_values_that_mean_something(text: str, name: str, domain: tuple[str, ...]) -> None:
    example = explain(text).example
    assert example is not None
    keys = [k for k, shown in example.shown.items() if shown == name and k in example.inputs]
    assert keys, (example.shown, name)
    assert all(inside(example.inputs[k], domain) for k in keys), example.inputs
