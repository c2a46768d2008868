"""Pictures for the action lens, drawn from the worked example the lens computes.

People would rather *see* what a thing does. Where the formula's concept has a picture, it is
made from the example's own numbers and the formula itself (run again on more inputs):

- weights that add up to one (softmax, attention weights, a Boltzmann distribution): the
  inputs and the weights as bars, side by side;
- an activation: its curve over -4..4, with the example's points on it;
- a moving average: the average it keeps over a noisy series, with the example's decay;
- a step of gradient descent (or a block of optimizer lines): its path on a bowl-shaped loss;
- a 2x2 matrix: the unit grid, and the grid after the matrix acts on it.

A :class:`Figure` is plain data (panels of bars, lines and points); ``svg`` draws it for pages
(inline, no script), ``text`` in a few characters for a terminal, and ``png`` with matplotlib
for ``thirdroad explain --plot``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

import thirdroad.concepts as concepts_module
from thirdroad.formula.example_values import fmt_value
from thirdroad.formula.explanation.worked_examples import Example

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

INK, FIRST, SECOND, FAINT = "#1d2430", "#1f5fbf", "#b3261e", "#9aa3b2"


def escape(text: str) -> str:
    """``html.escape``, loaded with the first SVG drawn (the terminal's picture needs none)."""
    from html import escape as html_escape

    return html_escape(text)


@dataclass(frozen=True)
class Bars:
    values: tuple[float, ...]
    labels: tuple[str, ...]
    colour: str = FIRST


@dataclass(frozen=True)
class Line:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    colour: str = FIRST
    label: str = ""
    faint: bool = False


@dataclass(frozen=True)
class Points:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    colour: str = SECOND
    label: str = ""


Mark = Bars | Line | Points


@dataclass(frozen=True)
class Panel:
    title: str
    marks: tuple[Mark, ...]
    square: bool = False  # one unit is as long on both axes (a grid, a path on a surface)


@dataclass(frozen=True)
class Figure:
    """What the picture shows (``kind``), its panels, and ``caption``: the same in words (the
    picture's text alternative)."""

    kind: str
    panels: tuple[Panel, ...]
    caption: str


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in np.ravel(np.asarray(values, dtype=np.float64)))


# ---------------------------------------------------------------- which picture


def figure(concept_id: str | None, example: Example | None) -> Figure | None:
    """The picture of a formula's worked example (``concept_id``: the concept of the whole
    formula, if any), or None where it has none."""
    if example is None:
        return None
    concept = concepts_module.catalog()[concept_id] if concept_id else None
    makers: list[Callable[[Example], Figure | None]] = []
    if concept is not None:
        if concept.sums_to_one:
            makers.append(lambda ex: _weights(ex, concept.id))
        if concept.family == "activations":
            makers.append(_curve)
        if concept.family == "optimizers" or concept.id == "ema":
            makers += [_average, _path]
    makers.append(_grid)
    for make in makers:
        made = make(example)
        if made is not None:
            return made
    return None


def _vectors(ex: Example) -> list[str]:
    return [k for k, v in ex.inputs.items() if np.ndim(v) == 1 and k not in ex.derived]


def _weights(ex: Example, concept: str) -> Figure | None:
    """Scores in, weights out: bars of each."""
    result = np.asarray(ex.result, dtype=np.float64)
    inputs = [k for k in _vectors(ex) if np.shape(ex.inputs[k]) == result.shape]
    if result.ndim != 1 or len(inputs) != 1:
        return None
    name = inputs[0]
    labels = tuple(str(i + 1) for i in range(result.size))
    energy = concept == "boltzmann_distribution"
    first = "energy of each configuration" if energy else f"the scores {ex.name(name)}"
    panels = (Panel(first, (Bars(_floats(ex.inputs[name]), labels, FAINT if energy else FIRST),)),
              Panel("the probabilities" if energy else "the weights", (Bars(_floats(result), labels, SECOND),)))
    biggest = int(np.argmax(result)) + 1
    caption = (f"Bars: {first} {fmt_value(ex.inputs[name])} become weights {fmt_value(result)}, which add up to 1; "
               f"entry {biggest} takes the largest share.")
    return Figure("bars", panels, caption)


