"""The one exception the agents raise for bad input.

``AgentInputError`` subclasses ``ValueError``, so ``except ValueError`` still catches it. It
carries the message, where in the text the fault is (for matrices given as strings) and a
hint about what was probably meant. Positions follow the package's one rule (``thirdroad.errors``):
``position`` is the 1-based column, ``offset`` the 0-based index.
"""

from __future__ import annotations

from thirdroad.errors import ThirdroadError


class AgentInputError(ThirdroadError, ValueError):
    """The thing handed to an agent can't be acted on: it names the problem and where it is."""

    def __init__(
        self,
        message: str,
        *,
        text: str | None = None,
        offset: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.text = text
        self.offset = offset
        self.position = None if offset is None else offset + 1
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [self.message]
        if self.text is not None and self.offset is not None and "\n" not in self.text:
            lines.append("  " + self.text)
            lines.append("  " + " " * self.offset + "^")
        if self.hint:
            lines.append("hint: " + self.hint)
        return "\n".join(lines)
