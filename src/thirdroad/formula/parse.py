"""Moved to :mod:`thirdroad.formula.reading` (this module was hidden by the function
``thirdroad.formula.parse``). Kept only while the modules that import it move; to be removed."""

from thirdroad.formula.reading import NOTATIONS, Formula, detect_notation, parse

__all__ = ["NOTATIONS", "Formula", "detect_notation", "parse"]
