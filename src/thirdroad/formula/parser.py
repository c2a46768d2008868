"""A hand-written recursive-descent reader from tokens to the syntax tree.

Precedence, loosest first::

    statements   separated by \\\\  ;  \\quad  (and commas between equations)
    relation     = ← := \\approx \\propto \\sim \\in \\le ...   (chains a = b = c)
    sum          + -
    product      juxtaposition * / \\cdot \\times \\odot \\otimes \\circ   (left to right)
    prefix       unary -, \\sum \\prod \\max ... (body: the following product),
                 \\sin x (argument: the following factors, see rule function-argument),
                 \\nabla_\\theta f, \\partial f
    postfix      ^ _ ' ! and application f(x)
    atom         names, numbers, (...), [...], {...}, |x|, \\|x\\|, \\frac, \\sqrt,
                 fonts and accents, environments, \\mathbb{E}[...]

Every ambiguous choice names its rule (``rules.RULES``) in ``Parser.decisions``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Block,
    Cases,
    Concat,
    Conditional,
    Derivative,
    Expectation,
    Fraction,
    Gradient,
    Interval,
    Inverse,
    Matrix,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Relation,
    Set,
    Span,
    Sqrt,
    Statement,
    Sum,
    Symbol,
    Text,
    Transpose,
    Tuple,
    Update,
    transform,
    variables,
)
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.names import DELTA, display
from thirdroad.formula.rules import Decision
from thirdroad.formula.tables import (
    ACCENTS,
    ASSIGN_RELATIONS,
    BIG_OPERATORS,
    FONTS,
    FUNCTION_LETTERS,
    GREEK_SET,
    LATEX_FUNCTIONS,
    MATRIX_ENVS,
    PRODUCT_OPS,
    PSEUDO_WORDS,
    RELATIONS,
    SUM_OPS,
    SYMBOL_COMMANDS,
    WORD_FUNCTIONS,
    words,
)
from thirdroad.formula.tokens import Token

MAX_DEPTH = 40  # how deep the tree may be
_GUARD = 3 * MAX_DEPTH  # how deep the reading may recurse (a tree level costs up to three)

_OPEN_NAMES = {"(": "parenthesis", "[": "bracket", "{": "brace", "\\{": "brace", "|": "bar",
               "‖": "norm bar"}
_CLOSERS = frozenset({")", "]", "}", "\\}"})
_NOT_FACTOR_CMDS = frozenset(
    set(RELATIONS) | set(ASSIGN_RELATIONS) | set(PRODUCT_OPS) | set(SUM_OPS)
    | {"mid", "rangle", "rfloor", "rceil", "top"}
)
_LABEL_CAPITALS = frozenset("QKVO")
# Apply nodes the reader makes itself; a subscript after them indexes the result.
_INTERNAL_FUNCTIONS = frozenset(
    words("factorial positive_part negative_part partial pm mp not inner floor ceil binom max min")
) | frozenset("accent:" + a for a in ACCENTS.values())
_BIG_WORDS = frozenset({"max", "min", "argmax", "argmin", "sup", "inf", "lim"})


def _span(a: Node | Token, b: Node | Token) -> Span:
    start = a.span[0] if isinstance(a, Node) else a.start
    end = b.span[1] if isinstance(b, Node) else b.end
    return (start, max(start, end))


def _is_label_exponent(exp: Node, base: Node) -> bool:
    if isinstance(exp, Symbol) and exp.name == "star":
        return True
    if isinstance(exp, Symbol) and len(exp.name) > 1 and exp.name not in GREEK_SET and (
        exp.name not in ("top",)
    ):
        return True
    return (
        isinstance(base, Symbol)
        and base.name in ("W",)
        and isinstance(exp, Symbol)
        and exp.name in _LABEL_CAPITALS
        and not exp.sub
    )


def _is_matrix_name(node: Node) -> bool:
    if not isinstance(node, Symbol):
        return False
    if node.font == "bf" and node.name[:1].isupper():
        return True
    return (len(node.name) == 1 and node.name.isupper()) or node.name in (
        "Sigma", "Lambda", "Phi", "Psi", "Omega", "Gamma", "Delta", "Theta"
    )


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


def _is_scalar_name(node: Node) -> bool:
    """A lower-case Greek letter (λ, α...): the names papers give to scalars."""
    return isinstance(node, Symbol) and node.name in GREEK_SET and node.name.islower() and not node.font


def _index_items(node: Node) -> tuple[Node, ...]:
    """``_{ij}`` is the two indices i, j; ``_{i,j}`` too; ``_{t-1}`` is one index."""
    if isinstance(node, Tuple):
        return node.items
    if isinstance(node, Product) and node.op == "" and all(
        isinstance(f, Symbol | Number) and not getattr(f, "sub", ()) for f in node.factors
    ):
        return node.factors
    return (node,)


def _d_name(node: Node) -> Node | None:
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


def _lost_subscript(text: str, tok: Token) -> bool:
    """Whether ``tok`` is the zero-width ``_`` the tokenizer put between a letter and the digits
    right after it in plain text (rule plain-digits), not one of a Unicode subscript run."""
    return tok.start == tok.end and text[tok.start : tok.start + 1] in _ASCII_DIGITS


_ASCII_DIGITS = frozenset("0123456789")


def _unscript_flipped_digits(tokens: list[Token], text: str,
                             flips: frozenset[tuple[str, int]]) -> list[Token]:
    """For a turned plain-digits decision, drop the zero-width ``_{`` and ``}`` again, so that
    β1 reads as β times 1 (and σ2, read as σ², becomes σ₂)."""
    starts = {start for rule, start in flips if rule == "plain-digits"}
    if not starts:
        return tokens
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if (tok.kind == "op" and tok.value == "_" and k and tokens[k - 1].start in starts
                and _lost_subscript(text, tok)):
            out.append(tokens[k + 2])  # _ { digits }: keep only the digits
            k += 4
            continue
        if (tok.kind == "op" and tok.value == "^" and k and tokens[k - 1].start in starts
                and _lost_subscript(text, tok)):
            out.append(Token("op", "_", tok.start, tok.end))  # σ2 turned: σ₂, a subscript
            k += 1
            continue
        out.append(tok)
        k += 1
    return out


def _ellipsis_sum(terms: list[Node], span: Span) -> BigOp | None:
    """``x_1 + x_2 + … + x_n`` as the sum it abbreviates, ``Σ_{i=1}^{n} x_i``: the same name with
    one subscript in every term, counting up from a number before the dots, ending after them."""
    dots = [k for k, t in enumerate(terms) if isinstance(t, Symbol) and t.name in ("dots", "ldots", "cdots")
            and not t.sub]
    if len(dots) != 1 or dots[0] == 0 or dots[0] != len(terms) - 2:
        return None
    named = terms[: dots[0]] + terms[dots[0] + 1 :]
    first = named[0]
    if not isinstance(first, Symbol) or first.sup is not None or first.prime or len(first.sub) != 1:
        return None
    for k, t in enumerate(named):
        if not (isinstance(t, Symbol) and (t.name, t.font, t.accent) == (first.name, first.font, first.accent)
                and t.sup is None and not t.prime and len(t.sub) == 1):
            return None
        if k < len(named) - 1:
            sub = t.sub[0]
            start = first.sub[0]
            if not (isinstance(sub, Number) and isinstance(start, Number) and sub.value.isdigit()
                    and start.value.isdigit() and int(sub.value) == int(start.value) + k):
                return None
    last = named[-1].sub[0]  # type: ignore[attr-defined]
    taken = {first.name} | ({last.name} if isinstance(last, Symbol) else set())
    index = Symbol(next(c for c in "ijkm" if c not in taken), span=span)
    body = Symbol(first.name, first.font, first.accent, (index,), span=span)
    return BigOp("sum", body, Relation(("eq",), (index, first.sub[0]), span=span), last, span=span)


class Parser:
    """Reads one token list; ``parse()`` returns the root node."""

    def __init__(self, text: str, tokens: list[Token], notation: str,
                 flips: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.text = text
        self.flips = flips  # decisions to turn around: (rule, start of its span)
        self.toks = _unscript_flipped_digits(tokens, text, flips)
        self.i = 0
        self.notation = notation
        self.decisions: list[Decision] = []
        self.depth = 0
        self.paren = 0
        self.abs_stack: list[int] = []
        self.norm_stack: list[int] = []
        self.align = 0
        self.groups = 0  # how many {...} groups are open
        self.saw_d = False
        self.saw_delta = any(t.kind == "cmd" and t.value == "Delta" for t in self.toks)
        self.functions = self._prescan_functions()
        self.gradient_of: dict[int, frozenset[str]] = {}  # a name right after ∇_x -> the names in x
        self.label_letters = self._prescan_label_letters()
        self.labelled_functions: set[int] = set()  # where V^π(s) starts: V^π is applied to (s)

    # ---- token helpers -------------------------------------------------------------
    def peek(self, k: int = 0) -> Token:
        if k:
            return self.toks[min(self.i + k, len(self.toks) - 1)]
        tok = self.toks[self.i]
        if self.align:
            while tok.kind == "op" and tok.value == "&":  # alignment marks carry no math
                self.i += 1
                tok = self.toks[self.i]
        return tok

    def advance(self) -> Token:
        tok = self.peek()
        if tok.kind != "eof":
            self.i += 1
        return tok

    def at_op(self, value: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.value == value

    def error(self, message: str, tok: Token, hint: str = "") -> FormulaError:
        return FormulaError(message, tok.start + 1, hint, self.text)

    def flipped(self, rule: str, span: Span) -> bool:
        """Whether the caller asked for the other reading of this decision."""
        return bool(self.flips) and (rule, span[0]) in self.flips

    def decide(self, rule: str, span: Span, chosen: str, alternative: str = "") -> None:
        self.decisions.append(Decision(rule, span, chosen, alternative))

    def src(self, span: Span) -> str:
        return self.text[span[0] : span[1]]

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > _GUARD:
            raise self.error(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels)",
                tok,
                "split it into smaller formulas",
            )

    def _prescan_functions(self) -> set[str]:
        """Names applied to several arguments, or defined as f(x) = ..., anywhere in the
        block are functions everywhere in it (rule function-application)."""
        found: set[str] = set()
        toks = self.toks
        stack: list[tuple[int, bool]] = []
        braces: dict[int, int] = {}  # the index of each '}' -> its '{'
        open_braces: list[int] = []
        for j, tok in enumerate(toks):
            if tok.kind == "op" and tok.value == "{":
                open_braces.append(j)
            elif tok.kind == "op" and tok.value == "}" and open_braces:
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
                defined = after.kind == "op" and after.value in ("=", ":=")
                if comma or defined:
                    found.add(name_tok.value)
        return found

    def _prescan_label_letters(self) -> frozenset[str]:
        """The letters inside bracketed superscript labels (``w^{(l+1)}``, ``h^{(t)}``) anywhere in
        the block: the same letter alone as a superscript (``\\tilde y^l``) is that label too."""
        found: set[str] = set()
        toks = self.toks
        for j, tok in enumerate(toks):
            if not (tok.kind == "op" and tok.value == "^"):
                continue
            k = j + 1 + (1 if toks[j + 1].kind == "op" and toks[j + 1].value == "{" else 0)
            if not (toks[k].kind == "op" and toks[k].value == "("):
                continue
            depth = 0
            for inner in toks[k:]:
                if inner.kind == "op" and inner.value in ("(", "[", "{"):
                    depth += 1
                elif inner.kind == "op" and inner.value in (")", "]", "}"):
                    depth -= 1
                    if depth == 0:
                        break
                elif inner.kind == "letter" and len(inner.value) == 1:
                    found.add(inner.value)
                elif inner.kind == "eof":
                    break
        return frozenset(found)

    def _applied_name(self, opened: int, braces: dict[int, int]) -> Token | None:
        """The name a '(' at ``opened`` follows, looking back over its scripts and font:
        \\pi_\\theta(, q_{\\phi}(, \\mathcal{N}(."""
        toks = self.toks
        k = opened - 1
        while k >= 0:
            tok = toks[k]
            if tok.kind == "op" and tok.value == "}" and k in braces:
                start = braces[k]
                before = toks[start - 1] if start > 0 else None
                if before is not None and before.kind == "cmd" and (
                    before.value in FONTS or before.value in ACCENTS or before.value == "mathrm"
                ):
                    return toks[start + 1] if start + 1 < k else None
                k = start - 1
                if k >= 0 and toks[k].kind == "op" and toks[k].value in ("_", "^"):
                    k -= 1
                    continue
                return None
            if k >= 1 and toks[k - 1].kind == "op" and toks[k - 1].value in ("_", "^"):
                k -= 2  # a one-token script
                continue
            return tok
        return None

    # ---- statements ----------------------------------------------------------------
    def parse(self) -> Node:
        items = self.parse_lines(top=True)
        tok = self.peek()
        if tok.kind != "eof":
            raise self._unexpected(tok)
        if not items:
            raise FormulaError("the formula is empty", 1, "type a formula such as y = f(x)",
                               self.text)
        root = items[0] if len(items) == 1 else Block(tuple(items), span=_span(items[0],
                                                                                items[-1]))
        depth, deepest = tree_depth(root)
        if depth > MAX_DEPTH:
            raise FormulaError(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels)",
                deepest.span[0] + 1, "split it into smaller formulas", self.text)
        if self.saw_d:
            root = self._merge_differentials(root)
        if self.saw_delta:
            root = self._merge_changes(root)
        return root

    def _line_end(self, tok: Token) -> bool:
        if tok.kind in ("newrow", "sep", "eof", "end"):
            return True
        return tok.kind == "op" and tok.value in (";", "&", ")", "]", "}", "\\}")

    def parse_lines(self, top: bool = False) -> list[Node]:
        items: list[Node] = []
        while True:
            tok = self.peek()
            if tok.kind in ("newrow", "sep") or (tok.kind == "op" and tok.value == ";"):
                self.advance()
                continue
            if self._line_end(tok):
                break
            if self.align and items and self._relation_name(tok) is not None and isinstance(
                items[-1], Relation | Update
            ):
                items[-1] = self._continue_relation(items[-1])  # a &= b \\ &= c
                continue
            node = self.parse_statement()
            if isinstance(node, Block):
                items.extend(node.items)
            else:
                items.append(node)
        if top and len(items) > 1:
            self.decide("separate-statements", _span(items[0], items[-1]),
                        f"{len(items)} separate statements")
        return items

    def parse_statement(self) -> Node:
        """One line: relations separated by commas, or a pseudo-code line with words."""
        parts: list[Node] = []
        groups: list[list[Node]] = [[]]
        has_text = False
        while True:
            tok = self.peek()
            if self._line_end(tok):
                break
            if tok.kind == "text":
                self.advance()
                parts.append(Text(tok.value, span=(tok.start, tok.end)))
                has_text = True
                groups.append([])
                continue
            if (tok.kind == "op" and (tok.value == "," or (tok.value == ":" and has_text))) or (
                tok.kind == "op" and tok.value == ":" and parts and isinstance(parts[-1], Symbol)
                and self.peek(1).kind != "op"
            ):
                self.advance()  # "input : γ (lr), θ₀ (params)": a colon after a heading
                groups.append([])
                continue
            node = self.parse_relation()
            parts.append(node)
            groups[-1].append(node)
            nxt = self.peek()
            if not (self._line_end(nxt) or nxt.kind == "text" or (
                    nxt.kind == "op" and nxt.value in (",", ":"))):
                raise self._unexpected(nxt)
        if not parts:
            raise self._unexpected(self.peek())
        if has_text:
            return Statement(tuple(parts), span=_span(parts[0], parts[-1]))
        if len(parts) == 1:
            return parts[0]
        if any(isinstance(p, Relation | Update) for p in parts):
            return Block(tuple(parts), span=_span(parts[0], parts[-1]))
        return Tuple(tuple(parts), span=_span(parts[0], parts[-1]))

    def _unexpected(self, tok: Token) -> FormulaError:
        if tok.kind == "eof":
            return self.error("the formula ends too early", tok,
                              "something is missing at the end")
        shown = self.src((tok.start, tok.end)) or tok.value
        if tok.kind == "op" and tok.value in _CLOSERS:
            return self.error(f"unexpected {shown!r}", tok,
                              f"this {shown!r} closes nothing that was opened before it")
        if tok.kind == "end":
            return self.error(f"unexpected \\end{{{tok.value}}}", tok,
                              f"no \\begin{{{tok.value}}} is open here")
        return self.error(f"unexpected {shown!r}", tok, "an operator or a term is missing here")

    # ---- relations -----------------------------------------------------------------
    def _relation_name(self, tok: Token) -> str | None:
        if tok.kind == "op":
            if tok.value in ("=", "<", ">"):
                return RELATIONS[tok.value]
            if tok.value == ":=":
                return "assign"
            if tok.value == ":" and self.peek(1).kind == "op" and self.peek(1).value == "=":
                return "assign2"
            return None
        if tok.kind == "cmd":
            if tok.value in ASSIGN_RELATIONS:
                return "leftarrow"
            return RELATIONS.get(tok.value)
        if tok.kind == "delim" and not tok.font and self.paren > 0 and not (
            self.norm_stack and self.norm_stack[-1] == self.paren
        ):
            return "parallel"  # D(p ‖ q): inside brackets a lone double bar separates
        return None

    def _continue_relation(self, previous: Relation | Update) -> Node:
        if isinstance(previous, Update):
            previous = Relation((previous.op,), (previous.target, previous.value),
                                span=previous.span)
        ops, operands = list(previous.ops), list(previous.operands)
        while True:
            name = self._relation_name(self.peek())
            if name is None:
                break
            self.advance()
            if name == "assign2":
                self.advance()
                name = "assign"
            ops.append(name)
            operands.append(self.parse_expr())
        return Relation(tuple(ops), tuple(operands), span=_span(operands[0], operands[-1]))

    def parse_relation(self) -> Node:
        first = self.peek()
        if (self.groups or self.paren) and first.kind != "delim" and self._relation_name(
            first) not in (
            None, "leftarrow", "assign"
        ):
            left: Node = Text("", span=(first.start, first.start))  # y_{<t}: "less than t"
        else:
            left = self.parse_expr()
        ops: list[str] = []
        operands: list[Node] = [left]
        while True:
            name = self._relation_name(self.peek())
            if name is None:
                break
            self.advance()
            if name == "assign2":
                self.advance()
                name = "assign"
            ops.append(name)
            operands.append(self.parse_expr())
        if not ops:
            return left
        span = _span(operands[0], operands[-1])
        if len(ops) == 1 and ops[0] in ("leftarrow", "assign"):
            return Update(left, operands[1], ops[0], span=span)
        if len(ops) == 1 and ops[0] == "eq" and self._is_update(left, operands[1]):
            if self.flipped("update", span):
                self.decide("update", span, "an equation", f"an update of {self.src(left.span)}")
                return Relation(tuple(ops), tuple(operands), span=span)
            self.decide("update", span, f"an update of {self.src(left.span)}",
                        "an equation to solve")
            return Update(left, operands[1], "eq", span=span)
        return Relation(tuple(ops), tuple(operands), span=span)

    @staticmethod
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

    # ---- sums and products ---------------------------------------------------------
    def parse_expr(self) -> Node:
        tok = self.peek()
        self.enter(tok)
        terms: list[Node] = []
        if tok.kind == "op" and tok.value in ("-", "+"):
            self.advance()
            term = self.parse_product()
            terms.append(Neg(term, span=_span(tok, term)) if tok.value == "-" else term)
        else:
            terms.append(self.parse_product())
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in ("+", "-"):
                self.advance()
                term = self.parse_product()
                terms.append(Neg(term, span=_span(tok, term)) if tok.value == "-" else term)
            elif tok.kind == "cmd" and tok.value in SUM_OPS:
                self.advance()
                term = self.parse_product()
                terms.append(Apply(Symbol(tok.value, span=(tok.start, tok.end)), (term,),
                                   span=_span(tok, term)))
            else:
                break
        self.depth -= 1
        if len(terms) == 1:
            return terms[0]
        flat: list[Node] = []
        for term in terms:  # a + (b + c) written without brackets stays one sum
            flat.append(term)
        span = _span(terms[0], terms[-1])
        spelled = _ellipsis_sum(flat, span)
        if spelled is not None:
            if not self.flipped("ellipsis", span):
                self.decide("ellipsis", span, "a sum over every term from the first to the last",
                            "the terms as written, … as a name")
                return spelled
            self.decide("ellipsis", span, "the terms as written, … as a name",
                        "a sum over every term from the first to the last")
        return Sum(tuple(flat), span=span)

    def _product_op(self, tok: Token) -> str | None:
        if tok.kind == "op":
            if tok.value == "*":
                return ""
            if tok.value == "/":
                return "/"
            return None
        if tok.kind == "cmd":
            if tok.value == "div":
                return "/"
            return PRODUCT_OPS.get(tok.value)
        return None

    def starts_factor(self, tok: Token) -> bool:
        kind = tok.kind
        if kind in ("num", "letter", "word", "opname", "begin"):
            return True
        if kind == "cmd":
            return tok.value not in _NOT_FACTOR_CMDS
        if kind == "op":
            v = tok.value
            if v in ("(", "[", "{", "\\{"):
                return True
            if v == "|":
                if tok.font:  # \left| opens, \right| closes
                    return tok.font == "L"
                if self.abs_stack and self.abs_stack[-1] == self.paren:
                    return False
                return self.paren == 0
            return False
        if kind == "delim":
            if tok.font:
                return tok.font == "L"
            if self.norm_stack and self.norm_stack[-1] == self.paren:
                return False
            return self.paren == 0
        return False

    def can_open(self, tok: Token) -> bool:
        """Whether an operand can start here: a factor, or a bar that must open |x| or ‖x‖
        because nothing is waiting for its right-hand side (the body of \\sum_i |x_i|)."""
        if self.starts_factor(tok):
            return True
        if tok.kind == "op" and tok.value == "|":
            return tok.font != "R"
        return tok.kind == "delim" and tok.font != "R"

    def _starts_function(self, tok: Token) -> bool:
        if tok.kind == "cmd":
            return tok.value in LATEX_FUNCTIONS or tok.value in BIG_OPERATORS or tok.value in (
                "nabla", "arg")
        return tok.kind == "opname" or (tok.kind == "word" and tok.value in WORD_FUNCTIONS)

    def parse_product(self, fn_arg: bool = False) -> Node:
        """Runs of juxtaposed factors joined by named products (\\cdot, \\odot, ...), left
        to right; a run binds tighter than a named product (rule juxtaposition)."""
        group: list[Node] = [self._run(fn_arg)]
        op: str | None = None
        while True:
            tok = self.peek()
            named = self._product_op(tok)
            if named is None or named in ("", "/") or fn_arg:
                break
            self.advance()
            right = self._run(False)
            if isinstance(right, Product) and right.op == "":
                self.decide("juxtaposition", right.span,
                            f"{self.src((tok.start, tok.end))} applied to the whole run "
                            f"{self.src(right.span)}",
                            "to its first factor only")
            if op is None or op == named:
                op = named
                group.append(right)
            else:
                group = [self._collapse(group, op), right]
                op = named
        return self._collapse(group, op)

    def _run(self, fn_arg: bool) -> Node:
        """Factors side by side (or joined by *), and / which divides by the next factor."""
        first = self.parse_factor()
        group: list[Node] = [first]
        if fn_arg and isinstance(first, Apply) and self.toks[self.i - 1].value == ")":
            return first  # \log p(x) q(y): the argument is the application p(x) alone
        while True:
            tok = self.peek()
            explicit = self._product_op(tok)
            if explicit is not None:
                if fn_arg or explicit not in ("", "/"):
                    break
                self.advance()
                right = self.parse_factor()
                if explicit == "/":
                    left = self._collapse(group, "")
                    group = [self._fraction(left, right, slash=True)]
                    if self.starts_factor(self.peek()) and not self._line_end(self.peek()):
                        self.decide("slash-division", _span(left, right),
                                    f"({self.src(_span(left, right))}) times what follows",
                                    "division by everything after the slash")
                    continue
            elif self.starts_factor(tok):
                if fn_arg and self._starts_function(tok):
                    break
                before = self.toks[self.i - 1]
                if self.notation == "ascii" and tok.kind == before.kind == "letter" and before.end == tok.start:
                    self.decide("bare-word", (before.start, tok.end),
                                f"{before.value} times {tok.value}", f"the one name {before.value}{tok.value}")
                right = self.parse_factor()
            else:
                break
            group.append(right)
        return self._collapse(group, "")

    def _collapse(self, group: list[Node], op: str | None) -> Node:
        if len(group) == 1:
            return group[0]
        factors = tuple(group)
        if self.saw_d is False and any(
            isinstance(f, Symbol) and f.name == "d" for f in factors
        ):
            self.saw_d = True
        node = Product(factors, op or "", span=_span(group[0], group[-1]))
        if op == "" and len(factors) == 3 and isinstance(factors[0], Transpose):
            self.decide("bilinear-form", node.span, "a bilinear form xᵀ W y",
                        "a transpose times a product")
        return node

    def parse_factor(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value in ("-", "+"):
            self.enter(tok)
            self.advance()
            arg = self.parse_factor()
            self.depth -= 1
            return Neg(arg, span=_span(tok, arg)) if tok.value == "-" else arg
        braced = tok.kind == "op" and tok.value == "{"
        node, postfix = self.parse_atom()
        return self.parse_postfix(node, call=not braced) if postfix else node

    # ---- postfix -------------------------------------------------------------------
    def parse_postfix(self, node: Node, call: bool = True) -> Node:
        """Scripts, primes, ! and application; ``call`` is False after a braced group, so
        that ``{x}(a)`` stays a product."""
        while True:
            tok = self.peek()
            if tok.kind != "op":
                break
            v = tok.value
            if v == "^":
                self.advance()
                if _lost_subscript(self.text, tok):
                    self.decide("plain-digits", _span(node, tok),
                                "a lost square (σ² is the variance)", "the digits as a subscript")
                node = self._superscript(node, tok)
            elif v == "_":
                self.advance()
                if tok.start == tok.end and self.notation == "ascii":
                    self.decide("ascii-digits", _span(node, tok),
                                "the digits as a subscript", "a name ending in digits")
                elif _lost_subscript(self.text, tok):
                    self.decide("plain-digits", _span(node, tok),
                                "the digits as a subscript", "the name times the number")
                sub = self.parse_script(script=True)
                node = self._subscript(node, sub, tok)
            elif v == "'":
                self.advance()
                node = self._prime(node, tok)
            elif v == "!" and isinstance(node, Number | Symbol):
                self.advance()
                node = Apply(Symbol("factorial"), (node,), span=_span(node, tok))
            elif v == "[" and isinstance(node, Symbol) and call and node.name in WORD_FUNCTIONS:
                node = self._application(node)  # Var[x], mean[x]
            elif v == "(" and isinstance(node, Symbol) and call:
                if not self._is_function(node):
                    break
                node = self._application(node)
            else:
                break
        return node

    def _is_function(self, sym: Symbol) -> bool:
        """Rule function-application (or implicit-product) for a name before a bracket."""
        name = sym.name
        if name in WORD_FUNCTIONS or name in self.functions:
            return True
        shown = self.src(sym.span) or name
        applied = (f"{shown} applied to the bracket", "function-application")
        times = (f"{shown} times the bracket", "implicit-product")
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
            if tok.kind == "op" and tok.value in ("(", "[", "{"):
                depth += 1
            elif tok.kind == "op" and tok.value in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return False
            elif tok.value in names:
                return True
        return False

    def _application(self, func: Node) -> Node:
        open_tok = self.advance()
        args = self.parse_items(open_tok, ("]" if open_tok.value == "[" else ")",))[0]
        end = self.toks[self.i - 1]
        span = _span(func, end)
        if isinstance(func, Symbol) and len(args) == 1 and not func.sub and not func.accent:
            if func.name == "sqrt":  # sqrt(x) typed in plain text is the root sign
                return Sqrt(args[0], span=span)
            if func.name == "abs":
                return Abs(args[0], span=span)
        return Apply(func, tuple(args), span=span)

    def _superscript(self, base: Node, tok: Token) -> Node:
        primes = self._braced_primes()
        if not primes and self.at_op("'"):
            while self.at_op("'"):  # q^\prime
                self.advance()
                primes += 1
        if primes and isinstance(base, Symbol):  # x^{\prime} is x'
            return Symbol(base.name, base.font, base.accent, base.sub, base.sup,
                          base.prime + primes, span=_span(base, self.toks[self.i - 1]))
        no_label = self.flipped("superscript-label", base.span)
        # only a plain name takes a label, and a label is read once: reading a bracket twice
        # (as a label, then as a power) would take exponential time when brackets nest
        if isinstance(base, Symbol) and base.sup is None:
            if no_label and self._label_follows(base):
                self.decide("superscript-label", base.span, "a power", "a label on the name")
            elif not no_label and (short := self._letter_label(base)) is not None:
                name_tok, end = short
                letter = Symbol(name_tok.value, span=(name_tok.start, name_tok.end))
                self.i = end
                self.decide("superscript-label", _span(base, letter), "a label on the name", "a power")
                if self.at_op("("):
                    self.labelled_functions.add(base.span[0])
                return Symbol(base.name, base.font, base.accent, base.sub, letter,
                              base.prime, span=_span(base, self.toks[self.i - 1]))
            elif not no_label:
                label = self._try_label()
                if label is not None:
                    self.decide("superscript-label", _span(base, label), "a label on the name",
                                "a power")
                    return Symbol(base.name, base.font, base.accent, base.sub, label,
                                  base.prime, span=_span(base, self.toks[self.i - 1]))
        exp = self.parse_script(script=True)
        if self.at_op("_") and isinstance(base, Symbol) and not base.sub:
            sub_tok = self.advance()  # x^2_i is (x_i)^2
            base = self._subscript(base, self.parse_script(script=True), sub_tok)
        span = _span(base, self.toks[self.i - 1])
        if isinstance(exp, Symbol) and exp.name in ("top", "T") and not exp.sub:
            if exp.name == "T":
                power = isinstance(base, Number) or (
                    isinstance(base, Symbol) and base.name in GREEK_SET and base.name.islower())
                if self.flipped("transpose", span):
                    power = not power
                if power:
                    self.decide("transpose", span, "a power T", "a transpose")
                    return Power(base, exp, span=span)
                self.decide("transpose", span, "a transpose", "a power T")
            return Transpose(base, span=span)
        if isinstance(exp, Neg) and exp.arg == Number("1") and _is_matrix_expr(base):
            if self.flipped("inverse", span):
                self.decide("inverse", span, "the power -1", "a matrix inverse")
                return Power(base, exp, span=span)
            self.decide("inverse", span, "a matrix inverse", "the power -1")
            return Inverse(base, span=span)
        if isinstance(exp, Symbol) and exp.name in ("plus", "minus") and not isinstance(base, Symbol):
            part = "positive_part" if exp.name == "plus" else "negative_part"
            return Apply(Symbol(part, span=exp.span), (base,), span=span)
        if isinstance(exp, Symbol) and exp.name == "prime" and isinstance(base, Symbol):
            return Symbol(base.name, base.font, base.accent, base.sub, base.sup,
                          base.prime + 1, span=span)
        if isinstance(base, Symbol) and base.sup is None and _is_label_exponent(exp, base):
            if no_label:
                self.decide("superscript-label", span, "a power", "a label on the name")
                return Power(base, exp, span=span)
            self.decide("superscript-label", span, "a label on the name", "a power")
            return Symbol(base.name, base.font, base.accent, base.sub, exp, base.prime,
                          span=span)
        return Power(base, exp, span=span)

    def _braced_primes(self) -> int:
        toks = self.toks
        j = self.i
        if not (toks[j].kind == "op" and toks[j].value == "{"):
            return 0
        k = j + 1
        while toks[k].kind == "op" and toks[k].value == "'":
            k += 1
        if k == j + 1 or not (toks[k].kind == "op" and toks[k].value == "}"):
            return 0
        self.i = k + 1
        return k - j - 1

    def _label_follows(self, base: Symbol) -> bool:
        toks = self.toks
        j = self.i + (1 if toks[self.i].kind == "op" and toks[self.i].value == "{" else 0)
        return (toks[j].kind == "op" and toks[j].value == "(") or self._letter_label(base) is not None

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
        braced = toks[j].kind == "op" and toks[j].value == "{"
        tok = toks[j + 1] if braced else toks[j]
        end = j + (3 if braced else 1)
        if braced and not (toks[j + 2].kind == "op" and toks[j + 2].value == "}"):
            return None
        greek = tok.kind == "cmd" and tok.value in GREEK_SET
        letter = tok.kind == "letter" and len(tok.value) == 1 and tok.value not in ("T",)
        if not (greek or letter) or base.sub or base.name == "e":
            return None
        after = toks[end]
        # p^y (1 - p)^{1 - y} and A^k (x - y) are powers: a Latin letter labels only a name the
        # block uses as a function elsewhere, a Greek one a function letter or a capital
        applied = after.kind == "op" and after.value == "(" and (base.name in self.functions or (
            greek and (base.name in FUNCTION_LETTERS or (len(base.name) == 1 and base.name.isupper()))))
        if applied:
            return tok, end
        if letter and tok.value in self.label_letters and base.name not in GREEK_SET:
            return tok, end
        return None

    def _try_label(self) -> Node | None:
        """``^{(t)}``, ``^{(t-1)}`` or ``^(t)`` (LaTeX): a label in brackets, not a power."""
        toks = self.toks
        j = self.i
        braced = toks[j].kind == "op" and toks[j].value == "{"
        if braced:
            j += 1
        if not (toks[j].kind == "op" and toks[j].value == "("):
            return None
        if not braced and self.notation != "latex":
            return None  # e^(x) in plain text is a power written with brackets
        depth = 0
        k = j
        single = True  # one expression inside: no top-level comma, relation, text or line
        while toks[k].kind != "eof":
            tok = toks[k]
            if tok.kind == "op" and tok.value in ("(", "[", "{"):
                depth += 1
            elif tok.kind == "op" and tok.value in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    break
            elif depth == 1 and (
                tok.kind in ("text", "newrow", "sep", "begin", "end")
                or (tok.kind == "op" and tok.value in (",", ";", ":", ":=", "&", "|"))
                or self._relation_name(tok) is not None
            ):
                single = False
            k += 1
        if not single or not (toks[k].kind == "op" and toks[k].value == ")"):
            return None
        after = toks[k + 1] if k + 1 < len(toks) else toks[-1]
        if toks[k].kind == "eof" or k == j + 1:
            return None
        if braced and not (after.kind == "op" and after.value == "}"):
            return None
        if not braced and (k != j + 2 or toks[j + 1].kind not in ("letter", "num")):
            return None
        # read once, never twice: re-reading nested labels would take exponential time
        self.i = j + 1
        self.paren += 1
        label = self.parse_expr()
        self.paren -= 1
        if self.i != k:
            raise self._unexpected(self.peek())
        self.i = k + (2 if braced else 1)
        return label

    def _subscript(self, base: Node, sub: Node, tok: Token) -> Node:
        items = _index_items(sub)
        span = _span(base, self.toks[self.i - 1])
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
                          node.prime + 1, span=_span(node, tok))
        raise self.error("a prime ' can only follow a name", tok, "write f'(x) or x'")

    # ---- scripts and arguments -----------------------------------------------------
    def parse_script(self, script: bool = False) -> Node:
        """The argument of ^, _, \\frac, \\sqrt: a group, or one token (rule
        single-token-argument); in plain text a number, a name or a bracket."""
        tok = self.peek()
        if tok.kind == "op":
            if tok.value == "{":
                if script and self._is_braced_mark():
                    mark = self.toks[self.i + 1]
                    self.i += 3
                    name = {"top": "top", "*": "star", "+": "plus", "-": "minus"}[mark.value]
                    return Symbol(name, span=(mark.start, mark.end))
                return self._group()
            if tok.value == "(":
                self.advance()
                items = self.parse_items(tok, (")",))[0]
                return items[0] if len(items) == 1 else Tuple(tuple(items),
                                                              span=(tok.start, self.toks[
                                                                  self.i - 1].end))
            if tok.value in ("-", "+") and script and (self.notation == "latex" or (
                not self.starts_factor(self.peek(1))
                and not (self.peek(1).kind == "op" and self.peek(1).value in "-+")
            )):
                self.advance()  # (x)^+ is the positive part, x^- a label
                return Symbol("plus" if tok.value == "+" else "minus", span=(tok.start, tok.end))
            if tok.value in ("-", "+"):
                self.enter(tok)
                self.advance()
                arg = self.parse_script()
                self.depth -= 1
                return Neg(arg, span=_span(tok, arg)) if tok.value == "-" else arg
            if tok.value == "*" and script:
                self.advance()
                return Symbol("star", span=(tok.start, tok.end))
        if tok.kind == "num":
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
        if tok.kind in ("letter", "word"):
            self.advance()
            return Symbol(tok.value, tok.font if tok.kind == "letter" else "",
                          span=(tok.start, tok.end))
        if tok.kind == "cmd" and (tok.value in GREEK_SET or tok.value in SYMBOL_COMMANDS
                                  or (tok.value == "top" and script)):
            self.advance()
            return Symbol(SYMBOL_COMMANDS.get(tok.value, tok.value), tok.font,
                          span=(tok.start, tok.end))
        if tok.kind == "eof" or self._line_end(tok):
            raise self.error("a superscript, subscript or argument is missing", tok,
                             "write x^{2}, x_{i} or \\frac{a}{b}")
        node, _ = self.parse_atom()
        return node

    def _is_braced_mark(self) -> bool:
        """``{\top}`` or ``{*}`` after ^: a transpose or a star label."""
        a, b = self.peek(1), self.peek(2)
        mark = (a.kind == "cmd" and a.value == "top") or (a.kind == "op" and a.value in "*+-")
        return mark and b.kind == "op" and b.value == "}"

    def _group(self) -> Node:
        open_tok = self.advance()
        self.enter(open_tok)
        saved_paren = self.paren
        self.paren = 0
        self.groups += 1
        items = self.parse_lines()
        self.groups -= 1
        self.paren = saved_paren
        close = self.peek()
        if not (close.kind == "op" and close.value == "}"):
            raise self._unclosed(open_tok, close)
        self.advance()
        self.depth -= 1
        if not items:
            raise self.error("empty braces", open_tok, "put something inside {...}")
        if len(items) == 1:
            return items[0]
        return Block(tuple(items), span=(open_tok.start, close.end))

    def _unclosed(self, open_tok: Token, found: Token) -> FormulaError:
        what = _OPEN_NAMES.get(open_tok.value if open_tok.kind == "op" else "‖", "bracket")
        col = open_tok.start + 1
        if found.kind == "eof":
            return self.error(f"a {what} is never closed", open_tok,
                              f"the {what} opened at column {col} is never closed")
        shown = self.src((found.start, found.end)) or found.value
        return self.error(f"unexpected {shown!r}", found,
                          f"the {what} opened at column {col} is still open here")

    def parse_items(self, open_tok: Token, closers: tuple[str, ...]) -> tuple[list[Node], str]:
        """Comma- or semicolon-separated items up to a closing bracket (consumed).
        Returns the items and the separator seen (',' or ';' or '')."""
        self.enter(open_tok)
        self.paren += 1
        items: list[Node] = []
        sep = ""
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in closers:
                break
            if tok.kind == "eof" or tok.kind == "end" or (
                tok.kind == "op" and tok.value in _CLOSERS
            ):
                raise self._unclosed(open_tok, tok)
            node = self.parse_relation()
            tok = self.peek()
            if (tok.kind == "op" and tok.value == "|") or (tok.kind == "cmd" and
                                                           tok.value == "mid"):
                self.advance()
                given = self.parse_relation()
                self.decide("conditional-bar", _span(node, given), "given",
                            "an absolute value")
                node = Conditional(node, given, span=_span(node, given))
            items.append(node)
            tok = self.peek()
            if tok.kind == "op" and tok.value in (",", ";"):
                sep = sep or tok.value
                self.advance()
                continue
            if tok.kind == "op" and tok.value in closers:
                break
            if tok.kind == "text":
                self.advance()
                continue
            raise self._unclosed(open_tok, tok)
        close = self.advance()
        self.paren -= 1
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
            sym = Symbol(tok.value, tok.font, span=span)
            if tok.value == "E" and (tok.font == "bb" or self._expectation_follows()):
                return self._expectation(tok), False
            return sym, True
        if kind == "word":
            if tok.value in _BIG_WORDS and tok.font == "" and (
                self.at_op("_") or self.at_op("(") or (self.peek().kind == "op"
                and self.peek().value == "\\{")
            ):
                return self._bigop(tok, BIG_OPERATORS[tok.value]), False
            if tok.font == "" and len(tok.value) > 1 and self.notation != "ascii":
                self.decide("bare-word", span, f"the name {tok.value}",
                            "a product of its letters")
            return Symbol(tok.value, span=span), True
        if kind == "opname":
            self.functions.add(tok.value)
            if tok.value in BIG_OPERATORS and self.at_op("_"):
                return self._bigop(tok, BIG_OPERATORS[tok.value]), False
            return self._function(tok, tok.value), False
        if kind == "cmd":
            return self._command_atom(tok)
        if kind == "op" and tok.value == ":" and (self.groups or self.paren):
            return Symbol(":", span=span), True  # W_{:,j}: every row
        if kind == "op":
            return self._bracket_atom(tok)
        if kind == "delim":
            return self._norm(tok), True

        if kind == "begin":
            return self._environment(tok), True
        self.i -= 1 if kind != "eof" else 0
        raise self._unexpected(tok)

    def _expectation_follows(self) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.value in ("[", "_")

    def _command_atom(self, tok: Token) -> tuple[Node, bool]:
        name = tok.value
        span = (tok.start, tok.end)
        if name in GREEK_SET:
            if self.notation != "ascii" and self.text[tok.start : tok.start + 1].isascii() and (
                self.text[tok.start : tok.start + 1].isalpha()
            ):
                self.decide("bare-word", span, f"the Greek letter {name}",
                            "a product of its letters")
            if name == "Sigma" and self.notation != "latex" and self.at_op("_") and not _lost_subscript(
                    self.text, self.peek()):  # Σ1 in copied text is the matrix Σ₁
                self.decide("sigma-sum", span, "the sum sign", "the matrix Σ")
                return self._bigop(tok, "sum"), False
            return Symbol(name, tok.font, span=span), True
        if name in LATEX_FUNCTIONS:
            return self._function(tok, name), False
        if name in BIG_OPERATORS:
            return self._bigop(tok, BIG_OPERATORS[name]), False
        if name == "arg":
            nxt = self.peek()
            if nxt.kind == "cmd" and nxt.value in ("max", "min"):
                self.advance()
                return self._bigop(tok, "arg" + nxt.value), False
            return Symbol("arg", span=span), True
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num = self.parse_script()
            den = self.parse_script()
            node = self._fraction(num, den, slash=False, start=tok)
            stop = self.toks[self.i - 1].end
            return (node.with_span((tok.start, stop)) if node.span[1] < stop else node), True
        if name == "binom":
            a = self.parse_script()
            b = self.parse_script()
            return Apply(Symbol("binom"), (a, b), span=_span(tok, b)), True
        if name == "sqrt":
            return self._sqrt(tok), True
        if name in FONTS or name == "mathrm":
            return self._font(tok, FONTS.get(name, "rm")), True
        if name in ACCENTS:
            return self._accent(tok, ACCENTS[name]), True
        if name == "nabla":
            return self._gradient(tok), False
        if name == "partial":
            return self._partial(tok), False
        if name in SYMBOL_COMMANDS:
            return Symbol(SYMBOL_COMMANDS[name], span=span), True
        if name == "langle":
            items, _ = self._angle(tok)
            return Apply(Symbol("inner"), tuple(items), span=_span(tok, self.toks[
                self.i - 1])), True
        if name in ("lfloor", "lceil"):
            closer = "rfloor" if name == "lfloor" else "rceil"
            inner = self.parse_expr()
            end = self.advance()
            if not (end.kind == "cmd" and end.value == closer):
                raise self._unclosed(tok, end)
            return Apply(Symbol(name[1:]), (inner,), span=_span(tok, end)), True
        if name in ("underbrace", "overbrace", "boxed"):
            inner = self.parse_script()
            if name != "boxed" and (self.at_op("_") or self.at_op("^")):
                self.advance()
                self.parse_script()  # the brace's label is a comment, not math
            return inner, True
        if name in ("cdot", "bullet") and self._is_closer(self.peek()):
            return Symbol("cdot", span=span), False  # E[\\cdot], f(\\cdot): a slot for an argument
        if name in ("neg", "lnot"):
            arg = self.parse_factor()
            return Apply(Symbol("not"), (arg,), span=_span(tok, arg)), False
        self.i -= 1
        raise self.error(f"\\{name} cannot start a term here", tok,
                         f"\\{name} needs something on its left")

    @staticmethod
    def _is_closer(tok: Token) -> bool:
        return tok.kind == "op" and tok.value in (")", "]", "}", ",", "\\}")

    def _angle(self, tok: Token) -> tuple[list[Node], str]:
        self.paren += 1
        items = [self.parse_expr()]
        while self.at_op(","):
            self.advance()
            items.append(self.parse_expr())
        end = self.advance()
        self.paren -= 1
        if not (end.kind == "cmd" and end.value == "rangle"):
            raise self._unclosed(tok, end)
        return items, ","

    def _bracket_atom(self, tok: Token) -> tuple[Node, bool]:
        v = tok.value
        if v == "(":
            items, sep = self.parse_items(tok, (")", "]"))
            end = self.toks[self.i - 1]
            span = (tok.start, end.end)
            if end.value == "]":
                if len(items) == 2:
                    return Interval(items[0], items[1], "(]", span=span), True
                raise self.error("a bracket '(' is closed by ']'", end,
                                 f"the parenthesis opened at column {tok.start + 1} "
                                 "should be closed by ')'")
            if len(items) == 1:
                node = items[0]
                return node, True
            return Tuple(tuple(items), span=span), True
        if v == "[":
            items, sep = self.parse_items(tok, ("]", ")"))
            end = self.toks[self.i - 1]
            span = (tok.start, end.end)
            if end.value == ")" or (
                len(items) == 2 and sep.startswith(",") and all(map(_is_bound, items))
            ):
                if len(items) != 2:
                    raise self.error("a bracket '[' is closed by ')'", end,
                                     f"the bracket opened at column {tok.start + 1} "
                                     "should be closed by ']'")
                if end.value == "]" and self.flipped("bracket-concat", span):
                    self.decide("bracket-concat", span, "a concatenation", "an interval")
                    return Concat(tuple(items), "join", span=span), True
                self.decide("bracket-concat", span, "an interval", "a concatenation")
                return Interval(items[0], items[1], "[" + end.value, span=span), True
            if len(items) == 1:
                return items[0], True
            axis = "stack" if sep.startswith(";") else "join"
            if axis == "join":
                if len(items) == 2 and self.flipped("bracket-concat", span):
                    self.decide("bracket-concat", span, "an interval", "a concatenation")
                    return Interval(items[0], items[1], "[]", span=span), True
                self.decide("bracket-concat", span, "a concatenation", "an interval")
            return Concat(tuple(items), axis, span=span), True
        if v == "{":
            self.i -= 1
            return self._group(), True
        if v == "\\{":
            items, _ = self.parse_items(tok, ("\\}",))
            return Set(tuple(items), span=(tok.start, self.toks[self.i - 1].end)), True
        if v == "|":
            self.enter(tok)
            self.abs_stack.append(self.paren)
            inner = self.parse_expr()
            end = self.peek()
            self.abs_stack.pop()
            if not (end.kind == "op" and end.value == "|"):
                raise self._unclosed(tok, end)
            self.advance()
            self.depth -= 1
            return Abs(inner, span=_span(tok, end)), True
        self.i -= 1
        if v == "^" or v == "_":
            raise self.error(f"{v} needs something before it", tok,
                             f"write x{v}2: a name or a bracket comes first")
        if v in ("=", ":="):
            raise self.error("an equation needs a left-hand side", tok,
                             "write something before the '='")
        raise self._unexpected(tok)

    def _norm(self, tok: Token) -> Node:
        self.enter(tok)
        self.norm_stack.append(self.paren)
        inner = self.parse_expr()
        end = self.peek()
        self.norm_stack.pop()
        if end.kind != "delim":
            raise self._unclosed(tok, end)
        self.advance()
        self.depth -= 1
        p: Node | None = None
        if self.at_op("_"):
            self.advance()
            p = self.parse_script()
        return Norm(inner, p, span=_span(tok, self.toks[self.i - 1]))

    def _fraction(self, num: Node, den: Node, slash: bool, start: Token | None = None) -> Node:
        span = _span(start if start is not None else num, den)
        wrt = _wrt_list(den)
        top = _partial_of(num)
        if wrt is not None and top is not None:
            self.decide("derivative-fraction", span, "a partial derivative", "a ratio")
            return Derivative(top[0], wrt, True, span=span)
        if wrt is not None and isinstance(num, Symbol) and num.name == "partial":
            expr = self.parse_factor()
            return Derivative(expr, wrt, True, span=(span[0], expr.span[1]))
        d_den = _d_name(den)
        d_num = _d_name(num)
        if d_den is not None and d_num is not None:
            self.decide("derivative-fraction", span, "a derivative", "a ratio")
            return Derivative(d_num, (d_den,), False, span=span)
        if d_den is not None and isinstance(num, Symbol) and num.name == "d" and not slash:
            expr = self.parse_factor()
            return Derivative(expr, (d_den,), False, span=(span[0], expr.span[1]))
        return Fraction(num, den, span=span)

    def _sqrt(self, tok: Token) -> Node:
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
            arg = self._subscript(arg, self.parse_script(), sub_tok)
        span = _span(tok, self.toks[self.i - 1])
        if not (nxt.kind == "op" and nxt.value in ("{", "(")) and self.peek().kind not in (
            "eof",
        ) and not self._line_end(self.peek()):
            self.decide("single-token-argument", span,
                        f"the root of {self.src(arg.span)} only", "the root of what follows")
        return Sqrt(arg, degree, span=span)

    def _font(self, tok: Token, font: str) -> Node:
        arg = self.parse_script()
        span = _span(tok, self.toks[self.i - 1])

        def restyle(node: Node) -> Node:
            if isinstance(node, Symbol) and not node.font:
                return Symbol(node.name, font, node.accent, node.sub, node.sup, node.prime,
                              span=node.span)
            return node

        if isinstance(arg, Symbol):
            node: Node = Symbol(arg.name, font, arg.accent, arg.sub, arg.sup, arg.prime,
                                span=span)
        elif any(isinstance(n, Relation | Update | Block | Statement) for n in arg.walk()):
            raise self.error("a font applies to names, not to equations", tok,
                             "write \\mathbf{W} = ..., not \\mathbf{W = ...}")
        else:
            names = {id(n.func) for n in arg.walk() if isinstance(n, Apply)}
            node = transform(arg, lambda n: n if id(n) in names else restyle(n))
        if isinstance(node, Symbol) and node.name == "E" and (
            font == "bb" or (font == "rm" and self._expectation_follows())
        ):
            return self._expectation(tok, node)
        return node

    def _accent(self, tok: Token, accent: str) -> Node:
        arg = self.parse_script()
        span = _span(tok, self.toks[self.i - 1])
        if isinstance(arg, Symbol) and not arg.accent:
            return Symbol(arg.name, arg.font, accent, arg.sub, arg.sup, arg.prime, span=span)
        return Apply(Symbol("accent:" + accent), (arg,), span=span)

    def _function(self, tok: Token, name: str) -> Node:
        """``\\exp(x)``, ``\\log_2 x``, ``\\sin^2 x``, ``\\sin x \\cos y``."""
        func: Node = Symbol(name, span=(tok.start, tok.end))
        power: Node | None = None
        primes = 0
        while self.at_op("_") or self.at_op("^") or self.at_op("'"):
            op = self.advance()
            if op.value == "'":
                primes += 1  # \operatorname{f}'(x)
                func = Symbol(name, sub=getattr(func, "sub", ()), prime=primes,
                              span=_span(tok, op))
                continue
            label = self._try_label() if op.value == "^" and not self.flipped("superscript-label", func.span) \
                else None
            if label is not None:  # \operatorname{V}^{(\pi)}(s): a label on the function, as V^\pi(s)
                self.decide("superscript-label", _span(tok, label), "a label on the name", "a power")
                func = Symbol(name, sub=getattr(func, "sub", ()), sup=label, prime=primes,
                              span=_span(tok, self.toks[self.i - 1]))
                continue
            script = self.parse_script(script=True)
            if op.value == "_":
                func = Symbol(name, sub=_index_items(script), sup=getattr(func, "sup", None), prime=primes,
                              span=_span(tok, script))
            else:
                power = script
        nxt = self.peek()
        if nxt.kind == "op" and nxt.value == "(":
            node: Node = self._application(func)
            node = self.parse_postfix(node)
        elif self.can_open(nxt) and not self._line_end(nxt):
            arg = self.parse_product(fn_arg=True)
            node = Apply(func, (arg,), span=_span(tok, arg))
            after = self.peek()
            if isinstance(arg, Product) or self._starts_function(after):
                self.decide("function-argument", node.span,
                            f"{name}({self.src(arg.span)})", "a longer or shorter argument")
        else:
            return func
        if power is not None:
            node = Power(node, power, span=_span(node, power))
        return node

    def _bigop(self, tok: Token, op: str) -> Node:
        under: Node | None = None
        over: Node | None = None
        while self.at_op("_") or self.at_op("^") or (self.at_op("'") and isinstance(under, Symbol)):
            script_tok = self.advance()
            if script_tok.value == "'" and isinstance(under, Symbol):  # ∑ₛ′
                under = Symbol(under.name, under.font, under.accent, under.sub, under.sup,
                               under.prime + 1, span=_span(under, script_tok))
                continue
            script = self.parse_script()
            if script_tok.value == "_":
                under = script
            else:
                over = script
        nxt = self.peek()
        if op in ("max", "min") and under is None and over is None and nxt.kind == "op" and (
            nxt.value in ("(", "\\{")
        ):
            self.advance()
            items, _ = self.parse_items(nxt, (")" if nxt.value == "(" else "\\}",))
            node = Apply(Symbol(op, span=(tok.start, tok.end)), tuple(items),
                         span=_span(tok, self.toks[self.i - 1]))
            self.decide("max-as-function", node.span, f"the function {op} of its arguments",
                        f"{op} over an index")
            return self.parse_postfix(node)
        if (not self.starts_factor(nxt) or self._line_end(nxt)) and under is None and (
            op in ("max", "min", "sup", "inf", "argmax", "argmin", "lim")
            and nxt.kind == "op" and nxt.value in ("}", ")", ",", "]")
        ):
            return Symbol(op, span=(tok.start, tok.end))  # \eta_{\max}: a name, not an operator
        if not self.can_open(nxt) or self._line_end(nxt):
            raise self.error(f"{self.src((tok.start, tok.end))} needs something to work on",
                             nxt, "write what it sums or maximises after it")
        body = self.parse_product()
        return BigOp(op, body, under, over, span=_span(tok, body))

    def _gradient(self, tok: Token) -> Node:
        wrt: Node | None = None
        if self.at_op("^"):  # \nabla^2 f: the second derivatives (Laplacian, Hessian)
            self.advance()
            order = self.parse_script()
            if order != Number("2"):
                raise self.error("∇ takes only the power 2 (second derivatives)", tok,
                                 "write \\nabla^2 f for the Laplacian or the Hessian of f")
            nxt = self.peek()
            if not self.can_open(nxt) or self._line_end(nxt):
                raise self.error("∇² needs something to take the second derivatives of", nxt,
                                 "write \\nabla^2 f")
            body = self.parse_factor()
            func = Power(Symbol("nabla", span=(tok.start, tok.end)), order, span=_span(tok, order))
            return Apply(func, (body,), span=_span(tok, body))
        if self.at_op("_"):
            self.advance()
            wrt = self.parse_script()
        elif self.notation != "latex":
            a, b = self.peek(), self.peek(1)
            if a.kind in ("letter", "cmd") and (a.kind == "letter" or a.value in GREEK_SET) and (
                b.kind in ("letter", "word") or (b.kind == "cmd" and b.value in GREEK_SET)
            ):
                self.advance()
                wrt = Symbol(a.value, span=(a.start, a.end))
                self.decide("nabla-subscript", (tok.start, a.end),
                            f"the gradient with respect to {a.value}",
                            f"∇ times {a.value}")
        nxt = self.peek()
        if not self.can_open(nxt) or self._line_end(nxt):
            raise self.error("∇ needs something to take the gradient of", nxt,
                             "write \\nabla_\\theta J(\\theta)")
        if wrt is not None and nxt.kind in ("letter", "cmd", "word"):
            self.gradient_of[nxt.start] = frozenset(n.name for n in wrt.walk() if isinstance(n, Symbol))
        body = self.parse_factor()
        return Gradient(body, wrt, span=_span(tok, body))

    def _partial(self, tok: Token) -> Node:
        func: Node = Symbol("partial", span=(tok.start, tok.end))
        if self.at_op("^"):
            self.advance()
            order = self.parse_script()
            if not (isinstance(order, Number) and order.value.isdigit()):
                raise self.error("the order of a derivative must be a whole number", tok,
                                 "write \\partial^2 L")
            func = Power(func, order, span=_span(tok, order))
        if self.at_op("_"):
            self.advance()
            var = self.parse_script()
            body = self.parse_factor()
            return Derivative(body, (var,), True, span=_span(tok, body))
        nxt = self.peek()
        if not self.starts_factor(nxt) or self._line_end(nxt):
            return func
        arg = self.parse_factor()
        return Apply(func, (arg,), span=_span(tok, arg))

    def _expectation(self, tok: Token, sym: Node | None = None) -> Node:
        under: Node | None = None
        if self.at_op("_"):
            self.advance()
            under = self.parse_script()
        nxt = self.peek()
        if nxt.kind == "op" and nxt.value in ("[", "("):
            self.advance()
            items, _ = self.parse_items(nxt, ("]" if nxt.value == "[" else ")",))
            body = items[0] if len(items) == 1 else Tuple(tuple(items))
        elif self.starts_factor(nxt) and not self._line_end(nxt):
            body = self.parse_product()
        else:
            font = sym.font if isinstance(sym, Symbol) else tok.font
            return Symbol("E", font, sub=() if under is None else _index_items(under),
                          span=_span(tok, self.toks[self.i - 1]))
        node = Expectation(body, under, span=_span(tok, self.toks[self.i - 1]))
        self.decide("expectation", node.span, "an expectation", "E times a bracket")
        return self.parse_postfix(node) if self.at_op("_") else node

    # ---- environments --------------------------------------------------------------
    def _environment(self, tok: Token) -> Node:
        env = tok.value
        self.enter(tok)
        if env in MATRIX_ENVS:
            node: Node = self._matrix(tok)
        elif env in ("cases", "dcases"):
            node = self._cases(tok)
        else:
            self.align += 1
            items = self.parse_lines()
            self.align -= 1
            self._end(tok)
            if not items:
                raise self.error(f"the {env} environment is empty", tok)
            node = items[0] if len(items) == 1 else Block(tuple(items), span=_span(
                tok, self.toks[self.i - 1]))
        self.depth -= 1
        return node

    def _end(self, begin: Token) -> Token:
        end = self.peek()
        if end.kind != "end":
            raise self.error(f"\\begin{{{begin.value}}} is never ended", end,
                             f"the environment opened at column {begin.start + 1} needs "
                             f"\\end{{{begin.value}}}")
        if end.value != begin.value:
            raise self.error(f"\\end{{{end.value}}} does not match", end,
                             f"the environment opened at column {begin.start + 1} is "
                             f"{begin.value}: write \\end{{{begin.value}}}")
        return self.advance()

    def _cells(self) -> list[list[Node]]:
        rows: list[list[Node]] = []
        row: list[Node] = []
        cell: Node | None = None
        saved = self.paren, self.align
        self.paren, self.align = 0, 0
        while True:
            tok = self.peek()
            if tok.kind in ("end", "eof"):
                break
            if tok.kind == "newrow" or (tok.kind == "op" and tok.value == "&"):
                self.advance()
                row.append(cell if cell is not None else Text("", span=(tok.start, tok.start)))
                cell = None
                if tok.kind == "newrow":
                    rows.append(row)
                    row = []
                continue
            if cell is not None:
                raise self._unexpected(tok)
            cell = self.parse_statement()
        if cell is not None or row:
            end = self.peek()
            row.append(cell if cell is not None else Text("", span=(end.start, end.start)))
            rows.append(row)
        self.paren, self.align = saved
        return rows

    def _matrix(self, tok: Token) -> Node:
        rows = self._cells()
        end = self._end(tok)
        if not rows:
            raise self.error("the matrix is empty", tok)
        width = max(len(r) for r in rows)
        filled = tuple(
            tuple(r) + tuple(Text("", span=(end.start, end.start)) for _ in range(width - len(r)))
            for r in rows
        )
        return Matrix(filled, tok.value, span=_span(tok, end))

    def _cases(self, tok: Token) -> Node:
        rows = self._cells()
        end = self._end(tok)
        branches: list[tuple[Node, Node | None]] = []
        for row in rows:
            if len(row) > 2:
                raise self.error("a case has one value and one condition", end,
                                 "write value & condition \\\\ on each line")
            value = row[0]
            cond = row[1] if len(row) > 1 else None
            branches.append((value, _condition(cond)))
        if not branches:
            raise self.error("the cases are empty", tok)
        return Cases(tuple(branches), span=_span(tok, end))

    # ---- after parsing -------------------------------------------------------------
    def _merge_changes(self, root: Node) -> Node:
        """``ΔW`` is the one name ΔW, the change in W (rule delta-change), when Δ carries no
        script and stands right before a name in a product; not where Δ stands alone
        elsewhere in the block as a name of its own (``\\Delta = A - B``)."""
        pairs = {id(f) for n in root.walk() if isinstance(n, Product) and n.op == ""
                 for f, nxt in zip(n.factors, n.factors[1:], strict=False)
                 if _is_delta(f) and isinstance(_base(nxt), Symbol)}
        lone = any(_is_delta(sym) and id(sym) not in pairs for sym in variables(root))

        def choose(f: Node, x: Symbol) -> bool | None:
            return not lone if id(f) in pairs else None

        def readings(x: Symbol) -> tuple[str, str]:
            shown = display(x)
            return f"Δ{shown}, the change in {shown}", f"Δ times {shown}"

        def one_name(f: Node, x: Symbol, span: Span) -> Symbol:
            return Symbol(DELTA + x.name, x.font, x.accent, x.sub, x.sup, x.prime, span=span)

        return self._merge_prefixes(root, "delta-change", choose, readings, one_name)

    def _merge_prefixes(
        self,
        root: Node,
        rule: str,
        choose: Callable[[Node, Symbol], bool | None],
        readings: Callable[[Symbol], tuple[str, str]],
        one_name: Callable[[Node, Symbol, Span], Symbol],
    ) -> Node:
        """Where a factor written before a name in a product may belong to it (d in dW, Δ in
        ΔW), make the two one name when ``choose`` says so. ``choose`` answers True (one name),
        False (the product, a choice worth recording) or None (the product, nothing to record);
        ``readings`` words the two choices for the decision; a turned decision flips it."""

        def merge(node: Node) -> Node:
            if not isinstance(node, Product) or node.op != "":
                return node
            out: list[Node] = []
            factors = node.factors
            k = 0
            while k < len(factors):
                f = factors[k]
                nxt = factors[k + 1] if k + 1 < len(factors) else None
                inner = _base(nxt)
                chosen = choose(f, inner) if nxt is not None and isinstance(inner, Symbol) else None
                if chosen is not None and nxt is not None and isinstance(inner, Symbol):
                    span = _span(f, inner)
                    if self.flipped(rule, span):
                        chosen = not chosen
                    joined, apart = readings(inner)
                    self.decide(rule, span, *((joined, apart) if chosen else (apart, joined)))
                    if chosen:
                        merged = one_name(f, inner, span)
                        out.append(Power(merged, nxt.exp, span=_span(f, nxt)) if isinstance(nxt, Power) else merged)
                        k += 2
                        continue
                out.append(f)
                k += 1
            if len(out) == len(factors):
                return node
            if len(out) == 1:
                return out[0]
            return Product(tuple(out), "", span=node.span)

        return transform(root, merge)

    def _merge_differentials(self, root: Node) -> Node:
        """``dW`` is the one symbol dW, the gradient with respect to W (rule differential),
        when W is updated in the same block, or when ``dW`` is written as one word and W is a
        capital, a name used elsewhere (``db`` next to ``b``) or sits beside such a gradient
        (``db`` next to ``dZ``); not inside an integral, and
        not where ``d`` stands alone elsewhere as a variable of its own."""
        targets = {
            n.target.name for n in root.walk()
            if isinstance(n, Update) and isinstance(n.target, Symbol)
        }
        pairs = list(_d_pairs(root))
        integral = {d.span for n in root.walk() if isinstance(n, BigOp) and n.op == "int"
                    for d in n.body.walk() if isinstance(d, Symbol) and d.name == "d"}
        after_d = {id(x) for _, x in pairs}
        paired_d = {id(d) for d, _ in pairs}
        names: dict[str, int] = {}
        lone_d = False
        for sym in variables(root):
            if sym.name == "d" and id(sym) not in paired_d:
                lone_d = True  # d is a variable of its own here: \sqrt{d}, 2d
            if id(sym) not in after_d:
                names[sym.name] = names.get(sym.name, 0) + 1

        def one_word(d: Symbol, x: Symbol) -> bool:
            """dW written together, as a word of its own (not the tail of "adW")."""
            before = self.text[d.span[0] - 1 : d.span[0]] if d.span[0] > 0 else ""
            return d.span[1] == x.span[0] and d.span[1] > d.span[0] and not before.isalpha()

        def gradient(d: Symbol, x: Symbol) -> bool | None:
            """True: the gradient dX; False: d times X, a choice worth recording; None: d times
            X with nothing to record."""
            if d.span in integral or x.font:
                return None  # \int f(x) dx: the variable of integration
            if x.name in targets:
                return True
            if not one_word(d, x) or not (x.name[:1].isupper() or names.get(x.name, 0) > 0 or capitals):
                return None
            return not lone_d

        # where dZ is a gradient, so is the db beside it (Ng's db = (1/m) Σ dZ)
        capitals = any(one_word(d, x) and x.name[:1].isupper() and d.span not in integral for d, x in pairs)

        def merge_index(node: Symbol) -> Node:
            sub = node.sub
            for k in range(len(sub) - 1):
                d, x = sub[k], sub[k + 1]
                if isinstance(d, Symbol) and d.name == "d" and not d.sub and isinstance(
                    x, Symbol
                ) and x.name in targets and not x.sub:
                    merged = Symbol("d" + x.name, span=_span(d, x))
                    new_sub = (*sub[:k], merged, *sub[k + 2 :])
                    return Symbol(node.name, node.font, node.accent, new_sub, node.sup,
                                  node.prime, span=node.span)
            return node

        def choose(f: Node, x: Symbol) -> bool | None:
            return gradient(f, x) if _is_d(f) and isinstance(f, Symbol) else None

        def readings(x: Symbol) -> tuple[str, str]:
            return f"d{x.name}, the gradient with respect to {x.name}", f"d times {x.name}"

        def one_name(f: Node, x: Symbol, span: Span) -> Symbol:
            return Symbol("d" + x.name, "", x.accent, x.sub, x.sup, x.prime, span=span)

        in_indices = transform(root, lambda n: merge_index(n) if isinstance(n, Symbol) and len(n.sub) >= 2 else n)
        return self._merge_prefixes(in_indices, "differential", choose, readings, one_name)


def _is_delta(node: Node) -> bool:
    return isinstance(node, Symbol) and node.name == "Delta" and not node.sub and not node.accent \
        and not node.font and node.sup is None and not node.prime


def _base(node: Node | None) -> Node | None:
    return node.base if isinstance(node, Power) else node


def _is_d(node: Node) -> bool:
    return isinstance(node, Symbol) and node.name == "d" and not node.sub and not node.accent \
        and not node.font and node.sup is None and not node.prime


def _d_pairs(root: Node) -> Iterator[tuple[Symbol, Symbol]]:
    """Every ``d`` followed by a name in a product: the candidates of rule differential."""
    for node in root.walk():
        if isinstance(node, Product) and node.op == "":
            for d, nxt in zip(node.factors, node.factors[1:], strict=False):
                inner = nxt.base if isinstance(nxt, Power) else nxt
                if _is_d(d) and isinstance(d, Symbol) and isinstance(inner, Symbol):
                    yield d, inner


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


def tree_depth(root: Node) -> tuple[int, Node]:
    """The depth of the tree (a leaf alone is 1) and its deepest node."""
    best, deepest = 0, root
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > best:
            best, deepest = depth, node
        stack.extend((child, depth + 1) for child in node.children())
    return best, deepest


def _is_bound(node: Node) -> bool:
    if isinstance(node, Neg):
        node = node.arg
    return isinstance(node, Number) or (isinstance(node, Symbol) and node.name == "infty")


def _condition(cond: Node | None) -> Node | None:
    """``\\text{if } x > 0`` -> ``x > 0``; ``\\text{otherwise}`` -> None."""
    if cond is None:
        return None
    if isinstance(cond, Text):
        return None if cond.text.lower() in ("otherwise", "else", "") else cond
    if isinstance(cond, Statement):
        parts = [p for p in cond.parts if not (
            isinstance(p, Text) and p.text.lower().strip(" ,") in PSEUDO_WORDS)]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Statement(tuple(parts), span=cond.span)
    return cond
