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

A page's display formula often comes out of the copy broken over lines: MathJax and KaTeX put
a fraction's numerator and denominator on lines of their own and lose the bar, a long formula
wraps, the equation number ``(3)`` trails the last line. Lines are joined by these rules:

- a *math line* is a line whose every word is mathy and that has a math character (or is at
  most three characters long: a denominator ``N``); a group is a run of math lines, led
  either by a math line or by a prose line ending in a relation or operator sign
  (``the weights are α_ts =``);
- two neighbouring lines of a group are *wrapped* (joined by a space) when the first ends in a
  relation or operator sign or leaves a bracket open, or the second starts with one of those
  signs or a closing bracket; else, when the second holds a relation sign of its own, the
  group ends between them (two formulas, one a line); else a *fraction bar* was lost between
  them;
- lines joined by lost bars pair up as ``(numerator)/(denominator)`` from the left. A line
  holding a relation sign is the formula's head, never a whole numerator: with an even
  number of lines after it they pair up among themselves (``θ_t = θ_{t−1} − η`` over
  ``m̂_t`` over ``√v̂_t + ε``); with an odd number, the head's last term is the first
  numerator (``m̂_t = m_t`` over ``1 − β1^t``);
- an equation number ``(3)`` at the end of the last line, or alone on the next line, is
  dropped from the formula and kept as its label; so is one at the end of a one-line display;
- the rebuilt formula must hold an anchor and be read by the parser, else the lines are
  searched one by one as before. In prose, a line whose last word is a relation or operator
  sign (``... is θ_t = θ_{t−1} −``) continues on the next line when that starts with a mathy
  word.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from thirdroad.formula import LOWERED, MATH_CHARACTERS, MATH_WORDS, MINUS_SIGNS, RAISED, FormulaError, checkpoint, parse
from thirdroad.reader._spans import MathSpan

_MATH_CHARS = set("=+*/^_{}()[]|<>·×⊙√∑∏∇∂≈∝←→∈≤≥≠'\\0123456789") | MATH_CHARACTERS
_LETTER = r"(?<![\w\\])[A-Za-z\u0370-\u03ff](?!\w)"
_OPERATOR = r"\s+[-+−*/·×]\s+"
_ANCHOR = re.compile(r"(?:=|:=|←|<-|≈|∝|≤|≥|~|∼|\\leftarrow|\\gets|∑|∏|√|∇|∂|\\frac|\\sum|\\sqrt|[_^] ?\{"
                     r"|(?<![\w\\])nabla ?_"  # ∇_θ that lost its backslash (and, translated, got spaces)
                     r"|\w[_^]\w+" + _OPERATOR + r"|" + _OPERATOR + r"\S*\w[_^]\w"
                     r"|" + _LETTER + _OPERATOR + r"|" + _OPERATOR + _LETTER + ")")
