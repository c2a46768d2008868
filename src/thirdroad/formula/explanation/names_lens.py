"""The names lens (abstraction): what the formula is called and what its named parts are.

"This is just a softmax: ...", "Inside it, ∇_θ L(θ) is a gradient: ...", and for a name
alone, what the catalog's formulas write it for.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypeGuard

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Block, Node, Relation, Symbol
from thirdroad.formula.explanation.model import Chunk, by_path
from thirdroad.formula.match import canon
from thirdroad.formula.phrases import concept_name, join, lower_first, meaning, notation, role_name, with_article, words
from thirdroad.formula.reading import Formula, parse
from thirdroad.formula.recognize import Recognition, quiet
from thirdroad.formula.tables import CONDITION_RELATIONS


def is_condition(node: Node | None) -> TypeGuard[Relation]:
    """``‖g‖ ≤ 5``, ``x < 0``: a relation that states a condition, true or false, rather than
    giving its left side a value."""
    return isinstance(node, Relation) and any(op in CONDITION_RELATIONS for op in node.ops)


def names_lens(rec: Recognition, chunks: Sequence[Chunk]) -> str:
    """The whole lens: a condition said first, then the names, then the notation to mind."""
    condition = f"This is a condition, true or false: {words(rec.main)}. " if is_condition(rec.main) else ""
    lines = isinstance(rec.formula.root, Block)
    return (condition + _names(chunks, rec.main_path, lines) + _notation_notes(rec.formula)).strip()


def _names(chunks: Sequence[Chunk], main_path: str, lines: bool = False) -> str:
    if not chunks:
        return "No concept of the catalog was recognised in this formula; the reading order below still applies."
    sentences: list[str] = []
    told: set[tuple[tuple[str, str], ...]] = set()
    groups = by_path(chunks)
    whole = groups.pop("0", []) if lines else []
    for c in whole:  # a concept of the lines together (layers that feed each other): said first
        concept = concepts_module.catalog()[c.concept]
        sentences.append(f"Together, the lines are {with_article(concept_name(concept))}: "
                         f"{lower_first(concept.action)}")
    for path, group in groups.items():
        # a part of the main concept (the scaled scores inside attention) is told as that part
        ids = tuple((c.concept, c.part) for c in group)
        if ids in told:
            continue  # the same kind of part again (the score above and below the fraction)
        told.add(ids)
        first_sentence = not any(s.startswith("Inside it, ") for s in sentences)
        sentences.append(_group_sentence(group, path == main_path, first_sentence))
        if len(sentences) == 4:
            break
    return " ".join(sentences)


def _group_sentence(group: list[Chunk], main: bool, first_part: bool) -> str:
    """One place of the formula: what it is and does, its other names, its relations."""
    cat = concepts_module.catalog()
    head = group[0]
    concept = cat[head.concept]
    if main and head.part:
        # one line of a larger whole: name the part, say what the line does
        sentence = f"This is {role_name(concept, head.part)}: {lower_first(head.does or concept.action)}"
    elif main:
        name = concept_name(concept)
        sentence = f"This is just {with_article(name)}{_says_more(head.says, name)}: " \
            f"{lower_first(concept.action)}"
    else:
        # a part is named by its notation: "Inside it, ∇_θ L(θ) is a gradient: ..."; a line
        # that is one part of a larger whole is named as that part, never as the whole
        inside = "Inside it, " if first_part else ""
        part = head.notation if len(head.notation) <= 40 else ""
        where = f"{inside}{part or 'one part'} is" if inside or part else "One part is"
        what = with_article(role_name(concept, head.part))
        sentence = f"{where} {what}: {lower_first(head.does or concept.action)}"
    others = [with_article(role_name(cat[c.concept], c.part)) for c in group[1:]]
    if others:
        sentence += f" It is also {join(others)}."
        shared = [conv for c in group for conv in cat[c.concept].conventions if "formula" in conv]
        if len(group) >= 3 and shared:
            sentence += " " + max(shared, key=len)
    if head.like:
        sentence += " " + head.like
    if head.inside:
        sentence += " " + head.inside
    return sentence


def _says_more(says: str, name: str) -> str:
    """What a chunk's words add to its name, to follow "This is just a softmax": the rest of a
    phrase that starts with the name (" over i of e_(t,i)"), or the phrase in brackets; the
    name is not said twice."""
    if says.startswith(name):
        rest = says[len(name):]
        return rest if len(rest) <= 60 else ""
    return f" ({says})" if len(says) <= 60 else ""


def _notation_notes(formula: Formula) -> str:
    """Names the reader might misread, said once: ``Here dW is one name: the gradient ...``."""
    said = list(dict.fromkeys(d.chosen.split(",")[0] for d in formula.decisions
                              if d.rule == "differential" and not d.chosen.startswith("d times")))
    out = ""
    if len(said) == 1:
        out = f" Here {said[0]} is one name: the gradient of the loss with respect to {said[0][1:]}."
    elif said:
        out = (f" Here {join(said)} are names of their own: the gradients of the loss with respect "
               f"to {join([g[1:] for g in said])}.")
    for change in _changes(formula):  # "ΔW, the change in W"
        name, what = change.split(", ", 1)
        out += f" Here {name} is one name: {what}, not Δ times {name[1:]}."
    return out


def _changes(formula: Formula) -> list[str]:
    """The parser's readings of ΔW as one name: ``ΔW, the change in W``."""
    return list(dict.fromkeys(d.chosen for d in formula.decisions
                              if d.rule == "delta-change" and not d.chosen.startswith("Δ times")))


def lone_name(sym: Symbol, formula: Formula) -> tuple[str, str]:
    """The names lens and the reading order for a formula that is one name (a symbol in running
    text): what the catalog calls it; nothing to compute."""
    shown = notation(sym)
    change = next((c.split(", ", 1)[1] for c in _changes(formula)), "")
    what = f", {change} (not Δ times {shown[1:]})," if change else ","
    names = f"{shown} is one name{what} given or defined in the text around it." + _catalog_gloss(sym, shown)
    return names, f"Nothing to compute: {shown} stands for itself."


def _catalog_gloss(sym: Symbol, shown: str) -> str:
    """`` In the catalog's formulas, h_(t−1) is the previous hidden state (recurrent cell).``: what
    the catalog's templates write this very name for, at most two meanings; "" if none does."""
    meanings = symbol_meanings().get(canon(sym), ())
    if not meanings:
        return ""
    cat = concepts_module.catalog()
    said = [f"{stands_for} (in {with_article(concept_name(cat[cid]))})" for stands_for, cid in meanings[:2]]
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
                    counts.setdefault(node, {}).setdefault(meaning(text, var.role), []).append(concept.id)
    return {node: tuple((m, ids[0]) for m, ids in sorted(by.items(), key=lambda kv: -len(kv[1])))
            for node, by in counts.items()}
