"""A page of thousands of formulas and no prose is read in time linear in its length, and its
summary counts repeated errors instead of listing them (issue 16: 400,000 dollar signs took 24 s
and printed 506 KB of 'formula is empty')."""

from __future__ import annotations

from thirdroad.reader import find_math, read
from thirdroad.reader._find import find_first_math
from thirdroad.reader._summary import SHOWN_PER_REASON, summary_text


def test_only_the_formulas_that_will_be_read_are_placed() -> None:
    doc = "Values: " + " ".join(f"$x_{{{k}}}$" for k in range(50)) + "."
    placed, more = find_first_math(doc, "markdown", limit=10)
    assert len(placed) == 10 and more == 40
    assert [s for s, _ in placed] == [s for s, _ in find_math(doc, "markdown")[:10]]


def test_a_sentence_shows_a_few_neighbouring_formulas_not_all() -> None:
    doc = "Values: " + " ".join(f"$x_{{{k}}}$" for k in range(200)) + "."
    placed = find_math(doc, "markdown")
    context = placed[100][1].context
    assert "⟨x_{100}⟩" in context and "⟨x_{96}⟩" in context and "⟨x_{104}⟩" in context
    assert "⟨x_{90}⟩" not in context and "⟨x_{110}⟩" not in context


def test_repeated_errors_are_counted_on_one_line() -> None:
    reading = read("$$" * 400 + "\n\nThe loss $L = (y - t)^2$ is here.", format="markdown", progress=False)
    empty = [f for f in reading.errors if f.error is not None and "empty" in f.error.message]
    assert len(empty) > SHOWN_PER_REASON + 10
    text = summary_text(reading)
    listed = [line for line in text.splitlines() if line.startswith("? #")]
    assert len(listed) == SHOWN_PER_REASON
    assert f"? {len(empty) - SHOWN_PER_REASON} more formulas not read for the same reason" in text
    assert len(text) < 2000


def test_a_page_of_dollar_signs_stops_at_the_limit_and_says_so() -> None:
    reading = read("$" * 400_000, format="markdown", progress=False, max_formulas=5000)
    assert len(reading.formulas) == 5000 and reading.skipped > 0
    assert f"{reading.skipped} more formulas were not read (limit reached)" in summary_text(reading)
