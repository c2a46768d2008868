"""``python -m thirdroad`` is the ``thirdroad`` command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "thirdroad", "explain", "y = x**2**3"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "x^{2^{3}}" in done.stdout


def _run(*args: str, module: str = "thirdroad") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)


@pytest.mark.parametrize("args", [
    ("explain", r"\frac{e^{z_k}}{\sum_m e^{z_m}}"),  # answered without click
    ("explain", r"m_t = \hat{m}_t"),  # a combining accent: the panel drawn by rich
    ("explain", r"\frac{1}{"),  # an error: the click command reports it
    ("explain", "-x + y"),  # starts with '-': click reads an option
    ("explain", "y = x^2", "--json"),
    ("explain",),
])
def test_the_quick_start_prints_what_the_click_command_prints(args: tuple[str, ...]) -> None:
    quick, click_command = _run(*args), _run(*args, module="thirdroad.cli")
    assert (quick.returncode, quick.stdout) == (click_command.returncode, click_command.stdout)
    assert quick.stderr == click_command.stderr.replace("python -m thirdroad.cli", "thirdroad")


def test_explain_starts_without_click() -> None:
    code = ("import gc, sys\nfrom thirdroad.__main__ import main\n"
            "main(['explain', 'y = softmax(x)'])\n"
            "assert 'click' not in sys.modules and 'rich' not in sys.modules, sorted(sys.modules)\n"
            "assert gc.isenabled()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "softmax" in done.stdout
