"""Long input: does reading time grow with the length, and where does a limit stop it?

    .venv/bin/python benchmarks/long_input.py [--repeat 3] [--skip-document]

For five shapes of formula (a sum of products, a block of update rows, ASCII arithmetic, Unicode
with Σ, a sum deep in brackets), each written at about 4,000, 8,000 and 16,000 characters, it
prints the median CPU time of ``parse`` and of ``explain`` (``explain`` stops a formula with more
than ``MAX_PARTS`` parts with a LimitError before its work starts; the outcome is printed) and
the ratio of the 16,000 to the 8,000 reading (about 2 where the time is linear in the length),
and the time ``explain`` takes on the longest formula of each shape it still explains (at most
``MAX_PARTS`` parts: the worst case under the limit).
Then it reads documents of 400,000 ``$`` signs, the issue's example, with ``thirdroad.read``:
once as text and once as a Markdown file, and prints the time, the formulas found and the length
of the text summary. CPU time (``time.process_time``), so the other users of a busy machine
count less; the document readings are single runs, as they take long.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import thirdroad
from thirdroad.formula import LimitError, explain, parse
from thirdroad.formula.explanation import MAX_PARTS


def shapes() -> dict[str, Callable[[int], str]]:
    """Each shape, written to (about) the given number of characters."""
    return {
        "sum of products": lambda n: " + ".join(f"w_{{{i}}} x_{{{i}}}" for i in range(n // 18)),
        "block of updates": lambda n: r"m_t = \beta m_{t-1} + (1-\beta) g_t \\ " * (n // 39),
        "ascii": lambda n: "a*b + c**2 - d/e + " * (n // 19) + "x",
        "unicode": lambda n: "α_ts·h_t + Σ_s x_i + " * (n // 21) + "x",
        "brackets": lambda n: "(" * 30 + "x + " * ((n - 61) // 4) + "y" + ")" * 30,
    }


def cpu(fn: Callable[[], Any], repeat: int) -> tuple[float, str]:
    """Median CPU seconds of ``fn`` and how it ended (``ok`` or the error's class and message)."""
    times, outcome = [], "ok"
    for _ in range(repeat):
        start = time.process_time()
        try:
            fn()
        except LimitError as err:
            outcome = f"LimitError: {err.message}"
        times.append(time.process_time() - start)
    return statistics.median(times), outcome


def formulas(repeat: int) -> None:
    print(f"formulas (median CPU seconds of {repeat}; explain refuses more than {MAX_PARTS} parts)")
    print(f"{'shape':18} {'chars':>6} {'parse s':>8} {'explain s':>10}  explain outcome")
    for name, make in shapes().items():
        seconds = {}
        for n in (4_000, 8_000, 16_000):
            text = make(n)
            p, _ = cpu(lambda text=text: parse(text), repeat)
            e, outcome = cpu(lambda text=text: explain(text), repeat)
            seconds[n] = p
            print(f"{name:18} {len(text):>6} {p:>8.3f} {e:>10.3f}  {outcome}")
        print(f"{'':18} parse 16k/8k: {seconds[16_000] / max(seconds[8_000], 1e-9):.2f}")
        text = longest_explained(make)
        e, outcome = cpu(lambda text=text: explain(text), repeat)
        print(f"{'':18} at the limit: {len(text)} characters, {parts(text)} parts, explain {e:.3f} s {outcome}")


def parts(text: str) -> int:
    return sum(1 for _ in parse(text).root.walk())


def longest_explained(make: Callable[[int], str]) -> str:
    """The longest text of the shape with at most MAX_PARTS parts (by bisection on its length)."""
    low, high = 40, 16_000
    while high - low > 8:
        mid = (low + high) // 2
        low, high = (mid, high) if parts(make(mid)) <= MAX_PARTS else (low, mid)
    return make(low)


def document() -> None:
    text = "$" * 400_000
    print("a document of 400,000 '$' (one run each)")
    start = time.process_time()
    reading = thirdroad.read(text)
    print(f"  as text:          {time.process_time() - start:7.2f} s CPU, {len(reading.formulas)} formulas, "
          f"summary {len(reading.to_text())} characters")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dollars.md"
        path.write_text(text, encoding="utf-8")
        start = time.process_time()
        reading = thirdroad.read(path)
        print(f"  as a Markdown file: {time.process_time() - start:5.2f} s CPU, {len(reading.formulas)} formulas, "
              f"summary {len(reading.to_text())} characters")


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--skip-document", action="store_true", help="only the formulas")
    opts = args.parse_args()
    explain("x + 1")  # warm up: the catalog's templates are compiled once per session
    formulas(opts.repeat)
    if not opts.skip_document:
        document()
    return 0


if __name__ == "__main__":
    sys.exit(main())
