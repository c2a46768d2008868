"""What each LaTeX command becomes as tokens, by a table of readers.

Most commands are one ``cmd`` token (``\\alpha``, ``\\frac``); the readers here are for the
others: text (``\\text{loss}`` is a name, ``\\text{ for }`` words of pseudo-code), delimiters and
sizes (``\\left|``, ``\\Vert``), layout that carries no math (``\\quad``, ``\\hspace{5mm}``,
``\\rule{..}{..}``, ``\\label{..}``, ``% comments``), and wrappers whose argument is math
(``\\mathop{\\rm argmin}``, ``\\underset{i}{\\max}``, ``\\stackrel{\\text{def}}{=}``).
Each reader takes the cut in progress, the command's name and where it starts and ends, and
returns where the cut goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from thirdroad.formula.errors import FormulaError
from thirdroad.formula.lexer import MASTER, Lexer, braced, bracketed, skip_ws
from thirdroad.formula.tables import (
    BIG_OPERATORS,
    CONTROL_WORDS,
    DELIMITER_COMMANDS,
    GREEK,
    KNOWN_COMMANDS,
    LATEX_FUNCTIONS,
    PRODUCT_OPS,
    PSEUDO_WORDS,
    RELATIONS,
    SIZES,
    SPACING,
    WORD_FUNCTIONS,
)

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ENTRY = re.compile(r"([A-Za-z][A-Za-z_]*[A-Za-z])\[([0-9])\]")
_NAME_WITH_MARK = re.compile(r"([A-Za-z][A-Za-z0-9_]*)([.,;:!]?)")
_SWITCHED = re.compile(r"\s*\{?\s*\\(bf|rm|it|sf|tt|cal)\s+([A-Za-z][A-Za-z0-9]*)\s*\}?\s*")
_TEXT_FONTS = {"textbf": "bf", "textit": "it", "textsf": "sf", "texttt": "tt", "bf": "bf"}
_DEFINED = frozenset({"def", "defined", "Delta", "triangle", ":", "!", "?", "d"})  # ≜ over an =

Reader = Callable[[Lexer, str, int, int], int]


def suggest_command(name: str) -> str:
    """A hint for an unknown command: the closest known command, if any."""
    close = closest_command(name)
    if close:
        return f"\\{name} is not a command: did you mean \\{close[0]}?"
    return f"\\{name} is not a command the reader knows"


def closest_command(word: str) -> list[str]:
    """The known command a misspelt one was meant to be: the same letters in another order
    first (\\sqtr is \\sqrt, not \\star), then a spelling one slip away (a letter lost,
    added, changed or two swapped; two slips in a long name, none in a name of three letters or
    fewer, where one slip leads anywhere). ``\\norm`` is not a slip of ``\\rm`` nor ``\\foo``
    of ``\\rfloor``: no command is suggested for those."""
    letters = sorted(word)
    same = [c for c in sorted(KNOWN_COMMANDS) if sorted(c) == letters]
    if same:
        return same[:1]
    allowed = 0 if len(word) <= 3 else 1 if len(word) <= 6 else 2
    near = [(_slips(word, c, allowed), c) for c in sorted(KNOWN_COMMANDS) if abs(len(c) - len(word)) <= allowed]
    near = [(d, c) for d, c in near if d <= allowed and len(c) > 1]
    return [min(near)[1]] if near else []


def _slips(a: str, b: str, most: int) -> int:
    """Edits from ``a`` to ``b`` (insert, delete, change, swap of neighbours); counting stops
    past ``most``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > most:
            return most + 1
        prev2, prev = prev, row
    return prev[-1]


def read_command(lx: Lexer, name: str, start: int, end: int) -> int:
    """Cut ``\\name`` (``name`` without its backslash); returns the position to go on from."""
    return _READERS.get(name, _known_command)(lx, name, start, end)


def _known_command(lx: Lexer, name: str, start: int, end: int) -> int:
    base = name.rstrip("*")
    if base not in KNOWN_COMMANDS:
        return _authors_macro(lx, name, start, end)
    lx.add("cmd", base, start, end)
    return end


