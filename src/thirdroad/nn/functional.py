"""The engine's functions on tensors.

The first part calls the primitives of :mod:`thirdroad.nn.rules` (each one a
row of the rule table); the second part composes everything else from them,
the way you would on paper: a softmax is ``exp(x - logsumexp(x))``, layer
norm is a mean, a variance and a division. Composed functions need no
derivative rule of their own: the tape differentiates the pieces.

Every function takes tensors or anything NumPy can read (arrays, numbers).
"""

from __future__ import annotations

import builtins
import itertools
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from thirdroad.nn import _tensor
from thirdroad.nn import rules as R
from thirdroad.nn._tensor import Array, ShapeError, Tensor, record, record1, record2
from thirdroad.nn.tape import inside as inside
from thirdroad.nn.tape import tie_share as tie_share


def _d(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _shape_of(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(_d(x)))


def _operand(x: Any) -> Any:
    # A NumPy float scalar (np.sqrt(2.0), say) counts as a plain number, as Python floats do:
    # it must not turn a float32 computation into float64.
    return float(x) if isinstance(x, np.floating) else x


def _binary(prim: R.Primitive, doc: str) -> Callable[[Any, Any], Tensor]:
    """The function for a two-argument elementwise primitive (broadcasting like NumPy)."""
    forward = prim.forward

    def op(x: Any, y: Any) -> Tensor:
        if isinstance(x, Tensor):
            xd = x.data
        else:
            x = xd = _operand(x)
        if isinstance(y, Tensor):
            yd = y.data
        else:
            y = yd = _operand(y)
        try:
            data = forward(xd, yd)
        except ValueError as err:
            shapes = f"{_shape_of(x)} and {_shape_of(y)}"
            raise ShapeError(f"{prim.name}: shapes {shapes} do not broadcast together") from err
        return record2(prim, data, x, y, None)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return op


def _unary(prim: R.Primitive, doc: str) -> Callable[[Any], Tensor]:
    """The function for a one-argument elementwise primitive."""
    forward = prim.forward

    def op(x: Any) -> Tensor:
        return record1(prim, forward(x.data if isinstance(x, Tensor) else np.asarray(x)), x, None)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return op


# ---------------------------------------------------------------- primitives
# One function per row of the rule table (rules.py), made by the two factories above.

add = _binary(R.ADD, "x + y")
sub = _binary(R.SUB, "x - y")
mul = _binary(R.MUL, "x · y, element by element")
div = _binary(R.DIV, "x / y, element by element")
pow = _binary(R.POW, "x to the power y")
maximum = _binary(R.MAXIMUM, "the larger of x and y, element by element")
minimum = _binary(R.MINIMUM, "the smaller of x and y, element by element")
neg = _unary(R.NEG, "-x")
exp = _unary(R.EXP, "e to the power x")
log = _unary(R.LOG, "the natural logarithm")
log1p = _unary(R.LOG1P, "log(1 + x), accurate when x is tiny")
sqrt = _unary(R.SQRT, "the square root")
abs = _unary(R.ABS, "|x|")
tanh = _unary(R.TANH, "the hyperbolic tangent: squashes any number into (-1, 1)")
sigmoid = _unary(R.SIGMOID, "1 / (1 + e^-x): squashes any number into (0, 1)")
relu = _unary(R.RELU, "max(x, 0): keeps positives, zeroes negatives")


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """x where the condition holds, y elsewhere. The condition itself has no gradient."""
    c = np.asarray(_d(condition), dtype=bool)
    try:
        data = np.where(c, _d(x), _d(y))
    except ValueError as err:
        raise ShapeError(
            f"where: shapes {c.shape}, {_shape_of(x)} and {_shape_of(y)} do not broadcast together"
        ) from err
    return record(R.WHERE, data, (c, x, y), None)


def clip(x: Any, lo: float | None, hi: float | None) -> Tensor:
    return record(R.CLIP, np.clip(_d(x), lo, hi), (x, lo, hi), None)


def matmul(x: Any, y: Any) -> Tensor:
    a, b = _d(x), _d(y)
    try:
        data = np.matmul(a, b)
    except ValueError as err:
        raise ShapeError(
            f"matmul: {np.shape(a)} @ {np.shape(b)}: the last axis of the left "
            f"({np.shape(a)[-1] if np.ndim(a) else '-'}) must equal the "
            f"{'first' if np.ndim(b) == 1 else 'second-to-last'} axis of the right"
        ) from err
    return record2(R.MATMUL, data, x, y, None)


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, e.g. ``einsum("bth,bsh->bts", q, k)`` for all dot-product scores."""
    arrays = [_d(o) for o in operands]
    spec = _normalize_einsum(subscripts, [np.ndim(a) for a in arrays])
    try:
        data = R.EINSUM.forward(*arrays, subscripts=spec)
    except ValueError as err:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise ShapeError(f"einsum {subscripts!r}: operands of shapes {shapes} do not fit") from err
    return record(R.EINSUM, data, tuple(operands), {"subscripts": spec})


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    attrs = {"axis": _axis(axis), "keepdims": keepdims}
    return record1(R.SUM, np.sum(_d(x), **attrs), x, attrs)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    attrs = {"axis": _axis(axis), "keepdims": keepdims}
    a = _d(x)
    if np.size(a) == 0:
        raise ShapeError("max: the tensor is empty")
    return record1(R.MAX, np.max(a, **attrs), x, attrs)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log Σ exp(x), computed without overflow (the max is taken out first)."""
    attrs = {"axis": _axis(axis), "keepdims": keepdims}
    return record1(R.LOGSUMEXP, R._logsumexp(_d(x), **attrs), x, attrs)


def reshape(x: Any, shape: Any) -> Tensor:
    shape = tuple(shape) if isinstance(shape, list | tuple) else (shape,)
    a = _d(x)
    try:
        data = np.reshape(a, shape)
    except ValueError as err:
        raise ShapeError(f"reshape: cannot reshape {np.shape(a)} into {shape}") from err
    return record1(R.RESHAPE, data, x, {"shape": shape})


def transpose(x: Any, axes: Any = None) -> Tensor:
    axes = None if axes is None else tuple(axes)
    return record1(R.TRANSPOSE, np.transpose(_d(x), axes), x, {"axes": axes})


def broadcast_to(x: Any, shape: Any) -> Tensor:
    shape = tuple(shape)
    try:
        data = np.broadcast_to(_d(x), shape)
    except ValueError as err:
        raise ShapeError(f"broadcast_to: cannot broadcast {_shape_of(x)} to {shape}") from err
    return record1(R.BROADCAST, data, x, {"shape": shape})


def cast(x: Any, dtype: Any) -> Tensor:
    dtype = np.dtype(dtype)
    return record1(R.CAST, np.asarray(_d(x)).astype(dtype), x, {"dtype": dtype})


def getitem(x: Any, index: Any) -> Tensor:
    """``x[index]`` with NumPy's basic and advanced indexing."""
    index = _plain_index(index)
    a = _d(x)
    try:
        data = a[index]
    except IndexError as err:
        raise ShapeError(f"indexing a tensor of shape {np.shape(a)}: {err}") from err
    return record1(R.GETITEM, data, x, {"index": index, "basic": _is_basic(index)})


def scatter(g: Any, index: Any, shape: Any, basic: bool) -> Tensor:
    """Zeros of ``shape`` with ``g`` added at ``index``: the reverse of indexing."""
    shape = tuple(shape)
    attrs = {"index": index, "shape": shape, "basic": basic}
    return record1(R.SCATTER, R._scatter(np.asarray(_d(g)), index, shape, basic), g, attrs)


def concat(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Glue tensors end to end along an axis (``[a; b]`` in papers)."""
    arrays = [_d(x) for x in xs]
    if not arrays:
        raise ShapeError("concat: nothing to concatenate")
    nd = np.ndim(arrays[0])
    ax = axis % nd if nd else 0
    bounds, start = [], 0
    for a in arrays:
        if np.ndim(a) != nd:
            raise ShapeError(
                f"concat: all pieces need {nd} axes, got shapes {[np.shape(b) for b in arrays]}"
            )
        bounds.append((start, start + np.shape(a)[ax]))
        start += np.shape(a)[ax]
    try:
        data = np.concatenate(arrays, axis=ax)
    except ValueError as err:
        raise ShapeError(
            f"concat along axis {axis}: shapes {[np.shape(b) for b in arrays]} differ elsewhere"
        ) from err
    return record(R.CONCAT, data, tuple(xs), {"axis": ax, "bounds": tuple(bounds)})


# ------------------------------------------------- used by the rules' partials


def const(x: Any) -> Any:
    """The values without their history: the gradient does not flow through this."""
    return _d(x)


stop_gradient = const


def ndim(x: Any) -> int:
    return int(np.ndim(_d(x)))


def shape(x: Any) -> tuple[int, ...]:
    return _shape_of(x)


def sign(x: Any) -> Array:
    return np.sign(_d(x))  # type: ignore[no-any-return]


def swapaxes(x: Any, a: int, b: int) -> Tensor:
    axes = list(range(ndim(x)))
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, axes)


def expand_dims(x: Any, axis: int) -> Tensor:
    s = list(_shape_of(x))
    s.insert(axis % (len(s) + 1), 1)
    return reshape(x, tuple(s))


# ------------------------------------------------------------------ composed


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    a = _d(x)
    ax = _axis(axis)
    if ax is None:
        n = np.size(a)
    else:
        axes = (ax,) if isinstance(ax, int) else ax
        n = int(np.prod([np.shape(a)[i] for i in axes]))
    return mul(sum(x, axis=ax, keepdims=keepdims), 1.0 / n)


def var(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """The variance (biased, ``ddof=0``, as normalisation layers use it)."""
    c = sub(x, mean(x, axis=axis, keepdims=True))
    a = _d(x)
    n = np.size(a) if axis is None else int(np.prod([np.shape(a)[i] for i in _axes(axis)]))
    return mul(sum(c * c, axis=axis, keepdims=keepdims), 1.0 / (n - ddof))


def square(x: Any) -> Tensor:
    return mul(x, x)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """exp(x_i) / Σ_j exp(x_j): scores become weights that are positive and sum to 1."""
    return exp(sub(x, logsumexp(x, axis=axis, keepdims=True)))


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    return sub(x, logsumexp(x, axis=axis, keepdims=True))


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


# -------------------------------------------------------------------- helpers


def _axis(axis: Any) -> Any:
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _axes(axis: Any) -> tuple[int, ...]:
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _plain_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _is_basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(
        isinstance(p, int | slice | np.integer) or p is None or p is Ellipsis for p in parts
    )


def _normalize_einsum(subscripts: str, ndims: list[int]) -> str:
    """Explicit form 'ij,jk->ik', with '...' spelled out, so each gradient can be written."""
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        ins, result = spec.split("->")
    else:
        ins, result = spec, None
    terms = ins.split(",")
    if len(terms) != len(ndims):
        raise ShapeError(f"einsum {subscripts!r}: {len(terms)} terms for {len(ndims)} operands")
    used = set(spec) - set(".,->")
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    ell_len = 0
    for t, n in zip(terms, ndims, strict=True):
        if "..." in t:
            ell_len = builtins.max(ell_len, n - (len(t) - 3))
    ell = "".join(spare[:ell_len])
    new_terms = []
    for t, n in zip(terms, ndims, strict=True):
        if "..." in t:
            k = n - (len(t) - 3)
            t = t.replace("...", ell[ell_len - k :])
        if len(t) != n:
            raise ShapeError(f"einsum {subscripts!r}: term {t!r} has {len(t)} indices for {n} axes")
        if len(set(t)) != len(t):
            raise ShapeError(
                f"einsum {subscripts!r}: a repeated index inside one term (a diagonal) "
                "is not supported; take the diagonal explicitly"
            )
        new_terms.append(t)
    if result is None:
        letters = "".join(new_terms)
        result = ell + "".join(sorted(c for c in set(letters) - set(ell) if letters.count(c) == 1))
    else:
        result = result.replace("...", ell)
    return ",".join(new_terms) + "->" + result


_tensor._F = sys.modules[__name__]  # Tensor's methods call these functions

# The hottest operators are bound straight to their functions: one call less per operation.
Tensor.__add__ = add  # type: ignore[method-assign]
Tensor.__sub__ = sub  # type: ignore[method-assign]
Tensor.__mul__ = mul  # type: ignore[method-assign]
Tensor.__truediv__ = div  # type: ignore[method-assign]
Tensor.__matmul__ = matmul  # type: ignore[method-assign]
Tensor.__neg__ = neg  # type: ignore[method-assign]
