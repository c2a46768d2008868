"""What a slip does to the numbers, said to a learner.

The written and the intended expression are computed on one small example, chosen to show what
the concept promises and the slip breaks:

- weights that should add up to one (a softmax, attention weights): scores 1, 2, 0.5, and what
  the written weights add up to;
- a weighted average: the constant 1 averaged with the weights, which should give 1 back;
- a moving average: what its two weights add up to, which is how a constant input grows;
- an update: a steady gradient of 0.01 (so its moving average is 0.01 and the average of its
  squares 0.0001), and how the step compares with the intended one, or a gradient of 2 from 1
  for a step that climbs;
- anything else: inputs drawn from the concept's declared domains
  (``thirdroad.formula.example_values``), and the two values side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Derivative, Gradient, Node, Symbol
from thirdroad.formula.confirm import atom_name, program_of, value_of
from thirdroad.formula.example_values import fmt_value, readable
from thirdroad.formula.names import display
from thirdroad.formula.nearmiss.search import Slip
from thirdroad.formula.normal_form import canon
from thirdroad.formula.phrases import concept_name, notation, with_article
from thirdroad.formula.recognize import Found

_SCORES = np.array([1.0, 2.0, 0.5])
# A steady gradient g: its moving average is g and the average of its squares g².
_STEADY = {"grad": 0.01, "m": 0.01, "m_hat": 0.01, "x": 0.01, "v": 1e-4, "v_hat": 1e-4, "sq_avg": 1e-4,
           "acc": 1e-4, "u": 0.01, "theta": 0.0, "lr": 1e-3, "eps": 1e-8, "beta": 0.9, "beta1": 0.9,
           "beta2": 0.999, "t": 1}
# A step that climbs: from 1, with a gradient of 2 and a learning rate of 0.1.
_CLIMB = {"theta": 1.0, "lr": 0.1, "grad": 2.0, "m": 2.0, "m_hat": 2.0, "v": 4.0, "v_hat": 4.0, "sq_avg": 4.0,
          "acc": 4.0, "eps": 0.0}


def effect(slip: Slip) -> str:
    """One clause on what the slip does to the numbers ("" when no example says it)."""
    written, intended = canon(slip.written), slip.found.canon
    mine, meant = program_of(written), program_of(intended)
    if mine is None or meant is None:
        return ""
    if slip.kind == "missing_eps":
        return "where what it divides by is 0, it divides by zero"
    found = slip.found
    concept = concepts_module.catalog()[found.concept]  # what the part that differs is
    names = {v.name for v in found.template.variables}
    if concept.sums_to_one and "x" in names:
        return _weights_sum(written, found)
    if found.concept == "weighted_average":
        return _average_of_one(written, found)
    if not set(mine.inputs) <= set(meant.inputs):
        return ""  # the two read different inputs: no one example says what the slip does
    if slip.kind == "wrong_weights" and names & {"beta", "alpha"}:
        return _moving_average(written, found)
    if {"theta", "lr"} <= names:
        return _step(written, intended, found, slip.kind)
    return _side_by_side(written, intended, found)


def _fmt(x: float) -> str:
    """A number in a sentence: three significant digits."""
    if x == 0:
        return "0"
    return f"{x:.2g}" if abs(x) >= 100 or abs(x) < 0.01 else f"{x:.3g}"


def _by_role(found: Found, node: Node, samples: Mapping[str, Any], complete: bool = True) -> dict[str, Any] | None:
    """Inputs of ``node`` for the template variables named in ``samples``; None if one is
    missing (unless not ``complete``)."""
    program = program_of(node)
    meant = program_of(found.canon)
    if program is None or meant is None:
        return None
    axes = meant.steps[0].axes if meant.steps else frozenset()
    values: dict[str, Any] = {}
    for var, bound in found.bindings.items():
        atom = bound[0] if isinstance(bound, tuple) else bound
        name = atom_name(atom, meant, axes) if isinstance(atom, Node) else None
        if name is not None and var in samples:
            values[name] = samples[var]
    if complete and set(program.inputs) - set(values):
        return None
    return values


def _weights_sum(written: Node, found: Found) -> str:
    x = found.bindings.get("x")
    atom = x[0] if isinstance(x, tuple) else x
    values = _by_role(found, written, {"x": _SCORES, "T": 1.0})
    if not isinstance(atom, Symbol) or values is None:
        return "the weights no longer sum to 1"
    got = value_of(written, values)
    if got is None or np.ndim(got) != 1:
        return "the weights no longer sum to 1"
    scores = ", ".join(_fmt(v) for v in _SCORES)
    return f"for the scores {scores}, as written these weights sum to {_fmt(float(np.sum(got)))}, not 1"


def _average_of_one(written: Node, found: Found) -> str:
    program = program_of(written)
    values = _by_role(found, written, {"a": _SCORES, "x": np.ones(3)})
    if program is not None and values is None:
        # anything else the formula writes (a count n) is the number of terms
        values = {**dict.fromkeys(program.inputs, float(_SCORES.size)),
                  **(_by_role(found, found.canon, {"a": _SCORES, "x": np.ones(3)}, complete=False) or {})}
    got = value_of(written, values) if values is not None else None
    if got is None:
        return "the weights do not sum to 1"
    total = _fmt(float(np.sum(got)))
    weights = ", ".join(_fmt(v) for v in _SCORES)
    return (f"averaging the constant 1 with the weights {weights} gives {total}, not 1: "
            f"the weights as used sum to {total}")


def _moving_average(written: Node, found: Found) -> str:
    """What the written average's weights add up to: how a constant input grows or shrinks."""
    beta_var = "beta" if "beta" in found.bindings else "alpha"
    beta = found.bindings.get(beta_var)
    shown = f"{notation(beta)} = 0.9" if isinstance(beta, Node) and not _is_number(beta) else ""
    ones = _constant_input(written, found, beta_var)
    if ones is None:
        return ""
    got = value_of(written, ones)
    if got is None:
        return ""
    total = float(np.ravel(got)[0])
    where = f"with {shown}, " if shown else ""
    growth = "grows" if total > 1 else "shrinks"
    return (f"{where}the weights add up to {_fmt(total)}, not 1: averaging a constant input of 1 "
            f"{growth} to {_fmt(total)} after one step instead of staying at 1")


