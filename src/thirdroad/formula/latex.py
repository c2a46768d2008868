"""Canonical LaTeX for a syntax tree.

One spelling for each tree: ``\\frac`` for every fraction, ``\\left( \\right)`` for every
bracket, ``\\operatorname{...}`` for named functions. Reading the output back gives the same
tree: ``parse(to_latex(f)) == f`` (a hypothesis property in the tests).
"""

from __future__ import annotations

from functools import singledispatch

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
    Sqrt,
    Statement,
    Sum,
    Symbol,
    Text,
    Transpose,
    Tuple,
    Update,
)
from thirdroad.formula.precedence import FACTOR, PRODUCT, RELATION, SUM, strength
from thirdroad.formula.tables import (
    BIG_OPERATORS,
    CONTROL_WORDS,
    DELTA,
    FUNCTION_LETTERS,
    GREEK_SET,
    LATEX_FUNCTIONS,
    PSEUDO_WORDS,
    RELATION_LATEX,
)

_BIG_LATEX = {v: "\\" + k for k, v in BIG_OPERATORS.items() if k not in ("argmax", "argmin")}
_BIG_LATEX.update({"argmax": "\\arg\\max", "argmin": "\\arg\\min"})
_SYMBOL_LATEX = {
    "infty": "\\infty", "partial": "\\partial", "ell": "\\ell", "emptyset": "\\emptyset",
    "hbar": "\\hbar", "dots": "\\dots", "forall": "\\forall", "exists": "\\exists",
    "nabla": "\\nabla", "star": "*", "prime": "\\prime", "perp": "\\perp", "parallel": "\\parallel",
    "uparrow": "\\uparrow", "downarrow": "\\downarrow", "rightarrow": "\\rightarrow",
    "leftarrow": "\\leftarrow", "leftrightarrow": "\\leftrightarrow",
    "cdot": "{\\cdot}", "_": "\\_", "%": "\\%", "$": "\\$", "#": "\\#", "&": "\\&",
}
_FONT_LATEX = {"bf": "\\mathbf", "cal": "\\mathcal", "bb": "\\mathbb", "rm": "\\mathrm",
               "sf": "\\mathsf", "tt": "\\mathtt", "frak": "\\mathfrak", "it": "\\mathit"}
_PRODUCT_LATEX = {"": " ", "cdot": " \\cdot ", "times": " \\times ", "odot": " \\odot ",
                  "otimes": " \\otimes ", "circ": " \\circ ", "star": " \\star ",
                  "oplus": " \\oplus ", "div": " \\div ", "cap": " \\cap ", "cup": " \\cup ",
                  "setminus": " \\setminus ", "wedge": " \\wedge ", "vee": " \\vee ",
                  "mod": " \\bmod "}


def to_latex(node: Node) -> str:
    """The canonical LaTeX of ``node``."""
    return _render(node)


def _paren(text: str) -> str:
    return f"\\left({text}\\right)"


def _wrap(node: Node, need: int) -> str:
    text = _render(node)
    if strength(node) >= need:
        return text
    if isinstance(node, Block | Statement) or (
        isinstance(node, Relation) and isinstance(node.operands[0], Text)
    ):
        return "{" + text + "}"  # braces hold statements and "< t" where brackets cannot
    return _paren(text)


def _symbol_core(node: Symbol) -> str:
    name = node.name
    if name.startswith(DELTA) and len(name) > 1:  # ΔW, the change in W
        core = "\\Delta " + _symbol_core(Symbol(name[1:]))
    elif name in GREEK_SET:
        core = "\\" + name
    elif name == "partial" and not (node.sub or node.font or node.accent or node.sup or node.prime):
        core = "{\\partial}"  # alone, or it would take what follows
    elif name in _SYMBOL_LATEX:
        core = _SYMBOL_LATEX[name]
    elif name == ":":
        core = "{:}"  # every row, in an index
    elif len(name) == 1:
        core = name
    elif "_" in name or not name.isalnum():
        core = "\\text{" + name.replace("_", "\\_") + "}"
    else:
        core = f"\\mathrm{{{name}}}"
    if node.font:
        core = f"{_FONT_LATEX[node.font]}{{{core}}}"
    if node.accent:
        core = f"\\{node.accent}{{{core}}}"
    return core


_MARKS = {"plus": "+", "minus": "-", "star": "*", "pm": "\\pm", "mp": "\\mp"}


def _index(items: tuple[Node, ...]) -> str:
    if items == (Symbol("top"),):
        return "\\top"
    if len(items) == 1 and isinstance(items[0], Symbol) and items[0].name in _MARKS and not (
        items[0].sub or items[0].font or items[0].accent
    ):
        return _MARKS[items[0].name]  # eta_{+}
    return ", ".join(_wrap(i, RELATION) for i in items)


