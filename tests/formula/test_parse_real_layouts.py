"""Notation as real texts write it (issues 11 and 16): the README's own formulas, the classes of
notation behind them, the layouts of library docstrings, fragments, and the real-text corpus."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from thirdroad.formula import FormulaError, FragmentError, parse
from thirdroad.formula.ast import Apply, BigOp, Block, Node, Relation, Statement, Symbol, Text, Update

from .sexpr import sexpr

REALTEXT = Path(__file__).resolve().parents[1] / "data" / "realtext"


# ---- the README's formulas, and the class each stands for ------------------------------------


def test_the_readme_attention_weights_read_with_their_indices_and_primed_sum() -> None:
    f = parse("α_ts = exp(score(h_t, h̄_s)) / Σ_s' exp(score(h_t, h̄_s'))")
    left, right = f.root.operands  # type: ignore[attr-defined]
    assert sexpr(left) == "alpha_{t,s}"  # α with the indices t and s, not α_t times s
    assert sexpr(right.den) == "(sum s' (apply exp (apply score h_t bar(h)_{s'})))"


@pytest.mark.parametrize(
    ("text", "notation", "expected"),
    [("W_hh h_t", "unicode", "(* W_{h,h} h_t)"), ("h_t1 = x", "ascii", "(eq h_{t,1} x)"),
     ("x_ij + x_i2", "unicode", "(+ x_{i,j} x_{i,2})"), (r"x_ij", "latex", "(* x_i j)")],
)
def test_a_plain_text_subscript_takes_its_whole_run(text: str, notation: str, expected: str) -> None:
    assert sexpr(parse(text, notation).root) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("MSE = (1/n) Σ (y_i − ŷ_i)²", "(eq MSE (* (/ 1 n) (sum _ (^ (+ y_i (- hat(y)_i)) 2))))"),
     ("L = Σ x_i w_i", "(eq L (sum _ (* x_i w_i)))"),
     ("y = Σ x", "(eq y (* Sigma x))"), ("Σ^{-1} x", "(* (inverse Sigma) x)")],
)
def test_a_bare_sigma_sums_what_carries_an_index_and_stays_a_matrix_otherwise(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("loss = -log(p[y])", "(eq loss (- (apply log p_y)))"), ("x[0] + x[1]", "(+ x_0 x_1)"),
     ("p [y]", "(* p y)"), (r"\text{padding}[0] + 1", "(+ padding_0 1)"),
     (r"W [h_{t-1}, x_t]", "(* W (concat h_{t-1} x_t))")],
)
def test_a_bracket_right_after_a_name_is_an_entry_of_it(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


@pytest.mark.parametrize("text", [r"D_{KL}(P \| Q)", "KL(P || Q)", r"\mathcal{D}_{KL}(p \mid\mid q)",
                                  r"D_{JS}\Bigl[P \Bigl|\Bigr| Q\Bigr]"])
def test_a_double_bar_in_a_functions_brackets_separates_its_two_arguments(text: str) -> None:
    root = parse(text).root
    assert isinstance(root, Apply) and [sexpr(a) for a in root.args] in (["P", "Q"], ["p", "q"])
    assert not any(isinstance(n, Relation) for n in root.walk())  # not "P is parallel to Q"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"PE_{(pos,2i)}", "PE_{pos,(* 2 i)}"), (r"MSE_{train}", "MSE_{t,r,a,i,n}"),
     (r"AB_{ij} + A", "(+ (* A B_{i,j}) A)"), (r"QK^T", "(* Q (transpose K))")],
)
def test_capitals_written_together_before_a_subscript_are_one_name(text: str, expected: str) -> None:
    assert sexpr(parse(text, "latex").root) == expected


# ---- the layouts of library documentation -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\begin{aligned} L &= (y - \hat y)^2 \\ &= e^2 \end{aligned}", "(eq eq L (^ (+ y (- hat(y))) 2) (^ e 2))"),
        (r"\begin{aligned} &= a + b \\ &= c \end{aligned}", "(eq eq '' (+ a b) c)"),
        (r"(N, *, H_{in})", "(tuple N star H_{i,n})"),
        (r"x \in \mathbb{R}^{* \times d}", "(in x (^ bb(R) (times star d)))"),
        (r"N = \text{batch size}", "(eq N 'batch size')"),
        (r"\frac{L}{\text{stride}[0]} + 1", "(+ (/ L stride_0) 1)"),
        ("\\mu\n % \\equiv \\mathbb{E}_X[X]\n = \\int x p(x) dx", "(eq mu (int _ (* x (apply p x) d x)))"),
        (r"a ={} b", "(eq a b)"),
        (r"\sum_j - P(j) \log P(j)", "(sum j (* (- (apply P j)) (apply log (apply P j))))"),
        (r"\hat\theta = \underset{\theta}{\arg\max}\, p(x|\theta)",
         "(eq hat(theta) (argmax theta (apply p (conditional x theta))))"),
        (r"a \stackrel{\text{def}}{=} b", "(def a b)"),
        (r"\hat{\phi} = \mathop{\rm argmin}_{\phi} L[\phi]", "(eq hat(phi) (argmin phi (apply L phi)))"),
        (r"y = \mathbf{a} \mathbin{@} \mathbf{b}", "(eq y (* bf(a) bf(b)))"),
        (r"\mathds{1}\{y = k\}", parse(r"\mathbb{1}\{y = k\}").root),  # dsfont's 1 is blackboard bold
        (r"a \land b \lor c", "(vee (wedge a b) c)"),  # logical and, or: ∧, ∨
        (r"a \xrightarrow{f} b", "(to a b)"),  # the arrow's label names the map; it is no term
        (r"a \xrightarrow[n \to \infty]{} b", "(to a b)"),
        (r"\cancel{x} + 1", "(+ x 1)"),  # struck out in a derivation: the math inside
    ],
)
def test_library_layouts_read(text: str, expected: str | Node) -> None:
    got = parse(text).root
    assert (sexpr(got) if isinstance(expected, str) else got) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"W_{i \cdot}", "W_{i,cdot}"),  # row i, every column: the slot of the last index
        (r"\|\cdot\|_2", "(norm cdot 2)"),  # the norm of whatever fills the slot
        (r"|\cdot|", "(abs cdot)"),
        (r"f_{i}^{\prime 2}", "(^ f_i' 2)"),  # TeX's prime and power in one superscript: f'^2
        (r"x^{\prime -1}", "(^ x' (- 1))"),
        ("h —> 0", "(to h 0)"),  # an arrow typed with a dash
        (r"y_i \in \\{ -1,1 \\}", "(in y_i (set (- 1) 1))"),  # braces escaped for Markdown: \\{ is \{
    ],
)
def test_slots_primes_arrows_and_escaped_braces_as_sources_write_them(text: str, expected: str) -> None:
    f = parse(text)
    assert sexpr(f.root) == expected
    assert parse(f.latex).root == f.root  # and it is written back as it was read


@pytest.mark.parametrize(
    ("text", "expected"),
    [("w -= lr * dw", "(update w (+ w (- (* lr dw))))"),  # code's updates in place
     ("x += 1", "(update x (+ x 1))"), ("m *= beta", "(update m (* m beta))"), ("s /= n", "(update s (/ s n))"),
     ("a -= b - c", "(update a (+ a (- (+ b (- c)))))"),  # the whole right side is taken away
     (r"\theta^*= \arg\min_\theta L", "(eq theta^(star) (argmin theta L))"),  # LaTeX: a label, then =
     ("θ* = argmin_θ L(θ)", "(eq theta^(star) (argmin theta (apply L theta)))"),  # θ* is θ^*
     ("L(θ*)", "(apply L theta^(star))"), ("a* b", "(* a b)"), ("2*x = 4", "(eq (* 2 x) 4)")],
)
def test_code_updates_in_place_and_a_starred_name_in_plain_text(text: str, expected: str) -> None:
    f = parse(text)
    assert sexpr(f.root) == expected
    assert parse(f.latex).root == f.root


@pytest.mark.parametrize("notation", ["ascii", "unicode"])
def test_an_entry_without_its_index_is_a_formula_error(notation: str) -> None:
    with pytest.raises(FormulaError, match=r"p\[\] needs the index of its entry"):
        parse("loss = -log(p[])", notation)  # was a ValueError from unpacking no items


@pytest.mark.parametrize(
    ("text", "expected"),
    [("dL/dW = dL/dy * dy/dW", "(eq (derivative L W) (* (derivative L y) (derivative y W)))"),
     ("x * dy/dx", "(* x (derivative y x))"),
     ("a/b * c/d", "(/ (* (/ a b) c) d)")],  # no differentials: Python's order, left to right
)
def test_a_derivative_written_after_a_product_is_one_derivative(text: str, expected: str) -> None:
    """The chain rule in plain text: dy/dW after a * is the derivative it writes. Its value is
    Python's ((dL/dy) * dy) / dW all the same (tests/formula/test_parse_arithmetic.py)."""
    assert sexpr(parse(text, "ascii").root) == expected


