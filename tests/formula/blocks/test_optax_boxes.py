"""optax's own algorithm boxes (the math in its docstrings) write the update ``u_t`` the caller
adds to the parameters, and the state ``S_t``: each is read with that line added, named, built
from what was read and run against optax itself for 100 steps. A slip put into a line of the box
is flagged for the optimizer; a box with an update name but no gradient is no optimizer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

import thirdroad as tr
from thirdroad.agents.read_optimizer import optimizer_from
from thirdroad.formula.blocks import read_block
from thirdroad.formula.blocks.updates import ADDED

from .surface import engine_path, quadratic

optax = pytest.importorskip("optax")
jax = pytest.importorskip("jax")
N = 4  # the quadratic's dimensions for optax's runs


def box(name: str) -> str:
    doc = getattr(optax, name).__doc__ or ""
    m = re.search(r"\\begin\{align\*\}.*?\\end\{align\*\}", doc, re.S)
    assert m is not None, f"optax.{name} has no algorithm box"
    return m.group(0)


@pytest.fixture
def x64() -> Iterator[None]:
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", False)


def optax_path(name: str, options: dict[str, Any], steps: int) -> np.ndarray:
    hess, b, start = quadratic(N)
    params = jax.numpy.asarray(start)
    opt = getattr(optax, name)(**options)
    state = opt.init(params)
    out = []
    for _ in range(steps):
        grads = jax.numpy.asarray(hess @ np.asarray(params) + b)
        updates, state = opt.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        out.append(np.asarray(params).copy())
    return np.array(out)


CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("adam", "adam", {"lr": 0.05}, {"learning_rate": 0.05}),
    ("adamw", "adamw", {"lr": 0.05, "weight_decay": 0.1}, {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("adamax", "adamax", {"lr": 0.05}, {"learning_rate": 0.05}),
]


@pytest.mark.parametrize(("name", "concept", "ours", "theirs"), CASES, ids=[c[0] for c in CASES])
def test_optax_box_is_named_and_runs_as_optax(x64: None, name: str, concept: str, ours: dict[str, Any],
                                              theirs: dict[str, Any]) -> None:
    reading = read_block(box(name))
    assert reading.concept == concept
    assert any(ADDED in line.role for line in reading.lines)  # the caller's line is said as added
    opt = optimizer_from(reading, **ours)
    np.testing.assert_allclose(engine_path(opt, 100, N), optax_path(name, theirs, 100), rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_a_slip_in_a_line_of_an_optax_box_is_flagged_for_the_optimizer(name: str) -> None:
    text = box(name)
    swapped = re.sub(r"\\beta_1 \\cdot m_\{t-1\} \+ \(1-\\beta_1\) \\cdot g_t",
                     r"(1-\\beta_1) \\cdot m_{t-1} + \\beta_1 \\cdot g_t", text)
    lost = text.replace("{g_t}^2", "{g_t}")
    assert swapped != text and lost != text
    for mutated in (swapped, lost):
        assert name in [w.concept for w in tr.explain(mutated).warnings if w.kind == "near_miss"]
    assert [w.concept for w in tr.explain(text).warnings if w.kind == "near_miss"] == []


def test_an_update_name_without_a_gradient_is_no_optimizer() -> None:
    reading = read_block(r"h_t \leftarrow \tanh(W x_t + U h_{t-1}) \\ u_t \leftarrow V h_t")
    assert reading.concept is None


def test_optax_adabelief_box_is_named_and_its_lines_run_as_optax(x64: None) -> None:
    """AdaBelief (no engine optimizer): the box's own lines, run as written with ε̄ at optax's
    setting, step as optax.adabelief does."""
    from thirdroad.formula.blocks.derive import find_states
    from thirdroad.formula.blocks.simulate import simulate

    reading = read_block(box("adabelief"))
    assert reading.concept == "adabelief" and reading.roles is not None
    hess, b, start = quadratic(N)
    values = {"alpha": 0.05, "beta_1": 0.9, "beta_2": 0.999, "varepsilon": 1e-16, "varepsilon\u0304": 1e-14}
    config = replace(reading.config, zero=frozenset())
    ours = simulate(reading.program, reading.roles, find_states(reading.program, reading.roles), config, values,
                    lambda th, t: hess @ th + b, start, 50)
    theirs = optax_path("adabelief", {"learning_rate": 0.05, "eps": 1e-16, "eps_root": 1e-14}, 50)
    np.testing.assert_allclose(np.array(ours), theirs, rtol=0, atol=1e-9)


def test_a_swapped_beta_in_optax_adabelief_is_flagged() -> None:
    text = box("adabelief")
    swapped = re.sub(r"\\beta_1 \\cdot m_\{t-1\} \+ \(1-\\beta_1\) \\cdot g_t",
                     r"(1-\\beta_1) \\cdot m_{t-1} + \\beta_1 \\cdot g_t", text)
    assert swapped != text
    assert "adabelief" in [w.concept for w in tr.explain(swapped).warnings if w.kind == "near_miss"]
