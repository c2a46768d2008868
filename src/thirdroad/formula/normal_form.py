"""The canonical form: one tree for notations that mean the same thing.

Matching compares a formula with the catalog's templates after both are brought to this form:

- ``\\exp(x)`` is ``e^{x}``; ``\\ln`` is ``\\log``; fonts are dropped (``\\mathbf{x}`` is ``x``);
- ``a/b``, ``\\frac{a}{b}``, ``a b^{-1}`` and ``\\frac{1}{b} a`` are one fraction; a fraction
  of fractions is one fraction; ``0.5 x`` is ``x/2``; ``x^{1/2}`` is ``\\sqrt{x}``;
- nested sums and products are flattened (associativity), minus signs move to the front of a
  product or fraction, ``--x`` is ``x``;
- the limits of ``\\sum_{j=1}^{K}`` are dropped (a sum over ``j`` covers the whole axis);
- ``d W`` is the one name ``dW`` (the gradient of W in Ng's notation);
- whole numbers in a sum are added, a negated sum opened where that gathers them
  (``L - (k - 1) - 1`` is ``L - k``; ``y - (m x + b)`` keeps its prediction whole), and a whole
  number added to a floor or ceil is added inside it (``\\lfloor a \\rfloor + 1``);
- ``W^q``, ``W^Q``: a weight matrix's superscript name is its label, not a power;
- a reduction written as code on arrays, ``sum(y * log(p))``, is the sum over their entries,
  ``\\sum_i y_i \\log p_i`` (``code_reductions``);
- a weighted sum written out term by term, ``\\phi_1 h_1 + \\phi_2 h_2 + \\phi_3 h_3``, is the sum
  over its index (``written_sums``).

Each rule is local: it rewrites the top of a node whose children are canonical already, and the
rules are found by the node's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Fraction,
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
    Tuple,
    map_children,
)
from thirdroad.formula.code_reductions import over_entries
from thirdroad.formula.written_sums import fold_written_sums

_E = Symbol("e")
_ONE = Number("1")
_TWO = Number("2")
_RENAMED_FUNCTIONS = {"ln": "log", "Tanh": "tanh", "Sigmoid": "sigma", "sigmoid": "sigma"}


def number_value(node: Node) -> float | None:
    """The value of a number node (None for anything else, or a number that is no float)."""
    if isinstance(node, Number):
        try:
            return float(node.value)
        except ValueError:
            return None
    return None


def _product(factors: list[Node], op: str = "") -> Node:
    if not factors:
        return _ONE
    if len(factors) == 1:
        return factors[0]
    return Product(tuple(factors), op)


def _is_one(node: Node) -> bool:
    return number_value(node) == 1.0


def _canon_symbol(node: Symbol) -> Node:
    name = _RENAMED_FUNCTIONS.get(node.name, node.name)
    if node.font or name != node.name:
        return Symbol(name, "", node.accent, node.sub, node.sup, node.prime)
    return node


def _canon_apply(node: Apply) -> Node:
    args = node.args
    if len(args) == 1 and isinstance(args[0], Tuple):
        args = args[0].items
    if isinstance(node.func, Symbol) and node.func.name == "exp" and not node.func.sub and len(args) == 1:
        return Power(_E, args[0])
    reduced = over_entries(Apply(node.func, args))  # sum(y * log(p)) in code is the sum over the entries
    if reduced is not None:
        return reduced
    return Apply(node.func, args) if args is not node.args else node


def _canon_neg(node: Neg) -> Node:
    return node.arg.arg if isinstance(node.arg, Neg) else node


def _canon_sum(node: Sum) -> Node:
    terms: list[Node] = []
    for t in node.terms:
        terms.extend(t.terms if isinstance(t, Sum) else (t,))
    # a negated sum is opened where that gathers whole numbers: L - (k - 1) - 1 is L - k; y - (m x + b)
    # stays (the prediction m x + b is one quantity)
    opened = [u for t in terms for u in _opened(t)]
    terms = _numbers_added(opened) if _count_whole(opened) >= 2 else _numbers_added(terms)
    rounded = _rounded_whole(terms)
    if rounded is not None:
        return rounded
    terms = fold_written_sums(terms)  # phi_1 h_1 + phi_2 h_2 + phi_3 h_3 is the sum over d of phi_d h_d
    if len(terms) == 1:
        return terms[0]
    return Sum(tuple(terms)) if len(terms) != len(node.terms) or terms != list(node.terms) else node


def _rounded_whole(terms: list[Node]) -> Node | None:
    """``\\lfloor a \\rfloor + 1`` is ``\\lfloor a + 1 \\rfloor`` (and so for ``\\lceil``): a whole number
    added to a rounded value may be added before the rounding. None where the sum is not one
    rounded value plus whole numbers."""
    rounded = [t for t in terms if isinstance(t, Apply) and isinstance(t.func, Symbol)
               and t.func.name in ("floor", "ceil") and len(t.args) == 1]
    if len(rounded) != 1 or len(terms) < 2 or any(_whole_number(t) is None for t in terms if t is not rounded[0]):
        return None
    inner = _canon_sum(Sum((rounded[0].args[0], *(t for t in terms if t is not rounded[0]))))
    return Apply(rounded[0].func, (inner,))


def _opened(term: Node) -> tuple[Node, ...]:
    """The terms of a negated sum, each negated; any other term alone."""
    if isinstance(term, Neg) and isinstance(term.arg, Sum):
        return tuple(_negated(t) for t in term.arg.terms)
    return (term,)


def _count_whole(terms: list[Node]) -> int:
    return sum(_whole_number(t) is not None for t in terms)


def _negated(node: Node) -> Node:
    return node.arg if isinstance(node, Neg) else Neg(node)


def _whole_number(node: Node) -> int | None:
    """The value of a whole number written as a term (``1``, ``-1``), else None."""
    negative = isinstance(node, Neg)
    value = number_value(node.arg if isinstance(node, Neg) else node)
    if value is None or not value.is_integer():
        return None
    return int(-value if negative else value)


def _numbers_added(terms: list[Node]) -> list[Node]:
    """Whole numbers among the terms of a sum added into one (``L - k + 1 - 1`` is ``L - k``),
    kept last; the terms as they were where there are fewer than two."""
    numbers = [n for n in (_whole_number(t) for t in terms) if n is not None]
    if len(numbers) < 2:
        return terms
    rest = [t for t in terms if _whole_number(t) is None]
    total = sum(numbers)
    if total == 0:
        return rest or [Number("0")]
    return [*rest, Number(str(total)) if total > 0 else Neg(Number(str(-total)))]


def _canon_power(node: Power) -> Node:
    if _weight_label(node):
        base = node.base
        assert isinstance(base, Symbol)
        return Symbol(base.name, "", base.accent, base.sub, node.exp, base.prime)
    exp_value = number_value(node.exp)
    if exp_value == 0.5 or (isinstance(node.exp, Fraction) and _is_one(node.exp.num)
                            and number_value(node.exp.den) == 2.0):
        return Sqrt(node.base)
    if isinstance(node.exp, Neg) and _is_one(node.exp.arg):
        return _canon_fraction(_ONE, node.base)
    return node


def _weight_label(node: Power) -> bool:
    """``W^q``, ``W^Q``, ``W^{enc}``: a weight matrix's superscript name is its label (the
    Transformer's ``W^Q``, ``W^K``, ``W^V``), not a power; a number, a ``T`` (a transpose) or an
    expression stays what it is."""
    base, exp = node.base, node.exp
    return (isinstance(base, Symbol) and base.name == "W" and base.sup is None and not base.prime
            and isinstance(exp, Symbol) and not exp.sub and exp.sup is None and not exp.prime
            and exp.name.isalpha() and exp.name not in ("T", "top", "intercal"))


def _canon_norm(node: Norm) -> Node:
    return Norm(node.arg) if node.p is not None and number_value(node.p) == 2.0 else node


def _sole_index(body: Node) -> Symbol | None:
    """The one index letter the body's names carry as a subscript (``i`` in ``(y_i - ŷ_i)²``),
    or None where they carry none or several."""
    found: set[Symbol] = set()
    for n in body.walk():
        if isinstance(n, BigOp):
            return None  # a nested sum: which index is whose is not ours to guess
        if isinstance(n, Symbol):
            for s in n.sub:
                if not (isinstance(s, Symbol) and len(s.name) == 1 and s.name.islower() and not s.sub):
                    return None
                found.add(Symbol(s.name))
    return next(iter(found)) if len(found) == 1 else None


def _canon_bigop(node: BigOp) -> Node:
    under = node.under
    if under is None and node.over is None and node.op in ("sum", "prod"):
        index = _sole_index(node.body)  # Σ (y_i − ŷ_i)²: the sum runs over the index its body carries
        if index is not None:
            return BigOp(node.op, node.body, index, None)
    if isinstance(under, Relation) and under.ops == ("eq",) and isinstance(under.operands[0], Symbol):
        return BigOp(node.op, node.body, under.operands[0], None)
    if node.over is not None and node.op in ("sum", "prod"):
        return BigOp(node.op, node.body, under, None)
    if isinstance(under, Symbol) and node.op in ("sum", "prod"):
        body = _index_lowered(node.body, under)
        if body is not node.body:
            return BigOp(node.op, body, under, None)
    return node


def _index_lowered(node: Node, index: Symbol) -> Node:
    """The sum's own index written above a name, ``y^{(i)}`` (the i-th example as Ng's notes
    write it), is the index of that name, ``y_i``; a name with a subscript of its own keeps its
    superscript (``x^{(i)}_j`` is the j-th feature of the i-th example)."""
    if isinstance(node, Symbol):
        if node.sup == index and not node.sub:
            return Symbol(node.name, node.font, node.accent, (index,), None, node.prime)
        return node
    return map_children(node, lambda child: _index_lowered(child, index))


def _canon_fraction_node(node: Fraction) -> Node:
    return _canon_fraction(node.num, node.den)


def _canon_product(node: Product) -> Node:
    op = "" if node.op == "times" else node.op
    flat: list[Node] = []
    for f in node.factors:
        if isinstance(f, Product) and (f.op == op or (op == "" and f.op == "times")):
            flat.extend(f.factors)
        else:
            flat.append(f)
    flat = _differentials(flat) if op == "" else flat
    negative = False
    plain: list[Node] = []
    for f in flat:
        if isinstance(f, Neg):
            negative = not negative
            f = f.arg
        plain.append(f)
    if op == "" and any(isinstance(f, Fraction) or number_value(f) == 0.5 for f in plain):
        nums: list[Node] = []
        dens: list[Node] = []
        for f in plain:
            if isinstance(f, Fraction):
                if not _is_one(f.num):
                    nums.append(f.num)
                dens.append(f.den)
            elif number_value(f) == 0.5:
                dens.append(_TWO)
            else:
                nums.append(f)
        out: Node = _canon_fraction(_product(nums), _product(dens))
    else:
        out = _product(plain, op)
    return Neg(out) if negative else out


def _differentials(factors: list[Node]) -> list[Node]:
    """``d W`` is the one name ``dW`` (the gradient of W in Ng's notation), not d times W."""
    out: list[Node] = []
    k = 0
    while k < len(factors):
        f = factors[k]
        nxt = factors[k + 1] if k + 1 < len(factors) else None
        if isinstance(f, Symbol) and f.name == "d" and not f.sub and not f.accent:
            if isinstance(nxt, Symbol) and not nxt.accent:
                out.append(Symbol("d" + nxt.name, "", "", nxt.sub, nxt.sup, nxt.prime))
                k += 2
                continue
            if isinstance(nxt, Power) and isinstance(nxt.base, Symbol) and not nxt.base.accent:
                base = nxt.base
                out.append(Power(Symbol("d" + base.name, "", "", base.sub, base.sup, base.prime), nxt.exp))
                k += 2
                continue
        out.append(f)
        k += 1
    return out


def _canon_fraction(num: Node, den: Node) -> Node:
    negative = False
    if isinstance(num, Neg):
        negative, num = not negative, num.arg
    if isinstance(den, Neg):
        negative, den = not negative, den.arg
    if isinstance(num, Fraction):
        upper: Fraction = num
        num, den = upper.num, _canon_product(Product((upper.den, den)))
    if isinstance(den, Fraction):
        inner: Fraction = den
        num, den = _canon_product(Product((num, inner.den))), inner.num
    out: Node = num if _is_one(den) else Fraction(num, den)
    return Neg(out) if negative else out


# The rewriting rules, by the kind of node they apply at (its children are canonical already).
_LOCAL: dict[type[Node], Callable[[Any], Node]] = {
    Symbol: _canon_symbol,
    Apply: _canon_apply,
    Neg: _canon_neg,
    Sum: _canon_sum,
    Product: _canon_product,
    Fraction: _canon_fraction_node,
    Power: _canon_power,
    Norm: _canon_norm,
    BigOp: _canon_bigop,
}


def _canon_local(node: Node) -> Node:
    """Apply the rewriting rule of the node's kind at the top of ``node``."""
    rule = _LOCAL.get(type(node))
    return node if rule is None else rule(node)


def canon(node: Node, memo: dict[int, Node] | None = None) -> Node:
    """The canonical form of ``node`` (spans are lost). ``memo`` shares work between the
    sub-trees of one formula: it maps ``id(original)`` to its canonical form."""
    if memo is None:
        memo = {}
    key = id(node)
    hit = memo.get(key)
    if hit is not None:
        return hit
    rebuilt = map_children(node, lambda child: canon(child, memo))
    out = _canon_local(rebuilt)
    if out is not rebuilt:
        out = _canon_local(out)
    memo[key] = out
    return out


__all__ = ["canon", "number_value"]
