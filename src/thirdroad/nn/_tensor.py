"""Tensors, variables and the recording of operations onto tapes.

A :class:`Tensor` is a NumPy array with a little bookkeeping: which tapes are
following it. A :class:`Variable` is a tensor that training changes in place;
every tape follows variables without being asked. An operation on tensors
that some active tape follows is written onto that tape as a *node*:
``(primitive, output, arguments, attributes)``. ``GradientTape.gradient``
later walks its nodes backwards (see :mod:`thirdroad.nn.tape`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from thirdroad.errors import ThirdroadError

if TYPE_CHECKING:
    from thirdroad.nn.rules import Primitive
    from thirdroad.nn.tape import GradientTape

Array = npt.NDArray[Any]

DEFAULT_DTYPE: np.dtype[Any] = np.dtype(np.float32)


class EngineError(ThirdroadError, ValueError):
    """Base of the engine's errors: a bad shape, dtype, target or training step."""


class ShapeError(EngineError):
    """Two shapes do not fit together in an operation; the message names the op and the shapes."""


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
_NO_TAPES: tuple[int, ...] = ()

# The tapes recording right now, innermost last. A tuple, so that reading it is cheap.
_recording: list[tuple[GradientTape, ...]] = [()]

# Set by thirdroad.nn.functional once it is imported: the functions behind the operators.
_F: Any = None


def recording_tapes() -> tuple[GradientTape, ...]:
    return _recording[0]


def _set_recording(tapes: tuple[GradientTape, ...]) -> None:
    _recording[0] = tapes


class Tensor:
    """An n-dimensional array that tapes can follow, with NumPy's broadcasting.

    Build one with :func:`tensor` (a constant) or :class:`Variable` (trainable).
    Arithmetic operators and methods (``x @ W + b``, ``x.sum(axis=0)``) record
    onto the active tapes; ``.numpy()`` gives the array back.
    """

    __slots__ = ("_tapes", "data")
    __array_priority__ = 1000  # numpy defers `array * tensor` to Tensor.__rmul__

    data: Array
    _tapes: Any

    def __init__(self, value: Any, dtype: Any = None) -> None:
        self.data = _to_array(value, dtype)
        self._tapes = _NO_TAPES

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
        return _F.transpose(self)  # type: ignore[no-any-return]

    def numpy(self) -> Array:
        """The values, as a NumPy array (the tensor's own buffer: copy before changing it)."""
        return self.data

    def item(self) -> float:
        return float(self.data.item())

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self.data)):
            yield _F.getitem(self, i)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Array:
        return self.data if dtype is None else self.data.astype(dtype)

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
        return _F.add(self, o)  # type: ignore[no-any-return]

    def __radd__(self, o: Any) -> Tensor:
        return _F.add(o, self)  # type: ignore[no-any-return]

    def __sub__(self, o: Any) -> Tensor:
        return _F.sub(self, o)  # type: ignore[no-any-return]

    def __rsub__(self, o: Any) -> Tensor:
        return _F.sub(o, self)  # type: ignore[no-any-return]

    def __mul__(self, o: Any) -> Tensor:
        return _F.mul(self, o)  # type: ignore[no-any-return]

    def __rmul__(self, o: Any) -> Tensor:
        return _F.mul(o, self)  # type: ignore[no-any-return]

    def __truediv__(self, o: Any) -> Tensor:
        return _F.div(self, o)  # type: ignore[no-any-return]

    def __rtruediv__(self, o: Any) -> Tensor:
        return _F.div(o, self)  # type: ignore[no-any-return]

    def __pow__(self, o: Any) -> Tensor:
        return _F.pow(self, o)  # type: ignore[no-any-return]

    def __rpow__(self, o: Any) -> Tensor:
        return _F.pow(o, self)  # type: ignore[no-any-return]

    def __matmul__(self, o: Any) -> Tensor:
        return _F.matmul(self, o)  # type: ignore[no-any-return]

    def __rmatmul__(self, o: Any) -> Tensor:
        return _F.matmul(o, self)  # type: ignore[no-any-return]

    def __neg__(self) -> Tensor:
        return _F.neg(self)  # type: ignore[no-any-return]

    def __abs__(self) -> Tensor:
        return _F.abs(self)  # type: ignore[no-any-return]

    def __getitem__(self, index: Any) -> Tensor:
        return _F.getitem(self, index)  # type: ignore[no-any-return]

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
        return _F.sum(self, axis=axis, keepdims=keepdims)  # type: ignore[no-any-return]

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _F.mean(self, axis=axis, keepdims=keepdims)  # type: ignore[no-any-return]

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _F.max(self, axis=axis, keepdims=keepdims)  # type: ignore[no-any-return]

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], tuple | list):
            shape = tuple(shape[0])
        return _F.reshape(self, shape)  # type: ignore[no-any-return]

    def transpose(self, *axes: int) -> Tensor:
        return _F.transpose(self, axes or None)  # type: ignore[no-any-return]

    def exp(self) -> Tensor:
        return _F.exp(self)  # type: ignore[no-any-return]

    def log(self) -> Tensor:
        return _F.log(self)  # type: ignore[no-any-return]

    def sqrt(self) -> Tensor:
        return _F.sqrt(self)  # type: ignore[no-any-return]

    def tanh(self) -> Tensor:
        return _F.tanh(self)  # type: ignore[no-any-return]

    def sigmoid(self) -> Tensor:
        return _F.sigmoid(self)  # type: ignore[no-any-return]

    def relu(self) -> Tensor:
        return _F.relu(self)  # type: ignore[no-any-return]

    def softmax(self, axis: int = -1) -> Tensor:
        return _F.softmax(self, axis=axis)  # type: ignore[no-any-return]

    def log_softmax(self, axis: int = -1) -> Tensor:
        return _F.log_softmax(self, axis=axis)  # type: ignore[no-any-return]

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _F.logsumexp(self, axis=axis, keepdims=keepdims)  # type: ignore[no-any-return]

    def astype(self, dtype: Any) -> Tensor:
        return _F.cast(self, dtype)  # type: ignore[no-any-return]


