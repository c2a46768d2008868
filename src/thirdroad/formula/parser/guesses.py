"""Notation guesses the grammar cannot settle alone, each by a written rule.

- ``f(x)``: a function applied, or a name times a bracket (rules function-application and
  implicit-product), helped by what the whole block shows: names applied to several arguments
  or defined as ``f(x) = ...`` are functions everywhere in it;
- ``x = βx + g``: an update, or an equation to solve (rule update);
- ``x_1 + x_2 + … + x_n``: the sum it abbreviates (rule ellipsis).
"""

from __future__ import annotations

from thirdroad.formula.ast import (
    BigOp,
    Neg,
    Node,
    Number,
    Product,
    Relation,
    Span,
    Sum,
    Symbol,
    Update,
    variables,
)
from thirdroad.formula.parser.cursor import Cursor, is_op
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import ACCENTS, FONTS, FUNCTION_LETTERS, GREEK_SET, WORD_FUNCTIONS
from thirdroad.formula.tokens import Token

FUNCTION_APPLICATION = Rule(
    "function-application",
    "f(x) applies f to x when f is a known function (exp, softmax, σ ...), a name given by "
    "\\text or \\operatorname, a word of three or more letters, a letter that deep-learning "
    "texts use for functions (f g p q L J E F ...), or a name applied to several arguments "
    "elsewhere in the same block",
    other="the name times the bracket",
)
IMPLICIT_PRODUCT = Rule(
    "implicit-product",
    "x(a+b) is x times (a+b) when x is none of those: an ordinary variable",
    other="the name applied to the bracket",
)
UPDATE = Rule(
    "update",
    "x = ... with x (or its earlier step x_{t-1}) on the right-hand side is an update, "
    "not an equation to solve; ← and := are always updates",
    other="an equation to solve",
)
ELLIPSIS = Rule(
    "ellipsis",
    "x_1 + x_2 + … + x_n, one name with a subscript counting up to the dots and one after them, "
    "is the sum it abbreviates, Σ_{i=1}^{n} x_i",
    other="the terms as written, … as a name",
)

_DOTS = ("dots", "ldots", "cdots")


def _step_before(index: Node) -> Node:
    return Sum((index, Neg(Number("1"))))


def _earlier_or_same(node: Symbol, target: Symbol) -> bool:
    """``x``, ``x_{t-1}`` or ``x^{(t-1)}`` against the target ``x``, ``x_t``, ``x^{(t)}``."""
    if (node.name, node.font, node.accent) != (target.name, target.font, target.accent):
        return False
    same_sub = node.sub == target.sub or (
        len(target.sub) == 1 and node.sub == (_step_before(target.sub[0]),))
    same_sup = node.sup == target.sup or (
        target.sup is not None and node.sup == _step_before(target.sup))
    return same_sub and same_sup


def _is_update(target: Node, value: Node) -> bool:
    if not isinstance(target, Symbol):
        return False
    differentials = {
        id(f.factors[k + 1])
        for f in value.walk()
        if isinstance(f, Product) and f.op == ""
        for k in range(len(f.factors) - 1)
        if isinstance(f.factors[k], Symbol) and f.factors[k].name == "d"  # type: ignore[attr-defined]
    }  # the W of "d W" is part of the gradient dW, not a use of W
    return any(
        _earlier_or_same(node, target)
        for node in variables(value)
        if id(node) not in differentials
    )


def _ellipsis_sum(terms: list[Node], span: Span) -> BigOp | None:
    """``x_1 + x_2 + … + x_n`` as the sum it abbreviates, ``Σ_{i=1}^{n} x_i``: the same name with
    one subscript in every term, counting up from a number before the dots, ending after them."""
    dots = [k for k, t in enumerate(terms) if isinstance(t, Symbol) and t.name in _DOTS and not t.sub]
    if len(dots) != 1 or dots[0] == 0 or dots[0] != len(terms) - 2:
        return None
    named = terms[: dots[0]] + terms[dots[0] + 1 :]
    first = named[0]
    if not isinstance(first, Symbol) or first.sup is not None or first.prime or len(first.sub) != 1:
        return None
    start = first.sub[0]
    for k, t in enumerate(named):
        if not (isinstance(t, Symbol) and (t.name, t.font, t.accent) == (first.name, first.font, first.accent)
                and t.sup is None and not t.prime and len(t.sub) == 1):
            return None
        if k < len(named) - 1:
            sub = t.sub[0]
            if not (isinstance(sub, Number) and isinstance(start, Number) and sub.value.isdigit()
                    and start.value.isdigit() and int(sub.value) == int(start.value) + k):
                return None
    last = named[-1].sub[0]  # type: ignore[attr-defined]
    taken = {first.name} | ({last.name} if isinstance(last, Symbol) else set())
    index = Symbol(next(c for c in "ijkm" if c not in taken), span=span)
    body = Symbol(first.name, first.font, first.accent, (index,), span=span)
    return BigOp("sum", body, Relation(("eq",), (index, start), span=span), last, span=span)


