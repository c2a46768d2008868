"""Hypothesis strategies that write random LaTeX formulas (and random token soup)."""

from __future__ import annotations

from hypothesis import strategies as st

ATOMS = [
    "x", "y", "W", "b", "h_t", "h_{t-1}", "x_i", "x_{ij}", r"\alpha", r"\beta_1", r"\theta",
    r"\hat{m}_t", r"\mathbf{W}", r"\bar{h}_s", r"\tilde{h}", "h^{(l)}", "0", "1", "2", "0.9",
    "1e-8", r"\epsilon", r"\mathcal{L}", "x'", r"\mathrm{dW}", r"\infty", "n", "e",
]

UNARY = [
    "-{a}", r"\sqrt{{{a}}}", r"\exp({a})", r"\log({a})", r"\tanh({a})", r"\sigma({a})",
    "({a})", "|{a}|", r"\|{a}\|_2", "{{{a}}}^T", "{{{a}}}^{{-1}}", r"\sum_{{j}} {{{a}}}",
    r"\max_{{i}} {{{a}}}", r"\nabla_\theta {{{a}}}", r"\mathbb{{E}}[{a}]",
    r"\frac{{\partial {{{a}}}}}{{\partial x}}", r"\mathrm{{softmax}}({a})", "f({a})",
    r"\operatorname{{score}}({a})", "{{{a}}}^2", r"\sin {a}",
]
BINARY = [
    "{a} + {b}", "{a} - {b}", "{a} {b}", r"{a} \cdot {b}", r"{a} \odot {b}", r"\frac{{{a}}}{{{b}}}",
    "{{{a}}}^{{{b}}}", "[{a}; {b}]", "[{a}, {b}]", "f({a}, {b})", r"\max({a}, {b})", "{a} / {b}",
    r"{a} \otimes {b}", "({a}, {b})", r"\begin{{pmatrix}} {a} & {b} \\ {b} & {a} \end{{pmatrix}}",
    r"\begin{{cases}} {a} & x > 0 \\ {b} & \text{{otherwise}} \end{{cases}}",
    "{a} = {b}", r"{a} \leftarrow {b}", r"{a} \approx {b}", r"{a} \le {b}",
]


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    unary = st.tuples(st.sampled_from(UNARY), children).map(lambda t: t[0].format(a=t[1]))
    binary = st.tuples(st.sampled_from(BINARY), children, children).map(
        lambda t: t[0].format(a=t[1], b=t[2])
    )
    return unary | binary


formulas = st.recursive(st.sampled_from(ATOMS), _combine, max_leaves=12)

TOKENS = [
    "x", "y", "W", "1", "2", "0.5", " ", "+", "-", "*", "/", "=", "^", "_", "(", ")", "[", "]",
    "{", "}", "|", ",", ";", "'", "!", "&", r"\\", r"\frac", r"\sqrt", r"\sum", r"\alpha",
    r"\beta", r"\cdot", r"\odot", r"\left(", r"\right)", r"\|", r"\mathbf", r"\hat", r"\exp",
    r"\log", r"\max", r"\nabla", r"\partial", r"\mathbb{E}", r"\leftarrow", r"\text{ for }",
    r"\begin{pmatrix}", r"\end{pmatrix}", r"\begin{cases}", r"\end{cases}", "θ", "←", "−",
    "²", "ᵢ", "√", "‖", "∑", "∇", "·", "softmax", "score", "dW", "T", r"\top", "e", "<", r"\in",
    r"\sim", r"\quad", r"\operatorname{relu}", r"\arg", r"\min", "\u2212", "—",
]
soup = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map("".join)
