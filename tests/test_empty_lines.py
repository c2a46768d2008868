"""No heading without words under it: a lens with nothing to say is left out of the terminal
explanation (as it is of the page), and every concept card says what the concept does."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from thirdroad import concepts
from thirdroad.cli import main
from thirdroad.formula import explain

EMPTY_LENS = re.compile(r"(Names|Reading order|Action):\s*│?\s*$", re.MULTILINE)


@pytest.mark.parametrize("text", ["2^3^2", "k = 5", "f(x)", "y = 3", r"\sigma(z) = \frac{1}{1 + e^{-z}}",
                                  r"v_t = \beta v_{t-1} + (1 - \beta) g_t"])
def test_no_lens_line_is_empty(text: str) -> None:
    e = explain(text)
    shown = e.to_text()
    assert not EMPTY_LENS.search(shown), shown
    for key, title in (("names", "Names"), ("reading_order", "Reading order"), ("action", "Action")):
        assert (f"{title}:" in shown) == bool(e.lenses[key])  # a lens with words is still shown
    result = CliRunner().invoke(main, ["explain", text])
    assert result.exit_code == 0 and not EMPTY_LENS.search(result.output)


def test_some_of_those_have_no_action_to_tell() -> None:
    assert not explain("2^3^2").lenses["action"]  # else the test above would test nothing


@pytest.mark.parametrize("cid", concepts.ids())
def test_every_concept_card_says_what_it_does(cid: str) -> None:
    lines = concepts.card(cid).splitlines()
    said = lines[lines.index("What it does") + 1]
    assert said.strip(), cid
    shown = CliRunner().invoke(main, ["concepts", cid]).output
    assert "What it does" in shown and not re.search(r"What it does\s*│\s*\n│\s*│", shown)
