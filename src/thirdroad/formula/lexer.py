"""What the tokenizer's parts share: the token, the pattern that cuts text, and the state of one
cut (the text, its notation, the tokens so far, and a way to cut a stretch of it again, for
commands whose arguments are math: ``\\underset{i}{\\max}``, ``\\mathop{\\rm argmin}``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from thirdroad.formula.errors import FormulaError


class Token(NamedTuple):
    kind: str
    value: str
    start: int
    end: int
    font: str = ""


MASTER = re.compile(
    r"""
    (?P<ws>\s+)
   |(?P<cmd>\\(?:[A-Za-z]+\*?|.))
   |(?P<num>[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+(?![A-Za-z]))?|\.[0-9]+)
   |(?P<letters>[A-Za-z]+)
   |(?P<op>:=|<-|<=|>=|!=|==|->|\*\*|\|\||[-+*/]=(?!=)|[-+*/=<>,;!'|()\[\]{}^_&:])
   |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Lexer:
    """One cut in progress. ``scan(start, stop)`` cuts ``text[start:stop]`` onto ``out``."""

    text: str
    notation: str
    out: list[Token] = field(default_factory=list)
    scan: Callable[[int, int], None] = field(default=lambda start, stop: None, repr=False)

    @property
    def plain(self) -> bool:
        """Text copied from a rendered page (Unicode) or repaired from a damaged copy."""
        return self.notation in ("unicode", "mangled")

    def add(self, kind: str, value: str, start: int, end: int, font: str = "") -> None:
        self.out.append(Token(kind, value, start, end, font))


def closing_brace(text: str, open_at: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``open_at``; raises if it is never closed."""
    depth = 0
    i = open_at
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise FormulaError(
        "a brace is never closed",
        open_at + 1,
        f"the brace opened at column {open_at + 1} is never closed: add a '}}'",
        text,
    )


def skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def braced(text: str, pos: int) -> tuple[int, int] | None:
    """The braced argument starting at ``pos`` (after spaces): where its inside begins and where
    its closing brace is; None when no brace opens there."""
    brace = skip_ws(text, pos)
    if brace >= len(text) or text[brace] != "{":
        return None
    return brace + 1, closing_brace(text, brace)


def bracketed(text: str, pos: int) -> int:
    """After an optional argument ``[...]`` at ``pos`` (after spaces), or ``pos`` itself."""
    start = skip_ws(text, pos)
    if start < len(text) and text[start] == "[":
        close = text.find("]", start)
        if close != -1:
            return close + 1
    return pos
