"""The grammar below a factor: atoms and what follows them.

::

    postfix      ^ _ ' ! and application f(x)
    atom         names, numbers, (...), [...], {...}, \\{...\\}, |x|, \\|x\\|, and the LaTeX
                 constructs (commands.py) and environments (environments.py)

The argument of ``^``, ``_``, ``\\frac`` and ``\\sqrt`` (a group, or one token) is read here too.
"""

from __future__ import annotations

import re

from thirdroad.formula.ast import (
    Abs,
    Apply,
    Block,
    Concat,
    Conditional,
    Expectation,
    Interval,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Set,
    Span,
    Sqrt,
    Symbol,
    Text,
    Tuple,
)
from thirdroad.formula.lexer import Token
from thirdroad.formula.parser.cursor import CLOSERS, Cursor, cover, is_op
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import (
    ACCENTS,
    BIG_OPERATORS,
    GREEK_SET,
    SYMBOL_COMMANDS,
    words,
)
from thirdroad.formula.tokens import ASCII_DIGITS, BARE_WORD, PLAIN_DIGITS, lost_subscript

SINGLE_TOKEN_ARGUMENT = Rule(
    "single-token-argument",
    "\\sqrt, \\frac, ^ and _ without braces take one character or one command: "
    "\\sqrt s + \\epsilon is sqrt(s) + ε, x^23 is x² times 3",
)
BRACKET_CONCAT = Rule(
    "bracket-concat",
    "[a; b] and [a, b] with names inside are concatenations; [0, 1] with numbers is an interval",
    other="an interval where it reads a concatenation, and the other way round",
)
SEMICOLON_CONCAT = Rule(
    "semicolon-concat",
    "(a; b), names parted by semicolons alone in round brackets that stand as a factor of their own, "
    "is the concatenation [a; b] (the convention of LaTeX and MATLAB): W (c; h) is W times the "
    "concatenation of c and h; after a function the semicolon parts its arguments, f(x; θ) is f of x "
    "and θ",
    other="a pair of values",
)
CONDITIONAL_BAR = Rule(
    "conditional-bar",
    "a bar inside brackets with no open |...| means 'given': p(v | h) (a lone double bar in a "
    "function's brackets is rule divergence-bar)",
)

# Apply nodes the reader makes itself; a subscript after them indexes the result.
_INTERNAL_FUNCTIONS = frozenset(
    words("factorial positive_part negative_part partial pm mp not inner floor ceil binom max min prime")
) | frozenset("accent:" + a for a in ACCENTS.values())
_BIG_WORDS = frozenset({"max", "min", "argmax", "argmin", "sup", "inf", "lim"})
_ONLY_SPACE = re.compile(r"(?:\s|~|\\[,;:!> ]|\\(?:quad|qquad|enspace|thinspace|medspace|thickspace)(?![A-Za-z]))*")
# marks that label a name in a script: x^{*}, x_{+}, x_{\\perp} (the part of x at right angles)
_MARKS = {"top": "top", "*": "star", "+": "plus", "-": "minus", "pm": "pm", "mp": "mp",
          "perp": "perp", "parallel": "parallel", "star": "star", "ast": "star",
          "rightarrow": "rightarrow", "leftarrow": "leftarrow", "leftrightarrow": "leftrightarrow",
          "longrightarrow": "rightarrow", "longleftarrow": "leftarrow"}


# NumPy's names of functions the reader knows by their mathematical name.
_NUMPY_NAMES = {"maximum": "max", "minimum": "min"}


def index_items(node: Node) -> tuple[Node, ...]:
    """``_{ij}`` is the two indices i, j; ``_{i,j}`` too; ``_{t-1}`` is one index."""
    if isinstance(node, Tuple):
        return node.items
    if isinstance(node, Product) and node.op == "" and all(
        isinstance(f, Symbol | Number) and not getattr(f, "sub", ()) for f in node.factors
    ):
        return node.factors
    return (node,)


def _is_bound(node: Node) -> bool:
    if isinstance(node, Neg):
        node = node.arg
    return isinstance(node, Number) or (isinstance(node, Symbol) and node.name == "infty")


