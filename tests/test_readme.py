"""Every example in the README runs and says what the README says it does (issue 16).

The README's code blocks are read from the file itself, so an edit to the README is tested as
it stands: each Python block runs as a script in a fresh interpreter, and each shell line that
starts with ``thirdroad`` runs as a command (``[--opt]`` variants with and without the options,
``a | b`` alternatives each, the web app started and asked for a page). The ``make`` lines are
what CI itself runs. What each example is said to show is checked where the README states it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)
PYTHON_BLOCKS = [code for lang, code in BLOCKS if lang == "python"]
SHELL_LINES = [line.split("#")[0].strip() for lang, code in BLOCKS if lang == "sh" for line in code.splitlines()]
COMMANDS = [line for line in SHELL_LINES if line.startswith("thirdroad ")]
# quick settings for the long runs (the README's commands with a short run appended)
SHORT = {"train mlp": ["--epochs", "1"], "train attention": ["--epochs", "1", "--time-limit", "60"],
         "train rbm": ["--epochs", "1", "--hidden", "16"]}


def _thirdroad() -> list[str]:
    installed = Path(sys.executable).parent / "thirdroad"
    return [str(installed)] if installed.is_file() and not os.environ.get("PYTHONPATH") else [
        sys.executable, "-m", "thirdroad"]


def _variants(line: str) -> list[list[str]]:
    """``thirdroad x [--a] [--b v]`` -> without the options and with all of them; ``a | b`` -> each."""
    words = shlex.split(line)[1:]
    if "|" in words:
        at = words.index("|")
        head, alternatives = words[: at - 1], [words[at - 1], *[w for w in words[at:] if w != "|"]]
        return [[*head, alt] for alt in alternatives]
    plain: list[str] = []
    optional: list[str] = []
    inside = False
    for word in words:
        if word.startswith("[-"):
            inside, word = True, word[1:]
        if inside:
            inside = not word.endswith("]")
            optional.append(word.rstrip("]"))
        else:
            plain.append(word)
    return [plain] + ([plain + optional] if optional else [])


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    extra = next((v for k, v in SHORT.items() if " ".join(args[:2]) == k), [])
    return subprocess.run([*_thirdroad(), *args, *extra], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_readme_has_the_examples_this_test_reads() -> None:
    assert len(PYTHON_BLOCKS) >= 2 and len(COMMANDS) >= 10
    assert "make demo" in SHELL_LINES and "make test" in SHELL_LINES
    for ref in re.findall(r"\]\(([^)]+)\)", README):  # every picture and link is in the repository
        assert (ROOT / ref).is_file(), ref


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_python_block_runs(index: int, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(PYTHON_BLOCKS[index], encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_what_the_python_examples_say() -> None:
    """The claims written in the blocks' comments."""
    import thirdroad as tr
    from thirdroad import nn

    adam = nn.optim.Adam(lr=1e-3).describe()
    said = "Adam: keep a moving average of the gradients (β1=0.9) and of their squares (β2=0.999)"
    assert adam.startswith(said), adam
    assert "correct both for their start at zero" in adam
    e = tr.explain(r"\alpha_{ts} = \frac{\exp(score(h_t, \bar h_s))}{\sum_{s'} \exp(score(h_t, \bar h_{s'}))}")
    assert {"softmax", "attention_weights"} <= e.concepts
    assert "def formula" in tr.compile("v = beta*v + (1-beta)*dW").source
    assert "it puts A's third row first" in tr.agent("[[0,0,1],[1,0,0],[0,1,0]]").describe()
    path = tr.concepts.path("ema", "adam")  # how Adam builds on the moving average
    assert {e.source for e in path} >= {"ema"} and {e.target for e in path} >= {"adam"}


SAYS = {  # what each command is said to do, in the README's own words
    "explain v = beta*v + (1-beta)*dW": "moving average",
    "explain h_t^T W_a h_s --fade W": "dot product",
    "concepts adam": "Adam",
    "agent [[0,0,1],[1,0,0],[0,1,0]] --plot perm.png": "third row first",
    "nn rules": "[x > 0]",
    "nn describe adam": "moving average",
}


@pytest.mark.parametrize("args", [v for line in COMMANDS if " serve" not in line for v in _variants(line)],
                         ids=lambda a: " ".join(a))
def test_shell_command_runs(args: list[str], tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "three_ideas.md", tmp_path / "post.md")  # the README reads post.md
    done = _run(args, tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    if (said := SAYS.get(" ".join(args))) is not None:
        assert said in done.stdout, done.stdout
    for word in args:  # every file a command is asked to write is written, and is what it says
        if word.endswith((".png", ".html")):
            written = tmp_path / word
            assert written.is_file() and written.stat().st_size > 1000, word
            head = written.read_bytes()[:8]
            assert head.startswith(b"\x89PNG") if word.endswith(".png") else b"<" in head


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_web_app(tmp_path: Path) -> None:
    line = next(line for line in COMMANDS if " serve" in line)
    args = shlex.split(line)[1:]
    port = _free_port()
    args[args.index("--port") + 1] = str(port)
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([*_thirdroad(), *args], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        for _ in range(600):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.1)
        else:
            pytest.fail("the web app did not answer in 60 s")
        assert page.status_code == 200 and "thirdroad" in page.text
        answer = httpx.post(f"http://127.0.0.1:{port}/api/explain", json={"text": "v = beta*v + (1-beta)*dW"},
                            timeout=60)
        assert answer.status_code == 200 and "ema" in answer.json()["concepts"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_a_page_saved_as_text_is_read_as_the_readme_says(tmp_path: Path) -> None:
    """The README: a page saved as text keeps its math as \\[...\\] and \\(...\\), a formula
    possibly over several lines; ``thirdroad read saved-page.txt`` reads it."""
    page = tmp_path / "saved-page.txt"
    page.write_text("Momentum keeps a running average \\(v\\) of the gradients:\n"
                    "\\[\n v = \\beta v\n + (1 - \\beta) dW \\]\nand then steps with it.\n", encoding="utf-8")
    done = _run(["read", "saved-page.txt", "-o", "companion.html", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr


    reading = json.loads(done.stdout)
    display = [f for f in reading["formulas"] if "dW" in f["text"] or "dW" in f.get("latex", "")]
    assert display and "ema" in display[0]["explanation"]["concepts"], display
    assert (tmp_path / "companion.html").is_file()
