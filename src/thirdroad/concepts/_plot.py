"""A picture of one family's "builds on" graph, drawn left (foundations) to right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from thirdroad.concepts._catalog import Catalog

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FAMILY_COLOUR = "#dbe9f6"
OUTSIDE_COLOUR = "#eeeeee"
HIGHLIGHT_COLOUR = "#ffd98a"


def _layers(catalog: Catalog, nodes: list[str]) -> dict[str, int]:
    """Depth of each node: 0 for those with no prerequisite among ``nodes``."""
    depth: dict[str, int] = {}

    def visit(cid: str) -> int:
        if cid not in depth:
            pres = [p for p in catalog[cid].prerequisites if p in nodes]
            depth[cid] = 1 + max((visit(p) for p in pres), default=-1)
        return depth[cid]

    for cid in nodes:
        visit(cid)
    return depth


def _order(catalog: Catalog, depth: dict[str, int]) -> dict[str, float]:
    """Vertical position in each layer, by the barycentre of the prerequisites (fewer
    crossings), a few sweeps."""
    columns: dict[int, list[str]] = {}
    for cid in depth:
        columns.setdefault(depth[cid], []).append(cid)
    pos = {cid: float(i) for col in columns.values() for i, cid in enumerate(col)}
    for _ in range(4):
        for d in sorted(columns)[1:]:
            def key(cid: str) -> float:
                pres = [pos[p] for p in catalog[cid].prerequisites if p in pos]
                return sum(pres) / len(pres) if pres else pos[cid]

            columns[d].sort(key=key)
            for i, cid in enumerate(columns[d]):
                pos[cid] = float(i)
    tallest = max(len(col) for col in columns.values())
    return {cid: pos[cid] + (tallest - len(columns[depth[cid]])) / 2 for cid in pos}


def plot_family(catalog: Catalog, family: str, out: str | None = None, *,
                highlight: str | None = None) -> Figure:
    """Draw ``family``'s concepts and their direct prerequisites from other families (grey).

    ``highlight`` names a concept whose lineage is drawn in colour.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # its own canvas: no pyplot, no global backend
    from matplotlib.figure import Figure

    members = [c.id for c in catalog.family(family)]
    outside = sorted({p for cid in members for p in catalog[cid].prerequisites
                      if p not in members})
    nodes = outside + members
    depth = _layers(catalog, nodes)
    ypos = _order(catalog, depth)
    lit: set[str] = set()
    if highlight is not None:
        lit = (catalog.ancestors(highlight) | {highlight}) & set(nodes)

    n_layers = max(depth.values()) + 1
    tallest = max(list(depth.values()).count(d) for d in range(n_layers))
    fig = Figure(figsize=(2.9 * n_layers + 0.6, 0.48 * tallest + 1.3), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.9))
    ax.set_xlim(-0.7, n_layers - 0.3)
    ax.set_ylim(tallest - 0.4, -0.6)
    ax.axis("off")
    fig.suptitle(f"{catalog.titles[family]}: what builds on what", fontsize=12, x=0.01,
                 ha="left")
    fig.text(0.99, 0.965, "arrow: A -> B means B builds on A; grey: other families",
             fontsize=8, ha="right", va="top", color="#555555")

    boxes = {}
    for cid in nodes:
        colour = HIGHLIGHT_COLOUR if cid in lit else (
            OUTSIDE_COLOUR if cid in outside else FAMILY_COLOUR)
        boxes[cid] = ax.text(
            depth[cid], ypos[cid], cid, ha="center", va="center", fontsize=8.5,
            color="#666666" if cid in outside else "black", zorder=2,
            bbox={"boxstyle": "round,pad=0.3", "fc": colour,
                  "ec": "#c07000" if cid == highlight else "#7a7a7a"})
    for cid in nodes:
        for pre in catalog[cid].prerequisites:
            if pre not in boxes:
                continue
            on = pre in lit and cid in lit
            # Coordinates relative to the two labels: the arrow runs from the right edge of
            # the prerequisite's box to the left edge of the concept's box.
            ax.annotate(
                "", xy=(0, 0.5), xycoords=boxes[cid], xytext=(1, 0.5), textcoords=boxes[pre],
                arrowprops={"arrowstyle": "-|>", "color": "#c07000" if on else "#8a8a8a",
                            "lw": 1.6 if on else 0.7, "shrinkA": 4, "shrinkB": 4},
                zorder=3 if on else 1,
            )
    if out is not None:
        fig.savefig(out)
    return fig
