"""MathML Core for a syntax tree.

Every node's element carries ``data-node`` (its path: ``0`` is the root, ``0.1`` the root's
second child, as in ``ast.node_at``) and ``data-span`` (``start,end`` in the input), so the
browser can draw a box around any chunk.
"""

from __future__ import annotations

from functools import singledispatch
from html import escape

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
from thirdroad.formula.names import base_text
from thirdroad.formula.precedence import FACTOR, PRODUCT, SUM, strength

_OPS = {"": "\u2062", "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "circ": "∘",
        "star": "⋆", "oplus": "⊕", "div": "÷", "cap": "∩", "cup": "∪", "setminus": "∖",
        "wedge": "∧", "vee": "∨", "mod": "mod"}
_RELATIONS = {"eq": "=", "approx": "≈", "propto": "∝", "sim": "∼", "in": "∈", "notin": "∉",
              "le": "≤", "ge": "≥", "lt": "<", "gt": ">", "ne": "≠", "equiv": "≡",
              "simeq": "≃", "cong": "≅", "to": "→", "mapsto": "↦", "subset": "⊂",
              "subseteq": "⊆", "ll": "≪", "gg": "≫", "def": "≜", "implies": "⇒", "iff": "⇔",
              "perp": "⊥", "parallel": "∥", "models": "⊨", "vdash": "⊢", "assign": "≔",
              "leftarrow": "←", "ni": "∋", "succ": "≻", "prec": "≺", "succeq": "⪰", "preceq": "⪯",
              "supset": "⊃", "supseteq": "⊇"}
_BIG = {"sum": "∑", "prod": "∏", "max": "max", "min": "min", "argmax": "arg max",
        "argmin": "arg min", "sup": "sup", "inf": "inf", "lim": "lim", "int": "∫",
        "union": "⋃", "intersection": "⋂"}
_SPACE = '<mspace width="0.5em"/>'
_UPDATE = {"leftarrow": "←", "assign": "≔", "eq": "="}


def to_mathml(node: Node, display: str = "block") -> str:
    """``<math>`` markup for the tree."""
    return f'<math display="{display}">{_el(node, "0")}</math>'



def _attrs(node: Node, path: str) -> str:
    return f' data-node="{path}" data-span="{node.span[0]},{node.span[1]}"'


def _mo(text: str, stretchy: bool = False) -> str:
    extra = ' stretchy="true"' if stretchy else ""
    return f"<mo{extra}>{escape(text)}</mo>"


def _fenced(inner: str, left: str, right: str) -> str:
    return f"{_mo(left, True)}{inner}{_mo(right, True)}"


def _kids(node: Node, path: str) -> list[str]:
    return [_el(child, f"{path}.{k}") for k, child in enumerate(node.children())]


def _wrapped(node: Node, path: str, need: int) -> str:
    text = _el(node, path)
    if strength(node) < need:
        return f"<mrow>{_fenced(text, '(', ')')}</mrow>"
    return text


def _child_paths(node: Node, path: str) -> list[tuple[Node, str]]:
    return [(child, f"{path}.{k}") for k, child in enumerate(node.children())]


def _symbol(node: Symbol, path: str) -> str:
    text = escape(base_text(node))
    variant = ' mathvariant="normal"' if len(base_text(node)) > 1 and not node.font else ""
    base = f"<mi{variant}>{text}</mi>"
    kids = _child_paths(node, path)
    subs = [_el(c, p) for c, p in kids[: len(node.sub)]]
    sup = _el(*kids[len(node.sub)]) if node.sup is not None else ""
    if node.prime:
        sup = f"<mrow>{sup}{_mo('′' * node.prime)}</mrow>" if sup else _mo("′" * node.prime)
    sub = subs[0] if len(subs) == 1 else f"<mrow>{_mo(',').join(subs)}</mrow>" if subs else ""
    a = _attrs(node, path)
    if sub and sup:
        return f"<msubsup{a}>{base}{sub}{sup}</msubsup>"
    if sub:
        return f"<msub{a}>{base}{sub}</msub>"
    if sup:
        return f"<msup{a}>{base}{sup}</msup>"
    return f"<mi{variant}{a}>{text}</mi>"


@singledispatch
def _el(node: Node, path: str) -> str:
    """The element of ``node``, whose path in the tree is ``path``."""
    raise TypeError(f"no MathML for {type(node).__name__}")


_el.register(Symbol, _symbol)


@_el.register
def _number(node: Number, path: str) -> str:
    return f"<mn{_attrs(node, path)}>{escape(node.value)}</mn>"


@_el.register
def _text(node: Text, path: str) -> str:
    return f"<mtext{_attrs(node, path)}>{escape(node.text)}</mtext>"


