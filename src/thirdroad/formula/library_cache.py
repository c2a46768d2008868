"""The compiled template library, kept on disk between runs.

Compiling the catalog's templates (parse, canonical form, pattern, numeric fingerprints) takes
most of a short command's time: ``thirdroad explain "<formula>"`` would spend it on every call.
The compiled library is pickled to the user's cache folder (``$XDG_CACHE_HOME/thirdroad``, else
``~/.cache/thirdroad``; ``THIRDROAD_CACHE=0`` turns it off) under a key made of the package's
version and the size and time of every file the compilation reads (the formula reader's code,
the catalog's code and data), so any change to them compiles afresh. A cache that cannot be
read or written is skipped: it only saves time, it never decides anything.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from thirdroad.concepts import Catalog, Template

# The library's own types live in ``templates``, which uses this module: named by shape here.
Library = Any
CompiledTemplate = Any
T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parents[1]


def folder() -> Path | None:
    """Where the cache lives (None when it is turned off)."""
    if os.environ.get("THIRDROAD_CACHE", "1") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "thirdroad"


def key() -> str:
    """A digest of everything the compiled library depends on."""
    digest = hashlib.sha256(b"thirdroad-library-1")
    for sub in ("formula", "concepts"):
        for path in sorted((PACKAGE / sub).rglob("*")):
            if path.suffix in (".py", ".toml"):
                stat = path.stat()
                digest.update(f"{path.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:32]


def _live(catalog: Catalog) -> Callable[[CompiledTemplate], Template]:
    """The catalog's own template object for a compiled template read back from the cache (the
    recognizer finds compiled templates by their template's identity)."""
    def find(ct: CompiledTemplate) -> Template:
        formulas = catalog[ct.concept].formulas
        return formulas[formulas.index(ct.template)]

    return find


def _rebound(lib: Library, catalog: Catalog) -> Library:
    """``lib`` with every compiled template pointing at the live catalog's template."""
    find = _live(catalog)
    new = {id(ct): replace(ct, template=find(ct)) for ct in lib.all}

    def each(cts: Iterable[CompiledTemplate]) -> tuple[CompiledTemplate, ...]:
        return tuple(new[id(ct)] for ct in cts)

    fingerprints = {slots: {value: each(cts) for value, cts in by_value.items()}
                    for slots, by_value in lib.fingerprints.items()}
    every = each(lib.all)
    first: dict[int, CompiledTemplate] = {}
    for ct in every:  # a template's form as written comes before its variants without a bias
        first.setdefault(id(ct.template), ct)
    return replace(lib, by_head={head: each(cts) for head, cts in lib.by_head.items()}, all=every,
                   fingerprints=fingerprints, by_template=first)


def cached(catalog: Catalog, build: Callable[[], T]) -> T:
    """The library from the cache if it is there and current, else built (and stored)."""
    where = folder()
    if where is None:
        return build()
    path = where / f"library-{key()}.pickle"
    stored: Any = None
    try:
        with path.open("rb") as fh:
            stored = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        stored = None  # not there yet, or cut short: build it
    if stored is not None:
        rebound: T = _rebound(stored, catalog)
        return rebound
    lib = build()
    _store(lib, where, path)
    return lib


def _store(lib: object, where: Path, path: Path) -> None:
    """Write ``lib`` to ``path`` whole or not at all; drop copies unused for a week."""
    try:
        where.mkdir(parents=True, exist_ok=True)
        week = 7 * 24 * 3600
        for old in where.glob("library-*.pickle"):
            if old != path and time.time() - old.stat().st_mtime > week:
                old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=where, suffix=".tmp", delete=False) as fh:
            temporary = Path(fh.name)
            pickle.dump(lib, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        return  # a read-only home: the next run compiles again
