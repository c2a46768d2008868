"""Plain text copied from a rendered page, where formulas came out broken over lines: a
fraction's numerator and denominator on lines of their own, long formulas wrapped, equation
numbers trailing. Each must be found once, at its first line, and rebuilt into the formula the
page showed: the oracle is the evaluator (the rebuilt formula and the intended one give the
same numbers on random inputs), or the parse tree where the evaluator cannot compute one.
Prose and lists must never be joined."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from tests.formula.inputs import random_inputs
from thirdroad.formula import Cancelled, Deadline, FormulaError, compile, parse, stop_when
from thirdroad.formula.evaluate import evaluate
from thirdroad.reader import find_math, read

DOCUMENTS = Path(__file__).parents[2] / "tests" / "data" / "documents"
DOCUMENT = DOCUMENTS / "broken_lines_copied.txt"
INTENDED = [line for line in (DOCUMENTS / "broken_lines_copied.expected.txt").read_text(encoding="utf-8")
            .splitlines() if line.strip()]


def same_formula(found: str, intended: str) -> str:
    """How ``found`` was shown to be ``intended`` ("numeric" or "tree"); AssertionError if not."""
    try:
        want = compile(intended)
    except FormulaError:
        assert parse(found).root == parse(intended).root, (found, intended)
        return "tree"
    got = compile(found)
    assert sorted(got.inputs) == sorted(want.inputs), (found, intended)
    for seed in range(3):
        values = random_inputs(want, np.random.default_rng(seed))
        np.testing.assert_allclose(evaluate(got.formula, **values), evaluate(want.formula, **values), rtol=1e-12,
                                   err_msg=f"{found} is not {intended}")
    return "numeric"


def test_each_broken_formula_is_found_once_and_rebuilt_to_the_intended_one() -> None:
    reading = read(DOCUMENT)
    found = reading.formulas
    assert len(found) == len(INTENDED), [f.text for f in found]
    how = [same_formula(f.text, intended) for f, intended in zip(found, INTENDED, strict=True)]
    assert all(f.explanation is not None for f in found)
    rebuilt = [f for f in found if "rebuilt from" in f.how]
    assert len(rebuilt) >= 12
    assert how.count("numeric") >= 12  # the rest are checked by their parse trees
    print(f"\n{len(found)}/{len(INTENDED)} found and read, {len(rebuilt)} rebuilt from several lines, "
          f"{how.count('numeric')} checked numerically, {how.count('tree')} by parse tree")


def test_locations_are_the_first_line_and_the_line_counts_and_labels_are_kept() -> None:
    lines = DOCUMENT.read_text(encoding="utf-8").split("\n")
    spans = find_math(DOCUMENT.read_text(encoding="utf-8"), "text")
    for span, place in spans:
        first_line = lines[place.line - 1]
        # the formula starts where its first piece is written
        assert first_line[place.column - 1:].split()[0] == span.text.split()[0].strip("(")
        # it reaches over as many lines as it says it was rebuilt from (one more with a lone number)
        covered = len(DOCUMENT.read_text(encoding="utf-8")[span.start:span.end].split("\n"))
        assert covered - span.lines in (0, 1)
        assert (f"rebuilt from {span.lines} lines" in span.how) == (span.lines > 1)
    by_text = {span.text: span for span, _ in spans}
    labels = sorted(span.label for span, _ in spans if span.label)
    assert labels == ["1", "2", "3", "4", "5", "6"]
    assert all(f"({span.label})" not in span.text for span, _ in spans)
    assert by_text["σ(x) = (1)/(1 + exp(−x))"].lines == 3
    assert "equation (3)" in by_text["θ_t = θ_{t−1} − η (m̂_t)/(√v̂_t + ε)"].how


def test_the_context_is_the_sentence_that_introduces_the_formula() -> None:
    reading = read(DOCUMENT)
    contexts = {f.text: f.context for f in reading.formulas}
    assert contexts["σ(x) = (1)/(1 + exp(−x))"].startswith("A sigmoid squashes any real number")
    assert "[this formula]" in contexts["α_{ts} = (exp(h_tᵀ h̄_s))/(∑_{s'} exp(h_tᵀ h̄_{s'}))"]
    assert contexts["z_t = (1)/(1 + exp(−(W_z x_t + U_z h_t)))"].startswith("The update gate of a GRU is")
    data = reading.to_dict()["formulas"][0]
    assert data["found_by"] == "running text, rebuilt from 3 lines, equation (1)"
    assert data["line"] == 12 and data["column"] == 1


@pytest.mark.parametrize(("pasted", "intended"), [
    ("y =\nexp(x)\n1 + exp(x)\n", r"y = \frac{\exp(x)}{1 + \exp(x)}"),
    ("m̂_t = m_t\n1 − β_1^t\n", r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}"),
    ("θ_t = θ_{t−1} − η\nm̂_t\n√v̂_t + ε\n",
     r"\theta_t = \theta_{t-1} - \eta \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}"),
    ("L = −\n1\nN\n∑_i log(p_i)\n", r"L = -\frac{1}{N} \sum_i \log(p_i)"),
    ("w ← w −\nη\n√s + ε\ng\n", r"w \leftarrow w - \frac{\eta}{\sqrt{s} + \epsilon} g"),
    ("f(x) = a x² + b x\n+ c      (12)\n", "f(x) = a x^2 + b x + c"),
    ("r = (a +\nb) c\n", "r = (a + b) c"),
    ("The rate is q = 1 −\np and no more.\n", "q = 1 - p"),
])
def test_small_pastes(pasted: str, intended: str) -> None:
    [(span, _)] = find_math(pasted, "text")
    same_formula(span.text, intended)
    assert span.lines == len([line for line in pasted.split("\n") if line.strip() and not line.strip().startswith("(")])


PROSE = """Why it works

It is
so simple
that we do
it by hand.

where
x is the input,
W is the weight matrix,
b is the bias.

Steps:
1. Compute the gradient.
2. Update the weights.
- a short item
- and another one

epoch   loss
1       2.30
2       1.10

The loss went down from 2.3 to 0.4 in ten epochs; the rate of 0.001 was kept throughout the
run, and the batch size of 32 too.
"""


def test_prose_and_lists_are_never_joined() -> None:
    assert find_math(PROSE, "text") == []


def test_formulas_on_neighbouring_lines_stay_apart() -> None:
    doc = "β_1 = 0.9\nβ_2 = 0.999\nv = β v + g\nθ = θ − η v\n- the step size η = 0.01\n- the decay λ = 0.1\n"
    texts = [span.text for span, _ in find_math(doc, "text")]
    assert texts == ["β_1 = 0.9", "β_2 = 0.999", "v = β v + g", "θ = θ − η v", "η = 0.01", "λ = 0.1"]
    assert all(span.lines == 1 for span, _ in find_math(doc, "text"))


# ---------------------------------------------------------------- stopping a reading


def test_a_reading_past_its_deadline_stops() -> None:
    with stop_when(Deadline(0)), pytest.raises(Cancelled, match="time ran out"):
        read(DOCUMENT)
    assert len(read(DOCUMENT).formulas) == len(INTENDED)  # outside the block nothing stops it


def test_a_reading_cancelled_from_another_thread_stops_part_way() -> None:
    doc = "\n\n".join(f"Step {k}: the update is w_{k} = w_{k - 1} − η g_{k} here." for k in range(1, 3000))
    deadline = Deadline()
    outcome: list[BaseException | int] = []

    def run() -> None:
        try:
            with stop_when(deadline):
                outcome.append(len(read(doc, format="text").formulas))
        except Cancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline.cancel()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
