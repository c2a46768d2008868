"""The typical values worked examples use come from the catalog's data file, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from thirdroad import concepts
from thirdroad.concepts import _typical
from thirdroad.formula import explain


def test_the_file_is_read_and_every_array_is_as_wide_as_the_size() -> None:
    typical = concepts.typical_values()
    assert typical.size == 3 and all(len(v) == typical.size for v in typical.vectors)
    assert len(typical.matrix) == typical.size and typical.by_symbol["beta_1"] == 0.9


def test_worked_examples_use_those_values() -> None:
    typical = concepts.typical_values()
    first = "[" + ", ".join(f"{v:.3g}" for v in typical.vectors[0]) + "]"
    assert f"z = {first}" in explain(r"\frac{e^{z_k}}{\sum_m e^{z_m}}").lenses["action"]
    block = explain(r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2")
    assert f"β_1 = {typical.by_symbol['beta_1']:.4g}" in block.lenses["action"]


@pytest.mark.parametrize(("text", "complaint"), [
    ("vectors = [[1.0, 2.0]]\nmatrix = [[1.0]]\nscalar = 0.5\nstep = 1\n[by_variable]\n[by_symbol]\n", "wide"),
    ("vectors = [[1.0]]\nmatrix = [[1.0]]\nscalar = 0.5\n[by_variable]\n[by_symbol]\n", "keys"),
    ("vectors = [[1.0]]\nmatrix = [[1.0]]\nscalar = 0.5\nstep = 1\n[by_variable]\nbeta = 'x'\n[by_symbol]\n",
     "numbers"),
])
def test_a_mistake_in_the_file_fails_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                            complaint: str) -> None:
    path = tmp_path / "typical_values.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(_typical, "PATH", path)
    with pytest.raises(concepts.CatalogError, match=complaint):
        _typical.read_typical_values()
