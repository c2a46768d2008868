"""An activation as a hole: what may stand where a template applies a function it declares.

A dense layer is ``f(W x + b)`` with f "the activation": a template that writes a function as
one of its variables means *any* activation there. What fills such a hole is a call of one
argument whose function is

- an activation the catalog knows by name (``\\sigma``, ``\\tanh``, ``\\mathrm{ReLU}``, ``\\text{GELU}``);
- or a single letter used as a function name (``f``, ``g``, ``s``, ``\\phi``, ``G``), the way a
  text writes "some activation" — except the letters that conventionally name something else
  (``E`` an expectation, ``P``, ``p``, ``q`` a probability, ``L``, ``J`` a loss, ``N`` a normal
  distribution, ``O`` an order of growth, ``R`` a regulariser);

or ``\\max(0, u)``, a ReLU written out, whose activation is then the ReLU.

Nothing else does: ``\\log(W x + b)``, ``\\det(\\cdot)``, a function with a subscript (``f_W``,
a whole network) or a primed one (a derivative) is not an activation applied.
"""

from __future__ import annotations

import re
from functools import cache

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Apply, Node, Symbol
from thirdroad.formula.normal_form import number_value

RELU = Symbol("ReLU", "rm")  # the activation of max(0, u)

# single letters that name something other than an activation when applied
_NOT_ACTIVATIONS = frozenset("EPpqLJNORl") | {"ell"}


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _activation_names() -> dict[str, str]:
    """The compact names of the catalog's activations (ids, names, aliases), and σ: the concept
    each names."""
    names = {"sigma": "sigmoid"}
    for concept in concepts_module.catalog().family("activations"):
        for n in (concept.id, concept.name, *concept.aliases):
            if len(_compact(n)) >= 2:
                names.setdefault(_compact(n), concept.id)
    return names


def activation_concept(func: Node) -> str | None:
    """The catalog's activation a function's name says (σ: the sigmoid), or None (``f``)."""
    return _activation_names().get(_compact(func.name)) if isinstance(func, Symbol) else None


def activation_name(func: Symbol) -> bool:
    """Whether a function's name may be an activation (see the module docstring)."""
    if func.sub or func.prime or func.sup is not None:
        return False
    if _compact(func.name) in _activation_names():
        return True
    letter = len(func.name) == 1 or func.name in _GREEK_LETTERS
    return letter and func.name not in _NOT_ACTIVATIONS


_GREEK_LETTERS = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau upsilon phi varphi "  # noqa: SIM905
    "chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega".split()
)


def activation_call(node: Node) -> tuple[Node, Node] | None:
    """(the activation, its argument) where ``node`` (canonical) applies an activation to one
    argument, else None."""
    if not isinstance(node, Apply) or not isinstance(node.func, Symbol):
        return None
    if node.func.name == "max" and not node.func.sub and len(node.args) == 2:
        zeros = [k for k, a in enumerate(node.args) if number_value(a) == 0.0]
        return (RELU, node.args[1 - zeros[0]]) if len(zeros) == 1 else None
    if len(node.args) == 1 and activation_name(node.func):
        return node.func, node.args[0]
    return None


__all__ = ["RELU", "activation_call", "activation_concept", "activation_name"]
