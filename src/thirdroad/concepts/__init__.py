"""The concept catalog: what things are called, in plain words, and what they are made of.

The module itself behaves as the catalog, so ``import thirdroad as tr`` gives::

    tr.concepts["adam"]                 # -> Concept
    "softmax" in tr.concepts            # ids
    for concept in tr.concepts: ...     # every Concept, family by family
    tr.concepts.family("optimizers")    # -> list[Concept]
    tr.concepts.search("moving average")
    tr.concepts.path("ema", "adam")     # -> ConceptPath, every step with its words
    tr.concepts.card("adam")            # plain-text card; card_rich for the terminal
    tr.concepts.plot_family("optimizers", "optimizers.png")

The data lives in ``concepts/data/<family>.toml`` (schema in ``_load.py``); it is read and
checked once, on first use. The NumPy references of the formula templates are in
``concepts/references/``, one module per family. This package imports nothing else of thirdroad.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thirdroad.concepts._catalog import Catalog, ConceptPath, NoPathError, UnknownConceptError
from thirdroad.concepts._load import CatalogError
from thirdroad.concepts._misstatements import NEAR_SENTENCES, Misstatement
from thirdroad.concepts._model import (
    AXES_PATTERN,
    DOMAINS,
    NEAR_MISS_KINDS,
    ROLE_WORDS,
    ROLES,
    VALUE_ROLES,
    Concept,
    Edge,
    Template,
    Variable,
)
from thirdroad.concepts._typical import TypicalValues, read_typical_values
from thirdroad.disk_cache import cached, digest

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from rich.console import RenderableType

__all__ = [
    "AXES_PATTERN",
    "DOMAINS",
    "NEAR_MISS_KINDS",
    "NEAR_SENTENCES",
    "ROLES",
    "ROLE_WORDS",
    "VALUE_ROLES",
    "Catalog",
    "CatalogError",
    "Concept",
    "ConceptPath",
    "Edge",
    "Misstatement",
    "NoPathError",
    "Template",
    "TypicalValues",
    "UnknownConceptError",
    "Variable",
    "card",
    "card_rich",
    "catalog",
    "family",
    "get",
    "ids",
    "list_rich",
    "list_text",
    "path",
    "plot_family",
    "references",
    "search",
    "typical_values",
]


@cache
def catalog() -> Catalog:
    """The catalog, loaded and validated on first call (and kept on disk between runs, under a
    digest of this package's code and data: see ``thirdroad.disk_cache``)."""
    return cached("catalog", _key(), Catalog.load)


@cache
def typical_values() -> TypicalValues:
    """The typical values for worked examples (``typical_values.toml``), read and checked on
    first call (a mistake raises CatalogError), and kept on disk beside the catalog."""
    return cached("typical", _key(), read_typical_values)


@cache
def _key() -> str:
    """The digest of this package's code and data that its copies on disk are kept under (read
    once in a process, as the catalog is)."""
    return digest(Path(__file__).parent)


def get(cid: str) -> Concept:
    """The concept with this id; raises UnknownConceptError with suggestions."""
    return catalog()[cid]


def ids() -> list[str]:
    return catalog().ids()


def family(name: str) -> list[Concept]:
    return catalog().family(name)


def search(query: str) -> list[Concept]:
    return catalog().search(query)


def path(source: str, target: str) -> ConceptPath:
    return catalog().path(source, target)


def card(cid: str) -> str:
    """The plain-text card of a concept, with how it is built from the roots."""
    from thirdroad.concepts._render import card_text

    return card_text(catalog(), cid)


def card_rich(cid: str) -> RenderableType:
    """The card as a rich renderable, for ``thirdroad concepts ID``."""
    from thirdroad.concepts._render import card_renderable

    return card_renderable(catalog(), cid)


def list_text(family_name: str | None = None) -> str:
    """Every concept (or one family's) as plain text, one line each."""
    from thirdroad.concepts._render import list_plain

    return list_plain(catalog(), family_name)


def list_rich(family_name: str | None = None) -> RenderableType:
    """The list as rich tables, one per family, for ``thirdroad concepts``."""
    from thirdroad.concepts._render import list_renderable

    return list_renderable(catalog(), family_name)


def plot_family(name: str, out: str | None = None, *, highlight: str | None = None) -> Figure:
    """Draw a family's "builds on" graph; save it as PNG if ``out`` is given."""
    from thirdroad.concepts._plot import plot_family as _plot

    return _plot(catalog(), name, out, highlight=highlight)


def __getattr__(name: str) -> Any:
    """The public submodules ``references`` load on first use (they are not needed to start)."""
    if name in ("references",):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _CatalogModule(types.ModuleType):
    """Lets the module be indexed and iterated like the catalog it holds."""

    def __getitem__(self, cid: str) -> Concept:
        return catalog()[cid]

    def __contains__(self, cid: object) -> bool:
        return cid in catalog()

    def __iter__(self) -> Iterator[Concept]:
        return iter(catalog())

    def __len__(self) -> int:
        return len(catalog())

    def __repr__(self) -> str:
        return f"<thirdroad.concepts: {len(catalog())} concepts in {len(catalog().families)} families>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


sys.modules[__name__].__class__ = _CatalogModule
