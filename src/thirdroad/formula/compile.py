"""``compile(text)``: a formula becomes a readable NumPy function.

The code is generated from the tree through a whitelist: each node kind has one template,
every name passes through ``names.code_name`` (letters, digits and ``_`` only) and is checked
again before use, numbers are written as Python floats, and functions come from
``numeric.FUNCTIONS``. Nothing the user typed is ever executed: only the generated source,
which is kept in ``fn.source`` for the learner to read. Index sums become ``np.einsum``.

>>> fn = compile(r"c_t = \\sum_s \\alpha_{ts} h_s")
>>> print(fn.source.splitlines()[1].strip())
c = np.einsum('ts,s->t', alpha, h)
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from thirdroad.formula import numeric as nm
from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Cases,
    Concat,
    Derivative,
    Expectation,
    Fraction,
    Gradient,
    Inverse,
    Matrix,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Sum,
    Symbol,
    Transpose,
    bound_indices,
)
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.evaluate import call_arguments, function_name, index_conditions
from thirdroad.formula.program import Program, Step, axis_name, plan
from thirdroad.formula.reading import Formula, parse
from thirdroad.formula.tokens import ascii_reading

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_NUMPY_FUNCTIONS = {
    "exp": "np.exp", "log": "np.log", "ln": "np.log", "lg": "np.log10", "sin": "np.sin",
    "cos": "np.cos", "tan": "np.tan", "sinh": "np.sinh", "cosh": "np.cosh", "tanh": "np.tanh",
    "Tanh": "np.tanh", "sqrt": "np.sqrt", "abs": "np.abs", "sign": "np.sign", "sgn": "np.sign",
    "floor": "np.floor", "ceil": "np.ceil", "sigma": "nm.sigmoid", "sigmoid": "nm.sigmoid",
    "Sigmoid": "nm.sigmoid", "softmax": "nm.softmax", "Softmax": "nm.softmax",
    "relu": "nm.relu", "ReLU": "nm.relu", "softplus": "nm.softplus", "Softplus": "nm.softplus", "max": "nm.maximum",
    "min": "nm.minimum", "mean": "nm.mean",
}
_COMPARE = {"lt": "<", "gt": ">", "le": "<=", "ge": ">=", "eq": "==", "ne": "!="}
_CONSTANTS = {"e": "np.e", "pi": "np.pi", "infty": "np.inf"}

Code = tuple[str, str]  # (python expression, index axes as letters)


def _ident(name: str) -> str:
    """Every name goes through here before it is written into code."""
    if not _IDENT.match(name) or keyword.iskeyword(name) or name in ("np", "nm"):
        raise FormulaError(f"{name!r} cannot be a variable name", 1)
    return name


def _union(*axes: str) -> str:
    out = ""
    for a in axes:
        for letter in a:
            if letter not in out:
                out += letter
    return out


def _aligned(code: Code, want: str) -> str:
    expr, have = code
    if not have or have == want:
        return expr
    return f"nm.align({expr}, {have!r}, {want!r})"


_Rule = Callable[["_Generator", Any], Code]
_RULES: dict[type[Node], _Rule] = {}


def _rule(*kinds: type[Node]) -> Callable[[_Rule], _Rule]:
    """Register the code template of these node kinds (the visitor's table)."""

    def register(fn: _Rule) -> _Rule:
        for kind in kinds:
            _RULES[kind] = fn
        return fn

    return register


class _Generator:
    def __init__(self, program: Program, rename: dict[str, str] | None = None) -> None:
        self.program = program
        self.rename = rename or {}
        self.step = Step(Number("0"))
        self.letter = _einsum_letters({a for step in program.steps for a in step.axes})

    def ident(self, name: str) -> str:
        """The identifier written for a name: the user's own spelling where it was respelled."""
        return _ident(self.rename.get(name, name))

    def source(self) -> str:
        args = ", ".join(self.ident(n) for n in self.program.inputs)
        lines = [f"def formula(*, {args}):" if args else "def formula():"]
        last = "None"
        for step in self.program.steps:
            self.step = step
            code = self.expr(step.value)
            expr = _aligned(code, self._letters(step.free)) if step.free else code[0]
            if step.target is not None:
                lines.append(f"    {self.ident(step.target)} = {expr}")
                last = step.target
            else:
                lines.append(f"    result = {expr}")
                last = "result"
        if self.program.is_block:
            pairs = ", ".join(f"{self.ident(n)!r}: {self.ident(n)}" for n in self.program.outputs)
            lines.append(f"    return {{{pairs}}}")
        else:
            lines.append(f"    return {last}")
        return "\n".join(lines) + "\n"

    @property
    def indexed(self) -> bool:
        return bool(self.step.axes)

    def expr(self, node: Node) -> Code:
        rule = _RULES.get(type(node))
        if rule is None:
            raise FormulaError(f"compile cannot compute a {node.kind}", node.span[0] + 1,
                               "this part of the formula is not numeric")
        return rule(self, node)

    @_rule(Number)
    def _number(self, node: Number) -> Code:
        return repr(float(node.value)), ""

    @_rule(Sum)
    def _sum(self, node: Sum) -> Code:
        return self._elementwise([self._term(t) for t in node.terms], " + ", signed=True)

    @_rule(Neg)
    def _neg(self, node: Neg) -> Code:
        code, axes = self.expr(node.arg)
        return f"(-{code})", axes

    @_rule(Fraction)
    def _fraction(self, node: Fraction) -> Code:
        return self._elementwise([self.expr(node.num), self.expr(node.den)], " / ")

    @_rule(Power)
    def _power(self, node: Power) -> Code:
        return self._elementwise([self.expr(node.base), self.expr(node.exp)], " ** ")

    @_rule(Sqrt)
    def _sqrt(self, node: Sqrt) -> Code:
        if node.degree is not None:
            arg, degree = self.expr(node.arg), self.expr(node.degree)
            return self._elementwise([arg, (f"(1.0 / {degree[0]})", degree[1])], " ** ")
        code, axes = self.expr(node.arg)
        return f"np.sqrt({code})", axes

    @_rule(Transpose)
    def _transpose(self, node: Transpose) -> Code:
        return self._call("nm.transpose", [self.expr(node.arg)])

    @_rule(Inverse)
    def _inverse(self, node: Inverse) -> Code:
        return self._call("nm.inverse", [self.expr(node.arg)])

    @_rule(Norm)
    def _norm(self, node: Norm) -> Code:
        p = self.expr(node.p) if node.p is not None else ("2.0", "")
        return self._call("nm.norm", [self.expr(node.arg), p])

    @_rule(Abs)
    def _abs(self, node: Abs) -> Code:
        return self._call("np.abs", [self.expr(node.arg)])

    @_rule(Derivative, Gradient)
    def _gradient(self, node: Derivative | Gradient) -> Code:
        return self.ident(self.program.grad_name(node, self.step.axes)), ""

    @_rule(Concat)
    def _concat(self, node: Concat) -> Code:
        return self._call("nm.concat", [self.expr(i) for i in node.items])

    @_rule(Matrix)
    def _matrix(self, node: Matrix) -> Code:
        rows = ", ".join("[" + ", ".join(self._scalar(c) for c in row) + "]" for row in node.rows)
        return f"nm.matrix([{rows}])", ""

    @_rule(Cases)
    def _cases(self, node: Cases) -> Code:
        conds = [self._scalar(c) if c is not None else "True" for _, c in node.branches]
        values = [self.expr(v) for v, _ in node.branches]
        if any(v[1] for v in values):
            raise FormulaError("cases with indices are not supported by compile", node.span[0] + 1)
        return f"nm.where([{', '.join(conds)}], [{', '.join(v[0] for v in values)}])", ""

    @_rule(Relation)
    def _relation(self, node: Relation) -> Code:
        if len(node.ops) != 1 or node.ops[0] not in _COMPARE:
            raise FormulaError(f"compile cannot compute a {node.kind}", node.span[0] + 1,
                               "this part of the formula is not numeric")
        return self._elementwise([self.expr(o) for o in node.operands], f" {_COMPARE[node.ops[0]]} ")

    @_rule(Expectation)
    def _expectation(self, node: Expectation) -> Code:
        return self._call("nm.expectation", [self.expr(node.body)])

    def _scalar(self, node: Node) -> str:
        code, axes = self.expr(node)
        if axes:
            raise FormulaError("an index cannot appear here", node.span[0] + 1)
        return code

    def _term(self, node: Node) -> Code:
        if isinstance(node, Neg):
            code, axes = self.expr(node.arg)
            return f"-{code}", axes
        return self.expr(node)

    @_rule(Symbol)
    def _symbol(self, node: Symbol) -> Code:
        if node.name in self.program.constants and not node.sub:
            return _CONSTANTS[node.name], ""
        if axis_name(node) in self.step.axes:
            raise FormulaError(f"the index {node.name} is used as a number", node.span[0] + 1,
                               "compile reads indices only as subscripts")
        name, axes = self.program.name_of(node, self.step.axes)
        return self.ident(name), self._letters(axes)

    def _letters(self, axes: tuple[str, ...] | list[str]) -> str:
        """The einsum letters of index axes (a primed index, c', gets a letter of its own)."""
        for a in axes:
            if a not in self.letter:  # an index bound where no name carries it (caught later)
                self.letter.update(_einsum_letters({a}, taken=set(self.letter.values())))
        return "".join(self.letter[a] for a in axes)

    def _elementwise(self, codes: list[Code], op: str, signed: bool = False) -> Code:
        out = _union(*(c[1] for c in codes))
        parts = [_aligned(c, out) for c in codes]
        if signed:
            text = parts[0]
            for p in parts[1:]:
                text += f" - {p[1:]}" if p.startswith("-") else f" + {p}"
            return f"({text})", out
        return "(" + op.join(parts) + ")", out

    def _call(self, func: str, codes: list[Code]) -> Code:
        out = _union(*(c[1] for c in codes))
        return f"{func}({', '.join(_aligned(c, out) for c in codes)})", out

    @_rule(Product)
    def _product(self, node: Product) -> Code:
        codes = [self.expr(f) for f in node.factors]
        if self.indexed and node.op in ("", "cdot", "odot", "circ", "times"):
            return self._elementwise(codes, " * ")
        if node.op in ("odot", "circ", "times"):
            return self._elementwise(codes, " * ")
        helper = {"": "nm.mul", "cdot": "nm.dot", "otimes": "nm.outer"}.get(node.op)
        if helper is None:
            raise FormulaError(f"compile cannot compute the product {node.op}",
                               node.span[0] + 1)
        if len(codes) == 2:
            return f"{helper}({codes[0][0]}, {codes[1][0]})", ""
        return f"nm.chain({helper}, {', '.join(c[0] for c in codes)})", ""

    @_rule(Apply)
    def _apply(self, node: Apply) -> Code:
        name = function_name(node.func)
        codes = [self.expr(a) for a in call_arguments(node)]
        if name == "log_base":
            assert isinstance(node.func, Symbol)
            return self._call("nm.log_base", [*codes, self.expr(node.func.sub[0])])
        func = _NUMPY_FUNCTIONS.get(name, f"nm.FUNCTIONS[{name!r}]")
        return self._call(func, codes)

    @_rule(BigOp)
    def _bigop(self, node: BigOp) -> Code:
        letters = self._letters([a for s in bound_indices(node.under) if (a := axis_name(s)) is not None])
        if node.op not in ("sum", "prod", "max", "min", "argmax", "argmin") or not letters:
            raise FormulaError(f"compile cannot compute {node.op} without a bound index",
                               node.span[0] + 1, "write the index under it: \\sum_j")
        if index_conditions(node.under):  # einsum sums every term: a condition would be dropped silently
            raise FormulaError(f"compile cannot compute a {node.op} whose terms are picked by a condition",
                               node.span[0] + 1, "thirdroad.formula.evaluate computes a condition between indices")
        body = node.body
        if node.op == "sum" and isinstance(body, Product) and node.op == "sum" and (
            body.op in ("", "cdot", "odot", "times")
        ):
            factors = [self.expr(f) for f in body.factors]
            have = _union(*(f[1] for f in factors))
            self._check_bound(letters, have, node)
            out = "".join(a for a in have if a not in letters)
            spec = ",".join(f[1] for f in factors) + "->" + out
            return f"np.einsum({spec!r}, {', '.join(f[0] for f in factors)})", out
        code, have = self.expr(body)
        self._check_bound(letters, have, node)
        out = "".join(a for a in have if a not in letters)
        if node.op == "sum":
            return f"np.einsum({have + '->' + out!r}, {code})", out
        axis = tuple(have.index(a) for a in letters)
        if node.op in ("argmax", "argmin"):
            if len(axis) != 1:
                raise FormulaError(f"{node.op} over several indices is not supported",
                                   node.span[0] + 1)
            return f"np.{node.op}({code}, axis={axis[0]})", out
        func = {"prod": "np.prod", "max": "np.max", "min": "np.min"}[node.op]
        return f"{func}({code}, axis={axis})", out

    def _check_bound(self, letters: str, have: str, node: BigOp) -> None:
        missing = [name for name, letter in self.letter.items() if letter in letters and letter not in have]
        if missing:
            raise FormulaError(f"the size of index {missing[0]} is unknown", node.span[0] + 1,
                               f"use {missing[0]} as a subscript of an input array")


def _einsum_letters(axes: set[str], taken: set[str] | None = None) -> dict[str, str]:
    """One einsum letter per index axis: a one-letter axis keeps its letter; a primed one (c')
    takes the first letter no axis uses."""
    used = set(taken or ())
    out = {a: a for a in axes if len(a) == 1 and a not in used}
    used |= set(out.values())
    free = (c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used)
    for a in sorted(axes - out.keys()):
        out[a] = next(free)
    return out


class CompiledFormula:
    """A formula as a NumPy function: ``fn(**values)``; ``fn.source`` is its code and
    ``fn.inputs`` the names it needs, in order of first appearance."""

    def __init__(self, formula: Formula, program: Program, source: str,
                 function: Callable[..., Any], rename: dict[str, str] | None = None) -> None:
        self.formula = formula
        self.program = program
        self.source = source
        names = rename or {}
        self.inputs: tuple[str, ...] = tuple(names.get(n, n) for n in program.inputs)
        self.outputs: tuple[str, ...] = tuple(names.get(n, n) for n in program.outputs)
        self._function = function

    @property
    def script(self) -> str:
        """``source`` with the imports it needs: it runs as it is when pasted into a file."""
        imports = ["import numpy as np"]
        if "nm." in self.source:
            imports.append("from thirdroad.formula import numeric as nm  # thirdroad's NumPy helpers")
        return "\n".join(imports) + "\n\n\n" + self.source

    def __call__(self, **values: Any) -> Any:
        missing = [n for n in self.inputs if n not in values]
        if missing:
            raise TypeError(f"missing input {missing[0]!r} (inputs: {', '.join(self.inputs)})")
        extra = [n for n in values if n not in self.inputs]
        if extra:
            raise TypeError(f"unknown input {extra[0]!r} (inputs: {', '.join(self.inputs)})")
        with np.errstate(all="ignore"):
            return self._function(**{k: nm.arr(v) for k, v in values.items()})

    def __repr__(self) -> str:
        return f"<compiled formula {self.formula.latex!r} inputs={list(self.inputs)}>"


def compile(text: str | Formula, notation: str | None = None) -> CompiledFormula:
    """Turn a formula into a NumPy function (see the module docstring)."""
    formula = text if isinstance(text, Formula) else parse(text, notation)
    program = plan(formula.root)
    rename = written_names(program, formula.source)
    source = _Generator(program, rename).source()
    namespace: dict[str, Any] = {"np": np, "nm": nm, "__builtins__": {}}
    try:
        code = builtins.compile(source, "<thirdroad formula>", "exec")
    except (SyntaxError, RecursionError, MemoryError) as exc:  # a formula too big for Python
        raise FormulaError("the formula is too large to compile", 1,
                           "compile its parts one by one") from exc
    exec(code, namespace)  # generated from whitelisted templates, never from user text
    return CompiledFormula(formula, program, source, namespace["formula"], rename)


_WRITTEN = re.compile(r"(?<![\\A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*")


def written_names(program: Program, text: str) -> dict[str, str]:
    """Names the reader respelled, back to the user's own identifiers: in plain text ``eps`` is
    read as epsilon and ``beta1`` as beta_1, but a function compiled from ``sqrt(s + eps)`` takes
    ``eps=``. A name is given back only where exactly one identifier of the text reads as it and
    the respelled name itself was not written (then both spellings are the user's)."""
    used = {*program.inputs, *program.outputs, *(s.target for s in program.steps if s.target)}
    written = set(_WRITTEN.findall(text))
    spelled: dict[str, set[str]] = {}
    for word in written:
        reading = ascii_reading(word)
        if reading != word and reading in used:
            spelled.setdefault(reading, set()).add(word)
    return {name: next(iter(words)) for name, words in spelled.items()
            if len(words) == 1 and name not in written and not keyword.iskeyword(next(iter(words)))
            and next(iter(words)) not in used and next(iter(words)) not in ("np", "nm")}
