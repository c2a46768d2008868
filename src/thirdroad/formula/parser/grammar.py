"""The grammar from the top down to a factor: statements, relations, sums, products.

Precedence, loosest first (atoms.py goes on from the factor)::

    statements   separated by \\\\  ;  \\quad  (and commas between equations)
    relation     = ← := \\approx \\propto \\sim \\in \\le ...   (chains a = b = c)
    sum          + -
    product      juxtaposition * / \\cdot \\times \\odot \\otimes \\circ   (left to right)
    factor       unary -, then an atom and what follows it
"""

from __future__ import annotations

from collections.abc import Callable

from thirdroad.formula.ast import (
    Apply,
    Block,
    Fraction,
    Neg,
    Node,
    Product,
    Relation,
    Statement,
    Sum,
    Symbol,
    Text,
    Transpose,
    Tuple,
    Update,
)
from thirdroad.formula.errors import FormulaError, FragmentError
from thirdroad.formula.lexer import Token
from thirdroad.formula.parser.atoms import index_items
from thirdroad.formula.parser.commands import d_name
from thirdroad.formula.parser.cursor import MAX_DEPTH, Cursor, cover, is_op
from thirdroad.formula.rules import Rule, tree_passes
from thirdroad.formula.tables import PRODUCT_OPS, SUM_OPS
from thirdroad.formula.tokens import BARE_WORD

SEPARATE_STATEMENTS = Rule(
    "separate-statements",
    "\\\\, ; and \\quad at the top level, and commas between equations, separate statements",
)
JUXTAPOSITION = Rule(
    "juxtaposition",
    "factors side by side bind tighter than \\cdot, \\times, \\odot, \\otimes: a \\odot b c is "
    "a ⊙ (b c); named products then go left to right",
)
SLASH_DIVISION = Rule(
    "slash-division",
    "a / b c is (a / b) · c: the slash divides by the one factor after it, left to right",
)
EVALUATION_BAR = Rule(
    "evaluation-bar",
    "a bar with a subscript after an expression, f'(x)|_{x=a} or \\frac{dy}{dx}\\bigg\\vert_{x=0}, "
    "evaluates the product before it at that point (as \\left. ... \\right|_{x=a} does)",
)
BILINEAR_FORM = Rule(
    "bilinear-form", "x^T W y is the bilinear form (xᵀ)·W·y, one product of three factors")


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


_IN_PLACE: dict[str, Callable[[Node, Node], Node]] = {  # code's updates in place: x -= y is x <- x - y
    "+=": lambda x, y: Sum((x, y), span=cover(x, y)),
    "-=": lambda x, y: Sum((x, Neg(y, span=y.span)), span=cover(x, y)),
    "*=": lambda x, y: Product((x, y), "", span=cover(x, y)),
    "/=": lambda x, y: Fraction(x, y, span=cover(x, y)),
}


def is_slot(tok: Token) -> bool:
    """``\\cdot`` or ``\\bullet``: a product, or the slot of an argument or index (f(\\cdot))."""
    return tok.kind == "cmd" and tok.value in ("cdot", "bullet")


def _juxtaposed(left: Node, right: Node) -> Node:
    factors = left.factors if isinstance(left, Product) and left.op == "" else (left,)
    return Product((*factors, right), "", span=cover(left, right))


