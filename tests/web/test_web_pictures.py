"""Agents and their pictures run in worker processes (``web._workers``): several pictures are
drawn at once, each exactly as the library draws it in this process, the same call asked for
while under way is drawn once, and a worker that dies is replaced."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.web.conftest import ServerThread, free_port
from thirdroad.web import _api, _workers, create_app


def run_async(coroutine: Any) -> Any:
    """Run a coroutine to its end on a loop of its own thread (the browser tests leave one
    running in this thread)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def met_and_drew(barrier: Any, rows: list[list[float]]) -> dict[str, Any]:
    """In a worker: wait until another call is in another worker too, then draw a matrix."""
    barrier.wait(timeout=60)  # one worker at a time would never get past this: BrokenBarrierError
    return _api.matrix_agent(rows, True)


def test_two_pictures_are_drawn_at_the_same_time() -> None:
    assert _workers.WORKERS >= 2
    # the manager is a process of its own, started like the workers (spawn): a fork of this test
    # session would copy whatever threads other tests left in it (JAX's, when optax is installed)
    with multiprocessing.get_context("spawn").Manager() as manager:
        barrier = manager.Barrier(2)

        async def both() -> list[Any]:
            return await asyncio.gather(_workers.in_worker(met_and_drew, barrier, [[2.0, 1.0], [0.0, 1.0]]),
                                        _workers.in_worker(met_and_drew, barrier, [[0.0, 1.0], [1.0, 0.0]]))

        first, second = run_async(both())
    assert first["kinds"] != second["kinds"] and "permutation" in second["kinds"]
    assert first["picture"].startswith("data:image/png;base64,")


def pixels(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


AGENTS: list[dict[str, Any]] = [
    {"matrix": [[1.5, 0.5], [-0.25, 1.0]]}, {"matrix": [[0, 0, 1], [1, 0, 0], [0, 1, 0]]},
    {"matrix": [[2, 0, 0], [0, 1, 0.5], [0, 0, -1]]},
    {"matrix": [[1, 2, 3, 4], [0, 1, 2, 3], [0, 0, 1, 2], [1, 0, 0, 1]]},
    {"activation": "softmax"}, {"activation": "gelu"}, {"activation": "glu"},
    {"race": {"surface": "rosenbrock", "optimizers": ["sgd", "adam"], "steps": 150}},
    {"race": {"surface": "saddle", "optimizers": ["momentum", "rmsprop"], "steps": 90}},
]


def drawn_here(body: dict[str, Any]) -> dict[str, Any]:
    """The same call, made in this process (the reference)."""
    if "matrix" in body:
        return _api.matrix_agent(body["matrix"], True)
    if "activation" in body:
        return _api.activation_agent(body["activation"], True)
    race = body["race"]
    return _api.optimizer_race(race["surface"], race["optimizers"], race["steps"], True)


def test_pictures_drawn_at_once_by_the_workers_are_the_library_s_pictures() -> None:
    with ServerThread(create_app(time_limit=300)) as url, httpx.Client(base_url=url, timeout=300) as client, \
            ThreadPoolExecutor(len(AGENTS)) as pool:
        replies = list(pool.map(lambda body: client.post("/api/agent", json=body), AGENTS))
    for body, reply in zip(AGENTS, replies, strict=True):
        assert reply.status_code == 200, reply.text
        here = drawn_here(body)
        assert reply.json() == here, body  # the words, the numbers and the PNG, byte for byte
        assert pixels(here["picture"]).shape[2] == 3  # opaque: RGB, no alpha


def test_a_picture_is_the_figure_s_pixels_packed_without_loss() -> None:
    from thirdroad.agents import ActivationAgent, race

    for fig, dpi in ((ActivationAgent("gelu").plot(), 72), (race("saddle", ["adam"]).plot(), 60)):
        uri = _api.picture(fig, dpi=dpi)
        drawn = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
        assert (drawn[..., 3] == 255).all()  # nothing see-through is lost by leaving alpha out
        assert np.array_equal(pixels(uri), drawn[..., :3])
        assert drawn.shape[:2] == (round(fig.get_size_inches()[1] * dpi), round(fig.get_size_inches()[0] * dpi))


def test_a_worker_s_error_is_the_api_s_error() -> None:
    with ServerThread(create_app(time_limit=300)) as url:
        reply = httpx.post(url + "/api/agent", json={"matrix": [[1, 2], [3]]}, timeout=300)
        assert reply.status_code == 422 and reply.json()["error"]["kind"] == "agent"
        reply = httpx.post(url + "/api/agent", json={"activation": "softmaks"}, timeout=300)
    assert reply.status_code == 422 and "softmax" in reply.json()["error"]["message"] + str(reply.json())


def test_the_same_call_asked_at_once_is_drawn_once() -> None:
    rows = [[1.25, -0.75], [0.5, 2.0]]
    submitted = []
    real = _workers._Shared.__init__

    def counted(self: Any, fn: Any, args: Any) -> None:
        submitted.append(args)
        real(self, fn, args)

    async def eight() -> list[Any]:
        return await asyncio.gather(*(_workers.in_worker(_api.matrix_agent, rows, True) for _ in range(8)))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_workers._Shared, "__init__", counted)
        answers = run_async(eight())
        again = run_async(_workers.in_worker(_api.matrix_agent, rows, True))  # remembered
    assert submitted == [(rows, True)]
    assert all(a == answers[0] for a in answers) and again == answers[0] == _api.matrix_agent(rows, True)


def test_a_worker_that_dies_is_replaced() -> None:
    body = {"matrix": [[3.0, 1.0], [1.0, 3.0]]}
    with ServerThread(create_app(time_limit=300)) as url, httpx.Client(base_url=url, timeout=300) as client:
        assert client.post("/api/agent", json={"activation": "tanh"}).status_code == 200
        for pid in list(_workers.pool()._processes):  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
        statuses = [client.post("/api/agent", json=body).status_code for _ in range(2)]
        assert statuses in ([200, 200], [503, 200]), statuses  # never a 500, and back at once
        reply = client.post("/api/agent", json=body)
    assert reply.status_code == 200 and reply.json() == _api.matrix_agent(body["matrix"], True)


def test_the_workers_go_when_the_server_goes() -> None:
    """uvicorn ends on the signal it was sent (raised again after its own shutdown), so nothing
    at exit stops the pool: each worker watches the server's process and leaves with it."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "tests.web.test_web_load:patient_app",
                               "--port", str(port), "--log-level", "warning", "--lifespan", "off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + "/api/options", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        with ThreadPoolExecutor(2) as pool:
            replies = list(pool.map(lambda name: httpx.post(url + "/api/agent", json={"activation": name}, timeout=300),
                                    ["elu", "selu"]))
        assert [r.status_code for r in replies] == [200, 200]
        workers = [pid for pid in children(server.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert 1 <= len(workers) <= _workers.WORKERS
    finally:
        server.terminate()
        server.wait(timeout=30)
    for _ in range(300):  # they notice within a moment; wait up to 30 s before calling it a leak
        alive = [pid for pid in workers if running(pid)]
        if not alive:
            break
        time.sleep(0.1)
    assert alive == []


def children(pid: int) -> list[int]:
    return [int(child) for task in os.listdir(f"/proc/{pid}/task")
            for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead child nobody has waited for yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
