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
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

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
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.evaluate import evaluate, planned
from thirdroad.formula.match import PIdx, PVar, build_pattern, canon, features, head, match, size
from thirdroad.formula.parse import Formula, parse
from thirdroad.formula.program import Program
from thirdroad.formula.tables import CONDITION_RELATIONS

SIZE = 4  # the length of the sample vectors
_NUMBER_ROLES = frozenset({"scalar", "hyperparameter"})


@dataclass(frozen=True)
class CompiledTemplate:
    """A catalog template made ready for matching."""

    concept: str
    template: Template
    pattern: Node
    head: str
    features: frozenset[str]
    size: int
    roles: Mapping[str, str]
    compound: frozenset[str] = frozenset()  # variables the template writes as an expression

    @property
    def generic(self) -> bool:
        """A template of one or two operations (``A x``, ``W x + b``, ``e^H``): so general that it
        counts only when its holes hold plain names and the numbers agree."""
        if self.size <= 2:
            return True
        # a + b c - d e: holes that are all plain numbers fit any arithmetic of that shape
        roles = {r for v, r in self.roles.items() if r not in ("index", "bound_index", "size")}
        return bool(roles) and roles <= {"scalar"} and not self.features & _DISTINCT


@dataclass(frozen=True)
class Library:
    """All compiled templates, by the head of their pattern; and those that could not be read."""

    by_head: Mapping[str, tuple[CompiledTemplate, ...]]
    all: tuple[CompiledTemplate, ...]
    unreadable: tuple[tuple[str, str, str], ...]  # (concept, latex, why)
    fingerprints: Mapping[tuple[str, ...], Mapping[tuple[float, ...], tuple[CompiledTemplate, ...]]]
    by_template: Mapping[int, CompiledTemplate] = field(default_factory=dict)  # id(template) ->


def _symbol_tree(latex: str) -> Node | None:
    try:
        return canon(parse(latex, "latex").root)
    except FormulaError:
        return None


def compile_template(concept: str, template: Template) -> CompiledTemplate:
    """The pattern of one template (raises FormulaError if its LaTeX cannot be read)."""
    tree = canon(parse(template.latex, "latex").root)
    value_vars: dict[str, tuple[Node, str]] = {}
    index_vars: dict[Node, str] = {}
    for var in template.variables:
        if not var.written:
            continue
        sym = _symbol_tree(var.symbol)
        if sym is None:
            continue
        if var.role in ("index", "bound_index"):
            index_vars[sym] = var.name
        else:
            value_vars[var.name] = (sym, var.role)
    taken = {sym for sym, _ in value_vars.values()}
    for n in tree.walk():
        if isinstance(n, Symbol) and n not in taken:
            for s in n.sub:
                if (isinstance(s, Symbol) and len(s.name) == 1 and s.name.islower() and not s.sub
                        and s not in index_vars and s not in taken):
                    index_vars[s] = f"_{s.name}{'_' * s.prime}"
    pattern = build_pattern(tree, value_vars, index_vars)
    roles = {v.name: v.role for v in template.variables}
    compound = frozenset(n.var for n in pattern.walk() if isinstance(n, PVar) and n.compound)
    return CompiledTemplate(concept, template, pattern, head(pattern), features(pattern), size(pattern), roles,
                            compound)


# --------------------------------------------------------------------------------------------
# sample values


def _sample(role: str, rng: np.random.Generator, positive: bool) -> Any:
    if role in ("vector", "tensor"):
        return rng.uniform(0.1, 0.9, SIZE) if positive else rng.uniform(-2.0, 2.0, SIZE)
    if role == "matrix":
        return rng.uniform(0.1, 0.9, (SIZE, SIZE)) if positive else rng.uniform(-2.0, 2.0, (SIZE, SIZE))
    if role == "step":
        return 3
    if role == "size":
        return SIZE
    if role == "label":
        return 1
    return float(rng.uniform(0.1, 0.9))


def agree(a: Any, b: Any) -> bool | None:
    """True if two results agree where both are finite, False if they differ, None if they
    cannot be compared (different sizes, nothing finite)."""
    try:
        x = np.asarray(a, dtype=np.float64)
        y = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if x.shape != y.shape and x.ndim and y.ndim:
        if x.size == y.size:
            x, y = x.ravel(), y.ravel()
        else:
            try:
                x, y = np.broadcast_arrays(x, y)
            except ValueError:
                return False
    if y.ndim == 0 and x.ndim > 0:
        # a loss written per element, a reference that reduces (or the other way round)
        return bool(np.isclose(np.mean(x), y) or np.isclose(np.sum(x), y)) if np.all(np.isfinite(x)) else None
    if x.ndim == 0 and y.ndim > 0:
        return agree(y, x)
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    if (np.isfinite(x) != np.isfinite(y)).any():
        return False
    return bool(np.allclose(x[finite], y[finite], rtol=1e-6, atol=1e-9))


