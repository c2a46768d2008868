"""The engine's commands print what the library says, every character of it (the terminal's
markup must not eat the brackets of ``[x > 0]·dx``)."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from rich.console import Console

from thirdroad import cli
from thirdroad.nn import rules


def _printed(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=buffer, width=400, color_system=None))
    result = CliRunner().invoke(cli.main, list(args))
    assert result.exit_code == 0, result.output
    return buffer.getvalue()


def test_nn_rules_prints_each_rule_and_note_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _printed(monkeypatch, "nn", "rules")
    assert "d max(x, 0) = [x > 0]·dx" in out
    for name, math, note in rules.rule_rows():
        assert name in out and math in out and note in out, (name, math)


@pytest.mark.parametrize("name", list(cli.NAMED_OPTIMIZERS))
def test_nn_describe_prints_every_optimizer_s_chain_whole(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    from thirdroad.nn import optim

    maker, options = cli.NAMED_OPTIMIZERS[name]
    out = _printed(monkeypatch, "nn", "describe", name.upper() if name == "adam" else name)
    assert getattr(optim, maker)(**options).describe() in " ".join(out.split())
