"""Recognition and near-misses, measured on the labelled set in tests/data/recognition/.

The figures the issue asks for are computed here and held to their thresholds: precision and
recall of the defining concept, mangled copies, near-miss variants, and no near-miss warning on
a correct formula. The smaller tests check the pieces: canonical forms, matching modulo order
and names, numeric confirmation and search.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import thirdroad.concepts as concepts
from thirdroad.formula import Explanation, FormulaError, explain, parse
from thirdroad.formula.confirm import axes_of, sample
from thirdroad.formula.match import PVar, canon, match
from thirdroad.formula.nearmiss import REPAIRS, checked_for
from thirdroad.formula.recognize import (
    agree,
    compile_template,
    concepts_at,
    confirm,
    library,
    recognize,
)
from thirdroad.formula.templates import callable_with, whole_numbers

DATA = Path(__file__).parent.parent / "data" / "recognition"


def _load(name: str, key: str) -> list[dict[str, Any]]:
    with open(DATA / name, "rb") as fh:
        items: list[dict[str, Any]] = tomllib.load(fh)[key]
    return items


@cache
def clean() -> list[dict[str, Any]]:
    """The correct formulas: the tuning set and the held-out set together."""
    return _load("formulas.toml", "formula") + _load("heldout.toml", "formula")


@cache
def mangled() -> list[dict[str, Any]]:
    return _load("mangled.toml", "mangled")


@cache
def near() -> list[dict[str, Any]]:
    return _load("near_misses.toml", "near_miss")


@cache
def explained(text: str) -> Explanation:
    return explain(text)


def defining(text: str) -> tuple[str, ...]:
    """The defining concepts; none for text the parser cannot read (it counts as a miss)."""
    try:
        return explained(text).defining
    except FormulaError:
        return ()


# --------------------------------------------------------------------------------------------
# the labelled set


def test_the_labelled_set_is_large_and_well_formed() -> None:
    ids = [f["id"] for f in clean()] + [m["id"] for m in mangled()] + [n["id"] for n in near()]
    assert len(ids) == len(set(ids))
    assert len(clean()) + len(mangled()) >= 250
    assert len(near()) >= 40
    by_id = {f["id"]: f for f in clean()}
    known = set(concepts.ids())
    for f in clean():
        assert f["concept"] in known, f["id"]
        assert f.get("of", f["id"]) in by_id, f["id"]
    for m in mangled():
        assert m["of"] in by_id, m["id"]
    for n in near():
        assert n["concept"] in known, n["id"]
        assert n.get("of", next(iter(by_id))) in by_id, n["id"]


def test_precision_and_recall_of_the_defining_concept() -> None:
    predicted = correct = 0
    for f in clean():
        defining = explained(f["latex"]).defining
        if defining:
            predicted += 1
            correct += f["concept"] in defining
    precision = correct / predicted
    recall = correct / len(clean())
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.90, f"recall {recall:.3f}"


def test_the_defining_concept_is_named_first_or_shares_the_formula() -> None:
    # a chunk may carry several ids; the expected one is among them, and a chunk rarely carries many
    sizes = [len(explained(f["latex"]).defining) for f in clean() if explained(f["latex"]).defining]
    assert float(np.median(sizes)) <= 2


def test_mangled_copies_are_recognised_as_the_clean_formula() -> None:
    by_id = {f["id"]: f for f in clean()}
    same = 0
    for m in mangled():
        same += by_id[m["of"]]["concept"] in defining(m["text"])
    share = same / len(mangled())
    assert share >= 0.90, f"mangled {share:.3f}"


def test_near_miss_variants_are_flagged_with_the_right_concept_and_kind() -> None:
    flagged = 0
    for n in near():
        warnings = explained(n["text"]).warnings
        flagged += any(w.kind == "near_miss" and w.concept == n["concept"] for w in warnings)
    share = flagged / len(near())
    assert share >= 0.90, f"near-miss {share:.3f}"


def test_correct_formulas_get_no_near_miss_warning() -> None:
    warned = [f["id"] for f in clean() if explained(f["latex"]).warnings]
    assert warned == []


def test_a_near_miss_is_not_the_concept_it_almost_is() -> None:
    for n in near():
        e = explained(n["text"])
        assert n["concept"] not in e.defining or n["concept"] in ("adam", "ema"), n["id"]


# --------------------------------------------------------------------------------------------
# the pieces


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (r"e^{x}", r"\exp(x)"),
        (r"a / b", r"\frac{a}{b}"),
        (r"a b^{-1}", r"\frac{a}{b}"),
        (r"\frac{1}{n} \sum_i x_i", r"\frac{\sum_{i=1}^{n} x_i}{n}"),
        (r"\frac{\eta}{\sqrt{v} + \epsilon} g", r"\eta \frac{g}{\sqrt{v} + \epsilon}"),
        (r"-a \cdot b", r"-(a \cdot b)"),
        (r"x^{1/2}", r"\sqrt{x}"),
        (r"\|x\|_2", r"\|x\|"),
        (r"\ln x", r"\log x"),
    ],
)
def test_notations_that_mean_the_same_have_one_canonical_form(a: str, b: str) -> None:
    assert canon(parse(a).root) == canon(parse(b).root)


def test_canonical_forms_keep_what_differs() -> None:
    assert canon(parse(r"e^{x}").root) != canon(parse(r"e^{-x}").root)
    assert canon(parse(r"a - b").root) != canon(parse(r"b - a").root)


def _softmax_pattern() -> Any:
    template = next(t for t in library().all if t.concept == "softmax" and t.template.reference == "softmax")
    return template.pattern


@pytest.mark.parametrize(
    "text",
    [
        r"\frac{e^{x_i}}{\sum_j e^{x_j}}",
        r"\frac{e^{z_k}}{\sum_{m} e^{z_m}}",  # other names
        r"\frac{\exp(u_c)}{\sum_{c'} \exp(u_{c'})}",  # exp and a primed index
        r"\frac{e^{x_i}}{\sum_{j=1}^{K} e^{x_j}}",  # limits written out
    ],
)
def test_the_softmax_pattern_matches_renamed_copies(text: str) -> None:
    assert next(match(_softmax_pattern(), canon(parse(text).root), {}), None) is not None


@pytest.mark.parametrize(
    "text",
    [
        r"\frac{e^{x_i}}{\sum_j x_j}",  # lost exp
        r"\frac{e^{x_i}}{\sum_j e^{y_j}}",  # another vector below
        r"\frac{e^{x_i}}{\sum_j e^{x_i}}",  # the bound index not used
    ],
)
def test_the_softmax_pattern_rejects_what_is_not_a_softmax(text: str) -> None:
    assert next(match(_softmax_pattern(), canon(parse(text).root), {}), None) is None


def test_sums_match_in_any_order() -> None:
    ema = next(t for t in library().all if t.concept == "ema")
    written = canon(parse(r"(1-\beta) g + \beta v").root)
    bindings = next(match(ema.pattern, written, {}))
    assert {k: v for k, v in bindings.items() if not k.startswith("_")}.keys() >= {"beta", "avg", "x"}


def test_an_indexed_hole_binds_an_expression_in_the_index() -> None:
    text = r"\frac{\exp(\operatorname{score}(h_t, \bar h_s))}{\sum_{r} \exp(\operatorname{score}(h_t, \bar h_r))}"
    rec = recognize(text)
    found = {f.concept: f for f in rec.found if f.path == rec.main_path}
    assert set(found) >= {"softmax", "attention_weights"}
    expr, index = found["softmax"].bindings["x"]
    assert [s.name for s in index] == ["s"]
    assert "score" in repr(expr)


def test_holes_of_templates_are_declared_variables() -> None:
    for ct in library().all:
        holes = {n.var for n in ct.pattern.walk() if isinstance(n, PVar) and not n.var.startswith("_")}
        declared = {v.name for v in ct.template.variables}
        assert holes <= declared, ct.template.latex


def test_nearly_all_templates_compile() -> None:
    total = sum(len(c.formulas) for c in concepts.catalog())
    compiled = {id(ct.template) for ct in library().all}  # a template and its variants without a bias
    assert len(compiled) + len(library().unreadable) <= total
    assert len(library().unreadable) <= 0.05 * total


def test_numeric_confirmation_rejects_a_binding_the_numbers_contradict() -> None:
    # bind the sigmoid template's x to -x: the structure fits the tree below, the numbers do not
    sigmoid = compile_template("sigmoid", concepts.get("sigmoid").formulas[0])
    node = canon(parse(r"\frac{1}{1 + e^{-x}}").root)
    good = next(match(sigmoid.pattern, node, {}))
    assert confirm(sigmoid, node, good) is True
    wrong = canon(parse(r"\frac{1}{1 + e^{x}}").root)
    assert confirm(sigmoid, wrong, {"x": parse("x").root}) is False


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (r"\frac{e^{x/2}}{e^{x/2} + e^{-x/2}}", "sigmoid"),
        (r"\frac{e^{2x} - 1}{e^{2x} + 1}", "tanh"),
        (r"\sum_i \frac{a_i x_i}{\sum_j a_j}", "weighted_average"),
    ],
)
def test_numeric_search_finds_forms_no_template_has(text: str, concept: str) -> None:
    rec = recognize(text)
    hits = [f for f in rec.found if f.path == rec.main_path and f.concept == concept]
    assert hits and hits[0].method == "numeric" and hits[0].confirmed


def test_the_shared_normalisation_formula_names_all_four() -> None:
    e = explained(r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta")
    assert {"batch_norm", "layer_norm", "instance_norm", "group_norm"} <= set(e.defining)
    assert "axes" in e.lenses["names"]


def test_a_momentum_update_is_an_ema_inside_momentum() -> None:
    e = explained(r"v_{dW} = \beta v_{dW} + (1-\beta) dW")
    assert {"ema", "sgd_momentum"} <= set(e.defining)
    assert "Exponential moving average" in e.lenses["names"] or "exponential moving average" in e.lenses["names"]


def test_the_names_written_decide_which_concept_is_named_first() -> None:
    adam = explained(r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}")
    assert adam.defining[0] == "adam"
    rmsprop = explained(r"\theta_t = \theta_{t-1} - \gamma \frac{g_t}{\sqrt{v_t} + \epsilon}")
    assert rmsprop.defining[0] == "rmsprop"


def test_a_longer_sum_holds_chunks_made_of_some_of_its_terms() -> None:
    text = r"\theta_t = \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} - \eta \lambda \theta_{t-1}"
    rec = recognize(text)
    parts = {f.concept: f for f in rec.found if "[" in f.path}
    assert {"adam", "weight_decay"} <= set(parts)
    adam, decay = parts["adam"].node, parts["weight_decay"].node
    assert text[adam.span[0]:adam.span[1]] == r"\theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
    assert text[decay.span[1] - len(r"\lambda \theta_{t-1}"):decay.span[1]] == r"\lambda \theta_{t-1}"


def test_agree_compares_where_both_are_finite() -> None:
    assert agree(np.array([1.0, 2.0]), np.array([1.0, 2.0])) is True
    assert agree(np.array([1.0, 2.0]), np.array([1.0, 2.5])) is False
    assert agree(np.array([np.nan]), np.array([np.nan])) is None
    assert agree(np.array([1.0, 3.0]), 2.0) is True  # a per-element loss and its mean


def test_concepts_at_a_repaired_tree() -> None:
    repaired = canon(parse(r"\theta - \eta \nabla_\theta J(\theta)").root)
    assert "gradient_descent" in {f.concept for f in concepts_at(repaired)}


def test_recognition_is_deterministic() -> None:
    text = r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
    first = [(f.path, f.concept, f.confirmed) for f in recognize(text).found]
    assert first == [(f.path, f.concept, f.confirmed) for f in recognize(text).found]


def _chunk_concepts(text: str) -> set[str]:
    return {f.concept for f in recognize(text).found}


@pytest.mark.parametrize(
    "text",
    [
        r"\sum_i w_i x_i",
        r"\sum_j w_j h_j",
        r"\sum_{d=1}^{D} q_d k_d",
        r"c_t = \sum_j w_{tj} h_j",  # a weight matrix times the states, not attention
        r"p(h_j = 1 \mid v) = \sigma(b_j + \sum_i v_i W_{ij})",  # the RBM's input to hidden unit j
        r"E(v, h) = -\sum_i a_i v_i - \sum_j b_j h_j - \sum_i \sum_j v_i W_{ij} h_j",
    ],
)
def test_a_weighted_sum_is_not_a_weighted_average(text: str) -> None:
    # weights that may be any numbers give a sum, not an average: only weights known to add up
    # to one (a name written for them, a softmax) make the sum a weighted average
    found = _chunk_concepts(text)
    assert not found & {"weighted_average", "context_vector"}


@pytest.mark.parametrize(
    "text",
    [r"\sum_i w_i x_i", r"\sum_i v_i W_{ij}", r"\sum_j w_j h_j"],
)
def test_a_weighted_sum_is_a_dot_product(text: str) -> None:
    assert "dot_product" in _chunk_concepts(text)


@pytest.mark.parametrize(
    ("text", "concepts_found"),
    [
        (r"\sum_i \alpha_i x_i", {"weighted_average"}),
        (r"\sum_k \pi_k \mu_k", {"weighted_average"}),  # mixture weights
        (r"\sum_i p_i x_i", {"weighted_average"}),  # probabilities
        (r"\sum_i \operatorname{softmax}(z)_i v_i", {"weighted_average"}),
        (r"c_i = \sum_j \alpha_{ij} h_j", {"weighted_average", "context_vector"}),
        (r"c_t = \sum_i \alpha_{t,i} h_i", {"weighted_average", "context_vector"}),
        (r"c_t = \sum_s a_t(s) \bar h_s", {"context_vector"}),
        (r"\sum_i \frac{w_i}{\sum_j w_j} x_i", {"weighted_average"}),  # divided by their total
    ],
)
def test_weights_known_to_add_up_to_one_make_an_average(text: str, concepts_found: set[str]) -> None:
    rec = recognize(text)
    assert concepts_found <= set(rec.defining)



# Template formulas the numbers contradict on their own, for a reason the evaluator cannot see:
# the Jacobian of a vector-Jacobian product is drawn square, so v J is read entry by entry; the
# sigma of a spectral norm (the largest singular value) is read as the logistic sigmoid; a
# matrix's norm without a subscript is read entry by entry (Frobenius), the condition number's
# is the spectral norm; a sum written over i < j binds i only, so j is read as a free index (the
# evaluator keeps the terms a condition between indices picks, but j is not the sum's here).
_CONTRADICTED = {r"\frac{\partial L}{\partial y} \frac{\partial y}{\partial x}", r"\frac{W}{\sigma(W)}",
                 r"\|A\| \, \|A^{-1}\|", r"-\sum_{i<j} w_{ij} s_i s_j - \sum_i \theta_i s_i"}


def test_every_template_is_confirmed_by_the_numbers_on_its_own_formula() -> None:
    verdicts: dict[object, list[str]] = {}
    takes_a_function: set[str] = set()
    for ct in library().all:
        tree = canon(parse(ct.template.latex, "latex").root)
        bindings = next(match(ct.pattern, tree, {}), None)
        if bindings is not None:
            verdicts.setdefault(confirm(ct, tree, bindings), []).append(ct.template.latex)
        if "function" in ct.roles.values():
            takes_a_function.add(ct.template.latex)
    assert set(verdicts.get(False, [])) == _CONTRADICTED
    # None: a label, a function (a distribution p, an activation f: never drawn at random), a
    # setting the formula does not show, a derivative ...
    unconfirmed = set(verdicts.get(None, [])) - takes_a_function
    assert len(verdicts[True]) >= 190 and len(verdicts[True]) > 2 * len(unconfirmed)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (r"\frac{\exp(e_{ij})}{\sum_{k} \exp(e_{ik})}", "attention_weights"),  # scores in two indices
        (r"\frac{x_i}{\sqrt{\frac{1}{n} \sum_{j} x_j^2 + \epsilon}} \gamma_i", "rms_norm"),
        (r"\frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta", "layer_norm"),
        (r"\tanh(W_{hh} h_{t-1} + W_{xh} x_t + b_h)", "rnn_cell"),  # one bias: the second is zero
    ],
)
def test_matches_the_old_samples_could_not_check_are_confirmed(text: str, concept: str) -> None:
    rec = recognize(text)
    hits = [f for f in rec.found if f.path == rec.main_path and f.concept == concept]
    assert hits and hits[0].confirmed


def test_near_miss_checks_are_the_catalogs_kinds_and_each_has_its_concepts() -> None:
    kinds = {name for name, _ in REPAIRS}
    assert kinds == set(concepts.NEAR_MISS_KINDS)
    for kind in kinds:
        assert checked_for(kind), kind
    assert {"softmax", "attention_weights"} <= checked_for("lost_exp")
    assert "gradient_descent" in checked_for("flipped_sign") and "softmax" not in checked_for("flipped_sign")


@pytest.mark.parametrize(
    ("text", "named", "not_named"),
    [
        # a building block is named as the whole formula, never as a part of a larger one
        (r"s = W x", {"matrix_vector_product"}, set()),
        (r"h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t)", set(), {"matrix_vector_product"}),
        # sizes, guessed readings and calls written with brackets are not products of arrays
        (r"N \times D_x", set(), {"matrix_vector_product", "matrix_multiplication"}),
        (r"R(\theta)", set(), {"matrix_vector_product"}),
        (r"PE_{pos}", set(), {"matrix_vector_product", "matrix_multiplication"}),
        (r"L[\boldsymbol\phi] = \sum_i \ell_i", set(), {"matrix_vector_product"}),
        (r"\omega_0 \cdot x + \beta_0", set(), {"dot_product"}),
        # the writing of a derivative decides which derivative it is
        (r"\frac{\partial f}{\partial x} = -3", {"partial_derivative"}, {"gradient", "jacobian"}),
        (r"\frac{df}{dx} = 2x", {"derivative"}, {"partial_derivative", "gradient"}),
        (r"\nabla_\theta J(\theta)", {"gradient"}, {"partial_derivative", "jacobian"}),
        (r"\frac{\partial L}{\partial W}", {"gradient"}, {"jacobian"}),
        (r"\frac{\partial \mathbf{f}}{\partial \mathbf{h}}", {"jacobian"}, {"gradient"}),
        # names and roles: a weighted sum is no LSTM cell, a difference quotient no standardisation,
        # arithmetic on a count no descent step
        (r"f(x,y,z) = w_1 x + w_2 y + w_3 z", set(), {"lstm"}),
        (r"c_t = f_t c_{t-1} + i_t \tilde c_t", {"lstm"}, set()),
        (r"\frac{f(x + h) - f(x)}{h}", set(), {"standardization"}),
        (r"\frac{x - \langle x\rangle}{\sqrt{\langle(x - \langle x\rangle)^2\rangle + \epsilon}}", {"standardization"},
         set()),
        (r"H_{out} = N - \delta N", set(), {"gradient_descent"}),
        (r"w_{k+1} = w_k - \eta g_k", {"gradient_descent"}, set()),
        # a gate is named by the name it assigns: an LSTM's gates are f, i, o; a GRU's r and z
        (r"i_t = \sigma(W_i x_t + U_i h_{t-1} + b_i)", {"lstm"}, {"gru"}),
        (r"o_t = \sigma(W_o x_t + U_o h_{t-1} + b_o)", {"lstm"}, {"gru"}),
        (r"z_t = \sigma(W_z x_t + U_z h_{t-1} + b_z)", {"gru"}, {"lstm"}),
        # the candidate line of an LSTM, named g_t, is its candidate, not an RNN cell's new state
        (r"g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})", {"lstm"}, {"rnn_cell"}),
        (r"h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b_h)", {"rnn_cell"}, set()),
        (r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t", {"ema"}, set()),
        # the larger of two names is no AMSGrad until its names say so; clipping at zero is a ReLU
        (r"\max(x, y)", set(), {"amsgrad"}),
        (r"\hat v_t = \max(\hat v_{t-1}, v_t)", {"amsgrad"}, set()),
        (r"\max(0, x)", {"relu"}, set()),
        # a max(0, ·) where a count stands (a divisor, a limit of a sum) is a guard, not a ReLU
        (r"\sigma^2 = \frac{1}{\max(0, N - \delta N)} \sum_i (x_i - \bar x)^2", set(), {"relu"}),
        (r"\sum_{c'=\max(0, c - n/2)}^{N} a_{c'}^2", set(), {"relu"}),
        # the entry at the label is the label's, whatever the scores are called
        (r"L_i = -\log\left(\frac{e^{f_{y_i}}}{\sum_j e^{f_j}}\right)", {"cross_entropy"}, set()),
        (r"L_i = -s_{y_i} + \log\sum_j e^{s_j}", {"cross_entropy"}, set()),
        # the name a line assigns says which quantity it updates: the buffer (heavy ball) is no Nesterov step
        (r"b_t = \mu b_{t-1} + g_t", set(), {"nesterov"}),
        (r"g_t = g_t + \mu b_t", {"nesterov"}, set()),
        # a sum of several derivatives is no momentum step; a product of entries no determinant
        (r"\nabla_v f = 2 \frac{df}{dx} + 3 \frac{df}{dy}", set(), {"sgd_momentum", "nesterov"}),
        (r"\prod_{i=1}^n U_i = S", set(), {"determinant"}),
        # an entry at a shifted place is a convolution's, not a dot product's
        (r"c_k = \sum_j a_{k - j} v_j", set(), {"dot_product"}),
        (r"\sum_j a_j v_j", {"dot_product"}, set()),
        # a capital letter is a matrix: no dot product holds one as a vector
        (r"z = W_e^\top y - S z", set(), {"dot_product"}),
        (r"Y = \sum_i K_i Z_i", set(), {"dot_product"}),
        (r"s = w^\top x", {"dot_product"}, set()),
        # a loss of one element summed, averaged or weighted over the elements is still that loss
        (r"\ell = -\sum_{i=1}^n [x_i \log(\hat{x}_i) + (1-x_i)\log(1-\hat{x}_i)]", {"bce"}, set()),
        (r"l_n = - w_n \left[ y_n \log x_n + (1 - y_n) \log (1 - x_n) \right]", {"bce"}, set()),
        (r"L = -\frac{1}{N}\sum_{i=1}^N \log \frac{e^{s_{y_i}}}{\sum_j e^{s_j}}", {"cross_entropy"}, set()),
        (r"S = -\sum_i [a_i b_i + c_i]", set(), {"bce", "cross_entropy", "nll"}),
        # (x - m) / s is standardisation where its names or its statistics of x say so
        (r"\kappa = (p_o - p_e) / (1 - p_e)", set(), {"standardization"}),
        (r"y = \frac{h - \bar h}{s}", {"standardization"}, set()),
        (r"z = \frac{x - \mu}{\sigma}", {"standardization"}, set()),
        # plain arithmetic on numbers is a concept only where its names say so: a scale, not He's init
        (r"\frac{1}{\sqrt{d}}", set(), {"kaiming_init", "xavier_init"}),
        (r"\hat m_t = \frac{m_t}{1 - \beta_1^t}", {"bias_correction"}, set()),
        # a primed function applied is its derivative, not the function
        (r"\tanh'(z)", {"derivative"}, {"tanh"}),
        (r"f' = A'(B(x)) \cdot B'(x)", {"chain_rule"}, {"derivative"}),
        (r"\frac{\partial \ell}{\partial \mathbf{\Omega}} = \frac{\partial \ell}{\partial \mathbf{f}} \mathbf{x}^T",
         set(), {"gradient", "partial_derivative"}),
        # a derivative computed through others is about the rule, not about what a gradient is
        (r"\frac{\partial C}{\partial X} = \frac{\partial C}{\partial Y} W^T", set(),
         {"gradient", "partial_derivative"}),
        (r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial y}\frac{\partial y}{\partial w}", {"chain_rule"},
         {"partial_derivative", "gradient"}),
    ],
)
def test_a_concept_is_named_on_enough_evidence(text: str, named: set[str], not_named: set[str]) -> None:
    found = _chunk_concepts(text)
    assert named <= found and not found & not_named, found


@pytest.mark.parametrize(
    ("text", "context", "concept", "evidence"),
    [
        (r"\hat{Y} = \mathrm{softmax}(O)", "", "softmax", "name"),  # named outright
        (r"\sigma(x)", "", "sigmoid", "name"),
        (r"\text{score}(s_t, h_i) = s_t^\top h_i", "", "luong_dot", "name"),  # a name several scores share
        (r"\text{SELU}(x) = \text{scale} * (\max(0,x) + \min(0, \alpha * (\exp(x) - 1)))", "", "selu", "name"),
        # the object a formula documents, checked by the numbers: the loss per element before its mean
        (r"l_n = \left( x_n - y_n \right)^2", "torch.nn.MSELoss", "mse", "words"),
        (r"l_n = \begin{cases} 0.5 (x_n - y_n)^2, & \text{if } |x_n - y_n| < delta \\ "
         r"delta * (|x_n - y_n| - 0.5 * delta), & \text{otherwise } \end{cases}", "HuberLoss", "huber", "words"),
        (r"\text{HardTanh}(x) = \begin{cases} \text{max\_val} & \text{ if } x > \text{ max\_val } \\ "
         r"\text{min\_val} & \text{ if } x < \text{ min\_val } \\ x & \text{ otherwise } \end{cases}", "", "hardtanh",
         "numbers"),
        # a piecewise definition is recognised by what it does
        (r"\begin{cases} x, & \text{ if } x \geq 0 \\ "
         r"\text{negative\_slope} \times x, & \text{ otherwise } \end{cases}", "", "leaky_relu", "numbers"),
        (r"\begin{cases} x & x > \lambda \\ x & x < -\lambda \\ 0 & \text{otherwise} \end{cases}", "", "hardshrink",
         "numbers"),
    ],
)
def test_names_and_behaviour_are_evidence(text: str, context: str, concept: str, evidence: str) -> None:
    rec = recognize(text, context=context)
    hits = [f for f in rec.found if f.concept == concept]
    assert hits and any(evidence in f.evidence for f in hits), [(f.concept, f.evidence) for f in rec.found]


@pytest.mark.parametrize(
    ("text", "context", "wrong"),
    [
        # σ is a sigmoid by convention, unless its equation defines it as another function
        (r"\sigma(z_i) = \frac{e^{z_{(i)}}}{\sum_{j=1}^K e^{z_{(j)}}} \ for\ i=1,\dots,K", "", "sigmoid"),
        # words name a concept only where the formula writes what it takes: a product of two
        # names agrees with the chain rule's product of slopes as any product does
        (r"f = q z", "Compound expressions with chain rule", "chain_rule"),
    ],
)
def test_a_convention_or_the_words_yield_to_what_the_formula_writes(text: str, context: str, wrong: str) -> None:
    assert wrong not in {f.concept for f in recognize(text, context=context).found}


@pytest.mark.parametrize(
    ("text", "context", "wrong"),
    [
        # a name decides only when it is right: a "ReLU" with a slope below zero is a leaky ReLU
        (r"\text{ReLU}(z) = \begin{cases} \alpha z & z < 0 \\ z & z \geq 0 \end{cases}", "", "relu"),
        # the words around a formula name it only where the numbers agree
        (r"h = W x", "LSTM", "lstm"),
        (r"l_n = \left| x_n - y_n \right|", "MSELoss", "mse"),
    ],
)
def test_a_name_the_formula_contradicts_is_not_given(text: str, context: str, wrong: str) -> None:
    assert wrong not in {f.concept for f in recognize(text, context=context).found}


@pytest.mark.parametrize(
    ("text", "candidate", "old_state"),
    [
        # PyTorch's convention and the other one, each read from its names, not from its positions
        (r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{(t-1)}", "n", "h"),
        (r"h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde{h}_t", "h", "h"),
        (r"g = (1 - z) \odot x + z \odot \hat{h}", "h", "x"),
    ],
)
def test_a_grus_state_and_candidate_are_bound_by_their_names(text: str, candidate: str, old_state: str) -> None:
    (gru,) = [f for f in recognize(text).found if f.concept == "gru"]
    n, h = gru.bindings["n"], gru.bindings["h"]
    assert n.name == candidate and n.accent in ("", "tilde", "hat") and (n.accent != "" or candidate == "n")
    assert h.name == old_state and not h.accent


def test_an_lstm_cell_line_binds_its_gates_and_states_by_their_names() -> None:
    (cell,) = [f for f in recognize(r"c_t = \Gamma_u * \tilde{c}_t + \Gamma_f * c_{t-1}").found if f.concept == "lstm"]
    assert (cell.bindings["c"].accent, cell.bindings["g"].accent) == ("", "tilde")  # old cell, candidate


@pytest.mark.parametrize("context", ["He initialization", "Weight Initialisation"])
def test_the_words_around_arithmetic_name_it(context: str) -> None:
    assert "kaiming_init" in {f.concept for f in recognize(r"\sqrt{\frac{2}{n}}", context=context).found}


def test_every_reference_takes_values_drawn_for_its_declared_inputs() -> None:
    # the numbers check any formula against a concept by drawing each reference input from its
    # role, axes and domain: every reference must take such values without an error
    for ct in library().all:
        params = [v for v in ct.template.variables if v.passed_to_reference]
        if "label" in ct.roles.values() or any(v.role == "function" for v in params):
            continue
        required, whole = {v.name for v in params}, whole_numbers(ct)
        for positive in (True, False):
            rng = np.random.default_rng(3)
            kwargs = {v.name: 2 if v.name in whole else sample(v.role, axes_of(ct, v.name), rng, positive, v.domain)
                      for v in params if v.written or v.name in required}
            if callable_with(ct, frozenset(kwargs)):
                with np.errstate(all="ignore"):
                    ct.template.reference_function()(**kwargs)


@pytest.mark.parametrize(
    ("text", "context", "concept", "kind_words"),
    [
        (r"\mathrm{sigmoid}(x) = \frac{1}{1 + (-x)}", "", "sigmoid", "exp"),  # lost exp
        (r"\mathrm{sigmoid}(x) = \frac{1}{1 + e^{x}}", "", "sigmoid", "sign"),  # flipped sign
        (r"l_n = \left( x_n - y_n \right)", "torch.nn.MSELoss", "mse", "squared"),  # lost square
        (r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x]}} * \gamma + \beta", "quantized_batch_norm", "batch_norm",
         "ε"),  # missing epsilon
    ],
)
def test_a_formula_its_name_contradicts_is_checked_for_slips(text: str, context: str, concept: str,
                                                            kind_words: str) -> None:
    notes = explain(text, context=context).warnings
    assert any(n.concept == concept and kind_words in n.message for n in notes), [n.message for n in notes]


@pytest.mark.parametrize(
    ("text", "context"),
    [
        # a leaky ReLU, named loosely: no one edit makes it a ReLU
        (r"\text{ReLU}(z) = \begin{cases} \alpha z & z < 0 \\ z & z \geq 0 \end{cases}", ""),
        (r"\text{GELU}(x) = x \Phi(x)", "torch.nn.GELU"),
        (r"C_{ij} = \frac{1}{N - 1} \sum_{n=1}^N (X_{in} - \overline{X_i})(X_{jn} - \overline{X_j})", "cov"),
        (r"\begin{bmatrix} 1a + 3b & 2a + 4b \end{bmatrix}", ""),
    ],
)
def test_no_slip_is_seen_in_a_correct_formula(text: str, context: str) -> None:
    assert not explain(text, context=context).warnings


@pytest.mark.parametrize(
    ("context", "concept"),
    [("torch.nn.BCEWithLogitsLoss", "bce_with_logits"), ("softmax_cross_entropy", "cross_entropy"),
     ("quantized_batch_norm", "batch_norm"), ("dot_product_attention", "scaled_dot_product_attention"),
     ("Modularity: Sigmoid example", "sigmoid"), ("AvgPool2d", "avg_pool"), ("Introduction", None)],
)
def test_the_object_or_heading_names_its_concept(context: str, concept: str | None) -> None:
    from thirdroad.formula.named import context_concepts
    assert context_concepts(context) == ((concept,) if concept else ())
