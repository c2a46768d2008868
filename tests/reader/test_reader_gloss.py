"""A lone name in running text is glossed by its sentence ("the learning rate ⟨η⟩") when the
sentence describes it, and left without a guess when it does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thirdroad.reader import read

DOCUMENTS = Path(__file__).parents[1] / "data" / "documents"


def _glosses(name: str) -> dict[str, str]:
    return {f.text: f.gloss for f in read(DOCUMENTS / name).formulas if f.formula is not None}


def test_names_described_by_their_sentence_get_that_description() -> None:
    cells = _glosses("recurrent_cells.md")
    assert cells["x_t"] == "the new input" and cells["h_{t-1}"] == "the last hidden state"
    assert cells["f_t"] == "a forget gate"
    attention = _glosses("attention_post.md")
    assert attention["s_t"] == "the state"  # "its own state": the possessive is not repeated
    assert attention["W_a"] == "a learned matrix" and attention["d_k"] == "the key size"


@pytest.mark.parametrize(("document", "text"), [
    ("attention_post.md", "Q"),  # "in matrices Q, K, V": a list after a preposition
    ("attention_post.md", "K"),
    ("recurrent_cells.md", "T"),  # "a sequence of length T": no article of its own
])
def test_names_in_a_list_or_after_a_preposition_are_not_guessed(document: str, text: str) -> None:
    assert _glosses(document)[text] == ""


def test_the_companion_page_shows_the_gloss_and_never_a_single_value() -> None:
    reading = read(DOCUMENTS / "recurrent_cells.md")
    page = reading.to_html()
    # a lone name is glossed where it stands, on hover or focus: no card of its own
    assert re.search(r'<span class="name" id="f-\d+" tabindex="0" aria-describedby="t-\d+"><math[^>]*>.*?'
                     r'<span class="tip" role="tooltip" id="t-\d+">h_\(t−1\): the last hidden state, as the sentence '
                     r"says\.</span></span>", page)
    # only a number is a single value; a name, a derivative (a Jacobian here) or a condition
    # (the clipping bound ‖g‖ ≤ 5) is not
    assert re.findall(r"It is a single value: ([^<]*)\.<", page) == []
    clip = next(f.explanation for f in reading.formulas if f.text == r"\|g\| \le 5")
    assert clip is not None
    assert clip.lenses["names"].startswith("This is a condition, true or false: the norm of g is at most 5.")
    data = next(f.to_dict() for f in reading.formulas if f.text == "x_t")
    assert data["gloss"] == "the new input"
