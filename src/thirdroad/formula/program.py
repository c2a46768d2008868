"""How a formula becomes a program: its steps, the names of its variables, its index axes.

Shared by the evaluator and the compiler so that both read a formula the same way.

- A block is a list of steps, run in order. ``x = ...``, ``x ← ...`` and ``x := ...``
  assign ``x``; a definition ``f(x) = ...`` or a bare expression computes a value.
  Pseudo-code lines (``for t = 1 ... do``) are skipped.
- Names are plain identifiers (``names.code_name``): ``\\beta_1`` is ``beta_1``,
  ``\\hat{m}_t`` is ``m_hat_t``, ``dW`` stays ``dW``.
- Rule time-step: when a target ``x_t`` is computed from ``x_{t-1}``, the subscripts ``t``
  and ``t-1`` are dropped from every name, so ``m_t = \\beta_1 m_{t-1} + ...`` reads and
  writes one variable ``m``.
- Index notation: in a step with a big operator that binds an index (``\\sum_s``), every
  one-letter lowercase subscript is an array axis: ``\\alpha_{ts}`` is the array ``alpha``
  with axes t, s. Limits such as ``j=1`` to ``n`` are taken to cover the whole axis.
- Gradients and derivatives are inputs, never computed: ``\\nabla_\\theta J`` is the input
  ``grad_J_theta``, ``\\partial L / \\partial W`` the input ``dL_dW``.
- Plain ``e`` is Euler's number and ``\\pi`` is π, unless the block assigns them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Block,
    Derivative,
    Gradient,
    Neg,
    Node,
    Number,
    Relation,
    Statement,
    Sum,
    Symbol,
    Text,
    Update,
    bound_indices,
)
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.names import code_name
from thirdroad.formula.numeric import CONSTANTS

INDEX_OPS = frozenset({"sum", "prod", "max", "min", "argmax", "argmin"})


@dataclass
class Step:
    value: Node
    target: str | None = None
    target_axes: tuple[str, ...] = ()
    axes: frozenset[str] = frozenset()  # the index letters of this step
    bound: frozenset[str] = frozenset()
    free: tuple[str, ...] = ()  # the axes of the step's result, in order
    node: Node | None = None


@dataclass
class Program:
    steps: list[Step]
    time_letter: str | None
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    is_block: bool = False
    constants: set[str] = field(default_factory=set)

    def name_of(self, sym: Symbol, axes: frozenset[str]) -> tuple[str, tuple[str, ...]]:
        """The variable name of a symbol and the index axes it carries."""
        sub = sym.sub
        if self.time_letter is not None and _is_time_sub(sub, self.time_letter):
            return code_name(sym, drop_sub=True), ()
        if axes and sub:
            letters = tuple(a for s in sub if (a := axis_name(s)) is not None and a in axes)
            if letters:
                rest = tuple(s for s in sub if axis_name(s) not in axes)
                plain = Symbol(sym.name, sym.font, sym.accent, rest, sym.sup, sym.prime)
                return code_name(plain), letters
        return code_name(sym), ()

    def grad_name(self, node: Derivative | Gradient, axes: frozenset[str]) -> str:
        def part(n: Node) -> str:
            if isinstance(n, Apply) and isinstance(n.func, Symbol):
                return self.name_of(n.func, axes)[0]
            if isinstance(n, Symbol):
                return self.name_of(n, axes)[0]
            return "f"

        if isinstance(node, Gradient):
            wrt = f"_{part(node.wrt)}" if node.wrt is not None else ""
            return f"grad_{part(node.expr)}{wrt}"
        return f"d{part(node.expr)}_" + "_".join("d" + part(w) for w in node.wrt)


def axis_name(node: Node) -> str | None:
    """The index axis a subscript names: a lowercase letter with its primes (``c'`` is an axis of
    its own, not ``c``), or None for anything else."""
    if isinstance(node, Symbol) and len(node.name) == 1 and node.name.islower() and not (
            node.sub or node.accent or node.font):
        return node.name + "'" * node.prime
    return None


def _is_letter(node: Node) -> TypeGuard[Symbol]:
    return isinstance(node, Symbol) and len(node.name) == 1 and node.name.islower() and (
        not node.sub and not node.accent and not node.font
    )


def _is_time_sub(sub: tuple[Node, ...], t: str) -> bool:
    if len(sub) != 1:
        return False
    s = sub[0]
    if isinstance(s, Symbol) and s.name == t and not s.sub:
        return True
    return s == Sum((Symbol(t), Neg(Number("1"))))


def _statements(root: Node) -> list[Node]:
    items = list(root.items) if isinstance(root, Block) else [root]
    return [i for i in items if not isinstance(i, Statement | Text)]


def _target(lhs: Node) -> Node | None:
    return lhs if isinstance(lhs, Symbol | Derivative | Gradient) else None


def _split(stmt: Node) -> tuple[Node | None, Node]:
    """(target, value) of a statement."""
    if isinstance(stmt, Update):
        return _target(stmt.target), stmt.value
    if isinstance(stmt, Relation):
        if all(op in ("eq", "approx", "def", "assign", "equiv") for op in stmt.ops):
            return _target(stmt.operands[0]), stmt.operands[-1]
        raise FormulaError(
            f"'{stmt.ops[0]}' is not something compile can compute", stmt.span[0] + 1,
            "compile computes equations (=, ←, :=) and expressions")
    return None, stmt


def _time_letter(pairs: list[tuple[Node | None, Node]]) -> str | None:
    for target, _ in pairs:
        if not (isinstance(target, Symbol) and len(target.sub) == 1 and _is_letter(
                target.sub[0])):
            continue
        t = target.sub[0].name
        prev = (Sum((Symbol(t), Neg(Number("1")))),)
        for _, value in pairs:
            for n in value.walk():
                if isinstance(n, Symbol) and n.name == target.name and n.sub == prev:
                    return t
    return None


def _symbols_outside_limits(node: Node) -> list[Symbol]:
    """The symbols of a tree, leaving out the limits of big operators (the T_x of
    ``\\sum_{j=1}^{T_x}`` names a length, not an array)."""
    out: list[Symbol] = []
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Symbol):
            out.append(n)
        if isinstance(n, BigOp):
            stack.append(n.body)
            continue
        stack.extend(reversed(list(n.children())))
    return out


def _index_letters(value: Node, target: Node | None) -> tuple[frozenset[str], frozenset[str]]:
    bound: set[str] = set()
    for n in value.walk():
        if isinstance(n, BigOp) and n.op in INDEX_OPS:
            bound.update(a for s in bound_indices(n.under) if (a := axis_name(s)) is not None)
    if not bound:
        return frozenset(), frozenset()
    letters = set(bound)
    nodes = [value] if target is None else [value, target]
    for root in nodes:
        for n in _symbols_outside_limits(root):
            letters.update(a for s in n.sub if (a := axis_name(s)) is not None)
    return frozenset(letters), frozenset(bound)


def _free_axes(program: Program, value: Node, axes: frozenset[str],
               bound: frozenset[str]) -> tuple[str, ...]:
    out: list[str] = []
    for n in _symbols_outside_limits(value):
        if isinstance(n, Symbol):
            for letter in program.name_of(n, axes)[1]:
                if letter not in bound and letter not in out:
                    out.append(letter)
    return tuple(out)


def plan(root: Node) -> Program:
    """Read a formula's tree as a program (raises FormulaError when it is not numeric)."""
    statements = _statements(root)
    if not statements:
        raise FormulaError("there is nothing to compute", 1,
                           "compile needs an equation or an expression")
    pairs = [_split(s) for s in statements]
    program = Program([], _time_letter(pairs), is_block=len(statements) > 1)
    assigned: set[str] = set()
    for stmt, (target, value) in zip(statements, pairs, strict=True):
        axes, bound = _index_letters(value, target)
        step = Step(value, axes=axes, bound=bound, node=stmt)
        _collect_inputs(program, value, axes, assigned)
        if isinstance(target, Symbol):
            step.target, step.target_axes = program.name_of(target, axes)
        elif isinstance(target, Derivative | Gradient):
            step.target = program.grad_name(target, axes)
        free = _free_axes(program, value, axes, bound)
        if step.target_axes:
            missing = [a for a in free if a not in step.target_axes]
            if missing:
                raise FormulaError(
                    f"the index {missing[0]} is neither summed nor on the left-hand side",
                    stmt.span[0] + 1, f"sum over {missing[0]} or put it on the left")
            step.free = step.target_axes
        else:
            step.free = free
        if step.target is not None:
            assigned.add(step.target)
            if step.target not in program.outputs:
                program.outputs.append(step.target)
        program.steps.append(step)
    return program


def _collect_inputs(program: Program, value: Node, axes: frozenset[str],
                    assigned: set[str]) -> None:
    stack: list[Node] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Derivative | Gradient):
            name = program.grad_name(node, axes)
            if name not in assigned and name not in program.inputs:
                program.inputs.append(name)
            continue
        if isinstance(node, Symbol):
            name, _ = program.name_of(node, axes)
            plain = not node.sub and not node.font and not node.accent
            if plain and node.name in ("e", "pi", "infty") and name not in assigned:
                program.constants.add(node.name)
                continue
            if axis_name(node) in axes:
                continue
            if name not in assigned and name not in program.inputs:
                program.inputs.append(name)
            continue
        if isinstance(node, BigOp):
            stack.append(node.body)  # limits name ranges, not inputs
            continue
        if isinstance(node, Apply):
            stack.extend(reversed(node.args))
            if not isinstance(node.func, Symbol):
                stack.append(node.func)
            elif node.func.name == "log" and node.func.sub:
                stack.extend(node.func.sub)  # the base of log_b: e is Euler's number, b an input
            continue
        stack.extend(reversed(list(node.children())))


__all__ = ["CONSTANTS", "Program", "Step", "axis_name", "plan"]
