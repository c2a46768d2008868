"""The race: each path is the engine's optimizer run directly on the surface (with the engine's
own autodiff) and, independently, PyTorch's optimizer on the same surface."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from thirdroad import nn
from thirdroad.agents import SURFACES, AgentInputError, OptimizerAgent, agent, race, run, surface

ENGINE = {
    "sgd": lambda lr: nn.optim.SGD(lr=lr),
    "momentum": lambda lr: nn.optim.SGD(lr=lr, momentum=0.9),
    "nesterov": lambda lr: nn.optim.SGD(lr=lr, momentum=0.9, nesterov=True),
    "rmsprop": lambda lr: nn.optim.RMSProp(lr=lr),
    "adam": lambda lr: nn.optim.Adam(lr=lr),
    "adamw": lambda lr: nn.optim.AdamW(lr=lr),
    "adagrad": lambda lr: nn.optim.Adagrad(lr=lr),
}
TORCH = {
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "nesterov": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
    "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr),
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr),
    "adamw": lambda p, lr: torch.optim.AdamW(p, lr=lr),
    "adagrad": lambda p, lr: torch.optim.Adagrad(p, lr=lr),
}


def _engine_path(name: str, land, lr: float, steps: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    opt = ENGINE[name](lr)
    x = nn.Variable(np.array(land.start, dtype=np.float64))
    points = [x.numpy().copy()]
    for _ in range(steps):
        with nn.GradientTape() as tape:
            loss = land.fn(x[0], x[1])
        (g,) = tape.gradient(loss, [x])
        opt.apply_gradients([(g, x)])
        points.append(x.numpy().copy())
    return np.array(points)


def _torch_path(name: str, land, lr: float, steps: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    p = torch.tensor(land.start, dtype=torch.float64, requires_grad=True)
    opt = TORCH[name]([p], lr)
    points = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        land.fn(p[0], p[1]).backward()
        opt.step()
        points.append(p.detach().numpy().copy())
    return np.array(points)


@pytest.mark.parametrize("name", list(SURFACES))
def test_each_path_is_the_engine_optimizer_run_directly_and_torch_optim(name: str) -> None:
    land = surface(name)
    for r in race(name).runs:
        assert r.steps == land.steps and r.lr == land.lr[r.name]
        direct = _engine_path(r.name, land, land.lr[r.name], land.steps)
        assert np.allclose(r.path, direct, rtol=1e-9, atol=1e-9), (name, r.name)
        oracle = _torch_path(r.name, land, land.lr[r.name], land.steps)
        assert np.allclose(r.path, oracle, rtol=1e-8, atol=1e-8), (name, r.name)
        assert np.allclose(r.losses, [land.fn(x, y) for x, y in oracle], rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("name", list(SURFACES))
def test_hand_worked_gradients_match_autograd(name: str) -> None:
    land = surface(name)
    rng = np.random.default_rng(41)
    x0, x1, y0, y1 = land.view
    for _ in range(25):
        point = torch.tensor([rng.uniform(x0, x1), rng.uniform(y0, y1)], dtype=torch.float64, requires_grad=True)
        land.fn(point[0], point[1]).backward()
        assert np.allclose(land.grad(*point.detach().numpy()), point.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_the_lowest_points_are_where_the_gradient_vanishes() -> None:
    for land in SURFACES.values():
        if land.minimum is not None:
            assert np.allclose(land.grad(*land.minimum), 0.0)
            assert land.lowest == pytest.approx(0.0)


def test_sentences_report_what_the_paths_did() -> None:
    valley = {r.name: r for r in race("valley").runs}
    sgd = valley["sgd"]
    y_moves = np.diff(sgd.path[:, 1])
    flips = int(np.sum(y_moves[1:] * y_moves[:-1] < 0))
    assert f"it zigzags (turned back on {flips} of 80 steps)" in sgd.says
    momentum = valley["momentum"]
    rises = int(np.sum(np.diff(momentum.losses) > 0))
    assert f"it overshoots and settles (the loss went up on {rises} steps)" in momentum.says
    first = int(np.argmax(momentum.losses <= 1e-3))
    assert f"within 0.001 of the lowest loss after {first} steps" in momentum.says
    saddle = {r.name: r for r in race("saddle").runs}
    assert "lingered near the saddle" in saddle["sgd"].says and saddle["sgd"].losses.min() > -10
    escape = int(np.argmax(saddle["adam"].losses < -10))
    assert f"rolled off the saddle (loss below -10) after {escape} steps" in saddle["adam"].says


def test_race_text_names_the_winner() -> None:
    r = race("beale")
    lines = r.describe().splitlines()
    assert lines[0].startswith("Beale's function, f(x, y) = (1.5 - x + xy)²")
    assert len(lines) == 1 + 7 + 1
    finished = [x for x in r.runs if x.reached is not None]
    best = min(finished, key=lambda x: x.reached)
    assert lines[-1] == f"First to the bottom: {best.label}, in {best.reached} steps."
    data = r.to_dict()
    assert [d["optimizer"] for d in data["runs"]] == [x.name for x in r.runs]


def test_race_picture_draws_every_path(tmp_path: Path) -> None:
    r = race("rosenbrock", ["sgd", "adam"], steps=50)
    fig = r.plot(tmp_path / "race.png")
    drawn = {line.get_label(): line for line in fig.axes[0].lines}
    for x in r.runs:
        assert np.allclose(drawn[x.label].get_xydata(), x.path)
    assert (tmp_path / "race.png").stat().st_size > 20000
    race("saddle", ["sgd", "adam"]).plot(tmp_path / "saddle.svg")
    assert "<svg" in (tmp_path / "saddle.svg").read_text()[:400]


def test_optimizer_agent_says_its_chain_and_what_it_did() -> None:
    a = agent("adam")
    assert isinstance(a, OptimizerAgent)
    text = a.describe()
    assert text.splitlines()[0] == nn.optim.Adam(lr=0.3).describe()
    assert run("adam", "valley").says in text
    mine = nn.optim.SGD(lr=0.2, momentum=0.5)
    own = agent(mine)
    assert own.describe().splitlines()[0] == mine.describe()
    assert np.allclose(own.run().path, _engine_path_with(nn.optim.SGD(lr=0.2, momentum=0.5), "valley"))


def _engine_path_with(opt, name: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    land = surface(name)
    x = nn.Variable(np.array(land.start))
    points = [x.numpy().copy()]
    for _ in range(land.steps):
        opt.apply_gradients([(np.array(land.grad(*x.numpy())), x)])
        points.append(x.numpy().copy())
    return np.array(points)


def test_an_optimizer_instance_is_not_used_up_by_its_agent() -> None:
    opt = nn.optim.Adam(lr=0.1)
    agent(opt).describe()
    assert opt.iterations == 0


def test_bad_names_and_options_get_clear_errors() -> None:
    with pytest.raises(AgentInputError, match="unknown surface 'moon'"):
        race("moon")
    with pytest.raises(AgentInputError, match="not a matrix, an activation or an optimizer"):
        agent("adamm")
    with pytest.raises(AgentInputError, match="at least one step"):
        run("sgd", "bowl", steps=0)
    with pytest.raises(AgentInputError, match="at least one optimizer"):
        race("bowl", [])


def test_lr_and_steps_can_be_overridden() -> None:
    r = race("bowl", ["sgd"], steps=5, lr={"sgd": 0.25})
    (only,) = r.runs
    assert only.steps == 5 and only.lr == 0.25
    assert np.allclose(only.path[-1], np.array(surface("bowl").start) * 0.5**5)


# ---------------------------------------------------------------- any optimizer, with a label


def _ng_adam_without_correction() -> nn.optim.Optimizer:
    """What a page may write: Adam's lines without the bias corrections, built from the agents."""
    chain = [
        nn.optim.MovingAverage(0.9),
        nn.optim.ScaleByRootOfMovingAverage(0.999, 1e-8),
        nn.optim.ScaleByLearningRate(0.1),
    ]
    return nn.optim.Optimizer("Adam without bias correction", chain)


