"""Misstatements in a document's words: the catalog's common slips about each concept
(``Concept.misstatements``), spotted sentence by sentence and noted kindly, with what is right.

A slip is noted where the document first makes it; where it says the same again, the note lists
those lines instead of repeating itself. Nothing here knows a particular document: every slip,
its patterns and its note come from the catalog.
"""

from __future__ import annotations

from collections.abc import Sequence

from thirdroad import concepts
from thirdroad.concepts import NEAR_SENTENCES, Concept
from thirdroad.reader._notes import DocumentNote, shorten
from thirdroad.reader._prose import Sentence
from thirdroad.reader._spans import Source


def _around(found: Sequence[Sentence], k: int) -> list[str]:
    return [s.text for s in (*found[max(0, k - NEAR_SENTENCES):k], *found[k + 1:k + 1 + NEAR_SENTENCES])]


def misstatement_notes(found: Sequence[Sentence], source: Source) -> list[DocumentNote]:
    """One note per slip the sentences make, at its first sentence, in document order."""
    notes = []
    concept: Concept
    for concept in concepts.catalog():
        for slip in concept.misstatements:
            hits = [s for k, s in enumerate(found) if slip.spots(s.text, _around(found, k))]
            if not hits:
                continue
            first = hits[0]
            line, column = source.line_col(first.start)
            notes.append(DocumentNote(
                "misstatement", concept.id, slip.note, first.start, first.end, line, column,
                quote=shorten(first.shown), says=slip.says, links=concept.engine,
                also=tuple(source.line_col(s.start)[0] for s in hits[1:])))
    return sorted(notes, key=lambda n: n.start)
