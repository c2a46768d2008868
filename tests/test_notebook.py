"""Jupyter shows an explanation, a reading, an agent and a race as HTML: a real notebook is
executed in a real kernel and its outputs are read back."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "three_ideas.md"

CELLS = {
    "explanation": r'import thirdroad as tr' + "\n" + r'tr.explain(r"\frac{e^{z_k}}{\sum_m e^{z_m}}")',
    "reading": f"tr.read({str(EXAMPLE)!r})",
    "matrix agent": 'tr.agent("[[0,0,1],[1,0,0],[0,1,0]]")',
    "activation agent": 'tr.agent("softmax")',
    "race": 'from thirdroad.agents import race\nrace("bowl", ["sgd", "adam"], steps=40)',
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code) for code in CELLS.values()]
    src = str(ROOT / "src")
    env_path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    with warnings.catch_warnings():
        # the Jupyter client's own deprecation notices are not thirdroad's to fix
        warnings.simplefilter("ignore")
        client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=240,
                                         resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
        os.environ["PYTHONPATH"] = env_path
        client.execute()
    html = {}
    for name, cell in zip(CELLS, notebook.cells, strict=True):
        results = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
        assert results, (name, cell.outputs)
        html[name] = results[0]["data"].get("text/html", "")
    return html


def test_an_explanation_shows_its_boxed_formula_its_lenses_and_its_picture(outputs: dict[str, str]) -> None:
    page = outputs["explanation"]
    assert page.startswith('<div class="thirdroad-explain">') and "<math" in page and 'class="chunk"' in page
    assert "what it is called" in page and "<svg" in page and "the weights" in page


def test_a_reading_shows_the_document_with_its_formulas_in_place(outputs: dict[str, str]) -> None:
    page = outputs["reading"]
    assert page.startswith('<div class="companion">') and 'class="row"' in page and "Look twice" in page
    assert page.count('class="explain"') >= 10


@pytest.mark.parametrize("name", ["matrix agent", "activation agent", "race"])
def test_agents_and_races_show_their_words_and_their_picture(outputs: dict[str, str], name: str) -> None:
    page = outputs[name]
    assert page.startswith('<div class="thirdroad-agent">') and '<img alt="' in page
    assert 'src="data:image/png;base64,' in page and "<p>" in page
