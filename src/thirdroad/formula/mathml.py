"""MathML Core for a syntax tree.

Every node's element carries ``data-node`` (its path: ``0`` is the root, ``0.1`` the root's
second child, as in ``ast.node_at``) and ``data-span`` (``start,end`` in the input), so the
browser can draw a box around any chunk.
"""

from __future__ import annotations

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
from thirdroad.formula.latex import FACTOR, PRODUCT, SUM, strength
from thirdroad.formula.names import base_text

_OPS = {"": "\u2062", "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "circ": "∘",
        "star": "⋆", "oplus": "⊕", "div": "÷", "cap": "∩", "cup": "∪", "setminus": "∖",
        "wedge": "∧", "vee": "∨"}
_RELATIONS = {"eq": "=", "approx": "≈", "propto": "∝", "sim": "∼", "in": "∈", "notin": "∉",
              "le": "≤", "ge": "≥", "lt": "<", "gt": ">", "ne": "≠", "equiv": "≡",
              "simeq": "≃", "cong": "≅", "to": "→", "mapsto": "↦", "subset": "⊂",
              "subseteq": "⊆", "ll": "≪", "gg": "≫", "def": "≜", "implies": "⇒", "iff": "⇔",
              "perp": "⊥", "parallel": "∥", "models": "⊨", "vdash": "⊢", "assign": "≔",
              "leftarrow": "←"}
_BIG = {"sum": "∑", "prod": "∏", "max": "max", "min": "min", "argmax": "arg max",
        "argmin": "arg min", "sup": "sup", "inf": "inf", "lim": "lim", "int": "∫",
        "union": "⋃", "intersection": "⋂"}
_SPACE = '<mspace width="0.5em"/>'
_UPDATE = {"leftarrow": "←", "assign": "≔", "eq": "="}


def to_mathml(node: Node, display: str = "block") -> str:
    """``<math>`` markup for the tree."""
    return f'<math display="{display}">{_el(node, "0")}</math>'


def latex_to_mathml(latex: str, display: str = "inline") -> str:
    """``<math>`` markup for a LaTeX formula the package wrote itself (a near-miss's likely
    intended formula, kept as LaTeX in the JSON), or "" if it cannot be read."""
    from thirdroad.formula.errors import FormulaError
    from thirdroad.formula.parse import parse

    try:
        markup = to_mathml(parse(latex).root, "inline" if display == "inline" else "block")
    except FormulaError:
        return ""
    # in a line of text, a fraction keeps its full size (an inline one shrinks to unreadable)
    return markup.replace('<math display="inline">', '<math display="inline" displaystyle="true">', 1)


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


