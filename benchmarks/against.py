"""The engine against another checkout of itself, side by side in one run: did a change make
it slower?

    python benchmarks/against.py OTHER_SRC [--blocks 15] [--threads 1]

``OTHER_SRC`` is the ``src`` folder of another checkout (a ``git worktree`` of the previous
commit, say). Two worker processes each import thirdroad from their own ``src`` (this tree's
and the other's) and build the same workloads from this tree's benchmark files:

- the MLP training step of ``engine.py`` (784-512-512-10, Adam, float32) at batch 256 and 32;
- the autodiff chain of ``engine.py`` (200 elementwise ops on 16x16, forward and backward);
- the seq2seq training step, the GRU layer and the RBM CD-1 step of ``models.py``/``rbm.py``.

The parent asks one worker, then the other, to run a short block of each workload, taking
turns at going first, so that both meet the same machine load; only one computes at a time.
The table quotes the median time per step on each side and the median of the per-block ratios
(other's time over this tree's: above 1, this tree is faster), with the middle half of those
ratios as the noise band.
"""

from __future__ import annotations

import argparse
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


def worker(src: str, threads: int) -> None:
    """Serve 'name calls' lines from stdin: run that many steps, print the seconds taken."""
    sys.path.insert(0, src)
    import thirdroad  # from src, before the benchmark files could put this tree's src first

    sys.path.insert(1, str(HERE))
    from threadpoolctl import threadpool_limits

    assert Path(thirdroad.__file__).resolve().is_relative_to(Path(src).resolve()), thirdroad.__file__
    with threadpool_limits(threads):
        steps = {name: build(name) for name in WORKLOADS}
        for step in steps.values():  # warm up: allocations, caches, lazy imports
            step()
            step()
        print("ready", flush=True)
        for line in sys.stdin:
            name, calls = line.split()
            fn = steps[name]
            start = time.perf_counter()
            for _ in range(int(calls)):
                fn()
            print(time.perf_counter() - start, flush=True)


class Side:
    def __init__(self, src: Path, threads: int) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(src), "--threads", str(threads)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the worker for {src} did not start")

    def run(self, name: str, calls: int) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{name} {calls}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline()) / calls

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("other_src", nargs="?", help="the src folder of the checkout to compare with")
    parser.add_argument("--blocks", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads on each side")
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS), help=f"any of {list(WORKLOADS)}")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.threads)
        return
    if not args.other_src:
        parser.error("give the other checkout's src folder")
    sys.path.insert(0, str(HERE))
    from _timing import print_table

    this, other = Side(THIS_SRC, args.threads), Side(Path(args.other_src), args.threads)
    chosen = {n: WORKLOADS[n] for n in args.only}
    times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in chosen}
    try:
        for b in range(args.blocks):
            for name, (_, calls) in chosen.items():
                first, second = (this, other) if b % 2 == 0 else (other, this)
                t_first, t_second = first.run(name, calls), second.run(name, calls)
                mine, theirs = (t_first, t_second) if first is this else (t_second, t_first)
                times[name][0].append(mine)
                times[name][1].append(theirs)
    finally:
        this.close()
        other.close()
    rows = []
    for name, (what, _) in chosen.items():
        mine, theirs = times[name]
        ratios = sorted(t / m for m, t in zip(mine, theirs, strict=True))
        q1, q3 = ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]
        rows.append((what, f"{statistics.median(theirs) * 1e3:.2f}", f"{statistics.median(mine) * 1e3:.2f}",
                     f"{statistics.median(ratios):.3f}", f"{q1:.3f} .. {q3:.3f}"))  # fmt: skip
    print(f"this tree ({THIS_SRC}) against {args.other_src}; {args.blocks} blocks, {args.threads} BLAS thread(s)")
    print_table(("workload", "other ms", "this ms", "other/this time", "middle half of the ratios"), rows)


if __name__ == "__main__":
    main()
