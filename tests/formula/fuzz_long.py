"""The long fuzz run: minutes of mutated corpus formulas, random pieces and random Unicode.

    .venv/bin/python tests/formula/fuzz_long.py --minutes 10 [--seed 1]

Every text is read in every notation, and what is read is rendered (LaTeX, MathML, words,
tree, JSON), read back from its LaTeX and compiled. The run fails (exit status 1) on any
exception other than FormulaError and on any single reading slower than 100 ms; it reports
LaTeX round-trip mismatches as a count.
"""

from __future__ import annotations

import argparse
import faulthandler
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzing import PIECES, Outcome, check, corpus_texts, mutate

LIMIT = 0.100  # seconds for one reading


def random_text(rng: random.Random, texts: list[str]) -> str:
    kind = rng.randrange(4)
    if kind <= 1:
        return mutate(rng.choice(texts), rng, texts)
    if kind == 2:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 30)))


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--minutes", type=float, default=10.0)
    args.add_argument("--seed", type=int, default=1)
    opts = args.parse_args()
    rng = random.Random(opts.seed)
    texts = corpus_texts()
    outcome = Outcome()
    deadline = time.monotonic() + opts.minutes * 60
    count = 0
    slow: list[tuple[float, str]] = []
    crashes: list[tuple[str, str]] = []
    while time.monotonic() < deadline:
        text = random_text(rng, texts)
        count += 1
        # a reading that hangs is a finding: dump where it is stuck and stop
        faulthandler.dump_traceback_later(60, exit=True)
        try:
            slowest = check(text, outcome)
        except Exception:  # anything but FormulaError is a bug: record it and go on
            crashes.append((text, traceback.format_exc(limit=3)))
            continue
        if slowest > LIMIT:
            # the machine is shared: a slow reading counts only if it is slow again
            again = min(check(text) for _ in range(3))
            if again > LIMIT:
                slow.append((again, text))
            else:
                outcome.noise += 1
    faulthandler.cancel_dump_traceback_later()
    print(f"texts read: {count} (each in 5 notations), seed {opts.seed}, {opts.minutes} min")
    print(f"exceptions other than FormulaError: {len(crashes)}")
    print(f"readings over {LIMIT * 1000:.0f} ms (slow again when repeated): {len(slow)}; "
          f"slow once but not again (machine load): {outcome.noise}; "
          f"slowest single reading: {outcome.slowest * 1000:.1f} ms")
    print(f"LaTeX round-trip mismatches: {len(outcome.mismatches)}")
    for text, trace in crashes[:5]:
        print("CRASH", repr(text)[:200], trace, sep="\n")
    for seconds, text in sorted(slow, reverse=True)[:5]:
        print(f"SLOW {seconds * 1000:.1f} ms", repr(text)[:200])
    for text, latex in outcome.mismatches[:5]:
        print("MISMATCH", repr(text)[:160], "->", latex[:160])
    return 1 if crashes or slow else 0


if __name__ == "__main__":
    sys.exit(main())
