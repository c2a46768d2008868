"""thirdroad: the math of deep learning, the third way, through concepts.

Three habits of a good reader, one package each, and one engine:

- abstraction, ``thirdroad.concepts``: what is this called, and what is it made of?
  ``tr.concepts["adam"]``
- chunking, ``thirdroad.formula``: how do I read this pile of symbols?
  ``tr.parse(text)``, ``tr.compile(text)``
- the three together: ``tr.explain(text)`` names the chunks of a formula, flags near-misses
  and reads it three ways; ``tr.read(document)`` does it for every formula of a post or paper
- action, ``thirdroad.agents``: what does this thing *do*?  ``tr.agent(matrix)``
- building, ``thirdroad.nn``: a deep-learning engine on NumPy, small enough to read.

>>> import thirdroad as tr
>>> tr.parse(r"\\sigma(x) = \\frac{1}{1 + e^{-x}}").root.kind
'relation'
"""

from __future__ import annotations

from thirdroad import concepts, nn
from thirdroad.agents import Agent, agent
from thirdroad.concepts import Concept
from thirdroad.errors import ThirdroadError
from thirdroad.formula import Chunk, CompiledFormula, Explanation, Formula, FormulaError, Note, compile, explain, parse
from thirdroad.reader import Reading, read

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "Chunk",
    "CompiledFormula",
    "Concept",
    "Explanation",
    "Formula",
    "FormulaError",
    "Note",
    "Reading",
    "ThirdroadError",
    "__version__",
    "agent",
    "compile",
    "concepts",
    "explain",
    "nn",
    "parse",
    "read",
]
