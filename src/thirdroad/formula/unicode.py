"""A formula in plain Unicode, on one line: ``∇_θ L(θ)``, ``exp(e_(t,i)) / Σ_j exp(e_(t,j))``.

For places that show notation without a math renderer: a terminal, a sentence that names a
part of a formula. The parser reads this spelling back (its Unicode notation), so what is shown
can also be typed. Nodes without a one-line spelling (matrices, cases) fall back to LaTeX.
"""

from __future__ import annotations

from functools import singledispatch

from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Derivative,
    Expectation,
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
    Text,
    Transpose,
    Tuple,
    Update,
)
from thirdroad.formula.latex import to_latex
from thirdroad.formula.names import base_text, display
from thirdroad.formula.precedence import FACTOR, PRODUCT, SUM, strength

_PRODUCT_OPS = {"": " ", "cdot": " · ", "times": " × ", "odot": " ⊙ ", "otimes": " ⊗ ", "circ": " ∘ ",
                "star": " ⋆ ", "oplus": " ⊕ ", "div": " ÷ ", "mod": " mod "}
_RELATIONS = {"eq": " = ", "approx": " ≈ ", "propto": " ∝ ", "sim": " ∼ ", "in": " ∈ ", "le": " ≤ ",
              "ge": " ≥ ", "lt": " < ", "gt": " > ", "ne": " ≠ ", "to": " → ", "def": " ≜ ", "assign": " := "}
_BIG = {"sum": "Σ", "prod": "∏"}
_SUPERSCRIPTS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")


def to_unicode(node: Node) -> str:
    """``node`` in plain Unicode on one line."""
    return _say(node)


def _wrap(node: Node, need: int) -> str:
    text = _say(node)
    return f"({text})" if strength(node) < need else text


def _atom(node: Node) -> str:
    """A base or an argument that must read as one piece: ``(a + b)``, ``(x/2)``, ``x``."""
    text = _say(node)
    one_piece = isinstance(node, Symbol | Number | Apply | Abs | Norm | Transpose | Tuple) or (
        isinstance(node, Power) and isinstance(node.base, Symbol | Number))
    return text if one_piece else f"({text})"


@singledispatch
def _say(node: Node) -> str:
    return to_latex(node)  # no one-line spelling: matrices, cases, sets ...


@_say.register(Symbol)
@_say.register(Number)
def _name(node: Symbol | Number) -> str:
    return display(node)


@_say.register
def _text(node: Text) -> str:
    return node.text


@_say.register
def _update(node: Update) -> str:
    return f"{_say(node.target)} ← {_say(node.value)}"


@_say.register
def _relation(node: Relation) -> str:
    if not all(op in _RELATIONS for op in node.ops):
        return to_latex(node)
    out = _say(node.operands[0])
    for op, operand in zip(node.ops, node.operands[1:], strict=True):
        out += _RELATIONS[op] + _say(operand)
    return out


@_say.register
def _sum(node: Sum) -> str:
    out = _say(node.terms[0]) if isinstance(node.terms[0], Neg) else _wrap(node.terms[0], SUM)
    for term in node.terms[1:]:
        out += f" − {_wrap(term.arg, PRODUCT)}" if isinstance(term, Neg) else f" + {_wrap(term, PRODUCT)}"
    return out


@_say.register
def _neg(node: Neg) -> str:
    return "−" + _wrap(node.arg, PRODUCT)


@_say.register
def _product(node: Product) -> str:
    if node.op not in _PRODUCT_OPS:
        return to_latex(node)
    # a fraction before another factor keeps its brackets: (1 / Z) exp(−E), not 1 / Z exp(−E)
    last = len(node.factors) - 1
    return _PRODUCT_OPS[node.op].join(f"({_say(f)})" if isinstance(f, Fraction) and k < last
                                      else _wrap(f, PRODUCT + 1) for k, f in enumerate(node.factors))


@_say.register
def _fraction(node: Fraction) -> str:
    return f"{_wrap(node.num, PRODUCT)} / {_wrap(node.den, FACTOR)}"


