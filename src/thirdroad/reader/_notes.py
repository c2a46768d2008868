"""Notes on a document beyond its formulas one by one: what its words get wrong, the concepts its
prose names, its code, and what a damaged formula still tells.

Each note is about a stretch of the document (``start``/``end``), so the companion page can show
it where it occurs; ``formula`` is set when it is about one of the reading's formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

NoteKind = Literal["misstatement", "concept", "code", "matrix"]


@dataclass(frozen=True)
class DocumentNote:
    """One note on the document.

    ``kind``: ``misstatement`` (a sentence says something the catalog knows to be wrong),
    ``concept`` (a concept the prose names, glossed where it is first met), ``code`` (code the
    engine can run, shown written with ``thirdroad.nn``), ``matrix`` (a matrix the document
    writes, acted out or checked, or what survives of it). ``message`` is the note in plain
    words; ``quote`` the words it is about; ``says`` a misstatement's slip in a few words;
    ``code`` a program to show; ``links`` where thirdroad runs the concept (``nn.RBM``,
    ``thirdroad train rbm``).
    """

    kind: NoteKind
    concept: str
    message: str
    start: int
    end: int
    line: int = 0
    column: int = 0
    quote: str = ""
    says: str = ""
    code: str = ""
    links: tuple[str, ...] = ()
    formula: int | None = None
    also: tuple[int, ...] = ()  # lines where the same thing is said again

    @property
    def location(self) -> str:
        return f"line {self.line}, column {self.column}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "concept": self.concept, "message": self.message,
                                "location": self.location, "line": self.line, "column": self.column,
                                "span": [self.start, self.end]}
        for key in ("quote", "says", "code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.links:
            data["links"] = list(self.links)
        if self.formula is not None:
            data["formula"] = self.formula
        if self.also:
            data["also_at_lines"] = list(self.also)
        return data


def shorten(text: str, limit: int = 240) -> str:
    """``text`` cut at a word boundary, with an ellipsis, when longer than ``limit``."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
