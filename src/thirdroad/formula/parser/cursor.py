"""The reader's state: the tokens and where it is in them, how deep it is, which brackets are
open, the decisions taken so far; the small questions every part asks of the next token; and
the errors it raises. The parts of the reader (grammar, atoms, commands, environments, scripts,
notation guesses) are mixins over this class; the methods they call in one another are listed
at the end of the class, each with the file that defines it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from thirdroad.formula.ast import Node, Span, Symbol
from thirdroad.formula.deadline import checkpoint
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.lexer import Token
from thirdroad.formula.rules import Decision, Rule
from thirdroad.formula.tables import (
    ASSIGN_RELATIONS,
    BIG_OPERATORS,
    LATEX_FUNCTIONS,
    PRODUCT_OPS,
    RELATIONS,
    SUM_OPS,
    WORD_FUNCTIONS,
)
from thirdroad.formula.tokens import unscript_digits

MAX_DEPTH = 40  # how deep the tree may be
_GUARD = 3 * MAX_DEPTH  # how deep the reading may recurse (a tree level costs up to three)

_OPEN_NAMES = {"(": "parenthesis", "[": "bracket", "{": "brace", "\\{": "brace", "|": "bar",
               "‖": "norm bar"}
CLOSERS = frozenset({")", "]", "}", "\\}"})
_NOT_FACTOR_CMDS = frozenset(
    set(RELATIONS) | set(ASSIGN_RELATIONS) | set(PRODUCT_OPS) | set(SUM_OPS)
    | {"mid", "rangle", "rfloor", "rceil", "top"}
)


def cover(a: Node | Token, b: Node | Token) -> Span:
    """The span from the start of ``a`` to the end of ``b``."""
    start = a.span[0] if isinstance(a, Node) else a.start
    end = b.span[1] if isinstance(b, Node) else b.end
    return (start, max(start, end))


def is_op(tok: Token, *values: str) -> bool:
    """Whether ``tok`` is one of the operator or bracket characters ``values``."""
    return tok.kind == "op" and tok.value in values


class Cursor:
    """A position in one token list, and everything the reader remembers while it reads."""

    def __init__(self, text: str, tokens: list[Token], notation: str,
                 flips: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.text = text
        self.flips = flips  # decisions to turn around: (rule, start of its span)
        self.toks = unscript_digits(tokens, text, flips)
        self.i = 0
        self.notation = notation
        self.decisions: list[Decision] = []
        self.depth = 0
        self.paren = 0  # how many brackets are open (since the last brace)
        self.abs_stack: list[int] = []  # the bracket depth at each open |
        self.norm_stack: list[int] = []  # the bracket depth at each open ‖
        self.align = 0  # inside an aligned environment: & marks carry no math
        self.groups = 0  # how many {...} groups are open
        self.cells = 0  # how many matrix or cases cells are open
        self.saw_d = False  # a d stands before a name somewhere (rule differential)
        self.saw_delta = any(t.kind == "cmd" and t.value == "Delta" for t in self.toks)
        self.functions = self._prescan_functions()
        self.gradient_of: dict[int, frozenset[str]] = {}  # a name right after ∇_x -> the names in x
        self.label_letters = self._prescan_label_letters()
        self.labelled_functions: set[int] = set()  # where V^π(s) starts: V^π is applied to (s)
        self._shapes: dict[int, tuple[int, int, int, int]] | None = None  # guesses.bracket_shape
        self.open_brackets: list[int] = []  # the token index of each bracket parse_items is inside

    # ---- tokens ----------------------------------------------------------------------
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
            if not self.i & 63:  # every 64 tokens: has the reading's deadline passed?
                checkpoint()
        return tok

    def at_op(self, value: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.value == value

    def previous(self) -> Token:
        """The token read last."""
        return self.toks[self.i - 1]

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

    # ---- decisions -------------------------------------------------------------------
    def flipped(self, rule: Rule, span: Span) -> bool:
        """Whether the caller asked for the other reading of this decision."""
        return bool(self.flips) and (rule.name, span[0]) in self.flips

    def decide(self, rule: Rule, span: Span, chosen: str, alternative: str = "") -> None:
        self.decisions.append(Decision(rule.name, span, chosen, alternative))

    # ---- what the next token can be --------------------------------------------------
    def line_end(self, tok: Token) -> bool:
        if tok.kind in ("newrow", "sep", "eof", "end"):
            return True
        return tok.kind == "op" and tok.value in (";", "&", ")", "]", "}", "\\}")

    def relation_name(self, tok: Token) -> str | None:
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
        ) and not self.double_bars_pair_up():
            return "parallel"  # D(p ‖ q): inside brackets a lone double bar separates
        return None

    def product_op(self, tok: Token) -> str | None:
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
                if self.evaluation_bar(tok):
                    return False
                if self.abs_stack and self.abs_stack[-1] == self.paren:
                    return False
                return self.paren == 0 or self.bars_pair_up()
            return False
        if kind == "delim":
            if tok.font:
                return tok.font == "L"
            if self.norm_stack and self.norm_stack[-1] == self.paren:
                return False
            return self.paren == 0 or self.double_bars_pair_up()
        return False

    def evaluation_bar(self, tok: Token) -> bool:
        """Whether ``tok`` is a bar that evaluates what stands before it at a point: a plain or
        right bar (|, \\vert, \\bigg\\vert, \\bigg\\rvert) written right against a subscript, while
        no |x| is open at this depth to be closed by it."""
        return is_op(tok, "|") and tok.font != "L" and is_op(self.peek(1), "_") and self.peek(1).start == tok.end \
            and not (self.abs_stack and self.abs_stack[-1] == self.paren)

    def can_open(self, tok: Token) -> bool:
        """Whether an operand can start here: a factor, or a bar that must open |x| or ‖x‖
        because nothing is waiting for its right-hand side (the body of \\sum_i |x_i|)."""
        if self.starts_factor(tok):
            return True
        if tok.kind == "op" and tok.value == "|":
            return tok.font != "R"
        return tok.kind == "delim" and tok.font != "R"

    def starts_function(self, tok: Token) -> bool:
        if tok.kind == "cmd":
            return tok.value in LATEX_FUNCTIONS or tok.value in BIG_OPERATORS or tok.value in (
                "nabla", "arg")
        return tok.kind == "opname" or (tok.kind == "word" and tok.value in WORD_FUNCTIONS)

    # ---- errors ----------------------------------------------------------------------
    def error(self, message: str, tok: Token, hint: str = "") -> FormulaError:
        return FormulaError(message, tok.start + 1, hint, self.text)

    def unexpected(self, tok: Token) -> FormulaError:
        if tok.kind == "eof":
            return self.error("the formula ends too early", tok,
                              "something is missing at the end")
        shown = self.src((tok.start, tok.end)) or tok.value
        if tok.kind == "op" and tok.value in CLOSERS:
            return self.error(f"unexpected {shown!r}", tok,
                              f"this {shown!r} closes nothing that was opened before it")
        if tok.kind == "end":
            return self.error(f"unexpected \\end{{{tok.value}}}", tok,
                              f"no \\begin{{{tok.value}}} is open here")
        return self.error(f"unexpected {shown!r}", tok, "an operator or a term is missing here")

    def unclosed(self, open_tok: Token, found: Token) -> FormulaError:
        what = _OPEN_NAMES.get(open_tok.value if open_tok.kind == "op" else "‖", "bracket")
        col = open_tok.start + 1
        if found.kind == "eof":
            return self.error(f"a {what} is never closed", open_tok,
                              f"the {what} opened at column {col} is never closed")
        shown = self.src((found.start, found.end)) or found.value
        return self.error(f"unexpected {shown!r}", found,
                          f"the {what} opened at column {col} is still open here")

    # ---- what the parts of the reader offer one another -------------------------------
    if TYPE_CHECKING:
        # grammar.py: statements down to factors
        def parse_lines(self, top: bool = False) -> list[Node]: ...
        def parse_statement(self) -> Node: ...
        def parse_relation(self) -> Node: ...
        def parse_expr(self) -> Node: ...
        def parse_product(self, fn_arg: bool = False) -> Node: ...
        def parse_factor(self) -> Node: ...

        # atoms.py: atoms, brackets, scripts and what follows an atom
        def parse_atom(self) -> tuple[Node, bool]: ...
        def parse_postfix(self, node: Node, call: bool = True) -> Node: ...
        def parse_script(self, script: bool = False) -> Node: ...
        def parse_items(self, open_tok: Token, closers: tuple[str, ...]) -> tuple[list[Node], str]: ...
        def group(self) -> Node: ...
        def application(self, func: Node) -> Node: ...
        def subscript(self, base: Node, sub: Node, tok: Token) -> Node: ...

        # commands.py: LaTeX constructs
        def command_atom(self, tok: Token) -> tuple[Node, bool]: ...
        def fraction(self, num: Node, den: Node, slash: bool, start: Token | None = None) -> Node: ...
        def function(self, tok: Token, name: str) -> Node: ...
        def bigop(self, tok: Token, op: str) -> Node: ...
        def expectation(self, tok: Token, sym: Node | None = None) -> Node: ...
        def expectation_follows(self) -> bool: ...

        # environments.py: \begin{...} ... \end{...}
        def environment(self, tok: Token) -> Node: ...

        # scripts.py: what x^... means
        def superscript(self, base: Node, tok: Token) -> Node: ...
        def bracket_label(self) -> Node | None: ...

        # guesses.py: notation guesses
        def _prescan_functions(self) -> set[str]: ...
        def _prescan_label_letters(self) -> frozenset[str]: ...
        def is_function(self, sym: Symbol) -> bool: ...
        def update_or_equation(self, left: Node, right: Node, span: Span) -> Node | None: ...
        def spelled_out_sum(self, terms: list[Node], span: Span) -> Node | None: ...
        def plain_subscript(self, underscore: Token) -> Node | None: ...
        def square_bracket_after(self, sym: Symbol) -> str | None: ...
        def divergence_arguments(self, args: list[Node]) -> list[Node]: ...
        def bars_pair_up(self) -> bool: ...
        def double_bars_pair_up(self) -> bool: ...
