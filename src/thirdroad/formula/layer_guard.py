"""A layer, or a model of a probability? The guard that tells them apart.

A template with an activation hole (``activation_hole``: a dense layer's ``f(W x + b)``) fits any
activation of an affine map. Assigned to a name (``h = \\sigma(W x + b)``: a layer's output),
or written alone with the layer's own names, it is one. But the same shape also computes a
probability, and then it is that model's formula, not a layer of a network:

- the formula writes a probability (``P(h_i = 1 \\mid v) = \\mathrm{sigm}(c_i + W_i v)``: an RBM's
  conditional; ``P(y = 1 \\mid x) = \\sigma(w^\\top x + b)``: logistic regression), anywhere in it;
- or it samples from it or compares it (``h \\sim \\sigma(W v + c)``, ``\\sigma(w^\\top x + b) > 0.5``:
  a draw, a decision rule), in the relation that holds the chunk;
- or it is written alone, assigned to nothing, and not with the layer's own names (its input
  ``x``, weights ``w``, bias ``b``): ``\\mathrm{sigm}(W_{.j} h + b_j)`` in a text on RBMs is a
  unit's probability of switching on, ``\\sigma(\\sum_i w_i x_i + b)`` a neuron.

There the layer's name is moved to the weak matches; the activation keeps its own name.
"""

from __future__ import annotations

from thirdroad.formula.ast import Apply, Conditional, Relation, Symbol
from thirdroad.formula.evidence import agreement
from thirdroad.formula.found import Found, Recognition, target_of
from thirdroad.formula.match import PVar
from thirdroad.formula.templates import compiled

# relations that do not make the chunk a value computed and kept
_NOT_A_VALUE = frozenset({"sim", "lt", "gt", "le", "ge", "ne", "propto", "ll", "gg"})
_PROBABILITY_NAMES = frozenset({"P", "p", "Pr", "q"})


def _has_activation_hole(found: Found) -> bool:
    ct = compiled(found.template)
    return ct is not None and any(isinstance(n, PVar) and n.role == "activation" for n in ct.pattern.walk())


def _writes_a_probability(result: Recognition) -> bool:
    for node in result.nodes.values():
        if isinstance(node, Conditional):
            return True
        if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name in _PROBABILITY_NAMES:
            return True
    return False


def _in_a_draw_or_comparison(result: Recognition, path: str) -> bool:
    parts = path.split(".")
    for k in range(1, len(parts)):
        node = result.nodes.get(".".join(parts[:k]))
        if isinstance(node, Relation) and set(node.ops) & _NOT_A_VALUE:
            return True
    return False


def _written_as_a_layer(result: Recognition, found: Found) -> bool:
    """Assigned to a name (a layer's output), or written with three of the template's names."""
    if target_of(found.path, result.nodes) is not None:
        return True
    ct = compiled(found.template)
    return ct is not None and agreement(ct, found.bindings) >= _OWN_NAMES


_OWN_NAMES = 3  # the input, the weights and the bias (or the activation) written as the template writes them


def layer_guard(result: Recognition) -> None:
    """Move to the weak matches the layers that compute a probability (see the module docstring)."""
    layers = [f for f in result.found if _has_activation_hole(f)]
    if not layers:
        return
    probability = _writes_a_probability(result)
    moved = [f for f in layers if probability or _in_a_draw_or_comparison(result, f.path)
             or not _written_as_a_layer(result, f)]
    result.weak.extend(moved)
    result.found = [f for f in result.found if all(f is not m for m in moved)]


__all__ = ["layer_guard"]