_RELATION_WORD = re.compile(r"^(?:=|:=|←|≈|~|∼|≤|≥)$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# LaTeX commands a copy keeps as words ("fraud" for "frac" is among the formula's MATH_WORDS)
_MATH_WORDS = MATH_WORDS | _words("frac sqrt cdot odot times top nabla partial hat bar tilde mathbf mathrm left right")
# Short words that are English far more often than they are variable names.
_PROSE = _words("a A I is of to in we it as at by be or on an if so do no up us he its the and for are was via per")
# a word; a closing bracket a copy glued to the next sentence's first word (")After") is a word of its own
_WORD = re.compile(r"[)\]}]+(?=[A-Z][a-z]{2,})|\S+")
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


# ---------------------------------------------------------------- formulas broken over lines

_EQ_NUMBER = r"\((\d{1,3}(?:\.\d{1,3})?[a-z]?)\)"
_TRAILING_NUMBER = re.compile(r"\s+" + _EQ_NUMBER + r"\s*$")
_NUMBER_ALONE = re.compile(r"^\s*" + _EQ_NUMBER + r"\s*$")
_SIGN = r"(?:=|:=|←|<-|≈|∝|≤|≥|≠|∈|[-+*/·×⊙" + "".join(sorted(MINUS_SIGNS)) + "])"
_RELATION_SIGN = re.compile(r":=|←|<-|≈|∝|≤|≥|≠|∈|(?<![<>!:=])=(?!=)|\\leftarrow|\\gets")
_ENDS_WITH_SIGN = re.compile(r"(?:^|\s)" + _SIGN + r"$")
_STARTS_WITH_SIGN = re.compile(r"^(?:" + _SIGN + r"|[)\]}])")
_OPERAND_END = re.compile(r"[\w)\]}'′|‖" + "".join(RAISED) + "".join(LOWERED) + "]$")
#: Longest group of lines rebuilt into one formula, and longest line that may be part of one.
MAX_GROUP_LINES = 8
MAX_GROUP_LINE_CHARS = 300


def _depth_change(text: str) -> int:
    return sum(text.count(c) for c in _OPENERS) - sum(text.count(c) for c in _CLOSERS)


def _is_math_line(line: str) -> bool:
    """Every word mathy (a lone ``a`` too: among math it is a name), and something that only
    math has (or a line as short as ``N``)."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_GROUP_LINE_CHARS or _NUMBER_ALONE.match(stripped):
        return False
    words_ = stripped.split()
    for k, word in enumerate(words_):
        before_relation = k + 1 < len(words_) and bool(_RELATION_WORD.match(words_[k + 1]))
        named = len(word) == 1 and (word in "aAI" or before_relation)
        if not (named or is_mathy(word)):
            return False
    return len(stripped) <= 3 or any(c in _MATH_CHARS for c in stripped) or any(
        _bare(w) in _MATH_WORDS for w in words_)


def _top_level_relation(text: str) -> bool:
    """A relation sign outside every bracket (``f(x=1)`` has none)."""
    depth = 0
    for k, char in enumerate(text):
        depth += (char in _OPENERS) - (char in _CLOSERS)
        if depth <= 0 and _RELATION_SIGN.match(text, k):
            return True
    return False


def _last_term(head: str) -> tuple[str, str]:
    """``head`` cut before its last term: after the last relation, or the last ``+``/``−``
    between two operands, outside brackets (``θ = a − η m`` -> ``θ = a −``, ``η m``)."""
    depth = 0
    cut = 0
    for k, char in enumerate(head):
        depth += (char in _OPENERS) - (char in _CLOSERS)
        if depth > 0:
            continue
        if _RELATION_SIGN.match(head, k):
            cut = k + len(_RELATION_SIGN.match(head, k).group())  # type: ignore[union-attr]
        elif (char in "+-" or char in MINUS_SIGNS) and _OPERAND_END.search(head[:k].rstrip()):
            cut = k + 1
    return head[:cut].rstrip(), head[cut:].strip()


def _fraction(numerator: str, denominator: str) -> str:
    return f"({numerator})/({denominator})"


def _pair_up(pieces: list[str]) -> list[str]:
    """Lines that lost the bars between them, as fractions from the left (a line left over
    stays as it is: it multiplies)."""
    out = [_fraction(pieces[k], pieces[k + 1]) for k in range(0, len(pieces) - 1, 2)]
    return out + ([pieces[-1]] if len(pieces) % 2 else [])


def _chain(pieces: list[str]) -> str:
    """One run of lines joined by lost fraction bars, rebuilt."""
    if len(pieces) == 1:
        return pieces[0]
    head, rest = pieces[0], pieces[1:]
    if not _top_level_relation(head):
        return " ".join(_pair_up(pieces))
    if len(rest) % 2 == 0:
        return " ".join([head, *_pair_up(rest)])
    before, numerator = _last_term(head)
    if not numerator:
        return " ".join([head, *_pair_up(rest)])
    return " ".join(p for p in [before, _fraction(numerator, rest[0]), *_pair_up(rest[1:])] if p)


def _joins(before: str, after: str, depth: int) -> str:
    """How two lines of a group meet: ``wrap``, ``bar`` (a lost fraction bar) or ``break``."""
    if depth > 0 or _ENDS_WITH_SIGN.search(before) or before.endswith(tuple(_OPENERS)) \
            or _STARTS_WITH_SIGN.match(after):
        return "wrap"
    return "break" if _top_level_relation(after) else "bar"


def rebuild(pieces: list[str]) -> str:
    """The formula that ``pieces`` (lines, stripped, in order) were broken from."""
    chains: list[list[str]] = [[pieces[0]]]
    depth = _depth_change(pieces[0])
    for before, after in itertools.pairwise(pieces):
        if _joins(before, after, depth) == "wrap":
            chains.append([after])
        else:
            chains[-1].append(after)
        depth += _depth_change(after)
    return " ".join(_chain(chain) for chain in chains)


class _Lines:
    """The document's lines with their offsets."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.math = [_is_math_line(line) for line in self.lines]

    def __len__(self) -> int:
        return len(self.lines)

    def group_end(self, first: int) -> int:
        """The last line of the group that starts at ``first`` (``first`` itself: no group)."""
        last = first
        depth = _depth_change(self.lines[first])
        while (last + 1 < len(self) and last - first + 1 < MAX_GROUP_LINES and self.math[last + 1]
               and _joins(self.lines[last].strip(), self.lines[last + 1].strip(), depth) != "break"):
            last += 1
            depth += _depth_change(self.lines[last])
        return last


def _lead(line: str) -> int | None:
    """Where the math at the end of a prose line starts, when the line ends in a relation or
    operator sign (``The weights are α_ts =``): the first of its trailing mathy words."""
    stripped = line.rstrip()
    if not _ENDS_WITH_SIGN.search(stripped):
        return None
    words_ = list(_WORD.finditer(stripped))
    k = len(words_)
    while k > 0 and is_mathy(words_[k - 1].group()) and not _SENTENCE_END.search(words_[k - 1].group()):
        k -= 1
    if k == len(words_) or len(words_) - k < 2:
        return None
    return words_[k].start()


def _group_span(lines: _Lines, first: int, last: int, start_col: int) -> tuple[MathSpan, int] | None:
    """The formula that lines ``first..last`` were broken from, as a span, and the last line
    it used (one more when its equation number stands alone on the next line)."""
    pieces = [lines.lines[k].strip() for k in range(first, last + 1)]
    pieces[0] = lines.lines[first][start_col:].strip()
    end_line, end_col = last, len(lines.lines[last].rstrip())
    label = ""
    number = _TRAILING_NUMBER.search(pieces[-1])
    if number:
        label, pieces[-1] = number.group(1), pieces[-1][:number.start()].rstrip()
    elif last + 1 < len(lines) and _NUMBER_ALONE.match(lines.lines[last + 1]):
        end_line = last + 1
        label = _NUMBER_ALONE.match(lines.lines[end_line]).group(1)  # type: ignore[union-attr]
        end_col = len(lines.lines[end_line].rstrip())
    pieces[-1] = pieces[-1].rstrip(".,;:")
    if not all(pieces):
        return None
    leading = pieces[0].split(" ")
    for trim in range(min(4, len(leading))):  # a prose-led group may carry a word or two of prose
        pieces[0] = " ".join(leading[trim:])
        formula = rebuild(pieces)
        if _ANCHOR.search(formula) and _readable(formula):
            start = lines.starts[first] + lines.lines[first].index(pieces[0], start_col)
            how = f"running text, rebuilt from {last - first + 1} lines"
            how += f", equation ({label})" if label else ""
            span = MathSpan(formula, start, lines.starts[end_line] + end_col, start_col == 0 or not
                            lines.lines[first][:start_col].strip(), how, lines=last - first + 1, label=label)
            return span, end_line
    return None


def _groups(lines: _Lines) -> Iterator[tuple[MathSpan, int, int]]:
    """Formulas broken over lines: (span, first line, last line used)."""
    k = 0
    while k < len(lines):
        checkpoint()
        start_col = 0 if lines.math[k] else _lead(lines.lines[k])
        if start_col is not None and k + 1 < len(lines) and lines.math[k + 1]:
            last = lines.group_end(k)
            found = _group_span(lines, k, last, start_col) if last > k else None
            if found is not None:
                span, used = found
                yield span, k, used
                k = used + 1
                continue
        k += 1


def _line_spans(line: str, offset: int, breaks: list[int]) -> list[MathSpan]:
    """The formulas of one line (or of prose lines read as one, the line breaks at ``breaks``)."""
    found = []
    display = _is_math_line(line)
    for run in _runs(line):
        cut = _best_cut(line, run)
        if cut is None:
            continue
        start, end, formula = cut
        label = ""
        number = _TRAILING_NUMBER.search(formula)
        if display and number and not line[end:].strip() and _readable(formula[:number.start()]):
            label, formula = number.group(1), formula[:number.start()]
        whole_line = not line[:start].strip() and not line[end:].strip(" .,;:")
        count = 1 + sum(start < b < end for b in breaks)
        how = "running text" + (f", rebuilt from {count} lines" if count > 1 else "")
        how += f", equation ({label})" if label else ""
        found.append(MathSpan(formula, offset + start, offset + end, whole_line, how, lines=count, label=label))
    return found


def find_plain(text: str) -> list[MathSpan]:
    """Formula-like spans in running text that the parser can read (repairing mangled ones),
    with formulas broken over lines rebuilt (see the module's docstring)."""
    lines = _Lines(text)
    found: list[MathSpan] = []
    groups = {first: (span, last) for span, first, last in _groups(lines)}
    k = 0
    while k < len(lines):
        checkpoint()
        if k in groups:
            span, last = groups[k]
            found.append(span)
            k = last + 1
            continue
        # a formula in prose wrapped after a sign: the lines are read as one, each line break
        # read as a space (one character for one, so offsets stay put)
        last = k
        while (last + 1 < len(lines) and last - k < 3 and last + 1 not in groups
               and _ENDS_WITH_SIGN.search(lines.lines[last].rstrip())
               and lines.lines[last + 1].strip() and is_mathy(lines.lines[last + 1].split()[0])):
            last += 1
        breaks = [lines.starts[j] - 1 - lines.starts[k] for j in range(k + 1, last + 1)]
        found.extend(_line_spans(" ".join(lines.lines[k:last + 1]), lines.starts[k], breaks))
        k = last + 1
    return found
