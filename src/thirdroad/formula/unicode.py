"""A formula in plain Unicode, on one line: ``∇_θ L(θ)``, ``exp(e_(t,i)) / Σ_j exp(e_(t,j))``.

For places that show notation without a math renderer: a terminal, a sentence that names a
part of a formula. The parser reads this spelling back (its Unicode notation), so what is shown
can also be typed. Nodes without a one-line spelling (matrices, cases) fall back to LaTeX.
"""

from __future__ import annotations

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
from thirdroad.formula.latex import FACTOR, PRODUCT, SUM, strength, to_latex
from thirdroad.formula.names import base_text, display

_PRODUCT_OPS = {"": " ", "cdot": " · ", "times": " × ", "odot": " ⊙ ", "otimes": " ⊗ ", "circ": " ∘ ",
                "star": " ⋆ ", "oplus": " ⊕ ", "div": " ÷ "}
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


def _say(node: Node) -> str:
    if isinstance(node, Symbol | Number):
        return display(node)
    if isinstance(node, Text):
        return node.text
    if isinstance(node, Update):
        return f"{_say(node.target)} ← {_say(node.value)}"
    if isinstance(node, Relation) and all(op in _RELATIONS for op in node.ops):
        out = _say(node.operands[0])
        for op, operand in zip(node.ops, node.operands[1:], strict=True):
            out += _RELATIONS[op] + _say(operand)
        return out
    if isinstance(node, Sum):
        out = _say(node.terms[0]) if isinstance(node.terms[0], Neg) else _wrap(node.terms[0], SUM)
        for term in node.terms[1:]:
            out += f" − {_wrap(term.arg, PRODUCT)}" if isinstance(term, Neg) else f" + {_wrap(term, PRODUCT)}"
        return out
    if isinstance(node, Neg):
        return "−" + _wrap(node.arg, PRODUCT)
    if isinstance(node, Product) and node.op in _PRODUCT_OPS:
        # a fraction before another factor keeps its brackets: (1 / Z) exp(−E), not 1 / Z exp(−E)
        last = len(node.factors) - 1
        return _PRODUCT_OPS[node.op].join(f"({_say(f)})" if isinstance(f, Fraction) and k < last
                                          else _wrap(f, PRODUCT + 1) for k, f in enumerate(node.factors))
    if isinstance(node, Fraction):
        return f"{_wrap(node.num, PRODUCT)} / {_wrap(node.den, FACTOR)}"
    if isinstance(node, Power):
        return _power(node)
    if isinstance(node, Sqrt):
        root = {"3": "∛", "4": "∜"}.get(node.degree.value, "") if isinstance(node.degree, Number) else "√"
        if node.degree is not None and not root:
            return to_latex(node)
        return root + _atom(node.arg)
    if isinstance(node, Transpose):
        return _atom(node.arg) + "ᵀ"
    if isinstance(node, Norm):
        p = f"_{_atom(node.p)}" if node.p is not None else ""
        return f"‖{_say(node.arg)}‖{p}"
    if isinstance(node, Abs):
        return f"|{_say(node.arg)}|"
    if isinstance(node, Apply):
        return _apply(node)
    if isinstance(node, BigOp) and node.op in _BIG:
        under = f"_{_index(node.under)}" if node.under is not None else ""
        over = f"^{_index(node.over)}" if node.over is not None else ""
        return f"{_BIG[node.op]}{under}{over} {_wrap(node.body, PRODUCT)}"
    if isinstance(node, BigOp) and node.op in ("max", "min", "argmax", "argmin"):
        under = f"_{_index(node.under)}" if node.under is not None else ""
        return f"{node.op}{under} {_wrap(node.body, PRODUCT)}"
    if isinstance(node, Gradient):
        wrt = f"_{_index(node.wrt)}" if node.wrt is not None else ""
        return f"∇{wrt} {_atom(node.expr)}"
    if isinstance(node, Derivative) and len(node.wrt) == 1:
        d = "∂" if node.partial else "d"
        return f"{d}{_atom(node.expr)}/{d}{_atom(node.wrt[0])}"
    if isinstance(node, Expectation) and node.under is None:
        return f"E[{_say(node.body)}]"
    if isinstance(node, Tuple):
        return "(" + ", ".join(_say(i) for i in node.items) + ")"
    return to_latex(node)


def _index(node: Node) -> str:
    text = _say(node)
    return text if isinstance(node, Symbol | Number) and " " not in text else f"({text})"


def _power(node: Power) -> str:
    base, exp = node.base, node.exp
    if isinstance(exp, Number) and exp.value.isdigit():
        return _atom(base) + exp.value.translate(_SUPERSCRIPTS)
    if isinstance(exp, Neg) and isinstance(exp.arg, Number) and exp.arg.value.isdigit():
        return _atom(base) + ("-" + exp.arg.value).translate(_SUPERSCRIPTS)
    plain = isinstance(exp, Number) or (isinstance(exp, Symbol) and not exp.sub and exp.sup is None)
    return f"{_atom(base)}^{_say(exp) if plain else '(' + _say(exp) + ')'}"


def _apply(node: Apply) -> str:
    func = node.func
    name = base_text(func) if isinstance(func, Symbol) and not func.sub and func.sup is None else _atom(func)
    if isinstance(func, Symbol) and func.name == "index" and len(node.args) >= 2:
        where = node.args[1:]
        return f"{_atom(node.args[0])}_" + (_index(where[0]) if len(where) == 1 else
                                            "(" + ",".join(_say(a) for a in where) + ")")
    return f"{name}({', '.join(_say(a) for a in node.args)})"


__all__ = ["to_unicode"]
