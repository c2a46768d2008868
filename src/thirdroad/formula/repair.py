"""Repair mangled copies of LaTeX, and say what was repaired.

Copy-paste, OCR and machine translation damage LaTeX in a few typical ways. Each repair below
is reported as a :class:`Repair` (what, where in the input, why, how sure):

==================  =========================================================  ==========
repair              example                                                    confidence
==================  =========================================================  ==========
translated command  ``fraud {a}{b}`` -> ``\\frac{a}{b}`` (frac read as a word)   0.9
lost backslash      ``beta s`` -> ``\\beta s``, ``sqrt{s}`` -> ``\\sqrt{s}``       0.9
misspelt command    ``\\frca`` -> ``\\frac``                                     0.8
split command       ``\\ frac``, ``fr ac`` -> ``\\frac``                           0.8
swapped bracket     ``{dw)`` -> ``{dw}``                                        0.7
unclosed bracket    ``\\sqrt{s`` -> ``\\sqrt{s}``                                  0.5
stray bracket       ``a + b)`` -> ``a + b``                                     0.5
outer brackets      ``(s = ...)`` -> ``s = ...``                                0.8
run-on equations    ``s = ... dw^2 w = w - ...`` -> ``s = ... \\\\ w = w - ...``  0.7
translated name     ``rating (h_t, ...)`` -> ``score (h_t, ...)``                   0.8
lowered capital     ``h_t^t w bar {h_s}`` -> ``h_t^T W bar {h_s}``,                 0.7
                    ``mathbf {w_c} (c_t; h_t)`` -> ``mathbf {W_c} (c_t; h_t)``
==================  =========================================================  ==========

The last two are made only in a copy that shows machine translation's own damage (see
:func:`shows_translation`): a word becomes a name again, and a capital comes back, where the
translation is evident, never in a copy that only lost its backslashes.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import Any

from thirdroad.formula.tables import FUNCTION_LETTERS, GREEK, GREEK_SET, KNOWN_COMMANDS, words
from thirdroad.formula.tex_commands import closest_command, is_authors_macro

# Commands that lose their backslash in copies; Greek letters are added below.
_BARE_COMMANDS = frozenset(
    words("frac dfrac tfrac sqrt cdot odot otimes times mathbf mathrm mathcal mathbb boldsymbol "
    "hat bar tilde vec leftarrow gets nabla partial sum prod text operatorname left right "
    "infty approx propto quad top log exp tanh sin cos ln max min")
) | frozenset(g for g in GREEK if len(g) > 2 and g not in ("phi", "psi", "chi"))

# Commands that are no English word, which a copy may capitalise where its sentence starts
# (Mathbf {a} _t = ...): read as the command.
CAPITALISED_COMMANDS = frozenset(words("mathbf mathrm mathcal mathbb boldsymbol operatorname frac dfrac sqrt "
                                       "nabla cdot odot otimes tanh"))

# Words that machine translation and spell checkers make of commands.
TRANSLATIONS = {
    "fraud": "frac", "fraid": "frac", "fracture": "frac", "fraction": "frac", "fract": "frac", "farc": "frac",
    "frack": "frac", "fruc": "frac", "square": "sqrt", "sqr": "sqrt", "squirt": "sqrt",
    "root": "sqrt", "beat": "beta", "betta": "beta", "alfa": "alpha", "alpah": "alpha",
    "aplha": "alpha", "lamda": "lambda", "sigm": "sigma", "tau": "tau", "theta": "theta",
    "epsilon": "epsilon", "epsilom": "epsilon", "eta": "eta", "gama": "gamma",
    "summ": "sum", "dot": "cdot", "times": "times", "nable": "nabla", "partiel": "partial",
    "cdots": "cdots", "hut": "hat", "cap": "hat",
}

_DIGITS = re.compile(r"[0-9]+(?![0-9.])")

# Names of functions that formulas write as words, and what machine translation makes of them
# (score → German "Bewertung", Russian "оценка" → "rating"; Spanish "puntuación" → "punctuation").
# They are read back only where they are applied like a function, in a copy that shows translation.
TRANSLATED_NAMES = {"rating": "score", "punctuation": "score"}

_WORD = re.compile(r"(\\\s+)?(?<![A-Za-z])([A-Za-z]+)(?![A-Za-z])")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _PAIRS.items()}


@dataclass(frozen=True, slots=True)
class Repair:
    what: str  # the kind of repair, e.g. "lost backslash"
    span: tuple[int, int]  # where in the original input
    before: str
    after: str
    why: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "span": list(self.span), "before": self.before,
                "after": self.after, "why": self.why, "confidence": self.confidence}

    def describe(self) -> str:
        return (f"{self.what} at column {self.span[0] + 1}: {self.before!r} -> {self.after!r} "
                f"({self.why}; {round(self.confidence * 100)}% sure)")


_SIGNS = re.compile(
    r"(?<![\\A-Za-z_])(?:" + "|".join(sorted((_BARE_COMMANDS | set(TRANSLATIONS)) - {
        "root", "square", "dot", "times", "cap", "tau", "eta", "theta", "epsilon", "top",
        "left", "right", "text", "bar", "hat", "sum", "prod", "quad", "log", "exp", "tanh",
        "sin", "cos", "ln", "max", "min"}, key=len, reverse=True))
    + r")(?![A-Za-z])"
)
# With no backslash left at all, the words kept out of _SIGNS are commands too where LaTeX's own
# structure follows them: sum_{c=1}, hat{y}, log(...) after such a sum (a translated copy).
_SCRIPTED_WORD = re.compile(r"(?<![A-Za-z_])(?:sum|prod|hat|bar|tilde|vec|dot|overline|widehat|mathbf|mathrm|"
                            r"operatorname|text|sqrt|frac|log|exp|max|min)\s*(?:_\s*\{|\^\s*\{|\{)")
_UNKNOWN_CMD = re.compile(r"\\([A-Za-z]+)")
_TEXT_ARGUMENT = re.compile(r"\\(?:text[a-z]*|mbox|mathrm|operatorname)\*?\s*\{[^{}]*\}")


def looks_mangled(text: str) -> bool:
    """True for LaTeX that lost backslashes or had commands translated into words: a bare
    command word together with LaTeX structure (braces, or a backslash elsewhere)."""
    for m in re.finditer(r"(?<!\\)\\\s+([A-Za-z]+)", text):
        if m.group(1) in KNOWN_COMMANDS:
            return True
    if not ("{" in text or "\\" in text):
        return False
    plain = _TEXT_ARGUMENT.sub(" ", text)  # \text{ (alpha)} is prose
    return _SIGNS.search(plain) is not None or ("\\" not in text and _SCRIPTED_WORD.search(plain) is not None)


class _Edits:
    """Edits on the original text, applied at the end; positions stay those of the input."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.edits: list[tuple[int, int, str]] = []
        self.repairs: list[Repair] = []

    def add(self, start: int, end: int, new: str, what: str, why: str, sure: float) -> None:
        self.edits.append((start, end, new))
        self.repairs.append(Repair(what, (start, end), self.text[start:end], new, why, sure))

    def apply(self) -> tuple[str, list[int]]:
        """The edited text and, for each of its characters, the input position it came from."""
        out: list[str] = []
        origin: list[int] = []
        pos = 0
        for start, end, new in sorted(self.edits):
            if start < pos:
                continue
            out.append(self.text[pos:start])
            origin.extend(range(pos, start))
            out.append(new)
            origin.extend([start] * len(new))
            pos = end
        out.append(self.text[pos:])
        origin.extend(range(pos, len(self.text)))
        return "".join(out), origin


