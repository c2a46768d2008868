"""Self-attention read from where its queries, keys and values come from.

Attention is self-attention when the queries, the keys and the values are all computed from the
same sequence: ``\\mathbf{V}[\\mathbf{X}] \\, \\mathrm{Softmax}[\\mathbf{K}[\\mathbf{X}]^T \\mathbf{Q}[\\mathbf{X}]]``,
``\\mathrm{softmax}((x_i W^q)(x_j W^k)^\\top / \\sqrt{d}) (x_j W^v)``,
``\\alpha_{ij} = \\mathrm{softmax}(f(x_i)^\\top g(x_j))`` with ``o_j = \\sum_i \\alpha_{ij} v(x_i)``.
What each of them is made of is read from its data: the names in it that are neither a weight
(``W^q``, ``\\Omega``) nor a function's name nor an index.
Queries from one sequence and keys from another (``(y_i W^q)(x_j W^k)^\\top``) are cross-attention;
``q_i k_j^\\top`` alone does not say where q and k come from, and is not named.
"""

from __future__ import annotations

from thirdroad.formula.ast import Apply, BigOp, Fraction, Node, Number, Product, Symbol, Transpose
from thirdroad.formula.found import Recognition

_WEIGHTS = frozenset({"W", "w", "Omega", "Theta", "U"})
_PROJECTED = frozenset({"q", "k", "v", "Q", "K", "V"})


def self_attention_at(result: Recognition, path: str, weights: frozenset[str]) -> str | None:
    """The path to name self-attention at, for attention weights found at ``path`` (a named softmax
    call), or None where the roles do not show one sequence behind queries, keys and values."""
    node = result.nodes.get(path)
    if not isinstance(node, Apply) or len(node.args) != 1:
        return None
    operands = _score_operands(node.args[0])
    if operands is None:
        return None
    sources = {_data(o) for o in operands}
    if len(sources) != 1:
        return None
    (source,) = sources
    if len(source) != 1:  # one sequence behind both
        return None
    # the values: what multiplies the weights, or what a sum weighted by them adds up  (they hold
    # the sequence's data, whatever else is named in them)
    parent_path = path.rpartition(".")[0]
    parent = result.nodes.get(parent_path)
    if isinstance(parent, Product):
        values = [f for f in parent.factors if f is not node and not isinstance(f, Number)]
        if values and all(source <= _data(v) for v in values):
            return parent_path
    for p, n in result.nodes.items():
        if isinstance(n, BigOp) and n.op == "sum" and isinstance(n.body, Product):
            rest = [f for f in n.body.factors if not (isinstance(f, Symbol) and f.name in weights and f.sub)]
            if weights and len(rest) < len(n.body.factors) and rest and source <= _data(Product(tuple(rest))):
                return p
    return None


def _score_operands(arg: Node) -> tuple[Node, Node] | None:
    """The two sides of a score: ``K^T Q``, ``(x_i W^q)(x_j W^k)^T / \\sqrt{d}``."""
    if isinstance(arg, Fraction):
        arg = arg.num
    if not isinstance(arg, Product):
        return None
    if len(arg.factors) == 2:
        return arg.factors[0], arg.factors[1]
    # f(x_i)^T g(x_j) read as f x_i^T g x_j: the two sides meet after the transposed one
    cut = next((k + 1 for k, f in enumerate(arg.factors) if isinstance(f, Transpose)), len(arg.factors))
    if cut >= len(arg.factors):
        return None
    return Product(arg.factors[:cut]), Product(arg.factors[cut:])


def _data(node: Node) -> frozenset[str]:
    """The names of the data a part of a formula is computed from (the module docstring)."""
    if isinstance(node, Transpose):
        return _data(node.arg)
    if isinstance(node, Symbol):
        if node.name in _WEIGHTS:
            return frozenset()
        if node.name in _PROJECTED and len(node.sub) == 1 and _is_sequence(node.sub[0]):
            return _data(node.sub[0])  # K[X], read as K with X below: the keys of X
        if len(node.name) == 1 and node.name.islower() and not (node.sub or node.sup or node.font):
            return frozenset()  # a plain letter: a function read as a product (h(x_i) as h x_i), a scale
        return frozenset({node.name})
    if isinstance(node, Number):
        return frozenset()
    if isinstance(node, Apply):
        out: frozenset[str] = frozenset()
        for a in node.args:
            out |= _data(a)
        return out
    parts: frozenset[str] = frozenset()
    for child in node.children():
        parts |= _data(child)
    return parts


def _is_sequence(node: Node) -> bool:
    """A whole sequence written below a name (``K_{\\mathbf{X}}``), not an index (``k_j``)."""
    return isinstance(node, Symbol) and (node.font == "bf" or node.name.isupper()) and not node.sub


__all__ = ["self_attention_at"]
