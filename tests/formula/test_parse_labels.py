"""Superscripts that label a name rather than raise it to a power (``V^\\pi(s)``, the layer ``l``
of ``\\tilde y^l``), and the function a gradient is taken of (``\\nabla_{\\hat x} D(\\hat x)``):
each reading is a recorded decision that ``alternatives()`` turns around."""

from __future__ import annotations

import pytest

from thirdroad.formula import explain, parse
from thirdroad.formula.ast import Apply, Gradient, Node, Power, Symbol

BELLMAN = r"V^\pi(s) = \mathbb{E}_\pi\left[r_{t+1} + \gamma V^\pi(s_{t+1}) | s_t = s\right]"
DROPOUT_LAYER = r"z_i^{(l+1)} = \mathbf{w}_i^{(l+1)} \widetilde{\mathbf{y}}^l + b_i^{(l+1)}"
WGAN_GP = r"\lambda (\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2"


def _walk(node: Node) -> list[Node]:
    return list(node.walk())


@pytest.mark.parametrize(("text", "name", "label"), [
    (r"V^\pi(s)", "V", "pi"),
    (r"V^{\pi}(s)", "V", "pi"),
    (r"Q^\pi(s, a)", "Q", "pi"),
])
def test_a_greek_superscript_on_a_function_applied_to_arguments_is_a_label(text: str, name: str, label: str) -> None:
    f = parse(text)
    assert isinstance(f.root, Apply)
    func = f.root.func
    assert isinstance(func, Symbol) and func.name == name and func.sup == Symbol(label)
    assert "superscript-label" in [d.rule for d in f.decisions]
    flipped = [alt for d, alt in f.alternatives() if d.rule == "superscript-label"]
    assert flipped and any(isinstance(n, Power) for n in _walk(flipped[0].root))


def test_the_bellman_equation_reads_the_value_of_the_policy() -> None:
    order = explain(BELLMAN).lenses["reading_order"]
    assert "to the power π" not in order and "apply V^(π) to s_(t+1)" in order


def test_a_letter_that_labels_the_other_names_is_a_label_on_a_name_too() -> None:
    f = parse(DROPOUT_LAYER)
    tilde = [n for n in _walk(f.root) if isinstance(n, Symbol) and n.accent == "tilde"]
    assert tilde and tilde[0].sup == Symbol("l")
    assert not [n for n in _walk(f.root) if isinstance(n, Power)]
    assert "to the power l" not in explain(DROPOUT_LAYER).lenses["reading_order"]
    assert any(isinstance(n, Power) for _, alt in f.alternatives() for n in _walk(alt.root))


@pytest.mark.parametrize("text", [
    "x^2", "e^{x}", r"\beta^t", r"\hat m^{(t)} = m^{(t)} / (1 - \beta_1^t)", r"A^k (x - y)", r"x^n (1 - x)",
    r"e^x(1+x)", r"P(y) = p^y (1 - p)^{1 - y}",
])
def test_powers_stay_powers(text: str) -> None:
    assert any(isinstance(n, Power) for n in _walk(parse(text).root))


def test_the_gradient_of_a_function_of_the_variable_it_is_taken_with_respect_to() -> None:
    f = parse(r"\nabla_{\hat x} D(\hat x)")
    assert isinstance(f.root, Gradient) and isinstance(f.root.expr, Apply)
    assert f.root.expr.func == Symbol("D") and f.root.wrt == Symbol("x", accent="hat")
    ((_, alt),) = [(d, a) for d, a in f.alternatives() if d.rule == "function-application"]
    assert not isinstance(alt.root, Gradient)  # turned around: the gradient of D, times x̂
    words = explain(WGAN_GP).formula.root
    assert any(isinstance(n, Gradient) and isinstance(n.expr, Apply) for n in words.walk())


def test_a_gradient_before_a_bracket_without_its_variable_keeps_the_product() -> None:
    f = parse(r"\nabla_W a (b + c)")
    assert not any(isinstance(n, Gradient) and isinstance(n.expr, Apply) for n in f.root.walk())


def test_a_labelled_function_reads_back_as_written() -> None:
    f = parse(BELLMAN)
    assert parse(f.latex, notation="latex") == f
