"""Formulas that lost their markup: text copied from a rendered page, where math sits in the
running prose (``the update v = β v + (1 − β) g keeps ...``), often mangled on the way
(``fraud {dw}{sqrt{s}+ epsilon}``, lost backslashes, run-on equations).

The rule, stated so it can be checked: a line is cut into words; a word is *mathy* if it has a
math character (operators, brackets, scripts, digits, Greek, math symbols), is one letter, or
is a name the formula reader knows (Greek names, functions such as ``exp`` and ``softmax``,
LaTeX commands and their usual mangled forms); "a", "A" and "I" are prose unless a relation
sign follows them. A formula is a longest run of mathy words that holds an *anchor* (a
relation sign; a sign no prose uses: ``∑``, ``√``, ``\\frac``, ``_{``; or an operator with a
one-letter or subscripted operand: ``1 − p``, ``g_t + b``) and that the parser can read,
trimmed at most three words from each end until it does.
Punctuation that ends a sentence ends a run unless a bracket is still open.
"""

from __future__ import annotations

import re

from thirdroad.formula import FormulaError, parse
from thirdroad.formula.repair import TRANSLATIONS
from thirdroad.formula.tables import (
    DASHES,
    GREEK,
    LATEX_FUNCTIONS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    UNICODE_GREEK,
    WORD_FUNCTIONS,
    words,
)
from thirdroad.reader._spans import MathSpan

_MATH_CHARS = (set("=+*/^_{}()[]|<>·×⊙√∑∏∇∂≈∝←→∈≤≥≠'\\0123456789") | set(UNICODE_GREEK) | DASHES
               | set(SUPERSCRIPTS) | set(SUBSCRIPTS))
_LETTER = r"(?<![\w\\])[A-Za-z\u0370-\u03ff](?!\w)"
_OPERATOR = r"\s+[-+−*/·×]\s+"
_ANCHOR = re.compile(r"(?:=|:=|←|<-|≈|∝|≤|≥|~|∼|\\leftarrow|\\gets|∑|∏|√|∇|∂|\\frac|\\sum|\\sqrt|[_^]\{"
                     r"|\w[_^]\w+" + _OPERATOR + r"|" + _OPERATOR + r"\S*\w[_^]\w"
                     r"|" + _LETTER + _OPERATOR + r"|" + _OPERATOR + _LETTER + ")")
_RELATION_WORD = re.compile(r"^(?:=|:=|←|≈|~|∼|≤|≥)$")
_MATH_WORDS = (
    frozenset(GREEK) | LATEX_FUNCTIONS | WORD_FUNCTIONS | frozenset(TRANSLATIONS)
    | frozenset(words("frac sqrt cdot odot times top nabla partial hat bar tilde mathbf mathrm left right"))
)
# Short words that are English far more often than they are variable names.
_PROSE = frozenset(words("a A I is of to in we it as at by be or on an if so do no up us he its the and for are was "
                         "via per"))
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.;:!?,]+$")
_OPENERS, _CLOSERS = "([{", ")]}"


def _bare(word: str) -> str:
    return word.strip(".,;:!?\"“”")


def is_mathy(word: str) -> bool:
    bare = _bare(word)
    if not bare:
        return False
    if bare in _PROSE:
        return False
    if any(c in _MATH_CHARS for c in bare):
        return True
    return len(bare) <= 2 or bare in _MATH_WORDS


def _runs(line: str) -> list[list[re.Match[str]]]:
    """Longest runs of mathy words in one line; sentence punctuation ends a run."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    depth = 0
    words_ = list(_WORD.finditer(line))
    for k, word in enumerate(words_):
        text = word.group()
        # "the bound a = ...": a one-letter word right before a relation names a variable
        named = len(text) == 1 and k + 1 < len(words_) and bool(_RELATION_WORD.match(words_[k + 1].group()))
        if not (named or is_mathy(text)):
            if current:
                runs.append(current)
            current, depth = [], 0
            continue
        current.append(word)
        depth += sum(text.count(c) for c in _OPENERS) - sum(text.count(c) for c in _CLOSERS)
        if depth <= 0 and _SENTENCE_END.search(text) and not re.fullmatch(r"[\d.]+", text):
            runs.append(current)
            current, depth = [], 0
    if current:
        runs.append(current)
    return [run for run in runs if _ANCHOR.search(" ".join(w.group() for w in run))]


def _text_of(line: str, run: list[re.Match[str]]) -> tuple[int, int, str]:
    start, end = run[0].start(), run[-1].end()
    text = line[start:end]
    stripped = text.rstrip(".,;:!?")
    if stripped.count("(") < stripped.count(")") or stripped.count("[") < stripped.count("]"):
        stripped = stripped.rstrip(")]")
    return start, start + len(stripped), stripped


def _readable(text: str) -> bool:
    if len(text) < 3 or not re.search(r"[A-Za-z\u0370-\u03ff]", text):
        return False
    sides = re.split(r"=|←|:=|≈|~|∼|\\leftarrow", text)
    if len(sides) > 1 and not all(s.strip() for s in sides):
        return False
    try:
        parse(text)
    except FormulaError:
        return False
    return True


def _best_cut(line: str, run: list[re.Match[str]]) -> tuple[int, int, str] | None:
    for trim in range(4):
        for left in range(trim + 1):
            right = len(run) - (trim - left)
            if right - left < 1:
                continue
            part = run[left:right]
            start, end, text = _text_of(line, part)
            if _ANCHOR.search(text) and _readable(text):
                return start, end, text
    return None


def find_plain(text: str) -> list[MathSpan]:
    """Formula-like spans in running text that the parser can read (repairing mangled ones)."""
    found: list[MathSpan] = []
    offset = 0
    for line in text.split("\n"):
        for run in _runs(line):
            cut = _best_cut(line, run)
            if cut is None:
                continue
            start, end, formula = cut
            whole_line = not line[:start].strip() and not line[end:].strip(" .,;:")
            found.append(MathSpan(formula, offset + start, offset + end, whole_line, "running text"))
        offset += len(line) + 1
    return found
