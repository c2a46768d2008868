"""The corpus: formulas collected from deep-learning documentation and classic papers.

Every formula must be read; each carries checks of its key subtrees (``has``), a hand-checked
sample carries its exact structure (``tree``), and every numeric one is compiled and held
against the direct evaluator on random inputs.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from thirdroad.formula import FormulaError, parse
from thirdroad.formula.ast import Node, Symbol
from thirdroad.formula.compile import compile
from thirdroad.formula.evaluate import evaluate

from .sexpr import sexpr

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "formulas"


def load_corpus() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in sorted(CORPUS_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            for entry in tomllib.load(fh)["formula"]:
                entry["file"] = path.stem
                entries.append(entry)
    return entries


CORPUS = load_corpus()
IDS = [e["id"] for e in CORPUS]


def test_corpus_size_and_ids() -> None:
    assert len(CORPUS) >= 400
    assert len(set(IDS)) == len(IDS), "ids must be unique"
    assert all(e.get("from") for e in CORPUS), "every formula says where it comes from"
    assert sum("tree" in e for e in CORPUS) >= 60, "a hand-checked sample of 60"


def test_at_least_99_percent_parse() -> None:
    failures = []
    for e in CORPUS:
        try:
            parse(e["text"], notation=e.get("notation"))
        except FormulaError as exc:
            failures.append((e["id"], exc.message))
    assert len(failures) <= 0.01 * len(CORPUS), failures


def _subtrees(root: Node) -> set[Node]:
    return set(root.walk())


@pytest.mark.parametrize("entry", CORPUS, ids=IDS)
def test_structure(entry: dict[str, Any]) -> None:
    if "xfail" in entry:
        with pytest.raises(FormulaError):
            parse(entry["text"], notation=entry.get("notation"))
        pytest.xfail(entry["xfail"])
    f = parse(entry["text"], notation=entry.get("notation"))
    if "tree" in entry:
        assert sexpr(f.root) == entry["tree"]
    inside = _subtrees(f.root)
    for snippet in entry.get("has", []):
        part = parse(snippet, notation="latex").root
        assert part in inside, (snippet, f.latex)
    assert parse(f.latex, notation="latex") == f


def _shapes(fn: Any, entry: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    given = {k: tuple(v) for k, v in entry.get("shapes", {}).items()}
    sizes: dict[str, int] = {}
    for shape_name, shape in given.items():
        del shape_name
        for k, n in enumerate(shape):
            sizes.setdefault(f"#{k}", n)
    program = fn.program
    shapes: dict[str, tuple[int, ...]] = {}
    for step in program.steps:
        for node in step.value.walk():
            if isinstance(node, Symbol):
                name, axes = program.name_of(node, step.axes)
                if axes and name not in given:
                    shapes[name] = tuple(3 + (ord(a) % 2) for a in axes)
    shapes.update(given)
    return shapes


@pytest.mark.parametrize("entry", [e for e in CORPUS if e.get("numeric", True)],
                         ids=[e["id"] for e in CORPUS if e.get("numeric", True)])
def test_numeric(entry: dict[str, Any]) -> None:
    fn = compile(entry["text"], notation=entry.get("notation"))
    shapes = _shapes(fn, entry)
    rng = np.random.default_rng(abs(hash(entry["id"])) % 2**32)
    values = {}
    for name in fn.inputs:
        shape = shapes.get(name, ())
        values[name] = rng.uniform(0.2, 0.9, size=shape) if shape else float(rng.uniform(0.2, 0.9))
    got = fn(**values)
    # the function takes the names as written (eps); the evaluator reads them as parsed (epsilon)
    read_as = dict(zip(fn.inputs, fn.program.inputs, strict=True))
    want = evaluate(fn.formula, **{read_as[name]: value for name, value in values.items()})
    if isinstance(got, dict):
        for key in got:
            np.testing.assert_allclose(got[key], want[key], rtol=1e-9, atol=1e-12)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
