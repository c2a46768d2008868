"""``thirdroad race --formula``: a block races as the optimizer it computes, beside the named
optimizers it is made of, labelled by its own lines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from thirdroad.agents import AgentInputError, race
from thirdroad.agents.commands import race_command
from thirdroad.agents.race_formula import formula_entrant
from thirdroad.agents.surfaces import surface
from thirdroad.cli import main
from thirdroad.nn import optim

NG_ADAM = (r"v = \beta_1 v + (1-\beta_1) dW \\ s = \beta_2 s + (1-\beta_2) dW^2 \\ "
           r"W = W - \alpha \frac{v}{\sqrt s + \epsilon}")


def test_ng_adam_races_beside_adam_and_rmsprop(tmp_path: Path) -> None:
    out = tmp_path / "race.png"
    result = CliRunner().invoke(main, ["race", "--formula", NG_ADAM, "--steps", "200", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 30000
    text = result.output
    assert "- Adam (lr" in text and "- RMSProp (lr" in text
    assert "- v ← β_1 v + (1 − β_1) dW; s ← β_2 s + (1 − β_2) dW²; W ← W − α v / (√s + ε)." in text
    assert "was read as Adam; its learning rate α = 0.05 is the adam racer's on this surface" in text


def test_the_formulas_path_is_adam_without_bias_correction() -> None:
    """The race runs the chain read from the lines: the same path as the engine's agents put
    together by hand for Adam without its bias corrections, at the adam racer's rate."""
    land = surface("valley")
    entrant = formula_entrant(NG_ADAM, land)
    by_hand = optim.Optimizer("by hand", [optim.MovingAverage(0.9),
                                          optim.ScaleByRootOfMovingAverage(0.999, 1e-8),
                                          optim.ScaleByLearningRate(land.lr["adam"])])
    got = race(land, [(entrant.label, entrant.optimizer), ("hand", by_hand)], steps=60)
    np.testing.assert_allclose(got.runs[0].path, got.runs[1].path, rtol=0, atol=1e-12)


def test_numbers_in_the_formula_are_its_own() -> None:
    data = json.loads(race_command("bowl", formulas=["v = 0.9 v + 0.1 g\nθ = θ − 0.5 v"], steps=20, as_json=True))
    (read,) = data["formulas"]
    assert read["reading"]["concept"] == "sgd_momentum"
    assert "with the numbers the formula gives" in read["read_as"]
    assert [r["optimizer"] for r in data["runs"]][:3] == ["momentum", "sgd", "nesterov"]


def test_a_block_that_is_no_optimizer_cannot_race() -> None:
    with pytest.raises(AgentInputError, match="cannot race this block"):
        race_command("bowl", formulas=["m = βm + (1 − β)g\nv = βv + (1 − β)g²"])
    result = CliRunner().invoke(main, ["race", "--formula", "v ← βv + (1 − β) g³\nθ ← θ − α v"])
    assert result.exit_code == 2 and "Traceback" not in result.output
