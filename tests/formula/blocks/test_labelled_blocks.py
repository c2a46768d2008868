"""The labelled set of blocks (tests/data/blocks): named as labelled, no false names, every
labelled difference stated, and every optimizer read from a block runs as the block is
written (the built chain against the block run line by line, 100 steps, to 1e-12)."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import torch

from thirdroad.agents.read_optimizer import check_against_block
from thirdroad.formula.blocks import read_block

DATA = Path(__file__).resolve().parents[2] / "data" / "blocks"
COMMON = ("gradient_descent", "sgd_momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")


def _blocks() -> list[dict[str, Any]]:
    out = []
    for path in sorted(DATA.glob("*.toml")):
        with open(path, "rb") as fh:
            for b in tomllib.load(fh)["block"]:
                if "torch" in b:
                    doc = getattr(torch.optim, b["torch"]).__doc__ or ""
                    m = re.search(r"\\begin\{aligned\}.*?\\end\{aligned\}", doc, re.S)
                    assert m is not None, b["id"]
                    b["text"] = m.group(0)
                out.append(b)
    return out


BLOCKS = _blocks()


def test_the_set_is_large_and_varied() -> None:
    assert len(BLOCKS) >= 80
    assert len({b["id"] for b in BLOCKS}) == len(BLOCKS)
    notations: dict[str, set[str]] = defaultdict(set)
    for b in BLOCKS:
        notations[b["concept"]].add(b["notation"])
        assert b["source"], b["id"]
    for concept in COMMON:
        assert len(notations[concept]) >= 4, (concept, notations[concept])
    kinds = {d for b in BLOCKS for d in b.get("differences", [])}
    assert {"no_bias_correction", "eps_inside_root", "lr_inside_average", "missing_square"} <= kinds
    assert sum(1 for b in BLOCKS if not b["concept"]) >= 10


@pytest.fixture(scope="module")
def readings() -> dict[str, Any]:
    return {b["id"]: read_block(b["text"]) for b in BLOCKS}


def test_named_right_with_no_false_name(readings: dict[str, Any]) -> None:
    right, false_names, wrong = 0, [], []
    for b in BLOCKS:
        r = readings[b["id"]]
        got = r.concept or ""
        near = bool(r.match and r.match.near_miss)
        if got == b["concept"] and near == b.get("near_miss", False):
            right += 1
        else:
            wrong.append((b["id"], got))
        if got and got != b["concept"]:
            false_names.append((b["id"], got))
    assert false_names == []
    assert right / len(BLOCKS) >= 0.95, wrong


def test_every_labelled_difference_is_stated(readings: dict[str, Any]) -> None:
    missing = []
    for b in BLOCKS:
        r = readings[b["id"]]
        said = {d.key for d in r.match.differences} if r.match else set()
        if not set(b.get("differences", [])) <= said:
            missing.append((b["id"], sorted(set(b.get("differences", [])) - said)))
        if r.match is not None:
            assert all(d.says for d in r.match.differences)
    assert missing == []


def test_no_difference_is_said_of_a_canonical_block(readings: dict[str, Any]) -> None:
    """Blocks written exactly as PyTorch computes are not told they differ."""
    for b in BLOCKS:
        if b["notation"] == "box" and b["concept"]:
            r = readings[b["id"]]
            assert r.match is not None and not r.match.differences, b["id"]


@pytest.mark.parametrize("block", [b for b in BLOCKS if b["concept"] and not b.get("near_miss")],
                         ids=lambda b: b["id"])
def test_built_optimizer_runs_as_the_block_is_written(block: dict[str, Any], readings: dict[str, Any]) -> None:
    reading = readings[block["id"]]
    assert reading.runnable
    assert check_against_block(reading, steps=100) <= 1e-12


def test_a_near_miss_is_not_built(readings: dict[str, Any]) -> None:
    from thirdroad.agents import AgentInputError, optimizer_from

    near = [b for b in BLOCKS if b.get("near_miss")]
    assert near
    for b in near:
        with pytest.raises(AgentInputError, match="near miss"):
            optimizer_from(readings[b["id"]])
