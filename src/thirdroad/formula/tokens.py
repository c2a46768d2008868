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

import re
import unicodedata

from thirdroad.formula.deadline import checkpoint
from thirdroad.formula.errors import FormulaError, LimitError
from thirdroad.formula.lexer import MASTER, Lexer, Token, skip_ws
from thirdroad.formula.rules import Rule
from thirdroad.formula.tables import (
    DASHES,
    GREEK_SET,
    KNOWN_COMMANDS,
    LATEX_FUNCTIONS,
    PRODUCT_OPS,
    RELATIONS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    UNICODE_COMMANDS,
    UNICODE_GREEK,
    WORD_ALIASES_ASCII,
    WORD_FUNCTIONS,
    WORD_NAMES,
)
from thirdroad.formula.tex_commands import COMMAND_READERS, read_command

MAX_LENGTH = 20_000


_ESCAPED_UNDERSCORE_WORD = re.compile(r"(?:\\_[A-Za-z]+)+")
_ASCII_NAME = re.compile(r"([A-Za-z]+?)([0-9]+)$")
_PLAIN_OPS = frozenset("*/=<>,;!'|()[]}^_&:")  # operators that are always themselves
_COMPOUND_ASSIGNMENTS = frozenset({"-=", "+=", "*=", "/="})
_OP_ALIASES = {"**": "^", "<-": "leftarrow", "<=": "le", ">=": "ge", "!=": "ne", "->": "to", "==": "eq"}


def tokenize(text: str, notation: str = "latex") -> list[Token]:
    """Split ``text`` into tokens. ``notation`` is ``latex``, ``unicode``, ``ascii`` or
    ``mangled`` (repaired text, cut as LaTeX); it decides how runs of letters are cut (see the
    ``bare-word`` rule) and whether digits right after a letter are its subscript (rules
    ascii-digits and plain-digits)."""
    if len(text) > MAX_LENGTH:
        raise LimitError(
            f"the formula is too long ({len(text)} characters, at most {MAX_LENGTH})",
            MAX_LENGTH + 1,
            "split a long document into formulas and read them one by one",
            text,
        )
    lx = Lexer(text, notation)
    lx.scan = lambda start, stop: _scan(lx, start, stop)
    checkpoint()
    _scan(lx, 0, len(text))
    lx.add("eof", "", len(text), len(text))
    return lx.out


def _scan(lx: Lexer, pos: int, stop: int) -> None:
    """Cut ``lx.text[pos:stop]`` onto ``lx.out``."""
    text, out = lx.text, lx.out
    while pos < stop:
        if not len(out) & 1023:
            checkpoint()  # a long text: has the reading's deadline passed?
        m = MASTER.match(text, pos, stop)
        assert m is not None  # the last alternative matches any character
        kind, start, end, value = m.lastgroup, m.start(), m.end(), m.group()
        pos = end
        if kind == "ws":
            continue
        if kind == "num":
            out.append(Token("num", value, start, end))
        elif kind == "letters":
            if len(value) == 1 and not lx.plain and lx.notation != "ascii" and text[end : end + 2] != "\\_":
                out.append(Token("letter", value, start, end))  # the common case: one LaTeX letter
            else:
                pos = _word(lx, value, start, end)
        elif kind == "op":
            if value in _PLAIN_OPS:
                out.append(Token("op", value, start, end))
            else:
                pos = _operator(lx, value, start, end)
        elif kind == "cmd":
            name = value[1:]
            if name in KNOWN_COMMANDS and name not in COMMAND_READERS:
                out.append(Token("cmd", name, start, end))  # the common case: a plain command
            else:
                pos = read_command(lx, name, start, end)
        else:
            pos = _character(lx, value, start, stop)


def _word(lx: Lexer, value: str, start: int, end: int) -> int:
    """A run of letters (rules bare-word, ascii-digits, plain-digits)."""
    text = lx.text
    joined = _ESCAPED_UNDERSCORE_WORD.match(text, end)
    if joined:  # hard\_sigmoid: an escaped underscore joins one name
        lx.add("word", text[start : joined.end()].replace("\\_", "_"), start, joined.end())
        return joined.end()
    ascii_mode = lx.notation == "ascii"
    pos = end
    after_script = bool(lx.out) and lx.out[-1].value == "_" and lx.out[-1].end > lx.out[-1].start
    if ascii_mode and not after_script:  # beta1: in plain text, digits after a name belong to it
        while pos < len(text) and text[pos] in "0123456789":
            pos += 1
        value, end = text[start:pos], pos
    _letters(value, start, text, end, ascii_mode, lx.out)
    if (lx.plain or (ascii_mode and after_script)) and len(value) == 1:
        pos = _digits_subscript(text, pos, lx.out)  # W1 in pasted text is W_1 (rule plain-digits)
    return pos


