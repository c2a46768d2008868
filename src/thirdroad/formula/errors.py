"""The one exception the formula reader raises.

``FormulaError`` is the only exception that ``parse`` (and everything built on it) lets
out for bad input. It points at the character where reading failed::

    FormulaError
     message   what went wrong, in plain words
     position  1-based column of the fault in the input
     hint      what was probably meant ("\\frca is not a command: did you mean \\frac?")
     text      the input
"""

from __future__ import annotations

from thirdroad.errors import ThirdroadError


class FormulaError(ThirdroadError, ValueError):
    """A formula could not be read. ``position`` is the 1-based column of the fault."""

    def __init__(self, message: str, position: int = 1, hint: str = "", text: str = "") -> None:
        self.message = message
        self.position = max(1, position)
        self.hint = hint
        self.text = text
        super().__init__(self._full())

    @property
    def column(self) -> int:
        """Same as ``position``: the 1-based column of the fault."""
        return self.position

    @property
    def offset(self) -> int:
        """The 0-based character offset of the fault."""
        return self.position - 1

    def caret(self) -> str:
        """The input on one line and a caret under the fault on the next."""
        if not self.text:
            return ""
        line = self.text.replace("\n", " ").replace("\t", " ")
        start = 0
        col = self.position - 1
        if len(line) > 72:  # keep a window around the fault readable in a terminal
            start = max(0, min(col - 36, len(line) - 72))
            line = line[start : start + 72]
        return f"{line}\n{' ' * (col - start)}^"

    def _full(self) -> str:
        parts = [f"{self.message} (column {self.position})"]
        caret = self.caret()
        if caret:
            parts.append(caret)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class ValuesError(FormulaError):
    """The values given to a formula do not fit it: ``x_{ij}`` given a vector, arrays whose
    shapes do not combine, the inverse of a singular matrix, an index whose size no value shows.

    The formula itself was read; ``evaluate`` and compiled functions raise this for the values.
    ``position`` points at the part of the formula that could not take them (1 when the fault is
    only in the values).
    """