def _direct_path(opt: nn.optim.Optimizer, land, steps: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    x = nn.Variable(np.array(land.start, dtype=np.float64))
    points = [x.numpy().copy()]
    for _ in range(steps):
        opt.apply_gradients([(np.array(land.grad(*x.numpy())), x)])
        points.append(x.numpy().copy())
    return np.array(points)


def test_an_optimizer_read_from_a_formula_races_the_named_ones_under_its_label(tmp_path: Path) -> None:
    label = "v = β1 v + (1-β1) dW;  s = β2 s + (1-β2) dW²;  W = W - α v / (√s + ε)"
    mine = _ng_adam_without_correction()
    r = race("valley", ["adam", "rmsprop", (label, mine)])
    assert [x.label for x in r.runs] == ["Adam", "RMSProp", label]
    assert mine.iterations == 0  # the race ran a copy
    ours = r.runs[2]
    land = surface("valley")
    np.testing.assert_allclose(ours.path, _direct_path(_ng_adam_without_correction(), land, land.steps), atol=1e-12)
    assert ours.lr is None and ours.chain == mine.describe()
    assert ours.says.startswith(label + ".")
    assert label in r.describe()
    assert r.to_dict()["runs"][2]["label"] == label and r.to_dict()["runs"][2]["optimizer"] == mine.name
    fig = r.plot(tmp_path / "race.svg")
    legends = {t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    assert {label, "Adam", "RMSProp"} <= legends
    assert (tmp_path / "race.svg").stat().st_size > 1000


def test_an_unlabelled_optimizer_races_under_its_name() -> None:
    (only,) = race("bowl", [nn.optim.Lion(lr=0.05)], steps=20).runs
    assert only.label == "Lion" and only.name == "Lion" and only.steps == 20


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax", "Adadelta", "ASGD", "Rprop"])
def test_every_torch_optimizer_can_race_and_runs_as_torch_does(name: str) -> None:
    land = surface("valley")
    lr = 1.0 if name == "Adadelta" else 0.05
    (run_,) = race("valley", [(f"{name} from torch.optim", getattr(nn.optim, name)(lr=lr))]).runs
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # torch keeps ASGD's and NAdam's scalars in this dtype
    try:
        p = torch.tensor(land.start, dtype=torch.float64, requires_grad=True)
        topt = getattr(torch.optim, name)([p], lr=lr)
        points = [p.detach().numpy().copy()]
        for _ in range(land.steps):
            topt.zero_grad()
            land.fn(p[0], p[1]).backward()
            topt.step()
            points.append(p.detach().numpy().copy())
    finally:
        torch.set_default_dtype(old)
    np.testing.assert_allclose(run_.path, np.array(points), rtol=1e-9, atol=1e-9)


def test_bad_entrants_get_clear_errors() -> None:
    with pytest.raises(AgentInputError, match="labelled entrant is"):
        race("bowl", [("a label", "adam")])  # type: ignore[list-item]
    with pytest.raises(AgentInputError, match="not an optimizer: int"):
        race("bowl", [3])  # type: ignore[list-item]
    with pytest.raises(AgentInputError, match="give lr to the optimizer itself"):
        run(nn.optim.Adam(), "bowl", lr=0.1)
