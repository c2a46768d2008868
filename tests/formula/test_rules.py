"""Every ambiguity rule has a written example here, with the reading it must give."""

from __future__ import annotations

import pytest

from thirdroad.formula import RULES, parse
from thirdroad.formula.compile import compile
from thirdroad.formula.rules import rules_table

from .sexpr import sexpr

# rule -> (text, notation, the tree it must give, and whether the rule is recorded)
PARSE_RULES: dict[str, list[tuple[str, str | None, str]]] = {
    "function-application": [
        (r"f(x + 1)", None, "(apply f (+ x 1))"),
        (r"h(a, b) + h(c)", None, "(+ (apply h a b) (apply h c))"),
        (r"\mathrm{score}(h_t, s)", None, "(apply score h_t s)"),
        ("attend(q, k)", "latex", "(apply attend q k)"),
    ],
    "implicit-product": [
        (r"x(a + b)", None, "(* x (+ a b))"),
        (r"W(h + b)", None, "(* W (+ h b))"),
    ],
    "function-argument": [
        (r"\sin x \cos y", None, "(* (apply sin x) (apply cos y))"),
        (r"\log p(x)", None, "(apply log (apply p x))"),
        (r"\exp x_j / Z", None, "(/ (apply exp x_j) Z)"),
        (r"\tanh W x + b", None, "(+ (apply tanh (* W x)) b)"),
    ],
    "single-token-argument": [
        (r"\sqrt s + \epsilon", None, "(+ (sqrt s) epsilon)"),
        (r"\sqrt v_t + 1", None, "(+ (sqrt v_t) 1)"),
    ],
    "bare-word": [
        (r"\mathrm{Var}(x) = score", "latex", "(eq (apply Var x) score)"),
        (r"Wx", "latex", "(* W x)"),
        (r"beta", "latex", "beta"),
    ],
    "ascii-digits": [("beta1 * m", "ascii", "(* beta_1 m)")],
    "ellipsis": [
        (r"\bar x = \frac{x_1 + \dots + x_n}{n}", "latex", "(eq bar(x) (/ (sum (eq i 1) n x_i) n))"),
        ("x_1 + x_2 + ... + x_T", "ascii", "(sum (eq i 1) T x_i)"),
        (r"a_1 + \dots + b_n", "latex", "(+ a_1 dots b_n)"),
    ],
    "plain-digits": [
        ("β1^t", None, "(^ beta_1 t)"),
        ("σ(W1 x + b1)", "unicode", "(apply sigma (+ (* W_1 x) b_1))"),
        ("2x · 10³", "unicode", "(cdot (* 2 x) (^ 10 3))"),
    ],
    "differential": [
        (r"W \leftarrow W - \eta dW", None, "(update W (+ W (- (* eta dW))))"),
        (r"v = \beta v + (1-\beta) dW", None, "(update= v (+ (* beta v) (* (+ 1 (- beta)) dW)))"),
        (r"db = \frac{1}{m} \sum_i dZ_i", "latex", "(eq db (* (/ 1 m) (sum i dZ_i)))"),
        (r"y = 2d + dW", "latex", "(eq y (+ (* 2 d) (* d W)))"),
        (r"\int_0^1 x^2 dx", None, "(int 0 1 (* (^ x 2) d x))"),
    ],
    "delta-change": [
        (r"W \leftarrow W + \Delta W", None, "(update W (+ W ΔW))"),
        ("ΔW = −η ∇L", None, "(eq ΔW (- (* eta (gradient L))))"),
        (r"\Delta = A - B \\ y = \Delta W", None, "(block (eq Delta (+ A (- B))) (eq y (* Delta W)))"),
    ],
    "update": [
        (r"v = \beta v + g", None, "(update= v (+ (* beta v) g))"),
        (r"m_t = \beta m_{t-1} + g_t", None, "(update= m_t (+ (* beta m_{t-1}) g_t))"),
        (r"y = \beta x", None, "(eq y (* beta x))"),
        (r"\theta := \theta - g", None, "(update theta (+ theta (- g)))"),
    ],
    "bilinear-form": [(r"x^T W y", None, "(* (transpose x) W y)")],
    "evaluation-bar": [(r"\frac{dy}{dx}\bigg\vert_{x=0}", None, "(apply index (derivative y x) (eq x 0))")],
    "transpose": [
        (r"x^T y", None, "(* (transpose x) y)"),
        (r"\gamma^T", None, "(^ gamma T)"),
        (r"A^\top", None, "(transpose A)"),
    ],
    "inverse": [
        (r"A^{-1}", None, "(inverse A)"),
        (r"\mathbf{W}^{-1}", None, "(inverse bf(W))"),
        (r"x^{-1}", None, "(^ x (- 1))"),
    ],
    "superscript-label": [
        (r"h^{(t)}", None, "h^(t)"),
        (r"\theta^*", None, "theta^(star)"),
        (r"W^Q", None, "W^(Q)"),
        (r"x^{(i)}_j", None, "x_j^(i)"),
    ],
    "juxtaposition": [
        (r"a \odot b c", None, "(odot a (* b c))"),
        (r"a b \cdot c d", None, "(cdot (* a b) (* c d))"),
        (r"a \cdot b \odot c", None, "(odot (cdot a b) c)"),
    ],
    "slash-division": [("a / b c", "latex", "(* (/ a b) c)"), ("a/(b c)", "latex", "(/ a (* b c))")],
    "max-as-function": [
        (r"\max(0, x)", None, "(apply max 0 x)"),
        (r"\max_i x_i", None, "(max i x_i)"),
    ],
    "sigma-sum": [
        ("Σ_j x_j", "unicode", "(sum j x_j)"),
        ("Σ x", "unicode", "(* Sigma x)"),
        ("(1/n) Σ (y_i − ŷ_i)²", "unicode", "(* (/ 1 n) (sum _ (^ (+ y_i (- hat(y)_i)) 2)))"),
    ],
    "nabla-subscript": [("∇θJ(θ)", "unicode", "(gradient (apply J theta) theta)")],
    "bracket-concat": [
        (r"[h, x]", None, "(concat h x)"),
        (r"[h; x]", None, "(concat h x)"),
        (r"[0, 1]", None, "(interval[] 0 1)"),
    ],
    "semicolon-concat": [
        (r"\tanh(W_c (c_t; h_t))", None, "(apply tanh (* W_c (concat c_t h_t)))"),
        (r"\left(a; b\right)", None, "(concat a b)"),
        (r"f(x; \theta)", None, "(apply f x theta)"),  # after a function: its arguments
        (r"\mathcal{N}(x; \mu, \sigma^2)", None, "(apply cal(N) x mu (^ sigma 2))"),
        (r"(1; 2)", None, "(tuple 1 2)"),
        (r"(a; b, c)", None, "(tuple a b c)"),  # commas too: a list, not a stack
    ],
    "derivative-fraction": [
        ("∂L/∂W", "unicode", "(derivative L W)"),
        (r"\frac{dL}{dW}", None, "(derivative L W)"),
        ("dL/dW", "ascii", "(derivative L W)"),
    ],
    "conditional-bar": [(r"p(v | h)", None, "(apply p (conditional v h))")],
    "expectation": [
        (r"E[x]", "latex", "(expectation x)"),
        (r"\mathbb{E}_{x \sim p}[f(x)]", None, "(expectation (apply f x) (sim x p))"),
    ],
    "plain-subscript": [
        ("α_ts = h_t", "unicode", "(eq alpha_{t,s} h_t)"),
        ("h_t1", "ascii", "h_{t,1}"),
        ("Σ_s' h̄_s'", "unicode", "(sum s' bar(h)_{s'})"),
        (r"\alpha_ts", "latex", "(* alpha_t s)"),
    ],
    "bracket-index": [
        ("loss = -log(p[y])", "ascii", "(eq loss (- (apply log p_y)))"),
        (r"y = x[0] + h[t-1] + \text{padding}[d]", "latex", "(eq y (+ x_0 h_{t-1} padding_d))"),
        (r"W[x]", "latex", "(* W x)"),
        (r"W [h, x]", "latex", "(* W (concat h x))"),
        (r"f[x, \phi]", "latex", "(apply f x phi)"),
        (r"\mathrm{a}[\beta + \Omega x]", "latex", "(apply rm(a) (+ beta (* Omega x)))"),
    ],
    "activation-letter": [
        (r"h = s(W x + b)", None, "(eq h (apply s (+ (* W x) b)))"),
        (r"y = c(x + b)", None, "(eq y (* c (+ x b)))"),
    ],
    "divergence-bar": [
        (r"D_{KL}(P \| Q)", "latex", "(apply D_{KL} P Q)"),
        ("KL(P || Q)", "ascii", "(apply KL P Q)"),
    ],
    "power-tower": [
        ("2^3^2", None, "(^ 2 (^ 3 2))"),
        ("y = x**2**3", "ascii", "(eq y (^ x (^ 2 3)))"),
        (r"e^{x}^{2}", "latex", "(^ e (^ x 2))"),
        ("2**-3**2", "ascii", "(^ 2 (- (^ 3 2)))"),
    ],
    "lost-row-break": [
        ("v = βv + (1-β)dW W = W - αv", None,
         "(block (update= v (+ (* beta v) (* (+ 1 (- beta)) dW))) (update= W (+ W (- (* alpha v)))))"),
    ],
    "separate-statements": [
        (r"a = b \\ c = d", None, "(block (eq a b) (eq c d))"),
        (r"a = b; c = d", None, "(block (eq a b) (eq c d))"),
        (r"a = b \quad c = d", None, "(block (eq a b) (eq c d))"),
    ],
}
COMPILE_RULES = {"euler-e", "time-step"}


