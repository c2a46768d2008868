"""A Python file is read by its docstrings and comments: Sphinx's :math: role and .. math::
directive, Markdown's $$..$$ and $..$, each formula explained and shown in place on the companion
page, the code left out."""

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
        return 1 / (1 + np.exp(-x))  # the logistic function, entry by entry
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


ANNOTATED = '''"""
# Adam

The first moment is an exponential moving average of the gradients:

$$m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t$$

where $g_t$ is the gradient. In code, `m = b1 * m + (1 - b1) * g` and

```python
cost = price * $rate$
```
"""


class Adam:
    def step(self, m, g):
        # The bias-corrected moment
        # $$\\hat{m}_t = \\frac{m_t}{1 - \\beta_1^t}$$
        # divides by $1 - \\beta_1^t$.
        m_hat = m / (1 - self.b1 ** self.t)  # price = "$5"
        return m_hat
'''


def test_markdown_math_in_docstrings_and_comment_blocks_is_found_code_is_not(tmp_path: Path) -> None:
    path = tmp_path / "adam.py"
    path.write_text(ANNOTATED, encoding="utf-8")
    reading = read(path)
    texts = [f.text for f in reading.formulas]
    assert texts == [r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t", "g_t",
                     r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}", r"1 - \beta_1^t"]
    assert [f.display for f in reading.formulas] == [True, False, True, False]
    assert "ema" in reading.formulas[0].concepts and "bias_correction" in reading.formulas[2].concepts
    for found in reading.formulas:  # each formula's stretch of the file is where it is written
        assert ANNOTATED[found.start:found.end].strip().startswith("$")
    page = reading.to_html()
    assert "The bias-corrected moment" in page and "m_hat = m" not in page


def test_a_reading_says_what_it_left_out_and_why(tmp_path: Path) -> None:
    path = tmp_path / "adam.py"
    path.write_text(ANNOTATED, encoding="utf-8")
    reading = read(path)
    code_lines = ["class Adam:", "def step(self, m, g):", "m_hat = m / (1 - self.b1 ** self.t)", "return m_hat"]
    assert reading.left_out == f"{len(code_lines)} lines of code (a Python file's prose is its docstrings and comments)"
    assert f"Not read: {reading.left_out}." in reading.to_text()
    assert "not read: 4 lines of code" in reading.to_html()
    assert reading.to_dict()["left_out"] == reading.left_out
    markdown = read("Text $x^2$.\n\n```\ncode $y$\nmore\n```\n", format="markdown")
    assert markdown.left_out.startswith("2 lines with code (code blocks and `inline code`")
    assert read("Text $x^2$ only.", format="markdown").left_out == ""
