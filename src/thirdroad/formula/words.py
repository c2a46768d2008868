"""A formula read aloud in plain words: ``v becomes β times v plus (1 minus β) times g``."""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatch

from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Block,
    Cases,
    Concat,
    Conditional,
    Derivative,
    Expectation,
    Fraction,
    Gradient,
    Interval,
    Inverse,
    Matrix,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Relation,
    Set,
    Sqrt,
    Statement,
    Sum,
    Symbol,
    Text,
    Transpose,
    Tuple,
    Update,
)
from thirdroad.formula.names import display
from thirdroad.formula.precedence import PRODUCT, SUM, strength
from thirdroad.formula.tables import CONDITION_RELATIONS, RELATION_WORDS

_PRODUCT_WORDS = {"": " times ", "cdot": " times ", "times": " times ",
                  "odot": " times, entry by entry, ", "otimes": " outer product ",
                  "circ": " composed with ", "star": " convolved with ", "oplus": " plus ",
                  "div": " divided by ", "cap": " intersected with ", "cup": " united with ",
                  "setminus": " without ", "wedge": " and ", "vee": " or ",
                  "mod": " modulo "}
_BIG_WORDS = {"sum": "the sum", "prod": "the product", "max": "the largest value",
              "min": "the smallest value", "argmax": "the choice that maximises",
              "argmin": "the choice that minimises", "sup": "the supremum",
              "inf": "the infimum", "lim": "the limit", "int": "the integral"}
_POWER_WORDS = {"2": "squared", "3": "cubed"}


def to_words(node: Node) -> str:
    """The formula in plain words."""
    return _say(node)


def say_relation(node: Relation, say: Callable[[Node], str]) -> str:
    """``a ≤ b`` is "a is at most b", each side said by ``say``; in a chain of conditions the
    middle term is said again (``0 ≤ p ≤ 1``: "0 is at most p and p is at most 1")."""
    sides = [say(operand) for operand in node.operands]
    out = sides[0]
    for k, op in enumerate(node.ops):
        if k and op in CONDITION_RELATIONS:
            out += f" and {sides[k]}"
        out += f" {RELATION_WORDS.get(op, op)} {sides[k + 1]}"
    return out


def _group(node: Node, need: int) -> str:
    text = _say(node)
    return f"({text})" if strength(node) < need else text


@singledispatch
def _say(node: Node) -> str:
    raise TypeError(f"no words for {type(node).__name__}")


@_say.register(Symbol)
@_say.register(Number)
def _name(node: Symbol | Number) -> str:
    return display(node)


@_say.register
def _text(node: Text) -> str:
    return node.text


@_say.register
def _update(node: Update) -> str:
    return f"{_say(node.target)} becomes {_group(node.value, SUM)}"


@_say.register
def _relation(node: Relation) -> str:
    return say_relation(node, _say)


@_say.register
def _sum(node: Sum) -> str:
    first = node.terms[0]
    out = _say(first) if isinstance(first, Neg) else _group(first, PRODUCT)
    for term in node.terms[1:]:
        if isinstance(term, Neg):
            out += f" minus {_group(term.arg, PRODUCT)}"
        else:
            out += f" plus {_group(term, PRODUCT)}"
    return out


@_say.register
def _neg(node: Neg) -> str:
    return f"minus {_group(node.arg, PRODUCT)}"


@_say.register
def _product(node: Product) -> str:
    return _PRODUCT_WORDS.get(node.op, " times ").join(_group(f, PRODUCT + 1) for f in node.factors)


@_say.register
def _fraction(node: Fraction) -> str:
    return f"{_group(node.num, PRODUCT + 1)} divided by {_group(node.den, PRODUCT + 1)}"


@_say.register
def _power(node: Power) -> str:
    exp = node.exp
    if isinstance(exp, Number) and exp.value in _POWER_WORDS:
        return f"{_group(node.base, PRODUCT + 1)} {_POWER_WORDS[exp.value]}"
    return f"{_group(node.base, PRODUCT + 1)} to the power {_group(exp, PRODUCT + 1)}"


@_say.register
def _sqrt(node: Sqrt) -> str:
    if node.degree is not None:
        return f"the root of degree {_say(node.degree)} of {_group(node.arg, PRODUCT)}"
    return f"the square root of {_group(node.arg, PRODUCT)}"


@_say.register
def _transpose(node: Transpose) -> str:
    return f"{_group(node.arg, PRODUCT + 1)} transposed"


@_say.register
def _inverse(node: Inverse) -> str:
    return f"the inverse of {_group(node.arg, PRODUCT + 1)}"


