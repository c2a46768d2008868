"""Repairs of mangled copies, on the issue's example and on a set mangled programmatically."""

from __future__ import annotations

import pytest

from thirdroad.formula import parse, read_formula, repair

from .mangle import CLEAN, MANGLERS, mangled_set
from .sexpr import sexpr

ISSUE_EXAMPLE = "(s = beta s + (1- beta) dw^2 w = w – alpha fraud {dw} { sqrt s} )"


def test_the_issue_example_is_repaired_and_read() -> None:
    f = parse(ISSUE_EXAMPLE)
    assert f.notation == "mangled"
    assert sexpr(f.root) == (
        "(block (update= s (+ (* beta s) (* (+ 1 (- beta)) (^ dw 2))))"
        " (update= w (+ w (- (* alpha (/ dw (sqrt s)))))))"
    )
    kinds = [r.what for r in f.repairs]
    assert kinds.count("lost backslash") == 4  # beta, beta, alpha, sqrt
    assert {"outer brackets", "translated command", "run-on equations"} <= set(kinds)
    fraud = next(r for r in f.repairs if r.what == "translated command")
    assert ISSUE_EXAMPLE[slice(*fraud.span)] == "fraud" and fraud.after == "\\frac"
    assert 0 < fraud.confidence <= 1 and "frac" in fraud.why


def test_every_repair_points_at_what_it_changed() -> None:
    text = r"W = W - alfa \frca{dW}{ sqrt{s + epsilon)}"
    fixed, repairs = repair(text)
    assert parse(fixed) == parse(r"W = W - \alpha \frac{dW}{\sqrt{s + \epsilon}}")
    for r in repairs:
        start, end = r.span
        if r.what != "unclosed bracket":
            assert text[start:end] == r.before, r
        assert r.describe().startswith(r.what)


@pytest.mark.parametrize("clean", CLEAN)
def test_clean_latex_needs_no_repair(clean: str) -> None:
    fixed, repairs = repair(clean)
    assert repairs == [] and fixed == clean


MANGLED = mangled_set(seed=7)


@pytest.mark.parametrize(("kind", "clean", "mangled"), MANGLED)
def test_mangled_copy_reads_as_the_clean_formula(kind: str, clean: str, mangled: str) -> None:
    f = parse(mangled, notation="mangled")
    assert f == parse(clean, notation="latex"), (mangled, f.latex)
    if kind not in ("inserted spaces", "dashes"):
        assert f.repairs, "a damaged copy must report at least one repair"


def test_the_mangled_set_covers_every_kind_of_damage() -> None:
    kinds = {kind for kind, _, _ in MANGLED}
    assert kinds == set(MANGLERS) | {"run-on equations"}
    assert len(MANGLED) >= 100


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        (r"\ frac{a}{b}", r"\frac{a}{b}"),
        (r"\frac{a}{b) + c", r"\frac{a}{b} + c"),
        (r"\sqrt{x + 1", r"\sqrt{x + 1}"),
        (r"x_{t]", r"x_{t}"),
        ("fraud{1}{2}", r"\frac{1}{2}"),
        (r"\bteta x", r"\beta x"),
    ],
)
def test_single_repairs(text: str, repaired: str) -> None:
    assert parse(text, notation="mangled") == parse(repaired, notation="latex")


def test_a_greek_name_written_as_in_code_with_digits_is_the_letter_with_an_index() -> None:
    # beta1 in code is β₁; reading it as β times 1 changes every line of Adam
    formula = read_formula(r"m = beta1 * m + (1 - beta1) * g \\ v = beta2 * v + (1 - beta2) * g^2")
    assert formula.to_latex().startswith(r"m = \beta_{1} m + \left(1 - \beta_{1}\right) g \\ v = \beta_{2} v")
    assert "β times 1" not in formula.to_words()


def test_a_row_break_the_copy_kept_is_not_added_again() -> None:
    formula = read_formula(r"m = beta1 * m + (1 - beta1) * g \\ v = beta2 * v")
    assert [r.what for r in formula.repairs] == ["lost backslash"] * 3


@pytest.mark.parametrize(("text", "clean"), [
    ("Mathbf {a} _t = tanh ( mathbf {w} x)", r"\mathbf{a}_t = \tanh(\mathbf{w} x)"),
    (r"Frac {1} {2} x", r"\frac{1}{2} x"),
])
def test_a_command_capitalised_where_a_sentence_starts_is_the_command(text: str, clean: str) -> None:
    assert parse(text, "mangled") == parse(clean)


def test_a_capitalised_word_that_is_no_command_only_keeps_its_capital() -> None:
    assert parse("Softmax(x) + Times y", "mangled").latex == parse("Softmax(x) + Times y", "latex").latex
