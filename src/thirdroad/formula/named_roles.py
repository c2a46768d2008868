"""A named call in a role: ``a = \\mathrm{softmax}(e)`` is attention weights.

A concept that reads roles into a computation (``evidence.ROLE_FAMILIES``: attention, energy
models) is often written by calling the concept it is built on by name rather than writing it
out: ``\\alpha_{ij} = \\mathrm{softmax}(e_{ij})`` rather than ``\\exp(e_{ij}) / \\sum_k \\exp(e_{ik})``.
Written out, the template and the roles name it; called by name, the call alone names only the
softmax. So where a chunk is a concept named by its call, each concept of a role family built
directly on it is checked two ways, and named where both hold:

- the numbers: the chunk computes what the concept's reference computes (``named.by_numbers``);
- the roles: the line assigns a value named as a template of the concept names its output (``a``
  of ``a_t(s)``, ``\\alpha`` of ``\\alpha_{ij}``), or the words around the formula name the concept
  (``evidence.roles_written``).

A softmax of word vectors assigned to ``p`` stays a softmax.
"""

from __future__ import annotations

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Derivative, Gradient, Node, Symbol
from thirdroad.formula.confirm import atom_name, computable
from thirdroad.formula.evidence import reads_a_role, roles_written
from thirdroad.formula.found import Found, Recognition, target_of
from thirdroad.formula.named import by_numbers
from thirdroad.formula.templates import compiled


def _built_on(concept: str) -> list[str]:
    """The concepts of a role family built directly on ``concept``."""
    return [c.id for c in concepts_module.catalog() if reads_a_role(c.id)
            and any(edge.source == concept for edge in c.builds_on)]


def _input_node(cnode: Node, name: str) -> Node:
    """The symbol of the chunk that the evaluator calls ``name``."""
    got = computable(cnode)
    if got is not None:
        program, axes = got.program, got.program.steps[0].axes
        for n in cnode.walk():
            if isinstance(n, Symbol | Derivative | Gradient) and atom_name(n, program, axes) == name:
                return n
    return Symbol(name)


def _in_role(concept: str, reference: str | None, result: Recognition, path: str) -> bool:
    """Whether the line assigns a value named as one of the concept's templates that compute the
    same thing (``reference``; None: any of them) names its output."""
    target = target_of(path, result.nodes)
    for template in concepts_module.catalog()[concept].formulas:
        ct = compiled(template)
        if ct is not None and reference in (None, template.reference) and roles_written(ct, {}, target):
            return True
    return False


def named_roles(result: Recognition, seed: int = 0) -> None:
    """Add the concepts of a role family that a named call computes in its role (see the module
    docstring)."""
    for f in [f for f in result.found if f.method == "name" or f.named == "name"]:
        for concept in _built_on(f.concept):
            if any(g.path == f.path and g.concept == concept for g in result.found):
                continue
            said = concept in result.claims
            if not (said or _in_role(concept, None, result, f.path)):
                continue  # neither said nor in its role: no need to compare the numbers
            # the tree as written first: a bold e is a vector there, Euler's number once fonts are dropped
            checked = next((c for c in (by_numbers(concept, n, seed) for n in (f.node, f.canon))
                            if isinstance(c, tuple)), None)
            if checked is None:
                continue
            ct, mapping = checked
            if said or _in_role(concept, ct.template.reference, result, f.path):
                bindings = {var: _input_node(f.node, name) for var, name in mapping.items()}
                result.found.append(Found(f.path, f.node, f.canon, concept, ct.template, bindings, "numeric", True,
                                          "words" if said else ""))


__all__ = ["named_roles"]
