"""Recognition: find the catalog's concepts inside a formula, at every level.

Every sub-expression is a candidate. For each one:

1. **structural**: the catalog's templates (parsed and turned into patterns once, then cached)
   are filtered by cheap signatures (the kind of the top node, the operations present) and the
   survivors are matched modulo commutativity, associativity, renaming and notation
   (``match.py``);
2. **numeric confirmation**: where the match bound plain names, the chunk is evaluated on random
   inputs and compared with the concept's NumPy reference called with the bindings. A match the
   numbers contradict is dropped;
3. **numeric search**: a sub-expression no template matched, with one or two inputs, is
   evaluated on fixed inputs and looked up among the references' values on the same inputs
   (a softmax with a temperature, ``\\tanh(x/2)/2 + 1/2``); a hit is confirmed on random inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Catalog, Template
from thirdroad.formula.ast import (
    Apply,
    Block,
    Derivative,
    Gradient,
    Node,
    Number,
    Product,
    Relation,
    Statement,
    Sum,
    Symbol,
    Text,
    Update,
    map_children,
    paths,
)
from thirdroad.formula.claims import claims
from thirdroad.formula.confirm import agree, atom_name, computable, confirm, numeric_search
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.match import features, head, match, size
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import Formula, parse
from thirdroad.formula.tables import CONDITION_RELATIONS
from thirdroad.formula.templates import (
    DISTINCT,
    CompiledTemplate,
    Library,
    compile_template,
    compiled,
    library,
    same_formula,
    symbol_tree,
)

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
    method: str  # "structural" or "numeric"
    confirmed: bool  # whether the numbers were checked


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

    @property
    def defining(self) -> list[str]:
        """The concepts of the formula's main expression, the one to name first first."""
        return [f.concept for f in self.found if f.path == self.main_path]


_SKIP = (Symbol, Number, Text, Relation, Update, Block, Statement)


def _main_path(root: Node) -> str:
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


_LOOSE_OPS = frozenset({"op:odot"})  # an entrywise product may be written as a plain one
_SEARCH_FEATURES = frozenset({"exp", "fraction", "bigop", "sqrt", "abs", "norm", "f:tanh", "f:log", "f:sigma",
                              "f:max", "f:min"})


def _order(hits: Mapping[str, Found]) -> list[str]:
    """The concepts of one chunk, the one to name first first: the template written with the
    chunk's own names (hats on m and v say Adam rather than RMSProp), then a concept the others
    all build on (the softmax inside attention weights), then the more specific."""
    cat = concepts_module.catalog()
    ids = list(hits)
    names = {}
    for c in ids:
        ct = compiled(hits[c].template)
        names[c] = agreement(ct, hits[c].bindings) if ct is not None else 0
    best = max(ids, key=lambda c: names[c]) if ids else ""

    def key(c: str) -> tuple[int, int, int, str]:
        # the concept under all the others, where it computes the same thing: the EMA line of
        # Adam is an EMA first; Adam's step is Adam, not RMSProp, although Adam builds on it
        under_all = len(ids) > 1 and all(c in cat.ancestors(o) for o in ids if o != c) and \
            hits[c].template.reference == hits[best].template.reference
        return (0 if under_all else 1, -names[c], -len(cat.ancestors(c)), c)

    return sorted(ids, key=key)


def recognize(formula: Formula | str, *, context: str = "", seed: int = 0) -> Recognition:
    """Find the chunks of a formula (see the module docstring)."""
    if isinstance(formula, str):
        formula = parse(formula)
    lib = library()
    result = Recognition(formula, main_path=_main_path(formula.root), claims=claims(formula, context))
    memo: dict[int, Node] = {}
    for path, node in paths(formula.root):
        result.nodes[path] = node
        if isinstance(node, _SKIP):
            continue
        cnode = canon(node, memo)
        result.canon_of[path] = cnode
        found = _at(path, node, cnode, lib, seed)
        result.found.extend(found)
        if isinstance(cnode, Sum) and not found:
            result.found.extend(_parts_of_sum(path, node, cnode, lib, seed))
    main = result.nodes.get(result.main_path)
    result.main = main
    return result


