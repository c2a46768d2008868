"""How tightly each kind of node binds, for every renderer: a child weaker than its slot is
put in brackets (LaTeX, MathML, words and Unicode all ask the same question).

Loosest first: a statement, a relation, a sum, a product, a factor.
"""

from __future__ import annotations

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Block,
    Conditional,
    Neg,
    Node,
    Product,
    Relation,
    Statement,
    Sum,
    Symbol,
    Update,
)

STATEMENT, RELATION, SUM, PRODUCT, FACTOR = 0, 1, 2, 3, 4

_STRENGTH: dict[type[Node], int] = {
    Block: STATEMENT, Statement: STATEMENT,
    Relation: RELATION, Update: RELATION, Conditional: RELATION,
    Sum: SUM, Neg: SUM,
    Product: PRODUCT, BigOp: PRODUCT,
}
_SIGN_FUNCTIONS = frozenset({"pm", "mp", "not"})  # ±x and ¬x bind like a sign


def strength(node: Node) -> int:
    """How tightly a node binds: a child weaker than its slot needs brackets."""
    if isinstance(node, Apply):
        func = node.func
        return SUM if isinstance(func, Symbol) and func.name in _SIGN_FUNCTIONS else FACTOR
    return _STRENGTH.get(type(node), FACTOR)
