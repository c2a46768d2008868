"""The web app in a real browser: type a formula, paste a document, change a matrix, run a race,
browse the concepts. Each test opens its own page; screenshots are saved for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from thirdroad import concepts

EXAMPLE = Path(__file__).parents[2] / "examples" / "three_ideas.md"


@pytest.fixture
def page(browser: Any, base_url: str) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a 422 for a formula that cannot be read is the API working, not the page failing
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "status of 422" not in msg.text else None)
    page.goto(base_url + "/")
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


def test_typing_a_formula_boxes_its_chunks(page: Any, base_url: str, shots: Path) -> None:
    formula = r"\alpha_i = \frac{\exp(e_i)}{\sum_j \exp(e_j)}"
    page.fill("#formula", "")
    page.type("#formula", formula, delay=5)
    # explained as you type: wait for the explanation of the whole formula, not of a prefix
    whole = httpx.post(base_url + "/api/explain", json={"text": formula}).json()
    expect(page.locator("#explain-latex")).to_have_text(whole["latex"])
    expect(page.locator("#explain-chunks")).to_contain_text("Softmax")
    expect(page.locator("#explain-status")).to_contain_text("Softmax")
    assert page.locator("#explain-math math").count() == 1
    # the formula is drawn as MathML: a fraction whose denominator holds the sum
    assert page.locator("#explain-math mfrac munder, #explain-math mfrac msub").count() >= 1
    lenses = page.inner_text("#explain-lenses")
    assert "what it is called" in lenses and "how to read it" in lenses and "what it does" in lenses
    boxes = page.locator("#explain-math .chunk")
    assert boxes.count() >= 1
    box = boxes.first.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10
    # the box is drawn: a visible border around the chunk
    assert boxes.first.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    page.screenshot(path=str(shots / "explain.png"), full_page=True)


def test_a_formula_that_cannot_be_read_shows_the_column_and_hint(page: Any) -> None:
    page.fill("#formula", r"\frac{a}{")
    page.wait_for_selector("#explain-error:not([hidden])")
    assert "column 9" in page.inner_text("#explain-error-message")
    assert page.inner_text("#explain-error-caret").splitlines()[1].index("^") == 8
    assert "hint" in page.inner_text("#explain-error-hint")


def test_injected_markup_stays_text(page: Any) -> None:
    page.evaluate("window.__pwned = false")
    page.fill("#formula", '<img src=x onerror="window.__pwned=true"> = <script>window.__pwned=true</script>')
    page.wait_for_selector("#explain-out:not([hidden]), #explain-error:not([hidden])")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is False
    assert page.locator("#explain-math img, #explain-math script, #explain-error img").count() == 0


def test_pasting_a_document_lists_its_formulas(page: Any, shots: Path) -> None:
    page.click("nav button[data-tab=read]")
    page.fill("#document", EXAMPLE.read_text(encoding="utf-8"))
    page.select_option("#document-format", "markdown")
    page.click("#read-button")
    page.wait_for_selector("#read-formulas .formula")
    cards = page.locator("#read-formulas .formula")
    assert cards.count() == 14
    assert page.locator("#read-formulas .formula .math math").count() == 14
    # the slip's likely intended formula is drawn, not shown as LaTeX
    intended = page.locator("#read-formulas .warning .intended math")
    assert intended.count() == 1 and "exp" in intended.text_content()
    for warning in (page.inner_text("#read-formulas .warning"), page.inner_text("#read-warnings li")):
        assert "Likely meant:" in warning and "\\" not in warning
    assert "Momentum smooths the walk" in page.inner_text("#read-formulas")
    assert page.get_attribute("#companion-link", "href", timeout=1000).startswith("blob:")
    page.screenshot(path=str(shots / "read.png"), full_page=False)


def test_uploading_a_file_fills_the_document(page: Any) -> None:
    page.click("nav button[data-tab=read]")
    page.set_input_files("#document-file", str(EXAMPLE))
    expect(page.locator("#read-status")).to_contain_text("three_ideas.md loaded")
    page.click("#read-button")
    expect(page.locator("#read-formulas .formula")).to_have_count(14)
    expect(page.locator("#read-warnings")).to_be_visible()
    expect(page.locator("#read-warnings li")).to_contain_text("exponentials")


def test_changing_a_matrix_changes_picture_and_narration(page: Any, shots: Path) -> None:
    page.click("nav button[data-tab=matrix]")
    page.wait_for_selector("#matrix-picture:not([hidden])")
    expect(page.locator("#matrix-says")).to_contain_text("identity")
    before = page.get_attribute("#matrix-picture", "src")
    # make it a swap: [[0, 1], [1, 0]]
    for r, c, value in ((0, 0, "0"), (0, 1, "1"), (1, 0, "1"), (1, 1, "0")):
        page.fill(f"#matrix-grid input[data-r='{r}'][data-c='{c}']", value)
    expect(page.locator("#matrix-says")).to_contain_text("swaps")
    assert page.get_attribute("#matrix-picture", "src") != before
    assert "permutation" in page.inner_text("#matrix-kinds")
    page.select_option("#matrix-size", "3")
    expect(page.locator("#matrix-grid input")).to_have_count(9)
    expect(page.locator("#matrix-says")).to_contain_text("3x3")
    page.screenshot(path=str(shots / "matrix.png"), full_page=True)


def test_running_a_race(page: Any, shots: Path) -> None:
    page.click("nav button[data-tab=race]")
    page.wait_for_selector("#race-optimizers input")
    for name in ("sgd", "momentum", "adam", "rmsprop"):
        page.set_checked(f"#race-optimizers input[value={name}]", name in ("momentum", "adam", "rmsprop"))
    page.select_option("#race-surface", "beale")
    page.click("#race-button")
    page.wait_for_selector("#race-says:not([hidden])")
    says = page.inner_text("#race-says")
    assert "Beale" in says or "beale" in says
    assert page.inner_text("#race-status") == "3 optimizers on beale"
    assert page.get_attribute("#race-picture", "src").startswith("data:image/png;base64,")
    page.screenshot(path=str(shots / "race.png"), full_page=True)


def test_browsing_concepts_shows_card_and_graph(page: Any, shots: Path) -> None:
    page.click("nav button[data-tab=concepts]")
    page.fill("#concept-search", "adam")
    page.click("#concept-list li[data-concept=adam]")
    page.wait_for_selector("#concept-graph svg .node[data-concept=adam]")
    assert "Adam" in page.inner_text("#concept-card")
    # the graph's nodes lead on: click what Adam builds on, and its card comes up
    prerequisite = concepts.get("adam").prerequisites[0]
    page.locator(f"#concept-graph .node[data-concept={prerequisite}]").click()
    expect(page.locator("#concept-card h3")).to_contain_text(concepts.get(prerequisite).name)
    expect(page.locator(f"#concept-graph .node[data-concept={prerequisite}] rect")).to_have_attribute("fill", "#ffd98a")
    # and so do the links in the card
    page.click("#concept-card a[href^='#c-']")
    expect(page.locator("#concept-card h3")).not_to_contain_text(concepts.get(prerequisite).name)
    page.screenshot(path=str(shots / "concepts.png"), full_page=True)
