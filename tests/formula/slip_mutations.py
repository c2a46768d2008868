"""A second slip set, made on trees: correct formulas with one slip put in.

The real-text slip set (``tests/data/realtext/slips.toml``) is made by editing corpus LaTeX
with regular expressions; this one is made from other formulas (every catalog template and the
labelled formulas of ``tests/data/recognition``) by changing their parsed trees, so a near-miss
check tuned to the first set's strings would show it here. Each kind of slip of the catalog
(``NEAR_MISS_KINDS``) has a mutation, the opposite of the repair the check makes:

``lost_exp``          an ``exp`` (``e^u``) becomes ``u``
``lost_sqrt``         ``√u`` becomes ``u``
``lost_square``       ``u²`` becomes ``u``
``swapped_beta``      ``β a + (1 - β) b`` becomes ``(1 - β) a + β b``
``flipped_sign``      a term after the first changes sign, an exponent changes sign, or the
                      whole side loses its minus
``wrong_normaliser``  a sum in a denominator loses its ``Σ``, ``β^t`` loses its power, ``1/n``
                      in front of a sum goes
``wrong_weights``     ``1 - β`` becomes ``1 + β``
``missing_eps``       an ``ε`` added to something goes

A formula is mutated only for the kinds its concept's catalog entry is checked for. A mutation
that leaves a tree equal to the original, or gives the same text twice, is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Fraction,
    Neg,
    Node,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Sum,
    Symbol,
    Update,
    paths,
)
from thirdroad.formula.latex import to_latex
from thirdroad.formula.nearmiss.repairs import replace_path

E = Symbol("e")
EPS = frozenset({"epsilon", "varepsilon", "eps"})


@dataclass(frozen=True)
class Mutant:
    """A formula with one slip: ``text`` (LaTeX), the ``concept`` it was and the slip's ``kind``."""

    source: str
    concept: str
    kind: str
    text: str


def _value_paths(root: Node) -> Iterator[tuple[str, Node]]:
    """Nodes of the statement's value (the right-hand side, the new value of an update)."""
    if isinstance(root, Relation) and len(root.operands) == 2:
        for p, n in paths(root.operands[1]):
            yield "0.1" + p[1:], n
    elif isinstance(root, Update):
        for p, n in paths(root.value):
            yield "0.1" + p[1:], n
    else:
        yield from paths(root)


def _lost_exp(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Power) and n.base == E:
        yield p, n.exp
    if isinstance(n, Apply) and isinstance(n.func, Symbol) and n.func.name == "exp" and len(n.args) == 1:
        yield p, n.args[0]


def _lost_sqrt(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Sqrt) and n.degree is None:
        yield p, n.arg


def _lost_square(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Power) and n.exp == Number("2"):
        yield p, n.base


def _one_minus(n: Node) -> Node | None:
    if isinstance(n, Sum) and len(n.terms) == 2 and n.terms[0] == Number("1") and isinstance(n.terms[1], Neg):
        return n.terms[1].arg
    return None


def _swapped_beta(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Sum) and len(n.terms) == 2 and all(isinstance(t, Product) and len(t.factors) == 2
                                                         for t in n.terms):
        a, b = (t.factors[0] for t in n.terms)  # type: ignore[attr-defined]
        if _one_minus(a) == b or _one_minus(b) == a:
            t0, t1 = n.terms
            assert isinstance(t0, Product) and isinstance(t1, Product)
            yield p, Sum((Product((b, t0.factors[1]), t0.op), Product((a, t1.factors[1]), t1.op)))


def _flipped_sign(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Sum):
        for k, t in enumerate(n.terms[1:], start=1):
            terms = list(n.terms)
            terms[k] = t.arg if isinstance(t, Neg) else Neg(t)
            yield p, Sum(tuple(terms))
    if isinstance(n, Power) and n.base == E:
        yield p, Power(E, n.exp.arg if isinstance(n.exp, Neg) else Neg(n.exp))
    if isinstance(n, Apply) and isinstance(n.func, Symbol) and n.func.name == "exp" and len(n.args) == 1:
        arg = n.args[0]
        yield p, Apply(n.func, (arg.arg if isinstance(arg, Neg) else Neg(arg),))
    if p.count(".") <= 1 and isinstance(n, Neg):
        yield p, n.arg


def _wrong_normaliser(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Fraction) and isinstance(n.den, BigOp) and n.den.op == "sum":
        yield p, Fraction(n.num, n.den.body)
    if isinstance(n, Power) and isinstance(n.base, Symbol) and n.exp == Symbol("t"):
        yield p, n.base
    if isinstance(n, Product) and len(n.factors) == 2 and isinstance(n.factors[0], Fraction) \
            and n.factors[0].num == Number("1") and isinstance(n.factors[1], BigOp):
        yield p, n.factors[1]


def _wrong_weights(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    beta = _one_minus(n)
    if beta is not None and not isinstance(beta, Number):
        yield p, Sum((Number("1"), beta))


def _missing_eps(p: str, n: Node) -> Iterator[tuple[str, Node]]:
    if isinstance(n, Sum) and len(n.terms) >= 2:
        rest = tuple(t for t in n.terms if not (isinstance(t, Symbol) and t.name in EPS))
        if rest and len(rest) < len(n.terms):
            yield p, rest[0] if len(rest) == 1 else Sum(rest)


MUTATIONS: dict[str, Callable[[str, Node], Iterator[tuple[str, Node]]]] = {
    "lost_exp": _lost_exp,
    "lost_sqrt": _lost_sqrt,
    "lost_square": _lost_square,
    "swapped_beta": _swapped_beta,
    "flipped_sign": _flipped_sign,
    "wrong_normaliser": _wrong_normaliser,
    "wrong_weights": _wrong_weights,
    "missing_eps": _missing_eps,
}


def mutants(root: Node, concept: str, kinds: tuple[str, ...], source: str) -> Iterator[Mutant]:
    """Every one-slip variant of a parsed formula, for the given kinds."""


    seen: set[str] = set()
    nodes = list(_value_paths(root))
    for kind in kinds:
        for path, node in nodes:
            for where, new in MUTATIONS[kind](path, node):
                mutated = replace_path(root, where, new)
                text = to_latex(mutated)
                if mutated == root or text in seen:
                    continue
                seen.add(text)
                yield Mutant(source, concept, kind, text)
