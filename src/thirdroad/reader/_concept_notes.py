"""Concepts a document's prose names, glossed where each is first met: what it is (the catalog's
summary), its formula, and where thirdroad runs it (the catalog's ``engine`` entries).

A concept is met where the prose writes its name or one of its aliases as whole words (a plural
``s`` allowed; an all-capital alias such as SVD only in capitals). Names that are everyday words
or that prose often uses for something else (``mean``, ``slope``, ``RBF``) are left out, and so
are concepts a formula of the document already explains, and words in a heading (a sentence of
fewer than :data:`MIN_WORDS` words). At most :data:`MAX_NOTES` concepts are glossed, the first
met first, so a long page is not buried in notes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

from thirdroad import concepts
from thirdroad.reader._found import FoundFormula
from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._prose import Sentence
from thirdroad.reader._spans import Source

#: A sentence shorter than this is a heading or a caption: no concept is glossed in it.
MIN_WORDS = 6
#: At most this many concepts are glossed in one document.
MAX_NOTES = 12
#: Names and aliases that prose uses in their everyday sense, or for something else.
EVERYDAY = frozenset({
    "average", "mean", "expectation", "slope", "length", "magnitude", "trace", "threshold", "transpose",
    "rectifier", "warmup", "momentum", "grad", "conv", "concat", "matmul", "swish", "embedding", "entropy",
    "variance", "gaussian", "determinant", "derivative", "rbf", "bn", "lrn", "nag", "lion", "mish",
    "likelihood",  # everyday prose: "the likelihood of rain", not the statistician's p(data | θ)
})


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """The names to look for (case-insensitive, then acronyms in capitals) and their concepts."""
    words: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for concept in concepts.catalog():
        for phrase in (concept.name, *concept.aliases):
            if len(phrase) < 3 or phrase.lower() in EVERYDAY or not re.fullmatch(r"[A-Za-z][A-Za-z0-9 '-]*", phrase):
                continue
            if phrase.isupper():
                acronyms.setdefault(phrase, concept.id)
            else:
                words.setdefault(phrase.lower(), concept.id)

    def alternation(phrases: Iterable[str]) -> str:
        return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))

    word_re = re.compile(rf"(?<![\w-])(?:{alternation(words)})(?:s|es)?(?![\w-])", re.IGNORECASE)
    acronym_re = re.compile(rf"(?<![\w-])(?:{alternation(acronyms)})s?(?![\w-])")
    return word_re, acronym_re, {**words, **{a.lower(): cid for a, cid in acronyms.items()}}


def _concept_of(match: str, table: dict[str, str]) -> str | None:
    key = " ".join(match.lower().split())
    for cut in (key, key[:-1], key[:-2]):  # as written, without a plural s or es
        if cut in table:
            return table[cut]
    return None


def _acronym_concept(text: str) -> str | None:
    """The concept an inline formula such as \\(LU\\) or \\(SVD\\) stands for: one whose alias is
    those capitals, or whose name begins with them as a word (LU decomposition)."""
    word = text.strip("{} ")
    if not re.fullmatch(r"[A-Z]{2,5}", word):
        return None
    named = [c.id for c in concepts.catalog() if word in c.aliases or c.name.startswith(word + " ")]
    return named[0] if len(named) == 1 else None


def _acronym_notes(formulas: Sequence[FoundFormula], source: Source, skip: set[str]) -> list[DocumentNote]:
    notes = []
    catalog = concepts.catalog()
    for found in formulas:
        cid = None if found.display else _acronym_concept(found.text)
        if cid is None or cid in skip:
            continue
        skip.add(cid)
        line, column = source.line_col(found.start)
        notes.append(DocumentNote("concept", cid, catalog[cid].summary, found.start, found.end, line, column,
                                  quote=found.text, links=catalog[cid].engine, formula=found.index))
    return notes


_WORD_START = re.compile(r"(?<![\w-])[A-Za-z]")


def _find_names(pattern: re.Pattern[str], prose: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(prose)``, tried only where a word starts (every name does): the names
    are one long alternation, slow to try at every character of a long page."""
    end = 0
    for word in _WORD_START.finditer(prose):
        if word.start() < end:
            continue
        match = pattern.match(prose, word.start())
        if match:
            end = match.end()
            yield match


def concept_notes(found: Sequence[Sentence], prose: str, source: Source, explained: Iterable[str],
                  formulas: Sequence[FoundFormula] = ()) -> list[DocumentNote]:
    """One note per concept the prose names that no formula of the document explains, and one
    per inline acronym that stands for a concept (\\(LU\\))."""
    word_re, acronym_re, table = _patterns()
    catalog = concepts.catalog()
    starts = [s.start for s in found]
    skip = set(explained)
    firsts: dict[str, tuple[int, int]] = {}
    for pattern in (word_re, acronym_re):
        for match in _find_names(pattern, prose):
            cid = _concept_of(match.group(), table)
            if cid is None or cid in skip:
                continue
            k = bisect.bisect_right(starts, match.start()) - 1
            if k < 0 or match.end() > found[k].end or len(found[k].text.split()) < MIN_WORDS:
                continue
            if cid not in firsts or match.start() < firsts[cid][0]:
                firsts[cid] = (match.start(), match.end())
    notes = []
    chosen = sorted(firsts.items(), key=lambda item: item[1])[:MAX_NOTES]
    for cid, (start, end) in chosen:
        concept = catalog[cid]
        line, column = source.line_col(start)
        notes.append(DocumentNote("concept", cid, concept.summary, start, end, line, column,
                                  quote=prose[start:end], links=concept.engine))
    return notes + _acronym_notes(formulas, source, skip | {cid for cid, _ in chosen})
