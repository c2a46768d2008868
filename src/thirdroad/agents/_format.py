"""Numbers and lists as a learner reads them: short, rounded, in words where words help."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

_ORDINALS = (
    "first", "second", "third", "fourth", "fifth",
    "sixth", "seventh", "eighth", "ninth", "tenth",
)  # fmt: skip


def ordinal(index0: int) -> str:
    """``0 -> "first"``: the 1-based ordinal word of a 0-based index."""
    if 0 <= index0 < len(_ORDINALS):
        return _ORDINALS[index0]
    n = index0 + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def num(x: float, digits: int = 3) -> str:
    """A number rounded to ``digits`` significant figures, integers without a decimal point."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0 or abs(x) < 10 ** (-12):
        return "0"
    if abs(x - round(x)) < 1e-12 * max(1.0, abs(x)) and abs(x) < 1e15:
        return str(round(x))
    if abs(x) < 1e-3 or abs(x) >= 1e6:
        mantissa, _, exponent = f"{x:.{max(digits - 1, 0)}e}".partition("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return text


def sci(x: float) -> str:
    """An order of magnitude, for tolerances and misses: ``0.00123 -> "1e-3"``."""
    if x <= 0 or not math.isfinite(x):
        return num(x)
    exponent = math.floor(math.log10(x))
    mantissa = round(x / 10**exponent, 1)
    if mantissa >= 10:
        exponent, mantissa = exponent + 1, round(mantissa / 10, 1)
    if mantissa == 1.0:
        return f"1e{exponent}"
    return f"{mantissa:.1f}e{exponent}"


def degrees(radians: float) -> str:
    """An angle in degrees, the way people say it: ``pi/6 -> "30°"``."""
    return num(math.degrees(radians), 4) + "°"


def vector(v: Sequence[float] | np.ndarray) -> str:
    """A short vector ``(0.707, 0.707)``."""
    return "(" + ", ".join(num(float(x)) for x in np.asarray(v).ravel()) + ")"


def and_join(items: Iterable[str]) -> str:
    """``["a", "b", "c"] -> "a, b and c"``."""
    words = list(items)
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
