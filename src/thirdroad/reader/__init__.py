"""The reading companion: read a whole post or paper, find every formula, explain each one.

>>> import thirdroad.reader as reader
>>> reading = reader.read("The loss is $L = (y - t)^2$, the squared error.")
>>> reading.formulas[0].text
'L = (y - t)^2'

``read`` takes a path or the text itself: Markdown (``$..$``, ``$$..$$``, ``\\(..\\)``,
``\\[..\\]``), LaTeX (inline math and the equation, align, gather and multline environments),
HTML (MathJax scripts, KaTeX annotations, ``<math>``) or plain text where the formulas lost
their markup. The :class:`Reading` gives ``.formulas`` (each with its location, context
sentence, text and :class:`~thirdroad.formula.Explanation`), ``.to_html()`` (the companion
page), ``.to_dict()`` (the ``read --json`` schema) and ``.summary()`` for the terminal.

A caller with a time limit (the web app) reads under ``stop_when(Deadline(seconds))``: the
reading stops at its next formula with :class:`Cancelled` once the deadline has passed.

Errors: :class:`DocumentError` (a ``ValueError``) for a document that cannot be read at all;
a formula that cannot be read is kept with its ``FormulaError`` and listed as not read.
"""

from __future__ import annotations

from thirdroad.formula import Cancelled, Deadline, stop_when
from thirdroad.reader._find import Place, find_math, format_of
from thirdroad.reader._found import FoundFormula, error_dict
from thirdroad.reader._graph import graph_svg
from thirdroad.reader._page import concept_card, page_css
from thirdroad.reader._reading import MAX_DOCUMENT_CHARS, MAX_FORMULAS, DocumentError, Reading, read
from thirdroad.reader._spans import FORMATS, MathSpan
from thirdroad.reader.commands import EXAMPLE, read_command

__all__ = [
    "EXAMPLE",
    "FORMATS",
    "MAX_DOCUMENT_CHARS",
    "MAX_FORMULAS",
    "Cancelled",
    "Deadline",
    "DocumentError",
    "FoundFormula",
    "MathSpan",
    "Place",
    "Reading",
    "concept_card",
    "error_dict",
    "find_math",
    "format_of",
    "graph_svg",
    "page_css",
    "read",
    "read_command",
    "stop_when",
]