# Macros that papers and posts define for themselves, in the few forms nearly all of them use:
# \bx, \vx, \bmx for a bold (vector) x, \mW for a bold matrix W (the "Deep Learning" book's
# convention), \btheta for a bold θ. Where the definition is not in the text (a site's MathJax
# set-up, a style file), reading them this way is the one the author meant.
_BOLD_LETTER = re.compile(r"(?:b|v|bm|bf)([A-Za-z])|m([A-Z])")
_BOLD_GREEK = re.compile(r"(?:b|v|bm)(" + "|".join(sorted(GREEK, key=len, reverse=True)) + ")")


def is_authors_macro(name: str) -> bool:
    """Whether ``\\name``, unknown to LaTeX, is read as a macro that follows a convention
    papers use (so a damaged copy's repairs leave it alone)."""
    return name in _BARRED or (name in WORD_FUNCTIONS and len(name) > 2) or bool(
        _BOLD_GREEK.fullmatch(name) or _BOLD_LETTER.fullmatch(name))


def _authors_macro(lx: Lexer, name: str, start: int, end: int) -> int:
    """A command LaTeX does not know that follows a convention papers use for their own macros:
    ``\\softmax`` (declared as an operator), ``\\bx`` (a bold x); anything else is an error that
    says which command was meant, if one is close."""
    if name in WORD_FUNCTIONS and len(name) > 2:
        lx.add("opname", name, start, end)  # \DeclareMathOperator{\softmax}{softmax}
        return end
    greek = _BOLD_GREEK.fullmatch(name)  # first: \bmu is a bold μ, not a bold u
    letter = None if greek else _BOLD_LETTER.fullmatch(name)
    if letter is None and greek is None:
        raise FormulaError(f"unknown command \\{name}", start + 1, suggest_command(name), lx.text)
    lx.add("cmd", "mathbf" if letter else "boldsymbol", start, start)
    lx.add("op", "{", start, start)
    if letter:
        lx.add("letter", letter.group(1) or letter.group(2), start, end)
    else:
        lx.add("cmd", greek.group(1) if greek else "", start, end)
    lx.add("op", "}", end, end)
    return end


_BARRED = {"norm": "‖", "abs": "|"}  # \\norm{x} and \\abs{x}, with their bars


def _between(bar: str) -> Reader:
    def read(lx: Lexer, name: str, start: int, end: int) -> int:
        """``\\norm{x}`` is ‖x‖ and ``\\abs{x}`` is |x|, as papers define them (with an optional
        size first: ``\\norm*{x}``, ``\\norm[\\big]{x}``)."""
        arg = braced(lx.text, bracketed(lx.text, end))
        if arg is None:
            raise FormulaError(f"\\{name} needs its argument in braces", end + 1,
                               f"write \\{name}{{x}}", lx.text)
        kind = "delim" if bar == "‖" else "op"
        lx.add(kind, bar, start, end, "L")
        lx.scan(arg[0], arg[1])
        lx.add(kind, bar, arg[1], arg[1] + 1, "R")
        return arg[1] + 1

    return read


def _newrow(lx: Lexer, name: str, start: int, end: int) -> int:
    brace = lx.text[end : end + 1]
    if brace in ("{", "}") and "\\\\{" in lx.text and "\\\\}" in lx.text:
        # y \in \\{-1, 1\\}: braces escaped twice, as Markdown sources write \{ and \}
        lx.add("op", "\\" + brace, start, end + 1)
        return end + 1
    before = next((t for t in reversed(lx.out) if not (t.kind == "op" and t.value == "&")), None)
    broken = before is not None and ((before.kind == "op" and before.value in "+-*/=") or (
        before.kind == "cmd" and (before.value in PRODUCT_OPS or before.value in ("pm", "mp"))))
    if broken or _CONTINUES.match(lx.text, end):
        return end  # a + \\ b, a \\ &\cdot b: a line broken inside an expression
    lx.add("newrow", "", start, end)
    after = bracketed(lx.text, end)  # \\[-1.ex]: the space under the row carries no math
    return after if re.fullmatch(r"\s*\[\s*-?[\d.]*\s*[a-z]*\s*\]", lx.text[end:after]) else end


def _escaped_brace(lx: Lexer, name: str, start: int, end: int) -> int:
    lx.add("op", "\\" + name, start, end)
    return end


def _double_bar(lx: Lexer, name: str, start: int, end: int) -> int:
    if lx.text.startswith("\\|", end):  # p \|\| q: one double bar written twice
        end += 2
    lx.add("delim", "‖", start, end)
    return end


