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
