"""Matrices that went through machine translation (start {array} ... finish, row breaks lost):
noted with what survived and what is lost, never parsed as formulas, nothing filled in. The
matrices here are made up for the test (a rotation, a swap, a diagonal), not any document's."""

from __future__ import annotations

import thirdroad as tr
from thirdroad.reader._translated_arrays import translated_arrays

SWAP_WHOLE = "( Mathbf {s} = left ( start {array} {rr} 0 & 1 1 & 0 finish {array} proper) )"
LOST_ONE = "( Mathbf {q} = left ( start {array} {rrr} 1 & 0 0 & 0 & 1 0 & 1 & 0 finish {array} proper) )"
PRODUCT = ("(( Mathbf {sb} = left ( start {array} {rr} 0 & 1 1 & 0 finish {array} proper) left ( start {array} "
           "{rr} 5 & 6 7 finish finish {array ret) = left ( start {array} {rr} 7 & 8 5 & 6 finish {array} proper) )")


def _notes(line: str) -> list[str]:
    text = f"The matrix below, as the translation left it.\n{line}\nAnd the text goes on after it here.\n"
    spans, notes = translated_arrays(text)
    assert [text[a:b] for a, b in spans] == [line]
    return [n.message for n in notes]


def test_a_whole_matrix_is_read_with_its_row_breaks_put_back() -> None:
    (note,) = _notes(SWAP_WHOLE)
    assert "The matrix s = [0 1; 1 0] came through whole." in note
    assert "on the left of a matrix A it puts A's second row first, A's first row second" in note


def test_a_matrix_that_lost_an_entry_says_so_and_what_its_whole_rows_still_tell() -> None:
    (note,) = _notes(LOST_ONE)
    assert "kept 8 of its 9 ([1 0; 0 0 1; 0 1 0]); row 1 is short. Nothing is filled in." in note
    assert "its whole rows each hold a single 1" in note and "A's third row second, A's second row third" in note


def test_a_product_with_a_factor_cut_short_is_checked_only_where_rows_survive() -> None:
    (note,) = _notes(PRODUCT)
    assert "The matrix b lost entries in the copy: it kept 3 of its 4 ([5 6; 7]); row 2 is short" in note
    assert "row 2 of the result agree with the rows of b that s puts there" in note
    wrong = PRODUCT.replace("5 & 6 finish {array} proper) )", "5 & 9 finish {array} proper) )")
    assert "row 2 do not" in _notes(wrong)[0]


def test_the_reading_notes_the_line_and_finds_no_formula_in_it() -> None:
    text = f"Here is a swap.\n{SWAP_WHOLE}\nIt swaps two rows.\n"
    reading = tr.read(text, format="text")
    assert [f for f in reading.formulas if f.place.line == 2] == []
    assert [(n.kind, n.line, n.says) for n in reading.notes if n.kind == "matrix"] == [
        ("matrix", 2, "A matrix, as translated")]


def test_words_that_only_look_like_an_array_are_no_array() -> None:
    text = "We start {array} programming at the finish line, & that is all.\n"
    assert translated_arrays(text) == ([], [])
