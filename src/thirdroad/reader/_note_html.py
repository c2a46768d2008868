"""The document's notes on the companion page: a small mark where the note's words stand, the note
beside the text (folded under it on a narrow screen), and a line in the list at the top.

Every piece of text here is escaped; a formula in a note is drawn as MathML from the catalog.
"""

from __future__ import annotations

from html import escape

from thirdroad import concepts
from thirdroad.formula import FormulaError, parse
from thirdroad.reader._notes import DocumentNote

#: Commands that need an argument, written out with one a learner can paste.
_EXAMPLES = {"thirdroad agent": 'thirdroad agent "[[4, 3], [6, 3]]"'}
#: A prerequisite's formula shorter than this (AB) tells a learner nothing; it is left out.
SHORT_FORMULA = 12
_LABELS = {"misstatement": "look twice", "concept": "concept", "code": "code", "matrix": "matrix"}


def note_mark(note: DocumentNote, k: int) -> str:
    """The mark in the text, linked to the note beside it."""
    label = _LABELS[note.kind]
    return (f'<a class="nmark {note.kind}" id="nm-{k}" href="#n-{k}" '
            f'aria-label="note {k + 1}: {escape(label)}">{escape(label)}</a>')


def _links(note: DocumentNote) -> str:
    if not note.links:
        return ""
    items = ", ".join(f"<code>{escape(_EXAMPLES.get(link, link))}</code>" for link in note.links)
    return f'<p class="try">Run it with thirdroad: {items}</p>'


def _formulas(cid: str) -> str:
    """The concept's formula and, for a concept built on one other, that one's, as MathML."""
    catalog = concepts.catalog()
    shown = []
    for other in (cid, *catalog[cid].prerequisites[:1]):
        for template in catalog[other].formulas[:1]:
            if other != cid and len(template.equation) < SHORT_FORMULA:
                continue
            try:
                shown.append(f'<div class="nformula">{escape(catalog[other].name)}: '
                             f"{parse(template.equation).to_mathml()}</div>")
            except FormulaError:
                continue
    return "".join(shown)


def _name(cid: str) -> str:
    catalog = concepts.catalog()
    return catalog[cid].name if cid in catalog else ""


def _head(note: DocumentNote) -> str:
    name = _name(note.concept)
    if note.kind == "misstatement":
        return f"{note.says}?"  # the concept it is about is linked below, from the glossary
    if note.kind == "concept":
        return name
    if note.kind == "code":
        return "The same loop with thirdroad.nn"
    return note.says or name or "A matrix"


def note_aside(note: DocumentNote, k: int) -> str:
    """The note for the margin."""
    body = f"<p>{escape(note.message)}</p>"
    if note.kind == "misstatement" and note.quote:
        body = f'<blockquote class="quoted">{escape(note.quote)}</blockquote>{body}'
    if note.also:
        lines = ", ".join(str(line) for line in note.also)
        body += f'<p class="also">The same is said again at line{"s" if len(note.also) > 1 else ""} {lines}.</p>'
    if note.kind == "concept":
        body += _formulas(note.concept)
    if note.code:
        body += f"<pre><code>{escape(note.code)}</code></pre>"
    body += _links(note)
    if note.concept in concepts.catalog():
        link = f'<a href="#c-{escape(note.concept)}">{escape(_name(note.concept))}</a>'
        body += f'<p class="see">{link} in the glossary</p>'
    back = f"#nm-{k}" if note.formula is None else f"#f-{note.formula}"
    body += f'<p class="see"><a href="{back}">back to the text</a></p>'
    # no link inside the summary: it is a control already (a link in it would be a nested control)
    return (f'<details class="explain note {note.kind}" id="n-{k}"><summary>'
            f'<span class="nback">{escape(_LABELS[note.kind])}</span> {escape(_head(note))}'
            f"</summary>{body}</details>")


def notes_top(notes: tuple[DocumentNote, ...]) -> str:
    """The misstatements, listed at the top of the page, each linked to its place."""
    items = "".join(
        f'<li><a href="#nm-{k}">line {note.line}</a>: <i>{escape(note.says)}</i>. {escape(note.message)}</li>'
        for k, note in enumerate(notes) if note.kind == "misstatement")
    if not items:
        return ""
    return (f'<section class="warnings" id="misstatements"><h2>Where the words look wrong</h2>'
            f"<ul>{items}</ul></section>")
