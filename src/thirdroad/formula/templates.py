"""The catalog's formula templates made ready for matching, once per session.

Each template's LaTeX is parsed, brought to the canonical form and turned into a pattern
(``match.build_pattern``); the library sorts the patterns by the head of their tree, so that a
chunk is only matched against templates that can fit it, and keeps a table of fingerprints for
the numeric search: the value of each small template's reference on fixed inputs.
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Template
from thirdroad.formula.ast import Neg, Node, Product, Relation, Sum, Symbol, map_children
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.library_cache import cached
from thirdroad.formula.match import PIdx, PVar, build_pattern, features, head, size
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import parse

# Operations telling enough that a template of one or two of them still names a concept.
DISTINCT = frozenset({"derivative", "gradient", "transpose", "norm", "op:odot", "op:otimes", "op:cdot", "bigop",
                      "apply", "inverse", "concat", "abs", "sqrt"})
NUMBER_ROLES = frozenset({"scalar", "hyperparameter"})
_BIAS = re.compile(r"\bbias(es)?\b(?!-)")  # a vector the template calls a bias (not "bias-corrected")


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
    ranks: Mapping[str, int] = field(default_factory=dict)  # variable -> how many indices it is written with

    @property
    def generic(self) -> bool:
        """A template of one or two operations (``A x``, ``W x + b``, ``e^H``): so general that it
        counts only when its holes hold plain names and the numbers agree."""
        if self.size <= 2:
            return True
        # a + b c - d e: holes that are all plain numbers fit any arithmetic of that shape
        roles = {r for v, r in self.roles.items() if r not in ("index", "bound_index", "size")}
        return bool(roles) and roles <= {"scalar"} and not self.features & DISTINCT


@dataclass(frozen=True)
class Library:
    """All compiled templates, by the head of their pattern; and those that could not be read."""

    by_head: Mapping[str, tuple[CompiledTemplate, ...]]
    all: tuple[CompiledTemplate, ...]
    unreadable: tuple[tuple[str, str, str], ...]  # (concept, latex, why)
    fingerprints: Mapping[tuple[str, ...], Mapping[tuple[float, ...], tuple[CompiledTemplate, ...]]]
    by_template: Mapping[int, CompiledTemplate] = field(default_factory=dict)  # id(template) ->


def compile_template(concept: str, template: Template) -> CompiledTemplate:
    """The pattern of one template (raises FormulaError if its LaTeX cannot be read)."""
    tree = canon(parse(template.latex, "latex").root)
    value_vars: dict[str, tuple[Node, str]] = {}
    index_vars: dict[Node, str] = {}
    for var in template.variables:
        if not var.written:
            continue
        sym = symbol_tree(var.symbol)
        if sym is None:
            continue
        if var.role in ("index", "bound_index"):
            index_vars[sym] = var.name
        else:  # a function the template calls "the activation" is a hole any activation fills
            activation = var.role == "function" and "activation" in var.meaning
            value_vars[var.name] = (sym, "activation" if activation else var.role)
    for name, (sym, role) in list(value_vars.items()):
        if role == "label" and _only_as_subscript(tree, sym):
            index_vars[sym] = name  # x_y: the entry of x at the label y, as x_i is at the index i
            del value_vars[name]
    taken = {sym for sym, _ in value_vars.values()}
    for n in tree.walk():
        if isinstance(n, Symbol) and n not in taken:
            for s in n.sub:
                if (isinstance(s, Symbol) and len(s.name) == 1 and s.name.islower() and not s.sub
                        and s not in index_vars and s not in taken):
                    index_vars[s] = f"_{s.name}{'_' * s.prime}"
    # a bias may be written with any letter, a Greek one too (UDL's β + Ω x, batch norm's shift β)
    biases = frozenset(v.name for v in template.variables if v.role == "vector" and _BIAS.search(v.meaning))
    pattern = build_pattern(tree, value_vars, index_vars, biases)
    roles = {v.name: v.role for v in template.variables}
    holes = [n for n in pattern.walk() if isinstance(n, PVar)]
    compound = frozenset(n.var for n in holes if n.compound)
    ranks: dict[str, int] = {}
    for n in holes:
        ranks[n.var] = max(ranks.get(n.var, 0), len(n.indices))
    return CompiledTemplate(concept, template, pattern, head(pattern), features(pattern), size(pattern), roles,
                            compound, ranks)


def _only_as_subscript(tree: Node, sym: Node) -> bool:
    """Whether a name is written in the tree, and only as a subscript (the y of ``x_y``) or as
    the class a sum leaves out (``\\sum_{i \\neq y}``)."""
    subscripts = [s for n in tree.walk() if isinstance(n, Symbol) for s in n.sub]
    left_out = [o for n in tree.walk() if isinstance(n, Relation) and n.ops == ("ne",) for o in n.operands]
    return sym in subscripts and sum(n == sym for n in tree.walk()) == subscripts.count(sym) + left_out.count(sym)


def without_optional_terms(ct: CompiledTemplate) -> list[CompiledTemplate]:
    """The template written without the terms formulas often leave out (its biases, declared
    ``may be left out``): ``\\tanh(W_{hh} h + W_{xh} x)`` is the RNN cell with zero biases; and
    without the factors they leave out at 1 (``1 where left out``): a convolution's output size
    without dilation. A term that is a multiple of a left-out value goes with it (``2 p`` with the
    padding p), and the rest is brought to the canonical form again (``L - (k - 1) - 1`` is
    ``L - k``). The reference takes the left-out values as 0 (or 1)."""
    zeros = [v.name for v in ct.template.variables if v.optional and v.written]
    ones = [v.name for v in ct.template.variables if v.one_where_left_out and v.written]
    optional = zeros + ones
    out = []
    for k in range(1, len(optional) + 1):
        for dropped in itertools.combinations(optional, k):
            gone = frozenset(dropped)
            pattern = canon(_drop_terms(ct.pattern, gone & frozenset(zeros), gone & frozenset(ones)))
            out.append(CompiledTemplate(ct.concept, ct.template, pattern, head(pattern), features(pattern),
                                        size(pattern), ct.roles, ct.compound, ct.ranks))
    return out


def _zero_term(term: Node, zeros: frozenset[str]) -> bool:
    """A term that is a left-out value, or a multiple of one."""
    if isinstance(term, Neg):
        term = term.arg
    if isinstance(term, PVar):
        return term.var in zeros
    return isinstance(term, Product) and any(isinstance(f, PVar) and f.var in zeros for f in term.factors)


def _drop_terms(node: Node, zeros: frozenset[str], ones: frozenset[str] = frozenset()) -> Node:
    if isinstance(node, Sum):
        terms = tuple(_drop_terms(t, zeros, ones) for t in node.terms if not _zero_term(t, zeros))
        return terms[0] if len(terms) == 1 else Sum(terms)
    if isinstance(node, Product) and ones:
        factors = tuple(_drop_terms(f, zeros, ones) for f in node.factors
                        if not (isinstance(f, PVar) and f.var in ones))
        return factors[0] if len(factors) == 1 else Product(factors, node.op)
    return map_children(node, lambda child: _drop_terms(child, zeros, ones))


@lru_cache(maxsize=4096)
def symbol_tree(latex: str) -> Node | None:
    """The canonical tree of a symbol the catalog writes (``\\hat m_t``), or None if it cannot be
    read (catalog data: read once)."""
    try:
        return canon(parse(latex, "latex").root)
    except FormulaError:
        return None


# --------------------------------------------------------------------------------------------
# what a reference can be called with


@lru_cache(maxsize=1024)
def _parameters(fn: Callable[..., Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(the parameters a reference requires, those that must be whole numbers)."""
    params = inspect.signature(fn).parameters.values()
    required = frozenset(p.name for p in params if p.default is p.empty)
    whole = frozenset(p.name for p in params if p.annotation in ("int", int))
    return required, whole


