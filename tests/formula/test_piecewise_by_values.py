"""Piecewise functions told by their values (issue 11, recall): a template's branches match the
written branches in any order, and the conditions are left to the numbers, so a leaky ReLU written
with its negative branch first, or with a slope written as a number (``\\max(0.2 x, x)``), is
named; a branch under the wrong condition, or a slope of one or more, is not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import thirdroad as tr

LEAKY = [
    (r"f(x) = \begin{cases} x & x > 0 \\ 0.01 x & x \le 0 \end{cases}", 0.01),
    (r"g(z) = \begin{cases} 0.2 z & z < 0 \\ z & z \geq 0 \end{cases}", 0.2),  # negative branch first
    (r"\phi(u) = \begin{cases} u & \text{if } u \ge 0, \\ 0.3 u & \text{otherwise} \end{cases}", 0.3),
    (r"f(x) = \max(0.01 x, x)", 0.01),
    (r"a = \max(x, 0.1 x)", 0.1),
]


@pytest.mark.parametrize(("text", "slope"), LEAKY)
def test_a_leaky_relu_with_a_written_slope_is_named_and_computes_torch_s(text: str, slope: float) -> None:
    assert "leaky_relu" in tr.explain(text).concepts
    fn = tr.compile(text)
    (name,) = fn.inputs
    x = np.linspace(-3, 3, 13)
    want = torch.nn.functional.leaky_relu(torch.tensor(x), negative_slope=slope).numpy()
    np.testing.assert_allclose(fn(**{name: x}), want, rtol=1e-12)


@pytest.mark.parametrize("text", [
    r"f(x) = \begin{cases} 0.1 x & x > 0 \\ x & x \le 0 \end{cases}",  # the slope on the wrong side
    r"f(x) = \begin{cases} x & x < 0 \\ 0 & x \geq 0 \end{cases}",  # zero above: no ReLU
    r"y = \max(2 x, x)",  # a slope above one
    r"y = \min(0.1 x, x)",
    r"y = \max(0.5 a, b)",  # two inputs: the larger of two numbers
])
def test_a_piecewise_function_that_computes_something_else_is_not_named(text: str) -> None:
    assert not {"leaky_relu", "relu", "prelu"} & tr.explain(text).concepts


def test_branches_matched_in_another_order_still_give_the_relu() -> None:
    assert "relu" in tr.explain(r"f(x) = \begin{cases} 0 & x < 0 \\ x & x \geq 0 \end{cases}").concepts
