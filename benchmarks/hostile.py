"""Hostile documents: is reading them linear in their length?

    .venv/bin/python benchmarks/hostile.py [--repeat 3]

Each document of ``tests/reader/test_reader_hostile.py`` (unclosed delimiters, environments and
tags by the thousand, built to make a naive ``open.*?close`` pattern rescan the rest of the
document from each one) is read with ``thirdroad.read`` at its size in the test and at twice that
size. Printed: the median CPU time (``time.process_time``: other users of a busy machine count
less) of each size and their ratio, about 2 where reading is linear; a quadratic reader gives 4
(the lazy patterns that this guards against took minutes at these sizes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reader.test_reader_hostile import HOSTILE

from thirdroad.reader import read


def cpu_seconds(doc: str, fmt: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        read(doc, format=fmt, progress=False, max_formulas=200)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    table = Table(title="hostile documents: median CPU seconds of thirdroad.read")
    for column in ("document", "characters", "at 1x", "at 2x", "2x / 1x"):
        table.add_column(column, justify="left" if column == "document" else "right")
    for name, doc, fmt in HOSTILE:
        once, twice = cpu_seconds(doc, fmt, args.repeat), cpu_seconds(doc * 2, fmt, args.repeat)
        table.add_row(name, f"{len(doc):,}", f"{once:.3f}", f"{twice:.3f}", f"{twice / max(once, 1e-9):.2f}")
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
