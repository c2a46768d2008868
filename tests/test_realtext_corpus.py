"""The real-text development corpus (tests/data/realtext/) is well formed.

These tests check the files' shape and their agreement with the folder's README; they never
assert what thirdroad recognises (that is benchmarks/realtext.py's job).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import thirdroad

FOLDER = Path(__file__).parent / "data" / "realtext"
README = FOLDER / "README.md"
SOURCE_FIELDS = {"name": str, "kind": str, "origin": str, "license": str, "extracted_by": str}
FORMULA_FIELDS = {"id": str, "where": str, "display": bool, "text": str, "core": list, "also": list,
                  "fragment": bool}
OPTIONAL_FIELDS = {"context": str, "note": str, "slip": str}
SLIP_KINDS = {"lost_exp", "lost_sqrt", "lost_square", "swapped_beta", "flipped_sign", "wrong_normaliser",
              "missing_eps"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _sources() -> list[Path]:
    return sorted(p for p in FOLDER.glob("*.toml") if p.name != "slips.toml")


def _load(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def _new_ids() -> set[str]:
    return set(re.findall(r"^- `([a-z0-9_]+)`", _readme_section("Concept ids not yet in the catalog"), re.M))


def _claims() -> dict[str, tuple[str, str, int]]:
    """source name -> (origin, licence, display floor), from the README's sources table."""
    rows = {}
    for line in _readme_section("Sources").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[5].isdigit():
            rows[cells[0]] = (cells[2], cells[3], int(cells[5]))
    return rows


SOURCES = _sources()


def test_the_corpus_has_sources() -> None:
    assert len(SOURCES) >= 5, "issue 11 asks for at least five sources"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_source_schema(path: Path) -> None:
    data = _load(path)
    assert set(data) == {"source", "formula"}, f"{path.name}: top-level tables are [source] and [[formula]]"
    source = data["source"]
    for key, kind in SOURCE_FIELDS.items():
        assert isinstance(source.get(key), kind) and source[key].strip(), f"{path.name}: source.{key} missing"
    assert source["name"] == path.stem, f"{path.name}: source.name must be the file's name"
    known = set(FORMULA_FIELDS) | set(OPTIONAL_FIELDS)
    for f in data["formula"]:
        where = f"{path.name}:{f.get('id')}"
        for key, kind in FORMULA_FIELDS.items():
            assert isinstance(f.get(key), kind), f"{where}: {key} must be a {kind.__name__}"
        for key, kind in OPTIONAL_FIELDS.items():
            assert key not in f or isinstance(f[key], kind), f"{where}: {key} must be a {kind.__name__}"
        extra = set(f) - known
        assert not extra, f"{where}: unknown fields {sorted(extra)} (add them to the README and this test)"
        assert f["text"].strip() and f["where"].strip(), f"{where}: empty text or place"
        assert all(isinstance(c, str) for c in f["core"] + f["also"]), f"{where}: ids are strings"
        if f["fragment"]:
            assert not f["core"], f"{where}: a fragment has no core concept"
        assert not set(f["core"]) & set(f["also"]), f"{where}: an id is in both core and also"
        if "slip" in f:
            assert f["slip"] in f["core"] + f["also"], f"{where}: the slip's concept is one the formula is labelled"
            assert f.get("note", "").strip(), f"{where}: a slip says in its note what the source gets wrong"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_ids_are_unique(path: Path) -> None:
    ids = [f["id"] for f in _load(path)["formula"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{path.name}: ids used twice: {duplicates}"


def test_source_names_are_unique() -> None:
    names = [_load(p)["source"]["name"] for p in SOURCES]
    assert len(names) == len(set(names))


def test_every_concept_id_is_known() -> None:
    """Every id is the catalog's or listed in the README as not yet in it."""
    listed = _new_ids()
    assert listed, "the README's list of ids not yet in the catalog is empty"
    unknown: dict[str, list[str]] = {}
    for path in SOURCES:
        for f in _load(path)["formula"]:
            for cid in f["core"] + f["also"]:
                assert SNAKE.match(cid), f"{path.name}:{f['id']}: '{cid}' is not a snake_case id"
                if cid not in thirdroad.concepts and cid not in listed:
                    unknown.setdefault(cid, []).append(f"{path.stem}/{f['id']}")
    assert not unknown, f"ids neither in the catalog nor in the README's list: {unknown}"


def test_readme_lists_each_source_with_origin_and_licence() -> None:
    claims = _claims()
    for path in SOURCES:
        source = _load(path)["source"]
        assert source["name"] in claims, f"README's sources table lacks {source['name']}"
        origin, licence, _ = claims[source["name"]]
        assert origin == source["origin"], f"{path.name}: README says origin {origin}"
        assert licence == source["license"], f"{path.name}: README says licence {licence}"


def test_display_counts_meet_the_readme() -> None:
    claims = _claims()
    for path in SOURCES:
        data = _load(path)
        display = sum(f["display"] for f in data["formula"])
        floor = claims.get(data["source"]["name"], ("", "", 0))[2]
        assert display >= floor, f"{path.name}: {display} display formulas, README claims {floor}"


def test_the_slip_set_points_at_corpus_formulas() -> None:
    path = FOLDER / "slips.toml"
    if not path.exists():
        pytest.skip("no slip set yet (benchmarks/corpus/slips.py writes it)")
    formulas = {f"{p.stem}/{f['id']}": f for p in SOURCES for f in _load(p)["formula"]}
    slips = _load(path)["slip"]
    assert slips, "the slip set is empty"
    ids = [s["id"] for s in slips]
    assert len(ids) == len(set(ids)), "slip ids are unique"
    for s in slips:
        assert s["kind"] in SLIP_KINDS, f"{s['id']}: unknown kind {s['kind']}"
        assert s["of"] in formulas, f"{s['id']}: {s['of']} is not a corpus formula"
        source = formulas[s["of"]]
        assert s["concept"] in source["core"] + source["also"], f"{s['id']}: {s['concept']} is not a label of {s['of']}"
        assert s["text"] != source["text"], f"{s['id']}: the mutation changed nothing"
