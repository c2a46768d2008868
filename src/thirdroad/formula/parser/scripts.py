"""What ``x^…`` means: a power, or one of the things papers write as a superscript.

Read in this order (``superscript``), each reading a named method:

1. primes written as a superscript: ``x^{\\prime}``, ``q^\\prime``, ``x^{''}`` are ``x'``, ``q'``, ``x''``;
2. a label read before the exponent (rule superscript-label): ``h^{(t)}`` (the step t),
   ``V^\\pi(s)`` (the value of the policy π), ``\\tilde y^l`` where ``w^{(l)}`` labels the layer;
3. with the exponent read (and ``x^2_i`` taken as ``(x_i)^2``):

   - ``x^T``, ``x^\\top``: a transpose (rule transpose; ``2^T`` and ``γ^T`` are powers),
   - ``A^{-1}`` on a matrix: an inverse (rule inverse),
   - ``(x)^+``, ``(x)^-``: the positive and negative part,
   - ``x^\\prime``: a prime,
   - ``θ^*``, ``W^Q``, ``x^{\\mathrm{max}}``: a label exponent (rule superscript-label),
   - anything else: a power.

A power written ``**`` (Python's operator, as in ``x**lr`` or ``A**-1``) is always a power.
"""

from __future__ import annotations

from thirdroad.formula.ast import (
    Apply,
    Inverse,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Span,
    Sum,
    Symbol,
    Transpose,
)
from thirdroad.formula.lexer import Token
from thirdroad.formula.parser.cursor import Cursor, cover, is_op
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import FUNCTION_LETTERS, GREEK_SET
from thirdroad.formula.tokens import lost_subscript

TRANSPOSE = Rule(
    "transpose",
    "^T and ^\\top mean transpose, except ^T on a number or a lowercase Greek letter, which is a power",
    other="the power T where it reads a transpose, and the other way round",
)
INVERSE = Rule(
    "inverse",
    "^{-1} on a capital or bold letter is a matrix inverse; on anything else it is the power -1",
    other="the power -1",
)
POWER_TOWER = Rule(
    "power-tower",
    "a^b^c is a^(b^c): powers group from the right, as in mathematics and in Python's **; "
    "LaTeX itself refuses a double superscript and writes a^{b^c}",
    other="(a^b)^c, the first power raised again",
)
SUPERSCRIPT_LABEL = Rule(
    "superscript-label",
    "a superscript in parentheses (h^{(t)}), a star (θ^*), a word, or Q K V O on a capital "
    "W (W^Q) is part of the name, not a power",
    other="a power",
)

_LABEL_CAPITALS = frozenset("QKVO")
_MARK_NAMES = frozenset({"star", "plus", "minus", "top", "T", "prime"})  # x^*, x^+, x^T: no tower
_MATRIX_GREEK = frozenset({"Sigma", "Lambda", "Phi", "Psi", "Omega", "Gamma", "Delta", "Theta"})


def _is_label_exponent(exp: Node, base: Node) -> bool:
    """θ^*, x^{word} (not a Greek letter), and Q K V O on W: labels, not powers."""
    if not isinstance(exp, Symbol):
        return False
    if exp.name == "star" or (len(exp.name) > 1 and exp.name not in GREEK_SET and exp.name != "top"):
        return True
    return isinstance(base, Symbol) and base.name == "W" and exp.name in _LABEL_CAPITALS \
        and not exp.sub


def _is_matrix_name(node: Node) -> bool:
    if not isinstance(node, Symbol):
        return False
    if node.font == "bf" and node.name[:1].isupper():
        return True
    return (len(node.name) == 1 and node.name.isupper()) or node.name in _MATRIX_GREEK


def _is_scalar_name(node: Node) -> bool:
    """A lower-case Greek letter (λ, α...): the names papers give to scalars."""
    return isinstance(node, Symbol) and node.name in GREEK_SET and node.name.islower() and not node.font


