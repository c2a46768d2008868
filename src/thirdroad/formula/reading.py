"""Reading a formula: ``parse(text)``, any notation in, one :class:`Formula` out.

The text's notation is detected (or given), a mangled copy is repaired, the tokens are read by
the :class:`~thirdroad.formula.parser.Parser`; the :class:`Formula` keeps the tree with the
source, the notation, the repairs and every decision a notation rule took.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from thirdroad.formula.ast import Node, strip_spans
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.latex import to_latex
from thirdroad.formula.parser import Parser
from thirdroad.formula.repair import Repair, balance_brackets, looks_mangled, repair
from thirdroad.formula.rules import RULES, Decision
from thirdroad.formula.tokens import MAX_LENGTH, tokenize

NOTATIONS = ("latex", "unicode", "ascii", "mangled")

_LATEX_SIGNS = re.compile(r"\\[A-Za-z|{}]|[\^_]\{|\\\\")


def detect_notation(text: str) -> str:
    """``latex`` if the text uses commands or braced scripts, ``mangled`` if it looks like a
    damaged copy of LaTeX, ``unicode`` if it uses non-ASCII math characters, else ``ascii``."""
    if looks_mangled(text):
        return "mangled"
    if _LATEX_SIGNS.search(text):
        return "latex"
    if any(ord(c) > 127 for c in text):
        return "unicode"
    return "ascii"


@dataclass(frozen=True, eq=False)
class Formula:
    """A parsed formula. Two formulas are equal when their trees are (spans, source text,
    notation and decisions are ignored)."""

    root: Node
    source: str = ""
    notation: str = "latex"
    decisions: tuple[Decision, ...] = field(default=())
    repairs: tuple[Repair, ...] = field(default=())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Formula) and self.root == other.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Formula({self.latex!r}, notation={self.notation!r})"

    @property
    def latex(self) -> str:
        """The canonical LaTeX."""
        return to_latex(self.root)

    def to_latex(self) -> str:
        return to_latex(self.root)

    def to_mathml(self) -> str:
        from thirdroad.formula.mathml import to_mathml

        return to_mathml(self.root)

    def tree(self) -> str:
        """A precedence tree for the terminal."""
        from thirdroad.formula.tree import pretty

        return pretty(self.root)

    def to_words(self) -> str:
        """The formula read aloud in plain words."""
        from thirdroad.formula.words import to_words

        return to_words(self.root)

    def alternatives(self) -> list[tuple[Decision, Formula]]:
        """Where a rule chose between two plausible readings, the other reading too:
        ``(decision, formula read the other way)`` for each decision that can be turned."""
        out: list[tuple[Decision, Formula]] = []
        for d in self.decisions:
            if not RULES[d.rule].turnable:
                continue
            try:
                other = parse(self.source, self.notation, _flips=frozenset({(d.rule, d.span[0])}))
            except FormulaError:
                continue
            if other != self:
                out.append((d, other))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.source,
            "notation": self.notation,
            "latex": self.latex,
            "repairs": [r.to_dict() for r in self.repairs],
            "decisions": [
                {"rule": d.rule, "span": list(d.span), "chosen": d.chosen,
                 "alternative": d.alternative}
                for d in self.decisions
            ],
            "tree": strip_spans(self.root),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def _repr_html_(self) -> str:
        return self.to_mathml()


def parse(text: str, notation: str | None = None, *,
          _flips: frozenset[tuple[str, int]] = frozenset()) -> Formula:
    """Read ``text`` into a :class:`Formula`. ``notation`` is detected unless given as
    ``latex``, ``unicode``, ``ascii`` or ``mangled`` (repair first, then read as LaTeX).

    Raises :class:`FormulaError` (and nothing else) for input it cannot read.
    """
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text, not {type(text).__name__}", 1)
    if notation is not None and notation not in NOTATIONS:
        raise FormulaError(f"unknown notation {notation!r}", 1,
                           f"use one of {', '.join(NOTATIONS)}")
    if len(text) > MAX_LENGTH:
        tokenize(text)  # raises the length error with its hint
    chosen = notation or detect_notation(text)
    repairs: tuple[Repair, ...] = ()
    source = text
    if chosen == "mangled":
        text, repair_list = repair(text)
        repairs = tuple(repair_list)
    try:
        root, decisions = _read(text, chosen, _flips)
    except FormulaError as exc:
        if repairs:
            raise FormulaError(f"{exc.message} (after repairs: {text})",
                               exc.position, exc.hint, text) from exc
        balanced, fixes = balance_brackets(text) if _BRACKET_FAULT.search(exc.message) else (text, [])
        if not fixes:
            raise
        try:  # a bracket left open or closed twice in the source: read it balanced, and say so
            root, decisions = _read(balanced, chosen, _flips)
        except FormulaError:
            raise exc from None
        repairs = tuple(fixes)
    return Formula(root, source, chosen, decisions, repairs)


_BRACKET_FAULT = re.compile(r"is never closed|unexpected '(?:[)\]]|\\+)'")  # \\: a row ended early


def _read(text: str, notation: str, flips: frozenset[tuple[str, int]]) -> tuple[Node, tuple[Decision, ...]]:
    try:
        parser = Parser(text, tokenize(text, notation), "latex" if notation == "mangled" else notation, flips)
        return parser.parse(), tuple(parser.decisions)
    except RecursionError as exc:  # defence in depth: the depth limit should come first
        raise FormulaError("the formula is nested too deeply", 1, "split it up", text) from exc
