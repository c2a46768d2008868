"""How concept names read inside a sentence: "a softmax", "SGD with momentum", "Adam"."""

from __future__ import annotations

import re
from functools import cache

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Concept

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
_EPONYMS = frozenset({"Boltzmann", "Frobenius", "Gaussian", "Hadamard", "Hessian", "Huber", "Jacobian",
                      "Kaiming", "Kullback-Leibler", "Nesterov", "Poisson", "Xavier"})


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


__all__ = ["article", "concept_name", "is_mass", "with_article"]
