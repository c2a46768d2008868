"""Chunking: read every way people write deep-learning math into one typed tree.

>>> from thirdroad.formula import parse
>>> parse(r"v \\leftarrow \\beta v + (1-\\beta) g").root.kind
'update'
"""

from __future__ import annotations

from thirdroad.formula.ast import Node
from thirdroad.formula.compile import CompiledFormula, compile
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.evaluate import evaluate
from thirdroad.formula.parse import Formula, detect_notation, parse
from thirdroad.formula.repair import Repair, repair
from thirdroad.formula.rules import RULES, Decision

__all__ = [
    "RULES",
    "CompiledFormula",
    "Decision",
    "Formula",
    "FormulaError",
    "Node",
    "Repair",
    "compile",
    "detect_notation",
    "evaluate",
    "parse",
    "repair",
]