_PROTECTED = re.compile(r"\\(?:text|mathrm|operatorname\*?|textrm|mbox|begin|end)\s*\{[^{}]*\}")


def _fix_words(text: str, edits: _Edits) -> None:
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    starts = [a for a, _ in protected]
    for m in _WORD.finditer(text):
        spaced, word = m.group(1), m.group(2)
        start = m.start(2)
        k = bisect.bisect_right(starts, start) - 1  # the protected span that may hold it
        inside = k >= 0 and protected[k][0] <= start < protected[k][1]
        if inside or text[max(0, start - 2) : start] == "\\_":
            continue  # words inside \text{...} and after \_ are words
        has_backslash = bool(spaced) or (start > 0 and text[start - 1] == "\\")
        if spaced:
            if word in KNOWN_COMMANDS:
                edits.add(m.start(1), m.end(2), "\\" + word, "split command",
                          f"a space was inserted after the backslash of \\{word}", 0.8)
            continue
        if has_backslash:
            if word not in KNOWN_COMMANDS and not is_authors_macro(word):
                close = closest_command(word)
                if close:
                    edits.add(start - 1, m.end(2), "\\" + close[0], "misspelt command",
                              f"\\{word} is not a command; \\{close[0]} is the closest", 0.8)
            continue
        if word in TRANSLATIONS and _command_context(text, m.end(2), TRANSLATIONS[word]):
            new = TRANSLATIONS[word]
            if new != word:
                edits.add(start, m.end(2), "\\" + new, "translated command",
                          f"'{word}' is what translation or spell-checking makes of \\{new}",
                          0.9)
            else:
                edits.add(start, m.end(2), "\\" + new, "lost backslash",
                          f"{word} is the command \\{word} without its backslash", 0.9)
        elif word in _BARE_COMMANDS:
            digits = _DIGITS.match(text, m.end(2)) if word in GREEK else None
            if digits:  # beta1 in code is β₁, not β times 1
                edits.add(start, digits.end(), f"\\{word}_{{{digits.group()}}}", "lost backslash",
                          f"{word}{digits.group()} is \\{word}_{{{digits.group()}}} written as in code", 0.9)
                continue
            edits.add(start, m.end(2), "\\" + word, "lost backslash",
                      f"{word} is the command \\{word} without its backslash", 0.9)
        elif word[1:].islower() and word.lower() in CAPITALISED_COMMANDS:
            edits.add(start, m.end(2), "\\" + word.lower(), "lost backslash",
                      f"{word} is the command \\{word.lower()}, its backslash lost and its first letter "
                      "capitalised at the start of a sentence", 0.8)


