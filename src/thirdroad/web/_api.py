"""What the web app does, as plain functions over the library (the routes only call these).

Nothing the user sends is executed: formulas are parsed into a tree, matrices are read as
numbers, names are looked up in fixed tables. Every error becomes an :class:`ApiError` with a
stable ``kind`` and, for formulas, the FormulaError's column and hint.
"""

from __future__ import annotations

import base64
import dataclasses
import difflib
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from thirdroad import concepts
from thirdroad.errors import ThirdroadError
from thirdroad.formula import Explanation, FormulaError, Note, NothingToFade, parse, to_unicode
from thirdroad.formula import explain as explain_formula
from thirdroad.formula.explanation.html import (
    chunks_html,
    formula_mathml,
    intended_mathml,
    lenses_html,
    note_html,
    notes_html,
    picture_html,
    repairs_html,
)
from thirdroad.reader import DocumentError, concept_card, error_dict, format_of, graph_svg, read

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: A document read through the web app explains at most this many formulas.
MAX_FORMULAS = 1_000


class ApiError(ThirdroadError):
    """An error the user can act on; ``to_dict`` is the JSON body, ``status`` the HTTP code."""

    def __init__(self, status: int, kind: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"kind": self.kind, "message": self.message, **self.details}}


def formula_error(err: FormulaError) -> ApiError:
    return ApiError(422, "formula", err.message, **{k: v for k, v in error_dict(err).items() if k != "message"})


