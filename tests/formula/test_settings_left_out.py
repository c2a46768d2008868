"""Settings a formula leaves out at their neutral value (templates.without_optional_terms: a
padding of 0, a dilation of 1), and the normal forms that make the rest one tree: whole numbers
of a sum added (``L - (k - 1) - 1`` is ``L - k``), a whole number added to a rounded value moved
inside the rounding (``\\lfloor a \\rfloor + 1`` is ``\\lfloor a + 1 \\rfloor``)."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad import explain
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.normal_form import canon
from thirdroad.formula.reading import parse


def _canon(text: str) -> object:
    return canon(parse(text).root)


@pytest.mark.parametrize(("a", "b"), [
    (r"L - (k - 1) - 1", r"L - k"),
    (r"L + 2 p - (k - 1) - 1 + 1", r"L + 2 p - k + 1"),
    (r"\left\lfloor \frac{a}{s} \right\rfloor + 1", r"\left\lfloor \frac{a}{s} + 1 \right\rfloor"),
    (r"\lceil x \rceil - 2", r"\lceil x - 2 \rceil"),
])
def test_one_tree_for_what_is_equal(a: str, b: str) -> None:
    assert _canon(a) == _canon(b)
    rng = np.random.default_rng(3)
    for _ in range(20):  # the rewritten form computes the same (whole numbers where a rounding is)
        values = {name: float(rng.integers(1, 30)) for name in ("L", "k", "p", "a", "s", "x")}
        values["x"] += 0.25
        used_a = {k: v for k, v in values.items() if k in a}
        assert evaluate(a, **used_a) == pytest.approx(evaluate(b, **{k: v for k, v in values.items() if k in b}))


def test_a_prediction_subtracted_stays_one_quantity() -> None:
    # no whole numbers to gather: y - (m x + b) keeps m x + b together (the prediction of an MSE)
    assert _canon(r"y - (m x + b)") != _canon(r"y - m x - b")
    assert "mse" in explain(r"\frac{1}{N} \sum_{i=1}^{N} (y_i - (m x_i + b))^2").concepts


@pytest.mark.parametrize("text", [
    r"W_2 = (W_1 - F)/S + 1",  # CS231n without padding
    # no padding, no dilation; no dilation
    r"L_{out} = \left\lfloor\frac{L_{in} - \text{kernel\_size}}{\text{stride}} + 1\right\rfloor",
    r"L_{out} = \left\lfloor \frac{L_{in} + 2 \times \text{padding} - \text{kernel\_size}}{\text{stride}}"
    r" + 1\right\rfloor",
    r"L_{out} = \left\lfloor \frac{L_{in} + 2 \times \text{padding} - \text{dilation} \times (\text{kernel\_size} - 1)"
    r" - 1}{\text{stride}}\right\rfloor + 1",  # the + 1 outside the floor
])
def test_a_convolution_output_size_without_some_of_its_settings(text: str) -> None:
    assert "conv_output_size" in explain(text).concepts


def test_a_transposed_convolution_size_by_its_settings_names() -> None:
    text = (r"H_{out} = (H_{in} - 1) \times \text{stride}[0] - 2 \times \text{padding}[0] + \text{dilation}[0]"
            r" \times (\text{kernel\_size}[0] - 1) + \text{output\_padding}[0] + 1")
    assert "transposed_conv_output_size" in explain(text).concepts


@pytest.mark.parametrize("text", [r"y = (a - b)/c + 1", r"x - (y - 1) - 1"])
def test_plain_arithmetic_is_not_named(text: str) -> None:
    assert not explain(text).concepts & {"conv_output_size", "transposed_conv_output_size"}