def test_a_bracket_a_row_leaves_open_is_closed_at_the_rows_end_and_said() -> None:
    text = r"\begin{aligned} a &= f(x + g(y) \\ b &= h(a) \end{aligned}"
    f = parse(text)
    assert sexpr(f.root.items[0]) == "(eq a (apply f (+ x (apply g y))))"  # type: ignore[attr-defined]
    at = text.index("f(") + 1  # the bracket after f
    assert [(r.what, r.span) for r in f.repairs] == [("unclosed bracket", (at, at + 1))]
    with pytest.raises(FormulaError, match=r"unexpected '\\\\\\\\'"):
        parse(r"\begin{aligned} a &= f(x + g(y)\\ b &= h(a) \end{aligned}")  # no room to close it: unchanged


ADAM_BOX = r"""\begin{aligned}
     &\rule{110mm}{0.4pt}                                                                 \\
     &\textbf{input}      : \gamma \text{ (lr)}, \beta_1, \beta_2 \text{ (betas)}         \\
     &\textbf{initialize} :  m_0 \leftarrow 0 \text{ ( first moment)}                   \\[-1.ex]
     &\rule{110mm}{0.4pt}                                                                 \\
     &\textbf{for} \: t=1 \: \textbf{to} \: \ldots \: \textbf{do}                         \\
     &\hspace{5mm}\textbf{if} \: \textit{maximize}:                                       \\
     &\hspace{10mm}g_t           \leftarrow   -\nabla_{\theta} f_t (\theta_{t-1})         \\
     &\hspace{5mm}\textbf{else}                                                           \\
     &\hspace{10mm}g_t           \leftarrow   \nabla_{\theta} f_t (\theta_{t-1})          \\
     &\hspace{5mm}m_t           \leftarrow   \beta_1 m_{t-1} + (1 - \beta_1) g_t          \\
     &\rule{110mm}{0.4pt}                                                          \\[-1.ex]
     &\bf{return} \:  \theta_t                                                     \\[-1.ex]
\end{aligned}"""


