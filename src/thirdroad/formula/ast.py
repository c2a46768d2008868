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

import copy
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import MISSING, FrozenInstanceError, field, fields, replace
from inspect import Parameter, Signature
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

Span = tuple[int, int]

N = TypeVar("N", bound="Node")

if TYPE_CHECKING:
    # to the type checker each node class is the frozen, slotted dataclass it behaves as
    from dataclasses import dataclass as node_class
else:

    def node_class(*, frozen: bool, slots: bool) -> Callable[[type[N]], type[N]]:
        """``dataclass(frozen=True, slots=True)`` for the tree's node classes, without its
        generated code: ``dataclass`` compiles six methods for each class at import (about
        1 ms a class, a good part of a short command's start-up); here they are written once,
        below, and read each class's fields. Fields, ``replace``, ``__match_args__``, slots,
        equality, hashing, repr, pickling and freezing are the dataclass's own (a test holds
        every node class against ``dataclass``)."""
        if not (frozen and slots):
            raise TypeError("node classes are frozen and slotted")
        return _node_class


_set = object.__setattr__
_FROZEN: Any = None  # the parameters dataclass(frozen=True, slots=True) gives, shared by every node class


def _node_class(cls: Any) -> Any:
    own_doc = cls.__doc__
    cls.__doc__ = "-"  # dataclass would make one from the signature of the inherited __init__
    cls = _fields_and_slots(cls)
    every = fields(cls)
    if any(f.default_factory is not MISSING for f in every) or [f.name for f in every if f.kw_only] != ["span"]:
        raise TypeError(f"{cls.__name__}: node fields take plain defaults, and only span is keyword-only")
    positional = tuple(f.name for f in every if not f.kw_only)
    compare = tuple(f.name for f in every if f.compare)
    cls._fields = tuple(f.name for f in every)
    cls._positional = positional
    cls._defaults = defaults = {f.name: f.default for f in every if f.default is not MISSING}
    # after k positional arguments, the other fields with their defaults (None: one has none)
    cls._tails = tuple(tuple((name, defaults[name]) for name in positional[k:])
                       if all(name in defaults for name in positional[k:]) else None
                       for k in range(len(positional) + 1))
    cls._key = attrgetter(*compare) if len(compare) > 1 else _key_of(compare)
    cls._shown = tuple(f.name for f in every if f.repr)
    kinds = [(f, Parameter.KEYWORD_ONLY if f.kw_only else Parameter.POSITIONAL_OR_KEYWORD) for f in every]
    signature = Signature([Parameter(f.name, kind, default=Parameter.empty if f.default is MISSING else f.default,
                                     annotation=f.type) for f, kind in sorted(kinds, key=lambda fk: fk[1])],
                          return_annotation=None)
    cls._signature = signature
    cls.__doc__ = own_doc or cls.__name__ + str(signature).replace(" -> None", "")
    if not any(hasattr(base, "_fields") for base in cls.__mro__[1:]):  # the root: the shared methods
        for name, method in _NODE_METHODS.items():
            setattr(cls, name, method)
    return cls


def _fields_and_slots(cls: Any) -> Any:
    """``dataclass(init=False, repr=False, eq=False, slots=True)``: the fields and the slotted
    class, no generated code; its parameters then say frozen, with init, repr and eq."""
    global _FROZEN
    if _FROZEN is not None:  # dataclass refuses a class made without frozen below a frozen one;
        _FROZEN.frozen = False  # this one is frozen (by _setattr) as its bases are
    try:
        cls = dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(cls)
    finally:
        if _FROZEN is not None:
            _FROZEN.frozen = True
    if _FROZEN is None:
        _FROZEN = copy.copy(cls.__dataclass_params__)
        _FROZEN.init = _FROZEN.repr = _FROZEN.eq = _FROZEN.frozen = True
    cls.__dataclass_params__ = _FROZEN
    return cls


def _key_of(compare: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What equality and hashing compare, as a tuple (as dataclass's do), for none or one field."""
    if not compare:
        return lambda node: ()
    get = attrgetter(*compare)
    return lambda node: (get(node),)


def _init(self: Any, *args: Any, span: Span = (0, 0), **named: Any) -> None:
    cls = type(self)
    tails = cls._tails
    if named or len(args) >= len(tails) or tails[len(args)] is None:
        _fill(self, cls, args, named)
    else:  # the usual call: the first fields in order, the others their defaults
        for name, value in zip(cls._positional, args, strict=False):
            _set(self, name, value)
        for name, value in tails[len(args)]:
            _set(self, name, value)
    _set(self, "span", span)


def _fill(self: Any, cls: Any, args: tuple[Any, ...], named: dict[str, Any]) -> None:
    """``__init__``'s fields from positional and named arguments and the defaults."""
    if len(args) > len(cls._positional):
        raise TypeError(f"{cls.__qualname__}.__init__() takes {len(cls._positional) + 1} positional arguments "
                        f"but {len(args) + 1} were given")
    for name, value in zip(cls._positional, args, strict=False):
        _set(self, name, value)
    defaults = cls._defaults
    for name in cls._positional[len(args):]:
        if name in named:
            _set(self, name, named.pop(name))
        elif name in defaults:
            _set(self, name, defaults[name])
        else:
            raise TypeError(f"{cls.__qualname__}.__init__() missing 1 required argument: {name!r}")
    if named:
        raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument {next(iter(named))!r}")


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__class__._key
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(type(self)._key(self))


def _repr(self: Any) -> str:
    cls = type(self)
    return f"{cls.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in cls._shown)})"


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name) for name in type(self)._fields]


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(type(self)._fields, state, strict=False):
        _set(self, name, value)


