"""Structural matching of formula trees against the catalog's templates.

Both sides are first brought to one canonical form (:func:`canon`, in ``normal_form.py``), so
that notations that mean the same thing give the same tree.

A template becomes a *pattern*: its declared variables turn into :class:`PVar` holes (which
match any sub-expression of a fitting kind) and its indices into :class:`PIdx` holes (which match
any index name, so ``\\sum_j`` and ``\\sum_{s'}`` are the same). Sums and products match in any
order (commutativity). A variable written with an index, ``x_i``, matches an expression *in*
that index: ``\\operatorname{score}(h_t, \\bar h_s)`` in ``s``; its other uses (``x_j``) must then
be the same expression in the other index.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import fields
from typing import TYPE_CHECKING, Any, ClassVar

from thirdroad.formula.activation_hole import activation_call, activation_concept
from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Cases,
    Derivative,
    Gradient,
    Inverse,
    Neg,
    Node,
    Number,
    Power,
    Product,
    Sum,
    Symbol,
    Transpose,
    map_children,
)
from thirdroad.formula.normal_form import canon, number_value

if TYPE_CHECKING:
    from dataclasses import dataclass as node_class
else:
    from thirdroad.formula.ast import node_class

_E = Symbol("e")

# --------------------------------------------------------------------------------------------
# patterns


@node_class(frozen=True, slots=True)
class PVar(Node):
    """A hole for the template variable ``var``; ``indices`` name the index holes it depends
    on (``x_i`` is ``PVar("x", ("i",))``). ``compound`` holes only take an expression, never a
    bare name (the score in attention weights is a computed thing, not any indexed symbol)."""

    kind: ClassVar[str] = "pvar"
    var: str
    indices: tuple[str, ...] = ()
    role: str = "tensor"
    compound: bool = False
    upper: bool = False
    shape: str = ""  # the kind of node the template wrote (derivative, apply, ...), for compound holes
    lettered: bool = False  # the template writes it with a letter index (eta_t): it may vary in time
    greek: bool = False  # the template writes it as a Greek setting letter (the gamma of layer norm)


@node_class(frozen=True, slots=True)
class PIdx(Node):
    """A hole for an index name."""

    kind: ClassVar[str] = "pidx"
    var: str


Binding = object  # a Node, or (Node, tuple of index Symbols) for a variable in an index
Bindings = Mapping[str, Binding]


def _strip(node: Node) -> Symbol | None:
    """A symbol without its subscripts, or None."""
    if isinstance(node, Symbol):
        return Symbol(node.name, node.font, node.accent, (), node.sup, node.prime)
    return None


def _subst(node: Node, mapping: Mapping[Node, Node]) -> Node:
    """``node`` with every sub-tree equal to a key replaced by its value."""
    if node in mapping:
        return mapping[node]
    return map_children(node, lambda child: _subst(child, mapping))


def _contains(node: Node, part: Node) -> bool:
    return any(n == part for n in node.walk())


def build_pattern(tree: Node, value_vars: Mapping[str, tuple[Node, str]], index_vars: Mapping[Node, str],
                  any_letter: frozenset[str] = frozenset()) -> Node:
    """Turn a canonical template tree into a pattern.

    ``value_vars`` maps a variable name to (its canonical symbol tree, its role);
    ``index_vars`` maps an index symbol to its variable name; the variables in ``any_letter`` may
    be written with a Greek letter that otherwise names a setting (a bias written β).
    """

    def abstract(node: Node) -> tuple[Node, tuple[str, ...]]:
        found: list[str] = []
        for n in node.walk():
            if isinstance(n, Symbol) and n in index_vars:
                found.append(index_vars[n])
        return _subst(node, dict.fromkeys(index_vars, Symbol("\x00"))), tuple(found)

    shapes = {name: abstract(sym) for name, (sym, _) in value_vars.items()}

    def convert(node: Node) -> Node:
        if isinstance(node, Power) and node.base == _E:
            return Power(_E, convert(node.exp))  # Euler's e, even where a variable is called e
        if isinstance(node, Symbol) and node in index_vars:
            return PIdx(index_vars[node])
        for name, (sym, role) in value_vars.items():
            upper = isinstance(sym, Symbol) and sym.name[:1].isupper()
            lettered = isinstance(sym, Symbol) and any(isinstance(s, Symbol | Sum) for s in sym.sub)
            if node == sym:
                compound = not isinstance(sym, Symbol | Derivative | Gradient)  # a gradient may be named g
                greek = (isinstance(sym, Symbol) and sym.name in _HYPER_NAMES) or name in any_letter
                return PVar(name, shapes[name][1], role, compound, upper, sym.kind, lettered, greek)
            base = _strip(node)
            if (isinstance(sym, Symbol) and not sym.sub and base == sym and isinstance(node, Symbol)
                    and node.sub and all(s in index_vars for s in node.sub)):
                return PVar(name, tuple(index_vars[s] for s in node.sub), role, False, upper)
            if shapes[name][1] and not isinstance(node, Symbol | Number):
                shape, idx = abstract(node)
                if shape == shapes[name][0] and len(idx) == len(shapes[name][1]):
                    return PVar(name, idx, role, not isinstance(sym, Symbol), upper, sym.kind)
            if shapes[name][1] and isinstance(node, Symbol) and isinstance(sym, Symbol):
                shape, idx = abstract(node)
                if shape == shapes[name][0] and len(idx) == len(shapes[name][1]):
                    return PVar(name, idx, role, False, upper)
        if isinstance(node, Apply) and isinstance(node.func, Symbol):
            # a function name stays literal, unless the template declares it (f in \nabla f(x))
            declared = any(node.func == sym for sym, _ in value_vars.values())
            return Apply(convert(node.func) if declared else node.func, tuple(convert(a) for a in node.args))
        if isinstance(node, Symbol) and _renamable(node):
            return PVar("_" + node.name + node.accent, (), "scalar", upper=node.name[:1].isupper())
        return map_children(node, convert)

    return convert(tree)


def _renamable(sym: Symbol) -> bool:
    """A name the template uses without declaring it (the mean mu of a variance): any name may
    stand in its place. Euler's e, pi, the identity I and multi-letter words stay as written."""
    if sym.sub or sym.sup is not None or sym.prime:
        return False
    return (len(sym.name) == 1 and sym.name not in "eI") or sym.name in _GREEK_SINGLE




