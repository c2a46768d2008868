"""Results kept on disk between runs, so that a short command does not redo them every time.

Two things are worth keeping: the concept catalog read and checked from its TOML files
(``thirdroad.concepts``) and the template library compiled from it (``thirdroad.formula``).
Each is pickled under a **key**, a digest of the *contents* of every file it is computed from
(the code and the data), of Python's and NumPy's versions; any change to any of them gives
another key, so a stale copy is never read, whatever the files' times say.

Where: ``$XDG_CACHE_HOME/thirdroad``, else ``~/.cache/thirdroad`` (never inside the installed
package, which may be read-only); ``THIRDROAD_CACHE=0`` turns caching off. A copy is written
to a temporary file and renamed into place, so a process starting at the same moment reads a
whole copy or none. A cache that cannot be read or written is skipped: it only saves time,
never decides anything.

Like ``thirdroad.errors`` this module imports nothing of thirdroad: every package may use it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Hooks", "cached", "digest", "folder", "read", "write"]

T = TypeVar("T")
KEEP_UNUSED = 7 * 24 * 3600  # seconds: a copy no run has read for a week is dropped
SOURCE_SUFFIXES = (".py", ".toml")
FORMAT = 2  # of the keys and copies (1: library_cache's keys from file sizes and times)


class Hooks:
    """How to pickle references to objects that live elsewhere (see :mod:`pickle`'s
    ``persistent_id``): ``out(obj)`` returns an id for an object kept by reference (None for one
    to pickle whole), ``back(id)`` returns the object for an id when the copy is read."""

    def out(self, obj: Any) -> Any:
        return None

    def back(self, ref: Any) -> Any:
        raise pickle.UnpicklingError(f"no object for the reference {ref!r}")


def folder() -> Path | None:
    """Where copies live (None when caching is turned off)."""
    if os.environ.get("THIRDROAD_CACHE", "1") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "thirdroad"


def _sources(directory: str) -> Iterator[os.DirEntry[str]]:
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    yield from _sources(entry.path)
            elif entry.name.endswith(SOURCE_SUFFIXES):
                yield entry


def digest(*directories: Path) -> str:
    """A digest of the names and contents of every source and data file (``.py``, ``.toml``)
    under ``directories``, and of the Python and NumPy versions (about 3 ms for 1 MB)."""
    import numpy  # a copy may hold NumPy values, whose pickled form NumPy may change

    h = hashlib.sha256(f"{FORMAT}|{sys.version}|{numpy.__version__}".encode())
    for directory in directories:
        for entry in sorted(_sources(str(directory)), key=lambda e: e.path):
            h.update(os.path.relpath(entry.path, directory).encode() + b"\0")
            with open(entry.path, "rb") as fh:
                content = fh.read()
            h.update(len(content).to_bytes(8, "little") + content)
    return h.hexdigest()[:32]


def _path(name: str, key: str) -> Path | None:
    where = folder()
    return None if where is None else where / f"{name}-{key}.pickle"


def read(name: str, key: str, hooks: Hooks | None = None) -> Any:
    """The copy stored as ``name`` under ``key``, or None when there is none (or caching is off,
    or the copy cannot be read back)."""
    path = _path(name, key)
    if path is None:
        return None
    try:
        with path.open("rb") as fh:
            unpickler = pickle.Unpickler(fh)
            if hooks is not None:
                unpickler.persistent_load = hooks.back  # type: ignore[method-assign]
            return unpickler.load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError, IndexError, KeyError):
        return None  # not there yet, cut short, or from code that has gone: build it again


def write(name: str, key: str, value: object, hooks: Hooks | None = None) -> None:
    """Store ``value`` as ``name`` under ``key``, whole or not at all; drop copies of ``name``
    unused for a week. Nothing happens where the folder cannot be written."""
    path = _path(name, key)
    if path is None:
        return
    import tempfile

    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _drop_old(path)
        handle, name_ = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        temporary = Path(name_)
        with os.fdopen(handle, "wb") as fh:
            pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
            if hooks is not None:
                pickler.persistent_id = hooks.out  # type: ignore[method-assign]
            pickler.dump(value)
        os.replace(temporary, path)  # atomic: a reader finds no copy or a whole one, never a part
        temporary = None
    except OSError:
        return  # a read-only or full disk: the next run builds it again
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _drop_old(path: Path) -> None:
    """Drop copies of the same name unused for a week, and temporary files left by a crash."""
    now = time.time()
    stem = path.name.split("-")[0]
    for old in (*path.parent.glob(f"{stem}-*.pickle"), *path.parent.glob(f".{stem}-*.tmp")):
        try:
            seen = old.stat()
            if old != path and now - max(seen.st_atime, seen.st_mtime) > KEEP_UNUSED:
                old.unlink()
        except FileNotFoundError:
            continue  # another process dropped it first


def cached(name: str, key: str, build: Callable[[], T], hooks: Hooks | None = None) -> T:
    """``build()``, read from the copy stored under ``key`` if there is one, else built and stored."""
    found: T | None = read(name, key, hooks)
    if found is not None:
        return found
    value = build()
    write(name, key, value, hooks)
    return value