def _nothing(lx: Lexer, name: str, start: int, end: int) -> int:
    return end  # display-math delimiters \[ \(, spacing, size switches: no math


def _escaped_letter(lx: Lexer, name: str, start: int, end: int) -> int:
    lx.add("letter", name, start, end)  # \% \$ \# \& \_
    return end


def _not(lx: Lexer, name: str, start: int, end: int) -> int:
    m = MASTER.match(lx.text, skip_ws(lx.text, end))  # \not= and \not\in
    if m is not None and m.group() in ("=", "\\in"):
        lx.add("cmd", "ne" if m.group() == "=" else "notin", start, m.end())
        return m.end()
    raise FormulaError("\\not must be followed by = or \\in", start + 1, "write \\neq or \\notin", lx.text)


def _mid(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\mid`` is a bar: 'given' inside brackets, an absolute value's bar outside them;
    ``\\mid\\mid`` is a double bar (the two sides of a divergence)."""
    m = MASTER.match(lx.text, skip_ws(lx.text, end))
    if m is not None and m.group() == "\\mid":
        lx.add("delim", "‖", start, m.end())
        return m.end()
    lx.add("op", "|", start, end)
    return end


def _font_switch(lx: Lexer, name: str, start: int, end: int) -> int:
    """``{\\rm margin}``: an old-style font switch over the word after it; ``\\bf{return}`` a
    keyword of pseudo-code."""
    m = MASTER.match(lx.text, skip_ws(lx.text, end))
    if m is not None and m.lastgroup == "letters":
        word = m.group()
        lx.add("letter" if len(word) == 1 else "word", word, m.start(), m.end(), name)
        return m.end()
    arg = braced(lx.text, end)
    if name == "bf" and arg is not None and lx.text[arg[0] : arg[1]].strip().lower() in PSEUDO_WORDS:
        lx.add("text", lx.text[arg[0] : arg[1]].strip(), start, arg[1] + 1)
        return arg[1] + 1
    return _known_command(lx, name, start, end)


def _separator(lx: Lexer, name: str, start: int, end: int) -> int:
    r"""``\quad`` between statements; after an operator, next to a cell's edge or at either end
    it is only space."""
    before = lx.out[-1] if lx.out else None
    after = lx.text[skip_ws(lx.text, end) : skip_ws(lx.text, end) + 2]
    follows = MASTER.match(lx.text, skip_ws(lx.text, end))
    if follows is not None and follows.group()[1:] in RELATIONS:
        return end  # a \quad \Rightarrow b: space around a relation
    spacing = before is None or before.kind in ("sep", "newrow") or (
        before.kind == "op" and before.value in "=+-*/,&([{<>:|") or (before.kind == "cmd" and (
        before.value in RELATIONS or before.value in PRODUCT_OPS))
    if not (spacing or after[:1] in ("&", "}", "") or after == "\\\\"):
        lx.add("sep", name, start, end)
    return end


def _size(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\left(`` is just ``(``; ``\\left.`` and ``\\right.`` stand for no delimiter at all;
    ``\\left|`` and ``\\right|`` say which side a bar is on (marked "L" or "R")."""
    m = MASTER.match(lx.text, end)
    while m is not None and m.lastgroup == "ws":
        m = MASTER.match(lx.text, m.end())
    if m is not None and m.group() == ".":
        if name == "left" and _closed_by_bar(lx.text, m.end()):
            lx.add("op", "(", start, m.end())  # \left. f \right|_{x=a}: the whole of f is evaluated
        return m.end()
    if name == "right" and m is not None and m.group() in _EVALUATING and _opened_by_nothing(lx.text, start):
        if lx.text[m.end():].lstrip().startswith("_"):
            lx.add("op", ")", start, m.start())  # \left. f \right|_{x=a}: f evaluated at x = a
            lx.add("op", "|", m.start(), m.end())
        return m.end()
    if name == "left" and m is not None and m.group() == "\\{" and _closed_by_nothing(lx.text, m.end()):
        return m.end()  # \left\{ ... \right.: the brace of cases written by hand, no set
    side = "L" if name.endswith("l") or name == "left" else "R" if (
        name.endswith("r") or name == "right") else ""
    double = _BARS.match(lx.text, end)
    if side and double:  # \Bigl| \Bigr|, \left|\left|\right.\right.: the double bar of D(p ‖ q)
        lx.add("delim", "‖", start, double.end())
        return double.end()
    if m is not None and side and m.group() in ("|", "\\|", "\\lVert", "\\rVert",
                                                "\\Vert", "\\lvert", "\\rvert", "\\vert"):
        bar = m.group()
        kind, value = ("op", "|") if bar in ("|", "\\lvert", "\\rvert", "\\vert") else ("delim", "‖")
        lx.add(kind, value, m.start(), m.end(), side)
        return m.end()
    return end


_CONTINUES = re.compile(r"(?:\s|&|\\hspace\*?\{[^}]*\}|\\quad)*(?:\+|\\cdot\b|\\times\b|\\odot\b)")
_BARS = re.compile(r"\s*(?:\|)\s*\\(?:left|right|[bB]igg?[lr]?)\s*\|(?:\s*\\(?:left|right)\s*\.)*")


_EVALUATING = ("|", "\\vert", "\\rvert")  # \right| after \left.: a point of evaluation follows


def _closed_by_bar(text: str, pos: int) -> bool:
    """Whether the \\left. that ends just before ``pos`` is closed by a bar, ``\\right|``."""
    depth = 1
    for m in re.finditer(r"\\(left|right)\b\s*(\\[A-Za-z]+|\\?.)", text[pos:]):
        depth += 1 if m.group(1) == "left" else -1
        if depth == 0:
            return m.group(2) in _EVALUATING and text[pos + m.end():].lstrip().startswith("_")
    return False


def _closed_by_nothing(text: str, pos: int) -> bool:
    """Whether the \\left opened just before ``pos`` is closed by ``\\right.``."""
    depth = 1
    for m in re.finditer(r"\\(left|right)\b\s*(\\?.)", text[pos:]):
        depth += 1 if m.group(1) == "left" else -1
        if depth == 0:
            return m.group(2) == "."
    return False


def _opened_by_nothing(text: str, pos: int) -> bool:
    """Whether the \\right at ``pos`` closes a ``\\left.``."""
    depth = 1
    for m in reversed(list(re.finditer(r"\\(left|right)\b\s*(\\?.)", text[:pos]))):
        depth += 1 if m.group(1) == "right" else -1
        if depth == 0:
            return m.group(2) == "."
    return False


def _environment(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\begin{env}`` and ``\\end{env}``; an array's column spec ``{cc|c}`` is skipped."""
    arg = braced(lx.text, end)
    if arg is None:
        raise FormulaError(f"\\{name} needs an environment name in braces", end + 1,
                           f"write \\{name}{{aligned}}, \\{name}{{pmatrix}} ...", lx.text)
    env = lx.text[arg[0] : arg[1]].strip()
    lx.add(name, env, start, arg[1] + 1)
    pos = arg[1] + 1
    if name == "begin" and env in ("array", "alignat", "alignedat", "tabular"):
        spec = braced(lx.text, pos)  # the column spec {cc|c}
        if spec is not None:
            pos = spec[1] + 1
    return pos


def _without_arguments(count: int) -> Reader:
    def skip(lx: Lexer, name: str, start: int, end: int) -> int:
        pos = bracketed(lx.text, end)
        for _ in range(count):
            arg = braced(lx.text, pos)
            if arg is None:
                break
            pos = arg[1] + 1
        return pos

    return skip  # colours, labels, tags, phantoms, spaces, rules: no math


def _colour(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\color{red}{x}``, ``\\textcolor{red}{x}``: the colour is no math; the coloured group stays
    a group, unless a bracket opens or closes across its braces (``\\Big( \\color{red}{a \\Big)}``,
    as pages that colour part of a derivation write): that group is only paint, read unwrapped."""
    pos = bracketed(lx.text, end)
    colour = braced(lx.text, pos)
    if colour is None:
        return pos
    pos = colour[1] + 1
    group = braced(lx.text, pos)
    if group is None:
        return pos
    inside = lx.text[group[0]:group[1]]
    if inside.count("(") == inside.count(")") and inside.count("[") == inside.count("]"):
        return pos
    lx.scan(group[0], group[1])
    return group[1] + 1


def _unwrapped(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\mathop{\\rm argmin}``, ``\\smash{x}``, ``\\mathbin{@}``: the math inside, as if written
    without the wrapper."""
    arg = braced(lx.text, end)
    if arg is None:
        return end
    lx.scan(arg[0], arg[1])
    return arg[1] + 1


def _labelled_arrow(relation: str) -> Reader:
    def read(lx: Lexer, name: str, start: int, end: int) -> int:
        """``a \\xrightarrow{f} b``: the arrow's relation; the label over (and under) it names
        the map, it is not a term of the formula."""
        pos = bracketed(lx.text, end)
        arg = braced(lx.text, pos)
        stop = arg[1] + 1 if arg is not None else pos
        lx.add("cmd", relation, start, stop)
        return stop

    return read


def _substack(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\sum_{\\substack{i=1 \\\\ i \\ne j}}``: the lines of the limit, as a list."""
    arg = braced(lx.text, end)
    if arg is None:
        return end
    first = len(lx.out)
    lx.scan(arg[0], arg[1])
    lx.out[first:] = [t._replace(kind="op", value=",") if t.kind == "newrow" else t for t in lx.out[first:]]
    return arg[1] + 1


def _underset(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\underset{x}{\\arg\\max}`` is ``\\arg\\max_{x}``: a limit under an operator; under
    anything else the label is a comment."""
    under = braced(lx.text, end)
    body = braced(lx.text, under[1] + 1) if under is not None else None
    if under is None or body is None:
        return end
    first = len(lx.out)
    lx.scan(body[0], body[1])
    made = lx.out[first:]
    if made and (made[-1].value in BIG_OPERATORS or made[-1].value in LATEX_FUNCTIONS
                 or made[-1].kind == "opname" or (made[-1].kind == "word" and made[-1].value in BIG_OPERATORS)):
        lx.add("op", "_", under[0] - 1, under[0] - 1)
        lx.add("op", "{", under[0] - 1, under[0])
        lx.scan(under[0], under[1])
        lx.add("op", "}", under[1], under[1] + 1)
    return body[1] + 1


def _overset(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\stackrel{\\text{def}}{=}`` is ≜ (defined as); over another relation the label is a
    comment (``\\overset{!}{=}``: the relation itself); over anything else too."""
    over = braced(lx.text, end)
    body = braced(lx.text, over[1] + 1) if over is not None else None
    if over is None or body is None:
        return end
    relation = lx.text[body[0] : body[1]].strip()
    label = re.sub(r"\\(text|mathrm|rm|scriptscriptstyle|scriptstyle)\b|[{}\s]", "", lx.text[over[0] : over[1]])
    if relation in ("=", "\\equiv", "\\triangleq") and label.lstrip("\\") in _DEFINED:
        lx.add("cmd", "triangleq", start, body[1] + 1)
    else:
        lx.scan(body[0], body[1])
    return body[1] + 1


def _delimiter(lx: Lexer, name: str, start: int, end: int) -> int:
    value = DELIMITER_COMMANDS[name]
    side = "L" if name.startswith("l") else "R" if name.startswith("r") else ""
    if value in ("{", "}"):
        lx.add("op", "\\" + value, start, end)  # \lbrace a, b \rbrace: a set
    elif value == "‖":
        lx.add("delim", "‖", start, end, side)
    elif value == "|":
        lx.add("op", "|", start, end, side)
    else:
        lx.add("cmd", name, start, end)
    return end


def _dot(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\dot{x}`` is an accent; ``\\dot=`` and ``\\dot{=}`` are the relation ≐ (defined as)."""
    m = re.match(r"\s*(=|\{\s*=\s*\})", lx.text[end:])
    if m:
        lx.add("cmd", "doteq", start, end + m.end())
        return end + m.end()
    return _known_command(lx, name, start, end)


def _infix(lx: Lexer, name: str, start: int, end: int) -> int:
    """``{a \\over b}`` is ``\\frac{a}{b}``, ``{n \\choose k}`` is ``\\binom{n}{k}`` (TeX's infix forms)."""
    depth, k = 0, len(lx.out) - 1
    while k >= 0 and not (lx.out[k].kind == "op" and lx.out[k].value == "{" and depth == 0):
        depth += {"}": 1, "{": -1}.get(lx.out[k].value, 0) if lx.out[k].kind == "op" else 0
        k -= 1
    if k < 0:
        return _known_command(lx, name, start, end)
    lx.out.insert(k, lx.out[k]._replace(kind="cmd", value="frac" if name == "over" else "binom"))
    lx.add("op", "}", start, start)
    lx.add("op", "{", end, end)
    return end


def _prime(lx: Lexer, name: str, start: int, end: int) -> int:
    out = lx.out
    after = lx.text[skip_ws(lx.text, end) : skip_ws(lx.text, end) + 1]
    if len(out) >= 2 and out[-1].kind == out[-2].kind == "op" and out[-1].value == "{" and out[-2].value == "^" \
            and after not in ("}", "'", "\\", ""):
        # f^{\prime 2}: the prime, then the power the rest of the group raises to (f'^{2})
        del out[-2:]
        lx.add("op", "'", start, end)
        lx.add("op", "^", end, end)
        lx.add("op", "{", end, end)
        return end
    lx.add("op", "'", start, end)
    return end


def _top(lx: Lexer, name: str, start: int, end: int) -> int:
    lx.add("cmd", "top", start, end)  # \top, \T, \intercal: a transpose
    return end


def _alias(kind: str, value: str, font: str = "") -> Reader:
    def read(lx: Lexer, name: str, start: int, end: int) -> int:
        lx.add(kind, value, start, end, font)
        return end

    return read  # a macro papers define themselves: \vect{x} is \mathbf{x}, \R is ℝ


def braced_name(lx: Lexer, name: str, start: int, end: int) -> int:
    """``\\text{...}``, ``\\mathrm{...}``, ``\\operatorname{...}``: a name, or words of pseudo-code."""
    text = lx.text
    arg = braced(text, end)
    if arg is None:
        if name == "mathrm":
            lx.add("cmd", "mathrm", start, end)
            return end
        raise FormulaError(f"\\{name} needs its words in braces", end + 1, f"write \\{name}{{...}}", text)
    inside, close = arg
    content = text[inside:close]
    switched = _SWITCHED.fullmatch(content)
    if switched:  # \mbox{\bf f}, \mbox{{\bf Sa}}: a name in the font the switch names
        word = switched.group(2)
        lx.add("letter" if len(word) == 1 else "word", word, switched.start(2) + inside,
               switched.end(2) + inside, switched.group(1))
        return close + 1
    words = " ".join(content.replace("~", " ").replace("\\_", "_").split())
    entry = _ENTRY.fullmatch(words)
    if entry and name in ("text", "textrm", "mathrm", "texttt"):
        # \text{stride[0]}: PyTorch's docstrings index a setting given per dimension; its name
        # with the dimension as a subscript
        first = inside + content.index(entry.group(1)[:1])
        lx.add("word", entry.group(1), first, first + len(entry.group(1)), "rm")
        lx.add("op", "_", close, close)
        lx.add("num", entry.group(2), close, close)
        return close + 1
    if name not in ("mathrm",) and not name.startswith("operatorname"):
        words = " ".join(re.sub(r"[\\{}]", " ", words).split())  # text keeps its words only
    if name == "mathrm" and (len(words) <= 1 or not _NAME.fullmatch(words)):
        lx.add("cmd", "mathrm", start, end)  # \mathrm{d}, \mathrm{x+1}: a font over ordinary math
        return inside - 1
    if name.startswith("operatorname"):
        opname = re.sub(r"\\[,;:! ]", "", words).replace("\\", "")  # arg\,min\, is argmin
        if not _NAME.fullmatch(opname):
            raise FormulaError(f"\\{name} needs a name of letters", inside + 1,
                               "write \\operatorname{softmax}", text)
        lx.add("opname", opname, start, close + 1)
        return close + 1
    named = _NAME_WITH_MARK.fullmatch(words)
    keywords = PSEUDO_WORDS if name in _TEXT_FONTS else CONTROL_WORDS  # \textbf{input}: a keyword
    scripted = text[close + 1 : close + 2] in ("_", "^")  # \text{end}_i: a name with a subscript
    if named and (name == "mathrm" or scripted or named.group(1).lower() not in keywords):
        # \text{loss}, \text{const.}, \text{target!}: a name (a final '!' is a factorial)
        word, mark = named.group(1), named.group(2)
        first = inside + len(content) - len(content.lstrip())
        lx.add("letter" if len(word) == 1 else "word", word, first, close, _TEXT_FONTS.get(name, "rm"))
        if mark == "!":
            lx.add("op", "!", close, close)
        return close + 1
    plain = " ".join(re.sub(r"[\\{}]", " ", words).split())  # text keeps its words only
    last = plain.rsplit(" ", 1)
    if scripted and len(last) == 2 and _NAME.fullmatch(last[1]):
        # \text{where head}_i: words, then the name the subscript belongs to
        lx.add("text", last[0], start, close - len(last[1]))
        lx.add("letter" if len(last[1]) == 1 else "word", last[1], close - len(last[1]), close,
               _TEXT_FONTS.get(name, "rm"))
        return close + 1
    if plain:  # \text{[soft](arg)max}_\beta: the words are the name of what carries the script
        lx.add("word" if scripted else "text", plain, start, close + 1, "rm" if scripted else "")
    return close + 1


def _reader_table() -> dict[str, Reader]:
    """Every command with a reader of its own; the first entry for a name wins."""
    entries: list[tuple[Iterable[str], Reader]] = [
        (("\\",), _newrow),
        (("{", "}"), _escaped_brace),
        (("|",), _double_bar),
        (("[", "]", "(", ")", ",", ";", ":", "!", " ", ">", "\n", "\t", "\r", "mystrut", "strut"), _nothing),
        (("%", "$", "#", "&", "_"), _escaped_letter),
        (("not",), _not),
        (("mid",), _mid),
        (("rm", "bf", "cal", "it", "sf", "tt"), _font_switch),
        (("quad", "qquad"), _separator),
        (SIZES, _size),
        (("color", "textcolor"), _colour),
        (("tag", "label", "phantom", "vphantom", "hphantom", "hspace",
          "hspace*", "vspace", "vspace*", "index"), _without_arguments(1)),
        (("rule",), _without_arguments(2)),
        (("mathop", "mathbin", "mathrel", "mathord", "smash", "mathrlap", "mathllap", "mathclap",
          "rlap", "llap", "ensuremath", "cancel", "bcancel", "xcancel", "sout"), _unwrapped),
        (("xrightarrow", "xlongrightarrow"), _labelled_arrow("to")),
        (("xleftarrow", "xlongleftarrow"), _labelled_arrow("leftarrow")),
        (("xmapsto",), _labelled_arrow("mapsto")),
        (("xRightarrow",), _labelled_arrow("Rightarrow")),
        (("underset",), _underset),
        (("substack",), _substack),
        (("overset", "stackrel"), _overset),
        (SPACING | {"small", "footnotesize", "scriptsize", "tiny", "normalsize", "large", "Large",
                    "huge", "begingroup", "endgroup", "centering", "noindent"}, _nothing),
        (("text", "textrm", "textnormal", "mbox", "textsf", "texttt", "textit", "textbf",
          "mathrm", "operatorname", "operatorname*", "operatornamewithlimits"), braced_name),
        (("begin", "end"), _environment),
        (DELIMITER_COMMANDS, _delimiter),
        (("prime",), _prime),
        (("dot",), _dot),
        (("over", "choose"), _infix),
        (("intercal", "T", "top", "dagger"), _top),
        (("rightsquigarrow", "leadsto"), _alias("cmd", "to")),
        (("overleftarrow",), _alias("cmd", "vec")),
        (("bmod", "mod"), _alias("cmd", "bmod")),
        (("vect",), _alias("cmd", "mathbf")),
        (("R",), _alias("letter", "R", "bb")),
        *(((name, name + "*"), _between(bar)) for name, bar in _BARRED.items()),
        (("triangledown",), _alias("cmd", "nabla")),
        (("hdots",), _alias("cmd", "dots")),
    ]
    table: dict[str, Reader] = {}
    for names, reader in entries:
        for name in names:
            table.setdefault(name, reader)
    return table


_READERS = _reader_table()
COMMAND_READERS = frozenset(_READERS)  # the commands that are more than one plain token

__all__ = ["COMMAND_READERS", "braced_name", "closest_command", "is_authors_macro", "read_command", "suggest_command"]