def _curve(ex: Example) -> Figure | None:
    """An activation's curve over -4..4, with the example's points on it."""
    result = np.asarray(ex.result, dtype=np.float64)
    inputs = [k for k in _vectors(ex) if np.shape(ex.inputs[k]) == result.shape]
    if result.ndim != 1 or len(inputs) != 1:
        return None
    name = inputs[0]
    xs = np.linspace(-4.0, 4.0, 81)
    ys = ex.run({**ex.inputs, name: xs})
    if ys is None or np.shape(ys) != xs.shape:
        return None
    points = Points(_floats(ex.inputs[name]), _floats(result), SECOND, "the example")
    caption = (f"A curve: the output for each input {ex.name(name)} from -4 to 4 (from {fmt_value(ys[0])} to "
               f"{fmt_value(ys[-1])}); the example's inputs {fmt_value(ex.inputs[name])} give {fmt_value(result)}.")
    return Figure("curve", (Panel(f"output against {ex.name(name)}", (Line(_floats(xs), _floats(ys)), points)),),
                  caption)


def _base(shown: str) -> str:
    return shown.split("_")[0].split("(")[0]


def _series(n: int = 40) -> np.ndarray:
    """A noisy series around a slow wave (the same every time)."""
    k = np.arange(n)
    return 1.0 + 0.6 * np.sin(k / 5.0) + np.random.default_rng(7).normal(0.0, 0.5, n)


def _average(ex: Example) -> Figure | None:
    """A moving average over a noisy series: the line the formula keeps, step after step."""
    vectors = _vectors(ex)
    previous = [k for k in vectors if np.allclose(ex.inputs[k], 0.0) or _base(ex.name(k)) in ("v", "m", "s")]
    if ex.block or len(vectors) != 2 or len(previous) < 1 or np.ndim(ex.result) != 1:
        return None
    prev = previous[0]
    new = next(k for k in vectors if k != prev)
    values, kept = _series(), []
    average = np.zeros(1)
    for g in values:
        step = ex.run({**ex.inputs, prev: average, new: np.array([g])})
        if step is None or np.shape(step) != (1,):
            return None
        average = np.asarray(step, dtype=np.float64)
        kept.append(float(average[0]))
    xs = tuple(float(i) for i in range(len(values)))
    settings = ", ".join(f"{ex.name(k)} = {fmt_value(v)}" for k, v in ex.inputs.items() if np.ndim(v) == 0)
    panel = Panel(f"{ex.name(prev)} over {len(values)} steps ({settings})",
                  (Points(xs, _floats(values), FAINT, f"new values {ex.name(new)}"),
                   Line(xs, tuple(kept), FIRST, f"the average {ex.name(prev)}")))
    caption = (f"A moving average: {len(values)} noisy values of {ex.name(new)} (dots) and the average "
               f"{ex.name(prev)} the formula keeps (line), starting at 0 and ending at {kept[-1]:.2f}; "
               f"it follows the slow wave and smooths the noise ({settings}).")
    return Figure("average", (panel,), caption)


