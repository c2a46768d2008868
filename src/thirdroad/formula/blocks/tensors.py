"""Run a layer's block with NumPy: vectors, matrices, concatenation and sums over an index.

A layer's lines (a GRU's gates, Luong attention's four steps) are not elementwise like an
optimizer's: ``W_z x_t`` is a matrix times a vector, ``[c_t; h_t]`` stacks two vectors,
``Σ_s α_{ts} h̄_s`` sums over the source positions. This evaluator follows the column-vector
convention the formulas use: a product whose factors include a matrix is a matrix product
(``h_t^⊤ W_a h̄_s`` is a number), ``⊙`` is elementwise, a name indexed by a bound index (``h̄_s``
inside ``Σ_s``) is that row of the name's array, and a line that defines a function of its
arguments (``score(h_t, h̄_s) = ...``) is called by later lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Concat,
    Fraction,
    Neg,
    Node,
    Number,
    Power,
    Product,
    Sqrt,
    Sum,
    Symbol,
    Transpose,
)
from thirdroad.formula.blocks.derive import Unreadable
from thirdroad.formula.blocks.flow import Program, ref_of
from thirdroad.formula.latex import to_latex

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigma": lambda x: 1.0 / (1.0 + np.exp(-x)), "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh, "exp": np.exp, "log": np.log, "relu": lambda x: np.maximum(x, 0.0),
    "softmax": lambda x: np.exp(x - np.max(x)) / np.sum(np.exp(x - np.max(x))),
}  # fmt: skip


def run_layer(program: Program, values: dict[str, Any], index_sizes: dict[str, int] | None = None) -> dict[str, Any]:
    """Every assigned name's value after one pass of the lines. ``values`` holds the inputs by
    the block's names (``x``, ``h`` for ``h_{t-1}``, ``W_z``, ``h̄`` with one row per source
    position); ``index_sizes`` the range of each summed index (``{"s": 7}``), else the number
    of rows of the array it indexes."""
    run = _Run(program, values, index_sizes or {})
    for a in program.assignments():
        run.assign(a.target.base, a.node, a.value)
    return run.env


class _Run:
    def __init__(self, program: Program, values: dict[str, Any], sizes: dict[str, int]) -> None:
        self.p = program
        self.env: dict[str, Any] = dict(values)
        self.sizes = sizes
        self.bound: dict[str, int] = {}
        self.defs: dict[str, tuple[tuple[str, ...], Node]] = {}
        self.indexed: dict[str, tuple[str, ...]] = {}  # α_{ts}: assigned over index s

    def assign(self, base: str, line: Node | None, value: Node) -> None:
        target = getattr(line, "target", None) if line is not None else None
        if target is None and line is not None and hasattr(line, "operands"):
            target = line.operands[0]
        if isinstance(target, Apply) and isinstance(target.func, Symbol) and target.func.name != "index":
            # score(h_t, h̄_s) = ...: a function of its arguments
            params = tuple(self._key(a) for a in target.args)
            self.defs[target.func.name] = (params, value)
            return
        free = self._free_indices(target)
        if free:
            (idx,) = free[:1]
            n = self._size(idx, value)
            rows = []
            for i in range(n):
                self.bound[idx] = i
                rows.append(self.eval(value))
            del self.bound[idx]
            self.env[base] = np.array(rows)
            self.indexed[base] = (idx,)
            return
        self.env[base] = self.eval(value)

    def _free_indices(self, target: Node | None) -> list[str]:
        """Indices of the target that are not the time: ``s`` in ``α_{ts}``, ``a_t(s)``."""
        if isinstance(target, Apply) and isinstance(target.func, Symbol) and target.func.name != "index":
            return []
        if not isinstance(target, Symbol):
            return []
        out = []
        for s in target.sub:
            if isinstance(s, Symbol) and s.name not in (self.p.loop_var,) and len(s.name) == 1:
                out.append(s.name)
        return out

    def _size(self, idx: str, node: Node) -> int:
        if idx.rstrip("'") in self.sizes:
            return self.sizes[idx.rstrip("'")]
        for n in node.walk():
            if isinstance(n, Symbol) and any(isinstance(s, Symbol) and _index(s) == idx for s in n.sub):
                arr = self.env.get(self._key(Symbol(n.name, n.font, n.accent)))
                if arr is not None and np.ndim(arr) >= 1:
                    return int(np.shape(arr)[0])
        raise Unreadable(f"how many values does the index {idx} run over?")

    def _key(self, node: Node) -> str:
        ref = ref_of(node, self.p.loop_var)
        if ref is None:
            raise Unreadable(f"cannot read {to_latex(node)}")
        return ref.base

    def read(self, node: Symbol) -> Any:
        idx = [_index(s) for s in node.sub if isinstance(s, Symbol) and _index(s) in self.bound]
        if idx:  # h̄_s inside Σ_s: row s
            bare = Symbol(node.name, node.font, node.accent)
            arr = self.env[self._key(bare)] if self._key(bare) in self.env else self.env[self._key(node)]
            return np.asarray(arr)[self.bound[idx[-1]]]
        key = self._key(node)
        if key in self.bound:
            return float(self.bound[key])
        if key not in self.env:
            raise Unreadable(f"no value for {key}")
        return self.env[key]

    def eval(self, node: Node) -> Any:
        if isinstance(node, Number):
            return float(node.value)
        if isinstance(node, Symbol):
            return self.read(node)
        if isinstance(node, Sum):
            out: Any = 0.0
            for t in node.terms:
                out = out + self.eval(t)
            return out
        if isinstance(node, Neg):
            return -self.eval(node.arg)
        if isinstance(node, Product):
            return self._product(node)
        if isinstance(node, Fraction):
            return self.eval(node.num) / self.eval(node.den)
        if isinstance(node, Power):
            return np.power(self.eval(node.base), self.eval(node.exp))
        if isinstance(node, Sqrt):
            return np.sqrt(self.eval(node.arg))
        if isinstance(node, Abs):
            return np.abs(self.eval(node.arg))
        if isinstance(node, Transpose):
            return np.transpose(self.eval(node.arg))
        if isinstance(node, Concat):
            return np.concatenate([np.atleast_1d(self.eval(i)) for i in node.items])
        if isinstance(node, Apply):
            return self._apply(node)
        if isinstance(node, BigOp) and node.op == "sum":
            return self._sum(node)
        raise Unreadable(f"cannot run {node.kind} in a layer")

    def _product(self, node: Product) -> Any:
        vals = [self.eval(f) for f in node.factors]
        if node.op == "odot" or (all(np.ndim(v) <= 1 for v in vals) and node.op != "cdot"):
            if node.op != "odot" and sum(np.ndim(v) == 1 for v in vals) == 2 and _transposed(node):
                out: Any = vals[0]
                for v in vals[1:]:
                    out = out @ v if np.ndim(out) == 1 and np.ndim(v) == 1 else out * v
                return out
            out = vals[0]
            for v in vals[1:]:
                out = out * v
            return out
        out = vals[0]
        for v in vals[1:]:
            out = out @ v if np.ndim(out) >= 1 and np.ndim(v) >= 1 else out * v
        return out

    def _apply(self, node: Apply) -> Any:
        func = node.func
        name = func.name if isinstance(func, Symbol) else ""
        if name == "index":
            return self.read(node)  # type: ignore[arg-type]
        if name in self.defs:
            params, body = self.defs[name]
            saved, outer = dict(self.env), self.bound
            for p, a in zip(params, node.args, strict=True):
                self.env[p] = self.eval(a)
            self.bound = {}  # inside the body, h̄_s is the argument, not row s of an outer sum
            try:
                return self.eval(body)
            finally:
                self.env, self.bound = saved, outer
        if name in _FUNCTIONS:
            return _FUNCTIONS[name](*(self.eval(a) for a in node.args))
        raise Unreadable(f"{to_latex(func)} is a function thirdroad cannot run in a layer")

    def _sum(self, node: BigOp) -> Any:
        (idx,) = [_index(s) for s in node.indices][:1]
        plain = idx.rstrip("'")
        n = self.sizes[plain] if plain in self.sizes else self._size(idx, node.body)
        total: Any = 0.0
        for i in range(n):
            self.bound[idx] = i
            total = total + self.eval(node.body)
        del self.bound[idx]
        return total


def _index(s: Symbol) -> str:
    """An index's name with its primes: s and s' are two indices."""
    return s.name + "'" * s.prime


def _transposed(node: Product) -> bool:
    return isinstance(node.factors[0], Transpose)


__all__ = ["run_layer"]
