"""The formula reader now and at a baseline commit, timed side by side in one process.

    .venv/bin/python benchmarks/parse_baseline.py [--baseline REF] [--blocks 15]

The baseline's ``src/`` is taken out with ``git archive`` into a temporary folder and imported
in the same process as this tree's ``src/``: each side's ``thirdroad`` modules are kept apart
and put into ``sys.modules`` before its turn, so lazy imports inside either side find their own
code. The formulas of the corpora (``tests/data/formulas`` and ``tests/data/realtext``) are cut
into blocks of ``--block`` formulas; for each block the two sides take turns (each going first
half of the time), reading every formula and rendering the ones read (LaTeX, MathML, words,
Unicode); with ``--common`` only the formulas both sides read are timed (a side that reads more
formulas renders more). This is repeated ``--rounds`` times. Times are CPU times of this process (the
machine is shared: waiting for a core is not counted). Printed: each side's median time for the whole
corpus and the median over blocks of the ratio now/baseline (below 1: now is faster).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[str]:
    out: list[str] = []
    for folder in ("formulas", "realtext"):
        for path in sorted((ROOT / "tests" / "data" / folder).glob("*.toml")):
            with path.open("rb") as fh:
                out.extend(str(e["text"]) for e in tomllib.load(fh).get("formula", []))
    return out


@contextmanager
def source_tree(ref: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="thirdroad-parse-baseline-") as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"],
                                 check=True, capture_output=True).stdout
        tar_path = Path(tmp) / "src.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / "src"


def _ours(name: str) -> bool:
    return name == "thirdroad" or name.startswith("thirdroad.")


def load_side(src: Path) -> dict[str, ModuleType]:
    """Import ``thirdroad`` (the reader and its renderers) from ``src``; its modules, set apart."""
    for name in [n for n in sys.modules if _ours(n)]:
        del sys.modules[name]
    sys.path.insert(0, str(src))
    try:
        for name in ("thirdroad", "thirdroad.formula", "thirdroad.formula.latex",
                     "thirdroad.formula.mathml", "thirdroad.formula.words",
                     "thirdroad.formula.unicode"):
            importlib.import_module(name)
    finally:
        sys.path.remove(str(src))
    modules = {n: m for n, m in sys.modules.items() if _ours(n)}
    for name in modules:
        del sys.modules[name]
    return modules


def workload(modules: dict[str, ModuleType]) -> Callable[[list[str]], int]:
    formula = modules["thirdroad.formula"]
    renderers = [modules["thirdroad.formula.latex"].to_latex,
                 modules["thirdroad.formula.mathml"].to_mathml,
                 modules["thirdroad.formula.words"].to_words,
                 modules["thirdroad.formula.unicode"].to_unicode]
    parse, error = formula.parse, formula.FormulaError

    def run(corpus: list[str]) -> int:
        read = 0
        for text in corpus:
            try:
                root = parse(text).root
            except error:
                continue
            read += 1
            for render in renderers:
                render(root)
        return read

    return run


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--baseline", default="main", help="the commit to compare with")
    args.add_argument("--block", type=int, default=50, help="formulas per block")
    args.add_argument("--rounds", type=int, default=5, help="passes over the corpus")
    args.add_argument("--common", action="store_true", help="only the formulas both sides read")
    opts = args.parse_args()
    corpus = texts()
    blocks = [corpus[k : k + opts.block] for k in range(0, len(corpus), opts.block)]
    with source_tree(opts.baseline) as old_src:
        sides: dict[str, dict[str, ModuleType]] = {
            "baseline": load_side(old_src), "now": load_side(ROOT / "src")}
    runs = {label: workload(mods) for label, mods in sides.items()}
    read: dict[str, int] = {label: 0 for label in sides}
    per_round: dict[str, list[float]] = {label: [] for label in sides}
    ratios: list[float] = []

    def turn(label: str, block: list[str]) -> float:
        sys.modules.update(sides[label])
        start = time.process_time()
        read[label] += runs[label](block)
        spent = time.process_time() - start
        for name in sides[label]:
            del sys.modules[name]
        return spent

    readable: dict[str, set[str]] = {}
    for label in sides:  # warm up, and learn which formulas each side reads
        sys.modules.update(sides[label])
        readable[label] = {t for t in corpus if runs[label]([t])}
        for name in sides[label]:
            del sys.modules[name]
    if opts.common:  # time only what both sides read: reading more is not being slower
        corpus = [t for t in corpus if t in readable["baseline"] and t in readable["now"]]
        blocks = [corpus[k : k + opts.block] for k in range(0, len(corpus), opts.block)]
    for r in range(opts.rounds):
        spent = {label: 0.0 for label in sides}
        read = {label: 0 for label in sides}
        for k, block in enumerate(blocks):
            order: list[Any] = ["baseline", "now"] if (r + k) % 2 == 0 else ["now", "baseline"]
            took = {label: turn(label, block) for label in order}
            ratios.append(took["now"] / took["baseline"])
            for label in sides:
                spent[label] += took[label]
        for label in sides:
            per_round[label].append(spent[label])
    print(f"{len(corpus)} formulas (tests/data/formulas and tests/data/realtext), read and rendered; "
          f"{len(blocks)} blocks of {opts.block}, {opts.rounds} rounds, sides alternating; "
          f"baseline {opts.baseline}")
    for label in sides:
        t = per_round[label]
        print(f"  {label:9} read {read[label]:4}   median {statistics.median(t) * 1e3:8.1f} ms per pass "
              f"over the corpus (min {min(t) * 1e3:.1f}, max {max(t) * 1e3:.1f})")
    q = statistics.quantiles(ratios, n=4)
    print(f"  median ratio now/baseline over {len(ratios)} blocks: {statistics.median(ratios):.3f} "
          f"(quartiles {q[0]:.3f} .. {q[2]:.3f}; below 1: now is faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
