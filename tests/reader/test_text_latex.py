"""LaTeX left in plain text (a page saved as text): delimited formulas, displays cut short, matrix
rows that lost their breaks, and the notes on the matrices a document writes out."""

from __future__ import annotations

import pytest

import thirdroad as tr
from thirdroad.reader._find import find_spans
from thirdroad.reader._text_latex import find_text_latex

CUT_SHORT = r"""A rotation by a quarter turn, \(R\), is

\[\mathbf{R} = \left[\begin{array}
0 & -1 \\
1 & 0

acts on the plane; the swap below exchanges two rows:

\[\mathbf{SB} = \left[\begin{array}
0 & 1
1 & 0
1 & 2 \\
3 & 4
\end{array}\right] =
3 & 4 \\
1 & 2

That is all.
"""


def test_inline_and_display_delimiters_are_taken_whole_with_their_semicolons() -> None:
    text = r"The state \(h_t\) and \[a_t = \tanh(W_c [c_t ; h_t])\] follow; then \(x\)."
    spans, rest = find_text_latex(text)
    assert [(s.text, s.display) for s in spans] == [("h_t", False), (r"a_t = \tanh(W_c [c_t ; h_t])", True),
                                                    ("x", False)]
    assert "tanh" not in rest and len(rest) == len(text)


def test_an_opener_without_its_closer_in_the_paragraph_is_not_taken() -> None:
    text = "An inline \\(x + y with no closer.\n\nA later paragraph \\) here.\n"
    assert find_text_latex(text)[0] == []


def test_a_display_cut_short_ends_at_the_prose_and_is_closed_in_order() -> None:
    spans = [s for s in find_spans(CUT_SHORT, "text") if s.display]
    assert len(spans) == 2
    rotation, product = spans
    assert rotation.text.endswith(r"\begin{bmatrix} 0 & -1 \\ 1 & 0 \end{bmatrix}")  # drawn with its brackets
    assert "cut short" in rotation.how and r"\end{array} \right]" in rotation.how
    assert CUT_SHORT[rotation.start:rotation.end].rstrip().endswith("1 & 0")
    # the lost row break between "0 & 1" and "1 & 0" is put back; the rows after "=" are a matrix
    assert r"0 & 1 \\ 1 & 0 \\ 1 & 2 \\ 3 & 4" in product.text
    assert product.text.endswith(r"= \begin{bmatrix}3 & 4 \\ 1 & 2\end{bmatrix}")


def test_the_matrices_of_a_cut_short_page_are_acted_out_and_their_product_checked() -> None:
    reading = tr.read(CUT_SHORT, format="text")
    notes = [n.message for n in reading.notes if n.kind == "matrix"]
    assert len(notes) == 2
    assert notes[0].startswith("R, a 2×2 matrix, is ") and "rotation" in notes[0]
    assert "S = [0 1; 1 0] and B = [1 2; 3 4]" in notes[1]
    assert "Checked: S times B is [3 4; 1 2], the result the text gives" in notes[1]
    page = reading.to_html()
    assert page.count('class="explain note matrix"') == 2 and 'class="nmark matrix"' not in page
    assert "What R does" in page and "S B, computed and checked" in page


def test_a_product_that_does_not_hold_is_said_to_differ() -> None:
    text = CUT_SHORT.replace("3 & 4 \\\\\n1 & 2\n", "3 & 4 \\\\\n1 & 5\n")
    notes = [n.message for n in tr.read(text, format="text").notes if n.kind == "matrix"]
    assert "is [3 4; 1 2], not the [3 4; 1 5] the text gives" in notes[1]


@pytest.mark.parametrize("row", ["0 &", "& 0"])
def test_a_matrix_that_lost_an_entry_is_not_acted_out_and_nothing_is_filled_in(row: str) -> None:
    text = CUT_SHORT.replace("1 & 0\n\nacts", f"{row}\n\nacts")
    notes = [n.message for n in tr.read(text, format="text").notes if n.kind == "matrix"]
    assert "lost entries in the copy (row 2 is short)" in notes[0] and "none is filled in" in notes[0]


def test_a_page_saved_one_paragraph_a_line_keeps_each_note_beside_its_paragraph() -> None:
    filler = "and the sentence goes on for a while so that the line is as long as a paragraph of a page"
    lines = [f"The tanh activation squashes its input to between 0 and 1, {filler}.",
             f"Nothing in this paragraph is wrong, {filler}, {filler}.",
             f"RMSProp keeps a moving average of the squared weights, {filler}."]
    reading = tr.read("\n".join(lines) + "\n", format="text")
    page = reading.to_html()
    rows = page.split('<div class="row">')[1:]
    assert len(rows) == 3  # not one block with both notes stacked at its top
    assert 'id="nm-0"' in rows[0] and 'id="n-0"' in rows[0]
    assert "nmark" not in rows[1]
    assert any(f'id="n-{k}"' in rows[2] and f'id="nm-{k}"' in rows[2] for k in range(1, len(reading.notes)))
