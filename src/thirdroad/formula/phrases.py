"""How things read inside a sentence: concept names ("a softmax", "SGD with momentum",
"Adam", "Adam's step"), the parts of a formula (in words, or as written in plain Unicode),
a variable's meaning, and lists ("a, b and c")."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import thirdroad.concepts as concepts_module
from thirdroad.concepts import ROLE_WORDS, Concept
from thirdroad.formula.ast import Node
from thirdroad.formula.latex import to_latex
from thirdroad.formula.recognize import quiet
from thirdroad.formula.unicode import to_unicode
from thirdroad.formula.words import to_words

# Names of a method that read without an article: "this is gradient descent", "weight decay".
_MASS_ENDINGS = ("descent", "decay", "clipping", "annealing", "correction", "momentum")


def article(name: str) -> str:
    """The article a name takes: "a", "an", "the" for a one-of-a-kind name (the chain rule), or
    none for a proper name or a method's name."""
    if name in _flagged_names("definite"):
        return "the"
    if (_proper(name) or is_mass(name) or name.endswith(_MASS_ENDINGS) or "'s " in name
            or name.startswith("the ") or _plural(name)):
        # "this is Adam", "multi-head attention", "gradient descent", "Adam's step", "the gate
        # of a GRU", "attention weights": no article
        return ""
    if name[:2].isupper():  # an acronym is read letter by letter: an SGD, an MSE, a GRU
        return "an" if name[0] in "AEFHILMNORSX" else "a"
    return "an" if name[:1].lower() in "aeiou" else "a"


def _plural(name: str) -> bool:
    """"Attention weights", "RBM conditionals": the head noun (the last word before a "with" or
    "of" phrase) ends in a plural s; "loss", "softplus" and "cross-entropy with logits" do not."""
    head = re.split(r" (?:with|of|for) ", name, maxsplit=1)[0].split()
    word = head[-1] if head else ""
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


# Words from people's names keep their capital inside a sentence: "a Hessian matrix".
_EPONYMS = frozenset({"Bayes'", "Bernoulli", "Boltzmann", "Cholesky", "Euclidean", "Frobenius", "Gaussian",
                      "Hadamard", "Heaviside", "Hessian", "Huber", "Jacobian", "Kaiming", "Kullback-Leibler",
                      "Mahalanobis", "Nesterov", "Newton's", "Poisson", "Polyak", "Taylor", "Wasserstein", "Xavier"})


def _keeps_capital(name: str) -> bool:
    first = name.split()[0] if name.split() else name
    return name[:2].isupper() or first in _EPONYMS or any(c.isupper() for c in first[1:])


def concept_name(concept: Concept) -> str:
    """The concept's name as it reads inside a sentence: lower case, acronyms and names kept."""
    name = concept.name
    return name if _keeps_capital(name) or _proper(name) else name[:1].lower() + name[1:]


def _proper(name: str) -> bool:
    """A name rather than a noun: Adam, Lion, AdaMax (optimizers are named by their papers)."""
    return name in _proper_names()


@cache
def _proper_names() -> frozenset[str]:
    """Optimizers named by one word (Adam), or by an acronym or a person and more words
    ("SGD with momentum", "Nesterov momentum")."""
    return frozenset(c.name for c in concepts_module.catalog()
                     if c.family == "optimizers" and (" " not in c.name or _keeps_capital(c.name)))


def is_mass(name: str) -> bool:
    """An uncountable name (the catalog's ``mass_noun``): "scaled dot-product attention",
    "dropout", "layer normalisation"."""
    return name in _flagged_names("mass_noun")


@cache
def _flagged_names(flag: str) -> frozenset[str]:
    """The names of the catalog's concepts with ``flag`` set (``mass_noun``, ``definite``), as
    written and as they read in a sentence."""
    chosen = [c for c in concepts_module.catalog() if getattr(c, flag)]
    return frozenset(c.name for c in chosen) | frozenset(concept_name(c) for c in chosen)


def with_article(name: str) -> str:
    """``a softmax``, ``an EMA``, ``Adam``."""
    word = article(name)
    return f"{word} {name}" if word else name


def role_name(concept: Concept, role: str) -> str:
    """``Adam's first moment``, ``the gate of a GRU``, ``the scaled scores of scaled dot-product
    attention``, or the concept's name (no ``role``)."""
    name = concept_name(concept)
    if not role:
        return name
    if not article(name) and not is_mass(name):
        return f"{name}'s {role}"
    return f"the {role} of {with_article(name)}"


def meaning(text: str, role: str) -> str:
    """A variable's meaning as a noun phrase: ``the previous average``, ``a vector``."""
    text = text.split(":")[-1].strip()
    if not text:
        return ROLE_WORDS.get(role, f"a {role}")
    if "(" not in text and ", " in text:
        head, _, rest = text.partition(", ")
        text = f"{head} ({rest})"  # "small constant, inside the root" in a list of names
    if text.startswith(("a ", "an ", "the ", "one ")) or text[:1].isdigit():
        return text
    return "the " + text


# -- the parts of a formula --------------------------------------------------------------------
# A template variable is bound to a node, or to (node, the index symbols it is read along):
# ``atom`` is the node either way.


def atom(bound: Any) -> Any:
    """The node a binding holds (a binding is a node, or a node with its index symbols)."""
    return bound[0] if isinstance(bound, tuple) else bound


def words(node: Node) -> str:
    """A part of a formula read aloud (``β times v``); its LaTeX if it has no words."""
    text = quiet(lambda: to_words(node))
    return str(text) if text is not None else to_latex(node)


def binding_words(bound: Any) -> str:
    """A binding in words (a node, a node with its indices, or a plain value)."""
    node = atom(bound)
    return words(node) if isinstance(node, Node) else str(bound)


def notation(bound: Any) -> str:
    """A bound part as it is written, in plain Unicode (``∇_θ L(θ)``), or in words if it has no
    one-line spelling."""
    node = atom(bound)
    if not isinstance(node, Node):
        return str(bound)
    text = quiet(lambda: to_unicode(node))
    return str(text) if text is not None and "\\" not in text else words(node)


# -- sentences ---------------------------------------------------------------------------------


def join(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def lower_first(text: str) -> str:
    """``Takes ...`` and ``A sigmoid ...`` continue a sentence in lower case; ``RMSProp`` keeps its
    capitals."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first == "A" or first[1:2].islower() else text


__all__ = ["article", "atom", "binding_words", "concept_name", "is_mass", "join", "lower_first", "meaning",
           "notation", "role_name", "with_article", "words"]
