"""Finding math in each kind of document: what counts, what does not, where it is."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from thirdroad.cli import demo_command
from thirdroad.formula import parse
from thirdroad.reader import MAX_DOCUMENT_CHARS, DocumentError, find_math, format_of, read, read_command
from thirdroad.reader._html import mathml_to_latex

ROOT = Path(__file__).parents[2]


def texts(source: str, fmt: str) -> list[str]:
    return [span.text for span, _ in find_math(source, fmt)]  # type: ignore[arg-type]


# ---------------------------------------------------------------- Markdown


def test_markdown_delimiters_and_what_is_not_math() -> None:
    doc = (
        "Inline $a + b$ and \\(c = d\\), display $$e = f$$ and \\[g = h\\].\n"
        "Money: it costs $5 and $10. An escaped \\$x\\$ is text.\n"
        "```\ncode $x = 1$\n```\nand `$y = 2$` inline code.\n"
    )
    assert texts(doc, "markdown") == ["a + b", "c = d", "e = f", "g = h"]
    spans = [s for s, _ in find_math(doc, "markdown")]
    assert [s.display for s in spans] == [False, False, True, True]


def test_markdown_delimiters_with_their_backslash_escaped_hold_the_math_without_it() -> None:
    # Markdown (and MDX) pages write \\( x \\) so that the rendered page hands MathJax \( x \)
    doc = "The size \\\\( l_{1} \\times d_{1} \\\\) and \\\\[ \\log(ab) = \\log a + \\log b \\\\] shown.\n"
    assert texts(doc, "markdown") == [r"l_{1} \times d_{1}", r"\log(ab) = \log a + \log b"]
    for text in texts(doc, "markdown"):
        parse(text)


def test_locations_are_line_and_column_of_the_opening_delimiter() -> None:
    doc = "# Title\n\nFirst line.\nThe loss is $L = (y - t)^2$ here.\n"
    [(span, place)] = find_math(doc, "markdown")
    assert (place.line, place.column) == (4, 13)
    assert doc[span.start] == "$"
    assert place.section == "Title"
    assert place.context == "The loss is ⟨L = (y - t)^2⟩ here."


def test_a_display_formula_alone_gets_the_sentence_that_introduces_it() -> None:
    doc = "Momentum keeps a running average of gradients:\n\n$$v = \\beta v + (1 - \\beta) g$$\n\nNext."
    [(_, place)] = find_math(doc, "markdown")
    assert place.context.startswith("Momentum keeps a running average of gradients:")


# ---------------------------------------------------------------- LaTeX


def test_latex_environments_rows_and_continuations() -> None:
    doc = r"""\documentclass{article}
\newcommand{\x}{$not = math$}
\begin{document}
% $commented = out$
\begin{align}
a &= b + c \label{one} \\
  &= d \nonumber \\
