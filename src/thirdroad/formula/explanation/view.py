"""What a renderer reads of an explanation (:class:`Explained`): the terminal and the HTML
renderers are written against this shape, which ``Explanation`` has, so that they need not import
the explanation itself (which uses them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from thirdroad.formula.explanation.model import Chunk
from thirdroad.formula.explanation.pictures import Figure
from thirdroad.formula.nearmiss import Note
from thirdroad.formula.reading import Formula


class Explained(Protocol):
    """What a renderer reads of an explanation (``Explanation`` is one)."""

    @property
    def formula(self) -> Formula: ...

    @property
    def chunks(self) -> Sequence[Chunk]: ...

    @property
    def warnings(self) -> Sequence[Note]: ...

    @property
    def lenses(self) -> Mapping[str, str]: ...

    @property
    def picture(self) -> Figure | None: ...