def _command_context(text: str, end: int, command: str) -> bool:
    """A translated word counts only where the command fits: \\frac before braces, a Greek
    letter anywhere."""
    if command in ("frac", "sqrt", "hat"):
        rest = text[end:].lstrip()
        return rest[:1] in ("{", "(") or (command == "sqrt" and rest[:1].isalpha())
    return True


def _join_split_words(text: str, edits: _Edits) -> None:
    for m in re.finditer(r"(?<![\\A-Za-z])([a-z]{2,4}) ([a-z]{1,4})(?![A-Za-z])", text):
        a, b = m.group(1), m.group(2)
        joined = a + b
        if joined in ("frac", "sqrt", "cdot", "odot", "beta", "alpha", "epsilon", "mathbf",
                      "nabla", "partial") and a not in _BARE_COMMANDS:
            edits.add(m.start(), m.end(), "\\" + joined, "split command",
                      f"'{a} {b}' is \\{joined} with a space inserted", 0.8)


def _fix_brackets(text: str) -> tuple[str, list[tuple[int, int, str, str, str, float]]]:
    """Swapped, unclosed and stray brackets. Returns the text and (pos, end, before, after,
    what, sure) for each change, in positions of ``text``."""
    stack: list[tuple[str, int]] = []
    changes: list[tuple[int, int, str, str, str, float]] = []
    chars = list(text)
    i = 0
    while i < len(chars):
        c = chars[i]
        if c == "\\" and i + 1 < len(chars):
            i += 2 if chars[i + 1] in "{}()[]|\\" else 1
            continue
        if c in _PAIRS:
            stack.append((c, i))
        elif c in _CLOSE:
            if stack and _PAIRS[stack[-1][0]] == c:
                stack.pop()
            elif (stack and c != "]" and any(_PAIRS[o] == c for o, _ in stack) is False) or stack:
                opener, _ = stack.pop()
                chars[i] = _PAIRS[opener]
                changes.append((i, i + 1, c, _PAIRS[opener], "swapped bracket", 0.7))
            else:
                chars[i] = ""
                changes.append((i, i + 1, c, "", "stray bracket", 0.5))
        i += 1
    for opener, pos in reversed(stack):
        chars.append(_PAIRS[opener])
        changes.append((pos, pos + 1, opener, opener + "..." + _PAIRS[opener],
                        "unclosed bracket", 0.5))
    return "".join(chars), changes


