"""What a learner reads must be right and said once: a part of a gate is not a whole model, a name
is not repeated in its own phrase, one hyperparameter has one name, notation is shown as notation,
articles agree with their nouns, and a transposed vector is not said to have columns."""

from __future__ import annotations

import pytest

from thirdroad.concepts import catalog
from thirdroad.formula import explain
from thirdroad.formula.phrases import concept_name, with_article

GRU_GATE = r"r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})"
BAHDANAU = r"e_{t,i} = v_a^\top \tanh(W_a s_{t-1} + U_a h_i)"
CELL = r"c_t = f_t \odot c_{t-1} + i_t \odot g_t"


@pytest.mark.parametrize("text", [
    GRU_GATE,
    BAHDANAU,
    r"z_t = \sigma(W_z x_t + U_z h_{t-1} + b_z)",
    r"\tilde{h}_t = \tanh(W_h x_t + U_h (r_t \odot h_{t-1}) + b_h)",
])
def test_a_sum_of_matrix_products_inside_a_gate_or_score_is_not_an_lstm_cell(text: str) -> None:
    e = explain(text)
    assert not [c for c in e.chunks if c.concept == "lstm" and c.part == "new cell"]
    assert "new cell" not in e.lenses["names"]
    # W x inside the gate is how the gate is written: a building block is named as a whole formula only
    assert not any(c.concept == "matrix_vector_product" for c in e.chunks)


@pytest.mark.parametrize("text", [
    CELL,
    r"c_t = f_t * c_{t-1} + i_t * g_t",
    r"c_t = f_t c_{t-1} + i_t g_t",
    r"c_t = \Gamma_u * \tilde{c}_t + \Gamma_f * c_{t-1}",  # Ng's course: gates are capital gammas
])
def test_a_true_lstm_cell_line_is_still_an_lstm_cell(text: str) -> None:
    e = explain(text)
    assert ("lstm", "new cell") in {(c.concept, c.part) for c in e.chunks}


def test_a_part_found_inside_a_line_is_named_as_that_part_with_what_it_does() -> None:
    text = "s = beta s + (1 - beta) dw^2 w = w - alpha frac {dw}{sqrt{s}+ epsilon}"
    names = explain(text).lenses["names"]
    assert "is RMSProp's running average of squared gradients: keeps most of the old average" in names
    assert "is RMSProp:" not in names


@pytest.mark.parametrize(("text", "name", "adds"), [
    (BAHDANAU, "additive score (Bahdanau)", ""),
    (r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_{j=1}^{n} \exp(e_{t,j})}", "softmax", " over i of e_(t,i)"),
    (r"\operatorname{score}(s_t, h_i) = s_t^\top W_a h_i", "general score (Luong)", ""),  # too long to add
    (r"e = h_t^\top \bar h_s", "dot-product score (Luong)", ", with h_t the decoder state and h̄_s the source states"),
])
def test_the_main_concept_is_named_once(text: str, name: str, adds: str) -> None:
    first = explain(text).lenses["names"].split(":")[0]
    assert first.startswith("This is just ") and first.count(name) == 1, first
    assert first.endswith(name + adds), first  # what the phrase adds to the name is kept, if short


@pytest.mark.parametrize(("text", "says"), [
    # the weights are α, the values h: not "a weighted average over i of α_(t,i)"
    (r"c_t = \sum_i \alpha_{t,i} h_i", "weighted average, with α_(t,i) the weights that sum to one and h_i the values"),
    (r"p(h_j = 1 \mid v) = \sigma(b_j + \sum_i v_i W_{ij})",
     "RBM conditional, with b_j the hidden biases, v_i the visible states and W_(i,j) the weights"),
    (r"\operatorname{score}(s_t, h_i) = s_t^\top W_a h_i",
     "general score (Luong), with s_t the decoder state, W_a the learned weights and h_i the source states"),
    # one input read along an index keeps "over ... of ...", over the index the softmax runs along
    (r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_{j=1}^{n} \exp(e_{t,j})}", "attention weights over i of e_(t,i)"),
])
def test_a_chunk_with_several_inputs_names_each_with_what_it_stands_for(text: str, says: str) -> None:
    chunks = explain(text).chunks
    assert any(c.says.startswith(says) for c in chunks), [c.says for c in chunks]
    assert not any(" over " in c.says and " of α" in c.says for c in chunks)  # α are weights, not the input


def test_adam_step_calls_eta_the_learning_rate_as_its_description_does() -> None:
    e = explain(r"\theta_t = \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}")
    (step,) = [c for c in e.chunks if c.concept == "adam"]
    assert "η the learning rate" in step.says and "step size" not in step.says
    assert "learning rate" in e.lenses["names"]


