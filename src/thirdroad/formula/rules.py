"""The written rules that settle ambiguous notation, and the record of each use.

When a piece of notation can be read two ways, the reader applies one of these rules and adds a
:class:`Decision` to the formula, so the explanation can say which rule decided and what the
other reading would have been. Each rule is one :class:`Rule` object, written beside the code
that applies it (a hook the reader calls at that point of the grammar, or a pass over the
finished tree) and registered here by its name; ``RULES`` is that register, in the order the
rules are written. Where both readings stay plausible the rule can be turned, and
``Formula.alternatives()`` gives the other tree too.

``python -m thirdroad.formula.rules`` prints the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from thirdroad.formula.ast import Span

F = TypeVar("F", bound=Callable[..., Any])

RULES: dict[str, Rule] = {}  # every rule by its name, filled as the rules are written


@dataclass(eq=False)
class Rule:
    """One written rule: its name, what it says in the learner's words, the other reading
    when it can be turned (empty when it cannot), and the code that applies it."""

    name: str
    says: str
    other: str = ""
    code: Callable[..., Any] | None = field(default=None, repr=False)
    rewrites_tree: bool = False  # the code is a pass over the finished tree
    elsewhere: str = ""  # where a rule applied outside the reader is applied, until it names its code

    def __post_init__(self) -> None:
        if self.name in RULES:
            raise ValueError(f"the rule {self.name!r} is written twice")
        RULES[self.name] = self

    @property
    def turnable(self) -> bool:
        """Whether ``Formula.alternatives()`` can give the other reading."""
        return bool(self.other)

    def hook(self, fn: F) -> F:
        """Mark ``fn`` as the code the reader calls to apply this rule (a decorator)."""
        self.code = fn
        return fn

    def tree_pass(self, fn: F) -> F:
        """Mark ``fn(reader, root) -> root`` as this rule's pass over the finished tree."""
        self.code = fn
        self.rewrites_tree = True
        return fn

    def applied_by(self) -> str:
        """Where the code that applies the rule is, for the table."""
        if self.code is None:
            return f"applied in {self.elsewhere}" if self.elsewhere else "not applied anywhere yet"
        kind = "tree pass" if self.rewrites_tree else "hook"
        return f"{kind} {self.code.__module__}.{self.code.__qualname__}"


def tree_passes() -> Iterator[Callable[..., Any]]:
    """The passes over the finished tree, ``pass(reader, root) -> root``, one for each rule
    that is applied that way, in the order the rules are written."""
    return (rule.code for rule in RULES.values() if rule.rewrites_tree and rule.code is not None)


@dataclass(frozen=True, slots=True)
class Decision:
    """One use of a rule: which rule (by name), where, what was chosen and what was not."""

    rule: str
    span: Span
    chosen: str
    alternative: str = ""

    @property
    def notation_rule(self) -> Rule:
        """The :class:`Rule` that decided."""
        return RULES[self.rule]

    def describe(self) -> str:
        text = f"{self.rule}: read as {self.chosen}"
        if self.alternative:
            text += f" (not {self.alternative})"
        return text


# Rules applied when a formula is compiled (formula.program), not while it is read.
EULER_E = Rule(
    "euler-e",
    "e as the base of a power is Euler's number, unless e is defined in the block",
    elsewhere="thirdroad.formula.program, when compiling",
)
TIME_STEP = Rule(
    "time-step",
    "when x_t is computed from x_{t-1}, both are the same variable before and after one step",
    elsewhere="thirdroad.formula.program, when compiling",
)


def rules_table() -> str:
    """The rule table as plain text, one rule a paragraph."""
    lines = []
    for rule in sorted(RULES.values(), key=lambda r: r.code is None):  # the reader's rules first
        turn = f"; can be turned: {rule.other}" if rule.turnable else ""
        lines.append(f"{rule.name}\n    {rule.says}\n    ({rule.applied_by()}{turn})")
    return "\n".join(lines)


if __name__ == "__main__":
    from thirdroad.formula.rules import rules_table as table  # the registered rules, not this copy's

    print(table())
