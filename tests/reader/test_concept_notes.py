"""Concepts a document's prose names, glossed where each is first met (reader/_concept_notes.py)."""

from __future__ import annotations

import thirdroad as tr
from thirdroad.reader._concept_notes import EVERYDAY, MAX_NOTES


def _glossed(text: str, fmt: str = "markdown") -> list[tuple[str, str, int]]:
    reading = tr.read(text, format=fmt)
    return [(n.concept, n.quote, n.line) for n in reading.notes if n.kind == "concept"]


def test_a_concept_is_glossed_where_the_prose_first_names_it_with_where_thirdroad_runs_it() -> None:
    text = ("# Training\n\nWe train the restricted Boltzmann machines with contrastive divergence for ten epochs.\n\n"
            "Then contrastive divergence is run once more on the whole data set.\n")
    reading = tr.read(text, format="markdown")
    notes = [n for n in reading.notes if n.kind == "concept"]
    assert [(n.concept, n.quote, n.line) for n in notes] == [
        ("rbm_energy", "restricted Boltzmann machines", 3),
        ("contrastive_divergence", "contrastive divergence", 3),
    ]
    assert notes[1].links == ("nn.RBM.cd_step", "thirdroad train rbm")
    page = reading.to_html()
    assert page.count('class="nmark concept"') == 2 and "<code>thirdroad train rbm</code>" in page


def test_headings_everyday_words_and_concepts_a_formula_explains_are_not_glossed() -> None:
    assert "mean" in EVERYDAY and "slope" in EVERYDAY
    text = ("# Softmax and the gradient\n\nThe mean of the slope is taken, and the average is kept.\n\n"
            "The softmax $p_i = e^{x_i} / \\sum_j e^{x_j}$ turns scores into weights that sum to one.\n")
    assert _glossed(text) == []


def test_an_acronym_is_glossed_only_in_capitals_and_an_inline_acronym_stands_for_its_concept() -> None:
    assert _glossed("The svd of the matrix is computed by the library once.\n") == []
    assert _glossed("The SVD of the matrix is computed by the library once.\n") == [("svd", "SVD", 1)]
    text = "The matrix factorizations \\(LU\\) and \\(QR\\) are the ones we use most often here.\n"
    reading = tr.read(text, format="text")
    notes = [n for n in reading.notes if n.kind == "concept"]
    assert [(n.concept, n.formula) for n in notes] == [("lu", 0), ("qr", 1)]
    assert 'thirdroad agent &quot;[[4, 3], [6, 3]]&quot;' in reading.to_html()


def test_a_long_page_gets_at_most_max_notes_glossed() -> None:
    names = ["softmax", "sigmoid", "dropout", "Adam", "RMSProp", "Adagrad", "layer normalisation", "ReLU",
             "cross-entropy", "batch normalisation", "gradient descent", "contrastive divergence", "GELU",
             "backpropagation"]
    assert len(names) > MAX_NOTES
    text = "\n\n".join(f"In this part of the course we look at {name} in some detail." for name in names)
    glossed = _glossed(text)
    assert len(glossed) == MAX_NOTES and [line for _, _, line in glossed] == sorted(line for _, _, line in glossed)
