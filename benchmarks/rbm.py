"""An RBM's CD-1 step, thirdroad against PyTorch eager, side by side in one process.

Run: ``python benchmarks/rbm.py [--blocks 15] [--steps 20] [--threads 1]``

The step: 784 visible and 256 hidden Bernoulli units, a batch of 128 binary rows,
float32. Positive phase p(h | v0); sample h; p(v | h); sample v1; p(h | v1); then
W, b and c move by lr times (data statistics - model statistics). Both sides start
from the same weights and see the same batches; each draws its own random numbers.

PyTorch is written two ways, and the table compares with each:
- ``bernoulli``: ``torch.bernoulli`` for the samples, the two correlations as
  matrix products, then ``add_`` (what the PyTorch RBM tutorials write);
- ``tuned``: uniforms compared with the probabilities, ``addmm`` for the biases, and
  both correlations accumulated straight into W with in-place ``addmm_``.
The target (>= 1.0x) is against the faster of the two.

The two sides alternate in short blocks, so that both see the same machine load; the
ratio is ours over PyTorch's throughput per pair of blocks, and the table quotes medians.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Row, print_rows, time_steps
from thirdroad.nn.energy.rbm import RBM

N_VISIBLE, N_HIDDEN, BATCH, LR = 784, 256, 128, 0.05
TARGET = 1.0


def _batches(seed: int = 0, n: int = 8) -> list[np.ndarray]:
    """Binary rows with about a fifth of the pixels on (MNIST has about 13% ink)."""
    rng = np.random.default_rng(seed)
    return [(rng.random((BATCH, N_VISIBLE)) < 0.2).astype(np.float32) for _ in range(n)]


def _cycle(items: list[np.ndarray]) -> Callable[[], np.ndarray]:
    state = {"i": 0}

    def nxt() -> np.ndarray:
        state["i"] = (state["i"] + 1) % len(items)
        return items[state["i"]]

    return nxt


def torch_cd1(rbm: RBM, batches: list[np.ndarray], variant: str) -> Callable[[], None]:
    """The same CD-1 step in PyTorch (weights copied from ``rbm``), as ``variant`` writes it."""
    gen = torch.Generator().manual_seed(0)
    W, b, c = (torch.from_numpy(a.copy()) for a in (rbm.W.data, rbm.b.data, rbm.c.data))
    data = [torch.from_numpy(x) for x in batches]
    nxt = _cycle(data)  # type: ignore[arg-type]
    s = LR / BATCH

    @torch.no_grad()
    def bernoulli() -> None:
        v0 = nxt()
        ph0 = torch.sigmoid(v0 @ W + c)
        h0 = torch.bernoulli(ph0, generator=gen)
        v1 = torch.bernoulli(torch.sigmoid(h0 @ W.T + b), generator=gen)
        ph1 = torch.sigmoid(v1 @ W + c)
        W.add_(v0.T @ ph0 - v1.T @ ph1, alpha=s)
        b.add_((v0 - v1).sum(0), alpha=s)
        c.add_((ph0 - ph1).sum(0), alpha=s)

    @torch.no_grad()
    def tuned() -> None:
        v0 = nxt()
        ph0 = torch.addmm(c, v0, W).sigmoid_()
        h0 = (torch.rand(ph0.shape, generator=gen) < ph0).float()
        pv1 = torch.addmm(b, h0, W.T).sigmoid_()
        v1 = (torch.rand(pv1.shape, generator=gen) < pv1).float()
        ph1 = torch.addmm(c, v1, W).sigmoid_()
        W.addmm_(v0.T, ph0, alpha=s).addmm_(v1.T, ph1, alpha=-s)
        b.add_(v0.sum(0) - v1.sum(0), alpha=s)
        c.add_(ph0.sum(0) - ph1.sum(0), alpha=s)

    return {"bernoulli": bernoulli, "tuned": tuned}[variant]


def ours_cd1(rbm: RBM, batches: list[np.ndarray]) -> Callable[[], None]:
    """thirdroad's CD-1 step on the batches in turn."""
    nxt = _cycle(batches)

    def step() -> None:
        rbm.cd_step(nxt(), lr=LR, k=1)

    return step


def bench_rbm_cd1(blocks: int = 15, steps: int = 20) -> list[Row]:
    """One row per PyTorch variant: CD-1 steps of an RBM 784 x 256 on batches of 128."""
    batches = _batches()
    rows = []
    for variant in ("bernoulli", "tuned"):
        rbm = RBM(N_VISIBLE, N_HIDDEN, seed=0)
        theirs = torch_cd1(rbm, batches, variant)
        a, c, r = time_steps(ours_cd1(rbm, batches), theirs, blocks, steps)
        rows.append(Row(f"RBM CD-1 vs {variant}", f"{N_VISIBLE}x{N_HIDDEN} batch {BATCH}, float32", a, c, r, TARGET))
    return rows


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--blocks", type=int, default=15, help="pairs of alternating blocks")
    parser.add_argument("--steps", type=int, default=20, help="CD-1 steps per block")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads on each side")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        rows = bench_rbm_cd1(args.blocks, args.steps)
    print_rows(rows, f"thirdroad vs PyTorch {torch.__version__} eager, {args.threads} thread(s) each; medians")
    return rows


if __name__ == "__main__":
    main()