def test_an_algorithm_box_is_a_list_of_statements_and_updates() -> None:
    root = parse(ADAM_BOX).root
    assert isinstance(root, Block)
    kinds = [item.kind for item in root.items]
    assert kinds == ["statement", "statement", "statement", "statement", "update", "statement", "update",
                     "update", "statement"]
    words = [[p.text for p in item.parts if isinstance(p, Text)] for item in root.items if isinstance(item, Statement)]
    assert words == [["input", "(lr)", "(betas)"], ["initialize", "( first moment)"], ["for", "to", "do"],
                     ["if"], ["else"], ["return"]]
    m_t = root.items[7]
    assert isinstance(m_t, Update) and sexpr(m_t) == "(update m_t (+ (* beta_1 m_{t-1}) (* (+ 1 (- beta_1)) g_t)))"


@pytest.mark.parametrize("text", [r"\odot", "*", r"\times", "+", "=", r"\sum_j", r"\frac{d}{dx}",
                                  r"\mathrm{ce}_{2n+1}(z, q) =", "= b", r"x \cdot"])
def test_a_piece_of_a_formula_is_a_fragment_not_a_fault(text: str) -> None:
    with pytest.raises(FragmentError) as info:
        parse(text)
    assert isinstance(info.value, FormulaError) and info.value.position >= 1


