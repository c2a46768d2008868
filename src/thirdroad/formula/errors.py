"""The one exception the formula reader raises.

``FormulaError`` is the only exception that ``parse`` (and everything built on it) lets
out for bad input; its subclass ``FragmentError`` says the text is a piece of a formula (a
lone operator, a relation with a side missing) rather than a faulty one, and ``LimitError`` that
it is over a size limit (the message says which). It points at the character where reading
failed::

    FormulaError
     message   what went wrong, in plain words
     position  1-based column of the fault in the input
     hint      what was probably meant ("\\frca is not a command: did you mean \\frac?")
     text      the input
"""

from __future__ import annotations

from thirdroad.errors import ThirdroadError

_WINDOW = 72  # the widest stretch of input a caret line shows


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
        """The input on one line and a caret under the fault on the next: a window of at most
        72 characters around the fault, however long the input (never a line of spaces)."""
        if not self.text:
            return ""
        col = min(self.position - 1, len(self.text))  # the end of the input at the latest
        start = max(0, min(col - _WINDOW // 2, len(self.text) - _WINDOW))
        line = self.text[start : start + _WINDOW].replace("\n", " ").replace("\t", " ")
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


class FragmentError(FormulaError):
    """The text is a piece of a formula, not a whole one: a lone operator (``\\odot``, ``*``), an
    operator or relation with nothing on one side (``= b``, ``x +``, ``\\sum_j``, ``\\frac{d}{dx}``).
    Documents quote such pieces when they talk about notation; nothing is wrong with them, there
    is only no formula to explain. The message and position are those of the missing side."""


class LimitError(FormulaError):
    """The text is over a size limit: longer than a formula may be (``parse``), or a formula with
    more parts than ``explain`` names and checks in a moment. The message says the size and the
    limit; the work stops before it starts, so a long input costs no more than reading its size."""