def picture(fig: Figure, dpi: int = 72) -> str:
    """A figure as a PNG data URI (shown by the page without another request). The pictures are
    opaque, so the PNG holds RGB without alpha, and it is packed at zlib's level 3: smaller than
    at the default level for these pictures, in about half the time."""
    from PIL import Image

    fig.set_dpi(dpi)
    fig.canvas.draw()
    pixels = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    pixels.save(buffer, format="png", compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def drawn(plot: Callable[[], Figure], dpi: int = 72) -> str:
    """``plot()`` as a :func:`picture`, drawn on the figure that the last picture of its kind
    left in this thread (``agents.figures_reused``: the same pixels, without building the axes
    and their ticks again; the figure is packed before anything else is drawn on it)."""
    from thirdroad.agents import figures_reused

    with figures_reused():
        return picture(plot(), dpi)


# ---------------------------------------------------------------- formulas and documents


def concept_names(ids: list[str]) -> dict[str, str]:
    return {cid: concepts.get(cid).name for cid in ids}


def explain(text: str, fade: list[str] | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """``Explanation.to_dict()`` plus ``mathml`` (chunks boxed), the concepts' names, the
    explanation's pieces as HTML (``html``: chunks, notes, lenses, repairs, picture), drawn by the
    same renderer as the explanation's own HTML and the companion page, and the worked example's
    inputs (``example``, for the sliders). ``values`` computes the example again on other inputs;
    ``fade`` (symbols as written, or places in the tree) adds ``faded``: what is left, explained."""
    if not text.strip():
        raise ApiError(422, "formula", "type a formula", column=1,
                       hint="for example: softmax(x)_i = exp(x_i) / sum_j exp(x_j)")
    try:
        e = explain_formula(text)
    except FormulaError as err:
        raise formula_error(err) from None
    if values:
        try:
            e = e.with_values(values)
        except (KeyError, ValueError) as err:
            raise ApiError(422, "values", str(err).strip("'\"")) from None
    data = e.to_dict(code=True)
    data["mathml"] = formula_mathml(e)
    data["names"] = concept_names(data["concepts"])
    data["html"] = _pieces(e)
    data["example"] = _example(e)
    _draw_notes(data["warnings"], e.warnings)
    if fade:
        try:
            left = e.fade(*fade)
        except NothingToFade as err:
            raise ApiError(422, "fade", str(err)) from None
        data["faded"] = {"what": left.faded, "says": left.fade_says, "mathml": formula_mathml(left),
                         "html": _pieces(left), "concepts": sorted(left.concepts)}
    return data


def _pieces(e: Explanation) -> dict[str, str]:
    return {"chunks": chunks_html(e, cards=False), "notes": notes_html(e.warnings), "lenses": lenses_html(e),
            "repairs": repairs_html(e), "picture": picture_html(e)}


def _example(e: Explanation) -> dict[str, Any]:
    """The worked example's inputs a slider can move: each with its name, how the formula writes
    it and its value (a number, or a list for a vector); derived inputs follow their source."""
    ex = e.example
    if ex is None:
        return {"inputs": []}
    inputs = []
    for key, value in ex.inputs.items():
        array = np.asarray(value, dtype=np.float64)
        if key in ex.derived or array.ndim > 1:
            continue
        inputs.append({"name": key, "shown": ex.name(key), "value": array.tolist()})
    return {"inputs": inputs}


def _draw_notes(warnings: list[dict[str, Any]], notes: list[Note]) -> None:
    """Each note's JSON gets its likely intended formula drawn as MathML (``intended_mathml``,
    from the note's tree) and the whole note as HTML (``html``); the JSON keeps the formula as
    LaTeX (``intended``) and the message spells it in Unicode."""
    for warning, note in zip(warnings, notes, strict=True):
        warning["intended_mathml"] = intended_mathml(note)
        warning["html"] = note_html(note)


def _unicode_formulas(sentence: str) -> str:
    """A context sentence with the other formulas in it (``⟨\\eta⟩``) spelled in Unicode (``⟨η⟩``),
    so that the page shows the learner no LaTeX."""
    def spelled(match: re.Match[str]) -> str:
        try:
            formula = parse(match.group(1))
        except FormulaError:
            return "⟨a formula⟩"
        text = to_unicode(formula.root)
        return f"⟨{text if chr(92) not in text else formula.to_words()}⟩"

    return re.sub(r"⟨([^⟩]*)⟩", spelled, sentence)


def read_document(text: str, fmt: str | None = None, filename: str = "") -> dict[str, Any]:
    """The reading as JSON (each formula with its MathML), its summary and the companion page."""
    suffix = filename[filename.rfind("."):] if "." in filename else ""
    if fmt is None and suffix:
        fmt = format_of(text, suffix)
    try:
        reading = read(text, format=fmt, progress=False, max_formulas=MAX_FORMULAS)
    except DocumentError as err:
        raise ApiError(422, "document", str(err)) from None
    reading = dataclasses.replace(reading, source=filename or "pasted text")
    data = reading.to_dict()
    every_note: list[Note] = []
    for item, found in zip(data["formulas"], reading.formulas, strict=True):
        item["mathml"] = found.mathml()
        item["context_shown"] = _unicode_formulas(found.context)
        if found.explanation is not None:
            _draw_notes(item["explanation"]["warnings"], found.notes)
            every_note += found.notes
    _draw_notes(data["warnings"], every_note)
    data["names"] = concept_names(reading.concepts)
    return {"reading": data, "summary": reading.to_text(), "companion": reading.to_html()}


# ---------------------------------------------------------------- agents


def matrix_agent(rows: list[list[float]], with_picture: bool) -> dict[str, Any]:
    from thirdroad.agents import AgentInputError, MatrixAgent
    from thirdroad.agents.commands import matrix_to_dict

    try:
        agent = MatrixAgent.from_input(rows)
        data = matrix_to_dict(agent)
        if with_picture:
            data["picture"] = drawn(agent.plot)
    except AgentInputError as err:
        raise ApiError(422, "agent", err.message, hint=err.hint, column=err.position) from None
    return data


def activation_agent(name: str, with_picture: bool) -> dict[str, Any]:
    from thirdroad.agents import ActivationAgent, AgentInputError

    try:
        agent = ActivationAgent(name)
        sample = agent.sample
        data: dict[str, Any] = {"activation": agent.name, "says": agent.describe(),
                                "sample": sample.tolist(), "output": agent(sample).tolist()}
        if with_picture:
            data["picture"] = drawn(agent.plot)
    except AgentInputError as err:
        raise ApiError(422, "agent", err.message, hint=err.hint) from None
    return data


def optimizer_race(surface: str, optimizers: list[str], steps: int | None, with_picture: bool) -> dict[str, Any]:
    from thirdroad.agents import AgentInputError, race

    try:
        result = race(surface, optimizers or None, steps=steps)
        data = result.to_dict()
        data["says"] = result.describe()
        if with_picture:
            data["picture"] = drawn(result.plot, dpi=60)
    except AgentInputError as err:
        raise ApiError(422, "agent", err.message, hint=err.hint) from None
    return data


def options() -> dict[str, Any]:
    """The names the pickers offer."""
    from thirdroad.agents import ACTIVATIONS, RACERS, SURFACES

    return {"optimizers": list(RACERS), "surfaces": list(SURFACES), "activations": list(ACTIVATIONS),
            "families": list(concepts.catalog().families)}


# ---------------------------------------------------------------- concepts


def concept_list() -> list[dict[str, str]]:
    return [{"id": c.id, "name": c.name, "family": c.family, "summary": c.summary} for c in concepts.catalog()]


def concept(cid: str) -> dict[str, Any]:
    """A concept's data, its card as HTML and its neighbourhood graph as SVG."""
    catalog = concepts.catalog()
    if cid not in catalog:
        close = difflib.get_close_matches(cid, catalog.ids(), n=5, cutoff=0.6)
        raise ApiError(404, "unknown_concept", f"no concept has the id {cid!r}", suggestions=close)
    data = catalog[cid].to_dict()
    data["card_html"] = concept_card(cid)
    data["graph_svg"] = graph_svg([cid], highlight=[cid], dependents=True,
                                  title=f"what {cid} builds on and what builds on it")
    data["dependents"] = [c.id for c in catalog if cid in c.prerequisites]
    return data
