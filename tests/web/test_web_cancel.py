"""A request that runs past the time limit gets its 504 and then really stops: the reading
checks its deadline before each formula, so no thread keeps computing for nobody. A real
uvicorn server in a thread (in this process, so the counting stand-in is seen)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.web.conftest import ServerThread
from thirdroad.reader import _reading
from thirdroad.web import create_app

FORMULAS = 300
DOCUMENT = "\n\n".join(f"Step {k}: $x_{{{k}}} = x_{{{k - 1}}} - \\eta g_{{{k}}}$." for k in range(1, FORMULAS + 1))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Each formula the reading starts on is counted (and made slow enough for the limit to
    fire mid-way): the reader's per-formula checkpoint, wrapped."""
    calls: list[float] = []
    real = _reading.checkpoint

    def counting_checkpoint() -> None:
        calls.append(time.monotonic())
        time.sleep(0.02)
        real()

    monkeypatch.setattr(_reading, "checkpoint", counting_checkpoint)
    return calls


def test_after_a_timeout_the_reading_stops_and_the_server_answers(counted: list[float]) -> None:
    with ServerThread(create_app(time_limit=0.5)) as url, httpx.Client(base_url=url, timeout=30) as client:
        started = time.monotonic()
        r = client.post("/api/read", json={"text": DOCUMENT, "format": "markdown"})
        assert r.status_code == 504
        message = "this took longer than 0.5 s; try something shorter"
        assert r.json() == {"error": {"kind": "timeout", "message": message}}  # the app's error format
        assert time.monotonic() - started < 3
        at_timeout = len(counted)
        assert 0 < at_timeout < FORMULAS  # it was cut off part-way
        time.sleep(0.6)  # 30 more formulas' worth, had it gone on
        assert len(counted) - at_timeout <= 1  # at most the formula under way when the limit fired
        r = client.post("/api/explain", json={"text": "y = x^2"})
        assert r.status_code == 200 and r.json()["latex"]
        r = client.post("/api/read", json={"text": "The loss is $L = (y - t)^2$.", "format": "markdown"})
        assert r.status_code == 200 and len(r.json()["reading"]["formulas"]) == 1


def test_without_a_timeout_the_same_document_is_read_whole(counted: list[float]) -> None:
    with ServerThread(create_app(time_limit=60)) as url, httpx.Client(base_url=url, timeout=60) as client:
        r = client.post("/api/read", json={"text": DOCUMENT, "format": "markdown"})
    assert r.status_code == 200
    assert len(r.json()["reading"]["formulas"]) == FORMULAS == len(counted)


def _busy(seconds: float) -> None:
    """Spend this much CPU time (not wall time: a sleeping thread would prove nothing)."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_after_a_timeout_one_formulas_recognition_stops_within_half_a_second_of_cpu(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: the deadline was looked at only between formulas, so one long formula kept a
    core busy long after its 504. Recognition now looks at it at every node: each node is made
    to cost 20 ms of CPU here (a 120-node formula is 2.4 s of work), and after the 504 the
    server's process may spend at most 0.5 s more CPU on it."""
    import thirdroad.formula.recognize as recognize

    real = recognize._at

    def costly_node(*args: object, **kwargs: object) -> object:
        _busy(0.02)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recognize, "_at", costly_node)
    formula = " + ".join(f"w_{{{k}}} x_{{{k}}}" for k in range(20))
    with ServerThread(create_app(time_limit=0.3)) as url, httpx.Client(base_url=url, timeout=30) as client:
        r = client.post("/api/explain", json={"text": formula})
        assert r.status_code == 504 and r.json()["error"]["kind"] == "timeout"
        cpu_at_504 = time.process_time()
        time.sleep(1.5)  # the work, had it gone on, would burn all of this on one core
        spent = time.process_time() - cpu_at_504
        print(f"\nCPU spent by the server's process in the 1.5 s after the 504: {spent:.3f} s")
        assert spent < 0.5
        assert client.get("/").status_code == 200  # and the server answers at once
