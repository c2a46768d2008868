"""The derivative rules: one primitive a row, its forward beside its backward.

Every operation of the engine is either one of these primitives or composed
from them (softmax, layer norm, attention... have no rule of their own).
logsumexp and log_softmax are rows, not compositions, for their numerics: written
with the maximum taken out they keep digits the composed forms lose.
Each row holds

- ``forward``: the NumPy computation;
- ``partials``: one function per input that turns the output's gradient ``g``
  into that input's gradient: the chain rule, one factor at a time;
- ``math``: the same rule in words and symbols, for people (``thirdroad nn rules``).

The forwards that hide a numeric trap (sigmoid, logsumexp) come from
:mod:`thirdroad.nn.numerics`, the one module beneath this table.

A partial is called as ``partial(F, g, out, *inputs, **attrs)``. ``F`` is a
namespace of array functions: plain NumPy when only first derivatives are
asked for, and the engine's own recorded functions when an outer tape is
watching, so that the backward pass itself can be differentiated (second
derivatives, Hessian-vector products). The partials therefore use operators
and ``F.<name>`` only. Broadcasting is undone by the tape, not here: a partial
may return a gradient of the broadcast shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from thirdroad.nn import numerics
from thirdroad.nn.numerics import Array

Partial = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Primitive:
    """One row of the rule table."""

    name: str
    forward: Callable[..., Array]
    partials: tuple[Partial, ...]
    math: str
    note: str = ""
    variadic: bool = False  # one partial for all inputs, called with the input's position first

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


# --------------------------------------------------------------------------
# array helpers of the forward passes and the partials
# --------------------------------------------------------------------------


def relu(x: Array) -> Array:
    return np.maximum(x, 0)


def scatter(g: Array, index: Any, shape: tuple[int, ...], basic: bool) -> Array:
    """Zeros of ``shape`` with ``g`` added at ``index``: the reverse of indexing."""
    z = np.zeros(shape, dtype=g.dtype)
    if basic:
        z[index] = g  # basic indexing never repeats an element
    else:
        np.add.at(z, index, g)  # advanced indexing may: repeated rows add up
    return z


def tie_share(a: Array, b: Array) -> Array:
    """1 where a wins, 1/2 where a and b tie, 0 where b wins."""
    return (a > b) + 0.5 * (a == b)  # type: ignore[no-any-return]


def inside(x: Array, lo: Any, hi: Any) -> Array:
    """True where lo <= x <= hi (a bound of None is no bound)."""
    keep = np.ones(np.shape(x), dtype=bool)
    if lo is not None:
        keep &= x >= lo
    if hi is not None:
        keep &= x <= hi
    return keep


def _concat(*xs: Array, axis: int, bounds: tuple[tuple[int, int], ...]) -> Array:
    return np.concatenate(xs, axis=axis)


def _keep_reduced(g: Any, F: Any, x_ndim: int, axis: Any, keepdims: bool) -> Any:
    """Put back the axes a reduction removed, so g broadcasts against its input."""
    if keepdims or (axis is None and F.ndim(g) == 0):
        return g
    axes = tuple(range(x_ndim)) if axis is None else axis
    axes = (axes,) if isinstance(axes, int) else axes
    shape = list(F.shape(g))
    for a in sorted(ax % x_ndim for ax in axes):
        shape.insert(a, 1)
    return F.reshape(g, tuple(shape))


# --------------------------------------------------------------------------
# partials that need a few lines
# --------------------------------------------------------------------------


def _pow_dx(F: Any, g: Any, out: Any, x: Any, y: Any) -> Any:
    # PyTorch's convention: where the exponent is 0 the derivative is 0, even at x = 0.
    yc = F.const(y)
    if np.ndim(yc) == 0:
        return g * 0 if yc == 0 else g * y * x ** (y - 1)
    return F.where(yc == 0, 0.0, g * y * x ** (y - 1))


def _pow_dy(F: Any, g: Any, out: Any, x: Any, y: Any) -> Any:
    # d(x^y)/dy = x^y log x; at x = 0 with y >= 0 PyTorch takes 0 instead of 0*log 0 = nan.
    xc, yc = F.const(x), F.const(y)
    at_zero = (xc == 0) & (yc >= 0)
    safe_x = F.where(at_zero, 1.0, x)
    return F.where(at_zero, 0.0, g * out * F.log(safe_x))


def _matmul_dx(F: Any, g: Any, out: Any, x: Any, y: Any) -> Any:
    if F.ndim(y) == 1:
        return F.expand_dims(g, -1) * y  # (..., m, 1) * (k,): an outer product
    if F.ndim(x) == 1:
        return F.matmul(y, F.expand_dims(g, -1))[..., 0]  # batch axes are summed by the tape
    return F.matmul(g, F.swapaxes(y, -1, -2))


def _matmul_dy(F: Any, g: Any, out: Any, x: Any, y: Any) -> Any:
    if F.ndim(x) == 1:
        if F.ndim(y) == 1:
            return g * x
        return F.expand_dims(x, -1) * F.expand_dims(g, -2)  # (k, 1) * (..., 1, n)
    if F.ndim(y) == 1:
        return F.matmul(F.swapaxes(x, -1, -2), F.expand_dims(g, -1))[..., 0]
    if F.ndim(y) == 2 and F.ndim(x) > 2:
        # One matrix applied to a batch of rows (a layer on a sequence): fold the batch into
        # the rows, one product instead of one per batch element summed afterwards.
        k, n = F.shape(x)[-1], F.shape(g)[-1]
        return F.matmul(F.swapaxes(F.reshape(x, (-1, k)), -1, -2), F.reshape(g, (-1, n)))
    return F.matmul(F.swapaxes(x, -1, -2), g)


def _max_dx(F: Any, g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    # Ties share the gradient equally (PyTorch's max over a whole tensor or amax).
    xc = F.const(x)
    oc = _keep_reduced(F.const(out), np, xc.ndim, axis, keepdims)
    winners = (xc == oc).astype(xc.dtype)
    winners = winners / np.sum(winners, axis=axis, keepdims=True)
    return _keep_reduced(g, F, xc.ndim, axis, keepdims) * winners


def _sum_dx(F: Any, g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return F.broadcast_to(_keep_reduced(g, F, F.ndim(x), axis, keepdims), F.shape(x))


def _logsumexp_dx(
    F: Any, g: Any, out: Any, x: Any, axis: Any = None, keepdims: bool = False
) -> Any:
    # The gradient of logsumexp is the softmax of x. Not exp(x - logsumexp(x)): the output is
    # rounded at the size of x, so that difference loses digits when |x| is large (1e5).
    soft = F.softmax(x, axis)  # over every axis the sum ran over (all of them for axis=None)
    return _keep_reduced(g, F, F.ndim(x), axis, keepdims) * soft


def _log_softmax_dx(F: Any, g: Any, out: Any, x: Any, axis: Any = -1) -> Any:
    # softmax(x) = e^out: the output already holds it, to full precision
    return g - F.exp(out) * F.sum(g, axis=axis, keepdims=True)


def _einsum_partial(F: Any, i: int, g: Any, out: Any, *ops: Any, subscripts: str) -> Any:
    ins, result = subscripts.split("->")
    terms = ins.split(",")
    others = [t for j, t in enumerate(terms) if j != i]
    other_ops = [o for j, o in enumerate(ops) if j != i]
    target = terms[i]
    available = set(result).union(*others) if others else set(result)
    reachable = "".join(c for c in target if c in available)
    grad = F.einsum(",".join([result, *others]) + "->" + reachable, g, *other_ops)
    if reachable != target:  # an index only this input had was summed away: spread g back
        shape = [
            F.shape(grad)[reachable.index(c)] if c in reachable else 1 for c in target
        ]
        full = tuple(F.shape(ops[i]))
        grad = F.broadcast_to(F.reshape(grad, tuple(shape)), full)
    return grad


def _concat_partial(F: Any, i: int, g: Any, out: Any, *xs: Any, axis: int, bounds: Any) -> Any:
    start, stop = bounds[i]
    index = [slice(None)] * F.ndim(g)
    index[axis] = slice(start, stop)
    return g[tuple(index)]


def _getitem_dx(F: Any, g: Any, out: Any, x: Any, index: Any, basic: bool) -> Any:
    return F.scatter(g, index, F.shape(x), basic)


def _scatter_dg(F: Any, g: Any, out: Any, src: Any, index: Any, shape: Any, basic: bool) -> Any:
    return g[index]


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------

ADD = Primitive("add", np.add, (lambda F, g, o, x, y: g, lambda F, g, o, x, y: g), "d(x + y) = dx + dy")
SUB = Primitive(
    "sub", np.subtract, (lambda F, g, o, x, y: g, lambda F, g, o, x, y: -g), "d(x - y) = dx - dy"
)
MUL = Primitive(
    "mul",
    np.multiply,
    (lambda F, g, o, x, y: g * y, lambda F, g, o, x, y: g * x),
    "d(x·y) = y·dx + x·dy",
)
DIV = Primitive(
    "div",
    np.divide,
    (lambda F, g, o, x, y: g / y, lambda F, g, o, x, y: -g * x / (y * y)),
    "d(x/y) = dx/y - x·dy/y²",
)
NEG = Primitive("neg", np.negative, (lambda F, g, o, x: -g,), "d(-x) = -dx")
POW = Primitive(
    "pow",
    np.power,
    (_pow_dx, _pow_dy),
    "d(xʸ) = y·xʸ⁻¹·dx + xʸ·ln x·dy",
    "0 where the exponent is 0; the exponent's part is 0 at x = 0 (PyTorch's conventions)",
)
EXP = Primitive("exp", np.exp, (lambda F, g, o, x: g * o,), "d eˣ = eˣ·dx  (the output is its own slope)")
LOG = Primitive("log", np.log, (lambda F, g, o, x: g / x,), "d ln x = dx/x")
LOG1P = Primitive("log1p", np.log1p, (lambda F, g, o, x: g / (1 + x),), "d ln(1+x) = dx/(1+x)")
SQRT = Primitive(
    "sqrt", np.sqrt, (lambda F, g, o, x: g / (2 * o),), "d √x = dx/(2√x)", "infinite at x = 0"
)
ABS = Primitive(
    "abs", np.abs, (lambda F, g, o, x: g * F.sign(x),), "d|x| = sign(x)·dx", "0 at x = 0"
)
TANH = Primitive(
    "tanh", np.tanh, (lambda F, g, o, x: g * (1 - o * o),), "d tanh x = (1 - tanh²x)·dx"
)
SIGMOID = Primitive(
    "sigmoid", numerics.sigmoid, (lambda F, g, o, x: g * o * (1 - o),), "d σ(x) = σ(x)(1 - σ(x))·dx"
)
RELU = Primitive(
    "relu",
    relu,
    (lambda F, g, o, x: g * (F.const(o) > 0),),
    "d max(x, 0) = [x > 0]·dx",
    "0 at x = 0 (PyTorch's convention)",
)
MAXIMUM = Primitive(
    "maximum",
    np.maximum,
    (
        lambda F, g, o, x, y: g * F.tie_share(F.const(x), F.const(y)),
        lambda F, g, o, x, y: g * F.tie_share(F.const(y), F.const(x)),
    ),
    "d max(x, y) = [x > y]·dx + [y > x]·dy",
    "ties split the gradient half and half",
)
MINIMUM = Primitive(
    "minimum",
    np.minimum,
    (
        lambda F, g, o, x, y: g * F.tie_share(F.const(y), F.const(x)),
        lambda F, g, o, x, y: g * F.tie_share(F.const(x), F.const(y)),
    ),
    "d min(x, y) = [x < y]·dx + [y < x]·dy",
    "ties split the gradient half and half",
)
WHERE = Primitive(
    "where",
    np.where,
    (
        None,  # type: ignore[arg-type]  # the condition has no gradient
        lambda F, g, o, c, x, y: F.where(F.const(c), g, 0.0),
        lambda F, g, o, c, x, y: F.where(F.const(c), 0.0, g),
    ),
    "d where(c, x, y) = where(c, dx, dy)",
)
CLIP = Primitive(
    "clip",
    np.clip,
    (lambda F, g, o, x, lo, hi: g * F.inside(F.const(x), lo, hi), None, None),  # type: ignore[arg-type]
    "d clip(x, a, b) = [a ≤ x ≤ b]·dx",
    "the gradient passes at the bounds themselves (PyTorch's clamp)",
)
MATMUL = Primitive(
    "matmul", np.matmul, (_matmul_dx, _matmul_dy), "d(X·Y) = dX·Y + X·dY  so  ∂L/∂X = G·Yᵀ,  ∂L/∂Y = Xᵀ·G"
)
EINSUM = Primitive(
    "einsum",
    lambda *ops, subscripts: np.einsum(subscripts, *ops, optimize=len(ops) > 2),
    (_einsum_partial,),
    "∂L/∂(an input) = einsum of G with the other inputs, back to that input's indices",
    variadic=True,
)
SUM = Primitive("sum", np.sum, (_sum_dx,), "d Σx = Σdx  so  ∂L/∂x = G copied along the summed axes")
MAX = Primitive(
    "max",
    np.max,
    (_max_dx,),
    "d max(x) = dx at the largest element",
    "ties share the gradient equally",
)
LOGSUMEXP = Primitive(
    "logsumexp",
    numerics.logsumexp,
    (_logsumexp_dx,),
    "d log Σeˣ = softmax(x)·dx",
    "computed as m + log Σ e^(x-m) with m the max: no overflow",
)
LOG_SOFTMAX = Primitive(
    "log_softmax",
    numerics.log_softmax,
    (_log_softmax_dx,),
    "d log softmax(x)ᵢ = dxᵢ - softmax(x)ᵢ·Σⱼdxⱼ",
    "computed as (x - max) - log Σ e^(x-max): exact at logits of 1e5, where x - logsumexp(x) is not",
)
RESHAPE = Primitive(
    "reshape",
    np.reshape,
    (lambda F, g, o, x, shape: F.reshape(g, F.shape(x)),),
    "reshape moves no value: the gradient is reshaped back",
)
TRANSPOSE = Primitive(
    "transpose",
    np.transpose,
    (lambda F, g, o, x, axes: F.transpose(g, None if axes is None else tuple(np.argsort(axes))),),
    "transposing moves values: the gradient is moved back by the inverse permutation",
)
BROADCAST = Primitive(
    "broadcast_to",
    np.broadcast_to,
    (lambda F, g, o, x, shape: g,),
    "copies of x: their gradients add up (the tape sums them)",
)
CAST = Primitive(
    "cast",
    lambda x, dtype: x.astype(dtype),
    (lambda F, g, o, x, dtype: F.cast(g, F.const(x).dtype),),
    "a change of precision: the gradient changes back",
)
GETITEM = Primitive(
    "getitem",
    lambda x, index, basic: x[index],
    (_getitem_dx,),
    "picking elements: the gradient goes back to the picked places (added up where picked twice)",
)
SCATTER = Primitive(
    "scatter",
    scatter,
    (_scatter_dg,),
    "putting values into zeros: the gradient is picked back out",
)
CONCAT = Primitive(
    "concat",
    _concat,
    (_concat_partial,),
    "gluing along an axis: each piece gets its own slice of the gradient back",
    variadic=True,
)

CORE: tuple[Primitive, ...] = (
    ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, LOG1P, SQRT, ABS, TANH, SIGMOID, RELU,
    MAXIMUM, MINIMUM, WHERE, CLIP, MATMUL, EINSUM, SUM, MAX, LOGSUMEXP, LOG_SOFTMAX, RESHAPE,
    TRANSPOSE, BROADCAST, CAST, GETITEM, SCATTER, CONCAT,
)  # fmt: skip
TABLE: list[Primitive] = list(CORE)  # plus what other modules register (fused cells)


def register(prim: Primitive) -> Primitive:
    """Add a primitive defined elsewhere (a fused cell, say) to the printed table."""
    if any(p.name == prim.name for p in TABLE):
        raise ValueError(f"a primitive named {prim.name!r} is already in the table")
    TABLE.append(prim)
    return prim


def rule_rows() -> list[tuple[str, str, str]]:
    """(primitive, rule, numeric convention) for every primitive: the table a learner reads."""
    return [(p.name, p.math, p.note) for p in TABLE]
