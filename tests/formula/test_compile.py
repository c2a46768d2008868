"""compile: generated NumPy code agrees with the direct evaluator and with outside oracles."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import special

from thirdroad.formula import FormulaError, parse
from thirdroad.formula.compile import compile
from thirdroad.formula.errors import ValuesError
from thirdroad.formula.evaluate import evaluate

ADAM = r"""\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
v_t &\leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
\hat{m}_t &\leftarrow m_t / (1 - \beta_1^t) \\
\hat{v}_t &\leftarrow v_t / (1 - \beta_2^t) \\
\theta_t &\leftarrow \theta_{t-1} - \alpha \hat{m}_t / (\sqrt{\hat{v}_t} + \epsilon)
\end{aligned}"""

# formula -> shapes of its inputs (missing names are vectors of length 4)
AGREEMENT = [
    (r"c_t = \sum_s \alpha_{ts} h_s", {"alpha": (3, 5), "h": (5,)}),
    (r"\frac{e^{x_i}}{\sum_j e^{x_j}}", {"x": (6,)}),
    (r"y_i = \sum_j W_{ij} x_j + b_i", {"W": (3, 4), "x": (4,), "b": (3,)}),
    (r"s = \sum_i \sum_j A_{ij} B_{ji}", {"A": (3, 4), "B": (4, 3)}),
    (r"m = \max_j x_j", {"x": (5,)}),
    (r"k = \arg\max_j x_j", {"x": (5,)}),
    (r"p = \prod_i x_i", {"x": (5,)}),
    (r"L = -\sum_i y_i \log \hat{y}_i", {"y": (5,), "y_hat": (5,)}),
    (r"E(v, h) = -\sum_i a_i v_i - \sum_j b_j h_j - \sum_i \sum_j v_i W_{ij} h_j",
     {"a": (3,), "v": (3,), "b": (2,), "h": (2,), "W": (3, 2)}),
    (ADAM, {"t": ()}),
    (r"h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde{h}_t", {}),
    (r"y = W_2 \max(0, W_1 x + b_1) + b_2", {"W_2": (2, 3), "W_1": (3, 4), "x": (4,), "b_1": (3,),
                                            "b_2": (2,)}),
    (r"\sigma(x) = \frac{1}{1 + \exp(-x)}", {}),
    (r"f(x) = \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & \text{otherwise} \end{cases}",
     {"alpha": ()}),
    (r"\|x - y\|_2^2 + |x|", {"x": (4,), "y": (4,)}),
    (r"x^T W y", {"x": (3,), "W": (3, 4), "y": (4,)}),
    (r"[h; x] \cdot w", {"h": (2,), "x": (3,), "w": (5,)}),
    (r"\log_2 x + \sqrt[3]{x}", {}),
    (r"\mathbb{E}[x]", {"x": (7, 3)}),
    (r"A^{-1} b", {"A": (3, 3), "b": (3,)}),
]


def _values(fn: object, shapes: dict[str, tuple[int, ...]], rng: np.random.Generator) -> dict:
    values = {}
    for name in fn.inputs:  # type: ignore[attr-defined]
        shape = shapes.get(name, (4,))
        values[name] = rng.uniform(0.1, 1.0, size=shape) if shape else float(rng.integers(1, 5))
    if "A" in values and np.shape(values["A"]) == (3, 3):
        values["A"] = values["A"] + 3 * np.eye(3)  # keep it well away from singular
    return values


@pytest.mark.parametrize(("text", "shapes"), AGREEMENT)
def test_compiled_equals_evaluated(text: str, shapes: dict, rng: np.random.Generator) -> None:
    fn = compile(text)
    for _ in range(3):
        values = _values(fn, shapes, rng)
        got = fn(**values)
        want = evaluate(fn.formula, **values)
        if isinstance(got, dict):
            assert got.keys() == want.keys()
            for key in got:
                np.testing.assert_allclose(got[key], want[key], rtol=1e-10, atol=1e-12)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_index_sums_become_einsum() -> None:
    fn = compile(r"c_t = \sum_s \alpha_{ts} h_s")
    assert "np.einsum('ts,s->t', alpha, h)" in fn.source
    assert fn.inputs == ("alpha", "h")


def test_softmax_against_scipy(rng: np.random.Generator) -> None:
    fn = compile(r"\mathrm{softmax}(x)_i = \frac{\exp(x_i)}{\sum_j \exp(x_j)}")
    x = rng.normal(size=7)
    np.testing.assert_allclose(fn(x=x), special.softmax(x))


def test_attention_against_matrix_product(rng: np.random.Generator) -> None:
    weights = compile(r"a_{ts} = \frac{\exp(e_{ts})}{\sum_{j} \exp(e_{tj})}")
    context = compile(r"c_t = \sum_s a_{ts} h_s")
    e = rng.normal(size=(3, 5))
    h = rng.normal(size=(5, 1))[:, 0]
    a = weights(e=e)
    np.testing.assert_allclose(a, special.softmax(e, axis=1))
    np.testing.assert_allclose(context(a=a, h=h), a @ h)


def test_adam_block_against_torch(rng: np.random.Generator) -> None:
    fn = compile(ADAM)
    assert fn.outputs == ("m", "v", "m_hat", "v_hat", "theta")
    theta0 = rng.normal(size=5)
    grad = rng.normal(size=5)
    param = torch.nn.Parameter(torch.tensor(theta0))
    opt = torch.optim.Adam([param], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    param.grad = torch.tensor(grad)
    opt.step()
    out = fn(m=np.zeros(5), v=np.zeros(5), g=grad, beta_1=0.9, beta_2=0.999, t=1.0,
             theta=theta0, alpha=0.01, epsilon=1e-8)
    np.testing.assert_allclose(out["theta"], param.detach().numpy(), rtol=1e-7)


@pytest.mark.parametrize(
    ("text", "oracle"),
    [
        (r"\mathrm{GELU}(x) = 0.5 x (1 + \tanh(\sqrt{2 / \pi} (x + 0.044715 x^3)))",
         lambda t: torch.nn.functional.gelu(t, approximate="tanh")),
        (r"\mathrm{Softplus}(x) = \frac{1}{\beta} \log(1 + \exp(\beta x))",
         lambda t: torch.nn.functional.softplus(t, beta=2.0)),
        (r"\mathrm{SiLU}(x) = x \sigma(x)", torch.nn.functional.silu),
        (r"\mathrm{Tanhshrink}(x) = x - \tanh(x)", torch.nn.functional.tanhshrink),
        (r"\mathrm{Softsign}(x) = \frac{x}{1 + |x|}", torch.nn.functional.softsign),
        (r"\mathrm{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha (\exp(x) - 1) & x \le 0 \end{cases}",
         lambda t: torch.nn.functional.elu(t, alpha=2.0)),
        (r"\mathrm{LeakyReLU}(x) = \max(0, x) + \alpha \min(0, x)",
         lambda t: torch.nn.functional.leaky_relu(t, negative_slope=2.0)),
        (r"\mathrm{Mish}(x) = x \tanh(\mathrm{Softplus}(x))", torch.nn.functional.mish),
        (r"\mathrm{LogSigmoid}(x) = \log\left(\frac{1}{1 + \exp(-x)}\right)",
         torch.nn.functional.logsigmoid),
        (r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}}",
         lambda t: torch.nn.functional.layer_norm(t, t.shape, eps=2.0)),
    ],
)
def test_activations_against_torch(text: str, oracle: object, rng: np.random.Generator) -> None:
    fn = compile(text)
    x = rng.normal(size=9) * 3
    params = {"alpha": 2.0, "beta": 2.0, "epsilon": 2.0}
    values = {name: params.get(name, x) for name in fn.inputs}
    assert "x" in values
    want = oracle(torch.tensor(x)).numpy()  # type: ignore[operator]
    np.testing.assert_allclose(fn(**values), want, rtol=1e-6, atol=1e-9)


def test_names_are_plain_identifiers() -> None:
    fn = compile(r"\hat{h}_t = \tanh(\mathbf{W}_{hh} \bar{h}_{t} + \beta_1 x^{(l)} + \mathrm{dW})")
    assert fn.inputs == ("W_h_h", "h_bar_t", "beta_1", "x_l", "dW")


def test_calls_check_their_inputs() -> None:
    fn = compile("y = a x + b")
    with pytest.raises(TypeError, match="missing input 'b'"):
        fn(a=1.0, x=2.0)
    with pytest.raises(TypeError, match="unknown input 'c'"):
        fn(a=1.0, x=2.0, b=0.0, c=1.0)
    assert fn(a=2.0, x=3.0, b=1.0) == pytest.approx(7.0)


@pytest.mark.parametrize(
    "text",
    [
        r"\operatorname{__import__}(x)",
        r"\mathrm{eval}(x)",
        r"\text{os} + x",
        r"x \in \mathbb{R}",
        r"\sum_j 1",
        r"y_i = x_j",
        r"\text{for } t = 1 \text{ do}",
        r"\int_0^1 f(x) dx",
    ],
)
def test_what_cannot_be_computed_is_a_formula_error(text: str) -> None:
    try:
        fn = compile(text)
    except FormulaError:
        return
    # whatever compiled must be made only of safe names
    assert "__" not in fn.source and "eval(" not in fn.source and "import" not in fn.source


def test_gradients_are_inputs_not_computed() -> None:
    fn = compile(r"\theta \leftarrow \theta - \eta \nabla_\theta J(\theta)")
    assert fn.inputs == ("theta", "eta", "grad_J_theta")
    assert fn(theta=1.0, eta=0.5, grad_J_theta=4.0) == pytest.approx(-1.0)


def test_source_is_readable_and_compiled_from_the_tree_only() -> None:
    fn = compile("W = W - alpha * dW / sqrt(s + eps)")
    assert fn.source.splitlines() == [
        "def formula(*, W, alpha, dW, s, eps):",
        "    W = (W - (nm.mul(alpha, dW) / np.sqrt((s + eps))))",
        "    return W",
    ]
    assert fn.formula == parse("W = W - alpha * dW / sqrt(s + eps)")


def test_minus_one_on_a_product_of_matrices_is_the_matrix_inverse() -> None:
    """``(A^T A)^{-1}`` inverts the matrix A^T A (a projection, ridge regression); the same
    exponent on a scalar expression stays a reciprocal."""
    r = np.random.default_rng(11)
    a, x, y = r.standard_normal((5, 3)), r.standard_normal((6, 4)), r.standard_normal(6)
    proj = compile(parse(r"P = A (A^T A)^{-1} A^T"))(A=a)
    np.testing.assert_allclose(proj, a @ np.linalg.inv(a.T @ a) @ a.T, rtol=1e-10)
    np.testing.assert_allclose(proj @ proj, proj, atol=1e-10)  # a projection: twice is once
    ridge = parse(r"w = (X^\top X + \lambda I)^{-1} X^\top y")
    assert [d.chosen for d in ridge.decisions if d.rule == "inverse"] == ["a matrix inverse"]
    w = compile(ridge)(X=x, y=y, lambda_=0.5, I=np.eye(4))
    np.testing.assert_allclose(w, np.linalg.solve(x.T @ x + 0.5 * np.eye(4), x.T @ y), rtol=1e-10)
    assert evaluate(parse(r"(1 + x)^{-1}"), x=3.0) == pytest.approx(0.25)
    assert type(parse(r"(A x)^{-1}").root).__name__ == "Power"  # A x is a vector, not a matrix


@pytest.mark.parametrize(
    ("text", "values", "says"),
    [
        (r"y_i = \sum_j x_{ij}", {"x": np.ones(3)}, "written with the indices i, j, but its value has 1 axis"),
        (r"W x", {"W": np.ones((3, 3)), "x": np.ones(4)}, "cannot be multiplied"),
        (r"x + y", {"x": np.ones(3), "y": np.ones(4)}, "cannot be added"),
        (r"\det(A)", {"A": np.ones(3)}, "needs a square matrix"),
        (r"A^{-1} b", {"A": np.ones((2, 2)), "b": np.ones(2)}, "singular"),
        (r"\sum_i x_i y_i", {"x": np.ones(3), "y": np.ones(4)}, "runs over 3 entries in one value but over 4"),
        (r"\sum_i x_i", {"x": 2.0}, "value has 0 axes"),
        (r"x^\top A y", {"x": np.ones(2), "A": np.ones((2, 2, 2)), "y": np.ones(2)}, "no single meaning"),
    ],
)
def test_values_that_do_not_fit_are_a_values_error(text: str, values: dict, says: str) -> None:
    with pytest.raises(ValuesError, match=says):
        evaluate(text, **values)


def test_compiled_code_refuses_values_that_do_not_fit_as_the_evaluator_does() -> None:
    fn = compile(r"W x")
    with pytest.raises(ValuesError, match="cannot be multiplied"):
        fn(W=np.ones((3, 3)), x=np.ones(4))


def test_a_primed_index_is_an_index_of_its_own(rng: np.random.Generator) -> None:
    # c and c' are two indices: the numerator keeps c, the denominator sums over c'
    text = r"\frac{\exp(a_c)}{\sum_{c'} \exp(a_{c'})}"
    a = rng.normal(size=5)
    assert np.allclose(evaluate(text, a=a), special.softmax(a))
    assert np.allclose(compile(text)(a=a), special.softmax(a))
    w, h = rng.normal(size=4), 0.7  # in index notation each w_c is one number
    scores = r"P(c) = \frac{\exp(w_c^\top h)}{\sum_{c'} \exp(w_{c'}^\top h)}"
    assert np.allclose(evaluate(scores, w=w, h=h), special.softmax(w * h))


def test_the_log_to_base_e_is_the_natural_log() -> None:
    assert np.isclose(evaluate(r"y = \log_e(x)", x=np.e**3), 3.0)
    assert np.isclose(compile(r"y = \log_e(x + 1)")(x=np.e - 1), 1.0)
    assert np.isclose(evaluate(r"\log_b(x)", x=8.0, b=2.0), 3.0)


@pytest.mark.parametrize("text", [r"\cos(x_1, x_2)", r"\exp(a, b)", r"\operatorname{diag}(a, b, c)"])
def test_a_function_given_more_arguments_than_it_takes_is_a_formula_error(text: str) -> None:
    with pytest.raises(FormulaError, match="takes 1 argument"):
        compile(text)
    with pytest.raises(FormulaError, match="takes 1 argument"):
        evaluate(text, x_1=1.0, x_2=2.0, a=1.0, b=2.0, c=3.0)
