"""One public surface: everything in ``__all__`` exists, and every agent class is in it."""

from __future__ import annotations

import inspect

import thirdroad.agents as agents


def test_all_names_exist() -> None:
    for name in agents.__all__:
        assert hasattr(agents, name), name


def test_every_public_agent_class_and_story_type_is_exported() -> None:
    modules = [agents.matrix, agents.activation, agents.optimizer, agents.stories, agents.surfaces]
    for module in modules:
        for name, value in vars(module).items():
            ours = inspect.isclass(value) and value.__module__ == module.__name__
            wanted = name.endswith("Agent") or name in {"Story", "Step", "Race", "Run", "Surface", "NearMiss"}
            if ours and wanted:
                assert name in agents.__all__, name
