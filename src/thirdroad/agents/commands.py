"""What the command line prints: thin functions over the agents, for ``thirdroad agent`` and
``thirdroad race``. Each returns the text (or JSON) to print and saves a picture when asked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from thirdroad.agents._errors import AgentInputError
from thirdroad.agents.activation import ACTIVATIONS, ActivationAgent, canonical_name
from thirdroad.agents.matrix import MatrixAgent, Side
from thirdroad.agents.optimizer import RACERS, OptimizerAgent, race, racer


def agent_command(
    matrix: str | None = None,
    *,
    activation: str | None = None,
    optimizer: str | None = None,
    plot: str | None = None,
    on: str = "left",
    as_json: bool = False,
) -> str:
    """``thirdroad agent "<matrix>" | --activation NAME | --optimizer NAME [--plot out.png]``.

    Exactly one of ``matrix``, ``activation`` and ``optimizer``. For a matrix the text is its
    description (``on`` the left or right of another matrix) followed by every story.
    """
    if matrix is not None and matrix.strip()[:1].isalpha():  # a name, not a matrix
        if canonical_name(matrix) in ACTIVATIONS:
            matrix, activation = None, matrix
        else:
            try:
                name = racer(matrix).name
            except AgentInputError:
                raise AgentInputError(
                    f"{matrix!r} is not a matrix, an activation or an optimizer I know",
                    hint="activations: " + ", ".join(ACTIVATIONS) + "; optimizers: " + ", ".join(RACERS),
                ) from None
            matrix, optimizer = None, name
    given = [x for x in (matrix, activation, optimizer) if x is not None]
    if len(given) != 1:
        raise AgentInputError("give exactly one of: a matrix, --activation NAME, --optimizer NAME")
    if matrix is not None:
        if on not in ("left", "right"):
            raise AgentInputError(f"--on must be 'left' or 'right', not {on!r}")
        agent = MatrixAgent.from_input(matrix)
        if plot:
            agent.plot(plot)
        if as_json:
            return json.dumps(matrix_to_dict(agent), indent=2, ensure_ascii=False)
        side: Side = "left" if on == "left" else "right"
        parts = [agent.describe(on=side)] + [story.text() for story in agent.stories()]
        return "\n\n".join(parts)
    if activation is not None:
        act = ActivationAgent(activation)
        if plot:
            act.plot(plot)
        if as_json:
            sample = act.sample
            data = {
                "activation": act.name,
                "params": act.params,
                "sample": sample.tolist(),
                "output": act(sample).tolist(),
                "slope": act.slope(sample).tolist(),
                "says": act.describe(),
            }
            return json.dumps(data, indent=2, ensure_ascii=False)
        return act.describe()
    assert optimizer is not None
    opt = OptimizerAgent(optimizer)
    if plot:
        opt.plot(plot)
    if as_json:
        done = opt.run()
        return json.dumps(
            {"optimizer": opt.name, "lr": opt.lr, "surface": opt.surface.name, "steps": done.steps,
             "end": done.path[-1].tolist(), "loss": float(done.losses[-1]), "says": opt.describe()},
            indent=2, ensure_ascii=False,
        )  # fmt: skip
    return opt.describe()


def race_command(
    surface: str = "rosenbrock",
    *,
    plot: str | None = None,
    optimizers: Sequence[str] | None = None,
    steps: int | None = None,
    as_json: bool = False,
    formulas: Sequence[str] = (),
) -> str:
    """``thirdroad race [--surface rosenbrock] [--plot out.png] [--formula "<block>"]``: every
    optimizer (or the ones named) from the same start; the text has one measured sentence per
    optimizer. A formula (a block of update lines) races as the optimizer it computes, labelled
    by its lines, beside the named optimizers it is made of (unless others are named)."""
    from thirdroad.agents.race_formula import formula_entrant
    from thirdroad.agents.surfaces import surface as find_surface

    land = find_surface(surface)
    read = [formula_entrant(text, land) for text in formulas]
    entrants: list[Any] = list(optimizers) if optimizers else (list(read[0].rivals) if read else [])
    entrants += [(f.label, f.optimizer) for f in read]
    result = race(land, entrants or None, steps=steps)
    if plot:
        result.plot(plot)
    if as_json:
        data = result.to_dict()
        if read:
            data["formulas"] = [{"label": f.label, "read_as": f.note, "reading": f.reading.to_dict()} for f in read]
        return json.dumps(data, indent=2, ensure_ascii=False)
    text = result.describe()
    if read:
        text += "\n" + "\n".join(f"The formula {f.label!r} was read as {f.note}." for f in read)
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def matrix_to_dict(agent: MatrixAgent) -> dict[str, Any]:
    """A matrix agent as plain data (for ``--json`` and the web app)."""
    return {
        "matrix": agent.matrix.tolist(),
        "kinds": [k for k in agent.params_order() if k in agent.kinds],
        "concepts": agent.concepts,
        "params": {k: _plain(v) for k, v in agent.params.items()},
        "near_misses": [{"kind": m.kind, "off_by": m.off_by, "message": m.message} for m in agent.near_misses],
        "tolerance": {"tol": agent.tol, "near": agent.near},
        "describe": {"left": agent.describe("left"), "right": agent.describe("right")},
        "stories": [
            {"title": s.title, "summary": s.summary, "steps": [step.says for step in s.steps], "value": s.value}
            for s in agent.stories()
        ],
    }
