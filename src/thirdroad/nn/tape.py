"""Reverse-mode automatic differentiation behind a ``GradientTape``.

While a tape is open, every operation on a tensor it follows (a trainable
variable, a tensor you ``watch``, or anything computed from those) is written
onto it, in order. ``tape.gradient(loss, sources)`` then reads the tape
backwards: the loss's gradient starts at 1, and each node hands its output's
gradient to its inputs through the rule table (:mod:`thirdroad.nn.rules`),
adding up where a tensor was used more than once. That backwards walk *is*
the chain rule.

Tapes nest: when an outer tape is open while an inner tape computes
gradients, the inner backward pass is built from recorded operations, so the
outer tape can differentiate it again (second derivatives).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import numpy as np

from thirdroad.nn import _tensor as T
from thirdroad.nn import numerics, rules
from thirdroad.nn._tensor import EVERY_TAPE, Array, EngineError, Node, Tensor

_ids = itertools.count(1)


class _NumpyOps:
    """The array functions the rules' partials use (``F`` in :mod:`thirdroad.nn.rules`), on
    plain NumPy arrays: for first derivatives."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sign = staticmethod(np.sign)
    matmul = staticmethod(np.matmul)
    swapaxes = staticmethod(np.swapaxes)
    expand_dims = staticmethod(np.expand_dims)
    broadcast_to = staticmethod(np.broadcast_to)
    reshape = staticmethod(np.reshape)
    transpose = staticmethod(np.transpose)
    ndim = staticmethod(np.ndim)
    shape = staticmethod(np.shape)
    where = staticmethod(np.where)
    softmax = staticmethod(numerics.softmax)
    sum = staticmethod(np.sum)
    scatter = staticmethod(rules.scatter)
    tie_share = staticmethod(rules.tie_share)
    inside = staticmethod(rules.inside)

    @staticmethod
    def const(x: Any) -> Any:
        return x

    @staticmethod
    def einsum(subscripts: str, *ops: Any) -> Any:
        return np.einsum(subscripts, *ops, optimize=len(ops) > 2)

    @staticmethod
    def cast(x: Any, dtype: Any) -> Any:
        return np.asarray(x).astype(dtype, copy=False)


