"""explain(): the chunks, the three lenses, the warnings' numbers, and the three outputs."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from thirdroad.cli import explain_command
from thirdroad.formula import Chunk, Explanation, FormulaError, explain, parse
from thirdroad.formula.evaluate import evaluate

SOFTMAX = r"\frac{e^{z_k}}{\sum_m e^{z_m}}"


def test_chunks_carry_concept_latex_span_bindings_and_method() -> None:
    e = explain(SOFTMAX)
    assert e.concepts == {"softmax"}
    chunk = e.chunks[0]
    assert isinstance(chunk, Chunk)
    assert chunk.concept == "softmax" and chunk.method == "structural"
    assert chunk.span == (0, len(SOFTMAX))
    assert chunk.bindings["x"] == "z_k"
    assert chunk.says == "softmax over k of z_k"


def test_an_attention_weight_is_two_chunks_on_one_span() -> None:
    text = (r"a_{ts} = \frac{\exp(\operatorname{score}(h_t, \bar h_s))}"
            r"{\sum_{r} \exp(\operatorname{score}(h_t, \bar h_r))}")
    e = explain(text)
    spans = {c.concept: c.span for c in e.chunks}
    assert spans["softmax"] == spans["attention_weights"]
    softmax = next(c for c in e.chunks if c.concept == "softmax")
    assert softmax.says.startswith("softmax over s of score of h_t and h")
    assert "attention_weights" in softmax.also


EMA_LINE = r"v = \beta v + (1-\beta) dW"


def test_an_ema_line_is_an_ema_and_a_part_of_the_optimizers_that_use_it() -> None:
    e = explain(EMA_LINE)
    assert e.concepts == {"ema"}  # one identity: not also "Adam" or "Lion"
    (chunk,) = e.chunks
    assert set(chunk.part_of) == {"adam", "lion", "sgd_momentum"} and chunk.also == ()
    data = json.loads(explain_command(EMA_LINE, as_json=True))
    assert data["concepts"] == ["ema"] and set(data["chunks"][0]["part_of"]) == set(chunk.part_of)
    names = e.lenses["names"]
    assert "It is also" not in names
    assert "the first moment inside Adam and the momentum inside Lion" in names
    assert "as Ng's course writes it, it is also the velocity of SGD with momentum" in names
    # the same line in RMSProp's notation is RMSProp's average, and one part of Adam
    rms = explain(r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2")
    assert rms.concepts == {"rmsprop"} and rms.chunks[0].part_of == ("adam",)
    # a whole that is two things at once stays two identities
    assert explain(r"\alpha_{ij} = \frac{\exp(e_{ij})}{\sum_k \exp(e_{ik})}").chunks[0].part_of == ()


@pytest.mark.parametrize(("text", "says"), [
    (EMA_LINE, "exponential moving average, with β the weight kept on the old average, v the previous "
               "average and dW the new value"),
    (r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
     "Adam's step, with θ_(t−1) the parameters, α the learning rate, m̂_t the bias-corrected first moment, "
     "v̂_t the bias-corrected second moment and ε the small constant"),
])
def test_a_chunk_says_its_name_then_what_each_name_stands_for(text: str, says: str) -> None:
    assert explain(text).chunks[0].says == says


def test_the_names_lens_says_what_it_is_and_does() -> None:
    names = explain(SOFTMAX).lenses["names"]
    assert names.startswith("This is just a softmax")
    assert "add up to 1" in names


def test_the_reading_order_goes_inside_out() -> None:
    order = explain(r"\theta \leftarrow \theta - \eta \nabla_\theta J(\theta)").lenses["reading_order"]
    steps = re.findall(r"\((\d+)\) ([^;]+?\.?)(?=; |\s[A-Z]|$)", order)
    assert [int(k) for k, _ in steps] == list(range(1, len(steps) + 1))
    texts = [t for _, t in steps]
    multiply = next(k for k, t in enumerate(texts) if t.startswith("multiply"))
    subtract = next(k for k, t in enumerate(texts) if t.startswith("subtract"))
    assert multiply < subtract == len(texts) - 1  # precedence: the product first, the sum last
    assert texts[subtract] == f"subtract ({multiply + 1}) from θ, which makes gradient descent."


@pytest.mark.parametrize(("text", "product", "rate", "gradient"), [
    (r"\theta = \theta - \eta \nabla J(\theta)", "η ∇ J(θ)", "η", "∇ J(θ)"),
    (r"w \leftarrow w - lr * grad", "lr grad", "lr", "grad"),
    (r"b = b - \eta \frac{\partial C}{\partial b}", "η ∂C/∂b", "η", "∂C/∂b"),
    (r"\theta_{t+1} = \theta_t - \eta g_t", "η g_t", "η", "g_t"),
    (r"v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta) \\ \theta = \theta - v_t", "η ∇_θ J(θ)", "η",
     "∇_θ J(θ)"),
    (r"g = \nabla L(\theta) \\ \theta = \theta - \eta g", "η g", "η", "g"),
])
def test_a_learning_rate_times_a_gradient_in_a_sum_is_read_as_the_whole_gradient_scaled(
        text: str, product: str, rate: str, gradient: str) -> None:
    """Precedence: in θ − η ∇J(θ) the product binds tighter than the minus, so the gradient is
    computed whole and then scaled by the learning rate; the bound names, not the symbols, decide."""
    order = explain(text).lenses["reading_order"]
    sign = "+" if "+ \\eta" in text else "−"
    assert order.endswith(f" Multiplication binds tighter than {sign}, so {product} is {rate} times the whole "
                          f"gradient: {gradient} is computed first, then scaled by {rate}.")


@pytest.mark.parametrize("text", [
    r"v = \beta v + (1-\beta) dW \\ W = W - \alpha v",  # α times the velocity, not a gradient
    r"v = \beta v + (1-\beta) dW",  # the gradient weighed by 1 − β, no learning rate
    r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",  # Adam's step: m̂ over √v̂
    r"y = a b + c",
    r"\theta = \theta - \frac{\eta}{\sqrt{s + \epsilon}} g",  # the rate is divided first: not η times g
])
def test_no_precedence_sentence_where_no_learning_rate_multiplies_a_gradient(text: str) -> None:
    assert "binds tighter" not in explain(text).lenses["reading_order"]


@pytest.mark.parametrize(("text", "steps"), [
    (r"v = \beta v + (1-\beta) dW", ["multiply β and v", "subtract β from 1", "multiply (2) and dW",
                                      "add (1) and (3), which makes an exponential moving average"]),
    (r"a - b - c", ["subtract b and c from a"]),
    (r"a + b - c", ["subtract c from the sum of a and b"]),
    (r"\sigma(z) = \frac{1}{1+e^{-z}}", ["take e to the power minus z", "add 1 and (1)",
                                         "divide 1 by (2), which makes a sigmoid"]),
    (r"1 - \tanh^2(x)", ["apply tanh to x", "square (1)", "subtract (2) from 1"]),
    (r"s = \sum_{i=1}^{n} x_i", ["add up x_i over every i from 1 to n"]),
    ("p = exp(z) / sum(exp(z))", ["take e to the power z", "add up the entries of (1)",
                                  "divide (1) by (2), which makes a softmax"]),  # sum(...) over entries
])
def test_each_step_reads_as_one_plain_operation(text: str, steps: list[str]) -> None:
    order = explain(text).lenses["reading_order"].rstrip(".")
    assert re.split(r"; then \(\d+\) ", order.removeprefix("First (1) ")) == steps


def test_the_steps_compute_what_the_formula_computes() -> None:
    # a - b read as "subtract b from a": redo the steps by hand on numbers and compare with the evaluator
    text = r"a - (b - c) d"
    order = explain(text).lenses["reading_order"]
    assert order == "First (1) subtract c from b; then (2) multiply (1) and d; then (3) subtract (2) from a."
    rng = np.random.default_rng(0)
    a, b, c, d = rng.normal(size=(4, 5))
    step1 = b - c
    step2 = step1 * d
    np.testing.assert_allclose(a - step2, evaluate(parse(text), a=a, b=b, c=c, d=d))


def test_several_equations_are_read_line_by_line() -> None:
    block = (r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
             r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}")
    order = explain(block).lenses["reading_order"]
    lines = order.split("The last line:")[0]
    assert lines.index("m_t is an exponential moving average") < lines.index("v_t is an EMA of squared") \
        < lines.index("θ_t is Adam")


def test_the_action_lens_shows_a_worked_example_the_evaluator_computes() -> None:
    action = explain(SOFTMAX).lenses["action"]
    match = re.search(r"z = \[([^\]]+)\], it gives \[([^\]]+)\]", action)
    assert match is not None
    z = np.array([float(v) for v in match.group(1).split(",")])
    shown = np.array([float(v) for v in match.group(2).split(",")])
    expected = evaluate(parse(r"\frac{e^{z_k}}{\sum_m e^{z_m}}"), z=z)
    np.testing.assert_allclose(shown, expected, rtol=5e-3)


def test_a_block_is_worked_through_once_from_zero_averages() -> None:
    block = (r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\ "
             r"\hat m_t = \frac{m_t}{1-\beta_1^t} \\ \hat v_t = \frac{v_t}{1-\beta_2^t} \\ "
             r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}")
    action = explain(block).lenses["action"]

    def vector(name: str) -> np.ndarray:
        found = re.search(rf"(?<![\w^]){name} = \[([^\]]+)\]", action)
        assert found is not None, name
        return np.array([float(v) for v in found.group(1).split(",")])

    def number(name: str) -> float:
        found = re.search(rf"{name} = ([\d.e+-]+)", action)
        assert found is not None, name
        return float(found.group(1))

    g, theta = vector("g"), vector("θ")
    b1, b2, lr, eps = number("β_1"), number("β_2"), number("α"), number("ε")
    m, v = (1 - b1) * g, (1 - b2) * g**2  # one step from zero averages, at t = 1
    expected = theta - lr * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps)
    shown = re.search(r"gives θ = \[([^\]]+)\]", action)
    assert shown is not None
    np.testing.assert_allclose([float(x) for x in shown.group(1).split(",")], expected, rtol=5e-3, atol=1e-3)


def test_a_near_miss_warning_computes_what_the_slip_does() -> None:
    e = explain(r"\frac{e^{x_i}}{\sum_j x_j}")
    (w,) = e.warnings
    assert (w.kind, w.concept) == ("near_miss", "softmax")
    found = re.search(r"for the scores ([\d., ]+?), as written", w.message)
    assert found is not None
    scores = [float(v) for v in found.group(1).split(",")]
    total = float(np.sum(np.exp(scores)) / np.sum(scores))
    assert f"sum to {total:.3g}, not 1" in w.message
    # the likely intended formula: spelled in Unicode in the message, kept as LaTeX for pages
    assert w.message.endswith("Likely meant: e^(x_i) / (Σ_j e^(x_j))")
    assert w.intended == r"\frac{e^{x_{i}}}{\sum_{j} e^{x_{j}}}"
    assert w.message == f"{w.reason} Likely meant: e^(x_i) / (Σ_j e^(x_j))" and "\\" not in w.message


def test_weights_divided_by_the_count_say_what_they_sum_to() -> None:
    (w,) = explain(r"\bar x = \frac{\sum_{i=1}^{n} w_i x_i}{n}").warnings
    assert w.concept == "weighted_average"
    found = re.search(r"with the weights ([\d., ]+?) gives", w.message)
    assert found is not None
    weights = [float(v) for v in found.group(1).split(",")]
    assert f"sum to {sum(weights) / len(weights):.3g}" in w.message  # divided by n, the count


def test_ema_weights_that_do_not_add_to_one() -> None:
    (w,) = explain(r"v_t = \beta v_{t-1} + (1+\beta) g_t").warnings
    assert w.concept == "ema"
    assert f"add up to {0.9 + 1.9:.3g}, not 1" in w.message
    assert w.message.endswith("Likely meant: β v_(t−1) + (1 − β) g_t")
    assert r"\left(1 - \beta\right)" in w.intended


def test_adam_without_the_root_says_how_far_off_the_step_is() -> None:
    (w,) = explain(r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\hat v_t + \epsilon}").warnings
    assert w.concept == "adam"
    # a steady gradient g = 0.01: m = g, v = g^2; written step lr*g/(g^2+eps), intended lr*g/(|g|+eps)
    ratio = (0.01 / (1e-4 + 1e-8)) / (0.01 / (0.01 + 1e-8))
    assert f"{ratio:.3g} times too large" in w.message


def test_a_sign_error_says_the_update_climbs() -> None:
    (w,) = explain(r"\theta = \theta + \eta \nabla_\theta J(\theta)").warnings
    assert w.concept == "gradient_descent"
    assert "climbs the loss" in w.message


def test_adam_without_bias_correction_is_a_variant_not_a_slip() -> None:
    # Ng's course writes Adam without the bias correction: a convention, so no warning, even
    # where the words say Adam
    bare = r"\theta_t = \theta_{t-1} - \alpha \frac{m_t}{\sqrt{v_t} + \epsilon}"
    assert explain(bare).warnings == []
    assert explain(bare, context="The Adam update:").warnings == []


def test_to_dict_is_the_design_schema_and_json() -> None:
    d = explain(SOFTMAX).to_dict()
    assert list(d) == ["input", "notation", "repairs", "latex", "concepts", "chunks", "warnings", "lenses", "code"]
    assert list(d["chunks"][0]) == ["concept", "latex", "span", "bindings", "method", "says", "part", "part_of",
                                    "same_form_as"]
    assert list(d["lenses"]) == ["names", "reading_order", "action"]
    assert d["input"] == SOFTMAX and d["notation"] == "latex" and d["concepts"] == ["softmax"]
    json.dumps(d)
    warned = explain(r"\frac{e^{x_i}}{\sum_j x_j}").to_dict(code=False)
    assert list(warned["warnings"][0]) == ["kind", "concept", "slip", "message", "reason", "intended"]


def test_html_boxes_every_chunk_and_escapes_the_input() -> None:
    e = explain(r"y = W x + b")
    page = e.to_html()
    assert page == e._repr_html_()
    assert page.count("<math") == 1
    boxes = re.findall(r'data-chunk="(\d+)" data-concept="([^"]+)"', page)
    assert boxes[0][1] == "affine"
    assert len(boxes) == len({c.path for c in e.chunks})
    assert 'class="card"' in page and "Affine" in page
    hostile = explain(r"\text{<script>alert(1)</script>} x = \frac{1}{1 + e^{-z}}").to_html()
    assert "<script>" not in hostile


def test_text_output_names_the_chunks_and_the_lenses() -> None:
    text = explain(SOFTMAX).to_text()
    for part in ("softmax", "Names:", "Reading order:", "Action:"):
        assert part in text


def test_explain_takes_a_parsed_formula() -> None:
    formula = parse(SOFTMAX)
    assert explain(formula).formula is formula


def test_a_damaged_copy_is_read_with_its_repairs_shown() -> None:
    e = explain(r"\frca{1}{1 + e^{-x}}")
    assert "sigmoid" in e.concepts
    assert e.to_dict()["repairs"]


def test_what_cannot_be_read_raises_formula_error() -> None:
    with pytest.raises(FormulaError):
        explain(r"\frac{1}{")


def test_explain_command_prints_json_and_code() -> None:
    d = json.loads(explain_command(SOFTMAX, as_json=True, code=True))
    assert d["concepts"] == ["softmax"] and "np." in d["code"]
    assert "softmax" in explain_command(SOFTMAX)
    assert "error" in json.loads(explain_command(r"\frac{1}{", as_json=True))


def test_a_formula_without_concepts_still_gets_reading_order_and_action() -> None:
    e = explain(r"y = 3 a + b^2")
    assert isinstance(e, Explanation) and e.chunks == [] and e.warnings == []
    assert "(1)" in e.lenses["reading_order"]
    assert "it gives" in e.lenses["action"]
