"""The companion page: the document itself, in reading order, every formula drawn in its place
(MathML, its chunks boxed) and explained beside it (on a wide screen) or folded under it (on a
narrow one). Near-misses are marked where they occur and listed at the top; a formula that is a
single name is glossed on hover or focus, not given a card of its own.

Self-contained on purpose: the style is inline, the pictures and the glossary's graph are inline
SVG, the math is MathML (which browsers draw without a script), and there is no script at all.
Every piece of text that came from the document is escaped (see ``_document``).
"""

from __future__ import annotations

from html import escape
from importlib.resources import files

from thirdroad import concepts
from thirdroad.formula import Formula, FormulaError, parse, to_unicode
from thirdroad.formula.explanation.html import (
    chunks_html,
    lenses_html,
    note_html,
    notes_html,
    picture_html,
    repairs_html,
    scope_css,
    stylesheet,
)
from thirdroad.reader._document import MARK, blocks
from thirdroad.reader._found import FoundFormula, ReadingView
from thirdroad.reader._graph import graph_svg
from thirdroad.reader._note_html import note_aside, note_mark, notes_top

#: The heading of the document's part of the page.
DOCUMENT_HEADING = "The document, its formulas explained in place"


def page_css() -> str:
    """The stylesheet the companion page and the web app share: the explanation's own (boxes,
    chunks, notes, lenses), then the page's layout."""
    here = files("thirdroad.reader")
    sheets = [here.joinpath(name).read_text(encoding="utf-8") for name in ("companion.css", "notes.css")]
    return "\n".join([stylesheet(), *sheets])


def scoped_css() -> str:
    """The stylesheet with every rule limited to ``.companion``, so that a notebook cell's copy
    leaves the rest of the notebook alone."""
    return scope_css(page_css(), ".companion")


def concept_names(ids: list[str]) -> dict[str, str]:
    catalog = concepts.catalog()
    return {cid: catalog[cid].name for cid in ids if cid in catalog}


def _is_name(found: FoundFormula) -> bool:
    """A formula glossed in the text, with no explanation of its own beside it: one name (``η``,
    ``h_{t-1}``), or a short formula in a sentence that names no concept (``L(θ)``)."""
    e = found.explanation
    if e is None or e.chunks or e.warnings:
        return False
    return e.formula.root.kind == "symbol" or not found.display


def _spelled(formula: Formula) -> str:
    """A formula in plain Unicode, or in words where Unicode has no spelling for a part of it."""
    text = to_unicode(formula.root)
    return text if "\\" not in text else formula.to_words()


def _name_tip(found: FoundFormula) -> str:
    """What a lone name stands for: as its sentence says, else as the catalog's formulas use it."""
    e = found.explanation
    assert e is not None
    shown = _spelled(e.formula)
    if found.gloss:
        return f"{shown}: {found.gloss}, as the sentence says."
    if e.formula.root.kind != "symbol":
        return f"{shown}: {e.lenses.get('reading_order', '')}"
    return e.lenses.get("names", "")


def _in_text(found: FoundFormula) -> str:
    """The formula where it stands in the document."""
    n = found.index + 1
    e = found.explanation
    kind = "display" if found.display else "inline"
    if e is None:
        err = found.error
        why = f"could not read this formula: {err.message}" if err else "could not read this formula"
        return (f'<span class="formula unread {kind}" id="f-{found.index}"><code>{escape(found.text)}</code></span>'
                f'<a class="fnum" href="#x-{found.index}" title="{escape(why)}">{n}</a>')
    if _is_name(found):
        return (f'<span class="name" id="f-{found.index}" tabindex="0" aria-describedby="t-{found.index}">'
                f'{found.mathml()}<span class="tip" role="tooltip" id="t-{found.index}">'
                f"{escape(_name_tip(found))}</span></span>")
    slip = " slip" if e.warnings else ""
    number = f'<a class="fnum" href="#x-{found.index}" aria-label="explanation {n}">{n}</a>'
    if found.display:  # the number beside the displayed formula, as a paper numbers its equations
        return f'<span class="formula {kind}{slip}" id="f-{found.index}">{found.mathml()}{number}</span>'
    return f'<span class="formula {kind}{slip}" id="f-{found.index}">{found.mathml()}</span>{number}'



def _summary_line(found: FoundFormula, noted: str = "") -> str:
    """The explanation's title: the concepts it names, else what a note on it says (``noted``)."""
    e = found.explanation
    if e is None:
        return "not read"
    catalog = concepts.catalog()
    if e.warnings:
        almost = list(dict.fromkeys(catalog[w.concept].name for w in e.warnings))
        return "look twice: almost " + " or ".join(almost[:2])
    names = list(dict.fromkeys(catalog[c.concept].name for c in e.chunks))
    return ", ".join(names[:3]) if names else noted or "no concept of the catalog"


def _aside(found: FoundFormula, noted: str = "") -> str:
    """The explanation of one formula, for the margin (folded under the formula when narrow)."""
    e = found.explanation
    head = (f'<summary><span class="fnum">{found.index + 1}</span> '
            f"{escape(_summary_line(found, noted))}</summary>")
    if e is None:
        err = found.error
        message = escape(err.message) if err else "not read"
        hint = f'<p class="hint">hint: {escape(err.hint)}</p>' if err and err.hint else ""
        body = f'<p class="error">Could not read this formula (column {err.column if err else 1}): {message}</p>{hint}'
    else:
        body = (f"{notes_html(e.warnings)}{chunks_html(e, links=True, cards=False)}{lenses_html(e)}"
                f"{picture_html(e)}{repairs_html(e)}")
    return f'<details class="explain" id="x-{found.index}">{head}{body}</details>'


