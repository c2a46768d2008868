"""``python -m thirdroad`` is the ``thirdroad`` command."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "thirdroad", "explain", "y = x**2**3"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "x^{2^{3}}" in done.stdout
