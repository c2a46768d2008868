"""The terminal summary of a reading: what was found, what it is, what to look at twice."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from thirdroad import concepts
from thirdroad.reader._found import ReadingView
from thirdroad.reader._page import concept_names

if TYPE_CHECKING:
    from rich.console import RenderableType


def _counts(reading: ReadingView) -> tuple[int, int, Counter[str]]:
    read = sum(1 for f in reading.formulas if f.explained is not None)
    by_concept: Counter[str] = Counter()
    for found in reading.formulas:
        by_concept.update(set(found.concepts))
    return len(reading.formulas), read, by_concept


def _name(cid: str) -> str:
    catalog = concepts.catalog()
    return catalog[cid].name if cid in catalog else cid


def summary_text(reading: ReadingView) -> str:
    total, read, by_concept = _counts(reading)
    names = concept_names(list(by_concept))
    lines = [f"{reading.source} ({reading.format}): {total} formulas found, {read} read, "
             f"{len(by_concept)} concepts met."]
    if by_concept:
        lines.append("Concepts: " + ", ".join(f"{names.get(c, c)} ×{n}" for c, n in by_concept.most_common()))
    for warning in reading.warnings:
        lines.append(f"! #{warning['formula'] + 1} ({warning['location']}): {warning.get('message', '')}")
    lines += [f"~ line {note.line} (\"{note.says}\"): {note.message}" for note in reading.notes
              if note.kind == "misstatement"]
    lines += [f"# line {note.line} ({note.says}): {note.message}" for note in reading.notes
              if note.kind in ("matrix", "code")]
    glossed = [note for note in reading.notes if note.kind == "concept"]
    if glossed:
        lines.append("Named in the prose, glossed on the page: "
                     + ", ".join(f"{names.get(n.concept) or _name(n.concept)} (line {n.line})" for n in glossed))
    lines += _error_lines(reading)
    if reading.skipped:
        lines.append(f"{reading.skipped} more formulas were not read (limit reached).")
    if reading.left_out:
        lines.append(f"Not read: {reading.left_out}.")
    return "\n".join(lines)


#: Formulas listed for one reason why they were not read; the rest are counted on one line.
SHOWN_PER_REASON = 3


def _error_lines(reading: ReadingView) -> list[str]:
    """One line per formula not read, but for a reason shared by many (a page of thousands of
    empty formulas) the first few and then one line that counts the others."""
    by_reason: dict[str, list[Any]] = {}
    for found in reading.errors:
        assert found.error is not None
        by_reason.setdefault(found.error.message, []).append(found)
    lines = []
    for message, founds in by_reason.items():
        for found in founds[:SHOWN_PER_REASON]:
            lines.append(f"? #{found.index + 1} ({found.location}) not read: {message}"
                         + (f" (hint: {found.error.hint})" if found.error.hint else ""))
        if len(founds) > SHOWN_PER_REASON:
            rest = founds[SHOWN_PER_REASON:]
            lines.append(f"? {len(rest)} more formulas not read for the same reason ({message}): "
                         f"#{rest[0].index + 1} to #{rest[-1].index + 1}")
    return lines


def summary_renderable(reading: ReadingView) -> RenderableType:
    total, read, by_concept = _counts(reading)
    names = concept_names(list(by_concept))
    head = Text.assemble((f"{reading.source}", "bold"), f" ({reading.format}): {total} formulas found, ",
                         (f"{read} read", "green"), f", {len(by_concept)} concepts met")
    parts: list[RenderableType] = [head]
    table = Table("#", "line", "formula", "concepts", box=None, pad_edge=False)
    for found in reading.formulas[:200]:
        shown = found.text if len(found.text) <= 60 else found.text[:59] + "…"
        if found.explanation is None:
            what = Text("not read: " + (found.error.message if found.error else ""), style="red")
        else:
            what = Text(", ".join(names.get(c, c) for c in found.concepts) or "-", style="cyan")
        table.add_row(str(found.index + 1), f"{found.place.line}:{found.place.column}", Text(shown), what)
    parts.append(table)
    if len(reading.formulas) > 200:
        parts.append(Text(f"... and {len(reading.formulas) - 200} more", style="dim"))
    for warning in reading.warnings:
        parts.append(Text(f"look twice, #{warning['formula'] + 1}: {warning.get('message', '')}", style="yellow"))
    for note in reading.notes:
        if note.kind == "misstatement":
            parts.append(Text(f"look twice, line {note.line} (\"{note.says}\"): {note.message}", style="yellow"))
        elif note.kind in ("matrix", "code"):
            parts.append(Text(f"line {note.line}, {note.says.lower()}: {note.message}", style="cyan"))
    return Group(*parts)
