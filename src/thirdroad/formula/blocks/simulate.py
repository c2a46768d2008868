"""Run a block as written, with NumPy: the lines in order, step after step.

This is the block's own meaning, independent of the chain it was read into; the chain
built by ``thirdroad.agents`` is checked against it. Names are read exactly as the
symbolic reader reads them (:mod:`thirdroad.formula.blocks.derive`): ``v_{t-1}`` is v's
value from the step before, ``v_t`` after this step's update, ``μ_{t+1}`` the schedule one
step ahead. A condition on the numbers (Rprop's ``g_{prev} g_t > 0``) is taken element by
element.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Derivative,
    Expectation,
    Gradient,
    Neg,
    Node,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Sum,
    Symbol,
)
from thirdroad.formula.ast import Fraction as FracNode
from thirdroad.formula.blocks.derive import (
    FUNCTIONS,
    Config,
    Roles,
    Unreadable,
    _about_shape,
    _switch,
    power_of_gradient,
)
from thirdroad.formula.blocks.flow import INIT, Assign, Branch, Program, Ref, Stmt, ref_of
from thirdroad.formula.latex import to_latex

Array = NDArray[np.float64]
GradFn = Callable[[Array, int], Array]

_NUMPY: dict[str, Callable[..., Any]] = {
    "max": np.maximum, "min": np.minimum, "sign": np.sign, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "abs": np.abs, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "rms": lambda x: np.sqrt(np.mean(np.square(x))),
}  # fmt: skip


def simulate(program: Program, roles: Roles, states: set[str], config: Config, values: dict[str, float],
             grad: GradFn, theta: Array, steps: int) -> list[Array]:
    """The parameter after each of ``steps`` steps, starting from ``theta``; ``grad(θ, t)``
    gives the gradient at θ on step t; ``values`` the hyperparameters by the block's names."""
    return [point for point, _ in trajectory(program, roles, states, config, values, grad, theta, steps)]


def trajectory(program: Program, roles: Roles, states: set[str], config: Config, values: dict[str, float],
               grad: GradFn, theta: Array, steps: int) -> list[tuple[Array, dict[str, Array]]]:
    """Like :func:`simulate`, with the states (velocities, averages) after each step too."""
    sim = _Sim(program, roles, states, config, values, grad)
    point = np.array(theta, dtype=np.float64)
    memory = {name: sim.start(name, point) for name in states if name != roles.param}
    out = []
    for t in range(1, steps + 1):
        point, memory = sim.step(point, memory, t)
        out.append((point.copy(), {k: v.copy() for k, v in memory.items()}))
    return out


