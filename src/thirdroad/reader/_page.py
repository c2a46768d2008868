"""The companion page: one HTML file to read beside the document.

Self-contained on purpose: the style is inline, the glossary's graph is inline SVG, the math is
MathML (which browsers draw without a script), and there is no script at all. Every piece of
text that came from the document is escaped.
"""

from __future__ import annotations

import re
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from thirdroad import concepts
from thirdroad.formula.mathml import latex_to_mathml
from thirdroad.formula.unicode import to_unicode
from thirdroad.reader._graph import graph_svg

if TYPE_CHECKING:
    from thirdroad.reader._reading import FoundFormula, Reading


def page_css() -> str:
    """The stylesheet the companion page and the web app share."""
    return files("thirdroad.reader").joinpath("companion.css").read_text(encoding="utf-8")


def scoped_css() -> str:
    """The stylesheet with every rule limited to ``.companion`` (the sheet is flat: no nesting,
    no at-rules), so that a notebook cell's copy leaves the rest of the notebook alone."""
    css = re.sub(r"/\*.*?\*/", "", page_css(), flags=re.DOTALL)

    def scope(match: re.Match[str]) -> str:
        selectors = []
        for selector in match.group(1).split(","):
            selector = selector.strip()
            if selector in (":root", "*", "body", "body.companion"):
                selectors.append(".companion")
            else:
                selectors.append(f".companion {selector}")
        return ", ".join(selectors) + " {"

    return re.sub(r"([^{}]+)\{", scope, css)


def concept_names(ids: list[str]) -> dict[str, str]:
    catalog = concepts.catalog()
    return {cid: catalog[cid].name for cid in ids if cid in catalog}


def warning_html(warning: dict[str, Any]) -> str:
    """A near-miss warning with its likely intended formula drawn in MathML (the terminal shows
    it in Unicode); the whole message, escaped, if there is no formula to draw."""
    intended = str(warning.get("intended") or "")
    markup = latex_to_mathml(intended) if intended else ""
    if not markup:
        return escape(str(warning.get("message", "")))
    reason = str(warning.get("reason") or "")
    return f'{escape(reason)} Likely meant: <span class="intended">{markup}</span>'


def _lenses(explanation: dict[str, Any]) -> str:
    lenses = explanation.get("lenses") or {}
    rows = [
        f"<dt>{escape(label)}</dt><dd>{escape(str(lenses[key]))}</dd>"
        for key, label in (("names", "what it is called"), ("reading_order", "how to read it"),
                           ("action", "what it does"))
        if lenses.get(key)
    ]
    return f'<dl class="lenses">{"".join(rows)}</dl>' if rows else ""


def _chunks(explanation: dict[str, Any], names: dict[str, str]) -> str:
    """One item per chunk. A chunk that is one part of its concept (the scaled scores inside
    scaled dot-product attention, Adam's step) is labelled by that part, its words naming the
    whole, so that the concept of a line is never listed twice under its own name."""
    items = []
    for chunk in explanation.get("chunks", []):
        cid = str(chunk.get("concept", ""))
        says = str(chunk.get("says", ""))
        how = str(chunk.get("method", ""))
        part = str(chunk.get("part") or "")
        label = part[:1].upper() + part[1:] if part else names.get(cid, cid)
        items.append(
            f'<li><a class="concept-name" href="#c-{escape(cid)}">{escape(label)}</a>'
            f'{" — " + escape(says) if says else ""}'
            f'{f" <span class=method>({escape(how)})</span>" if how else ""}</li>'
        )
    return f'<ul class="chunks">{"".join(items)}</ul>' if items else ""


def _repairs(explanation: dict[str, Any]) -> str:
    repairs = explanation.get("repairs") or []
    if not repairs:
        return ""
    items = "".join(
        f"<li>{escape(str(r.get('what', '')))}: <code>{escape(str(r.get('before', '')))}</code> → "
        f"<code>{escape(str(r.get('after', '')))}</code></li>"
        for r in repairs
    )
    return (f'<details class="repairs"><summary>repaired {len(repairs)} thing(s) in the copy</summary>'
            f"<ul>{items}</ul></details>")


def _formula(found: FoundFormula, names: dict[str, str]) -> str:
    head = (f'<div class="where">#{found.index + 1} · {escape(found.location)} · '
            f'<span class="how">{escape(found.how)}</span></div>')
    context = f'<blockquote class="context">{escape(found.context)}</blockquote>' if found.context else ""
    if found.explanation is None:
        err = found.error
        message = escape(err.message) if err else "not read"
        hint = f'<div class="hint">hint: {escape(err.hint)}</div>' if err and err.hint else ""
        caret = f"<pre>{escape(err.caret())}</pre>" if err and err.caret() else f"<pre>{escape(found.text)}</pre>"
        return (f'<section class="formula unread" id="f-{found.index}">{head}{context}'
                f'<div class="error">could not read this formula (column {err.column if err else 1}): {message}</div>'
                f"{caret}{hint}</section>")
    warnings = "".join(
        f'<div class="warning">{warning_html(w)}</div>' for w in found.warnings
    )
    source = f'<details class="source"><summary>as written</summary><pre>{escape(found.written or found.text)}</pre>'
    if found.written:
        source += f"<p>read with the author's macros expanded:</p><pre>{escape(found.text)}</pre>"
    source += "</details>"
    gloss = (f'<p class="gloss">{escape(_notation_of(found))}: {escape(found.gloss)}, as the sentence says.</p>'
             if found.gloss else "")
    return (f'<section class="formula" id="f-{found.index}">{head}{context}'
            f'<div class="math">{found.mathml(names)}</div>{gloss}{warnings}'
            f"{_chunks(found.explanation, names)}{_lenses(found.explanation)}{_repairs(found.explanation)}"
            f"{source}</section>")


def _notation_of(found: FoundFormula) -> str:
    formula = found.formula
    return to_unicode(formula.root) if formula is not None else found.text


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


def companion_page(reading: Reading, *, fragment: bool = False) -> str:
    """The whole page, or (``fragment``) its content in one ``<div>`` with a scoped copy of the
    style, for a notebook cell."""
    met = reading.concepts
    names = concept_names(met)
    read_count = sum(1 for f in reading.formulas if f.explained is not None)
    summary = (f"{len(reading.formulas)} formulas found ({read_count} read), "
               f"{len(met)} concepts met, {len(reading.warnings)} warnings")
    warnings = "".join(
        f'<li><a href="#f-{w["formula"]}">#{w["formula"] + 1}</a> ({escape(str(w["location"]))}): '
        f'{warning_html(w)}</li>'
        for w in reading.warnings
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
    body = "".join(_formula(found, names) for found in reading.formulas)
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
