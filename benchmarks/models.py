"""Models side by side with PyTorch eager, in one process: how fast is a training step?

Run: ``python benchmarks/models.py [--blocks 15] [--steps 5] [--threads 1]``

Each benchmark builds the same model on both sides (thirdroad's weights copied into
PyTorch), then alternates short blocks of training steps, ours then theirs, so that
both see the same machine load. Throughput is steps per second; the ratio is ours
over PyTorch's, per pair of blocks, and the table quotes the median. Both sides use
the same number of BLAS threads.

Benchmarks (one function each, returning a :class:`Row`):

- ``seq2seq``: one training step of a GRU encoder-decoder with Luong general attention
  (hidden 128, embedding 64, vocabulary 40, source and target length 20, batch 64,
  cross-entropy, Adam). Target: >= 0.8x PyTorch's throughput.
- ``gru``: the GRU layer alone, forward and backward (batch 64, length 20, 64 -> 128):
  thirdroad's fused ``gru_sequence`` against ``torch.nn.GRU``. For information (no target).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from thirdroad import nn
from thirdroad.nn.recurrent import GRU
from thirdroad.nn.seq2seq import Seq2Seq


@dataclass
class Row:
    name: str
    shape: str
    ours_ms: float  # median time of one step
    theirs_ms: float
    ratio: float  # median over block pairs of (our throughput / PyTorch's)
    target: float  # the least acceptable ratio; nan: no target


def alternate(
    ours: Callable[[], None], theirs: Callable[[], None], blocks: int, steps: int
) -> tuple[float, float, float]:
    """Median ms per step on each side and the median throughput ratio, alternating blocks."""
    ours(), theirs()  # warm up (allocations, lazy imports)
    t_ours, t_theirs, ratios = [], [], []
    for b in range(blocks):
        pair = []
        sides = (ours, theirs) if b % 2 == 0 else (theirs, ours)  # neither side always goes first
        for fn in sides:
            start = time.perf_counter()
            for _ in range(steps):
                fn()
            pair.append((fn, (time.perf_counter() - start) / steps))
        a = next(t for fn, t in pair if fn is ours)
        c = next(t for fn, t in pair if fn is theirs)
        t_ours.append(a)
        t_theirs.append(c)
        ratios.append(c / a)
    return statistics.median(t_ours) * 1e3, statistics.median(t_theirs) * 1e3, statistics.median(ratios)


def seq2seq(blocks: int, steps: int) -> Row:
    """GRU encoder/decoder, Luong general attention, Adam: one training step on each side."""
    B, S, T, V, E, H = 64, 20, 20, 40, 64, 128
    rng = np.random.default_rng(0)
    source = rng.integers(3, V, size=(B, S))
    target = rng.integers(3, V, size=(B, T + 1))
    target_in, target_out = target[:, :-1], target[:, 1:]

    model = Seq2Seq(V, V, n_embed=E, n_hidden=H, score="general", seed=0)
    variables = model.variables
    opt = nn.optim.Adam(lr=1e-3)

    def ours() -> None:
        with nn.GradientTape() as tape:
            loss = model.loss(source, target_in, target_out)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables, strict=True))

    twin = model.to_torch()
    t_opt = torch.optim.Adam(twin.parameters(), lr=1e-3)
    t_src, t_in, t_out = (torch.from_numpy(a.copy()) for a in (source, target_in, target_out))

    def theirs() -> None:
        t_opt.zero_grad()
        logits = twin(t_src, t_in)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), t_out.reshape(-1))
        loss.backward()
        t_opt.step()

    a, c, r = alternate(ours, theirs, blocks, steps)
    return Row("seq2seq train step", f"B={B} S=T={S} V={V} E={E} H={H}, general, Adam", a, c, r, 0.8)


def gru(blocks: int, steps: int) -> Row:
    """The GRU layer alone: forward over a sequence and backward to the input and weights."""
    B, T, F, H = 64, 20, 64, 128
    x = np.random.default_rng(1).standard_normal((B, T, F)).astype(np.float32)
    layer = GRU(F, H, seed=0)
    xv = nn.Variable(x)
    sources = [xv, *layer.variables]

    def ours() -> None:
        with nn.GradientTape() as tape:
            out, _ = layer(xv)
            loss = out.sum()
        tape.gradient(loss, sources)

    twin = layer.to_torch()
    tx = torch.tensor(x, requires_grad=True)
    t_sources = [tx, *twin.parameters()]

    def theirs() -> None:
        out, _ = twin(tx)
        torch.autograd.grad(out.sum(), t_sources)

    a, c, r = alternate(ours, theirs, blocks, steps)
    return Row("GRU forward+backward", f"B={B} T={T} {F}->{H}", a, c, r, float("nan"))


BENCHMARKS: dict[str, Callable[[int, int], Row]] = {"seq2seq": seq2seq, "gru": gru}


def print_table(rows: list[Row], threads: int) -> None:
    print(f"thirdroad vs PyTorch {torch.__version__} eager, {threads} thread(s) each; medians")
    head = f"{'benchmark':22s} {'shape':44s} {'ours ms':>9s} {'torch ms':>9s} {'ours/torch thr.':>16s} {'target':>7s}"
    print(head)
    print("-" * len(head))
    for r in rows:
        verdict = "ok" if r.ratio >= r.target else "BELOW"
        goal = f"{'-':>6s}" if math.isnan(r.target) else f"{r.target:5.1f}x {verdict}"
        print(f"{r.name:22s} {r.shape:44s} {r.ours_ms:9.2f} {r.theirs_ms:9.2f} {r.ratio:15.2f}x {goal}")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", default=list(BENCHMARKS), help=f"any of {list(BENCHMARKS)}")
    parser.add_argument("--blocks", type=int, default=15, help="pairs of alternating blocks")
    parser.add_argument("--steps", type=int, default=5, help="training steps per block")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads on each side")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = []
    with threadpool_limits(args.threads):
        for name in args.names:
            rows.append(BENCHMARKS[name](args.blocks, args.steps))
    print_table(rows, args.threads)
    return rows


if __name__ == "__main__":
    main()
