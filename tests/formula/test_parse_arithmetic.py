"""Arithmetic in ASCII is read with Python's precedence: a property held against Python's grammar.

Random expressions over ``+ - * / **``, brackets, unary minus, names and numbers are written out
by ``ast.unparse`` (Python's own spelling, with only the brackets its precedence needs, spaces
kept or dropped), read by thirdroad and evaluated by ``thirdroad.formula.evaluate``. The value
Python's grammar gives is computed here from ``ast.parse`` of the same text, by a small walk over
its tree (the product never evaluates text; neither does this test).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from thirdroad.formula import evaluate, parse

NAMES = "abcuvwxyz"  # not e (Euler's number), d (a differential), E or T
EXAMPLES = 1000

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}


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
        value = _BINARY[type(node.op)](python_value(node.left, env), python_value(node.right, env))
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


def _thirdroad(text: str, env: dict[str, float]) -> float:
    formula = parse(text, notation="ascii")
    used = {n: v for n, v in env.items() if n in text}
    result: Any = evaluate(formula, **used)
    return float(result)


@settings(max_examples=EXAMPLES)
@given(tree=expressions, spaced=st.booleans(),
       values=st.lists(st.sampled_from([-2.5, -1.5, -0.5, 0.25, 0.75, 1.25, 2.0, 3.0]),
                       min_size=len(NAMES), max_size=len(NAMES)))
def test_ascii_arithmetic_has_pythons_precedence(tree: ast.expr, spaced: bool, values: list[float]) -> None:
    text = ast.unparse(tree)
    if not spaced:
        text = text.replace(" ", "")
    env = dict(zip(NAMES, values, strict=True))
    expected = _python(text, env)
    assume(expected is not None)
    got = _thirdroad(text, env)
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (text, got, expected)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2^3^2", 512.0), ("2**3**2", 512.0), ("2**-1**2", 0.5), ("-2**2", -4.0), ("(-2)**2", 4.0),
     ("2**(-1)**2", 2.0), ("2**3**0.5**2", 2 ** 3 ** 0.25)],
)
def test_powers_group_from_the_right(text: str, value: float) -> None:
    assert float(evaluate(parse(text))) == pytest.approx(value)
