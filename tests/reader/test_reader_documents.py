"""The reader on a set of documents written for these tests from public deep-learning material
(two LaTeX papers, a Markdown post, an HTML page with MathJax, KaTeX and MathML, two plain-text
copies with mangled formulas) and the bundled example post.

Each document has a ``.expected.txt`` beside it: the formulas a careful human reader marks,
one a line. A found formula matches an expected one when the two parse to the same tree (the
parser is the oracle for "the same formula written differently"), else when they are equal up
to spacing. The issue asks for >= 95% found and explained over the set.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from thirdroad.formula import FormulaError, parse
from thirdroad.reader import Reading, read

ROOT = Path(__file__).parents[2]
DOCUMENTS = ROOT / "tests" / "data" / "documents"
EXAMPLE = ROOT / "examples" / "three_ideas.md"


def documents() -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted(DOCUMENTS.glob("*.expected.txt")):
        stem = expected.name.removesuffix(".expected.txt")
        found = [p for p in DOCUMENTS.glob(stem + ".*") if p != expected] or [EXAMPLE]
        pairs.append((found[0], expected))
    return pairs


def _key(text: str) -> str:
    try:
        return "tree:" + repr(parse(text).root)
    except FormulaError:
        return "text:" + re.sub(r"\s+|\\q?quad|\\[,;]", "", text)


def score(reading: Reading, expected: list[str]) -> tuple[int, int, list[str]]:
    """(found, found and explained, the expected formulas not found)."""
    have: Counter[str] = Counter()
    explained: Counter[str] = Counter()
    for f in reading.formulas:
        key = _key(f.text)
        have[key] += 1
        explained[key] += f.explanation is not None
    hits = hits_explained = 0
    missed = []
    for text in expected:
        key = _key(text)
        if have[key] > 0:
            hits += 1
            have[key] -= 1
            if explained[key] > 0:
                hits_explained += 1
                explained[key] -= 1
        else:
            missed.append(text)
    return hits, hits_explained, missed


def test_there_are_at_least_six_documents_in_four_forms() -> None:
    pairs = documents()
    assert len(pairs) >= 6
    assert {p.suffix for p, _ in pairs} >= {".tex", ".md", ".html", ".txt"}


@pytest.mark.parametrize(("document", "expected"), documents(), ids=lambda p: p.name)
def test_each_document_mostly_found(document: Path, expected: Path) -> None:
    lines = [line for line in expected.read_text(encoding="utf-8").splitlines() if line.strip()]
    reading = read(document)
    hits, explained, missed = score(reading, lines)
    assert hits / len(lines) >= 0.9, f"missed in {document.name}: {missed}"
    assert explained / len(lines) >= 0.9


def test_the_whole_set_is_found_and_explained_at_95_percent() -> None:
    total = hits = explained = extra = 0
    rows = []
    for document, expected in documents():
        lines = [line for line in expected.read_text(encoding="utf-8").splitlines() if line.strip()]
        reading = read(document)
        h, e, missed = score(reading, lines)
        total, hits, explained = total + len(lines), hits + h, explained + e
        extra += max(0, len(reading.formulas) - h)
        rows.append(f"{document.name}: {h}/{len(lines)} found, {e} explained, missed {missed}")
    print("\n".join(rows) + f"\nall: {hits}/{total} found, {explained}/{total} explained, {extra} not expected")
    assert hits / total >= 0.95
    assert explained / total >= 0.95
    # and few false alarms: formulas found that a careful reader would not mark
    assert extra <= 0.05 * total


def test_the_example_post_has_its_near_miss_gathered_at_the_top() -> None:
    reading = read(EXAMPLE)
    assert [w["kind"] for w in reading.warnings] == ["near_miss"]
    warning = reading.warnings[0]
    assert r"\sum_j e_{t,j}" in warning["text"]
    page = reading.to_html()
    assert page.index("Look twice") < page.index('class="document-heading"')
    assert f'href="#f-{warning["formula"]}"' in page


def test_the_example_post_calls_an_average_only_what_averages() -> None:
    # the RBM's input to a hidden unit is a weighted sum of the visible units (weights W_ij that
    # may be any numbers); the context vector averages with attention weights, which add up to one
    reading = read(EXAMPLE)
    averages = {f.text.strip() for f in reading.formulas if f.explanation is not None
                and any(c.concept == "weighted_average" for c in f.explanation.chunks)}
    assert averages == {r"c_t = \sum_i \alpha_{t,i} h_i"}
    rbm = next(f for f in reading.formulas if f.text.strip().startswith(r"p(h_j = 1"))
    assert rbm.explanation is not None
    assert "dot_product" in {c.concept for c in rbm.explanation.chunks}


def test_the_example_posts_attention_lists_its_concept_once_and_its_scores_as_a_part() -> None:
    # the inner Q K^T / sqrt(d_k) is the scaled scores, one part of attention, not attention again
    reading = read(EXAMPLE)
    found = next(f for f in reading.formulas if f.text.strip().startswith(r"\operatorname{Attention}"))
    assert found.explanation is not None
    chunks = found.explanation.chunks
    wholes = [c for c in chunks if c.concept == "scaled_dot_product_attention" and not c.part]
    assert len(wholes) == 1
    assert [c.part for c in chunks if c.concept == "scaled_dot_product_attention" and c.part] \
        == ["scaled scores"]
    order = found.explanation.lenses["reading_order"]
    assert "the scaled scores of scaled dot-product attention, read as one block" in order
    assert order.count("scaled dot-product attention") == 2  # the block's part, and what step 3 makes
    section = reading.to_html().split(f'id="x-{found.index}"')[1].split("</details>")[0]
    labels = re.findall(r'<a class="concept-name" href="#c-scaled_dot_product_attention">([^<]*)</a>', section)
    assert labels == ["Scaled dot-product attention", "Scaled scores"]


def test_no_document_says_a_weighted_sum_is_over_its_weights() -> None:
    # "a weighted average over i of α_(t,i)" named the weights as what is averaged; a chunk with
    # several inputs names each with what it stands for
    for document in sorted(DOCUMENTS.iterdir()):
        if document.name.endswith(".expected.txt"):
            continue
        for f in read(document).formulas:
            for c in f.explanation.chunks if f.explanation else []:
                if c.concept in ("weighted_average", "context_vector", "rbm_conditional", "luong_general",
                                 "luong_dot", "bahdanau_additive", "dot_product", "mse", "kl_divergence"):
                    assert " over " not in c.says.split(", with ")[0], (document.name, c.says)


def test_copied_adam_lines_keep_their_lost_subscripts() -> None:
    # a rendered page shows β₁; its plain-text copy has β1, which is β_1, not β times 1
    reading = read(DOCUMENTS / "rmsprop_notes_copied.txt")
    concepts = {f.text.strip(): set(f.concepts) for f in reading.formulas}
    assert concepts["v_t = β1 v_{t−1} + (1 − β1) g_t"] == {"ema"}
    assert concepts["s_t = β2 s_{t−1} + (1 − β2) g_t²"] == {"rmsprop"}
    assert "exponential_decay" not in concepts["1 − β1^t"]
