"""Rewrites of the finished tree: rules that need the whole block before they can decide.

``dW`` (rule differential) and ``ΔW`` (rule delta-change) are read as ``d`` times ``W`` while
parsing; only the whole block says whether they are one name (W is updated in it, or d stands
alone elsewhere as a variable of its own). Each pass takes the reader (its text, the decisions
to turn, the record of decisions) and the root, and returns the new root; the grammar runs the
passes of the registered rules in the order they are written here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from thirdroad.formula.ast import (
    Apply,
    BigOp,
    Block,
    Node,
    Power,
    Product,
    Relation,
    Span,
    Sum,
    Symbol,
    Update,
    transform,
    variables,
)
from thirdroad.formula.names import display
from thirdroad.formula.parser.cursor import Cursor, cover
from thirdroad.formula.parser.guesses import IMPLICIT_PRODUCT, _is_update
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import DELTA

LOST_ROW_BREAK = Rule(
    "lost-row-break",
    "in a copy that lost its line breaks, s = βs + (1 − β) dW² W = W − α dW/√s is two lines: in a "
    "chain of equations, a middle side that ends with a name written again on the next side's "
    "right (W ... W − α ...) holds the end of one line and the start of the next (not in LaTeX, "
    "where \\\\ keeps its rows)",
    other="one chain of equal quantities",
)
DIFFERENTIAL = Rule(
    "differential",
    "dW is one name, the gradient of the loss with respect to W, when W is updated in the same "
    "block, or when dW is written as one word and W is a capital, a name used elsewhere or "
    "sits beside such a gradient (dZ; dx next to x; db next to dZ); it stays d times W inside "
    "an integral (\\int f(x) dx), with a space or an operator between (d \\cdot W), or when d "
    "stands alone elsewhere as a variable",
    other="d times W where it reads the one name dW, and the other way round",
)
DELTA_CHANGE = Rule(
    "delta-change",
    "ΔW is one name, the change in W (like dW), when Δ has no script and stands right before "
    "a name; it stays Δ times W where Δ also stands alone in the block as a name of its own "
    "(\\Delta = A - B), or with an operator between (\\Delta \\cdot W)",
    other="Δ times W where it reads the one name ΔW, and the other way round",
)

ACTIVATION_LETTER = Rule(
    "activation-letter",
    "a lowercase letter right before a bracket that holds a layer's weighted input, a weight "
    "matrix times an input plus a bias (s(W x + b), a(\\beta + \\Omega x)), is the layer's "
    "activation applied to it, not the letter times the bracket; not where the bracket uses the "
    "letter itself, and not p, q, l (probabilities, a loss)",
    other="the letter times the bracket",
)
_NOT_ACTIVATION_LETTERS = frozenset("lpq")  # as activation_hole: a probability or a loss


def _is_bare(node: Node, name: str) -> bool:
    """The symbol ``name`` with no script, accent, font, label or prime."""
    return isinstance(node, Symbol) and node.name == name and not node.sub and not node.accent \
        and not node.font and node.sup is None and not node.prime


def _base(node: Node | None) -> Node | None:
    return node.base if isinstance(node, Power) else node


def _d_pairs(root: Node) -> Iterator[tuple[Symbol, Symbol]]:
    """Every ``d`` followed by a name in a product: the candidates of rule differential."""
    for node in root.walk():
        if isinstance(node, Product) and node.op == "":
            for d, nxt in zip(node.factors, node.factors[1:], strict=False):
                inner = _base(nxt)
                if _is_bare(d, "d") and isinstance(d, Symbol) and isinstance(inner, Symbol):
                    yield d, inner


def merge_prefixes(
    reader: Cursor,
    root: Node,
    rule: Rule,
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
                span = cover(f, inner)
                if reader.flipped(rule, span):
                    chosen = not chosen
                joined, apart = readings(inner)
                reader.decide(rule, span, *((joined, apart) if chosen else (apart, joined)))
                if chosen:
                    merged = one_name(f, inner, span)
                    out.append(Power(merged, nxt.exp, span=cover(f, nxt)) if isinstance(nxt, Power) else merged)
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


@DIFFERENTIAL.tree_pass
def merge_differentials(reader: Cursor, root: Node) -> Node:
    """``dW`` is the one symbol dW, the gradient with respect to W (rule differential),
    when W is updated in the same block, or when ``dW`` is written as one word and W is a
    capital, a name used elsewhere (``db`` next to ``b``) or sits beside such a gradient
    (``db`` next to ``dZ``); not inside an integral, and
    not where ``d`` stands alone elsewhere as a variable of its own."""
    if not reader.saw_d:
        return root
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
        before = reader.text[d.span[0] - 1 : d.span[0]] if d.span[0] > 0 else ""
        return d.span[1] == x.span[0] and d.span[1] > d.span[0] and not before.isalpha()

    # where dZ is a gradient, so is the db beside it (Ng's db = (1/m) Σ dZ)
    capitals = any(one_word(d, x) and x.name[:1].isupper() and d.span not in integral for d, x in pairs)

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

    def choose(f: Node, x: Symbol) -> bool | None:
        return gradient(f, x) if _is_bare(f, "d") and isinstance(f, Symbol) else None

    def readings(x: Symbol) -> tuple[str, str]:
        return f"d{x.name}, the gradient with respect to {x.name}", f"d times {x.name}"

    def one_name(f: Node, x: Symbol, span: Span) -> Symbol:
        return Symbol("d" + x.name, "", x.accent, x.sub, x.sup, x.prime, span=span)

    in_indices = transform(root, lambda n: _merge_in_index(n, targets)
                           if isinstance(n, Symbol) and len(n.sub) >= 2 else n)
    return merge_prefixes(reader, in_indices, DIFFERENTIAL, choose, readings, one_name)


def _merge_in_index(node: Symbol, targets: set[str]) -> Node:
    """``g_{d W}`` where W is updated: the index is the one name dW."""
    sub = node.sub
    for k in range(len(sub) - 1):
        d, x = sub[k], sub[k + 1]
        if isinstance(d, Symbol) and d.name == "d" and not d.sub and isinstance(
            x, Symbol
        ) and x.name in targets and not x.sub:
            merged = Symbol("d" + x.name, span=cover(d, x))
            new_sub = (*sub[:k], merged, *sub[k + 2 :])
            return Symbol(node.name, node.font, node.accent, new_sub, node.sup,
                          node.prime, span=node.span)
    return node


@DELTA_CHANGE.tree_pass
def merge_changes(reader: Cursor, root: Node) -> Node:
    """``ΔW`` is the one name ΔW, the change in W (rule delta-change), when Δ carries no
    script and stands right before a name in a product; not where Δ stands alone
    elsewhere in the block as a name of its own (``\\Delta = A - B``)."""
    if not reader.saw_delta:
        return root
    pairs = {id(f) for n in root.walk() if isinstance(n, Product) and n.op == ""
             for f, nxt in zip(n.factors, n.factors[1:], strict=False)
             if _is_bare(f, "Delta") and isinstance(_base(nxt), Symbol)}
    lone = any(_is_bare(sym, "Delta") and id(sym) not in pairs for sym in variables(root))

    def choose(f: Node, x: Symbol) -> bool | None:
        return not lone if id(f) in pairs else None

    def readings(x: Symbol) -> tuple[str, str]:
        shown = display(x)
        return f"Δ{shown}, the change in {shown}", f"Δ times {shown}"

    def one_name(f: Node, x: Symbol, span: Span) -> Symbol:
        return Symbol(DELTA + x.name, x.font, x.accent, x.sub, x.sup, x.prime, span=span)

    return merge_prefixes(reader, root, DELTA_CHANGE, choose, readings, one_name)


def _without_last_name(node: Node) -> tuple[Node, Symbol] | None:
    """``a + b c W`` -> (``a + b c``, W): the side without the name juxtaposed at its end."""
    if isinstance(node, Sum) and len(node.terms) > 1:
        cut = _without_last_name(node.terms[-1])
        if cut is None:
            return None
        return Sum((*node.terms[:-1], cut[0]), span=cover(node.terms[0], cut[0])), cut[1]
    if isinstance(node, Product) and node.op == "" and len(node.factors) > 1:
        last = node.factors[-1]
        if not (isinstance(last, Symbol) and not last.sup):
            return None
        rest = node.factors[:-1]
        head = rest[0] if len(rest) == 1 else Product(rest, node.op, span=cover(rest[0], rest[-1]))
        return head, last
    return None


@LOST_ROW_BREAK.tree_pass
def split_lost_rows(reader: Cursor, root: Node) -> Node:
    """A chain ``x = E y = F`` where E ends with the name y and F uses y: the lines
    ``x = E`` and ``y = F`` run together (rule lost-row-break), read as a block of two."""
    if reader.notation == "latex" or not isinstance(root, Relation) or len(root.operands) < 3 \
            or any(op != "eq" for op in root.ops):
        return root
    lines: list[Node] = []
    left = root.operands[0]
    for k, middle in enumerate(root.operands[1:-1], start=1):
        cut = _without_last_name(middle)
        following = root.operands[k + 1]
        if cut is None or cut[1] not in set(variables(following)):
            return root
        value, name = cut
        lines.append(Update(left, value, "eq", span=cover(left, value)) if _is_update(left, value)
                     else Relation(("eq",), (left, value), span=cover(left, value)))
        left = name
    last = root.operands[-1]
    lines.append(Update(left, last, "eq", span=cover(left, last)) if _is_update(left, last)
                 else Relation(("eq",), (left, last), span=cover(left, last)))
    if reader.flipped(LOST_ROW_BREAK, root.span):
        reader.decide(LOST_ROW_BREAK, root.span, "one chain of equal quantities", "lines that lost their breaks")
        return root
    reader.decide(LOST_ROW_BREAK, root.span, f"{len(lines)} lines that lost their breaks",
                  "one chain of equal quantities")
    return Block(tuple(lines), span=root.span)


def _weighted_input(node: Node) -> bool:
    """``W x + b``, ``\\beta + \\Omega x``: a sum with a bias and a weight matrix (a capital name)
    times an input (a name or a call)."""
    if not isinstance(node, Sum) or len(node.terms) < 2:
        return False
    return any(isinstance(t, Product) and t.op == "" and len(t.factors) == 2
               and isinstance(t.factors[0], Symbol) and t.factors[0].name[:1].isupper()
               and isinstance(t.factors[1], Symbol | Apply) for t in node.terms)


def _activation_letter(node: Node, bracket: Node) -> bool:
    return (isinstance(node, Symbol) and len(node.name) == 1 and node.name.isascii() and node.name.islower()
            and not node.sub and node.sup is None and not node.prime and not node.accent
            and node.name not in _NOT_ACTIVATION_LETTERS and _weighted_input(bracket)
            and not any(isinstance(n, Symbol) and n.name == node.name for n in bracket.walk()))


@ACTIVATION_LETTER.tree_pass
def apply_activation_letters(reader: Cursor, root: Node) -> Node:
    """``s(W x + b)`` read as s times the bracket is s applied to it (rule activation-letter)."""

    def rewrite(node: Node) -> Node:
        if not isinstance(node, Product) or node.op:
            return node
        factors = list(node.factors)
        k = 0
        while k < len(factors) - 1:
            letter, bracket = factors[k], factors[k + 1]
            if _activation_letter(letter, bracket):
                shown = reader.src(letter.span)
                reader.decisions = [d for d in reader.decisions  # this rule decides it now
                                    if not (d.rule == IMPLICIT_PRODUCT.name and d.span == letter.span)]
                if reader.flipped(ACTIVATION_LETTER, letter.span):
                    reader.decide(ACTIVATION_LETTER, letter.span, f"{shown} times the bracket",
                                  f"the activation {shown} applied to the bracket")
                else:
                    reader.decide(ACTIVATION_LETTER, letter.span, f"the activation {shown} applied to the bracket",
                                  f"{shown} times the bracket")
                    factors[k : k + 2] = [Apply(letter, (bracket,), span=cover(letter, bracket))]
            k += 1
        if len(factors) == len(node.factors):
            return node
        return factors[0] if len(factors) == 1 else Product(tuple(factors), node.op, span=node.span)

    return transform(root, rewrite)
