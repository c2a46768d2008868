"""The action lens: what the formula does, shown on a small worked example that the evaluator
computes. Inputs get the catalog's typical values (``thirdroad.concepts.typical_values``): the
vectors, the matrix and the usual settings (Adam's β_1 = 0.9); sizes fit the arrays; a mean or
a variance the template derives from an input is that statistic of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Template
from thirdroad.formula.ast import BigOp, Block, Derivative, Gradient, Neg, Node, Number, Power, Sum, Symbol
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.latex import to_latex
from thirdroad.formula.match import canon
from thirdroad.formula.names import display
from thirdroad.formula.parse import parse
from thirdroad.formula.phrases import atom, notation
from thirdroad.formula.program import Program, plan
from thirdroad.formula.recognize import Found, Recognition, atom_name, quiet


@cache
def _examples() -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The example vectors and the example matrix, as arrays."""
    typical = concepts_module.typical_values()
    return tuple(np.array(v) for v in typical.vectors), np.array(typical.matrix)


def _vector(k: int) -> np.ndarray:
    vectors, _ = _examples()
    return vectors[k % len(vectors)]


def _example_value(var: str, role: str, k: int = 0) -> Any:
    """A template variable's example value, by its role and name; ``k`` picks the vector."""
    typical = concepts_module.typical_values()
    if role == "size":
        return typical.size
    if role in ("vector", "tensor"):
        return _vector(k)
    if role == "matrix":
        return _examples()[1]
    if role == "step":
        return typical.step
    return typical.by_variable.get(var, typical.scalar)


def action_lens(rec: Recognition, chunks: list[Chunk]) -> str:
    """What the main concept does (or the part a line plays), then a worked example."""
    main = rec.main
    if main is None:
        return ""
    top = [f for f in rec.found if f.path == rec.main_path]
    concept_text = ""
    head = next((c for c in chunks if c.path == rec.main_path), None)
    if head is not None:
        # a line that is one part of an optimizer does what that part does, not the whole step
        concept_text = (head.does or concepts_module.catalog()[head.concept].action) + " "
    example = _worked_example(rec, main, top[0] if top else None)
    if isinstance(rec.formula.root, Block):
        example = _block_example(rec) or example
    return (concept_text + example).strip()


def _counts(node: Node) -> set[Node]:
    """The names a formula counts with: the upper limit of a sum or product written with one
    (``n`` in ``\\sum_{i=1}^{n}``), or the index of the last of several terms (``x_1 + … + x_n``).
    They are sizes, whatever the catalog calls them."""
    out: set[Node] = {n.over for n in node.walk() if isinstance(n, BigOp) and isinstance(n.over, Symbol)}
    for n in node.walk():
        # x_1 + ... + x_n: the last term's index is how many terms there are
        if isinstance(n, Sum) and any(isinstance(t, Symbol) and t.name in _DOTS for t in n.terms):
            last = n.terms[-1]
            if isinstance(last, Symbol):
                out.update(s for s in last.sub if isinstance(s, Symbol))
    return out


_DOTS = frozenset({"dots", "cdots", "ldots"})


def _plain(sym: Symbol) -> Symbol:
    return Symbol(sym.name, sym.font, sym.accent, (), sym.sup, sym.prime)


