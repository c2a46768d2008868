"""A bounded load test on loopback: explain requests from 8 concurrent clients against a uvicorn
server in its own process. No request may fail; p50 and p99 latencies are printed.

The suite sends 200 requests; ``THIRDROAD_LOAD_REQUESTS=1000`` gives the full run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.web.conftest import free_port

REQUESTS = int(os.environ.get("THIRDROAD_LOAD_REQUESTS", "200"))
CLIENTS = 8
FORMULAS = [
    r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_j \exp(e_{t,j})}",
    r"v_t = \beta v_{t-1} + (1 - \beta) g_t",
    r"\theta_t = \theta_{t-1} - \eta \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
    "s = beta s + (1 - beta) dw^2 w = w - alpha fraud {dw}{sqrt{s}+ epsilon}",
    r"E(v, h) = -a^\top v - b^\top h - v^\top W h",
    "y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta",
    r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}(Q K^\top / \sqrt{d_k}) V",
    r"\sigma(z) = \frac{1}{1 + e^{-z}}",
]


@pytest.fixture(scope="module")
def server_process() -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "thirdroad.web:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log", "--ws", "none", "--lifespan", "off"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/api/options", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()


def test_explain_under_load(server_process: str) -> None:
    clients = [httpx.Client(base_url=server_process, timeout=30) for _ in range(CLIENTS)]

    def one(k: int) -> tuple[int, float]:
        started = time.perf_counter()
        r = clients[k % CLIENTS].post("/api/explain", json={"text": FORMULAS[k % len(FORMULAS)]})
        return r.status_code, time.perf_counter() - started

    # one warm-up request per formula: the first one loads the concept catalog (about 0.3 s)
    for k in range(len(FORMULAS)):
        assert one(k)[0] == 200
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(one, range(REQUESTS)))
    wall = time.perf_counter() - started
    for client in clients:
        client.close()
    statuses = [status for status, _ in results]
    latencies = sorted(seconds * 1000 for _, seconds in results)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"\n{REQUESTS} explain requests, {CLIENTS} clients: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"{REQUESTS / wall:.0f} requests/s")
    assert statuses == [200] * REQUESTS
    assert p99 < 5000
