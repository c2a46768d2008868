"""Notation guesses the grammar cannot settle alone, each by a written rule.

- ``f(x)``: a function applied, or a name times a bracket (rules function-application and
  implicit-product), helped by what the whole block shows: names applied to several arguments
  or defined as ``f(x) = ...`` are functions everywhere in it;
- ``x = βx + g``: an update, or an equation to solve (rule update);
- ``x_1 + x_2 + … + x_n``: the sum it abbreviates (rule ellipsis).
"""

from __future__ import annotations

import itertools
import re

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
    Tuple,
    Update,
    variables,
)
from thirdroad.formula.lexer import Token
from thirdroad.formula.parser.cursor import Cursor, is_op
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import (
    ACCENTS,
    FONTS,
    FUNCTION_LETTERS,
    GREEK_SET,
    TEXT_COMMANDS,
    WORD_FUNCTIONS,
    WORD_NAMES,
)

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

PLAIN_SUBSCRIPT = Rule(
    "plain-subscript",
    "in plain text, a subscript written with _ and no brackets takes the whole run of letters "
    "and digits after it, with a prime written right after it: α_ts is α with the indices t and "
    "s, h_t1 is h_{t1}, h̄_s' is h̄_{s'}; in LaTeX x_ts stays x_t times s",
    other="the first character alone as the subscript",
)

BRACKET_INDEX = Rule(
    "bracket-index",
    "x[i] written right after a name is the entry i of x (p[y] is p_y): in plain text as in code, "
    "and in LaTeX for a name that is not a function, except a single letter before one name "
    "other than a small Latin letter before another (W[x] may be W times [x]; x[0], x[y], "
    "h[t-1] and \\text{padding}[d] are entries); after a function (f[x, φ], L[φ], Var[x]) or a "
    "word before several items (\\mbox{ELBO}[θ, φ]) square brackets hold its arguments; with a "
    "space before them or several items inside they stay a factor of their own ([h, x] is a "
    "concatenation)",
    other="the name times the bracket",
)
DIVERGENCE_BAR = Rule(
    "divergence-bar",
    "inside a function's brackets a lone double bar separates its two arguments: D_KL(P ‖ Q) is "
    "the divergence D_KL of P and Q, not 'P is parallel to Q'",
)

_DOTS = ("dots", "ldots", "cdots")
_OPENERS = frozenset({"(", "[", "{", "\\{"})
_CLOSING = frozenset({")", "]", "}", "\\}"})
def _small_latin(name: str) -> bool:
    return len(name) == 1 and "a" <= name <= "z"


_ADJACENT = re.compile(r"\}*(?:\\(?:left|[bB]igg?l?))?")  # nothing but braces or a size between
_RUN_KINDS = ("letter", "word", "num")


