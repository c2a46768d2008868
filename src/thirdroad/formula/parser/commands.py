"""LaTeX constructs: what each command reads after it.

``\\frac`` and ``\\dfrac``, ``\\sqrt``, ``\\binom``, fonts (``\\mathbf``), accents (``\\hat``), named
functions (``\\exp``, ``\\log_2``, ``\\sin^2``, ``\\operatorname{f}``), big operators (``\\sum``,
``\\max``, ``\\arg\\max``), ``\\nabla``, ``\\partial``, the expectation ``\\mathbb{E}``,
``\\langle a, b \\rangle``, ``\\lfloor x \\rfloor``, ``\\underbrace``. A command that starts an atom
is looked up in the table at the end of this file; environments are in environments.py.
"""

from __future__ import annotations

from collections.abc import Callable

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Block,
    Derivative,
    Expectation,
    Fraction,
    Gradient,
    Node,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Statement,
    Symbol,
    Tuple,
    Update,
    transform,
)
from thirdroad.formula.lexer import Token
from thirdroad.formula.parser.atoms import SINGLE_TOKEN_ARGUMENT, index_items
from thirdroad.formula.parser.cursor import Cursor, cover, is_op
from thirdroad.formula.parser.scripts import SUPERSCRIPT_LABEL
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import (
    ACCENTS,
    BIG_OPERATORS,
    FONTS,
    GREEK_SET,
    LATEX_FUNCTIONS,
    SYMBOL_COMMANDS,
    WORD_FUNCTIONS,
)
from thirdroad.formula.tokens import BARE_WORD, lost_subscript

FUNCTION_ARGUMENT = Rule(
    "function-argument",
    "an argument without brackets runs over the following factors and stops at the next "
    "function, big operator or explicit operator: \\sin x \\cos y is sin(x)·cos(y), "
    "\\log p(x) is log(p(x))",
)
MAX_AS_FUNCTION = Rule(
    "max-as-function", "\\max(a, b) with brackets and no limits is a function of its arguments")
SIGMA_SUM = Rule("sigma-sum", "Σ (capital sigma) with a subscript is the sum sign; alone it is the matrix Σ")
NABLA_SUBSCRIPT = Rule(
    "nabla-subscript",
    "in pasted text, ∇θJ(θ) has lost its subscript: the letter after ∇ is what the gradient is "
    "taken with respect to",
)
DERIVATIVE_FRACTION = Rule("derivative-fraction", "dL/dW and ∂L/∂W are derivatives, not ratios")
EXPECTATION = Rule("expectation", "E[...] and \\mathbb{E}_{x∼p}[...] are expectations")

_NAMES_WITHOUT_LIMITS = ("max", "min", "sup", "inf", "argmax", "argmin", "lim")


def d_name(node: Node) -> Node | None:
    """The X of a differential written ``dX`` (as ``d X`` or the one name ``dX``)."""
    if isinstance(node, Product) and node.op == "" and len(node.factors) == 2:
        d, x = node.factors
        if isinstance(d, Symbol) and d.name == "d" and not d.sub and not d.accent:
            return x
    if isinstance(node, Symbol) and len(node.name) >= 2 and node.name[0] == "d" and (
        node.name not in WORD_FUNCTIONS and node.name[1:2].isalpha() and node.name not in (
            "det", "diag", "dim", "deg", "dec", "dots", "delta")
    ):
        return Symbol(node.name[1:], node.font, node.accent, node.sub, span=node.span)
    return None


def _partial_of(node: Node) -> tuple[Node, int] | None:
    """``∂X`` -> (X, 1); ``∂^2 X`` -> (X, 2)."""
    if isinstance(node, Apply) and len(node.args) == 1:
        f = node.func
        if isinstance(f, Symbol) and f.name == "partial":
            return node.args[0], 1
        if (
            isinstance(f, Power)
            and isinstance(f.base, Symbol)
            and f.base.name == "partial"
            and isinstance(f.exp, Number)
            and f.exp.value.isdigit()
        ):
            return node.args[0], int(f.exp.value)
    return None


def _wrt_list(den: Node) -> tuple[Node, ...] | None:
    """The variables of a derivative's denominator ``∂x ∂y`` or ``∂x^2``."""
    parts = den.factors if isinstance(den, Product) and den.op == "" else (den,)
    out: list[Node] = []
    for part in parts:
        p = _partial_of(part)
        if p is None:
            return None
        var, _ = p
        if isinstance(var, Power) and isinstance(var.exp, Number) and var.exp.value.isdigit():
            out.extend([var.base] * int(var.exp.value))
        else:
            out.append(var)
    return tuple(out)


