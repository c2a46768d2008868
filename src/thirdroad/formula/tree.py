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

from functools import singledispatch

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Derivative,
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


@singledispatch
def label(node: Node) -> str:
    """One line naming a node: its kind and, for leaves, its text."""
    return node.kind


label.register(Symbol, display)


@label.register
def _number(node: Number) -> str:
    return node.value


@label.register
def _text(node: Text) -> str:
    return f'text "{node.text}"'


@label.register
def _update(node: Update) -> str:
    return f"update {_UPDATE_OPS.get(node.op, node.op)}"


@label.register
def _relation(node: Relation) -> str:
    return "relation " + " ".join(RELATION_LATEX.get(o, o).lstrip("\\") for o in node.ops)


@label.register
def _product(node: Product) -> str:
    return f"product {_PRODUCT_OPS.get(node.op, node.op)}" if node.op else node.kind


@label.register
def _apply(node: Apply) -> str:
    return f"apply {display(node.func)}" if isinstance(node.func, Symbol) else node.kind


@label.register
def _bigop(node: BigOp) -> str:
    return f"{node.op} (big operator)"


@label.register
def _derivative(node: Derivative) -> str:
    return "partial derivative" if node.partial else "derivative"


@label.register
def _matrix(node: Matrix) -> str:
    return f"matrix {len(node.rows)}×{len(node.rows[0])}"


@label.register
def _interval(node: Interval) -> str:
    return f"interval {node.closed}"


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
