"""The companion page: one HTML file to read beside the document.

Self-contained on purpose: the style is inline, the glossary's graph is inline SVG, the math is
MathML (which browsers draw without a script), and there is no script at all. Every piece of
text that came from the document is escaped.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files

from thirdroad import concepts
from thirdroad.formula import to_unicode
from thirdroad.formula.explanation.html import (
    chunks_html,
    lenses_html,
    note_html,
    notes_html,
    repairs_html,
    scope_css,
    stylesheet,
)
from thirdroad.reader._found import FoundFormula, ReadingView
from thirdroad.reader._graph import graph_svg


def page_css() -> str:
    """The stylesheet the companion page and the web app share: the explanation's own (boxes,
    chunks, notes, lenses), then the page's layout."""
    return stylesheet() + "\n" + files("thirdroad.reader").joinpath("companion.css").read_text(encoding="utf-8")


def scoped_css() -> str:
    """The stylesheet with every rule limited to ``.companion`` (the sheet is flat: no nesting,
    no at-rules), so that a notebook cell's copy leaves the rest of the notebook alone."""
    return scope_css(page_css(), ".companion")


def concept_names(ids: list[str]) -> dict[str, str]:
    catalog = concepts.catalog()
    return {cid: catalog[cid].name for cid in ids if cid in catalog}


def _unread(found: FoundFormula, head: str, context: str) -> str:
    err = found.error
    message = escape(err.message) if err else "not read"
    hint = f'<div class="hint">hint: {escape(err.hint)}</div>' if err and err.hint else ""
    caret = f"<pre>{escape(err.caret())}</pre>" if err and err.caret() else f"<pre>{escape(found.text)}</pre>"
    return (f'<section class="formula unread" id="f-{found.index}">{head}{context}'
            f'<div class="error">could not read this formula (column {err.column if err else 1}): {message}</div>'
            f"{caret}{hint}</section>")


def _formula(found: FoundFormula) -> str:
    head = (f'<div class="where">#{found.index + 1} · {escape(found.location)} · '
            f'<span class="how">{escape(found.how)}</span></div>')
    context = f'<blockquote class="context">{escape(found.context)}</blockquote>' if found.context else ""
    e = found.explanation
    if e is None:
        return _unread(found, head, context)
    source = f'<details class="source"><summary>as written</summary><pre>{escape(found.written or found.text)}</pre>'
    if found.written:
        source += f"<p>read with the author's macros expanded:</p><pre>{escape(found.text)}</pre>"
    source += "</details>"
    gloss = (f'<p class="gloss">{escape(to_unicode(e.formula.root))}: {escape(found.gloss)}, as the sentence says.</p>'
             if found.gloss else "")
    return (f'<section class="formula" id="f-{found.index}">{head}{context}'
            f'<div class="math">{found.mathml()}</div>{gloss}{notes_html(e.warnings)}'
            f"{chunks_html(e, links=True, cards=False)}{lenses_html(e)}{repairs_html(e)}"
            f"{source}</section>")


def concept_card(cid: str) -> str:
    """A concept's card: name, family, summary, what it does, what it builds on, its formula."""
    concept = concepts.catalog()[cid]
    builds = "".join(
        f'<li><a href="#c-{escape(e.source)}">{escape(e.source)}</a>: {escape(e.how)}</li>' for e in concept.builds_on
    )
    main = concept.formulas[0].equation if concept.formulas else ""
    return (
        f'<article class="card" id="c-{escape(cid)}"><h3>{escape(concept.name)} '
        f'<span class="family">{escape(concept.family)}</span></h3>'
        f"<p>{escape(concept.summary)}</p>"
        f'<p class="action"><b>What it does:</b> {escape(concept.action)}</p>'
        + (f"<p><b>Written:</b> <code>{escape(main)}</code></p>" if main else "")
        + (f"<p><b>Builds on:</b></p><ul>{builds}</ul>" if builds else "")
        + "</article>"
    )


def companion_page(reading: ReadingView, *, fragment: bool = False) -> str:
    """The whole page, or (``fragment``) its content in one ``<div>`` with a scoped copy of the
    style, for a notebook cell."""
    met = reading.concepts
    read_count = sum(1 for f in reading.formulas if f.explained is not None)
    summary = (f"{len(reading.formulas)} formulas found ({read_count} read), "
               f"{len(met)} concepts met, {len(reading.warnings)} warnings")
    warnings = "".join(
        f'<li><a href="#f-{found.index}">#{found.index + 1}</a> ({escape(found.location)}): {note_html(note)}</li>'
        for found in reading.formulas for note in found.notes
    )
    unread = "".join(
        f'<li><a href="#f-{f.index}">#{f.index + 1}</a> ({escape(f.location)}): '
        f"{escape(f.error.message if f.error else '')}</li>"
        for f in reading.errors
    )
    top = ""
    if warnings:
        top += f'<section class="warnings" id="warnings"><h2>Look twice</h2><ul>{warnings}</ul></section>'
    if unread:
        top += f'<section class="unread-list"><h2>Not read</h2><ul>{unread}</ul></section>'
    glossary = ""
    if met:
        graph = graph_svg(met, highlight=met, title="concepts met in this document and what they build on")
        cards = "".join(concept_card(cid) for cid in met)
        glossary = (f'<section class="glossary" id="glossary"><h2>Glossary: the concepts met</h2>'
                    f'<div class="graph">{graph}</div>{cards}</section>')
    body = "".join(_formula(found) for found in reading.formulas)
    title = f"Companion to {reading.source}"
    content = (f'<header><h1>{escape(title)}</h1><p class="summary">{escape(summary)} · '
               f"{escape(reading.format)}</p></header>{top}"
               f'<main><h2>The formulas, in order</h2>{body or "<p>No formulas found.</p>"}</main>{glossary}')
    if fragment:
        return f'<div class="companion"><style>{scoped_css()}</style>{content}</div>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">"
        f"<title>{escape(title)}</title><style>{page_css()}</style></head>"
        f'<body class="companion">{content}'
        "<footer>Made by thirdroad: abstraction, chunking, action.</footer></body></html>"
    )