def _label(sup: Node) -> str:
    if isinstance(sup, Symbol) and sup.name in ("star", "plus", "minus"):
        return "^{" + {"star": "*", "plus": "+", "minus": "-"}[sup.name] + "}"
    plain = isinstance(sup, Symbol) and not (sup.sub or sup.font or sup.accent or sup.prime) and (
        sup.sup is None)
    if plain and isinstance(sup, Symbol) and sup.name in _SYMBOL_LATEX:
        return "^{" + _SYMBOL_LATEX[sup.name] + "}"  # x^{\perp}, h^{\rightarrow}
    if plain and isinstance(sup, Symbol) and len(sup.name) > 1 and sup.name not in GREEK_SET:
        return f"^{{\\mathrm{{{sup.name}}}}}"
    return f"^{{({_render(sup)})}}"


def _symbol(node: Symbol) -> str:
    out = _symbol_core(node)
    if node.name == "E" and node.font in ("bb", "", "rm") and node.sup is None:
        # braced, or E_x [...] would read as an expectation
        out = "{" + out + "}"
        if node.sub:
            out += f"_{{{_index(node.sub)}}}"
        return out + "'" * node.prime
    if node.sub:
        out += f"_{{{_index(node.sub)}}}"
    if node.sup is not None:
        out += _label(node.sup)
    return out + "'" * node.prime


def _function_name(func: Node) -> str:
    if isinstance(func, Symbol):
        name = func.name
        if func.font or func.accent or name in FUNCTION_LETTERS:
            core = _symbol_core(func)
        elif name in LATEX_FUNCTIONS or name in ("max", "min"):
            core = "\\" + name
        elif not name.replace("_", "").isalnum():
            core = "\\text{" + name + "}"  # \text{[soft](arg)max}
        elif "_" in name:
            core = "\\operatorname{" + name.replace("_", "\\_") + "}"
        else:
            core = f"\\operatorname{{{name}}}"
        if func.sub:
            core += f"_{{{_index(func.sub)}}}"
        if func.sup is not None:
            core += _label(func.sup)
        return core + "'" * func.prime
    return _wrap(func, FACTOR)


def _is_nabla_squared(func: Node) -> bool:
    """The ∇² of ``\\nabla^2 f`` (Laplacian or Hessian)."""
    return isinstance(func, Power) and isinstance(func.base, Symbol) and func.base.name == "nabla" \
        and isinstance(func.exp, Number) and func.exp.value == "2"


def _apply(node: Apply) -> str:
    func = node.func
    args = node.args
    name = func.name if isinstance(func, Symbol) else ""
    if name == "partial" or (isinstance(func, Power) and isinstance(func.base, Symbol)
                             and func.base.name == "partial"):
        head = "\\partial" if name else f"\\partial^{{{_render(func.exp)}}}"  # type: ignore[attr-defined]
        return f"{head} {_wrap(args[0], FACTOR)}"
    if _is_nabla_squared(func):
        wrt = func.base.sub  # type: ignore[attr-defined]
        under = f"_{{{_index(wrt)}}}" if wrt else ""  # \nabla^2_\theta f: with respect to θ
        return f"\\nabla^{{2}}{under} {_wrap(args[0], FACTOR)}"
    if name in ("pm", "mp"):
        return f"\\{name} {_wrap(args[0], PRODUCT)}"
    if name == "not":
        return f"\\neg {_wrap(args[0], FACTOR)}"
    if name in ("positive_part", "negative_part") and len(args) == 1:
        return f"{_base(args[0])}^{{{'+' if name == 'positive_part' else '-'}}}"
    if name == "prime" and len(args) == 1:
        return f"{{{_render(args[0])}}}'"
    if name == "setminus" and len(args) == 1:  # x_{\setminus i}: x without i
        return f"\\setminus {_wrap(args[0], PRODUCT)}"
    if name == "factorial" and len(args) == 1:
        return f"{_wrap(args[0], FACTOR)}!"
    if name == "index" and len(args) >= 2 and all(isinstance(a, Relation) and a.ops == ("eq",) for a in args[1:]):
        return f"{{{_render(args[0])}}}\\Big|_{{{_index(args[1:])}}}"  # the value at a point
    if name == "index":
        return f"{{{_paren(_render(args[0]))}}}_{{{_index(args[1:])}}}"
    if name == "binom" and len(args) == 2:
        return f"\\binom{{{_render(args[0])}}}{{{_render(args[1])}}}"
    if name == "inner":
        return f"\\langle {', '.join(_render(a) for a in args)} \\rangle"
    if name in ("floor", "ceil") and len(args) == 1:
        return f"\\l{name} {_render(args[0])} \\r{name}"
    if name.startswith("accent:") and len(args) == 1:
        return f"\\{name[7:]}{{{_render(args[0])}}}"
    inner = ", ".join(_wrap(a, RELATION) for a in args)
    return f"{_function_name(func)}{_paren(inner)}"


