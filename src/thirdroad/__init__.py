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

import importlib
import typing

from thirdroad.errors import ThirdroadError

if typing.TYPE_CHECKING:
    from thirdroad import concepts, nn
    from thirdroad.agents import Agent, agent
    from thirdroad.concepts import Concept
    from thirdroad.formula import Chunk, CompiledFormula, Explanation, Formula, FormulaError, Note, explain
    from thirdroad.reader import Reading, read

# Each public name is imported when it is first used, so that ``thirdroad explain`` loads the
# formula reader only, not the engine's models, the agents' plots or the web app.
_WHERE = {
    "concepts": "thirdroad.concepts", "nn": "thirdroad.nn",
    "Agent": "thirdroad.agents", "agent": "thirdroad.agents", "Concept": "thirdroad.concepts",
    "Chunk": "thirdroad.formula", "CompiledFormula": "thirdroad.formula", "Explanation": "thirdroad.formula",
    "Formula": "thirdroad.formula", "FormulaError": "thirdroad.formula", "Note": "thirdroad.formula",
    "compile": "thirdroad.formula", "explain": "thirdroad.formula", "parse": "thirdroad.formula",
    "Reading": "thirdroad.reader", "read": "thirdroad.reader",
}


# What a lower layer may not import, the package (which may import everything) names for it, to be
# loaded on first use: the agents that build the optimizer a block of update lines computes
# (``tr.explain(block).optimizer``) and that run the engine's layer beside a layer's lines.
PROVIDERS = {
    "optimizer_from_block": "thirdroad.agents.read_optimizer:optimizer_from",
    "layer_check": "thirdroad.agents.read_layer:layer_sentence",
}


def __getattr__(name: str) -> typing.Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'thirdroad' has no attribute {name!r}")
    module = importlib.import_module(where)
    value = module if where.endswith("." + name) else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__version__ = "0.1.0"

__all__ = [
    "PROVIDERS",
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
