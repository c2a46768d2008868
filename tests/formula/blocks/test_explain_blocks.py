"""A block explained: the whole first, then the lines with their roles; ``e.optimizer`` is the
optimizer the lines compute, built as the engine's chain."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

import thirdroad as tr
from thirdroad.nn import Variable, optim

NG_ADAM = (r"v = \beta_1 v + (1-\beta_1) dW \\ s = \beta_2 s + (1-\beta_2) dW^2 \\ "
           r"W = W - \alpha \frac{v}{\sqrt s + \epsilon}")
SEED = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds" / "000_c9e15704d8861233.txt"


def test_a_block_opens_with_the_whole_then_walks_the_lines() -> None:
    e = tr.explain(NG_ADAM)
    assert e.lenses["names"].startswith("This is Adam, as Andrew Ng's course writes it.")
    assert "without the bias correction" in e.lenses["names"]
    order = e.lenses["reading_order"]
    assert order.startswith("Line by line: (1) v ← β_1 v + (1 − β_1) dW: the first moment")
    assert "(2) s ← β_2 s + (1 − β_2) dW²: the second moment" in order
    assert "(3) W ← W − α v / (√s + ε): the update" in order
    assert e.chunks[0].concept == "adam" and e.chunks[0].method == "role"
    assert "adam" in e.concepts
    block = e.to_dict()["block"]
    assert block["concept"] == "adam" and [d["key"] for d in block["differences"]] == ["no_bias_correction"]


def test_the_optimizer_of_a_block_runs_its_lines() -> None:
    opt = tr.explain(NG_ADAM).optimizer
    assert isinstance(opt, optim.Optimizer)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4))
    hess, b = a @ a.T + np.eye(4), rng.normal(size=4)
    x = Variable(rng.normal(size=4))
    w, v, s = x.numpy().copy(), np.zeros(4), np.zeros(4)
    for _ in range(100):  # Ng's three lines in NumPy, with PyTorch's default numbers (lr 1e-3)
        opt.apply_gradients([(hess @ x.numpy() + b, x)])
        g = hess @ w + b
        v = 0.9 * v + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        w = w - 1e-3 * v / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(x.numpy(), w, rtol=0, atol=1e-12)


def test_the_numbers_a_block_gives_are_used() -> None:
    opt = tr.explain("v = 0.8 v + 0.2 dW\nW = W − 0.05 v").optimizer
    x = Variable(np.array([1.0]))
    opt.apply_gradients([(np.array([2.0]), x)])
    assert x.numpy()[0] == pytest.approx(1.0 - 0.05 * 0.2 * 2.0)


def test_a_pytorch_box_is_explained_and_its_optimizer_is_the_engines() -> None:
    doc = torch.optim.AdamW.__doc__ or ""
    m = re.search(r"\\begin\{aligned\}.*?\\end\{aligned\}", doc, re.S)
    assert m is not None
    e = tr.explain(m.group(0))
    assert e.chunks[0].concept == "adamw"
    assert [repr(t) for t in e.optimizer.transforms] == [repr(t) for t in optim.AdamW().transforms]


def test_a_single_formula_has_no_block_and_no_optimizer() -> None:
    e = tr.explain(r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    assert e.block is None and e.optimizer is None
    assert "block" not in e.to_dict()


def test_a_block_that_is_no_optimizer_is_not_named() -> None:
    e = tr.explain(r"v = \beta v + (1-\beta) g^3 \\ \theta = \theta - \alpha v")
    assert e.block is not None and e.block.concept is None and e.optimizer is None
    assert not any(c.method == "role" for c in e.chunks)


def test_a_near_miss_block_is_a_note_not_an_optimizer() -> None:
    e = tr.explain(r"s = \beta s + (1-\beta) dW \\ W = W - \alpha \frac{dW}{\sqrt{s} + \epsilon}")
    assert e.optimizer is None
    assert any(n.kind == "near_miss" and "square" in n.message for n in e.warnings)
    assert not any(c.method == "role" for c in e.chunks)


def test_a_line_that_contradicts_the_whole_is_not_named() -> None:
    """dW/√s inside Ng's RMSProp is the gradient over the root of its average, not He's
    initialisation; λθ added to g in Adam's box is weight decay, not a Nesterov step."""
    e = tr.explain(r"s = \beta s + (1-\beta) dW^2 \\ W = W - \alpha \frac{dW}{\sqrt s}")
    assert e.concepts == {"rmsprop"}
    doc = torch.optim.Adam.__doc__ or ""
    m = re.search(r"\\begin\{aligned\}.*?\\end\{aligned\}", doc, re.S)
    assert m is not None
    assert "nesterov" not in tr.explain(m.group(0)).concepts


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents (../shared/seeds) are not here")
def test_the_seed_posts_optimizer_blocks() -> None:
    reading = tr.read(str(SEED))
    named = [(f.explanation.block.concept, f.explanation.block.match.form,
              [d.key for d in f.explanation.block.match.differences])
             for f in reading.formulas
             if f.explanation is not None and f.explanation.block is not None and f.explanation.block.match]
    assert ("sgd_momentum", "Ruder", []) in named
    assert ("sgd_momentum", "Ng", []) in named
    assert ("rmsprop", "Ng", ["no_eps"]) in named
    assert ("adam", "Ng", ["no_bias_correction"]) in named


def test_the_optimizer_is_built_in_a_fresh_interpreter() -> None:
    """``import thirdroad`` loads names lazily: the agents that build the optimizer are loaded
    when ``e.optimizer`` is first asked for, not before."""
    import subprocess
    import sys

    code = (
        "import sys, thirdroad as tr\n"
        "e = tr.explain('v = 0.9 v + 0.1 dW\\nW = W - 0.01 v')\n"
        "assert 'thirdroad.agents' not in sys.modules\n"
        "print(type(e.optimizer).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Optimizer"
