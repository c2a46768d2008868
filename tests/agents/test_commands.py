"""The functions the command line calls: text, JSON and pictures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from thirdroad.agents import AgentInputError, agent, race
from thirdroad.agents.commands import agent_command, race_command


def test_matrix_command_prints_description_and_every_story(tmp_path: Path) -> None:
    text = agent_command("[[0,0,1],[1,0,0],[0,1,0]]", plot=str(tmp_path / "p.png"))
    a = agent("[[0,0,1],[1,0,0],[0,1,0]]")
    assert text.startswith(a.describe())
    for story in a.stories():
        assert story.text() in text
    assert (tmp_path / "p.png").stat().st_size > 5000
    assert "puts A's second column first" in agent_command("[[0,0,1],[1,0,0],[0,1,0]]", on="right")


def test_matrix_json_is_plain_data() -> None:
    data = json.loads(agent_command("[[0,1],[1,0]]", as_json=True))
    assert data["kinds"] == ["permutation", "reflection", "orthogonal", "symmetric", "invertible"]
    assert data["params"]["perm"] == [1, 0]
    assert np.allclose(data["params"]["normal"], np.array([1, -1]) / np.sqrt(2))
    assert [s["title"] for s in data["stories"]] == ["SVD", "Eigendecomposition", "QR", "LU", "Determinant"]


def test_activation_and_optimizer_commands(tmp_path: Path) -> None:
    assert agent_command(activation="softmax") == agent("softmax").describe()
    data = json.loads(agent_command(activation="relu", as_json=True))
    assert data["output"] == [0.0, 0.0, 0.0, 0.5, 2.0]
    assert agent_command(optimizer="adam", plot=str(tmp_path / "a.svg")) == agent("adam").describe()
    assert (tmp_path / "a.svg").exists()


def test_race_command(tmp_path: Path) -> None:
    assert race_command("saddle") == race("saddle").describe()
    data = json.loads(race_command("bowl", optimizers=["sgd", "adam"], steps=10, as_json=True))
    assert [r["optimizer"] for r in data["runs"]] == ["sgd", "adam"] and data["runs"][0]["steps"] == 10
    race_command("valley", plot=str(tmp_path / "race.png"))
    assert (tmp_path / "race.png").stat().st_size > 20000


def test_commands_need_exactly_one_thing() -> None:
    with pytest.raises(AgentInputError, match="exactly one"):
        agent_command()
    with pytest.raises(AgentInputError, match="exactly one"):
        agent_command("[[1]]", activation="relu")


def test_a_name_in_place_of_a_matrix_is_understood() -> None:
    assert agent_command("adam") == agent("adam").describe()
    assert agent_command("tanh") == agent("tanh").describe()
    with pytest.raises(AgentInputError, match="'adamm' is not a matrix, an activation or an optimizer"):
        agent_command("adamm")
