"""Action: what a thing *does*, in words and pictures.

``agent(obj)`` turns a matrix (NumPy array, nested lists or a string such as
``"[[0,0,1],[1,0,0],[0,1,0]]"``), an activation name (``"softmax"``) or an optimizer name
(``"adam"``) or instance into an agent with ``.describe()`` and ``.plot()``.

Errors: :class:`AgentInputError` (a ``ValueError``) for anything that can't be acted on.
"""

from __future__ import annotations

from typing import Any

from thirdroad.agents import commands
from thirdroad.agents._errors import AgentInputError
from thirdroad.agents._figures import figures_reused
from thirdroad.agents._kinds import KINDS
from thirdroad.agents.activation import ACTIVATIONS, ActivationAgent, canonical_name
from thirdroad.agents.matrix import MatrixAgent, NearMiss
from thirdroad.agents.optimizer import RACERS, OptimizerAgent, Race, Run, race, racer, run
from thirdroad.agents.read_layer import LayerCheck, check_layer
from thirdroad.agents.read_optimizer import check_against_block, optimizer_from, optimizer_from_block
from thirdroad.agents.stories import Step, Story
from thirdroad.agents.surfaces import SURFACES, Surface, surface
from thirdroad.nn import optim

Agent = MatrixAgent | ActivationAgent | OptimizerAgent


def agent(obj: object, **options: Any) -> Agent:
    """The agent for ``obj``: a matrix, an activation's name, or an optimizer (name or instance).

    ``options`` go to the agent: ``tol`` and ``near`` for a matrix; the activation's own
    parameters (``temperature``, ``negative_slope``, ...); ``lr`` and ``on`` (a surface) for an
    optimizer.
    """
    if isinstance(obj, optim.Optimizer):
        return OptimizerAgent(obj, **options)
    if isinstance(obj, str) and obj.strip()[:1].isalpha():
        if canonical_name(obj) in ACTIVATIONS:
            return ActivationAgent(obj, **options)
        try:
            return OptimizerAgent(racer(obj).name, **options)
        except AgentInputError:
            raise AgentInputError(
                f"{obj!r} is not a matrix, an activation or an optimizer I know",
                text=obj,
                offset=0,
                hint="activations: " + ", ".join(ACTIVATIONS) + "; optimizers: " + ", ".join(RACERS),
            ) from None
    return MatrixAgent.from_input(obj, **options)


__all__ = [
    "ACTIVATIONS",
    "KINDS",
    "RACERS",
    "SURFACES",
    "ActivationAgent",
    "Agent",
    "AgentInputError",
    "LayerCheck",
    "MatrixAgent",
    "NearMiss",
    "OptimizerAgent",
    "Race",
    "Run",
    "Step",
    "Story",
    "Surface",
    "agent",
    "check_against_block",
    "check_layer",
    "commands",
    "figures_reused",
    "optimizer_from",
    "optimizer_from_block",
    "race",
    "run",
    "surface",
]