def _operator(lx: Lexer, value: str, start: int, end: int) -> int:
    if value in _COMPOUND_ASSIGNMENTS:
        before = lx.out[-1] if lx.out else None
        if lx.notation in ("ascii", "unicode") and not (before and before.kind == "op" and before.value in "^_"):
            lx.add("op", value, start, end)  # w -= lr * dw: code's update in place
            return end
        _operator(lx, value[0], start, start + 1)  # \theta^*= \arg\min ...: a label, then =
        lx.add("op", "=", start + 1, end)
        return end
    if value == "||" and _between_bars(lx, start, end):
        lx.add("op", "|", start, start + 1)  # |U_i||V_j|: one absolute value closes, the next opens
        lx.add("op", "|", start + 1, end)
    elif value == "||":
        lx.add("delim", "‖", start, end)
    elif value in _OP_ALIASES:
        alias = _OP_ALIASES[value]
        if alias == "eq":
            lx.add("op", "=", start, end)  # x == y in code is the equation x = y
        else:
            lx.add("op" if alias == "^" else "cmd", alias, start, end)
    elif value == "{" and lx.text.startswith("\\", skip_ws(lx.text, end)) and (
            braced_op := _BRACED_OPERATOR.match(lx.text, start)):
        lx.scan(end, braced_op.end() - 1)  # {\int}_Z is \int_Z: braces around an operator alone
        return braced_op.end()
    elif value == "{" and _empty_group(lx, end):
        return lx.text.index("}", end) + 1  # a ={} b: an empty group holds no math
    elif value in "+-" and _plus_or_minus(lx, value, end):
        lx.add("cmd", "pm" if value == "+" else "mp", start, end + 2)  # \eta_{+/-}: plus or minus
        return end + 2
    elif value == "-" and _holds_a_place(lx, end):
        lx.add("cmd", "cdotp", start, end)  # max(0, -): a dash holding the place of an argument
    else:
        lx.add("op", value, start, end)
    return end


def _plus_or_minus(lx: Lexer, value: str, end: int) -> bool:
    """``{+/-}``: a label, plus or minus."""
    return bool(lx.out) and lx.out[-1].value == "{" and lx.text.startswith("/-" if value == "+" else "/+", end)


def _between_bars(lx: Lexer, start: int, end: int) -> bool:
    """In LaTeX, ``||`` right between two terms while an absolute value is open (the last single
    bar before it opened one: |U_i||V_j|)."""
    text = lx.text
    if lx.notation != "latex" or start == 0 or end >= len(text):
        return False
    last = text.rfind("|", 0, start)
    between = (text[start - 1].isalnum() or text[start - 1] in ")]}") and (text[end].isalnum() or text[end] == "\\")
    return between and last != -1 and (last == 0 or text[last - 1] in "{( \t\n=+-*/,") and \
        text.count("|", 0, start) % 2 == 1


def _holds_a_place(lx: Lexer, end: int) -> bool:
    after = lx.text[skip_ws(lx.text, end) : skip_ws(lx.text, end) + 1]
    return bool(lx.out) and lx.out[-1].kind == "op" and lx.out[-1].value in ("(", ",") and after in (")", ",")


_BRACED_OPERATOR = re.compile(r"\{\s*\\(?:int|oint|sum|prod)\s*\}(?=\s*[_^])")
_DOTS = re.compile(r"\.(?:\s*\.)+")
_AFTER_SENTENCE = ("\\\\", "\\end", "&", "\\quad", ",", "}", "\\label", "\\nonumber", "\\notag", "\\tag",
                   "\\hfill", "\\qquad", "$")


def _ends_sentence(text: str, end: int) -> bool:
    """Whether a full stop at ``end - 1`` ends the sentence around the math, not the math."""
    rest = text[end : end + 12].lstrip()
    return (rest == "" and not text[end:].strip()) or rest.startswith(_AFTER_SENTENCE)
_ENDS_OPERAND = frozenset({")", "]", "}"})


def _full_stop(lx: Lexer, start: int, stop: int) -> int | None:
    """A full stop in math: ``...``, ``. . .`` and ``0..K`` are \\dots; ``f(.)`` and ``[.;.]`` hold a
    slot for an argument (\\cdot); between two terms (``η . (a + b)``, ``α.e^z``) it multiplies.
    None: a full stop of the sentence, or a character out of place."""
    text, out = lx.text, lx.out
    if text.startswith(".T", start) and not text[start + 2 : start + 3].isalnum() and out and (
            out[-1].kind in ("letter", "word") or out[-1].value in _ENDS_OPERAND):
        out.append(Token("op", "^", start, start + 1))  # K.T in code: K transposed
        out.append(Token("cmd", "top", start + 1, start + 2))
        return start + 2
    dots = _DOTS.match(text, start, stop)
    if dots:  # x_1 + ... + x_n, w_2 . . . w_n, k=0..K
        out.append(Token("cmd", "dots", start, dots.end()))
        return dots.end()
    if _ends_sentence(text, start + 1):
        return None
    before = out[-1] if out else None
    nxt = text[skip_ws(text, start + 1) : skip_ws(text, start + 1) + 1]
    if before is not None and before.kind == "op" and before.value == "{" and nxt.isalpha():
        out.append(Token("cmd", "cdotp", start, start + 1))  # W_{.j}: every row, column j
        return start + 1
    opens = before is not None and ((before.kind == "op" and before.value in "([;,") or (
        before.kind == "cmd" and (before.value in PRODUCT_OPS or before.value in RELATIONS)))
    if opens and nxt in (")", "]", ";", ",", "\\"):
        out.append(Token("cmd", "cdotp", start, start + 1))  # f(.): the slot of an argument
        return start + 1
    operand = before is not None and (before.kind in ("letter", "word", "num") or before.value in _ENDS_OPERAND
                                      or (before.kind == "cmd" and before.value in GREEK_SET))
    if operand and (nxt.isalnum() or nxt in ("(", "[", "\\") or nxt in UNICODE_GREEK):
        out.append(Token("cmd", "cdot", start, start + 1))  # η . (a + b): a product written with a dot
        return start + 1
    return None