def callable_with(ct: CompiledTemplate, given: frozenset[str]) -> bool:
    """Whether the reference can be called with values for ``given`` alone: it requires nothing
    the formula does not show (the number of groups of a group norm is not written), and takes
    no function (a function cannot be drawn at random)."""
    required, _ = _parameters(ct.template.reference_function())
    return required <= given and not any(ct.roles.get(v) == "function" for v in given)


def whole_numbers(ct: CompiledTemplate) -> frozenset[str]:
    """The reference's parameters that must be whole numbers (a kernel size, a model width)."""
    return _parameters(ct.template.reference_function())[1]


# --------------------------------------------------------------------------------------------
# fingerprints for the numeric search


CANONICAL = {"arr": (np.array([0.3, -1.2, 0.8, 2.0]), np.array([0.5, 0.1, 0.9, 0.4])), "num": (0.7, 0.4)}


def slot(role: str) -> str | None:
    """Which canonical value a variable of this role takes in a fingerprint."""
    if role in ("vector", "tensor"):
        return "arr"
    if role in NUMBER_ROLES:
        return "num"
    return None


def key(value: Any) -> tuple[float, ...] | None:
    """A value rounded into a hashable key, or None if it has no finite entries to compare."""
    array = np.asarray(value, dtype=np.float64)
    if array.size == 0 or not np.all(np.isfinite(array)):
        return None
    return (float(array.ndim), *(round(float(v), 4) + 0.0 for v in array.ravel()))