e &= f
\end{align}
\begin{gather*} p = q \\ r = s \end{gather*}
\begin{multline} u = v + w \\ + z \end{multline}
\begin{equation} M = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}, \end{equation}
\begin{verbatim} $v = x$ \end{verbatim}
and inline $k = 1$.
\end{document}"""
    assert texts(doc, "latex") == [
        "a = b + c = d", "e = f", "p = q", "r = s", "u = v + w + z",
        r"M = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "k = 1",
    ]


def test_format_is_taken_from_the_suffix_else_from_the_text() -> None:
    assert format_of("anything", ".tex") == "latex"
    assert format_of("<p>hello</p>") == "html"
    assert format_of("\\section{A} text") == "latex"
    assert format_of("a post with $x$ in it") == "markdown"
    assert format_of("just words") == "text"


# ---------------------------------------------------------------- HTML


def test_html_forms_each_read_once() -> None:
    doc = (
        '<p>A <script type="math/tex">x_1</script> and '
        '<script type="math/tex; mode=display">y = 2 x</script>.</p>'
        '<span class="katex"><span class="katex-mathml"><math><semantics><mi>z</mi>'
        '<annotation encoding="application/x-tex">z^2</annotation></semantics></math></span>'
        '<span class="katex-html" aria-hidden="true"><span>z = 2</span></span></span>'
        '<p>Raw \\(a &lt; b\\) before MathJax runs.</p>'
        '<img class="latex" alt="\\alpha = 0.1" src="a.png"><pre>\\(not = math\\)</pre>'
    )
    spans = [s for s, _ in find_math(doc, "html")]
    assert [s.text for s in spans] == ["x_1", "y = 2 x", "z^2", "a < b", r"\alpha = 0.1"]
    assert [s.display for s in spans][:2] == [False, True]


@pytest.mark.parametrize(("markup", "latex"), [
    ("<mfrac><mn>1</mn><mi>n</mi></mfrac>", r"\frac{1}{n}"),
    ("<msub><mi>x</mi><mi>i</mi></msub><mo>+</mo><msup><mi>y</mi><mn>2</mn></msup>", "x_i + y^2"),
    ("<msqrt><mi>v</mi><mo>+</mo><mi>&#x3f5;</mi></msqrt>", r"\sqrt{v + \epsilon}"),
    ("<munderover><mo>&#x2211;</mo><mrow><mi>j</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
     "<msub><mi>a</mi><mi>j</mi></msub>", r"\sum_{j=1}^{n} a_j"),
    ("<mi>softmax</mi><mo>(</mo><mi>z</mi><mo>)</mo>", r"\operatorname{softmax}(z)"),
])
def test_mathml_is_read_back_into_the_same_formula(markup: str, latex: str) -> None:
    assert parse(mathml_to_latex(markup)) == parse(latex)


# ---------------------------------------------------------------- plain text


def test_plain_text_finds_formulas_in_prose_and_leaves_prose_alone() -> None:
    doc = (
        "The update is v = beta v + (1 - beta) g, which smooths the walk.\n"
        "A rate of 0.001 is fine; the loss fell from 2.3 to 0.4 in ten epochs.\n"
        "We tried it on a GPU and it was a success.\n"
        "State-of-the-art models, e.g. the 3 - 5 layer ones, do A/B tests on the x-axis; I am sure.\n"
        "Copied from the slides: s = beta s + (1 - beta) dw^2 w = w - alpha fraud {dw}{sqrt{s}+ epsilon}\n"
    )
    found = texts(doc, "text")
    assert found == ["v = beta v + (1 - beta) g",
                     "s = beta s + (1 - beta) dw^2 w = w - alpha fraud {dw}{sqrt{s}+ epsilon}"]
    reading = read(doc, format="text")
    repaired = reading.formulas[1].explanation
    assert repaired is not None and repaired.formula.notation == "mangled" and repaired.formula.repairs


def test_plain_text_finds_a_gradient_that_lost_its_backslash_and_stops_at_the_next_sentence() -> None:
    doc = "First we take ( nabla _ { theta} L ( theta) )Then the rest. The nabla symbol is a triangle.\n"
    assert texts(doc, "text") == ["( nabla _ { theta} L ( theta) )"]


@given(st.lists(st.sampled_from(["x", "y_i", r"\beta", "2", "W h", r"\sum_j a_j", "(1 - p)"]), min_size=1, max_size=4),
       st.sampled_from(["=", "+", "-"]))
def test_markdown_finds_what_was_wrapped(parts: list[str], op: str) -> None:
    formula = f" {op} ".join(parts)
    doc = f"Some words before ${formula}$ and some after. Then $$y = {formula}$$ ends it."
    assert texts(doc, "markdown") == [formula, f"y = {formula}"]


# ---------------------------------------------------------------- reading, limits, outputs


def test_json_follows_the_design_schema() -> None:
    data = read(ROOT / "examples" / "three_ideas.md").to_dict()
    assert set(data) >= {"source", "formulas", "concepts", "warnings"}
    first = data["formulas"][0]
    assert set(first) >= {"location", "context", "text", "explanation"}
    assert set(first["explanation"]) >= {"input", "notation", "repairs", "latex", "concepts", "chunks",
                                         "warnings", "lenses"}
    assert "gradient_descent" in first["explanation"]["concepts"]
    json.dumps(data)  # plain data all the way down


def test_an_unreadable_formula_is_kept_with_its_column_and_hint() -> None:
    reading = read("Fine $a = b$ and broken $\\frac{a}{$ here.", format="markdown")
    assert reading.formulas[0].explanation is not None
    broken = reading.formulas[1]
    assert broken.explanation is None and broken.error is not None
    assert broken.to_dict()["error"]["column"] == broken.error.column
    assert "not read" in reading.to_text()


def test_limits_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="limit"):
        read("x" * (MAX_DOCUMENT_CHARS + 1))
    binary = tmp_path / "paper.tex"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DocumentError, match="UTF-8"):
        read(binary)
    with pytest.raises(DocumentError, match="format"):
        read("$x$", format="docx")


def test_the_companion_page_is_self_contained_and_escaped() -> None:
    doc = ("# <script>alert(1)</script>\n\nA sentence with <img src=x onerror=alert(2)> and "
           "$a = \\text{<script>alert(3)</script>}$ and $b < c$.\n")
    page = read(doc, format="markdown").to_html()
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_progress_bar_on_a_console(tmp_path: Path) -> None:
    doc = "\n\n".join(f"Step {k}: $x_{{{k}}} = x_{{{k - 1}}} - \\eta g_{{{k}}}$." for k in range(1, 60))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    reading = read(doc, format="markdown", progress=console)
    assert len(reading.formulas) == 59
    assert "reading formulas" in out.getvalue()


def test_commands_write_the_companion(tmp_path: Path) -> None:
    page = tmp_path / "companion.html"
    text = read_command(str(ROOT / "examples" / "three_ideas.md"), output=str(page))
    assert "14 formulas found" in text and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    data = json.loads(read_command(str(ROOT / "examples" / "three_ideas.md"), as_json=True))
    assert len(data["formulas"]) == 14
    out = io.StringIO()
    demo_command(ROOT / "examples" / "three_ideas.md", str(tmp_path / "demo.html"), Console(file=out, width=120))
    assert "Look twice" in (tmp_path / "demo.html").read_text(encoding="utf-8")
    assert "look twice" in out.getvalue()


def test_notebook_display_is_a_fragment_whose_style_stays_inside() -> None:
    fragment = read(ROOT / "examples" / "three_ideas.md")._repr_html_()
    assert fragment.startswith('<div class="companion">') and "<html" not in fragment
    style = re.search(r"<style>(.*?)</style>", fragment, re.DOTALL)
    assert style is not None
    selectors = [s.strip() for group in re.findall(r"([^{}]+)\{", style.group(1)) for s in group.split(",")]
    rules = [s for s in selectors if not s.startswith("@media")]  # a condition, whose own rules are scoped
    assert rules and all(s.startswith(".companion") for s in rules)


_PIECES = st.sampled_from(["$", "$$", "\\(", "\\)", "\\[", "\\]", "x", "=", " ", "\n", "\\frac{", "}", "{", "_", "^",
                           "\\begin{align}", "\\end{align}", "&", "\\\\", "<math>", "</math>", "<mi>", "</mi>",
                           '<script type="math/tex">', "</script>", "beta", "fraud", "∑", "√", "(", ")", "a", "-", "."])


@given(st.lists(_PIECES, max_size=60), st.sampled_from(["markdown", "latex", "html", "text"]))
def test_any_jumble_is_read_without_crashing(parts: list[str], fmt: str) -> None:
    doc = "".join(parts)
    reading = read(doc, format=fmt, progress=False)
    for found in reading.formulas:
        assert (found.explanation is None) != (found.error is None)
        assert 1 <= found.place.line <= doc.count("\n") + 1


def test_the_authors_macros_are_expanded_and_bounded() -> None:
    doc = r"""\documentclass{article}
\newcommand{\R}{\mathbb{R}}
\newcommand{\norm}[1]{\left\| #1 \right\|}
\def\E{\mathbb{E}}
\DeclareMathOperator{\softmax}{softmax}
\newcommand{\bomb}{\bomb\bomb}
\begin{document}
Take $x \in \R^n$ with $\norm{x} = 1$, so $\E[x] = \mu$ and $p = \softmax(x)$; also $\bomb$.
\end{document}"""
    found = {span.written: span.text for span, _ in find_math(doc, "latex")}
    assert parse(found[r"x \in \R^n"]) == parse(r"x \in \mathbb{R}^n")
    assert parse(found[r"\norm{x} = 1"]) == parse(r"\left\| x \right\| = 1")
    assert parse(found[r"p = \softmax(x)"]) == parse(r"p = \operatorname{softmax}(x)")
    assert len(found[r"\bomb"]) <= 5_000
    reading = read(doc, format="latex")
    item = reading.to_dict()["formulas"][0]
    assert item["text"] == r"x \in \R^n" and item["read_as"] == r"x \in \mathbb{R}^n"