def _is_matrix_expr(node: Node) -> bool:
    """A matrix name, or something built from them that is itself a matrix: ``A^T A``,
    ``X^T X + λI``, ``(W_1 W_2)^T``. Numbers and Greek scalars may multiply it."""
    if _is_matrix_name(node):
        return True
    if isinstance(node, Transpose | Inverse):
        return _is_matrix_expr(node.arg)
    if isinstance(node, Product) and node.op == "":
        return any(_is_matrix_expr(f) for f in node.factors) and all(
            _is_matrix_expr(f) or isinstance(f, Number) or _is_scalar_name(f) for f in node.factors
        )
    if isinstance(node, Sum):
        terms = [t.arg if isinstance(t, Neg) else t for t in node.terms]
        return all(_is_matrix_expr(t) for t in terms)
    return False


def _relabel(base: Symbol, sup: Node | None, prime: int, span: Span) -> Symbol:
    return Symbol(base.name, base.font, base.accent, base.sub, sup, prime, span=span)


class Scripts(Cursor):
    """The meaning of a superscript."""

    def superscript(self, base: Node, tok: Token) -> Node:
        """``base^…`` (the ``^`` is read): see the module's docstring for the order."""
        primed = self._primes_as_superscript(base)
        if primed is not None:
            return primed
        code_power = tok.end - tok.start == 2  # x**y: Python's power operator raises, never labels
        labelled = None if code_power else self._label_before_exponent(base)
        if labelled is not None:
            return labelled
        exp = self._exponent(tok)
        if self.at_op("_") and isinstance(base, Symbol) and not base.sub:
            sub_tok = self.advance()  # x^2_i is (x_i)^2
            base = self.subscript(base, self.parse_script(script=True), sub_tok)
        elif self.at_op("_") and isinstance(base, Norm) and base.p is None:
            self.advance()  # \|x\|^2_2 is (\|x\|_2)^2
            p = self.parse_script()
            base = Norm(base.arg, p, span=cover(base, p))
        span = cover(base, self.previous())
        if code_power:
            return Power(base, exp, span=span)
        for reading in (self._transpose, self._inverse, self._part, self._prime_mark,
                        self._label_exponent):
            node = reading(base, exp, span)
            if node is not None:
                return node
        return Power(base, exp, span=span)

    @POWER_TOWER.hook
    def _exponent(self, caret: Token) -> Node:
        """The exponent after ``^``; in a tower ``a^b^c`` it is ``b^c`` (rule power-tower), and a
        sign before it covers the whole tower: ``2^-3^2`` is 2^(-(3^2)), as Python reads it."""
        first = self.peek()
        exp = self.parse_script(script=True)
        if not self.at_op("^") or lost_subscript(self.text, caret) or (
                isinstance(exp, Symbol) and exp.name in _MARK_NAMES):
            return exp
        signed = is_op(first, "-") and isinstance(exp, Neg)
        inner = exp.arg if isinstance(exp, Neg) and signed else exp
        if self.flipped(POWER_TOWER, cover(first, inner)):
            self.decide(POWER_TOWER, cover(first, self.peek()), "the first power raised again",
                        "powers grouped from the right")
            return exp
        tower = self.superscript(inner, self.advance())
        while self.at_op("^"):  # b^c^d with b^c turned: (b^c)^d is still the exponent
            tower = self.superscript(tower, self.advance())
        span = cover(first, tower)
        self.decide(POWER_TOWER, span, f"the exponent {self.src(span)}, powers grouped from the right",
                    "the first power raised again")
        return Neg(tower, span=cover(first, tower)) if signed else tower

    def _primes_as_superscript(self, base: Node) -> Node | None:
        """``x^{\\prime}``, ``x^{''}``, ``q^\\prime`` (with more primes after): a primed name."""
        primes = self._braced_primes()
        if not primes and self.at_op("'"):
            while self.at_op("'"):
                self.advance()
                primes += 1
        if primes and isinstance(base, Symbol):
            return _relabel(base, base.sup, base.prime + primes, cover(base, self.previous()))
        return None

    def _braced_primes(self) -> int:
        toks = self.toks
        j = self.i
        if not is_op(toks[j], "{"):
            return 0
        k = j + 1
        while is_op(toks[k], "'"):
            k += 1
        if k == j + 1 or not is_op(toks[k], "}"):
            return 0
        self.i = k + 1
        return k - j - 1

    # ---- labels ----------------------------------------------------------------------
    @SUPERSCRIPT_LABEL.hook
    def _label_before_exponent(self, base: Node) -> Node | None:
        """A label that must be recognised before the exponent is read: only a plain name takes
        one, and a label is read once (reading a bracket twice, as a label and then as a power,
        would take exponential time when brackets nest)."""
        if not (isinstance(base, Symbol) and base.sup is None):
            return None
        if self.flipped(SUPERSCRIPT_LABEL, base.span):
            if self._label_follows(base):
                self.decide(SUPERSCRIPT_LABEL, base.span, "a power", "a label on the name")
            return None
        letter = self._letter_label(base)
        if letter is not None:
            name_tok, end = letter
            label: Node = Symbol(name_tok.value, span=(name_tok.start, name_tok.end))
            self.i = end
            self.decide(SUPERSCRIPT_LABEL, cover(base, label), "a label on the name", "a power")
            if self.at_op("("):
                self.labelled_functions.add(base.span[0])
            return _relabel(base, label, base.prime, cover(base, self.previous()))
        bracketed = self.bracket_label()
        if bracketed is not None:
            self.decide(SUPERSCRIPT_LABEL, cover(base, bracketed), "a label on the name", "a power")
            return _relabel(base, bracketed, base.prime, cover(base, self.previous()))
        return None

    def _label_follows(self, base: Symbol) -> bool:
        toks = self.toks
        j = self.i + (1 if is_op(toks[self.i], "{") else 0)
        return is_op(toks[j], "(") or self._letter_label(base) is not None

    def _letter_label(self, base: Symbol) -> tuple[Token, int] | None:
        """A one-letter superscript that labels its name rather than raising it to a power (the
        token and where the script ends), or None. Two cases:

        - the name is applied to arguments right after it: ``V^\\pi(s)``, ``Q^\\pi(s, a)``, the
          value of the policy π; the name is one the block uses as a function (applied to several
          arguments, or defined) with a Greek or Latin letter (not ``T``: that is a transpose), or
          a function letter or a capital with a Greek letter;
        - the letter labels other names of the block in brackets (``w^{(l+1)} \\tilde y^l``):
          the layer l, not a power; Greek bases and ``e`` keep their powers (``β^t``, ``e^x``).
        """
        toks = self.toks
        j = self.i
        braced = is_op(toks[j], "{")
        tok = toks[j + 1] if braced else toks[j]
        end = j + (3 if braced else 1)
        if braced and (j + 2 >= len(toks) or not is_op(toks[j + 2], "}")):
            return None  # x^{%p}: a comment leaves the group open to the end
        greek = tok.kind == "cmd" and tok.value in GREEK_SET
        letter = tok.kind == "letter" and len(tok.value) == 1 and tok.value not in ("T",)
        if not (greek or letter) or base.sub or base.name == "e":
            return None
        # p^y (1 - p)^{1 - y} and A^k (x - y) are powers: a Latin letter labels only a name the
        # block uses as a function elsewhere, a Greek one a function letter or a capital
        applied = is_op(toks[end], "(") and (base.name in self.functions or (
            greek and (base.name in FUNCTION_LETTERS or (len(base.name) == 1 and base.name.isupper()))))
        if applied:
            return tok, end
        if letter and tok.value in self.label_letters and base.name not in GREEK_SET:
            return tok, end
        return None

    def bracket_label(self) -> Node | None:
        """``^{(t)}``, ``^{(t-1)}`` or ``^(t)`` (LaTeX): a label in brackets, not a power."""
        toks = self.toks
        j = self.i
        braced = is_op(toks[j], "{")
        if braced:
            j += 1
        if not is_op(toks[j], "("):
            return None
        if not braced and self.notation != "latex":
            return None  # e^(x) in plain text is a power written with brackets
        k = self._label_close(j)
        if k is None:
            return None
        after = toks[k + 1] if k + 1 < len(toks) else toks[-1]
        if braced and not is_op(after, "}"):
            return None
        if not braced and (k != j + 2 or toks[j + 1].kind not in ("letter", "num")):
            return None
        # read once, never twice: re-reading nested labels would take exponential time
        self.i = j + 1
        self.paren += 1
        label = self.parse_expr()
        self.paren -= 1
        if self.i != k:
            raise self.unexpected(self.peek())
        self.i = k + (2 if braced else 1)
        return label

    def _label_close(self, j: int) -> int | None:
        """Where the bracket opened at ``j`` closes, if it holds one expression (no top-level
        comma, relation, text or line) and something; else None."""
        toks = self.toks
        depth = 0
        k = j
        single = True
        while toks[k].kind != "eof":
            tok = toks[k]
            if is_op(tok, "(", "[", "{"):
                depth += 1
            elif is_op(tok, ")", "]", "}"):
                depth -= 1
                if depth == 0:
                    break
            elif depth == 1 and (
                tok.kind in ("text", "newrow", "sep", "begin", "end")
                or is_op(tok, ",", ";", ":", ":=", "&", "|")
                or self.relation_name(tok) is not None
            ):
                single = False
            k += 1
        if not single or not is_op(toks[k], ")") or k == j + 1:
            return None
        return k

    # ---- readings once the exponent is read ------------------------------------------
    @TRANSPOSE.hook
    def _transpose(self, base: Node, exp: Node, span: Span) -> Node | None:
        if not (isinstance(exp, Symbol) and exp.name in ("top", "T") and not exp.sub):
            return None
        if exp.name == "T":
            power = isinstance(base, Number) or (
                isinstance(base, Symbol) and base.name in GREEK_SET and base.name.islower())
            if self.flipped(TRANSPOSE, span):
                power = not power
            if power:
                self.decide(TRANSPOSE, span, "a power T", "a transpose")
                return Power(base, exp, span=span)
            self.decide(TRANSPOSE, span, "a transpose", "a power T")
        return Transpose(base, span=span)

    @INVERSE.hook
    def _inverse(self, base: Node, exp: Node, span: Span) -> Node | None:
        if not (isinstance(exp, Neg) and exp.arg == Number("1") and _is_matrix_expr(base)):
            return None
        if self.flipped(INVERSE, span):
            self.decide(INVERSE, span, "the power -1", "a matrix inverse")
            return Power(base, exp, span=span)
        self.decide(INVERSE, span, "a matrix inverse", "the power -1")
        return Inverse(base, span=span)

    def _part(self, base: Node, exp: Node, span: Span) -> Node | None:
        """``(x)^+`` and ``(x)^-``: the positive and the negative part."""
        if isinstance(exp, Symbol) and exp.name in ("plus", "minus") and not isinstance(base, Symbol):
            part = "positive_part" if exp.name == "plus" else "negative_part"
            return Apply(Symbol(part, span=exp.span), (base,), span=span)
        return None

    def _prime_mark(self, base: Node, exp: Node, span: Span) -> Node | None:
        if isinstance(exp, Symbol) and exp.name == "prime" and isinstance(base, Symbol):
            return _relabel(base, base.sup, base.prime + 1, span)
        return None

    def _label_exponent(self, base: Node, exp: Node, span: Span) -> Node | None:
        """θ^*, W^Q, x^{\\mathrm{max}}: the superscript-label rule for a label read as an exponent."""
        if not (isinstance(base, Symbol) and base.sup is None and _is_label_exponent(exp, base)):
            return None
        if self.flipped(SUPERSCRIPT_LABEL, span):
            self.decide(SUPERSCRIPT_LABEL, span, "a power", "a label on the name")
            return Power(base, exp, span=span)
        self.decide(SUPERSCRIPT_LABEL, span, "a label on the name", "a power")
        return _relabel(base, exp, base.prime, span)
