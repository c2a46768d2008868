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
