"""Slips of a formula whose own name says what it is: the numbers deny the name, one edit agrees.

``\\mathrm{sigmoid}(x) = 1 / (1 + (-x))`` names the sigmoid, and recognition finds the numbers
deny it (``Recognition.contradicted``). The small edits of :mod:`thirdroad.formula.slips` (an exp,
a square root, a square, an ε put back, a sign flipped ...) are tried on the side that is
denied, in order; the first after which the numbers agree with the named concept is the slip.
The name is the evidence here, so no template need match the written formula's shape: a name
given in the formula or by the object a docstring documents is what the learner was told it is.
"""

from __future__ import annotations

from collections.abc import Mapping

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Derivative, Gradient, Node, Symbol
from thirdroad.formula.confirm import atom_name, computable
from thirdroad.formula.named import by_numbers
from thirdroad.formula.nearmiss.search import Slip, differ
from thirdroad.formula.recognize import Found, Recognition
from thirdroad.formula.slips import edits


def named_slips(rec: Recognition, seed: int = 0, flagged: frozenset[str] = frozenset()) -> list[Slip]:
    """The slips of the sides whose name the numbers deny (see the module docstring), one per
    concept, none for a concept in ``flagged`` (a slip already found for it)."""
    out: list[Slip] = []
    done = set(flagged)
    cat = concepts_module.catalog()
    for path, concept in rec.contradicted:
        cnode, node = rec.canon_of.get(path), rec.nodes.get(path)
        if cnode is None or node is None or concept in done or concept not in cat:
            continue
        checked = frozenset(cat[concept].near_misses)
        for kind, fixed, what in edits(cnode):
            if kind not in checked:
                continue  # the catalog says which slips each concept is checked for
            verdict = by_numbers(concept, fixed, seed)
            if not isinstance(verdict, tuple):
                continue
            ct, mapping = verdict
            found = Found(path, node, fixed, concept, ct.template, _bindings(fixed, mapping), "numeric", True,
                          "name")
            if differ(cnode, fixed, found, seed) is False:
                continue  # the edit changed nothing the numbers see
            done.add(concept)
            out.append(Slip(concept, kind, path, node, fixed, what, found))
            break
    return out


def _bindings(fixed: Node, mapping: Mapping[str, str]) -> dict[str, Node]:
    """The template's variables bound to the names of the edited tree they were given."""
    got = computable(fixed)
    if got is None:
        return {}
    program = got.program
    axes = program.steps[0].axes if program.steps else frozenset()
    out: dict[str, Node] = {}
    for var, name in mapping.items():
        for n in fixed.walk():
            if isinstance(n, Symbol | Derivative | Gradient) and atom_name(n, program, axes) == name:
                if isinstance(n, Symbol) and n.sub and program.name_of(n, axes)[1]:
                    n = Symbol(n.name, n.font, n.accent, (), n.sup, n.prime)
                out[var] = n
                break
        else:
            out[var] = Symbol(name)
    return out


__all__ = ["named_slips"]
