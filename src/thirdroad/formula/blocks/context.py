"""What every optimizer rule looks at: the block run symbolically, its states' shapes, and
the weight decay taken out (so a rule sees the optimizer itself).

Weight decay comes two ways. Coupled (an L2 penalty): the gradient becomes ``g + λθ``
before anything else sees it; taking it out means reading ``g`` for ``g + λθ``
everywhere. Decoupled (AdamW): the step gets ``-lr·λ·θ`` added at the end; taking it out
means dropping that term from the step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from thirdroad.formula.ast import Fraction as FracNode
from thirdroad.formula.ast import Neg, Node, Number, Power, Product, Sum
from thirdroad.formula.blocks.algebra import Atom, Coef, Mono, Poly, Samples, unit
from thirdroad.formula.blocks.derive import Cases, Derived, Roles
from thirdroad.formula.blocks.flow import Program
from thirdroad.formula.blocks.patterns import Rec, grad, param, recurrence, terms_with


@dataclass
class Ctx:
    program: Program
    roles: Roles
    cases: Cases
    first: Derived | None  # the block run at t = 1, where it treats the first step apart
    s: Samples = field(init=False)
    states: dict[str, Poly] = field(init=False)
    step: Poly = field(init=False)
    recs: dict[str, Rec] = field(init=False)
    coupled: Coef | None = field(init=False, default=None)  # L2: the gradient is g + c·θ
    decoupled: Coef | None = field(init=False, default=None)  # the step has -c·θ added
    given: dict[str, float] = field(init=False)
    maximize: bool = field(init=False, default=False)  # a box's maximize switch: the gradient's sign flipped

    def __post_init__(self) -> None:
        d = self.cases.main
        self.s = d.samples
        self.given = {k: v for k, v in ((k, numeric_value(n)) for k, n in self.program.given.items()) if v is not None}
        self.states, self.step = dict(d.states), d.step
        if d.config.flag("maximize"):
            back = {Atom("grad"): -grad(self.s)}
            self.states = {k: v.subst(back) for k, v in self.states.items()}
            self.step, self.maximize = self.step.subst(back), True
        self._take_out_decay()
        self.recs = {name: recurrence(self.s, name, poly) for name, poly in self.states.items()}

    def _take_out_decay(self) -> None:
        s = self.s
        p_atom = Atom("param")
        c = _coupled_coefficient(self.states)
        if c is not None:
            back = {Atom("grad"): grad(s) - param(s).scale(c)}
            states = {k: v.subst(back) for k, v in self.states.items()}
            step = self.step.subst(back)
            if not any(v.mentions("param") for v in states.values()):
                self.states, self.step, self.coupled = states, step, c
        pterm = terms_with(self.step, p_atom)
        if not pterm.is_zero_poly and len(pterm.terms) == 1:
            ((mono, coef),) = pterm.terms.items()
            if mono == unit(p_atom):
                self.decoupled = -coef
                self.step = self.step - pterm

    def rec(self, name: str) -> Rec:
        return self.recs[name]

    def others(self) -> list[str]:
        """The states other than the parameter, in the order the block first assigns them."""
        order = [a.target.base for a in self.program.assignments()]
        return sorted(self.states, key=lambda n: order.index(n) if n in order else 99)

    def steps(self) -> list[Derived]:
        return self.cases.runs

    def has_first_step(self) -> bool:
        return self.first is not None


def _coupled_coefficient(states: dict[str, Poly]) -> Coef | None:
    """``c`` where a state's update sees ``g + c·θ`` in place of the gradient."""
    g_mono = unit(Atom("grad"))
    p_mono = unit(Atom("param"))
    for poly in states.values():
        if p_mono in poly.terms and g_mono in poly.terms:
            with np.errstate(all="ignore"):
                c: Coef = poly.terms[p_mono] / poly.terms[g_mono]
            return c
        g2: Mono = ((Atom("grad"), Fraction(2)),)
        gp = {(Atom("grad"), Fraction(1)), (Atom("param"), Fraction(1))}
        if g2 in poly.terms and any(set(m) == gp for m in poly.terms):
            key = next(m for m in poly.terms if set(m) == gp)
            with np.errstate(all="ignore"):
                c2: Coef = poly.terms[key] / (2 * poly.terms[g2])
            return c2
    return None


def numeric_value(node: Node) -> float | None:
    """The number a node of numbers stands for (``10^{-8}``, ``1/2``, ``-0.5``)."""
    try:
        return _num(node)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


def _num(node: Node) -> float:
    if isinstance(node, Number):
        return float(node.value)
    if isinstance(node, Neg):
        return -_num(node.arg)
    if isinstance(node, Sum):
        return sum(_num(t) for t in node.terms)
    if isinstance(node, Product):
        out = 1.0
        for f in node.factors:
            out *= _num(f)
        return out
    if isinstance(node, FracNode):
        return _num(node.num) / _num(node.den)
    if isinstance(node, Power):
        return float(_num(node.base) ** _num(node.exp))
    raise ValueError(node.kind)


__all__ = ["Ctx", "numeric_value"]
