"""Stopping a reading part-way: a deadline that long work looks at, from the inside.

A thread cannot be killed from outside, so long work stops itself: whoever starts it (the web
app under its time limit, a document reader) opens ``stop_when(deadline)`` around the call, and
the work calls ``checkpoint()`` as it goes: the parser every few dozen tokens, and any loop over
formulas or chunks between steps. Once the deadline has passed or ``Deadline.cancel()`` was
called, the next checkpoint raises :class:`Cancelled` and the thread is free again. Outside
``stop_when`` a checkpoint costs one context-variable lookup and never raises.

The formula package owns this so that everything above it (recognition, explanations, the
document reader, the web app) shares one deadline: a reading stopped by the web app stops inside
a formula's parse too.

>>> with stop_when(Deadline(seconds=0)):
...     checkpoint()
Traceback (most recent call last):
  ...
thirdroad.formula.deadline.Cancelled: the reading was stopped: its time ran out
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from thirdroad.errors import ThirdroadError


class Cancelled(ThirdroadError):
    """The reading was stopped before it finished (its time ran out, or it was cancelled).
    Not a :class:`~thirdroad.formula.FormulaError`: nothing is wrong with the input."""


class Deadline:
    """A point in time (``seconds`` from now; ``None``: none) and a flag to stop sooner."""

    def __init__(self, seconds: float | None = None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop the work at its next checkpoint, whatever the time."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def expired(self) -> bool:
        return self._cancelled.is_set() or (self.at is not None and time.monotonic() >= self.at)


_CURRENT: ContextVar[Deadline | None] = ContextVar("thirdroad_deadline", default=None)


@contextmanager
def stop_when(deadline: Deadline) -> Iterator[Deadline]:
    """Within this block (in this thread or task), checkpoints raise once ``deadline`` expires."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def checkpoint() -> None:
    """Raise :class:`Cancelled` if the current reading's deadline has expired."""
    deadline = _CURRENT.get()
    if deadline is not None and deadline.expired:
        why = "it was cancelled" if deadline.cancelled else "its time ran out"
        raise Cancelled(f"the reading was stopped: {why}")


__all__ = ["Cancelled", "Deadline", "checkpoint", "stop_when"]
