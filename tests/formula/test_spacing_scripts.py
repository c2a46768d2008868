"""Typesetting tricks papers use are no error: a script holding only space (``z^{\\,}``,
``y^{}``) is no script, and amsmath's semantic dots (``\\dotsc``, ``\\dotsb``) are dots."""

from __future__ import annotations

import pytest

from thirdroad.formula import parse


@pytest.mark.parametrize(("text", "latex"), [
    (r"\mathbf{z}^T \nabla^2 g(\mathbf{w}) \mathbf{z}^{\,}",
     r"\mathbf{z}^{\top} \nabla^{2} g\left(\mathbf{w}\right) \mathbf{z}"),
    (r"y^{} = x", "y = x"),
    (r"\overset{\,}{y}_{p}^{\,} = 1", None),
    (r"x^{\,2}", "x^{2}"),
])
def test_a_script_of_only_space_is_no_script(text: str, latex: str | None) -> None:
    read = parse(text).latex
    assert "{}" not in read and (latex is None or read == latex)


@pytest.mark.parametrize("dots", ["dotsc", "dotsb", "dotsm", "dotsi", "dotso"])
def test_amsmath_dots_are_dots(dots: str) -> None:
    assert parse(rf"p(x_1, \{dots}, x_n)").latex == r"p\left(x_{1}, \dots, x_{n}\right)"


@pytest.mark.parametrize("text", ["v = beta v + (1- beta) dw w = w – alpha v", "v = βv + (1-β)dW W = W - αv"])
def test_two_update_lines_that_lost_their_break_are_two_lines(text: str) -> None:
    """A copy that lost its line breaks (machine translation) runs Ng's two momentum lines into one
    chain of equations; the chain's middle ends with the name the next line updates."""
    import thirdroad as tr

    formula = parse(text)
    assert formula.latex.count(r"\\") == 1
    assert any(d.rule == "lost-row-break" for d in formula.decisions)
    assert "sgd_momentum" in tr.explain(text).concepts


@pytest.mark.parametrize("text", ["x = y = z", r"a = b \\ c = d", "p = q r = s"])
def test_a_chain_of_equal_quantities_stays_one(text: str) -> None:
    assert not any(d.rule == "lost-row-break" for d in parse(text).decisions)
