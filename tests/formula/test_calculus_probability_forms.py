"""Calculus and probability written the ways texts write them: one reading per idea.

Formulas here are written for these tests in the style of lecture notes and papers; each case
states what must be named and what must not (a wrong name is worse than none).
"""

from __future__ import annotations

import pytest

from thirdroad.formula import explain


@pytest.mark.parametrize(
    ("text", "named", "not_named"),
    [
        # θ, φ alone are all of a model's parameters: the derivative of a loss by them is a gradient
        (r"\partial \ell / \partial \theta", {"gradient"}, {"partial_derivative", "jacobian"}),
        (r"\frac{\partial \mathcal{L}}{\partial \phi}", {"gradient"}, {"partial_derivative"}),
        (r"\frac{\partial J(\theta)}{\partial \theta}", {"gradient"}, {"partial_derivative"}),
        (r"\frac{\partial \log p(x \mid \theta)}{\partial \theta}", {"gradient"}, {"partial_derivative"}),
        # one parameter θ_j, or a quantity that may be an array (h_t, f): no gradient claimed
        (r"\frac{\partial \ell}{\partial \theta_j}", {"partial_derivative"}, {"gradient"}),
        (r"\frac{\partial h_t}{\partial \theta}", {"partial_derivative"}, {"gradient"}),
        (r"\frac{\partial f}{\partial \theta}", {"partial_derivative"}, {"gradient"}),
        (r"\frac{\partial \ell}{\partial x}", {"partial_derivative"}, {"gradient"}),
        # minus a gradient is not "just a gradient" (it points downhill): not named as one
        (r"-\frac{\partial \ell}{\partial \theta}", set(), {"gradient"}),
    ],
)
def test_gradient_with_respect_to_the_parameters(text: str, named: set[str], not_named: set[str]) -> None:
    found = explain(text).concepts
    assert named <= found, (text, found)
    assert not (not_named & found), (text, found)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (r"\mathbb{E}_{z}[g(z)]", True),
        (r"E_Q\left[ \frac{\partial E(v)}{\partial W} \right]", True),  # E_Q[...] with a plain E
        (r"\bar r = \mathbb{E}_{\tau \sim \pi}[R(\tau)]", True),
        (r"m[x] = \mathbb{E}_{p(y \mid x)}[y] = \int y \, p(y \mid x) \, dy", True),
        # a claim about expectations, not one defined
        (r"\mathbb{E}[\hat g] = \nabla f(w)", False),
        (r"\exp(\mathbb{E}[\log y]) \leq \mathbb{E}[y]", False),
        (r"\mathbb{E}[a_i] = \mathbb{E}[b_i] = 0", False),
        # a named quantity estimated by an expectation is that quantity's business
        (r"\operatorname{tr}(M) = \mathbb{E}[z^\top M z]", False),
        # one line of a computation written over several
        (r"\begin{aligned} a &= \mathbb{E}[z] \\ b &= (z - a)^2 \end{aligned}", False),
    ],
)
def test_an_expectation_the_formula_defines(text: str, named: bool) -> None:
    found = explain(text).concepts
    assert ("expectation" in found) is named, (text, found)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # E[X]^2 squares the expectation (it was a parse error with a plain E)
        (r"\mathrm{Var}[Z] = E[Z^2] - E[Z]^2", {"variance"}),
        (r"\sigma_h^2 = \mathbb{E}[(H - \mathbb{E}[H])^2]", {"variance"}),
        (r"\operatorname{Var}(c Y) = c^2 \operatorname{Var}(Y)", {"variance"}),  # the name written
        (r"\mathbb{E}[(A - \mathbb{E}[A])(B - \mathbb{E}[B])]", {"covariance"}),
    ],
)
def test_variance_written_with_expectations(text: str, named: set[str]) -> None:
    found = explain(text).concepts
    assert named <= found, (text, found)
    assert not ({"variance", "covariance"} - named) & found, (text, found)


def test_a_squared_expectation_parses_as_the_square_of_it() -> None:
    from thirdroad.formula import parse
    from thirdroad.formula.ast import Expectation, Power

    root = parse(r"E[X]^2").root
    assert isinstance(root, Power) and isinstance(root.base, Expectation)
