"""The written rules that settle ambiguous notation, and the record of each use.

When a piece of notation can be read two ways, the parser applies one of these rules and
adds a :class:`Decision` to the formula, so the explanation can say which rule decided and
what the other reading would have been. Where both readings stay plausible (function or
product, transpose or power T, inverse or power -1, label or power, concatenation or interval,
update or equation, dW or d times W, ΔW or Δ times W, β1 as β₁ or β times 1),
``Formula.alternatives()`` gives the other tree too.
``python -m thirdroad.formula.rules`` prints the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from thirdroad.formula.ast import Span

RULES: dict[str, str] = {
    "function-application": (
        "f(x) applies f to x when f is a known function (exp, softmax, σ ...), a name given by "
        "\\text or \\operatorname, a word of three or more letters, a letter that deep-learning "
        "texts use for functions (f g p q L J E F ...), or a name applied to several arguments "
        "elsewhere in the same block"
    ),
    "implicit-product": (
        "x(a+b) is x times (a+b) when x is none of those: an ordinary variable"
    ),
    "function-argument": (
        "an argument without brackets runs over the following factors and stops at the next "
        "function, big operator or explicit operator: \\sin x \\cos y is sin(x)·cos(y), "
        "\\log p(x) is log(p(x))"
    ),
    "single-token-argument": (
        "\\sqrt, \\frac, ^ and _ without braces take one character or one command: "
        "\\sqrt s + \\epsilon is sqrt(s) + ε, x^23 is x² times 3"
    ),
    "bare-word": (
        "a run of letters is one name when it is a known word (softmax, score, ReLU, Var) or a "
        "spelled Greek letter (beta), or when it is applied like a function; otherwise it is a "
        "product of one-letter names (Wx is W times x). In ASCII every run is one name, except two "
        "letters of mixed case (xA, Wx: two names; dW stays the gradient), and sum_j, prod_j and "
        "a bare log x, exp x, which are the big operator and the function as in LaTeX"
    ),
    "ascii-digits": "in ASCII, digits ending a name are its subscript: beta1 is β₁",
    "ellipsis": (
        "x_1 + x_2 + … + x_n, one name with a subscript counting up to the dots and one after them, "
        "is the sum it abbreviates, Σ_{i=1}^{n} x_i"
    ),
    "plain-digits": (
        "in text copied from a rendered page, digits right after a Greek letter or a single "
        "letter are its lost subscript: β1 is β₁, W1 is W₁ (2x, x 2, 10^3 and \\beta1 in LaTeX "
        "stay products and numbers); σ2 is the variance σ², whose raised 2 the copy lowered"
    ),
    "differential": (
        "dW is one name, the gradient of the loss with respect to W, when W is updated in the same "
        "block, or when dW is written as one word and W is a capital, a name used elsewhere or "
        "sits beside such a gradient (dZ; dx next to x; db next to dZ); it stays d times W inside "
        "an integral (\\int f(x) dx), with a space or an operator between (d \\cdot W), or when d "
        "stands alone elsewhere as a variable"
    ),
    "delta-change": (
        "ΔW is one name, the change in W (like dW), when Δ has no script and stands right before "
        "a name; it stays Δ times W where Δ also stands alone in the block as a name of its own "
        "(\\Delta = A - B), or with an operator between (\\Delta \\cdot W)"
    ),
    "update": (
        "x = ... with x (or its earlier step x_{t-1}) on the right-hand side is an update, "
        "not an equation to solve; ← and := are always updates"
    ),
    "bilinear-form": "x^T W y is the bilinear form (xᵀ)·W·y, one product of three factors",
    "transpose": (
        "^T and ^\\top mean transpose, except ^T on a number or a lowercase Greek letter, "
        "which is a power"
    ),
    "inverse": (
        "^{-1} on a capital or bold letter is a matrix inverse; on anything else it is the power -1"
    ),
    "superscript-label": (
        "a superscript in parentheses (h^{(t)}), a star (θ^*), a word, or Q K V O on a capital "
        "W (W^Q) is part of the name, not a power"
    ),
    "juxtaposition": (
        "factors side by side bind tighter than \\cdot, \\times, \\odot, \\otimes: a \\odot b c is "
        "a ⊙ (b c); named products then go left to right"
    ),
    "slash-division": (
        "a / b c is (a / b) · c: the slash divides by the one factor after it, left to right"
    ),
    "max-as-function": "\\max(a, b) with brackets and no limits is a function of its arguments",
    "sigma-sum": (
        "Σ (capital sigma) with a subscript is the sum sign; alone it is the matrix Σ"
    ),
    "nabla-subscript": (
        "in pasted text, ∇θJ(θ) has lost its subscript: the letter after ∇ is what the "
        "gradient is taken with respect to"
    ),
    "bracket-concat": (
        "[a; b] and [a, b] with names inside are concatenations; [0, 1] with numbers is an "
        "interval"
    ),
    "derivative-fraction": "dL/dW and ∂L/∂W are derivatives, not ratios",
    "conditional-bar": (
        "a bar inside brackets with no open |...| means 'given': p(v | h); a lone double bar "
        "there separates two distributions: D(p ‖ q)"
    ),
    "expectation": "E[...] and \\mathbb{E}_{x∼p}[...] are expectations",
    "separate-statements": (
        "\\\\, ; and \\quad at the top level, and commas between equations, separate statements"
    ),
    "euler-e": "e as the base of a power is Euler's number, unless e is defined in the block",
    "time-step": (
        "when x_t is computed from x_{t-1}, both are the same variable before and after one step"
    ),
}


@dataclass(frozen=True, slots=True)
class Decision:
    """One use of a rule: which rule, where, what was chosen and what was not."""

    rule: str
    span: Span
    chosen: str
    alternative: str = ""

    def describe(self) -> str:
        text = f"{self.rule}: read as {self.chosen}"
        if self.alternative:
            text += f" (not {self.alternative})"
        return text


def rules_table() -> str:
    """The rule table as plain text, one rule a paragraph."""
    return "\n".join(f"{rule}\n    {text}" for rule, text in RULES.items())


if __name__ == "__main__":
    print(rules_table())
