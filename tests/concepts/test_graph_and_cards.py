"""The "builds on" graph, the cards, the lists and the family picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import thirdroad.concepts as concepts
from thirdroad.concepts import NoPathError


def test_path_from_ema_to_adam_has_both_routes() -> None:
    path = concepts.path("ema", "adam")
    pairs = {(s.source, s.target) for s in path}
    assert {("ema", "sgd_momentum"), ("ema", "rmsprop"),
            ("sgd_momentum", "adam"), ("rmsprop", "adam")} <= pairs
    words = {(s.source, s.target): s.how for s in path}
    assert words[("ema", "sgd_momentum")] == "momentum keeps an EMA of gradients"
    assert "squared gradients" in words[("ema", "rmsprop")]
    # Only steps that lead from ema to adam: gradient descent is not reached from ema.
    assert all(s.source != "gradient_descent" for s in path)
    order = path.concepts
    assert order[0] == "ema" and order[-1] == "adam"
    assert order.index("sgd_momentum") < order.index("adam")
    assert "ema -> sgd_momentum: momentum keeps an EMA of gradients" in str(path)


def test_every_step_of_a_path_is_a_builds_on_edge() -> None:
    for source, target in [("gradient", "adamw"), ("softmax", "scaled_dot_product_attention"),
                           ("sigmoid", "lstm"), ("energy", "contrastive_divergence")]:
        path = concepts.path(source, target)
        assert len(path) > 0
        for step in path:
            assert step in concepts[step.target].builds_on


def test_no_path_says_which_way_round() -> None:
    with pytest.raises(NoPathError, match="other way round"):
        concepts.path("adam", "ema")
    with pytest.raises(NoPathError, match="'relu' does not build on 'ema'"):
        concepts.path("ema", "relu")
    assert len(concepts.path("adam", "adam")) == 0


def test_lineage_starts_at_the_roots() -> None:
    cat = concepts.catalog()
    lineage = cat.lineage("adam")
    assert set(cat.roots("adam")) == {"derivative", "mean"}
    sources = {s.source for s in lineage}
    assert "derivative" in sources and "mean" in sources
    seen: set[str] = set(cat.roots("adam"))
    for step in lineage:  # every step's source is explained before it is used
        assert step.source in seen
        seen.add(step.target)
    assert [e.target for e in cat.children("ema")].count("sgd_momentum") == 1


def test_card_text() -> None:
    card = concepts.card("adam")
    lines = card.splitlines()
    assert lines[0] == "Adam  (adam, optimizers and learning-rate schedules)"
    for heading in ("What it does", "Formulas", "Where sources differ", "Watch out",
                    "How it is built (from the roots)", "References"):
        assert heading in lines
    assert r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t" in card
    assert "ema -> sgd_momentum: momentum keeps an EMA of gradients" in card
    assert "Kingma & Ba (2015)" in card
    assert all(len(line) <= 100 or "=" in line for line in lines)


def test_card_of_a_root_has_no_lineage() -> None:
    card = concepts.card("sigmoid")
    assert "How it is built" not in card
    assert r"\frac{e^x}{1 + e^x}" in card


def test_rich_card_and_list_render() -> None:
    console = Console(record=True, width=110, color_system=None)
    console.print(concepts.card_rich("rmsprop"))
    text = console.export_text()
    assert "RMSProp" in text and "epsilon" in text and "ema -> rmsprop" in text
    console = Console(record=True, width=140, color_system=None)
    console.print(concepts.list_rich("energy_models"))
    listed = console.export_text()
    assert "rbm_energy" in listed and "Energy-based models" in listed


def test_plain_list() -> None:
    text = concepts.list_text()
    assert f"{len(concepts)} concepts." in text
    for family in concepts.catalog().families:
        assert f"({family}, {len(concepts.family(family))})" in text
    assert "  softmax" in text
    with pytest.raises(KeyError):
        concepts.list_text("nope")


def test_plot_family_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "init.png"
    fig = concepts.plot_family("initialisation", str(out), highlight="kaiming_init")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"xavier_init", "kaiming_init", "variance", "relu"} <= labels


def test_module_repr() -> None:
    assert repr(concepts).startswith(f"<thirdroad.concepts: {len(concepts)} concepts")


def test_path_grouped_by_target() -> None:
    groups = dict(concepts.path("ema", "adam").by_target())
    assert {e.source for e in groups["adam"]} == {"sgd_momentum", "rmsprop", "bias_correction"}
    assert [e.source for e in groups["rmsprop"]] == ["ema"]
