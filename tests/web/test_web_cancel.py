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
