"""Code that thirdroad prints runs where it is pasted, under the names the user wrote (issue 16)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import thirdroad as tr
from thirdroad.cli import main


@pytest.mark.parametrize(("text", "inputs"), [
    ("W - lr * m / sqrt(s + eps)", ("W", "lr", "m", "s", "eps")),
    ("m = beta1*m + (1 - beta1)*g", ("beta1", "m", "g")),
    ("v = beta2 * v + (1 - beta2) * g**2", ("beta2", "v", "g")),
    (r"\theta - \eta \frac{\hat m}{\sqrt{\hat v} + \epsilon}", ("theta", "eta", "m_hat", "v_hat", "epsilon")),
])
def test_inputs_keep_the_names_written(text: str, inputs: tuple[str, ...]) -> None:
    fn = tr.compile(text)
    assert fn.inputs == inputs
    values = {name: 0.5 + k for k, name in enumerate(inputs)}
    fn(**values)  # the names it shows are the names it takes


def test_respelled_name_and_its_own_spelling_together_stay_one_name() -> None:
    # eps and epsilon both read as epsilon: the function keeps the one name it computes with
    fn = tr.compile("y = eps * epsilon")
    assert fn.inputs == ("epsilon",)
    assert fn(epsilon=3.0) == pytest.approx(9.0)


def test_a_block_returns_its_outputs_under_the_written_names() -> None:
    fn = tr.compile("m1 = beta1*m1 + (1 - beta1)*g; w = w - lr*m1")
    assert "beta1" in fn.inputs and "m1" in fn.inputs
    out = fn(beta1=0.9, m1=1.0, g=2.0, w=0.0, lr=0.5)
    assert set(out) == set(fn.outputs) and out["m1"] == pytest.approx(1.1)


def _run_pasted(code: str, call: str, tmp_path: Path) -> str:
    script = tmp_path / "pasted.py"
    script.write_text(code + "\n\nprint(" + call + ")\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_script_runs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    fn = tr.compile("y = softmax(x)")
    assert fn.script.startswith("import numpy as np\n")
    out = _run_pasted(fn.script, "formula(x=[1.0, 2.0, 3.0]).sum()", tmp_path)
    assert float(out) == pytest.approx(1.0)


def test_explain_code_prints_what_runs_when_pasted(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", "W - lr * m / sqrt(s + eps)", "--code"])
    assert result.exit_code == 0, result.output
    code = result.output[result.output.index("import numpy as np"):]
    out = _run_pasted(code, "formula(W=1.0, lr=0.1, m=2.0, s=4.0, eps=0.0)", tmp_path)
    assert float(out) == pytest.approx(1.0 - 0.1 * 2.0 / 2.0)
    assert np.isclose(tr.compile("W - lr * m / sqrt(s + eps)")(W=1.0, lr=0.1, m=2.0, s=4.0, eps=0.0), float(out))