class Variable(Tensor):
    """A trainable tensor: every tape follows it, and optimizers change it in place.

    >>> w = Variable(np.zeros(3), name="w")
    >>> w.assign_sub(np.ones(3))   # what an optimizer does
    """

    __slots__ = ("name", "trainable")

    def __init__(
        self, value: Any, dtype: Any = None, name: str | None = None, trainable: bool = True
    ) -> None:
        super().__init__(value, dtype)
        self.name = name
        self.data = np.array(self.data, copy=True)  # a variable owns its buffer
        self.trainable = trainable
        self._tapes = EVERY_TAPE if trainable else _NO_TAPES

    def assign(self, value: Any) -> None:
        """Overwrite the values in place (shape must match)."""
        new = _data(value)
        if np.shape(new) != self.data.shape:
            raise ShapeError(
                f"assign to {self.name or 'variable'}: shape {np.shape(new)} "
                f"does not match the variable's shape {self.data.shape}"
            )
        self.data[...] = new

    def assign_sub(self, delta: Any) -> None:
        np.subtract(self.data, _data(delta), out=self.data, casting="same_kind")

    def assign_add(self, delta: Any) -> None:
        np.add(self.data, _data(delta), out=self.data, casting="same_kind")


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


Node = tuple[Any, "Tensor", tuple[Any, ...], Any, tuple[int, ...]]
"""What a tape writes for one operation: (primitive, output, arguments, attributes or None,
positions of the arguments this tape follows, i.e. the ones that need a gradient)."""


def record1(prim: Primitive, data: Array, x: Any, attrs: dict[str, Any] | None) -> Tensor:
    """Wrap the result of a one-argument primitive and note it on the tapes that follow x."""
    out = object.__new__(Tensor)
    out.data = data
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
    out._tapes = _NO_TAPES
    return out


def record2(prim: Primitive, data: Array, x: Any, y: Any, attrs: dict[str, Any] | None) -> Tensor:
    """Wrap the result of a two-argument primitive and note it on the tapes that follow x or y."""
    out = object.__new__(Tensor)
    out.data = data
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
    out._tapes = _NO_TAPES
    return out


def record(prim: Primitive, data: Array, args: tuple[Any, ...], attrs: dict[str, Any] | None) -> Tensor:
    """Wrap a primitive's result and note it on every active tape that follows an argument."""
    out = object.__new__(Tensor)
    out.data = data
    tapes = _recording[0]
    if tapes:
        return _record_many(prim, out, args, attrs, tapes)
    out._tapes = _NO_TAPES
    return out


def _record_many(
    prim: Primitive, out: Tensor, args: tuple[Any, ...], attrs: Any, tapes: tuple[GradientTape, ...]
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
