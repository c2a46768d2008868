"""The action lens: what the formula does, shown on a small worked example that the evaluator
computes. Inputs get the catalog's typical values (``thirdroad.concepts.typical_values``): the
vectors, the matrix and the usual settings (Adam's β_1 = 0.9); sizes fit the arrays; a mean or
a variance the template derives from an input is that statistic of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Template
from thirdroad.formula.ast import BigOp, Block, Derivative, Gradient, Neg, Node, Number, Power, Sum, Symbol
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.example_values import fmt_value, in_domain, readable, value_domain
from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.latex import to_latex
from thirdroad.formula.match import canon
from thirdroad.formula.names import display
from thirdroad.formula.phrases import atom, notation
from thirdroad.formula.program import Program, plan
from thirdroad.formula.reading import parse
from thirdroad.formula.recognize import Found, Recognition, atom_name, quiet


@dataclass(frozen=True)
class Example:
    """A worked example: the formula computed on small inputs.

    ``inputs`` are keyed by the name the generated code gives each input (``beta_1``), ``shown``
    says how the formula writes it (``β_1``); ``derived`` holds the inputs computed from another
    one (the mean μ of x in a variance: ``{"mu": ("mean", "x", 1.0)}``, statistic, source and the
    power the formula writes it with). ``result`` is the value; for several lines, ``output`` is
    the last line's name and ``result`` its value. :meth:`with_values` computes it again with
    some inputs changed (the web app's sliders)."""

    node: Node
    inputs: dict[str, Any]
    shown: dict[str, str]
    result: Any
    derived: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    output: str = ""
    variables: dict[str, str] = field(default_factory=dict)  # input -> the template variable it is
    concept: str = ""  # the concept whose template gave the inputs their roles and domains
    template: str = ""  # that template's LaTeX

    @property
    def block(self) -> bool:
        return bool(self.output)

    @property
    def text(self) -> str:
        """The sentence of the action lens."""
        if self.block:
            given = ", ".join(f"{self.name(n)} = {fmt_value(v)}" for n, v in self.inputs.items())
            return f"For example, one pass with {given} gives {self.name(self.output)} = {fmt_value(self.result)}."
        order = [n for n in self.inputs if n not in self.derived] + list(self.derived)
        given = ", ".join(f"{self.name(n)} = {fmt_value(self.inputs[n])}{self._from(n)}" for n in order)
        text = f"For example, with {given}, it gives {fmt_value(self.result)}"
        arr = np.asarray(self.result, dtype=np.float64)
        total = round(float(arr.sum()), 9) + 0.0  # standardised values add up to 0, not -4.4e-16
        if arr.ndim == 1 and arr.size > 1 and total in (0.0, 1.0):
            # a total worth saying: weights that add up to one, standardised values to zero
            text += f" (these add up to {total:.3g})"
        return text + "."

    def name(self, key: str) -> str:
        """An input as the formula writes it."""
        return self.shown.get(key, key)

    def _from(self, key: str) -> str:
        """`` (the mean of x)`` after a derived input's value; "" for the others."""
        if key not in self.derived:
            return ""
        statistic, source, power = self.derived[key]
        said = "standard deviation" if power == 2 and statistic == "variance" else statistic
        return f" (the {said} of {self.shown.get(source, '')})"

    def run(self, inputs: Mapping[str, Any]) -> Any:
        """The formula's value (a block's last output) on ``inputs``; None where it cannot be
        computed or is not finite."""
        result = self.outputs(inputs)
        if self.block:
            result = result.get(self.output) if isinstance(result, dict) else None
        if result is None or not np.all(np.isfinite(np.asarray(result, dtype=np.float64))):
            return None
        return result

    def outputs(self, inputs: Mapping[str, Any]) -> Any:
        """What the evaluator gives on ``inputs`` (for several lines, every line's value by
        name), derived inputs computed from their source; None where it cannot compute."""
        values = dict(inputs)
        for key, (statistic, source, power) in self.derived.items():
            values[key] = float(_STATISTIC[statistic](np.asarray(values[source], dtype=np.float64))) ** (1.0 / power)
        return quiet(lambda: evaluate(self.node, **values))

    def with_values(self, changes: Mapping[str, Any]) -> Example | None:
        """The example with some inputs changed (same shapes; derived inputs follow their
        source); None if the formula cannot be computed there."""
        inputs = dict(self.inputs)
        for key, value in changes.items():
            if key not in inputs or key in self.derived:
                raise KeyError(f"{key!r} is not an input of this example")
            new = np.asarray(value, dtype=np.float64)
            if new.shape != np.shape(inputs[key]):
                raise ValueError(f"{key!r} takes a value of shape {np.shape(inputs[key])}, not {new.shape}")
            inputs[key] = new if new.ndim else float(new)
        result = self.run(inputs)
        if result is None:
            return None
        for key in self.derived:
            inputs[key] = float(_STATISTIC[self.derived[key][0]](
                np.asarray(inputs[self.derived[key][1]], dtype=np.float64))) ** (1.0 / self.derived[key][2])
        return replace(self, inputs=inputs, result=result)


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


def worked_example(rec: Recognition) -> Example | None:
    """The formula computed on small inputs: several lines in one pass, else the main expression."""
    main = rec.main
    if main is None:
        return None
    example = _block_example(rec) if isinstance(rec.formula.root, Block) else None
    if example is None:
        top = [f for f in rec.found if f.path == rec.main_path]
        example = _worked_example(rec, main, top[0] if top else None)
    return example


def action_lens(rec: Recognition, chunks: list[Chunk], example: Example | None) -> str:
    """What the main concept does (or the part a line plays), then the worked example."""
    if rec.main is None:
        return ""
    concept_text = ""
    head = next((c for c in chunks if c.path == rec.main_path), None)
    if head is not None:
        # a line that is one part of an optimizer does what that part does, not the whole step
        concept_text = (head.does or concepts_module.catalog()[head.concept].action) + " "
    return (concept_text + (example.text if example is not None else "")).strip()


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


def _block_example(rec: Recognition) -> Example | None:
    """One pass through several equations: the averages start at zero, the rest get small values."""
    program = quiet(lambda: plan(rec.formula.root))
    if program is None or not program.is_block or not program.outputs:
        return None
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
    example = Example(rec.formula.root, inputs, shown, None, output=program.outputs[-1])
    result = example.run(inputs)
    return replace(example, result=result) if result is not None else None


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
        domain = declared[0].domain if declared else ()
        input_of.setdefault(var, name)
        if name not in inputs and not any(v.symbol in derived_symbols for v in declared):  # computed below
            arrays = sum(1 for v in inputs.values() if np.ndim(v) == 1)
            if value_domain(domain):  # probabilities, labels, a gate: a value inside the domain
                rank = 1 if isinstance(bound, tuple) or role == "vector" else 2 if role == "matrix" else 0
                inputs[name] = readable(role, domain, arrays, var, rank)
            else:
                inputs[name] = _example_value(var, role, arrays)
    return inputs, input_of


def _worked_example(rec: Recognition, main: Node, found: Found | None) -> Example | None:
    """One line computed on example values: "For example, with z = [1, 2, 0.5], it gives ..."."""
    node = rec.canon_of.get(rec.main_path, main)
    program = quiet(lambda: plan(node))
    if program is None or not program.inputs or len(program.steps) != 1:
        return None
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
    derived: dict[str, tuple[str, str, float]] = {}  # input name -> (statistic, of which input, power)
    if found is not None:
        _normalise_weights(found.template, input_of, inputs)
        made = _derive(found, node, program, axes, input_of, inputs)
        if made is None:
            return None  # a quantity the catalog derives from the inputs that cannot be computed here
        derived = made
    shown = {program.name_of(s, axes)[0]: display(_plain(s) if program.name_of(s, axes)[1] else s)
             for s in node.walk() if isinstance(s, Symbol)}
    shown.update(_gradients_shown(program, node, axes))
    example = Example(node, inputs, shown, None, derived)
    given = {k: v for k, v in inputs.items() if k not in derived}
    result = example.run(given)
    if result is None or (found is not None and not in_domain(result, found.template.result)):
        return None  # a value the concept cannot give (a probability of 2) is no example of it
    if found is None:
        return replace(example, result=result)
    names = {v.name for v in found.template.variables}
    variables = {name: var for var, name in input_of.items() if var in names}
    return replace(example, result=result, variables=variables, concept=found.concept,
                   template=found.template.latex)


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
            input_of: Mapping[str, str], inputs: dict[str, Any]) -> dict[str, tuple[str, str, float]] | None:
    """Set the names the catalog derives from an input (the mean μ of x in a variance) to that
    statistic of the example's input. Returns ``{input name: (statistic, source input, power)}``,
    or None when a derived name cannot be found or computed, so that no example with made-up
    values for it is shown."""
    template = found.template
    out: dict[str, tuple[str, str, float]] = {}
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
        out[name] = (statistic, source, power)
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
