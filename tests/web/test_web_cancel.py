"""A request that runs past the time limit gets its 504 and then really stops: the reading
checks its deadline before each formula, so no thread keeps computing for nobody."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.test_web_api import ASGIClient
from thirdroad.reader import _reading
from thirdroad.web import create_app

FORMULAS = 300
DOCUMENT = "\n\n".join(f"Step {k}: $x_{{{k}}} = x_{{{k - 1}}} - \\eta g_{{{k}}}$." for k in range(1, FORMULAS + 1))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each formula explained is counted (and made slow enough for the limit to fire mid-way)."""
    calls: list[str] = []
    real = _reading.explain_text

    def slow_explain(text: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(text)
        time.sleep(0.02)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(_reading, "explain_text", slow_explain)
    return calls


def test_after_a_timeout_the_reading_stops_and_the_server_answers(counted: list[str]) -> None:
    with ASGIClient(create_app(time_limit=0.5)) as client:
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


def test_without_a_timeout_the_same_document_is_read_whole(counted: list[str]) -> None:
    with ASGIClient(create_app(time_limit=60)) as client:
        r = client.post("/api/read", json={"text": DOCUMENT, "format": "markdown"})
    assert r.status_code == 200
    assert len(r.json()["reading"]["formulas"]) == FORMULAS == len(counted)