@_el.register
def _apply(node: Apply, path: str) -> str:
    kids = _child_paths(node, path)
    func, fpath = kids[0]
    args = _mo(",").join(_el(c, p) for c, p in kids[1:])
    name = func.name if isinstance(func, Symbol) and not func.sub and func.sup is None else ""
    unseen = f"<mrow{_attrs(func, fpath)}></mrow>"  # the reader's own function: marked, not shown
    if name == "inner":  # ⟨x, y⟩ (and ⟨v h⟩, an average)
        return f"<mrow{_attrs(node, path)}>{unseen}{_fenced(args, '⟨', '⟩')}</mrow>"
    if name == "setminus" and len(kids) == 2:  # x_{∖i}: x without i
        return f"<mrow{_attrs(node, path)}>{unseen}{_mo('∖')}{args}</mrow>"
    if name == "index" and len(kids) > 2:  # (a + b)_i, ⟨v h⟩_data: an entry of what is written
        base, bpath = kids[1]
        indices = _mo(",").join(_el(c, p) for c, p in kids[2:])
        written = f"<mrow>{unseen}{_wrapped(base, bpath, FACTOR)}</mrow>"
        return f"<msub{_attrs(node, path)}>{written}<mrow>{indices}</mrow></msub>"
    return f"<mrow{_attrs(node, path)}>{_el(func, fpath)}{_mo(chr(0x2061))}{_fenced(args, '(', ')')}</mrow>"


@_el.register
def _neg(node: Neg, path: str) -> str:
    return f"<mrow{_attrs(node, path)}>{_mo('−')}{_wrapped(node.arg, path + '.0', PRODUCT)}</mrow>"


@_el.register
def _sum(node: Sum, path: str) -> str:
    parts = []
    for k, (term, p) in enumerate(_child_paths(node, path)):
        if isinstance(term, Neg):
            inner = _wrapped(term.arg, p + ".0", PRODUCT)
            parts.append(f"<mrow{_attrs(term, p)}>{_mo('−')}{inner}</mrow>")
        else:
            parts.append((_mo("+") if k else "") + _wrapped(term, p, PRODUCT))
    return f"<mrow{_attrs(node, path)}>{''.join(parts)}</mrow>"


@_el.register
def _product(node: Product, path: str) -> str:
    op = _mo(_OPS.get(node.op, "\u2062"))
    factors = op.join(_wrapped(c, p, FACTOR) for c, p in _child_paths(node, path))
    return f"<mrow{_attrs(node, path)}>{factors}</mrow>"


@_el.register
def _fraction(node: Fraction, path: str) -> str:
    return f"<mfrac{_attrs(node, path)}>{''.join(_el(c, p) for c, p in _child_paths(node, path))}</mfrac>"


@_el.register
def _power(node: Power, path: str) -> str:
    base = _wrapped(node.base, path + ".0", FACTOR)
    return f"<msup{_attrs(node, path)}>{base}{_el(node.exp, path + '.1')}</msup>"


@_el.register
def _transpose(node: Transpose, path: str) -> str:
    return f"<msup{_attrs(node, path)}>{_wrapped(node.arg, path + '.0', FACTOR)}{_mo('⊤')}</msup>"


@_el.register
def _inverse(node: Inverse, path: str) -> str:
    base = _wrapped(node.arg, path + ".0", FACTOR)
    return f"<msup{_attrs(node, path)}>{base}<mrow>{_mo('−')}<mn>1</mn></mrow></msup>"


@_el.register
def _sqrt(node: Sqrt, path: str) -> str:
    a = _attrs(node, path)
    if node.degree is not None:
        return f"<mroot{a}>{_el(node.arg, path + '.0')}{_el(node.degree, path + '.1')}</mroot>"
    return f"<msqrt{a}>{_el(node.arg, path + '.0')}</msqrt>"


@_el.register
def _norm(node: Norm, path: str) -> str:
    a = _attrs(node, path)
    inner = f"<mrow>{_fenced(_el(node.arg, path + '.0'), '‖', '‖')}</mrow>"
    if node.p is not None:
        return f"<msub{a}>{inner}{_el(node.p, path + '.1')}</msub>"
    return inner.replace("<mrow>", f"<mrow{a}>", 1)


@_el.register
def _abs(node: Abs, path: str) -> str:
    return f"<mrow{_attrs(node, path)}>{_fenced(_el(node.arg, path + '.0'), '|', '|')}</mrow>"


@_el.register
def _bigop(node: BigOp, path: str) -> str:
    kids = _child_paths(node, path)
    head = _mo(_BIG.get(node.op, node.op))
    body = _wrapped(*kids[0], PRODUCT)
    limits = [_el(c, p) for c, p in kids[1:]]
    if node.under is not None and node.over is not None:
        head = f"<munderover>{head}{limits[0]}{limits[1]}</munderover>"
    elif node.under is not None:
        head = f"<munder>{head}{limits[0]}</munder>"
    elif node.over is not None:
        head = f"<mover>{head}{limits[0]}</mover>"
    return f"<mrow{_attrs(node, path)}>{head}{body}</mrow>"


