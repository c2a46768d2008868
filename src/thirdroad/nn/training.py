"""A training loop: shuffled mini-batches, a tape per step, an optimizer, a progress bar.

>>> history = fit(model, losses.cross_entropy, X, y, optim.Adam(1e-3), epochs=10)
>>> history["loss"][-1]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from thirdroad.nn._tensor import Array, EngineError, Tensor
from thirdroad.nn.module import Module
from thirdroad.nn.optim import Optimizer
from thirdroad.nn.tape import GradientTape

Metric = Callable[[Array, Array], float]


def training_bar(progress: bool = True) -> Progress:
    """The progress bar every training loop shows: what is training, how many steps of how
    many, a status (epoch, loss) and the time left. ``progress=False`` hides it."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeRemainingColumn(),
    )
    return Progress(*columns, disable=not progress, transient=False)


class TrainingError(EngineError):
    """Training cannot go on; the message names the epoch and step where it broke."""


def accuracy(outputs: Array, labels: Array) -> float:
    """The share of rows whose highest score is the true class."""
    return float(np.mean(np.argmax(outputs, axis=-1) == labels))


@dataclass
class History:
    """What happened during training: one value per epoch for each metric."""

    metrics: dict[str, list[float]] = field(default_factory=dict)
    steps: int = 0

    def add(self, name: str, value: float) -> None:
        self.metrics.setdefault(name, []).append(value)

    def __getitem__(self, name: str) -> list[float]:
        return self.metrics[name]

    def last(self) -> dict[str, float]:
        return {k: v[-1] for k, v in self.metrics.items() if v}


def predict(model: Module, x: Array, batch_size: int = 1024) -> Array:
    """The model's outputs for every row of x, in eval mode and without a tape."""
    was_training = model.training
    model.eval()
    try:
        parts = [_data(model(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return np.concatenate(parts, axis=0)


def fit(
    model: Module,
    loss_fn: Callable[[Tensor, Any], Tensor],
    x: Array,
    y: Array,
    optimizer: Optimizer,
    epochs: int = 1,
    batch_size: int = 32,
    seed: int = 0,
    validation_data: tuple[Array, Array] | None = None,
    metrics: dict[str, Metric] | None = None,
    progress: bool = True,
    description: str = "training",
) -> History:
    """Train ``model`` to make ``loss_fn(model(x_batch), y_batch)`` small.

    Each epoch visits the rows in a new order drawn from ``seed``; each step
    records the forward pass on a tape, takes the gradients of the loss with
    respect to ``model.variables`` and hands them to the optimizer. A loss
    that becomes NaN or infinite stops training with a :class:`TrainingError`
    that names the epoch and step.
    """
    if len(x) != len(y):
        raise EngineError(f"fit: {len(x)} inputs but {len(y)} targets")
    if len(x) == 0:
        raise EngineError("fit: no training data")
    if batch_size <= 0 or epochs < 0:
        raise EngineError("fit: batch_size must be positive and epochs non-negative")
    metrics = metrics or {}
    rng = np.random.default_rng(seed)
    history = History()
    variables = model.variables
    batches = math.ceil(len(x) / batch_size)
    with training_bar(progress) as bar:
        task = bar.add_task(description, total=epochs * batches, status="")
        for epoch in range(1, epochs + 1):
            model.train()
            order = rng.permutation(len(x))
            total = 0.0
            for b in range(batches):
                idx = order[b * batch_size : (b + 1) * batch_size]
                with GradientTape() as tape:
                    loss = loss_fn(model(x[idx]), y[idx])
                value = float(loss.data)
                history.steps += 1
                if not math.isfinite(value):
                    raise TrainingError(
                        f"the loss became {value} at epoch {epoch}, step {b + 1} of {batches} "
                        f"(step {history.steps} overall); try a smaller learning rate, or look "
                        "for a log of 0 or a division by 0 in the model"
                    )
                grads = tape.gradient(loss, variables)
                optimizer.apply_gradients(zip(grads, variables, strict=True))
                total += value * len(idx)
                bar.update(task, advance=1, status=f"epoch {epoch}/{epochs} loss {value:.4f}")
            history.add("loss", total / len(x))
            for name, fn in metrics.items():
                history.add(name, fn(predict(model, x), y))
            if validation_data is not None:
                vx, vy = validation_data
                out = predict(model, vx)
                history.add("val_loss", float(_data(loss_fn(Tensor(out), vy))))
                for name, fn in metrics.items():
                    history.add("val_" + name, fn(out, vy))
            shown = ", ".join(f"{k} {v:.4f}" for k, v in history.last().items())
            bar.update(task, status=f"epoch {epoch}/{epochs} {shown}")
    return history


def _data(x: Any) -> Array:
    return x.data if isinstance(x, Tensor) else np.asarray(x)
