"""The :class:`Explanation` of a formula: its chunks, notes and lenses, and its three outputs
(terminal text, HTML, JSON)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import thirdroad.concepts as concepts_module
from thirdroad.formula.compile import compile as compile_formula
from thirdroad.formula.explanation.fade import NothingToFade, faded
from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.explanation.pictures import Figure, figure
from thirdroad.formula.explanation.terminal import renderable, text
from thirdroad.formula.explanation.worked_examples import Example
from thirdroad.formula.latex import to_latex
from thirdroad.formula.nearmiss import Note
from thirdroad.formula.phrases import concept_name, join, with_article
from thirdroad.formula.reading import Formula
from thirdroad.formula.recognize import quiet
from thirdroad.formula.unicode import to_unicode

if TYPE_CHECKING:
    from rich.console import RenderableType

    from thirdroad.formula.blocks import BlockReading


@dataclass
class Explanation:
    """What :func:`~thirdroad.formula.explain` finds in a formula: its ``chunks``, the notes on
    near-misses (``warnings``) and the three ``lenses`` (names, reading order, action)."""

    formula: Formula
    chunks: list[Chunk]
    warnings: list[Note]
    lenses: dict[str, str]
    defining: tuple[str, ...] = ()  # the concepts of the whole (right-hand side), first named first
    block: BlockReading | None = None  # several update lines read as one algorithm (formula.blocks)
    example: Example | None = None  # the action lens's worked example, as numbers
    faded: str = ""  # what was faded out of the formula this explains ("W_a"), if anything
    explainer: Callable[[Formula], Explanation] | None = field(default=None, compare=False, repr=False)

    @property
    def optimizer(self) -> Any:
        """For a block read as an optimizer: the ``nn.optim`` optimizer its lines compute, with
        the block's numbers and PyTorch's defaults otherwise (``None`` for anything else)."""
        return self.block.optimizer() if self.block is not None else None

    def fade(self, *what: str) -> Explanation:
        """The explanation of what is left with ``what`` faded out: a symbol as written (``"W"``
        fades every W, ``"W_a"`` that one) or a place in the tree (``"0.1.2"``). Raises
        NothingToFade if ``what`` names nothing here, or everything.

        ``explain(r"h_t^\\top W_a \\bar h_s").fade("W").fade_says`` is ``"fade out W_a: h_tᵀ h̄_s, a
        dot product"``.
        """
        rest, shown = faded(self.formula.root, what)
        formula = Formula(rest, to_latex(rest), "latex")
        if self.explainer is None:
            raise NothingToFade("this explanation cannot explain a formula again")
        left = self.explainer(formula)
        names = f"With {shown} faded out, what is left is {to_unicode(rest)}. {left.lenses['names']}"
        return replace(left, lenses={**left.lenses, "names": names}, faded=shown)

    def with_values(self, values: dict[str, Any]) -> Explanation:
        """The explanation with its worked example computed again on other inputs (by the names
        in ``example.inputs``; a vector keeps its length). Raises KeyError for a name that is not
        an input, ValueError for a value of the wrong shape or where the formula cannot be
        computed."""
        if self.example is None:
            raise ValueError("this formula has no worked example")
        new = self.example.with_values(values)
        if new is None:
            raise ValueError("the formula cannot be computed on those values")
        action = self.lenses.get("action", "").replace(self.example.text, new.text)
        return replace(self, example=new, lenses={**self.lenses, "action": action})

    @property
    def fade_says(self) -> str:
        """For an explanation of what was left after a fade: ``fade out W_a: h_tᵀ h̄_s, a dot
        product``; "" otherwise."""
        if not self.faded:
            return ""
        cat = concepts_module.catalog()
        names = join([with_article(concept_name(cat[c])) for c in self.defining]) if self.defining \
            else "no concept of the catalog"
        return f"fade out {self.faded}: {to_unicode(self.formula.root)}, {names}"

    @property
    def concepts(self) -> set[str]:
        return {c.concept for c in self.chunks}

    @property
    def input(self) -> str:
        return self.formula.source

    @property
    def code(self) -> str:
        """The NumPy code ``compile`` generates for the formula, with its imports, ready to paste
        and run ("" if it cannot)."""
        fn = quiet(lambda: compile_formula(self.formula))
        return fn.script if fn is not None else ""

    def to_dict(self, code: bool = True) -> dict[str, Any]:
        """The JSON of ``thirdroad explain --json`` (the schema in DESIGN.md)."""
        return {
            "input": self.formula.source,
            "notation": self.formula.notation,
            "repairs": [r.to_dict() for r in self.formula.repairs],
            "latex": self.formula.latex,
            "concepts": sorted(self.concepts, key=self._order),
            "chunks": [c.to_dict() for c in self.chunks],
            "warnings": [w.to_dict() for w in self.warnings],
            "lenses": dict(self.lenses),
            "code": self.code if code else "",
            **({"block": self.block.to_dict()} if self.block is not None else {}),
        }

    @property
    def picture(self) -> Figure | None:
        """The action lens's picture, drawn from the worked example (None where the formula's
        concept has none): ``.svg``-able, ``text``-able, ``save_png``-able (see ``pictures``)."""
        return figure(self.defining[0] if self.defining else None, self.example)

    def _order(self, cid: str) -> int:
        for k, chunk in enumerate(self.chunks):
            if chunk.concept == cid:
                return k
        return len(self.chunks)

    def __rich__(self) -> RenderableType:
        return renderable(self)

    def to_text(self, width: int = 100) -> str:
        """The explanation as terminal text (rendered with rich, without colour)."""
        return text(self, width)

    def __str__(self) -> str:
        return self.to_text()

    def to_html(self) -> str:
        """A self-contained HTML fragment: the MathML rendering with every chunk boxed and
        numbered; hovering (or focusing) a chunk in the list shows the concept's card."""
        from thirdroad.formula.explanation.html import explanation_html  # not needed in a terminal

        return explanation_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()
