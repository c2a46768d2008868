"""The misstatements mechanism: the catalog's slips, spotted in prose, and never in a correct sentence.

The oracle for "never on a correct sentence" is prose written by others that is right: the
documents of tests/data, the examples, the README, and the docstrings of the installed deep
learning libraries (PyTorch, optax, JAX, scikit-learn), which are read from their source files.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import thirdroad as tr
from thirdroad import concepts
from thirdroad.concepts import CatalogError, Misstatement
from thirdroad.concepts._load import load_file
from thirdroad.reader._misstatements import misstatement_notes
from thirdroad.reader._prose import sentences
from thirdroad.reader._spans import Source

ROOT = Path(__file__).resolve().parents[2]
SLIPS: list[Misstatement] = [m for c in concepts.catalog() for m in c.misstatements]


def _spotted(text: str, fmt: str = "text") -> list[tuple[str, str]]:
    found = sentences(text, fmt)  # type: ignore[arg-type]
    return [(n.says, n.quote) for n in misstatement_notes(found, Source(text))]


def test_the_catalog_records_slips_for_several_families() -> None:
    families = {concepts.get(m.concept).family for m in SLIPS}
    assert len(SLIPS) >= 8 and len(families) >= 4


@pytest.mark.parametrize("slip", SLIPS, ids=lambda m: f"{m.concept}: {m.says}")
def test_each_slip_spots_its_examples_in_a_document_and_notes_what_is_right(slip: Misstatement) -> None:
    for example in slip.example:
        text = f"Some words to begin with.\n\n{example} And a sentence after it.\n"
        notes = misstatement_notes(sentences(text, "text"), Source(text))
        mine = [n for n in notes if n.says == slip.says]
        assert len(mine) == 1, example
        assert mine[0].concept == slip.concept and mine[0].message == slip.note
        assert mine[0].line == 3 and example.rstrip(".") in mine[0].quote


@pytest.mark.parametrize("slip", SLIPS, ids=lambda m: f"{m.concept}: {m.says}")
def test_no_slip_is_spotted_in_the_correct_sentences_of_the_catalog(slip: Misstatement) -> None:
    every_correct = [s for m in SLIPS for s in m.correct]
    assert every_correct
    for sentence in every_correct:
        assert not slip.spots(sentence), sentence


def test_a_slip_said_twice_is_noted_once_with_the_other_line() -> None:
    slip = "the gradient points in the direction of steepest descent."
    text = f"The {slip[4:]}\n\nAgain: {slip}\n"
    notes = misstatement_notes(sentences(text, "text"), Source(text))
    assert [(n.line, n.also) for n in notes] == [(1, (3,))]


def test_near_needs_the_concept_in_the_sentences_around() -> None:
    alone = "We keep a moving average of the squared weights to monitor training."
    assert _spotted(alone) == []
    about_rmsprop = "Next comes RMSProp. " + alone
    assert [s for s, _ in _spotted(about_rmsprop)] == ["a moving average of the squared weights"]


def test_the_loader_rejects_a_slip_whose_example_is_not_spotted(tmp_path: Path) -> None:
    source = (ROOT / "src/thirdroad/concepts/data/activations.toml").read_text(encoding="utf-8")
    broken = source.replace('example = ["The tanh activation squashes its input to between 0 and 1."]',
                            'example = ["The tanh activation squashes its input to between -1 and 1."]')
    assert broken != source
    path = tmp_path / "activations.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogError, match="is not spotted"):
        load_file(path)


def test_the_loader_rejects_a_slip_that_spots_its_own_correct_sentence(tmp_path: Path) -> None:
    source = (ROOT / "src/thirdroad/concepts/data/calculus.toml").read_text(encoding="utf-8")
    broken = source.replace('correct = ["The negative gradient points', 'correct = ["The gradient points in the '
                            'direction of steepest descent.", "The negative gradient points')
    assert broken != source
    path = tmp_path / "calculus.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogError, match="correct sentence"):
        load_file(path)


# ---------------------------------------------------------------- correct prose by others


def _docstrings(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return []
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef))]
    return [doc for node in nodes if (doc := ast.get_docstring(node))]


def _library_docs(package: str, *subdirs: str) -> list[str]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    base = Path(next(iter(spec.submodule_search_locations)))
    docs = []
    for sub in subdirs:
        for path in sorted((base / sub).rglob("*.py")):
            docs += _docstrings(path)
    return docs


LIBRARIES = {
    "torch": ("nn", "optim", "autograd", "distributions"),
    "optax": ("_src",),
    "jax": ("nn", "_src/nn", "example_libraries", "_src/scipy"),
    "sklearn": ("neural_network", "decomposition", "linear_model"),
}


@pytest.mark.parametrize("package", sorted(LIBRARIES))
def test_no_note_fires_on_the_docstrings_of_installed_libraries(package: str) -> None:
    docs = _library_docs(package, *LIBRARIES[package])
    if not docs:
        pytest.skip(f"{package} is not installed")
    text = "\n\n".join(docs)
    count = len(sentences(text, "text"))
    assert count > 500, f"only {count} sentences read from {package}"
    assert _spotted(text) == []


def test_no_note_fires_on_the_documents_examples_and_readme_of_the_repository() -> None:
    paths = [p for p in (ROOT / "tests/data/documents").iterdir() if not p.name.endswith(".expected.txt")]
    paths += [*sorted((ROOT / "examples").iterdir()), ROOT / "README.md"]
    assert len(paths) > 10
    for path in paths:
        reading = tr.read(path)
        assert [n.says for n in reading.notes if n.kind == "misstatement"] == [], path.name


def test_a_reading_carries_its_notes_into_json_the_summary_and_the_companion_page() -> None:
    text = ("# Notes on training\n\nThe tanh activation squashes its input to between 0 and 1. "
            "Then the loss $L = (y - t)^2$ is computed.\n\nThe sigmoid squashes to between 0 and 1.\n")
    reading = tr.read(text)
    assert [(n.kind, n.concept, n.line) for n in reading.notes] == [
        ("misstatement", "tanh", 3), ("concept", "tanh", 3), ("concept", "sigmoid", 5)]  # first named, glossed
    data = reading.to_dict()
    assert data["notes"][0]["says"] == "tanh gives values between 0 and 1"
    assert "between -1 and 1" in data["notes"][0]["message"]
    assert "tanh gives values between 0 and 1" in reading.to_text()
    page = reading.to_html()
    assert page.count('class="nmark misstatement"') == 1 and 'id="n-0"' in page
    assert 'id="misstatements"' in page and 'id="c-tanh"' in page  # listed on top, carded in the glossary
    # the mark stands after the sentence, before the formula that follows it
    assert page.index('id="nm-0"') < page.index('id="f-0"')
