"""The terminal panel drawn without rich (``plain_panel``) is the panel rich draws: rich is the
oracle, on every formula of the corpus, on random texts and tables at random widths, and on the
characters the plain drawing takes as one cell wide."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from thirdroad.formula import FormulaError, explain
from thirdroad.formula.explanation import plain_panel, terminal
from thirdroad.formula.explanation.plain_panel import Table, draw

from .test_corpus import CORPUS

TITLE = terminal.TITLE


def _one_cell_characters() -> list[str]:
    ranges = re.findall(r"(.)-(.)|(.)", plain_panel._ONE_CELL.replace("\n", ""), flags=re.DOTALL)
    out = []
    for low, high, single in ranges:
        out.extend(chr(c) for c in range(ord(low or single), ord(high or single) + 1))
    return out


def test_every_character_taken_as_one_cell_is_one_cell_for_rich_in_every_unicode_version() -> None:
    from rich._unicode_data._versions import VERSIONS

    chars = _one_cell_characters()
    assert len(chars) > 4000 and "▄" in chars and "θ" in chars and "∑" in chars and "𝐱" in chars
    for ch in chars:
        assert cell_len(ch) == 1 and Text(ch).plain == ch, hex(ord(ch))
        assert all(get_character_cell_size(ch, version) == 1 for version in VERSIONS), hex(ord(ch))


def test_the_corpus_is_drawn_as_rich_draws_it() -> None:
    drawn = 0
    for entry in CORPUS:
        try:
            e = explain(entry["text"])
        except FormulaError:
            continue
        shown = terminal.parts(e)
        plain = draw(shown, TITLE, 100)
        if plain is not None:
            drawn += 1
            assert plain == terminal.rich_text(shown, 100), entry["id"]
        assert e.to_text() == terminal.rich_text(shown, 100), entry["id"]
    assert drawn > 0.8 * len(CORPUS)  # the rest: combining accents (m̂, h̄), left to rich


LETTERS = "abcxyz θβ∑√≤→▄█-,.()=_^{}\\ "
words = st.text(alphabet=LETTERS.replace(" ", ""), min_size=0, max_size=30)
spaced = st.lists(st.tuples(words, st.sampled_from([" ", "  ", "", "\n", " \n"])), max_size=25).map(
    lambda pairs: "".join(w + s for w, s in pairs))
styled = st.lists(st.tuples(spaced, st.sampled_from(["", "bold", "dim cyan"])), min_size=1, max_size=3).map(tuple)
cell = st.lists(st.tuples(st.text(alphabet="abcxyzθβ∑√≤→▄█-,.()=_^{}[]:", max_size=50),
                         st.sampled_from([" ", "  ", ""])), max_size=8).map(lambda p: "".join(w + s for w, s in p))
tables = st.lists(st.tuples(cell, cell, cell), min_size=0, max_size=4).map(
    lambda rows: Table(("part", "is", "found by"), rows))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(styled, tables), min_size=1, max_size=5), st.integers(min_value=24, max_value=140))
def test_random_panels_are_drawn_as_rich_draws_them(shown: list[plain_panel.Part], width: int) -> None:
    plain = draw(shown, TITLE, width)
    if plain is not None:
        assert plain == terminal.rich_text(shown, width)


@pytest.mark.parametrize("part", [(("tab\there", ""),), (("宽字", ""),),
                                  (("h̄_s", ""),), (("e\u0301", ""),), (("bell\x07", ""),),
                                  Table(("part", "is", "found by"), [("a\nb", "a", "b")]),
                                  Table(("part", "is", "found by"), [("x", "宽", "c")])])
def test_what_needs_rich_is_left_to_rich(part: plain_panel.Part) -> None:
    assert draw([part], TITLE, 100) is None
    assert terminal.rich_text([part], 100)  # and rich draws it


def test_the_usual_panel_is_drawn_without_rich() -> None:
    shown = terminal.parts(explain(r"\frac{e^{z_k}}{\sum_m e^{z_m}}"))
    assert draw(shown, TITLE, 100) == terminal.rich_text(shown, 100)
    narrow = [(("Names: short", ""),), ((r"a \[x\] [b] :smile:", ""),)]
    assert draw(narrow, TITLE, 100) == terminal.rich_text(narrow, 100)  # narrower than the title
    wide = [Table(("part", "is", "found by"), [("x" * 60, "y " * 40, "numeric"), (r"\left[x\right]", ":a:", "z")])]
    assert draw(wide, TITLE, 100) == terminal.rich_text(wide, 100)  # a table shrunk to fit
    assert r"\left[x\right]" in terminal.rich_text(wide, 100)  # cells are text, not markup
