"""Losses that compare predictions with targets: when a squared difference is one.

A squared error ``(y - \\hat y)^2`` has the shape of many other things: the spread of data around
its mean (a variance's terms), a squared distance between two vectors, a least-squares objective,
an energy, the exponent of a Gaussian, the quadratic branch of Huber's loss. The catalog's
templates of a loss name their inputs' roles (``vector: targets``, ``vector: predictions``); a
chunk is that loss where the chunk's names play them (``evidence`` for the other checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thirdroad.formula.ast import Apply, Conditional, Fraction, Node, Number, Power, Product, Relation, Symbol
from thirdroad.formula.found import Recognition
from thirdroad.formula.normal_form import canon
from thirdroad.formula.templates import CompiledTemplate, symbol_tree


def errors_of_predictions(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None) -> bool:
    """A loss that compares predictions with targets (squared error) compares a prediction, not a
    statistic of the data: ``(x_i - \\bar x)^2`` and ``(x - \\mu)^2`` are spreads around a mean (a
    variance's terms). Written with no normaliser (``unnormalised``), a sum of squared differences
    is as much a squared distance (``\\sum_i (p_i - q_i)^2``), a least-squares objective or an
    energy (``E(y, z) = \\|y - W z\\|^2``) as an error; it is a loss where the roles say so: the
    prediction written as one (``\\hat y``, or a model called, ``f(x_i)``, ``\\mbox{f}[x, φ]``), or the
    line naming a loss (``L``, ``\\ell_i``, ``J``, ``\\text{loss}``)."""
    if not compares_predictions(ct):
        return True
    nodes, aimed = _bound(ct, bindings, ("prediction", "output")), _bound(ct, bindings, ("target",))
    if any(_statistic(n) for n in nodes):
        return False
    if any(_prediction(n) for n in aimed) and not any(_prediction(n) for n in nodes):
        return False  # the roles the other way round: f(x) - y has the prediction first
    if not unnormalised(ct):
        return True  # divided by a count or halved: the catalog's own losses
    if _head_name(target) in _ENERGY:
        return False  # E(y, z) = [y_1 - g_1(z)]^2 + ...: the energy of a configuration
    return any(_prediction(n) for n in nodes) or _loss_name(target)


_ENERGY = frozenset({"E", "F", "U"})  # the letters of an energy


def says_it_is_an_error(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None) -> bool:
    """Whether a formula that a repair would make a loss comparing predictions with targets (a
    lost square put back) says that it is that loss: the line names a loss (``J``, ``L``, ``\\ell``,
    ``\\text{MSE}``, cost) and compares names of the data or predictions (``y_i``, ``\\hat y_i``,
    ``f(x_i)``; not a computed ``\\log \\sum_k e^{f_k}``). A mean of differences, even of a prediction
    and its target, is as often a mean error or the derivative of a loss with respect to a bias."""
    if not compares_predictions(ct):
        return True
    compared = _bound(ct, bindings, ("prediction", "output", "target"))
    return all(isinstance(n, Symbol) or _prediction(n) for n in compared) and _loss_name(target)


def _bound(ct: CompiledTemplate, bindings: Mapping[str, Any], roles: tuple[str, ...]) -> list[Any]:
    """What the template's variables meant as ``roles`` (predictions, targets) are bound to."""
    return [b[0] if isinstance(b, tuple) else b for v in ct.template.variables
            if _means(v.meaning, roles) and (b := bindings.get(v.name)) is not None]


def unnormalised(ct: CompiledTemplate) -> bool:
    """A loss template written with no count or half before it: a bare sum, or one term."""
    return not ct.features & {"fraction", "f:mean"}


def compares_predictions(ct: CompiledTemplate) -> bool:
    """A template whose inputs are predictions and their targets."""
    said = [v.meaning.split(":", 1)[-1] for v in ct.template.variables]
    return any("target" in m for m in said) and any("prediction" in m or "output" in m for m in said)


def _means(meaning: str, words: tuple[str, ...]) -> bool:
    said = meaning.split(":", 1)[-1]
    return any(w in said for w in words)


def _statistic(node: Any) -> bool:
    """A mean written as one: ``\\bar x``, ``\\mu``, ``\\mu_x``, ``E[x]``, ``mean(x)``."""
    if isinstance(node, Symbol):
        return node.accent == "bar" or node.name == "mu"
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        return node.func.name in ("mean", "E", "avg", "inner")
    return isinstance(node, Node) and node.kind == "expectation"


def _prediction(node: Any) -> bool:
    """A prediction written as one: with a hat, or a model's function called (f, g, h); in code,
    a name or a name's word subscript that says so (``y_pred``, ``y_hat``, ``yhat``, ``preds``)."""
    if isinstance(node, Symbol):
        words = [node.name] + [s.name for s in node.sub if isinstance(s, Symbol) and len(s.name) > 1]
        return node.accent in ("hat", "widehat") or any(w.lower() in _PREDICTION_WORDS for w in words)
    return isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name in ("f", "g", "h")


_PREDICTION_WORDS = frozenset({"pred", "preds", "predicted", "prediction", "predictions", "hat", "yhat", "output",
                               "outputs"})


def _loss_name(target: Node | None) -> bool:
    name = _head_name(target)
    return name in ("L", "ell", "J", "C") or any(w in name.lower() for w in ("loss", "cost", "error", "mse", "sse"))


def probability_of_its_outcome(ct: CompiledTemplate, bindings: Mapping[str, Any], target: Node | None) -> bool:
    """A distribution's template assigns the probability of its outcome (``P(x) = p^x (1-p)^{1-x}``);
    a line that assigns the probability of the very name the match takes as the outcome says so
    too, whatever the letters (``Pr(y \\mid \\lambda) = (1 - \\lambda)^{1 - y} \\lambda^y``)."""
    output = symbol_tree(ct.template.output) if ct.template.output else None
    written, held = _outcome(output), _outcome(target)
    if written is None or held is None:
        return False
    for var in ct.template.variables:
        bound = bindings.get(var.name)
        if symbol_tree(var.symbol) == written and bound is not None:
            return bool((bound[0] if isinstance(bound, tuple) else bound) == held)
    return False


def _outcome(node: Node | None) -> Node | None:
    """The outcome a probability is written of: the x of ``P(x)``, ``p(x \\mid θ)``, ``Pr(y|λ)``."""
    if not (isinstance(node, Apply) and isinstance(node.func, Symbol) and node.func.name in _PROBABILITY
            and len(node.args) == 1):
        return None
    arg = node.args[0]
    return canon(arg.event) if isinstance(arg, Conditional) else canon(arg)


_PROBABILITY = frozenset({"p", "P", "Pr", "q", "Q"})


def in_a_larger_form(path: str, result: Recognition) -> bool:
    """Whether the chunk at ``path`` is a part of a larger form, not a loss of its own: written
    inside an exponential or a branch of a piecewise definition (a Gaussian's exponent, Huber's
    quadratic branch), divided by more than a count (``(y - μ)^2 / 2σ^2``, a Gaussian's log), or
    on a line that defines an energy (``E(y, z) = [y_1 - g_1(z)]^2 + ...``)."""
    parts = path.split(".")
    for k in range(1, len(parts)):
        node = result.nodes.get(".".join(parts[:k]))
        if node is None:
            continue
        if node.kind in ("cases", "matrix") or _exponential(node):
            return True
        if isinstance(node, Relation) and _head_name(node.operands[0]) in _ENERGY:
            return True
        if isinstance(node, Fraction) and ".".join(parts[:k + 1]) == f"{'.'.join(parts[:k])}.0" \
                and not _a_count(node.den):
            return True
    return False


def _a_count(node: Node) -> bool:
    """A number, a count (``N``, ``m``, ``|D|``), or a number times one (``2 n``)."""
    if isinstance(node, Number | Symbol):
        return True
    if isinstance(node, Product):
        return sum(not isinstance(f, Number) for f in node.factors) <= 1 and all(
            isinstance(f, Number | Symbol) for f in node.factors)
    return False


def _exponential(node: Node) -> bool:
    if isinstance(node, Apply):
        return isinstance(node.func, Symbol) and node.func.name == "exp"
    return isinstance(node, Power) and isinstance(node.base, Symbol) and node.base.name == "e"


def _head_name(node: Node | None) -> str:
    """The letter a value is written with: ``E`` of ``E(y, z)``, ``L`` of ``L[φ]`` or ``L_i``."""
    if isinstance(node, Apply):
        node = node.func
    elif isinstance(node, Product) and node.factors:
        node = node.factors[0]
    return node.name if isinstance(node, Symbol) else ""


__all__ = [
    "compares_predictions",
    "errors_of_predictions",
    "in_a_larger_form",
    "probability_of_its_outcome",
    "unnormalised",
]
