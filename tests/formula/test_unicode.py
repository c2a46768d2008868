"""to_unicode: a formula on one line in plain Unicode, which the parser reads back to the same
function (checked on numbers) or the same tree."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad.formula import parse
from thirdroad.formula.compile import compile
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.unicode import to_unicode

from .inputs import random_inputs

SPELLED = [
    (r"\nabla_\theta L(\theta)", "∇_θ L(θ)"),
    (r"\frac{\exp(e_{t,i})}{\sum_j \exp(e_{t,j})}", "exp(e_(t,i)) / (Σ_j exp(e_(t,j)))"),
    (r"\frac{Q K^\top}{\sqrt{d_k}}", "Q Kᵀ / √d_k"),
    (r"\beta v + (1-\beta) g_t^2", "β v + (1 − β) g_t²"),
    (r"\frac{1}{Z} \exp(-E(v, h))", "(1 / Z) exp(−E(v, h))"),
    (r"e^{z_i}", "e^(z_i)"),
]


@pytest.mark.parametrize(("latex", "shown"), SPELLED)
def test_notation_is_spelled_as_a_reader_writes_it(latex: str, shown: str) -> None:
    assert to_unicode(parse(latex).root) == shown


@pytest.mark.parametrize("latex", [
    r"\theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
    r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
    r"\frac{m_t}{1-\beta_1^t}",
    r"a - (b - c) d",
    r"\frac{a}{b c} + \frac{a + b}{c}",
    r"x^{-1} + (a + b)^2 - \sqrt{x + 1}",
    r"\sigma\left(b_j + \sum_i v_i W_{ij}\right)",
    r"\frac{1}{Z} \exp(-a^\top v - b^\top h)",
    r"\max_j x_j - \|x\|_2 + |y|",
])
def test_the_parser_reads_the_spelling_back_to_the_same_numbers(latex: str) -> None:
    written = compile(latex)
    back = compile(to_unicode(parse(latex).root))
    assert sorted(back.inputs) == sorted(written.inputs)
    for seed in range(3):
        values = random_inputs(written, np.random.default_rng(seed))
        np.testing.assert_allclose(evaluate(back.formula, **values), evaluate(written.formula, **values), rtol=1e-12)


@pytest.mark.parametrize(("latex", "shown"), [(r"f'(x)", "f′(x)"), (r"\sigma'(z)", "σ′(z)")])
def test_a_derivative_applied_keeps_its_prime(latex: str, shown: str) -> None:
    assert to_unicode(parse(latex).root) == shown  # "f(x) is a derivative" would be false
