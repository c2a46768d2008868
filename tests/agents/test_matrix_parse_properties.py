"""Property tests for the matrix reader: exact round trips, and only clear errors for junk."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from thirdroad.agents import AgentInputError
from thirdroad.agents._parse import parse_matrix_text

fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=50)
matrices = st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.lists(fractions, min_size=cols, max_size=cols), min_size=1, max_size=4)
)


def _bracketed(rows: list[list[Fraction]]) -> str:
    return "[" + ", ".join("[" + ", ".join(str(x) for x in row) + "]" for row in rows) + "]"


def _semicolons(rows: list[list[Fraction]]) -> str:
    return "; ".join(" ".join(str(x) for x in row) for row in rows)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(matrices, st.booleans())
def test_written_matrices_read_back_exactly(rows: list[list[Fraction]], bracketed: bool) -> None:
    text = _bracketed(rows) if bracketed else _semicolons(rows)
    parsed = parse_matrix_text(text)
    assert parsed.exact == tuple(tuple(row) for row in rows)
    assert parsed.values.shape == (len(rows), len(rows[0]))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(alphabet="[]0123456789,;/.-+eE xna", max_size=30))
def test_any_text_reads_or_fails_with_a_clear_error(text: str) -> None:
    try:
        parsed = parse_matrix_text(text)
    except AgentInputError as error:
        assert error.message
        if error.offset is not None:
            assert 0 <= error.offset <= len(text)
            assert error.position == error.offset + 1
    else:
        assert parsed.values.size > 0
