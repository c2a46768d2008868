"""The reading-order lens (chunking): inside out, each step one plain operation whose inputs
are names or earlier steps. "First (1) multiply η and ∇_θ L(θ); then (2) subtract (1) from θ,
which makes gradient descent." Several equations are first said line by line."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import singledispatch

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import (
    Abs,
    Apply,
    BigOp,
    Block,
    Derivative,
    Fraction,
    Gradient,
    Neg,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Relation,
    Sqrt,
    Statement,
    Sum,
    Symbol,
    Text,
    Transpose,
    Update,
)
from thirdroad.formula.explanation.chunks import fitting
from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.explanation.names_lens import is_condition
from thirdroad.formula.phrases import concept_name, join, notation, role_name, with_article, words
from thirdroad.formula.recognize import Recognition
from thirdroad.formula.words import say_relation

MAX_STEPS = 10


def reading_order(rec: Recognition) -> str:
    """Inside out: every step is an operation whose inputs are names or earlier steps."""
    main = rec.main
    if main is None:
        return ""
    names: dict[int, str] = {}
    for f in rec.found:
        names.setdefault(id(f.node), role_name(concepts_module.catalog()[f.concept], fitting(f, rec).part))
    reader = _Reader(names)
    reader.read(main, top=True)
    if is_condition(main) and all(isinstance(side, Symbol | Number) for side in main.operands):
        return _lines(rec) + f"It is a condition, read as it stands: {words(main)}."
    if not reader.steps:
        if isinstance(main, Number):
            return _lines(rec) + f"It is a single value: {words(main)}."
        return _lines(rec) + f"Read it as one block: {words(main)}."  # a name, a derivative: not one number
    numbered = [f"({k}) {s}" for k, s in enumerate(reader.steps, start=1)]
    return _lines(rec) + "First " + "; then ".join(numbered) + "."


def _lines(rec: Recognition) -> str:
    """For several equations: what each line computes, in order, before the last one in detail."""
    root = rec.formula.root
    if not isinstance(root, Block):
        return ""
    cat = concepts_module.catalog()
    said = []
    for k, item in enumerate(root.items):
        target, value = _sides(item)
        if value is None:
            continue
        path = f"0.{k}"
        if isinstance(item, Update):
            path += ".1"
        elif isinstance(item, Relation) and not is_condition(item):
            path += f".{len(item.operands) - 1}"
        found = [f for f in rec.found if f.path == path]
        what = words(value)
        if found:
            name = with_article(concept_name(cat[found[0].concept]))
            # a template that computes the same thing may say it in words ("an EMA of squared gradients"),
            # one of the concept's own or of a concept it builds on (Adam's second moment is RMSProp's average)
            says = next((t.says for f in found for c in (f.concept, *sorted(cat.ancestors(f.concept)))
                         for t in cat[c].formulas
                         if t.reference == f.template.reference and t.says.startswith(("a ", "an "))), "")
            what = f"{says} ({name})" if says else name
        said.append(f"{words(target)} is {what}" if target is not None else what)
    if len(said) < 2:
        return ""
    return "Line by line: " + "; ".join(said) + ". The last line: "


def _sides(item: Node) -> tuple[Node | None, Node | None]:
    """(what a line defines, what it computes); a condition is said whole ("x is greater than
    0"), a line of text not at all."""
    if isinstance(item, Update):
        return item.target, item.value
    if is_condition(item):
        return None, item
    if isinstance(item, Relation):
        return item.operands[0], item.operands[-1]
    if isinstance(item, Text | Statement):
        return None, None
    return None, item


class _Reader:
    """Collects the steps of the reading order; a finished step is referred to by its number."""

    def __init__(self, names: Mapping[int, str]) -> None:
        self.names = names
        self.steps: list[str] = []
        self.done: dict[Node, int] = {}

    def ref(self, node: Node) -> str:
        """How a step names an input: an earlier step by its number, a name as it is written."""
        if node in self.done:
            return f"({self.done[node]})"
        if isinstance(node, Gradient | Derivative):
            return notation(node)  # ∇_θ L(θ): one given quantity, named as it is written
        return words(node)

    def read(self, node: Node, top: bool = False) -> None:
        if isinstance(node, Symbol | Number | Gradient | Derivative) or node in self.done \
                or len(self.steps) >= MAX_STEPS:
            return  # a name, or a gradient: read as one given quantity
        if isinstance(node, Neg) and isinstance(node.arg, Symbol | Number):
            return  # "minus x" is read as it stands, inside the next step
        concept = self.names.get(id(node))
        if concept is not None and not top:
            self.add(node, f"{words(node)}: {with_article(concept)}, read as one block")
            return
        for child in _operands(node):
            # the minus of a - b is part of the subtraction, not a step of its own
            self.read(child.arg if isinstance(node, Sum) and isinstance(child, Neg) else child)
        phrase = _operation(node, self)
        if phrase:
            label = f", which makes {with_article(concept)}" if concept is not None else ""
            self.add(node, phrase + label)

    def add(self, node: Node, text: str) -> None:
        self.steps.append(text)
        self.done[node] = len(self.steps)


# -- the precedence point of a step against the gradient --------------------------------------

# a template variable whose meaning says it is the gradient itself (not its average, its square
# or a previous one)
_GRADIENT = re.compile(r"(?:the )?gradient(?! arriving| of the loss with respect to the output)\b")


def scaled_gradient(rec: Recognition, chunks: Sequence[Chunk]) -> str:
    """Where a chunk's learning rate multiplies its gradient in a term of a sum (``θ − η ∇_θ J(θ)``,
    ``γ v + η ∇_θ J(θ)``, ``w − lr·grad``): one sentence on what precedence makes of that term,
    the gradient computed whole and then scaled; "" where there is no such product (``W − α v``
    in a momentum block steps by the velocity: its chunk as a gradient step is not kept;
    ``(1−β) dW`` weighs a gradient by no learning rate)."""
    kept = {(c.path, c.concept) for c in chunks}
    for found in rec.found:
        if (found.path, found.concept) not in kept:
            continue
        meanings = {v.name: v.meaning for v in found.template.variables}
        rates = [found.bindings[n] for n, m in meanings.items() if m == "learning rate" and n in found.bindings]
        grads = [found.bindings[n] for n, m in meanings.items() if _GRADIENT.match(m) and n in found.bindings]
        for rate in rates:
            for grad in grads:
                term = _product_term(found.node, rate, grad)
                if term is not None:
                    product, sign = term
                    return (f"Multiplication binds tighter than {sign}, so {notation(product)} is "
                            f"{notation(rate)} times the whole gradient: {notation(grad)} is computed first, "
                            f"then scaled by {notation(rate)}.")
    return ""


def _product_term(root: Node, rate: object, grad: object) -> tuple[Product, str] | None:
    """The term of a sum under ``root`` that is exactly the product of the nodes ``rate`` and
    ``grad`` (these very nodes, not equal ones elsewhere), with its sign (+ or −); None for none."""
    for node in root.walk():
        if not isinstance(node, Sum):
            continue
        for term in node.terms:
            product = term.arg if isinstance(term, Neg) else term
            if isinstance(product, Product) and len(product.factors) == 2 \
                    and any(f is rate for f in product.factors) and any(f is grad for f in product.factors):
                return product, "−" if isinstance(term, Neg) else "+"
    return None


# -- what each kind of node reads as, one step ------------------------------------------------


@singledispatch
def _operation(node: Node, reader: _Reader) -> str:
    """The step that computes ``node`` from its (already read) inputs; "" for none."""
    return ""


@_operation.register
def _(node: Sum, reader: _Reader) -> str:
    """``a - b`` is "subtract b from a"; ``a + b - c`` is "subtract c from a plus b"."""
    plus = [reader.ref(t) for t in node.terms if not isinstance(t, Neg)]
    minus = [reader.ref(t.arg) for t in node.terms if isinstance(t, Neg)]
    if not minus:
        return "add " + join(plus)
    if not plus:
        return f"add {join(minus)} and take minus the total" if len(minus) > 1 else f"take minus {minus[0]}"
    start = plus[0] if len(plus) == 1 else "the sum of " + join(plus)
    return f"subtract {join(minus)} from {start}"


@_operation.register
def _(node: Product, reader: _Reader) -> str:
    return "multiply " + join([reader.ref(f) for f in node.factors])


@_operation.register
def _(node: Fraction, reader: _Reader) -> str:
    return f"divide {reader.ref(node.num)} by {reader.ref(node.den)}"


@_operation.register
def _(node: Power, reader: _Reader) -> str:
    base, exp = reader.ref(node.base), node.exp
    if isinstance(node.base, Symbol) and node.base.name == "e":
        return f"take e to the power {reader.ref(exp)}"
    if isinstance(exp, Number) and exp.value == "2":
        return f"square {base}"
    if isinstance(exp, Neg) and exp.arg == Number("1"):
        return f"take 1 divided by {base}"
    return f"raise {base} to the power {reader.ref(exp)}"


@_operation.register
def _(node: Sqrt, reader: _Reader) -> str:
    if node.degree is not None:
        return f"take the root of degree {reader.ref(node.degree)} of {reader.ref(node.arg)}"
    return f"take the square root of {reader.ref(node.arg)}"


@_operation.register
def _(node: Neg, reader: _Reader) -> str:
    return f"take minus {reader.ref(node.arg)}"


@_operation.register
def _(node: BigOp, reader: _Reader) -> str:
    over = ", ".join(words(s) for s in node.indices) or "the index"
    bounds = ""
    under = node.under
    if isinstance(under, Relation) and under.ops == ("eq",) and len(under.operands) == 2 and node.over is not None:
        bounds = f" from {words(under.operands[1])} to {words(node.over)}"
    body = reader.ref(node.body)
    if node.op == "sum":
        return f"add up {body} over every {over}{bounds}"
    if node.op == "prod":
        return f"multiply {body} together over every {over}{bounds}"
    if node.op in ("max", "min"):
        which = "largest" if node.op == "max" else "smallest"
        return f"take the {which} {body} over every {over}{bounds}"
    if node.op in ("argmax", "argmin"):
        which = "largest" if node.op == "argmax" else "smallest"
        return f"find the {over} that makes {body} {which}"
    return f"take the {node.op} of {body} over {over}{bounds}"


@_operation.register
def _(node: Apply, reader: _Reader) -> str:
    func = node.func
    if not node.args:  # f(), tape.gradient(): a call with nothing to join
        return f"call {words(func)} with no arguments"
    args = join([reader.ref(a) for a in node.args])
    if isinstance(func, Symbol):
        if func.name == "exp" and any(isinstance(n, Symbol) and n.name == "e" for a in node.args for n in a.walk()):
            return f"take the exponential (exp) of {args}"  # not "e to the power e_i": scores named e
        said = _FUNCTION_STEPS.get(func.name)
        if said is not None:
            return said.format(args)
        if func.name == "index" and len(node.args) >= 2 and all(
                isinstance(a, Relation) and a.ops == ("eq",) for a in node.args[1:]):
            at = ", ".join(reader.ref(a) for a in node.args[1:])  # f'(x)|_{x=a}: a value at a point
            return f"take the value of {reader.ref(node.args[0])} at {at}"
        if func.name == "index" and len(node.args) >= 2:
            where = ", ".join(reader.ref(a) for a in node.args[1:])
            return f"take entry {where} of {reader.ref(node.args[0])}"
        if func.name in _INTERNAL_WORDS:
            return "take " + _INTERNAL_WORDS[func.name].format(args)
    return f"apply {words(func)} to {args}"


@_operation.register(Norm)
@_operation.register(Abs)
def _(node: Norm | Abs, reader: _Reader) -> str:
    return f"take the size of {reader.ref(node.arg)}"


@_operation.register
def _(node: Transpose, reader: _Reader) -> str:
    return f"transpose {reader.ref(node.arg)} ({_transpose_does(node.arg)})"


@_operation.register
def _(node: Relation, reader: _Reader) -> str:
    return "check whether " + say_relation(node, reader.ref) if is_condition(node) else ""


# Functions whose step has a plain verb; the rest read "apply f to x".
_FUNCTION_STEPS = {"exp": "take e to the power {}", "log": "take the log of {}", "ln": "take the log of {}",
                   "sqrt": "take the square root of {}", "abs": "take the absolute value of {}",
                   "sum": "add up the entries of {}", "mean": "take the mean of {}",
                   "max": "take the larger of {}", "min": "take the smaller of {}",
                   "norm": "take the size (norm) of {}", "dot": "take the dot product of {}"}


_INTERNAL_WORDS = {"partial": "the change in {}", "pm": "plus or minus {}", "mp": "minus or plus {}",
                   "factorial": "{} factorial", "inner": "the inner product of {}"}


def _transpose_does(arg: Node) -> str:
    """What a transpose does to what it is written on: a lower-case name is a vector by the usual
    convention (a column, which becomes a row), a capital a matrix; of an expression only what
    holds for both is said."""
    if isinstance(arg, Symbol) and arg.name[:1].isalpha():
        return "its columns become rows" if arg.name[:1].isupper() else "turns the column into a row"
    return "rows and columns swap"


# -- which children a step reads first ----------------------------------------------------------


@singledispatch
def _operands(node: Node) -> Iterator[Node]:
    yield from node.children()


@_operands.register
def _(node: BigOp) -> Iterator[Node]:
    yield node.body


@_operands.register
def _(node: Power) -> Iterator[Node]:
    if isinstance(node.exp, Number | Neg):
        yield node.base  # x^2 and x^{-1}: the exponent is read with the step
    else:
        yield from node.children()


@_operands.register
def _(node: Apply) -> Iterator[Node]:
    yield from node.args
