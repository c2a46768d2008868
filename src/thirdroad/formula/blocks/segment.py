"""Take a block apart into lines: plain update lines, or an algorithm box.

A block reaches us in many dresses. Ng writes three lines joined by ``\\\\``; a paper writes
``m_t ← β_1 m_{t-1} + (1-β_1) g_t`` one per line with ``while ... do`` around them;
PyTorch's documentation writes an ``aligned`` box with ``\\textbf{input}``,
``\\textbf{for} t=1 \\textbf{to} ... \\textbf{do}``, ``\\textbf{if}`` and indentation made
of ``\\hspace{10mm}``; a NumPy transcription writes ``m = beta1*m + (1-beta1)*g``. This
module finds the logical lines of any of them, what kind each line is (an assignment, a
loop, a condition, the list of inputs ...) and how deep it is nested, and strips what is
layout (``&``, ``\\rule``, ``\\hspace``) or comment (``\\text{ (first moment)}``, ``# ...``).

The result is plain data; :mod:`thirdroad.formula.blocks.flow` parses each line's math.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from thirdroad.formula.errors import FormulaError

Span = tuple[int, int]

KINDS = ("assign", "loop", "if", "elif", "else", "end", "input", "init", "return", "given")

_KEYWORDS = (
    "for", "to", "do", "if", "else", "then", "while", "end", "return", "input", "inputs",
    "initialize", "initialise", "init", "require", "ensure", "repeat", "until", "not",
    "converged", "output", "parameters", "hyperparameters", "loop", "each", "step", "elif",
)  # fmt: skip
_WRAPPERS = r"\\(?:textbf|mathbf|bf|textit|text|mathrm|texttt|textsf|mathit|operatorname)\s*\{\s*([^{}]*?)\s*\}"
_SPACES = re.compile(r"\\[:,; !>]|\\quad|\\qquad|~|\\ ")
_HSPACE = re.compile(r"\\hspace\*?\s*\{\s*(-?[\d.]+)\s*(mm|pt|em|ex|cm|in)?\s*\}")
_RULE = re.compile(r"\\rule\s*\{[^{}]*\}\s*\{[^{}]*\}[a-z]*")
_ENV = re.compile(
    r"\\(?:begin|end)\s*\{\s*(?:aligned|align\*?|alignat\*?|gather\*?|gathered|split|eqnarray\*?|"
    r"algorithmic|algorithm|array|equation\*?|multline\*?)\s*\}(?:\s*\{[lcr|]*\})?"
)
_DELIMS = re.compile(r"\\\[|\\\]|\\\(|\\\)|\$\$|(?<!\\)\$")
_ALGORITHMIC = re.compile(
    r"\\(State|Statex|Require|Ensure|Input|Output|For|ForAll|EndFor|While|EndWhile|If|ElsIf|Else|"
    r"EndIf|Return|Repeat|Until|Loop|EndLoop|Comment)\b"
)
_LINE_BREAK = re.compile(r"\\\\(?:\s*\[[^\]]*\])?|\\newline\b|\\cr\b")
_ASSIGN = re.compile(r"\\leftarrow|\\gets|←|:=|⟵|<-|\\coloneqq|(?<![<>!=\\])=(?!=)|[-+*/]=")
_SIZED = re.compile(r"\\(?:big|Big|bigg|Bigg)[lr]?(?=[()\[\]|.]|\\[{}|])")


@dataclass(frozen=True)
class Line:
    """One logical line of a block.

    ``kind`` is one of :data:`KINDS`; ``math`` is the line's mathematics with layout,
    keywords and comments removed (for ``if`` the condition, for ``loop`` the loop header,
    for ``input`` the list of inputs); ``indent`` how far the line is indented (millimetres
    of ``\\hspace`` in a box, spaces in plain text); ``depth`` its nesting depth, worked out
    from the indentation and the loop/if/end keywords; ``note`` a trailing comment.
    """

    kind: str
    math: str
    span: Span
    indent: float = 0.0
    depth: int = 0
    note: str = ""
    flag: str = ""  # a condition that is a named switch: \textit{maximize}, amsgrad, ...
    source: str = ""  # the line before its comment was taken off (an input list's labels)


@dataclass(frozen=True)
class Segmented:
    """A block taken apart: its lines in order and whether it was written as an algorithm
    box (keywords, a loop) rather than as plain update lines."""

    lines: tuple[Line, ...]
    box: bool
    loop_var: str = "t"
    elementwise: tuple[str, ...] = field(default=())  # indices of a per-element loop (Rprop's i)

    @property
    def assignments(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.kind == "assign")


def segment(text: str) -> Segmented:
    """The logical lines of ``text``; raises :class:`FormulaError` for an empty block."""
    if not text.strip():
        raise FormulaError("the block is empty", 1, "write one update per line, e.g. v = βv + (1-β) dW", text)
    pieces = _split(text)
    lines: list[Line] = []
    for start, end in pieces:
        lines.extend(_classify(text, start, end))
    lines = _join_continuations(lines)
    lines = _nest(lines)
    box = any(line.kind in ("loop", "if", "input", "init", "return") for line in lines)
    loop_var = "t"
    elementwise: list[str] = []
    for line in lines:
        if line.kind == "loop":
            var = _loop_variable(line.math)
            if var and line.depth > 0 and var != loop_var:
                elementwise.append(var)
            elif var and line.depth == 0:
                loop_var = var
    return Segmented(tuple(lines), box, loop_var, tuple(elementwise))


# ---------------------------------------------------------------- splitting


def _split(text: str) -> list[Span]:
    """Spans of the pieces between line breaks: ``\\\\`` where the text uses it (LaTeX
    blocks, where a newline is only layout), else newlines; algorithmic macros (``\\State``)
    start a new piece too; ``;`` at bracket depth 0 splits plain-text lines."""
    breaks: list[Span] = []
    if _LINE_BREAK.search(text):
        breaks = [(m.start(), m.end()) for m in _LINE_BREAK.finditer(text)]
    else:
        breaks = [(m.start(), m.end()) for m in re.finditer(r"\n", text)]
    breaks += [(m.start(), m.start()) for m in _ALGORITHMIC.finditer(text) if m.start() > 0]
    if not _LINE_BREAK.search(text):
        breaks += [(i, i + 1) for i in _top_level(text, ";")]
    breaks.sort()
    spans: list[Span] = []
    pos = 0
    for a, b in breaks:
        if a < pos:
            continue
        spans.append((pos, a))
        pos = b
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _top_level(text: str, char: str) -> list[int]:
    """Offsets of ``char`` outside every bracket and brace."""
    depth, out = 0, []
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        elif c == char and depth == 0 and (i == 0 or text[i - 1] != "\\"):
            out.append(i)
    return out


def split_top_level(text: str, char: str = ",") -> list[str]:
    """``text`` cut at each ``char`` outside brackets and braces (commas between inputs)."""
    cuts = _top_level(text, char)
    out, pos = [], 0
    for c in cuts:
        out.append(text[pos:c])
        pos = c + 1
    out.append(text[pos:])
    return [p for p in out if p.strip()]


# ---------------------------------------------------------------- one piece


def _classify(text: str, start: int, end: int) -> list[Line]:
    raw = text[start:end]
    indent = _indent(raw)
    body = _clean_layout(raw)
    lead = len(raw) - len(raw.lstrip())
    span = (start + lead, end - (len(raw) - len(raw.rstrip())))
    if not body.strip():
        return []
    macro = _ALGORITHMIC.match(body.strip())
    if macro:
        return _algorithmic(macro.group(1), body.strip()[macro.end() :], span, indent)
    plain = _keyword_view(body)
    word = plain.split()[0].lower().rstrip(":") if plain.split() else ""
    rest = _after_keyword(body, word)
    if word in ("input", "inputs", "require", "ensure", "parameters", "hyperparameters", "output"):
        kind = "given" if word in ("ensure", "output") else "input"
        math = rest.lstrip(": ").strip()
        if kind == "input" and _ASSIGN.search(math) and not re.search(r"\\text\s*\{\s*\(", rest):
            kind = "init"
        return [Line(kind, math, span, indent)]
    if word in ("initialize", "initialise", "init"):
        return [Line("init", rest.lstrip(": ").strip(), span, indent)]
    if word in ("for", "while", "repeat", "loop"):
        return [Line("loop", _loop_math(rest), span, indent)]
    if word == "end" or (word == "until"):
        return [Line("end", "", span, indent)]
    if word == "return":
        return [Line("return", rest.strip(), span, indent)]
    if word in ("if", "elif") or plain.lower().startswith("else if"):
        cond_src = re.sub(r"^.*?\bif\b\s*\}?", "", body, count=1) if word == "else" else rest
        kind = "elif" if word != "if" else "if"
        return [_condition(kind, cond_src, span, indent)]
    if word == "else":
        return [Line("else", "", span, indent)]
    math, note = strip_comment(body)
    math = _python_assignments(math.strip())
    if not math:
        return []
    return [Line("assign", math, span, indent, note=note, source=body.strip())]


def _algorithmic(macro: str, rest: str, span: Span, indent: float) -> list[Line]:
    """One line of LaTeX's ``algorithmic`` package: ``\\State``, ``\\For{...}``, ..."""
    arg, tail = _braced(rest)
    if macro in ("State", "Statex"):
        math, note = strip_comment(re.sub(r"\\gets\b", r"\\leftarrow", rest))
        return [Line("assign", _python_assignments(math.strip()), span, indent, note=note)] if math.strip() else []
    if macro in ("Require", "Input"):
        return [Line("input", strip_comment(rest)[0].strip(), span, indent)]
    if macro in ("Ensure", "Output", "Comment"):
        return []
    if macro in ("For", "ForAll", "While", "Loop", "Repeat"):
        return [Line("loop", _loop_math(arg), span, indent)]
    if macro in ("If", "ElsIf"):
        return [_condition("if" if macro == "If" else "elif", arg, span, indent)]
    if macro == "Else":
        return [Line("else", "", span, indent)]
    if macro == "Return":
        return [Line("return", rest.strip(), span, indent)]
    del tail
    return [Line("end", "", span, indent)]


