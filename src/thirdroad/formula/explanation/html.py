"""An explanation as HTML: the formula in MathML with every chunk boxed and numbered, the
numbered list of chunks, the notes (a near-miss's likely intended formula drawn from its
tree), the three lenses and the repairs of a damaged copy.

One renderer for every page: the notebook view (:func:`explanation_html`, with a scoped copy
of the stylesheet), the companion page and the web app (which take the pieces and style them
with :func:`stylesheet`). Every text that came from the input is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from importlib.resources import files

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Concept
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.explanation.model import LENSES, Chunk, by_path
from thirdroad.formula.explanation.pictures import svg
from thirdroad.formula.explanation.view import Explained
from thirdroad.formula.mathml import to_mathml
from thirdroad.formula.nearmiss import Note
from thirdroad.formula.reading import parse
from thirdroad.formula.unicode import to_unicode

#: How many box colours the stylesheet has; chunk k gets colour (k - 1) mod COLOURS.
COLOURS = 6


def stylesheet() -> str:
    """The explanation's stylesheet (boxes, chunk list, notes, lenses), flat: no nesting."""
    return files("thirdroad.formula.explanation").joinpath("explanation.css").read_text(encoding="utf-8")


def scope_css(css: str, root: str) -> str:
    """``css`` with every rule limited to the element ``root`` (``.companion``), so that a copy
    in a notebook cell leaves the rest of the notebook alone; rules for the page itself
    (``:root``, ``*``, ``body``) apply to ``root``. ``@media`` blocks keep their condition and
    have their own rules scoped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)

    def selectors(group: str) -> str:
        out = []
        for selector in group.split(","):
            selector = selector.strip()
            if selector in (":root", "*", "body", f"body{root}", root):
                out.append(root)
            else:
                out.append(f"{root} {selector}")
        return ", ".join(out)

    out: list[str] = []
    for match in re.finditer(r"(@media[^{]*)\{((?:[^{}]*\{[^{}]*\})*)\s*\}|([^{}@]+)\{([^{}]*)\}", css):
        if match.group(1):
            inner = "".join(f"{selectors(s)} {{{body}}}" for s, body in re.findall(r"([^{}]+)\{([^{}]*)\}",
                                                                                  match.group(2)))
            out.append(f"{match.group(1).strip()} {{{inner}}}")
        else:
            out.append(f"{selectors(match.group(3))} {{{match.group(4)}}}")
    return "\n".join(out)


def _label(chunk: Chunk, concept: Concept) -> str:
    """A chunk's label: the part it is ("Scaled scores"), else its concept's name."""
    return chunk.part[:1].upper() + chunk.part[1:] if chunk.part else concept.name


def _title(group: Sequence[Chunk]) -> str:
    """A box's tooltip: each concept's name, with the part where the box is one part of it."""
    cat = concepts_module.catalog()
    return ", ".join(f"{cat[c.concept].name}: {c.part}" if c.part else cat[c.concept].name for c in group)


def formula_mathml(e: Explained, display: str = "block") -> str:
    """The formula as MathML with each chunk's element boxed (class ``chunk``), numbered as in
    :func:`chunks_html` (``data-chunk``), its concept ids in ``data-concept`` and their names in
    ``title``."""
    markup = to_mathml(e.formula.root, display)
    for k, (path, group) in enumerate(by_path(e.chunks).items(), start=1):
        ids = " ".join(c.concept for c in group)
        attrs = (f' class="chunk" data-chunk="{k}" data-concept="{escape(ids)}" data-colour="{(k - 1) % COLOURS}"'
                 f' title="{escape(_title(group))}"')
        markup = markup.replace(f' data-node="{path}"', f' data-node="{path}"{attrs}', 1)
    return markup


def intended_mathml(note: Note) -> str:
    """A near-miss's likely intended formula as inline MathML, drawn from its tree ("" if it has
    none). In a line of text a fraction keeps its full size (an inline one shrinks to unreadable)."""
    if note.suggestion is None:
        return ""
    markup = to_mathml(note.suggestion, "inline")
    return markup.replace('<math display="inline">', '<math display="inline" displaystyle="true">', 1)


def note_html(note: Note) -> str:
    """A note: why it looks twice, then the likely intended formula drawn in MathML (a terminal
    spells it in Unicode); the whole message, escaped, where there is no formula to draw."""
    markup = intended_mathml(note)
    if not markup or not note.reason:
        return escape(note.message)
    return f'{escape(note.reason)} Likely meant: <span class="intended">{markup}</span>'


def notes_html(notes: Sequence[Note]) -> str:
    return "".join(f'<div class="warning">{note_html(n)}</div>' for n in notes)


def _card(concept: Concept, chunk: Chunk) -> str:
    return (f'<p><b>{escape(concept.name)}</b> ({escape(concept.id)}, {escape(concept.family)})</p>'
            f"<p>{escape(concept.summary)}</p><p><i>What it does:</i> {escape(concept.action)}</p>"
            f"<p><i>Here:</i> {escape(chunk.says)} ({escape(chunk.method)})</p>")


def chunks_html(e: Explained, *, links: bool = False, cards: bool = True) -> str:
    """The chunks, one numbered item per boxed place: the names (with ``links``, each a link to
    the concept's card on the page, ``#c-<id>``), what the chunk says, and how it was found;
    with ``cards`` each concept's card shows on hover or focus."""
    cat = concepts_module.catalog()
    items = []
    for k, group in enumerate(by_path(e.chunks).values(), start=1):
        names = []
        for c in group:
            label = escape(_label(c, cat[c.concept]))
            names.append(f'<a class="concept-name" href="#c-{escape(c.concept)}">{label}</a>' if links
                         else f'<b class="concept-name">{label}</b>')
        head = group[0]
        says = f" — {escape(head.says)}" if head.says else ""
        how = f' <span class="method">({escape(head.method)})</span>' if head.method else ""
        card = (f'<div class="card" role="tooltip">{"".join(_card(cat[c.concept], c) for c in group)}</div>'
                if cards else "")
        focus = ' tabindex="0"' if cards else ""  # a card shows on focus too, so the keyboard reaches it
        items.append(f'<li data-concept="{escape(" ".join(c.concept for c in group))}" data-chunk="{k}" '
                     f'data-colour="{(k - 1) % COLOURS}"{focus}>'
                     f'<span class="chunk-number">{k}</span> {", ".join(names)}{says}{how}{card}</li>')
    return f'<ol class="chunks">{"".join(items)}</ol>' if items else ""


def lenses_html(e: Explained) -> str:
    """The three lenses as a definition list: what it is called, how to read it, what it does."""
    rows = [f"<dt>{escape(label)}</dt><dd>{escape(e.lenses[key])}</dd>"
            for key, _, label in LENSES if e.lenses.get(key)]
    return f'<dl class="lenses">{"".join(rows)}</dl>' if rows else ""


def picture_html(e: Explained) -> str:
    """The action lens's picture as inline SVG, with its caption ("" where there is none)."""
    fig = e.picture
    if fig is None:
        return ""
    return f'<figure class="picture">{svg(fig)}<figcaption>{escape(fig.caption)}</figcaption></figure>'


def repairs_html(e: Explained) -> str:
    """What was repaired in a damaged copy, folded."""
    repairs = e.formula.repairs
    if not repairs:
        return ""
    items = "".join(f"<li>{escape(r.what)}: <code>{escape(_spelled(r.before))}</code> → "
                    f"<code>{escape(_spelled(r.after))}</code></li>" for r in repairs)
    return (f'<details class="repairs"><summary>repaired {len(repairs)} thing(s) in the copy</summary>'
            f"<ul>{items}</ul></details>")


def _spelled(latex: str) -> str:
    """A piece of a repair as the learner reads it: in Unicode where it parses (``\\beta`` is
    β), else with its commands' backslashes dropped (``\\frac`` is frac)."""
    try:
        return to_unicode(parse(latex).root)
    except FormulaError:
        return re.sub(r"\\([A-Za-z]+)", r"\1", latex)


def explanation_html(e: Explained) -> str:
    """A self-contained fragment (for a notebook): the formula with its chunks boxed, the
    numbered chunks (hover or focus one for its concept's card), the notes, the lenses."""
    body = (f'<div class="math">{formula_mathml(e)}</div>{notes_html(e.warnings)}{chunks_html(e)}'
            f"{lenses_html(e)}{picture_html(e)}{repairs_html(e)}")
    return f'<div class="thirdroad-explain"><style>{scope_css(stylesheet(), ".thirdroad-explain")}</style>{body}</div>'
