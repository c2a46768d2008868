"""A small translation task: dates as people write them -> ISO dates.

"23 Nov 2026", "November 23rd, 2026", "23/11/26", "Monday, November 23, 2026"...
all become "2026-11-23". Every written form is unambiguous by a stated rule:

- numeric dates put the day first (23/11/26, 23.11.2026), except the forms that
  start with a four-digit year (2026/11/23, 20261123), which go year, month, day;
- a two-digit year means 1950-2049: "26" is 2026, "87" is 1987.

The dates run from 1950-01-01 to 2049-12-31. A held-out set of whole dates is
never seen in training, in any written form, so exact match on it measures
whether the model learned to read dates rather than remember them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

FIRST = dt.date(1950, 1, 1)
LAST = dt.date(2049, 12, 31)

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def _fields(d: dt.date) -> dict[str, str]:
    month = MONTHS[d.month - 1]
    weekday = WEEKDAYS[d.weekday()]
    return {
        "d": str(d.day), "dd": f"{d.day:02d}", "dth": _ordinal(d.day),
        "m": str(d.month), "mm": f"{d.month:02d}",
        "Month": month, "Mon": month[:3], "Weekday": weekday, "Wkd": weekday[:3],
        "yyyy": str(d.year), "yy": f"{d.year % 100:02d}",
    }  # fmt: skip


# Each form is a template over the fields above; some are shown in lower or upper case.
FORMS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("{d} {Mon} {yyyy}", str),
    ("{d} {Month} {yyyy}", str),
    ("{Month} {dth}, {yyyy}", str),
    ("{Mon} {d}, {yyyy}", str),
    ("{dd}/{mm}/{yy}", str),
    ("{dd}/{mm}/{yyyy}", str),
    ("{d}.{m}.{yyyy}", str),
    ("{yyyy}/{mm}/{dd}", str),
    ("{yyyy}{mm}{dd}", str),
    ("{Weekday}, {Month} {d}, {yyyy}", str),
    ("{Wkd} {d} {Mon} {yyyy}", str),
    ("the {dth} of {Month} {yyyy}", str),
    ("{d}-{Mon}-{yyyy}", str),
    ("{d} {Mon} {yy}", str.lower),
    ("{Month} {d} {yyyy}", str.lower),
    ("{Month} {d} {yyyy}", str.upper),
    ("{dth} {Mon} {yyyy}", str.upper),
)


def write_date(date: dt.date, form: int) -> str:
    """The date written in form number ``form`` (an index into :data:`FORMS`)."""
    template, case = FORMS[form]
    return case(template.format_map(_fields(date)))


def iso(date: dt.date) -> str:
    return date.isoformat()


@dataclass(frozen=True)
class Vocabulary:
    """Characters <-> ids. Id 0 is padding; the target side also has start (1) and end (2)."""

    tokens: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.tokens)

    @cached_property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    def encode(self, text: str) -> list[int]:
        try:
            return [self.index[c] for c in text]
        except KeyError as err:
            raise ValueError(f"character {err.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids: Sequence[int] | npt.NDArray[np.int64], stop: int | None = None) -> str:
        """The text of the ids, skipping padding and special tokens, up to ``stop`` (the end id)."""
        chars = []
        for i in ids:
            if stop is not None and int(i) == stop:
                break
            token = self.tokens[int(i)]
            if len(token) == 1:
                chars.append(token)
        return "".join(chars)


PAD, BOS, EOS = 0, 1, 2


def _source_characters() -> str:
    sample = dt.date(2000, 1, 1)
    seen: set[str] = set()
    for year_day in range(366):
        d = sample + dt.timedelta(days=year_day)
        for form in range(len(FORMS)):
            seen.update(write_date(d, form))
    return "".join(sorted(seen))


SOURCE_VOCAB = Vocabulary(("<pad>", *_source_characters()))
TARGET_VOCAB = Vocabulary(("<pad>", "<s>", "</s>", *"-0123456789"))
TARGET_LENGTH = len("2026-11-23") + 1  # and the end token


def _all_days() -> int:
    return (LAST - FIRST).days + 1


def held_out_days(seed: int = 0, fraction: float = 0.1) -> npt.NDArray[np.int64]:
    """The day numbers (days since 1950-01-01) kept out of training."""
    rng = np.random.default_rng(seed)
    n = _all_days()
    return np.sort(rng.choice(n, size=int(n * fraction), replace=False)).astype(np.int64)


def date_pairs(n: int, split: str = "train", seed: int = 0, split_seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (written date, ISO date) pairs, forms and dates drawn at random.

    ``split="test"`` draws from the held-out dates (10% of all, fixed by ``split_seed``),
    ``"train"`` from the rest.
    """
    if split not in ("train", "test"):
        raise ValueError(f'split must be "train" or "test", not {split!r}')
    held = held_out_days(split_seed)
    if split == "test":
        days = held
    else:
        keep = np.ones(_all_days(), dtype=bool)
        keep[held] = False
        days = np.flatnonzero(keep)
    rng = np.random.default_rng([seed, 0 if split == "train" else 1])
    picked = rng.choice(days, size=n)
    forms = rng.integers(len(FORMS), size=n)
    pairs = []
    for day, form in zip(picked, forms, strict=True):
        d = FIRST + dt.timedelta(days=int(day))
        pairs.append((write_date(d, int(form)), iso(d)))
    return pairs


@dataclass(frozen=True)
class DateBatch:
    """Pairs as arrays: ``source`` (N, S) padded with 0, ``lengths`` (N,), and the target
    twice over, shifted for teacher forcing: ``target_in`` starts with <s>, ``target_out``
    ends with </s>, both (N, 11)."""

    source: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    target_in: npt.NDArray[np.int64]
    target_out: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.lengths)

    def take(self, index: npt.NDArray[np.int64] | slice) -> DateBatch:
        lengths = self.lengths[index]
        width = int(lengths.max())
        return DateBatch(self.source[index, :width], lengths, self.target_in[index], self.target_out[index])


def encode_pairs(pairs: Sequence[tuple[str, str]]) -> DateBatch:
    sources = [SOURCE_VOCAB.encode(s) for s, _ in pairs]
    lengths = np.array([len(s) for s in sources], dtype=np.int64)
    source = np.zeros((len(pairs), int(lengths.max())), dtype=np.int64)
    for i, ids in enumerate(sources):
        source[i, : len(ids)] = ids
    targets = np.array([TARGET_VOCAB.encode(t) for _, t in pairs], dtype=np.int64)
    n = len(pairs)
    target_in = np.concatenate([np.full((n, 1), BOS), targets], axis=1)
    target_out = np.concatenate([targets, np.full((n, 1), EOS)], axis=1)
    return DateBatch(source, lengths, target_in, target_out)
