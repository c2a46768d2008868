"""Compute a formula directly from its tree, the slow and obvious way.

Index sums are plain loops over index values; the compiled function (``compile``) uses
einsum instead, and the tests hold the two against each other.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
    Tuple,
    bound_indices,
)
from thirdroad.formula.errors import FormulaError, ValuesError
from thirdroad.formula.latex import to_latex
from thirdroad.formula.program import Program, Step, axis_name, plan

_COMPARE = {"lt": np.less, "gt": np.greater, "le": np.less_equal, "ge": np.greater_equal,
            "eq": np.equal, "ne": np.not_equal}


def function_name(func: Node) -> str:
    """The whitelisted function a name stands for (σ is the sigmoid)."""
    if isinstance(func, Symbol):
        if func.sub and func.name == "log":
            return "log_base"
        if func.name in nm.FUNCTIONS and not func.sub:
            return func.name
    shown = func.name if isinstance(func, Symbol) else func.kind
    raise FormulaError(f"{shown} is not a function thirdroad can compute", func.span[0] + 1,
                       "compile knows exp, log, tanh, σ, softmax, relu, max, ... and "
                       "plain arithmetic")


class Planned:
    """A tree's program, with the variable name of each of its symbols worked out once.

    Reading a name (``names.code_name``) costs more than the arithmetic it names, and the
    evaluator reads every symbol again at each value of an index loop; the recognizer
    evaluates one chunk on several inputs. Both ask here instead."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._names: dict[tuple[int, frozenset[str]], tuple[str, tuple[str, ...]]] = {}
        self._indexed: dict[int, tuple[tuple[str, tuple[str, ...]], ...]] = {}

    def name_of(self, sym: Symbol, axes: frozenset[str]) -> tuple[str, tuple[str, ...]]:
        # keyed by identity: the program holds the tree, so its nodes outlive this memo
        key = (id(sym), axes)
        named = self._names.get(key)
        if named is None:
            named = self._names[key] = self.program.name_of(sym, axes)
        return named

    def indexed(self, step: Step) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(name, axes) of each symbol of ``step`` that carries index axes, in reading order."""
        found = self._indexed.get(id(step))
        if found is None:
            named = (self.name_of(n, step.axes) for n in step.value.walk() if isinstance(n, Symbol))
            found = self._indexed[id(step)] = tuple((name, axes) for name, axes in named if axes)
        return found


_PLANS_KEPT = 64
_plans = threading.local()


def planned(root: Node) -> Planned:
    """``plan(root)`` for this very tree object, kept for the last few trees (per thread).

    The cache goes by identity, not equality: equal trees from different places carry
    different spans, and an error message points at the span of the tree it was given.
    Raises FormulaError as ``plan`` does (failures are not kept)."""
    kept: dict[int, tuple[Node, Planned]] | None = getattr(_plans, "kept", None)
    if kept is None:
        kept = _plans.kept = {}
    entry = kept.get(id(root))
    if entry is not None and entry[0] is root:
        return entry[1]
    made = Planned(plan(root))
    if len(kept) >= _PLANS_KEPT:
        del kept[next(iter(kept))]
    kept[id(root)] = (root, made)
    return made


_Rule = Callable[["_Evaluator", Any], Any]
_RULES: dict[type[Node], _Rule] = {}


def _rule(*kinds: type[Node]) -> Callable[[_Rule], _Rule]:
    """Register how the evaluator computes nodes of these kinds (the visitor's table)."""

    def register(fn: _Rule) -> _Rule:
        for kind in kinds:
            _RULES[kind] = fn
        return fn

    return register


class _Evaluator:
    def __init__(self, planned: Planned, values: dict[str, Any]) -> None:
        self.planned = planned
        self.program = planned.program
        self.env: dict[str, Any] = {k: nm.arr(v) for k, v in values.items()}
        self.idx: dict[str, int] = {}
        self.step = Step(Number("0"))
        self.sizes: dict[str, int] = {}
        self.meter = _METER.get()

    def run(self) -> Any:
        results: dict[str, Any] = {}
        last: Any = None
        for step in self.program.steps:
            self.step = step
            self.sizes = self._sizes(step)
            last = self._step_value(step)
            if step.target is not None:
                self.env[step.target] = last
                results[step.target] = last
        return results if self.program.is_block else last

    def _sizes(self, step: Step) -> dict[str, int]:
        """The length of each index axis, read off the values that carry it."""
        sizes: dict[str, int] = {}
        for name, axes in self.planned.indexed(step):
            if name not in self.env:
                continue
            shape = np.shape(self.env[name])
            if len(shape) < len(axes):
                raise ValuesError(f"{name} is written with the indices {', '.join(axes)}, but its value has "
                                  f"{len(shape)} ax{'i' if len(shape) == 1 else 'e'}s", step.value.span[0] + 1,
                                  f"give {name} as an array with an axis for each index")
            for k, letter in enumerate(axes):
                if sizes.setdefault(letter, shape[k]) != shape[k]:
                    raise ValuesError(f"the index {letter} runs over {sizes[letter]} entries in one value "
                                      f"but over {shape[k]} in {name}", step.value.span[0] + 1)
        return sizes

    def _step_value(self, step: Step) -> Any:
        if not step.free:
            return nm.arr(self.ev(step.value))
        unknown = [a for a in step.free if a not in self.sizes]
        if unknown:
            raise ValuesError(f"the size of index {unknown[0]} is unknown: no value given carries it",
                              step.value.span[0] + 1, f"give a value with an axis for {unknown[0]}")
        shape = tuple(self.sizes[a] for a in step.free)
        out = np.empty(shape)
        for pos in itertools.product(*(range(s) for s in shape)):
            self.idx.update(zip(step.free, pos, strict=True))
            entry = nm.arr(self.ev(step.value))
            if entry.ndim:
                raise ValuesError(f"each entry should be one number, but one is an array of shape {entry.shape}",
                                  step.value.span[0] + 1, "a value given whole where the formula indexes it")
            out[pos] = entry
        return out

    def ev(self, node: Node) -> Any:
        if self.meter is not None:
            self.meter[0] += 1
        rule = _RULES.get(type(node))
        if rule is None:
            raise FormulaError(f"compile cannot compute a {node.kind}", node.span[0] + 1,
                               "this part of the formula is not numeric")
        return rule(self, node)

    def env_get(self, name: str, node: Node) -> Any:
        if name not in self.env:
            raise TypeError(f"missing input {name!r}")
        return self.env[name]

    @_rule(Number)
    def _number(self, node: Number) -> Any:
        return float(node.value)

    @_rule(Symbol)
    def _symbol(self, node: Symbol) -> Any:
        name, axes = self.planned.name_of(node, self.step.axes)
        if node.name in self.program.constants and not node.sub:
            return nm.CONSTANTS.get(node.name, float(np.e))
        if axis_name(node) in self.step.axes:
            raise FormulaError(f"the index {node.name} is used as a number", node.span[0] + 1,
                               "compile reads indices only as subscripts")
        value = self.env_get(name, node)
        if not axes:
            return value
        unbound = [a for a in axes if a not in self.idx]
        if unbound:
            raise FormulaError(f"the index {unbound[0]} of {name} is used outside the sum that binds it",
                               node.span[0] + 1, "write it inside the sum, or give it on the left-hand side")
        return value[tuple(self.idx[a] for a in axes)]

    @_rule(Sum)
    def _sum(self, node: Sum) -> Any:
        terms = [self.ev(t) for t in node.terms]
        nm.fit(*terms, what="added")
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total

    @_rule(Neg)
    def _neg(self, node: Neg) -> Any:
        return -nm.arr(self.ev(node.arg))

    @_rule(Fraction)
    def _fraction(self, node: Fraction) -> Any:
        num, den = nm.arr(self.ev(node.num)), nm.arr(self.ev(node.den))
        nm.fit(num, den, what="divided")
        return num / den

    @_rule(Power)
    def _power(self, node: Power) -> Any:
        base, exp = nm.arr(self.ev(node.base)), nm.arr(self.ev(node.exp))
        nm.fit(base, exp, what="raised to a power")
        return np.power(base, exp)

    @_rule(Sqrt)
    def _sqrt(self, node: Sqrt) -> Any:
        if node.degree is not None:
            arg, degree = nm.arr(self.ev(node.arg)), nm.arr(self.ev(node.degree))
            nm.fit(arg, degree, what="used in a root")
            return np.power(arg, 1.0 / degree)
        return np.sqrt(nm.arr(self.ev(node.arg)))

    @_rule(Transpose)
    def _transpose(self, node: Transpose) -> Any:
        return nm.transpose(self.ev(node.arg))

    @_rule(Inverse)
    def _inverse(self, node: Inverse) -> Any:
        return nm.inverse(self.ev(node.arg))

    @_rule(Norm)
    def _norm(self, node: Norm) -> Any:
        p = self.ev(node.p) if node.p is not None else 2.0
        return nm.norm(self.ev(node.arg), p)

    @_rule(Abs)
    def _abs(self, node: Abs) -> Any:
        return np.abs(nm.arr(self.ev(node.arg)))

    @_rule(Derivative, Gradient)
    def _gradient(self, node: Derivative | Gradient) -> Any:
        return self.env_get(self.program.grad_name(node, self.step.axes), node)

    @_rule(Concat)
    def _concat(self, node: Concat) -> Any:
        return nm.concat(*(self.ev(i) for i in node.items))

    @_rule(Matrix)
    def _matrix(self, node: Matrix) -> Any:
        return nm.matrix([[self.ev(c) for c in row] for row in node.rows])

    @_rule(Cases)
    def _cases(self, node: Cases) -> Any:
        conds = [self.ev(c) if c is not None else True for _, c in node.branches]
        return nm.where(conds, [self.ev(v) for v, _ in node.branches])

    @_rule(Relation)
    def _relation(self, node: Relation) -> Any:
        if len(node.ops) != 1 or node.ops[0] not in _COMPARE:
            raise FormulaError(f"compile cannot compute a {node.kind}", node.span[0] + 1,
                               "this part of the formula is not numeric")
        a, b = (nm.arr(self.ev(o)) for o in node.operands)
        nm.fit(a, b, what="compared")
        return _COMPARE[node.ops[0]](a, b)

    @_rule(Expectation)
    def _expectation(self, node: Expectation) -> Any:
        return nm.expectation(self.ev(node.body))

    @_rule(Product)
    def _product(self, node: Product) -> Any:
        values = [self.ev(f) for f in node.factors]
        out = values[0]
        indexed = bool(self.step.axes)
        for v in values[1:]:
            if node.op in ("odot", "circ", "times") or (indexed and node.op in ("", "cdot")):
                out, v = nm.arr(out), nm.arr(v)
                nm.fit(out, v, what="multiplied entry by entry")
                out = out * v
            elif node.op == "cdot":
                out = nm.dot(out, v)
            elif node.op == "otimes":
                out = nm.outer(out, v)
            elif node.op == "":
                out = nm.mul(out, v)
            else:
                raise FormulaError(f"compile cannot compute the product {node.op}",
                                   node.span[0] + 1)
        return out

    @_rule(Apply)
    def _apply(self, node: Apply) -> Any:
        name = function_name(node.func)
        args = call_arguments(node)
        values = [self.ev(a) for a in args]
        if name == "log_base":
            assert isinstance(node.func, Symbol)
            return nm.log_base(values[0], self.ev(node.func.sub[0]))
        return nm.FUNCTIONS[name](*values)

    def _conditions(self, node: BigOp, letters: list[str]) -> list[Relation]:
        """The big operator's conditions on its indices, each comparing two indices (``i < j``:
        their positions compare as the numbers written do); FormulaError for a condition on
        anything else (``i \\ne y``: whether y counts from 0 or from 1 is not written)."""
        conditions = index_conditions(node.under)
        known = set(letters) | set(self.idx)
        for c in conditions:
            names = [axis_name(o) if isinstance(o, Symbol) else None for o in c.operands]
            if any(n is None or n not in known for n in names):
                raise FormulaError(f"thirdroad does not compute a {node.op} whose terms are picked by "
                                   f"{to_latex(c)}", node.span[0] + 1,
                                   "it computes conditions between the indices of the sum only (i < j)")
        return conditions

    def _holds(self, condition: Relation) -> bool:
        """Whether a condition between indices holds at the current positions."""
        left, right = (self.idx[str(axis_name(o))] for o in condition.operands)
        return bool(_COMPARE[condition.ops[0]](left, right))

    @_rule(BigOp)
    def _bigop(self, node: BigOp) -> Any:
        letters = [a for s in bound_indices(node.under) if (a := axis_name(s)) is not None]
        if node.op not in ("sum", "prod", "max", "min", "argmax", "argmin") or not letters:
            raise FormulaError(f"compile cannot compute {node.op} without a bound index",
                               node.span[0] + 1, "write the index under it: \\sum_j")
        missing = [a for a in letters if a not in self.sizes]
        if missing:
            raise FormulaError(f"the size of index {missing[0]} is unknown", node.span[0] + 1,
                               f"use {missing[0]} as a subscript of an input array")
        saved = {a: self.idx.get(a) for a in letters}
        conditions = self._conditions(node, letters)
        results = []
        for pos in itertools.product(*(range(self.sizes[a]) for a in letters)):
            self.idx.update(zip(letters, pos, strict=True))
            if all(self._holds(c) for c in conditions):
                results.append(nm.arr(self.ev(node.body)))
        for a, v in saved.items():
            if v is None:
                self.idx.pop(a, None)
            else:
                self.idx[a] = v
        if not results and node.op in ("sum", "prod"):
            return nm.arr(0.0 if node.op == "sum" else 1.0)  # no term meets the condition: Σ over j < 0
        if not results:
            raise ValuesError(f"no term of the {node.op} over {', '.join(letters)} meets its condition",
                              node.span[0] + 1)
        if len({r.shape for r in results}) > 1:
            raise ValuesError(f"the terms of the {node.op} over {', '.join(letters)} have different shapes",
                              node.span[0] + 1)
        stacked = np.stack(results)
        if node.op in ("argmax", "argmin"):
            pick = np.argmax if node.op == "argmax" else np.argmin
            return nm.arr(pick(stacked, axis=0))
        return _REDUCE[node.op](stacked, axis=0)


def index_conditions(under: Node | None) -> list[Relation]:
    """The conditions a big operator's limit puts on its indices (``i \\ne y``, ``i < j``), not
    the start of a range (``i = 1``) nor the set it runs over (``i \\in B``)."""
    items = under.items if isinstance(under, Tuple) else under.factors if isinstance(under, Product) else (under,)
    return [r for r in items if isinstance(r, Relation) and len(r.ops) == 1 and r.ops[0] in _CONDITIONS]


_CONDITIONS = frozenset({"ne", "lt", "gt", "le", "ge"})


_REDUCE: dict[str, Callable[..., Any]] = {"sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min}


def _last_axis(arg: Node, name: str) -> bool:
    """Whether a call's argument is a setting, as code writes it (``mean(e, axis=-1)``): over the
    last axis, which for the vectors thirdroad computes on is the whole vector, so it changes
    nothing; FormulaError for any other setting (``dim=1``, ``keepdims=True``), which thirdroad
    does not compute."""
    if not (isinstance(arg, Relation) and arg.ops == ("eq",) and isinstance(arg.operands[0], Symbol)):
        return False
    key, value = arg.operands
    if isinstance(key, Symbol) and key.name in ("axis", "dim") and value == Neg(Number("1")):
        return True
    raise FormulaError(f"{name} is given the setting {to_latex(arg)}: thirdroad computes {name} without "
                       "settings", arg.span[0] + 1, "write the formula without it")


def call_arguments(node: Apply) -> tuple[Node, ...]:
    """The arguments of a call, ``f((a, b))`` read as ``f(a, b)``; FormulaError if the function is
    given more or fewer than it takes (``\\cos(x_1, x_2)``: cos takes one)."""
    args = node.args
    if len(args) == 1 and isinstance(args[0], Tuple):
        args = args[0].items
    name = function_name(node.func)
    args = tuple(a for a in args if not _last_axis(a, name))
    wanted = 1 if name == "log_base" else nm.ARITY.get(name)
    if wanted is not None and len(args) != wanted:
        raise FormulaError(f"{name} takes {wanted} argument{'s' if wanted > 1 else ''}, not {len(args)}",
                           node.span[0] + 1, "thirdroad computes only the usual form of each function")
    return args


# The work of the evaluations made within ``metered()``: how many tree nodes they computed.
_METER: ContextVar[list[int] | None] = ContextVar("thirdroad_evaluation_work", default=None)


@contextmanager
def metered() -> Iterator[list[int]]:
    """Count the nodes every evaluation in this block computes (``box[0]``): a measure of the work
    done that is the same on any machine, for a search that must stop at a bound of its own."""
    box = [0]
    token = _METER.set(box)
    try:
        yield box
    finally:
        _METER.reset(token)


def evaluate(tree: Any, **values: Any) -> Any:
    """The value of a formula (a ``Formula``, a tree, or text) for the given inputs: the
    right-hand side's value, or for a block a dict of the assigned names."""
    from thirdroad.formula.reading import Formula, parse

    if isinstance(tree, str):
        tree = parse(tree)
    root = tree.root if isinstance(tree, Formula) else tree
    with np.errstate(all="ignore"):
        return _Evaluator(planned(root), values).run()
