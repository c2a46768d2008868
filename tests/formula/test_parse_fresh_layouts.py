"""Layouts found on public pages nobody on the team wrote (issue 11, "every layout parses"):
each class is checked on formulas written here in the style of such pages, by the tree it gives,
and true errors keep their message."""

from __future__ import annotations

import pytest

from thirdroad.formula import FormulaError, FragmentError, parse

from .sexpr import sexpr


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"A_1^c \cap A_2", "(cap (^ A_1 c) A_2)"),
     (r"E_1^c \cap E_2", "(cap (^ E_1 c) E_2)"),  # events named E: no expectation
     (r"E_k^{C} \cup E_{k+1}", "(cup (^ E_k C) E_{k+1})"),
     (r"\mathbb{E}_{x \sim p}[f(x)]", "(expectation (apply f x) (sim x p))"),
     (r"E_1 = 3", "(eq E_1 3)")],
)
def test_a_subscripted_E_that_is_no_expectation_takes_its_superscript(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"z_t^\rightarrow = g(z_{t-1}^\rightarrow, e_t)",
      "(update= z_t^(rightarrow) (apply g z_{t-1}^(rightarrow) e_t))"),
     (r"\mathrm{GRU}_\leftarrow(x)", "(apply GRU_{leftarrow} x)"),
     (r"[z^\rightarrow; z^\leftarrow]", "(concat z^(rightarrow) z^(leftarrow))")],
)
def test_an_arrow_as_a_script_is_a_direction_label(text: str, expected: str) -> None:
    f = parse(text)
    assert sexpr(f.root) == expected
    assert parse(f.latex).latex == f.latex  # written back as \rightarrow, read the same


def test_an_arrow_between_terms_is_still_a_relation() -> None:
    assert sexpr(parse(r"x_n \rightarrow 0").root) == "(to x_n 0)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"\pm 1", "(apply pm 1)"), (r"y_i \in \{\pm 1\}", "(in y_i (set (apply pm 1)))"),
     (r"\mp \epsilon + a", "(+ (apply mp epsilon) a)"), (r"a \pm b", "(+ a (apply pm b))")],
)
def test_plus_or_minus_may_start_a_term(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"g_i = \frac{\partial \ell}{\partial z} \bigg\rvert_{z = z_i}",
      "(eq g_i (apply index (derivative ell z) (eq z z_i)))"),
     (r"\left. \frac{d}{dx} f(x) \right|_{x=0}", "(apply index (derivative (apply f x) x) (eq x 0))"),
     # the whole of what \left. opens is evaluated, not its last term
     (r"\left. a + b \right\vert_{b = 1}", "(apply index (+ a b) (eq b 1))"),
     (r"\left. u \right|", "u"), (r"|u\rvert_1", "(apply index (abs u) 1)")],
)
def test_a_right_bar_with_a_subscript_evaluates_what_stands_before_it(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_a_bar_left_open_is_still_an_error() -> None:
    with pytest.raises(FormulaError) as caught:
        parse(r"\lvert u + v")
    assert caught.value.position > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"x_n \longrightarrow x", "(to x_n x)"), (r"p \Longleftrightarrow q", "(iff p q)"),
     (r"u \longmapsto u^2", "(mapsto u (^ u 2))")],
)
def test_the_long_arrows_are_the_relations_of_the_short_ones(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_a_long_arrow_alone_is_a_fragment() -> None:
    with pytest.raises(FragmentError):
        parse(r"\Longrightarrow")