@_say.register
def _sqrt(node: Sqrt) -> str:
    root = {"3": "∛", "4": "∜"}.get(node.degree.value, "") if isinstance(node.degree, Number) else "√"
    if node.degree is not None and not root:
        return to_latex(node)
    return root + _atom(node.arg)


@_say.register
def _transpose(node: Transpose) -> str:
    return _atom(node.arg) + "ᵀ"


@_say.register
def _norm(node: Norm) -> str:
    p = f"_{_atom(node.p)}" if node.p is not None else ""
    return f"‖{_say(node.arg)}‖{p}"


@_say.register
def _abs(node: Abs) -> str:
    return f"|{_say(node.arg)}|"


@_say.register
def _bigop(node: BigOp) -> str:
    under = f"_{_index(node.under)}" if node.under is not None else ""
    if node.op in _BIG:
        over = f"^{_index(node.over)}" if node.over is not None else ""
        return f"{_BIG[node.op]}{under}{over} {_wrap(node.body, PRODUCT)}"
    if node.op in ("max", "min", "argmax", "argmin"):
        return f"{node.op}{under} {_wrap(node.body, PRODUCT)}"
    return to_latex(node)


@_say.register
def _gradient(node: Gradient) -> str:
    wrt = f"_{_index(node.wrt)}" if node.wrt is not None else ""
    return f"∇{wrt} {_atom(node.expr)}"


@_say.register
def _derivative(node: Derivative) -> str:
    if len(node.wrt) != 1:
        return to_latex(node)
    d = "∂" if node.partial else "d"
    return f"{d}{_atom(node.expr)}/{d}{_atom(node.wrt[0])}"


@_say.register
def _expectation(node: Expectation) -> str:
    return f"E[{_say(node.body)}]" if node.under is None else to_latex(node)


@_say.register
def _tuple(node: Tuple) -> str:
    return "(" + ", ".join(_say(i) for i in node.items) + ")"


def _index(node: Node) -> str:
    text = _say(node)
    return text if isinstance(node, Symbol | Number) and " " not in text else f"({text})"


@_say.register
def _power(node: Power) -> str:
    base, exp = node.base, node.exp
    if isinstance(exp, Number) and exp.value.isdigit():
        return _atom(base) + exp.value.translate(_SUPERSCRIPTS)
    if isinstance(exp, Neg) and isinstance(exp.arg, Number) and exp.arg.value.isdigit():
        return _atom(base) + ("-" + exp.arg.value).translate(_SUPERSCRIPTS)
    plain = isinstance(exp, Number) or (isinstance(exp, Symbol) and not exp.sub and exp.sup is None)
    return f"{_atom(base)}^{_say(exp) if plain else '(' + _say(exp) + ')'}"


@_say.register
def _apply(node: Apply) -> str:
    func = node.func
    name = base_text(func) + "′" * func.prime if isinstance(func, Symbol) and not func.sub and func.sup is None \
        else _atom(func)  # f′(x), σ′(x): the derivative applied, its prime kept
    if isinstance(func, Symbol) and func.name == "prime" and len(node.args) == 1:
        return _atom(node.args[0]) + "′"
    if isinstance(func, Symbol) and func.name == "setminus" and len(node.args) == 1:
        return "∖" + _atom(node.args[0])
    if isinstance(func, Symbol) and func.name == "inner" and not func.sub:
        return "⟨" + ", ".join(_say(a) for a in node.args) + "⟩"
    if isinstance(func, Symbol) and func.name == "index" and len(node.args) >= 2:
        where = node.args[1:]
        if all(isinstance(a, Relation) and a.ops == ("eq",) for a in where):  # a value at a point
            return f"{_atom(node.args[0])}|_(" + ", ".join(_say(a) for a in where) + ")"
        return f"{_atom(node.args[0])}_" + (_index(where[0]) if len(where) == 1 else
                                            "(" + ",".join(_say(a) for a in where) + ")")
    return f"{name}({', '.join(_say(a) for a in node.args)})"


__all__ = ["to_unicode"]
