"""Reading matrices safely, and clear errors for what can't be a matrix."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from thirdroad.agents import AgentInputError, agent


@pytest.mark.parametrize(
    "text",
    ["[[1, 1/2], [0, -3]]", "1 1/2; 0 -3", "[1, 0.5; 0, -3]", " [[1,5e-1],[0,-3.0]] ", "[[1 , 1 / 2],[0,-3]]"],
)
def test_strings_in_several_notations_read_the_same(text: str) -> None:
    a = agent(text)
    assert np.array_equal(a.matrix, np.array([[1, 0.5], [0, -3]]))
    assert a.exact is not None and a.exact[0][1] == Fraction(1, 2)


def test_arrays_and_lists_are_accepted_and_not_modified() -> None:
    m = np.array([[1, 2], [3, 4]])
    a = agent(m)
    assert np.array_equal(a.matrix, m) and a.matrix.dtype == np.float64
    assert a.exact is not None
    assert agent([[1.5, 2.0], [3.0, 4.0]]).exact is None
    with pytest.raises(ValueError, match="read-only"):
        a.matrix[0, 0] = 5


def test_agent_error_is_a_value_error() -> None:
    assert issubclass(AgentInputError, ValueError)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("[[1, a], [2, 3]]", "not a number: 'a'"),
        ("[[1, 2], [3]]", "row 1 has 2 entries, row 2 has 1"),
        ([[1, 2], [3]], "row 1 has 2 entries, row 2 has 1"),
        ("[[1, nan], [2, 3]]", "'nan' is not a finite number"),
        (np.array([[1.0, np.nan]]), r"entry \(1, 2\) is NaN"),
        (np.array([[1.0, np.inf]]), r"entry \(1, 2\) is infinite"),
        ("", "the matrix is empty"),
        ("[]", "the matrix is empty"),
        ("[[]]", "a row is empty"),
        (np.zeros((0, 3)), "the matrix is empty"),
        ([["x", "y"]], "not a number"),
        (np.array([1.0, 2.0]), "a vector"),
        (3.0, "a single number"),
        ("[[1, 2], [3, 4]", "expected ']'"),
        ("[[1/0]]", "division by zero"),
        ("__import__('os')", "not a number"),
        ("[[1e400]]", "too large or too small"),
        (np.array([[1e200, 0.0]]), "too large to compute with reliably"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_problem(bad: object, message: str) -> None:
    with pytest.raises(AgentInputError, match=message):
        agent(bad)


def test_string_errors_point_at_the_character() -> None:
    with pytest.raises(AgentInputError) as caught:
        agent("[[1, 2], [3, x]]")
    assert caught.value.position == 14  # 1-based column, as FormulaError counts
    assert caught.value.offset == 13
    assert str(caught.value).splitlines()[1:3] == ["  [[1, 2], [3, x]]", "               ^"]


def test_tolerances_must_be_ordered() -> None:
    with pytest.raises(AgentInputError, match="0 < tol < near"):
        agent("[[1]]", tol=0.1, near=0.01)


def test_engine_and_torch_tensors_are_matrices_too() -> None:
    import torch

    from thirdroad import nn

    m = np.array([[0.0, -1.0], [1.0, 0.0]])
    for tensor in (nn.Variable(m.copy()), nn.tensor(m.copy()), torch.tensor(m, requires_grad=True)):
        assert agent(tensor).kinds == {"rotation", "orthogonal", "invertible"}
