"""The repairs: each kind of slip undone, wherever in a tree it could have happened.

A slip is one small change to a correct formula: an ``exp`` lost, a square root lost, a square
lost, β and 1 − β changed places, one sign flipped, a normaliser that is not the sum or count it
should be, an ε lost. Each function below proposes the opposite change at every place of a tree
where the slip could have been made, by the shape of the tree alone (a term of a sum, the body
of a sum, a denominator ...). Whether a repair is right is decided elsewhere
(:mod:`.search`): only where the repaired formula is a concept that the written one is not, and
the two give different numbers.

A repair is a path (as :func:`thirdroad.formula.ast.paths` numbers the nodes), the sub-tree that
goes there, and what differs, in a learner's words, about the formula as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Derivative,
    Fraction,
    Gradient,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Sum,
    Symbol,
    map_children,
    paths,
)
from thirdroad.formula.unicode import to_unicode
from thirdroad.formula.words import to_words

E = Symbol("e")
ONE = Number("1")
EPSILON = Symbol("epsilon")
_EPS_NAMES = frozenset({"epsilon", "varepsilon", "eps", "delta"})


@dataclass(frozen=True)
class Repair:
    """Put ``new`` at ``path``: the formula as it was probably meant. ``kind`` is the slip undone."""

    kind: str
    path: str
    new: Node
    what: str
    scope: str = ""  # the lowest node that may be a concept after the repair ("" for path)

    @property
    def lowest(self) -> str:
        return self.scope or self.path


# --------------------------------------------------------------------------------------------
# small helpers


def said(node: Node) -> str:
    """A small part of the formula as it is written, in one line of Unicode; in words where it
    has no such spelling."""
    text = to_unicode(node)
    return text if "\\" not in text else to_words(node)


def is_exp(node: Node) -> bool:
    return exp_arg(node) is not None


def exp_arg(node: Node) -> Node | None:
    """What ``e`` is raised to in ``e^x``, ``exp(x)`` or the parser's ``e`` with a superscript
    (``e^{(wᵀx + b)}``), else None."""
    if isinstance(node, Power) and node.base == E:
        return node.exp
    if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name == "exp" and node.args:
        return node.args[0]
    if isinstance(node, Symbol) and node.name == "e" and node.sup is not None and not node.sub and not node.font:
        return node.sup
    return None


def is_eps(node: Node) -> bool:
    return isinstance(node, Symbol) and node.name in _EPS_NAMES


def has_eps(node: Node) -> bool:
    return any(is_eps(n) for n in node.walk())


def constant(node: Node) -> bool:
    """No name in it: a number, 2π, a sum of numbers."""
    return not any(isinstance(n, Symbol) and n.name not in ("pi", "e") for n in node.walk())


def replace_path(root: Node, path: str, new: Node) -> Node:
    """``root`` with the node at ``path`` replaced by ``new`` (spans kept elsewhere)."""
    steps = [int(p) for p in path.split(".")[1:]]

    def go(node: Node, depth: int) -> Node:
        if depth == len(steps):
            return new
        counter = itertools.count()
        return map_children(node, lambda child: go(child, depth + 1) if next(counter) == steps[depth] else child)

    return go(root, 0)


def parent_path(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path else ""


def one_minus(node: Node) -> Node | None:
    """``a`` for a node written ``1 - a``, else None."""
    if isinstance(node, Sum) and len(node.terms) == 2 and node.terms[0] == ONE and isinstance(node.terms[1], Neg):
        return node.terms[1].arg
    return None


def weighted(term: Node) -> tuple[Node, Node, int] | None:
    """(weight, value, where the weight sits among the factors) of a term ``w x``."""
    if isinstance(term, Product) and len(term.factors) == 2:
        return term.factors[0], term.factors[1], 0
    return None


def _reweigh(term: Node, weight: Node, where: int = 0) -> Node:
    assert isinstance(term, Product)
    factors = list(term.factors)
    factors[where] = weight
    return Product(tuple(factors), term.op)


def _index_names(node: Node) -> set[str]:
    out: set[str] = set()
    for n in node.walk():
        if isinstance(n, Symbol):
            out.update(s.name for s in n.sub if isinstance(s, Symbol) and len(s.name) == 1)
    return out


@dataclass(frozen=True)
class Place:
    """A node of the tree being repaired: its path, its parent, the root's path, whether it
    sits in a denominator (as the denominator, or as a term of one) and whether the root is
    the new value of an update."""

    path: str
    node: Node
    parent: Node | None
    root: str
    in_den: bool
    update: bool = False  # the root is the value of an update (θ ← θ − η g)
    squared: bool = False  # the root is what a square is said to be (σ² = ..., ‖A‖² = ...)


Site = Callable[[Place], Iterator[Repair]]


# --------------------------------------------------------------------------------------------
# the kinds


def _slot(node: Node, parent: Node | None) -> str:
    """Where ``node`` sits: ``term``, ``body``, ``num``, ``den``, ``factor``, ``arg`` or ``""``."""
    if isinstance(parent, Sum):
        return "term"
    if isinstance(parent, BigOp) and node is parent.body:
        return "body"
    if isinstance(parent, Fraction):
        return "num" if node is parent.num else "den"
    if isinstance(parent, Product):
        return "factor"
    if isinstance(parent, Apply) and node is not parent.func:
        return "arg"
    if isinstance(parent, Sqrt | Abs | Norm):
        return "arg"
    return ""


def lost_exp(at: Place) -> Iterator[Repair]:
    path, node, parent = at.path, at.node, at.parent
    if constant(node) or any(is_exp(n) for n in node.walk()) or isinstance(parent, Symbol):
        return  # an exp that was lost leaves no exp behind where it stood
    if _slot(node, parent) == "" and path != at.root:
        return
    if isinstance(parent, Apply) and not (isinstance(parent.func, Symbol) and parent.func.name in ("log", "ln")):
        return
    inner = said(node)
    what = (f"the sum adds up {inner} themselves, not their exponentials"
            if isinstance(parent, BigOp) and parent.op == "sum" else f"it has {inner} where exp({inner}) belongs")
    yield Repair("lost_exp", path, Power(E, node), what)


def lost_sqrt(at: Place) -> Iterator[Repair]:
    path, node, parent = at.path, at.node, at.parent
    if isinstance(node, Sqrt | Number) or is_eps(node) or constant(node) or isinstance(parent, Sqrt | Power | Symbol):
        return
    slot = _slot(node, parent)
    if at.in_den and slot in ("den", "term"):
        yield Repair("lost_sqrt", path, Sqrt(node), f"it divides by {said(node)} itself, not by its square root")
    elif slot == "num" and isinstance(parent, Fraction) and isinstance(parent.den, Sqrt):
        # the ratio of two roots (Adadelta's step) that lost the upper one
        yield Repair("lost_sqrt", path, Sqrt(node), f"it has {said(node)} where its square root belongs")
    elif (path == at.root and not at.squared) or (slot == "factor" and isinstance(node, Fraction | Sum)):
        # a ratio or a sum whose root was taken (a fan-in, a variance), not any factor
        yield Repair("lost_sqrt", path, Sqrt(node), f"it has {said(node)} where its square root belongs")


def lost_square(at: Place) -> Iterator[Repair]:
    path, node, parent = at.path, at.node, at.parent
    if constant(node) or is_eps(node) or isinstance(parent, Power | Symbol):
        return
    if _slot(node, parent) not in ("term", "body", "factor", "num", "arg"):
        return
    difference = isinstance(node, Sum) and any(isinstance(t, Neg) for t in node.terms)
    if not (isinstance(node, Symbol | Abs | Norm | Gradient | Derivative) or difference):
        return
    if isinstance(node, Symbol) and not node.sub and node.name not in ("g", "x", "y", "r", "e", "u", "v"):
        return  # a plain Greek letter is a setting, not a value to square
    if any(isinstance(n, Power) and n.exp == Number("2") for n in node.walk()):
        return  # a square that was lost leaves no square where it stood
    yield Repair("lost_square", path, Power(node, Number("2")), f"it uses {said(node)} where its square belongs")


def swapped_beta(at: Place) -> Iterator[Repair]:
    """``(1 − β) v + β g`` with the weights in front or behind (PyTorch's ``v ρ + g² (1 − ρ)``)."""
    path, node = at.path, at.node
    if not (isinstance(node, Sum) and len(node.terms) == 2):
        return
    first, second = node.terms
    if not (isinstance(first, Product) and isinstance(second, Product)
            and len(first.factors) == 2 and len(second.factors) == 2):
        return
    for i, j in ((0, 0), (1, 1), (0, 1), (1, 0)):
        a, b = first.factors[i], second.factors[j]
        if one_minus(a) == b or one_minus(b) == a:
            fixed = Sum((_reweigh(first, b, i), _reweigh(second, a, j)))
            plain = b if one_minus(a) == b else a
            yield Repair("swapped_beta", path, fixed,
                         f"the weights {said(plain)} and 1 − {said(plain)} have changed places")
            return


def flipped_sign(at: Place) -> Iterator[Repair]:
    path, node = at.path, at.node
    if isinstance(node, Sum):
        for k, term in enumerate(node.terms):
            if k == 0 or constant(term):
                continue
            flipped = term.arg if isinstance(term, Neg) else Neg(term)
            verb = "adds" if not isinstance(term, Neg) else "subtracts"
            where = "the update goes the other way" if at.update and path == at.root else \
                f"it should {'subtract' if verb == 'adds' else 'add'} it"
            yield Repair("flipped_sign", f"{path}.{k}", flipped,
                         f"it {verb} {said(flipped if isinstance(term, Neg) else term)} where {where}",
                         scope=path)  # the sign of a term counts in its sum
    arg = exp_arg(node)
    if arg is not None:
        flipped = arg.arg if isinstance(arg, Neg) else Neg(arg)
        what = f"the exponent {said(arg)} has the wrong sign"
        if isinstance(node, Symbol):  # e with a superscript: the whole power is rebuilt
            yield Repair("flipped_sign", path, Power(E, flipped), what)
        else:
            yield Repair("flipped_sign", f"{path}.1", flipped, what)
    if path == at.root and not constant(node):
        if isinstance(node, Neg):
            yield Repair("flipped_sign", path, node.arg, "it has a minus sign too many in front")
        else:
            yield Repair("flipped_sign", path, Neg(node), "it lost the minus sign in front")


def wrong_normaliser(at: Place) -> Iterator[Repair]:
    path, node, parent = at.path, at.node, at.parent
    if isinstance(node, Fraction):
        yield from _lone_exponential(path, node)
        yield from _weights_total(path, node)
    correction = one_minus(node)
    if isinstance(correction, Symbol) and correction.sup is None and _slot(node, parent) == "den":
        powered = Sum((ONE, Neg(Power(correction, Symbol("t")))))
        yield Repair("wrong_normaliser", path, powered,
                     f"the bias correction divides by 1 − {said(correction)}, not by 1 − {said(correction)}^t")
    if isinstance(node, BigOp) and node.op == "sum" and not isinstance(parent, Fraction | BigOp):
        count = _count(node)
        if count is not None:
            fixed = Product((Fraction(ONE, count), node))
            yield Repair("wrong_normaliser", path, fixed,
                         f"the sum is not divided by the number of its terms, {said(count)}")


def _lone_exponential(path: str, node: Fraction) -> Iterator[Repair]:
    """``exp(x_i) / exp(x_j)``: the denominator is one exponential, not the sum of all of them."""
    if not (is_exp(node.num) and is_exp(node.den)):
        return
    free = sorted(_index_names(node.den) - _index_names(node.num))
    if not free:
        return
    fixed = BigOp("sum", node.den, Symbol(free[0]), None)
    yield Repair("wrong_normaliser", f"{path}.1", fixed,
                 f"the denominator is one exponential, not the sum of them over {free[0]}")


def _weights_total(path: str, node: Fraction) -> Iterator[Repair]:
    """``Σ a_i x_i / D`` with D not the sum of the weights."""
    top = node.num
    if not (isinstance(top, BigOp) and top.op == "sum" and isinstance(top.body, Product)
            and len(top.body.factors) == 2):
        return
    for weight in top.body.factors:
        fixed = BigOp("sum", weight, top.under, top.over)
        if fixed != node.den and isinstance(weight, Symbol) and not constant(weight):
            yield Repair("wrong_normaliser", f"{path}.1", fixed, "the weights are not divided by their own sum")


def _count(node: BigOp) -> Node | None:
    """How many terms a sum has, from its limits: ``n`` for i = 1 … n, ``k`` for m = 0 … k − 1,
    the product of the counts for sums written one inside the other."""
    if not (isinstance(node.under, Relation) and node.over is not None and len(node.under.operands) == 2):
        return None
    low, high = node.under.operands[1], node.over
    if low == ONE:
        count: Node = high
    elif low == Number("0") and isinstance(high, Sum) and len(high.terms) == 2 and high.terms[1] == Neg(ONE):
        count = high.terms[0]
    else:
        return None
    if constant(count):
        return None
    if isinstance(node.body, BigOp) and node.body.op == "sum":
        inner = _count(node.body)
        return Product((count, inner)) if inner is not None else None
    return count


def wrong_weights(at: Place) -> Iterator[Repair]:
    """``a v + b x`` where b is a botched ``1 - a``: ``β v + β g``, ``β v + (1 + β) g``."""
    path, node = at.path, at.node
    if not (isinstance(node, Sum) and len(node.terms) == 2):
        return
    pairs = [weighted(t) for t in node.terms]
    if pairs[0] is None or pairs[1] is None:
        return
    (a, _, _), (b, _, _) = pairs[0], pairs[1]
    if botched_complement(a, b):
        fixed = Sum((node.terms[0], _reweigh(node.terms[1], Sum((ONE, Neg(a))))))
        yield Repair("wrong_weights", path, fixed, "the two weights do not add up to one")


def botched_complement(a: Node, b: Node) -> bool:
    """Whether ``b`` looks like a mistaken ``1 - a``: a + b ≠ 1 for numbers, ``a`` itself,
    ``1 + a`` or ``a - 1``."""
    if isinstance(a, Number) and isinstance(b, Number):
        try:
            return abs(float(a.value) + float(b.value) - 1) > 1e-9
        except ValueError:
            return False
    if isinstance(b, Sum) and (ONE in b.terms or Neg(ONE) in b.terms):
        return b != Sum((ONE, Neg(a))) and any(n == a for n in b.walk())
    return b == a and not constant(a)


def missing_eps(at: Place) -> Iterator[Repair]:
    path, node, parent = at.path, at.node, at.parent
    if has_eps(node) or constant(node):
        return
    slot = _slot(node, parent)
    what = "the denominator has no ε to keep it away from zero"
    if slot == "den":
        if isinstance(node, Sqrt):
            yield Repair("missing_eps", path, Sqrt(Sum((node.arg, EPSILON))), what)
        yield Repair("missing_eps", path, Sum((node, EPSILON)), what)
    elif isinstance(node, Sqrt) and not (isinstance(parent, Sum) and any(has_eps(t) for t in parent.terms)):
        yield Repair("missing_eps", path, Sqrt(Sum((node.arg, EPSILON))), "the root has no ε to keep it away from zero")


# Each kind of slip and the function that proposes its repairs.
KINDS: Mapping[str, Site] = {
    "lost_exp": lost_exp,
    "lost_sqrt": lost_sqrt,
    "lost_square": lost_square,
    "swapped_beta": swapped_beta,
    "flipped_sign": flipped_sign,
    "wrong_normaliser": wrong_normaliser,
    "wrong_weights": wrong_weights,
    "missing_eps": missing_eps,
}


def repairs(root: Node, kinds: frozenset[str] | None = None, base: str = "0", update: bool = False,
            squared: bool = False) -> Iterator[Repair]:
    """Every repair of the given kinds (all by default) anywhere in ``root``, whose path is
    ``base``; the paths of the repairs start with ``base``. ``update``: ``root`` is the new value
    of an update; ``squared``: the left-hand side says ``root`` is a square (σ² = ...)."""
    nodes = {base + p[1:]: n for p, n in paths(root)}
    dens = {p + ".1" for p, n in nodes.items() if isinstance(n, Fraction)}
    places = []
    for path, node in nodes.items():
        up = parent_path(path)
        parent = nodes.get(up) if path != base else None
        in_den = path in dens or (isinstance(parent, Sum) and up in dens)
        places.append(Place(path, node, parent, base, in_den, update, squared))
    for kind, site in KINDS.items():
        if kinds is None or kind in kinds:
            for place in places:
                yield from site(place)


__all__ = ["EPSILON", "KINDS", "Repair", "botched_complement", "constant", "is_exp", "one_minus", "repairs",
           "replace_path", "said", "weighted"]
