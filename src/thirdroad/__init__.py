"""thirdroad: the math of deep learning, the third way, through concepts.

Three habits of a good reader, one package each:

- abstraction (``thirdroad.concepts``): what is this called, and what is it made of?
- chunking (``thirdroad.formula``): how do I read this pile of symbols?
- action (``thirdroad.agents``): what does this thing *do*?

and one engine to build it all from scratch: ``thirdroad.nn``.
"""

from __future__ import annotations

from thirdroad import nn

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "nn",
]