class Atoms(Cursor):
    """Atoms, brackets, script arguments, and the scripts, primes and calls after an atom."""

    # ---- postfix -------------------------------------------------------------------
    def parse_postfix(self, node: Node, call: bool = True) -> Node:
        """Scripts, primes, ! and application; ``call`` is False after a braced group, so
        that ``{x}(a)`` stays a product."""
        while True:
            tok = self.peek()
            if tok.kind != "op":
                break
            v = tok.value
            if v in ("^", "_"):
                node = self._script_after(node, tok)
            elif v == "'":
                self.advance()
                node = self._prime(node, tok)
            elif v == "!" and (isinstance(node, Number | Symbol) or self.previous().value == ")"):  # (n-k)!
                self.advance()
                node = Apply(Symbol("factorial"), (node,), span=cover(node, tok))
            elif v == "*" and self._star_label(node, tok):
                self.advance()  # θ* = argmin L(θ): the optimum, θ^* as plain text writes it
                assert isinstance(node, Symbol)
                node = Symbol(node.name, node.font, node.accent, node.sub, Symbol("star", span=(tok.start, tok.end)),
                              node.prime, span=cover(node, tok))
            elif v == "[" and isinstance(node, Symbol) and call:
                opens = self.square_bracket_after(node)
                if opens is None:
                    break
                node = self.application(node) if opens == "apply" else self._entry(node)  # Var[x]; p[y]
            elif v == "(" and isinstance(node, Symbol) and call:
                if not self.is_function(node):
                    break
                node = self.application(node)
            else:
                break
        return node

    def _star_label(self, node: Node, star: Token) -> bool:
        """``θ*``, ``x* =``: in plain text a star right after a name that ends a term (a relation,
        a closing bracket, a comma or the end follows) labels the name, as ``θ^*`` does."""
        if not (isinstance(node, Symbol) and node.sup is None and star.start == node.span[1]
                and star.end == star.start + 1 and self.notation in ("ascii", "unicode")):
            return False
        after = self.peek(1)
        return after.kind in ("eof", "newrow") or self.relation_name(after) is not None or is_op(
            after, ")", "]", ",", ";")

    def _script_after(self, node: Node, tok: Token) -> Node:
        """``node^…`` or ``node_…`` (``tok`` is the ``^`` or ``_``, not yet read)."""
        bracketed = self.toks[self.i - 1].value == ")"  # (y_i)_j: an entry of what the bracket holds
        self.advance()
        opened, closed = self.peek(), self.peek(1)
        if is_op(opened, "{") and is_op(closed, "}") and _ONLY_SPACE.fullmatch(self.text[opened.end:closed.start]):
            self.advance()  # x^{\,}, y^{}: a script that holds only space is a typesetting trick,
            self.advance()  # no script at all
            return node
        if tok.value == "^":
            if lost_subscript(self.text, tok):
                self.decide(PLAIN_DIGITS, cover(node, tok),
                            "a lost square (σ² is the variance)", "the digits as a subscript")
            return self.superscript(node, tok)
        if tok.start == tok.end and self.notation == "ascii":
            self.decide(ASCII_DIGITS, cover(node, tok), "the digits as a subscript", "a name ending in digits")
        elif lost_subscript(self.text, tok):
            self.decide(PLAIN_DIGITS, cover(node, tok), "the digits as a subscript", "the name times the number")
        plain = self.plain_subscript(tok) if self.notation in ("unicode", "ascii") else None
        sub = plain or self.parse_script(script=True)
        if bracketed and isinstance(node, Symbol) and node.sub:
            return Apply(Symbol("index"), (node, *index_items(sub)), span=cover(node, self.previous()))
        return self.subscript(node, sub, tok)

    def _digits_of_name(self, name: Symbol) -> Node:
        """The digits the tokenizer cut from a plain-text name (x1, beta2, W1: its zero-width
        script) belong to the name wherever it stands, also as a script: z**x1 is z^(x₁)."""
        node: Node = name
        tok = self.peek()
        while is_op(tok, "^", "_") and lost_subscript(self.text, tok) and tok.start == node.span[1]:
            node = self._script_after(node, tok)
            tok = self.peek()
        return node

    def _entry(self, base: Symbol) -> Node:
        """``p[y]``: the entry y of p, written p_y (or indexed, when p already has a subscript)."""
        open_tok = self.advance()
        items, _ = self.parse_items(open_tok, ("]",))
        if len(items) != 1:  # p[]: an entry without its index (several items are no entry either)
            raise self.error(f"{base.name}[] needs the index of its entry", self.previous(),
                             f"write {base.name}[y] for the entry y")
        item = items[0]
        span = cover(base, self.previous())
        if not base.sub and base.sup is None:
            return Symbol(base.name, base.font, base.accent, index_items(item), None, base.prime, span=span)
        return Apply(Symbol("index"), (base, *index_items(item)), span=span)

    def application(self, func: Node) -> Node:
        open_tok = self.advance()
        args = self.divergence_arguments(
            self.parse_items(open_tok, ("]" if open_tok.value == "[" else ")",))[0])
        span = cover(func, self.previous())
        if isinstance(func, Symbol) and len(args) == 1 and not func.sub and not func.accent:
            if func.name == "sqrt":  # sqrt(x) typed in plain text is the root sign
                return Sqrt(args[0], span=span)
            if func.name == "abs":
                return Abs(args[0], span=span)
            if func.name == "square":  # NumPy's square(x), as code-style formulas write x²
                return Power(args[0], Number("2"), span=span)
        if isinstance(func, Symbol) and func.name in _NUMPY_NAMES and not func.sub and not func.accent:
            func = Symbol(_NUMPY_NAMES[func.name], span=func.span)  # maximum(x, 0) is max(x, 0)
        return Apply(func, tuple(args), span=span)

    def subscript(self, base: Node, sub: Node, tok: Token) -> Node:
        items = index_items(sub)
        span = cover(base, self.previous())
        if isinstance(base, Symbol):
            if base.sub:
                raise self.error("double subscript", tok,
                                 "put both indices in one pair of braces: x_{ij}")
            return Symbol(base.name, base.font, base.accent, items, base.sup, base.prime,
                          span=span)
        if isinstance(base, Apply) and isinstance(base.func, Symbol) and base.func.name == "index":
            raise self.error("double subscript", tok, "put both indices in one pair of braces")
        if isinstance(base, Apply) and isinstance(base.func, Symbol) and not base.func.sub and (
            base.func.name not in _INTERNAL_FUNCTIONS
        ):
            f = base.func
            return Apply(Symbol(f.name, f.font, f.accent, items, f.sup, f.prime, span=f.span),
                         base.args, span=span)
        return Apply(Symbol("index"), (base, *items), span=span)

    def _prime(self, node: Node, tok: Token) -> Node:
        if isinstance(node, Symbol):
            return Symbol(node.name, node.font, node.accent, node.sub, node.sup,
                          node.prime + 1, span=cover(node, tok))
        if isinstance(node, Apply):  # g(h(s))': the derivative of the whole composition
            return Apply(Symbol("prime"), (node,), span=cover(node, tok))
        raise self.error("a prime ' can only follow a name", tok, "write f'(x) or x'")

    # ---- scripts and arguments -----------------------------------------------------
    @SINGLE_TOKEN_ARGUMENT.hook
    def parse_script(self, script: bool = False) -> Node:
        """The argument of ^, _, \\frac, \\sqrt: a group, or one token (rule
        single-token-argument); in plain text a number, a name or a bracket."""
        tok = self.peek()
        if tok.kind == "op":
            found = self._bracketed_script(tok, script)
            if found is not None:
                return found
        if tok.kind == "num":
            return self._script_number(tok)
        if tok.kind in ("letter", "word"):
            self.advance()
            return self._digits_of_name(Symbol(tok.value, tok.font if tok.kind == "letter" else "",
                                               span=(tok.start, tok.end)))
        if tok.kind == "cmd" and tok.value in _MARKS and script:
            self.advance()  # f^\star, x_\perp, h_t^\rightarrow (a direction): a label
            return Symbol(_MARKS.get(tok.value, "star"), span=(tok.start, tok.end))
        if tok.kind == "cmd" and (tok.value in GREEK_SET or tok.value in SYMBOL_COMMANDS
                                  or (tok.value == "top" and script)):
            self.advance()
            return self._digits_of_name(Symbol(SYMBOL_COMMANDS.get(tok.value, tok.value), tok.font,
                                               span=(tok.start, tok.end)))
        if tok.kind == "eof" or self.line_end(tok):
            raise self.error("a superscript, subscript or argument is missing", tok,
                             "write x^{2}, x_{i} or \\frac{a}{b}")
        node, _ = self.parse_atom()
        return node

    def _left_out(self, open_tok: Token) -> Node:
        """``x_{\\setminus i}``: x without i (the inputs but the i-th, a set less one item), a
        label of x."""
        self.advance()
        self.advance()
        left_out = self.parse_expr()
        close = self.peek()
        if not is_op(close, "}"):
            raise self.unclosed(open_tok, close)
        self.advance()
        return Apply(Symbol("setminus"), (left_out,), span=(open_tok.start, close.end))

    def _bracketed_script(self, tok: Token, script: bool) -> Node | None:
        """A script that starts with an operator: a group, a bracket, a sign or a star."""
        if tok.value == "{":
            after = self.peek(1)
            if script and after.kind == "cmd" and after.value == "setminus":
                return self._left_out(tok)
            if script and self._is_braced_mark():
                mark = self.toks[self.i + 1]
                self.i += 3
                return Symbol(_MARKS[mark.value], span=(mark.start, mark.end))
            return self.group()
        if tok.value == "(":
            self.advance()
            items = self.parse_items(tok, (")",))[0]
            return items[0] if len(items) == 1 else Tuple(
                tuple(items), span=(tok.start, self.previous().end))
        if tok.value in ("-", "+") and script and (self.notation == "latex" or (
            not self.starts_factor(self.peek(1)) and not is_op(self.peek(1), "-", "+")
        )):
            self.advance()  # (x)^+ is the positive part, x^- a label
            return Symbol("plus" if tok.value == "+" else "minus", span=(tok.start, tok.end))
        if tok.value in ("-", "+"):
            self.enter(tok)
            self.advance()
            arg = self.parse_script()
            self.depth -= 1
            return Neg(arg, span=cover(tok, arg)) if tok.value == "-" else arg
        if tok.value == "*" and script:
            self.advance()
            return Symbol("star", span=(tok.start, tok.end))
        return None

    def _script_number(self, tok: Token) -> Node:
        self.advance()
        if self.notation == "latex" and len(tok.value) > 1 and tok.value[0].isdigit() and (
            tok.value[1].isdigit() or tok.value[1] == "."
        ):
            # x^23 is x^2 times 3: give the rest back to the token stream
            rest = Token("num", tok.value[1:], tok.start + 1, tok.end)
            self.i -= 1
            self.toks[self.i] = rest
            return Number(tok.value[0], span=(tok.start, tok.start + 1))
        return Number(tok.value, span=(tok.start, tok.end))

    def _is_braced_mark(self) -> bool:
        """``{\\top}`` or ``{*}`` after ^: a transpose or a star label."""
        a, b = self.peek(1), self.peek(2)
        mark = (a.kind == "cmd" and a.value in _MARKS) or (a.kind == "op" and a.value in "*+-")
        return mark and is_op(b, "}")

    def group(self) -> Node:
        """``{...}``: one statement, or a block of several."""
        open_tok = self.advance()
        self.enter(open_tok)
        saved_paren = self.paren
        self.paren = 0
        self.groups += 1
        items = self.parse_lines()
        self.groups -= 1
        self.paren = saved_paren
        close = self.peek()
        if not is_op(close, "}"):
            raise self.unclosed(open_tok, close)
        self.advance()
        self.depth -= 1
        if not items:
            raise self.error("empty braces", open_tok, "put something inside {...}")
        if len(items) == 1:
            return items[0]
        return Block(tuple(items), span=(open_tok.start, close.end))

    @CONDITIONAL_BAR.hook
    def parse_items(self, open_tok: Token, closers: tuple[str, ...]) -> tuple[list[Node], str]:
        """Comma- or semicolon-separated items up to a closing bracket (consumed).
        Returns the items and the separators seen, the first first (',' or ';' or ';,' or ''),
        followed by the closing bracket."""
        self.enter(open_tok)
        self.paren += 1
        self.open_brackets.append(self.i - 1)
        items: list[Node] = []
        sep = ""
        while True:
            tok = self.peek()
            if is_op(tok, *closers):
                break
            if tok.kind in ("eof", "end") or is_op(tok, *CLOSERS):
                raise self.unclosed(open_tok, tok)
            node = self.parse_relation()
            tok = self.peek()
            if is_op(tok, "|") or (tok.kind == "cmd" and tok.value == "mid") or (
                    is_op(tok, ":") and closers == ("\\}",)):
                self.advance()  # p(v | h); {j : j ≤ i}, the set of j such that j ≤ i
                given = self.parse_relation()
                self.decide(CONDITIONAL_BAR, cover(node, given), "given", "an absolute value")
                node = Conditional(node, given, span=cover(node, given))
            elif is_op(tok, ":") and not self.line_end(self.peek(1)) and not is_op(self.peek(1), ","):
                self.advance()  # x[0:n/2]: the slice from 0 up to n/2
                end = self.parse_relation()
                node = Interval(node, end, "[)", span=cover(node, end))
            items.append(node)
            tok = self.peek()
            if is_op(tok, ",", ";") or tok.kind == "sep":  # [\cos z \quad \sin z]: a row of two
                mark = tok.value if tok.kind == "op" else ","
                sep = sep or mark
                if mark not in sep:
                    sep += mark  # both kinds: ";," where a semicolon came first
                self.advance()
                continue
            if is_op(tok, *closers):
                break
            if tok.kind == "text":
                self.advance()
                continue
            raise self.unclosed(open_tok, tok)
        close = self.advance()
        self.paren -= 1
        self.open_brackets.pop()
        self.depth -= 1
        return items, sep + close.value if sep else close.value

    # ---- atoms ---------------------------------------------------------------------
    def parse_atom(self) -> tuple[Node, bool]:
        """One atom; the flag says whether postfix operators may follow it."""
        tok = self.advance()
        kind = tok.kind
        span = (tok.start, tok.end)
        if kind == "num":
            return Number(tok.value, span=span), True
        if kind == "letter":
            if tok.value == "E" and (tok.font == "bb" or self.expectation_follows()):
                node = self.expectation(tok)  # E[X]^2 squares the expectation; E x^2 took its own
                return node, isinstance(node, Expectation) and is_op(self.previous(), "]", ")")
            return Symbol(tok.value, tok.font, span=span), True
        if kind == "word":
            return self._word(tok)
        if kind == "opname":
            self.functions.add(tok.value)
            if tok.value in BIG_OPERATORS and self.at_op("_"):
                return self.bigop(tok, BIG_OPERATORS[tok.value]), False
            return self.function(tok, tok.value), False
        if kind == "cmd":
            return self.command_atom(tok)
        if kind == "op" and tok.value == ":" and (self.groups or self.paren):
            return Symbol(":", span=span), True  # W_{:,j}: every row
        if kind == "op" and tok.value == "*" and (self.groups or self.paren):
            return Symbol("star", span=span), True  # (N, *, H_in), R^{* × d}: any size
        if kind == "text":
            return Text(tok.value, span=span), False  # N = \text{batch size}: a term in words
        if kind == "op":
            return self._bracket_atom(tok)
        if kind == "delim":
            return self._norm(tok), True
        if kind == "begin":
            return self.environment(tok), True
        self.i -= 1 if kind != "eof" else 0
        raise self.unexpected(tok)

    def _word(self, tok: Token) -> tuple[Node, bool]:
        """A name of several letters, or max, min, argmax ... written as a word."""
        if tok.value in _BIG_WORDS and tok.font in ("", "rm") and (
            self.at_op("_") or self.at_op("(") or self.at_op("\\{")
        ):  # argmax_x, \text{argmax}_x, \mathop{\rm argmin}_x
            return self.bigop(tok, BIG_OPERATORS[tok.value]), False
        if tok.font == "" and len(tok.value) > 1 and self.notation != "ascii":
            self.decide(BARE_WORD, (tok.start, tok.end), f"the name {tok.value}",
                        "a product of its letters")
        return Symbol(tok.value, span=(tok.start, tok.end)), True

    def _braced_big_operator(self) -> Token | None:
        """The operator of ``{\\rm argmax}_k``, ``{\\operatorname{argmin}}_y``, ``{\\max}_i``: a big
        operator alone in braces with limits after them (the brace has been read)."""
        word, close, script = self.peek(), self.peek(1), self.peek(2)
        named = (word.kind == "word" and word.value in _BIG_WORDS and word.font in ("", "rm")) or (
            word.kind in ("opname", "cmd") and word.value in BIG_OPERATORS)
        return word if named and is_op(close, "}") and is_op(script, "_", "^") else None

    def _bracket_atom(self, tok: Token) -> tuple[Node, bool]:
        v = tok.value
        if v == "(":
            return self._parenthesis(tok), True
        if v == "[":
            return self._square_bracket(tok), True
        if v == "{":
            big = self._braced_big_operator()
            if big is not None:  # {\rm argmax}_k: the operator in braces, its limits after them
                self.advance()
                self.advance()
                return self.bigop(big, BIG_OPERATORS[big.value]), False
            self.i -= 1
            return self.group(), True
        if v == "\\{":
            items, _ = self.parse_items(tok, ("\\}",))
            return Set(tuple(items), span=(tok.start, self.previous().end)), True
        if v == "|":
            return self._abs(tok), True
        self.i -= 1
        if v == "^" or v == "_":
            raise self.error(f"{v} needs something before it", tok,
                             f"write x{v}2: a name or a bracket comes first")
        if v in ("=", ":="):
            raise self.error("an equation needs a left-hand side", tok,
                             "write something before the '='")
        raise self.unexpected(tok)

    def _parenthesis(self, tok: Token) -> Node:
        """``(a)``, the tuple ``(a, b)``, the concatenation ``(a; b)``, or the half-open interval
        ``(a, b]``."""
        items, sep = self.parse_items(tok, (")", "]"))
        end = self.previous()
        span = (tok.start, end.end)
        if end.value == "]":
            if len(items) == 2:
                return Interval(items[0], items[1], "(]", span=span)
            raise self.error("a bracket '(' is closed by ']'", end,
                             f"the parenthesis opened at column {tok.start + 1} "
                             "should be closed by ')'")
        if len(items) == 1:
            return items[0]
        if sep == ";)" and not all(map(_is_bound, items)):
            return self._semicolons(items, span)
        return Tuple(tuple(items), span=span)

    @SEMICOLON_CONCAT.hook
    def _semicolons(self, items: list[Node], span: Span) -> Node:
        """``(c_t; h_t)`` standing as a factor of its own: the concatenation [c_t; h_t]."""
        if self.flipped(SEMICOLON_CONCAT, span):
            self.decide(SEMICOLON_CONCAT, span, "a pair of values", "a concatenation")
            return Tuple(tuple(items), span=span)
        self.decide(SEMICOLON_CONCAT, span, "a concatenation", "a pair of values")
        return Concat(tuple(items), "stack", span=span)

    @BRACKET_CONCAT.hook
    def _square_bracket(self, tok: Token) -> Node:
        """``[a; b]`` and ``[a, b]`` (concatenations), ``[0, 1]`` and ``[0, 1)`` (intervals)."""
        items, sep = self.parse_items(tok, ("]", ")"))
        end = self.previous()
        span = (tok.start, end.end)
        if end.value == ")" or (len(items) == 2 and sep.startswith(",") and all(map(_is_bound, items))):
            if len(items) != 2:
                raise self.error("a bracket '[' is closed by ')'", end,
                                 f"the bracket opened at column {tok.start + 1} "
                                 "should be closed by ']'")
            if end.value == "]" and self.flipped(BRACKET_CONCAT, span):
                self.decide(BRACKET_CONCAT, span, "a concatenation", "an interval")
                return Concat(tuple(items), "join", span=span)
            self.decide(BRACKET_CONCAT, span, "an interval", "a concatenation")
            return Interval(items[0], items[1], "[" + end.value, span=span)
        if len(items) == 1:
            return items[0]
        axis = "stack" if sep.startswith(";") else "join"
        if axis == "join":
            if len(items) == 2 and self.flipped(BRACKET_CONCAT, span):
                self.decide(BRACKET_CONCAT, span, "an interval", "a concatenation")
                return Interval(items[0], items[1], "[]", span=span)
            self.decide(BRACKET_CONCAT, span, "a concatenation", "an interval")
        return Concat(tuple(items), axis, span=span)

    def _abs(self, tok: Token) -> Node:
        self.enter(tok)
        self.abs_stack.append(self.paren)
        inner = self.parse_expr()
        end = self.peek()
        self.abs_stack.pop()
        if not is_op(end, "|"):
            raise self.unclosed(tok, end)
        self.advance()
        self.depth -= 1
        return Abs(inner, span=cover(tok, end))

    def _norm(self, tok: Token) -> Node:
        self.enter(tok)
        self.norm_stack.append(self.paren)
        inner = self.parse_expr()
        end = self.peek()
        self.norm_stack.pop()
        if end.kind != "delim":
            raise self.unclosed(tok, end)
        self.advance()
        self.depth -= 1
        p: Node | None = None
        if self.at_op("_"):
            self.advance()
            p = self.parse_script()
        return Norm(inner, p, span=cover(tok, self.previous()))