def _is_name(tok: Token) -> bool:
    return tok.kind == "letter" or (tok.kind == "cmd" and tok.value in GREEK_SET)


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
            self._takes_gradient_variable(sym) or (sym.sup is not None and sym.span[0] in self.labelled_functions) \
            or self.bracket_shape(self.i)[1] == 1 \
            or self._slot_follows()  # D_KL(P ‖ Q): a divergence of two arguments; f(·): a function
        chosen, other = (applied, times) if default else (times, applied)
        if self.flipped(chosen[1], sym.span):
            chosen, other = other, chosen
        self.decide(chosen[1], sym.span, chosen[0], other[0])
        return chosen is applied

    def _slot_follows(self) -> bool:
        """``f(\\cdot)``, ``S(.)``: the bracket holds only the slot of an argument."""
        inside, close = self.peek(1), self.peek(2)
        return inside.kind == "cmd" and inside.value in ("cdot", "cdotp", "bullet") and is_op(close, ")")

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

    def bracket_shape(self, j: int) -> tuple[int, int, int, int]:
        """For the bracket opened at token ``j``: its top-level separators (, and ;), its top-level
        double bars (one alone separates a divergence's arguments: D(P ‖ Q)), the index of the
        token that closes it (0 when nothing does), and its top-level single bars."""
        if self._shapes is None:
            self._shapes = {}
            stack: list[list[int]] = []
            for k, (kind, value, _, _, font) in enumerate(self.toks):
                if kind == "delim":
                    if stack and not font:
                        stack[-1][2] += 1
                elif kind != "op":
                    continue
                elif value in _OPENERS:
                    stack.append([k, 0, 0, 0])
                elif value in _CLOSING:
                    if stack:
                        k0, seps, bars, singles = stack.pop()
                        self._shapes[k0] = (seps, bars, k, singles)
                elif stack and value in (",", ";"):
                    stack[-1][1] += 1
                elif stack and value == "|" and not font:
                    stack[-1][3] += 1
        return self._shapes.get(j, (0, 0, 0, 0))

    def bars_pair_up(self) -> bool:
        """Inside brackets a bar means 'given' (p(v | h)), unless the bracket's bars come in pairs:
        (2 E|X − Y| − E|X − X′|) holds absolute values."""
        if not self.open_brackets:
            return False
        singles = self.bracket_shape(self.open_brackets[-1])[3]
        return singles >= 2 and singles % 2 == 0

    def double_bars_pair_up(self) -> bool:
        """Inside brackets a lone double bar separates a divergence's arguments (D(P ‖ Q)); where
        the bracket's double bars come in pairs they hold norms: (λ ‖v − u‖²), [‖a‖ + ‖b‖]."""
        if not self.open_brackets:
            return False
        doubles = self.bracket_shape(self.open_brackets[-1])[1]
        return doubles >= 2 and doubles % 2 == 0

    @BRACKET_INDEX.hook
    def square_bracket_after(self, sym: Symbol) -> str | None:
        """What ``[`` right after the name ``sym`` opens: "apply" (its arguments), "index" (an
        entry of it), or None (a factor of its own)."""
        tok = self.peek()
        adjacent = bool(_ADJACENT.fullmatch(self.text[sym.span[1] : tok.start]))  # x[i], \\text{stride}[0]
        seps, bars, close, _ = self.bracket_shape(self.i)
        if bars == 1:
            return "apply"  # D_{KL}\Bigl[q \Bigl|\Bigr| p\Bigr]: a divergence of two arguments
        then = self.toks[close + 1] if close else tok
        function = sym.name in WORD_FUNCTIONS or (adjacent and is_op(then, "_")) or (
            self.notation == "latex" and adjacent and (sym.name in self.functions or sym.name in FUNCTION_LETTERS
                                                       or self._upright_letter_applied(sym, close)))
        if function or (adjacent and seps and len(sym.name) > 1 and sym.name not in WORD_NAMES):
            return "apply"  # Var[x]; f[x, φ]; RMS[g]_t, a function's value at step t; \mbox{ELBO}[θ, φ]
        if not adjacent or seps or (self.notation == "latex" and len(sym.name) == 1 and self._one_name_inside(close)
                                    and not self._entry_by_index(sym, close)):
            return None
        span = (sym.span[0], tok.end)
        if self.flipped(BRACKET_INDEX, span):
            self.decide(BRACKET_INDEX, span, f"{self.src(sym.span)} times the bracket",
                        f"an entry of {self.src(sym.span)}")
            return None
        self.decide(BRACKET_INDEX, span, f"an entry of {self.src(sym.span)}",
                    f"{self.src(sym.span)} times the bracket")
        return "index"

    def _upright_letter_applied(self, sym: Symbol, close: int) -> bool:
        """``\\mbox{a}[\\theta_{10} + \\theta_{11} x]``, ``\\mathbf{a}[\\beta + \\Omega x]``: a letter set
        upright or bold (as texts set their functions) before square brackets that hold no index (a
        scripted name, a product of names, a sum or a fraction: an index is a name or a number,
        shifted by a number) is applied to them; ``\\mathbf{x}[n - 1]`` stays an entry."""
        if len(sym.name) != 1 or sym.font not in ("rm", "bf") or sym.sub or sym.sup is not None:
            return False
        inside = [t for t in self.toks[self.i + 1 : close]  # fonts and braces set names, no more
                  if not (is_op(t, "{", "}") or (t.kind == "cmd" and (t.value in FONTS or t.value in TEXT_COMMANDS)))]
        return any(is_op(t, "_", "^") or (t.kind == "cmd" and t.value in ("sum", "frac", "cdot"))
                   for t in inside) or any(
            _is_name(a) and _is_name(b) for a, b in itertools.pairwise(inside))

    def _entry_by_index(self, sym: Symbol, close: int) -> bool:
        """``x[i]``, ``x[y]``, ``w[c]``: a small Latin letter before another in brackets is an entry,
        as code writes one (a capital before a name, ``W[x]``, may multiply a vector)."""
        inside = self.toks[self.i + 1]
        return _small_latin(sym.name) and not sym.font and inside.kind == "letter" and not inside.font \
            and _small_latin(inside.value) and inside.value != sym.name

    def _one_name_inside(self, close: int) -> bool:
        """The bracket opened at the current token holds one name and nothing else: W[x]."""
        inside = self.toks[self.i + 1 : close]
        return len(inside) == 1 and (inside[0].kind in ("letter", "word") or (
            inside[0].kind == "cmd" and inside[0].value in GREEK_SET))

    @DIVERGENCE_BAR.hook
    def divergence_arguments(self, args: list[Node]) -> list[Node]:
        """``D(P ‖ Q)``: the two arguments a lone double bar separates (read as a relation)."""
        if len(args) == 1 and isinstance(args[0], Relation) and args[0].ops == ("parallel",):
            self.decide(DIVERGENCE_BAR, args[0].span, "two arguments, the bar between them",
                        "one argument, P parallel to Q")
            return list(args[0].operands)
        return args

    @PLAIN_SUBSCRIPT.hook
    def plain_subscript(self, underscore: Token) -> Node | None:
        """The subscript after a written ``_`` in plain text when it is a run of several letters
        or digits (or one with a prime): ``α_ts``, ``h_t1``, ``h̄_s'``; None otherwise."""
        if self.notation not in ("unicode", "ascii") or underscore.start == underscore.end:
            return None
        toks, k, end = self.toks, self.i, underscore.end
        items: list[Node] = []
        while True:
            tok = toks[k]
            after = toks[min(k + 1, len(toks) - 1)]
            stops = bool(items) and ((isinstance(items[-1], Number) and tok.kind != "num") or (
                is_op(after, "_") and after.end > after.start))  # H_1H_2, w_ix_i
            if tok.kind in _RUN_KINDS and tok.start == end and tok.end > tok.start and not stops:
                items.append(Number(tok.value, span=(tok.start, tok.end)) if tok.kind == "num"
                             else Symbol(tok.value, tok.font if tok.kind == "letter" else "",
                                         span=(tok.start, tok.end)))
                end, k = tok.end, k + 1
            elif is_op(tok, "_") and tok.start == tok.end == end and toks[k + 2].kind == "num":
                digits = toks[k + 2]  # β1-style digits the tokenizer made a subscript: t1
                items.append(Number(digits.value, span=(digits.start, digits.end)))
                end, k = digits.end, k + 4
            else:
                break
        primes = 0
        while is_op(toks[k + primes], "'") and toks[k + primes].start == end:
            end = toks[k + primes].end
            primes += 1
        if not items or (len(items) < 2 and not primes):
            return None
        span = (underscore.start, end)
        shown = self.src((underscore.end, end))
        if self.flipped(PLAIN_SUBSCRIPT, span):
            self.decide(PLAIN_SUBSCRIPT, span, f"{shown[0]} alone as the subscript", f"the subscript {shown}")
            return None
        self.decide(PLAIN_SUBSCRIPT, span, f"the subscript {shown}", f"{shown[0]} alone as the subscript")
        self.i = k + primes
        last = items[-1]
        if primes and isinstance(last, Symbol):
            items[-1] = Symbol(last.name, last.font, prime=primes, span=(last.span[0], end))
        return items[0] if len(items) == 1 else Tuple(tuple(items), span=(items[0].span[0], end))

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
