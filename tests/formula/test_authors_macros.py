"""Macros that papers define for themselves, met without their definition (a site's MathJax
set-up, a style file): ``\\bx``, ``\\mW``, ``\\btheta`` (bold), ``\\softmax`` (an operator),
``\\norm{x}``, ``\\abs{x}``. Each is read as the standard LaTeX it stands for; anything else
unknown stays an error, and the hint suggests only a command one slip away."""

from __future__ import annotations

import pytest

from thirdroad.formula import FormulaError, explain, parse, read_formula
from thirdroad.formula.tex_commands import closest_command

SAME = [
    (r"\bx^\top \mW \bx", r"\mathbf{x}^\top \mathbf{W} \mathbf{x}"),
    (r"\vx + \bmy", r"\mathbf{x} + \mathbf{y}"),
    (r"\btheta_t = \btheta_{t-1} - \eta \bg_t",
     r"\boldsymbol{\theta}_t = \boldsymbol{\theta}_{t-1} - \eta \mathbf{g}_t"),
    (r"\bmu", r"\boldsymbol{\mu}"),
    (r"\softmax(\bz)", r"\operatorname{softmax}(\mathbf{z})"),
    (r"\sigmoid(x)", r"\operatorname{sigmoid}(x)"),
    (r"\relu(W x + b)", r"\operatorname{relu}(W x + b)"),
    (r"\norm{x - y}_2^2", r"\left\| x - y \right\|_2^2"),
    (r"\norm*{x}", r"\left\| x \right\|"),
    (r"\abs{a - b}", r"\left| a - b \right|"),
    (r"\triangledown f(x)", r"\nabla f(x)"),
]


@pytest.mark.parametrize(("macro", "standard"), SAME)
def test_a_conventional_macro_reads_as_what_it_stands_for(macro: str, standard: str) -> None:
    assert parse(macro) == parse(standard)
    assert parse(macro).to_words() == parse(standard).to_words()


def test_a_bold_quadratic_form_is_named_as_the_plain_one() -> None:
    assert {c.concept for c in explain(r"\bx^\top \mW \bx").chunks} == {
        c.concept for c in explain(r"\mathbf{x}^\top \mathbf{W} \mathbf{x}").chunks}


def test_a_squared_norm_macro_is_the_l2_norm() -> None:
    assert "l2_norm" in {c.concept for c in explain(r"\norm{x}_2^2").chunks}


@pytest.mark.parametrize("text", [r"\foo x", r"\gc + 1", r"\mysymbol"])
def test_an_unknown_command_is_still_an_error(text: str) -> None:
    with pytest.raises(FormulaError) as err:
        read_formula(text)
    assert "unknown command" in str(err.value)
    assert "did you mean" not in (err.value.hint or "")


def test_a_norm_without_braces_says_how_to_write_it_and_is_not_repaired_into_another_command() -> None:
    with pytest.raises(FormulaError) as err:
        read_formula(r"\norm x")
    assert "\\norm{x}" in (err.value.hint or "")


@pytest.mark.parametrize(("typed", "meant"), [
    ("frca", ["frac"]), ("alpah", ["alpha"]), ("sqtr", ["sqrt"]), ("lamda", ["lambda"]),
    ("epsilom", ["epsilon"]), ("lambdaa", ["lambda"]), ("nabal", ["nabla"]),
    ("norm", []), ("foo", []), ("bc", []), ("gc", []), ("Hello", []), ("mbx", []),
])
def test_a_command_is_suggested_only_one_slip_away(typed: str, meant: list[str]) -> None:
    assert closest_command(typed) == meant


@pytest.mark.parametrize(("marked", "words"), [
    (r"\mu_{\perp} = x \tag{3}", "μ_⊥ equals x"),
    (r"x_\perp + x_{\parallel}", "x_⊥ plus x_∥"),
    (r"f^{\star}", "f^(*)"),
])
def test_a_perpendicular_or_star_mark_in_a_script_is_a_label(marked: str, words: str) -> None:
    assert parse(marked).to_words() == words
    assert parse(r"a \perp b").to_words() == "a is perpendicular to b"  # a relation outside scripts
