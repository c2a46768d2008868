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
- ``rbm``: one CD-1 update of an RBM 784 x 256 on batches of 128, against two PyTorch
  versions (a textbook one and a tuned one). Target: >= 1.0x PyTorch's throughput.
- ``gru``: the GRU layer alone, forward and backward (batch 64, length 20, 64 -> 128):
  thirdroad's fused ``gru_sequence`` against ``torch.nn.GRU``. For information (no target).
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
from thirdroad import nn
from thirdroad.nn.recurrent import GRU
from thirdroad.nn.seq2seq import Seq2Seq

SEQ2SEQ = {"B": 64, "S": 20, "T": 20, "V": 40, "E": 64, "H": 128}
GRU_SIZES = {"B": 64, "T": 20, "F": 64, "H": 128}


def _seq2seq_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    B, S, T, V = (SEQ2SEQ[k] for k in "BSTV")
    rng = np.random.default_rng(0)
    source = rng.integers(3, V, size=(B, S))
    target = rng.integers(3, V, size=(B, T + 1))
    return source, target[:, :-1], target[:, 1:]


def ours_seq2seq() -> tuple[Seq2Seq, Callable[[], None]]:
    """thirdroad's seq2seq training step (and the model, to copy into PyTorch)."""
    V, E, H = (SEQ2SEQ[k] for k in "VEH")
    source, target_in, target_out = _seq2seq_data()
    model = Seq2Seq(V, V, n_embed=E, n_hidden=H, score="general", seed=0)
    variables = model.variables
    opt = nn.optim.Adam(lr=1e-3)

    def step() -> None:
        with nn.GradientTape() as tape:
            loss = model.loss(source, target_in, target_out)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables, strict=True))

    return model, step


def seq2seq(blocks: int, steps: int) -> Row:
    """GRU encoder/decoder, Luong general attention, Adam: one training step on each side."""
    B, S, V, E, H = (SEQ2SEQ[k] for k in "BSVEH")
    model, ours = ours_seq2seq()
    source, target_in, target_out = _seq2seq_data()
    twin = model.to_torch()
    t_opt = torch.optim.Adam(twin.parameters(), lr=1e-3)
    t_src, t_in, t_out = (torch.from_numpy(a.copy()) for a in (source, target_in, target_out))

    def theirs() -> None:
        t_opt.zero_grad()
        logits = twin(t_src, t_in)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), t_out.reshape(-1))
        loss.backward()
        t_opt.step()

    a, c, r = time_steps(ours, theirs, blocks, steps)
    return Row("seq2seq train step", f"B={B} S=T={S} V={V} E={E} H={H}, general, Adam", a, c, r, 0.8)


def ours_gru() -> tuple[GRU, np.ndarray, Callable[[], None]]:
    """The GRU layer alone on thirdroad: forward over a sequence, backward to input and weights."""
    B, T, F, H = (GRU_SIZES[k] for k in "BTFH")
    x = np.random.default_rng(1).standard_normal((B, T, F)).astype(np.float32)
    layer = GRU(F, H, seed=0)
    xv = nn.Variable(x)
    sources = [xv, *layer.variables]

    def step() -> None:
        with nn.GradientTape() as tape:
            out, _ = layer(xv)
            loss = out.sum()
        tape.gradient(loss, sources)

    return layer, x, step


def gru(blocks: int, steps: int) -> Row:
    """The GRU layer alone: forward over a sequence and backward to the input and weights."""
    B, T, F, H = (GRU_SIZES[k] for k in "BTFH")
    layer, x, ours = ours_gru()
    twin = layer.to_torch()
    tx = torch.tensor(x, requires_grad=True)
    t_sources = [tx, *twin.parameters()]

    def theirs() -> None:
        out, _ = twin(tx)
        torch.autograd.grad(out.sum(), t_sources)

    a, c, r = time_steps(ours, theirs, blocks, steps)
    return Row("GRU forward+backward", f"B={B} T={T} {F}->{H}", a, c, r, float("nan"))


def rbm(blocks: int, steps: int) -> list[Row]:
    """RBM CD-1 (784 x 256, batch 128) against two PyTorch versions (see rbm.py)."""
    from rbm import bench_rbm_cd1

    return bench_rbm_cd1(blocks, steps * 4)


BENCHMARKS: dict[str, Callable[[int, int], Row | list[Row]]] = {"seq2seq": seq2seq, "gru": gru, "rbm": rbm}


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
            got = BENCHMARKS[name](args.blocks, args.steps)
            rows.extend(got if isinstance(got, list) else [got])
    print_rows(rows, f"thirdroad vs PyTorch {torch.__version__} eager, {args.threads} thread(s) each; medians")
    return rows


if __name__ == "__main__":
    main()
