"""The notes a reading makes on the document as a whole (``Reading.notes``): each source of notes
is a module of its own, and this one runs them over the document in order."""

from __future__ import annotations

from collections.abc import Sequence

from thirdroad.formula import to_unicode
from thirdroad.reader._code_notes import code_notes
from thirdroad.reader._concept_notes import concept_notes
from thirdroad.reader._found import FoundFormula
from thirdroad.reader._matrix_notes import matrix_notes
from thirdroad.reader._misstatements import misstatement_notes
from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._prose import Math, blanked_prose, sentences
from thirdroad.reader._spans import Format, Source
from thirdroad.reader._translated_arrays import translated_arrays


def document_notes(document: str, fmt: Format, formulas: Sequence[FoundFormula]) -> tuple[DocumentNote, ...]:
    """Every note on ``document``, in document order."""
    source = Source(document)
    maths = [_math(f) for f in formulas]
    found = sentences(document, fmt, maths)
    explained = {c.concept for f in formulas if f.explanation is not None for c in f.explanation.chunks}
    notes = (misstatement_notes(found, source) + matrix_notes(formulas, source)
             + concept_notes(found, blanked_prose(document, fmt, maths), source, explained, formulas)
             + code_notes(document, source) + (translated_arrays(document)[1] if fmt == "text" else []))
    return tuple(sorted(notes, key=lambda n: (n.start, n.kind)))


def _math(found: FoundFormula) -> Math:
    shown = to_unicode(found.formula.root) if found.formula is not None else found.text
    return Math(found.start, found.end, found.written or found.text, shown, found.display)
