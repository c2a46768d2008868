"""How concept names read inside a sentence: "a softmax", "an SGD with momentum", "Adam"."""

from __future__ import annotations

from functools import cache

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Concept


def article(name: str) -> str:
    """The article a name takes: "a", "an", or none for a proper name."""
    if _proper(name):
        return ""  # "this is Adam", no article
    if name[:2].isupper():  # an acronym is read letter by letter: an SGD, an MSE, a GRU
        return "an" if name[0] in "AEFHILMNORSX" else "a"
    return "an" if name[:1].lower() in "aeiou" else "a"


def concept_name(concept: Concept) -> str:
    """The concept's name as it reads inside a sentence: lower case, acronyms and names kept."""
    name = concept.name
    return name if name[:2].isupper() or _proper(name) else name[:1].lower() + name[1:]


def _proper(name: str) -> bool:
    """A name rather than a noun: Adam, Lion, AdaMax (optimizers are named by their papers)."""
    return name in _proper_names()


@cache
def _proper_names() -> frozenset[str]:
    return frozenset(c.name for c in concepts_module.catalog() if " " not in c.name and c.family == "optimizers")


def with_article(name: str) -> str:
    """``a softmax``, ``an EMA``, ``Adam``."""
    word = article(name)
    return f"{word} {name}" if word else name


__all__ = ["article", "concept_name", "with_article"]