def _parts_of_sum(path: str, node: Node, cnode: Sum, lib: Library, seed: int) -> list[Found]:
    """Concepts made of some of the terms of a longer sum (associativity: a + b + c holds the
    chunk a + c). AdamW written out is Adam's step plus a weight decay term."""
    terms = cnode.terms
    if not 3 <= len(terms) <= 6:
        return []
    originals = _terms(node)
    out: list[Found] = []
    taken: list[set[int]] = []
    for k in range(len(terms) - 1, 1, -1):
        for chosen in itertools.combinations(range(len(terms)), k):
            if any(set(chosen) <= t for t in taken):
                continue  # inside a part already named
            part = Sum(tuple(terms[i] for i in chosen))
            hits = [f for f in _at(f"{path}[{','.join(map(str, chosen))}]", node, part, lib, seed)
                    if not _compiled_generic(f.template)]
            if not hits:
                continue
            taken.append(set(chosen))
            shown = node
            if len(originals) == len(terms):
                picked = [originals[i] for i in chosen]
                shown = Sum(tuple(picked)).with_span((min(t.span[0] for t in picked), max(t.span[1] for t in picked)))
            out.extend(Found(f.path, shown, part, f.concept, f.template, f.bindings, f.method, f.confirmed)
                       for f in hits)
    return out


def _terms(node: Node) -> tuple[Node, ...]:
    """The terms of a sum as written, nested sums flattened (as the canonical form does)."""
    if isinstance(node, Sum):
        return tuple(t for term in node.terms for t in _terms(term))
    return (node,)


def _compiled_generic(template: Template) -> bool:
    ct = compiled(template)
    return ct is None or ct.generic


def _at(path: str, node: Node, cnode: Node, lib: Library, seed: int) -> list[Found]:
    """The concepts one node is."""
    feats = features(cnode)
    hits: dict[str, Found] = {}
    heads = [head(cnode)]
    if isinstance(cnode, Product) and cnode.op == "cdot":
        heads.append(head(Product(cnode.factors)))  # lr \cdot grad may be a plain product
    for ct in (t for h in heads for t in lib.by_head.get(h, ())):
        if ct.concept in hits or not ct.features - _LOOSE_OPS <= feats:
            continue
        if ct.generic and not ct.features <= feats:
            continue  # a tiny template must be written as it is: mu + sigma eps is no product of entries
        for bindings in _first(match(ct.pattern, cnode, {}), 4):
            if not _weights_known(ct.template, bindings):
                continue  # w_i x_i is a weighted sum; an average needs weights that add up to one
            atoms_only = ct.generic or concepts_module.catalog()[ct.concept].family == "optimizers"
            weights = {v for v, _ in ct.template.normalised}  # known to be weights, so any expression
            if atoms_only and not all(_is_atom(b) or v in ct.compound or v in weights
                                      or (ct.generic and ct.roles.get(v) == "tensor")
                                      for v, b in bindings.items()):
                continue  # an elementwise function may take any expression: max(0, Wx + b)
            if ct.generic and not _plausible(ct, bindings, feats):
                continue
            verdict = confirm(ct, cnode, bindings, seed)
            if verdict is False or (ct.generic and verdict is None and not ct.features & DISTINCT & feats):
                continue
            hits[ct.concept] = Found(path, node, cnode, ct.concept, ct.template, bindings,
                                     "structural", verdict is True)
            break
    if not hits and size(cnode) >= 3 and feats & _SEARCH_FEATURES:
        by_value = numeric_search(cnode, lib, seed)
        cat = concepts_module.catalog()
        ids = {ct.concept for ct, _ in by_value}
        for ct, mapping in by_value:
            if ct.concept in hits or cat.ancestors(ct.concept) & ids:
                continue  # a numeric hit names the plainest concept that computes it
            bindings = {var: _input_node(cnode, name) for var, name in mapping.items()}
            if not _weights_known(ct.template, bindings):
                continue
            hits[ct.concept] = Found(path, node, cnode, ct.concept, ct.template, bindings, "numeric", True)
    hits = _prune(hits)
    for found in list(hits.values()):
        if found.method == "structural":
            for other, template in same_formula(found.template):
                hits.setdefault(other, Found(path, node, cnode, other, template, found.bindings, "structural", False))
    return [hits[c] for c in _order(hits)]


