"""The disk cache of the catalog and the template library (``thirdroad.disk_cache``): a copy is
read only under the digest of the files it was built from, is written whole or not at all, and
a cache that cannot be written changes nothing but the time taken.

The end-to-end tests run a copy of the package in fresh processes (as ``thirdroad explain``
does), change its data and code, and look at what is printed and what the cache holds."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import thirdroad
from thirdroad import concepts, disk_cache

PACKAGE = Path(thirdroad.__file__).parent
SOFTMAX = r"\frac{e^{z_k}}{\sum_m e^{z_m}}"
SCRIPT = f"""
import thirdroad.concepts as c
from thirdroad.formula import explain
print(c.get("softmax").summary)
print(explain(r"{SOFTMAX}").to_text())
print(explain(r"v = \\beta v + (1-\\beta) g \\\\ \\theta = \\theta - \\alpha v").to_text())
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("THIRDROAD_CACHE", raising=False)
    return tmp_path / "xdg" / "thirdroad"


def _copy_package(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "thirdroad", ignore=shutil.ignore_patterns("__pycache__"))
    return src


def _run(src: Path, xdg: Path, *, cache_off: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(xdg), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("THIRDROAD_CACHE", None)
    if cache_off:
        env["THIRDROAD_CACHE"] = "0"
    return subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _output(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out


def _held(xdg: Path) -> dict[str, int]:
    names = [p.name.split("-")[0] for p in (xdg / "thirdroad").glob("*.pickle")]
    return {name: names.count(name) for name in sorted(set(names))}


def test_a_changed_data_or_code_file_is_never_read_stale(tmp_path: Path) -> None:
    src, xdg = _copy_package(tmp_path), tmp_path / "xdg"
    first = _output(_run(src, xdg))
    assert _held(xdg) == {"catalog": 1, "library": 1, "typical": 1}
    assert _output(_run(src, xdg)) == first  # read back: the same

    data = src / "thirdroad" / "concepts" / "data" / "activations.toml"
    stat = data.stat()
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("Softmax turns a list", "Softmax (edited) turns a list", 1), encoding="utf-8")
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same time: the content decides
    edited = _output(_run(src, xdg))
    assert "Softmax (edited) turns a list" in edited and edited != first
    assert _held(xdg) == {"catalog": 2, "library": 2, "typical": 2}  # the library is compiled from the catalog

    code = src / "thirdroad" / "formula" / "normal_form.py"
    code.write_text(code.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    os.utime(data)  # a new time alone changes nothing
    assert _output(_run(src, xdg)) == edited
    assert _held(xdg) == {"catalog": 2, "library": 3, "typical": 2}


def test_processes_starting_at_once_agree_with_each_other_and_with_no_cache(tmp_path: Path) -> None:
    src, xdg = _copy_package(tmp_path), tmp_path / "xdg"
    together = [_run(src, xdg) for _ in range(3)]
    without = _run(src, tmp_path / "unused", cache_off=True)
    outputs = {_output(p) for p in together}
    assert outputs == {_output(without)}
    assert _held(xdg) == {"catalog": 1, "library": 1, "typical": 1}
    assert not list((xdg / "thirdroad").glob(".*.tmp"))  # every copy was written whole, then renamed
    assert not (tmp_path / "unused").exists()
    assert _output(_run(src, xdg)) in outputs  # and read back by a later run


def test_a_catalog_read_back_is_the_catalog(cache: Path) -> None:
    key = disk_cache.digest(PACKAGE / "concepts")
    built = disk_cache.cached("catalog", key, concepts.Catalog.load)
    read = disk_cache.cached("catalog", key, lambda: pytest.fail("loaded again instead of read"))
    assert read is not built and list(read) == list(built) and read.titles == built.titles
    assert [c.source_file for c in read] == [c.source_file for c in built]
    assert read.path("ema", "adam").concepts == built.path("ema", "adam").concepts


def test_the_digest_follows_contents_and_names(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.toml").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 2\n")
    (tmp_path / "notes.txt").write_text("not a source")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "b.py").write_text("ignored")
    first = disk_cache.digest(tmp_path)
    (tmp_path / "notes.txt").write_text("still not a source")
    (tmp_path / "__pycache__" / "b.py").write_text("still ignored")
    assert disk_cache.digest(tmp_path) == first
    (tmp_path / "sub" / "a.toml").write_text("x = 2\n")
    second = disk_cache.digest(tmp_path)
    assert second != first
    (tmp_path / "sub" / "a.toml").rename(tmp_path / "sub" / "c.toml")
    assert disk_cache.digest(tmp_path) not in (first, second)


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # no folder can be made under a file
    monkeypatch.delenv("THIRDROAD_CACHE", raising=False)
    calls: list[int] = []
    assert disk_cache.cached("thing", "k", lambda: calls.append(1) or "built") == "built"
    assert disk_cache.cached("thing", "k", lambda: calls.append(1) or "built") == "built"
    assert calls == [1, 1]


def test_a_damaged_copy_is_built_again(cache: Path) -> None:
    disk_cache.write("thing", "k", {"a": 1})
    (cache / "thing-k.pickle").write_bytes(pickle.dumps({"a": 1})[:-3])  # cut short
    assert disk_cache.cached("thing", "k", lambda: {"a": 2}) == {"a": 2}
    assert disk_cache.read("thing", "k") == {"a": 2}


def test_a_failed_write_leaves_no_copy_and_no_temporary_file(cache: Path) -> None:
    class Unpicklable:
        def __reduce__(self) -> tuple[object, ...]:
            raise OSError("disk full")

    disk_cache.write("thing", "k", [1, 2, Unpicklable()])
    assert disk_cache.read("thing", "k") is None
    assert not [p for p in cache.iterdir()]


def test_copies_unused_for_a_week_are_dropped(cache: Path) -> None:
    disk_cache.write("thing", "old", 1)
    disk_cache.write("other", "old", 1)
    week_ago = time.time() - 8 * 24 * 3600
    for path in cache.iterdir():
        os.utime(path, (week_ago, week_ago))
    disk_cache.write("thing", "new", 2)
    assert sorted(p.name for p in cache.iterdir()) == ["other-old.pickle", "thing-new.pickle"]


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIRDROAD_CACHE", "0")
    assert disk_cache.cached("thing", "k", lambda: 3) == 3
    assert disk_cache.folder() is None and not cache.exists()