@pytest.mark.parametrize("text", [r"\frac{a}{b", r"x + \frca{a}{b}", "x_i_j", r"(a + b]"])
def test_a_faulty_formula_is_not_called_a_fragment(text: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert not isinstance(info.value, FragmentError)


# ---- the real-text corpus ---------------------------------------------------------------------


def _corpus() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted(REALTEXT.glob("*.toml")):
        if path.name != "slips.toml":
            with path.open("rb") as fh:
                out.extend(tomllib.load(fh).get("formula", []))
    return out


def test_the_real_text_corpus_is_read_whole() -> None:
    formulas = _corpus()
    if not formulas:
        pytest.skip("the real-text corpus is not in this tree")
    whole = [f for f in formulas if not f.get("fragment")]
    failed = []
    for f in formulas:
        try:
            parse(str(f["text"]))
        except FragmentError:
            continue  # a piece of a formula, said so (an outcome, not a fault)
        except FormulaError:
            if not f.get("fragment"):
                failed.append(f["id"])
    assert len(whole) >= 1000
    assert 1 - len(failed) / len(whole) >= 0.995, failed  # and nothing but FormulaError escapes


def test_real_bases_read_with_isinstance_of_the_right_kind() -> None:
    root = parse(r"\sum_{\substack{i=1 \\ j \ne i}}^N x_{ij}").root
    assert isinstance(root, BigOp) and root.under is not None
    assert isinstance(parse(r"L_i = \sum_j \mid f_j - (y_i)_j \mid").root, Relation)
    assert isinstance(parse(r"\text{where head}_i = x").root, Statement)
    assert isinstance(parse(r"g(h(s))' = g'(h(s))").root, Relation)
    assert any(isinstance(n, Symbol) and n.name == "pm" for n in parse(r"\eta_{+/-}").root.walk())


# ---- notation met on a fresh blog (2021-2025 posts of a public ML blog, parsed, not labelled) ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"f(x) \approx f(a) + (x - a) f'(x)\vert_{x=a}",
      "(approx (apply f x) (+ (apply f a) (apply index (* (+ x (- a)) (apply f' x)) (eq x a))))"),
     (r"\frac{dy}{dx}\bigg\vert_{x=0}", "(apply index (derivative y x) (eq x 0))"),
     (r"g|_{x=0} + 1", "(+ (apply index g (eq x 0)) 1)"),
     (r"\left.\frac{dy}{dx}\right|_{x=0}", "(apply index (derivative y x) (eq x 0))")],
)
def test_a_bar_against_a_subscript_evaluates_what_stands_before_it(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


@pytest.mark.parametrize(("text", "expected"), [(r"|x|_1 + |y|", "(+ (apply index (abs x) 1) (abs y))"),
                                                (r"\sum_i |x_i|", "(sum i (abs x_i))")])
def test_a_bar_that_closes_an_absolute_value_is_no_evaluation_bar(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_the_value_at_a_point_is_said_and_written_back_as_a_value_at_a_point() -> None:
    from thirdroad.formula import explain
    from thirdroad.formula.latex import to_latex
    from thirdroad.formula.unicode import to_unicode

    text = r"\frac{d\hat{\theta}}{d\epsilon}\bigg\vert_{\epsilon=0}"
    f = parse(text)
    assert parse(to_latex(f.root)).root == f.root
    assert to_unicode(f.root) == "(dθ̂/dε)|_(ε = 0)"
    assert "take the value of dθ̂/dε at ε equals 0" in explain(text).lenses["reading_order"]


@pytest.mark.parametrize(("text", "unicode"), [(r"N_{\setminus E}", "N_(∖E)"),
                                               (r"f(\mathbf{x}_{\setminus w_i})", "f(𝐱_(∖w_i))")])
def test_a_set_minus_opening_a_subscript_is_a_label_all_but_one(text: str, unicode: str) -> None:
    from thirdroad.formula.latex import to_latex
    from thirdroad.formula.unicode import to_unicode

    root = parse(text).root
    assert to_unicode(root) == unicode
    assert parse(to_latex(root)).root == root


@pytest.mark.parametrize(("text", "expected"), [(r"P(y_w \succ y_l)", "(apply P (succ y_w y_l))"),
                                                ("a ⪯ b", "(preceq a b)"), (r"A \supseteq B", "(supseteq A B)"),
                                                (r"\uparrow_F x", "(* uparrow_F x)")])
def test_order_relations_and_arrows_are_read(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


def test_a_hessian_written_with_its_power_before_its_subscript_is_read() -> None:
    from thirdroad.formula.latex import to_latex

    root = parse(r"\nabla^2_\theta f(\theta)").root
    assert sexpr(root) == "(apply (^ nabla_{theta} 2) (apply f theta))"
    assert parse(to_latex(root)).root == root
    # written the other way round it is the gradient squared, as optimizers accumulate it
    assert sexpr(parse(r"\nabla_\theta^2 J(\theta)").root) == "(^ (gradient (apply J theta) theta) 2)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"\big[\log h - \lambda \|v - u\|^2_2\big]", "(+ (apply log h) (- (* lambda (^ (norm (+ v (- u)) 2) 2))))"),
     (r"(a \|v\|)", "(* a (norm v))"), (r"f(\|x\|, \|y\|)", "(apply f (norm x) (norm y))"),
     (r"D(P\|Q) + (\|a\| + \|b\|)", "(+ (apply D P Q) (+ (norm a) (norm b)))")],
)
def test_double_bars_that_pair_up_inside_brackets_are_norms(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(r"\color{green}{\Big(a + b} \Big) c", "(* (+ a b) c)"),  # a bracket opened inside the paint
     (r"\Big(a + \color{red}{b \Big)} c", "(* (+ a b) c)"),  # closed inside it
     (r"\color{red}{x}^2 + y", "(+ (^ x 2) y)"), (r"\color{red}{(a+b)}^2", "(^ (+ a b) 2)")],
)
def test_a_coloured_group_is_paint_and_a_bracket_may_cross_it(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected
