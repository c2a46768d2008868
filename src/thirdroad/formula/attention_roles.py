"""Attention read from the roles of its symbols, where no template's names are written.

A softmax is attention weights when what it normalises is a **score of a query against keys**:
an argument written with a query and a key (``q_i k_j^\\top``, ``Q K^\\top / \\sqrt{d}``,
``\\mathrm{softmax}(q, k_i)``), or a call named as a score (``\\text{score}(s_t, h_i)``,
``\\text{align}(y_t, x_i)``), or a name the formula defines as such (``\\alpha_i = k_i^\\top x``, then
``c = \\mathrm{softmax}(\\alpha)``). A softmax of ``W x`` or of ``w_j^\\top x`` is a classifier's,
and stays a softmax.

A weighted sum is a context vector only when its weights are attention weights: the formula
defines its weights' name as a softmax of a score (``c = \\mathrm{softmax}(\\alpha)``, then
``s = \\sum_i c_i v_i``). A plain weighted sum, or one of a softmax of anything else, stays a
weighted sum.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Concat,
    Fraction,
    Node,
    Product,
    Relation,
    Sqrt,
    Statement,
    Sum,
    Symbol,
    Text,
    Transpose,
    Tuple,
)
from thirdroad.formula.found import Found, Recognition
from thirdroad.formula.self_attention_form import self_attention_at

_SCORE_CALLS = frozenset({"score", "align", "alignment", "compat", "compatibility"})
# a similarity is a score where it compares a key (content-based addressing); of two samples it is
# a contrastive loss's, no attention
_SIMILARITIES = frozenset({"cosine", "cos", "sim", "similarity", "K"})
_QUERY, _KEY = frozenset({"q", "Q"}), frozenset({"k", "K"})
_SCORES = frozenset({"dot_product", "luong_dot", "luong_general", "luong_concat", "bahdanau_additive",
                     "scaled_dot_product_attention"})


def attention_roles(result: Recognition) -> None:
    """Name the attention weights and context vectors the roles of the symbols show (the module
    docstring)."""
    definitions = dict(_definitions(result))
    weights: set[str] = set()  # names the formula defines as attention weights
    for f in [f for f in result.found if f.concept == "softmax"]:
        if not _of_a_score(f.path, f.node, result, definitions):
            # f(x_i)^T g(x_j): a score of the sequence against itself, whose weights sum its values
            assigned = _assigned_name(result, f.path)
            if assigned is None or self_attention_at(result, f.path, frozenset({assigned})) is None:
                continue
        name = _assigned_name(result, f.path)
        if name is not None:
            weights.add(name)
        _add(result, f, "attention_weights")
    for path, node in list(result.nodes.items()):
        # a softmax called by name inside a larger expression (V softmax(K^T Q)) is read as the
        # function it is; where its roles show self-attention, it is that attention's weights
        if _named_softmax(node) and not any(f.path == path for f in result.found) \
                and _of_a_score(path, node, result, definitions) \
                and self_attention_at(result, path, frozenset()) is not None:
            _add_at(result, path, node, "attention_weights", name="name")
    attention = [f for f in result.found if f.concept == "attention_weights"]
    for f in attention:
        name = _assigned_name(result, f.path)
        if name is not None:
            weights.add(name)
    for path, node in list(result.nodes.items()):
        if weights and _weighted_by(node, weights):
            _add_at(result, path, node, "context_vector")
    for path, node in list(result.nodes.items()):
        if _scaled_score(path, node, result):
            _add_at(result, path, node, "scaled_dot_product_attention", reference="scaled_scores")
    for f in attention:
        at = self_attention_at(result, f.path, frozenset(weights))
        if at is not None:
            _add_at(result, at, result.nodes[at], "self_attention")


def _scaled_score(path: str, node: Node, result: Recognition) -> bool:
    """``q_i^\\top k_j / \\sqrt{d}``, or ``\\text{score}(s, h) = s^\\top h / \\sqrt{n}``: a dot product of a
    query with a key, or one a line assigns to a score, divided by the root of the width."""
    if not (isinstance(node, Fraction) and isinstance(node.den, Sqrt) and isinstance(node.den.arg, Symbol)):
        return False
    if not any(f.path == f"{path}.0" and f.concept == "dot_product" for f in result.found):
        return False
    names = {n.name for n in node.num.walk() if isinstance(n, Symbol)}
    if names & _QUERY and any(_keys(n) for n in node.num.walk()):
        return True
    parent, _, k = path.rpartition(".")
    relation = result.nodes.get(parent)
    return isinstance(relation, Relation) and k != "0" and _score_call(relation.operands[0])


def _named_softmax(node: Node) -> bool:
    return isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name.lower() == "softmax" \
        and len(node.args) == 1


def _definitions(result: Recognition) -> Iterator[tuple[str, str]]:
    """(name, path of the side defining it) for each line ``name = value`` of the formula."""
    for path, node in result.nodes.items():
        if isinstance(node, Relation) and set(node.ops) <= {"eq"} and len(node.operands) >= 2:
            name = _head(node.operands[0])
            if name is not None:
                for k in range(1, len(node.operands)):
                    yield name, f"{path}.{k}"


def _head(node: Node) -> str | None:
    """The name a line assigns: ``\\alpha`` of ``\\alpha_{t,i}``, ``a`` of ``a(x_i, S_i)``."""
    if isinstance(node, Apply):
        node = node.func
    return node.name if isinstance(node, Symbol) else None


def _assigned_name(result: Recognition, path: str) -> str | None:
    """The name assigned to the side at ``path`` (``a_{ij}`` for the softmax of ``a_{ij} = ...``)."""
    parent, _, k = path.rpartition(".")
    relation = result.nodes.get(parent)
    while isinstance(relation, Product) and all(isinstance(f, Statement | Text) for f in relation.factors[1:]) \
            and k == "0":  # a note in the line's margin (& \text{; the weights}) is read as a factor
        parent, _, k = parent.rpartition(".")
        relation = result.nodes.get(parent)
    if not isinstance(relation, Relation) or k == "0" or not set(relation.ops) <= {"eq"}:
        return None
    return _head(relation.operands[0])


def _of_a_score(path: str, node: Node, result: Recognition, definitions: dict[str, str]) -> bool:
    """Whether the softmax at ``node`` normalises a score of a query against keys."""
    names = {n.name for n in node.walk() if isinstance(n, Symbol)}
    if any(_score_call(n) for n in node.walk()):
        return True
    parent = path.rpartition(".")[0]
    scope = parent + "." if isinstance(result.nodes.get(parent), Relation) else path  # and its other writings
    if any(f.concept == "cosine_similarity" and f.path.startswith(scope) and any(_keys(n) for n in f.node.walk())
           for f in result.found):
        return True  # a key compared by its cosine: content-based addressing
    if names & _QUERY and any(_keys(n) for n in node.walk()):
        return True
    # a name defined elsewhere in the formula as a score: alpha_i = k_i^T x, then softmax(alpha)
    for name in names:
        side = definitions.get(name)
        if side is None or side.startswith(path):
            continue
        there = result.nodes.get(side)
        if there is not None and (any(f.path == side and f.concept in _SCORES for f in result.found)
                                  and any(_keys(n) for n in there.walk())):
            return True
    return False


def _score_call(node: Node) -> bool:
    """A call of a score (``\\text{score}(s, h)``), or of a similarity with a key among its arguments."""
    for name, args in _calls(node):
        if len(args) >= 2 and (name.lower() in _SCORE_CALLS or (name in _SIMILARITIES and any(_keys(a) for a in args))):
            return True
    return False


def _calls(node: Node) -> Iterator[tuple[str, tuple[Node, ...]]]:
    """(name, arguments) of a call, read as one or as a word before brackets (``cosine[k, m]``)."""
    if isinstance(node, Apply):
        func = node.func
        yield (func.name if isinstance(func, Symbol) else func.text if isinstance(func, Text) else ""), node.args
    elif isinstance(node, Product):
        for word, bracket in itertools.pairwise(node.factors):
            if isinstance(word, Symbol) and len(word.name) > 1 and isinstance(bracket, Concat | Tuple):
                yield word.name, bracket.items


def _keys(node: Node) -> bool:
    """Keys as a factor (``k_j^\\top``, ``K^T``, ``\\mathbf{K}``, ``k_i``), not an index named k."""
    if isinstance(node, Transpose):
        return isinstance(node.arg, Symbol) and node.arg.name in _KEY
    return isinstance(node, Symbol) and node.name in _KEY and (bool(node.font) or bool(node.sub)
                                                                or node.sup is not None)


def _weighted_by(node: Node, weights: set[str]) -> bool:
    """A sum of vectors each weighted by one of the attention weights (``\\sum_i c_i v_i``)."""
    if isinstance(node, BigOp) and node.op == "sum":
        return _weighted_term(node.body, weights)
    if isinstance(node, Sum) and len(node.terms) >= 2:
        return all(_weighted_term(t, weights) for t in node.terms if not _is_dots(t))
    return False


def _weighted_term(node: Node, weights: set[str]) -> bool:
    if not isinstance(node, Product) or len(node.factors) < 2:
        return False
    return any(isinstance(f, Symbol) and f.name in weights and f.sub for f in node.factors)


def _is_dots(node: Node) -> bool:
    return isinstance(node, Symbol) and node.name in ("dots", "cdots", "ldots")


def _add(result: Recognition, f: Found, concept: str) -> None:
    _add_at(result, f.path, f.node, concept, f)


def _add_at(result: Recognition, path: str, node: Node, concept: str, like: Found | None = None,
            name: str = "", reference: str | None = None) -> None:
    if any(g.path == path and g.concept == concept for g in result.found):
        return
    weak = next((w for w in result.weak if w.path == path and w.concept == concept), None)
    if weak is not None:
        result.found.append(weak)
        return
    formulas = concepts_module.catalog()[concept].formulas
    template = next((t for t in formulas if t.reference == reference), formulas[0])
    canon = result.canon_of.get(path, node)
    result.found.append(Found(path, node, canon, concept, template, {}, "structural", False,
                              like.named if like is not None else name))


__all__ = ["attention_roles"]