def _program(cnode: Node) -> Program | None:
    """The chunk's program (kept for the tree, which is evaluated again and again), or None."""
    got = quiet(lambda: planned(cnode))
    return got.program if got is not None else None


def quiet(fn: Callable[[], Any]) -> Any:
    """Run numeric code with NumPy's warnings off; None if it fails."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn()
        except (FormulaError, ArithmeticError, ValueError, TypeError, IndexError, KeyError,
                np.linalg.LinAlgError):
            return None


# --------------------------------------------------------------------------------------------
# fingerprints for the numeric search


_CANONICAL = {"arr": (np.array([0.3, -1.2, 0.8, 2.0]), np.array([0.5, 0.1, 0.9, 0.4])), "num": (0.7, 0.4)}


def _slot(role: str) -> str | None:
    if role in ("vector", "tensor"):
        return "arr"
    if role in _NUMBER_ROLES:
        return "num"
    return None


def _key(value: Any) -> tuple[float, ...] | None:
    arr = quiet(lambda: np.asarray(value, dtype=np.float64))
    if arr is None or arr.size == 0 or not np.all(np.isfinite(arr)):
        return None
    return (float(arr.ndim), *(round(float(v), 4) + 0.0 for v in arr.ravel()))


def _fingerprints(all_templates: tuple[CompiledTemplate, ...]
                  ) -> dict[tuple[str, ...], dict[tuple[float, ...], tuple[CompiledTemplate, ...]]]:
    table: dict[tuple[str, ...], dict[tuple[float, ...], tuple[CompiledTemplate, ...]]] = {}
    for ct in all_templates:
        params = [v for v in ct.template.variables if v.passed_to_reference and v.written]
        slots = [_slot(v.role) for v in params]
        if not 1 <= len(params) <= 2 or None in slots:
            continue
        signature = tuple(sorted(s for s in slots if s is not None))
        ref = ct.template.reference_function()
        for order in set(itertools.permutations(range(len(params)))):
            used = {"arr": 0, "num": 0}
            kwargs: dict[str, Any] = {}
            for k in order:
                slot = slots[k]
                assert slot is not None
                kwargs[params[k].name] = _CANONICAL[slot][used[slot]]
                used[slot] += 1
            key = _key(quiet(lambda kw=kwargs, fn=ref: fn(**kw)))  # type: ignore[misc]
            if key is not None:
                bucket = table.setdefault(signature, {})
                if ct not in bucket.get(key, ()):
                    bucket[key] = (*bucket.get(key, ()), ct)
    return table


@cache
def library() -> Library:
    """Every template of the catalog, compiled once."""
    compiled: list[CompiledTemplate] = []
    unreadable: list[tuple[str, str, str]] = []
    for concept in concepts_module.catalog():
        for template in concept.formulas:
            try:
                ct = compile_template(concept.id, template)
            except FormulaError as exc:
                unreadable.append((concept.id, template.latex, exc.message))
                continue
            if isinstance(ct.pattern, PVar | PIdx) or ct.size == 0:
                continue  # a bare variable would match anything
            compiled.append(ct)
    by_head: dict[str, list[CompiledTemplate]] = {}
    for ct in compiled:
        by_head.setdefault(ct.head, []).append(ct)
    all_templates = tuple(compiled)
    return Library({k: tuple(v) for k, v in by_head.items()}, all_templates, tuple(unreadable),
                   _fingerprints(all_templates), {id(ct.template): ct for ct in all_templates})


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


def atom_name(node: Node, program: Any, axes: frozenset[str]) -> str | None:
    """The evaluator's input name for a name or a gradient in a chunk (None for anything else)."""
    if isinstance(node, Symbol):
        return str(program.name_of(node, axes)[0])
    if isinstance(node, Derivative | Gradient):
        return str(program.grad_name(node, axes))
    return None