def test_every_rule_has_examples() -> None:
    assert set(PARSE_RULES) | COMPILE_RULES == set(RULES)


@pytest.mark.parametrize(
    ("rule", "text", "notation", "expected"),
    [(rule, *example) for rule, examples in PARSE_RULES.items() for example in examples],
)
def test_rule_reading(rule: str, text: str, notation: str | None, expected: str) -> None:
    f = parse(text, notation=notation)
    assert sexpr(f.root) == expected


@pytest.mark.parametrize("rule", sorted(PARSE_RULES))
def test_rule_is_recorded_as_a_decision(rule: str) -> None:
    recorded = set()
    for text, notation, _ in PARSE_RULES[rule]:
        recorded |= {d.rule for d in parse(text, notation=notation).decisions}
    assert rule in recorded


def test_decision_names_the_other_reading() -> None:
    f = parse(r"x(a + b)")
    (d,) = [d for d in f.decisions if d.rule == "implicit-product"]
    assert "applied" in d.alternative
    assert f.source[slice(*d.span)] == "x"


def test_euler_e_is_a_constant_unless_assigned() -> None:
    fn = compile(r"y = e^{x}")
    assert fn.inputs == ("x",)
    assert "np.e" in fn.source
    fn2 = compile(r"e = 2 \\ y = e^{x}")
    assert fn2.inputs == ("x",)
    assert fn2(x=3.0)["y"] == pytest.approx(8.0)