class _TensorOps:
    """The same functions on tensors, recorded: when an outer tape watches a backward pass,
    it can differentiate that pass too (second derivatives)."""

    exp = staticmethod(T.exp)
    log = staticmethod(T.log)
    sign = staticmethod(T.sign)
    matmul = staticmethod(T.matmul)
    swapaxes = staticmethod(T.swapaxes)
    expand_dims = staticmethod(T.expand_dims)
    broadcast_to = staticmethod(T.broadcast_to)
    reshape = staticmethod(T.reshape)
    transpose = staticmethod(T.transpose)
    ndim = staticmethod(T.ndim)
    shape = staticmethod(T.shape)
    where = staticmethod(T.where)
    softmax = staticmethod(T.softmax)
    sum = staticmethod(T.sum)
    scatter = staticmethod(T.scatter)
    tie_share = staticmethod(rules.tie_share)  # on constants (F.const(x)): no gradient
    inside = staticmethod(rules.inside)
    const = staticmethod(T.const)
    einsum = staticmethod(T.einsum)
    cast = staticmethod(T.cast)


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum a gradient back to the shape of an input that NumPy broadcast. Works on arrays and
    on tensors alike (both have ``ndim``, ``shape``, ``sum`` and ``reshape``)."""
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape) if g.shape != shape else g


class GradientTape:
    """Records operations so that gradients can be computed afterwards.

    >>> x = Variable(np.array([1.0, 2.0]))
    >>> with GradientTape() as tape:
    ...     y = (x * x).sum()
    >>> tape.gradient(y, [x])          # [array([2., 4.])]

    A non-persistent tape (the default) frees what it recorded after one call
    to :meth:`gradient`; ``persistent=True`` keeps it for several calls.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._id = next(_ids)
        self._ids: tuple[int, ...] = (self._id,)
        self._nodes: list[Node] = []
        self.persistent = persistent
        self._used = False
        self._open = False
        if not watch_accessed_variables:
            raise EngineError("watch_accessed_variables=False is not supported: tapes follow variables")

    # ---- recording -------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._open:
            raise EngineError("this GradientTape is already open")
        self._open = True
        T.set_recording((*T.recording_tapes(), self))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open = False
        T.set_recording(tuple(t for t in T.recording_tapes() if t is not self))

    def watch(self, *tensors: Tensor | Sequence[Tensor]) -> None:
        """Follow constant tensors too, so that gradients with respect to them exist."""
        for t in _flatten(tensors):
            if not isinstance(t, Tensor):
                raise EngineError(f"watch() takes tensors, not {type(t).__name__}")
            if t._tapes is not EVERY_TAPE and self._id not in t._tapes:
                t._tapes = (*t._tapes, self._id)

    def stop_recording(self) -> _Paused:
        """A context in which this tape records nothing (for side computations)."""
        return _Paused(self)

    # ---- differentiating -----------------------------------------------
    def gradient(
        self,
        target: Tensor,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: str = "none",
    ) -> Any:
        """d target / d source for each source, in the order asked.

        ``sources`` is one tensor or a list of them; the answer has the same
        form. A source the target does not depend on gets ``None`` (or zeros
        with ``unconnected_gradients="zero"``). A target with more than one
        element needs ``output_gradients`` (the weight of each element), as
        in a vector-Jacobian product.
        """
        if self._used and not self.persistent:
            raise EngineError(
                "this GradientTape already gave its gradients and freed its record; "
                "use GradientTape(persistent=True) to ask several times"
            )
        if unconnected_gradients not in ("none", "zero"):
            raise EngineError('unconnected_gradients must be "none" or "zero"')
        if not isinstance(target, Tensor):
            raise EngineError(f"the target must be a Tensor, not {type(target).__name__}")
        single = isinstance(sources, Tensor)
        srcs: list[Tensor] = [sources] if single else list(_flatten([sources]))
        for s in srcs:
            if not isinstance(s, Tensor):
                raise EngineError(f"sources must be tensors, not {type(s).__name__}")
        seed = self._seed(target, output_gradients)
        self._used = True
        others = tuple(t for t in T.recording_tapes() if t is not self)
        grads = self._backward_recorded(target, srcs, seed) if others else self._backward_numpy(target, srcs, seed)
        if not self.persistent:
            self._nodes = []
        out: list[Any] = []
        for s in srcs:
            g = grads.get(id(s))
            if g is None:
                g = np.zeros_like(s.data) if unconnected_gradients == "zero" else None
            elif isinstance(g, np.ndarray):
                if g.dtype != s.data.dtype and s.data.dtype.kind == "f":
                    g = g.astype(s.data.dtype)
                elif not g.flags.writeable:
                    g = g.copy()  # a broadcast view: give the caller an array it owns
            out.append(g)
        return out[0] if single else out

    def _seed(self, target: Tensor, output_gradients: Any) -> Array:
        if output_gradients is None:
            if target.data.size != 1:
                raise EngineError(
                    f"the target has shape {target.shape}, not a single number: pass "
                    "output_gradients= (one weight per element) or reduce it first, e.g. .sum()"
                )
            return np.ones_like(target.data)
        seed = np.asarray(T.const(output_gradients), dtype=target.data.dtype)
        if seed.shape != target.shape:
            raise EngineError(
                f"output_gradients has shape {seed.shape}, the target has shape {target.shape}"
            )
        return seed

    def _backward_numpy(self, target: Tensor, srcs: list[Tensor], seed: Array) -> dict[int, Any]:
        """The fast path: plain arrays, each node released as soon as it has been used."""
        F = _NumpyOps
        # Gradients are dropped once passed on, except for sources that are outputs of nodes
        # (a variable never is: only watched or intermediate tensors need keeping).
        keep = {id(s) for s in srcs if s._tapes is not EVERY_TAPE}
        grads: dict[int, Any] = {id(target): seed}
        nodes = self._nodes if not self.persistent else list(self._nodes)
        pop = nodes.pop
        take = grads.pop
        while nodes:
            prim, out, args, attrs, needs = pop()
            k = id(out)
            g = take(k, None)
            if g is None:
                continue
            if keep and k in keep:
                grads[k] = g
            partials = prim.partials
            if len(args) == 1:  # most nodes: kept short
                x = args[0]
                xd = x.data
                ga = partials[0](F, g, out.data, xd) if attrs is None else partials[0](F, g, out.data, xd, **attrs)
                if ga.shape != xd.shape:
                    ga = unbroadcast(ga, xd.shape)
                kx = id(x)
                prev = grads.get(kx)
                grads[kx] = ga if prev is None else prev + ga
                continue
            if len(args) == 2 and attrs is None:  # binary arithmetic: the other common case
                x, y = args
                xd = x.data if isinstance(x, Tensor) else x
                yd = y.data if isinstance(y, Tensor) else y
                od = out.data
                for i in needs:
                    _accumulate(grads, args[i], partials[i](F, g, od, xd, yd))
                continue
            datas = [a.data if isinstance(a, Tensor) else a for a in args]
            for i in needs:
                if prim.variadic:
                    ga = partials[0](F, i, g, out.data, *datas, **attrs)
                elif attrs is None:
                    ga = partials[i](F, g, out.data, *datas)
                else:
                    ga = partials[i](F, g, out.data, *datas, **attrs)
                _accumulate(grads, args[i], ga)
        return grads

    def _backward_recorded(
        self, target: Tensor, srcs: list[Tensor], seed: Array
    ) -> dict[int, Any]:
        """The backward pass as recorded operations, for an outer tape to differentiate."""
        F = _TensorOps
        keep = {id(s) for s in srcs}
        grads: dict[int, Any] = {id(target): Tensor(seed)}
        for prim, out, args, attrs, needs in reversed(list(self._nodes)):
            k = id(out)
            g = grads.get(k) if k in keep else grads.pop(k, None)
            if g is None:
                continue
            kw = attrs or {}
            for i in needs:
                if prim.variadic:
                    ga = prim.partials[0](F, i, g, out, *args, **kw)
                else:
                    ga = prim.partials[i](F, g, out, *args, **kw)
                a = args[i]
                if not isinstance(ga, Tensor):
                    ga = Tensor(np.asarray(ga))
                if ga.shape != a.shape:
                    ga = unbroadcast(ga, a.shape)
                ka = id(a)
                prev = grads.get(ka)
                grads[ka] = ga if prev is None else prev + ga
        return grads


def _accumulate(grads: dict[int, Any], a: Tensor, ga: Any) -> None:
    d = a.data
    if ga.shape != d.shape:
        ga = unbroadcast(ga, d.shape)
    if ga.dtype is not d.dtype and ga.dtype != d.dtype and d.dtype.kind == "f":
        ga = ga.astype(d.dtype)  # a float32 tensor gets a float32 gradient, as in PyTorch
    k = id(a)
    prev = grads.get(k)
    grads[k] = ga if prev is None else prev + ga


class _Paused:
    def __init__(self, tape: GradientTape) -> None:
        self.tape = tape
        self.saved: tuple[GradientTape, ...] = ()

    def __enter__(self) -> None:
        self.saved = T.recording_tapes()
        T.set_recording(tuple(t for t in self.saved if t is not self.tape))

    def __exit__(self, *exc: object) -> None:
        T.set_recording(self.saved)


def _flatten(items: Any) -> list[Any]:
    flat: list[Any] = []
    for item in items:
        if isinstance(item, list | tuple):
            flat.extend(_flatten(item))
        else:
            flat.append(item)
    return flat