def _braced(text: str) -> tuple[str, str]:
    s = text.lstrip()
    if not s.startswith("{"):
        return s, ""
    depth = 0
    for i, c in enumerate(s):
        depth += c == "{"
        depth -= c == "}"
        if depth == 0:
            return s[1:i], s[i + 1 :]
    return s[1:], ""


def _condition(kind: str, src: str, span: Span, indent: float) -> Line:
    cond = re.sub(r"\\textbf\s*\{\s*then\s*\}|\bthen\b|\\mathbf\s*\{\s*do\s*\}", " ", src)
    cond = strip_comment(cond)[0].strip().rstrip(":").strip()
    word = re.sub(r"\\(?:textit|text|mathit|mathrm|textbf)\s*\{\s*([^{}]*?)\s*\}", r"\1", _keyword_view(cond))
    word = word.strip().strip(":").replace("\\_", "_").strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z_ ]*", word) and len(word) > 1 and not _ASSIGN.search(cond):
        return Line(kind, cond, span, indent, flag=word.replace(" ", "_").lower())
    return Line(kind, cond, span, indent)


def _indent(raw: str) -> float:
    """How far a line is indented: the ``\\hspace`` lengths at its start (a box), else the
    leading spaces (plain pseudo-code, each space a millimetre)."""
    m = re.match(r"\s*&?\s*((?:\\hspace\*?\s*\{[^}]*\}\s*|\\[:,;]\s*|\\quad\s*|\\qquad\s*)*)", raw)
    total = 0.0
    if m:
        for h in _HSPACE.finditer(m.group(1)):
            total += float(h.group(1)) * _UNITS.get(h.group(2) or "mm", 1.0)
        total += 4.0 * m.group(1).count("\\quad") + 4.0 * m.group(1).count("\\qquad")
        if total:
            return total
    stripped = raw.lstrip("\n")
    spaces = len(stripped) - len(stripped.lstrip(" \t"))
    return float(spaces) if "\\\\" not in raw and "&" not in raw else 0.0


