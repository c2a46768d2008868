"""The compiled template library kept on disk: read back, it is the library compiled afresh,
tied to the live catalog's own templates; a damaged or missing cache is compiled again."""

from __future__ import annotations

from pathlib import Path

import pytest

from thirdroad import concepts
from thirdroad.formula import library_cache
from thirdroad.formula.templates import Library, _compile_library, library


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("THIRDROAD_CACHE", raising=False)
    return tmp_path / "thirdroad"


def _shape(lib: Library) -> list[tuple[str, str, str, int]]:
    return [(ct.concept, ct.template.latex, ct.head, ct.size) for ct in lib.all]


def test_a_stored_library_reads_back_as_the_compiled_one(cache: Path) -> None:
    catalog = concepts.catalog()
    built = library_cache.cached(catalog, _compile_library)
    assert len(list(cache.glob("library-*.pickle"))) == 1
    read = library_cache.cached(catalog, lambda: pytest.fail("compiled again instead of read"))
    assert _shape(read) == _shape(built) == _shape(library())
    assert read.fingerprints.keys() == built.fingerprints.keys()
    # every compiled template points at the live catalog's template object, found by identity
    live = {id(t) for c in catalog for t in c.formulas}
    assert set(read.by_template) <= live and all(read.by_template[id(ct.template)].template is ct.template
                                                  for ct in read.all)
    # a template's form as written, not one of its variants without a bias, stands for it
    assert [(ct.pattern, ct.head) for ct in read.by_template.values()] == \
        [(ct.pattern, ct.head) for ct in library().by_template.values()]


def test_a_damaged_cache_is_compiled_again(cache: Path) -> None:
    catalog = concepts.catalog()
    library_cache.cached(catalog, _compile_library)
    (path,) = cache.glob("library-*.pickle")
    path.write_bytes(b"not a pickle")
    calls = []

    def build() -> Library:
        calls.append(1)
        return _compile_library()

    assert _shape(library_cache.cached(catalog, build)) == _shape(library()) and calls == [1]


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIRDROAD_CACHE", "0")
    library_cache.cached(concepts.catalog(), _compile_library)
    assert not cache.exists()
