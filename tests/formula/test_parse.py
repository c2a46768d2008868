"""Reading: notations, exact structures, spans, errors and limits."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad.errors import ThirdroadError
from thirdroad.formula import Cancelled, Deadline, FormulaError, LimitError, detect_notation, explain, parse, stop_when
from thirdroad.formula.ast import Block, Node, Sum, Symbol, node_at, paths
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.explanation import MAX_PARTS
from thirdroad.formula.parser import MAX_DEPTH, tree_depth
from thirdroad.formula.tokens import MAX_LENGTH

from .sexpr import sexpr

STRUCTURES = [
    (r"v \leftarrow \beta v + (1-\beta) g", "(update v (+ (* beta v) (* (+ 1 (- beta)) g)))"),
    (r"\frac{e^{x_i}}{\sum_j e^{x_j}}", "(/ (^ e x_i) (sum j (^ e x_j)))"),
    (r"\sigma(x) = \frac{1}{1 + e^{-x}}", "(eq (apply sigma x) (/ 1 (+ 1 (^ e (- x)))))"),
    (r"\sqrt s + \epsilon", "(+ (sqrt s) epsilon)"),
    (r"\sin x \cos y", "(* (apply sin x) (apply cos y))"),
    (r"\log p(x)", "(apply log (apply p x))"),
    (r"x^T W y", "(* (transpose x) W y)"),
    (r"x^2_i", "(^ x_i 2)"),
    (r"x_i^2", "(^ x_i 2)"),
    (r"\frac{\partial L}{\partial W}", "(derivative L W)"),
    (r"\nabla_\theta J(\theta)", "(gradient (apply J theta) theta)"),
    (r"\|x\|_2^2", "(^ (norm x 2) 2)"),
    (r"|x - y|", "(abs (+ x (- y)))"),
    (r"[h_{t-1}; x_t]", "(concat h_{t-1} x_t)"),
    (r"\mathbb{E}_{x \sim p}[\log q(x)]", "(expectation (apply log (apply q x)) (sim x p))"),
    (r"A^{-1} b", "(* (inverse A) b)"),
    (r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}", "(eq hat(m)_t (/ m_t (+ 1 (- (^ beta_1 t)))))"),
    (r"\mathbf{W}_q \mathbf{x}", "(* bf(W)_q bf(x))"),
    (r"h^{(t)} = \tanh(W h^{(t-1)})", "(update= h^(t) (apply tanh (* W h^(t-1))))"),
    (r"a = b = c", "(eq eq a b c)"),
    (r"\operatorname*{argmax}_y p(y | x)", "(argmax y (apply p (conditional y x)))"),
    (r"\max(0, x)", "(apply max 0 x)"),
    (r"\max_i x_i", "(max i x_i)"),
    (r"\sum_{j=1}^{n} w_j x_j", "(sum (eq j 1) n (* w_j x_j))"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(pmatrix [a b] [c d])"),
    (r"\text{ReLU}(x) = \max(0, x)", "(eq (apply ReLU x) (apply max 0 x))"),
    (r"y = W_2 \, \mathrm{relu}(W_1 x + b_1) + b_2",
     "(eq y (+ (* W_2 (apply relu (+ (* W_1 x) b_1))) b_2))"),
    (r"\alpha_{ts} = \mathrm{score}(h_t, \bar{h}_s)", "(eq alpha_{t,s} (apply score h_t bar(h)_s))"),
    (r"z = \sigma(W_z [h_{t-1}, x_t])", "(eq z (apply sigma (* W_z (concat h_{t-1} x_t))))"),
    (r"h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde{h}_t",
     "(update= h_t (+ (odot (+ 1 (- z_t)) h_{t-1}) (odot z_t tilde(h)_t)))"),
    (r"\frac12", "(/ 1 2)"),
    (r"\alpha^23", "(* (^ alpha 2) 3)"),
    ("x^23", "(^ x 23)"),
    (r"f'(x)", "(apply f' x)"),
    (r"\theta^* = \arg\min_\theta L(\theta)", "(eq theta^(star) (argmin theta (apply L theta)))"),
    (r"W^Q", "W^(Q)"),
    (r"\mathcal{L}", "cal(L)"),
    (r"\left( \frac{a}{b} \right)^2", "(^ (/ a b) 2)"),
    (r"x \in [0, 1)", "(in x (interval[) 0 1))"),
    (r"-x^2", "(- (^ x 2))"),
    (r"a - b - c", "(+ a (- b) (- c))"),
    (r"a / b c", "(* (/ a b) c)"),
    (r"x(a + b)", "(* x (+ a b))"),
]


@pytest.mark.parametrize(("text", "expected"), STRUCTURES)
def test_structure(text: str, expected: str) -> None:
    assert sexpr(parse(text).root) == expected


NOTATION_TWINS = [
    (r"\theta \leftarrow \theta - \eta \nabla_\theta J(\theta)", "θ ← θ − η∇θJ(θ)", None),
    (r"\sigma(x) = \frac{1}{1 + e^{-x}}", "σ(x) = 1/(1+e^(−x))", "sigma(x) = 1/(1+e^(-x))"),
    (r"x^2 + x_i", "x² + xᵢ", "x^2 + x_i"),
    (r"\sum_i x_i", "Σᵢ xᵢ", None),
    (r"\|x\|", "‖x‖", "||x||"),
    (r"a \odot b", "a ⊙ b", None),
    (r"a \cdot b", "a · b", None),
    (r"\frac{\partial L}{\partial W}", "∂L/∂W", None),
    (r"\sqrt{v + \epsilon}", "√(v + ε)", "sqrt(v + eps)"),
    (r"v = \beta v + (1 - \beta) \mathrm{dW}", None, "v = beta*v + (1-beta)*dW"),
    (r"W = W - \frac{\alpha dW}{\sqrt{s + \epsilon}}", None, "W = W - alpha * dW / sqrt(s + eps)"),
    (r"\beta_1", "β₁", "beta1"),
    (r"x^\top W", "xᵀW", "x^T W"),
]


@pytest.mark.parametrize(("latex", "unicode", "ascii_"), NOTATION_TWINS)
def test_notations_meet_in_one_tree(latex: str, unicode: str | None, ascii_: str | None) -> None:
    reference = parse(latex, notation="latex")
    if unicode is not None:
        assert parse(unicode, notation="unicode") == reference
    if ascii_ is not None:
        assert parse(ascii_, notation="ascii") == reference


@pytest.mark.parametrize(
    ("text", "notation"),
    [
        (r"\frac{a}{b}", "latex"),
        ("x^{2}", "latex"),
        ("θ ← θ − η∇θJ(θ)", "unicode"),
        ("v = beta*v + (1-beta)*dW", "ascii"),
        ("s = beta s + (1- beta) dw^2 w = w – alpha fraud {dw} { sqrt s}", "mangled"),
        (r"\ frac{a}{b}", "mangled"),
    ],
)
def test_detect_notation(text: str, notation: str) -> None:
    assert detect_notation(text) == notation
    assert parse(text).notation == notation


def test_forced_notation_changes_the_reading() -> None:
    assert sexpr(parse("ab", notation="latex").root) == "(* a b)"
    assert sexpr(parse("ab", notation="ascii").root) == "ab"


def test_every_node_has_a_span_inside_the_input() -> None:
    text = r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t} + \sum_{j} \exp(x_j)"
    root = parse(text).root
    for _, node in paths(root):
        start, end = node.span
        assert 0 <= start <= end <= len(text), (node, node.span)
    assert text[slice(*root.span)] == text
    fraction = node_at(root, "0.1.0")
    assert text[slice(*fraction.span)] == r"\frac{m_t}{1 - \beta_1^t}"


def test_spans_point_at_the_symbols() -> None:
    text = "θ ← θ − η∇θJ(θ)"
    root = parse(text).root
    names = [(n.name, text[slice(*n.span)]) for n in root.walk() if isinstance(n, Symbol)]
    assert ("eta", "η") in names
    assert ("J", "J") in names


def test_tree_is_hashable_and_compares_without_spans() -> None:
    a = parse(r"\frac{a}{b}").root
    b = parse(r"\dfrac{a} {b}").root
    assert a == b and hash(a) == hash(b) and a.span != b.span
    assert len({a, b}) == 1
    assert isinstance(a, Node)


ERRORS = [
    (r"\frac{a}{b", 9, "brace opened at column 9 is never closed"),
    (r"x + \frca{a}{b}", 5, r"\frca is not a command: did you mean \frac?"),
    (r"(a + b]", 7, "parenthesis opened at column 1 should be closed by ')'"),
    (r"\frac{a + (b}{c}", 13, "parenthesis opened at column 11 is still open here"),
    (r"= x", 1, "left-hand side"),
    (r"x +", 4, "missing at the end"),
    (r"\begin{pmatrix} a \end{bmatrix}", 19, "is pmatrix"),
    (r"x_i_j", 4, "one pair of braces"),
    ("a ¤ b", 3, "does not know"),
    (r"\sum_i", 7, "after it"),
    ("", 1, "type a formula"),
]


@pytest.mark.parametrize(("text", "column", "hint"), ERRORS)
def test_errors_point_at_the_fault_with_a_hint(text: str, column: int, hint: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text, notation="latex")
    err = info.value
    assert err.position == column, (err.position, err.message)
    assert hint in err.hint or hint in err.message
    if text:
        caret_line = err.caret().splitlines()[1]
        assert caret_line.index("^") == column - 1


@pytest.mark.parametrize(
    ("text", "same_as", "what", "column"),
    [("(a + b", "(a + b)", "unclosed bracket", 1), ("a + b)", "a + b", "stray bracket", 6),
     (r"\min(0, \alpha (\exp(x) - 1)", r"\min(0, \alpha (\exp(x) - 1))", "unclosed bracket", 5)],
)
def test_a_bracket_left_open_or_closed_twice_is_repaired_and_said(
        text: str, same_as: str, what: str, column: int) -> None:
    f = parse(text)
    assert f == parse(same_as)
    (fix,) = f.repairs
    assert fix.what == what and fix.span[0] + 1 == column


def test_error_message_shows_the_input_and_a_caret() -> None:
    with pytest.raises(FormulaError) as info:
        parse(r"\frac{a}{b")
    lines = str(info.value).splitlines()
    assert lines[1] == r"\frac{a}{b"
    assert lines[2] == " " * 8 + "^"
    assert lines[3].startswith("hint:")


@pytest.mark.parametrize(
    "text",
    [
        "(" * 500 + "x" + ")" * 500,
        "{" * 500 + "x" + "}" * 500,
        "x^{" * 400 + "2" + "}" * 400,
        "-" * 3000 + "x",
        r"\sqrt{" * 300 + "x" + "}" * 300,
        "|" * 400 + "x" + "|" * 400,
        r"\frac{" * 300,
    ],
)
def test_deep_nesting_is_a_formula_error_not_a_recursion_error(text: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert "deeply" in info.value.message or info.value.hint


def test_nesting_within_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    f = parse("\\sqrt{" * depth + "x" + "}" * depth)
    assert tree_depth(f.root)[0] == MAX_DEPTH
    assert parse(f.latex) == f
    with pytest.raises(FormulaError, match="deeply"):
        parse("\\sqrt{" * MAX_DEPTH + "x" + "}" * MAX_DEPTH)


def test_decisions_name_their_rule() -> None:
    f = parse(r"\sin x \cos y + x(a+b) + f(x)")
    rules = {d.rule for d in f.decisions}
    assert {"function-argument", "implicit-product", "function-application"} <= rules
    for d in f.decisions:
        assert d.describe().startswith(d.rule)


def test_formula_equality_ignores_source_and_notation() -> None:
    assert parse("x²", notation="unicode") == parse("x^2")
    assert parse("x²", notation="unicode").notation == "unicode"


def test_formula_parse_is_the_function_and_no_module_hides_behind_it() -> None:
    import importlib

    import thirdroad.formula as formula

    assert formula.parse is parse and callable(formula.parse)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("thirdroad.formula.parse")


def test_public_surface_is_complete() -> None:
    import thirdroad.formula as formula

    for name in formula.__all__:
        obj = getattr(formula, name)
        assert obj is not None
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, f"{name} needs a docstring"
    assert {"parse", "Formula", "FormulaError", "compile", "evaluate"} <= set(formula.__all__)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\begin{split} a &= b \\ &= c \end{split}", "(eq eq a b c)"),
        (r"\begin{aligned} L &\leftarrow x \\ &\approx 0 \end{aligned}", "(leftarrow approx L x 0)"),
        (r"\mathbb{E}_{x \sim p}[\cdot]", "(expectation cdot (sim x p))"),
        (r"\begin{gather} a = b \\ c = d \end{gather}", "(block (eq a b) (eq c d))"),
        (r"\begin{array}{cc} a & b \\ c & d \end{array}", "(array [a b] [c d])"),
        (r"\Big| x \Big|", "(abs x)"),
        (r"\sin^2 x", "(^ (apply sin x) 2)"),
        (r"\log_2 x", "(apply log_2 x)"),
    ],
)
def test_environments_and_sizes(text: str, expected: str) -> None:
    f = parse(text)
    assert sexpr(f.root) == expected
    assert parse(f.latex) == f


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        (r"x = 1 \label{eq:one}", "x = 1"),
        (r"x + \vphantom{y} z", "x + z"),
        (r"\hphantom{ab} x + \phantom{c} y", "x + y"),
        (r"\textcolor{red}{x} + 1", "x + 1"),
    ],
)
def test_labels_and_phantoms_carry_no_math(text: str, same_as: str) -> None:
    assert parse(text) == parse(same_as)


# ---- notation gaps closed: second derivatives --------------------------------------------------


@pytest.mark.parametrize("text", [r"\nabla^2 f", r"\nabla^2 L(\theta)", r"\Delta f = \nabla^2 f(x)"])
def test_nabla_squared_is_the_second_derivatives(text: str) -> None:
    f = parse(text)
    assert "the second derivatives of" in f.to_words()
    assert parse(f.latex) == f  # the canonical LaTeX reads back to the same tree


@pytest.mark.parametrize(("text", "column"), [(r"\nabla^3 f", 1), (r"\nabla^2", 9)])
def test_nabla_with_another_power_or_nothing_after_is_an_error_with_a_place(text: str, column: int) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert info.value.position == column and "\\nabla^2 f" in info.value.hint


# ---- notation gaps closed: RMSProp's E[g^2]_t and plain-text habits ------------------------------


def test_a_subscripted_expectation_is_a_running_average_at_a_step() -> None:
    f = parse(r"E[g^2]_t = \gamma E[g^2]_{t-1} + (1-\gamma) g_t^2")
    words = f.to_words()
    assert words.startswith("the running average of g squared at step t equals γ times the running "
                            "average of g squared at step t minus 1")
    assert parse(f.latex) == f


@pytest.mark.parametrize(("ascii_text", "latex"), [
    ("y = xA^T + b", r"y = x A^\top + b"),
    ("p = exp(z_i) / sum_j exp(z_j)", r"p = \frac{\exp(z_i)}{\sum_j \exp(z_j)}"),
    ("L = -sum_i y_i log p_i", r"L = -\sum_i y_i \log p_i"),
    ("y = log x + 1", r"y = \log x + 1"),
])
def test_plain_text_reads_as_its_latex(ascii_text: str, latex: str) -> None:
    f = parse(ascii_text)
    assert f.notation == "ascii" and f == parse(latex)


def test_two_mixed_case_letters_in_plain_text_are_two_names_by_a_recorded_rule() -> None:
    rng = np.random.default_rng(1)
    x, A, b = rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)  # a batch of rows, as nn.Linear
    f = parse("y = xA^T + b")
    assert any(d.rule == "bare-word" and d.chosen == "x times A" for d in f.decisions)
    np.testing.assert_allclose(evaluate(f.root.operands[1], x=x, A=A, b=b), x @ A.T + b)
    assert sexpr(parse("v = beta*v + (1-beta)*dW").root) == "(update= v (+ (* beta v) (* (+ 1 (- beta)) dW)))"


# ---- limits: time linear in the input, a caret in a window, a deadline looked at inside ------------


def _long_formulas() -> dict[str, str]:
    return {
        "sum of products": " + ".join(f"w_{{{i}}} x_{{{i}}}" for i in range(850)),
        "block of updates": r"m_t = \beta m_{t-1} + (1-\beta) g_t \\ " * 400,
        "ascii": "a*b + c**2 - d/e + " * 840 + "x",
        "unicode": "α_ts·h_t + Σ_s x_i + " * 760 + "x",
        "brackets": "(" * 30 + ("x + " * 3900) + "y" + ")" * 30,
    }


_PIECES = {"sum of products": 850, "block of updates": 400, "ascii": 3 * 840 + 1, "unicode": 2 * 760 + 1,
           "brackets": 3901}  # the terms of the sum, or the rows of the block
_KINDS = {"sum of products": {"Product"}, "block of updates": {"Update"},
          "ascii": {"Product", "Power", "Neg", "Symbol"}, "unicode": {"Product", "BigOp", "Symbol"},
          "brackets": {"Symbol"}}


@pytest.mark.parametrize("name", list(_long_formulas()))
def test_a_formula_of_16000_characters_is_read_whole(name: str) -> None:
    """Read whole, every term in its place (benchmarks/long_input.py times it: linear in the length)."""
    text = _long_formulas()[name]
    assert 15_000 <= len(text) <= 20_000
    root = parse(text).root
    pieces = root.items if isinstance(root, Block) else root.terms if isinstance(root, Sum) else ()
    assert len(pieces) == _PIECES[name]
    assert {type(p).__name__ for p in pieces} == _KINDS[name]


@pytest.mark.parametrize("name", list(_long_formulas()))
def test_a_formula_too_large_to_explain_is_refused_by_a_limit_that_says_so(name: str) -> None:
    with pytest.raises(LimitError, match=rf"too large to explain \(\d+ parts, at most {MAX_PARTS}\)"):
        explain(_long_formulas()[name])


def test_the_largest_formula_explain_takes_is_explained() -> None:
    text = " + ".join(f"w_{{{i}}} x_{{{i}}}" for i in range(79))  # a sum of 79 terms of 5 parts
    assert sum(1 for _ in parse(text).root.walk()) == 396 <= MAX_PARTS
    assert explain(text).formula.root == parse(text).root
    with pytest.raises(LimitError, match="401 parts"):
        explain(text + " + w_{79} x_{79}")


def test_too_long_input_is_refused_by_a_limit_that_says_so() -> None:
    with pytest.raises(LimitError, match=f"too long \\({MAX_LENGTH + 1} characters, at most {MAX_LENGTH}\\)"):
        parse("x" * (MAX_LENGTH + 1))
    assert issubclass(LimitError, FormulaError) and issubclass(LimitError, ThirdroadError)


def test_a_caret_under_a_huge_input_is_a_window_not_a_line_of_spaces() -> None:
    for text in ("x" * 1_000_000, "a" * 19_990 + " + ]", "x" * 5000 + r" \frca"):
        with pytest.raises(FormulaError) as info:
            parse(text)
        message = str(info.value)
        assert len(message) < 400, len(message)
        line, caret = message.splitlines()[1:3]
        assert len(line) <= 72 and caret.strip() == "^" and len(caret) <= 73
        assert text[info.value.offset : info.value.offset + 1] in line  # the fault is in the window


class _ExpiresAfter(Deadline):
    """A deadline that passes after it has been looked at ``looks`` times."""

    def __init__(self, looks: int) -> None:
        super().__init__()
        self.looks = looks

    @property
    def expired(self) -> bool:
        self.looks -= 1
        return self.looks < 0


def test_a_deadline_is_looked_at_while_a_formula_is_read() -> None:
    text = _long_formulas()["sum of products"]
    with stop_when(Deadline(60)):
        assert parse(text) == parse(text)  # a deadline that has not passed changes nothing
    with stop_when(Deadline(0)), pytest.raises(Cancelled):
        parse("x")
    deadline = _ExpiresAfter(looks=5)
    with stop_when(deadline), pytest.raises(Cancelled):
        parse(text)  # stopped part-way: the reader looks again and again, not only on entry
    assert deadline.looks == -1
    cancelled = Deadline()
    cancelled.cancel()  # as the web app does when its time limit has passed
    with stop_when(cancelled), pytest.raises(Cancelled, match="cancelled"):
        parse(text)
    assert not issubclass(Cancelled, FormulaError)  # nothing is wrong with the input
