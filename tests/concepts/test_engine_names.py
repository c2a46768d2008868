"""The catalog's ``engine`` entries name things that exist: a ``thirdroad.nn`` attribute path or a
command of the ``thirdroad`` program (its click groups, followed word by word)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from thirdroad import concepts, nn
from thirdroad.cli import main
from thirdroad.concepts import CatalogError
from thirdroad.concepts._load import load_file

ENTRIES = [(c.id, name) for c in concepts.catalog() for name in c.engine]


def test_the_concepts_a_learner_runs_have_engine_entries() -> None:
    named = {cid for cid, _ in ENTRIES}
    assert {"adam", "rmsprop", "sgd_momentum", "rbm_energy", "boltzmann_distribution", "chain_rule"} <= named


@pytest.mark.parametrize(("cid", "name"), ENTRIES, ids=[f"{c}: {n}" for c, n in ENTRIES])
def test_each_engine_entry_exists(cid: str, name: str) -> None:
    if name.startswith("nn."):
        obj: object = nn
        for part in name.split(".")[1:]:
            assert hasattr(obj, part), f"{cid}: {name} has no {part}"
            obj = getattr(obj, part)
        assert callable(obj)
        return
    words = name.split()
    assert words[0] == "thirdroad"
    command: click.Command = main
    for word in words[1:]:
        assert isinstance(command, click.Group), f"{cid}: {name}: {command.name} takes no command {word}"
        found = command.get_command(click.Context(command), word)
        assert found is not None, f"{cid}: {name}: no command {word}"
        command = found


def test_the_loader_rejects_an_engine_entry_of_another_shape(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    source = (root / "src/thirdroad/concepts/data/optimizers.toml").read_text(encoding="utf-8")
    broken = source.replace('engine = ["nn.optim.Adam", "thirdroad race"]', 'engine = ["torch.optim.Adam"]')
    assert broken != source
    path = tmp_path / "optimizers.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogError, match="engine"):
        load_file(path)
