"""The engine's functions on tensors.

The primitives, one per row of the rule table (:mod:`thirdroad.nn.rules`), are
the tensor's own operations and live beside it (:mod:`thirdroad.nn._tensor`);
this module gives them all one home and composes everything else from them,
the way you would on paper: layer norm is a mean, a variance and a division,
softplus is ``max(x, 0) + log(1 + e^-|x|)``. Composed functions need no
derivative rule of their own: the tape differentiates the pieces.

Every function takes tensors or anything NumPy can read (arrays, numbers).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from thirdroad.nn._arguments import axis_arg, reduced_count
from thirdroad.nn._errors import ShapeError
from thirdroad.nn._tensor import (
    Tensor,
    abs,
    add,
    broadcast_to,
    cast,
    clip,
    concat,
    const,
    div,
    einsum,
    exp,
    expand_dims,
    getitem,
    log,
    log1p,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    minimum,
    mul,
    ndim,
    neg,
    pow,
    relu,
    reshape,
    scatter,
    shape,
    sigmoid,
    sign,
    softmax,
    sqrt,
    stop_gradient,
    sub,
    sum,
    swapaxes,
    tanh,
    transpose,
    where,
)

__all__ = [
    "abs", "add", "broadcast_to", "cast", "clip", "concat", "const", "div", "dropout", "einsum",
    "elu", "embedding", "exp", "expand_dims", "gelu_tanh", "getitem", "layer_norm", "leaky_relu",
    "log", "log1p", "log_sigmoid", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean",
    "minimum", "mul", "ndim", "neg", "pow", "relu", "reshape", "scatter", "shape", "sigmoid",
    "sign", "silu", "softmax", "softplus", "split", "sqrt", "square", "stack", "stop_gradient",
    "sub", "sum", "swapaxes", "tanh", "transpose", "var", "where",
]  # fmt: skip


def _d(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _shape_of(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(_d(x)))


def var(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """The variance (biased, ``ddof=0``, as normalisation layers use it)."""
    c = sub(x, mean(x, axis=axis, keepdims=True))
    n = reduced_count(np.shape(_d(x)), axis_arg(axis))
    return mul(sum(c * c, axis=axis, keepdims=keepdims), 1.0 / (n - ddof))


def square(x: Any) -> Tensor:
    return mul(x, x)


def softplus(x: Any) -> Tensor:
    """log(1 + e^x), written max(x, 0) + log(1 + e^-|x|) so that e^x never overflows."""
    return add(relu(x), log1p(exp(neg(abs(x)))))


def log_sigmoid(x: Any) -> Tensor:
    """log σ(x) = -softplus(-x), stable for large |x|."""
    return neg(softplus(neg(x)))


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    return where(_d(x) > 0, x, mul(x, negative_slope))


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    neg_part = mul(sub(exp(minimum(x, 0.0)), 1.0), alpha)
    return where(_d(x) > 0, x, neg_part)


def silu(x: Any) -> Tensor:
    return mul(x, sigmoid(x))


def gelu_tanh(x: Any) -> Tensor:
    """GELU, the tanh approximation (PyTorch's ``approximate="tanh"``)."""
    c = float(np.sqrt(2.0 / np.pi))
    inner = mul(add(x, mul(pow(x, 3), 0.044715)), c)
    return mul(mul(x, 0.5), add(tanh(inner), 1.0))


def stack(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Put same-shaped tensors side by side along a new axis."""
    if not xs:
        raise ShapeError("stack: nothing to stack")
    shapes = {_shape_of(x) for x in xs}
    if len(shapes) > 1:
        raise ShapeError(f"stack: all pieces need the same shape, got {sorted(shapes)}")
    return concat([expand_dims(x, axis) for x in xs], axis=axis)


def split(x: Any, sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Cut a tensor into equal parts (an int) or at the given indices (a list)."""
    n = _shape_of(x)[axis]
    if isinstance(sections, int):
        if sections <= 0 or n % sections:
            raise ShapeError(f"split: axis {axis} of length {n} does not split into {sections}")
        step = n // sections
        cuts = [i * step for i in range(sections + 1)]
    else:
        cuts = [0, *sections, n]
    nd = ndim(x)
    pieces = []
    for a, b in itertools.pairwise(cuts):
        index = [slice(None)] * nd
        index[axis] = slice(a, b)
        pieces.append(getitem(x, tuple(index)))
    return pieces


def embedding(weight: Any, ids: Any) -> Tensor:
    """Row lookup: the vector of each id. Its gradient adds up at rows used twice."""
    idx = np.asarray(_d(ids))
    if idx.dtype.kind not in "iu":
        raise ShapeError(f"embedding: ids must be integers, got {idx.dtype}")
    rows = _shape_of(weight)[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise ShapeError(f"embedding: ids must lie in [0, {rows}), got {idx.min()}..{idx.max()}")
    return getitem(weight, idx)


def dropout(x: Any, p: float, rng: np.random.Generator, training: bool = True) -> Tensor:
    """Zero each value with probability p, scale the rest by 1/(1-p) (so the mean is kept)."""
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout: p must lie in [0, 1), got {p}")
    if not training or p == 0.0:
        return x if isinstance(x, Tensor) else Tensor(x)
    a = _d(x)
    keep = (rng.random(np.shape(a)) >= p).astype(a.dtype) * a.dtype.type(1.0 / (1.0 - p))
    return mul(x, keep)


def layer_norm(x: Any, gamma: Any, beta: Any, eps: float = 1e-5, axis: int = -1) -> Tensor:
    mu = mean(x, axis=axis, keepdims=True)
    c = sub(x, mu)
    v = mean(mul(c, c), axis=axis, keepdims=True)
    return add(mul(div(c, sqrt(add(v, eps))), gamma), beta)
