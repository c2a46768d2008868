"""References of ``data/models.toml``: small models written out (a dense layer, a multilayer
perceptron, maxout). A weight matrix multiplies a column vector from the left (W x);
an activation given as a function is any callable applied entry by entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a

Activation = Callable[[Array], Any]


def dense(f: Activation, W: ArrayLike, x: ArrayLike, b: ArrayLike) -> Array:
    """f(W x + b): an activation applied to an affine map."""
    return _a(f(_a(W) @ _a(x) + _a(b)))


def dense_rows(f: Activation, X: ArrayLike, W: ArrayLike, b: ArrayLike) -> Array:
    """f(X W + b): a dense layer on a batch of rows, W stored in by out (Keras' Dense)."""
    return _a(f(_a(X) @ _a(W) + _a(b)))


def dense_transposed(f: Activation, x: ArrayLike, A: ArrayLike, b: ArrayLike) -> Array:
    """f(x A^T + b): a dense layer on rows, A stored out by in (PyTorch's nn.Linear, then f)."""
    return _a(f(_a(x) @ _a(A).T + _a(b)))


def neuron(f: Activation, w: ArrayLike, x: ArrayLike, b: float) -> Array:
    """f(w^T x + b) = f(sum_i w_i x_i + b): one unit of a dense layer."""
    return _a(f(_a(w) @ _a(x) + b))


def mlp_two_activations(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, f1: Activation,
                        f2: Activation, x: ArrayLike) -> Array:
    """f2(W2 f1(W1 x + b1) + b2): two dense layers in a row."""
    return _a(f2(_a(W2) @ _a(f1(_a(W1) @ _a(x) + _a(b1))) + _a(b2)))


def mlp_linear_output(W1: ArrayLike, W2: ArrayLike, f: Activation, x: ArrayLike, b1: ArrayLike = 0.0,
                      b2: ArrayLike = 0.0) -> Array:
    """W2 f(W1 x + b1) + b2: a hidden dense layer, then a linear one (scores, a regression)."""
    return _a(_a(W2) @ _a(f(_a(W1) @ _a(x) + _a(b1))) + _a(b2))


def maxout(w1: ArrayLike, b1: float, w2: ArrayLike, b2: float, x: ArrayLike) -> float:
    """max(w1^T x + b1, w2^T x + b2): the larger of two linear pieces."""
    return float(max(_a(w1) @ _a(x) + b1, _a(w2) @ _a(x) + b2))



def linear_regression(w: ArrayLike, x: ArrayLike, b: float = 0.0) -> float:
    """w^T x + b: the prediction of a linear regression for one example."""
    return float(_a(w) @ _a(x) + b)


def linear_regression_batch(X: ArrayLike, w: ArrayLike, b: float = 0.0) -> Array:
    """X w + b: the predictions for examples stacked as the rows of X."""
    return _a(_a(X) @ _a(w) + b)


def logistic_regression(w: ArrayLike, x: ArrayLike, b: float = 0.0) -> float:
    """sigma(w^T x + b): the probability of the positive class."""
    return float(1.0 / (1.0 + np.exp(-(_a(w) @ _a(x) + b))))
