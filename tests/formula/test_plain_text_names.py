"""Names that lose their look when a rendered page is copied as plain text: β₁ pasted as β1
(rule plain-digits) and ΔW, the change in W (rule delta-change)."""

from __future__ import annotations

import pytest

import thirdroad as tr
from thirdroad.formula import parse
from thirdroad.formula.evaluate import evaluate

from .sexpr import sexpr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("β1^t", "(^ beta_1 t)"),
        ("1 − β1^t", "(+ 1 (- (^ beta_1 t)))"),
        ("σ(W1 x + b2)", "(apply sigma (+ (* W_1 x) b_2))"),
        ("β10 x", "(* beta_{10} x)"),
        ("Σ1 + Σ2", "(+ Sigma_1 Sigma_2)"),  # two covariance matrices, not sum signs
    ],
)
def test_digits_after_a_greek_or_single_letter_are_its_subscript(text: str, expected: str) -> None:
    f = parse(text)
    assert sexpr(f.root) == expected
    assert "plain-digits" in {d.rule for d in f.decisions}


@pytest.mark.parametrize(
    ("text", "notation", "expected"),
    [
        ("2x · y", "unicode", "(cdot (* 2 x) y)"),
        ("x · 2", "unicode", "(cdot x 2)"),
        ("10³ · x", "unicode", "(cdot (^ 10 3) x)"),
        ("e² · x", "unicode", "(cdot (^ e 2) x)"),
        ("ab2", "unicode", "(* a b 2)"),
        (r"\beta1", "latex", "(* beta 1)"),
        ("x₁ + σ 2", "unicode", "(+ x_1 (* sigma 2))"),
    ],
)
def test_numbers_and_products_stay(text: str, notation: str, expected: str) -> None:
    f = parse(text, notation=notation)
    assert sexpr(f.root) == expected
    assert "plain-digits" not in {d.rule for d in f.decisions}


def test_the_lost_subscript_can_be_turned_back() -> None:
    f = parse("β1^t")
    ((decision, other),) = [(d, o) for d, o in f.alternatives() if d.rule == "plain-digits"]
    assert f.source[slice(*decision.span)].startswith("β")
    assert sexpr(other.root) == "(* beta (^ 1 t))"


def test_copied_adam_average_is_a_moving_average_not_a_decay() -> None:
    assert tr.explain("v_t = β1 v_{t−1} + (1 − β1) g_t").concepts == {"ema"}
    assert "exponential_decay" not in tr.explain("1 − β1^t").concepts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ΔW", "ΔW"),
        (r"\Delta W", "ΔW"),
        (r"W \leftarrow W + \Delta W", "(update W (+ W ΔW))"),
        (r"\Delta \theta_t = -\eta g_t", "(eq Δtheta_t (- (* eta g_t)))"),
        (r"\Delta W^2", "(^ ΔW 2)"),
    ],
)
def test_delta_before_a_name_is_the_change_in_that_name(text: str, expected: str) -> None:
    f = parse(text)
    assert sexpr(f.root) == expected
    assert next(d.chosen for d in f.decisions if d.rule == "delta-change").startswith("Δ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\Delta", "Delta"),
        (r"\Delta = A - B", "(eq Delta (+ A (- B)))"),
        (r"\Delta \cdot W", "(cdot Delta W)"),
        (r"\Delta = A - B \\ y = \Delta W", "(block (eq Delta (+ A (- B))) (eq y (* Delta W)))"),
    ],
)
def test_delta_as_a_name_of_its_own_stays(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_delta_w_is_not_a_matrix_product_and_can_be_turned() -> None:
    e = tr.explain("ΔW")
    assert "matrix_multiplication" not in e.concepts
    assert "the change in W" in e.lenses["names"]
    f = parse(r"\Delta W")
    assert f.latex == r"\Delta W"
    ((_, other),) = [(d, o) for d, o in f.alternatives() if d.rule == "delta-change"]
    assert sexpr(other.root) == "(* Delta W)"


def test_delta_names_compile_to_their_own_variables() -> None:
    fn = tr.compile(r"W_{new} = W + \Delta W")
    assert set(fn.inputs) == {"W", "Delta_W"}


def test_sigma2_is_the_variance_whose_raised_2_was_lowered() -> None:
    """A copy turns σ² into σ2 as it turns β₁ into β1; for σ the square is what authors mean,
    unless other numbered σs (σ1, σ3) show that the σs are numbered."""
    f = parse("N(μ, σ2)")
    assert "(^ sigma 2)" in sexpr(f.root)
    assert [d.chosen for d in f.decisions if d.rule == "plain-digits"] == ["a lost square (σ² is the variance)"]
    assert evaluate(parse("σ2"), sigma=3.0) == pytest.approx(9.0)
    turned = [alt for d, alt in parse("σ2 = v").alternatives() if d.rule == "plain-digits"]
    assert turned and sexpr(turned[0].root) == "(eq sigma_2 v)"
    assert sexpr(parse("σ1 + σ2").root) == "(+ sigma_1 sigma_2)"
    assert sexpr(parse("σ12").root) == "sigma_{12}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("z ~ N(0, 1)", "(sim z (apply N 0 1))"),
        ("ε ~ N(0, I)", "(sim epsilon (apply N 0 I))"),
        ("x ~ N(0, σ2)", "(sim x (apply N 0 (^ sigma 2)))"),
        ("p(x) ~ exp(-E(x))", "(sim (apply p x) (apply exp (- (apply E x))))"),
    ],
)
def test_a_tilde_in_plain_text_is_drawn_from(text: str, expected: str) -> None:
    """Outside LaTeX, x ~ N(0, 1) says x is drawn from N(0, 1): the ~ must not vanish (in LaTeX
    it is a tie, a space, and \\sim is the relation)."""
    assert sexpr(parse(text).root) == expected
    assert "is drawn from" in tr.explain(text).to_text()


@pytest.mark.parametrize(
    "text", [r"x_1 + \dots + x_n", r"x_1 + x_2 + \cdots + x_n", "x_1 + ... + x_n", "x₁ + x₂ + … + xₙ"]
)
def test_a_sum_written_with_dots_is_the_sum_it_abbreviates(text: str) -> None:
    """x_1 + … + x_n is Σ_{i=1}^{n} x_i (rule ellipsis, turnable): a worked example gives x a
    vector and n its length, and the mean written this way is recognised as a mean."""
    f = parse(text)
    assert sexpr(f.root) == "(sum (eq i 1) n x_i)"
    assert evaluate(f, x=[1.0, 2.0, 4.0], n=3) == pytest.approx(7.0)
    turned = [alt for d, alt in f.alternatives() if d.rule == "ellipsis"]
    assert turned and "dots" in sexpr(turned[0].root)
    mean = tr.explain(r"\bar x = \frac{" + text + "}{n}")
    assert mean.concepts == {"mean"}, mean.concepts


@pytest.mark.parametrize("text", [r"a_1 + \dots + b_n", r"x_1 + x_3 + \dots + x_n", r"x_i + \dots + x_n"])
def test_dots_that_do_not_count_up_stay_as_written(text: str) -> None:
    assert "dots" in sexpr(parse(text).root)
