"""An explanation in the terminal: the formula, its words, the chunks in a table, the three
lenses, the picture in characters and the notes (a near-miss's likely intended formula spelled
in Unicode), in a panel.

:func:`parts` says what the panel holds; rich draws it (:func:`renderable`, in colour), and
:func:`text` prints it without colour, laid out by ``plain_panel`` as rich would, so that a
short command need not import rich (rich draws what ``plain_panel`` leaves to it)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from thirdroad.formula.explanation.model import LENSES
from thirdroad.formula.explanation.pictures import text as picture_text
from thirdroad.formula.explanation.plain_panel import Part, Styled, Table, draw
from thirdroad.formula.explanation.view import Explained
from thirdroad.formula.phrases import words

if TYPE_CHECKING:
    from rich.console import RenderableType

TITLE = "thirdroad explain"


def parts(e: Explained) -> list[Part]:
    """What the panel shows, in order: texts (pieces with their rich styles) and the table."""
    out: list[Part] = [((e.formula.latex, "bold"),), ((words(e.formula.root), "dim"),)]
    if e.formula.repairs:
        fixes = "; ".join(f"{r.before} → {r.after} ({r.what})" for r in e.formula.repairs)
        out.append(((f"read as a damaged copy; repaired: {fixes}", "dim"),))
    if e.chunks:
        out.append(Table(("part", "is", "found by"),
                         [(c.words if len(c.words) <= 48 else c.latex, f"{c.concept}: {c.says}", c.method)
                          for c in e.chunks]))
    for key, title, _ in LENSES:
        if e.lenses.get(key):  # a lens with nothing to say gets no line (as on the page)
            out.append(((f"{title}: ", "bold cyan"), (e.lenses[key], "")))
    fig = e.picture
    if fig is not None:
        out.append(((picture_text(fig), "cyan"),))
    for w in e.warnings:
        out.append((("Warning (near miss, ", "bold red"), (w.concept, "bold red"), ("): ", "bold red"),
                    (w.message, "")))
    return out


def renderable(e: Explained) -> RenderableType:
    """The explanation as a rich panel."""
    return _rich_panel(parts(e))


def _rich_panel(shown: Sequence[Part]) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table as RichTable
    from rich.text import Text

    drawn: list[Any] = []
    for part in shown:
        if isinstance(part, Table):
            table = RichTable(show_header=True, header_style="bold", box=None, pad_edge=False)
            for name in part.header:
                table.add_column(name)
            for row in part.rows:
                table.add_row(*(Text(cell) for cell in row))  # plain text: LaTeX's [x] is no markup
            drawn.append(table)
        else:
            drawn.append(_rich_text(part, Text))
    return Panel(Group(*drawn), title=TITLE, expand=False)


def _rich_text(part: Styled, text_class: Any) -> Any:
    """One styled text as rich's Text (a single piece keeps its style as the text's own)."""
    if len(part) == 1:
        return text_class(part[0][0], style=part[0][1])
    return text_class.assemble(*part)


def text(e: Explained, width: int = 100) -> str:
    """The explanation as terminal text, without colour (as rich prints it)."""
    shown = parts(e)
    return draw(shown, TITLE, width) or rich_text(shown, width)


def rich_text(shown: Sequence[Part], width: int = 100) -> str:
    """The panel of ``shown`` printed by rich, without colour."""
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(_rich_panel(shown))
    return out.getvalue()