@_el.register
def _derivative(node: Derivative, path: str) -> str:
    kids = _child_paths(node, path)
    d = "∂" if node.partial else "d"
    top = f"<mrow>{_mo(d)}{_wrapped(*kids[0], FACTOR)}</mrow>"
    bottom = "".join(f"{_mo(d)}{_wrapped(c, p, FACTOR)}" for c, p in kids[1:])
    return f"<mfrac{_attrs(node, path)}>{top}<mrow>{bottom}</mrow></mfrac>"


@_el.register
def _gradient(node: Gradient, path: str) -> str:
    head = _mo("∇")
    if node.wrt is not None:
        head = f"<msub>{head}{_el(node.wrt, path + '.1')}</msub>"
    return f"<mrow{_attrs(node, path)}>{head}{_wrapped(node.expr, path + '.0', FACTOR)}</mrow>"


_MATRIX_BRACKETS = {"bmatrix": ("[", "]"), "vmatrix": ("|", "|"), "Bmatrix": ("{", "}"),
                    "matrix": ("", ""), "array": ("", ""), "smallmatrix": ("", "")}


@_el.register
def _matrix(node: Matrix, path: str) -> str:
    rows = "".join(
        "<mtr>" + "".join(
            f"<mtd>{_el(c, f'{path}.{r * len(row) + k}')}</mtd>" for k, c in enumerate(row)
        ) + "</mtr>"
        for r, row in enumerate(node.rows)
    )
    left, right = _MATRIX_BRACKETS.get(node.env, ("(", ")"))
    table = f"<mtable>{rows}</mtable>"
    return f"<mrow{_attrs(node, path)}>{_fenced(table, left, right) if left else table}</mrow>"


@_el.register
def _cases(node: Cases, path: str) -> str:
    kids = _child_paths(node, path)
    lines: list[str] = []
    k = 0
    for _value, cond in node.branches:
        cells = f"<mtd>{_el(*kids[k])}</mtd>"
        k += 1
        if cond is not None:
            cells += f"<mtd>{_el(*kids[k])}</mtd>"
            k += 1
        else:
            cells += "<mtd><mtext>otherwise</mtext></mtd>"
        lines.append(f"<mtr>{cells}</mtr>")
    return f"<mrow{_attrs(node, path)}>{_mo('{', True)}<mtable>{''.join(lines)}</mtable></mrow>"


def _listed(node: Tuple | Concat | Set, path: str, left: str, right: str, sep: str = ",") -> str:
    items = _mo(sep).join(_el(c, p) for c, p in _child_paths(node, path))
    return f"<mrow{_attrs(node, path)}>{_fenced(items, left, right)}</mrow>"


@_el.register
def _tuple(node: Tuple, path: str) -> str:
    return _listed(node, path, "(", ")")


@_el.register
def _concat(node: Concat, path: str) -> str:
    return _listed(node, path, "[", "]", ";" if node.axis == "stack" else ",")


@_el.register
def _set(node: Set, path: str) -> str:
    return _listed(node, path, "{", "}")


@_el.register
def _interval(node: Interval, path: str) -> str:
    inner = _mo(",").join(_el(c, p) for c, p in _child_paths(node, path))
    return f"<mrow{_attrs(node, path)}>{_fenced(inner, node.closed[0], node.closed[1])}</mrow>"


@_el.register
def _relation(node: Relation, path: str) -> str:
    kids = _child_paths(node, path)
    parts = [_wrapped(*kids[0], SUM)]
    for op, (c, p) in zip(node.ops, kids[1:], strict=True):
        parts.append(_mo(_RELATIONS.get(op, op)) + _wrapped(c, p, SUM))
    return f"<mrow{_attrs(node, path)}>{''.join(parts)}</mrow>"


@_el.register
def _update(node: Update, path: str) -> str:
    op = _mo(_UPDATE.get(node.op, "←"))
    target = _el(node.target, path + ".0")
    return f"<mrow{_attrs(node, path)}>{target}{op}{_wrapped(node.value, path + '.1', SUM)}</mrow>"


@_el.register
def _conditional(node: Conditional, path: str) -> str:
    return (f"<mrow{_attrs(node, path)}>{_el(node.event, path + '.0')}{_mo('|')}"
            f"{_el(node.given, path + '.1')}</mrow>")


@_el.register
def _expectation(node: Expectation, path: str) -> str:
    head = '<mi mathvariant="normal">𝔼</mi>'
    if node.under is not None:
        head = f"<msub>{head}{_el(node.under, path + '.1')}</msub>"
    return f"<mrow{_attrs(node, path)}>{head}{_fenced(_el(node.body, path + '.0'), '[', ']')}</mrow>"


@_el.register
def _statement(node: Statement, path: str) -> str:
    return f"<mrow{_attrs(node, path)}>{_SPACE.join(_el(c, p) for c, p in _child_paths(node, path))}</mrow>"


@_el.register
def _block(node: Block, path: str) -> str:
    rows = "".join(f"<mtr><mtd>{_el(c, p)}</mtd></mtr>" for c, p in _child_paths(node, path))
    return f"<mtable{_attrs(node, path)}>{rows}</mtable>"
