"""Arithmetic in ASCII is read with Python's precedence: a property held against Python's grammar.

Random expressions over ``+ - * / **``, brackets, unary minus, names and numbers are written out
with only the brackets Python's grammar needs (so ``2**-1``, ``a**-b**c``, ``-x**2`` and ``a--b``
occur) and, at random, redundant ones and spaces; the text is read by thirdroad, evaluated by
``thirdroad.formula.evaluate`` and run as the code ``thirdroad.formula.compile`` writes (both must
give Python's value; a FormulaError fails the test too, so no reading is left out). The value
Python's grammar gives is computed here from ``ast.parse`` of the same text, by a small walk over
its tree (the product never evaluates text; neither does this test). Names are single letters,
words (``lr``, ``theta``) and names with digits (``x1``, ``beta2``, read as x₁ and β₂).
"""

from __future__ import annotations

import ast
import math
import operator
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from thirdroad.formula import compile, evaluate, parse

NAMES = ("a", "b", "c", "u", "v", "w", "x", "y", "z", "lr", "theta", "x1", "beta2")  # not e, d, E or T
EXAMPLES = 1000

_BINARY: dict[type[ast.operator], tuple[str, Callable[[float, float], float]]] = {
    ast.Add: ("+", operator.add), ast.Sub: ("-", operator.sub), ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv), ast.Pow: ("**", operator.pow),
}
# Python's binding strengths: a sum, a product, a unary minus (a "factor"), a power, an atom.
_SUM, _PRODUCT, _FACTOR, _POWER, _ATOM = range(5)
_STRENGTH = {ast.Add: _SUM, ast.Sub: _SUM, ast.Mult: _PRODUCT, ast.Div: _PRODUCT, ast.Pow: _POWER}


def _leaf() -> st.SearchStrategy[ast.expr]:
    names = st.sampled_from(NAMES).map(lambda n: ast.Name(id=n, ctx=ast.Load()))
    numbers = st.sampled_from([1, 2, 3, 5, 0.5, 1.5, 2.5]).map(lambda v: ast.Constant(value=v))
    return names | numbers