_UNITS = {"pt": 0.35, "em": 4.0, "ex": 2.0, "cm": 10.0, "in": 25.4}  # in millimetres


def _clean_layout(raw: str) -> str:
    s = _DELIMS.sub(" ", raw)
    s = _ENV.sub(" ", s)
    s = _RULE.sub(" ", s)
    s = _HSPACE.sub(" ", s)
    s = re.sub(r"(?<!\\)&", " ", s)
    s = re.sub(r"\\(?:label|tag)\s*\{[^{}]*\}", " ", s)
    s = _SIZED.sub("", s)
    s = re.sub(r"\\(?:displaystyle|textstyle|noindent|centering|nonumber|notag)\b", " ", s)
    s = re.sub(r"\\!", "", s)
    s = re.sub(r"\\text\s*\{\s*\}", " ", s)
    return s.replace("\n", " ").strip()


def _keyword_view(s: str) -> str:
    """The line with keyword wrappers undone (``\\textbf{for}`` is ``for``) and spacing
    commands as spaces: used only to spot keywords."""
    view = re.sub(_WRAPPERS, lambda m: f" {m.group(1)} " if _all_keywords(m.group(1)) else m.group(0), s)
    view = re.sub(r"\\bf\s+(\w+)", r" \1 ", view)
    return _SPACES.sub(" ", view).strip()


