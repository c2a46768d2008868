"""The command line: each command runs, prints what it promises, and fails with a clear message."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from thirdroad.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_nn_rules_prints_every_primitive() -> None:
    from thirdroad.nn import rules

    code, out = run("nn", "rules")
    assert code == 0
    for prim in rules.CORE:
        assert prim.name in out
    assert "softmax" in out  # the closing sentence says what is composed


def test_nn_describe() -> None:
    code, out = run("nn", "describe", "adam")
    assert code == 0 and "moving average of the gradients" in out


def test_train_mlp_runs_briefly() -> None:
    code, out = run("train", "mlp", "--epochs", "2")
    assert code == 0 and "test accuracy" in out


def test_concepts_card_and_unknown() -> None:
    code, out = run("concepts", "adam")
    assert code == 0 and "Adam" in out
    code, out = run("concepts", "adma")
    assert code == 2 and "no concept 'adma'" in out


def test_agent_matrix_plot_and_bad_input(tmp_path: Path) -> None:
    png = tmp_path / "perm.png"
    code, out = run("agent", "[[0,0,1],[1,0,0],[0,1,0]]", "--plot", str(png))
    assert code == 0 and "puts A's third row first" in out
    assert png.stat().st_size > 1000
    code, out = run("agent", "[[1,2],[3]]")
    assert code == 2 and "different lengths" in out and "Traceback" not in out


def test_race_short() -> None:
    code, out = run("race", "--surface", "rosenbrock", "--steps", "50", "--optimizer", "adam")
    assert code == 0 and "Adam" in out


def test_train_rbm_briefly(tmp_path: Path) -> None:
    code, out = run("train", "rbm", "--epochs", "1", "--hidden", "16", "--out", str(tmp_path))
    assert code == 0 and "pseudo-log-likelihood" in out
    assert (tmp_path / "filters.png").stat().st_size > 1000


def test_train_attention_briefly(tmp_path: Path) -> None:
    code, out = run("train", "attention", "--epochs", "1", "--time-limit", "2", "--out", str(tmp_path))
    assert code == 0 and "exact match on held-out dates" in out
    assert (tmp_path / "attention_dates.png").stat().st_size > 1000


def test_explain_json_and_bad_formula() -> None:
    import json

    code, out = run("explain", r"\frac{e^{x_i}}{\sum_j e^{x_j}}", "--json")
    assert code == 0 and "softmax" in json.loads(out)["concepts"]
    code, out = run("explain", r"\frac{a}{")
    assert code in (0, 2) and "Traceback" not in out


def test_read_writes_a_companion(tmp_path: Path) -> None:
    doc = tmp_path / "post.md"
    doc.write_text("Momentum keeps a running average: $v = \\beta v + (1-\\beta) g$.\n", encoding="utf-8")
    page = tmp_path / "companion.html"
    code, out = run("read", str(doc), "-o", str(page))
    assert code == 0 and page.read_text(encoding="utf-8").startswith("<!")
    code, out = run("read", str(tmp_path / "missing.md"))
    assert code == 2 and "Traceback" not in out
