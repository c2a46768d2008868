"""Turn LaTeX, Unicode or ASCII text into one stream of tokens.

The three notations meet here: ``\\alpha``, ``α`` and ``alpha`` all become the token
``cmd alpha``; ``x²`` becomes ``x ^ { 2 }``; en dash, em dash and U+2212 become ``-``.
Token kinds:

=======  ===============================================================
num      a number, ``0.9``, ``1e-8``
letter   one letter; ``font`` carries a font from a styled Unicode letter
word     a multi-letter name (``softmax``, ``score``, ``\\text{loss}``)
opname   a name given by ``\\operatorname{...}`` (always a function)
cmd      a LaTeX command without its backslash (Greek letters included)
op       one operator or bracket character (``+ - * / = ( ) [ ] { } ^ _ & , ; | ' !``
         and ``:=``)
delim    ``‖`` (a norm bar)
text     words of a pseudo-code line (``\\text{ for }``)
begin    ``\\begin{env}``; ``end`` for ``\\end{env}``
newrow   ``\\\\`` (a new line or matrix row)
sep      ``\\quad`` between statements
eof      the end
=======  ===============================================================
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import NamedTuple

from thirdroad.formula.errors import FormulaError
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import (
    CONTROL_WORDS,
    DASHES,
    DELIMITER_COMMANDS,
    GREEK_SET,
    KNOWN_COMMANDS,
    LATEX_FUNCTIONS,
    SIZES,
    SPACING,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    UNICODE_COMMANDS,
    UNICODE_GREEK,
    WORD_ALIASES_ASCII,
    WORD_FUNCTIONS,
    WORD_NAMES,
)

MAX_LENGTH = 20_000


class Token(NamedTuple):
    kind: str
    value: str
    start: int
    end: int
    font: str = ""


_MASTER = re.compile(
    r"""
    (?P<ws>\s+)
   |(?P<cmd>\\(?:[A-Za-z]+\*?|.))
   |(?P<num>[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+(?![A-Za-z]))?|\.[0-9]+)
   |(?P<letters>[A-Za-z]+)
   |(?P<op>:=|<-|<=|>=|!=|->|\*\*|\|\||[-+*/=<>,;!'|()\[\]{}^_&:])
   |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_NAME_WITH_MARK = re.compile(r"([A-Za-z][A-Za-z0-9_]*)([.,;:!]?)")
_ESCAPED_UNDERSCORE_WORD = re.compile(r"(?:\\_[A-Za-z]+)+")
_ASCII_NAME = re.compile(r"([A-Za-z]+?)([0-9]+)$")
_OP_ALIASES = {"**": "^", "<-": "leftarrow", "<=": "le", ">=": "ge", "!=": "ne", "->": "to"}


def closing_brace(text: str, open_at: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``open_at``; raises if it is never closed."""
    depth = 0
    i = open_at
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise FormulaError(
        "a brace is never closed",
        open_at + 1,
        f"the brace opened at column {open_at + 1} is never closed: add a '}}'",
        text,
    )


def suggest_command(name: str) -> str:
    """A hint for an unknown command: the closest known command, if any."""
    letters = sorted(name)
    close = [c for c in sorted(KNOWN_COMMANDS) if sorted(c) == letters] or (
        difflib.get_close_matches(name, sorted(KNOWN_COMMANDS), n=1, cutoff=0.6))
    if close:
        return f"\\{name} is not a command: did you mean \\{close[0]}?"
    return f"\\{name} is not a command the reader knows"


def tokenize(text: str, notation: str = "latex") -> list[Token]:
    """Split ``text`` into tokens. ``notation`` is ``latex``, ``unicode``, ``ascii`` or
    ``mangled`` (repaired text, cut as LaTeX); it decides how runs of letters are cut (see the
    ``bare-word`` rule) and whether digits right after a letter are its subscript (rules
    ascii-digits and plain-digits)."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(text)} characters, at most {MAX_LENGTH})",
            MAX_LENGTH + 1,
            "split a long document into formulas and read them one by one",
            text[:200],
        )
    out: list[Token] = []
    append = out.append
    pos = 0
    n = len(text)
    ascii_mode = notation == "ascii"
    plain = notation in ("unicode", "mangled")
    while pos < n:
        m = _MASTER.match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind = m.lastgroup
        start, end = m.start(), m.end()
        value = m.group()
        pos = end
        if kind == "ws":
            continue
        if value == "." and text.startswith("...", start):
            append(Token("cmd", "dots", start, start + 3))  # x_1 + ... + x_n: three full stops are \dots
            pos = start + 3
            continue
        if value == "~" and (plain or ascii_mode) and out and (
            out[-1].kind in ("letter", "word", "num")
            or out[-1].value in (")", "]", "}", "|", "‖")
            or (out[-1].kind == "cmd" and out[-1].value in GREEK_SET)
        ):
            append(Token("cmd", "sim", start, end))  # x ~ N(0, 1): drawn from (in LaTeX, ~ is a tie)
            continue
        if kind == "num":
            append(Token("num", value, start, end))
        elif kind == "letters":
            joined = _ESCAPED_UNDERSCORE_WORD.match(text, pos)
            if joined:  # hard\_sigmoid: an escaped underscore joins one name
                pos = joined.end()
                out.append(Token("word", text[start:pos].replace("\\_", "_"), start, pos))
                continue
            if ascii_mode:  # beta1: in plain text, digits after a name belong to it
                while pos < n and text[pos] in "0123456789":
                    pos += 1
                value, end = text[start:pos], pos
            _letters(value, start, text, end, ascii_mode, out)
            if plain and len(value) == 1:  # W1 in pasted text is W_1 (rule plain-digits)
                pos = _digits_subscript(text, pos, out)
        elif kind == "op":
            if value == "||":
                append(Token("delim", "‖", start, end))
            elif value in _OP_ALIASES:
                alias = _OP_ALIASES[value]
                append(Token("op" if alias == "^" else "cmd", alias, start, end))
            else:
                append(Token("op", value, start, end))
        elif kind == "cmd":
            pos = _command(value[1:], start, end, text, out)
        else:
            pos = _other(value, start, text, out)
            if out and out[-1].kind == "cmd" and out[-1].end == pos and value in UNICODE_GREEK:
                pos = _digits_subscript(text, pos, out)  # β1 is β_1 (rule plain-digits)
    append(Token("eof", "", n, n))
    return out


BARE_WORD = Rule(
    "bare-word",
    "a run of letters is one name when it is a known word (softmax, score, ReLU, Var) or a "
    "spelled Greek letter (beta), or when it is applied like a function; otherwise it is a "
    "product of one-letter names (Wx is W times x). In ASCII every run is one name, except two "
    "letters of mixed case (xA, Wx: two names; dW stays the gradient), and sum_j, prod_j and "
    "a bare log x, exp x, which are the big operator and the function as in LaTeX",
)
ASCII_DIGITS = Rule("ascii-digits", "in ASCII, digits ending a name are its subscript: beta1 is β₁")


@BARE_WORD.hook
@ASCII_DIGITS.hook
def _letters(
    value: str, start: int, text: str, end: int, ascii_mode: bool, out: list[Token]
) -> None:
    if ascii_mode:
        name, digits = value, ""
        m = _ASCII_NAME.match(value)
        if m and len(value) > 1:
            name, digits = m.group(1), m.group(2)
        name = WORD_ALIASES_ASCII.get(name, name)
        after = _next_char(text, end)
        if len(name) == 1:
            out.append(Token("letter", name, start, start + 1))
        elif _two_names(name) and not digits:  # xA is x times A, as in y = xA^T + b (rule bare-word)
            out.append(Token("letter", name[0], start, start + 1))
            out.append(Token("letter", name[1], start + 1, start + 2))
        elif (name in ("sum", "prod") and after == "_") or (
            name in LATEX_FUNCTIONS and after not in ("(", "_", "^", "=")
        ):  # sum_j x_j is the big operator; log x is \log x (rule function-argument)
            out.append(Token("cmd", name, start, end))
        elif name in GREEK_SET:
            out.append(Token("cmd", name, start, start + len(m.group(1)) if m else end))
        else:
            out.append(Token("word", name, start, start + len(value) - len(digits)))
        if digits:  # beta1 is beta_1 (rule ascii-digits)
            d0 = end - len(digits)
            out.append(Token("op", "_", d0, d0))
            out.append(Token("op", "{", d0, d0))
            out.append(Token("num", digits, d0, end))
            out.append(Token("op", "}", end, end))
        return
    # LaTeX and Unicode: a known word stays whole, as does a word used as a function
    # (score(h, s)); any other run is a product of one-letter names (rule bare-word).
    if len(value) > 1 and (
        value in WORD_FUNCTIONS
        or value in WORD_NAMES
        or value in GREEK_SET
        or (len(value) >= 3 and _next_char(text, end) == "(")
    ):
        if value in GREEK_SET:
            out.append(Token("cmd", value, start, end))
        else:
            out.append(Token("word", value, start, end))
        return
    for i, c in enumerate(value):
        out.append(Token("letter", c, start + i, start + i + 1))


PLAIN_DIGITS = Rule(
    "plain-digits",
    "in text copied from a rendered page, digits right after a Greek letter or a single "
    "letter are its lost subscript: β1 is β₁, W1 is W₁ (2x, x 2, 10^3 and \\beta1 in LaTeX "
    "stay products and numbers); σ2 is the variance σ², whose raised 2 the copy lowered",
    other="the digits as written after the name",
)
_OTHER_SIGMA = re.compile("σ(?:[013-9]|2[0-9])")


@PLAIN_DIGITS.hook
def _digits_subscript(text: str, pos: int, out: list[Token]) -> int:
    """Digits right after a letter become its subscript: a rendered page shows β₁ and W₁ with
    the digit lowered, and a copy of it keeps only β1 and W1. The script tokens are zero-width,
    so the parser can tell them from a written ``_`` and record the decision."""
    end = pos
    while end < len(text) and text[end] in "0123456789":
        end += 1
    if end == pos or (end < len(text) and text[end] == "."
                      and end + 1 < len(text) and text[end + 1].isdigit()):
        return pos  # no digits, or a decimal number such as x0.5: leave it alone
    if out and out[-1].value == "sigma" and text[pos:end] == "2" and not _OTHER_SIGMA.search(text):
        # σ2 is the variance σ² whose raised 2 the copy lowered, far more often than a σ₂
        # (unless a σ1 or σ3 nearby says the σs are numbered)
        out.append(Token("op", "^", pos, pos))
        out.append(Token("op", "{", pos, pos))
        out.append(Token("num", "2", pos, end))
        out.append(Token("op", "}", end, end))
        return end
    out.append(Token("op", "_", pos, pos))
    out.append(Token("op", "{", pos, pos))
    out.append(Token("num", text[pos:end], pos, end))
    out.append(Token("op", "}", end, end))
    return end


def lost_subscript(text: str, tok: Token) -> bool:
    """Whether ``tok`` is the zero-width ``_`` (or ``^``) put between a letter and the digits right
    after it in plain text (rule plain-digits), not one of a Unicode script run."""
    return tok.start == tok.end and text[tok.start : tok.start + 1] in _ASCII_DIGITS


_ASCII_DIGITS = frozenset("0123456789")


def unscript_digits(tokens: list[Token], text: str, flips: frozenset[tuple[str, int]]) -> list[Token]:
    """For a turned plain-digits decision, drop the zero-width ``_{`` and ``}`` again, so that
    β1 reads as β times 1 (and σ2, read as σ², becomes σ₂)."""
    starts = {start for rule, start in flips if rule == PLAIN_DIGITS.name}
    if not starts:
        return tokens
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if (tok.kind == "op" and tok.value == "_" and k and tokens[k - 1].start in starts
                and lost_subscript(text, tok)):
            out.append(tokens[k + 2])  # _ { digits }: keep only the digits
            k += 4
            continue
        if (tok.kind == "op" and tok.value == "^" and k and tokens[k - 1].start in starts
                and lost_subscript(text, tok)):
            out.append(Token("op", "_", tok.start, tok.end))  # σ2 turned: σ₂, a subscript
            k += 1
            continue
        out.append(tok)
        k += 1
    return out


def _two_names(name: str) -> bool:
    """In plain text, two letters of mixed case are two names (xA, Wx), unless the first is the
    d of a gradient (dW) or the pair is a known word."""
    return (len(name) == 2 and name.isalpha() and name.isascii() and name[0].islower() != name[1].islower()
            and name[0] != "d" and name not in WORD_FUNCTIONS and name not in WORD_NAMES)


def _next_char(text: str, pos: int) -> str:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return text[pos] if pos < len(text) else ""


def _command(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    """Handle ``\\name`` (``name`` without its backslash); returns the position to go on from."""
    return _COMMANDS.get(name, _known_command)(name, start, end, text, out)


# Each reader of a command takes (name, start, end, text, out) and returns where to go on from.
_CommandReader = Callable[[str, int, int, str, list[Token]], int]


def _newrow(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("newrow", "", start, end))
    return end


def _escaped_brace(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("op", "\\" + name, start, end))
    return end


def _double_bar(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("delim", "‖", start, end))
    return end


def _nothing(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    return end  # display-math delimiters \[ \( and spacing carry no math


def _escaped_letter(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("letter", name, start, end))  # \% \$ \# \& \_
    return end


def _not(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    m = _MASTER.match(text, _skip_ws(text, end))  # \not= and \not\in
    if m is not None and m.group() in ("=", "\\in"):
        out.append(Token("cmd", "ne" if m.group() == "=" else "notin", start, m.end()))
        return m.end()
    raise FormulaError("\\not must be followed by = or \\in", start + 1,
                       "write \\neq or \\notin", text)


def _font_switch(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    """{\\rm margin}: an old-style font switch over the word after it."""
    m = _MASTER.match(text, _skip_ws(text, end))
    if m is not None and m.lastgroup == "letters":
        word = m.group()
        out.append(Token("letter" if len(word) == 1 else "word", word, m.start(), m.end(), name))
        return m.end()
    return _known_command(name, start, end, text, out)


def _separator(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("sep", name, start, end))  # \quad between statements
    return end


def _size(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    """``\\left(`` is just ``(``; ``\\left.`` and ``\\right.`` stand for no delimiter at all;
    ``\\left|`` and ``\\right|`` say which side a bar is on (marked "L" or "R")."""
    m = _MASTER.match(text, end)
    while m is not None and m.lastgroup == "ws":
        m = _MASTER.match(text, m.end())
    if m is not None and m.group() == ".":
        return m.end()
    side = "L" if name.endswith("l") or name == "left" else "R" if (
        name.endswith("r") or name == "right") else ""
    if m is not None and side and m.group() in ("|", "\\|", "\\lVert", "\\rVert",
                                                "\\Vert", "\\lvert", "\\rvert", "\\vert"):
        bar = m.group()
        kind, value = ("op", "|") if bar in ("|", "\\lvert", "\\rvert", "\\vert") else (
            "delim", "‖")
        out.append(Token(kind, value, m.start(), m.end(), side))
        return m.end()
    return end


def _environment(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    """``\\begin{env}`` and ``\\end{env}``; an array's column spec ``{cc|c}`` is skipped."""
    brace = _skip_ws(text, end)
    if brace >= len(text) or text[brace] != "{":
        raise FormulaError(
            f"\\{name} needs an environment name in braces", end + 1,
            f"write \\{name}{{aligned}}, \\{name}{{pmatrix}} ...", text,
        )
    close = closing_brace(text, brace)
    env = text[brace + 1 : close].strip()
    out.append(Token(name, env, start, close + 1))
    pos = close + 1
    if name == "begin" and env in ("array", "alignat", "alignedat", "tabular"):
        spec = _skip_ws(text, pos)
        if spec < len(text) and text[spec] == "{":
            pos = closing_brace(text, spec) + 1
    return pos


def _without_argument(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    brace = _skip_ws(text, end)
    if brace < len(text) and text[brace] == "{":
        return closing_brace(text, brace) + 1  # colours, labels, tags and phantoms carry no math
    return end


def _delimiter(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    value = DELIMITER_COMMANDS[name]
    side = "L" if name.startswith("l") else "R" if name.startswith("r") else ""
    if value == "‖":
        out.append(Token("delim", "‖", start, end, side))
    elif value == "|":
        out.append(Token("op", "|", start, end, side))
    else:
        out.append(Token("cmd", name, start, end))
    return end


def _prime(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("op", "'", start, end))
    return end


def _top(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    out.append(Token("cmd", "top", start, end))  # \top, \T, \intercal: a transpose
    return end


def _known_command(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    base = name.rstrip("*")
    if base not in KNOWN_COMMANDS:
        raise FormulaError(f"unknown command \\{name}", start + 1, suggest_command(name), text)
    out.append(Token("cmd", base, start, end))
    return end


def _command_table() -> dict[str, _CommandReader]:
    """Every command with a reader of its own; the first entry for a name wins."""
    table: dict[str, _CommandReader] = {}
    entries: list[tuple[Iterable[str], _CommandReader]] = [
        (("\\",), _newrow),
        (("{", "}"), _escaped_brace),
        (("|",), _double_bar),
        (("[", "]", "(", ")", ",", ";", ":", "!", " ", ">"), _nothing),
        (("%", "$", "#", "&", "_"), _escaped_letter),
        (("not",), _not),
        (("rm", "bf", "cal", "it", "sf", "tt"), _font_switch),
        (("quad", "qquad"), _separator),
        (SIZES, _size),
        (("color", "textcolor", "tag", "label", "phantom", "vphantom", "hphantom"), _without_argument),
        (SPACING, _nothing),
        (("text", "textrm", "textnormal", "mbox", "textsf", "texttt", "textit", "textbf",
          "mathrm", "operatorname", "operatorname*", "operatornamewithlimits"), _braced_name),
        (("begin", "end"), _environment),
        (DELIMITER_COMMANDS, _delimiter),
        (("prime",), _prime),
        (("intercal", "T", "top"), _top),
    ]
    for names, reader in entries:
        for name in names:
            table.setdefault(name, reader)
    return table



def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _braced_name(name: str, start: int, end: int, text: str, out: list[Token]) -> int:
    """``\\text{...}``, ``\\mathrm{...}``, ``\\operatorname{...}``: a name, or words of pseudo-code."""
    brace = _skip_ws(text, end)
    if brace >= len(text) or text[brace] != "{":
        if name == "mathrm":
            out.append(Token("cmd", "mathrm", start, end))
            return end
        raise FormulaError(
            f"\\{name} needs its words in braces", end + 1, f"write \\{name}{{...}}", text
        )
    close = closing_brace(text, brace)
    content = text[brace + 1 : close]
    words = " ".join(content.replace("~", " ").replace("\\_", "_").split())
    if name not in ("mathrm",) and not name.startswith("operatorname"):
        words = " ".join(re.sub(r"[\\{}]", " ", words).split())  # text keeps its words only
    if name == "mathrm" and (len(words) <= 1 or not _NAME.fullmatch(words)):
        # \mathrm{d}, \mathrm{T}, \mathrm{x+1}: a font over ordinary math
        out.append(Token("cmd", "mathrm", start, end))
        return brace
    if name.startswith("operatorname"):
        opname = words.replace("\\", "")
        if not _NAME.fullmatch(opname):
            raise FormulaError(f"\\{name} needs a name of letters", brace + 2,
                               "write \\operatorname{softmax}", text)
        out.append(Token("opname", opname, start, close + 1))
        return close + 1
    named = _NAME_WITH_MARK.fullmatch(words)
    if named and (name == "mathrm" or named.group(1).lower() not in CONTROL_WORDS):
        # \text{loss}, \text{const.}, \text{target!}: a name (a final '!' is a factorial)
        word, mark = named.group(1), named.group(2)
        kind = "letter" if len(word) == 1 else "word"
        first = brace + 1 + len(content) - len(content.lstrip())
        font = {"textbf": "bf", "textit": "it", "textsf": "sf", "texttt": "tt"}.get(name, "rm")
        out.append(Token(kind, word, first, close, font))
        if mark == "!":
            out.append(Token("op", "!", close, close))
        return close + 1
    plain = " ".join(re.sub(r"[\\{}]", " ", words).split())  # text keeps its words only
    if plain:
        out.append(Token("text", plain, start, close + 1))
    return close + 1


_COMMANDS = _command_table()

_MATH_ALNUM_FONTS = (
    ("DOUBLE-STRUCK", "bb"), ("BOLD SCRIPT", "cal"), ("SCRIPT", "cal"),
    ("BOLD FRAKTUR", "frak"), ("FRAKTUR", "frak"), ("BOLD", "bf"), ("SANS-SERIF", "sf"),
    ("MONOSPACE", "tt"),
)
_LETTERLIKE = {"ℝ": ("R", "bb"), "ℕ": ("N", "bb"), "ℤ": ("Z", "bb"), "ℚ": ("Q", "bb"),
               "ℂ": ("C", "bb"), "ℒ": ("L", "cal"), "ℋ": ("H", "cal"), "ℎ": ("h", "")}


def _other(c: str, start: int, text: str, out: list[Token]) -> int:
    """A single character the master pattern did not classify."""
    end = start + 1
    if c in DASHES:
        out.append(Token("op", "-", start, end))
    elif c in UNICODE_GREEK:
        out.append(Token("cmd", UNICODE_GREEK[c], start, end))
    elif c in ("‖", "∥"):
        out.append(Token("delim", "‖", start, end))
    elif c in ("′", "’"):
        out.append(Token("op", "'", start, end))
    elif c == "″":
        out.append(Token("op", "'", start, end))
        out.append(Token("op", "'", start, end))
    elif c in SUPERSCRIPTS or c in SUBSCRIPTS:
        return _script_run(start, text, out)
    elif c in UNICODE_COMMANDS:
        name = UNICODE_COMMANDS[c]
        if name == "top":
            out.append(Token("op", "^", start, start))
        if name == "coloneqq":
            out.append(Token("op", ":=", start, end))
        else:
            out.append(Token("cmd", name, start, end))
    elif c in _LETTERLIKE:
        letter, font = _LETTERLIKE[c]
        out.append(Token("letter", letter, start, end, font))
    elif c in ("$", "~", "\u00a0", "\u200b", "\u2009", "\u202f", "\u2061", "\u2062"):
        pass  # math-mode dollars, ties, thin and invisible spaces
    elif c in ("⁡", "\ufeff"):
        pass
    elif c == "." and (
        text[end:].lstrip() == ""
        or text[end:].lstrip().startswith(("\\\\", "\\end", "&", "\\quad", ",", "}"))
    ):
        pass  # a full stop ending a sentence of prose around the math
    elif c in ("“", "”", "\"", "`"):
        raise FormulaError(
            f"unexpected quote {c!r}", start + 1, "quotes are not part of a formula", text
        )
    elif c in _COMBINING and out and out[-1].kind in ("letter", "cmd") and out[-1].end == start:
        prev = out.pop()  # y followed by a combining circumflex is ŷ
        _accented(prev, _COMBINING[c], prev.start, end, out)
    elif len(unicodedata.normalize("NFD", c)) == 2 and unicodedata.normalize("NFD", c)[1] in (
        _COMBINING
    ):
        decomposed = unicodedata.normalize("NFD", c)
        base, mark = decomposed[0], decomposed[1]
        _accented(Token("letter", base, start, end), _COMBINING[mark], start, end, out)
    else:
        styled = _math_alnum(c)
        if styled is None:
            raise FormulaError(
                f"unexpected character {c!r}", start + 1,
                f"the reader does not know {unicodedata.name(c, 'this character')!s}", text,
            )
        plain, font = styled
        if plain.isdigit():
            out.append(Token("num", plain, start, end))
        elif plain in UNICODE_GREEK:
            out.append(Token("cmd", UNICODE_GREEK[plain], start, end, font))
        else:
            out.append(Token("letter", plain, start, end, font))
    return end


_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde",
              "\u0307": "dot", "\u0308": "ddot", "\u20d7": "vec", "\u030c": "check"}


def _accented(letter: Token, accent: str, start: int, end: int, out: list[Token]) -> None:
    out.append(Token("cmd", accent, start, start))
    out.append(Token("op", "{", start, start))
    out.append(letter._replace(start=start, end=end))
    out.append(Token("op", "}", end, end))


def _math_alnum(c: str) -> tuple[str, str] | None:
    if not ("\U0001d400" <= c <= "\U0001d7ff"):
        return None
    plain = unicodedata.normalize("NFKC", c)
    if len(plain) != 1:
        return None
    name = unicodedata.name(c, "")
    font = next((f for key, f in _MATH_ALNUM_FONTS if key in name), "")
    return plain, font


def _script_run(start: int, text: str, out: list[Token]) -> int:
    """``x²ᵢ``: a run of Unicode super- or subscripts becomes ``^{...}`` or ``_{...}``."""
    table = SUPERSCRIPTS if text[start] in SUPERSCRIPTS else SUBSCRIPTS
    op = "^" if table is SUPERSCRIPTS else "_"
    pos = start
    out.append(Token("op", op, start, start))
    out.append(Token("op", "{", start, start))
    while pos < len(text) and text[pos] in table:
        plain = table[text[pos]]
        if plain.isdigit():
            if out[-1].kind == "num" and out[-1].end == pos:
                prev = out.pop()
                out.append(Token("num", prev.value + plain, prev.start, pos + 1))
            else:
                out.append(Token("num", plain, pos, pos + 1))
        elif plain in ("+", "-", "=", "(", ")"):
            out.append(Token("op", plain, pos, pos + 1))
        elif plain == "T" and op == "^":
            out.append(Token("cmd", "top", pos, pos + 1))
        elif len(plain) > 1:
            out.append(Token("cmd", plain, pos, pos + 1))
        else:
            out.append(Token("letter", plain, pos, pos + 1))
        pos += 1
    out.append(Token("op", "}", pos, pos))
    return pos