def _weights_known(template: Template, bindings: Mapping[str, Any]) -> bool:
    """Whether every variable the template wants to hold weights that add up to one (its
    ``normalised``) is bound to such weights, as far as the formula shows: a name written for
    them (the template's own symbol, or a name the catalog lists for it: ``\\alpha_i``, ``\\pi_k``,
    ``a_t(s)``), or a call of a concept whose values add up to one (``\\operatorname{softmax}(z)_i``).
    Anything else (``w_i``, the ``v_i`` of ``\\sum_i v_i W_{ij}``) may be any numbers, so the sum is a
    weighted sum, not an average. (Weights divided by their own total are the first template of
    a weighted average, and the canonical form folds a written-out softmax into one fraction.)"""
    for var, _ in template.normalised:
        bound = bindings.get(var)
        if bound is None:
            continue
        node, indices = bound if isinstance(bound, tuple) else (bound, ())
        if _weight_shape(node, tuple(indices)) not in _weight_shapes(template, var) and not _sums_to_one_call(node):
            return False
    return True


_ANY_INDEX = Symbol("\x00")


def _weight_shape(node: Node, indices: tuple[Node, ...]) -> Node:
    """How a name of weights is written, up to its subscripts and the name of its index:
    ``\\alpha_{ij}`` and ``\\alpha_t`` are ``\\alpha``; ``a_t(s)`` and ``a_t(s')`` (over s, s') are one shape,
    whether read as a call or as a product."""

    def go(n: Node) -> Node:
        if isinstance(n, Symbol):
            return _ANY_INDEX if n in indices else Symbol(n.name, "", n.accent, (), n.sup, n.prime)
        if isinstance(n, Apply):
            return Product(tuple(go(part) for part in (n.func, *n.args)))
        return map_children(n, go)

    return go(node)


@lru_cache(maxsize=256)
def _weight_shapes(template: Template, var: str) -> frozenset[Node]:
    """The shapes of the names written for the weights ``var`` of a template: its own symbol and
    the names its ``normalised`` lists, with the template's indices as any index."""
    indices = tuple(sym for v in template.variables if v.role in ("index", "bound_index") and v.written
                    if (sym := symbol_tree(v.symbol)) is not None)
    names = (template.variable(var).symbol, *dict(template.normalised)[var])
    return frozenset(_weight_shape(sym, indices) for name in names if (sym := symbol_tree(name)) is not None)


def _sums_to_one_call(node: Node) -> bool:
    """``\\operatorname{softmax}(z)_i``: a concept whose values add up to one, called by its name."""
    return isinstance(node, Apply) and isinstance(node.func, Symbol) and \
        node.func.name.lower() in _sums_to_one_names(concepts_module.catalog())


@lru_cache(maxsize=2)
def _sums_to_one_names(cat: Catalog) -> frozenset[str]:
    """The one-word names (id, name, aliases) of the concepts marked ``sums_to_one``."""
    return frozenset(name for c in cat if c.sums_to_one
                     for name in (c.id, c.name.lower(), *(a.lower() for a in c.aliases)) if name.isalpha())


