"""The "what it does" lens computes a small example: sizes in it are whole numbers that fit the
example arrays (d_k = 3 for 3-wide keys, never 0.5), and the result is computed with them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from thirdroad import concepts
from thirdroad.formula import explain, parse
from thirdroad.formula.explanation.worked_examples import fmt_value
from thirdroad.formula.unicode import to_unicode


def given(action: str) -> dict[str, str]:
    """``{"d_k": "3", "Q": "[1, 0.5, 0; ...]"}`` from "For example, with Q = [...], d_k = 3, it gives"."""
    match = re.search(r"For example, (?:one pass )?with (.*?),? (?:it )?gives", action)
    assert match, action
    return dict(re.findall(r"(\S+) = (\[[^\]]*\]|[^,\s]+)", match.group(1)))


def test_attention_example_uses_the_key_width_of_its_keys() -> None:
    text = r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V"
    action = explain(text).lenses["action"]
    values = given(action)
    assert values["d_k"] == "3"
    keys = np.array([[float(x) for x in row.split(",")] for row in values["K"].strip("[]").split(";")])
    assert keys.shape[1] == 3
    q = k = v = keys
    scores = q @ k.T / np.sqrt(keys.shape[1])
    weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    first = (weights @ v)[0]
    assert f"it gives [{', '.join(f'{x:.3g}' for x in first)};" in action


@pytest.mark.parametrize(("text", "count", "result"), [
    (r"\frac{1}{n} \sum_{i=1}^{n} x_i", "n", "1.167"),           # the mean of [1, 2, 0.5]
    (r"y = \frac{1}{T}\sum_{t=1}^{T} h_t", "T", "1.167"),        # a count the catalog does not name
    (r"\frac{x_1 + \dots + x_n}{n}", "n", "1.167"),             # x_1, …, x_n: the mean of n entries
])
def test_a_count_is_the_number_of_entries(text: str, count: str, result: str) -> None:
    action = explain(text).lenses["action"]
    assert given(action)[count] == "3", action
    assert action.endswith(f"it gives {result}."), action


def size_templates() -> list[tuple[str, str, list[str]]]:
    out = []
    for concept in concepts.catalog():
        for template in concept.formulas:
            sizes = [v.symbol or v.name for v in template.variables if v.role == "size" and v.written]
            if sizes:
                out.append((concept.id, template.latex, sizes))
    return out


def test_no_size_of_a_catalog_formula_gets_a_fractional_value() -> None:
    """Every catalog formula with a size variable and a worked example gives that size a
    whole number (formulas without a worked example have nothing to check)."""
    checked = []
    for cid, latex, sizes in size_templates():
        action = explain(latex).lenses["action"]
        if "For example" not in action:
            continue
        values = given(action)
        shown = {to_unicode(parse(s).root) for s in sizes}
        for name in shown & set(values):
            assert values[name].isdigit() and int(values[name]) >= 1, (cid, name, values[name])
            checked.append((cid, name))
    assert len(checked) >= 10, checked  # the check reached real examples, not none


def _vector(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.strip("[]").split(",")])


def _result(action: str) -> str:
    match = re.search(r"it gives (\[[^\]]*\]|[^\s(]+?)\.?(?: \(|$)", action)
    assert match, action
    return match.group(1)


@pytest.mark.parametrize(("text", "mean", "ddof"), [
    (r"\sigma^2 = \frac{1}{n} \sum_{i=1}^{n} (x_i - \bar{x})^2", "x̄", 0),
    (r"\frac{1}{n} \sum_{i=1}^{n} (x_i - \mu)^2", "μ", 0),
    (r"s^2 = \frac{1}{n-1} \sum_{i=1}^{n} (x_i - \bar x)^2", "x̄", 1),
])
def test_the_mean_in_a_variance_is_the_mean_of_the_example(text: str, mean: str, ddof: int) -> None:
    action = explain(text).lenses["action"]
    values = given(action)
    x = _vector(values["x"])
    assert float(values[mean]) == pytest.approx(x.mean(), abs=5e-4)
    assert f"{mean} = {values[mean]} (the mean of x)" in action
    assert float(_result(action)) == pytest.approx(np.var(x, ddof=ddof), abs=5e-4)


def test_standardised_example_uses_the_statistics_of_its_values() -> None:
    action = explain(r"z = \frac{x - \mu}{\sigma}").lenses["action"]
    values = given(action)
    x = _vector(values["x"])
    assert float(values["μ"]) == pytest.approx(x.mean(), abs=5e-4)
    assert float(values["σ"]) == pytest.approx(x.std(), abs=5e-4)
    np.testing.assert_allclose(_vector(_result(action)), (x - x.mean()) / x.std(), atol=5e-3)
    assert "these add up to 0)" in action


def test_batch_norm_statistics_are_the_batch_statistics() -> None:
    action = explain(r"y_i = \gamma \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta").lenses["action"]
    values = given(action)
    x = _vector(values["x_i"])
    assert float(values["μ_B"]) == pytest.approx(x.mean(), abs=5e-4)
    assert float(values["σ_B"]) == pytest.approx(x.std(), abs=5e-4)
    assert "(the standard deviation of x_i)" in action


def test_weights_that_must_sum_to_one_do_in_the_example() -> None:
    action = explain(r"\sum_i \alpha_i x_i").lenses["action"]
    assert _vector(given(action)["α"]).sum() == pytest.approx(1, abs=2e-3)


def test_the_statistics_written_inside_a_root_are_computed_from_the_data() -> None:
    # σ is written inside √(σ² + ε): the template that writes the root binds σ itself (a template
    # binding the whole root to its σ would have to make σ up), so the example computes μ and σ
    action = explain(r"\hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}").lenses["action"]
    assert "(the mean of x)" in action and "(the standard deviation of x)" in action


def test_every_derived_name_of_the_catalog_gets_its_statistic() -> None:
    checked = 0
    for concept in concepts.catalog():
        for template in concept.formulas:
            if not template.derived:
                continue
            action = explain(template.equation).lenses["action"]
            if "For example" not in action:
                continue
            checked += 1
            for written, statistic, _ in template.derived:
                shown = to_unicode(parse(written).root).removesuffix("²")
                said = "standard deviation" if statistic == "variance" else statistic
                assert f"{shown} = " in action and f"(the {said} of " in action, (written, action)
    assert checked >= 5


def test_an_example_of_three_axes_is_written_as_rows_of_rows() -> None:
    # lil-log transformer-family:33 computes a 3-axis value (bold q_i k_j^T over i, j and the
    # vectors' own axis); formatting it raised TypeError
    text = (r"a_{ij} = \text{softmax}(\frac{\mathbf{q}_i {\mathbf{k}_j}^\top}{\sqrt{d_k}})"
            "\n" r"= \frac{\exp(\mathbf{q}_i {\mathbf{k}_j}^\top)}{ \sqrt{d_k} \sum_{r \in S_i} "
            r"\exp(\mathbf{q}_i {\mathbf{k}_r}^\top) }")
    explain(text)  # no exception
    cube = np.arange(8.0).reshape(2, 2, 2)
    assert fmt_value(cube) == "[[0, 1; 2, 3], [4, 5; 6, 7]]"
    assert fmt_value(np.ones((1, 1, 1, 2))) == "[[[1, 1]]]"