def _all_keywords(words: str) -> bool:
    parts = words.strip().lower().split()
    return bool(parts) and all(p in _KEYWORDS for p in parts)


def _after_keyword(body: str, word: str) -> str:
    """What follows the keyword ``word`` at the start of ``body`` (in its LaTeX)."""
    s = body.lstrip()
    pat = re.compile(
        rf"^(?:\\(?:textbf|mathbf|bf|textit|text|mathrm)\s*\{{\s*{re.escape(word)}\s*\}}|\\bf\s+{re.escape(word)}|"
        rf"{re.escape(word)}\b)",
        re.IGNORECASE,
    )
    while True:
        s2 = _SPACES.sub(" ", s).lstrip()
        m = pat.match(s2)
        if m:
            return s2[m.end() :]
        if s2 == s:
            break
        s = s2
    if word == "else":  # "else if": take "else" away, the caller takes "if"
        return re.sub(r"^(\\textbf\s*\{\s*)?else(\s*\})?", "", s.lstrip(), flags=re.IGNORECASE)
    return s


def _loop_math(rest: str) -> str:
    view = _keyword_view(rest)
    view = re.sub(r"\b(do|to)\b", lambda m: " to " if m.group(1) == "to" else " ", view)
    return view.strip().rstrip(":").strip()


def _loop_variable(math: str) -> str:
    m = re.match(r"\s*(?:each\s+)?(\\?[A-Za-z]+)\s*(?:=|\\in|∈|\bin\b)", math)
    if m:
        return m.group(1).lstrip("\\")
    m = re.search(r"(?:\\theta|θ)\s*_?\{?([A-Za-z])\}?\s+not\s+converged", math)
    return m.group(1) if m else ""


# ---------------------------------------------------------------- comments


_COMMENT_MARKS = re.compile(r"\s(?:#|//|▷|\\triangleright|%)\s?(.*)$")


def strip_comment(s: str) -> tuple[str, str]:
    """``(math, comment)``: a trailing ``\\text{ (first moment)}``, ``# ...``, ``▷ ...`` or
    parenthesised words (``(Update biased first moment estimate)``) are comments."""
    note = ""
    m = _COMMENT_MARKS.search(" " + s)
    if m:
        note = m.group(1).strip()
        s = (" " + s)[: m.start()].strip()
    m = re.search(r"(\\quad\s*)*\\text\s*\{\s*\(?([^{}]*?)\)?\s*\}\s*[,.]?\s*$", s)
    if m and re.search(r"[A-Za-z]{2,}", m.group(2)):
        note = note or m.group(2).strip()
        s = s[: m.start()].rstrip()
    m = re.search(r"\(\s*([A-Za-z][A-Za-z0-9' .-]*\s[A-Za-z][A-Za-z0-9' .,-]*)\)\s*[,.]?\s*$", s)
    if m and len(re.findall(r"[A-Za-z]{3,}", m.group(1))) >= 2:
        note = note or m.group(1).strip()
        s = s[: m.start()].rstrip()
    return s.rstrip(" ,.;"), note


