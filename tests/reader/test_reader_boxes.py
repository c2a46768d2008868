"""The boxes drawn on a formula say what each boxed part is, part names included."""

from __future__ import annotations

import re

from thirdroad import concepts
from thirdroad.formula import explain
from thirdroad.formula.explanation.html import formula_mathml


def test_a_box_that_is_one_part_of_a_concept_is_titled_with_that_part() -> None:
    text = r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V"
    explained = explain(text)
    names = {c.id: c.name for c in concepts.catalog()}
    titles = re.findall(r'title="([^"]*)"', formula_mathml(explained))
    whole = names["scaled_dot_product_attention"]
    assert titles.count(whole) == 1, titles  # the whole right-hand side, once
    assert f"{whole}: scaled scores" in titles, titles  # the inner fraction is its scores
    boxes = re.findall(r'data-node="([\d.]+)" class="chunk" data-chunk="\d+" data-concept="([^"]*)"',
                       formula_mathml(explained))
    assert {path for path, _ in boxes} == {c.path for c in explained.chunks}