def confirm(ct: CompiledTemplate, cnode: Node, bindings: Mapping[str, Any], seed: int = 0) -> bool | None:
    """Whether the numbers agree with a structural match: True, False, or None if they cannot be
    computed (a name bound to an expression, a function the evaluator does not know ...)."""
    verdict = _confirm(ct, cnode, bindings, seed, columns=False)
    if verdict is False and "transpose" in ct.features:
        # u v^T is an outer product only if u and v are columns: try the vectors as columns
        verdict = _confirm(ct, cnode, bindings, seed, columns=True)
    return verdict


def _confirm(ct: CompiledTemplate, cnode: Node, bindings: Mapping[str, Any], seed: int,
             columns: bool) -> bool | None:
    """Evaluate the chunk and the reference with the bindings on random inputs.

    True if they agree, False if they differ, None if the check cannot be made (a variable
    bound to a computed expression, a function the evaluator does not know ...).
    """
    program = _program(cnode)
    if program is None or len(program.steps) != 1:
        return None
    if "label" in ct.roles.values():
        return None  # x_y with a label y: the evaluator reads y as part of a name
    if "index" in ct.roles.values() and not program.steps[0].free:
        return None  # the reference gives every entry; the chunk as written gives one
    axes = program.steps[0].axes
    names: dict[str, str] = {}  # template variable -> input name
    constants: dict[str, float] = {}
    for var, bound in bindings.items():
        role = ct.roles.get(var, "")
        if role in ("index", "bound_index") or var.startswith("_"):
            continue
        atom = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(bound, tuple) and isinstance(atom, Symbol) and atom.sub != bound[1]:
            return None
        if isinstance(atom, Number):
            constants[var] = float(atom.value)  # a setting written as a number: 0.9 for beta
            continue
        name = atom_name(atom, program, axes)
        if name is None:
            return None
        names[var] = name
    if set(program.inputs) - set(names.values()) or len(set(names.values())) != len(names):
        return None
    ref = ct.template.reference_function()
    verdicts = []
    for positive in (True, False):
        rng = np.random.default_rng(seed)
        inputs: dict[str, Any] = {}
        kwargs: dict[str, Any] = {v: c for v, c in constants.items() if ct.template.variable(v).passed_to_reference}
        for var, name in names.items():
            role = ct.roles.get(var, "tensor")
            # an elementwise function is checked on numbers: products then mean one thing only
            value = _sample("scalar" if role == "tensor" else role, rng, positive)
            if role == "tensor" and not positive:
                value = float(rng.uniform(-2.0, 2.0))
            inputs[name] = value.reshape(-1, 1) if columns and role == "vector" else value
            if ct.template.variable(var).passed_to_reference:
                kwargs[var] = value
        got = quiet(lambda i=inputs: evaluate(cnode, **i))  # type: ignore[misc]
        want = quiet(lambda k=kwargs: ref(**k))  # type: ignore[misc]
        if got is None or want is None:
            return None
        verdicts.append(agree(got, want))
    if False in verdicts:
        return False
    return True if True in verdicts else None


def _numeric_search(cnode: Node, lib: Library, seed: int) -> list[tuple[CompiledTemplate, dict[str, str]]]:
    """Templates whose reference computes what ``cnode`` computes, found by value."""
    program = _program(cnode)
    if program is None or len(program.steps) != 1 or not 1 <= len(program.inputs) <= 2:
        return []
    inputs = list(program.inputs)
    hits: list[tuple[CompiledTemplate, dict[str, str]]] = []
    for signature, table in lib.fingerprints.items():
        if len(signature) != len(inputs):
            continue
        for order in itertools.permutations(inputs):
            used = {"arr": 0, "num": 0}
            values: dict[str, Any] = {}
            slot_of: dict[str, str] = {}
            for name, slot in zip(order, signature, strict=True):
                values[name] = _CANONICAL[slot][used[slot]]
                slot_of[name] = f"{slot}{used[slot]}"
                used[slot] += 1
            key = _key(quiet(lambda v=values: evaluate(cnode, **v)))  # type: ignore[misc]
            if key is None or key not in table:
                continue
            for ct in table[key]:
                if ct.generic:
                    continue
                mapping = _assign(ct, slot_of)
                if mapping is not None and _confirm_numeric(ct, cnode, mapping, seed):
                    hits.append((ct, mapping))
    return hits


