"""The JSON API through an in-process ASGI client: answers, errors, limits, safety headers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from thirdroad import concepts
from thirdroad.formula import FormulaError, parse
from thirdroad.web import MAX_BODY, _api, create_app

EXAMPLE = Path(__file__).parents[2] / "examples" / "three_ideas.md"

INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    r"\text{<script>alert(1)</script>} = 1",
    r"x = \mathrm{</math><script>alert(1)</script>}",
    "a = b'; DROP TABLE x; --",
    "__import__('os').system('true') = 1",
    r"\operatorname{<svg/onload=alert(1)>}(x) = x",
    "javascript:alert(1) = 2",
]


class ASGIClient(httpx.Client):
    """A synchronous client over httpx's ASGI transport, on a private event loop (Starlette's
    ASGIClient would want another HTTP package)."""

    def __init__(self, app: Any) -> None:
        super().__init__(transport=_SyncASGI(app), base_url="http://testserver")


class _SyncASGI(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self.transport = httpx.ASGITransport(app=app)
        self.loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def go() -> httpx.Response:
            await request.aread()
            response = await self.transport.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self.loop.run_until_complete(go())

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="module")
def client() -> Iterator[ASGIClient]:
    with ASGIClient(create_app()) as c:
        yield c


def test_explain_returns_the_explanation_schema_and_boxed_mathml(client: ASGIClient) -> None:
    r = client.post("/api/explain", json={"text": r"\alpha_i = \frac{\exp(e_i)}{\sum_j \exp(e_j)}"})
    assert r.status_code == 200
    data = r.json()
    assert set(data) >= {"input", "notation", "repairs", "latex", "concepts", "chunks", "warnings", "lenses", "code"}
    assert "softmax" in data["concepts"]
    assert data["mathml"].startswith("<math") and 'class="chunk"' in data["mathml"]
    assert data["names"]["softmax"] == concepts.get("softmax").name
    assert parse(data["latex"]) == parse(r"\alpha_i = \frac{\exp(e_i)}{\sum_j \exp(e_j)}")


def test_a_formula_error_carries_column_hint_and_caret(client: ASGIClient) -> None:
    text = r"\sqrt{a + \frac{b}{"
    with pytest.raises(FormulaError) as caught:
        parse(text)
    r = client.post("/api/explain", json={"text": text})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["kind"] == "formula"
    assert error["column"] == caught.value.column
    assert error["hint"] == caught.value.hint and error["hint"]
    assert error["caret"].splitlines()[1].index("^") == caught.value.column - 1


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injected_text_comes_back_escaped(client: ASGIClient, payload: str) -> None:
    r = client.post("/api/explain", json={"text": payload})
    assert r.status_code in (200, 422)
    # JSON errors quote the input as data (the page shows it with textContent); markup is escaped
    assert r.headers["content-type"] == "application/json"
    markup = r.json().get("mathml", "")
    assert "<script" not in markup.lower()
    assert "<img" not in markup.lower() and "<svg" not in markup.lower()
    doc = f"# Title\n\nA post with ${payload}$ and {payload} in the prose.\n"
    page = client.post("/api/read", json={"text": doc, "format": "markdown"}).json()
    for html in [page["companion"], *(f["mathml"] for f in page["reading"]["formulas"])]:
        assert "<script" not in html.lower() and "<img" not in html.lower()


def test_every_response_has_the_security_headers(client: ASGIClient) -> None:
    for r in (client.get("/"), client.get("/static/app.js"), client.post("/api/explain", json={"text": "x"}),
              client.get("/api/concepts/nope")):
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_the_page_loads_nothing_from_elsewhere(client: ASGIClient) -> None:
    page = client.get("/").text
    for name in ("app.js", "app.css", "companion.css"):
        assert f'/static/{name}"' in page
        assert client.get(f"/static/{name}").status_code == 200
    assert "http://" not in page and "https://" not in page
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN


def test_request_size_and_field_limits(client: ASGIClient) -> None:
    too_big = b'{"text": "' + b"x" * MAX_BODY + b'"}'
    r = client.post("/api/explain", content=too_big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["kind"] == "too_large"
    r = client.post("/api/explain", json={"text": "x" * 5000})
    assert r.status_code == 422 and r.json()["error"]["kind"] == "invalid_request"
    r = client.post("/api/agent", json={"matrix": [[1, 2], [3, 4]], "activation": "relu"})
    assert r.status_code == 422 and "exactly one" in r.json()["error"]["message"]


def test_a_slow_request_gets_a_504(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow(text: str, *more: Any) -> dict[str, Any]:
        release.wait(5)
        return {}

    monkeypatch.setattr(_api, "explain", slow)
    started = time.monotonic()
    with ASGIClient(create_app(time_limit=0.2)) as c:
        r = c.post("/api/explain", json={"text": "x"})
    release.set()
    assert r.status_code == 504 and r.json()["error"]["kind"] == "timeout"
    assert time.monotonic() - started < 3


def test_read_gives_reading_summary_and_companion(client: ASGIClient) -> None:
    r = client.post("/api/read", json={"text": EXAMPLE.read_text(encoding="utf-8"), "filename": "three_ideas.md"})
    assert r.status_code == 200
    data = r.json()
    assert len(data["reading"]["formulas"]) == 14
    assert data["reading"]["warnings"][0]["kind"] == "near_miss"
    assert data["companion"].startswith("<!DOCTYPE html>")
    assert "14 formulas found" in data["summary"]


def test_agent_matrix_activation_and_race(client: ASGIClient) -> None:
    r = client.post("/api/agent", json={"matrix": [[0, 0, 1], [1, 0, 0], [0, 1, 0]], "picture": False})
    assert r.status_code == 200 and "permutation" in r.json()["kinds"]
    r = client.post("/api/agent", json={"activation": "softmax", "picture": False})
    assert r.status_code == 200 and abs(sum(r.json()["output"]) - 1) < 1e-9
    r = client.post("/api/agent", json={"race": {"surface": "bowl", "optimizers": ["sgd", "adam"]}})
    data = r.json()
    assert [run["optimizer"] for run in data["runs"]] == ["sgd", "adam"]
    assert data["picture"].startswith("data:image/png;base64,")
    r = client.post("/api/agent", json={"race": {"surface": "moon"}})
    assert r.status_code == 422 and "surface" in r.json()["error"]["message"]
    r = client.post("/api/agent", json={"matrix": [[1, 2], [3]]})
    assert r.status_code == 422


def test_concepts(client: ASGIClient) -> None:
    listed = client.get("/api/concepts").json()
    assert {c["id"] for c in listed} == set(concepts.ids())
    adam = client.get("/api/concepts/adam").json()
    assert adam["name"] == concepts.get("adam").name
    assert "<svg" in adam["graph_svg"] and 'data-concept="adam"' in adam["graph_svg"]
    for prerequisite in concepts.get("adam").prerequisites:
        assert f'data-concept="{prerequisite}"' in adam["graph_svg"]
    missing = client.get("/api/concepts/adma")
    assert missing.status_code == 404 and "adam" in missing.json()["error"]["suggestions"]


def test_a_near_miss_comes_with_its_suggestion_drawn(client: ASGIClient) -> None:
    slip = r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_j e_{t,j}}"
    (warning,) = client.post("/api/explain", json={"text": slip}).json()["warnings"]
    assert warning["message"].endswith("Likely meant: exp(e_(t,i)) / (Σ_j exp(e_(t,j)))")
    assert warning["intended_mathml"].startswith("<math") and ">exp</mi>" in warning["intended_mathml"]
    doc = f"Weights: $${slip}$$ and <script>alert(1)</script> in the prose.\n"
    reading = client.post("/api/read", json={"text": doc, "format": "markdown"}).json()["reading"]
    drawn = [reading["warnings"][0]["intended_mathml"],
             reading["formulas"][0]["explanation"]["warnings"][0]["intended_mathml"]]
    assert all(m.startswith("<math") and "<script" not in m for m in drawn)
