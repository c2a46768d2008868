"""The chunks of a formula: each recognised part, with what it is, in words.

A recognised part can be a concept, several concepts at once, one line *of* a larger concept,
or a step of the same form as another optimizer's; :func:`chunks` sorts that out (see
:class:`~thirdroad.formula.explanation.model.Chunk`) and says each chunk in a short phrase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Concept, Template
from thirdroad.formula.ast import Node, Relation, Update
from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.latex import to_latex
from thirdroad.formula.phrases import atom, binding_words, concept_name, join, meaning, notation, role_name, words
from thirdroad.formula.reading import Formula, parse
from thirdroad.formula.recognize import Found, Recognition, quiet

_DATA_ROLES = ("scalar", "vector", "matrix", "tensor", "label")


def says(found: Found, template: Template) -> str:
    """The chunk in words: ``softmax over s of score of h_t and h̄_s``, or its name and what
    each bound name stands for: ``Adam's step, with θ the parameters and α the step size``."""
    concept = concepts_module.catalog()[found.concept]
    name = role_name(concept, template.part)
    bindings = found.bindings
    given = [v for v in template.variables if v.passed_to_reference and bindings.get(v.name) is not None]
    data = [v for v in given if v.role in _DATA_ROLES]
    head = ""
    if len(data) == 1 and isinstance(bindings[data[0].name], tuple):
        # one input read along an index: "a softmax over i of e_(t,i)". With several inputs
        # (weights and values, a decoder state and the source states) none of them is "the"
        # input: each is named below with what it stands for, never one for all.
        node, indices = bindings[data[0].name]
        head = f"{name} over {', '.join(words(s) for s in _over(template, bindings, indices))} of {words(node)}"
    parts = []
    for var in given:
        bound = bindings[var.name]
        if head and var is data[0]:
            continue
        text, stands_for = notation(bound), meaning(template.variable(var.name).meaning, var.role)
        # a long expression reads better after its meaning: "... and ∇J as the gradient"
        parts.append(f"{text} as {stands_for}" if len(text.split()) > 3 else f"{text} {stands_for}")
    return f"{head or name}, with {join(parts)}" if parts else head or name


def _over(template: Template, bindings: Mapping[str, Any], written: tuple[Node, ...]) -> list[Node]:
    """The indices an input is read along that the template names as its own (``i`` of
    ``e_(t,i)`` in a softmax over source positions; the target step ``t`` is held fixed), or
    all the indices it is written with if the template names none of them."""
    own = [bindings.get(v.name) for v in template.variables if v.role in ("index", "bound_index")]
    over = [s for s in written if s in own]
    return over or list(written)


@cache
def output_latex(output: str) -> str:
    """A template's left-hand side (or any LaTeX of the catalog) in canonical LaTeX ("" if it
    does not parse)."""
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


def fitting(found: Found, rec: Recognition) -> Template:
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
        score = 2 if lhs_latex and output_latex(t.output) == lhs_latex else 0
        for var in t.variables:
            node = atom(found.bindings.get(var.name))
            if var.symbol and isinstance(node, Node) and output_latex(var.symbol) == to_latex(node):
                score += 1
        return score

    return max(same, key=lambda t: (fit(t), t is found.template))


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
        template = fitting(f, rec)
        role = template.part
        if _other_form(concept, template) and template.notation:
            what = f"the {role} of {name}" if role else f"a line of {name}"
            conventions.append(f"as {template.notation} writes it, it is also {what}")
        else:
            inside.append(f"the {role} inside {name}" if role else f"a line of {name}")
    out = "The same line is " + join(inside) if inside else ""
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
    mine = {to_latex(atom(b)): line_template.variable(v).meaning
            for v, b in line.bindings.items() if isinstance(b, Node | tuple)
            and any(x.name == v for x in line_template.variables)}
    kind = "step" if line_template.part in ("", "step") else line_template.part
    sentences = []
    for other in others:
        template = fitting(other, rec)
        swaps = []
        for var in template.variables:
            bound = other.bindings.get(var.name)
            if not isinstance(bound, Node) or var.role not in ("vector", "matrix", "tensor"):
                continue  # the data the step takes; a setting's other name (step size) tells nothing
            theirs = meaning(var.meaning, var.role)
            ours = mine.get(to_latex(bound))
            if ours is not None and meaning(ours, var.role) != theirs:
                swaps.append(f"{theirs} where {name} has {notation(bound)}")
        other_name = concept_name(cat[other.concept])
        with_what = f", with {join(swaps)}" if swaps else ""
        sentences.append(f"{other_name[:1].upper()}{other_name[1:]} takes the same kind of {kind}{with_what}.")
    return " ".join(sentences)


def _chunks_at(path: str, founds: list[Found], rec: Recognition) -> list[Chunk]:
    """The chunks of one place: one per concept the place *is*; the concepts it is a line of
    and those whose step has its form are told in the first chunk."""
    contained = _part_of(founds)
    own = [f for f in founds if f.concept not in contained]
    related = _same_form(own)
    own = [f for f in own if f not in related]
    ids = tuple(f.concept for f in own)
    containers = [c for c in founds if c.concept in contained]
    out = []
    for k, f in enumerate(own):
        template = fitting(f, rec)
        first = k == 0
        out.append(Chunk(
            concept=f.concept, latex=to_latex(f.node), span=f.node.span,
            bindings={var: binding_words(b) for var, b in f.bindings.items() if not var.startswith("_")},
            method=f.method, says=says(f, template), path=path,
            also=tuple(i for i in ids if i != f.concept), confirmed=f.confirmed, words=words(f.node),
            part_of=tuple(c.concept for c in containers) if first else (),
            inside=_inside_sentence(containers, rec) if first and containers else "",
            part=template.part, does=template.does,
            same_form_as=tuple(r.concept for r in related) if first else (),
            like=_like_sentence(f, template, related, rec) if first and related else "",
            notation=notation(f.node)))
    return out


def chunks(rec: Recognition) -> list[Chunk]:
    """Every chunk of the recognised formula: the main expression's first, then outside in."""
    by_place: dict[str, list[Found]] = {}
    for f in rec.found:
        by_place.setdefault(f.path, []).append(f)
    out = [chunk for path, founds in by_place.items() for chunk in _chunks_at(path, founds, rec)]
    out.sort(key=lambda c: (c.path != rec.main_path, c.path.count("."), c.span[0]))
    return out
