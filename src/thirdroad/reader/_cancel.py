"""Stopping a reading part-way: the reader uses the formula package's deadline, so one
``stop_when(deadline)`` around a call (the web app, under its time limit) reaches every
checkpoint: the finder's (each line of plain text), the per-formula loop's, and those inside
one formula's parsing, recognition and near-miss search. Once the deadline has passed or
``Deadline.cancel()`` was called, the next checkpoint raises ``Cancelled`` and the thread is
free again. (There was a second deadline here, of the reader's own: a 504 stopped the reading
between formulas, but never the formula under way.)"""

from __future__ import annotations

from thirdroad.formula import Cancelled, Deadline, checkpoint, stop_when

__all__ = ["Cancelled", "Deadline", "checkpoint", "stop_when"]
