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


DAMAGES = {"no backslash": _no_backslash, "fraud": _fraud, "left/proper": _left_proper,
           "spaced scripts": _spaced_scripts, "lowered": _lowered}
# Lowering destroys what these names carry: W_z and U_z become w_z and u_z (no longer matrices,
# so no gate of a GRU), E[x] becomes e[x] (no longer an expectation): the names thirdroad can still
# give are a subset, never a different concept.
LOSSY = {("GRU update gate", "lowered"), ("layer norm", "lowered")}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_a_translated_copy_gets_the_originals_names(name: str, damage: str) -> None:
    original = FORMULAS[name]
    copy = DAMAGES[damage](original)
    assert copy != original and "\\" not in copy
    expected = tr.explain(original).concepts
    assert expected, f"{name}: the original itself is named"
    got = tr.explain(copy).concepts
    if (name, damage) in LOSSY:
        assert got and got <= expected, (copy, got)
    else:
        assert got == expected, (copy, got)