class _Signature:
    """``inspect.signature`` of a node class: its fields' (a dataclass made below a node class
    elsewhere has an ``__init__`` of its own, and its own signature)."""

    def __get__(self, node: Any, cls: Any) -> Signature | None:
        return cls.__dict__.get("_signature") if node is None else None


_NODE_METHODS = {"__init__": _init, "__eq__": _eq, "__hash__": _hash, "__repr__": _repr, "__setattr__": _setattr,
                 "__delattr__": _delattr, "__getstate__": _getstate, "__setstate__": _setstate,
                 "__signature__": _Signature()}


@node_class(frozen=True, slots=True)
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


@node_class(frozen=True, slots=True)
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


@node_class(frozen=True, slots=True)
class Number(Node):
    kind: ClassVar[str] = "number"
    value: str


@node_class(frozen=True, slots=True)
class Text(Node):
    kind: ClassVar[str] = "text"
    text: str


@node_class(frozen=True, slots=True)
class Apply(Node):
    kind: ClassVar[str] = "apply"
    func: Node
    args: tuple[Node, ...]


@node_class(frozen=True, slots=True)
class Neg(Node):
    kind: ClassVar[str] = "neg"
    arg: Node


@node_class(frozen=True, slots=True)
class Sum(Node):
    kind: ClassVar[str] = "sum"
    terms: tuple[Node, ...]


@node_class(frozen=True, slots=True)
class Product(Node):
    kind: ClassVar[str] = "product"
    factors: tuple[Node, ...]
    op: str = ""


@node_class(frozen=True, slots=True)
class Fraction(Node):
    kind: ClassVar[str] = "fraction"
    num: Node
    den: Node


@node_class(frozen=True, slots=True)
class Power(Node):
    kind: ClassVar[str] = "power"
    base: Node
    exp: Node


@node_class(frozen=True, slots=True)
class Sqrt(Node):
    kind: ClassVar[str] = "sqrt"
    arg: Node
    degree: Node | None = None


@node_class(frozen=True, slots=True)
class Transpose(Node):
    kind: ClassVar[str] = "transpose"
    arg: Node


@node_class(frozen=True, slots=True)
class Inverse(Node):
    kind: ClassVar[str] = "inverse"
    arg: Node


@node_class(frozen=True, slots=True)
class Norm(Node):
    kind: ClassVar[str] = "norm"
    arg: Node
    p: Node | None = None


@node_class(frozen=True, slots=True)
class Abs(Node):
    kind: ClassVar[str] = "abs"
    arg: Node


@node_class(frozen=True, slots=True)
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


@node_class(frozen=True, slots=True)
class Derivative(Node):
    """``d expr / d wrt``; ``wrt`` repeats a variable for higher orders."""

    kind: ClassVar[str] = "derivative"
    expr: Node
    wrt: tuple[Node, ...]
    partial: bool = True


@node_class(frozen=True, slots=True)
class Gradient(Node):
    kind: ClassVar[str] = "gradient"
    expr: Node
    wrt: Node | None = None


@node_class(frozen=True, slots=True)
class Matrix(Node):
    kind: ClassVar[str] = "matrix"
    rows: tuple[tuple[Node, ...], ...]
    env: str = "pmatrix"


@node_class(frozen=True, slots=True)
class Cases(Node):
    """Branches ``(value, condition)``; the condition is ``None`` for "otherwise"."""

    kind: ClassVar[str] = "cases"
    branches: tuple[tuple[Node, Node | None], ...]


@node_class(frozen=True, slots=True)
class Tuple(Node):
    kind: ClassVar[str] = "tuple"
    items: tuple[Node, ...]


@node_class(frozen=True, slots=True)
class Concat(Node):
    kind: ClassVar[str] = "concat"
    items: tuple[Node, ...]
    axis: str = "stack"  # "stack" for [a; b], "join" for [a, b]


@node_class(frozen=True, slots=True)
class Set(Node):
    kind: ClassVar[str] = "set"
    items: tuple[Node, ...]


@node_class(frozen=True, slots=True)
class Interval(Node):
    kind: ClassVar[str] = "interval"
    lo: Node
    hi: Node
    closed: str = "[]"  # two characters: the left and right bracket


@node_class(frozen=True, slots=True)
class Relation(Node):
    """A chain ``operands[0] ops[0] operands[1] ops[1] ...``; ops are names such as
    ``eq``, ``approx``, ``propto``, ``sim``, ``in``, ``le``, ``lt``, ``ge``, ``gt``, ``ne``."""

    kind: ClassVar[str] = "relation"
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@node_class(frozen=True, slots=True)
class Update(Node):
    """``target`` gets ``value``. ``op`` is ``leftarrow``, ``assign`` (``:=``) or ``eq``."""

    kind: ClassVar[str] = "update"
    target: Node
    value: Node
    op: str = "leftarrow"


@node_class(frozen=True, slots=True)
class Conditional(Node):
    kind: ClassVar[str] = "conditional"
    event: Node
    given: Node


@node_class(frozen=True, slots=True)
class Expectation(Node):
    kind: ClassVar[str] = "expectation"
    body: Node
    under: Node | None = None


@node_class(frozen=True, slots=True)
class Statement(Node):
    kind: ClassVar[str] = "statement"
    parts: tuple[Node, ...]


@node_class(frozen=True, slots=True)
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
