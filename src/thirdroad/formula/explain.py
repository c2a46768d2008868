"""``explain(text)``: name the chunks of a formula, say in which order to read it, and show
what it does on a tiny example.

>>> e = explain(r"\\frac{e^{z_k}}{\\sum_m e^{z_m}}")
>>> e.concepts
{'softmax'}
>>> e.chunks[0].says
'softmax over k of z_k'

Three lenses, each short and concrete:

- **names** (abstraction): "This is just a softmax: ...";
- **reading order** (chunking): inside out, each step an operation whose inputs are ready;
- **action**: the formula computed by the evaluator on a small example.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Concept, Template
from thirdroad.concepts._model import ROLE_WORDS
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
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.latex import to_latex
from thirdroad.formula.match import canon
from thirdroad.formula.mathml import latex_to_mathml, to_mathml
from thirdroad.formula.names import display
from thirdroad.formula.nearmiss import Warning, near_misses
from thirdroad.formula.parse import Formula, parse
from thirdroad.formula.phrases import article, concept_name, is_mass, with_article
from thirdroad.formula.program import Program, plan
from thirdroad.formula.recognize import Found, Recognition, atom_name, quiet, recognize
from thirdroad.formula.tables import CONDITION_RELATIONS
from thirdroad.formula.unicode import to_unicode
from thirdroad.formula.words import say_relation, to_words

if TYPE_CHECKING:
    from rich.console import RenderableType


@dataclass(frozen=True)
class Chunk:
    """A part of the formula that is a known concept.

    A part that is several concepts at once (attention weights are a softmax) gives one chunk
    per concept, with the same ``span``; ``also`` lists the others. A part that is one line
    *of* a larger concept (the EMA line is Adam's first moment) is not a second identity: the
    larger concept is listed in ``part_of``, and ``inside`` says which part it plays. A line
    that is one part of its own concept (RMSProp's running average of squared gradients, Adam's
    step) names that ``part``; ``does`` says what the line does. An optimizer that takes a step
    of the same form with other inputs (RMSProp's step, where Adam divides m̂ rather than the
    gradient) is a relation too, listed in ``same_form_as`` and told in ``like``.
    """

    concept: str
    latex: str
    span: tuple[int, int]
    bindings: dict[str, str]
    method: str  # "structural" or "numeric"
    says: str = ""
    path: str = field(default="0", compare=False)
    also: tuple[str, ...] = field(default=(), compare=False)
    confirmed: bool = field(default=False, compare=False)
    words: str = field(default="", compare=False)  # the chunk read aloud
    part_of: tuple[str, ...] = ()  # concepts this chunk is one line of (Adam, Lion for an EMA)
    inside: str = field(default="", compare=False)  # that relation in a sentence
    part: str = ""  # the part of its concept this line is ("step", "first moment"); "" for the whole
    does: str = field(default="", compare=False)  # what that part does
    same_form_as: tuple[str, ...] = ()  # optimizers whose step has this form, with other inputs
    like: str = field(default="", compare=False)  # that relation in a sentence
    notation: str = field(default="", compare=False)  # the chunk in plain Unicode: ∇_θ L(θ)

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept, "latex": self.latex, "span": list(self.span),
                "bindings": dict(self.bindings), "method": self.method, "says": self.says,
                "part": self.part, "part_of": list(self.part_of), "same_form_as": list(self.same_form_as)}


@dataclass
class Explanation:
    """What :func:`explain` finds in a formula."""

    formula: Formula
    chunks: list[Chunk]
    warnings: list[Warning]
    lenses: dict[str, str]
    defining: tuple[str, ...] = ()  # the concepts of the whole (right-hand side), first named first

    @property
    def concepts(self) -> set[str]:
        return {c.concept for c in self.chunks}

    @property
    def input(self) -> str:
        return self.formula.source

    @property
    def code(self) -> str:
        """The NumPy code ``compile`` generates for the formula ("" if it cannot)."""
        from thirdroad.formula.compile import compile as compile_formula

        fn = quiet(lambda: compile_formula(self.formula))
        return str(getattr(fn, "source", "")) if fn is not None else ""

    def to_dict(self, code: bool = True) -> dict[str, Any]:
        """The JSON of ``thirdroad explain --json`` (the schema in DESIGN.md)."""
        return {
            "input": self.formula.source,
            "notation": self.formula.notation,
            "repairs": [r.to_dict() for r in self.formula.repairs],
            "latex": self.formula.latex,
            "concepts": sorted(self.concepts, key=self._order),
            "chunks": [c.to_dict() for c in self.chunks],
            "warnings": [w.to_dict() for w in self.warnings],
            "lenses": dict(self.lenses),
            "code": self.code if code else "",
        }

    def _order(self, cid: str) -> int:
        for k, chunk in enumerate(self.chunks):
            if chunk.concept == cid:
                return k
        return len(self.chunks)

    # -- text ----------------------------------------------------------------------------
    def __rich__(self) -> RenderableType:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        parts: list[Any] = [Text(self.formula.latex, style="bold"), Text(_words(self.formula.root), style="dim")]
        if self.formula.repairs:
            fixes = [r.to_dict() for r in self.formula.repairs]
            parts.append(Text("read as a damaged copy; repaired: " +
                              "; ".join(f"{d['before']} → {d['after']} ({d['what']})" for d in fixes), style="dim"))
        if self.chunks:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            table.add_column("part")
            table.add_column("is")
            table.add_column("found by")
            for c in self.chunks:
                table.add_row(c.words if len(c.words) <= 48 else c.latex, f"{c.concept}: {c.says}", c.method)
            parts.append(table)
        for title, key in (("Names", "names"), ("Reading order", "reading_order"), ("Action", "action")):
            parts.append(Text.assemble((f"{title}: ", "bold cyan"), self.lenses[key]))
        for w in self.warnings:
            parts.append(Text.assemble(("Warning (near miss, ", "bold red"), (w.concept, "bold red"),
                                       ("): ", "bold red"), w.message))
        return Panel(Group(*parts), title="thirdroad explain", expand=False)

    def to_text(self, width: int = 100) -> str:
        """The explanation as terminal text (rendered with rich, without colour)."""
        from rich.console import Console

        out = io.StringIO()
        Console(file=out, width=width, color_system=None, legacy_windows=False).print(self)
        return out.getvalue()

    def __str__(self) -> str:
        return self.to_text()

    # -- HTML ----------------------------------------------------------------------------
    def to_html(self) -> str:
        """A self-contained HTML fragment: the MathML rendering with every chunk boxed and
        numbered; hovering a label in the legend shows the concept's card."""
        markup = to_mathml(self.formula.root)
        groups = _by_path(self.chunks)
        legend = []
        for k, (path, chunks) in enumerate(groups.items(), start=1):
            ids = " ".join(c.concept for c in chunks)
            names = ", ".join(concepts_module.catalog()[c.concept].name for c in chunks)
            summary = concepts_module.catalog()[chunks[0].concept].summary
            attrs = (f' class="tr-chunk tr-c{(k - 1) % 6}" data-chunk="{k}" data-concept="{html.escape(ids)}"'
                     f' title="{k}: {html.escape(names)}. {html.escape(summary)}"')
            markup = markup.replace(f' data-node="{path}"', f' data-node="{path}"{attrs}', 1)
            cards = "".join(_card_html(concepts_module.catalog()[c.concept], c) for c in chunks)
            legend.append(f'<li class="tr-c{(k - 1) % 6}"><span class="tr-label">{k}</span> '
                          f'<b>{html.escape(names)}</b>: {html.escape(chunks[0].says)}'
                          f'<div class="tr-card">{cards}</div></li>')
        warnings = "".join(f'<p class="tr-warning"><b>Near miss ({html.escape(w.concept)})</b>: '
                           f'{_warning_html(w)}</p>' for w in self.warnings)
        lenses = "".join(f"<p><b>{title}</b>: {html.escape(self.lenses[key])}</p>"
                         for title, key in (("Names", "names"), ("Reading order", "reading_order"),
                                            ("Action", "action")))
        return (f'<div class="thirdroad-explain"><style>{_CSS}</style>{markup}'
                f'<ol class="tr-legend">{"".join(legend)}</ol>{warnings}{lenses}</div>')

    def _repr_html_(self) -> str:
        return self.to_html()


_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf")
_CSS = (
    ".thirdroad-explain{font-family:sans-serif;line-height:1.4}"
    ".thirdroad-explain math{font-size:1.4em;padding:0.5em}"
    ".tr-chunk{border:1.5px solid;border-radius:4px;padding:2px}"
    ".tr-legend{list-style:none;padding-left:0}.tr-legend li{position:relative;margin:0.2em 0}"
    ".tr-label{display:inline-block;min-width:1.4em;text-align:center;color:#fff;border-radius:3px}"
    ".tr-card{display:none;position:absolute;z-index:10;background:#fff;border:1px solid #999;"
    "padding:0.5em;max-width:36em;box-shadow:2px 2px 6px #aaa}"
    ".tr-legend li:hover .tr-card{display:block}.tr-warning{color:#a00}"
    + "".join(f".tr-c{k}{{border-color:{c};color:inherit}}.tr-c{k} .tr-label{{background:{c}}}"
              for k, c in enumerate(_COLOURS))
)


def _warning_html(warning: Warning) -> str:
    """The warning with its likely intended formula drawn in MathML, not spelled in Unicode."""
    markup = latex_to_mathml(warning.intended) if warning.intended else ""
    if not markup or not warning.reason:
        return html.escape(warning.message)
    return f"{html.escape(warning.reason)} Likely meant: {markup}"


def _card_html(concept: Concept, chunk: Chunk) -> str:
    return (f"<p><b>{html.escape(concept.name)}</b> ({html.escape(concept.id)}, {html.escape(concept.family)})</p>"
            f"<p>{html.escape(concept.summary)}</p><p><i>What it does:</i> {html.escape(concept.action)}</p>"
            f"<p><i>Here:</i> {html.escape(chunk.says)} ({html.escape(chunk.method)})</p>")


def _by_path(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    groups: dict[str, list[Chunk]] = {}
    for c in chunks:
        groups.setdefault(c.path, []).append(c)
    return groups


# --------------------------------------------------------------------------------------------
# chunks and their words


def _words(node: Node) -> str:
    text = quiet(lambda: to_words(node))
    return str(text) if text is not None else to_latex(node)


def _binding_text(bound: Any) -> str:
    if isinstance(bound, tuple):
        return _words(bound[0])
    if isinstance(bound, Node):
        return _words(bound)
    return str(bound)


def _notation(bound: Any) -> str:
    """A bound part as it is written, in plain Unicode (``∇_θ L(θ)``), or in words if it has no
    one-line spelling."""
    node = bound[0] if isinstance(bound, tuple) else bound
    if not isinstance(node, Node):
        return str(bound)
    text = quiet(lambda: to_unicode(node))
    return str(text) if text is not None and "\\" not in text else _words(node)


def _says(found: Found, template: Template) -> str:
    """The chunk in words: ``softmax over s of score of h_t and h̄_s``, or its name and what
    each bound name stands for: ``Adam's step, with θ the parameters and α the step size``."""
    concept = concepts_module.catalog()[found.concept]
    name = _role_name(concept, template.part)
    bindings = found.bindings
    given = [v for v in template.variables if v.passed_to_reference and bindings.get(v.name) is not None]
    data = [v for v in given if v.role in _DATA_ROLES]
    head = ""
    if len(data) == 1 and isinstance(bindings[data[0].name], tuple):
        # one input read along an index: "a softmax over i of e_(t,i)". With several inputs
        # (weights and values, a decoder state and the source states) none of them is "the"
        # input: each is named below with what it stands for, never one for all.
        bound = bindings[data[0].name]
        assert isinstance(bound, tuple)
        head = f"{name} over {', '.join(_words(s) for s in _over(template, bindings, bound[1]))} " \
            f"of {_words(bound[0])}"
    parts = []
    for var in given:
        bound = bindings[var.name]
        if head and var is data[0]:
            continue
        text, meaning = _notation(bound), _meaning(template.variable(var.name).meaning, var.role)
        # a long expression reads better after its meaning: "... and ∇J as the gradient"
        parts.append(f"{text} as {meaning}" if len(text.split()) > 3 else f"{text} {meaning}")
    return f"{head or name}, with {_join(parts)}" if parts else head or name


_DATA_ROLES = ("scalar", "vector", "matrix", "tensor", "label")


def _over(template: Template, bindings: Mapping[str, Any], written: tuple[Node, ...]) -> list[Node]:
    """The indices an input is read along that the template names as its own (``i`` of
    ``e_(t,i)`` in a softmax over source positions; the target step ``t`` is held fixed), or
    all the indices it is written with if the template names none of them."""
    own = [bindings.get(v.name) for v in template.variables if v.role in ("index", "bound_index")]
    over = [s for s in written if s in own]
    return over or list(written)


@cache
def _output_latex(output: str) -> str:
    """A template's left-hand side in canonical LaTeX ("" if it does not parse)."""
    formula = quiet(lambda: parse(output)) if output else None
    return formula.latex if isinstance(formula, Formula) else ""


def _lhs(rec: Recognition, path: str) -> Node | None:
    """The left-hand side of the equation whose right-hand side is at ``path``."""
    parent_path, _, last = path.rpartition(".")
    parent = rec.nodes.get(parent_path)
    if isinstance(parent, Update) and last == "1":
        return parent.target
    if isinstance(parent, Relation) and last == str(len(parent.operands) - 1):
        return parent.operands[0]
    return None


def _fitting(found: Found, rec: Recognition) -> Template:
    """Of the concept's templates that compute the same thing, the one this line is written as.

    The recognizer keeps the first template that fits, but ``m̂_t = m_t / (1-β_1^t)`` and
    ``v̂_t = v_t / (1-β_2^t)`` fit each other's template: the left-hand side, then the names the
    template writes, say which line of Adam this is (its first or its second moment)."""
    same = [t for t in concepts_module.catalog()[found.concept].formulas
            if t.reference == found.template.reference and t.inputs == found.template.inputs]
    if len(same) < 2:
        return found.template
    lhs = _lhs(rec, found.path)
    lhs_latex = to_latex(lhs) if lhs is not None else ""

    def fit(t: Template) -> int:
        score = 2 if lhs_latex and _output_latex(t.output) == lhs_latex else 0
        for var in t.variables:
            bound = found.bindings.get(var.name)
            atom = bound[0] if isinstance(bound, tuple) else bound
            if var.symbol and isinstance(atom, Node) and _output_latex(var.symbol) == to_latex(atom):
                score += 1
        return score

    return max(same, key=lambda t: (fit(t), t is found.template))


def _role_name(concept: Concept, role: str) -> str:
    """``Adam's first moment``, ``the gate of a GRU``, ``the scaled scores of scaled dot-product
    attention``, or the concept's name (no ``role``)."""
    name = concept_name(concept)
    if not role:
        return name
    if not article(name) and not is_mass(name):
        return f"{name}'s {role}"
    return f"the {role} of {with_article(name)}"


def _meaning(meaning: str, role: str) -> str:
    """A variable's meaning as a noun phrase: ``the previous average``, ``a vector``."""
    text = meaning.split(":")[-1].strip()
    if not text:
        return ROLE_WORDS.get(role, f"a {role}")
    if "(" not in text and ", " in text:
        head, _, rest = text.partition(", ")
        text = f"{head} ({rest})"  # "small constant, inside the root" in a list of names
    if text.startswith(("a ", "an ", "the ", "one ")) or text[:1].isdigit():
        return text
    return "the " + text


def _part_of(founds: list[Found]) -> dict[str, list[Found]]:
    """Which chunks at one place are a line *of* an optimizer rather than what the line is.

    An EMA line matches the EMA's own template and also the templates that Adam, Lion and
    SGD with momentum borrow from it (the same reference computation). A concept that builds
    on another concept found at the same place, with the same computation, contains it; it
    is told as a relation ("the first moment inside Adam"), not as a second name of the line.
    Only optimizers are written as several lines; elsewhere (attention weights are a softmax)
    both names hold for the whole.
    """
    cat = concepts_module.catalog()
    contained: dict[str, list[Found]] = {}
    for f in founds:
        if cat[f.concept].family != "optimizers":
            continue
        host = next((g for g in founds if g is not f and g.template.reference == f.template.reference
                     and g.concept in cat.ancestors(f.concept)), None)
        if host is not None:
            contained.setdefault(f.concept, []).append(host)
    return contained


def _inside_sentence(containers: list[Found], rec: Recognition) -> str:
    """``The same line is the first moment inside Adam and the momentum inside Lion; as Ng's
    course writes it, it is also the velocity in SGD with momentum.``"""
    cat = concepts_module.catalog()
    inside: list[str] = []
    conventions: list[str] = []
    for f in containers:
        concept = cat[f.concept]
        name = concept_name(concept)
        template = _fitting(f, rec)
        role = template.part
        if _other_form(concept, template) and template.notation:
            what = f"the {role} of {name}" if role else f"a line of {name}"
            conventions.append(f"as {template.notation} writes it, it is also {what}")
        else:
            inside.append(f"the {role} inside {name}" if role else f"a line of {name}")
    out = "The same line is " + _join(inside) if inside else ""
    if conventions:
        tail = "; ".join(conventions)
        out = f"{out}; {tail}" if out else tail[:1].upper() + tail[1:]
    return out + "." if out else ""


def _other_form(concept: Concept, template: Template) -> bool:
    """Whether the concept computes the same quantity by another formula too (SGD with momentum's
    velocity is v = μv + g in PyTorch's form; the EMA form is one convention of it)."""
    def base(output: str) -> str:
        return re.split(r"[_^{]", output.strip(), maxsplit=1)[0]

    return any(t.reference != template.reference and t.output and base(t.output) == base(template.output)
               for t in concept.formulas)


def _same_form(own: list[Found]) -> list[Found]:
    """Optimizers whose step has the written form but whose inputs mean other things.

    Adam's step ``θ - η m̂ / (√v̂ + ε)`` also fits RMSProp's template, with m̂ bound to RMSProp's
    gradient; Adam builds on RMSProp, but by another computation (a different reference). The
    line is what its names say (the first concept, hats and all); the other is a relation ("RMSProp
    takes the same kind of step"), not a second name of the line. Optimizers that do not build
    on each other (RMSProp's and Adagrad's steps look alike) stay two readings of the line.
    """
    if not own:
        return []
    cat = concepts_module.catalog()
    first = own[0]
    if cat[first.concept].family != "optimizers":
        return []
    return [f for f in own[1:] if cat[f.concept].family == "optimizers"
            and f.template.reference != first.template.reference
            and (f.concept in cat.ancestors(first.concept) or first.concept in cat.ancestors(f.concept))]


def _like_sentence(line: Found, line_template: Template, others: list[Found], rec: Recognition) -> str:
    """``RMSProp takes the same kind of step, with the gradient where Adam has m̂_t.``"""
    cat = concepts_module.catalog()
    name = concept_name(cat[line.concept])
    mine = {to_latex(b[0] if isinstance(b, tuple) else b): line_template.variable(v).meaning
            for v, b in line.bindings.items() if isinstance(b, Node | tuple)
            and any(x.name == v for x in line_template.variables)}
    kind = "step" if line_template.part in ("", "step") else line_template.part
    sentences = []
    for other in others:
        template = _fitting(other, rec)
        swaps = []
        for var in template.variables:
            bound = other.bindings.get(var.name)
            if not isinstance(bound, Node) or var.role not in ("vector", "matrix", "tensor"):
                continue  # the data the step takes; a setting's other name (step size) tells nothing
            theirs = _meaning(var.meaning, var.role)
            ours = mine.get(to_latex(bound))
            if ours is not None and _meaning(ours, var.role) != theirs:
                swaps.append(f"{theirs} where {name} has {_notation(bound)}")
        other_name = concept_name(cat[other.concept])
        with_what = f", with {_join(swaps)}" if swaps else ""
        sentences.append(f"{other_name[:1].upper()}{other_name[1:]} takes the same kind of {kind}{with_what}.")
    return " ".join(sentences)


def _chunks(rec: Recognition) -> list[Chunk]:
    out: list[Chunk] = []
    by_path: dict[str, list[Found]] = {}
    for f in rec.found:
        by_path.setdefault(f.path, []).append(f)
    for path, founds in by_path.items():
        contained = _part_of(founds)
        own = [f for f in founds if f.concept not in contained]
        related = _same_form(own)
        own = [f for f in own if f not in related]
        ids = tuple(f.concept for f in own)
        for k, f in enumerate(own):
            template = _fitting(f, rec)
            containers = [c for c in founds if f in contained.get(c.concept, ())] if k == 0 else []
            part_of = tuple(c.concept for c in founds if c.concept in contained) if k == 0 else ()
            bindings = {var: _binding_text(b) for var, b in f.bindings.items() if not var.startswith("_")}
            inside = _inside_sentence([c for c in founds if c.concept in contained], rec) \
                if containers or part_of else ""
            like = related if k == 0 else []
            out.append(Chunk(f.concept, to_latex(f.node), f.node.span, bindings, f.method, _says(f, template), path,
                             tuple(i for i in ids if i != f.concept), f.confirmed, _words(f.node),
                             part_of, inside, template.part, template.does,
                             tuple(r.concept for r in like), _like_sentence(f, template, like, rec) if like else "",
                             _notation(f.node)))
    out.sort(key=lambda c: (c.path != rec.main_path, c.path.count("."), c.span[0]))
    return out


# --------------------------------------------------------------------------------------------
# the three lenses


def _is_condition(node: Node | None) -> TypeGuard[Relation]:
    """``‖g‖ ≤ 5``, ``x < 0``: a relation that states a condition, true or false, rather than
    giving its left side a value."""
    return isinstance(node, Relation) and any(op in CONDITION_RELATIONS for op in node.ops)


def _condition(rec: Recognition) -> str:
    """The first sentence for a formula that is a condition: what must hold, in words."""
    if not _is_condition(rec.main):
        return ""
    return f"This is a condition, true or false: {_words(rec.main)}. "


def _names_lens(chunks: list[Chunk], main_path: str) -> str:
    if not chunks:
        return "No concept of the catalog was recognised in this formula; the reading order below still applies."
    cat = concepts_module.catalog()
    sentences: list[str] = []
    told: set[tuple[tuple[str, str], ...]] = set()
    for path, group in _by_path(chunks).items():
        # a part of the main concept (the scaled scores inside attention) is told as that part
        ids = tuple((c.concept, c.part) for c in group)
        if ids in told:
            continue  # the same kind of part again (the score above and below the fraction)
        told.add(ids)
        head = group[0]
        first = cat[head.concept]
        name = concept_name(first)
        if path == main_path:
            if head.part:
                # one line of a larger whole: name the part, say what the line does
                what = _role_name(first, head.part)
                sentence = f"This is {what}: {_lower_first(head.does or first.action)}"
            else:
                sentence = f"This is just {with_article(name)}{_says_more(head.says, name)}: " \
                    f"{_lower_first(first.action)}"
        else:
            # a part is named by its notation: "Inside it, ∇_θ L(θ) is a gradient: ..."; a line
            # that is one part of a larger whole is named as that part, never as the whole
            inside = "" if any(s.startswith("Inside it, ") for s in sentences) else "Inside it, "
            part = head.notation if len(head.notation) <= 40 else ""
            where = f"{inside}{part or 'one part'} is" if inside or part else "One part is"
            what = with_article(_role_name(first, head.part))
            sentence = f"{where} {what}: {_lower_first(head.does or first.action)}"
        others = [with_article(_role_name(cat[c.concept], c.part)) for c in group[1:]]
        if others:
            sentence += f" It is also {_join(others)}."
            shared = [conv for c in group for conv in cat[c.concept].conventions if "formula" in conv]
            if len(group) >= 3 and shared:
                sentence += " " + max(shared, key=len)
        if head.like:
            sentence += " " + head.like
        if head.inside:
            sentence += " " + head.inside
        sentences.append(sentence)
        if len(sentences) == 4:
            break
    return " ".join(sentences)


def _says_more(says: str, name: str) -> str:
    """What a chunk's words add to its name, to follow "This is just a softmax": the rest of a
    phrase that starts with the name (" over i of e_(t,i)"), or the phrase in brackets; the
    name is not said twice."""
    if says.startswith(name):
        rest = says[len(name):]
        return rest if len(rest) <= 60 else ""
    return f" ({says})" if len(says) <= 60 else ""


def _catalog_gloss(sym: Symbol, shown: str) -> str:
    """`` In the catalog's formulas, h_(t−1) is the previous hidden state (recurrent cell).``: what
    the catalog's templates write this very name for, at most two meanings; "" if none does."""
    meanings = symbol_meanings().get(canon(sym), ())
    if not meanings:
        return ""
    cat = concepts_module.catalog()
    said = [f"{meaning} (in {with_article(concept_name(cat[cid]))})" for meaning, cid in meanings[:2]]
    return f" In the catalog's formulas, {shown} is {' or '.join(said)}."


@cache
def symbol_meanings() -> dict[Node, tuple[tuple[str, str], ...]]:
    """Each name the catalog's templates write, with what it stands for there (``the input``) and
    the first concept that says so; the most common meaning first. Meanings that name only a
    role (``a vector``) are left out: they say nothing about this name."""
    counts: dict[Node, dict[str, list[str]]] = {}
    for concept in concepts_module.catalog():
        for template in concept.formulas:
            for var in template.variables:
                text = var.meaning.strip()
                if not var.written or not text or var.role in ("index", "bound_index"):
                    continue
                node = quiet(lambda v=var: canon(parse(v.symbol, "latex").root))  # type: ignore[misc]
                if isinstance(node, Symbol):
                    counts.setdefault(node, {}).setdefault(_meaning(text, var.role), []).append(concept.id)
    return {node: tuple((m, ids[0]) for m, ids in sorted(by.items(), key=lambda kv: -len(kv[1])))
            for node, by in counts.items()}


def _notation_notes(formula: Formula) -> str:
    """Names the reader might misread, said once: ``Here dW is one name: the gradient ...``."""
    said = list(dict.fromkeys(d.chosen.split(",")[0] for d in formula.decisions
                              if d.rule == "differential" and not d.chosen.startswith("d times")))
    changes = list(dict.fromkeys(d.chosen for d in formula.decisions
                                 if d.rule == "delta-change" and not d.chosen.startswith("Δ times")))
    out = ""
    if len(said) == 1:
        out = f" Here {said[0]} is one name: the gradient of the loss with respect to {said[0][1:]}."
    elif said:
        out = (f" Here {_join(said)} are names of their own: the gradients of the loss with respect "
               f"to {_join([g[1:] for g in said])}.")
    for change in changes:  # "ΔW, the change in W"
        name, meaning = change.split(", ", 1)
        out += f" Here {name} is one name: {meaning}, not Δ times {name[1:]}."
    return out


def _lower_first(text: str) -> str:
    """``Takes ...`` and ``A sigmoid ...`` continue a sentence in lower case; ``RMSProp`` keeps its
    capitals."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first == "A" or first[1:2].islower() else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _reading_order(rec: Recognition) -> str:
    """Inside out: every step is an operation whose inputs are names or earlier steps."""
    main = rec.main
    if main is None:
        return ""
    names: dict[int, str] = {}
    for f in rec.found:
        names.setdefault(id(f.node), _role_name(concepts_module.catalog()[f.concept], _fitting(f, rec).part))
    reader = _Reader(names)
    reader.read(main, top=True)
    if _is_condition(main) and all(isinstance(side, Symbol | Number) for side in main.operands):
        return _lines(rec) + f"It is a condition, read as it stands: {_words(main)}."
    if not reader.steps:
        if isinstance(main, Number):
            return _lines(rec) + f"It is a single value: {_words(main)}."
        return _lines(rec) + f"Read it as one block: {_words(main)}."  # a name, a derivative: not one number
    numbered = [f"({k}) {s}" for k, s in enumerate(reader.steps, start=1)]
    return _lines(rec) + "First " + "; then ".join(numbered) + "."


def _lines(rec: Recognition) -> str:
    """For several equations: what each line computes, in order, before the last one in detail."""
    root = rec.formula.root
    if not isinstance(root, Block):
        return ""
    said = []
    for k, item in enumerate(root.items):
        target, value = _sides(item)
        if value is None:
            continue
        path = f"0.{k}"
        if isinstance(item, Update):
            path += ".1"
        elif isinstance(item, Relation) and not _is_condition(item):
            path += f".{len(item.operands) - 1}"
        found = [f for f in rec.found if f.path == path]
        what = _words(value)
        if found:
            name = with_article(concept_name(concepts_module.catalog()[found[0].concept]))
            cat = concepts_module.catalog()
            # a template that computes the same thing may say it in words ("an EMA of squared gradients")
            says = next((t.says for f in found for t in cat[f.concept].formulas
                         if t.reference == f.template.reference and t.says.startswith(("a ", "an "))), "")
            what = f"{says} ({name})" if says else name
        said.append(f"{_words(target)} is {what}" if target is not None else what)
    if len(said) < 2:
        return ""
    return "Line by line: " + "; ".join(said) + ". The last line: "


def _sides(item: Node) -> tuple[Node | None, Node | None]:
    if isinstance(item, Update):
        return item.target, item.value
    if _is_condition(item):
        return None, item  # a condition is said whole: "x is greater than 0"
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
        if node in self.done:
            return f"({self.done[node]})"
        if isinstance(node, Gradient | Derivative):
            return _notation(node)  # ∇_θ L(θ): one given quantity, named as it is written
        return _words(node)

    def read(self, node: Node, top: bool = False) -> None:
        if isinstance(node, Symbol | Number | Gradient | Derivative) or node in self.done or len(self.steps) >= 10:
            return  # a name, or a gradient: read as one given quantity
        if isinstance(node, Neg) and isinstance(node.arg, Symbol | Number):
            return  # "minus x" is read as it stands, inside the next step
        concept = self.names.get(id(node))
        if concept is not None and not top:
            self.add(node, f"{_words(node)}: {with_article(concept)}, read as one block")
            return
        for child in _operands(node):
            # the minus of a - b is part of the subtraction, not a step of its own
            self.read(child.arg if isinstance(node, Sum) and isinstance(child, Neg) else child)
        phrase = self.operation(node)
        if phrase:
            label = f", which makes {with_article(concept)}" if concept is not None else ""
            self.add(node, phrase + label)

    def add(self, node: Node, text: str) -> None:
        self.steps.append(text)
        self.done[node] = len(self.steps)

    def operation(self, node: Node) -> str:
        r = self.ref
        if isinstance(node, Sum):
            return self.sum(node)
        if isinstance(node, Product):
            return "multiply " + _join([r(f) for f in node.factors])
        if isinstance(node, Fraction):
            return f"divide {r(node.num)} by {r(node.den)}"
        if isinstance(node, Power):
            return self.power(node)
        if isinstance(node, Sqrt):
            if node.degree is not None:
                return f"take the root of degree {r(node.degree)} of {r(node.arg)}"
            return f"take the square root of {r(node.arg)}"
        if isinstance(node, Neg):
            return f"take minus {r(node.arg)}"
        if isinstance(node, BigOp):
            return self.bigop(node)
        if isinstance(node, Apply):
            return self.apply(node)
        if isinstance(node, Norm | Abs):
            return f"take the size of {r(node.arg)}"
        if isinstance(node, Transpose):
            return f"transpose {r(node.arg)} ({_transpose_does(node.arg)})"
        if _is_condition(node):
            return "check whether " + say_relation(node, r)
        return ""

    def sum(self, node: Sum) -> str:
        """``a - b`` is "subtract b from a"; ``a + b - c`` is "subtract c from a plus b"."""
        plus = [self.ref(t) for t in node.terms if not isinstance(t, Neg)]
        minus = [self.ref(t.arg) for t in node.terms if isinstance(t, Neg)]
        if not minus:
            return "add " + _join(plus)
        if not plus:
            return f"add {_join(minus)} and take minus the total" if len(minus) > 1 else f"take minus {minus[0]}"
        start = plus[0] if len(plus) == 1 else "the sum of " + _join(plus)
        return f"subtract {_join(minus)} from {start}"

    def power(self, node: Power) -> str:
        base, exp = self.ref(node.base), node.exp
        if isinstance(node.base, Symbol) and node.base.name == "e":
            return f"take e to the power {self.ref(exp)}"
        if isinstance(exp, Number) and exp.value == "2":
            return f"square {base}"
        if isinstance(exp, Neg) and exp.arg == Number("1"):
            return f"take 1 divided by {base}"
        return f"raise {base} to the power {self.ref(exp)}"

    def bigop(self, node: BigOp) -> str:
        over = ", ".join(_words(s) for s in node.indices) or "the index"
        bounds = ""
        under = node.under
        if isinstance(under, Relation) and under.ops == ("eq",) and len(under.operands) == 2 \
                and node.over is not None:
            bounds = f" from {_words(under.operands[1])} to {_words(node.over)}"
        body = self.ref(node.body)
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

    def apply(self, node: Apply) -> str:
        func = node.func
        args = _join([self.ref(a) for a in node.args])
        name = _words(func)
        if isinstance(func, Symbol):
            if func.name == "exp" and any(isinstance(n, Symbol) and n.name == "e" for a in node.args for n in a.walk()):
                return f"take the exponential (exp) of {args}"  # not "e to the power e_i": scores named e
            said = _FUNCTION_STEPS.get(func.name)
            if said is not None:
                return said.format(args)
            if func.name == "index" and len(node.args) >= 2:
                where = ", ".join(self.ref(a) for a in node.args[1:])
                return f"take entry {where} of {self.ref(node.args[0])}"
            if func.name in _INTERNAL_WORDS:
                return "take " + _INTERNAL_WORDS[func.name].format(args)
        return f"apply {name} to {args}"


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


def _operands(node: Node) -> Iterator[Node]:
    if isinstance(node, BigOp):
        yield node.body
    elif isinstance(node, Power) and isinstance(node.exp, Number | Neg):
        yield node.base  # x^2 and x^{-1}: the exponent is read with the step
    elif isinstance(node, Apply):
        yield from node.args
    else:
        yield from node.children()


_VECTOR = np.array([1.0, 2.0, 0.5])
_VECTORS = (_VECTOR, np.array([0.0, 1.0, -1.0]), np.array([2.0, 0.5, 1.0]))
_MATRIX = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]])
_BY_NAME = {"beta": 0.9, "beta1": 0.9, "beta2": 0.999, "momentum": 0.9, "alpha": 0.1, "lr": 0.1, "eps": 1e-8,
            "T": 2.0, "t": 1, "gamma": 0.9}


# a size, a dimension or a count (d_k, n, T_x) is a whole number that fits the example arrays:
# every example vector and matrix is this many entries wide
_SIZE = len(_VECTOR)


def _example_value(var: str, role: str, k: int = 0) -> Any:
    if role == "size":
        return _SIZE
    if role in ("vector", "tensor"):
        return _VECTORS[k % len(_VECTORS)]
    if role == "matrix":
        return _MATRIX
    if role == "step":
        return 1
    return _BY_NAME.get(var, 0.5)


def _counts(node: Node) -> set[Node]:
    """The names a formula counts with: the upper limit of a sum or product written with one
    (``n`` in ``\\sum_{i=1}^{n}``), or the index of the last of several terms (``x_1 + … + x_n``).
    They are sizes, whatever the catalog calls them."""
    out: set[Node] = {n.over for n in node.walk() if isinstance(n, BigOp) and isinstance(n.over, Symbol)}
    for n in node.walk():
        # x_1 + ... + x_n: the last term's index is how many terms there are
        if isinstance(n, Sum) and any(isinstance(t, Symbol) and t.name in _DOTS for t in n.terms):
            last = n.terms[-1]
            if isinstance(last, Symbol):
                out.update(s for s in last.sub if isinstance(s, Symbol))
    return out


_DOTS = frozenset({"dots", "cdots", "ldots"})


def _plain(sym: Symbol) -> Symbol:
    return Symbol(sym.name, sym.font, sym.accent, (), sym.sup, sym.prime)


def _fmt_value(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    if arr.ndim == 1:
        return "[" + ", ".join(f"{v:.3g}" for v in arr) + "]"
    return "[" + "; ".join(", ".join(f"{v:.3g}" for v in row) for row in arr) + "]"


def _action(rec: Recognition, chunks: list[Chunk]) -> str:
    main = rec.main
    if main is None:
        return ""
    top = [f for f in rec.found if f.path == rec.main_path]
    concept_text = ""
    head = next((c for c in chunks if c.path == rec.main_path), None)
    if head is not None:
        # a line that is one part of an optimizer does what that part does, not the whole step
        concept_text = (head.does or concepts_module.catalog()[head.concept].action) + " "
    example = _worked_example(rec, main, top[0] if top else None)
    if isinstance(rec.formula.root, Block):
        example = _block_example(rec) or example
    return (concept_text + example).strip()


# typical settings, by the name a formula gives them (beta_1 is Adam's 0.9)
_SETTINGS = {"beta": 0.9, "beta_1": 0.9, "beta_2": 0.999, "alpha": 0.1, "eta": 0.1, "gamma": 0.9, "rho": 0.9,
             "mu": 0.9, "lambda": 0.01, "epsilon": 1e-8, "varepsilon": 1e-8, "tau": 0.5, "t": 1}


def _block_example(rec: Recognition) -> str:
    """One pass through several equations: the averages start at zero, the rest get small values."""
    program = quiet(lambda: plan(rec.formula.root))
    if program is None or not program.is_block or not program.outputs:
        return ""
    shown: dict[str, str] = {}
    for s in rec.formula.root.walk():
        if isinstance(s, Symbol):
            name = program.name_of(s, frozenset())[0]
            t = program.time_letter
            step = t is not None and len(s.sub) == 1 and s.sub[0] in (Symbol(t), Sum((Symbol(t), Neg(Number("1")))))
            shown.setdefault(name, display(_plain(s)) if step else display(s))  # m for m_t and m_{t-1}
    for name, text in _gradients_shown(program, rec.formula.root, frozenset()).items():
        shown.setdefault(name, text)
    inputs: dict[str, Any] = {}
    arrays = 0
    counts = {atom_name(s, program, frozenset()) for s in _counts(rec.formula.root)}
    for name in program.inputs:
        if name in counts:
            inputs[name] = _SIZE
        elif name in _SETTINGS:
            inputs[name] = _SETTINGS[name]
        elif name in program.outputs[:-1]:
            inputs[name] = np.zeros(3)  # a running average starts at zero
        else:
            inputs[name] = _VECTORS[arrays % len(_VECTORS)]
            arrays += 1
    results = quiet(lambda: evaluate(rec.formula.root, **inputs))
    if not isinstance(results, dict):
        return ""
    last = program.outputs[-1]
    if last not in results or not np.all(np.isfinite(np.asarray(results[last], dtype=np.float64))):
        return ""
    given = ", ".join(f"{shown.get(n, n)} = {_fmt_value(v)}" for n, v in inputs.items())
    return f"For example, one pass with {given} gives {shown.get(last, last)} = {_fmt_value(results[last])}."


def _gradients_shown(program: Program, node: Node, axes: frozenset[str]) -> dict[str, str]:
    """A gradient is an input of the example; it is shown as written (∇_θ L(θ)), not by the
    name the generated code gives it (grad_L_theta)."""
    out: dict[str, str] = {}
    for n in node.walk():
        if isinstance(n, Gradient | Derivative):
            out[program.grad_name(n, axes)] = _notation(n)
    return out


def _worked_example(rec: Recognition, main: Node, found: Found | None) -> str:
    node = rec.canon_of.get(rec.main_path, main)
    program = quiet(lambda: plan(node))
    if program is None or not program.inputs or len(program.steps) != 1:
        return ""
    axes = program.steps[0].axes
    inputs: dict[str, Any] = {}
    input_of: dict[str, str] = {}  # template variable -> the example's input name
    if found is not None:
        for var, bound in found.bindings.items():
            atom = bound[0] if isinstance(bound, tuple) else bound
            if isinstance(atom, Node):
                name = atom_name(atom, program, axes)
                role = "vector" if isinstance(bound, tuple) else found.template.variable(var).role \
                    if any(v.name == var for v in found.template.variables) else "scalar"
                if name is not None and name in program.inputs:
                    input_of.setdefault(var, name)
                if name is not None and name in program.inputs and name not in inputs and not any(
                        v.name == var and v.symbol == written for v in found.template.variables
                        for written, _, _ in found.template.derived):  # computed below, not drawn
                    arrays = sum(1 for v in inputs.values() if np.ndim(v) == 1)
                    inputs[name] = _example_value(var, role, arrays)
    indexed = {program.name_of(s, axes)[0] for s in node.walk()
               if isinstance(s, Symbol) and program.name_of(s, axes)[1]}
    counts = {atom_name(s, program, axes) for s in _counts(main) | _counts(node)}
    for name in program.inputs:
        if name in counts:
            inputs[name] = _SIZE  # a count the template does not name (Σ_{i=1}^{n} outside a template)
        elif name not in inputs:
            arrays = sum(1 for v in inputs.values() if np.ndim(v) == 1)
            inputs[name] = _VECTORS[arrays % len(_VECTORS)] if name in indexed else 0.5
    derived: dict[str, str] = {}  # input name -> the statistic it is, of which input
    if found is not None:
        _normalise_weights(found.template, input_of, inputs)
        made = _derive(found, node, program, axes, input_of, inputs)
        if made is None:
            return ""  # a quantity the catalog derives from the inputs that cannot be computed here
        derived = made
    result = quiet(lambda: evaluate(node, **inputs))
    if result is None or not np.all(np.isfinite(np.asarray(result, dtype=np.float64))):
        return ""
    shown = {program.name_of(s, axes)[0]: display(_plain(s) if program.name_of(s, axes)[1] else s)
             for s in node.walk() if isinstance(s, Symbol)}
    shown.update(_gradients_shown(program, node, axes))
    order = [name for name in inputs if name not in derived] + list(derived)
    given = ", ".join(
        f"{shown.get(name, name)} = {_fmt_value(inputs[name])}" + (
            f" (the {derived[name].split(' of ')[0]} of {shown.get(derived[name].split(' of ')[1], '')})"
            if name in derived else "")
        for name in order)
    text = f"For example, with {given}, it gives {_fmt_value(result)}"
    arr = np.asarray(result, dtype=np.float64)
    if arr.ndim == 1 and arr.size > 1:
        total = round(float(arr.sum()), 12) + 0.0  # standardised values add up to 0, not -4.4e-16
        text += f" (these add up to {total:.3g})"
    return text + "."


_STATISTIC: dict[str, Callable[[Any], Any]] = {"mean": np.mean, "variance": np.var, "standard deviation": np.std}


def _normalise_weights(template: Template, input_of: Mapping[str, str], inputs: dict[str, Any]) -> None:
    """Weights the template needs to add up to one get example values that do."""
    for var, _ in template.normalised:
        name = input_of.get(var)
        if name is None or name not in inputs or np.ndim(inputs[name]) != 1:
            continue
        weights = np.abs(np.asarray(inputs[name], dtype=np.float64))
        if weights.sum() > 0:
            inputs[name] = weights / weights.sum()


def _derive(found: Found, node: Node, program: Program, axes: frozenset[str],
            input_of: Mapping[str, str], inputs: dict[str, Any]) -> dict[str, str] | None:
    """Set the names the catalog derives from an input (the mean μ of x in a variance) to that
    statistic of the example's input. Returns ``{input name: "mean of <input name>"}``, or None
    when a derived name cannot be found or computed, so that no example with made-up values for
    it is shown."""
    template = found.template
    out: dict[str, str] = {}
    for written, statistic, var in template.derived:
        source = input_of.get(var)
        if source is None or source not in inputs:
            return None
        target = _derived_node(found, node, written)
        power = 1.0
        if isinstance(target, Power) and isinstance(target.exp, Number):
            power, target = float(target.exp.value), target.base  # σ_B² is the variance: σ_B its root
        if not isinstance(target, Symbol):
            return None
        name = atom_name(target, program, axes)
        if name is None or name not in program.inputs:
            return None
        value = float(_STATISTIC[statistic](np.asarray(inputs[source], dtype=np.float64)))
        inputs[name] = value ** (1.0 / power)
        out[name] = f"{'standard deviation' if power == 2 and statistic == 'variance' else statistic} of {source}"
    return out


def _derived_node(found: Found, node: Node, written: str) -> Node | None:
    """The formula's own node for a name the template writes: the binding of the variable it is
    (declared, or named freely in the template), else the same name written in the formula."""
    pattern = quiet(lambda: canon(parse(written, "latex").root))
    if pattern is None:
        return None
    for var in found.template.variables:
        if quiet(lambda v=var: canon(parse(v.symbol, "latex").root)) == pattern:  # type: ignore[misc]
            bound = found.bindings.get(var.name)
            atom = bound[0] if isinstance(bound, tuple) else bound
            return atom if isinstance(atom, Node) else None
    if isinstance(pattern, Symbol):
        bound = found.bindings.get("_" + pattern.name + pattern.accent)
        if isinstance(bound, Node):
            return bound
    if isinstance(pattern, Power) and isinstance(pattern.base, Symbol):
        base = _derived_node(found, node, to_latex(pattern.base))
        if base is not None:
            return Power(base, pattern.exp)
    return pattern if any(n == pattern for n in node.walk()) else None


# --------------------------------------------------------------------------------------------


def read(text: str) -> Formula:
    """Parse ``text``; if it cannot be read as it is, read it once more as a damaged copy.

    The parser calls a text mangled only when it sees typical damage; a single misspelt command
    (``\\frca``) or a lost closing bracket can slip through and then stop it. The repairs are
    kept in ``Formula.repairs`` and shown, so nothing is guessed silently.
    """
    try:
        return parse(text)
    except FormulaError as first:
        try:
            return parse(text, "mangled")
        except FormulaError:
            raise first from None


def explain(text_or_formula: str | Formula, *, context: str = "", seed: int = 0) -> Explanation:
    """Recognise the concepts in a formula, flag near-misses and explain it in three lenses.

    ``context`` is the text around the formula (a document's sentence); names in it such as
    "Adam" count as claims the near-miss checks hold the formula to. Raises FormulaError for
    text that cannot be read as a formula.
    """
    formula = text_or_formula if isinstance(text_or_formula, Formula) else read(text_or_formula)
    rec = recognize(formula, context=context, seed=seed)
    chunks = _chunks(rec)
    warnings = near_misses(rec, seed)
    lenses = {
        "names": (_condition(rec) + _names_lens(chunks, rec.main_path) + _notation_notes(formula)).strip(),
        "reading_order": _reading_order(rec),
        "action": _action(rec, chunks),
    }
    if isinstance(formula.root, Symbol):
        # a name alone (a symbol in running text): what the catalog calls it, no computation
        shown = _notation(formula.root)
        change = next((d.chosen.split(", ", 1)[1] for d in formula.decisions
                       if d.rule == "delta-change" and not d.chosen.startswith("Δ times")), "")
        what = f", {change} (not Δ times {shown[1:]})," if change else ","
        lenses["names"] = f"{shown} is one name{what} given or defined in the text around it." + \
            _catalog_gloss(formula.root, shown)
        lenses["reading_order"] = f"Nothing to compute: {shown} stands for itself."
    return Explanation(formula, chunks, warnings, lenses, tuple(rec.defining))


def explain_command(text: str, *, as_json: bool = False, code: bool = False) -> str:
    """What ``thirdroad explain "<formula>" [--json] [--code]`` prints."""
    import json

    try:
        e = explain(text)
    except FormulaError as exc:
        if as_json:
            return json.dumps({"input": text, "error": str(exc)}, ensure_ascii=False)
        raise
    if as_json:
        return json.dumps(e.to_dict(code=code), ensure_ascii=False, indent=2)
    out = e.to_text()
    if code:
        out += "\n" + (e.code or "(compile cannot turn this formula into code)") + "\n"
    return out


__all__ = ["Chunk", "Explanation", "Warning", "explain", "explain_command"]
