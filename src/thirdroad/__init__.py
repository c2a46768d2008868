"""thirdroad: the math of deep learning, the third way, through concepts.

Three habits of a good reader, one package each, and one engine:

- abstraction, ``thirdroad.concepts``: what is this called, and what is it made of?
  ``tr.concepts["adam"]``
- chunking, ``thirdroad.formula``: how do I read this pile of symbols?
  ``tr.parse(text)``, ``tr.compile(text)``
- action, ``thirdroad.agents``: what does this thing *do*?  ``tr.agent(matrix)``
- building, ``thirdroad.nn``: a deep-learning engine on NumPy, small enough to read.

>>> import thirdroad as tr
>>> tr.parse(r"\\sigma(x) = \\frac{1}{1 + e^{-x}}").root.kind
'relation'
"""

from __future__ import annotations

from thirdroad import concepts, nn
from thirdroad.agents import agent
from thirdroad.concepts import Concept
from thirdroad.formula import Formula, FormulaError, parse
from thirdroad.formula.compile import CompiledFormula, compile

__version__ = "0.1.0"

__all__ = [
    "CompiledFormula",
    "Concept",
    "Formula",
    "FormulaError",
    "__version__",
    "agent",
    "compile",
    "concepts",
    "nn",
    "parse",
]