def test_the_sign_slip_shows_the_gradient_as_written() -> None:
    (warning,) = explain(r"\theta = \theta + \eta \nabla_\theta J(\theta)").warnings
    assert "it adds η ∇_θ J(θ) where the update goes the other way" in warning.message
    assert "of J of θ" not in warning.message


@pytest.mark.parametrize(("name", "said"), [
    ("attention weights", "attention weights"),
    ("RBM conditionals", "RBM conditionals"),
    ("Huber loss", "a Huber loss"),
    ("softplus", "a softplus"),
    ("binary cross-entropy with logits", "a binary cross-entropy with logits"),
])
def test_a_plural_name_takes_no_article(name: str, said: str) -> None:
    assert with_article(name) == said


def test_attention_weights_and_rbm_conditionals_read_without_a_singular_article() -> None:
    weights = explain(r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_{j=1}^{n} \exp(e_{t,j})}").lenses["names"]
    assert "It is also attention weights." in weights
    rbm = explain(r"p(h_j = 1 \mid v) = \sigma(b_j + \sum_i v_i w_{ij})").lenses["names"]
    assert rbm.startswith("This is just an RBM conditional:") and "conditionals" not in rbm


@pytest.mark.parametrize(("text", "says"), [
    (r"v_p^\top W", "transpose v_p (turns the column into a row)"),
    (r"(W x - y)^\top", "(rows and columns swap)"),
])
def test_a_transposed_vector_turns_the_column_into_a_row(text: str, says: str) -> None:
    order = explain(text).lenses["reading_order"]
    assert says in order and "columns become rows" not in order


@pytest.mark.parametrize("text", ["s_t", "h_i", r"\eta", "K"])
def test_a_lone_name_is_not_called_a_single_value(text: str) -> None:
    e = explain(text)
    assert "single value" not in e.lenses["reading_order"] and "is one name" in e.lenses["names"]
    assert "No concept of the catalog" not in e.lenses["names"]


def test_a_lone_name_gets_what_the_catalog_writes_it_for() -> None:
    assert "In the catalog's formulas, h_(t−1) is the previous " in explain("h_{t-1}").lenses["names"]
    assert "In the catalog's formulas" not in explain("h_i").lenses["names"]  # no template writes h_i alone
    assert "It is a single value: 0.9." in explain("0.9").lenses["reading_order"]  # a number is one


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        (r"\|g\| \le 5", "the norm of g is at most 5"),
        (r"x < 0", "x is less than 0"),
        (r"p \ge 0.5", "p is at least 0.5"),
        (r"0 \le p \le 1", "0 is at most p and p is at most 1"),
    ],
)
def test_an_inequality_is_read_as_a_condition_not_by_its_right_side(text: str, condition: str) -> None:
    e = explain(text)
    assert e.lenses["names"].startswith(f"This is a condition, true or false: {condition}.")
    assert "single value" not in e.lenses["reading_order"]
    assert condition in e.lenses["reading_order"] or "check whether" in e.lenses["reading_order"]


def test_a_condition_on_a_norm_is_checked_after_the_norm() -> None:
    e = explain(r"\|g\| \le 5")
    assert e.concepts == {"l2_norm"}
    assert e.lenses["reading_order"] == (
        "First (1) the norm of g: an L2 norm, read as one block; then (2) check whether (1) is at most 5.")


@pytest.mark.parametrize("cid", ["scaled_dot_product_attention", "multi_head_attention", "dropout", "layer_norm"])
def test_a_mass_noun_of_the_catalog_takes_no_article(cid: str) -> None:
    name = concept_name(catalog()[cid])
    assert catalog()[cid].mass_noun
    assert with_article(name) == name


def test_the_article_rule_reads_the_catalog_not_the_word_attention() -> None:
    # countable names with "attention" in them keep their article; the flag decides, not the word
    assert with_article("attentional hidden state") == "an attentional hidden state"
    assert with_article("softmax") == "a softmax"
    assert not catalog()["attentional_hidden"].mass_noun


def test_attention_is_not_an_attention() -> None:
    e = explain(r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V")
    text = " ".join(e.lenses.values())
    assert "This is just scaled dot-product attention:" in text
    assert "a scaled dot-product attention" not in text and "an attention" not in text
    assert "the scaled scores of scaled dot-product attention, read as one block" in e.lenses["reading_order"]


def test_a_one_of_a_kind_concept_takes_the() -> None:
    """There is one chain rule: "this is the chain rule", not "a chain rule" (catalog 'definite')."""
    from thirdroad import explain

    e = explain(r"\frac{dz}{dy} \frac{dy}{dx}")
    assert e.lenses["names"].startswith("This is just the chain rule:"), e.lenses["names"]
    assert e.lenses["reading_order"].endswith("which makes the chain rule."), e.lenses["reading_order"]
    assert "a chain rule" not in e.to_text()