def _document(reading: ReadingView) -> str:
    """The document's blocks, each with the explanations of its formulas beside it."""
    spans = [(f.start, f.end, f.display) for f in reading.formulas]
    n = len(spans)  # marks past the formulas are the document's notes on words, each after them
    on_words = [k for k, note in enumerate(reading.notes) if note.formula is None]
    spans += [(reading.notes[k].end, reading.notes[k].end, False) for k in on_words]
    on_formula: dict[int, list[int]] = {}  # a note on a formula stands under its explanation
    for k, note in enumerate(reading.notes):
        if note.formula is not None:
            on_formula.setdefault(note.formula, []).append(k)

    def mark(k: int) -> str:
        return _in_text(reading.formulas[k]) if k < n else note_mark(reading.notes[on_words[k - n]], on_words[k - n])

    def aside(k: int) -> str:
        if k >= n:
            return note_aside(reading.notes[on_words[k - n]], on_words[k - n])
        found = reading.formulas[k]
        noted = on_formula.get(found.index, [])
        mine = "".join(note_aside(reading.notes[j], j) for j in noted)
        title = f"{reading.notes[noted[0]].says} (see the note below)" if noted else ""
        return mine if _is_name(found) else _aside(found, title) + mine

    rows = []
    for block in blocks(reading.document, reading.format, spans):
        text = MARK.sub(lambda match: mark(int(match.group(1))), block)
        asides = [aside(int(k)) for k in MARK.findall(block)]
        asides = [a for a in asides if a]
        side = f'<div class="side">{"".join(asides)}</div>' if asides else ""
        rows.append(f'<div class="row"><div class="text">{text}</div>{side}</div>')
    return "".join(rows)


def concept_formula(cid: str) -> str:
    """A concept's first formula as MathML ("" if it has none the parser reads)."""
    concept = concepts.catalog()[cid]
    if not concept.formulas:
        return ""
    try:
        return parse(concept.formulas[0].equation).to_mathml()
    except FormulaError:
        return ""


def concept_card(cid: str) -> str:
    """A concept's card: name, family, summary, what it does, its formula, what it builds on."""
    concept = concepts.catalog()[cid]
    builds = "".join(
        f'<li><a href="#c-{escape(e.source)}">{escape(e.source)}</a>: {escape(e.how)}</li>' for e in concept.builds_on
    )
    formula = concept_formula(cid)
    return (
        f'<article class="card" id="c-{escape(cid)}"><h3>{escape(concept.name)} '
        f'<span class="family">{escape(concept.family)}</span></h3>'
        f"<p>{escape(concept.summary)}</p>"
        f'<p class="action"><b>What it does:</b> {escape(concept.action)}</p>'
        + (f'<div class="written"><b>Written:</b> {formula}</div>' if formula else "")
        + (f"<p><b>Builds on:</b></p><ul>{builds}</ul>" if builds else "")
        + "</article>"
    )


def _top(reading: ReadingView) -> str:
    """The notes and the formulas not read, listed before the document, each linked to its place."""
    notes = "".join(
        f'<li><a href="#f-{found.index}">#{found.index + 1}</a> ({escape(found.location)}): {note_html(note)}</li>'
        for found in reading.formulas for note in found.notes
    )
    unread = "".join(
        f'<li><a href="#f-{f.index}">#{f.index + 1}</a> ({escape(f.location)}): '
        f"{escape(f.error.message if f.error else '')}</li>"
        for f in reading.errors
    )
    top = notes_top(reading.notes)
    if notes:
        top += f'<section class="warnings" id="warnings"><h2>Look twice</h2><ul>{notes}</ul></section>'
    if unread:
        top += f'<section class="unread-list"><h2>Not read</h2><ul>{unread}</ul></section>'
    return top


def companion_page(reading: ReadingView, *, fragment: bool = False) -> str:
    """The whole page, or (``fragment``) its content in one ``<div>`` with a scoped copy of the
    style, for a notebook cell."""
    met = list(reading.concepts)
    met += [cid for cid in dict.fromkeys(n.concept for n in reading.notes) if cid and cid not in met]
    read_count = sum(1 for f in reading.formulas if f.explanation is not None)
    summary = (f"{len(reading.formulas)} formulas found ({read_count} read), "
               f"{len(met)} concepts met, {len(reading.warnings)} warnings"
               + (f", {len(reading.notes)} notes on the text" if reading.notes else "")
               + (f"; not read: {reading.left_out}" if reading.left_out else ""))
    glossary = ""
    if met:
        graph = graph_svg(met, highlight=met, title="concepts met in this document and what they build on")
        cards = "".join(concept_card(cid) for cid in met)
        glossary = (f'<section class="glossary" id="glossary"><h2>Glossary: the concepts met</h2>'
                    f'<div class="graph">{graph}</div>{cards}</section>')
    body = _document(reading) or "<p>No text found.</p>"
    title = f"Companion to {reading.source}"
    content = (f'<header><h1>{escape(title)}</h1><p class="summary">{escape(summary)} · '
               f"{escape(reading.format)}</p></header>{_top(reading)}"
               f'<main><h2 class="document-heading">{DOCUMENT_HEADING}</h2>{body}</main>{glossary}')
    if fragment:
        return f'<div class="companion">{_fragment_style()}{content}</div>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">"
        f"<title>{escape(title)}</title><style>{page_css()}</style></head>"
        f'<body class="companion">{content}'
        "<footer>Made by thirdroad: abstraction, chunking, action.</footer></body></html>"
    )


def _fragment_style() -> str:
    return f"<style>{scoped_css()}</style>"