def _product(node: Product) -> str:
    parts: list[str] = []
    last = len(node.factors) - 1
    for k, f in enumerate(node.factors):
        if isinstance(f, Product):
            if node.op and not f.op:
                text = _render(f)  # a run inside a named product needs no brackets
            elif not node.op:
                text = _paren(_render(f))
            else:
                text = _paren(_render(f)) if (k > 0 or f.op == node.op) else _render(f)
        elif isinstance(f, BigOp | Gradient) and k < last:
            text = _paren(_render(f))
        else:
            text = _wrap(f, FACTOR if not isinstance(f, BigOp) else PRODUCT)
        if parts and isinstance(node.factors[k - 1], Symbol) and text.startswith("\\left"):
            parts[-1] = "{" + parts[-1] + "}"  # {x} (a + b): a product, not x applied
        parts.append(text)
    return _PRODUCT_LATEX[node.op].join(parts)


def _sum(node: Sum) -> str:
    out: list[str] = []
    for k, term in enumerate(node.terms):
        if isinstance(term, Neg):
            text = _wrap(term.arg, PRODUCT) if not isinstance(term.arg, Neg) else _paren(
                _render(term.arg))
            out.append(f"-{text}" if k == 0 else f" - {text}")
        elif isinstance(term, Apply) and isinstance(term.func, Symbol) and term.func.name in (
            "pm", "mp"
        ):
            out.append(_render(term) if k == 0 else f" {_render(term)}")
        else:
            text = _wrap(term, PRODUCT)
            out.append(text if k == 0 else f" + {text}")
    return "".join(out)


def _base(node: Node) -> str:
    """A base for ^: atomic, and braced when it already carries a superscript label."""
    if isinstance(node, Symbol) and node.sup is not None:
        return f"{{{_symbol(node)}}}"
    if isinstance(node, Symbol | Number | Apply | Abs | Norm | Sqrt | Matrix | Tuple | Concat
                  | Set | Interval) and not (
        isinstance(node, Apply) and strength(node) < FACTOR
    ):
        if isinstance(node, Number) and node.value.startswith("."):
            return _paren(node.value)
        if isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name in (
            "partial", "factorial", "index", "floor", "ceil", "inner"
        ):
            return _paren(_render(node))
        return _render(node)
    return _paren(_render(node))


def _cell(node: Node) -> str:
    return "" if isinstance(node, Text) and not node.text else _wrap(node, RELATION)


@singledispatch
def _render(node: Node) -> str:
    raise TypeError(f"no LaTeX for {type(node).__name__}")


_render.register(Symbol, _symbol)
_render.register(Apply, _apply)
_render.register(Sum, _sum)
_render.register(Product, _product)


@_render.register
def _number(node: Number) -> str:
    return node.value


@_render.register
def _text(node: Text) -> str:
    if node.text in PSEUDO_WORDS and node.text not in CONTROL_WORDS:
        return "\\textbf{" + node.text + "}"  # \textbf{input}: a keyword (\text{input} is a name)
    return "\\text{" + node.text.replace("_", "\\_") + "}" if node.text else ""


@_render.register
def _neg(node: Neg) -> str:
    arg = node.arg
    inner = _paren(_render(arg)) if isinstance(arg, Neg) else _wrap(arg, PRODUCT)
    return f"-{inner}"


@_render.register
def _fraction(node: Fraction) -> str:
    return f"\\frac{{{_render(node.num)}}}{{{_render(node.den)}}}"


@_render.register
def _power(node: Power) -> str:
    return f"{_base(node.base)}^{{{_render(node.exp)}}}"


@_render.register
def _transpose(node: Transpose) -> str:
    return f"{_base(node.arg)}^{{\\top}}"


@_render.register
def _inverse(node: Inverse) -> str:
    return f"{_base(node.arg)}^{{-1}}"


@_render.register
def _sqrt(node: Sqrt) -> str:
    degree = f"[{_render(node.degree)}]" if node.degree is not None else ""
    return f"\\sqrt{degree}{{{_render(node.arg)}}}"


@_render.register
def _norm(node: Norm) -> str:
    p = f"_{{{_render(node.p)}}}" if node.p is not None else ""
    return f"\\left\\| {_wrap(node.arg, SUM)} \\right\\|{p}"


@_render.register
def _abs(node: Abs) -> str:
    return f"\\left| {_wrap(node.arg, SUM)} \\right|"