def balance_brackets(text: str) -> tuple[str, list[Repair]]:
    """A copy of ``text`` whose round and square brackets pair up: a closing bracket that closes
    nothing becomes a space, and one left open is closed at the end, or at the end of its row when
    it was opened in a row of an environment (``a &= f(x \\\\ b &= ...``: closed in the space
    before the row break). Positions stay those of ``text``. Each change is a :class:`Repair`; the
    text is unchanged when nothing needed one."""
    chars = list(text)
    repairs: list[Repair] = []
    stack: list[tuple[str, int]] = []
    rows = [0]  # for each open environment: how many brackets were open when its row began
    i = 0
    while i < len(chars):
        c = chars[i]
        if c == "\\":
            if text.startswith("\\\\", i):
                _close_row(chars, i, stack, rows[-1], repairs)
            elif text.startswith("\\begin", i):
                rows.append(len(stack))
            elif text.startswith("\\end", i) and len(rows) > 1:
                _close_row(chars, i, stack, rows.pop(), repairs)
            i += 2
            continue
        if c in "([":
            stack.append((c, i))
        elif c in ")]":
            if len(stack) > rows[-1] and _PAIRS[stack[-1][0]] == c:
                stack.pop()
            elif not any(_PAIRS[o] == c for o, _ in stack):
                chars[i] = " "
                repairs.append(Repair("stray bracket", (i, i + 1), c, "",
                                      "nothing was opened for this bracket to close", 0.5))
            else:
                return text, []  # crossed brackets: no repair is clearly right
        i += 1
    for opener, pos in reversed(stack):
        chars.append(_PAIRS[opener])
        repairs.append(Repair("unclosed bracket", (pos, pos + 1), opener, opener + "..." + _PAIRS[opener],
                              "the bracket is never closed: closed at the end", 0.5))
    return "".join(chars), repairs


def _close_row(chars: list[str], at: int, stack: list[tuple[str, int]], floor: int,
               repairs: list[Repair]) -> None:
    """Close the brackets the row before ``at`` left open (those above ``floor`` on the stack), in
    the spaces just before ``at``; where there are too few spaces, the text is left as it is."""
    open_here = stack[floor:]
    spaces = 0
    while spaces < len(open_here) and at - spaces - 1 >= 0 and chars[at - spaces - 1] == " ":
        spaces += 1
    if not open_here or spaces < len(open_here):
        return
    for k, (opener, pos) in enumerate(reversed(open_here)):
        chars[at - spaces + k] = _PAIRS[opener]
        repairs.append(Repair("unclosed bracket", (pos, pos + 1), opener, opener + "..." + _PAIRS[opener],
                              "the bracket is never closed in its row: closed at the row's end", 0.5))
    del stack[floor:]


def _strip_outer(text: str) -> tuple[str, bool]:
    s = text.strip()
    if len(s) > 2 and s[0] == "(" and s[-1] == ")" and "=" in s:
        depth = 0
        for k, c in enumerate(s):
            depth += c == "("
            depth -= c == ")"
            if depth == 0 and k < len(s) - 1:
                return text, False
        return s[1:-1], True
    return text, False


