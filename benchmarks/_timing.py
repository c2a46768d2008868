"""Timing side by side on a noisy machine: both sides alternate in short blocks within one
process (each taking the first turn half of the time), and we quote medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SideBySide:
    ours: float  # median seconds per call
    theirs: float
    speedup: float  # median over blocks of theirs/ours: above 1, ours is faster


def alternate(ours: Callable[[], Any], theirs: Callable[[], Any], calls: int, blocks: int) -> SideBySide:
    for fn in (ours, theirs):  # warm up: allocations, lazy imports, thread pools
        for _ in range(max(2, calls // 4)):
            fn()
    t_ours: list[float] = []
    t_theirs: list[float] = []
    for b in range(blocks):
        order = ((ours, t_ours), (theirs, t_theirs)) if b % 2 == 0 else ((theirs, t_theirs), (ours, t_ours))
        for fn, acc in order:
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            acc.append((time.perf_counter() - start) / calls)
    ratios = [t / o for o, t in zip(t_ours, t_theirs, strict=True)]
    return SideBySide(statistics.median(t_ours), statistics.median(t_theirs), statistics.median(ratios))


@dataclass(frozen=True)
class Row:
    """One model benchmark: median ms per step on each side, our throughput over theirs."""

    name: str
    shape: str
    ours_ms: float
    theirs_ms: float
    ratio: float
    target: float  # NaN where there is none


def time_steps(
    ours: Callable[[], Any], theirs: Callable[[], Any], blocks: int, steps: int
) -> tuple[float, float, float]:
    """(ours ms, theirs ms, our throughput / theirs), medians of alternating blocks."""
    r = alternate(ours, theirs, steps, blocks)
    return r.ours * 1e3, r.theirs * 1e3, r.speedup


def print_rows(rows: Sequence[Row], title: str) -> None:
    print(title)
    table = []
    for r in rows:
        goal = "-" if r.target != r.target else f"{r.target:.1f}x {'ok' if r.ratio >= r.target else 'BELOW'}"
        table.append((r.name, r.shape, f"{r.ours_ms:.2f}", f"{r.theirs_ms:.2f}", f"{r.ratio:.2f}x", goal))
    print_table(("benchmark", "shape", "ours ms", "torch ms", "ours/torch throughput", "target"), table)


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