class _Sim:
    def __init__(self, program: Program, roles: Roles, states: set[str], config: Config,
                 values: dict[str, float], grad: GradFn) -> None:
        self.p, self.roles, self.states, self.config = program, roles, states, config
        self.values = {k: (0.0 if k in config.zero else v) for k, v in values.items()}
        self.grad = grad
        self.t, self.theta = 0, np.zeros(1)
        self.prev: dict[str, Array] = {}
        self._fresh()

    def start(self, name: str, theta: Array) -> Array:
        node = self.p.init.get(name)
        if node is None:
            return np.zeros_like(theta)
        self.t, self.theta, self.prev = 0, theta, {}
        self._fresh()
        return np.broadcast_to(np.asarray(self.eval(node), dtype=np.float64), theta.shape).copy()

    def _fresh(self) -> None:
        """Nothing assigned yet in this step."""
        self.now: dict[str, Array] = {}
        self.now_offset: dict[str, int | None] = {}
        self.inter: dict[tuple[str, int | None], tuple[Any, Node, int | None]] = {}
        self.latest: dict[str, tuple[Any, Node, int | None]] = {}
        self.param_now: Array | None = None
        self.bound: dict[str, float] = {}
        self.t_shift: float | None = None

    def step(self, theta: Array, memory: dict[str, Array], t: int) -> tuple[Array, dict[str, Array]]:
        self.t, self.theta, self.prev = t, theta, memory
        self._fresh()
        self.block(self.p.body)
        new_theta = theta if self.param_now is None else np.broadcast_to(self.param_now, theta.shape).copy()
        new_memory = {k: np.broadcast_to(self.now.get(k, v), theta.shape).copy() for k, v in memory.items()}
        return new_theta, new_memory

    # -- statements

    def block(self, stmts: tuple[Stmt, ...]) -> None:
        for s in stmts:
            if isinstance(s, Assign):
                self.assign(s)
            else:
                self.branch(s)

    def assign(self, a: Assign) -> None:
        value = self.eval(a.value)
        base = a.target.base
        if base == self.roles.param:
            self.param_now = np.asarray(value, dtype=np.float64)
            self.now_offset[base] = a.target.offset
        elif base in self.states:
            self.now[base] = np.asarray(value, dtype=np.float64)
            self.now_offset[base] = a.target.offset
        else:
            entry = (value, a.value, a.target.offset)
            self.inter[(base, a.target.offset)] = entry
            self.latest[base] = entry

    def branch(self, b: Branch) -> None:
        truth = self.decide(b)
        if isinstance(truth, bool | np.bool_):
            self.block(b.then if truth else b.orelse)
            return
        saved = self._save()
        self.block(b.then)
        then = self._save()
        self._restore(saved)
        self.block(b.orelse)
        self._merge(truth, then)

    def _save(self) -> tuple[Any, ...]:
        return (dict(self.now), dict(self.now_offset), dict(self.inter), dict(self.latest), self.param_now)

    def _restore(self, saved: tuple[Any, ...]) -> None:
        self.now, self.now_offset, self.inter, self.latest, self.param_now = (
            dict(saved[0]), dict(saved[1]), dict(saved[2]), dict(saved[3]), saved[4])

    def _merge(self, mask: Array, then: tuple[Any, ...]) -> None:
        """Element by element: where the condition held, the then-branch's values."""
        now, _, inter, _, param_now = then
        for k in set(now) | set(self.now):
            a, b = now.get(k, self.prev.get(k)), self.now.get(k, self.prev.get(k))
            self.now[k] = np.asarray(np.where(mask, a, b), dtype=np.float64)
            self.now_offset.setdefault(k, then[1].get(k))
        for k in set(inter) | set(self.inter):
            if k in inter and k in self.inter:
                merged = np.where(mask, inter[k][0], self.inter[k][0])
                self.inter[k] = (merged, inter[k][1], inter[k][2])
                self.latest[k[0]] = self.inter[k]
            elif k in inter:
                self.inter[k] = inter[k]
                self.latest[k[0]] = inter[k]
        if param_now is not None or self.param_now is not None:
            a = param_now if param_now is not None else self.theta
            b = self.param_now if self.param_now is not None else self.theta
            self.param_now = np.where(mask, a, b)

    def decide(self, b: Branch) -> bool | Array:
        cond = b.cond
        key = cond.flag or cond.text
        forced = dict(self.config.forced)
        if key in forced and cond.flag:
            return forced[key]
        if cond.flag:
            return self.config.flag(cond.flag)
        node = cond.node
        if _about_shape(node):
            return self.theta.ndim > 1
        if not isinstance(node, Relation) or len(node.operands) != 2:
            raise Unreadable(f"a condition thirdroad cannot decide: {cond.text}", b.line)
        switch = _switch(node, self.p.loop_var, tuple(self.values))
        if switch is not None:
            return switch not in self.config.zero and self.values.get(switch, 0.0) != 0
        left, right = (np.asarray(self.eval(x), dtype=np.float64) for x in node.operands)
        op = {"gt": np.greater, "lt": np.less, "ge": np.greater_equal, "le": np.less_equal,
              "ne": np.not_equal, "eq": np.equal}[node.ops[0]]
        out = op(left, right)
        return bool(out) if np.ndim(out) == 0 else out

    # -- values

    def read(self, ref: Ref) -> Any:
        base = ref.base
        if base == self.p.loop_var and ref.offset is None:
            return float(self.t if self.t_shift is None else self.t_shift)
        if base in self.bound:
            return self.bound[base]
        if base == self.roles.param:
            if self.param_now is not None and _current(ref, self.now_offset.get(base)):
                return self.param_now
            return self.theta
        if base in self.roles.grads and base not in self.latest:
            return self.grad(self.theta, self.t)
        if base in self.states:
            if base in self.now and _current(ref, self.now_offset.get(base)):
                return self.now[base]
            if ref.offset == INIT:
                return self.start(base, self.theta)
            return self.prev[base]
        if (base, ref.offset) in self.inter and self.t_shift is None:
            return self.inter[(base, ref.offset)][0]
        if base in self.latest:
            value, node, offset = self.latest[base]
            if np.ndim(value) == 0 and (ref.offset != offset or self.t_shift is not None):
                return self._shifted(node, (ref.offset or 0) - (offset or 0))
            return value
        if base in self.roles.grads:
            return self.grad(self.theta, self.t)
        if base in self.p.init:
            return self.eval(self.p.init[base])
        if base in self.values:
            return self.values[base]
        raise Unreadable(f"no value for {base}")

    def _shifted(self, node: Node, delta: int) -> Any:
        saved = self.t_shift
        self.t_shift = (self.t if saved is None else saved) + delta
        try:
            return self.eval(node)
        finally:
            self.t_shift = saved

    def eval(self, node: Node) -> Any:
        if isinstance(node, Number):
            return float(node.value)
        if isinstance(node, Symbol):
            if node.sub and len(node.sub) == 1 and isinstance(node.sub[0], Symbol) and node.sub[0].name in self.bound:
                return self._at_index(node)
            if node.name in self.bound and not node.sub:
                return self.bound[node.name]
            ref = self.p.ref(node)
            if ref is None:
                raise Unreadable(f"cannot read {to_latex(node)}")
            return self.read(ref)
        if isinstance(node, Sum):
            total: Any = 0.0
            for term in node.terms:
                total = total + self.eval(term)
            return total
        if isinstance(node, Neg):
            return -self.eval(node.arg)
        if isinstance(node, Product):
            out: Any = 1.0
            for f in node.factors:
                out = out * self.eval(f)
            return out
        if isinstance(node, FracNode):
            return self.eval(node.num) / self.eval(node.den)
        if isinstance(node, Power):
            return np.power(self.eval(node.base), self.eval(node.exp))
        if isinstance(node, Sqrt):
            return np.sqrt(self.eval(node.arg))
        if isinstance(node, Abs):
            return np.abs(self.eval(node.arg))
        if isinstance(node, Gradient | Derivative):
            return self._gradient(node)
        if isinstance(node, Apply):
            return self._apply(node)
        if isinstance(node, Expectation):
            return self.read(Ref(to_latex(node)))
        if isinstance(node, BigOp):
            return self._bigop(node)
        raise Unreadable(f"cannot run {node.kind}")

    def _gradient(self, node: Gradient | Derivative) -> Any:
        squared = power_of_gradient(node)
        if squared is not None:
            assert isinstance(squared.base, Gradient)
            return np.power(self._gradient(squared.base), self.eval(squared.exp))
        if isinstance(node, Gradient) and isinstance(node.expr, Apply) and node.expr.args:
            at = np.asarray(self.eval(node.expr.args[0]), dtype=np.float64)
            return self.grad(np.broadcast_to(at, self.theta.shape).copy(), self.t)
        return self.grad(self.theta, self.t)

    def _apply(self, node: Apply) -> Any:
        func = node.func
        if isinstance(func, Symbol) and func.name == "index":
            ref = ref_of(node, self.p.loop_var)
            if ref is None:
                raise Unreadable(f"cannot read {to_latex(node)}")
            return self.read(ref)
        name = FUNCTIONS.get(func.name, "") if isinstance(func, Symbol) else ""
        if not name:
            raise Unreadable(f"cannot run {to_latex(func)}")
        return _NUMPY[name](*(self.eval(a) for a in node.args))

    def _at_index(self, node: Symbol) -> Any:
        idx = node.sub[0]
        assert isinstance(idx, Symbol)
        base = ref_of(Symbol(node.name, node.font, node.accent), self.p.loop_var)
        assert base is not None
        _, defn, offset = self.latest[base.base]
        saved = self.t_shift
        self.t_shift = self.bound[idx.name] - (offset or 0)
        try:
            return self.eval(defn)
        finally:
            self.t_shift = saved

    def _bigop(self, node: BigOp) -> Any:
        (idx,) = node.indices[:1]
        under = node.under
        assert isinstance(under, Relation) and node.over is not None
        lo, hi = round(float(self.eval(under.operands[1]))), round(float(self.eval(node.over)))
        acc: Any = 1.0 if node.op == "prod" else 0.0
        for i in range(lo, hi + 1):
            self.bound[idx.name] = float(i)
            try:
                term = self.eval(node.body)
            finally:
                del self.bound[idx.name]
            acc = acc * term if node.op == "prod" else acc + term
        return acc


def _current(ref: Ref, assigned_offset: int | None) -> bool:
    return not (ref.offset is not None and assigned_offset is not None and ref.offset == assigned_offset - 1)


__all__ = ["simulate", "trajectory"]
