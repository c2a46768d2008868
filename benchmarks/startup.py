"""How long ``thirdroad explain "<formula>"`` takes from the shell until it has printed.

    python benchmarks/startup.py [--runs 15] [--baseline 3865be8] [--bytecode compiled|none|both]

Three commands side by side: ``python -c pass`` (the interpreter alone), ``thirdroad explain``
from this tree, and the same from a previous release (a ``git worktree`` of ``--baseline``,
removed afterwards). Each tree's ``thirdroad`` is run as the script ``pip install`` makes of its
own ``[project.scripts]`` entry point (``from thirdroad.__main__ import main; sys.exit(main())``
here, ``thirdroad.cli:main`` in older releases). Each run is a fresh process; the commands take turns run after run (the
order rotating), so that the machine's load falls on all of them alike. Two clocks: the **wall**
time from start to exit (the explanation is printed before the process exits) and the **CPU**
time of the child (user + system), which suffers far less from other processes on a busy
machine. Medians and best runs; the load average before and after; the target is 0.25 s wall.

Each tree runs from a fresh copy of its ``src``, with its own empty disk cache
(``XDG_CACHE_HOME``): the first run of each fills it and is shown apart ("first run"). Bytecode:
``compiled`` byte-compiles the copies first (what ``pip install`` and ``make`` do), ``none``
runs them with no bytecode at all and ``PYTHONDONTWRITEBYTECODE=1`` (a source checkout in an
environment that sets it: every module is compiled on every run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from _timing import print_table

ROOT = Path(__file__).resolve().parents[1]
FORMULA = r"\frac{e^{z_k}}{\sum_m e^{z_m}}"
TARGET = 0.25


@dataclass
class Side:
    """One command to time, with the environment it runs in."""

    name: str
    argv: list[str]
    env: dict[str, str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    first: tuple[float, float] | None = None
    output: str | None = None

    def run(self) -> tuple[float, float]:
        """(wall, cpu) seconds of one run; the output must be the same every time."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(self.argv, env=self.env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{self.name} failed:\n{done.stderr}")
        if self.output is not None and done.stdout != self.output:
            raise SystemExit(f"{self.name} printed something else on a later run")
        self.output = done.stdout
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


@contextlib.contextmanager
def baseline_tree(commit: str) -> Iterator[Path]:
    """A ``git worktree`` of ``commit``, removed afterwards."""
    where = Path(tempfile.mkdtemp(prefix="thirdroad-baseline-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(where), commit],
                   check=True)
    try:
        yield where
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)], check=False)
        shutil.rmtree(where, ignore_errors=True)


def _copy(src: Path, to: Path, compiled: bool) -> Path:
    """A copy of a tree's ``src`` without its bytecode, byte-compiled again if ``compiled``."""
    shutil.copytree(src, to, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    if compiled:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(to)], check=True)
    return to


def _script(tree: Path) -> str:
    """What the ``thirdroad`` script that pip makes of ``tree``'s entry point runs."""
    with (tree / "pyproject.toml").open("rb") as fh:
        module, function = tomllib.load(fh)["project"]["scripts"]["thirdroad"].split(":")
    return f"import sys\nfrom {module} import {function}\nsys.argv[0] = 'thirdroad'\nsys.exit({function}())"


def _sides(trees: dict[str, Path], work: Path, compiled: bool) -> list[Side]:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "THIRDROAD_CACHE")}
    base["PYTHONDONTWRITEBYTECODE"] = "1"  # runs never write bytecode: each mode stays what it says
    sides = [Side("python -c pass", [sys.executable, "-c", "pass"], base)]
    for name, tree in trees.items():
        src = _copy(tree / "src", work / name / "src", compiled)
        env = {**base, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(work / name / "cache")}
        sides.append(Side(f"thirdroad explain ({name})", [sys.executable, "-c", _script(tree), "explain", FORMULA],
                          env))
    return sides


def measure(trees: dict[str, Path], runs: int, compiled: bool) -> list[Side]:
    with tempfile.TemporaryDirectory(prefix="thirdroad-startup-") as tmp:
        sides = _sides(trees, Path(tmp), compiled)
        for side in sides:
            side.first = side.run()  # fills the disk cache and the file system's
        for i in range(runs):
            for side in sides[i % len(sides):] + sides[:i % len(sides)]:
                wall, cpu = side.run()
                side.wall.append(wall)
                side.cpu.append(cpu)
    return sides


def report(sides: list[Side], runs: int, mode: str, load: tuple[float, float]) -> bool:
    print(f"\nbytecode: {mode}; {runs} runs each, interleaved; load average (1 min) {load[0]:.2f} before, "
          f"{load[1]:.2f} after; target {TARGET} s wall")
    rows = []
    for s in sides:
        first = f"{s.first[0]:.3f} / {s.first[1]:.3f}" if s.first else "-"
        rows.append((s.name, f"{statistics.median(s.wall):.3f}", f"{min(s.wall):.3f}",
                     f"{statistics.median(s.cpu):.3f}", f"{min(s.cpu):.3f}", first))
    print_table(("command", "wall median s", "wall best s", "CPU median s", "CPU best s",
                 "first run wall / CPU s"), rows)
    ours = next(s for s in sides if s.name.endswith("(this tree)"))
    bare = sides[0]
    met = statistics.median(ours.wall) <= TARGET
    print(f"this tree: {'met' if met else 'MISSED'}: {statistics.median(ours.wall):.3f} s wall median, "
          f"{statistics.median(ours.wall) - statistics.median(bare.wall):.3f} s wall and "
          f"{statistics.median(ours.cpu) - statistics.median(bare.cpu):.3f} s CPU above the bare interpreter")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", default="3865be8", help="the previous release's commit ('' for none)")
    parser.add_argument("--bytecode", choices=("compiled", "none", "both"), default="both")
    args = parser.parse_args(argv)
    modes = ("compiled", "none") if args.bytecode == "both" else (args.bytecode,)
    met = True
    with contextlib.ExitStack() as stack:
        trees = {"this tree": ROOT}
        if args.baseline:
            trees[f"previous, {args.baseline}"] = stack.enter_context(baseline_tree(args.baseline))
        for mode in modes:
            before = os.getloadavg()[0]
            sides = measure(trees, args.runs, compiled=mode == "compiled")
            met = report(sides, args.runs, mode, (before, os.getloadavg()[0])) and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
