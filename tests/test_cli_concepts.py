"""``thirdroad concepts``: a concept is found however its id is written, a near miss gets the
closest ids, and ``--plot`` writes the file it names and says where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from thirdroad import concepts
from thirdroad.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("written", "cid"), [
    ("Adam", "adam"), ("ADAMW", "adamw"), ("GRU", "gru"), ("leaky relu", "leaky_relu"), ("Leaky-ReLU", "leaky_relu"),
    ("Scaled dot-product attention", "scaled_dot_product_attention"), ("RMSProp", "rmsprop"),
    ("adaptive moment estimation", "adam"),  # an alias
])
def test_a_concept_is_found_in_any_case_and_by_its_names(written: str, cid: str) -> None:
    assert concepts.catalog().find(written).id == cid
    code, out, _ = run("concepts", written, "--json")
    assert code == 0 and json.loads(out)["id"] == cid


def test_the_card_of_adam_written_with_a_capital() -> None:
    code, out, _ = run("concepts", "Adam")
    assert code == 0 and "adam · Optimizers" in out and "What it does" in out


@pytest.mark.parametrize(("written", "suggested"), [("adma", "adam"), ("Adma", "adam"), ("soft max", "softmax"),
                                                    ("layer normalization", "layer_norm")])
def test_a_near_miss_gets_the_closest_ids(written: str, suggested: str) -> None:
    with pytest.raises(concepts.UnknownConceptError, match=f"did you mean .*'{suggested}'"):
        concepts.catalog().find(written)
    code, out, err = run("concepts", written)
    assert code == 2 and out == ""
    assert f"no concept {written!r}" in err and f"'{suggested}'" in err


def test_a_name_shared_by_two_concepts_is_not_guessed() -> None:
    shared = [c.id for c in concepts.catalog() if "log loss" in (a.lower() for a in (c.name, *c.aliases))]
    assert len(shared) == 2
    with pytest.raises(concepts.UnknownConceptError):
        concepts.catalog().find("log loss")


def test_plot_writes_the_file_and_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("concepts", "Adam", "--plot", "graph")  # no suffix: a PNG
    written = tmp_path / "graph.png"
    assert code == 0 and written.read_bytes().startswith(b"\x89PNG")
    assert str(written) in err.replace("\n", "") and "optimizers" in err
    assert str(written) not in out


def test_plot_with_json_keeps_the_output_json(tmp_path: Path) -> None:
    target = tmp_path / "graph.svg"
    code, out, err = run("concepts", "adam", "--json", "--plot", str(target))
    assert code == 0 and json.loads(out)["id"] == "adam"
    assert target.read_text().lstrip().startswith("<?xml") and str(target) in err.replace("\n", "")


def test_plot_of_a_family(tmp_path: Path) -> None:
    target = tmp_path / "f.png"
    code, _, err = run("concepts", "--family", "activations", "--plot", str(target))
    assert code == 0 and target.exists() and "activations family" in err


def test_plot_without_a_concept_or_family_says_what_it_needs(tmp_path: Path) -> None:
    target = tmp_path / "f.png"
    code, out, err = run("concepts", "--plot", str(target))
    assert code == 2 and not target.exists() and out == ""
    assert "--family" in err
