"""What the operations of a formula mean on NumPy arrays.

Shared by the evaluator and the compiled functions, so both agree on meaning and differ only
in how they walk the tree (the evaluator loops over index values; compiled code uses einsum).

Juxtaposition ``a b`` (rule: matrix product where a matrix meets an array):

- a scalar on either side: ordinary multiplication;
- a matrix (2-D) on the left: matrix product ``a @ b`` (``W x``, ``W [h; x]``);
- a row (a transposed vector) on the left: ``a @ b`` (``x^T W``, ``x^T y``);
- a vector before a row: the outer product (``u v^T``);
- otherwise: entry by entry (``z_t h_{t-1}`` in a GRU);
- arrays of three or more axes: no single meaning (a ``ValuesError``).

``\\cdot`` is the dot product between two arrays, ``\\odot`` and ``\\circ`` always entry by
entry, ``\\otimes`` the outer product. A transposed vector becomes a 1×n row.

Values that do not fit an operation (a 4×4 matrix times a vector of 8, the determinant of a
vector, the inverse of a singular matrix) raise :class:`ValuesError`, decided by a check of the
shapes before NumPy is asked; never NumPy's own ``ValueError`` or ``LinAlgError``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thirdroad.formula.errors import ValuesError

Array = NDArray[np.float64]


def arr(x: Any) -> Array:
    return np.asarray(x, dtype=np.float64)


def fit(*values: Any, what: str = "combined entry by entry") -> tuple[int, ...]:
    """The shape of ``values`` broadcast together; ValuesError if they cannot be."""
    shapes = [np.shape(v) for v in values]
    first = shapes[0]
    if all(s == first or not s for s in shapes):
        return max(shapes, key=len)
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:  # broadcast_shapes is NumPy's own check of the shapes: it only raises this
        raise ValuesError(f"arrays of shapes {' and '.join(map(str, shapes))} cannot be {what}") from None


def mul(a: Any, b: Any) -> Array:
    a, b = arr(a), arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return arr(a * b)
    if a.ndim > 2 or b.ndim > 2:
        raise ValuesError(f"a product of arrays of shapes {a.shape} and {b.shape} has no single meaning",
                          hint="written side by side, only numbers, vectors and matrices multiply")
    if a.ndim == 2 and b.ndim >= 1 and a.shape[1] == b.shape[0]:
        return squeeze_row(a @ b)
    if a.ndim == 1 and b.ndim == 2 and a.shape[0] == b.shape[0] and a.shape[0] != b.shape[1]:
        return arr(a @ b)
    if a.ndim == 1 and b.ndim == 2 and b.shape[0] == 1:
        return arr(np.outer(a, b[0]))  # u v^T: a column times a row
    fit(a, b, what="multiplied")
    return arr(a * b)


def chain(op: Callable[[Any, Any], Array], *xs: Any) -> Array:
    """``op`` applied left to right: chain(mul, a, b, c) is mul(mul(a, b), c)."""
    out = xs[0]
    for x in xs[1:]:
        out = op(out, x)
    return arr(out)


def squeeze_row(x: Array) -> Array:
    """A 1×1 result of a row times a column is a scalar; a 1×n row stays a row."""
    return x.reshape(()) if x.size == 1 and x.ndim >= 1 else x


def dot(a: Any, b: Any) -> Array:
    a, b = arr(a), arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return arr(a * b)
    inner = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner:
        raise ValuesError(f"arrays of shapes {a.shape} and {b.shape} have no dot product")
    if a.ndim == 1 and b.ndim == 1:
        return arr(np.dot(a, b))
    return squeeze_row(a @ b)


def outer(a: Any, b: Any) -> Array:
    return arr(np.multiply.outer(arr(a), arr(b)))


def transpose(a: Any) -> Array:
    a = arr(a)
    if a.ndim == 1:
        return arr(a.reshape(1, -1))
    return arr(a.T)


def square(a: Any, what: str) -> Array:
    """``a`` as a square matrix; ValuesError if it is not one."""
    matrix = arr(a)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValuesError(f"{what} needs a square matrix, not an array of shape {matrix.shape}")
    return matrix


def inverse(a: Any) -> Array:
    a = arr(a)
    if a.ndim != 2:
        return arr(1.0 / a)
    a = square(a, "an inverse")
    try:
        return arr(np.linalg.inv(a))
    except np.linalg.LinAlgError:  # NumPy's only way of saying the matrix is singular
        raise ValuesError("the matrix has no inverse: it is singular") from None


def det(a: Any) -> Array:
    return arr(np.linalg.det(square(a, "a determinant")))


def trace(a: Any) -> Array:
    return arr(np.trace(square(a, "a trace")))


def diag(a: Any) -> Array:
    a = arr(a)
    if a.ndim not in (1, 2):
        raise ValuesError(f"diag needs a vector or a matrix, not an array of shape {a.shape}")
    return arr(np.diag(a))


def norm(a: Any, p: Any = 2.0) -> Array:
    flat = arr(a).ravel()
    if np.ndim(p) != 0:
        raise ValuesError("the p of a p-norm must be a number")
    p = float(p)
    if np.isinf(p):
        return arr(np.max(np.abs(flat)))
    if p == 0:  # the "0-norm": how many entries are not zero (no norm, but written as one)
        return arr(float(np.count_nonzero(flat)))
    if p < 0:
        raise ValuesError(f"a p-norm needs p > 0, not {p:g}")
    return arr(np.sum(np.abs(flat) ** p) ** (1.0 / p))


def sigmoid(x: Any) -> Array:
    x = arr(x)
    # written with exp(-|x|) so that large |x| never overflows
    z = np.exp(-np.abs(x))
    return arr(np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z)))


def softmax(x: Any) -> Array:
    x = arr(x)
    shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))  # the shift changes nothing
    return arr(shifted / np.sum(shifted, axis=-1, keepdims=True))


def relu(x: Any) -> Array:
    return np.maximum(arr(x), 0.0)


def softplus(x: Any) -> Array:
    x = arr(x)
    return arr(np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))))


def concat(*items: Any) -> Array:
    return np.concatenate([np.atleast_1d(arr(i)).ravel() for i in items])


def matrix(rows: list[list[Any]]) -> Array:
    cells = [[arr(c) for c in row] for row in rows]
    if any(c.ndim for row in cells for c in row) or len({len(row) for row in cells}) > 1:
        raise ValuesError("every entry of a matrix written out must be one number, in rows of one length")
    return arr([[float(c) for c in row] for row in cells])


def log_base(x: Any, base: Any) -> Array:
    return arr(np.log(arr(x)) / np.log(arr(base)))


def mean(*xs: Any) -> Array:
    if len(xs) == 1:
        return arr(np.mean(arr(xs[0])))
    shape = fit(*xs, what="averaged entry by entry")
    return arr(np.mean([np.broadcast_to(arr(x), shape) for x in xs], axis=0))


def var(x: Any) -> Array:
    return arr(np.var(arr(x)))


def maximum(*xs: Any) -> Array:
    if len(xs) == 1:
        return arr(np.max(arr(xs[0])))
    fit(*xs, what="compared entry by entry")
    out = arr(xs[0])
    for x in xs[1:]:
        out = np.maximum(out, arr(x))
    return out


def minimum(*xs: Any) -> Array:
    if len(xs) == 1:
        return arr(np.min(arr(xs[0])))
    fit(*xs, what="compared entry by entry")
    out = arr(xs[0])
    for x in xs[1:]:
        out = np.minimum(out, arr(x))
    return out


def where(conditions: list[Any], values: list[Any]) -> Array:
    """The value of the first branch whose condition holds (cases)."""
    fit(*conditions, *values, what="the branches of cases")
    out = arr(values[-1])
    for cond, value in reversed(list(zip(conditions, values, strict=True))):
        out = np.where(np.asarray(cond, dtype=bool), arr(value), out)
    return arr(out)


def expectation(x: Any) -> Array:
    """The mean over samples, which lie along the first axis."""
    x = arr(x)
    return arr(np.mean(x, axis=0)) if x.ndim else x


# Functions a formula may apply, by name: the whitelist for evaluation and compilation.
FUNCTIONS: dict[str, Callable[..., Array]] = {
    "exp": lambda x: arr(np.exp(arr(x))),
    "log": lambda x: arr(np.log(arr(x))),
    "ln": lambda x: arr(np.log(arr(x))),
    "lg": lambda x: arr(np.log10(arr(x))),
    "sin": lambda x: arr(np.sin(arr(x))),
    "cos": lambda x: arr(np.cos(arr(x))),
    "tan": lambda x: arr(np.tan(arr(x))),
    "sinh": lambda x: arr(np.sinh(arr(x))),
    "cosh": lambda x: arr(np.cosh(arr(x))),
    "tanh": lambda x: arr(np.tanh(arr(x))),
    "Tanh": lambda x: arr(np.tanh(arr(x))),
    "sqrt": lambda x: arr(np.sqrt(arr(x))),
    "abs": lambda x: arr(np.abs(arr(x))),
    "sign": lambda x: arr(np.sign(arr(x))),
    "sgn": lambda x: arr(np.sign(arr(x))),
    "sigma": sigmoid,
    "sigmoid": sigmoid,
    "Sigmoid": sigmoid,
    "softmax": softmax,
    "Softmax": softmax,
    "relu": relu,
    "positive_part": relu,
    "negative_part": lambda x: np.minimum(arr(x), 0.0),
    "ReLU": relu,
    "softplus": softplus,
    "Softplus": softplus,
    "max": maximum,
    "min": minimum,
    "mean": mean,
    "Var": var,
    "var": var,
    "det": det,
    "tr": trace,
    "trace": trace,
    "diag": diag,
    "floor": lambda x: arr(np.floor(arr(x))),
    "ceil": lambda x: arr(np.ceil(arr(x))),
}
CONSTANTS = {"pi": float(np.pi), "infty": float(np.inf)}


def _arity(fn: Callable[..., Array]) -> int | None:
    """How many arguments a function takes (None: any number, as max and mean)."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    return sum(1 for p in params if p.default is p.empty)


ARITY: dict[str, int | None] = {name: _arity(fn) for name, fn in FUNCTIONS.items()}


def align(x: Any, have: str, want: str) -> Array:
    """Reorder the axes of ``x`` (named by the letters ``have``) to ``want``, adding axes of
    length 1 for letters it lacks, so that entry-by-entry operations broadcast."""
    x = arr(x)
    if x.ndim == 0:
        return arr(x)
    order = sorted(range(len(have)), key=lambda k: want.index(have[k]))
    x = np.transpose(x, order)
    shape = []
    k = 0
    for letter in want:
        if letter in have:
            shape.append(x.shape[k])
            k += 1
        else:
            shape.append(1)
    return arr(x.reshape(shape))
