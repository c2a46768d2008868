"""The "what it does" lens computes a small example: sizes in it are whole numbers that fit the
example arrays (d_k = 3 for 3-wide keys, never 0.5), and the result is computed with them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from thirdroad import concepts
from thirdroad.formula import parse
from thirdroad.formula.explain import explain
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
    (r"\frac{x_1 + \dots + x_n}{n}", "n", "0.5"),               # x_1, …, x_n: n terms
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
