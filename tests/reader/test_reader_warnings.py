"""A near-miss's likely intended formula: drawn in MathML on the companion page, spelled in
Unicode in the terminal summary, never shown as raw LaTeX."""

from __future__ import annotations

import re
from pathlib import Path

from thirdroad.reader import read

EXAMPLE = Path(__file__).parents[2] / "examples" / "three_ideas.md"


def test_the_companion_page_draws_the_likely_intended_formula() -> None:
    reading = read(EXAMPLE)
    page = reading.to_html()
    look_twice = page[page.index('id="warnings"'):page.index('class="document-heading"')]
    assert re.search(r"Likely meant: <span class=\"intended\"><math[^>]*>", look_twice)
    assert ">exp</mi>" in look_twice and "\\frac" not in look_twice and "e^{e" not in look_twice
    section = page[page.index(f'id="x-{reading.warnings[0]["formula"]}"'):]
    warning = section[section.index('class="warning"'):]
    warning = warning[:warning.index("</div>")]
    assert "Likely meant: <span class=\"intended\"><math" in warning and "\\frac" not in warning


def test_the_terminal_summary_spells_the_suggestion_in_unicode() -> None:
    summary = read(EXAMPLE).to_text()
    line = next(x for x in summary.splitlines() if "Likely meant:" in x)
    assert line.endswith("Likely meant: exp(e_(t,i)) / (Σ_j exp(e_(t,j)))")


def test_the_example_post_names_the_parts_of_its_optimizers() -> None:
    reading = read(EXAMPLE)
    by_text = {f.text: f.explanation.to_dict(code=False) for f in reading.formulas if f.explanation}
    rms = next(e for t, e in by_text.items() if t.startswith(r"s_t = \rho"))
    assert rms["lenses"]["names"].startswith("This is RMSProp's running average of squared gradients:")
    adam = next(e for t, e in by_text.items() if t.startswith(r"\theta_t = \theta_{t-1}"))
    assert adam["concepts"] == ["adam"] and adam["chunks"][0]["same_form_as"] == ["rmsprop"]
    assert "It is also RMSProp" not in adam["lenses"]["names"]
    assert "RMSProp ×1," in reading.to_text()  # the step is Adam alone; RMSProp is met once


def _rules(css: str, selector: str) -> dict[str, str]:
    """The declarations of the rule whose selector list holds exactly ``selector``."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            return dict((k.strip(), v.strip()) for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d))
    return {}


def test_the_likely_intended_formula_is_styled_as_math_inside_the_line() -> None:
    from thirdroad.reader._page import page_css, scoped_css

    rule = _rules(page_css(), ".intended")
    assert rule.get("display") in ("inline", "inline-block")  # it sits in a sentence
    assert rule.get("max-width") == "100%" and rule.get("overflow-x") == "auto"  # a long formula scrolls
    assert "background" in rule and "border" in rule  # set off from the warning's text
    assert ".intended" in scoped_css()  # the notebook view gets it too
    assert 'class="intended"' in read(EXAMPLE).to_html()