def _name_before(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The name (``w``, ``\\theta``, ``s_{dW}``) that ends just before ``hi``, scanning
    backwards so that long inputs stay linear: (start, end of the bare name) or None."""
    k = hi
    while k > lo and text[k - 1].isspace():
        k -= 1
    if k - 1 >= lo and text[k - 1] == "}":
        opened = text.rfind("{", lo, k - 1)
        if opened > lo and text[opened - 1] == "_" and "}" not in text[opened : k - 1]:
            k = opened - 1
    elif k - 2 >= lo and text[k - 2] == "_" and text[k - 1].isalnum():
        k -= 2
    j = k
    while j > lo and text[j - 1].isascii() and text[j - 1].isalpha():
        j -= 1
    if j == k:
        return None
    if j > lo and text[j - 1] == "\\":
        j -= 1
    return j, k


def _split_run_on(text: str) -> tuple[str, list[int]]:
    """Positions where a new equation starts inside a run-on line: before the name that
    precedes a second top-level '=' when that name is updated (it appears again after it)."""
    depth = 0
    eqs: list[int] = []
    for k, c in enumerate(text):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "=" and depth == 0 and (k == 0 or text[k - 1] not in "<>!:\\"):
            eqs.append(k)
    cuts: list[int] = []
    for n, (prev, eq) in enumerate(itertools.pairwise(eqs)):
        found = _name_before(text, prev + 1, eq)
        if found is None or found[0] <= prev + 1 or not text[prev + 1 : found[0]].strip():
            continue
        if text[prev + 1 : found[0]].rstrip().endswith("\\\\"):
            continue  # the row break is there already: a \\ the copy kept
        name = text[found[0] : found[1]]
        end = eqs[n + 2] if n + 2 < len(eqs) else len(text)
        if re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])", text[eq + 1 : end]):
            cuts.append(found[0])
    return text, cuts


# What machine translation leaves in LaTeX and copying alone does not: the spaces its tokenizer
# puts inside scripts and braces (v_ {t -1}, mathbf {h} _t, { theta}), and \\frac turned into a word.
_MT_SPACING = re.compile(r"[_^] +[{A-Za-z0-9]|\} +[_^]|\{ +[A-Za-z]")
_FRAC_WORDS = [w for w, c in TRANSLATIONS.items() if c == "frac" and w != "fraction"]
_MT_FRAC = re.compile(r"(?<![A-Za-z\\])(?:" + "|".join(_FRAC_WORDS) + r") *\{")


def shows_translation(text: str) -> bool:
    """Whether a copy shows machine translation's own damage (spaces put inside scripts and
    braces, a \\frac become "fraud"), not only what any copy loses (backslashes)."""
    return _MT_SPACING.search(text) is not None or _MT_FRAC.search(text) is not None


_APPLIED_WORD = re.compile(r"(?<![\\A-Za-z_])(" + "|".join(TRANSLATED_NAMES) + r")(?= *\()")


def _translated_names(text: str, edits: _Edits) -> None:
    """``rating (h_t, h_s)`` in a translated copy is the score it was: a function's name read back."""
    for m in _APPLIED_WORD.finditer(text):
        name = TRANSLATED_NAMES[m.group(1)]
        edits.add(m.start(1), m.end(1), name, "translated name",
                  f"'{m.group(1)}' is what machine translation makes of the name {name}", 0.8)


# ^t, a transpose whose T the copy lowered: on a Latin name (not a Greek letter: β^t is a power),
# with a factor right after it (h_t^t w ...; β^t) and h^t = ... are left alone)
_LOWERED_T = re.compile(r"\^ *(?:t|\{ *t *\})(?= *\\?[A-Za-z])")
_BASE = re.compile(r"([A-Za-z]+) *\}?(?: *_ *(?:\{[^{}]*\}|[A-Za-z0-9]))? *$")
# the single letter right after such a transpose, followed by another factor: the matrix of a
# bilinear form x^T W y, lowered with the rest (h_t^t w bar {h_s})
_SUB = r"(?: *_ *(?:\{[^{}]*\}|[A-Za-z0-9]))?"
_MIDDLE = re.compile(r" *(?:\\?(?:mathbf|boldsymbol|bm) *\{ *)?([a-z])(?![A-Za-z])" + _SUB + r" *\}?" + _SUB
                     + r"(?= *\\?[A-Za-z])")


