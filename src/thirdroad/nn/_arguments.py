"""Reading the arguments of array operations: axes, indices, einsum subscripts.

Plain functions on Python and NumPy values, so that each operation in
:mod:`thirdroad.nn._tensor` states its forward and its record, not the parsing.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from thirdroad.nn._errors import ShapeError


def axis_arg(axis: Any) -> Any:
    """An axis as NumPy takes it: a list of axes becomes a tuple."""
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def axes_tuple(axis: Any) -> tuple[int, ...]:
    return (axis,) if isinstance(axis, int) else tuple(axis)


def reduced_count(shape: tuple[int, ...], axis: Any) -> int:
    """How many numbers a reduction over ``axis`` (None: all) combines into one."""
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[i] for i in axes_tuple(axis)]))


def is_basic(index: Any) -> bool:
    """Whether ``x[index]`` is basic indexing (a view: ints, slices, None, ...), which never
    picks one element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(
        isinstance(p, int | slice | np.integer) or p is None or p is Ellipsis for p in parts
    )


def normalize_einsum(subscripts: str, ndims: list[int]) -> str:
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
