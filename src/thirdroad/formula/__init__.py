"""Chunking: read every way people write deep-learning math into one typed tree.

>>> from thirdroad.formula import parse
>>> parse(r"v \\leftarrow \\beta v + (1-\\beta) g").root.kind
'update'
"""

from __future__ import annotations

from typing import Any

from thirdroad.formula import explanation
from thirdroad.formula.ast import Node
from thirdroad.formula.compile import CompiledFormula, compile
from thirdroad.formula.deadline import Cancelled, Deadline, checkpoint, stop_when
from thirdroad.formula.errors import FormulaError, FragmentError, LimitError
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.explanation import Chunk, Explanation, Note, NothingToFade, explain, read_formula
from thirdroad.formula.reading import Formula, detect_notation, parse
from thirdroad.formula.recognize import claims
from thirdroad.formula.repair import Repair, repair
from thirdroad.formula.rules import RULES, Decision
from thirdroad.formula.unicode import to_unicode
from thirdroad.formula.vocabulary import LOWERED, MATH_CHARACTERS, MATH_WORDS, MINUS_SIGNS, RAISED

__all__ = [
    "LOWERED",
    "MATH_CHARACTERS",
    "MATH_WORDS",
    "MINUS_SIGNS",
    "RAISED",
    "RULES",
    "Cancelled",
    "Chunk",
    "CompiledFormula",
    "Deadline",
    "Decision",
    "Explanation",
    "Formula",
    "FormulaError",
    "FragmentError",
    "LimitError",
    "Node",
    "Note",
    "NothingToFade",
    "Repair",
    "ast",
    "blocks",
    "checkpoint",
    "claims",
    "compile",
    "detect_notation",
    "evaluate",
    "explain",
    "explanation",
    "parse",
    "read_formula",
    "repair",
    "stop_when",
    "to_unicode",
]


def __getattr__(name: str) -> Any:
    """The public submodules ``blocks`` load on first use (they are not needed to start)."""
    if name in ("blocks",):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
