"""Stopping a reading part-way: a deadline that the finder and the per-formula loop look at.

A thread cannot be killed from outside, so a long reading stops itself: whoever starts it
(the web app, under its time limit) opens ``stop_when(deadline)`` around the call, and the
reading calls ``checkpoint()`` between pieces of work (each line of plain text, each formula).
Once the deadline has passed or ``Deadline.cancel()`` was called, the next checkpoint raises
``Cancelled`` and the thread is free again. Outside ``stop_when`` a checkpoint costs one
context-variable lookup and never raises.

>>> with stop_when(Deadline(seconds=0)):
...     checkpoint()
Traceback (most recent call last):
  ...
thirdroad.reader._cancel.Cancelled: the reading was stopped: its time ran out
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from thirdroad.errors import ThirdroadError


class Cancelled(ThirdroadError):
    """The reading was stopped before it finished (its time ran out, or it was cancelled)."""


class Deadline:
    """A point in time (``seconds`` from now; ``None``: none) and a flag to stop sooner."""

    def __init__(self, seconds: float | None = None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def expired(self) -> bool:
        return self._cancelled.is_set() or (self.at is not None and time.monotonic() >= self.at)


_CURRENT: ContextVar[Deadline | None] = ContextVar("thirdroad_reader_deadline", default=None)


@contextmanager
def stop_when(deadline: Deadline) -> Iterator[Deadline]:
    """Within this block (in this thread or task), checkpoints raise once ``deadline`` expires."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def checkpoint() -> None:
    """Raise ``Cancelled`` if the current reading's deadline has expired."""
    deadline = _CURRENT.get()
    if deadline is not None and deadline.expired:
        why = "it was cancelled" if deadline._cancelled.is_set() else "its time ran out"
        raise Cancelled(f"the reading was stopped: {why}")
