"""The companion page's notes in a real browser (Chromium through Playwright, in a child process so
no event loop of the other browser tests is shared): on a wide screen a misstatement stands open
beside its text, a concept glossed from the prose is folded and opens on a click."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import thirdroad as tr

CHROMIUM = "/usr/bin/chromium"
SCRIPT = """
import json, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=sys.argv[2])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto("file://" + sys.argv[1])
    concept = page.locator("details.note.concept").first
    said = concept.locator("p").first
    seen = {"concept_before": said.is_visible(),
            "slip": page.locator("details.note.misstatement").first.locator("p").first.is_visible()}
    concept.locator("summary").click()
    seen["concept_after"] = said.is_visible()
    browser.close()
print(json.dumps(seen))
"""


def test_a_glossed_concept_is_folded_until_clicked_and_a_slip_stands_open(tmp_path: Path) -> None:
    pytest.importorskip("playwright")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    text = ("# Notes\n\nWe train restricted Boltzmann machines with contrastive divergence, one batch at a time.\n\n"
            "The tanh activation squashes its input to between 0 and 1 in every layer we use.\n")
    page = tmp_path / "companion.html"
    page.write_text(tr.read(text, format="markdown").to_html(), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(page), CHROMIUM], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == {"concept_before": False, "slip": True, "concept_after": True}
