"""The typed syntax tree every notation is read into.

Every node is a frozen, slotted dataclass. ``span`` is the ``(start, end)`` character range
of the node in the original input; it takes no part in ``==`` or ``hash``, so two formulas
written differently but meaning the same tree compare equal, and trees can be used as keys
(the recognizer matches templates structurally).

Node kinds (``node.kind``):

==============  ==========================================================================
symbol          a name: ``x``, ``\\beta_1``, ``\\hat{m}_t``, ``\\mathbf{W}``, ``softmax``, ``dW``
number          ``0.9``, ``1e-8``
text            words inside a pseudo-code line (``for``, ``do``)
apply           a function applied to arguments: ``\\exp(x)``, ``\\sin x``, ``score(h, s)``
neg             unary minus
sum             n-ary sum; subtraction is a ``neg`` term
product         n-ary product; ``op`` is ``""`` (juxtaposition or ``*``), ``cdot``, ``times``,
                ``odot``, ``otimes``, ``circ``
fraction        ``\\frac{a}{b}`` and ``a / b``
power           ``x^2``
sqrt            ``\\sqrt{x}``, ``\\sqrt[n]{x}``
transpose       ``x^T``, ``x^\\top``
inverse         ``A^{-1}`` when ``A`` is a matrix (capital or bold)
norm            ``\\|x\\|_2``
abs             ``|x|``
bigop           ``\\sum``, ``\\prod``, ``\\max``, ``\\min``, ``\\arg\\max`` ... with limits
derivative      ``\\frac{\\partial L}{\\partial W}``, ``dL/dW``
gradient        ``\\nabla_\\theta J(\\theta)``
matrix          ``pmatrix``, ``bmatrix``, ``matrix``, ``array`` environments
cases           ``\\begin{cases} ... \\end{cases}``
tuple           ``(a, b)``
concat          ``[a; b]``, ``[h, x]``
set             ``\\{a, b\\}``
interval        ``[0, 1)``
relation        ``a = b``, chains ``a = b = c``, ``\\approx \\propto \\sim \\in \\le`` ...
update          ``\\theta \\leftarrow ...``, ``v := ...``, ``v = \\beta v + ...``
conditional     ``p(v | h)``
expectation     ``\\mathbb{E}_{x \\sim p}[f(x)]``
statement       a pseudo-code line: text and math side by side
block           several equations
==============  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, TypeVar

Span = tuple[int, int]

N = TypeVar("N", bound="Node")


@dataclass(frozen=True, slots=True)
class Node:
    """Base of all nodes. ``span`` is excluded from equality and hashing."""

    kind: ClassVar[str] = "node"
    span: Span = field(default=(0, 0), compare=False, repr=False, kw_only=True)

    def children(self) -> Iterator[Node]:
        """The direct child nodes, in reading order."""
        for name in _child_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, tuple):
                yield from _nodes_in(value)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, parents before children."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(list(node.children())))

    def with_span(self: N, span: Span) -> N:
        return replace(self, span=span)


def _nodes_in(value: tuple[Any, ...]) -> Iterator[Node]:
    for item in value:
        if isinstance(item, Node):
            yield item
        elif isinstance(item, tuple):
            yield from _nodes_in(item)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = tuple(
            f.name
            for f in fields(cls)
            if f.name != "span" and f.type not in ("str", "int", "bool")
        )
        _CHILD_FIELDS[cls] = names
    return names


@dataclass(frozen=True, slots=True)
class Symbol(Node):
    """A name with its decorations: ``\\hat{\\mathbf{m}}_t'`` is name m, font bf, accent hat,
    sub (t,), prime 1. ``sup`` holds a label superscript such as ``(l)`` or ``*``."""

    kind: ClassVar[str] = "symbol"
    name: str
    font: str = ""
    accent: str = ""
    sub: tuple[Node, ...] = ()
    sup: Node | None = None
    prime: int = 0


@dataclass(frozen=True, slots=True)
class Number(Node):
    kind: ClassVar[str] = "number"
    value: str


@dataclass(frozen=True, slots=True)
class Text(Node):
    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True, slots=True)
class Apply(Node):
    kind: ClassVar[str] = "apply"
    func: Node
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Neg(Node):
    kind: ClassVar[str] = "neg"
    arg: Node


@dataclass(frozen=True, slots=True)
class Sum(Node):
    kind: ClassVar[str] = "sum"
    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Product(Node):
    kind: ClassVar[str] = "product"
    factors: tuple[Node, ...]
    op: str = ""


@dataclass(frozen=True, slots=True)
class Fraction(Node):
    kind: ClassVar[str] = "fraction"
    num: Node
    den: Node


@dataclass(frozen=True, slots=True)
class Power(Node):
    kind: ClassVar[str] = "power"
    base: Node
    exp: Node


@dataclass(frozen=True, slots=True)
class Sqrt(Node):
    kind: ClassVar[str] = "sqrt"
    arg: Node
    degree: Node | None = None


@dataclass(frozen=True, slots=True)
class Transpose(Node):
    kind: ClassVar[str] = "transpose"
    arg: Node


@dataclass(frozen=True, slots=True)
class Inverse(Node):
    kind: ClassVar[str] = "inverse"
    arg: Node


@dataclass(frozen=True, slots=True)
class Norm(Node):
    kind: ClassVar[str] = "norm"
    arg: Node
    p: Node | None = None


@dataclass(frozen=True, slots=True)
class Abs(Node):
    kind: ClassVar[str] = "abs"
    arg: Node


@dataclass(frozen=True, slots=True)
class BigOp(Node):
    """``op`` is sum, prod, max, min, argmax, argmin, sup, inf, lim, int; ``under`` and
    ``over`` are the limits as written (``j=1`` and ``n`` in ``\\sum_{j=1}^n``)."""

    kind: ClassVar[str] = "bigop"
    op: str
    body: Node
    under: Node | None = None
    over: Node | None = None

    @property
    def indices(self) -> tuple[Symbol, ...]:
        """The bound index names: ``j`` in ``\\sum_{j=1}^n``, ``i, j`` in ``\\sum_{i,j}``."""
        return bound_indices(self.under)


@dataclass(frozen=True, slots=True)
class Derivative(Node):
    """``d expr / d wrt``; ``wrt`` repeats a variable for higher orders."""

    kind: ClassVar[str] = "derivative"
    expr: Node
    wrt: tuple[Node, ...]
    partial: bool = True


@dataclass(frozen=True, slots=True)
class Gradient(Node):
    kind: ClassVar[str] = "gradient"
    expr: Node
    wrt: Node | None = None


@dataclass(frozen=True, slots=True)
class Matrix(Node):
    kind: ClassVar[str] = "matrix"
    rows: tuple[tuple[Node, ...], ...]
    env: str = "pmatrix"


@dataclass(frozen=True, slots=True)
class Cases(Node):
    """Branches ``(value, condition)``; the condition is ``None`` for "otherwise"."""

    kind: ClassVar[str] = "cases"
    branches: tuple[tuple[Node, Node | None], ...]


@dataclass(frozen=True, slots=True)
class Tuple(Node):
    kind: ClassVar[str] = "tuple"
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Concat(Node):
    kind: ClassVar[str] = "concat"
    items: tuple[Node, ...]
    axis: str = "stack"  # "stack" for [a; b], "join" for [a, b]


@dataclass(frozen=True, slots=True)
class Set(Node):
    kind: ClassVar[str] = "set"
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Interval(Node):
    kind: ClassVar[str] = "interval"
    lo: Node
    hi: Node
    closed: str = "[]"  # two characters: the left and right bracket


@dataclass(frozen=True, slots=True)
class Relation(Node):
    """A chain ``operands[0] ops[0] operands[1] ops[1] ...``; ops are names such as
    ``eq``, ``approx``, ``propto``, ``sim``, ``in``, ``le``, ``lt``, ``ge``, ``gt``, ``ne``."""

    kind: ClassVar[str] = "relation"
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Update(Node):
    """``target`` gets ``value``. ``op`` is ``leftarrow``, ``assign`` (``:=``) or ``eq``."""

    kind: ClassVar[str] = "update"
    target: Node
    value: Node
    op: str = "leftarrow"


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    kind: ClassVar[str] = "conditional"
    event: Node
    given: Node


@dataclass(frozen=True, slots=True)
class Expectation(Node):
    kind: ClassVar[str] = "expectation"
    body: Node
    under: Node | None = None


@dataclass(frozen=True, slots=True)
class Statement(Node):
    kind: ClassVar[str] = "statement"
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Block(Node):
    kind: ClassVar[str] = "block"
    items: tuple[Node, ...]


NODE_TYPES: dict[str, type[Node]] = {
    cls.kind: cls
    for cls in (
        Symbol, Number, Text, Apply, Neg, Sum, Product, Fraction, Power, Sqrt, Transpose,
        Inverse, Norm, Abs, BigOp, Derivative, Gradient, Matrix, Cases, Tuple, Concat, Set,
        Interval, Relation, Update, Conditional, Expectation, Statement, Block,
    )
}


def bound_indices(under: Node | None) -> tuple[Symbol, ...]:
    """The index names bound by the limit under a big operator."""
    if under is None:
        return ()
    if isinstance(under, Symbol):
        return (under,)
    if isinstance(under, Relation) and isinstance(under.operands[0], Symbol):
        return (under.operands[0],)
    if isinstance(under, Relation) and isinstance(under.operands[0], Tuple):
        return tuple(i for i in under.operands[0].items if isinstance(i, Symbol))
    if isinstance(under, Tuple | Product):
        items = under.items if isinstance(under, Tuple) else under.factors
        out: list[Symbol] = []
        for item in items:
            out.extend(bound_indices(item))
        return tuple(out)
    return ()


def strip_spans(node: Node) -> Any:
    """A plain nested structure of the tree without spans (for tests and JSON)."""
    out: dict[str, Any] = {"kind": node.kind}
    for f in fields(node):
        if f.name == "span":
            continue
        out[f.name] = _plain(getattr(node, f.name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return strip_spans(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def symbols(node: Node) -> Iterator[Symbol]:
    """Every symbol in the tree (function names included), in reading order."""
    for n in node.walk():
        if isinstance(n, Symbol):
            yield n


def map_children(node: N, fn: Any) -> N:
    """A copy of ``node`` whose direct children are replaced by ``fn(child)`` (same span)."""
    changes: dict[str, Any] = {}
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        new = _map_value(value, fn)
        if new is not value:
            changes[name] = new
    return replace(node, **changes) if changes else node


def _map_value(value: Any, fn: Any) -> Any:
    if isinstance(value, Node):
        return fn(value)
    if isinstance(value, tuple):
        items = tuple(_map_value(v, fn) for v in value)
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items
    return value


def transform(node: Node, fn: Any) -> Node:
    """Rebuild the tree bottom-up, replacing every node by ``fn(node)``."""
    result: Node = fn(map_children(node, lambda child: transform(child, fn)))
    return result


def node_at(root: Node, path: str) -> Node:
    """The node with the given path: ``"0"`` is the root, ``"0.1"`` its second child ...
    (the ``data-node`` ids of the MathML renderer)."""
    node = root
    for part in path.split(".")[1:]:
        node = list(node.children())[int(part)]
    return node


def paths(root: Node) -> Iterator[tuple[str, Node]]:
    """Every node with its path, parents first."""
    stack: list[tuple[str, Node]] = [("0", root)]
    while stack:
        path, node = stack.pop()
        yield path, node
        kids = list(node.children())
        stack.extend((f"{path}.{k}", kid) for k, kid in reversed(list(enumerate(kids))))


def variables(node: Node) -> Iterator[Symbol]:
    """The symbols used as variables or function names: not the indices and labels inside
    other symbols (the ``z`` of ``W_z`` is not the variable ``z``)."""
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Symbol):
            yield n
            continue
        stack.extend(reversed(list(n.children())))