@_render.register
def _bigop(node: BigOp) -> str:
    out = _BIG_LATEX.get(node.op, "\\" + node.op)
    if node.under is not None:
        out += f"_{{{_render(node.under)}}}"
    if node.over is not None:
        out += f"^{{{_render(node.over)}}}"
    body = node.body
    text = _paren(_render(body)) if strength(body) < PRODUCT or isinstance(body, Neg) \
        else _render(body)
    if node.under is None and node.over is None and text.startswith("\\left("):
        text = "{" + text + "}"  # \max {(x)}: not the function \max(x)
    return f"{out} {text}"


@_render.register
def _gradient(node: Gradient) -> str:
    wrt = f"_{{{_render(node.wrt)}}}" if node.wrt is not None else ""
    return f"\\nabla{wrt} {_wrap(node.expr, FACTOR)}"


@_render.register
def _matrix(node: Matrix) -> str:
    rows = " \\\\ ".join(" & ".join(_cell(c) for c in row) for row in node.rows)
    spec = "{" + "c" * len(node.rows[0]) + "}" if node.env == "array" else ""
    return f"\\begin{{{node.env}}}{spec} {rows} \\end{{{node.env}}}"


@_render.register
def _cases(node: Cases) -> str:
    rows = " \\\\ ".join(
        f"{_wrap(v, RELATION)} & "
        f"{_wrap(c, RELATION) if c is not None else chr(92) + 'text{otherwise}'}"
        for v, c in node.branches
    )
    return f"\\begin{{cases}} {rows} \\end{{cases}}"


@_render.register
def _tuple(node: Tuple) -> str:
    return _paren(", ".join(_wrap(i, RELATION) for i in node.items))


@_render.register
def _concat(node: Concat) -> str:
    sep = "; " if node.axis == "stack" else ", "
    return f"\\left[{sep.join(_wrap(i, RELATION) for i in node.items)}\\right]"


@_render.register
def _set(node: Set) -> str:
    return f"\\left\\{{{', '.join(_wrap(i, RELATION) for i in node.items)}\\right\\}}"


@_render.register
def _interval(node: Interval) -> str:
    lo, hi = node.closed[0], node.closed[1]
    return f"\\left{lo}{_wrap(node.lo, RELATION)}, {_wrap(node.hi, RELATION)}\\right{hi}"


@_render.register
def _relation(node: Relation) -> str:
    if isinstance(node.operands[0], Text) and not node.operands[0].text:
        rest = " ".join(
            f"{RELATION_LATEX.get(op, op)} {_wrap(o, SUM)}"
            for op, o in zip(node.ops, node.operands[1:], strict=True))
        return "{" + rest + "}"  # y_{< t}: a relation with nothing on its left
    out = _wrap(node.operands[0], SUM)
    for op, operand in zip(node.ops, node.operands[1:], strict=True):
        out += f" {RELATION_LATEX.get(op, op)} {_wrap(operand, SUM)}"
    return out


@_render.register
def _update(node: Update) -> str:
    op = {"leftarrow": "\\leftarrow", "assign": ":=", "eq": "="}[node.op]
    return f"{_wrap(node.target, SUM)} {op} {_wrap(node.value, SUM)}"


@_render.register
def _conditional(node: Conditional) -> str:
    return f"{_wrap(node.event, SUM)} \\mid {_wrap(node.given, SUM)}"


@_render.register
def _expectation(node: Expectation) -> str:
    under = f"_{{{_render(node.under)}}}" if node.under is not None else ""
    return f"\\mathbb{{E}}{under}\\left[{_render(node.body)}\\right]"


@_render.register
def _statement(node: Statement) -> str:
    out = ""
    prev: Node | None = None
    for part in node.parts:
        text = _render(part)
        if prev is not None:
            both_math = not isinstance(prev, Text) and not isinstance(part, Text)
            out += ", " if both_math else " "
        out += _wrap(part, RELATION) if not isinstance(part, Text) else text
        prev = part
    return out


@_render.register
def _block(node: Block) -> str:
    return " \\\\ ".join(_render(i) for i in node.items)


@_render.register
def _derivative(node: Derivative) -> str:
    if node.partial:
        order = len(node.wrt)
        head = "\\partial" if order == 1 else f"\\partial^{{{order}}}"
        den = " ".join(f"\\partial {_wrap(w, FACTOR)}" for w in node.wrt)
        return f"\\frac{{{head} {_wrap(node.expr, FACTOR)}}}{{{den}}}"
    wrt = node.wrt[0]
    return f"\\frac{{d {_wrap(node.expr, FACTOR)}}}{{d {_wrap(wrt, FACTOR)}}}"
