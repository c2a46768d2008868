"""The "builds on" graph of a few concepts as a small SVG, drawn left (foundations) to right.

Used by the companion page's glossary (the concepts met in a document, with what they build
on) and by the web app's concept browser (one concept with its neighbours). Plain SVG text, so
it can sit inline in a page that needs no network and no script.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from html import escape

from thirdroad import concepts

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 150, 30, 60, 14, 10


def neighbourhood(ids: Iterable[str], *, dependents: bool = False) -> list[str]:
    """``ids`` with their direct prerequisites (and, if asked, the concepts built on them)."""
    catalog = concepts.catalog()
    chosen = [cid for cid in dict.fromkeys(ids) if cid in catalog]
    nodes = dict.fromkeys(chosen)
    for cid in chosen:
        nodes.update(dict.fromkeys(catalog[cid].prerequisites))
        if dependents:
            nodes.update(dict.fromkeys(c.id for c in catalog if cid in c.prerequisites))
    return list(nodes)


def _depths(nodes: list[str]) -> dict[str, int]:
    catalog = concepts.catalog()
    depth: dict[str, int] = {}

    def visit(cid: str, seen: frozenset[str]) -> int:
        if cid not in depth:
            pres = [p for p in catalog[cid].prerequisites if p in nodes and p not in seen]
            depth[cid] = 1 + max((visit(p, seen | {cid}) for p in pres), default=-1)
        return depth[cid]

    for cid in nodes:
        visit(cid, frozenset())
    return depth


def graph_svg(ids: Iterable[str], *, highlight: Iterable[str] = (), dependents: bool = False,
              title: str = "") -> str:
    """An ``<svg>`` of the concepts and their direct "builds on" edges; ``highlight`` in colour."""
    catalog = concepts.catalog()
    nodes = neighbourhood(ids, dependents=dependents)
    if not nodes:
        return ""
    marked = set(highlight)
    depth = _depths(nodes)
    columns: dict[int, list[str]] = {}
    for cid in nodes:
        columns.setdefault(depth[cid], []).append(cid)
    tallest = max(len(col) for col in columns.values())
    where: dict[str, tuple[float, float]] = {}
    for d, col in columns.items():
        offset = (tallest - len(col)) * (BOX_H + GAP_Y) / 2
        for i, cid in enumerate(col):
            where[cid] = (PAD + d * (BOX_W + GAP_X), PAD + offset + i * (BOX_H + GAP_Y))
    width = PAD * 2 + len(columns) * BOX_W + (len(columns) - 1) * GAP_X
    height = PAD * 2 + tallest * BOX_H + (tallest - 1) * GAP_Y
    arrow = f"arrow-{zlib.crc32(' '.join(nodes).encode()):08x}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="concept-graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or "concept graph")}">',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#777"/></marker></defs>',
    ]
    for cid in nodes:
        for edge in catalog[cid].builds_on:
            if edge.source not in where:
                continue
            x1, y1 = where[edge.source]
            x2, y2 = where[cid]
            sx, sy, tx, ty = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
            if x2 <= x1:  # same column: go round the right side
                sx, tx = x1 + BOX_W, x2 + BOX_W
            mid = (sx + tx) / 2 if tx > sx else sx + GAP_X / 2
            parts.append(
                f'<path d="M {sx:.0f} {sy:.0f} C {mid:.0f} {sy:.0f}, {mid:.0f} {ty:.0f}, {tx:.0f} {ty:.0f}" '
                f'fill="none" stroke="#999" marker-end="url(#{arrow})"><title>{escape(edge.source)} → '
                f'{escape(cid)}: {escape(edge.how)}</title></path>'
            )
    for cid in nodes:
        x, y = where[cid]
        name = catalog[cid].name
        label = name if len(name) <= 22 else name[:21] + "…"
        fill = "#ffd98a" if cid in marked else "#dbe9f6"
        parts.append(
            f'<g class="node" data-concept="{escape(cid)}">'
            f'<title>{escape(name)}: {escape(catalog[cid].summary)}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="#567"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + BOX_H / 2 + 4:.0f}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="12">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
