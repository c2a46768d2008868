"""Weights that add up to one: which names a formula writes for them, as far as it shows
(the holes a template marks ``normalised``: an average's weights, attention weights)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Catalog, Template
from thirdroad.formula.ast import Apply, Node, Product, Symbol, map_children
from thirdroad.formula.templates import symbol_tree


def weights_known(template: Template, bindings: Mapping[str, Any]) -> bool:
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
        if not _normalised_along(node, tuple(indices)):
            return False
        if _weight_shape(node, tuple(indices)) not in _weight_shapes(template, var) and not _sums_to_one_call(node):
            return False
    return True


def _normalised_along(node: Node, indices: tuple[Node, ...]) -> bool:
    """A table of weights written with several indices adds up to one along its last
    (``\\alpha_{ij}`` over the sources j, ``p_{i,c}`` over the classes c of example i), so a sum over
    another of its indices is no average: ``\\sum_i p_{i,c} t_{i,c}`` adds up the examples' overlap."""
    return not (isinstance(node, Symbol) and len(node.sub) >= 2 and indices and node.sub[-1] not in indices)


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


__all__ = ["weights_known"]
