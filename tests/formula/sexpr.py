"""A compact, hand-writable spelling of a syntax tree, for exact-structure checks.

Symbols are written ``name`` with ``_`` indices, ``^(label)``, trailing ``'`` and font or
accent wrappers: ``beta_1``, ``hat(m)_t``, ``bf(W)``, ``h^(t)``, ``h_{t-1}``.
Everything else is ``(kind child ...)``: ``(+ a (- b))``, ``(* a b)``, ``(odot a b)``,
``(/ a b)``, ``(^ x 2)``, ``(apply exp x)``, ``(sum j (^ e x_j))``, ``(update v ...)``.
"""

from __future__ import annotations

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Interval,
    Matrix,
    Neg,
    Node,
    Number,
    Product,
    Relation,
    Sum,
    Symbol,
    Text,
    Update,
)


def _index(node: Node) -> str:
    if isinstance(node, Symbol | Number) and not getattr(node, "sub", ()):
        return sexpr(node)
    if isinstance(node, Sum):
        out = _index(node.terms[0])
        for t in node.terms[1:]:
            out += f"-{_index(t.arg)}" if isinstance(t, Neg) else f"+{_index(t)}"
        return out
    return sexpr(node)


def _symbol(node: Symbol) -> str:
    out = node.name
    if node.font:
        out = f"{node.font}({out})"
    if node.accent:
        out = f"{node.accent}({out})"
    if node.sub:
        parts = [_index(s) for s in node.sub]
        joined = ",".join(parts)
        out += f"_{joined}" if len(parts) == 1 and len(joined) == 1 else f"_{{{joined}}}"
    if node.sup is not None:
        out += f"^({_index(node.sup)})"
    return out + "'" * node.prime


_HEADS = {"sum": "+", "neg": "-", "fraction": "/", "power": "^"}


def sexpr(node: Node | None) -> str:
    if node is None:
        return "_"
    if isinstance(node, Symbol):
        return _symbol(node)
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Text):
        return repr(node.text)
    if isinstance(node, Product):
        head = "*" if node.op == "" else node.op
        return f"({head} {' '.join(sexpr(f) for f in node.factors)})"
    if isinstance(node, Apply):
        return f"(apply {sexpr(node.func)} {' '.join(sexpr(a) for a in node.args)})"
    if isinstance(node, BigOp):
        parts = [node.op, sexpr(node.under)]
        if node.over is not None:
            parts.append(sexpr(node.over))
        return f"({' '.join(parts)} {sexpr(node.body)})"
    if isinstance(node, Relation):
        inner = " ".join(f"{sexpr(o)}" for o in node.operands)
        return f"({' '.join(node.ops)} {inner})"
    if isinstance(node, Update):
        op = "update" if node.op != "eq" else "update="
        return f"({op} {sexpr(node.target)} {sexpr(node.value)})"
    if isinstance(node, Matrix):
        rows = " ".join("[" + " ".join(sexpr(c) for c in row) + "]" for row in node.rows)
        return f"({node.env} {rows})"
    if isinstance(node, Interval):
        return f"(interval{node.closed} {sexpr(node.lo)} {sexpr(node.hi)})"
    head = _HEADS.get(node.kind, node.kind)
    kids = [sexpr(c) for c in node.children()]
    if node.kind in ("cases",):
        kids = [f"[{sexpr(v)} {sexpr(c)}]" for v, c in node.branches]  # type: ignore[attr-defined]
    return f"({head} {' '.join(kids)})"
