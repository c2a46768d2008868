"""Math markup of pages nobody on the team wrote (issue 11): comments inside a derivation,
a WordPress blog exported to Markdown, Markdown-escaped LaTeX. Documents written here in the
style of such pages; each formula is checked by what the reader hands the parser."""

from __future__ import annotations

from thirdroad.formula import parse
from thirdroad.reader import find_math, read


def _texts(document: str, fmt: str = "markdown") -> list[str]:
    return [span.text for span, _ in find_math(document, fmt)]  # type: ignore[arg-type]


def test_a_comment_line_between_rows_of_a_derivation_is_dropped_not_joined() -> None:
    doc = ("The gradient is\n\n$$\n\\begin{align}\n    g(w) &= \\nabla_w \\ell(w) \\\\\n    %\n"
           "    &= X^\\top (X w - y) \\\\ % the normal equations \\\\ follow\n    &= 0 . % 100% sure\n"
           "\\end{align}\n$$\n")
    assert _texts(doc) == ["g(w) = \\nabla_w \\ell(w) = X^\\top (X w - y) = 0"]


def test_a_comment_ends_at_its_line_in_a_display_and_an_escaped_percent_stays() -> None:
    doc = "So $$ s = a % first part\n + b $$ and the rate is $r = 5\\%$.\n"
    assert _texts(doc) == ["s = a + b", "r = 5\\%"]


def test_a_wordpress_latex_shortcode_is_inline_math_with_its_markdown_escapes_undone() -> None:
    doc = ("The update uses \\[latex\\]w\\_t\\[/latex\\] and \\[latex\\]\\\\eta = 0.1\\[/latex\\], "
           "and later [latex]\\sigma(z)[/latex].\n")
    found = [span for span, _ in find_math(doc, "markdown")]
    assert [s.text for s in found] == ["w_t", "\\eta = 0.1", "\\sigma(z)"]
    assert all(not s.display for s in found)
    assert doc[found[0].start:found[0].end] == "\\[latex\\]w\\_t\\[/latex\\]"


def test_wordpress_dollar_latex_drops_the_word_and_its_size_setting() -> None:
    assert _texts("Here $latex e^{-x}&s=2$ decays, and $latex$ is a word.") == ["e^{-x}", "latex"]


def test_an_environment_written_with_markdown_escapes_is_read_unescaped() -> None:
    doc = ("The leaky unit:\n\n\\\\begin{equation} f(x) = \\\\begin{cases} 0.1x, & \\\\text{if}\\\\ x < 0 "
           "\\\\\\\\ x, & \\\\text{otherwise} \\\\end{cases} \\\\end{equation}\n\nand a sum "
           "\\\\begin{equation} \\\\begin{split} z &= w\\_1 x\\_1 + b \\\\\\\\ &= u \\\\end{split} \\\\end{equation}\n")
    texts = _texts(doc)
    assert texts[0].startswith("f(x) = \\begin{cases} 0.1x, & \\text{if}\\ x < 0 \\\\ x,")
    assert texts[1] == "z = w_1 x_1 + b = u"
    assert [parse(t).latex for t in texts] == [
        "f\\left(x\\right) = \\begin{cases} 0.1 x & x < 0 \\\\ x & \\text{otherwise} \\end{cases}",
        "z = w_{1} x_{1} + b = u"]


def test_an_unescaped_environment_and_a_row_break_before_one_are_left_as_they_are() -> None:
    doc = "$$ a = b \\\\\\begin{cases} 1 & x \\\\ 0 & y \\end{cases} $$\n"
    assert _texts(doc) == ["a = b \\\\\\begin{cases} 1 & x \\\\ 0 & y \\end{cases}"]


def test_a_wordpress_page_reads_without_a_formula_named_latex() -> None:
    doc = "For all \\[latex\\]x >= 0\\[/latex\\] the unit passes \\[latex\\]x\\[/latex\\] on.\n"
    reading = read(doc, format="markdown")
    assert [f.text for f in reading.formulas] == ["x >= 0", "x"]
    assert all(f.error is None for f in reading.formulas)
