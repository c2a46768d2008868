"""A line that is one part of an optimizer is named as that part; a step of the same form as
another optimizer's is a relation, not a second identity; parts and inputs are named by their
notation; a near-miss's suggestion is shown as a formula, not as LaTeX."""

from __future__ import annotations

import json

import pytest

from thirdroad.cli import explain_command
from thirdroad.formula import explain, parse

RMS_AVERAGE = r"s_t = \rho s_{t-1} + (1 - \rho) g_t^2"
ADAM_STEP = r"\theta_t = \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
RMS_STEP = r"\theta_t = \theta_{t-1} - \gamma \frac{g_t}{\sqrt{v_t} + \epsilon}"
DESCENT = r"\theta \leftarrow \theta - \eta \nabla_\theta L(\theta)"
SLIP = r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_j e_{t,j}}"


def test_rmsprops_average_line_is_named_as_that_part_not_as_the_whole_optimizer() -> None:
    e = explain(RMS_AVERAGE)
    (chunk,) = e.chunks
    assert (chunk.concept, chunk.part, chunk.part_of) == ("rmsprop", "running average of squared gradients", ("adam",))
    names = e.lenses["names"]
    assert names.startswith("This is RMSProp's running average of squared gradients: keeps most of the old average")
    assert "exponential moving average" in names and "The same line is the second moment inside Adam." in names
    whole = "divides each gradient entry by the square root of its average before stepping"  # RMSProp's action
    assert "This is just RMSProp" not in names and whole not in names and whole not in e.lenses["action"]
    assert e.lenses["reading_order"].endswith("which makes RMSProp's running average of squared gradients.")
    data = json.loads(explain_command(RMS_AVERAGE, as_json=True))["chunks"][0]
    assert (data["part"], data["part_of"]) == ("running average of squared gradients", ["adam"])


@pytest.mark.parametrize(("text", "moment"), [
    (r"\hat m_t = \frac{m_t}{1-\beta_1^t}", "first"),
    (r"\hat v_t = \frac{v_t}{1-\beta_2^t}", "second"),
    (r"\hat{m}_t = m_t / (1 - \beta_1^t)", "first"),
])
def test_a_bias_correction_line_says_which_moment_of_adam_it_corrects(text: str, moment: str) -> None:
    e = explain(text)
    (chunk,) = e.chunks
    assert chunk.concept == "bias_correction" and chunk.part_of == ("adam",)
    assert f"The same line is the bias-corrected {moment} moment inside Adam." in e.lenses["names"]
    assert "first-moment average" not in chunk.says  # the second moment's line is no first moment


def test_adams_moment_lines_are_parts_of_adam() -> None:
    v = explain(r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2")
    assert v.chunks[0].part_of == ("adam",) and "second moment inside Adam" in v.lenses["names"]
    m = explain(r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t")
    assert "adam" in m.chunks[0].part_of and "the first moment inside Adam" in m.lenses["names"]


def test_adams_step_is_adam_and_rmsprop_is_a_relation_not_a_second_name() -> None:
    e = explain(ADAM_STEP)
    assert e.concepts == {"adam"}
    (chunk,) = e.chunks
    assert (chunk.part, chunk.same_form_as, chunk.also) == ("step", ("rmsprop",), ())
    names = e.lenses["names"]
    assert "It is also RMSProp" not in names
    assert names.startswith("This is Adam's step: moves each parameter by the corrected first moment")
    assert ("RMSProp takes the same kind of step, with the gradient where Adam has m̂_t and the running "
            "average of squared gradients where Adam has v̂_t.") in names
    data = json.loads(explain_command(ADAM_STEP, as_json=True))
    assert data["concepts"] == ["adam"] and data["chunks"][0]["same_form_as"] == ["rmsprop"]
    # the other way round: RMSProp's step names Adam as the relation
    rms = explain(RMS_STEP)
    assert rms.concepts == {"rmsprop"} and rms.chunks[0].same_form_as == ("adam",)
    assert "Adam takes the same kind of step, with the bias-corrected first moment where RMSProp has g_t" \
        in rms.lenses["names"]


def test_a_part_is_named_by_its_notation_in_a_short_sentence() -> None:
    e = explain(DESCENT)
    names = e.lenses["names"]
    assert "Inside it, ∇_θ L(θ) is a gradient: takes a function" in names
    assert "The part" not in names and "with respect to" not in names
    assert e.lenses["reading_order"].startswith("First (1) multiply η and ∇_θ L(θ);")
    energy = explain(r"E(v, h) = -a^\top v - b^\top h - v^\top W h").lenses["names"]
    assert "Inside it, aᵀ v is a dot product:" in energy and " vᵀ W h is a bilinear form:" in energy


def test_a_worked_example_names_its_inputs_as_the_formula_writes_them() -> None:
    action = explain(DESCENT).lenses["action"]
    assert "∇_θ L(θ) = [1, 2, 0.5]" in action and "grad_" not in action
    leibniz = explain(r"w \leftarrow w - \alpha \frac{\partial L}{\partial w}").lenses["action"]
    assert "∂L/∂w = " in leibniz and "dL_dw" not in leibniz


def test_a_near_miss_suggestion_with_scores_named_e_is_written_with_exp() -> None:
    (w,) = explain(SLIP).warnings
    assert w.message.endswith("Likely meant: exp(e_(t,i)) / (Σ_j exp(e_(t,j)))")
    assert "e^" not in w.message and "\\" not in w.message
    assert w.message == f"{w.reason} Likely meant: exp(e_(t,i)) / (Σ_j exp(e_(t,j)))"
    assert r"\exp" in w.intended and "e^{e" not in w.intended
    assert parse(w.intended).latex == parse(r"\frac{\exp(e_{t,i})}{\sum_j \exp(e_{t,j})}").latex
    data = explain(SLIP).to_dict(code=False)["warnings"][0]
    assert (data["reason"], data["intended"]) == (w.reason, w.intended)
    # scores with another name keep e to the power
    (other,) = explain(r"\frac{e^{x_i}}{\sum_j x_j}").warnings
    assert other.message.endswith("e^(x_i) / (Σ_j e^(x_j))")


def test_the_explanations_html_draws_the_suggestion_and_escapes_the_input() -> None:
    page = explain(SLIP).to_html()
    warning = page[page.index('class="warning"'):]
    warning = warning[:warning.index("</div>")]
    assert 'Likely meant: <span class="intended"><math' in warning and "\\frac" not in warning
    hostile = explain(r"\text{<script>x</script>} + \frac{e^{x_i}}{\sum_j x_j}").to_html()
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_a_gate_line_is_a_part_and_its_other_readings_read_as_parts_too() -> None:
    names = explain(r"r = \sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr})").lenses["names"]
    assert names.startswith("This is the gate of a gated recurrent unit: a sigmoid of the input")
    # the name it assigns, r, says which gate: a GRU's; σ is written, so it is also a sigmoid
    assert "It is also a sigmoid." in names and "long short-term memory" not in names
    score = explain(r"\text{score}(s_t, h_i) = s_t^\top h_i").lenses["names"]  # named a score: Luong's dot
    assert "It is also a dot product." in score and "It is also Dot product" not in score


@pytest.mark.parametrize("text", ["f()", "g = tape.gradient()", "y = f() + x"])
def test_a_call_with_no_arguments_is_read_in_words(text: str) -> None:
    steps = explain(text).lenses["reading_order"]  # was an IndexError: nothing to join
    assert isinstance(steps, str) and "with no arguments" in steps, steps
