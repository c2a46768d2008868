"""A mutation fuzzer for the reader, shared by the short in-suite test and the long run.

``check(text)`` reads a text in every notation and, when it is read, renders and compiles it:
anything but a FormulaError is a bug, and so is any reading slower than the limit.
"""

from __future__ import annotations

import contextlib
import random
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

from thirdroad.formula import FormulaError, parse
from thirdroad.formula.compile import compile
from thirdroad.formula.tokens import MAX_LENGTH

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "formulas"

PIECES = [
    "\\", "{", "}", "(", ")", "[", "]", "^", "_", "|", "\\|", "&", "\\\\", "'", ",", ";", ":",
    "=", "+", "-", "*", "/", "!", ".", " ", "\\frac", "\\sqrt", "\\sum", "\\left", "\\right",
    "\\begin{cases}", "\\end{cases}", "\\begin{pmatrix}", "\\end{aligned}", "\\text{", "\\mathbf",
    "\\hat", "\\nabla", "\\partial", "\\mathbb{E}", "\\leftarrow", "\\max", "\\arg", "\\top",
    "θ", "−", "²", "ᵢ", "₋₁", "√", "‖", "∑", "∇", "⊙", "·", "←", "ŷ", "𝐖", "\u0302", "x", "W",
    "1", "0.5", "1e-8", "softmax", "score", "dW", "fraud", "beta", "\\frca", "\\not", "\\rm",
    "\\quad", "\\operatorname*{argmax}", "\\;", "$", "%", "#", "@", "\t", "\n", "\u00a0",
]


def corpus_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPUS_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            texts.extend(e["text"] for e in tomllib.load(fh)["formula"])
    return texts


def mutate(text: str, rng: random.Random, others: list[str]) -> str:
    """One to four random edits: insert, delete, replace, swap, duplicate or splice."""
    out = text
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(out) + 1)
        move = rng.randrange(7)
        if move == 0:
            out = out[:k] + rng.choice(PIECES) + out[k:]
        elif move == 1 and out:
            j = min(len(out), k + rng.randint(1, 6))
            out = out[:k] + out[j:]
        elif move == 2 and out:
            out = out[:k] + rng.choice(PIECES) + out[k + 1 :]
        elif move == 3 and len(out) > 2:
            j = rng.randrange(len(out))
            chars = list(out)
            chars[min(k, len(out) - 1)], chars[j] = chars[j], chars[min(k, len(out) - 1)]
            out = "".join(chars)
        elif move == 4 and out:
            j = min(len(out), k + rng.randint(1, 12))
            out = out[:k] + out[k:j] * rng.randint(2, 30) + out[j:]
        elif move == 5:
            other = rng.choice(others)
            cut = rng.randrange(len(other) + 1)
            out = out[:k] + other[cut:]
        else:
            out = out[:k] + "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8))) + out[k:]
    return out


class Outcome:
    """What reading one text found: the slowest reading and round-trip mismatches."""

    def __init__(self) -> None:
        self.slowest = 0.0
        self.noise = 0  # slow once, fast when repeated
        self.mismatches: list[tuple[str, str]] = []


def check(text: str, outcome: Outcome | None = None) -> float:
    """Read ``text`` every way; raise on any exception but FormulaError. Returns the slowest
    single reading in seconds of this thread's CPU time (what other processes on a shared
    machine do not change); canonical LaTeX that reads back to another tree is recorded in
    ``outcome`` (or raised when no outcome is given)."""
    slowest = 0.0
    for notation in (None, "latex", "unicode", "ascii", "mangled"):
        start = time.thread_time()
        try:
            f = parse(text, notation=notation)
        except FormulaError:
            slowest = max(slowest, time.thread_time() - start)
            continue
        slowest = max(slowest, time.thread_time() - start)
        try:
            again: object = parse(f.latex, notation="latex")
        except FormulaError as exc:
            again = exc
        if again != f and len(f.latex) <= MAX_LENGTH:  # spacing can push it over the limit
            if outcome is None:
                raise AssertionError(f"LaTeX round trip changed the tree: {text!r} -> {f.latex!r}")
            outcome.mismatches.append((text, f.latex))
        f.to_mathml()
        f.to_words()
        f.tree()
        f.to_json()
        with contextlib.suppress(FormulaError):
            compile(f)
    if outcome is not None:
        outcome.slowest = max(outcome.slowest, slowest)
    return slowest


def cases(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    texts = corpus_texts()
    for _ in range(count):
        yield mutate(rng.choice(texts), rng, texts)