def fmt_value(value: Any) -> str:
    """A number or an array as the example writes it: ``0.5``, ``[1, 2, 0.5]``, ``[1, 0; 0, 1]``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    if arr.ndim == 1:
        return "[" + ", ".join(f"{v:.3g}" for v in arr) + "]"
    return "[" + "; ".join(", ".join(f"{v:.3g}" for v in row) for row in arr) + "]"


def _block_example(rec: Recognition) -> str:
    """One pass through several equations: the averages start at zero, the rest get small values."""
    program = quiet(lambda: plan(rec.formula.root))
    if program is None or not program.is_block or not program.outputs:
        return ""
    shown: dict[str, str] = {}
    for s in rec.formula.root.walk():
        if isinstance(s, Symbol):
            name = program.name_of(s, frozenset())[0]
            t = program.time_letter
            step = t is not None and len(s.sub) == 1 and s.sub[0] in (Symbol(t), Sum((Symbol(t), Neg(Number("1")))))
            shown.setdefault(name, display(_plain(s)) if step else display(s))  # m for m_t and m_{t-1}
    for name, text in _gradients_shown(program, rec.formula.root, frozenset()).items():
        shown.setdefault(name, text)
    typical = concepts_module.typical_values()
    inputs: dict[str, Any] = {}
    arrays = 0
    counts = {atom_name(s, program, frozenset()) for s in _counts(rec.formula.root)}
    for name in program.inputs:
        if name in counts:
            inputs[name] = typical.size
        elif name in typical.by_symbol:
            inputs[name] = typical.by_symbol[name]
        elif name in program.outputs[:-1]:
            inputs[name] = np.zeros(typical.size)  # a running average starts at zero
        else:
            inputs[name] = _vector(arrays)
            arrays += 1
    results = quiet(lambda: evaluate(rec.formula.root, **inputs))
    if not isinstance(results, dict):
        return ""
    last = program.outputs[-1]
    if last not in results or not np.all(np.isfinite(np.asarray(results[last], dtype=np.float64))):
        return ""
    given = ", ".join(f"{shown.get(n, n)} = {fmt_value(v)}" for n, v in inputs.items())
    return f"For example, one pass with {given} gives {shown.get(last, last)} = {fmt_value(results[last])}."


def _gradients_shown(program: Program, node: Node, axes: frozenset[str]) -> dict[str, str]:
    """A gradient is an input of the example; it is shown as written (∇_θ L(θ)), not by the
    name the generated code gives it (grad_L_theta)."""
    out: dict[str, str] = {}
    for n in node.walk():
        if isinstance(n, Gradient | Derivative):
            out[program.grad_name(n, axes)] = notation(n)
    return out


def _template_inputs(found: Found, program: Program, axes: frozenset[str]
                     ) -> tuple[dict[str, Any], dict[str, str]]:
    """Example values for the inputs the template names, by role; and which input each template
    variable is (``{variable: input name}``). Names the template derives are left out."""
    inputs: dict[str, Any] = {}
    input_of: dict[str, str] = {}
    derived_symbols = {written for written, _, _ in found.template.derived}
    for var, bound in found.bindings.items():
        node = atom(bound)
        if not isinstance(node, Node):
            continue
        name = atom_name(node, program, axes)
        if name is None or name not in program.inputs:
            continue
        declared = [v for v in found.template.variables if v.name == var]
        role = "vector" if isinstance(bound, tuple) else declared[0].role if declared else "scalar"
        input_of.setdefault(var, name)
        if name not in inputs and not any(v.symbol in derived_symbols for v in declared):  # computed below
            arrays = sum(1 for v in inputs.values() if np.ndim(v) == 1)
            inputs[name] = _example_value(var, role, arrays)
    return inputs, input_of


def _worked_example(rec: Recognition, main: Node, found: Found | None) -> str:
    """One line computed on example values: "For example, with z = [1, 2, 0.5], it gives ..."."""
    node = rec.canon_of.get(rec.main_path, main)
    program = quiet(lambda: plan(node))
    if program is None or not program.inputs or len(program.steps) != 1:
        return ""
    axes = program.steps[0].axes
    inputs, input_of = _template_inputs(found, program, axes) if found is not None else ({}, {})
    indexed = {program.name_of(s, axes)[0] for s in node.walk()
               if isinstance(s, Symbol) and program.name_of(s, axes)[1]}
    counts = {atom_name(s, program, axes) for s in _counts(main) | _counts(node)}
    for name in program.inputs:
        if name in counts:
            inputs[name] = concepts_module.typical_values().size  # a count the template does not name
        elif name not in inputs:
            arrays = sum(1 for v in inputs.values() if np.ndim(v) == 1)
            inputs[name] = _vector(arrays) if name in indexed else concepts_module.typical_values().scalar
    derived: dict[str, str] = {}  # input name -> the statistic it is, of which input
    if found is not None:
        _normalise_weights(found.template, input_of, inputs)
        made = _derive(found, node, program, axes, input_of, inputs)
        if made is None:
            return ""  # a quantity the catalog derives from the inputs that cannot be computed here
        derived = made
    result = quiet(lambda: evaluate(node, **inputs))
    if result is None or not np.all(np.isfinite(np.asarray(result, dtype=np.float64))):
        return ""
    shown = {program.name_of(s, axes)[0]: display(_plain(s) if program.name_of(s, axes)[1] else s)
             for s in node.walk() if isinstance(s, Symbol)}
    shown.update(_gradients_shown(program, node, axes))
    order = [name for name in inputs if name not in derived] + list(derived)
    given = ", ".join(f"{shown.get(name, name)} = {fmt_value(inputs[name])}" + _derived_from(name, derived, shown)
                      for name in order)
    text = f"For example, with {given}, it gives {fmt_value(result)}"
    arr = np.asarray(result, dtype=np.float64)
    if arr.ndim == 1 and arr.size > 1:
        total = round(float(arr.sum()), 12) + 0.0  # standardised values add up to 0, not -4.4e-16
        text += f" (these add up to {total:.3g})"
    return text + "."


def _derived_from(name: str, derived: Mapping[str, str], shown: Mapping[str, str]) -> str:
    """`` (the mean of x)`` after a derived input's value; "" for the others."""
    if name not in derived:
        return ""
    statistic, _, source = derived[name].partition(" of ")
    return f" (the {statistic} of {shown.get(source, '')})"


