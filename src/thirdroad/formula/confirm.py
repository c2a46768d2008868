"""What the numbers say about a chunk: confirmation of a structural match, and search by value.

**Confirmation.** Where a template matched and bound plain names, the chunk is evaluated on
random inputs drawn for each variable's role (a number, a vector, a matrix; an array with one
axis per index the template writes on it) and compared with the concept's NumPy reference
called with the same values. True: they agree; False: they differ (the match is dropped);
None: the check cannot be made, and each reason is decided by a check before anything is
computed: a variable bound to a computed expression, a label, a function (which cannot be drawn
at random), a setting the formula does not show, a chunk the evaluator cannot compute
(``FormulaError``), or values the chunk cannot take (``ValuesError``: ``x_{ij}`` where the
template writes one index). Any other error is a bug and is raised.

**Numeric search.** A chunk no template matched, with one or two inputs, is evaluated on the
fixed inputs of the library's fingerprints and looked up among the references' values on the
same inputs (a softmax with a temperature, ``\\tanh(x/2)/2 + 1/2``); a hit is confirmed on
random inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from thirdroad.formula.ast import Derivative, Gradient, Node, Number, Symbol
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.evaluate import Planned, evaluate, planned
from thirdroad.formula.program import Program
from thirdroad.formula.templates import (
    CANONICAL,
    CompiledTemplate,
    Library,
    callable_with,
    fingerprint_parameters,
    key,
    slot,
    whole_numbers,
)

SIZE = 4  # the length of the sample vectors
# What makes a small template's numbers its own (a kink, a curve), so the numeric search may
# name it: max(0, x) is told by its values, A x is not.
_TELLING = frozenset({"apply", "exp", "sqrt", "abs", "norm", "cases", "f:max", "f:min", "f:tanh", "f:sigma",
                      "f:log"})
_WHOLE = 2  # the value of a setting that must be a whole number (a kernel size)


def program_of(cnode: Node) -> Program | None:
    """The chunk's program (kept for the tree, which is evaluated again and again), or None if
    the chunk is not something the evaluator computes (a set, a relation, an unknown function)."""
    got = computable(cnode)
    return got.program if got is not None else None


def computable(cnode: Node) -> Planned | None:
    """The planned program of a tree, or None if it cannot be computed (``FormulaError``)."""
    try:
        return planned(cnode)
    except FormulaError:
        return None


def value_of(node: Node, inputs: Mapping[str, Any]) -> Any | None:
    """The value of a tree on these inputs, or None where it cannot be computed on them:
    ``FormulaError``, which covers ``ValuesError`` (inputs of shapes the tree cannot take)."""
    try:
        return evaluate(node, **inputs)
    except FormulaError:
        return None


def atom_name(node: Node, program: Any, axes: frozenset[str]) -> str | None:
    """The evaluator's input name for a name or a gradient in a chunk (None for anything else)."""
    if isinstance(node, Symbol):
        return str(program.name_of(node, axes)[0])
    if isinstance(node, Derivative | Gradient):
        return str(program.grad_name(node, axes))
    return None


