"""The reading companion: read a whole post or paper, find every formula, explain each one.

>>> import thirdroad.reader as reader
>>> reading = reader.read("The loss is $L = (y - t)^2$, the squared error.")
>>> reading.formulas[0].text
'L = (y - t)^2'

``read`` takes a path or the text itself: Markdown (``$..$``, ``$$..$$``, ``\\(..\\)``,
``\\[..\\]``), LaTeX (inline math and the equation, align, gather and multline environments),
HTML (MathJax scripts, KaTeX annotations, ``<math>``) or plain text where the formulas lost
their markup. The :class:`Reading` gives ``.formulas`` (each with its location, context
sentence, text and explanation), ``.to_html()`` (the companion page), ``.to_dict()`` (the
``read --json`` schema) and ``.summary()`` for the terminal.

Errors: :class:`DocumentError` (a ``ValueError``) for a document that cannot be read at all;
a formula that cannot be read is kept with its ``FormulaError`` and listed as not read.
"""

from __future__ import annotations

from thirdroad.reader._explain import explain_text, mathml
from thirdroad.reader._find import Place, find_math, format_of
from thirdroad.reader._graph import graph_svg
from thirdroad.reader._page import concept_card
from thirdroad.reader._reading import (
    MAX_DOCUMENT_CHARS,
    MAX_FORMULAS,
    DocumentError,
    FoundFormula,
    Reading,
    error_dict,
    read,
)
from thirdroad.reader._spans import FORMATS, MathSpan

__all__ = [
    "FORMATS",
    "MAX_DOCUMENT_CHARS",
    "MAX_FORMULAS",
    "DocumentError",
    "FoundFormula",
    "MathSpan",
    "Place",
    "Reading",
    "concept_card",
    "error_dict",
    "explain_text",
    "find_math",
    "format_of",
    "graph_svg",
    "mathml",
    "read",
]
