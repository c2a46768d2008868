"""The concepts a formula is said to be, in words: ``\\text{Adam}``, an operator name, or the
sentences around it. This is all ``recognize`` (and so ``explain``) takes from the context: one
formula in two sentences that name the same concepts is read the same way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import thirdroad.concepts as concepts_module
from thirdroad.concepts import Catalog
from thirdroad.formula.ast import Text
from thirdroad.formula.reading import Formula


def claims(formula: Formula, context: str = "") -> frozenset[str]:
    """The ids of the concepts named by the words of the formula and of ``context``."""
    words = re.findall(r"[a-z][a-z0-9]*", (context + " " + formula.source).lower())
    for n in formula.root.walk():
        if isinstance(n, Text):
            words.extend(re.findall(r"[a-z][a-z0-9]*", n.text.lower()))
    text = " " + " ".join(words) + " "
    named = _spoken_names(concepts_module.catalog())
    # a name can be in the text only if its first word is a word of the text ("" for a name
    # without words, which stands for the empty text)
    return frozenset(cid for first in {*words, ""} for cid, phrase in named.get(first, ()) if phrase in text)


def families(formula: Formula, context: str = "") -> frozenset[str]:
    """The families of the catalog the words name (``Weight Initialization``: initialisation),
    spelt either way (-ise, -ize) and in the singular or plural."""
    words = {_stem(w) for w in re.findall(r"[a-z][a-z0-9]*", (context + " " + formula.source).lower())}
    return frozenset(f for f in {c.family for c in concepts_module.catalog()} if _stem(f.replace("_", "")) in words)


def _stem(word: str) -> str:
    return word.replace("z", "s").removesuffix("s")


@lru_cache(maxsize=2)
def _spoken_names(cat: Catalog) -> Mapping[str, tuple[tuple[str, str], ...]]:
    """Each concept's id, name and aliases as the words ``claims`` looks for (`` rms prop ``),
    by their first word; worked out once per catalog rather than once per formula."""
    table: dict[str, list[tuple[str, str]]] = {}
    for concept in cat:
        names = {concept.id.replace("_", " "), concept.name.lower(), *(a.lower() for a in concept.aliases)}
        for name in sorted(names):
            words = re.findall(r"[a-z0-9]+", name)
            table.setdefault(words[0] if words else "", []).append((concept.id, f" {' '.join(words)} "))
    return {first: tuple(entries) for first, entries in table.items()}


__all__ = ["claims", "families"]