_GREEK_SINGLE = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau "  # noqa: SIM905
    "upsilon phi varphi chi psi omega".split()
)
_HYPER_NAMES = frozenset(
    ["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "eta", "lambda", "mu", "rho", "tau", "kappa", "nu"]
)


def _fits(hole: PVar, node: Node) -> bool:
    """Whether a sub-expression may fill a hole of this role (a cheap type check)."""
    if isinstance(node, Symbol) and node.name in ("pi", "infty") and not node.sub:
        return False  # a constant, not a variable
    if hole.shape in ("derivative", "gradient") and not hole.compound and not _gradient_like(node):
        return False
    if hole.compound:
        if isinstance(node, Symbol | Number):
            return False
        if hole.shape in ("derivative", "gradient") and not isinstance(node, Derivative | Gradient):
            return False
        if hole.shape == "apply" and not isinstance(node, Apply | Product):
            return False  # a score: a function, or a product such as h^T W s
    if hole.role in ("vector", "matrix", "tensor", "function", "activation", "label") and isinstance(node, Number):
        return False
    if hole.role in ("vector", "tensor", "scalar", "hyperparameter") and not hole.upper \
            and isinstance(node, Symbol) and len(node.name) == 1 and node.name.isupper() and not node.sub:
        return False  # a capital letter is a matrix, not the template's number or vector
    if hole.role == "hyperparameter" and not hole.lettered and isinstance(node, Symbol) and \
            any(isinstance(s, Symbol | Sum) for s in node.sub):
        return False  # a setting is not indexed by time or position: f_t is a gate, not a momentum
    if hole.role == "hyperparameter" and (isinstance(node, BigOp) or (isinstance(node, Power) and any(
            isinstance(n, Symbol) and n.name == "t" for n in node.walk()))):
        return False  # nor a power to the step or a product of terms: beta^t decays, it is no drop probability
    if hole.role == "vector" and not hole.greek and isinstance(node, Symbol) and node.name in _HYPER_NAMES \
            and not any(isinstance(s, Symbol | Sum) for s in node.sub):
        return False  # alpha is a setting, not the gate vector f_t of a template written in Latin letters
    if hole.role == "matrix" and isinstance(node, Symbol):
        if node.name in _HYPER_NAMES:
            return False
        if hole.upper and not node.name[:1].isupper():
            return False
    return True


def _gradient_like(node: Node) -> bool:
    """A gradient as people write it: \\nabla J, dL/dW, or a name such as g_t, grad, dW."""
    if isinstance(node, Derivative | Gradient):
        return True
    if isinstance(node, Symbol):
        return node.name in ("g", "grad", "gradient", "delta", "Delta") or (
            node.name.startswith("d") and len(node.name) > 1 and node.name[1:2].isupper())
    return False


def _index_symbols(node: Node) -> list[Symbol]:
    """Candidate index names inside ``node``: symbols that appear as subscripts."""
    out: list[Symbol] = []
    for n in node.walk():
        if isinstance(n, Symbol):
            for s in n.sub:
                if isinstance(s, Symbol) and not s.sub and s not in out:
                    out.append(s)
    return out


def _plain_symbols(node: Node) -> list[Symbol]:
    """Single-letter names used as arguments (``x`` in ``E(x)``), candidates for an index."""
    out: list[Symbol] = []
    for n in node.walk():
        if isinstance(n, Apply):
            for a in n.args:
                if isinstance(a, Symbol) and len(a.name) == 1 and not a.sub and a not in out:
                    out.append(a)
    return out


def _eval_number(p: Node, b: Bindings) -> float | None:
    """The value of a pattern made of numbers and holes bound to numbers, else None."""
    if isinstance(p, Number):
        return number_value(p)
    if isinstance(p, PVar) and not p.indices:
        bound = b.get(p.var)
        return number_value(bound) if isinstance(bound, Node) else None
    if isinstance(p, Neg):
        v = _eval_number(p.arg, b)
        return None if v is None else -v
    if isinstance(p, Sum):
        total = 0.0
        for t in p.terms:
            v = _eval_number(t, b)
            if v is None:
                return None
            total += v
        return total
    return None


def match(p: Node, c: Node, b: Bindings) -> Iterator[Bindings]:
    """Every way the pattern ``p`` matches the canonical tree ``c``, extending bindings ``b``."""
    hole = _HOLES.get(type(p))
    if hole is not None:
        yield from hole(p, c, b)
    elif type(p) is not type(c):
        if isinstance(c, Number):
            value = _eval_number(p, b)
            if value is not None and abs(value - float(c.value)) < 1e-9:
                yield b
    else:
        yield from _SAME_KIND.get(type(p), _match_fields)(p, c, b)


def _match_index(p: PIdx, c: Node, b: Bindings) -> Iterator[Bindings]:
    if not isinstance(c, Symbol):
        return
    bound = b.get(p.var)
    if bound is None:
        yield {**b, p.var: c}
    elif bound == c:
        yield b


def _match_number(p: Number, c: Number, b: Bindings) -> Iterator[Bindings]:
    if number_value(p) == number_value(c):
        yield b


def _match_sum(p: Sum, c: Sum, b: Bindings) -> Iterator[Bindings]:
    yield from _match_unordered(p.terms, c.terms, b)


def _match_apply(p: Apply, c: Apply, b: Bindings) -> Iterator[Bindings]:
    if isinstance(p.func, PVar) and p.func.role == "activation" and len(p.args) == 1:
        yield from _match_activation(p.func, p.args[0], c, b)
    elif (isinstance(p.func, Symbol) and p.func == c.func and p.func.name in ("max", "min")
            and len(p.args) == len(c.args)):
        yield from _match_unordered(p.args, c.args, b)  # max(0, x) is max(x, 0)
    else:
        yield from _match_fields(p, c, b)


def _match_activation(func: PVar, arg: Node, c: Apply, b: Bindings) -> Iterator[Bindings]:
    """A template's declared function applied (the f of ``f(W x + b)``): any activation applied
    fills it, ``\\max(0, u)`` too (``activation_hole``)."""
    called = activation_call(c)
    if called is None:
        return
    activation, argument = called
    for b2 in _match_var(func, activation, b):
        for b3 in match(arg, argument, b2):
            # its inputs are names: in σ(W_z x_t + U_z h_{t-1}) the second product is a
            # recurrent input, not a dense layer's bias
            if all(_named_input(v) for k, v in b3.items() if k not in b2):
                yield b3


def filled(pattern: Node, bindings: Bindings) -> frozenset[str]:
    """The concepts of the activations that fill a pattern's activation holes (σ: the sigmoid)."""
    holes = {n.var for n in pattern.walk() if isinstance(n, PVar) and n.role == "activation"}
    found = (activation_concept(b) for v, b in bindings.items() if v in holes and isinstance(b, Node))
    return frozenset(c for c in found if c is not None)


def _named_input(bound: object) -> bool:
    node = bound[0] if isinstance(bound, tuple) else bound
    return isinstance(node, Symbol | Number | PVar)


_CASES_AS_WRITTEN: ContextVar[bool] = ContextVar("cases_as_written", default=False)


def matches_as_written(p: Node, c: Node) -> bool:
    """Whether the pattern matches with the branches of every piecewise part in the template's
    order and with its conditions (the numbers need not then confirm it: a condition on a label)."""
    token = _CASES_AS_WRITTEN.set(True)
    try:
        return next(match(p, c, {}), None) is not None
    finally:
        _CASES_AS_WRITTEN.reset(token)


def _match_cases(p: Cases, c: Cases, b: Bindings) -> Iterator[Bindings]:
    """A piecewise function's values in any order, its conditions left to the numbers: leaky ReLU
    is written ``x`` where ``x > 0`` and ``0.01 x`` otherwise as often as ``0.1 z`` where
    ``z < 0`` first. Recognition names a piecewise template only where the written function,
    conditions and all, computes the reference's values (``recognize._at``)."""
    if _CASES_AS_WRITTEN.get():
        yield from _match_fields(p, c, b)
        return
    yield from _match_unordered(tuple(v for v, _ in p.branches), tuple(v for v, _ in c.branches), b)


def _match_power(p: Power, c: Power, b: Bindings) -> Iterator[Bindings]:
    """A square of a difference either way round: (y - ŷ)² is (ŷ - y)² (f(x) - y squared)."""
    yield from _match_fields(p, c, b)
    base = c.base
    if number_value(p.exp) == number_value(c.exp) == 2.0 and isinstance(base, Sum) and len(base.terms) == 2 \
            and sum(isinstance(t, Neg) for t in base.terms) == 1:
        yield from match(p.base, Sum(tuple(t.arg if isinstance(t, Neg) else Neg(t) for t in base.terms)), b)


def _match_product(p: Product, c: Product, b: Bindings) -> Iterator[Bindings]:
    if p.op != c.op and not (p.op == "" and c.op == "cdot") and \
            not (p.op == "odot" and c.op == "" and not _written_as_matrix_product(c)):
        # a centred dot may be written for a plain product (lr \cdot grad), and an entrywise
        # product as a plain one (f_t * c_{t-1}); not the other way round, and not a product
        # with a weight matrix in it (W_z x_t is a matrix times a vector, not a gate times a cell)
        return
    if p.op in ("odot", "cdot", "circ") or (p.op == "" and not _order_matters(p)):
        yield from _match_unordered(p.factors, c.factors, b)
    else:
        yield from _match_ordered(p.factors, c.factors, b)


def _written_as_matrix_product(c: Product) -> bool:
    """A plain product with a factor written as a matrix: a Latin capital (``W``, ``U_z``) or a
    transposed factor. (Greek capitals stay open: Ng writes the LSTM's gates as ``\\Gamma``.)"""
    return any(isinstance(f, Transpose | Inverse) or
               (isinstance(f, Symbol) and f.name[:1].isascii() and f.name[:1].isupper() and len(f.name) == 1)
               for f in c.factors)


def _order_matters(p: Product) -> bool:
    """A product of matrices, or with a transposed factor, does not commute."""
    return any(isinstance(f, Transpose | Inverse) or (isinstance(f, PVar) and f.role == "matrix")
               or (isinstance(f, Symbol) and f.name[:1].isupper()) for f in p.factors)


def _match_fields(p: Node, c: Node, b: Bindings) -> Iterator[Bindings]:
    pairs: list[tuple[object, object]] = []
    for f in fields(p):
        if f.name == "span":
            continue
        pv, cv = getattr(p, f.name), getattr(c, f.name)
        if isinstance(pv, Node | tuple) or pv is None:
            pairs.append((pv, cv))
        elif pv != cv:
            return
    yield from _match_pairs(pairs, b)


def _match_pairs(pairs: list[tuple[object, object]], b: Bindings) -> Iterator[Bindings]:
    if not pairs:
        yield b
        return
    (pv, cv), rest = pairs[0], pairs[1:]
    if pv is None or cv is None:
        if pv is cv:
            yield from _match_pairs(rest, b)
        return
    if isinstance(pv, Node):
        if not isinstance(cv, Node):
            return
        for b2 in match(pv, cv, b):
            yield from _match_pairs(rest, b2)
        return
    if isinstance(pv, tuple) and isinstance(cv, tuple):
        if len(pv) != len(cv):
            return
        yield from _match_pairs(list(zip(pv, cv, strict=True)) + rest, b)
    elif pv == cv:  # a relation's operators, ("ne",) of a sum over i ≠ y
        yield from _match_pairs(rest, b)


def _match_ordered(ps: tuple[Node, ...], cs: tuple[Node, ...], b: Bindings) -> Iterator[Bindings]:
    if len(ps) != len(cs):
        return
    yield from _match_pairs(list(zip(ps, cs, strict=True)), b)


def _hole_last(p: Node) -> int:
    return 1 if isinstance(p, PVar | PIdx) else 0


def _match_unordered(ps: tuple[Node, ...], cs: tuple[Node, ...], b: Bindings) -> Iterator[Bindings]:
    if len(ps) != len(cs):
        return
    # literal parts first: they fail fast and bind the holes the bare holes must then agree with
    order = sorted(ps, key=_hole_last)

    def go(k: int, used: frozenset[int], b: Bindings) -> Iterator[Bindings]:
        if k == len(order):
            yield b
            return
        for j, c in enumerate(cs):
            if j in used:
                continue
            for b2 in match(order[k], c, b):
                yield from go(k + 1, used | {j}, b2)

    yield from go(0, frozenset(), b)


def _match_var(p: PVar, c: Node, b: Bindings) -> Iterator[Bindings]:
    bound = b.get(p.var)
    if not p.indices:
        if bound is None:
            if _fits(p, c):
                yield {**b, p.var: c}
        elif bound == c:
            yield b
        return
    if bound is None:
        if not _fits(p, c):
            return
        if len(p.indices) >= 2 and not p.compound and not isinstance(c, Symbol):
            return  # A_{ij}, A_{ii}: an entry of a matrix is written as a name with indices
        known = [b.get(i) for i in p.indices]
        choices = _index_symbols(c) + [s for s in _plain_symbols(c) if s not in _index_symbols(c)] \
            if not isinstance(c, Symbol) else [s for s in c.sub if isinstance(s, Symbol)]
        if isinstance(c, Symbol) and len(c.sub) < len(p.indices):
            return  # x_{ij} may be a softmax over j with i held fixed; x alone cannot
        for combo in itertools.product(*[[k] if k is not None else choices for k in known]):
            if isinstance(c, Symbol) and not all(s in c.sub for s in combo):
                continue  # a_{k-j} is an entry at a shifted place (a convolution), not the j-th entry
            if not all(isinstance(s, Symbol) and _contains(c, s) for s in combo) or \
                    len(set(zip(p.indices, combo, strict=True))) != len(set(p.indices)) or \
                    len(set(combo)) != len(set(p.indices)):
                continue  # different indices of the hole are different names the expression uses
            b2 = dict(b)
            for name, s in zip(p.indices, combo, strict=True):
                b2[name] = s
            b2[p.var] = (c, tuple(combo))
            yield b2
        return
    if not isinstance(bound, tuple):
        # the variable was also used without an index (``x`` and ``x_i``)
        if isinstance(c, Symbol) and _strip(c) == bound and len(c.sub) == len(p.indices):
            b2 = dict(b)
            for name, s in zip(p.indices, c.sub, strict=True):
                if b2.get(name, s) != s:
                    return
                b2[name] = s
            yield b2
        return
    expr, old = bound
    known = [b.get(i) for i in p.indices]
    choices = _index_symbols(c) + [s for s in _plain_symbols(c) if s not in _index_symbols(c)]
    if isinstance(c, Symbol):  # w_{y_i}: the entry at a label that has an index of its own
        choices += [s for s in c.sub if isinstance(s, Symbol) and s.sub and s not in choices]
    for combo in itertools.product(*[[k] if k is not None else choices for k in known]):
        if _subst(expr, {o: s for o, s in zip(old, combo, strict=True) if isinstance(s, Node)}) == c:
            b2 = dict(b)
            for name, s in zip(p.indices, combo, strict=True):
                b2[name] = s
            yield b2


_Matcher = Callable[[Any, Any, Bindings], Iterator[Bindings]]
# How a pattern node matches, by its kind: holes match any tree of a fitting kind; the other
# kinds match a tree of their own kind (anything else compares field by field).
_HOLES: dict[type[Node], _Matcher] = {PIdx: _match_index, PVar: _match_var}
_SAME_KIND: dict[type[Node], _Matcher] = {
    Number: _match_number,
    Sum: _match_sum,
    Apply: _match_apply,
    Product: _match_product,
    Power: _match_power,
    Cases: _match_cases,
}


# --------------------------------------------------------------------------------------------
# cheap signatures


def features(node: Node) -> frozenset[str]:
    """What a tree is made of, in words cheap to compare: node kinds, function names, big
    operators, product kinds. A pattern can only match a tree whose features include its own."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, PVar | PIdx) or _numberlike(n):
            continue  # a hole, or something that may be folded into a number
        out.add(n.kind)
        if isinstance(n, Apply) and isinstance(n.func, Symbol):
            out.add("f:" + n.func.name)
        elif isinstance(n, BigOp):
            out.add("big:" + n.op)
        elif isinstance(n, Product) and n.op:
            out.add("op:" + n.op)
        elif isinstance(n, Power) and n.base == _E:
            out.add("exp")
        stack.extend(n.children())
    return frozenset(out)


def _numberlike(node: Node) -> bool:
    if isinstance(node, Number) or (isinstance(node, PVar) and not node.indices):
        return True
    if isinstance(node, Neg):
        return _numberlike(node.arg)
    if isinstance(node, Sum):
        return all(_numberlike(t) for t in node.terms)
    return False


def heads(node: Node) -> list[str]:
    """The heads a pattern that may match ``node`` can have: its own; a plain product's for
    ``lr \\cdot grad``; a call of a declared function's (the activation of ``f(W x + b)``)."""
    out = [head(node)]
    if isinstance(node, Product) and node.op == "cdot":
        out.append(head(Product(node.factors)))
    if isinstance(node, Apply) and activation_call(node) is not None:
        out.append("apply")
    return out


def head(node: Node) -> str:
    """The kind of the top node, with its operator: what a pattern's top must equal."""
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        return "apply:" + node.func.name
    if isinstance(node, BigOp):
        return "bigop:" + node.op
    if isinstance(node, Product):
        return f"product:{node.op}:{len(node.factors)}"
    if isinstance(node, Sum):
        return f"sum:{len(node.terms)}"
    return node.kind


def size(node: Node) -> int:
    """How many operations a tree holds (leaves and holes do not count)."""
    return sum(1 for n in node.walk() if not isinstance(n, Symbol | Number | PVar | PIdx))


def replace_at(node: Node, old: Node, new: Node) -> Node:
    """``node`` with the sub-tree ``old`` (by identity) replaced by ``new``."""
    if node is old:
        return new
    return map_children(node, lambda child: replace_at(child, old, new))


__all__ = ["PIdx", "PVar", "build_pattern", "canon", "features", "filled", "head", "heads", "match", "replace_at",
           "size"]
