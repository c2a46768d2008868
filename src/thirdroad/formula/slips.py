"""The slips a formula is checked for: small edits that undo a typical mistake.

Each kind proposes edits of a (canonical) tree, each with what it changes in words; the near-miss
check (``nearmiss.named``) keeps an edit only where it turns a formula that its own name says
is a concept, but that the numbers say is not, into that concept. The kinds:

================  ==========================================================
kind              the edit (the slip it undoes)
================  ==========================================================
lost_exp          a term becomes its exponential
lost_sqrt         a divisor, or a term of one, becomes its square root
lost_square       a name or a difference becomes its square
missing_eps       a small ε joins a divisor, or the inside of a root
swapped_beta      the two weights β and 1 - β of a moving average change places
flipped_sign      one term, an exponent, or the whole changes sign
wrong_normaliser  a divisor becomes the sum of itself over an index; 1 - β becomes 1 - β^t
================  ==========================================================
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from thirdroad.formula.ast import BigOp, Fraction, Neg, Node, Number, Power, Product, Sqrt, Sum, Symbol
from thirdroad.formula.match import replace_at, size
from thirdroad.formula.normal_form import canon
from thirdroad.formula.unicode import to_unicode

Edit = tuple[Node, str]
_E = Symbol("e")
_EPS = Symbol("epsilon")
_MOST = 24  # edits of one kind tried on one formula


def _said(node: Node) -> str:
    text = to_unicode(node)
    return text if len(text) <= 24 else "a term"


def _small(node: Node) -> bool:
    return isinstance(node, Symbol | Neg | Product | Fraction | Sum) and size(node) <= 4


def _parts(root: Node) -> list[Node]:
    """The sub-trees an edit may change (the root too), bounded."""
    return [n for n in root.walk() if not isinstance(n, Number)][:200]


def lost_exp(root: Node) -> Iterator[Edit]:
    for n in _parts(root):
        if _small(n) and not (isinstance(n, Power) and n.base == _E):
            yield replace_at(root, n, Power(_E, n)), f"{_said(n)} lost its exp"


def lost_sqrt(root: Node) -> Iterator[Edit]:
    for n in _parts(root):
        if isinstance(n, Fraction):
            yield replace_at(root, n, Fraction(n.num, Sqrt(n.den))), \
                f"it divides by {_said(n.den)} itself, not by its square root"
            if isinstance(n.den, Sum):
                for t in n.den.terms:
                    fixed = Fraction(n.num, replace_at(n.den, t, Sqrt(t)))
                    yield replace_at(root, n, fixed), f"it divides by {_said(t)}, not by its square root"


def lost_square(root: Node) -> Iterator[Edit]:
    for n in _parts(root):
        if isinstance(n, Symbol) or (isinstance(n, Sum) and size(n) <= 3):
            yield replace_at(root, n, Power(n, Number("2"))), f"{_said(n)} is not squared"


def missing_eps(root: Node) -> Iterator[Edit]:
    for n in _parts(root):
        if isinstance(n, Fraction):
            yield replace_at(root, n, Fraction(n.num, Sum((n.den, _EPS)))), \
                "nothing keeps the divisor away from zero: the ε is missing"
        if isinstance(n, Sqrt):
            yield replace_at(root, n, Sqrt(Sum((n.arg, _EPS)), n.degree)), \
                "nothing keeps the root away from zero: the ε is missing"


def swapped_beta(root: Node) -> Iterator[Edit]:
    for n in _parts(root):
        if isinstance(n, Sum) and len(n.terms) == 2:
            pair = [_weight(t) for t in n.terms]
            if pair[0] is not None and pair[1] is not None:
                (a, x), (b, y) = pair[0], pair[1]
                swapped = Sum((Product((b, x)), Product((a, y))))
                yield replace_at(root, n, canon(swapped)), \
                    f"the weights {_said(a)} and {_said(b)} are swapped"


def _weight(term: Node) -> tuple[Node, Node] | None:
    if isinstance(term, Product) and len(term.factors) == 2 and not term.op:
        return term.factors[0], term.factors[1]
    return None


def flipped_sign(root: Node) -> Iterator[Edit]:
    yield (root.arg if isinstance(root, Neg) else Neg(root)), "the sign of the whole is flipped"
    for n in _parts(root):
        if isinstance(n, Sum):
            for t in n.terms[1:]:
                flipped = t.arg if isinstance(t, Neg) else Neg(t)
                yield replace_at(root, n, Sum(tuple(flipped if s is t else s for s in n.terms))), \
                    f"the sign of {_said(t)} is flipped"
        if isinstance(n, Power) and n.base == _E:
            exp = n.exp.arg if isinstance(n.exp, Neg) else Neg(n.exp)
            yield replace_at(root, n, Power(_E, exp)), f"the sign of the exponent {_said(n.exp)} is flipped"


def wrong_normaliser(root: Node) -> Iterator[Edit]:
    letters = {s for n in root.walk() if isinstance(n, Symbol) for s in n.sub
               if isinstance(s, Symbol) and len(s.name) == 1 and s.name.islower()}
    for n in _parts(root):
        if isinstance(n, Fraction) and not isinstance(n.den, BigOp):
            for letter in sorted(letters, key=lambda s: s.name):
                if any(s == letter for m in n.den.walk() if isinstance(m, Symbol) for s in m.sub):
                    yield replace_at(root, n, Fraction(n.num, BigOp("sum", n.den, letter, None))), \
                        f"the divisor is {_said(n.den)} itself, not its sum over {letter.name}"
        if isinstance(n, Sum) and len(n.terms) == 2 and Number("1") in n.terms:
            other = next(t for t in n.terms if t != Number("1"))
            if isinstance(other, Neg) and isinstance(other.arg, Symbol):
                step = Symbol("t")
                fixed = Sum((Number("1"), Neg(Power(other.arg, step))))
                yield replace_at(root, n, fixed), \
                    f"the bias correction divides by 1 - {_said(other.arg)}, without the power t"


KINDS: dict[str, Callable[[Node], Iterator[Edit]]] = {
    "lost_exp": lost_exp,
    "lost_sqrt": lost_sqrt,
    "lost_square": lost_square,
    "missing_eps": missing_eps,
    "swapped_beta": swapped_beta,
    "flipped_sign": flipped_sign,
    "wrong_normaliser": wrong_normaliser,
}


def edits(root: Node) -> Iterator[tuple[str, Node, str]]:
    """Every kind's edits of ``root``, at most ``_MOST`` of each: (kind, edited tree, words)."""
    for kind, make in KINDS.items():
        for edited, words in itertools.islice(make(root), _MOST):
            yield kind, edited, words


__all__ = ["KINDS", "edits"]