class Guesses(Cursor):
    """Function or product, update or equation, a sum written out with dots."""

    @FUNCTION_APPLICATION.hook
    @IMPLICIT_PRODUCT.hook
    def is_function(self, sym: Symbol) -> bool:
        """Rule function-application (or implicit-product) for a name before a bracket."""
        name = sym.name
        if name in WORD_FUNCTIONS or name in self.functions:
            return True
        shown = self.src(sym.span) or name
        applied = (f"{shown} applied to the bracket", FUNCTION_APPLICATION)
        times = (f"{shown} times the bracket", IMPLICIT_PRODUCT)
        default = name in FUNCTION_LETTERS or (len(name) >= 2 and name not in GREEK_SET) or \
            self._takes_gradient_variable(sym) or (sym.sup is not None and sym.span[0] in self.labelled_functions)
        chosen, other = (applied, times) if default else (times, applied)
        if self.flipped(chosen[1], sym.span):
            chosen, other = other, chosen
        self.decide(chosen[1], sym.span, chosen[0], other[0])
        return chosen is applied

    def _takes_gradient_variable(self, sym: Symbol) -> bool:
        """``\\nabla_{\\hat x} D(\\hat x)``: the name ∇_x is taken of, before a bracket that holds x,
        is the function whose gradient is meant (WGAN-GP's critic D), not D times x̂."""
        names = self.gradient_of.get(sym.span[0])
        if not names or not self.at_op("("):
            return False
        depth = 0
        for tok in self.toks[self.i:]:
            if is_op(tok, "(", "[", "{"):
                depth += 1
            elif is_op(tok, ")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return False
            elif tok.value in names:
                return True
        return False

    def _prescan_functions(self) -> set[str]:
        """Names applied to several arguments, or defined as f(x) = ..., anywhere in the
        block are functions everywhere in it (rule function-application)."""
        found: set[str] = set()
        toks = self.toks
        stack: list[tuple[int, bool]] = []
        braces: dict[int, int] = {}  # the index of each '}' -> its '{'
        open_braces: list[int] = []
        for j, tok in enumerate(toks):
            if is_op(tok, "{"):
                open_braces.append(j)
            elif is_op(tok, "}") and open_braces:
                braces[j] = open_braces.pop()
        for j, tok in enumerate(toks):
            if tok.kind == "cmd" and tok.value == "mid" and stack:
                stack[-1] = (stack[-1][0], True)
            if tok.kind != "op":
                continue
            if tok.value in ("(", "[", "{"):
                stack.append((j, False))
            elif tok.value in (",", "|") and stack:
                # p(x, z) and p(x | z): several arguments, or a condition
                stack[-1] = (stack[-1][0], True)
            elif tok.value in (")", "]", "}") and stack:
                opened, comma = stack.pop()
                if toks[opened].value != "(" or opened == 0:
                    continue
                name_tok = self._applied_name(opened, braces)
                if name_tok is None or name_tok.kind not in ("letter", "cmd", "word"):
                    continue
                after = toks[j + 1] if j + 1 < len(toks) else toks[-1]
                if comma or is_op(after, "=", ":="):
                    found.add(name_tok.value)
        return found

    def _applied_name(self, opened: int, braces: dict[int, int]) -> Token | None:
        """The name a '(' at ``opened`` follows, looking back over its scripts and font:
        \\pi_\\theta(, q_{\\phi}(, \\mathcal{N}(."""
        toks = self.toks
        k = opened - 1
        while k >= 0:
            tok = toks[k]
            if is_op(tok, "}") and k in braces:
                start = braces[k]
                before = toks[start - 1] if start > 0 else None
                if before is not None and before.kind == "cmd" and (
                    before.value in FONTS or before.value in ACCENTS or before.value == "mathrm"
                ):
                    return toks[start + 1] if start + 1 < k else None
                k = start - 1
                if k >= 0 and is_op(toks[k], "_", "^"):
                    k -= 1
                    continue
                return None
            if k >= 1 and is_op(toks[k - 1], "_", "^"):
                k -= 2  # a one-token script
                continue
            return tok
        return None

    def _prescan_label_letters(self) -> frozenset[str]:
        """The letters inside bracketed superscript labels (``w^{(l+1)}``, ``h^{(t)}``) anywhere in
        the block: the same letter alone as a superscript (``\\tilde y^l``) is that label too."""
        found: set[str] = set()
        toks = self.toks
        for j, tok in enumerate(toks):
            if not is_op(tok, "^"):
                continue
            k = j + 1 + (1 if is_op(toks[j + 1], "{") else 0)
            if not is_op(toks[k], "("):
                continue
            depth = 0
            for inner in toks[k:]:
                if is_op(inner, "(", "[", "{"):
                    depth += 1
                elif is_op(inner, ")", "]", "}"):
                    depth -= 1
                    if depth == 0:
                        break
                elif inner.kind == "letter" and len(inner.value) == 1:
                    found.add(inner.value)
                elif inner.kind == "eof":
                    break
        return frozenset(found)

    @UPDATE.hook
    def update_or_equation(self, left: Node, right: Node, span: Span) -> Node | None:
        """``left = right`` as an update of ``left`` when ``left`` (or its earlier step) is used on
        the right; None when it stays an equation."""
        if not _is_update(left, right):
            return None
        if self.flipped(UPDATE, span):
            self.decide(UPDATE, span, "an equation", f"an update of {self.src(left.span)}")
            return None
        self.decide(UPDATE, span, f"an update of {self.src(left.span)}", "an equation to solve")
        return Update(left, right, "eq", span=span)

    @ELLIPSIS.hook
    def spelled_out_sum(self, terms: list[Node], span: Span) -> Node | None:
        """``x_1 + x_2 + … + x_n`` as ``Σ_{i=1}^{n} x_i``; None when the terms are not such a run
        (or the decision is turned)."""
        spelled = _ellipsis_sum(terms, span)
        if spelled is None:
            return None
        if self.flipped(ELLIPSIS, span):
            self.decide(ELLIPSIS, span, "the terms as written, … as a name",
                        "a sum over every term from the first to the last")
            return None
        self.decide(ELLIPSIS, span, "a sum over every term from the first to the last",
                    "the terms as written, … as a name")
        return spelled
