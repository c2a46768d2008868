"""What a block's optimizer is made of, as plain data, and the small shapes it is read in.

An optimizer read from a block is a chain of :class:`Link` s, the same agents the engine
builds optimizers from (``thirdroad.nn.optim``), named and with their hyperparameters as
the formula gives them (:class:`Value`: a name, a number written in place, or one minus a
name). ``thirdroad.agents`` turns the chain into a running optimizer; this package only
reads.

The shapes (:func:`recurrence`): a state's update is an exponential moving average
(``a·prev + (1-a)·x``), a trace (``a·prev + x``), a sum (``prev + x``), a scaled trace
(``a·prev + w·x``, Ruder's momentum), or a running maximum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thirdroad.formula.blocks.algebra import ONE, Atom, Coef, Poly, Samples, constant, dependencies, same, unit


@dataclass(frozen=True)
class Value:
    """A hyperparameter as the block gives it. ``role`` is PyTorch's name for it (``lr``,
    ``momentum``, ``betas[0]`` ...); ``symbol`` the block's name; ``number`` a number written in
    place; ``one_minus`` when the block writes the complement (α for 1 - β)."""

    role: str
    symbol: str = ""
    number: float | None = None
    one_minus: bool = False


Param = Value | bool | str | float


@dataclass(frozen=True)
class Link:
    """One agent of the chain: ``kind`` (``trace``, ``scale_by_adam`` ...) and its settings."""

    kind: str
    params: tuple[tuple[str, Param], ...] = ()

    def get(self, name: str, default: Param | None = None) -> Param | None:
        return dict(self.params).get(name, default)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={_show(v)}" for k, v in self.params)
        return f"{self.kind}({inner})"


def _show(v: Param) -> str:
    if isinstance(v, Value):
        if v.number is not None:
            return f"{v.number:g}"
        return ("1-" if v.one_minus else "") + (v.symbol or v.role)
    return repr(v)


@dataclass(frozen=True)
class Difference:
    """How the block differs from the canonical form (PyTorch's), in a learner's words;
    ``source`` names whose convention it is, when it is one."""

    key: str
    says: str
    source: str = ""


@dataclass
class OptimizerMatch:
    """A block named as an optimizer. ``form`` says whose way of writing it this is;
    ``roles`` gives each variable's role in words; ``near_miss`` marks a block that is
    almost the optimizer but computes something else (a missing square)."""

    concept: str
    form: str
    chain: tuple[Link, ...]
    differences: tuple[Difference, ...] = ()
    roles: dict[str, str] = field(default_factory=dict)
    near_miss: bool = False
    line_roles: dict[int, str] = field(default_factory=dict)  # line index -> the role of its value


# ---------------------------------------------------------------- shapes


@dataclass
class Rec:
    """A state's update, read as ``decay·prev + weight·input`` (``input`` with leading
    coefficient 1) or as a running max."""

    kind: str  # ema, trace, sum, scaled, copy, max, other
    poly: Poly
    decay: Coef | None = None
    weight: Coef | None = None
    input: Poly | None = None
    args: tuple[Poly, ...] = ()


def recurrence(s: Samples, name: str, poly: Poly) -> Rec:
    prev = Atom("prev", name)
    if len(poly.terms) == 1:
        ((mono, c),) = poly.terms.items()
        if len(mono) == 1 and mono[0][0].kind in ("max", "min") and mono[0][1] == 1 and np.allclose(c, 1.0):
            return Rec(mono[0][0].kind, poly, args=tuple(mono[0][0].args))
    decay = None
    rest = Poly(s)
    for mono, c in poly.terms.items():
        if mono == unit(prev):
            decay = c
        else:
            rest = rest + Poly(s, {mono: c})
    if _reads_state(rest, prev):
        return Rec("other", poly)
    if decay is None:
        return Rec("copy", poly, input=rest)
    if rest.is_zero_poly:
        return Rec("constant", poly, decay=decay)
    weight, inp = rest.normalized()
    if ONE in inp.terms and len(inp.terms) == 1:
        return Rec("other", poly)
    if same(decay, np.ones_like(decay)):
        kind = "sum"
    elif same(weight, 1.0 - decay):
        kind = "ema"
    elif same(weight, np.ones_like(weight)):
        kind = "trace"
    else:
        kind = "scaled"
    return Rec(kind, poly, decay, weight, inp)


def _reads_state(poly: Poly, prev: Atom) -> bool:
    """Whether ``prev`` appears in ``poly`` other than as the point a gradient is taken at
    (Nesterov's look-ahead ∇J(θ - γv) reads v only to find where to look)."""
    for mono in poly.terms:
        for a, _ in mono:
            if a == prev:
                return True
            if a.kind != "grad" and any(isinstance(arg, Poly) and _reads_state(arg, prev) for arg in a.args):
                return True
    return False


def grad(s: Samples) -> Poly:
    return Poly.atom(s, Atom("grad"))


def param(s: Samples) -> Poly:
    return Poly.atom(s, Atom("param"))


def cur(s: Samples, name: str) -> Poly:
    return Poly.atom(s, Atom("cur", name))


def prev(s: Samples, name: str) -> Poly:
    return Poly.atom(s, Atom("prev", name))


def scalar(s: Samples, c: Coef | float) -> Poly:
    return Poly.scalar(s, c)


def steady(s: Samples, c: Coef) -> bool:
    """A coefficient that does not change with the step count (a constant hyperparameter)."""
    return "t" not in dependencies(s, c) and bool(np.all(np.isfinite(c)))


def value_of(s: Samples, c: Coef, role: str, given: dict[str, float] | None = None) -> Value | None:
    """Name a coefficient: a number written in the block, a hyperparameter, or 1 minus one.
    ``None`` when it is some other expression."""
    if not np.all(np.isfinite(c)):
        return None
    k = constant(c)
    if k is not None:
        return Value(role, number=k)
    for name in s.names:
        if same(c, s.values[name]):
            return Value(role, symbol=name)
    for name in s.names:
        if same(c, 1.0 - s.values[name]):
            return Value(role, symbol=name, one_minus=True)
    return None


def split_scalar(poly: Poly) -> tuple[Coef, Poly] | None:
    """``(k, m)`` for a poly that is one monomial: its coefficient and the monomial alone."""
    if len(poly.terms) != 1:
        return None
    ((mono, c),) = poly.terms.items()
    return c, Poly(poly.s, {mono: poly.s.const(1.0)})


def without(poly: Poly, part: Poly) -> Poly:
    return poly - part


def terms_with(poly: Poly, atom: Atom) -> Poly:
    """The monomials of ``poly`` that contain ``atom``."""
    return Poly(poly.s, {m: c for m, c in poly.terms.items() if any(a == atom for a, _ in m)})


def times_atom(poly: Poly, atom: Atom) -> Coef | None:
    """``c`` when ``poly`` is ``c·atom`` (scalar c), else None."""
    if len(poly.terms) != 1:
        return None
    ((mono, c),) = poly.terms.items()
    return c if mono == unit(atom) else None


__all__ = ["Difference", "Link", "OptimizerMatch", "Rec", "Value", "cur", "grad", "param", "prev", "recurrence",
           "scalar", "split_scalar", "steady", "terms_with", "times_atom", "value_of"]


@dataclass
class Over:
    """A step divided by a root: ``kind`` says where ε sits (``outside``: √x + ε,
    ``inside``: √(x + ε), ``none``); ``q`` is the ε as it sits; ``rest`` the step with the
    division undone."""

    kind: str
    q: Coef
    rest: Poly


def over_root(step: Poly, x: Poly) -> Over | None:
    """Read ``step`` as ``rest / (√x + q)``, ``rest / √(x + q)`` or ``rest / √x``."""
    s = step.s
    if len(step.terms) != 1:
        return None
    ((mono, c),) = step.terms.items()
    root_x = x.sqrt()
    for i, (atom, e) in enumerate(mono):
        if e != -1 or atom.kind not in ("paren", "root"):
            continue
        rest = Poly(s, {mono[:i] + mono[i + 1 :]: c})
        inner: Poly = atom.args[0]
        diff = inner - (root_x if atom.kind == "paren" else x)
        if diff.is_scalar:
            q = diff.coef
            kind = "outside" if atom.kind == "paren" else "inside"
            if not np.any(q):
                kind = "none"
            return Over(kind, q, rest)
    rest = step * root_x
    if not any(a in rest.atoms() for a in x.atoms()):
        return Over("none", s.const(0.0), rest)
    return None


@dataclass
class Found:
    """What a rule found: the concept, whose form, the chain, the learning rate's
    coefficient (to read a decoupled weight decay against), the differences, each state's
    role, and the values intermediate lines should hold (``pieces``: poly and its words)."""

    concept: str
    form: str
    chain: list[Link]
    lr: Coef | None = None
    differences: list[Difference] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    pieces: list[tuple[Poly, str]] = field(default_factory=list)
    near_miss: bool = False


def lr_link(lr: Value) -> Link:
    return Link("scale_by_learning_rate", (("lr", lr),))


def positive(c: Coef) -> bool:
    return bool(np.all(c > 0))
