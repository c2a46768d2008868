"""The precedence tree of a formula, drawn for the terminal.

::

    update ←
    ├── v
    └── sum
        ├── product
        │   ├── β
        │   └── v
        └── ...
"""

from __future__ import annotations

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Derivative,
    Expectation,
    Gradient,
    Interval,
    Matrix,
    Node,
    Number,
    Product,
    Relation,
    Symbol,
    Text,
    Update,
)
from thirdroad.formula.names import display
from thirdroad.formula.tables import RELATION_LATEX

_UPDATE_OPS = {"leftarrow": "←", "assign": ":=", "eq": "="}
_PRODUCT_OPS = {"": "", "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "circ": "∘"}


def label(node: Node) -> str:
    """One line naming a node: its kind and, for leaves, its text."""
    if isinstance(node, Symbol):
        return display(node)
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Text):
        return f'text "{node.text}"'
    if isinstance(node, Update):
        return f"update {_UPDATE_OPS.get(node.op, node.op)}"
    if isinstance(node, Relation):
        return "relation " + " ".join(RELATION_LATEX.get(o, o).lstrip("\\") for o in node.ops)
    if isinstance(node, Product) and node.op:
        return f"product {_PRODUCT_OPS.get(node.op, node.op)}"
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        return f"apply {display(node.func)}"
    if isinstance(node, BigOp):
        return f"{node.op} (big operator)"
    if isinstance(node, Derivative):
        return "partial derivative" if node.partial else "derivative"
    if isinstance(node, Gradient | Expectation):
        return node.kind
    if isinstance(node, Matrix):
        return f"matrix {len(node.rows)}×{len(node.rows[0])}"
    if isinstance(node, Interval):
        return f"interval {node.closed}"
    return node.kind


def _children(node: Node) -> list[Node]:
    if isinstance(node, Symbol):
        return []  # indices and labels are shown in the symbol's own label
    kids = list(node.children())
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        return kids[1:]  # the function's name is already in the label
    return kids


def pretty(node: Node) -> str:
    """The tree, one node a line, children indented under their parent."""
    lines = [label(node)]
    _draw(node, "", lines)
    return "\n".join(lines)


def _draw(node: Node, prefix: str, lines: list[str]) -> None:
    kids = _children(node)
    for k, child in enumerate(kids):
        last = k == len(kids) - 1
        lines.append(f"{prefix}{'└── ' if last else '├── '}{label(child)}")
        _draw(child, prefix + ("    " if last else "│   "), lines)
