"""How well blocks of update lines are read as one algorithm, on the labelled set.

    python benchmarks/blocks.py [--steps N] [--verbose]

Reads every block of tests/data/blocks/*.toml (an algorithm box given as ``torch = "Adam"``
is taken from the installed PyTorch's docstring) and prints, per family and overall:

- named right: the concept, and whether it is a near miss, as labelled (``""`` = not named);
- false names: a block named something other than its label (a block that is none of the
  optimizers must not be named);
- differences stated: every labelled difference (no bias correction, ε inside the root ...)
  is among those the reading states;
- runs as written: for each block read as a runnable optimizer, the largest gap over N steps
  (default 100) between the built optimizer and the block run line by line as written;
- the time per reading.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import tomllib
from collections import defaultdict
from pathlib import Path

import torch

from thirdroad.agents.read_optimizer import check_against_block
from thirdroad.formula.blocks import read_block

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "blocks"


def load() -> list[dict[str, object]]:
    blocks = []
    for path in sorted(DATA.glob("*.toml")):
        with open(path, "rb") as fh:
            for b in tomllib.load(fh)["block"]:
                if "torch" in b:
                    doc = getattr(torch.optim, b["torch"]).__doc__ or ""
                    m = re.search(r"\\begin\{aligned\}.*?\\end\{aligned\}", doc, re.S)
                    assert m is not None, b["id"]
                    b["text"] = m.group(0)
                b["file"] = path.stem
                blocks.append(b)
    return blocks


Row = tuple[bool, bool, bool, "float | None", float]


def _table(title: str, groups: dict[str, list[Row]]) -> None:
    print(f"{title:18s} {'blocks':>6s} {'named right':>12s} {'false names':>12s} {'differences':>12s} "
          f"{'max gap':>9s} {'ms/block':>9s}")
    for name, items in groups.items():
        gaps = [g for *_, g, _ in items if g is not None]
        print(f"{name:18s} {len(items):6d} {sum(r[0] for r in items) / len(items):12.1%} "
              f"{sum(r[1] for r in items):12d} {sum(r[2] for r in items) / len(items):12.1%} "
              f"{max(gaps) if gaps else float('nan'):9.1e} {1e3 * statistics.median(r[4] for r in items):9.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    blocks = load()
    by_family: dict[str, list[Row]] = defaultdict(list)
    by_file: dict[str, list[Row]] = defaultdict(list)
    for b in blocks:
        start = time.perf_counter()
        r = read_block(str(b["text"]))
        took = time.perf_counter() - start
        got = r.concept or ""
        near = bool(r.match and r.match.near_miss)
        said = {d.key for d in r.match.differences} if r.match else set()
        right = got == b["concept"] and near == bool(b.get("near_miss", False))
        false_name = bool(got) and got != b["concept"]
        stated = set(b.get("differences", [])) <= said  # type: ignore[arg-type]
        gap = check_against_block(r, steps=args.steps) if r.runnable else None
        row: Row = (right, false_name, stated, gap, took)
        by_family[str(b["concept"]) or "(none)"].append(row)
        by_file[str(b["file"])].append(row)
        if args.verbose or not right or not stated:
            print(f"{'ok ' if right and stated else 'BAD'} {b['id']:28s} {got or '-':16s} {sorted(said)}")
    every = [row for items in by_family.values() for row in items]
    _table("family", {**dict(sorted(by_family.items())), "all": every})
    print()
    _table("file", {**dict(sorted(by_file.items())), "all": every})
    notations = defaultdict(set)
    for b in blocks:
        notations[str(b["concept"])].add(str(b["notation"]))
    print("notations per optimizer:", ", ".join(f"{c} {len(n)}" for c, n in sorted(notations.items()) if c))


if __name__ == "__main__":
    main()