def _el(node: Node, path: str) -> str:
    a = _attrs(node, path)
    kids = _child_paths(node, path)
    if isinstance(node, Symbol):
        return _symbol(node, path)
    if isinstance(node, Number):
        return f"<mn{a}>{escape(node.value)}</mn>"
    if isinstance(node, Text):
        return f"<mtext{a}>{escape(node.text)}</mtext>"
    if isinstance(node, Apply):
        func, fpath = kids[0]
        args = _mo(",").join(_el(c, p) for c, p in kids[1:])
        return f"<mrow{a}>{_el(func, fpath)}{_mo(chr(0x2061))}{_fenced(args, '(', ')')}</mrow>"
    if isinstance(node, Neg):
        return f"<mrow{a}>{_mo('−')}{_wrapped(*kids[0], PRODUCT)}</mrow>"
    if isinstance(node, Sum):
        parts = []
        for k, (term, p) in enumerate(kids):
            if isinstance(term, Neg):
                inner = _wrapped(term.arg, p + ".0", PRODUCT)
                parts.append(f"<mrow{_attrs(term, p)}>{_mo('−')}{inner}</mrow>")
            else:
                parts.append((_mo("+") if k else "") + _wrapped(term, p, PRODUCT))
        return f"<mrow{a}>{''.join(parts)}</mrow>"
    if isinstance(node, Product):
        op = _mo(_OPS.get(node.op, "\u2062"))
        return f"<mrow{a}>{op.join(_wrapped(c, p, FACTOR) for c, p in kids)}</mrow>"
    if isinstance(node, Fraction):
        return f"<mfrac{a}>{''.join(_el(c, p) for c, p in kids)}</mfrac>"
    if isinstance(node, Power):
        return f"<msup{a}>{_wrapped(*kids[0], FACTOR)}{_el(*kids[1])}</msup>"
    if isinstance(node, Transpose):
        return f"<msup{a}>{_wrapped(*kids[0], FACTOR)}{_mo('⊤')}</msup>"
    if isinstance(node, Inverse):
        return f"<msup{a}>{_wrapped(*kids[0], FACTOR)}<mrow>{_mo('−')}<mn>1</mn></mrow></msup>"
    if isinstance(node, Sqrt):
        if node.degree is not None:
            return f"<mroot{a}>{_el(*kids[0])}{_el(*kids[1])}</mroot>"
        return f"<msqrt{a}>{_el(*kids[0])}</msqrt>"
    if isinstance(node, Norm):
        inner = f"<mrow>{_fenced(_el(*kids[0]), '‖', '‖')}</mrow>"
        if node.p is not None:
            return f"<msub{a}>{inner}{_el(*kids[1])}</msub>"
        return inner.replace("<mrow>", f"<mrow{a}>", 1)
    if isinstance(node, Abs):
        return f"<mrow{a}>{_fenced(_el(*kids[0]), '|', '|')}</mrow>"
    if isinstance(node, BigOp):
        head = _mo(_BIG.get(node.op, node.op))
        body = _wrapped(*kids[0], PRODUCT)
        limits = [_el(c, p) for c, p in kids[1:]]
        if node.under is not None and node.over is not None:
            head = f"<munderover>{head}{limits[0]}{limits[1]}</munderover>"
        elif node.under is not None:
            head = f"<munder>{head}{limits[0]}</munder>"
        elif node.over is not None:
            head = f"<mover>{head}{limits[0]}</mover>"
        return f"<mrow{a}>{head}{body}</mrow>"
    if isinstance(node, Derivative):
        d = "∂" if node.partial else "d"
        top = f"<mrow>{_mo(d)}{_wrapped(*kids[0], FACTOR)}</mrow>"
        bottom = "".join(f"{_mo(d)}{_wrapped(c, p, FACTOR)}" for c, p in kids[1:])
        return f"<mfrac{a}>{top}<mrow>{bottom}</mrow></mfrac>"
    if isinstance(node, Gradient):
        head = _mo("∇")
        if node.wrt is not None:
            head = f"<msub>{head}{_el(*kids[1])}</msub>"
        return f"<mrow{a}>{head}{_wrapped(*kids[0], FACTOR)}</mrow>"
    if isinstance(node, Matrix):
        rows = "".join(
            "<mtr>" + "".join(
                f"<mtd>{_el(c, f'{path}.{r * len(row) + k}')}</mtd>" for k, c in enumerate(row)
            ) + "</mtr>"
            for r, row in enumerate(node.rows)
        )
        left, right = {"bmatrix": ("[", "]"), "vmatrix": ("|", "|"), "Bmatrix": ("{", "}"),
                       "matrix": ("", ""), "array": ("", ""),
                       "smallmatrix": ("", "")}.get(node.env, ("(", ")"))
        table = f"<mtable>{rows}</mtable>"
        return f"<mrow{a}>{_fenced(table, left, right) if left else table}</mrow>"
    if isinstance(node, Cases):
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
        return f"<mrow{a}>{_mo('{', True)}<mtable>{''.join(lines)}</mtable></mrow>"
    if isinstance(node, Tuple | Concat | Set):
        left, right = ("(", ")") if isinstance(node, Tuple) else ("[", "]") if isinstance(
            node, Concat) else ("{", "}")
        sep = ";" if isinstance(node, Concat) and node.axis == "stack" else ","
        return f"<mrow{a}>{_fenced(_mo(sep).join(_el(c, p) for c, p in kids), left, right)}</mrow>"
    if isinstance(node, Interval):
        inner = _mo(",").join(_el(c, p) for c, p in kids)
        return f"<mrow{a}>{_fenced(inner, node.closed[0], node.closed[1])}</mrow>"
    if isinstance(node, Relation):
        parts = [_wrapped(*kids[0], SUM)]
        for op, (c, p) in zip(node.ops, kids[1:], strict=True):
            parts.append(_mo(_RELATIONS.get(op, op)) + _wrapped(c, p, SUM))
        return f"<mrow{a}>{''.join(parts)}</mrow>"
    if isinstance(node, Update):
        op = _mo(_UPDATE.get(node.op, "←"))
        return f"<mrow{a}>{_el(*kids[0])}{op}{_wrapped(*kids[1], SUM)}</mrow>"
    if isinstance(node, Conditional):
        return f"<mrow{a}>{_el(*kids[0])}{_mo('|')}{_el(*kids[1])}</mrow>"
    if isinstance(node, Expectation):
        head = '<mi mathvariant="normal">𝔼</mi>'
        if node.under is not None:
            head = f"<msub>{head}{_el(*kids[1])}</msub>"
        return f"<mrow{a}>{head}{_fenced(_el(*kids[0]), '[', ']')}</mrow>"
    if isinstance(node, Statement):
        return f"<mrow{a}>{_SPACE.join(_el(c, p) for c, p in kids)}</mrow>"
    if isinstance(node, Block):
        rows = "".join(f"<mtr><mtd>{_el(c, p)}</mtd></mtr>" for c, p in kids)
        return f"<mtable{a}>{rows}</mtable>"
    raise TypeError(f"no MathML for {type(node).__name__}")
