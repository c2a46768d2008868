"""Agents and their pictures run in worker processes, several at once.

Why processes and not threads in the server's own process:

- matplotlib keeps state that is shared by every figure of a process and is not thread-safe:
  its mathtext parser (which draws the ``10^-2`` tick labels of a log scale) is one object,
  and two threads parsing at once make it fail (``ParseException``) or draw with the other
  thread's font size;
- drawing is Python code under the GIL, so threads would only take turns: four pictures drawn
  in four threads take as long as drawn one after the other;
- in a process of its own, a picture does not hold the GIL that the server needs to answer
  everything else (explanations, concepts, documents).

So ``/api/agent`` hands its whole call (the agent, its words and its picture) to a pool of
``WORKERS`` processes (one per CPU, started with ``spawn``: a clean interpreter each, nothing
inherited from the server's threads). A call that has not started when its request's time runs
out is dropped from the queue; one under way finishes (an agent is bounded by the request's
size limits and takes well under a second or two).

An agent's answer depends on nothing but its arguments, and the page asks for the same ones
again and again (its preset matrices, the default race, the activations by name), so up to
``REMEMBERED`` answers are kept, and a call asked for while the same call is under way waits
for that one instead of drawing the same picture twice. Which answers are kept is a segmented
LRU: a new answer is kept on probation, and only one asked for again is protected. Matrices
typed once and never again (most of what learners type) then push out each other, not the
activations and presets that everybody asks for; under a plain LRU, a stream of new matrices
pushed every activation out before it was asked for again.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from thirdroad.web._api import ApiError

#: How many answers are kept (a picture is 20 to 200 kB: at most about 25 MB), and how many of
#: them are protected: asked for at least twice. The page itself offers about 50 pictures (27
#: activations, 5 preset matrices, a race for each surface and set of optimizers); all of them
#: fit, with room for the matrices learners type.
REMEMBERED, PROTECTED = 128, 96
#: How many pictures are drawn at once: one a CPU, at least two (so that a small picture is not
#: held up by a big one), at most four.
WORKERS = max(2, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _leave_with_the_server() -> None:
    """In a worker: exit as soon as the server's process has gone, however it went (uvicorn
    ends on a signal it raises again, so the pool's own clean-up at exit never runs)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _warm() -> None:
    """Run once in each new worker: watch the server, then the imports and font lookups every
    picture needs."""
    import io

    threading.Thread(target=_leave_with_the_server, name="thirdroad-watch-server", daemon=True).start()

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    import thirdroad.web._api  # noqa: F401  (what the calls run: agents, matplotlib, the catalog)

    fig = Figure(figsize=(1, 1))
    FigureCanvasAgg(fig)
    fig.savefig(io.BytesIO(), format="png")
    # what stays for the worker's life (modules, fonts, the catalog) is never garbage: the
    # cyclic collector need not look through it again at every picture
    gc.collect()
    gc.freeze()


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    """In the worker: ``fn(*args)``, or the ApiError it raised as plain data (an exception with
    its own constructor does not survive pickling as itself)."""
    try:
        return True, fn(*args)
    except ApiError as err:
        return False, (err.status, err.kind, err.message, err.details)


def pool() -> ProcessPoolExecutor:
    """The worker pool, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"), initializer=_warm)
        return _pool


def _forget(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


class _Shared:
    """A call under way: its job in the pool, the task that waits for it, and how many
    requests wait for that."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.pool = pool()
        try:
            self.job = self.pool.submit(_call, fn, args)
        except BrokenProcessPool:  # a worker died since the last call: start a new pool
            _forget(self.pool)
            self.pool = pool()
            self.job = self.pool.submit(_call, fn, args)
        self.task = asyncio.ensure_future(self._result())
        self.waiting = 0

    async def _result(self) -> Any:
        try:
            ok, value = await asyncio.wrap_future(self.job)
        except BrokenProcessPool:
            _forget(self.pool)  # a worker died (killed from outside, out of memory): a new pool next time
            raise ApiError(503, "busy", "the drawing worker stopped; please try again") from None
        if not ok:
            status, kind, message, details = value
            raise ApiError(status, kind, message, **details)
        return value

    def give_up(self) -> None:
        """Nobody waits any more: out of the queue if it has not started. A job under way is
        left to finish, and its answer is remembered for the next request that asks."""
        if self.job.cancel():
            self.task.cancel()


class Remembered:
    """The answers kept: a segmented LRU of at most ``size`` answers, ``protected`` of them
    asked for at least twice (each segment is least recently used first)."""

    def __init__(self, size: int, protected: int) -> None:
        self.size, self.protected_size = size, protected
        self.probation: OrderedDict[str, Any] = OrderedDict()
        self.protected: OrderedDict[str, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self.probation) + len(self.protected)

    def __contains__(self, key: str) -> bool:
        return key in self.probation or key in self.protected

    def get(self, key: str) -> Any:
        """The answer kept for ``key`` (KeyError if none); asking marks it used, and an answer
        on probation asked for again is protected."""
        if key in self.protected:
            self.protected.move_to_end(key)
            return self.protected[key]
        value = self.probation.pop(key)
        self.protected[key] = value
        if len(self.protected) > self.protected_size:  # the least used protected goes back on probation
            old, old_value = self.protected.popitem(last=False)
            self.probation[old] = old_value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep a new answer on probation; past ``size``, the least recently used on probation goes."""
        if key in self:
            return
        self.probation[key] = value
        while len(self) > self.size and self.probation:
            self.probation.popitem(last=False)


_remembered = Remembered(REMEMBERED, PROTECTED)  # touched only by the event loop's thread
_under_way: dict[str, _Shared] = {}


def _finished(key: str, task: asyncio.Task[Any]) -> None:
    _under_way.pop(key, None)
    if not task.cancelled() and task.exception() is None:
        _remembered.put(key, task.result())


async def in_worker(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker process (``fn`` a module-level function, its arguments and
    result plain data, the result never changed by the caller); its ApiError is raised again
    here. The same call made before gives its remembered answer; made while under way, it
    waits for that one."""
    key = f"{fn.__module__}.{fn.__qualname__}{args!r}"
    if key in _remembered:
        return _remembered.get(key)
    shared = _under_way.get(key)
    if shared is None:
        shared = _under_way[key] = _Shared(fn, args)
        shared.task.add_done_callback(lambda done: _finished(key, done))
    shared.waiting += 1
    try:
        return await asyncio.shield(shared.task)
    finally:
        shared.waiting -= 1
        if shared.waiting == 0 and not shared.task.done():
            shared.give_up()


def shutdown() -> None:
    """Stop the workers (the server is going away)."""
    global _pool
    with _pool_lock:
        executor, _pool = _pool, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)