def _python_assignments(s: str) -> str:
    """Code habits read as math: ``x -= y`` is ``x = x - (y)``, ``**`` a power, ``np.sqrt``
    the root."""
    s = re.sub(r"\b(?:np|numpy|torch|math|jnp|tf)\.", "", s)
    s = s.replace("**", "^")
    m = re.match(r"^\s*(.+?)\s*([-+*/])=\s*(.+)$", s)
    if m and not re.search(r"[<>!=]$", m.group(1)):
        target, op, value = m.groups()
        op_tex = {"-": "-", "+": "+", "*": r"\cdot", "/": "/"}[op]
        s = f"{target} = {target} {op_tex} ({value})"
    return s


# ---------------------------------------------------------------- structure


def _join_continuations(lines: list[Line]) -> list[Line]:
    """A line that starts with an operator continues the one before it (PyTorch's NAdam
    box breaks the bias-corrected momentum over two lines); so do lines before the loop
    that carry on an input or initialize list."""
    out: list[Line] = []
    seen_loop = False
    for line in lines:
        seen_loop = seen_loop or line.kind == "loop"
        prev = out[-1] if out else None
        cont_op = line.kind == "assign" and re.match(r"\s*(?:[-+·*/]|\\cdot|\\times)", line.math)
        cont_header = (
            prev is not None and prev.kind in ("input", "init") and line.kind == "assign"
            and not seen_loop and line.indent > 0
        )
        if prev is not None and ((cont_op and prev.kind == "assign") or cont_header):
            more = line.source or line.math if cont_header else line.math
            out[-1] = Line(prev.kind, f"{prev.math} {',' if cont_header else ''} {more}".strip(),
                           (prev.span[0], line.span[1]), prev.indent, prev.depth, prev.note or line.note, prev.flag)
            continue
        out.append(line)
    return out


def _nest(lines: list[Line]) -> list[Line]:
    """Depths from indentation where there is any, else from the keywords alone (a loop
    holds everything up to its ``end`` or ``return``; an ``if`` holds the next line)."""
    indented = len({line.indent for line in lines if line.kind != "input"}) > 1
    out: list[Line] = []
    stack: list[tuple[float, str]] = []  # (indent, kind) of the open loops and conditions
    pending_if = 0  # without indentation: an if/else holds only the next line
    for line in lines:
        if line.kind in ("input", "init", "given"):
            out.append(_with_depth(line, 0))
            continue
        if indented:
            if line.kind in ("else", "elif"):
                while stack and stack[-1][0] > line.indent:
                    stack.pop()
                if stack and stack[-1][1] in ("if", "elif", "else") and stack[-1][0] == line.indent:
                    stack.pop()
            else:
                while stack and stack[-1][0] >= line.indent:
                    stack.pop()
            depth = 0 if line.kind == "return" else len(stack)
            out.append(_with_depth(line, depth))
            if line.kind in ("loop", "if", "elif", "else"):
                stack.append((line.indent, line.kind))
            continue
        if line.kind == "end":
            if stack:
                stack.pop()
            out.append(_with_depth(line, len(stack)))
            continue
        if line.kind in ("else", "elif") and stack and stack[-1][1] in ("if", "elif"):
            stack.pop()
        if line.kind == "return":
            stack.clear()
        depth = len(stack)
        out.append(_with_depth(line, depth))
        if pending_if and line.kind not in ("if", "elif", "else") and stack and stack[-1][1] in ("if", "elif", "else"):
            stack.pop()
            pending_if = 0
        if line.kind in ("loop", "if", "elif", "else"):
            stack.append((line.indent, line.kind))
            pending_if = int(line.kind != "loop")
    return out


def _with_depth(line: Line, depth: int) -> Line:
    return Line(line.kind, line.math, line.span, line.indent, depth, line.note, line.flag)


__all__ = ["KINDS", "Line", "Segmented", "segment", "split_top_level", "strip_comment"]
