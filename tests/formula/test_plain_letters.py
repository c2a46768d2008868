"""A tiny template (two operations: ``g + \\mu b``, ``W x + b``) is named only on its names; one
bare Latin letter it shares with the formula is a coincidence, not a role."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain


@pytest.mark.parametrize("text", ["y = a b + c", "g = a b + c", "z = c + a b"])
def test_one_shared_bare_letter_names_nothing(text: str) -> None:
    assert not explain(text).concepts


@pytest.mark.parametrize(("text", "concept"), [
    (r"u = \mu b + g", "nesterov"),  # a Greek setting is the template's own name
    ("h = W x + b", "affine"),  # two letters in their places
])
def test_a_telling_name_or_two_letters_still_name_it(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


@pytest.mark.parametrize("text", [r"n = \lfloor (a - b)/c + 1 \rfloor", r"k = \lfloor (x - m)/h \rfloor + 1",
                                  r"i = \lceil (u - v)/w \rceil"])
def test_rounded_arithmetic_of_any_letters_is_no_output_size(text: str) -> None:
    # a histogram's bin index has the shape of a convolution's output size: the names must say it
    assert not {"conv_output_size", "transposed_conv_output_size"} & set(explain(text).concepts)


@pytest.mark.parametrize(("text", "concept"), [
    (r"H_{out} = \left\lfloor\frac{H_{in} + 2 * \text{padding[0]} - \text{dilation[0]} \times "
     r"(\text{kernel\_size[0]} - 1) - 1}{\text{stride[0]}} + 1\right\rfloor", "conv_output_size"),
    (r"H_{out} = (H_{in} - 1) \times \text{stride[0]} - 2 \times \text{padding[0]} + \text{kernel\_size[0]}",
     "transposed_conv_output_size"),
])
def test_pytorchs_settings_per_dimension_are_names_with_an_index(text: str, concept: str) -> None:
    assert concept in explain(text).concepts
