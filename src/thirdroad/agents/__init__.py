"""Action: what a thing *does*, in words and pictures.

``agent(obj)`` turns a matrix (NumPy array, nested lists or a string such as
``"[[0,0,1],[1,0,0],[0,1,0]]"``), an activation name (``"softmax"``) or an optimizer name
(``"adam"``) or instance into an agent with ``.describe()`` and ``.plot()``.

Errors: :class:`AgentInputError` (a ``ValueError``) for anything that can't be acted on.
"""

from __future__ import annotations

from thirdroad.agents._errors import AgentInputError
from thirdroad.agents._kinds import KINDS
from thirdroad.agents.matrix import MatrixAgent, NearMiss
from thirdroad.agents.stories import Step, Story


def agent(obj: object, *, tol: float = 1e-9, near: float = 1e-2) -> MatrixAgent:
    """The agent for ``obj``; see the module docstring."""
    return MatrixAgent.from_input(obj, tol=tol, near=near)


__all__ = [
    "KINDS",
    "AgentInputError",
    "MatrixAgent",
    "NearMiss",
    "Step",
    "Story",
    "agent",
]
