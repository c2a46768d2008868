"""The :class:`Explanation` of a formula: its chunks, notes and lenses, and its three outputs
(terminal text, HTML, JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from thirdroad.formula.blocks import BlockReading
from thirdroad.formula.compile import compile as compile_formula
from thirdroad.formula.explanation.html import explanation_html
from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.explanation.terminal import renderable, text
from thirdroad.formula.nearmiss import Note
from thirdroad.formula.parse import Formula
from thirdroad.formula.recognize import quiet

if TYPE_CHECKING:
    from rich.console import RenderableType


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

    @property
    def optimizer(self) -> Any:
        """For a block read as an optimizer: the ``nn.optim`` optimizer its lines compute, with
        the block's numbers and PyTorch's defaults otherwise (``None`` for anything else)."""
        return self.block.optimizer() if self.block is not None else None

    @property
    def concepts(self) -> set[str]:
        return {c.concept for c in self.chunks}

    @property
    def input(self) -> str:
        return self.formula.source

    @property
    def code(self) -> str:
        """The NumPy code ``compile`` generates for the formula ("" if it cannot)."""
        fn = quiet(lambda: compile_formula(self.formula))
        return str(getattr(fn, "source", "")) if fn is not None else ""

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
        return explanation_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()