def _bowl(p: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss ½(x² + 5y²) and its gradient: a long, narrow bowl."""
    scale = np.array([1.0, 5.0])
    return float(0.5 * np.sum(scale * p * p)), scale * p


def _path(ex: Example) -> Figure | None:
    """The formula's steps, again and again, on a bowl-shaped loss, from the same start."""
    vectors = _vectors(ex)
    grads = [k for k in vectors if any(s in ex.name(k) for s in ("∇", "∂", "grad")) or _base(ex.name(k)) in ("g", "dW")]
    params = [k for k in vectors if k not in grads and _base(ex.name(k)) in ("θ", "w", "W", "x", "p")]
    if len(grads) != 1 or len(params) != 1:
        return None
    grad, param = grads[0], params[0]
    rates = {k: 0.1 for k, v in ex.inputs.items() if np.ndim(v) == 0 and _base(ex.name(k)) in ("η", "α", "lr")}
    state = {k: np.zeros(2) for k in vectors if k not in (grad, param)}
    point = np.array([-2.5, 1.0])
    path, losses = [point], [_bowl(point)[0]]
    for t in range(1, 31):
        inputs = {**ex.inputs, **rates, **state, grad: _bowl(point)[1], param: point}
        inputs.update({k: t for k in inputs if ex.name(k) == "t"})
        results = ex.outputs(inputs) if ex.block else {param: ex.run(inputs)}
        step = results.get(param) if isinstance(results, dict) else None
        if step is None or np.shape(step) != (2,):
            return None
        state.update({k: np.asarray(v, dtype=np.float64) for k, v in results.items() if k in state})
        point = np.asarray(step, dtype=np.float64)
        if not np.all(np.abs(point) < 1e100):  # the steps run away (or are not numbers): no path to draw
            return None
        path.append(point)
        losses.append(_bowl(point)[0])
    xs, ys = tuple(float(p[0]) for p in path), tuple(float(p[1]) for p in path)
    rings = tuple(Line(tuple(float(r * np.cos(a)) for a in np.linspace(0, 2 * np.pi, 49)),
                       tuple(float(r * np.sin(a) / np.sqrt(5)) for a in np.linspace(0, 2 * np.pi, 49)),
                       FAINT, "", True) for r in (0.5, 1.5, 2.7))
    panel = Panel(f"{ex.name(param)} on the loss ½(x² + 5y²)", (*rings, Line(xs, ys, FIRST, "the path"),
                                                                   Points(xs[:1], ys[:1], SECOND, "start")), True)
    caption = (f"A path: 30 steps of the formula on a narrow bowl, the loss ½(x² + 5y²), from (-2.5, 1) with "
               f"step size 0.1; the loss goes from {losses[0]:.2f} to {losses[-1]:.3g}.")
    return Figure("path", (panel,), caption)


def _grid(ex: Example) -> Figure | None:
    """A 2x2 matrix acting on the unit grid: the grid, and where the matrix sends it."""
    matrix = np.asarray(ex.result, dtype=np.float64)
    if matrix.shape != (2, 2):
        return None
    marks: list[Mark] = []
    ticks = np.linspace(-1.0, 1.0, 5)
    for c in ticks:
        for line in (np.array([[c, -1.0], [c, 1.0]]), np.array([[-1.0, c], [1.0, c]])):
            marks.append(Line(_floats(line[:, 0]), _floats(line[:, 1]), FAINT, "", True))
            moved = line @ matrix.T
            marks.append(Line(_floats(moved[:, 0]), _floats(moved[:, 1]), FIRST))
    e1, e2 = matrix[:, 0], matrix[:, 1]
    marks.append(Points((float(e1[0]), float(e2[0])), (float(e1[1]), float(e2[1])), SECOND, "e₁ and e₂ land here"))
    caption = (f"A grid: the unit grid (faint) and the grid after the matrix {fmt_value(matrix)} acts on it; "
               f"e₁ goes to ({e1[0]:.2f}, {e1[1]:.2f}), e₂ to ({e2[0]:.2f}, {e2[1]:.2f}); areas are multiplied by "
               f"{float(np.linalg.det(matrix)):.2f}.")
    return Figure("grid", (Panel("the unit grid, acted on", tuple(marks), True),), caption)


# ---------------------------------------------------------------- drawing: SVG, text, PNG

_W, _H, _PAD = 260, 170, 26


def _limits(panel: Panel) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for m in panel.marks:
        if isinstance(m, Bars):
            xs += [0.0, float(len(m.values))]
            ys += [0.0, *m.values]
        else:
            xs += list(m.xs)
            ys += list(m.ys)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if x1 - x0 < 1e-9:
        x0, x1 = x0 - 1, x1 + 1
    if y1 - y0 < 1e-9:
        y0, y1 = y0 - 1, y1 + 1
    if panel.square:
        half = max(x1 - x0, (y1 - y0) * _W / _H) / 2
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        x0, x1, y0, y1 = cx - half, cx + half, cy - half * _H / _W, cy + half * _H / _W
    dy = (y1 - y0) * 0.06
    return x0, x1, y0 - dy, y1 + dy


def _panel_svg(panel: Panel, left: float) -> str:
    x0, x1, y0, y1 = _limits(panel)
    w, h = _W - 2 * _PAD, _H - 2 * _PAD

    def px(x: float) -> float:
        return left + _PAD + (x - x0) / (x1 - x0) * w

    def py(y: float) -> float:
        return _PAD + (y1 - y) / (y1 - y0) * h

    out = [f'<text x="{left + _W / 2:.1f}" y="15" text-anchor="middle" font-size="11" fill="{INK}">'
           f"{escape(panel.title)}</text>",
           f'<rect x="{left + _PAD}" y="{_PAD}" width="{w}" height="{h}" fill="none" stroke="#d5dbe5"/>']
    if y0 < 0 < y1:
        out.append(f'<line x1="{px(x0):.1f}" y1="{py(0):.1f}" x2="{px(x1):.1f}" y2="{py(0):.1f}" stroke="{FAINT}"/>')
    for m in panel.marks:
        if isinstance(m, Bars):
            for i, (v, label) in enumerate(zip(m.values, m.labels, strict=True)):
                top, bottom = py(max(v, 0.0)), py(min(v, 0.0))
                out.append(f'<rect x="{px(i + 0.15):.1f}" y="{top:.1f}" width="{px(0.7) - px(0):.1f}" '
                           f'height="{max(bottom - top, 0.5):.1f}" fill="{m.colour}"/>'
                           f'<text x="{px(i + 0.5):.1f}" y="{(top - 3 if v >= 0 else bottom + 11):.1f}" '
                           f'text-anchor="middle" font-size="10" fill="{INK}">{v:.2g}</text>'
                           f'<text x="{px(i + 0.5):.1f}" y="{_H - _PAD + 12}" text-anchor="middle" font-size="10" '
                           f'fill="{INK}">{escape(label)}</text>')
        elif isinstance(m, Line):
            points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(m.xs, m.ys, strict=True))
            dash = ' stroke-dasharray="3 3"' if m.faint else ""
            out.append(f'<polyline points="{points}" fill="none" stroke="{m.colour}" stroke-width="'
                       f'{1 if m.faint else 2}"{dash}/>')
        else:
            out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{m.colour}"/>'
                    for x, y in zip(m.xs, m.ys, strict=True)]
    if not any(isinstance(m, Bars) for m in panel.marks):
        out.append(f'<text x="{left + _PAD}" y="{_H - 8}" font-size="9" fill="{INK}">{x0:.3g}</text>'
                   f'<text x="{left + _W - _PAD}" y="{_H - 8}" font-size="9" text-anchor="end" fill="{INK}">'
                   f"{x1:.3g}</text>")
    return "".join(out)


