"""One formula found in a document (:class:`FoundFormula`), and what the companion page and the
terminal summary read of a whole reading (:class:`ReadingView`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from thirdroad.formula import Explanation, Formula, FormulaError, Note
from thirdroad.formula.explanation.html import formula_mathml
from thirdroad.reader._find import Place
from thirdroad.reader._gloss import sentence_gloss
from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._spans import Format


@dataclass(frozen=True)
class FoundFormula:
    """One formula of the document: where it is, the sentence around it, and what it means.

    ``explanation`` is the formula's :class:`~thirdroad.formula.Explanation` (shared by every
    copy of the formula whose sentences name the same concepts); ``error`` is set instead when
    the formula could not be read.
    """

    index: int
    text: str
    place: Place
    display: bool
    how: str
    explained: Explanation | None = None
    error: FormulaError | None = None
    written: str = ""  # as the author wrote it, when ``text`` has the author's macros expanded
    start: int = field(default=0, compare=False)  # where in the document, delimiters included
    end: int = field(default=0, compare=False)

    @property
    def explanation(self) -> Explanation | None:
        return self.explained

    @property
    def formula(self) -> Formula | None:
        return self.explained.formula if self.explained else None

    @property
    def location(self) -> str:
        return self.place.location

    @property
    def context(self) -> str:
        return self.place.context

    @property
    def concepts(self) -> list[str]:
        """The concept ids of the formula's chunks, in the order of the chunks."""
        return list(dict.fromkeys(c.concept for c in self.explained.chunks)) if self.explained else []

    @property
    def notes(self) -> list[Note]:
        return list(self.explained.warnings) if self.explained else []

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """The notes as JSON (``Note.to_dict``)."""
        return [n.to_dict() for n in self.notes]

    def mathml(self) -> str:
        """The formula as MathML with its chunks boxed ("" when it could not be read)."""
        if self.explained is None:
            return ""
        return formula_mathml(self.explained, "block" if self.display else "inline")

    @property
    def gloss(self) -> str:
        """What the sentence calls a formula that is one name ("the learning rate"), or ""."""
        return sentence_gloss(self.formula, self.text, self.context)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "location": self.location,
            "line": self.place.line,
            "column": self.place.column,
            "section": self.place.section,
            "context": self.context,
            "text": self.written or self.text,
            **({"read_as": self.text} if self.written else {}),
            "display": self.display,
            "found_by": self.how,
        }
        if self.gloss:
            data["gloss"] = self.gloss
        if self.explained is not None:
            data["explanation"] = self.explained.to_dict(code=False)
        else:
            data["explanation"] = None
            data["error"] = error_dict(self.error) if self.error else None
        return data


def error_dict(err: FormulaError) -> dict[str, Any]:
    """A FormulaError as plain data: message, 1-based column, hint, and the caret picture."""
    return {"message": err.message, "column": err.column, "hint": err.hint, "caret": err.caret()}


class ReadingView(Protocol):
    """What the companion page and the summary read of a reading (``Reading`` is one)."""

    @property
    def source(self) -> str: ...

    @property
    def format(self) -> Format: ...

    @property
    def formulas(self) -> Sequence[FoundFormula]: ...

    @property
    def skipped(self) -> int: ...

    @property
    def left_out(self) -> str: ...

    @property
    def concepts(self) -> list[str]: ...

    @property
    def warnings(self) -> list[dict[str, Any]]: ...

    @property
    def errors(self) -> list[FoundFormula]: ...

    @property
    def document(self) -> str: ...

    @property
    def notes(self) -> tuple[DocumentNote, ...]: ...
