"""What recognition finds: the chunks of a formula (:class:`Found`), the whole result
(:class:`Recognition`), and where in a formula its statements and its main expression sit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from thirdroad.concepts import Template
from thirdroad.formula.ast import Block, Node, Number, Relation, Statement, Symbol, Text, Update
from thirdroad.formula.reading import Formula
from thirdroad.formula.tables import CONDITION_RELATIONS

# --------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True)
class Found:
    """One recognised chunk: a node of the formula and the concept it is."""

    path: str
    node: Node  # the node as parsed (span kept)
    canon: Node
    concept: str
    template: Template
    bindings: Mapping[str, Any]  # variable name -> Node, or (Node, index symbols)
    method: str  # "structural", "numeric" or "name"
    confirmed: bool  # whether the numbers were checked
    named: str = ""  # "name" where the formula writes the concept's name, "words" where the text around it does

    @property
    def evidence(self) -> tuple[str, ...]:
        """What the chunk is named on: ``structure``, ``numbers``, ``name`` (written in the
        formula), ``words`` (the text around it)."""
        out = [{"structural": "structure", "numeric": "numbers"}.get(self.method, "")]
        if self.method == "structural" and self.confirmed:
            out.append("numbers")
        if self.named:
            out.append(self.named)
        return tuple(e for e in out if e)


@dataclass
class Recognition:
    """What :func:`recognize` finds: the chunks (several per node where several concepts fit),
    the formula's main expression, and each node's canonical form, by path."""

    formula: Formula
    found: list[Found] = field(default_factory=list)
    main: Node | None = None  # the expression the formula is about (right-hand side)
    main_path: str = ""
    canon_of: dict[str, Node] = field(default_factory=dict)  # path -> canonical node
    nodes: dict[str, Node] = field(default_factory=dict)  # path -> node
    claims: frozenset[str] = frozenset()  # concepts the words around the formula name
    families: frozenset[str] = frozenset()  # families of concepts the words name (initialisation)
    weak: list[Found] = field(default_factory=list)  # matches too weak to name (evidence.enough)
    contradicted: list[tuple[str, str]] = field(default_factory=list)  # (path, concept) a name gives, the numbers deny

    @property
    def defining(self) -> list[str]:
        """The concepts of the formula's main expression, the one to name first first."""
        return [f.concept for f in self.found if f.path == self.main_path]


SKIP = (Symbol, Number, Text, Relation, Update, Block, Statement)


def whole_paths(root: Node, path: str = "0") -> frozenset[str]:
    """The paths of the expressions that are a whole statement of the formula: each side of each
    equation (``\\frac{df}{dx} = 2x`` is about df/dx as much as about 2x), each line's value."""
    if isinstance(root, Block):
        return frozenset(p for k, item in enumerate(root.items) for p in whole_paths(item, f"{path}.{k}"))
    if isinstance(root, Statement):
        return frozenset(p for k, part in enumerate(root.parts) if not isinstance(part, Text)
                         for p in whole_paths(part, f"{path}.{k}"))
    if isinstance(root, Relation):
        return frozenset(f"{path}.{k}" for k in range(len(root.operands)))
    if isinstance(root, Update):
        return frozenset({f"{path}.1"})
    return frozenset({path})


def target_of(path: str, nodes: Mapping[str, Node]) -> Node | None:
    """What the statement whose value sits at ``path`` assigns to (its left-hand side)."""
    parent = nodes.get(path.rsplit(".", 1)[0]) if "." in path else None
    if isinstance(parent, Update):
        return parent.target
    if isinstance(parent, Relation) and path.endswith(f".{len(parent.operands) - 1}"):
        return parent.operands[0]
    return None


def main_path(root: Node) -> str:
    """The path of the expression a formula defines: the right-hand side of its (last) equation."""
    path, node = "0", root
    while True:
        if isinstance(node, Block) and node.items:
            kids = [k for k, item in enumerate(node.items) if not isinstance(item, Text | Statement)]
            if not kids:
                return path
            path, node = f"{path}.{kids[-1]}", node.items[kids[-1]]
        elif isinstance(node, Statement) and any(not isinstance(p, Text) for p in node.parts):
            k = max(i for i, p in enumerate(node.parts) if not isinstance(p, Text))
            path, node = f"{path}.{k}", node.parts[k]
        elif isinstance(node, Relation):
            if any(op in CONDITION_RELATIONS for op in node.ops):
                return path  # ‖g‖ ≤ 5 states a condition; it does not define its right-hand side
            k = len(node.operands) - 1
            path, node = f"{path}.{k}", node.operands[k]
        elif isinstance(node, Update):
            path, node = f"{path}.1", node.value
        else:
            return path


__all__ = ["SKIP", "Found", "Recognition", "main_path", "target_of", "whole_paths"]
