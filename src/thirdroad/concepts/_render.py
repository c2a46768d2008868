"""Concept cards and lists, as plain text and as rich renderables (``thirdroad concepts``)."""

from __future__ import annotations

import textwrap

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from thirdroad.concepts._catalog import Catalog
from thirdroad.concepts._model import Concept, Template

WIDTH = 88


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [textwrap.fill(item, WIDTH, initial_indent="  - ", subsequent_indent="    ")
            for item in items]


def variables_line(template: Template) -> str:
    """``x (vector): scores; j: bound index`` for a template's pattern variables."""
    parts = []
    for var in template.variables:
        role = var.role.replace("_", " ")
        shown = var.symbol or f"({var.name}, not written)"
        parts.append(f"{shown} ({role}): {var.meaning}" if var.meaning else f"{shown}: {role}")
    return "; ".join(parts)


def _formula_lines(template: Template) -> list[str]:
    lines = [f"  {template.equation}"]
    label = ", ".join(x for x in (template.says, template.notation and f"[{template.notation}]")
                      if x)
    if label:
        lines.append(_wrap(label, "      "))
    lines.append(_wrap("where " + variables_line(template), "      "))
    if template.note:
        lines.append(_wrap("note: " + template.note, "      "))
    return lines


def card_text(catalog: Catalog, cid: str) -> str:
    """The whole card of one concept, in plain text."""
    c = catalog[cid]
    title = catalog.titles[c.family]
    lines = [f"{c.name}  ({c.id}, {title.lower()})"]
    if c.aliases:
        lines.append(_wrap("also called: " + ", ".join(c.aliases), ""))
    lines += ["", _wrap(c.summary, ""), "", "What it does", _wrap(c.action), "", "Formulas"]
    for template in c.formulas:
        lines += _formula_lines(template)
    if c.conventions:
        lines += ["", "Where sources differ", *_bullets(c.conventions)]
    if c.pitfalls:
        lines += ["", "Watch out", *_bullets(c.pitfalls)]
    lineage = catalog.lineage(cid)
    if lineage.steps:
        lines += ["", "How it is built (from the roots)"]
        lines += [_wrap(str(step), "  ") for step in lineage]
    if c.related:
        lines += ["", _wrap("Related: " + ", ".join(c.related), "")]
    lines += ["", "References", *_bullets(c.references)]
    return "\n".join(lines)


def _bullet(text: str, style: str = "") -> RenderableType:
    """A list item whose wrapped lines hang under its first word."""
    grid = Table.grid()
    grid.add_column(width=2)
    grid.add_column()
    grid.add_row(Text("-", style=style), Text(text, style=style))
    return grid


def card_renderable(catalog: Catalog, cid: str) -> RenderableType:
    """The card as a rich panel: words on top, formulas in a table, then the lineage."""
    c = catalog[cid]
    parts: list[RenderableType] = []
    if c.aliases:
        parts.append(Text("also called: " + ", ".join(c.aliases), style="dim"))
    parts += [Text(c.summary), Text(""), Text("What it does", style="bold"),
              Text(c.action), Text("")]
    parts.append(Text("Formulas", style="bold"))
    for t in c.formulas:
        parts.append(Padding(Text(t.equation, style="cyan"), (0, 0, 0, 2)))
        reads = ", ".join(x for x in (t.says, t.notation and f"[{t.notation}]") if x)
        for line, style in ((reads, ""), ("where " + variables_line(t), "dim"),
                            (t.note and "note: " + t.note, "dim")):
            if line:
                parts.append(Padding(Text(line, style=style), (0, 0, 0, 6)))
    for heading, items in (("Where sources differ", c.conventions), ("Watch out", c.pitfalls)):
        if items:
            parts += [Text(""), Text(heading, style="bold")]
            parts += [_bullet(item) for item in items]
    lineage = catalog.lineage(cid)
    if lineage.steps:
        parts += [Text(""), Text("How it is built (from the roots)", style="bold")]
        for step in lineage:
            edge = Text()
            edge.append(step.source, style="green")
            edge.append(" -> ")
            edge.append(step.target, style="bold green" if step.target == cid else "green")
            edge.append(f": {step.how}")
            parts.append(Padding(edge, (0, 0, 0, 2)))
    if c.related:
        parts += [Text(""), Text("Related: " + ", ".join(c.related), style="dim")]
    parts += [Text(""), Text("References", style="bold")]
    parts += [_bullet(ref, "dim") for ref in c.references]
    title = f"[bold]{c.name}[/bold]  [dim]{c.id} · {catalog.titles[c.family]}[/dim]"
    return Panel(Group(*parts), title=title, title_align="left", width=WIDTH + 12)


def _first_sentence(concept: Concept) -> str:
    text = concept.summary
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _families(catalog: Catalog, family: str | None) -> list[str]:
    if family is None:
        return catalog.families
    catalog.family(family)  # raises with a suggestion if unknown
    return [family]


def list_plain(catalog: Catalog, family: str | None = None) -> str:
    """Every concept as ``id  name: first sentence``, grouped by family."""
    lines = []
    for fam in _families(catalog, family):
        members = catalog.family(fam)
        lines.append(f"{catalog.titles[fam]} ({fam}, {len(members)})")
        width = max(len(c.id) for c in members)
        for c in members:
            head = f"  {c.id:<{width}}  {c.name}: "
            room = max(20, WIDTH + 30 - len(head))
            lines.append(head + textwrap.shorten(_first_sentence(c), room, placeholder=" ..."))
        lines.append("")
    total = sum(len(catalog.family(f)) for f in _families(catalog, family))
    lines.append(f"{total} concepts. `thirdroad concepts ID` shows one card.")
    return "\n".join(lines)


def list_renderable(catalog: Catalog, family: str | None = None) -> RenderableType:
    tables: list[RenderableType] = []
    for fam in _families(catalog, family):
        table = Table(title=f"{catalog.titles[fam]} ({fam})", title_justify="left",
                      show_header=False, expand=True, box=None)
        table.add_column("id", style="cyan", no_wrap=True)
        table.add_column("name", style="bold", no_wrap=True, overflow="ellipsis", max_width=24)
        table.add_column("summary", overflow="ellipsis", no_wrap=True, ratio=1, min_width=30)
        for c in catalog.family(fam):
            table.add_row(c.id, c.name, _first_sentence(c))
        tables += [table, Text("")]
    return Group(*tables)
