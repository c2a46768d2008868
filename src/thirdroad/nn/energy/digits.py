"""An RBM trained on scikit-learn's bundled digits (8x8 images, made black and white).

``train_rbm()`` trains it with a progress bar, saves a checkpoint, and draws three
pictures: the learned filters (what each hidden unit looks for), Gibbs chains the model
runs from held-out digits and from noise, and the training curves. No download: the
digits ship inside scikit-learn.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from thirdroad.nn._files import save_figure
from thirdroad.nn._tensor import Array
from thirdroad.nn.energy.rbm import RBM
from thirdroad.nn.training import History

if TYPE_CHECKING:  # matplotlib is imported only when a picture is drawn: it is slow to import
    from matplotlib.figure import Figure

SIDE = 8
CHAIN_STEPS = (1, 2, 5, 20, 100, 1000)


@dataclass
class RBMRun:
    """What :func:`train_rbm` made: the model, its history, and where it saved things."""

    model: RBM
    history: History
    heldout_pl_before: float
    heldout_pl_after: float
    checkpoint: Path
    filters_png: Path
    samples_png: Path
    curves_png: Path


def load_binary_digits(test_size: float = 0.25, seed: int = 0) -> tuple[Array, Array, Array, Array]:
    """Digits as 64 pixels each, 1 where the ink is at least half dark (8 of 16), else 0.

    Returns ``(x_train, x_test, y_train, y_test)``, split with the classes in proportion.
    """
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]
    from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]

    digits = load_digits()
    x = (digits.data >= 8).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)
    return x_tr, x_te, y_tr, y_te


def train_rbm(
    epochs: int = 40,
    out_dir: str | os.PathLike[str] = "runs/rbm",
    n_hidden: int = 100,
    k: int = 1,
    persistent: bool = False,
    lr: float = 0.1,
    batch_size: int = 10,
    seed: int = 0,
    progress: bool = True,
) -> RBMRun:
    """Train an RBM (64 visible, ``n_hidden`` hidden units) on the binarised digits.

    Saves ``rbm.npz`` (the variables; ``RBM(64, n_hidden).load(path)`` reads them back),
    ``filters.png``, ``samples.png`` and ``curves.png`` in ``out_dir``, and prints the
    held-out pseudo-likelihood before and after training.
    """
    x_tr, x_te, _, y_te = load_binary_digits(seed=seed)
    rbm = RBM(x_tr.shape[1], n_hidden, seed=seed)
    before = rbm.pseudo_likelihood(x_te)
    history = rbm.fit(
        x_tr,
        epochs=epochs,
        k=k,
        persistent=persistent,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        validation_data=x_te,
        progress=progress,
        description=f"RBM digits {'PCD' if persistent else 'CD'}-{k}",
    )
    after = history["val_pseudo_likelihood"][-1] if epochs else before
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = rbm.save(out / "rbm.npz")
    filters = plot_filters(rbm, out / "filters.png")
    samples = plot_samples(rbm, x_te, y_te, out / "samples.png", seed=seed)
    curves = plot_curves(history, before, out / "curves.png")
    if progress:
        print(
            f"held-out log pseudo-likelihood per digit: {before:.2f} before training, {after:.2f} after "
            f"{epochs} epochs (closer to 0 is better)\nsaved {checkpoint}, {filters}, {samples}, {curves}"
        )
    return RBMRun(rbm, history, before, after, checkpoint, filters, samples, curves)


# ---- pictures -----------------------------------------------------------------------------
def plot_filters(rbm: RBM, path: Path, max_filters: int = 100) -> Path:
    """Each hidden unit's connections to the 64 pixels, drawn as an 8x8 image.

    Red: the unit is pushed on by ink there (positive weight); blue: pushed off. One colour
    scale for all, so strong and weak units can be compared.
    """
    W = rbm.W.data[:, :max_filters]
    n = W.shape[1]
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    limit = float(np.abs(W).max()) or 1.0
    size = (cols * 0.75 + 1.2, rows * 0.75 + 0.5)
    fig = _figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    image = None
    for j, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if j < n:
            image = ax.imshow(W[:, j].reshape(SIDE, SIDE), cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.set_axis_off()
    fig.suptitle("what each hidden unit looks for: its weights to the 8x8 pixels", fontsize=10)
    if image is not None:
        bar = fig.colorbar(image, ax=axes, shrink=0.6)
        bar.set_label("weight  (red: ink here turns the unit on)", fontsize=8)
    return _save(fig, path)


def plot_samples(rbm: RBM, x_test: Array, y_test: Array, path: Path, seed: int = 0) -> Path:
    """Gibbs chains: from one held-out digit of each class, and from random noise.

    Each row is one chain; the columns show p(v | h) after more and more rounds of Gibbs
    sampling. Early columns stay close to the start (reconstructions); late ones are what the
    model itself believes digits look like.
    """
    rng = np.random.default_rng(seed)
    starts = [x_test[np.flatnonzero(y_test == d)[0]] for d in range(10)]
    from_data = _chain_snapshots(rbm, np.stack(starts), rng)
    noise = (rng.random((10, rbm.n_visible)) < 0.5).astype(rbm.dtype)
    from_noise = _chain_snapshots(rbm, noise, rng)
    headers = ["start", *[f"{s} step{'s' if s > 1 else ''}" for s in CHAIN_STEPS]]
    widths = [1] * len(headers) + [0.35] + [1] * len(headers)
    fig = _figure(figsize=(12, 7.6))
    axes = fig.subplots(10, len(widths), gridspec_kw={"width_ratios": widths})
    panels = ((0, from_data, "chains from held-out digits"), (len(headers) + 1, from_noise, "chains from random noise"))
    for col_offset, snaps, title in panels:
        for c, snap in enumerate(snaps):
            for r in range(10):
                ax = axes[r, col_offset + c]
                ax.imshow(snap[r].reshape(SIDE, SIDE), cmap="gray_r", vmin=0, vmax=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if r == 0:
                    ax.set_title(headers[c], fontsize=8)
        axes[0, col_offset + len(headers) // 2].annotate(
            title, xy=(0.5, 1.6), xycoords="axes fraction", ha="center", fontsize=11
        )
    for r in range(10):
        axes[r, len(headers)].set_axis_off()
    fig.suptitle("samples of the RBM: p(v | h) as Gibbs sampling runs on", fontsize=12, y=0.995)
    return _save(fig, path)


def plot_curves(history: History, pl_before: float, path: Path) -> Path:
    """Pseudo-likelihood and reconstruction error per epoch, on training and held-out digits."""
    fig = _figure(figsize=(10, 3.8))
    left, right = fig.subplots(1, 2)
    epochs = np.arange(0, len(history["pseudo_likelihood"]) + 1)
    for key, label in (("pseudo_likelihood", "training digits"), ("val_pseudo_likelihood", "held-out digits")):
        left.plot(epochs, [pl_before, *history[key]], marker=".", label=label)
    left.set_title("log pseudo-likelihood per digit (higher is better)", fontsize=10)
    for key, label in (("recon_error", "training digits"), ("val_recon_error", "held-out digits")):
        right.plot(epochs[1:], history[key], marker=".", label=label)
    right.set_title("reconstruction error (squared, per digit)", fontsize=10)
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return _save(fig, path)


def _chain_snapshots(rbm: RBM, start: Array, rng: np.random.Generator) -> list[Array]:
    snaps = [start]
    v, done = start, 0
    for steps in CHAIN_STEPS:
        v, mean = rbm.gibbs(v, steps=steps - done, seed=rng)
        done = steps
        snaps.append(mean)
    return snaps


def _figure(**kwargs: Any) -> Figure:
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _save(fig: Figure, path: Path) -> Path:
    # A bare Figure draws with Agg when saved: no pyplot, so a notebook's backend is left alone.
    return save_figure(fig, path, dpi=110, bbox_inches="tight")
