"""Which way a formula is meant to go: a flipped sign is a slip only where the direction is known.

Adding the gradient is a slip of gradient descent on a loss, and the right step of gradient
ascent on a log-likelihood, a reward or a log-probability (REINFORCE's θ ← θ + α G ∇ log π).
A loss without its leading minus is a slip; the log-likelihood it was made from is not. So a
flipped-sign slip of an optimizer or a loss is kept only where nothing says the formula climbs
on purpose:

- no log is taken inside a gradient (∇ log p(x | θ) is a log-probability's gradient), and no
  gradient is taken of a policy, a likelihood or a reward;
- the words around the formula do not speak of ascent, maximising, likelihood, reward, return
  or a policy (for a loss: unless they call it a loss, a cost or a negative log-likelihood).

A velocity is no step: ``v = μ v − η g`` followed by ``θ = θ + v`` is heavy-ball momentum as
Sutskever writes it, and the sign inside the velocity is a convention. A momentum's sign slip is
looked for only in a line that updates the parameters themselves (the template's θ). A moving
average's weights are positive whatever the convention, so ``m = β m − (1 − β) g`` stays a slip.
"""

from __future__ import annotations

import re

import thirdroad.concepts as concepts_module
from thirdroad.formula.ast import Apply, Derivative, Gradient, Node, Symbol, Text

# words that say a formula climbs on purpose
_ASCENT = re.compile(r"ascen|maximi[sz]|likelihood|reward|\breturns?\b|polic|advantage|REINFORCE|log[- ]?prob"
                     r"|score function|utility|hill[- ]climb", re.IGNORECASE)
# words that say a quantity is minimised after all (a negative log-likelihood is a loss)
_LOSS = re.compile(r"\bloss|\bcost\b|negative log|\bNLL|cross[- ]?entropy|\berror\b|descent|minimi[sz]",
                   re.IGNORECASE)
# what a gradient of something maximised is written with: a log, a policy, a likelihood, a reward
_CLIMBED_CALLS = frozenset({"log", "ln"})
_CLIMBED_NAMES = frozenset({"pi", "reward", "likelihood", "return", "loglik"})
# optimizers whose velocity may be written with either sign (the parameter update says which)
_VELOCITIES = frozenset({"sgd_momentum", "nesterov"})


def climbs_on_purpose(root: Node, context: str = "", loss: bool = False) -> bool:
    """Whether the formula (``root``) or the words around it (``context``) say it goes up on
    purpose: gradient ascent on a log-probability, a likelihood or a reward. ``loss``: the
    formula is a loss's (then words that call it a loss or a cost win over "likelihood")."""
    for node in root.walk():
        if isinstance(node, Gradient | Derivative) and _climbed(node):
            return True
    if not _ASCENT.search(context):
        return False
    return not (loss and _LOSS.search(context))


def _climbed(node: Gradient | Derivative) -> bool:
    """A gradient of a log (a log-probability, a log-likelihood) or of a policy or a reward."""
    for n in node.expr.walk():
        if isinstance(n, Apply) and isinstance(n.func, Symbol) and n.func.name in _CLIMBED_CALLS:
            return True
        if isinstance(n, Symbol) and n.name in _CLIMBED_NAMES:
            return True
        if isinstance(n, Text) and _ASCENT.search(n.text):
            return True
    return False


def sign_is_known(concept: str, bindings_have_theta: bool, root: Node, context: str) -> bool:
    """Whether a flipped sign found for ``concept`` can be a slip: for an optimizer, never for a
    formula that climbs on purpose, and for momentum only in the update of the parameters
    (``bindings_have_theta``); for a loss, unless the words say it is the likelihood itself."""
    cat = concepts_module.catalog()
    family = cat[concept].family if concept in cat else ""
    if family == "optimizers":
        if concept in _VELOCITIES and not bindings_have_theta:
            return False  # v = μ v − η g, then θ = θ + v: the velocity's sign is a convention
        return not climbs_on_purpose(root, context)
    if family == "losses":
        return not climbs_on_purpose(root, context, loss=True)
    return True


__all__ = ["climbs_on_purpose", "sign_is_known"]
