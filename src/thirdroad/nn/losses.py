"""Losses: one number that says how wrong a prediction is, averaged over the batch.

Losses that start from logits (``cross_entropy``, ``bce_with_logits``) never
form probabilities first: they use logsumexp and softplus, so logits of ±1e4
give finite losses and gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from thirdroad.nn import functional as F
from thirdroad.nn._tensor import ShapeError, Tensor


def _reduce(x: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return F.mean(x)
    if reduction == "sum":
        return F.sum(x)
    if reduction == "none":
        return x
    raise ValueError(f'reduction must be "mean", "sum" or "none", not {reduction!r}')


def mse(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: the average of (pred - target)²."""
    d = F.sub(pred, target)
    return _reduce(F.mul(d, d), reduction)


def l1(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: the average of |pred - target|."""
    return _reduce(F.abs(F.sub(pred, target)), reduction)


def cross_entropy(logits: Any, labels: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy from raw scores: -log softmax(logits)[label], averaged.

    ``labels`` are class ids (B,), or class probabilities with the logits' shape.
    Computed as -log_softmax(logits)[label], with the maximum taken out first: no probability
    is ever formed, and logits of 1e5 in float32 lose no digits.
    """
    z = logits if isinstance(logits, Tensor) else Tensor(logits)
    lab = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    if lab.dtype.kind in "iu":
        if lab.shape != z.shape[:-1]:
            raise ShapeError(
                f"cross_entropy: labels of shape {lab.shape} for logits of shape {z.shape}"
            )
        if lab.size and (lab.min() < 0 or lab.max() >= z.shape[-1]):
            raise ShapeError(f"cross_entropy: labels must lie in [0, {z.shape[-1]})")
        # -log_softmax(logits)[label], not logsumexp(logits) - logits[label]: that subtracts
        # two rounded numbers of the logits' size (1.1016 for log 3 = 1.0986 at logits of 1e5)
        rows = np.indices(lab.shape)
        return _reduce(F.neg(F.getitem(F.log_softmax(z, axis=-1), (*rows, lab))), reduction)
    if lab.shape != z.shape:
        raise ShapeError(f"cross_entropy: targets {lab.shape} for logits {z.shape}")
    return _reduce(F.neg(F.sum(F.mul(F.log_softmax(z, axis=-1), lab), axis=-1)), reduction)


def nll(log_probs: Any, labels: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of the true class, from log-probabilities."""
    lab = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    rows = np.indices(lab.shape)
    return _reduce(F.neg(F.getitem(log_probs, (*rows, lab))), reduction)


def bce_with_logits(logits: Any, targets: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy from logits: softplus(x) - x·y, i.e. -[y log σ(x) + (1-y) log(1-σ(x))].

    Written ``max(x, 0) - x·y + log(1 + e^-|x|)``: no overflow, no log of 0.
    """
    y = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    return _reduce(F.sub(F.softplus(logits), F.mul(logits, y)), reduction)


def bce(probs: Any, targets: Any, reduction: str = "mean", eps: float = 1e-12) -> Tensor:
    """Binary cross-entropy from probabilities (prefer :func:`bce_with_logits`)."""
    p = F.clip(probs, eps, 1 - eps)
    y = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    return _reduce(F.neg(F.add(F.mul(F.log(p), y), F.mul(F.log(F.sub(1.0, p)), 1 - y))), reduction)