def svg(fig: Figure) -> str:
    """The figure as inline SVG, with its caption as the text alternative."""
    width = _W * len(fig.panels)
    body = "".join(_panel_svg(p, k * _W) for k, p in enumerate(fig.panels))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="picture" viewBox="0 0 {width} {_H}" width="{width}" '
            f'height="{_H}" role="img" aria-label="{escape(fig.caption)}"><title>{escape(fig.caption)}</title>'
            f"{body}</svg>")


_BLOCKS = " ▁▂▃▄▅▆▇█"


def _spark(values: Sequence[float], low: float | None = None, high: float | None = None) -> str:
    if len(values) > 40:  # a terminal line: about 30 characters
        values = values[:: len(values) // 27]
    lo = min(values) if low is None else low
    hi = max(values) if high is None else high
    span = hi - lo or 1.0
    return "".join(_BLOCKS[round((v - lo) / span * (len(_BLOCKS) - 1))] for v in values)


def text(fig: Figure) -> str:
    """The figure in one or two lines of characters, for a terminal."""
    lines = []
    for panel in fig.panels:
        for m in panel.marks:
            if isinstance(m, Bars):
                lines.append(f"{panel.title}: {_spark(m.values, min(0.0, *m.values))}  {fmt_value(m.values)}")
            elif isinstance(m, Line) and not m.faint and fig.kind in ("curve", "average"):
                lines.append(f"{m.label or panel.title}: {_spark(m.ys)}  ({min(m.ys):.3g} to {max(m.ys):.3g})")
    if fig.kind in ("path", "grid") or not lines:
        lines.append(fig.caption)
    return "\n".join(lines)


def plot(fig: Figure) -> MplFigure:
    """The figure drawn with matplotlib (for a PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as MplFigure

    out = MplFigure(figsize=(3.4 * len(fig.panels), 2.6), layout="constrained")
    for k, panel in enumerate(fig.panels):
        ax = out.add_subplot(1, len(fig.panels), k + 1)
        ax.set_title(panel.title, fontsize=9)
        for m in panel.marks:
            if isinstance(m, Bars):
                ax.bar(range(1, len(m.values) + 1), m.values, color=m.colour)
                ax.set_xticks(range(1, len(m.values) + 1), m.labels)
            elif isinstance(m, Line):
                ax.plot(m.xs, m.ys, color=m.colour, linestyle="--" if m.faint else "-", lw=1 if m.faint else 2,
                        label=m.label or None)
            else:
                ax.scatter(m.xs, m.ys, color=m.colour, zorder=3, label=m.label or None)
        if panel.square:
            ax.set_aspect("equal", adjustable="datalim")
        if any(getattr(m, "label", "") for m in panel.marks):
            ax.legend(fontsize=7)
    return out


def save_png(fig: Figure, path: str) -> None:
    plot(fig).savefig(path, dpi=110)


def describe(fig: Figure | None) -> Mapping[str, Any]:
    """The figure as JSON-ready data (kind, caption, SVG)."""
    if fig is None:
        return {}
    return {"kind": fig.kind, "caption": fig.caption, "svg": svg(fig)}
