"""The web app and the companion page as a learner uses them, in a real browser: fade out part
of a formula and see what is left; move a slider and see the picture change; and an
accessibility engine (axe-core, vendored) finds no serious violation on either page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from thirdroad.reader import read

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
EXAMPLE = Path(__file__).parents[2] / "examples" / "three_ideas.md"
LUONG = r"\operatorname{score}(h_t, \bar h_s) = h_t^\top W_a \bar h_s"


@pytest.fixture
def page(browser: Any, base_url: str) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "/")
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


def _explain(page: Any, formula: str) -> None:
    page.fill("#formula", formula)
    page.dispatch_event("#formula", "input")
    expect(page.locator("#explain-out")).to_be_visible()
    expect(page.locator("#explain-math math")).to_have_count(1)


def test_fading_out_w_in_the_luong_score_leaves_a_dot_product(page: Any, shots: Path) -> None:
    _explain(page, LUONG)
    expect(page.locator("#explain-status")).to_contain_text("General score")
    # click the W of W_a in the drawn formula
    page.locator("#explain-math mi", has_text="W").first.click()
    expect(page.locator("#explain-fade")).to_be_visible()
    expect(page.locator("#fade-says")).to_contain_text("dot product")
    expect(page.locator("#fade-math")).not_to_contain_text("W")
    expect(page.locator("#explain-math .faded").first).to_be_visible()  # waits for the page to mark it
    page.screenshot(path=str(shots / "fade.png"), full_page=True)
    # the same by keyboard: type the symbol's name
    page.click("#fade-clear")
    expect(page.locator("#explain-fade")).to_be_hidden()
    page.fill("#fade-what", "W")
    page.press("#fade-what", "Enter")
    expect(page.locator("#fade-says")).to_contain_text("dot product")


def test_moving_a_slider_changes_the_picture(page: Any, shots: Path) -> None:
    _explain(page, r"\alpha_i = \frac{\exp(e_i)}{\sum_j \exp(e_j)}")
    expect(page.locator("#explain-picture svg")).to_have_count(1)
    before = page.inner_html("#explain-picture")
    slider = page.locator("#slider-list input[type=range]").first
    expect(slider).to_be_visible()
    slider.fill("4")
    expect(page.locator("#explain-lenses")).to_contain_text("4")
    page.wait_for_function("b => document.querySelector('#explain-picture').innerHTML !== b", arg=before)
    assert page.inner_html("#explain-picture") != before
    page.screenshot(path=str(shots / "slider.png"), full_page=True)


def _serious(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_the_app_has_no_serious_accessibility_violation(page: Any) -> None:
    _explain(page, LUONG)
    expect(page.locator("#explain-picture")).to_be_attached()
    assert _serious(page) == []
    for tab in ("read", "matrix", "race", "concepts"):
        page.click(f"nav button[data-tab={tab}]")
        page.wait_for_timeout(300)
        assert _serious(page) == [], tab


def test_the_companion_page_has_no_serious_accessibility_violation(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "companion.html"
    path.write_text(read(EXAMPLE).to_html(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(path.as_uri())
    try:
        assert _serious(page) == []
    finally:
        context.close()