def _is_number(node: Node) -> bool:
    return not any(isinstance(n, Symbol) for n in node.walk())


def _constant_input(written: Node, found: Found, beta_var: str) -> dict[str, Any] | None:
    """Every value the average reads set to 1, its setting to 0.9."""
    program = program_of(written)
    if program is None:
        return None
    values: dict[str, Any] = dict.fromkeys(program.inputs, 1.0)
    settings = _by_role(found, found.canon, {beta_var: 0.9}, complete=False) or {}
    values.update({k: v for k, v in settings.items() if k in values})
    return values


def _step(written: Node, intended: Node, found: Found, kind: str) -> str:
    samples = _CLIMB if kind == "flipped_sign" else _STEADY
    values = _by_role(found, intended, samples)
    got = value_of(written, values) if values is not None else None
    want = value_of(intended, values) if values is not None else None
    if got is None or want is None:
        return "the step goes uphill: the loss grows instead of shrinking" if kind == "flipped_sign" else ""
    got_f, want_f = float(np.ravel(got)[0]), float(np.ravel(want)[0])
    if kind == "flipped_sign":
        return (f"it climbs the loss instead of descending: from 1 with a gradient of 2 and a learning rate of "
                f"0.1 it moves to {_fmt(got_f)} instead of {_fmt(want_f)}")
    if want_f == 0:
        return ""
    ratio = abs(got_f / want_f)
    how = f"{_fmt(ratio)} times too large" if ratio >= 1 else f"{_fmt(ratio)} times the step it should be"
    return (f"with a steady gradient of 0.01 (so the squared average is 0.0001) and a learning rate of 0.001, "
            f"the step is {_fmt(abs(got_f))} instead of {_fmt(abs(want_f))}: {how}")


def _side_by_side(written: Node, intended: Node, found: Found) -> str:
    example = readable_inputs((written, intended), found)
    if example is None:
        return ""
    values, shown = example
    got, want = value_of(written, values), value_of(intended, values)
    if got is None or want is None:
        return ""
    given = ", ".join(f"{shown[k]} = {fmt_value(values[k])}" for k in shown)
    name = concept_name(concepts_module.catalog()[found.concept])
    return f"with {given}, it gives {fmt_value(got)} where {with_article(name)} gives {fmt_value(want)}"


def readable_inputs(nodes: tuple[Node, ...], found: Found) -> tuple[dict[str, Any], dict[str, str]] | None:
    """Example inputs for every name of ``nodes`` (a variable of the concept's template by its
    role and domain, any other name as a plain number or vector) and how the formula writes each;
    None where a tree cannot be planned."""
    declared = _declared(found)
    values: dict[str, Any] = {}
    shown: dict[str, str] = {}
    arrays = 0
    for node in nodes:
        program = program_of(node)
        if program is None or len(program.steps) != 1:
            return None
        axes = program.steps[0].axes
        for n in node.walk():
            if not isinstance(n, Symbol | Gradient | Derivative):
                continue
            name = atom_name(n, program, axes)
            if name is None or name not in program.inputs or name in values:
                continue
            rank = len(program.name_of(n, axes)[1]) if isinstance(n, Symbol) else 1
            var, role, domain = declared.get(name, ("", "vector" if rank else "scalar", ()))
            values[name] = readable(role, domain, arrays if rank or role in ("vector", "tensor") else len(values),
                                    var, rank)
            arrays += np.ndim(values[name]) > 0
            if isinstance(n, Symbol) and rank:
                shown[name] = display(Symbol(n.name, n.font, n.accent, (), n.sup, n.prime))
            else:
                shown[name] = notation(n)
    return values, shown


def _declared(found: Found) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Input name -> (template variable, role, domain) for the names the concept's template binds."""
    program = program_of(found.canon)
    if program is None or len(program.steps) != 1:
        return {}
    axes = program.steps[0].axes
    names = {v.name for v in found.template.variables}
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for var, bound in found.bindings.items():
        atom = bound[0] if isinstance(bound, tuple) else bound
        name = atom_name(atom, program, axes) if isinstance(atom, Node) else None
        if name is not None and var in names:
            v = found.template.variable(var)
            out.setdefault(name, (var, v.role, v.domain))
    return out


__all__ = ["effect", "readable_inputs"]