class Grammar(Cursor):
    """Statements, relations, sums and products."""

    def parse(self) -> Node:
        """The whole token list as one tree, with the passes of the tree rules applied. A text
        that stops where its formula would go on, or starts with an operator that needs a left
        side, raises :class:`FragmentError`: it is a piece of a formula."""
        try:
            return self._parse_whole()
        except FragmentError:
            raise
        except FormulaError as exc:
            if not self._is_fragment(exc):
                raise
            raise FragmentError(exc.message, exc.position, exc.hint, exc.text) from exc

    def _is_fragment(self, exc: FormulaError) -> bool:
        first = self.toks[0]
        at_end = exc.position - 1 >= len(self.text.rstrip()) and first.kind != "eof"
        needs_left = exc.position - 1 <= first.start and (
            (first.kind == "op" and first.value in ("*", "/", "=", "^", "_", ":=", "<", ">"))
            or (first.kind == "cmd" and (first.value in PRODUCT_OPS or self.relation_name(first) is not None)))
        return at_end or needs_left

    def _parse_whole(self) -> Node:
        if "&" in self.text and any(is_op(t, "&") for t in self.toks) and not any(t.kind == "begin" for t in self.toks):
            self.align = 1  # rows aligned with & whose environment the copy left out
        items = self.parse_lines(top=True)
        tok = self.peek()
        if tok.kind != "eof":
            raise self.unexpected(tok)
        if not items:
            raise FormulaError("the formula is empty", 1, "type a formula such as y = f(x)",
                               self.text)
        root = items[0] if len(items) == 1 else Block(tuple(items), span=cover(items[0], items[-1]))
        depth, deepest = tree_depth(root)
        if depth > MAX_DEPTH:
            raise FormulaError(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels)",
                deepest.span[0] + 1, "split it into smaller formulas", self.text)
        for rewrite in tree_passes():
            root = rewrite(self, root)
        return root

    # ---- statements ----------------------------------------------------------------
    @SEPARATE_STATEMENTS.hook
    def parse_lines(self, top: bool = False) -> list[Node]:
        items: list[Node] = []
        while True:
            tok = self.peek()
            if tok.kind in ("newrow", "sep") or is_op(tok, ";") or (is_op(tok, ",") and self.line_end(self.peek(1))):
                self.advance()  # a comma ending a row is the sentence's, not the math's
                continue
            if self.line_end(tok):
                break
            if items and self.relation_name(tok) is not None and isinstance(items[-1], Relation | Update):
                items[-1] = self._continue_relation(items[-1])  # a &= b \\ &= c
                continue
            node = self.parse_statement()
            if isinstance(node, Block):
                items.extend(node.items)
            else:
                items.append(node)
        if top and len(items) > 1:
            self.decide(SEPARATE_STATEMENTS, cover(items[0], items[-1]),
                        f"{len(items)} separate statements")
        return items

    def parse_statement(self) -> Node:
        """One line: relations separated by commas, or a pseudo-code line with words."""
        parts: list[Node] = []
        groups: list[list[Node]] = [[]]
        has_text = False
        while True:
            tok = self.peek()
            if self.line_end(tok):
                break
            if tok.kind == "text" and self.relation_name(self.peek(1)) is None:
                self.advance()  # words of pseudo-code (\text{ for }), not a term (\text{batch size} = N)
                parts.append(Text(tok.value, span=(tok.start, tok.end)))
                has_text = True
                groups.append([])
                continue
            if is_op(tok, ",") or (is_op(tok, ":") and (has_text or (parts and not self.groups))):
                self.advance()  # "input : γ (lr), θ₀ (params)"; ∀r ∈ [k] : μ(r) = 0
                groups.append([])
                continue
            node = self.parse_relation()
            parts.append(node)
            groups[-1].append(node)
            nxt = self.peek()
            if not (self.line_end(nxt) or nxt.kind == "text" or is_op(nxt, ",", ":")):
                raise self.unexpected(nxt)
        if not parts:
            raise self.unexpected(self.peek())
        if has_text:
            return Statement(tuple(parts), span=cover(parts[0], parts[-1]))
        if len(parts) == 1:
            return parts[0]
        if any(isinstance(p, Relation | Update) for p in parts):
            return Block(tuple(parts), span=cover(parts[0], parts[-1]))
        return Tuple(tuple(parts), span=cover(parts[0], parts[-1]))

    # ---- relations -----------------------------------------------------------------
    def _relation_chain(self, ops: list[str], operands: list[Node]) -> None:
        """Read ``= b \\le c ...`` onto the chain so far."""
        while True:
            name = self.relation_name(self.peek())
            if name is None:
                return
            self.advance()
            if name == "assign2":  # ':' '=' written apart
                self.advance()
                name = "assign"
            ops.append(name)
            operands.append(self.parse_expr())

    def _continue_relation(self, previous: Relation | Update) -> Node:
        if isinstance(previous, Update):
            previous = Relation((previous.op,), (previous.target, previous.value),
                                span=previous.span)
        ops, operands = list(previous.ops), list(previous.operands)
        self._relation_chain(ops, operands)
        return Relation(tuple(ops), tuple(operands), span=cover(operands[0], operands[-1]))

    def parse_relation(self) -> Node:
        first = self.peek()
        if (self.groups or self.paren or self.align or self.cells) and first.kind != "delim" and self.relation_name(
                first) not in (None, "leftarrow", "assign"):
            # y_{<t}: "less than t"; a derivation's row &= ...: its left side is the row before
            left: Node = Text("", span=(first.start, first.start))
        else:
            left = self.parse_expr()
        tok = self.peek()
        if is_op(tok, *_IN_PLACE):  # w -= lr * dw: w <- w - lr * dw
            self.advance()
            right = self.parse_expr()
            return Update(left, _IN_PLACE[tok.value](left, right), span=cover(left, right))
        ops: list[str] = []
        operands: list[Node] = [left]
        self._relation_chain(ops, operands)
        if not ops:
            return left
        span = cover(operands[0], operands[-1])
        if len(ops) == 1 and ops[0] in ("leftarrow", "assign"):
            return Update(left, operands[1], ops[0], span=span)
        if len(ops) == 1 and ops[0] == "eq":
            update = self.update_or_equation(left, operands[1], span)
            if update is not None:
                return update
        return Relation(tuple(ops), tuple(operands), span=span)

    # ---- sums and products ---------------------------------------------------------
    def _term(self, sign: Token | None) -> Node:
        term = self.parse_product()
        return Neg(term, span=cover(sign, term)) if sign is not None and sign.value == "-" else term

    def _plus_or_minus(self) -> Node:
        tok = self.advance()
        term = self.parse_product()
        return Apply(Symbol(tok.value, span=(tok.start, tok.end)), (term,), span=cover(tok, term))

    def parse_expr(self) -> Node:
        tok = self.peek()
        self.enter(tok)
        terms: list[Node] = []
        if is_op(tok, "-", "+"):
            self.advance()
            terms.append(self._term(tok))
        elif tok.kind == "cmd" and tok.value in SUM_OPS:  # y \in \{\pm 1\}: plus or minus one
            terms.append(self._plus_or_minus())
        else:
            terms.append(self.parse_product())
        while True:
            tok = self.peek()
            if is_op(tok, "+", "-"):
                self.advance()
                terms.append(self._term(tok))
            elif tok.kind == "cmd" and tok.value in SUM_OPS:  # a ± b
                terms.append(self._plus_or_minus())
            else:
                break
        self.depth -= 1
        if len(terms) == 1:
            return terms[0]
        span = cover(terms[0], terms[-1])
        spelled = self.spelled_out_sum(terms, span)  # x_1 + x_2 + … + x_n
        return spelled if spelled is not None else Sum(tuple(terms), span=span)

    @JUXTAPOSITION.hook
    def parse_product(self, fn_arg: bool = False) -> Node:
        """Runs of juxtaposed factors joined by named products (\\cdot, \\odot, ...), left
        to right; a run binds tighter than a named product (rule juxtaposition)."""
        group: list[Node] = [self._run(fn_arg)]
        op: str | None = None
        while True:
            tok = self.peek()
            named = self.product_op(tok)
            if named is None or named in ("", "/") or fn_arg:
                break
            self.advance()
            if is_slot(tok) and is_op(self.peek(), "}") and self._in_subscript():
                # W_{i \cdot}: row i, every column; the dot is the slot of the last index
                group[-1] = _juxtaposed(group[-1], Symbol("cdot", span=(tok.start, tok.end)))
                break
            right = self._run(False)
            if isinstance(right, Product) and right.op == "":
                self.decide(JUXTAPOSITION, right.span,
                            f"{self.src((tok.start, tok.end))} applied to the whole run "
                            f"{self.src(right.span)}",
                            "to its first factor only")
            if op is None or op == named:
                op = named
                group.append(right)
            else:
                group = [self._collapse(group, op), right]
                op = named
        return self._evaluated(self._collapse(group, op))

    @EVALUATION_BAR.hook
    def _evaluated(self, node: Node) -> Node:
        """``node|_{x=a}``: the node evaluated at x = a, read as \\left. node \\right|_{x=a} is
        (rule evaluation-bar)."""
        if not self.evaluation_bar(self.peek()):
            return node
        self.advance()
        self.advance()
        point = self.parse_script(script=True)
        span = cover(node, self.previous())
        self.decide(EVALUATION_BAR, span, f"{self.src(node.span)} evaluated at {self.src(point.span)}",
                    "a bar opening an absolute value")
        return Apply(Symbol("index"), (node, *index_items(point)), span=span)

    @SLASH_DIVISION.hook
    def _run(self, fn_arg: bool) -> Node:
        """Factors side by side (or joined by *), and / which divides by the next factor."""
        first = self.parse_factor()
        group: list[Node] = [first]
        if fn_arg and isinstance(first, Apply) and self.previous().value == ")":
            return first  # \log p(x) q(y): the argument is the application p(x) alone
        while True:
            tok = self.peek()
            explicit = self.product_op(tok)
            if explicit is not None:
                if fn_arg or explicit not in ("", "/"):
                    break
                self.advance()
                right = self.parse_factor()
                if explicit == "/" and len(group) > 1 and d_name(group[-1]) is not None and d_name(right) is not None:
                    # dL/dy * dy/dW: the chain rule's two derivatives (the same value as Python's
                    # ((dL/dy) * dy) / dW, read as the derivative dy/dW it writes)
                    group[-1] = self.fraction(group[-1], right, slash=True)
                    continue
                if explicit == "/":
                    left = self._collapse(group, "")
                    group = [self.fraction(left, right, slash=True)]
                    if self.starts_factor(self.peek()) and not self.line_end(self.peek()):
                        self.decide(SLASH_DIVISION, cover(left, right),
                                    f"({self.src(cover(left, right))}) times what follows",
                                    "division by everything after the slash")
                    continue
            elif self.starts_factor(tok):
                if fn_arg and self.starts_function(tok):
                    break
                before = self.previous()
                if self.notation == "ascii" and tok.kind == before.kind == "letter" and before.end == tok.start:
                    self.decide(BARE_WORD, (before.start, tok.end),
                                f"{before.value} times {tok.value}", f"the one name {before.value}{tok.value}")
                right = self.parse_factor()
            else:
                break
            group.append(right)
        return self._collapse(group, "")

    @BILINEAR_FORM.hook
    def _in_subscript(self) -> bool:
        """Whether the innermost open brace is a subscript's: _{...}."""
        depth, k = 0, self.i - 1
        while k > 0:
            tok = self.toks[k]
            if is_op(tok, "}"):
                depth += 1
            elif is_op(tok, "{"):
                if depth == 0:
                    return is_op(self.toks[k - 1], "_")
                depth -= 1
            k -= 1
        return False

    def _collapse(self, group: list[Node], op: str | None) -> Node:
        if len(group) == 1:
            return group[0]
        factors = tuple(group)
        if self.saw_d is False and any(isinstance(f, Symbol) and f.name == "d" for f in factors):
            self.saw_d = True
        node = Product(factors, op or "", span=cover(group[0], group[-1]))
        if op == "" and len(factors) == 3 and isinstance(factors[0], Transpose):
            self.decide(BILINEAR_FORM, node.span, "a bilinear form xᵀ W y",
                        "a transpose times a product")
        return node

    def parse_factor(self) -> Node:
        tok = self.peek()
        if is_op(tok, "-", "+"):
            self.enter(tok)
            self.advance()
            arg = self.parse_factor()
            self.depth -= 1
            return Neg(arg, span=cover(tok, arg)) if tok.value == "-" else arg
        braced = is_op(tok, "{")
        node, postfix = self.parse_atom()
        return self.parse_postfix(node, call=not braced) if postfix else node
