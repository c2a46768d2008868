"""The plain data of the catalog: concepts, their formula templates and the edges between them.

Everything here is frozen: the catalog is read once from the TOML files and then only looked at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from thirdroad.concepts._misstatements import Misstatement

#: Roles a pattern variable can play in a template.
#: Value roles are passed to the template's NumPy reference, by name; the others are not
#: (an index picks an entry of the reference's result, a size is read off the arrays' shapes).
VALUE_ROLES = frozenset(
    {"scalar", "vector", "matrix", "tensor", "label", "hyperparameter", "step", "function"}
)
INDEX_ROLES = frozenset({"index", "bound_index", "size"})
ROLES = VALUE_ROLES | INDEX_ROLES

#: The slips a near-miss check looks for, each one repair away from a correct formula. A concept
#: lists those its formulas are checked for (``near_misses`` in the data): a softmax that lost
#: its exp, an update whose step goes uphill ... A convention is never a slip: each convention
#: a concept is written in is a template of its own.
NEAR_MISS_KINDS = {
    "lost_exp": "an exp lost (a softmax's denominator, a sigmoid's e^-x)",
    "lost_sqrt": "a square root lost (over a second moment, a variance, a fan)",
    "lost_square": "a square lost (a squared gradient, a squared error)",
    "swapped_beta": "the weights beta and 1 - beta of a moving average changed places",
    "flipped_sign": "one sign flipped (a step that climbs, a loss without its minus)",
    "wrong_normaliser": "a normaliser that is not the sum or count it should be",
    "wrong_weights": "the two weights of a moving average do not add up to one",
    "missing_eps": "the epsilon that keeps a division away from zero is gone",
}

ROLE_WORDS = {
    "scalar": "a number",
    "vector": "a vector",
    "matrix": "a matrix",
    "tensor": "an array of any shape",
    "label": "a class label (an integer, or one per example)",
    "hyperparameter": "a setting you choose",
    "step": "the step counter",
    "function": "a function",
    "index": "a free index (the formula holds for each value of it)",
    "bound_index": "a bound index (summed or maxed over; its name does not matter)",
    "size": "a size (a count, read off the arrays)",
}


#: What values a variable may take beyond its role (``domains`` in the data), so that worked
#: examples and numeric checks draw values that mean something: gates in (0, 1), not 2.
DOMAINS = {
    "positive": "a positive number",
    "non-negative": "zero or more",
    "negative": "a negative number",
    "in (0, 1)": "strictly between 0 and 1",
    "in [0, 1]": "between 0 and 1",
    "probability vector": "non-negative entries that add up to one",
    "labels": "class labels, whole numbers from 0",
    "one-hot": "one 1 in each row, 0 elsewhere",
    "0 or 1": "each entry 0 or 1",
    "-1 or 1": "each entry -1 or 1",
    "whole": "a whole number",
    "positive definite": "a symmetric matrix with positive eigenvalues",
    "lower triangular": "a square matrix with zeros above its diagonal and positive numbers on it",
    "upper triangular": "a square matrix with zeros below its diagonal and positive numbers on it",
    "n by 2n": "a matrix that takes two vectors stacked into one",
    "n² by n": "a matrix that takes n heads of width n side by side",
    "may be left out": "a term formulas often do not write (a bias): the formula is the same concept without it",
    "1 where left out": "a factor formulas often do not write (a dilation of 1): the same concept with it at 1",
}
#: A domain may also fix how many axes the variable's values have: "3 axes", "at least 1 axis".
AXES_PATTERN = re.compile(r"^(at least )?([0-9]) ax[ie]s$")


@dataclass(frozen=True)
class Variable:
    """A pattern variable of a template.

    ``name`` is a Python identifier (the reference's parameter name); ``symbol`` is how it is
    written in the template's LaTeX (``v_{t-1}`` for ``v_prev``, ``\\gamma`` for ``gamma``).
    """

    name: str
    symbol: str
    role: str
    meaning: str = ""
    domain: tuple[str, ...] = ()  # phrases of DOMAINS, or of AXES_PATTERN

    @property
    def axes(self) -> tuple[int, bool] | None:
        """(how many axes its values have, whether that is a least number), if its domain says."""
        for phrase in self.domain:
            found = AXES_PATTERN.match(phrase)
            if found:
                return int(found.group(2)), bool(found.group(1))
            if phrase in ("n by 2n", "n² by n"):
                return 2, False
        return None

    @property
    def optional(self) -> bool:
        """A term formulas often leave out (a bias, ``domains = { b = "may be left out" }``)."""
        return "may be left out" in self.domain

    @property
    def one_where_left_out(self) -> bool:
        """A factor formulas often leave out, being 1 (a dilation: ``d (k - 1)`` is ``k - 1``)."""
        return "1 where left out" in self.domain

    @property
    def written(self) -> bool:
        """False for a setting the formula does not show (its symbol is empty)."""
        return bool(self.symbol)

    @property
    def passed_to_reference(self) -> bool:
        return self.role in VALUE_ROLES


@dataclass(frozen=True)
class Template:
    """One way of writing a concept's formula, with its pattern variables.

    ``latex`` is the right-hand side (what the reference computes) and ``output`` the left-hand
    side, if the usual writing has one (``v_t`` in ``v_t = \\beta v_{t-1} + ...``).
    ``notation`` says who writes it this way, ``note`` states the convention where sources differ.
    ``part`` names the part of the concept a line computes when it is not the whole (RMSProp's
    "running average of squared gradients", Adam's "first moment"); ``does`` says what that
    line does, in place of the concept's ``action``.
    ``normalised`` lists the variables whose values must be weights that add up to one (the
    weights of a convex combination), each with the other names conventionally written for
    such weights (``\\pi`` for mixture weights); the variable's own symbol always counts.
    ``derived`` lists names the template writes that are statistics of one of its variables,
    ``(written, statistic, variable)``: ``('\\mu', 'mean', 'x')`` in a variance.
    ``result`` is the domain of the value the template computes (a softmax's "probability
    vector"), which a worked example's result is checked against before it is shown.
    """

    concept: str
    latex: str
    variables: tuple[Variable, ...]
    reference: str
    output: str = ""
    says: str = ""
    notation: str = ""
    note: str = ""
    part: str = ""
    does: str = ""
    normalised: tuple[tuple[str, tuple[str, ...]], ...] = ()
    derived: tuple[tuple[str, str, str], ...] = ()
    result: tuple[str, ...] = ()  # the domain of the template's value (phrases of DOMAINS)

    @property
    def equation(self) -> str:
        """The template as it is usually printed, ``output = latex``."""
        return f"{self.output} = {self.latex}" if self.output else self.latex

    def variable(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        raise KeyError(f"template of {self.concept!r} has no variable {name!r}")

    @property
    def inputs(self) -> tuple[str, ...]:
        """Names of the variables the reference takes, in template order."""
        return tuple(v.name for v in self.variables if v.passed_to_reference)

    def reference_function(self) -> Callable[..., Any]:
        from thirdroad.concepts import references

        fn: Callable[..., Any] = getattr(references, self.reference)
        return fn

    def evaluate(self, **bindings: Any) -> Any:
        """Call the NumPy reference with values for the template's value variables."""
        return self.reference_function()(**bindings)


@dataclass(frozen=True)
class Edge:
    """``target`` builds on ``source``; ``how`` says in a short phrase in what way."""

    source: str
    target: str
    how: str

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}: {self.how}"


@dataclass(frozen=True)
class Concept:
    """A named idea of deep learning math, with its words, formulas and neighbours."""

    id: str
    name: str
    family: str
    summary: str
    action: str
    formulas: tuple[Template, ...]
    builds_on: tuple[Edge, ...] = ()
    related: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    conventions: tuple[str, ...] = ()
    pitfalls: tuple[str, ...] = ()
    sums_to_one: bool = False  # its values are weights that add up to one (softmax, a distribution)
    mass_noun: bool = False  # its name takes no article: "multi-head attention", "dropout"
    definite: bool = False  # there is one of it, so its name takes "the": "the chain rule"
    near_misses: tuple[str, ...] = ()  # the slips (NEAR_MISS_KINDS) its formulas are checked for
    written: tuple[str, ...] = ()  # names formulas give it as a function (score(h_t, h_s)), not words of prose
    misstatements: tuple[Misstatement, ...] = ()  # slips people make about it in words, with patterns
    engine: tuple[str, ...] = ()  # where to run it: thirdroad.nn names ("nn.RBM") and commands
    source_file: str = field(default="", compare=False, repr=False)

    @property
    def prerequisites(self) -> tuple[str, ...]:
        """Ids this concept builds on, in the order the data lists them."""
        return tuple(edge.source for edge in self.builds_on)

    @property
    def reference(self) -> Callable[..., Any]:
        """The NumPy reference of the first (main) template."""
        return self.formulas[0].reference_function()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for ``--json`` and the web API)."""
        return {
            "id": self.id,
            "name": self.name,
            "family": self.family,
            "summary": self.summary,
            "action": self.action,
            "aliases": list(self.aliases),
            "builds_on": [{"id": e.source, "how": e.how} for e in self.builds_on],
            "related": list(self.related),
            "formulas": [
                {
                    "latex": t.latex,
                    "output": t.output,
                    "says": t.says,
                    "notation": t.notation,
                    "note": t.note,
                    "part": t.part,
                    "does": t.does,
                    "reference": t.reference,
                    "normalised": {var: list(names) for var, names in t.normalised},
                    "derived": {written: f"{stat} of {var}" for written, stat, var in t.derived},
                    "result": list(t.result),
                    "variables": [
                        {"name": v.name, "symbol": v.symbol, "role": v.role, "meaning": v.meaning,
                         "domain": list(v.domain)}
                        for v in t.variables
                    ],
                }
                for t in self.formulas
            ],
            "conventions": list(self.conventions),
            "pitfalls": list(self.pitfalls),
            "sums_to_one": self.sums_to_one,
            "mass_noun": self.mass_noun,
            "definite": self.definite,
            "near_misses": list(self.near_misses),
            "written": list(self.written),
            "misstatements": [m.to_dict() for m in self.misstatements],
            "engine": list(self.engine),
            "references": list(self.references),
        }