def _empty_group(lx: Lexer, end: int) -> bool:
    """``{}`` where nothing needs an argument: not after ^, _ or a command."""
    if lx.text[end : end + 1] != "}" and not lx.text[end : end + 1].isspace():
        return False  # the common case, decided without skipping spaces
    if lx.text[skip_ws(lx.text, end) : skip_ws(lx.text, end) + 1] != "}":
        return False
    before = lx.out[-1] if lx.out else None
    return before is None or not (before.kind == "cmd" or (before.kind == "op" and before.value in "^_"))


def _character(lx: Lexer, value: str, start: int, stop: int) -> int:
    """One character the master pattern did not classify: dots, a tilde, a comment, Unicode."""
    text, out = lx.text, lx.out
    if value == ".":
        dot = _full_stop(lx, start, stop)
        if dot is not None:
            return dot
    if value == "~" and lx.notation != "latex" and out and (
        out[-1].kind in ("letter", "word", "num")
        or out[-1].value in (")", "]", "}", "|", "‖")
        or (out[-1].kind == "cmd" and out[-1].value in GREEK_SET)
    ):
        out.append(Token("cmd", "sim", start, start + 1))  # x ~ N(0, 1): drawn from (in LaTeX, ~ is a tie)
        return start + 1
    if value == "%" and lx.notation in ("latex", "mangled"):
        newline = text.find("\n", start, stop)  # a LaTeX comment, to the end of its line
        return stop if newline == -1 else newline
    if value == "@":
        out.append(Token("op", "*", start, start + 1))  # A @ B, \mathbin{@}: the matrix product
        return start + 1
    pos = _other(value, start, text, out)
    if out and out[-1].kind == "cmd" and out[-1].end == pos and value in UNICODE_GREEK:
        pos = _digits_subscript(text, pos, out)  # β1 is β_1 (rule plain-digits)
    return pos


BARE_WORD = Rule(
    "bare-word",
    "a run of letters is one name when it is a known word (softmax, score, ReLU, Var) or a "
    "spelled Greek letter (beta), or when it is applied like a function (score(h), RMS[g]); "
    "otherwise it is a "
    "product of one-letter names (Wx is W times x); capitals written together right before a "
    "subscript are one name, an abbreviation (PE_{pos}), unless a letter of it stands alone "
    "elsewhere. In ASCII every run is one name, except two "
    "letters of mixed case (xA, Wx: two names; dW stays the gradient), and sum_j, prod_j and "
    "a bare log x, exp x, which are the big operator and the function as in LaTeX",
)
ASCII_DIGITS = Rule("ascii-digits", "in ASCII, digits ending a name are its subscript: beta1 is β₁")


def ascii_reading(word: str) -> str:
    """The identifier a plain-text name is read as: ``eps`` is epsilon, ``beta1`` is beta_1."""
    name, digits = word, ""
    m = _ASCII_NAME.match(word)
    if m and len(word) > 1:
        name, digits = m.group(1), m.group(2)
    name = WORD_ALIASES_ASCII.get(name, name)
    return f"{name}_{digits}" if digits else name


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
        if digits and after == "_":  # l2_norm, f1_score: one identifier whose digits are no subscript
            out.append(Token("word", value, start, end))
            return
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
        or (len(value) >= 3 and (_next_char(text, end) == "(" or text.startswith("[", end)))
        or _abbreviation(value, text, end)
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
def _abbreviation(value: str, text: str, end: int) -> bool:
    """Capitals written together right before a subscript are one name, an abbreviation
    (PE_{pos}, MSE_{train}), unless one of its letters stands alone elsewhere as a name."""
    if not (value.isupper() and text.startswith("_", end)):
        return False
    return not any(re.search(rf"(?<![A-Za-z\\]){c}(?![A-Za-z])", text) for c in set(value))


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
    if c in DASHES and text.startswith(">", end):
        out.append(Token("cmd", "to", start, end + 1))  # h —> 0: an arrow typed with a dash, as ->
        return end + 1
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
    elif c == "." and _ends_sentence(text, end):
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
