"""A slip an equation gives away: its sides say they are equal and the numbers say they are not;
one repair of one side makes them agree, and the other side (or the repaired one) is a concept.
True equations get no warning, and neither does a side that no single repair reconciles."""

from __future__ import annotations

import pytest

import thirdroad as tr


def near(text: str, context: str = "") -> list[tuple[str, str]]:
    return [(w.concept, w.message) for w in tr.explain(text, context=context).warnings if w.kind == "near_miss"]


@pytest.mark.parametrize(("text", "concept", "words"), [
    (r"P(y = 1 \mid x; w, b) = \frac{1}{1 + (-(w^Tx + b))} = \sigma(w^Tx + b)", "sigmoid", "exp"),
    (r"P(y = 1 \mid x; w, b) = \frac{1}{1 + e^{(w^Tx + b)}} = \sigma(w^Tx + b)", "sigmoid", "sign"),
    (r"\log\left(\frac{\exp(s)}{\exp(s) + 1}\right) = s - \log(1 + (s))", "log_sigmoid", "exp"),
])
def test_a_side_that_one_repair_makes_equal_to_the_other_is_a_slip(text: str, concept: str, words: str) -> None:
    got = near(text)
    assert [c for c, _ in got] == [concept], got
    assert words in got[0][1]


@pytest.mark.parametrize("text", [
    r"P(y = 1 \mid x; w, b) = \frac{1}{1 + e^{-(w^Tx + b)}} = \sigma(w^Tx + b)",
    r"\log\left(\frac{\exp(s)}{\exp(s) + 1}\right) = s - \log(1 + \exp(s))",
    r"\frac{e^{x_i}}{\sum_j e^{x_j}} = \frac{C e^{x_i}}{C \sum_j e^{x_j}}",
    r"\sigma(z) = \tanh(z)",  # false, but no one slip away from true: nothing to say what was meant
])
def test_true_equations_and_unrepairable_ones_get_no_warning(text: str) -> None:
    assert near(text) == []


def test_an_exponent_written_as_a_superscript_of_e_is_checked_for_its_sign() -> None:
    assert [c for c, _ in near(r"\text{out}_{i} = \frac{1}{1 + e^{\text{input}_{i}}}", "expit")] == ["sigmoid"]
    assert near(r"\text{out}_{i} = \frac{1}{1 + e^{-\text{input}_{i}}}", "expit") == []


def test_the_equation_search_stops_at_its_bound_of_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from thirdroad.formula import parse
    from thirdroad.formula.nearmiss import equal
    from thirdroad.formula.recognize import recognize

    rec = recognize(parse(r"P(y = 1 \mid x) = \frac{1}{1 + (-(w^T x + b))} = \sigma(w^T x + b)"))
    (slip,) = equal.equation_slips(rec)
    assert slip.kind == "lost_exp"  # found well inside the bound
    monkeypatch.setattr(equal, "_BUDGET", 0)
    assert equal.equation_slips(rec) == []  # past the bound the search stops and says nothing


def test_work_is_metered_as_the_nodes_evaluated() -> None:
    from thirdroad.formula.evaluate import evaluate, metered

    with metered() as work:
        evaluate("y = a + b*c", a=1.0, b=2.0, c=3.0)
    assert work[0] == 5  # the sum, a, the product, b, c
    with metered() as again:
        evaluate("y = a + b*c", a=1.0, b=2.0, c=3.0)
        evaluate("y = a", a=1.0)
    assert again[0] == 6
