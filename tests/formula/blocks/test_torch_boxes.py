"""PyTorch's own algorithm boxes (the math in ``torch.optim``'s docstrings): each is read,
named, built from what was read, and run against ``torch.optim`` itself for 100 steps."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import torch

from thirdroad.agents.read_optimizer import optimizer_from
from thirdroad.formula.blocks import read_block
from thirdroad.nn import Variable

from .surface import engine_path, quadratic


def box(name: str) -> str:
    doc = getattr(torch.optim, name).__doc__ or ""
    m = re.search(r"\\begin\{aligned\}.*?\\end\{aligned\}", doc, re.S)
    assert m is not None, f"torch.optim.{name} has no algorithm box"
    return m.group(0)


BOXES = [n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
         and re.search(r"\\begin\{aligned\}", getattr(torch.optim, n).__doc__ or "")]

NAMES = {
    "SGD": "gradient_descent", "Adam": "adam", "AdamW": "adamw", "Adagrad": "adagrad", "RMSprop": "rmsprop",
    "Adadelta": "adadelta", "Adamax": "adamax", "NAdam": "nadam", "RAdam": "radam", "Rprop": "rprop",
    "Adafactor": "adafactor",
}  # fmt: skip
NOT_YET = {"Muon": "Newton-Schulz orthogonalisation"}


def test_every_box_with_math_is_covered() -> None:
    assert set(BOXES) == set(NAMES) | set(NOT_YET)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_box_is_named(name: str) -> None:
    reading = read_block(box(name))
    assert reading.concept == NAMES[name]
    assert reading.match is not None and reading.match.form in ("PyTorch", "plain")
    assert not reading.match.differences, [d.says for d in reading.match.differences]


@pytest.mark.parametrize("name", sorted(NOT_YET))
def test_boxes_thirdroad_cannot_run_are_not_named(name: str) -> None:
    assert read_block(box(name)).concept is None


# (box, options for reading and building, the same options for torch.optim)
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("SGD", {"lr": 0.05}, {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}),
    ("Adam", {}, {}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "amsgrad": True}, {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}, {"lr": 0.01, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}, {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.2, "amsgrad": True}, {"lr": 0.01, "weight_decay": 0.2, "amsgrad": True}),
    ("Adagrad", {"lr": 0.1}, {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.3},
     {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.3}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}, {"lr": 0.1, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01}, {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}, {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}, {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.05},
     {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.05}),
    ("Adadelta", {}, {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}, {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01}, {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1}, {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01}, {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1},
     {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
     {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01}, {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1}, {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
     {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Rprop", {"lr": 0.01}, {"lr": 0.01}),
    ("Adafactor", {"lr": 0.05}, {"lr": 0.05}),
    ("Adafactor", {"lr": 0.05, "d": 2.0, "eps2": 1e-2}, {"lr": 0.05, "d": 2.0, "eps": (None, 1e-2)}),
    ("Rprop", {"lr": 0.02, "etas": (0.4, 1.3), "step_sizes": (1e-5, 0.5)},
     {"lr": 0.02, "etas": (0.4, 1.3), "step_sizes": (1e-5, 0.5)}),
]


def torch_path(name: str, options: dict[str, Any], steps: int) -> np.ndarray:
    hess, b, start = quadratic()
    x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([x], **options)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        x.grad = torch.tensor(hess @ x.detach().numpy() + b)
        opt.step()
        out.append(x.detach().numpy().copy())
    return np.array(out)


@pytest.mark.parametrize(("name", "ours", "theirs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_box_runs_as_torch_optim(name: str, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    reading = read_block(box(name))
    switches = {k: v for k, v in ours.items() if isinstance(v, bool) or reading.symbol_for(k) in _optional(reading)}
    if switches:
        reading = reading.configured(**switches)
    opt = optimizer_from(reading, **ours)
    np.testing.assert_allclose(engine_path(opt, 100), torch_path(name, theirs, 100), rtol=0, atol=1e-9)


def _optional(reading: Any) -> set[str]:
    from thirdroad.formula.blocks.derive import optional_hypers

    return optional_hypers(reading.program)


def test_options_of_sgd_box_are_told() -> None:
    options = " ".join(read_block(box("SGD")).options)
    assert "SGD with momentum" in options and "Nesterov momentum" in options and "L2 penalty" in options


ENGINE = {"Adafactor": "Adafactor", "SGD": "SGD", "Adam": "Adam", "AdamW": "AdamW", "Adagrad": "Adagrad",
          "RMSprop": "RMSProp", "Adadelta": "Adadelta", "Adamax": "Adamax", "NAdam": "NAdam", "RAdam": "RAdam",
          "Rprop": "Rprop"}


@pytest.mark.parametrize(("name", "ours", "theirs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_chain_read_from_a_box_is_the_engines(name: str, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """What was read from PyTorch's box is built as the very chain of agents the engine's own
    optimizer of that name is made of, agent by agent, with the same settings."""
    from thirdroad.nn import optim

    reading = read_block(box(name))
    switches = {k: v for k, v in ours.items() if isinstance(v, bool) or reading.symbol_for(k) in _optional(reading)}
    if switches:
        reading = reading.configured(**switches)
    built = optimizer_from(reading, **ours)
    made = getattr(optim, ENGINE[name])(**theirs)
    assert [repr(t) for t in built.transforms] == [repr(t) for t in made.transforms]


def test_maximize_climbs_as_torch_does() -> None:
    reading = read_block(box("Adam")).configured(maximize=True)
    opt = optimizer_from(reading, lr=0.01)
    np.testing.assert_allclose(engine_path(opt, 50), torch_path("Adam", {"lr": 0.01, "maximize": True}, 50),
                               rtol=0, atol=1e-9)


def test_adafactor_on_a_matrix_runs_as_torch_optim() -> None:
    """The box is read on its vector branch; its matrix branch keeps the average as row and
    column means, which the engine's agent does: on a matrix too, 100 steps equal torch's."""
    rng = np.random.default_rng(4)
    target = rng.normal(size=(3, 4))
    start = rng.normal(size=(3, 4))
    opt = optimizer_from(read_block(box("Adafactor")), lr=0.05)
    x = Variable(start.copy())
    y = torch.tensor(start, requires_grad=True)
    ref = torch.optim.Adafactor([y], lr=0.05)
    for _ in range(100):
        opt.apply_gradients([(2 * (x.numpy() - target), x)])
        ref.zero_grad()
        y.grad = 2 * (y.detach() - torch.tensor(target))
        ref.step()
        np.testing.assert_allclose(x.numpy(), y.detach().numpy(), rtol=0, atol=1e-9)


def test_a_line_the_box_overwrites_is_said_to_do_nothing() -> None:
    """PyTorch's Adafactor box subtracts γλθ_{t-1}, then sets θ_t from θ_{t-1} again: as written,
    the weight decay line has no effect (PyTorch's code does apply it)."""
    lines = read_block(box("Adafactor")).lines
    assert any("no effect" in line.role and "λ" in line.text for line in lines)


def _near(text: str, context: str) -> list[str]:
    from thirdroad import explain

    return [w.concept for w in explain(text, context=context).warnings if w.kind == "near_miss"]


def test_a_name_the_box_computes_before_brackets_is_a_product_not_a_call() -> None:
    """``g_t (1 - ρ)``: a square lost from ``g^2_t (1 - ρ)`` leaves a name the box computes
    before brackets, which the parser reads as a call; the box reads it as a product, so the
    slip is found (Adadelta's average of the gradients, not of their squares)."""
    text = box("Adadelta")
    lost = text.replace("g^2_t (1 - \\rho)", "g_t (1 - \\rho)")
    assert lost != text
    assert "adadelta" in _near(lost, "Adadelta")
    assert _near(text, "Adadelta") == []


def test_weights_written_behind_their_values_are_checked_for_a_swap() -> None:
    """PyTorch writes ``v_{t-1} ρ + g^2_t (1 - ρ)``: the weights stand behind the values. Swapped,
    the slip is Adadelta's, and its line is no RMSProp gone wrong besides."""
    text = box("Adadelta")
    swapped = text.replace("v_{t-1} \\rho + g^2_t (1 - \\rho)", "v_{t-1} (1 - \\rho) + g^2_t \\rho")
    assert swapped != text
    assert _near(swapped, "Adadelta") == ["adadelta"]