def _combine(children: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
    binary = st.builds(lambda op, a, b: ast.BinOp(left=a, op=op(), right=b),
                       st.sampled_from(list(_BINARY)), children, children)
    negated = children.map(lambda a: ast.UnaryOp(op=ast.USub(), operand=a))
    return binary | negated


expressions = st.recursive(_leaf(), _combine, max_leaves=8)


def write(node: ast.expr, rnd: random.Random) -> tuple[str, int]:
    """``node`` as Python text with the brackets its grammar needs, some redundant ones and
    spaces at random; returns the text and how strongly it binds."""
    if isinstance(node, ast.Constant):
        return str(node.value), _ATOM
    if isinstance(node, ast.Name):
        return node.id, _ATOM
    if isinstance(node, ast.UnaryOp):  # factor: '-' factor
        return "-" + _operand(node.operand, _FACTOR, rnd), _FACTOR
    assert isinstance(node, ast.BinOp)
    strength = _STRENGTH[type(node.op)]
    if strength == _POWER:  # power: atom '**' factor (right-associative)
        left, right = _operand(node.left, _ATOM, rnd), _operand(node.right, _FACTOR, rnd)
    else:  # left-associative: the right operand must bind more strongly
        left, right = _operand(node.left, strength, rnd), _operand(node.right, strength + 1, rnd)
    space = " " if rnd.random() < 0.5 else ""
    return f"{left}{space}{_BINARY[type(node.op)][0]}{space}{right}", strength


def _operand(node: ast.expr, at_least: int, rnd: random.Random) -> str:
    text, strength = write(node, rnd)
    needed = strength < at_least
    return f"({text})" if needed or (strength < _ATOM and rnd.random() < 0.2) else text


def python_value(node: ast.expr, env: dict[str, float]) -> float:
    """The value of Python's reading of the text, in floats (None-free: raises on a fault)."""
    if isinstance(node, ast.Expression):
        return python_value(node.body, env)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -python_value(node.operand, env)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return python_value(node.operand, env)
    if isinstance(node, ast.BinOp):
        value = _BINARY[type(node.op)][1](python_value(node.left, env), python_value(node.right, env))
        if isinstance(value, complex):
            raise ArithmeticError("a negative number to a fractional power")
        return value
    raise AssertionError(f"unexpected node {ast.dump(node)}")


def _python(text: str, env: dict[str, float]) -> float | None:
    try:
        value = python_value(ast.parse(text, mode="eval"), env)
    except (ArithmeticError, ValueError):
        return None  # division by zero, overflow, a complex power: not a case to compare
    return value if math.isfinite(value) else None


def _input_name(name: str) -> str:
    """The name the evaluator reads a plain-text name as: digits after a name are its subscript
    (the compiled function takes the name as written)."""
    return re.sub(r"^([a-z]+?)([0-9]+)$", r"\1_\2", name)


def _thirdroad(text: str, env: dict[str, float]) -> tuple[float, float]:
    """The value thirdroad's evaluator gives, and the value of the code it compiles."""
    formula = parse(text, notation="ascii")
    used = {n: v for n, v in env.items() if re.search(rf"\b{n}\b", text)}
    evaluated: Any = evaluate(formula, **{_input_name(n): v for n, v in used.items()})
    fn = compile(formula)
    assert set(fn.inputs) == set(used)  # the compiled function takes the names as written
    compiled: Any = fn(**used)
    return float(evaluated), float(compiled)


@settings(max_examples=EXAMPLES)
@given(tree=expressions, rnd=st.randoms(use_true_random=False),
       values=st.lists(st.sampled_from([-2.5, -1.5, -0.5, 0.25, 0.75, 1.25, 2.0, 3.0]),
                       min_size=len(NAMES), max_size=len(NAMES)))
def test_ascii_arithmetic_has_pythons_precedence(tree: ast.expr, rnd: random.Random, values: list[float]) -> None:
    text, _ = write(tree, rnd)
    env = dict(zip(NAMES, values, strict=True))
    expected = _python(text, env)
    assume(expected is not None)
    for got in _thirdroad(text, env):
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (text, got, expected)


def test_the_writer_leaves_out_the_brackets_python_does_not_need() -> None:
    """The texts above include the spellings that tell the precedences apart."""
    pow_of_negative = ast.BinOp(left=ast.Constant(2), op=ast.Pow(),
                                right=ast.UnaryOp(op=ast.USub(), operand=ast.Constant(1)))
    negated_power = ast.UnaryOp(op=ast.USub(), operand=ast.BinOp(
        left=ast.Name("x"), op=ast.Pow(), right=ast.Constant(2)))
    minus_negative = ast.BinOp(left=ast.Name("a"), op=ast.Sub(),
                               right=ast.UnaryOp(op=ast.USub(), operand=ast.Name("b")))
    quiet = random.Random(0)
    quiet.random = lambda: 0.9  # type: ignore[method-assign]  # no redundant brackets, no spaces
    assert [write(t, quiet)[0] for t in (pow_of_negative, negated_power, minus_negative)] == \
        ["2**-1", "-x**2", "a--b"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("2^3^2", 512.0), ("2**3**2", 512.0), ("2**-1**2", 0.5), ("-2**2", -4.0), ("(-2)**2", 4.0),
     ("2**(-1)**2", 2.0), ("2**3**0.5**2", 2 ** 3 ** 0.25)],
)
def test_powers_group_from_the_right(text: str, value: float) -> None:
    assert float(evaluate(parse(text))) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "inputs", "value"),
    [("z**x1", {"z": 2.0, "x_1": 3.0}, 8.0),            # the digits stay with the exponent's name
     ("w**-beta2", {"w": 2.0, "beta_2": 1.0}, 0.5),
     ("-(b**lr)", {"b": 2.0, "lr": 3.0}, -8.0),         # ** raises: never a label on the name
     ("x**theta", {"x": 4.0, "theta": 0.5}, 2.0)],
)
def test_a_power_written_the_python_way_is_a_power_of_the_whole_name(
        text: str, inputs: dict[str, float], value: float) -> None:
    assert float(evaluate(parse(text, notation="ascii"), **inputs)) == pytest.approx(value)