def _assign(ct: CompiledTemplate, slot_of: Mapping[str, str]) -> dict[str, str] | None:
    """Which input of the chunk is which parameter of the reference: the one whose canonical
    value the fingerprint used (parameters of one kind are tried in both orders)."""
    params = [v for v in ct.template.variables if v.passed_to_reference and v.written]
    ref = ct.template.reference_function()
    for order in itertools.permutations(params):
        used = {"arr": 0, "num": 0}
        mapping: dict[str, str] = {}
        for v in order:
            slot = _slot(v.role)
            if slot is None:
                return None
            label = f"{slot}{used[slot]}"
            used[slot] += 1
            names = [n for n, s in slot_of.items() if s == label]
            if len(names) != 1:
                break
            mapping[v.name] = names[0]
        else:
            kwargs = {p: _CANONICAL[slot_of[n][:3]][int(slot_of[n][3:])] for p, n in mapping.items()}
            if ref is not None and mapping and _key(quiet(lambda k=kwargs: ref(**k))) is not None:  # type: ignore[misc]
                return mapping
    return None


def _confirm_numeric(ct: CompiledTemplate, cnode: Node, mapping: Mapping[str, str], seed: int) -> bool:
    ref = ct.template.reference_function()
    for positive in (True, False):
        rng = np.random.default_rng(seed + 1)
        inputs: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        for var, name in mapping.items():
            kwargs[var] = inputs[name] = _sample(ct.roles[var], rng, positive)
        got = quiet(lambda i=inputs: evaluate(cnode, **i))  # type: ignore[misc]
        want = quiet(lambda k=kwargs: ref(**k))  # type: ignore[misc]
        if got is None or want is None or agree(got, want) is False:
            return False
    return True


_LOOSE_OPS = frozenset({"op:odot"})  # an entrywise product may be written as a plain one
_SEARCH_FEATURES = frozenset({"exp", "fraction", "bigop", "sqrt", "abs", "norm", "f:tanh", "f:log", "f:sigma",
                              "f:max", "f:min"})


def claims(formula: Formula, context: str = "") -> frozenset[str]:
    """The concepts a formula is said to be, in words: ``\\text{Adam}``, an operator name, or
    the ``context`` text around it. This is all ``recognize`` (and so ``explain``) takes from the
    context: one formula in two sentences that name the same concepts is read the same way."""
    return _claims(formula, context)


def _claims(formula: Formula, context: str) -> frozenset[str]:
    """Concepts named in words: ``\\text{Adam}``, an operator name, or the context text."""
    words = re.findall(r"[a-z][a-z0-9]*", (context + " " + formula.source).lower())
    for n in formula.root.walk():
        if isinstance(n, Text):
            words.extend(re.findall(r"[a-z][a-z0-9]*", n.text.lower()))
    text = " " + " ".join(words) + " "
    named = _spoken_names(concepts_module.catalog())
    # a name can be in the text only if its first word is a word of the text ("" for a name
    # without words, which stands for the empty text)
    return frozenset(cid for first in {*words, ""} for cid, phrase in named.get(first, ()) if phrase in text)


@lru_cache(maxsize=2)
def _spoken_names(cat: Catalog) -> Mapping[str, tuple[tuple[str, str], ...]]:
    """Each concept's id, name and aliases as the words ``_claims`` looks for (`` rms prop ``),
    by their first word; worked out once per catalog rather than once per formula."""
    table: dict[str, list[tuple[str, str]]] = {}
    for concept in cat:
        names = {concept.id.replace("_", " "), concept.name.lower(), *(a.lower() for a in concept.aliases)}
        for name in sorted(names):
            words = re.findall(r"[a-z0-9]+", name)
            table.setdefault(words[0] if words else "", []).append((concept.id, f" {' '.join(words)} "))
    return {first: tuple(entries) for first, entries in table.items()}


def _order(hits: Mapping[str, Found]) -> list[str]:
    """The concepts of one chunk, the one to name first first: the template written with the
    chunk's own names (hats on m and v say Adam rather than RMSProp), then a concept the others
    all build on (the softmax inside attention weights), then the more specific."""
    cat = concepts_module.catalog()
    ids = list(hits)
    names = {}
    for c in ids:
        ct = _compiled(hits[c].template)
        names[c] = agreement(ct, hits[c].bindings) if ct is not None else 0
    best = max(ids, key=lambda c: names[c]) if ids else ""

    def key(c: str) -> tuple[int, int, int, str]:
        # the concept under all the others, where it computes the same thing: the EMA line of
        # Adam is an EMA first; Adam's step is Adam, not RMSProp, although Adam builds on it
        under_all = len(ids) > 1 and all(c in cat.ancestors(o) for o in ids if o != c) and \
            hits[c].template.reference == hits[best].template.reference
        return (0 if under_all else 1, -names[c], -len(cat.ancestors(c)), c)

    return sorted(ids, key=key)


