"""A Python file is read by its docstrings: Sphinx's :math: role and .. math:: directive, each
formula explained and shown in place on the companion page, the code left out."""

from __future__ import annotations

from pathlib import Path

from thirdroad.reader import find_math, read

SOURCE = '''"""Activations, as a library documents them."""

import numpy as np


class Softmax:
    r"""Applies the softmax function to an n-dimensional input.

    .. math::
        \\text{Softmax}(x_{i}) = \\frac{\\exp(x_i)}{\\sum_j \\exp(x_j)}

    The outputs lie in :math:`(0, 1)` and add up to one; the largest input,
    :math:`x_k`, takes the largest share.
    """

    def forward(self, x):
        """Computes :math:`\\\\sigma(x) = \\\\frac{1}{1 + e^{-x}}` on each entry (a non-raw string)."""
        return 1 / (1 + np.exp(-x))  # $not = math$
'''


def test_docstring_math_is_found_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "activations.py"
    path.write_text(SOURCE, encoding="utf-8")
    reading = read(path)
    assert reading.format == "python"
    texts = [f.text for f in reading.formulas]
    assert texts == [r"\text{Softmax}(x_{i}) = \frac{\exp(x_i)}{\sum_j \exp(x_j)}", "(0, 1)", "x_k",
                     r"\sigma(x) = \frac{1}{1 + e^{-x}}"]
    assert [f.display for f in reading.formulas] == [True, False, False, False]
    assert reading.formulas[0].place.section == "class Softmax"
    assert "softmax" in reading.formulas[0].concepts and "sigmoid" in reading.formulas[3].concepts
    for found in reading.formulas:  # each formula's stretch of the file is where it is written
        assert SOURCE[found.start:found.end].strip()


def test_the_companion_shows_the_docstrings_not_the_code(tmp_path: Path) -> None:
    path = tmp_path / "activations.py"
    path.write_text(SOURCE, encoding="utf-8")
    page = read(path).to_html()
    assert "<code>class Softmax</code>" in page and "Applies the softmax function" in page
    assert "np.exp(-x)" not in page and ".. math::" not in page and ":math:" not in page
    assert all(f'id="f-{k}"' in page for k in range(4))  # every formula in place (inline ones glossed)


def test_a_file_that_is_not_python_has_no_docstring_math() -> None:
    assert find_math("def broken(:\n    ':math:`x`'", "python") == []
