"""thirdroad.nn against PyTorch eager, side by side in one process.

    python benchmarks/engine.py [--quick]

Prints one table:
- MLP 784-512-512-10 (ReLU, softmax cross-entropy, Adam, float32) training steps/s at
  batch 256 and 32, the ratio to PyTorch, and the share of NumPy's float32 matmul peak
  that the engine's step reaches (the peak sampled before each block, in the same run);
  the same step written by hand in NumPy with no tape, against PyTorch and against the
  engine (what bookkeeping costs, if anything);
- autodiff overhead per op: a chain of 200 elementwise ops (multiply, add, tanh, in turn)
  on 16x16, forward and backward, in microseconds per op;
- memory, each side in a fresh subprocess that imports only its own framework: the peak
  RSS of a process that trains 20 MLP steps at batch 256, and the working memory of those
  steps (how far the peak RSS rises above that of the freshly built model).

The machine is noisy, so the two sides alternate in short blocks and the table quotes
medians of the blocks and the median of the per-block ratios.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from thirdroad import nn  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, print_table  # noqa: E402

SIZES = (784, 512, 512, 10)


# ------------------------------------------------------------------ the MLPs: ours, PyTorch's, by hand


def ours_model() -> nn.Sequential:
    return nn.Sequential(
        nn.Dense(SIZES[0], SIZES[1], activation="relu", seed=1),
        nn.Dense(SIZES[1], SIZES[2], activation="relu", seed=2),
        nn.Dense(SIZES[2], SIZES[3], seed=3),
    )


def ours_mlp(batch: int, seed: int = 0) -> Callable[[], float]:
    r = np.random.default_rng(seed)
    x = r.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = r.integers(0, SIZES[-1], batch)
    model = ours_model()
    opt = nn.optim.Adam(lr=1e-3)
    variables = model.variables

    def step() -> float:
        with nn.GradientTape() as tape:
            loss = nn.losses.cross_entropy(model(x), y)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables, strict=True))
        return float(loss.data)

    return step


def torch_mlp(batch: int, seed: int = 0) -> Callable[[], float]:
    import torch

    r = np.random.default_rng(seed)
    x = torch.from_numpy(r.standard_normal((batch, SIZES[0])).astype(np.float32))
    y = torch.from_numpy(r.integers(0, SIZES[-1], batch))
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]),
        torch.nn.ReLU(),
        torch.nn.Linear(SIZES[1], SIZES[2]),
        torch.nn.ReLU(),
        torch.nn.Linear(SIZES[2], SIZES[3]),
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = torch.nn.CrossEntropyLoss()

    def step() -> float:
        opt.zero_grad()
        loss = lossf(model(x), y)
        loss.backward()
        opt.step()
        return float(loss.item())

    return step


def numpy_mlp(batch: int, seed: int = 0) -> Callable[[], float]:
    """The same training step written by hand in NumPy, with no tape: what the issue's
    "a hand-written NumPy MLP step" means. In-place where a careful person would write it
    in place; Adam as PyTorch computes it (m, v, bias corrections, ε outside the root)."""
    r = np.random.default_rng(seed)
    x = r.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = r.integers(0, SIZES[-1], batch)
    rows = np.arange(batch)
    params = [v.data.copy() for v in ours_model().variables]  # the same starting weights
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 1e-3
    t = 0

    def step() -> float:
        nonlocal t
        w1, c1, w2, c2, w3, c3 = params
        z1 = x @ w1
        z1 += c1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2
        z2 += c2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ w3
        z3 += c3
        z3 -= z3.max(axis=1, keepdims=True)
        e = np.exp(z3)
        total = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - z3[rows, y]))
        g3 = e / total
        g3[rows, y] -= 1
        g3 /= batch
        g2 = g3 @ w3.T
        g2 *= h2 > 0
        g1 = g2 @ w2.T
        g1 *= h1 > 0
        grads = [x.T @ g1, g1.sum(axis=0), h1.T @ g2, g2.sum(axis=0), h2.T @ g3, g3.sum(axis=0)]
        t += 1
        c_1, c_2 = 1 - b1**t, 1 - b2**t
        for p, g, (m, v) in zip(params, grads, moments, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = np.sqrt(v / c_2)
            denom += eps
            p -= (lr / c_1) * m / denom
        return loss

    return step


def mlp_flops(batch: int) -> float:
    """Multiply-adds of one step, times 2: forward, the weight gradients, the input
    gradients of every layer but the first (nobody asks for d loss / d pixels)."""
    layers = list(itertools.pairwise(SIZES))
    fwd = sum(batch * a * b for a, b in layers)
    d_weights = fwd
    d_inputs = fwd - batch * SIZES[0] * SIZES[1]
    return 2.0 * (fwd + d_weights + d_inputs)


def share_of_matmul_peak(step: Callable[[], Any], flops: float, calls: int, blocks: int) -> tuple[float, float]:
    """The engine's FLOP rate over NumPy's float32 matmul peak, measured in turns.

    The peak is what NumPy's ``@`` reaches on two 1024x1024 matrices. It is sampled right
    before each block of training steps, so both see the same machine load; the answer is
    the median of the per-block shares, and the median peak. The probe's 12 MB of matrices
    push the model out of the cache, so one untimed step follows it: what is timed is
    training in its steady state, as it runs between probes.
    """
    r = np.random.default_rng(0)
    n = 1024
    a = r.standard_normal((n, n)).astype(np.float32)
    b = r.standard_normal((n, n)).astype(np.float32)
    a @ b
    step()
    shares, peaks = [], []
    for _ in range(blocks):
        samples = []
        for _ in range(3):
            t = time.perf_counter()
            a @ b
            samples.append(2.0 * n**3 / (time.perf_counter() - t))
        peak = statistics.median(samples)
        step()
        t = time.perf_counter()
        for _ in range(calls):
            step()
        rate = flops * calls / (time.perf_counter() - t)
        shares.append(rate / peak)
        peaks.append(peak)
    return statistics.median(shares), statistics.median(peaks)


# ------------------------------------------------------------------ per-op chain


def ours_chain(length: int = 200) -> Callable[[], None]:
    r = np.random.default_rng(0)
    x = nn.Variable(r.standard_normal((16, 16)).astype(np.float32))
    c = nn.tensor(r.standard_normal((16, 16)).astype(np.float32) * 0.5)

    def run() -> None:
        with nn.GradientTape() as tape:
            y = x
            for i in range(length):
                k = i % 3
                y = y * c if k == 0 else y + c if k == 1 else nn.tanh(y)
            s = y.sum()
        tape.gradient(s, [x])

    return run


def torch_chain(length: int = 200) -> Callable[[], None]:
    import torch

    r = np.random.default_rng(0)
    x = torch.tensor(r.standard_normal((16, 16)).astype(np.float32), requires_grad=True)
    c = torch.tensor(r.standard_normal((16, 16)).astype(np.float32) * 0.5)

    def run() -> None:
        y = x
        for i in range(length):
            k = i % 3
            y = y * c if k == 0 else y + c if k == 1 else torch.tanh(y)
        s = y.sum()
        torch.autograd.grad(s, [x])

    return run


# ------------------------------------------------------------------ timing


# ------------------------------------------------------------------ memory


def _memory_in_child(side: str, batch: int, steps: int) -> dict[str, int]:
    """Run in a fresh process that imports only its own framework: build the MLP, train
    ``steps`` steps, and report (a) the process's peak RSS, everything included, and (b) the
    training's working memory: how far the peak RSS rose above that of the freshly built
    model (activations, gradients, optimizer state, temporaries)."""
    make = ours_mlp if side == "thirdroad" else torch_mlp
    warm = make(8)  # load the library's kernels on an unrelated model first
    warm()
    del warm
    step = make(batch)

    def status(field: str) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
        raise RuntimeError(field)

    before = status("VmHWM:")
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    base = status("VmRSS:")
    for _ in range(steps):
        step()
    during = status("VmHWM:")
    return {"process_peak": max(before, during), "working": during - base}


def memory(side: str, batch: int = 256, steps: int = 20) -> dict[str, int]:
    here = str(Path(__file__).parent)
    code = (
        f"import sys, json; sys.path.insert(0, {here!r}); import engine; "
        f"print(json.dumps(engine._memory_in_child({side!r}, {batch}, {steps})))"
    )
    # Pin glibc's allocator policy on both sides, so that freed blocks go back to the system
    # and RSS follows the memory actually in use, not what an allocator chose to cache.
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    result: dict[str, int] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer blocks (a smoke run)")
    args = parser.parse_args()
    blocks = 3 if args.quick else 9

    import torch

    torch.set_num_threads(2)
    # Ours and the hand-written step start from the same weights and data: same first loss.
    first = (ours_mlp(32)(), numpy_mlp(32)())
    assert abs(first[0] - first[1]) < 1e-4, first
    rows: list[tuple[str, str, str, str, str]] = []
    peaks = []
    for batch in (256, 32):
        calls = 5 if batch == 256 else 20
        r = alternate(ours_mlp(batch), torch_mlp(batch), calls, blocks)
        share, peak = share_of_matmul_peak(ours_mlp(batch), mlp_flops(batch), calls, blocks)
        peaks.append(peak)
        rows.append(
            (
                f"MLP 784-512-512-10 Adam, batch {batch}",
                f"{1 / r.ours:8.1f} steps/s",
                f"{1 / r.theirs:8.1f} steps/s",
                f"{r.speedup:5.2f}x throughput",
                f"{share:5.1%} of matmul peak",
            )
        )
        h = alternate(numpy_mlp(batch), torch_mlp(batch), calls, blocks)
        share_h, _ = share_of_matmul_peak(numpy_mlp(batch), mlp_flops(batch), calls, blocks)
        rows.append(
            (
                "  the same step hand-written in NumPy, no tape",
                f"{1 / h.ours:8.1f} steps/s",
                f"{1 / h.theirs:8.1f} steps/s",
                f"{h.speedup:5.2f}x throughput",
                f"{share_h:5.1%} of matmul peak",
            )
        )
        e = alternate(ours_mlp(batch), numpy_mlp(batch), calls, blocks)
        rows.append(
            (
                "  engine against that hand-written step",
                f"{1 / e.ours:8.1f} steps/s",
                f"{1 / e.theirs:8.1f} (NumPy)",
                f"{e.speedup:5.2f}x throughput",
                "",
            )
        )
    r = alternate(ours_chain(), torch_chain(), 20, blocks)
    rows.append(
        (
            "autodiff overhead, 200 elementwise ops 16x16",
            f"{r.ours / 200 * 1e6:8.2f} us/op",
            f"{r.theirs / 200 * 1e6:8.2f} us/op",
            f"{1 / r.speedup:5.2f}x time",
            "",
        )
    )
    mem_ours, mem_torch = memory("thirdroad"), memory("pytorch")
    for key, label in (
        ("process_peak", "peak RSS of a process training 20 MLP steps (b. 256)"),
        ("working", "working memory of those 20 steps (peak above model)"),
    ):
        rows.append(
            (
                label,
                f"{mem_ours[key] / 2**20:8.1f} MiB",
                f"{mem_torch[key] / 2**20:8.1f} MiB",
                f"{mem_ours[key] / mem_torch[key]:5.2f}x memory",
                "",
            )
        )
    print(f"NumPy float32 matmul peak (1024x1024, median): {peaks[0] / 1e9:.1f} GFLOP/s")
    print(f"torch {torch.__version__}, numpy {np.__version__}")
    print_table(("benchmark", "thirdroad", "pytorch", "ratio (median of blocks)", ""), rows)

if __name__ == "__main__":
    main()
