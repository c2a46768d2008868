"""Tensors, variables, and the primitive operations on them, recorded onto tapes.

A :class:`Tensor` is a NumPy array with a little bookkeeping: which tapes are
following it (a :class:`~thirdroad.nn._variable.Variable`, the trainable kind, is
followed by every tape without being asked). An operation on tensors
that some active tape follows is written onto that tape as a *node*:
``(primitive, output, arguments, attributes)``. ``GradientTape.gradient``
later walks its nodes backwards (see :mod:`thirdroad.nn.tape`).

The tensor's operators *are* the primitive operations (``x + y`` is
:func:`add`, one row of the rule table in :mod:`thirdroad.nn.rules`), so the
class and those functions live together here; :mod:`thirdroad.nn.functional`
re-exports them and composes everything else from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from thirdroad.nn import _arguments as A
from thirdroad.nn import rules as R
from thirdroad.nn._errors import EngineError, ShapeError
from thirdroad.nn.numerics import DEFAULT_DTYPE, Array

__all__ = ["DEFAULT_DTYPE", "Array", "EngineError", "ShapeError", "Tensor", "tensor"]


class Recorder(Protocol):
    """What recording needs of a tape (:class:`thirdroad.nn.tape.GradientTape`)."""

    _id: int
    _ids: tuple[int, ...]
    _nodes: list[Node]

Node = tuple[Any, "Tensor", tuple[Any, ...], Any, tuple[int, ...]]
"""What a tape writes for one operation: (primitive, output, arguments, attributes or None,
positions of the arguments this tape follows, i.e. the ones that need a gradient)."""


class _Everywhere:
    """The set of tapes a trainable variable belongs to: all of them."""

    __slots__ = ()

    def __contains__(self, tape_id: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "<every tape>"


# A tensor knows the tapes that follow it by their ids (plain ints), never by the
# tape objects: a tape holds its tensors, and a tensor holding its tape would make
# a reference cycle that only the garbage collector could free.
EVERY_TAPE: Any = _Everywhere()
NO_TAPES: tuple[int, ...] = ()

# The tapes recording right now, innermost last. A tuple, so that reading it is cheap.
_recording: list[tuple[Any, ...]] = [()]


def recording_tapes() -> tuple[Any, ...]:
    """The tapes open right now, innermost last."""
    return _recording[0]


def set_recording(tapes: tuple[Recorder, ...]) -> None:
    _recording[0] = tapes


class Tensor:
    """An n-dimensional array that tapes can follow, with NumPy's broadcasting.

    Build one with :func:`tensor` (a constant) or ``Variable`` (trainable).
    Arithmetic operators and methods (``x @ W + b``, ``x.sum(axis=0)``) record
    onto the active tapes; ``.numpy()`` gives the array back.
    """

    __slots__ = ("_tapes", "data")
    __array_priority__ = 1000  # numpy defers `array * tensor` to Tensor.__rmul__

    data: Array
    _tapes: Any

    def __init__(self, value: Any, dtype: Any = None) -> None:
        self.data = _to_array(value, dtype)
        self._tapes = NO_TAPES

    # ---- array-like facts ------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def T(self) -> Tensor:
        return transpose(self)

    def numpy(self) -> Array:
        """The values, as a NumPy array (the tensor's own buffer: copy before changing it)."""
        return self.data

    def item(self) -> float:
        return float(self.data.item())

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self.data)):
            yield getitem(self, i)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Array:
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def __repr__(self) -> str:
        kind = type(self).__name__
        label = getattr(self, "name", None)
        name = f", name={label!r}" if label else ""
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        return f"{kind}({body}, dtype={self.data.dtype}{name})"

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.data)

    # Tensors are used as dictionary keys (by identity) by the tapes.
    __hash__ = object.__hash__

    # ---- operators: each is one call into thirdroad.nn.functional ---------
    def __add__(self, o: Any) -> Tensor:
        return add(self, o)

    def __radd__(self, o: Any) -> Tensor:
        return add(o, self)

    def __sub__(self, o: Any) -> Tensor:
        return sub(self, o)

    def __rsub__(self, o: Any) -> Tensor:
        return sub(o, self)

    def __mul__(self, o: Any) -> Tensor:
        return mul(self, o)

    def __rmul__(self, o: Any) -> Tensor:
        return mul(o, self)

    def __truediv__(self, o: Any) -> Tensor:
        return div(self, o)

    def __rtruediv__(self, o: Any) -> Tensor:
        return div(o, self)

    def __pow__(self, o: Any) -> Tensor:
        return pow(self, o)

    def __rpow__(self, o: Any) -> Tensor:
        return pow(o, self)

    def __matmul__(self, o: Any) -> Tensor:
        return matmul(self, o)

    def __rmatmul__(self, o: Any) -> Tensor:
        return matmul(o, self)

    def __neg__(self) -> Tensor:
        return neg(self)

    def __abs__(self) -> Tensor:
        return abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return getitem(self, index)

    # Comparisons give plain boolean arrays: they have no gradient.
    def __lt__(self, o: Any) -> Array:
        return self.data < _data(o)  # type: ignore[no-any-return]

    def __le__(self, o: Any) -> Array:
        return self.data <= _data(o)  # type: ignore[no-any-return]

    def __gt__(self, o: Any) -> Array:
        return self.data > _data(o)  # type: ignore[no-any-return]

    def __ge__(self, o: Any) -> Array:
        return self.data >= _data(o)  # type: ignore[no-any-return]

    # ---- methods mirroring the functions --------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return max(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], tuple | list):
            shape = tuple(shape[0])
        return reshape(self, shape)

    def transpose(self, *axes: int) -> Tensor:
        return transpose(self, axes or None)

    def exp(self) -> Tensor:
        return exp(self)

    def log(self) -> Tensor:
        return log(self)

    def sqrt(self) -> Tensor:
        return sqrt(self)

    def tanh(self) -> Tensor:
        return tanh(self)

    def sigmoid(self) -> Tensor:
        return sigmoid(self)

    def relu(self) -> Tensor:
        return relu(self)

    def softmax(self, axis: int = -1) -> Tensor:
        return softmax(self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return log_softmax(self, axis=axis)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return logsumexp(self, axis=axis, keepdims=keepdims)

    def astype(self, dtype: Any) -> Tensor:
        return cast(self, dtype)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _to_array(value: Any, dtype: Any) -> Array:
    if isinstance(value, Tensor):
        value = value.data
    if dtype is not None:
        return np.asarray(value, dtype=dtype)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "f":
        # NumPy floats keep their precision (float64 is "on request"); Python numbers and
        # lists become float32, the engine's default.
        return arr if isinstance(value, np.ndarray | np.floating) else arr.astype(DEFAULT_DTYPE)
    if kind in "iub":
        return arr
    raise EngineError(f"cannot make a tensor from {type(value).__name__} values of dtype {arr.dtype}")


def tensor(value: Any, dtype: Any = None) -> Tensor:
    """A constant tensor. Python numbers and lists become float32 (ints stay integers);
    NumPy float arrays keep their dtype. Tapes follow a constant only after ``tape.watch(t)``."""
    return Tensor(value, dtype)


def record1(prim: R.Primitive, data: Array, x: Any, attrs: dict[str, Any] | None) -> Tensor:
    """Wrap the result of a one-argument primitive and note it on the tapes that follow x."""
    out = object.__new__(Tensor)
    # NumPy hands back a scalar, not an array, from a full reduction or any ufunc on 0-d
    # arrays; a tensor always holds an array (np.asarray(t) relies on it).
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    tapes = _recording[0]
    if tapes and isinstance(x, Tensor):
        xt = x._tapes
        if len(tapes) == 1:
            tape = tapes[0]
            if tape._id in xt:
                tape._nodes.append((prim, out, (x,), attrs, (0,)))
                out._tapes = tape._ids
                return out
        else:
            return _record_many(prim, out, (x,), attrs, tapes)
    out._tapes = NO_TAPES
    return out


def record2(prim: R.Primitive, data: Array, x: Any, y: Any, attrs: dict[str, Any] | None) -> Tensor:
    """Wrap the result of a two-argument primitive and note it on the tapes that follow x or y."""
    out = object.__new__(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    tapes = _recording[0]
    if tapes:
        if len(tapes) == 1:
            tape = tapes[0]
            tid = tape._id
            nx = isinstance(x, Tensor) and tid in x._tapes
            ny = isinstance(y, Tensor) and tid in y._tapes
            if nx or ny:
                needs = (0, 1) if nx and ny else (0,) if nx else (1,)
                tape._nodes.append((prim, out, (x, y), attrs, needs))
                out._tapes = tape._ids
                return out
        else:
            return _record_many(prim, out, (x, y), attrs, tapes)
    out._tapes = NO_TAPES
    return out


def record(prim: R.Primitive, data: Array, args: tuple[Any, ...], attrs: dict[str, Any] | None) -> Tensor:
    """Wrap a primitive's result and note it on every active tape that follows an argument."""
    out = object.__new__(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    tapes = _recording[0]
    if tapes:
        return _record_many(prim, out, args, attrs, tapes)
    out._tapes = NO_TAPES
    return out


def _record_many(
    prim: R.Primitive, out: Tensor, args: tuple[Any, ...], attrs: Any, tapes: tuple[Recorder, ...]
) -> Tensor:
    following = []
    for tape in tapes:
        tid = tape._id
        needs = tuple(
            i for i, a in enumerate(args) if isinstance(a, Tensor) and tid in a._tapes
        )
        if needs:
            tape._nodes.append((prim, out, args, attrs, needs))
            following.append(tid)
    out._tapes = tuple(following)
    return out


# ---------------------------------------------------------------- the primitive operations


_d = _data


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
    spec = A.normalize_einsum(subscripts, [np.ndim(a) for a in arrays])
    try:
        data = R.EINSUM.forward(*arrays, subscripts=spec)
    except ValueError as err:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise ShapeError(f"einsum {subscripts!r}: operands of shapes {shapes} do not fit") from err
    return record(R.EINSUM, data, tuple(operands), {"subscripts": spec})


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    attrs = {"axis": A.axis_arg(axis), "keepdims": keepdims}
    return record1(R.SUM, np.sum(_d(x), **attrs), x, attrs)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    attrs = {"axis": A.axis_arg(axis), "keepdims": keepdims}
    a = _d(x)
    if np.size(a) == 0:
        raise ShapeError("max: the tensor is empty")
    return record1(R.MAX, np.max(a, **attrs), x, attrs)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log Σ exp(x), computed without overflow (the max is taken out first)."""
    attrs = {"axis": A.axis_arg(axis), "keepdims": keepdims}
    return record1(R.LOGSUMEXP, R.LOGSUMEXP.forward(_d(x), **attrs), x, attrs)


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
    return record1(R.GETITEM, data, x, {"index": index, "basic": A.is_basic(index)})


def _plain_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def scatter(g: Any, index: Any, shape: Any, basic: bool) -> Tensor:
    """Zeros of ``shape`` with ``g`` added at ``index``: the reverse of indexing."""
    shape = tuple(shape)
    attrs = {"index": index, "shape": shape, "basic": basic}
    return record1(R.SCATTER, R.scatter(np.asarray(_d(g)), index, shape, basic), g, attrs)


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


# ---------------------------------------------------------------- composed, behind methods
# The few composed functions that are also Tensor methods; the rest are in functional.py.


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    ax = A.axis_arg(axis)
    return mul(sum(x, axis=ax, keepdims=keepdims), 1.0 / A.reduced_count(_shape_of(x), ax))


def softmax(x: Any, axis: Any = -1) -> Tensor:
    """exp(x_i) / Σ_j exp(x_j): scores become weights that are positive and sum to 1.

    Computed as exp(log_softmax(x)): log_softmax takes the maximum out first, so logits of
    1e5 in float32 lose nothing (exp(x - logsumexp(x)) would subtract two rounded numbers of
    that size, and the weights would sum to 0.997 or 1.004).
    """
    return exp(log_softmax(x, axis))


def log_softmax(x: Any, axis: Any = -1) -> Tensor:
    """x_i - log Σ_j exp(x_j), computed as z - log Σ e^z with z = x - max x (a row of the rule
    table: its gradient is dx - softmax(x)·Σdx)."""
    attrs = {"axis": A.axis_arg(axis)}
    return record1(R.LOG_SOFTMAX, R.LOG_SOFTMAX.forward(_d(x), **attrs), x, attrs)


# The hottest operators are bound straight to their functions: one call less per operation.
Tensor.__add__ = add  # type: ignore[method-assign]
Tensor.__sub__ = sub  # type: ignore[method-assign]
Tensor.__mul__ = mul  # type: ignore[method-assign]
Tensor.__truediv__ = div  # type: ignore[method-assign]
Tensor.__matmul__ = matmul  # type: ignore[method-assign]
Tensor.__neg__ = neg  # type: ignore[method-assign]
