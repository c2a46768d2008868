"""How long ``thirdroad explain "<formula>"`` takes from the shell until it has printed.

    python benchmarks/startup.py [--runs 15] [--previous PATH]

Each run is a fresh process, timed by wall clock from start to exit (the explanation is printed
before the process exits). Beside it, ``python -c pass`` (the interpreter alone) and, with
``--previous``, the same command run from another checkout (its ``src`` on ``PYTHONPATH``; a
``git worktree`` of an earlier commit). The three are run in turn, run after run, so that the
machine's load falls on all of them alike; the table gives the median and the best run of each,
and the target: 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMULA = r"\frac{e^{z_k}}{\sum_m e^{z_m}}"
TARGET = 0.25


def _timed(args: list[str], src: Path | None) -> float:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--previous", type=Path, default=None, help="another checkout to compare with")
    args = parser.parse_args(argv)
    explain = [sys.executable, "-m", "thirdroad.cli", "explain", FORMULA]
    commands: dict[str, tuple[list[str], Path | None]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], None),
        "thirdroad explain (this tree)": (explain, ROOT / "src"),
    }
    if args.previous is not None:
        commands["thirdroad explain (previous)"] = (explain, args.previous.resolve() / "src")
    for command, src in commands.values():  # warm the file cache and any cache of our own
        _timed(command, src)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (command, src) in commands.items():
            times[name].append(_timed(command, src))
    print(f"wall time from start to exit, {args.runs} runs each, interleaved; target {TARGET} s\n")
    print(f"{'command':<32} {'median s':>9} {'best s':>8}")
    for name, values in times.items():
        print(f"{name:<32} {statistics.median(values):>9.3f} {min(values):>8.3f}")
    ours = statistics.median(times["thirdroad explain (this tree)"])
    print(f"\nthis tree: {'met' if ours <= TARGET else 'MISSED'} "
          f"({ours - statistics.median(times['python -c pass']):.3f} s above the bare interpreter)")
    return 0 if ours <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
