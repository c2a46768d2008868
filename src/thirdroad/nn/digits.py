"""A small MLP on scikit-learn's bundled digits (8x8 images of 0-9), trained from scratch.

``thirdroad train mlp`` runs :func:`main`; ``examples/mlp_digits.py`` shows the same in a
script. No download: the digits ship inside scikit-learn.
"""

from __future__ import annotations

import numpy as np

from thirdroad import nn  # the package's own engine, as a user would import it
from thirdroad.nn._tensor import Array


def load(seed: int = 0) -> tuple[Array, Array, Array, Array]:
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]  # scikit-learn loads only to train
    from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixel darkness 0..16 -> 0..1
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    return x_tr, x_te, y_tr, y_te


def build(seed: int = 0) -> nn.Sequential:
    return nn.Sequential(
        nn.Dense(64, 128, activation="relu", seed=seed),
        nn.Dropout(0.2, seed=seed),
        nn.Dense(128, 128, activation="relu", seed=seed + 1),
        nn.Dropout(0.2, seed=seed + 5),
        nn.Dense(128, 10, seed=seed + 2),
    )


def main(epochs: int = 40, seed: int = 0, progress: bool = True) -> float:
    """Train the MLP, print and return its accuracy on the held-out quarter of the digits."""
    x_tr, x_te, y_tr, y_te = load(seed)
    model = build(seed)
    history = nn.fit(
        model,
        nn.losses.cross_entropy,
        x_tr,
        y_tr,
        nn.optim.Adam(lr=2e-3),
        epochs=epochs,
        batch_size=32,
        seed=seed,
        validation_data=(x_te, y_te),
        metrics={"accuracy": nn.accuracy},
        progress=progress,
        description="MLP on digits",
    )
    test_acc = history["val_accuracy"][-1]
    print(f"test accuracy {test_acc:.2%} on {len(y_te)} held-out digits after {epochs} epochs")
    return test_acc

