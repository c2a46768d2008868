"""Action: what a thing *does*, in words and pictures.

``agent(obj)`` turns a matrix (NumPy array, nested lists or a string such as
``"[[0,0,1],[1,0,0],[0,1,0]]"``), an activation name (``"softmax"``) or an optimizer name
(``"adam"``) or instance into an agent with ``.describe()`` and ``.plot()``.

Errors: :class:`AgentInputError` (a ``ValueError``) for anything that can't be acted on.
"""

from __future__ import annotations

from typing import Any

from thirdroad.agents._errors import AgentInputError
from thirdroad.agents._kinds import KINDS
from thirdroad.agents.activation import ACTIVATIONS, ActivationAgent, canonical_name
from thirdroad.agents.matrix import MatrixAgent, NearMiss
from thirdroad.agents.stories import Step, Story

Agent = MatrixAgent | ActivationAgent


def agent(obj: object, **options: Any) -> Agent:
    """The agent for ``obj``: a matrix, or the name of an activation.

    ``options`` go to the agent: ``tol`` and ``near`` for a matrix, the activation's own
    parameters (``temperature``, ``negative_slope``, ...) for an activation.
    """
    if isinstance(obj, str) and canonical_name(obj) in ACTIVATIONS:
        return ActivationAgent(obj, **options)
    if isinstance(obj, str) and obj.strip()[:1].isalpha():
        raise AgentInputError(
            f"{obj!r} is not a matrix, an activation or an optimizer I know",
            text=obj,
            position=0,
            hint="activations: " + ", ".join(ACTIVATIONS),
        )
    return MatrixAgent.from_input(obj, **options)


__all__ = [
    "ACTIVATIONS",
    "KINDS",
    "ActivationAgent",
    "Agent",
    "AgentInputError",
    "MatrixAgent",
    "NearMiss",
    "Step",
    "Story",
    "agent",
]
