"""An operator written with its limits names the concept the catalog knows by its name (issue 11,
recall): argmax and argmin whatever they range over, and in the braces old LaTeX puts them in."""

from __future__ import annotations

import pytest

from thirdroad import explain
from thirdroad.formula.ast import BigOp
from thirdroad.formula.reading import parse


@pytest.mark.parametrize(("text", "concept"), [
    (r"\hat{c} = \arg\max_{c} p(c \mid x, \theta)", "argmax"),  # a classifier's decision
    (r"\hat{y} = \operatorname{argmax}_k s_k", "argmax"),
    (r"y^{*} = {\rm argmax}_{k} P(Y = k \mid x, W, b)", "argmax"),
    (r"\check{z} = \text{argmin}_{z} E(x, y, z)", "argmin"),  # an energy model's inference
    (r"\hat{k} = \underset{k}{\arg\min} \| x - \mu_k \|^2", "argmin"),  # the nearest centre
    (r"z^{*} = {\operatorname{argmin}}_{z} F(z)", "argmin"),
])
def test_argmax_and_argmin_are_named_by_their_operator(text: str, concept: str) -> None:
    assert concept in explain(text).concepts


@pytest.mark.parametrize("text", [r"m = \max_k s_k", r"e = \min_{z} E(x, z)", r"s = {\sum}_i x_i"])
def test_the_value_of_the_best_is_no_argmax(text: str) -> None:
    assert not explain(text).concepts & {"argmax", "argmin"}


def test_a_braced_operator_takes_the_limits_after_the_braces() -> None:
    root = parse(r"{\rm argmax}_k x_k").root
    assert isinstance(root, BigOp) and root.op == "argmax"
    assert not isinstance(parse(r"{x}_k").root, BigOp)
