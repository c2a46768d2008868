"""The compiled template library, kept on disk between runs.

Compiling the catalog's templates (parse, canonical form, pattern, numeric fingerprints) would
take a good part of a short command's time: ``thirdroad explain "<formula>"`` would spend it on
every call. The compiled library is pickled with :mod:`thirdroad.disk_cache` (where, the key,
``THIRDROAD_CACHE=0``) under a digest of the formula reader's code and of the catalog's code and
data, so any change to them compiles afresh.

The recognizer finds a compiled template by its catalog template's identity, so the copy must
point at the live catalog's own ``Template`` objects, not at copies of them: each is pickled as
a reference (its concept's id and its place among the concept's formulas) and read back as the
live catalog's template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from thirdroad.disk_cache import Hooks, digest, read, write

if TYPE_CHECKING:
    from thirdroad.concepts import Catalog

# The library's own types live in ``templates``, which uses this module: named by shape here.
Library = Any
CompiledTemplate = Any
T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parents[1]
SOURCES = (PACKAGE / "formula", PACKAGE / "concepts")


class _CatalogTemplates(Hooks):
    """Pickles the catalog's templates as (concept id, index) and reads them back as the live
    catalog's own template objects."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.place = {id(t): (c.id, i) for c in catalog for i, t in enumerate(c.formulas)}

    def out(self, obj: Any) -> Any:
        return self.place.get(id(obj))

    def back(self, ref: Any) -> Any:
        concept, index = ref
        return self.catalog[concept].formulas[index]


def key() -> str:
    """A digest of everything the compiled library depends on."""
    return digest(*SOURCES)


def cached(catalog: Catalog, build: Callable[[], T]) -> T:
    """The library from the cache if it is there and current, else built (and stored)."""
    hooks = _CatalogTemplates(catalog)
    stored: Any = read("library", key(), hooks)
    if stored is not None:
        return _reindexed(stored)  # type: ignore[no-any-return]
    lib = build()
    write("library", key(), lib, hooks)
    return lib


def _reindexed(lib: Library) -> Library:
    """``lib`` with its index by template identity made again (the identities are this run's)."""
    first: dict[int, CompiledTemplate] = {}
    for ct in lib.all:  # a template's form as written comes before its variants without a bias
        first.setdefault(id(ct.template), ct)
    return replace(lib, by_template=first)