def agree(a: Any, b: Any) -> bool | None:
    """True if two results agree where both are finite, False if they differ, None if they
    cannot be compared (nothing finite)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape and x.ndim and y.ndim:
        if x.size == y.size:
            x, y = x.ravel(), y.ravel()
        elif _broadcast(x.shape, y.shape):
            x, y = np.broadcast_arrays(x, y)
        else:
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


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(p == q or p == 1 or q == 1 for p, q in zip(a[::-1], b[::-1], strict=False))


# --------------------------------------------------------------------------------------------
# sample values


def axes_of(ct: CompiledTemplate, var: str) -> int:
    """How many axes a sample of a template variable has: its role's (a vector one, a matrix two),
    at least one per index the template writes on it, or what its domain says (``3 axes``)."""
    declared = ct.template.variable(var).axes
    if declared is not None and not declared[1]:
        return declared[0]
    written = max({"vector": 1, "matrix": 2}.get(ct.roles.get(var, ""), 0), ct.ranks.get(var, 0))
    return max(written, declared[0]) if declared is not None else written


def sample(role: str, rank: int, rng: np.random.Generator, positive: bool, domain: tuple[str, ...] = ()) -> Any:
    """A random value for a variable of this role, with ``rank`` axes of length SIZE, inside its
    declared ``domain`` (``concepts.DOMAINS``): gates in (0, 1), labels whole numbers from 0,
    probability vectors that add up to one ..."""
    if role == "step":
        return 3
    if role == "size":
        return SIZE
    if role == "label" and not domain:
        return 1
    shape = (SIZE,) * rank
    if domain:
        return _in_domain(domain, shape, rng)
    if shape:
        return rng.uniform(0.1, 0.9, shape) if positive else rng.uniform(-2.0, 2.0, shape)
    value = float(rng.uniform(0.1, 0.9))
    if role == "tensor" and not positive:
        value = float(rng.uniform(-2.0, 2.0))  # an elementwise function is checked on negative numbers too
    return value


def _in_domain(domain: tuple[str, ...], shape: tuple[int, ...], rng: np.random.Generator) -> Any:
    """A value drawn from a declared domain (the first phrase that is not a number of axes)."""
    kind = next((d for d in domain if not d.endswith(("axis", "axes"))), "")
    if kind == "probability vector":
        p = rng.uniform(0.1, 1.0, shape or (SIZE,))
        return p / p.sum(axis=-1, keepdims=True)
    if kind == "one-hot":  # its last axis is the one-hot one: a vector is one label
        return np.eye(SIZE)[rng.integers(0, SIZE, shape[:-1])]
    if kind == "labels":
        return rng.integers(0, SIZE, shape or ())
    if kind == "0 or 1":
        return rng.integers(0, 2, shape).astype(float) if shape else 1.0
    if kind == "-1 or 1":
        return rng.choice([-1.0, 1.0], shape) if shape else 1.0
    if kind == "whole":
        return 2
    if kind in ("n by 2n", "n² by n"):
        return rng.uniform(-1.0, 1.0, (SIZE, 2 * SIZE) if kind == "n by 2n" else (SIZE * SIZE, SIZE))
    if kind == "positive definite":
        a = rng.uniform(-1.0, 1.0, (SIZE, SIZE))
        return a @ a.T + np.eye(SIZE)
    if kind in ("lower triangular", "upper triangular"):
        a = np.tril(rng.uniform(-1.0, 1.0, (SIZE, SIZE)), -1) + np.diag(rng.uniform(0.5, 2.0, SIZE))
        return a if kind == "lower triangular" else a.T
    low, high = {"positive": (0.1, 2.0), "non-negative": (0.0, 2.0), "negative": (-2.0, -0.1),
                 "in (0, 1)": (0.05, 0.95), "in [0, 1]": (0.0, 1.0)}.get(kind, (-2.0, 2.0))
    return rng.uniform(low, high, shape) if shape else float(rng.uniform(low, high))


def confirm(ct: CompiledTemplate, cnode: Node, bindings: Mapping[str, Any], seed: int = 0) -> bool | None:
    """Whether the numbers agree with a structural match: True, False, or None if they cannot be
    computed (see the module docstring)."""
    verdict = _confirm(ct, cnode, bindings, seed, columns=False)
    if verdict is False and "transpose" in ct.features:
        # u v^T is an outer product only if u and v are columns: try the vectors as columns
        verdict = _confirm(ct, cnode, bindings, seed, columns=True)
    return verdict


def _input_names(ct: CompiledTemplate, program: Program, bindings: Mapping[str, Any]
                 ) -> tuple[dict[str, str], dict[str, float]] | None:
    """(template variable -> the chunk's input name, settings written as numbers), or None if a
    variable is bound to something that is no input of the chunk (a computed expression)."""
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
    return names, constants


def _confirm(ct: CompiledTemplate, cnode: Node, bindings: Mapping[str, Any], seed: int,
             columns: bool) -> bool | None:
    """Evaluate the chunk and the reference with the bindings on random inputs (see confirm)."""
    program = program_of(cnode)
    if program is None or len(program.steps) != 1:
        return None
    if "label" in ct.roles.values():
        return None  # x_y with a label y: the evaluator reads y as part of a name
    if "index" in ct.roles.values() and not program.steps[0].free:
        return None  # the reference gives every entry; the chunk as written gives one
    named = _input_names(ct, program, bindings)
    if named is None:
        return None
    names, constants = named
    template = ct.template
    passed = frozenset(v for v in (*names, *constants) if template.variable(v).passed_to_reference)
    if not callable_with(ct, passed):
        return None
    whole = whole_numbers(ct)
    ref = template.reference_function()
    verdicts = []
    for positive in (True, False):
        rng = np.random.default_rng(seed)
        inputs: dict[str, Any] = {}
        kwargs: dict[str, Any] = {v: c for v, c in constants.items() if v in passed}
        for var, name in names.items():
            role = ct.roles.get(var, "tensor")
            value = _WHOLE if var in whole else sample(role, axes_of(ct, var), rng, positive,
                                                       ct.template.variable(var).domain)
            inputs[name] = np.reshape(value, (-1, 1)) if columns and role == "vector" else value
            if var in passed:
                kwargs[var] = value
        got = value_of(cnode, inputs)
        if got is None:
            return None
        with np.errstate(all="ignore"):
            want = ref(**kwargs)
        verdicts.append(agree(got, want))
    if False in verdicts:
        return False
    return True if True in verdicts else None


# --------------------------------------------------------------------------------------------
# numeric search


def numeric_search(cnode: Node, lib: Library, seed: int) -> list[tuple[CompiledTemplate, dict[str, str]]]:
    """Templates whose reference computes what ``cnode`` computes, found by value."""
    program = program_of(cnode)
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
            for name, kind in zip(order, signature, strict=True):
                values[name] = CANONICAL[kind][used[kind]]
                slot_of[name] = f"{kind}{used[kind]}"
                used[kind] += 1
            got = value_of(cnode, values)
            found = key(got) if got is not None else None
            if found is None or found not in table:
                continue
            for ct in table[found]:
                if ct.generic and not ct.features & _TELLING:
                    continue  # A x, a + b c: too plain to be told apart by the numbers
                mapping = _assign(ct, slot_of)
                if mapping is not None and _confirm_numeric(ct, cnode, mapping, seed):
                    hits.append((ct, mapping))
    return hits


def _assign(ct: CompiledTemplate, slot_of: Mapping[str, str]) -> dict[str, str] | None:
    """Which input of the chunk is which parameter of the reference: the one whose canonical
    value the fingerprint used (parameters of one kind are tried in both orders)."""
    params = fingerprint_parameters(ct)
    if params is None:
        return None
    ref = ct.template.reference_function()
    for order in itertools.permutations(params):
        used = {"arr": 0, "num": 0}
        mapping: dict[str, str] = {}
        for var in order:
            kind = slot(ct.roles[var]) or ""
            label = f"{kind}{used[kind]}"
            used[kind] += 1
            names = [n for n, s in slot_of.items() if s == label]
            if len(names) != 1:
                break
            mapping[var] = names[0]
        else:
            kwargs = {p: CANONICAL[slot_of[n][:3]][int(slot_of[n][3:])] for p, n in mapping.items()}
            with np.errstate(all="ignore"):
                if key(ref(**kwargs)) is not None:
                    return mapping
    return None


def _confirm_numeric(ct: CompiledTemplate, cnode: Node, mapping: Mapping[str, str], seed: int) -> bool:
    ref = ct.template.reference_function()
    for positive in (True, False):
        rng = np.random.default_rng(seed + 1)
        inputs: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        for var, name in mapping.items():
            role = ct.roles[var]  # as in the fingerprint: a tensor is a vector here
            kwargs[var] = inputs[name] = sample(role, 0 if slot(role) == "num" else 1, rng, positive)
        got = value_of(cnode, inputs)
        if got is None:
            return False
        with np.errstate(all="ignore"):
            want = ref(**kwargs)
        if agree(got, want) is False:
            return False
    return True


__all__ = ["SIZE", "agree", "atom_name", "axes_of", "computable", "confirm", "numeric_search", "program_of", "sample",
           "value_of"]