def _lowered_capitals(text: str, edits: _Edits) -> None:
    """Capitals a translation lowered, where the formula itself shows it: ``^t`` after a Latin
    name and before another factor is the transpose ``^T`` (a step number as a power sits on a
    Greek letter, β^t); the one letter between that transpose and a further factor is the
    matrix of the bilinear form x^T W y; a bold letter before a concatenation ``[a; b]`` is the
    matrix that multiplies it (a vector would be written with a transpose or a dot)."""
    for m in _LOWERED_T.finditer(text):
        base = _BASE.search(text, 0, m.start())
        if base is None or base.group(1) in GREEK_SET or base.group(1) in _BARE_COMMANDS:
            continue
        t = text.index("t", m.start())
        edits.add(t, t + 1, "T", "lowered capital",
                  "the copy lowered capitals: ^t on a vector, before another factor, is its transpose ^T", 0.7)
        middle = _MIDDLE.match(text, m.end())
        if middle is not None:
            k = middle.start(1)
            edits.add(k, k + 1, text[k].upper(), "lowered capital",
                      f"between a transposed vector and another factor, {text[k]} is the matrix of a "
                      f"bilinear form, {text[k].upper()} before the copy lowered it", 0.7)
    for m in _BOLD_BEFORE_BRACKET.finditer(text):
        if _semicolon_inside(text, m.end() - 1) and m.group(1) not in FUNCTION_LETTERS:  # f(x; θ): parameters
            k = m.start(1)
            edits.add(k, k + 1, text[k].upper(), "lowered capital",
                      f"a bold {text[k]} that multiplies a concatenation (items parted by ';') is a "
                      f"matrix, {text[k].upper()} before the copy lowered it", 0.7)


# a bold single letter right before a bracket: W_c [c_t; h_t] once the copy lowered its capital
_BOLD_BEFORE_BRACKET = re.compile(r"(?<![A-Za-z])\\?(?:mathbf|boldsymbol|bm) *\{ *([a-z])(?![A-Za-z])" + _SUB
                                  + r" *\}" + _SUB + r" *[(\[]")


def _semicolon_inside(text: str, opened: int) -> bool:
    """Whether the bracket opened at ``opened`` parts its items with a semicolon (at its own
    level, before it closes)."""
    depth = 0
    for c in text[opened:]:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return False
        elif c == ";" and depth == 1:
            return True
    return False


def repair(text: str) -> tuple[str, list[Repair]]:
    """Repair a mangled copy into LaTeX; returns the LaTeX and every repair made."""
    stripped, outer = _strip_outer(text)
    offset = text.index(stripped) if outer else 0
    edits = _Edits(text)
    if outer:
        edits.add(offset - 1, offset, "", "outer brackets",
                  "the whole formula was wrapped in brackets", 0.8)
        end = offset + len(stripped)
        edits.add(end, end + 1, "", "outer brackets",
                  "the whole formula was wrapped in brackets", 0.8)
    _join_split_words(text, edits)
    _fix_words(text, edits)
    if shows_translation(text):
        _translated_names(text, edits)
        _lowered_capitals(text, edits)
    fixed, origin = edits.apply()
    repairs = list(edits.repairs)
    bracketed, changes = _fix_brackets(fixed)
    for pos, end, before, after, what, sure in changes:
        o = origin[pos] if pos < len(origin) else len(text)
        why = {"swapped bracket": "the closing bracket does not match the one opened",
               "stray bracket": "nothing was opened for this bracket to close",
               "unclosed bracket": "the bracket is never closed: closed at the end"}[what]
        repairs.append(Repair(what, (o, o + (end - pos)), before, after, why, sure))
    fixed = bracketed
    _, cuts = _split_run_on(fixed)
    for cut in reversed(cuts):
        o = origin[cut] if cut < len(origin) else len(text)
        fixed = fixed[:cut] + "\\\\ " + fixed[cut:]
        repairs.append(Repair("run-on equations", (o, o), "", "\\\\",
                              "a second equation starts here: its name is updated after the "
                              "'='", 0.7))
    repairs.sort(key=lambda r: r.span)
    return fixed, repairs
