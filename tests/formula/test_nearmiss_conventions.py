"""A block read as a whole as one optimizer is no slip of another: Ng's RMSProp has no ε, and the
reading says so; no warning may call it "Adam without ε" (the translated seed's RMSProp line got
exactly that false name). A slip of the optimizer itself is still flagged."""

from __future__ import annotations

import pytest

import thirdroad as tr


@pytest.mark.parametrize("text", [
    r"s = \beta s + (1 - \beta) dw^{2} \\ w = w - \alpha \frac{dw}{\sqrt{s}}",
    r"s = \beta s + (1 - \beta) dW^{2} \\ W = W - \alpha \frac{dW}{\sqrt{s}}",
    "s = beta s + (1- beta) dw^2 w = w – alpha fraud {dw} { sqrt s}",
])
def test_ngs_rmsprop_without_eps_is_named_and_no_near_miss_of_another_optimizer(text: str) -> None:
    e = tr.explain(text)
    assert "rmsprop" in e.concepts
    assert e.block is not None and e.block.match is not None
    assert any(d.key == "no_eps" for d in e.block.match.differences)  # said, as a difference
    assert all(w.concept == "rmsprop" for w in e.warnings), [w.message for w in e.warnings]


def test_a_lost_square_in_the_same_block_is_still_flagged() -> None:
    e = tr.explain(r"s = \beta s + (1 - \beta) dw \\ w = w - \alpha \frac{dw}{\sqrt{s}}")
    assert any(w.concept == "rmsprop" for w in e.warnings)
