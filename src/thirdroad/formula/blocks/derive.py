"""Run a block's program symbolically: what each state becomes, and the step the
parameter takes, as :class:`~thirdroad.formula.blocks.algebra.Poly` over the gradient,
the parameter and the states.

Which name is the parameter and which the gradient is decided by role, not spelling
(:func:`find_roles`): the name a ``∇`` or ``∂`` is taken with respect to, the name an
algorithm box labels ``(params)``, ``dW`` beside ``W``; and a name assigned from a gradient
(``g_t ← ∇_θ f_t(θ_{t-1})``) *is* the gradient wherever it is read afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from thirdroad.errors import ThirdroadError
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
from thirdroad.formula.ast import (
    Fraction as FracNode,
)
from thirdroad.formula.blocks.algebra import Atom, Poly, Samples, constant, dependencies, fn
from thirdroad.formula.blocks.flow import INIT, Assign, Branch, Program, Ref, Stmt, ref_of
from thirdroad.formula.latex import to_latex

PARAM_NAMES = ("theta", "W", "w", "x", "params", "p", "weights", "param", "θ")
GRAD_NAMES = ("g", "G", "grad", "gradient", "grads", "nabla", "gradients")
FUNCTIONS = {
    "max": "max", "min": "min", "sign": "sign", "sgn": "sign", "exp": "exp", "log": "log", "sqrt": "sqrt",
    "abs": "abs", "tanh": "tanh", "RMS": "rms", "rms": "rms", "sigma": "sigmoid", "maximum": "max",
    "minimum": "min", "fabs": "abs", "absolute": "abs",
}  # fmt: skip


class Unreadable(ThirdroadError):
    """The block uses something the reader cannot follow (a matrix, an unknown function).
    Caught inside ``read_block``, which says it in the reading's notes."""

    def __init__(self, message: str, line: int = -1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class NeedCase(ThirdroadError):
    """A condition that depends on the step (``ρ_t > 5``) or on the numbers (``g_{prev} g_t > 0``):
    the caller reads the block once with it true and once with it false."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# ---------------------------------------------------------------- roles


@dataclass
class Roles:
    """Who is who in a block. ``param``: the name the update moves; ``grads``: names that are
    not assigned but stand for the gradient (``dW``, ``g``); ``hypers``: every other name
    read and never assigned; ``why``: the evidence for the parameter and the gradient."""

    param: str
    grads: set[str]
    hypers: list[str]
    functions: set[str]
    why: dict[str, str] = field(default_factory=dict)
    params: tuple[str, ...] = ()  # every parameter the block updates (W and b in Ng's blocks)


def find_roles(program: Program) -> Roles | None:
    """The roles of a block's names, or ``None`` when it has no gradient or no parameter
    (then it is no optimizer)."""
    assigned = program.assigned()
    loop = program.loop_var
    functions: set[str] = set()
    reads: list[Ref] = []
    wrt: list[tuple[str, str]] = []
    has_gradient = False
    for a in program.assignments():
        for node in a.value.walk():
            if isinstance(node, Apply) and isinstance(node.func, Symbol):
                functions.add(node.func.name)
            if isinstance(node, Gradient | Derivative):
                has_gradient = True
                wrt.extend(_gradient_targets(node, loop))
        reads.extend(_reads(a.value, program))
    read_bases = {r.base for r in reads}
    labelled = [i.base for i in program.inputs if i.label.strip().lower() in ("params", "parameters", "parameter")]
    why: dict[str, str] = {}
    params: list[str] = []
    for base, how in wrt:
        if base in assigned and base not in params:
            params.append(base)
            why[base] = how
    for base in labelled:
        if base in assigned and base not in params:
            params.append(base)
            why[base] = "the algorithm box lists it as the parameters"
    grads: set[str] = set()
    for base in sorted(read_bases - assigned):
        if base.startswith("d") and len(base) > 1 and base[1:] in assigned:
            grads.add(base)
            if base[1:] not in params:
                params.append(base[1:])
            why.setdefault(base[1:], f"{base} is its gradient (Ng's notation: d{base[1:]} for ∂J/∂{base[1:]})")
    if not params:
        for name in PARAM_NAMES:
            if name in assigned:
                params.append(name)
                why[name] = "its name is the usual one for the parameters"
                break
    if not params:
        return None
    for base in read_bases - assigned:
        stem = base.split("_")[0].split("^")[0]
        if base in GRAD_NAMES or stem in GRAD_NAMES:
            grads.add(base)
    if not grads and not has_gradient:  # g = g + λθ: the g read first is the gradient coming in
        grads |= {b for b in _read_before_assigned(program) if b in GRAD_NAMES}
    if not grads and not has_gradient:
        return None
    for g in grads:
        why.setdefault(g, "its name is the usual one for the gradient")
    constants = {b for b in program.init if b not in assigned}
    for base in program.init:
        reads.extend(_reads(program.init[base], program))
    skip = {loop, *functions, *grads, *params, *assigned, *constants}
    hypers = sorted({r.base for r in reads if r.base not in skip and not _is_index(r.base)})
    return Roles(params[0], grads, hypers, functions, why, tuple(params))


def _read_before_assigned(program: Program) -> set[str]:
    """Names read before the step assigns them (``g = g + wd·θ``: the g read is the gradient
    coming in; only gradient-like names are taken this way)."""
    seen: set[str] = set()
    out: set[str] = set()
    for a in program.assignments():
        out |= {r.base for r in _reads(a.value, program) if r.base not in seen}
        seen.add(a.target.base)
    return out & program.assigned()


def _is_index(base: str) -> bool:
    return base in ("i", "j", "k", "dots", "ldots", "cdots")


def _gradient_targets(node: Node, loop: str) -> list[tuple[str, str]]:
    """The names a gradient is taken with respect to: ``∇_θ``, ``∂/∂W``, ``∇f(θ_{t-1})``."""
    out: list[tuple[str, str]] = []
    if isinstance(node, Gradient):
        if node.wrt is not None:
            ref = ref_of(node.wrt, loop)
            if ref is not None:
                out.append((ref.base, "the gradient ∇ is taken with respect to it"))
        expr = node.expr
        if isinstance(expr, Apply) and expr.args:
            ref = ref_of(_first_name(expr.args[0]), loop)
            if ref is not None:
                out.append((ref.base, "the gradient is taken at it"))
    elif isinstance(node, Derivative):
        for w in node.wrt:
            ref = ref_of(w, loop)
            if ref is not None:
                out.append((ref.base, "the derivative is taken with respect to it"))
    return out


def power_of_gradient(node: Gradient | Derivative) -> Power | None:
    """``∇f(w)²`` read as the square of the gradient, (∇f(w))², as optimizer texts mean it
    (RMSProp's average of ∇f(w)²): the parser reads the power as part of what ∇ applies to
    and cannot tell it from ∇(f(w)²), which no update line takes. Only for a function
    written at a point, whose gradient the block reads at that point."""
    if isinstance(node, Gradient) and isinstance(node.expr, Power) and isinstance(node.expr.base, Apply) \
            and node.expr.base.args:
        return Power(Gradient(node.expr.base, node.wrt), node.expr.exp)
    return None


def _first_name(node: Node) -> Node:
    for n in node.walk():
        if isinstance(n, Symbol):
            return n
    return node


def _reads(node: Node, program: Program) -> list[Ref]:
    """The variables a value reads (not function names, not bound indices)."""
    out: list[Ref] = []
    bound: set[str] = set()
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, BigOp):
            bound |= {s.name for s in n.indices}
        if isinstance(n, Symbol):
            ref = program.ref(n)
            if ref is not None and n.name not in bound:
                out.append(ref)
            continue
        if isinstance(n, Apply) and isinstance(n.func, Symbol) and n.func.name == "index":
            ref = program.ref(n)
            if ref is not None:
                out.append(ref)
                continue
        if isinstance(n, Expectation):
            out.append(Ref(to_latex(n)))
            continue
        if isinstance(n, Apply):
            stack.extend(n.args)
            continue
        stack.extend(n.children())
    return out


# ---------------------------------------------------------------- states


def find_states(program: Program, roles: Roles) -> set[str]:
    """The names whose value carries over from one step to the next: assigned in the body
    and read, somewhere, before this step's assignment (``v_{t-1}``, or ``v`` on the right
    of its own update)."""
    assigned = program.assigned()
    states: set[str] = set()

    def walk(stmts: tuple[Stmt, ...], now: dict[str, set[int | None]]) -> dict[str, set[int | None]]:
        for s in stmts:
            if isinstance(s, Assign):
                for r in _reads(s.value, program):
                    if r.base in assigned and _reads_previous(r, now):
                        states.add(r.base)
                now = {**now, s.target.base: now.get(s.target.base, set()) | {s.target.offset}}
            else:
                if s.cond.node is not None:
                    for r in _reads(s.cond.node, program):
                        if r.base in assigned and _reads_previous(r, now):
                            states.add(r.base)
                a = walk(s.then, dict(now))
                b = walk(s.orelse, dict(now))
                now = {k: a.get(k, set()) | b.get(k, set()) for k in {*a, *b}}
        return now

    walk(program.body, {})
    return states - roles.grads


def _reads_previous(r: Ref, now: dict[str, set[int | None]]) -> bool:
    if r.base not in now:
        return True
    offsets = now[r.base]
    if r.offset is None or None in offsets or r.offset in offsets:
        return False
    return r.offset == min(o for o in offsets if o is not None) - 1


def optional_hypers(program: Program) -> set[str]:
    """Hyperparameters an algorithm box tests against zero (``\textbf{if} λ ≠ 0``): options
    that are off unless given."""
    out: set[str] = set()

    def walk(stmts: tuple[Stmt, ...]) -> None:
        for s in stmts:
            if isinstance(s, Branch):
                node = s.cond.node
                if isinstance(node, Relation) and node.ops[0] in ("ne", "gt") and isinstance(node.operands[1], Number) \
                        and float(node.operands[1].value) == 0:
                    ref = ref_of(node.operands[0], program.loop_var)
                    if ref is not None:
                        out.add(ref.base)
                walk(s.then)
                walk(s.orelse)

    walk(program.body)
    return out | _eps_root(program)


_EPS_BASES = ("epsilon", "varepsilon", "eps")


def _eps_root(program: Program) -> set[str]:
    """A barred ε read beside a plain one (optax's √(v̂ + ε̄) + ε): ``eps_root``, which optax
    sets to 0 unless given; the block is read with it at 0, as optax runs it."""
    read = {r.base for a in program.assignments() for r in _reads(a.value, program)}
    return {b for b in read if b.endswith("\u0304") and b[:-1] in _EPS_BASES and any(e in read for e in _EPS_BASES)}


# ---------------------------------------------------------------- running


@dataclass(frozen=True)
class Config:
    """One way of running a block: switches on or off, hyperparameters forced to 0 (an
    option left out), the first step or a later one, and outcomes of step-dependent
    conditions."""

    flags: tuple[tuple[str, bool], ...] = ()
    zero: frozenset[str] = frozenset()
    first_step: bool = False
    forced: tuple[tuple[str, bool], ...] = ()

    def flag(self, name: str) -> bool:
        return dict(self.flags).get(name, False)

    def with_forced(self, key: str, value: bool) -> Config:
        return Config(self.flags, self.zero, self.first_step, (*self.forced, (key, value)))


@dataclass
class Derived:
    """The block, run once symbolically. ``states[X]`` is X's new value; ``step`` is the
    parameter's new value minus its old one; ``lines[i]`` the value line i computed."""

    samples: Samples
    states: dict[str, Poly]
    step: Poly
    lines: dict[int, Poly]
    config: Config
    conditions: dict[int, bool]  # branch line -> the way it went


def run(program: Program, roles: Roles, states: set[str], config: Config, seed: int = 0) -> Derived:
    samples = Samples(tuple(roles.hypers), first_step=config.first_step, zero=config.zero, seed=seed)
    ex = _Executor(program, roles, states, config, samples)
    ex.block(program.body)
    param = ex.param_now if ex.param_now is not None else Poly.atom(samples, Atom("param"))
    step = param - Poly.atom(samples, Atom("param"))
    new_states = {name: ex.state_now[name] for name in states if name in ex.state_now and name != roles.param}
    return Derived(samples, new_states, step, ex.line_values, config, ex.conditions)


class _Executor:
    def __init__(self, program: Program, roles: Roles, states: set[str], config: Config, samples: Samples) -> None:
        self.p = program
        self.roles = roles
        self.states = states
        self.config = config
        self.s = samples
        self.param_now: Poly | None = None
        self.state_now: dict[str, Poly] = {}
        self.state_offset: dict[str, int | None] = {}
        self.values: dict[tuple[str, int | None], tuple[Poly, Node, int | None]] = {}
        self.latest: dict[str, tuple[Poly, Node, int | None]] = {}
        self.line_values: dict[int, Poly] = {}
        self.conditions: dict[int, bool] = {}
        self.bound: dict[str, Poly] = {}
        self.t_shift: Poly | None = None

    def block(self, stmts: tuple[Stmt, ...]) -> None:
        for st in stmts:
            if isinstance(st, Assign):
                self.assign(st)
            else:
                self.branch(st)

    def assign(self, a: Assign) -> None:
        try:
            value = self.eval(a.value)
        except Unreadable as e:
            raise Unreadable(e.message, a.line) from None
        except ZeroDivisionError:
            raise Unreadable("a division by zero", a.line) from None
        base = a.target.base
        self.line_values[a.line] = value
        if base == self.roles.param:
            self.param_now = value
            self.state_offset[base] = a.target.offset
        elif base in self.states:
            self.state_now[base] = value
            self.state_offset[base] = a.target.offset
        else:
            entry = (value, a.value, a.target.offset)
            self.values[(base, a.target.offset)] = entry
            self.latest[base] = entry

    def branch(self, b: Branch) -> None:
        outcome = self.decide(b)
        self.conditions[b.line] = outcome
        self.block(b.then if outcome else b.orelse)

    def decide(self, b: Branch) -> bool:
        cond = b.cond
        key = cond.flag or cond.text
        forced = dict(self.config.forced)
        if key in forced:
            return forced[key]
        if cond.flag:
            return self.config.flag(cond.flag)
        node = cond.node
        if _about_shape(node):  # Adafactor's "if dim(G_t) > 1": a matrix, read as the switch "matrix"
            return self.config.flag("matrix")
        if not isinstance(node, Relation) or len(node.operands) != 2:
            raise Unreadable(f"a condition thirdroad cannot decide: {cond.text}", b.line)
        switch = _switch(node, self.p.loop_var, self.s.names)
        if switch is not None:  # "if λ ≠ 0": an option, on unless the configuration zeroes it
            return switch not in self.config.zero
        left, right = (self.eval(x) for x in node.operands)
        diff = left - right
        if not diff.is_scalar or dependencies(self.s, diff.coef) - {"t"}:
            raise NeedCase(key)
        op = node.ops[0]
        with np.errstate(invalid="ignore"):
            truth = {"gt": diff.coef > 0, "lt": diff.coef < 0, "ge": diff.coef >= 0, "le": diff.coef <= 0,
                     "ne": np.abs(diff.coef) > 1e-12, "eq": np.abs(diff.coef) <= 1e-12}.get(op)
        if truth is None:
            raise Unreadable(f"a condition thirdroad cannot decide: {cond.text}", b.line)
        if np.all(truth):
            return True
        if not np.any(truth):
            return False
        raise NeedCase(key)

    # -- values

    def read(self, ref: Ref) -> Poly:
        base = ref.base
        if base == self.p.loop_var and ref.offset is None:
            return self.t_shift if self.t_shift is not None else Poly.scalar(self.s, self.s.t)
        if base in self.bound:
            return self.bound[base]
        if base == self.roles.param or base in self.roles.params:
            if base == self.roles.param and self.param_now is not None and _current(ref, self.state_offset.get(base)):
                return self.param_now
            here = Atom("param") if base == self.roles.param else Atom("other", base)
            return Poly.atom(self.s, here)
        if base in self.roles.grads and base not in self.latest:  # the gradient as it comes in
            return Poly.atom(self.s, Atom("grad"))
        if base in self.states:
            if base in self.state_now and _current(ref, self.state_offset.get(base)):
                return Poly.atom(self.s, Atom("cur", base))
            if ref.offset == INIT:
                return self.initial(base)
            return Poly.atom(self.s, Atom("prev", base))
        if (base, ref.offset) in self.values and self.t_shift is None:
            return self.values[(base, ref.offset)][0]
        if base in self.latest:
            value, node, offset = self.latest[base]
            if value.is_scalar and (ref.offset != offset or self.t_shift is not None):
                return self.shifted(node, ref, offset)
            return value
        if base in self.p.assigned():
            raise Unreadable(f"{base} is read before it is given a value")
        if base in self.roles.grads:
            return Poly.atom(self.s, Atom("grad"))
        if base in self.p.init:  # a constant the box works out before the loop (RAdam's ρ_∞)
            return self.eval(self.p.init[base])
        if base in self.s.names:
            return Poly.scalar(self.s, self.s.values[base])
        raise Unreadable(f"thirdroad does not know what {base} is")

    def initial(self, base: str) -> Poly:
        node = self.p.init.get(base)
        return Poly.scalar(self.s, 0.0) if node is None else self.eval(node)

    def shifted(self, node: Node, ref: Ref, offset: int | None) -> Poly:
        """A schedule (a value of t and the hyperparameters alone) read at another time:
        ``μ_{t+1}`` from the line that defines ``μ_t``, or ``μ_i`` inside a product."""
        now = self.t_shift if self.t_shift is not None else Poly.scalar(self.s, self.s.t)
        delta = (ref.offset or 0) - (offset or 0)
        saved = self.t_shift
        self.t_shift = now + Poly.scalar(self.s, float(delta))
        try:
            return self.eval(node)
        finally:
            self.t_shift = saved

    def eval(self, node: Node) -> Poly:
        s = self.s
        if isinstance(node, Number):
            return Poly.scalar(s, _number(node.value))
        if isinstance(node, Symbol):
            if self.t_shift is not None and node.name in self.bound and not node.sub:
                return self.bound[node.name]
            if node.sub and len(node.sub) == 1 and isinstance(node.sub[0], Symbol) and node.sub[0].name in self.bound:
                return self.read_at_index(node)
            ref = self.p.ref(node)
            if ref is None:
                raise Unreadable(f"cannot read {to_latex(node)}")
            return self.read(ref)
        if isinstance(node, Sum):
            out = Poly(s)
            for term in node.terms:
                out = out + self.eval(term)
            return out
        if isinstance(node, Neg):
            return -self.eval(node.arg)
        if isinstance(node, Product):
            out = Poly.scalar(s, 1.0)
            for f in node.factors:
                out = out * self.eval(f)
            return out
        if isinstance(node, FracNode):
            return self.eval(node.num) / self.eval(node.den)
        if isinstance(node, Power):
            return self.power(node)
        if isinstance(node, Sqrt):
            if node.degree is not None:
                raise Unreadable("a root other than the square root")
            return self.eval(node.arg).sqrt()
        if isinstance(node, Abs):
            return fn("abs", self.eval(node.arg))
        if isinstance(node, Gradient | Derivative):
            return self.gradient(node)
        if isinstance(node, Apply):
            return self.apply(node)
        if isinstance(node, Expectation):
            return self.read(Ref(to_latex(node)))
        if isinstance(node, BigOp):
            return self.bigop(node)
        raise Unreadable(f"thirdroad cannot run a {node.kind} inside an update: {to_latex(node)}")

    def power(self, node: Power) -> Poly:
        base = self.eval(node.base)
        exp = self.eval(node.exp)
        if not exp.is_scalar:
            raise Unreadable(f"an exponent that changes with the data: {to_latex(node)}")
        k = constant(exp.coef)
        if k is not None:
            frac = Fraction(k).limit_denominator(8)
            if abs(float(frac) - k) < 1e-12:
                return base.power(frac)
        if base.is_scalar:
            with np.errstate(all="ignore"):
                return Poly.scalar(self.s, np.power(base.coef, exp.coef))
        raise Unreadable(f"a power thirdroad cannot follow: {to_latex(node)}")

    def gradient(self, node: Gradient | Derivative) -> Poly:
        squared = power_of_gradient(node)
        if squared is not None:
            return self.power(squared)
        point: Node | None = None
        if isinstance(node, Gradient) and isinstance(node.expr, Apply) and node.expr.args:
            point = node.expr.args[0]
        if point is None:
            return Poly.atom(self.s, Atom("grad"))
        at = self.eval(point)
        here = Poly.atom(self.s, Atom("param"))
        if at == here:
            return Poly.atom(self.s, Atom("grad"))
        return Poly.atom(self.s, Atom("grad", "ahead", args=(at,)))

    def apply(self, node: Apply) -> Poly:
        func = node.func
        if isinstance(func, Symbol) and func.name == "index":
            ref = ref_of(node, self.p.loop_var)
            if ref is None:
                raise Unreadable(f"cannot read {to_latex(node)}")
            return self.read(ref)
        name = func.name if isinstance(func, Symbol) else ""
        if name in FUNCTIONS:
            args = [self.eval(a) for a in node.args]
            if FUNCTIONS[name] == "sqrt":
                return args[0].sqrt()
            return fn(FUNCTIONS[name], *args)
        if name in ("operatorname", "mathrm") or not name:
            raise Unreadable(f"an unknown function: {to_latex(node)}")
        raise Unreadable(f"{to_latex(func)} is a function thirdroad cannot run inside an update")

    def read_at_index(self, node: Symbol) -> Poly:
        """``μ_i`` inside ``∏_{i=1}^{t} μ_i``: the schedule μ at step i."""
        base = ref_of(Symbol(node.name, node.font, node.accent), self.p.loop_var)
        assert base is not None
        if base.base not in self.latest:
            raise Unreadable(f"{node.name}_i is read at an index but never defined as a schedule")
        _, defn, offset = self.latest[base.base]
        saved = self.t_shift
        idx = node.sub[0]
        assert isinstance(idx, Symbol)
        self.t_shift = self.bound[idx.name] - Poly.scalar(self.s, float(offset or 0))
        try:
            return self.eval(defn)
        finally:
            self.t_shift = saved

    def bigop(self, node: BigOp) -> Poly:
        """A product or sum over a bound index, of a schedule: computed sample by sample."""
        if node.op not in ("prod", "sum") or not node.indices:
            raise Unreadable(f"thirdroad cannot run {node.op} inside an update")
        (idx,) = node.indices[:1]
        under = node.under
        if not isinstance(under, Relation) or node.over is None:
            raise Unreadable("a product or sum needs its limits written out")
        lo = self.eval(under.operands[1])
        hi = self.eval(node.over)
        if not (lo.is_scalar and hi.is_scalar):
            raise Unreadable("limits that change with the data")
        lo_v, hi_v = np.rint(lo.coef), np.rint(hi.coef)
        acc = np.ones(self.s.size) if node.op == "prod" else np.zeros(self.s.size)
        for i in range(int(lo_v.min()), int(hi_v.max()) + 1):
            self.bound[idx.name] = Poly.scalar(self.s, float(i))
            try:
                term = self.eval(node.body)
            finally:
                del self.bound[idx.name]
            if not term.is_scalar:
                raise Unreadable("a product or sum over something that changes with the data")
            inside = (i >= lo_v) & (i <= hi_v)
            if node.op == "prod":
                acc = np.where(inside, acc * term.coef, acc)
            else:
                acc = np.where(inside, acc + term.coef, acc)
        return Poly.scalar(self.s, acc)


def _about_shape(node: Node | None) -> bool:
    """A condition on the shape of a variable (``dim(G_t) > 1``), not on its values."""
    return node is not None and any(isinstance(n, Apply) and isinstance(n.func, Symbol) and n.func.name in
                                    ("dim", "ndim", "rank") for n in node.walk())


def _switch(node: Relation, loop: str, hypers: tuple[str, ...]) -> str | None:
    """The hyperparameter of a condition ``h ≠ 0`` or ``h > 0``."""
    if node.ops[0] not in ("ne", "gt") or not isinstance(node.operands[1], Number):
        return None
    if float(node.operands[1].value) != 0:
        return None
    ref = ref_of(node.operands[0], loop)
    return ref.base if ref is not None and ref.base in hypers else None


def _current(ref: Ref, assigned_offset: int | None) -> bool:
    return not (ref.offset is not None and assigned_offset is not None and ref.offset == assigned_offset - 1)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        m = re.fullmatch(r"(\d+(?:\.\d*)?)\s*[eE]\s*([-+]?\d+)", text)
        if m:
            return float(m.group(1)) * 10.0 ** int(m.group(2))
        raise Unreadable(f"not a number: {text}") from None


# ---------------------------------------------------------------- every case


@dataclass
class Cases:
    """A block run in one configuration, split by the conditions that depend on the step or
    on the numbers: each entry holds the forced outcomes and the run."""

    runs: list[Derived]
    keys: list[str]  # the conditions that split the runs

    @property
    def main(self) -> Derived:
        return self.runs[0]


def run_cases(program: Program, roles: Roles, states: set[str], config: Config) -> Cases:
    """All runs of a configuration, branching on each undecided condition (true first)."""
    runs: list[Derived] = []
    keys: list[str] = []
    todo = [config]
    while todo:
        c = todo.pop(0)
        try:
            runs.append(run(program, roles, states, c))
        except NeedCase as need:
            if len(keys) > 4 or need.key in dict(c.forced):
                raise Unreadable(f"too many conditions to follow ({need.key})") from None
            if need.key not in keys:
                keys.append(need.key)
            todo[:0] = [c.with_forced(need.key, True), c.with_forced(need.key, False)]
    return Cases(runs, keys)


__all__ = ["Cases", "Config", "Derived", "NeedCase", "Roles", "Unreadable", "find_roles", "find_states", "run",
           "run_cases"]
