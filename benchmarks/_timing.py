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


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
