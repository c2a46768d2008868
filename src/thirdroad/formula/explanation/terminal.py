"""An explanation in the terminal, drawn with rich: the formula, its words, the chunks in a
table, the three lenses and the notes (a near-miss's likely intended formula spelled in
Unicode)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from thirdroad.formula.explanation.model import LENSES
from thirdroad.formula.explanation.pictures import text as picture_text
from thirdroad.formula.explanation.view import Explained
from thirdroad.formula.phrases import words

if TYPE_CHECKING:
    from rich.console import RenderableType


def renderable(e: Explained) -> RenderableType:
    """The explanation as a rich panel."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(e.formula.latex, style="bold"), Text(words(e.formula.root), style="dim")]
    if e.formula.repairs:
        fixes = "; ".join(f"{r.before} → {r.after} ({r.what})" for r in e.formula.repairs)
        parts.append(Text(f"read as a damaged copy; repaired: {fixes}", style="dim"))
    if e.chunks:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("part")
        table.add_column("is")
        table.add_column("found by")
        for c in e.chunks:
            table.add_row(c.words if len(c.words) <= 48 else c.latex, f"{c.concept}: {c.says}", c.method)
        parts.append(table)
    for key, title, _ in LENSES:
        if e.lenses.get(key):  # a lens with nothing to say gets no line (as on the page)
            parts.append(Text.assemble((f"{title}: ", "bold cyan"), e.lenses[key]))
    fig = e.picture
    if fig is not None:
        parts.append(Text(picture_text(fig), style="cyan"))
    for w in e.warnings:
        parts.append(Text.assemble(("Warning (near miss, ", "bold red"), (w.concept, "bold red"),
                                   ("): ", "bold red"), w.message))
    return Panel(Group(*parts), title="thirdroad explain", expand=False)


def text(e: Explained, width: int = 100) -> str:
    """The explanation as terminal text (rendered with rich, without colour)."""
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(renderable(e))
    return out.getvalue()