def _prune(hits: dict[str, Found]) -> dict[str, Found]:
    """Where several unrelated templates fit one chunk, keep those written with the chunk's own
    names: ``\\sum_i x_i y_i`` is a dot product rather than an average with weights ``x``, and
    ``(e^x - e^{-x}) / (e^x + e^{-x})`` a tanh rather than a standardisation of ``e^x``."""
    if len(hits) < 2:
        return hits
    cat = concepts_module.catalog()
    score = {}
    for cid, found in hits.items():
        ct = compiled(found.template)
        score[cid] = agreement(ct, found.bindings) if ct is not None else 0
    best = max(score.values())
    keep = {c for c, s in score.items() if s == best}
    related = {c for c in hits for k in keep if c in cat.ancestors(k) or k in cat.ancestors(c)}
    return {c: f for c, f in hits.items() if c in keep | related}


def agreement(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> int:
    """How many holes hold a name spelt as the template spells it (``\\hat m`` for ``\\hat m_t``)."""
    score = 0
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        if bound is None or not var.written:
            continue
        sym = symbol_tree(var.symbol)
        node = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(sym, Symbol) and isinstance(node, Symbol) and sym.name == node.name and sym.accent == node.accent:
            score += 1
        elif isinstance(sym, Node) and not isinstance(sym, Symbol) and sym == node:
            score += 1  # written exactly as the template writes it (dz/dy)
    return score


def _plausible(ct: CompiledTemplate, bindings: Mapping[str, Any], written: frozenset[str]) -> bool:
    """A tiny template (``g + \\mu b``, ``e^H``) counts only if it has a telling operation (a
    transpose, a norm, ``\\odot``), a matrix written as one, or one of the template's own names."""
    if ct.features & DISTINCT & written:
        return True  # the telling operation is written in the chunk too
    for var, bound in bindings.items():
        if ct.roles.get(var) == "matrix" and isinstance(bound, Symbol) and bound.name[:1].isupper() and \
                ct.template.variable(var).symbol[:1] in _ANY_MATRIX:
            return True
    return agreement(ct, bindings) > 0


# Letters that stand for any matrix; a template written with L U or Q R means special factors
# (triangular, orthogonal), so a product of two matrices is not an LU or QR decomposition.
_ANY_MATRIX = frozenset("ABCMWX")


def concepts_at(cnode: Node, seed: int = 0) -> list[Found]:
    """The concepts a canonical tree is, found as for a chunk of a formula."""
    return _at("", cnode, cnode, library(), seed)


def _is_atom(bound: Any) -> bool:
    node = bound[0] if isinstance(bound, tuple) else bound
    return isinstance(node, Symbol | Number | Derivative | Gradient)


def _input_node(cnode: Node, name: str) -> Node:
    """The symbol of the chunk that became the input ``name`` (for the words)."""
    got = computable(cnode)
    assert got is not None, "a numeric hit is a chunk the evaluator computed"
    program = got.program
    axes = program.steps[0].axes
    for n in cnode.walk():
        if isinstance(n, Symbol | Derivative | Gradient) and atom_name(n, program, axes) == name:
            if isinstance(n, Symbol) and n.sub and program.name_of(n, axes)[1]:
                return Symbol(n.name, n.font, n.accent, (), n.sup, n.prime)
            return n
    return Symbol(name)


def _first(it: Iterator[Mapping[str, Any]], n: int) -> Iterator[Mapping[str, Any]]:
    return itertools.islice(it, n)


_T = TypeVar("_T")


def quiet(fn: Callable[[], _T]) -> _T | None:
    """``fn()`` with NumPy's warnings off, or None where the formula cannot be read or computed
    on the values given (``FormulaError``, which covers ``ValuesError``). Every other error is
    raised: it is a bug. (Kept for ``explain``'s call sites; recognition itself asks the
    explicit questions of ``confirm.computable`` and ``confirm.value_of``.)"""
    with np.errstate(all="ignore"):
        try:
            return fn()
        except FormulaError:
            return None


__all__ = [
    "CompiledTemplate",
    "Found",
    "Library",
    "Recognition",
    "agree",
    "atom_name",
    "claims",
    "compile_template",
    "concepts_at",
    "confirm",
    "library",
    "quiet",
    "recognize",
]