def _is_closer(tok: Token) -> bool:
    return tok.kind == "op" and tok.value in (")", "]", "}", ",", "\\}")


def _is_bar(tok: Token) -> bool:
    return (tok.kind == "op" and tok.value == "|") or tok.kind == "delim"


class Commands(Cursor):
    """The LaTeX commands that start an atom."""

    def command_atom(self, tok: Token) -> tuple[Node, bool]:
        """The atom a command starts; the flag says whether postfix operators may follow."""
        return _READERS.get(tok.value, Commands._cannot_start)(self, tok)

    def _cannot_start(self, tok: Token) -> tuple[Node, bool]:
        self.i -= 1
        raise self.error(f"\\{tok.value} cannot start a term here", tok,
                         f"\\{tok.value} needs something on its left")

    @SIGMA_SUM.hook
    def _greek(self, tok: Token) -> tuple[Node, bool]:
        name, span = tok.value, (tok.start, tok.end)
        if self.notation != "ascii" and self.text[tok.start : tok.start + 1].isascii() and (
            self.text[tok.start : tok.start + 1].isalpha()
        ):
            self.decide(BARE_WORD, span, f"the Greek letter {name}", "a product of its letters")
        # \Sigma_k in LaTeX is a matrix; the character Σ itself is the sum sign wherever it was
        # pasted from (an encyclopedia's softmax mixes it with braced scripts)
        if name == "Sigma" and (self.notation != "latex" or self.text[tok.start : tok.start + 1] == "Σ"):
            if self.at_op("_") and not lost_subscript(self.text, self.peek()):  # Σ1 is the matrix Σ₁
                self.decide(SIGMA_SUM, span, "the sum sign", "the matrix Σ")
                return self.bigop(tok, "sum"), False
            if self._indexed_term_follows():
                self.decide(SIGMA_SUM, span, "the sum sign, over the index of what follows",
                            "the matrix Σ")
                return self.bigop(tok, "sum"), False
        return Symbol(name, tok.font, span=span), True

    def _indexed_term_follows(self) -> bool:
        """Whether the term after a bare Σ carries an index for it to sum over: ``Σ (y_i − ŷ_i)²``,
        ``Σ x_i``; not ``Σ x``, ``Σ^{-1}``, ``Σ = ...``."""
        if not self.starts_factor(self.peek()):
            return False
        depth = 0
        for tok in self.toks[self.i:]:
            if tok.kind in ("eof", "newrow", "sep", "end", "text") or (
                    depth == 0 and (self.relation_name(tok) is not None or is_op(tok, "+", "-", ",", ";", "&"))):
                return False
            if is_op(tok, "(", "[", "{", "\\{"):
                depth += 1
            elif is_op(tok, ")", "]", "}", "\\}"):
                depth -= 1
                if depth < 0:
                    return False
            elif is_op(tok, "_") and tok.end > tok.start:
                return True
        return False

    def _named_function(self, tok: Token) -> tuple[Node, bool]:
        return self.function(tok, tok.value), False

    def _big_operator(self, tok: Token) -> tuple[Node, bool]:
        return self.bigop(tok, BIG_OPERATORS[tok.value]), False

    def _arg(self, tok: Token) -> tuple[Node, bool]:
        nxt = self.peek()
        if nxt.kind == "cmd" and nxt.value in ("max", "min"):  # \arg\max
            self.advance()
            return self.bigop(tok, "arg" + nxt.value), False
        return Symbol("arg", span=(tok.start, tok.end)), True

    def _frac(self, tok: Token) -> tuple[Node, bool]:
        num = self.parse_script()
        den = self.parse_script()
        node = self.fraction(num, den, slash=False, start=tok)
        stop = self.previous().end
        return (node.with_span((tok.start, stop)) if node.span[1] < stop else node), True

    def _binom(self, tok: Token) -> tuple[Node, bool]:
        a = self.parse_script()
        b = self.parse_script()
        return Apply(Symbol("binom"), (a, b), span=cover(tok, b)), True

    def _sqrt(self, tok: Token) -> tuple[Node, bool]:
        degree: Node | None = None
        if self.at_op("["):
            open_tok = self.advance()
            items, _ = self.parse_items(open_tok, ("]",))
            if len(items) != 1:
                raise self.error("the degree of a root must be one term", open_tok,
                                 "write \\sqrt[3]{x}")
            degree = items[0]
        nxt = self.peek()
        arg = self.parse_script()
        if isinstance(arg, Symbol) and not arg.sub and self.at_op("_") and nxt.kind != "op":
            sub_tok = self.advance()  # \sqrt v_t is the root of v_t
            arg = self.subscript(arg, self.parse_script(), sub_tok)
        span = cover(tok, self.previous())
        if not is_op(nxt, "{", "(") and self.peek().kind != "eof" and not self.line_end(self.peek()):
            self.decide(SINGLE_TOKEN_ARGUMENT, span,
                        f"the root of {self.src(arg.span)} only", "the root of what follows")
        return Sqrt(arg, degree, span=span), True

    def _font(self, tok: Token) -> tuple[Node, bool]:
        """``\\mathbf{W}``: the font goes to every name inside, not to the functions."""
        font = FONTS.get(tok.value, "rm")
        arg = self.parse_script()
        span = cover(tok, self.previous())

        def restyle(node: Node) -> Node:
            if isinstance(node, Symbol) and not node.font:
                return Symbol(node.name, font, node.accent, node.sub, node.sup, node.prime,
                              span=node.span)
            return node

        if isinstance(arg, Symbol):
            node: Node = Symbol(arg.name, font, arg.accent, arg.sub, arg.sup, arg.prime, span=span)
        elif any(isinstance(n, Relation | Update | Block | Statement) for n in arg.walk()):
            raise self.error("a font applies to names, not to equations", tok,
                             "write \\mathbf{W} = ..., not \\mathbf{W = ...}")
        else:
            names = {id(n.func) for n in arg.walk() if isinstance(n, Apply)}
            node = transform(arg, lambda n: n if id(n) in names else restyle(n))
        if isinstance(node, Symbol) and node.name == "E" and (
            font == "bb" or (font == "rm" and self.expectation_follows())
        ):
            return self.expectation(tok, node), True
        return node, True

    def _accent(self, tok: Token) -> tuple[Node, bool]:
        accent = ACCENTS[tok.value]
        arg = self.parse_script()
        span = cover(tok, self.previous())
        if isinstance(arg, Symbol) and not arg.accent:
            return Symbol(arg.name, arg.font, accent, arg.sub, arg.sup, arg.prime, span=span), True
        return Apply(Symbol("accent:" + accent), (arg,), span=span), True

    def _symbol_command(self, tok: Token) -> tuple[Node, bool]:
        return Symbol(SYMBOL_COMMANDS[tok.value], span=(tok.start, tok.end)), True

    def _inner_product(self, tok: Token) -> tuple[Node, bool]:
        """``\\langle a, b \\rangle``."""
        self.paren += 1
        items = [self.parse_expr()]
        while self.at_op(","):
            comma = self.advance()
            rangle = self.peek().kind == "cmd" and self.peek().value == "rangle"  # ⟨a, ⟩: a slot
            items.append(Symbol("cdot", span=(comma.end, comma.end)) if rangle else self.parse_expr())
        end = self.advance()
        self.paren -= 1
        if not (end.kind == "cmd" and end.value == "rangle"):
            raise self.unclosed(tok, end)
        return Apply(Symbol("inner"), tuple(items), span=cover(tok, self.previous())), True

    def _floor_or_ceiling(self, tok: Token) -> tuple[Node, bool]:
        closer = "rfloor" if tok.value == "lfloor" else "rceil"
        inner = self.parse_expr()
        end = self.advance()
        if not (end.kind == "cmd" and end.value == closer):
            raise self.unclosed(tok, end)
        return Apply(Symbol(tok.value[1:]), (inner,), span=cover(tok, end)), True

    def _braced_over(self, tok: Token) -> tuple[Node, bool]:
        """``\\underbrace{x}_{label}``, ``\\boxed{x}``: the math inside; the label is a comment."""
        inner = self.parse_script()
        if tok.value != "boxed" and (self.at_op("_") or self.at_op("^")):
            self.advance()
            self.parse_script()
        return inner, True

    def _slot(self, tok: Token) -> tuple[Node, bool]:
        after, before = self.peek(), self.toks[self.i - 2]
        if _is_closer(after) or is_op(before, "{", "(", ",") or (
                _is_bar(before) and _is_bar(after)):  # f(\cdot), W_{\cdot j}, \|\cdot\|, |\cdot|
            return Symbol("cdot", span=(tok.start, tok.end)), False  # E[\cdot], f(\cdot): a slot
        return self._cannot_start(tok)

    def _set_operation(self, tok: Token) -> tuple[Node, bool]:
        """``\\cup_{m=1}^p A_m``: with limits, the union (or intersection) of all of them."""
        if self.at_op("_") or self.at_op("^"):
            return self.bigop(tok, "union" if tok.value == "cup" else "intersection"), False
        return self._cannot_start(tok)

    def _logical_not(self, tok: Token) -> tuple[Node, bool]:
        arg = self.parse_factor()
        return Apply(Symbol("not"), (arg,), span=cover(tok, arg)), False

    # ---- constructs the rest of the reader uses too --------------------------------
    @DERIVATIVE_FRACTION.hook
    def fraction(self, num: Node, den: Node, slash: bool, start: Token | None = None) -> Node:
        span = cover(start if start is not None else num, den)
        wrt = _wrt_list(den)
        top = _partial_of(num)
        if wrt is not None and top is not None:
            self.decide(DERIVATIVE_FRACTION, span, "a partial derivative", "a ratio")
            return Derivative(top[0], wrt, True, span=span)
        if wrt is not None and isinstance(num, Symbol) and num.name == "partial":
            expr = self.parse_factor()
            return Derivative(expr, wrt, True, span=(span[0], expr.span[1]))
        d_den = d_name(den)
        d_num = d_name(num)
        if d_den is not None and d_num is not None:
            self.decide(DERIVATIVE_FRACTION, span, "a derivative", "a ratio")
            return Derivative(d_num, (d_den,), False, span=span)
        if d_den is not None and isinstance(num, Symbol) and num.name == "d" and not slash:
            expr = self.parse_factor()
            return Derivative(expr, (d_den,), False, span=(span[0], expr.span[1]))
        return Fraction(num, den, span=span)

    @FUNCTION_ARGUMENT.hook
    def function(self, tok: Token, name: str) -> Node:
        """``\\exp(x)``, ``\\log_2 x``, ``\\sin^2 x``, ``\\sin x \\cos y``."""
        func, power = self._function_scripts(tok, name)
        nxt = self.peek()
        if is_op(nxt, "("):
            node: Node = self.application(func)
            node = self.parse_postfix(node)
        elif self.can_open(nxt) and not self.line_end(nxt):
            arg = self.parse_product(fn_arg=True)
            node = Apply(func, (arg,), span=cover(tok, arg))
            if isinstance(arg, Product) or self.starts_function(self.peek()):
                self.decide(FUNCTION_ARGUMENT, node.span,
                            f"{name}({self.src(arg.span)})", "a longer or shorter argument")
        else:
            return func
        if power is not None:
            node = Power(node, power, span=cover(node, power))
        return node

    def _function_scripts(self, tok: Token, name: str) -> tuple[Node, Node | None]:
        """The function's name with its subscript, label and primes, and the power it is raised
        to (``\\sin^2 x``), as written right after it."""
        func: Node = Symbol(name, span=(tok.start, tok.end))
        power: Node | None = None
        primes = 0
        while self.at_op("_") or self.at_op("^") or self.at_op("'"):
            op = self.advance()
            if op.value == "'":
                primes += 1  # \operatorname{f}'(x)
                func = Symbol(name, sub=getattr(func, "sub", ()), prime=primes, span=cover(tok, op))
                continue
            label = self.bracket_label() if op.value == "^" and not self.flipped(
                SUPERSCRIPT_LABEL, func.span) else None
            if label is not None:  # \operatorname{V}^{(\pi)}(s): a label on the function, as V^\pi(s)
                self.decide(SUPERSCRIPT_LABEL, cover(tok, label), "a label on the name", "a power")
                func = Symbol(name, sub=getattr(func, "sub", ()), sup=label, prime=primes,
                              span=cover(tok, self.previous()))
                continue
            script = self.parse_script(script=True)
            if op.value == "_":
                func = Symbol(name, sub=index_items(script), sup=getattr(func, "sup", None), prime=primes,
                              span=cover(tok, script))
            else:
                power = script
        return func, power

    @MAX_AS_FUNCTION.hook
    def bigop(self, tok: Token, op: str) -> Node:
        """``\\sum_{i=1}^n x_i``, ``\\max_i``, ``\\max(a, b)``, and ``\\eta_{\\max}`` (a name)."""
        under, over = self._limits()
        nxt = self.peek()
        if self.align and nxt.kind == "newrow" and (under is not None or over is not None):
            self.advance()  # \sum_{k} \\ & \frac{...}: the body goes on the next row
            nxt = self.peek()
        if op in ("max", "min") and under is None and over is None and is_op(nxt, "(", "\\{"):
            self.advance()
            items, _ = self.parse_items(nxt, (")" if nxt.value == "(" else "\\}",))
            node = Apply(Symbol(op, span=(tok.start, tok.end)), tuple(items),
                         span=cover(tok, self.previous()))
            self.decide(MAX_AS_FUNCTION, node.span, f"the function {op} of its arguments",
                        f"{op} over an index")
            return self.parse_postfix(node)
        if (not self.starts_factor(nxt) or self.line_end(nxt)) and under is None and (
            op in _NAMES_WITHOUT_LIMITS and is_op(nxt, "}", ")", ",", "]")
        ):
            return Symbol(op, span=(tok.start, tok.end))  # \eta_{\max}: a name, not an operator
        if (not self.can_open(nxt) and not is_op(nxt, "-")) or self.line_end(nxt):
            raise self.error(f"{self.src((tok.start, tok.end))} needs something to work on",
                             nxt, "write what it sums or maximises after it")
        body = self.parse_product()  # \sum_j - P(j) \log P(j): a signed body
        return BigOp(op, body, under, over, span=cover(tok, body))

    def _limits(self) -> tuple[Node | None, Node | None]:
        """The limits under and over a big operator, as written (``∑ₛ′``: a primed index)."""
        under: Node | None = None
        over: Node | None = None
        while self.at_op("_") or self.at_op("^") or (self.at_op("'") and isinstance(under, Symbol)):
            script_tok = self.advance()
            if script_tok.value == "'" and isinstance(under, Symbol):
                under = Symbol(under.name, under.font, under.accent, under.sub, under.sup,
                               under.prime + 1, span=cover(under, script_tok))
                continue
            script = self.parse_script()
            if script_tok.value == "_":
                under = script
            else:
                over = script
        return under, over

    @NABLA_SUBSCRIPT.hook
    def _gradient(self, tok: Token) -> tuple[Node, bool]:
        """``\\nabla_\\theta J``, ``\\nabla^2 f``, and ∇θJ in pasted text."""
        wrt: Node | None = None
        if self.at_op("^"):
            return self._second_derivatives(tok), False
        if self.at_op("_"):
            self.advance()
            wrt = self.parse_script()
            if self.at_op("^"):  # ∇_θ^2 J(θ): the gradient, squared (as optimizers accumulate it)
                self.advance()
                power = self.parse_script()
                body = self.parse_factor()
                return Power(Gradient(body, wrt, span=cover(tok, body)), power, span=cover(tok, body)), False
        elif self.notation != "latex":
            a, b = self.peek(), self.peek(1)
            if a.kind in ("letter", "cmd") and (a.kind == "letter" or a.value in GREEK_SET) and (
                b.kind in ("letter", "word") or (b.kind == "cmd" and b.value in GREEK_SET)
            ):
                self.advance()
                wrt = Symbol(a.value, span=(a.start, a.end))
                self.decide(NABLA_SUBSCRIPT, (tok.start, a.end),
                            f"the gradient with respect to {a.value}", f"∇ times {a.value}")
        nxt = self.peek()
        if not self.can_open(nxt) or self.line_end(nxt):
            raise self.error("∇ needs something to take the gradient of", nxt,
                             "write \\nabla_\\theta J(\\theta)")
        if wrt is not None and nxt.kind in ("letter", "cmd", "word"):
            self.gradient_of[nxt.start] = frozenset(n.name for n in wrt.walk() if isinstance(n, Symbol))
        body = self.parse_factor()
        return Gradient(body, wrt, span=cover(tok, body)), False

    def _second_derivatives(self, tok: Token) -> Node:
        """``\\nabla^2 f``: the Laplacian or the Hessian."""
        self.advance()
        order = self.parse_script()
        if order != Number("2"):
            raise self.error("∇ takes only the power 2 (second derivatives)", tok,
                             "write \\nabla^2 f for the Laplacian or the Hessian of f")
        wrt: tuple[Node, ...] = ()
        if self.at_op("_"):  # \nabla^2_\theta f: the Hessian with respect to θ
            self.advance()
            wrt = (self.parse_script(),)
        nxt = self.peek()
        if not self.can_open(nxt) or self.line_end(nxt):
            raise self.error("∇² needs something to take the second derivatives of", nxt,
                             "write \\nabla^2 f")
        body = self.parse_factor()
        nabla = Symbol("nabla", sub=wrt, span=(tok.start, tok.end))
        func = Power(nabla, order, span=cover(tok, order))
        return Apply(func, (body,), span=cover(tok, body))

    def _partial(self, tok: Token) -> tuple[Node, bool]:
        """``\\partial_x f``, ``\\partial^2 L``, ``\\partial f`` (a change in f)."""
        func: Node = Symbol("partial", span=(tok.start, tok.end))
        if self.at_op("^"):
            self.advance()
            order = self.parse_script()
            if not (isinstance(order, Number) and order.value.isdigit()):
                raise self.error("the order of a derivative must be a whole number", tok,
                                 "write \\partial^2 L")
            func = Power(func, order, span=cover(tok, order))
        if self.at_op("_"):
            self.advance()
            var = self.parse_script()
            body = self.parse_factor()
            return Derivative(body, (var,), True, span=cover(tok, body)), False
        nxt = self.peek()
        if not self.starts_factor(nxt) or self.line_end(nxt):
            return func, False
        arg = self.parse_factor()
        return Apply(func, (arg,), span=cover(tok, arg)), False

    def expectation_follows(self) -> bool:
        return is_op(self.peek(), "[", "_")

    @EXPECTATION.hook
    def expectation(self, tok: Token, sym: Node | None = None) -> Node:
        """``E[x]``, ``\\mathbb{E}_{x \\sim p}[f(x)]``; E alone (or before an operator) is a name."""
        under: Node | None = None
        if self.at_op("_"):
            self.advance()
            under = self.parse_script()
        nxt = self.peek()
        if is_op(nxt, "[", "("):
            self.advance()
            items, _ = self.parse_items(nxt, ("]" if nxt.value == "[" else ")",))
            body = items[0] if len(items) == 1 else Tuple(tuple(items))
        elif self.starts_factor(nxt) and not self.line_end(nxt):
            body = self.parse_product()
        else:
            font = sym.font if isinstance(sym, Symbol) else tok.font
            name = Symbol("E", font, sub=() if under is None else index_items(under),
                          span=cover(tok, self.previous()))
            # E_1^c \cap E_2: an event's name, and its other scripts follow
            return self.parse_postfix(name, call=False) if self.at_op("^") or self.at_op("'") else name
        node = Expectation(body, under, span=cover(tok, self.previous()))
        self.decide(EXPECTATION, node.span, "an expectation", "E times a bracket")
        return self.parse_postfix(node) if self.at_op("_") else node