_STATISTIC: dict[str, Callable[[Any], Any]] = {"mean": np.mean, "variance": np.var, "standard deviation": np.std}


def _normalise_weights(template: Template, input_of: Mapping[str, str], inputs: dict[str, Any]) -> None:
    """Weights the template needs to add up to one get example values that do."""
    for var, _ in template.normalised:
        name = input_of.get(var)
        if name is None or name not in inputs or np.ndim(inputs[name]) != 1:
            continue
        weights = np.abs(np.asarray(inputs[name], dtype=np.float64))
        if weights.sum() > 0:
            inputs[name] = weights / weights.sum()


def _derive(found: Found, node: Node, program: Program, axes: frozenset[str],
            input_of: Mapping[str, str], inputs: dict[str, Any]) -> dict[str, str] | None:
    """Set the names the catalog derives from an input (the mean μ of x in a variance) to that
    statistic of the example's input. Returns ``{input name: "mean of <input name>"}``, or None
    when a derived name cannot be found or computed, so that no example with made-up values for
    it is shown."""
    template = found.template
    out: dict[str, str] = {}
    for written, statistic, var in template.derived:
        source = input_of.get(var)
        if source is None or source not in inputs:
            return None
        target = _derived_node(found, node, written)
        power = 1.0
        if isinstance(target, Power) and isinstance(target.exp, Number):
            power, target = float(target.exp.value), target.base  # σ_B² is the variance: σ_B its root
        if not isinstance(target, Symbol):
            return None
        name = atom_name(target, program, axes)
        if name is None or name not in program.inputs:
            return None
        value = float(_STATISTIC[statistic](np.asarray(inputs[source], dtype=np.float64)))
        inputs[name] = value ** (1.0 / power)
        out[name] = f"{'standard deviation' if power == 2 and statistic == 'variance' else statistic} of {source}"
    return out


def _derived_node(found: Found, node: Node, written: str) -> Node | None:
    """The formula's own node for a name the template writes: the binding of the variable it is
    (declared, or named freely in the template), else the same name written in the formula."""
    pattern = quiet(lambda: canon(parse(written, "latex").root))
    if pattern is None:
        return None
    for var in found.template.variables:
        if quiet(lambda v=var: canon(parse(v.symbol, "latex").root)) == pattern:  # type: ignore[misc]
            bound = atom(found.bindings.get(var.name))
            return bound if isinstance(bound, Node) else None
    if isinstance(pattern, Symbol):
        bound = found.bindings.get("_" + pattern.name + pattern.accent)
        if isinstance(bound, Node):
            return bound
    if isinstance(pattern, Power) and isinstance(pattern.base, Symbol):
        base = _derived_node(found, node, to_latex(pattern.base))
        if base is not None:
            return Power(base, pattern.exp)
    return pattern if any(n == pattern for n in node.walk()) else None