@_say.register
def _norm(node: Norm) -> str:
    p = f"{_say(node.p)}-" if node.p is not None else ""
    return f"the {p}norm of {_group(node.arg, PRODUCT)}"


@_say.register
def _abs(node: Abs) -> str:
    return f"the absolute value of {_group(node.arg, PRODUCT)}"


@_say.register
def _bigop(node: BigOp) -> str:
    head = _BIG_WORDS.get(node.op, node.op)
    where = ""
    under = node.under
    if isinstance(under, Relation) and under.ops == ("eq",) and len(under.operands) == 2:
        where = f" for {_say(under.operands[0])} from {_say(under.operands[1])}"
        where += f" to {_say(node.over)}" if node.over is not None else ""
    else:
        if under is not None:
            where = f" over {_say(under)}"
        if node.over is not None:
            where += f" up to {_say(node.over)}"
    return f"{head}{where} of {_group(node.body, PRODUCT)}"


@_say.register
def _derivative(node: Derivative) -> str:
    kind = "partial derivative" if node.partial else "derivative"
    wrt = " and ".join(_say(w) for w in node.wrt)
    return f"the {kind} of {_group(node.expr, PRODUCT)} with respect to {wrt}"


@_say.register
def _gradient(node: Gradient) -> str:
    wrt = f" with respect to {_say(node.wrt)}" if node.wrt is not None else ""
    return f"the gradient of {_group(node.expr, PRODUCT)}{wrt}"


@_say.register
def _expectation(node: Expectation) -> str:
    over = f", over {_say(node.under)}" if node.under is not None else ""
    return f"the expected value of {_group(node.body, PRODUCT)}{over}"


@_say.register
def _conditional(node: Conditional) -> str:
    return f"{_say(node.event)} given {_say(node.given)}"


@_say.register
def _matrix(node: Matrix) -> str:
    rows = "; ".join(", ".join(_say(c) for c in row) for row in node.rows)
    return f"the matrix with rows [{rows}]"


@_say.register
def _cases(node: Cases) -> str:
    return ", ".join(f"{_say(v)} if {_say(c)}" if c is not None else f"{_say(v)} otherwise"
                     for v, c in node.branches)


@_say.register
def _tuple(node: Tuple) -> str:
    return f"({', '.join(_say(i) for i in node.items)})"


@_say.register
def _concat(node: Concat) -> str:
    joiner = " stacked on " if node.axis == "stack" else " joined with "
    return "[" + joiner.join(_say(i) for i in node.items) + "]"


@_say.register
def _set(node: Set) -> str:
    return "the set of " + ", ".join(_say(i) for i in node.items)


@_say.register
def _interval(node: Interval) -> str:
    return f"the interval from {_say(node.lo)} to {_say(node.hi)}"


@_say.register
def _statement(node: Statement) -> str:
    return " ".join(_say(p) for p in node.parts)


@_say.register
def _block(node: Block) -> str:
    return "; then ".join(_say(i) for i in node.items)


@_say.register
def _apply(node: Apply) -> str:
    func = node.func
    name = display(func) if isinstance(func, Symbol) else _say(func)
    args = " and ".join(
        _say(a) if isinstance(a, Symbol | Number | Apply) else f"({_say(a)})" for a in node.args
    )
    if isinstance(func, Power) and isinstance(func.base, Symbol) and func.base.name == "nabla":
        return f"the second derivatives of {args} (∇², the Laplacian or the Hessian)"
    if isinstance(func, Symbol):
        if func.name == "partial":
            return f"the change in {args}"
        if func.name in ("pm", "mp"):
            return f"plus or minus {args}"
        if func.name == "prime":
            return f"the derivative of {args}"
        if func.name == "factorial":
            return f"{args} factorial"
        if func.name == "inner":
            return f"the inner product of {args}"
        if func.name == "index" and isinstance(node.args[0], Expectation) and node.args[0].under is None:
            # E[g^2]_t in RMSProp and Adadelta: the running average at step t, not an entry
            step = ", ".join(_say(a) for a in node.args[1:])
            return f"the running average of {_group(node.args[0].body, PRODUCT)} at step {step}"
        if func.name == "setminus" and len(node.args) == 1:
            return f"all but {args}"
        if func.name == "index" and all(isinstance(a, Relation) and a.ops == ("eq",) for a in node.args[1:]):
            # f'(x)|_{x=a}: the value at a point, not an entry
            return f"{_say(node.args[0])} at {', '.join(_say(a) for a in node.args[1:])}"
        if func.name == "index":
            return f"entry {', '.join(_say(a) for a in node.args[1:])} of {_say(node.args[0])}"
    return f"{name} of {args}"
