"""Short fuzzing in the suite: only FormulaError ever escapes, and reading stays fast.

The long run is ``python tests/formula/fuzz_long.py --minutes 10``; this is its quick sample.
The limit is a guard against runaway readings (exponential backtracking, a loop that does
not end), not a performance measure: it is CPU time, and ten times looser than the long run's.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .fuzzing import PIECES, Outcome, cases, check
from .strategies import soup

SUITE_LIMIT = 1.0  # CPU seconds; the long run holds every reading to 0.1 s


def test_mutated_corpus_formulas() -> None:
    outcome = Outcome()
    texts = list(cases(seed=11, count=300))
    for text in texts:
        check(text, outcome)
    assert outcome.slowest < SUITE_LIMIT
    # damaged input may read back differently from its canonical LaTeX in rare corners
    assert len(outcome.mismatches) <= 0.01 * len(texts), outcome.mismatches[:3]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_random_pieces(text: str) -> None:
    assert check(text) < SUITE_LIMIT


@given(st.text(max_size=30))
def test_random_unicode(text: str) -> None:
    assert check(text) < SUITE_LIMIT


@given(soup)
def test_token_soup(text: str) -> None:
    assert check(text) < SUITE_LIMIT


def test_pathological_sizes_are_fast() -> None:
    for text in ["x" * 19_000, "x+" * 9_000, "(" * 10_000, "\\frac" * 3_000, "a_" * 5_000,
                 "|" * 5_000, "\\left(" * 2_000, "x^" * 5_000, "--" * 5_000,
                 "a = " + "x" * 19_000 + "+ = b", "\\text{a} w " * 1_500,
                 "x^{(" * 35 + "a, b" + ")}" * 35, "x^{(" * 35 + "a" + ")}" * 35,
                 "b_i^{(l" + "\n1_i^{(l" * 30 + "\n1)}"]:
        assert check(text) < SUITE_LIMIT, text[:20]


@pytest.mark.parametrize("text", [
    "|f(x) - f(y[)| \\le L \\|x - y\\|_2",  # y[ left open: a ValueError from an entry with no index
    "loss = -log(p[])",
    "f(X) = \\sqrt[p]{\\sum_{x \\in X} x^{%p}}",  # a comment leaves x^{ open: an IndexError
])
def test_texts_the_long_run_found_read_or_raise_formula_error(text: str) -> None:
    check(text, Outcome())  # raises on any exception but FormulaError
