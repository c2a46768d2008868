"""Formulas beyond the seed post, damaged the way machine translation damages LaTeX, are named as
the originals are (issue 12): the translation repair is general, not a list of one post's strings.

Each damage is a rule applied to the original's text, as the translated seed shows them: every
backslash lost; ``\\frac`` become "fraud"; ``\\left``/``\\right`` become "left"/"proper"; spaces put
inside scripts (``v_ {t -1}``); and all of that with capitals lowered where no capital carries
meaning. The names thirdroad gives the original are the oracle.
"""

from __future__ import annotations

import re

import pytest

import thirdroad as tr

FORMULAS = {
    "GRU update gate": r"z_t = \sigma(W_z x_t + U_z h_{t-1} + b_z)",
    "batch norm": r"\hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}",
    "cross-entropy": r"L = -\sum_{c=1}^{C} y_c \log(\hat{y}_c)",
    "scaled dot-product attention":
        r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K^T}{\sqrt{d_k}}\right) V",
    "sigmoid": r"\sigma(x) = \frac{1}{1 + e^{-x}}",
    "softmax": r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    "RMSProp's average": r"s_t = \beta s_{t-1} + (1 - \beta) g_t^2",
    "Adam's step": r"\theta_t = \theta_{t-1} - \frac{\alpha \hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
    "layer norm": r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \gamma + \beta",
    "mean squared error": r"\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat{y}_i)^2",
    "Luong's general score":
        r"\operatorname{score}(\mathbf{h}_t, \bar{\mathbf{h}}_s) = \mathbf{h}_t^T \mathbf{W}_a \bar{\mathbf{h}}_s",
    "Luong's attentional hidden state": r"\mathbf{a}_t = \tanh(\mathbf{W}_c [\mathbf{c}_t ; \mathbf{h}_t])",
    "RBM energy":
        r"E(\mathbf{v}, \mathbf{h}) = -\mathbf{a}^T \mathbf{v} - \mathbf{b}^T \mathbf{h} "
        r"- \mathbf{v}^T \mathbf{W} \mathbf{h}",
}


def _no_backslash(text: str) -> str:
    return text.replace("\\", "")


def _fraud(text: str) -> str:
    return _no_backslash(text.replace(r"\frac", "fraud"))


def _left_proper(text: str) -> str:
    return _no_backslash(text.replace(r"\left", "left").replace(r"\right", "proper"))


def _spaced_scripts(text: str) -> str:
    return _no_backslash(re.sub(r"([_^])\{", r"\1 {", text))


def _lowered(text: str) -> str:
    return _no_backslash(text).lower()


def _tokenized(text: str) -> str:
    """The spaces a translation's tokenizer puts around braces and scripts, as the translated seed
    shows them: ``\\mathbf{h}_t`` comes back as ``mathbf {h} _t``, ``\\bar{\\mathbf{h}}`` as ``bar { mathbf {h}}``."""
    text = re.sub(r"([A-Za-z_^])\{", r"\1 {", text)
    return re.sub(r"\}([_^])", r"} \1", re.sub(r"\{\\", r"{ \\", text))


def _round_trip(text: str) -> str:
    """All of it at once, as a round trip through machine translation leaves it: commands become
    words ("fraud", "proper", "score" as "rating"), braces and scripts get spaces, capitals are
    lowered."""
    worded = re.sub(r"\\(?:operatorname|mathrm)\{score\}", "rating", text).replace(r"\frac", "fraud")
    rounded = worded.replace("[", "(").replace("]", ")")  # [c_t ; h_t] comes back as ( c_t; h_t)
    return _lowered(_tokenized(_left_proper(rounded)))


DAMAGES = {"no backslash": _no_backslash, "fraud": _fraud, "left/proper": _left_proper,
           "spaced scripts": _spaced_scripts, "lowered": _lowered, "round trip": _round_trip}
# Lowering destroys what these names carry: W_z and U_z become w_z and u_z (no longer matrices,
# so no gate of a GRU), E[x] becomes e[x] (no longer an expectation): the names thirdroad can still
# give are a subset, never a different concept.
LOSSY = {("GRU update gate", "lowered"), ("layer norm", "lowered"), ("GRU update gate", "round trip"),
         ("layer norm", "round trip")}
# Capitals lowered and nothing else: the copy shows no sign of a translation, so no capital is put
# back (w may have been a vector); the names may be lost, never changed.
UNSHOWN = {("Luong's general score", "lowered"), ("RBM energy", "lowered"),
           ("Luong's attentional hidden state", "lowered")}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_a_translated_copy_gets_the_originals_names(name: str, damage: str) -> None:
    original = FORMULAS[name]
    copy = DAMAGES[damage](original)
    assert copy != original and "\\" not in copy
    expected = tr.explain(original).concepts
    assert expected, f"{name}: the original itself is named"
    got = tr.explain(copy).concepts
    if (name, damage) in UNSHOWN:
        assert got <= expected, (copy, got)
    elif (name, damage) in LOSSY:
        assert got and got <= expected, (copy, got)
    else:
        assert got == expected, (copy, got)


def test_a_name_and_a_capital_read_back_are_said_as_repairs() -> None:
    copy = _round_trip(FORMULAS["Luong's general score"])
    assert copy.startswith("rating(") and "^t mathbf {w}" in copy
    repairs = {(r.what, r.before, r.after) for r in tr.parse(copy).repairs}
    assert {("translated name", "rating", "score"), ("lowered capital", "t", "T"),
            ("lowered capital", "w", "W")} <= repairs


@pytest.mark.parametrize("text", [
    r"\hat{r}_{ui} = \operatorname{rating}(u, i) = p_u^\top q_i",  # clean LaTeX: a real rating
    "rating(u, i) = p_u^T q_i + b_u",  # plain text
    r"hat{r}_{ui} = rating(u, i) + sum_j w_j",  # lost backslashes, but nothing a translation does
])
def test_a_function_called_rating_outside_a_translated_copy_keeps_its_name(text: str) -> None:
    formula = tr.parse(text)
    assert "rating" in formula.latex and not [r for r in formula.repairs if r.what == "translated name"]


@pytest.mark.parametrize(("text", "power"), [
    (r"hat {m} _t = fraud {m_t} {1 - beta_1^t}", r"\beta_{1}^{t}"),  # a step number on a Greek letter
    (r"h^t = tanh ( mathbf {w} h^ {t-1} + b)", "h^{t} ="),  # a time index, with no factor after it
])
def test_a_superscript_t_that_is_no_transpose_stays_in_a_translated_copy(text: str, power: str) -> None:
    formula = tr.parse(text)
    assert power in formula.latex and not [r for r in formula.repairs if r.what == "lowered capital"]


@pytest.mark.parametrize("text", [
    r"y = f(x; \theta)",
    r"p(x; \theta) = \mathcal{N}(x; \mu, \sigma^2)",
    r"\mathcal{L}(\theta; x) = -\log p(x; \theta)",
    r"h_t = \tanh(g(x_t; W) + b)",
    r"z = \sigma(W x + b); y = \mathrm{softmax}(z)",
    r"\mathrm{score}(h_t; \bar h_s) = h_t^\top \bar h_s",
])
def test_a_semicolon_that_parts_arguments_names_what_a_comma_would(text: str) -> None:
    """f(x; θ) is f of x with parameters θ: read with a comma instead, the formula gets the same
    names, and no concatenation is found in it."""
    got = tr.explain(text)
    assert got.concepts == tr.explain(text.replace(";", ",")).concepts
    assert "concatenation" not in got.concepts
