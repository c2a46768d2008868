"""How long ``thirdroad.explain`` takes per formula, on the labelled set.

    python benchmarks/explain.py [--repeat N]

Loads every formula of tests/data/recognition/ (clean, mangled, near-misses), compiles the
catalog's templates once (the cache a real session also fills once), then times ``explain`` on
each formula ``N`` times (default 3) and keeps each formula's median. Prints the median, p95
and maximum per group and overall, against the targets (median <= 5 ms, p95 <= 50 ms), and the
recognition figures of the same run. The generated code (``to_dict(code=True)``) is not part
of the timing: ``explain`` does not compile.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import tomllib
from pathlib import Path

from thirdroad.formula import FormulaError, explain
from thirdroad.formula.recognize import library

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "recognition"


def _load() -> dict[str, list[tuple[str, str]]]:
    """group -> [(text, expected concept)]."""
    with open(DATA / "formulas.toml", "rb") as fh:
        clean = tomllib.load(fh)["formula"]
    with open(DATA / "heldout.toml", "rb") as fh:
        heldout = tomllib.load(fh)["formula"]
    with open(DATA / "mangled.toml", "rb") as fh:
        mangled = tomllib.load(fh)["mangled"]
    with open(DATA / "near_misses.toml", "rb") as fh:
        near = tomllib.load(fh)["near_miss"]
    concept_of = {f["id"]: f["concept"] for f in clean}
    return {
        "clean": [(f["latex"], f["concept"]) for f in clean],
        "held-out": [(f["latex"], f["concept"]) for f in heldout],
        "mangled": [(m["text"], concept_of[m["of"]]) for m in mangled],
        "near-miss": [(n["text"], n["concept"]) for n in near],
    }


def _time(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(FormulaError):
            explain(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    lib = library()
    warm = time.perf_counter() - start
    groups = _load()
    print(f"templates compiled once: {len(lib.all)} in {warm * 1000:.0f} ms "
          f"({len(lib.unreadable)} the parser cannot read)")
    explain(r"\frac{e^{x_i}}{\sum_j e^{x_j}}")  # first call: lazy imports

    print(f"\n{'group':<10} {'formulas':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    everything: list[float] = []
    for name, items in groups.items():
        times = [_time(text, args.repeat) * 1000 for text, _ in items]
        everything += times
        print(f"{name:<10} {len(times):>8} {statistics.median(times):>10.2f} {_p95(times):>8.2f} {max(times):>8.2f}")
    median, p95 = statistics.median(everything), _p95(everything)
    print(f"{'all':<10} {len(everything):>8} {median:>10.2f} {p95:>8.2f} {max(everything):>8.2f}")
    print(f"\ntargets: median <= 5 ms ({'met' if median <= 5 else 'MISSED'}), "
          f"p95 <= 50 ms ({'met' if p95 <= 50 else 'MISSED'})")

    figures = {}
    for group in ("clean", "held-out"):
        predicted = correct = 0
        for text, concept in groups[group]:
            defining = explain(text).defining
            predicted += bool(defining)
            correct += concept in defining
        figures[group] = (correct, predicted, len(groups[group]))
    mangled_ok = 0
    for text, concept in groups["mangled"]:
        with contextlib.suppress(FormulaError):
            mangled_ok += concept in explain(text).defining
    flagged = sum(any(w.kind == "near_miss" and w.concept == concept for w in explain(text).warnings)
                  for text, concept in groups["near-miss"])
    false_alarms = sum(bool(explain(text).warnings) for g in ("clean", "held-out") for text, _ in groups[g])
    n_mangled, n_near = len(groups["mangled"]), len(groups["near-miss"])
    print()
    for group, (correct, predicted, total) in figures.items():
        print(f"{group:<9} precision {correct / predicted:.3f} ({correct}/{predicted}), "
              f"recall {correct / total:.3f} ({correct}/{total})")
    print(f"mangled copies as the clean formula {mangled_ok / n_mangled:.3f} ({mangled_ok}/{n_mangled}); "
          f"near-misses flagged {flagged / n_near:.3f} ({flagged}/{n_near}); "
          f"near-miss warnings on correct formulas: {false_alarms}")
    return 0 if median <= 5 and p95 <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
