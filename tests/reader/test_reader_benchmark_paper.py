"""The paper ``benchmarks/read.py`` times is a fair one: long, mostly new formulas, all read."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from thirdroad.reader import read

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "read.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("read_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_paper_has_the_pages_and_its_formulas_are_all_read() -> None:
    bench = load()
    source = bench.paper(4)
    assert len(source) >= 4 * bench.PAGE_CHARS
    reading = read(source, format="latex", progress=False)
    assert len(reading.formulas) >= 100
    assert all(f.explanation is not None for f in reading.formulas)
    # the copies differ: labelled parameters make most display formulas new to the reader
    labelled = [f.text for f in reading.formulas if "^{(1)}" in f.text]
    assert labelled and not set(labelled) & {f.text for f in reading.formulas if "^{(3)}" in f.text}


def test_the_distinct_paper_is_new_text_almost_everywhere_and_still_the_same_concepts() -> None:
    bench = load()
    copies = read(bench.paper(4, "copies"), format="latex", progress=False)
    distinct = read(bench.paper(4, "distinct"), format="latex", progress=False)
    assert len(distinct.formulas) == len(copies.formulas) >= 100
    texts = [f.text for f in distinct.formulas]
    # only formulas without a variable ($t$, $(0, 1)$) and a copy's own repeats ($p$) recur
    assert len(set(texts)) >= 0.9 * len(texts)
    assert len({f.text for f in copies.formulas}) < 0.6 * len(texts)
    assert "v_{0,t} = \\beta_{0} v_{0,t-1} + (1 - \\beta_{0}) g_{0,t}" in texts
    assert "\\ell_{\\delta_{1}}(r_{1}) = " in " ".join(texts)
    # the labels change names, not meaning: each formula is the concepts its twin is
    assert all(d.error is None for d in distinct.formulas)
    assert [d.concepts for d in distinct.formulas] == [c.concepts for c in copies.formulas]


def test_labelling_leaves_words_indices_and_function_names_alone() -> None:
    label = load().label_variables
    assert label(r"\operatorname{ReLU}(z) = \max(0, z)", 3) == r"\operatorname{ReLU}(z_{3}) = \max(0, z_{3})"
    assert label(r"\sum_{k=1}^{K} y_k \log p_k", 2) == r"\sum_{k=1}^{K_{2}} y_{2,k} \log p_{2,k}"
    assert label(r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}", 5) == \
        r"\hat{m}_{5,t} = \frac{m_{5,t}}{1 - \beta_{5,1}^t}"
    assert label(r"\ell_\delta(r) \label{eq:huber}", 1) == r"\ell_{\delta_{1}}(r_{1}) \label{eq:huber}"