def _compiled(template: Template) -> CompiledTemplate | None:
    ct = library().by_template.get(id(template))
    return ct if ct is not None and ct.template is template else None


def recognize(formula: Formula | str, *, context: str = "", seed: int = 0) -> Recognition:
    """Find the chunks of a formula (see the module docstring)."""
    if isinstance(formula, str):
        formula = parse(formula)
    lib = library()
    result = Recognition(formula, main_path=_main_path(formula.root), claims=_claims(formula, context))
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
    ct = _compiled(template)
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
            if verdict is False or (ct.generic and verdict is None and not ct.features & _DISTINCT & feats):
                continue
            hits[ct.concept] = Found(path, node, cnode, ct.concept, ct.template, bindings,
                                     "structural", verdict is True)
            break
    if not hits and size(cnode) >= 3 and feats & _SEARCH_FEATURES:
        by_value = _numeric_search(cnode, lib, seed)
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
            for other, template in _same_formula(found.template):
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
                    if (sym := _symbol_canon(v.symbol)) is not None)
    names = (template.variable(var).symbol, *dict(template.normalised)[var])
    return frozenset(_weight_shape(sym, indices) for name in names if (sym := _symbol_canon(name)) is not None)


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
        ct = _compiled(found.template)
        score[cid] = agreement(ct, found.bindings) if ct is not None else 0
    best = max(score.values())
    keep = {c for c, s in score.items() if s == best}
    related = {c for c in hits for k in keep if c in cat.ancestors(k) or k in cat.ancestors(c)}
    return {c: f for c, f in hits.items() if c in keep | related}


def _same_formula(template: Template) -> list[tuple[str, Template]]:
    """Other concepts with a template written exactly the same (the normalisations share one)."""
    return _by_latex().get(template.latex, [])


@cache
def _by_latex() -> dict[str, list[tuple[str, Template]]]:
    table: dict[str, list[tuple[str, Template]]] = {}
    for c in concepts_module.catalog():
        for t in c.formulas:
            table.setdefault(t.latex, []).append((c.id, t))
    return table


def agreement(ct: CompiledTemplate, bindings: Mapping[str, Any]) -> int:
    """How many holes hold a name spelt as the template spells it (``\\hat m`` for ``\\hat m_t``)."""
    score = 0
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        if bound is None or not var.written:
            continue
        sym = _symbol_canon(var.symbol)
        node = bound[0] if isinstance(bound, tuple) else bound
        if isinstance(sym, Symbol) and isinstance(node, Symbol) and sym.name == node.name and sym.accent == node.accent:
            score += 1
        elif isinstance(sym, Node) and not isinstance(sym, Symbol) and sym == node:
            score += 1  # written exactly as the template writes it (dz/dy)
    return score


@lru_cache(maxsize=4096)
def _symbol_canon(latex: str) -> Node | None:
    """The canonical tree of a template variable's symbol (catalog data: read once)."""
    got = quiet(lambda: canon(parse(latex, "latex").root))
    return got if isinstance(got, Node) else None


_DISTINCT = frozenset({"derivative", "gradient", "transpose", "norm", "op:odot", "op:otimes", "op:cdot", "bigop",
                       "apply", "inverse", "concat", "abs", "sqrt"})


def _plausible(ct: CompiledTemplate, bindings: Mapping[str, Any], written: frozenset[str]) -> bool:
    """A tiny template (``g + \\mu b``, ``e^H``) counts only if it has a telling operation (a
    transpose, a norm, ``\\odot``), a matrix written as one, or one of the template's own names."""
    if ct.features & _DISTINCT & written:
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
    program = planned(cnode).program
    axes = program.steps[0].axes
    for n in cnode.walk():
        if isinstance(n, Symbol | Derivative | Gradient) and atom_name(n, program, axes) == name:
            if isinstance(n, Symbol) and n.sub and program.name_of(n, axes)[1]:
                return Symbol(n.name, n.font, n.accent, (), n.sup, n.prime)
            return n
    return Symbol(name)


def _first(it: Iterator[Mapping[str, Any]], n: int) -> Iterator[Mapping[str, Any]]:
    return itertools.islice(it, n)


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