_Reader = Callable[[Commands, Token], tuple[Node, bool]]


def _reader_table() -> dict[str, _Reader]:
    """The reader of each command that starts an atom; the first entry for a name wins."""
    entries: list[tuple[frozenset[str] | dict[str, str] | tuple[str, ...], _Reader]] = [
        (GREEK_SET, Commands._greek),
        (LATEX_FUNCTIONS, Commands._named_function),
        (BIG_OPERATORS, Commands._big_operator),
        (("arg",), Commands._arg),
        (("frac", "dfrac", "tfrac", "cfrac"), Commands._frac),
        (("binom",), Commands._binom),
        (("sqrt",), Commands._sqrt),
        ((*FONTS, "mathrm"), Commands._font),
        (ACCENTS, Commands._accent),
        (("nabla",), Commands._gradient),
        (("partial",), Commands._partial),
        (SYMBOL_COMMANDS, Commands._symbol_command),
        (("langle",), Commands._inner_product),
        (("lfloor", "lceil"), Commands._floor_or_ceiling),
        (("underbrace", "overbrace", "boxed"), Commands._braced_over),
        (("cdot", "bullet"), Commands._slot),
        (("neg", "lnot"), Commands._logical_not),
        (("cup", "cap"), Commands._set_operation),
    ]
    table: dict[str, _Reader] = {}
    for names, reader in entries:
        for name in names:
            table.setdefault(name, reader)
    return table


_READERS = _reader_table()
