"""Renderers: canonical LaTeX reads back to the same tree; MathML, tree, words, JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given

from thirdroad.formula import FormulaError, parse
from thirdroad.formula.ast import node_at, paths, strip_spans

from .strategies import formulas, soup

EXAMPLES = [
    r"v \leftarrow \beta v + (1-\beta) g",
    r"\hat{m}_t = \frac{m_t}{1-\beta_1^t}",
    r"\alpha_{ts} = \frac{\exp(\mathrm{score}(h_t, \bar{h}_s))}{\sum_{s'} \exp(\mathrm{score}(h_t, \bar{h}_{s'}))}",
    r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\mathbb{E}_{x \sim p}[\log q(x)]",
    r"\|x\|_2^2 + |y| - \sqrt[3]{z}",
    r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}^{-1}",
    "θ ← θ − η∇θJ(θ)",
    "W = W - alpha * dW / sqrt(s + eps)",
    r"E(v, h) = -a^T v - b^T h - v^T W h",
    r"\text{for } t = 1, \dots, T \text{ do}",
    r"\frac{\partial^2 L}{\partial x \partial y} + \nabla_\theta L",
    r"\Delta w_{ij} = \epsilon (\langle v_i h_j \rangle_{\text{data}} - \langle v_i h_j \rangle_{\text{recon}})",
    r"(a + b)_i + \langle x, y \rangle",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_canonical_latex_reads_back_to_the_same_tree(text: str) -> None:
    f = parse(text)
    again = parse(f.latex, notation="latex")
    assert again == f
    assert again.latex == f.latex  # canonical: a fixed point


@given(formulas)
def test_latex_round_trip_on_generated_formulas(text: str) -> None:
    try:
        f = parse(text, notation="latex")
    except FormulaError:
        return
    assert parse(f.latex, notation="latex") == f, f.latex


@given(soup)
def test_latex_round_trip_on_token_soup(text: str) -> None:
    try:
        f = parse(text)
    except FormulaError:
        return
    assert parse(f.latex, notation="latex") == f, (text, f.latex)


def _mathml(text: str) -> ET.Element:
    markup = parse(text).to_mathml()
    return ET.fromstring(markup)


@pytest.mark.parametrize("text", EXAMPLES)
def test_mathml_is_well_formed_and_marks_every_node(text: str) -> None:
    f = parse(text)
    root = ET.fromstring(f.to_mathml())
    assert root.tag == "math"
    marked = {el.get("data-node"): el.get("data-span") for el in root.iter() if el.get("data-node")}
    expected = {path: f"{n.span[0]},{n.span[1]}" for path, n in paths(f.root)}
    assert marked == expected


def test_mathml_node_ids_find_the_node() -> None:
    f = parse(r"y = \mathrm{softmax}(W x + b)")
    markup = f.to_mathml()
    for path in re.findall(r'data-node="([0-9.]+)"', markup):
        node = node_at(f.root, path)
        assert node.kind
    assert "<mfrac" not in markup and "softmax" in markup


@pytest.mark.parametrize(("text", "shown"), [
    (r"\langle x, y \rangle", "⟨x,y⟩"),
    (r"(a + b)_{i}", "(a+b)i"),
    (r"\langle v_i h_j \rangle_{\text{data}}", "⟨vihj⟩data"),
])
def test_the_readers_own_functions_are_drawn_as_notation_not_as_their_names(text: str, shown: str) -> None:
    """⟨x, y⟩ and (a + b)_i are read into nodes the reader names (inner, index); the page shows the
    brackets and the subscript, never those names."""
    root = _mathml(text)
    assert re.sub("[\u2061\u2062]", "", "".join(root.itertext())) == shown  # invisible application, times


def test_mathml_uses_core_elements() -> None:
    root = _mathml(r"\frac{\sqrt{x}}{\sum_{j=1}^n y_j^2}")
    tags = {el.tag for el in root.iter()}
    assert {"mfrac", "msqrt", "munderover", "msubsup"} <= tags or {"mfrac", "msqrt", "munderover"} <= tags


def test_pretty_tree_shows_precedence() -> None:
    tree = parse(r"v \leftarrow \beta v + (1-\beta) g").tree()
    assert tree.splitlines() == [
        "update ←",
        "├── v",
        "└── sum",
        "    ├── product",
        "    │   ├── β",
        "    │   └── v",
        "    └── product",
        "        ├── sum",
        "        │   ├── 1",
        "        │   └── neg",
        "        │       └── β",
        "        └── g",
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (r"v \leftarrow \beta v + (1-\beta) g", "v becomes β times v plus (1 minus β) times g"),
        (r"\sigma(x) = \frac{1}{1+e^{-x}}", "σ of x equals 1 divided by (1 plus e to the power (minus x))"),
        (r"\sqrt{x^2}", "the square root of x squared"),
        (r"\sum_j x_j", "the sum over j of x_j"),
        (r"\nabla_\theta J", "the gradient of J with respect to θ"),
        (r"\frac{\partial L}{\partial W}", "the partial derivative of L with respect to W"),
        (r"\mathbb{E}_{x \sim p}[x]", "the expected value of x, over x is drawn from p"),
    ],
)
def test_plain_words(text: str, words: str) -> None:
    assert parse(text).to_words() == words


def test_json_carries_everything_and_round_trips_through_json() -> None:
    f = parse("(s = beta s + (1- beta) dw^2 w = w – alpha fraud {dw} { sqrt s} )")
    data = json.loads(f.to_json())
    assert data["notation"] == "mangled"
    assert data["latex"] == f.latex
    assert data["tree"] == strip_spans(f.root)
    assert data["repairs"] and all({"what", "span", "why", "confidence"} <= set(r) for r in data["repairs"])
    assert {d["rule"] for d in data["decisions"]} >= {"differential", "update"}