def fingerprint_parameters(ct: CompiledTemplate) -> list[str] | None:
    """The written parameters a template's fingerprint is taken over, or None if it has none: one
    or two of them, each a number or an array, and a reference callable with them alone."""
    params = [v for v in ct.template.variables if v.passed_to_reference and v.written]
    if not 1 <= len(params) <= 2 or any(slot(v.role) is None for v in params):
        return None
    names = frozenset(v.name for v in params)
    if not callable_with(ct, names) or names & whole_numbers(ct):
        return None
    return [v.name for v in params]


def _fingerprints(all_templates: tuple[CompiledTemplate, ...]
                  ) -> dict[tuple[str, ...], dict[tuple[float, ...], tuple[CompiledTemplate, ...]]]:
    table: dict[tuple[str, ...], dict[tuple[float, ...], tuple[CompiledTemplate, ...]]] = {}
    for ct in all_templates:
        params = fingerprint_parameters(ct)
        if params is None:
            continue
        slots = [slot(ct.roles[p]) or "" for p in params]
        signature = tuple(sorted(slots))
        ref = ct.template.reference_function()
        for order in set(itertools.permutations(range(len(params)))):
            used = {"arr": 0, "num": 0}
            kwargs: dict[str, Any] = {}
            for k in order:
                kwargs[params[k]] = CANONICAL[slots[k]][used[slots[k]]]
                used[slots[k]] += 1
            with np.errstate(all="ignore"):
                found = key(ref(**kwargs))
            if found is not None and found not in {key(v) for v in kwargs.values()}:
                # (a reference that hands back an input unchanged, a projection with nothing to
                # project onto, would name every chunk that equals one of its inputs)
                bucket = table.setdefault(signature, {})
                if ct not in bucket.get(found, ()):
                    bucket[found] = (*bucket.get(found, ()), ct)
    return table


@cache
def library() -> Library:
    """Every template of the catalog, compiled once (and kept on disk between runs, see
    ``library_cache``)."""
    return cached(concepts_module.catalog(), _compile_library)


def _compile_library() -> Library:
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
            compiled.extend(without_optional_terms(ct))
    by_head: dict[str, list[CompiledTemplate]] = {}
    for ct in compiled:
        by_head.setdefault(ct.head, []).append(ct)
    all_templates = tuple(compiled)
    return Library({k: tuple(v) for k, v in by_head.items()}, all_templates, tuple(unreadable),
                   _fingerprints(all_templates), by_template(all_templates))


def by_template(all_templates: tuple[CompiledTemplate, ...]) -> dict[int, CompiledTemplate]:
    """Each catalog template's compiled form, by the template's identity: the form as written,
    not one of its variants without a bias (those come after it)."""
    out: dict[int, CompiledTemplate] = {}
    for ct in all_templates:
        out.setdefault(id(ct.template), ct)
    return out


def compiled(template: Template) -> CompiledTemplate | None:
    """The compiled form of a catalog template (None for one the parser cannot read)."""
    ct = library().by_template.get(id(template))
    return ct if ct is not None and ct.template is template else None


def same_formula(template: Template) -> list[tuple[str, Template]]:
    """Other concepts with a template written exactly the same (the normalisations share one)."""
    return _by_latex().get(template.latex, [])


@cache
def _by_latex() -> dict[str, list[tuple[str, Template]]]:
    table: dict[str, list[tuple[str, Template]]] = {}
    for c in concepts_module.catalog():
        for t in c.formulas:
            table.setdefault(t.latex, []).append((c.id, t))
    return table


__all__ = [
    "CANONICAL",
    "DISTINCT",
    "CompiledTemplate",
    "Library",
    "by_template",
    "callable_with",
    "compile_template",
    "compiled",
    "fingerprint_parameters",
    "key",
    "library",
    "same_formula",
    "slot",
    "symbol_tree",
    "whole_numbers",
]