def test_time_step_reads_one_variable_before_and_after() -> None:
    fn = compile(r"m_t = \beta m_{t-1} + (1 - \beta) g_t")
    assert fn.inputs == ("beta", "m", "g")
    assert fn(beta=0.9, m=1.0, g=2.0) == pytest.approx(1.1)


def test_rule_table_prints_every_rule() -> None:
    table = rules_table()
    for rule in RULES:
        assert rule in table


def test_every_rule_names_the_code_that_applies_it() -> None:
    for rule in RULES.values():
        assert rule.code is not None or rule.elsewhere, rule.name
    table = rules_table()
    assert "tree pass thirdroad.formula.parser.passes.merge_differentials" in table
    assert "hook thirdroad.formula.parser.scripts.Scripts._transpose" in table


def test_a_decision_knows_its_rule_and_only_turnable_rules_give_alternatives() -> None:
    f = parse(r"x^T W y")
    by_rule = {d.rule: d for d in f.decisions}
    assert by_rule["transpose"].notation_rule is RULES["transpose"]
    assert RULES["transpose"].turnable and not RULES["bilinear-form"].turnable
    assert {d.rule for d, _ in f.alternatives()} == {"transpose"}


@pytest.mark.parametrize(
    ("text", "rule", "other"),
    [
        (r"x(a + b)", "implicit-product", "(apply x (+ a b))"),
        (r"f(y)", "function-application", "(* f y)"),
        (r"x^T y", "transpose", "(* (^ x T) y)"),
        (r"A^{-1}", "inverse", "(^ A (- 1))"),
        (r"h^{(t)}", "superscript-label", "(^ h t)"),
        (r"[h, x]", "bracket-concat", "(interval[] h x)"),
        (r"W (h; x)", "semicolon-concat", "(* W (tuple h x))"),
        ("2^3^2", "power-tower", "(^ (^ 2 3) 2)"),
        ("α_ts", "plain-subscript", "(* alpha_t s)"),
        ("loss = -log(p[y])", "bracket-index", "(eq loss (- (apply log (* p y))))"),
        (r"v = \beta v + g", "update", "(eq v (+ (* beta v) g))"),
        (r"W \leftarrow W - \eta d W", "differential", "(update W (+ W (- (* eta d W))))"),
        (r"v = \beta v + (1-\beta) dW", "differential", "(update= v (+ (* beta v) (* (+ 1 (- beta)) d W)))"),
        (r"y = \sqrt{d} + dW", "differential", "(eq y (+ (sqrt d) dW))"),
        (r"h = s(W x + b)", "activation-letter", "(eq h (* s (+ (* W x) b)))"),
    ],
)
def test_the_other_reading_is_kept(text: str, rule: str, other: str) -> None:
    f = parse(text)
    alternatives = {d.rule: sexpr(g.root) for d, g in f.alternatives()}
    assert alternatives[rule] == other
