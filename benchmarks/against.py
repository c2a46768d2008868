"""The engine against another checkout of itself, side by side in one run: did a change make
it slower?

    python benchmarks/against.py OTHER_SRC [--blocks 15] [--threads 1]

``OTHER_SRC`` is the ``src`` folder of another checkout (a ``git worktree`` of the previous
commit, say). Two worker processes each import thirdroad from their own ``src`` (this tree's
and the other's) and build the same workloads from this tree's benchmark files:

- the MLP training step of ``engine.py`` (784-512-512-10, Adam, float32) at batch 256 and 32;
- the autodiff chain of ``engine.py`` (200 elementwise ops on 16x16, forward and backward);
- the seq2seq training step, the GRU layer and the RBM CD-1 step of ``models.py``/``rbm.py``.

Each workload gets its own pair of workers (a process that trains one model, as a user's
does). The parent asks one worker, then the other, to run a short block of steps, taking turns
at going first, so that both meet the same machine load; only one computes at a time. The
table quotes the median time per step on each side and the median of the per-block ratios
(other's time over this tree's: above 1, this tree is faster), with the middle half of those
ratios as the noise band, and the page faults per step on each side.

glibc gives freed memory at the top of its heap back to the system and faults it in again
when the next step allocates: how often depends on the exact sizes and order of everything a
process allocated before (1,400 or 4,100 faults per seq2seq step for code that computes the
same). ``--pin-malloc`` fixes glibc's thresholds on both sides (as ``engine.py``'s memory
figures do), so that the table compares the code rather than that lottery.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
THIS_SRC = HERE.parent / "src"

# name: (what it times, steps per block)
WORKLOADS: dict[str, tuple[str, int]] = {
    "mlp256": ("MLP 784-512-512-10 Adam step, batch 256", 3),
    "mlp32": ("MLP 784-512-512-10 Adam step, batch 32", 15),
    "chain": ("autodiff chain, 200 elementwise ops 16x16", 10),
    "seq2seq": ("seq2seq train step (GRU, Luong general, Adam)", 2),
    "gru": ("GRU layer forward+backward B=64 T=20 64->128", 4),
    "rbm": ("RBM CD-1 step 784x256, batch 128", 15),
}


def build(name: str) -> Callable[[], object]:
    """The workload's step, built with whichever thirdroad this process imported."""
    import engine
    import models
    import rbm

    if name.startswith("mlp"):
        return engine.ours_mlp(int(name[3:]))
    if name == "chain":
        return engine.ours_chain()
    if name == "seq2seq":
        return models.ours_seq2seq()[1]
    if name == "gru":
        return models.ours_gru()[2]
    machine = rbm.RBM(rbm.N_VISIBLE, rbm.N_HIDDEN, seed=0)
    return rbm.ours_cd1(machine, rbm._batches())


def worker(src: str, threads: int, name: str) -> None:
    """Serve 'calls' lines from stdin: run that many steps, print the seconds and page faults."""
    sys.path.insert(0, src)
    import thirdroad  # from src, before the benchmark files could put this tree's src first

    sys.path.insert(1, str(HERE))
    from threadpoolctl import threadpool_limits

    assert Path(thirdroad.__file__).resolve().is_relative_to(Path(src).resolve()), thirdroad.__file__
    with threadpool_limits(threads):
        step = build(name)
        for _ in range(3):  # warm up: allocations, caches, lazy imports
            step()
        print("ready", flush=True)
        for line in sys.stdin:
            calls = int(line)
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter()
            for _ in range(calls):
                step()
            seconds = time.perf_counter() - start
            print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults, flush=True)


PINNED = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_TOP_PAD_": str(1 << 26)}


class Side:
    def __init__(self, src: Path, threads: int, name: str, pin: bool) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(src), "--threads", str(threads),
               "--only", name]  # fmt: skip
        env = {**os.environ, **(PINNED if pin else {})}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the worker for {src} did not start")

    def run(self, calls: int) -> tuple[float, float]:
        """Seconds per step, page faults per step."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{calls}\n")
        self.proc.stdin.flush()
        seconds, faults = self.proc.stdout.readline().split()
        return float(seconds) / calls, float(faults) / calls

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def compare(name: str, other_src: Path, blocks: int, threads: int, pin: bool) -> tuple[str, ...]:
    """One row: this tree against the other on one workload, in alternating blocks."""
    what, calls = WORKLOADS[name]
    this, other = Side(THIS_SRC, threads, name, pin), Side(other_src, threads, name, pin)
    mine: list[float] = []
    theirs: list[float] = []
    faults: list[tuple[float, float]] = []
    try:
        for b in range(blocks):
            if b % 2 == 0:
                (t_mine, f_mine), (t_theirs, f_theirs) = this.run(calls), other.run(calls)
            else:
                (t_theirs, f_theirs), (t_mine, f_mine) = other.run(calls), this.run(calls)
            mine.append(t_mine)
            theirs.append(t_theirs)
            faults.append((f_theirs, f_mine))
    finally:
        this.close()
        other.close()
    ratios = sorted(t / m for m, t in zip(mine, theirs, strict=True))
    q1, q3 = ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]
    f_theirs, f_mine = (statistics.median(f[i] for f in faults) for i in (0, 1))
    return (what, f"{statistics.median(theirs) * 1e3:.2f}", f"{statistics.median(mine) * 1e3:.2f}",
            f"{statistics.median(ratios):.3f}", f"{q1:.3f} .. {q3:.3f}", f"{f_theirs:.0f} / {f_mine:.0f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("other_src", nargs="?", help="the src folder of the checkout to compare with")
    parser.add_argument("--blocks", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads on each side")
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS), help=f"any of {list(WORKLOADS)}")
    parser.add_argument("--pin-malloc", action="store_true", help="fix glibc's trim and mmap thresholds")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.threads, args.only[0])
        return
    if not args.other_src:
        parser.error("give the other checkout's src folder")
    sys.path.insert(0, str(HERE))
    from _timing import print_table

    rows = [compare(name, Path(args.other_src), args.blocks, args.threads, args.pin_malloc) for name in args.only]
    malloc = "glibc thresholds pinned" if args.pin_malloc else "glibc's own malloc policy"
    print(f"this tree ({THIS_SRC}) against {args.other_src}; {args.blocks} blocks, "
          f"{args.threads} BLAS thread(s), {malloc}")  # fmt: skip
    print_table(("workload", "other ms", "this ms", "other/this time", "middle half of the ratios",
                 "page faults/step other / this"), rows)  # fmt: skip


if __name__ == "__main__":
    main()
