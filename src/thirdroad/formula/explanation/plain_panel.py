"""An explanation's terminal panel drawn without rich, line for line as rich draws it.

``thirdroad explain`` prints the panel that ``terminal.py`` describes for rich: a rounded
border with the title in its top edge, the parts one under the other, each text wrapped at its
words, the chunks in a table. Importing rich is about 30 ms of a command that should print in a
fraction of a second, so the panel is laid out here by rich's own rules: word wrap, a word
longer than a line folded (or, in a table cell, cut with an ellipsis), the measure of a text and
of a table, columns as wide as their widest cell or, where the table is too wide, the widest
shrunk first, and the panel's width. :func:`draw` answers None where those rules would need
more than this module knows: a character that is not exactly one cell wide in every Unicode
version rich knows (CJK, emoji, a combining accent, a tab or a control character), a line break
in a table cell, a column shrunk to almost nothing. Then rich draws it. A test holds the two
against each other on every formula of the corpus and on random texts and tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Pieces of one text, each with the rich style it is drawn with in colour: ``(text, style)``.
Styled = tuple[tuple[str, str], ...]

# Characters one cell wide in every Unicode version rich knows, kept as they are by rich's Text:
# Latin, Greek, Cyrillic, phonetic letters, punctuation, scripts, arrows, mathematical operators
# and letters, box drawing and block elements (the pictures' bars). A test checks every one.
_ONE_CELL = ("\n\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u052f\u1d00-\u1dbf\u1e00-\u1fff"
             "\u2010-\u2027\u2030-\u205e\u2070-\u209f\u20a0-\u20cf\u2100-\u2319\u231c-\u2328\u232b-\u23e8"
             "\u23ed-\u23ef\u23f1-\u23f2\u23f4-\u24ff\u2500-\u25fc\u25ff\u27c0-\u27ff\u2900-\u2aff"
             "\U0001d400-\U0001d7ff")
_OTHER = re.compile(f"[^{_ONE_CELL}]")
_WORD = re.compile(r"\s*\S+\s*")  # a word and the space after it, as rich's word wrap reads it
_TRAILING = re.compile(r"\s+$")


class Table:
    """A table without borders: a header row and rows of plain text cells."""

    __slots__ = ("header", "rows")

    def __init__(self, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        self.header = header
        self.rows = rows


Part = Styled | Table


def draw(parts: Sequence[Part], title: str, width: int) -> str | None:
    """The panel of ``parts`` with ``title`` in its top border, at most ``width`` cells wide, as
    rich prints it without colour; None where rich must draw it (see the module's notes)."""
    texts = ["".join(piece for piece, _ in part) for part in parts if not isinstance(part, Table)]
    tables = [part for part in parts if isinstance(part, Table)]
    cells = [cell for table in tables for row in (table.header, *table.rows) for cell in row]
    if any(_OTHER.search(t) for t in (*texts, *cells, title)) or any("\n" in c for c in cells):
        return None
    head = f" {title} "
    most = width - 4  # the widest a part may be: the borders and a space on either side
    natural = max([0, *(len(line) for t in texts for line in t.split("\n")),
                   *(_table_measure(table, most) for table in tables)])
    inner = min(width - 2, max(min(natural, most) + 2, len(head) + 2))  # the panel's inside
    body = inner - 2
    if body < len(head) or most < 8:
        return None
    lines: list[str] = []
    texts_left = iter(texts)
    for part in parts:
        if isinstance(part, Table):
            drawn = _table_lines(part, body)
            if drawn is None:
                return None
            lines.extend(drawn)
        else:
            lines.extend(_wrapped(next(texts_left), body))
    excess = body - len(head)
    top = "╭─" + "─" * (excess // 2) + head + "─" * (excess - excess // 2) + "─╮"
    return "\n".join([top, *(f"│ {line} │" for line in lines), "╰" + "─" * inner + "╯"]) + "\n"


# ------------------------------------------------------------------ the table, as rich lays it out


def _natural_widths(table: Table, most: int) -> list[int]:
    """Each column as wide as its widest cell, with its padding (one space between a column and
    the next on either side, none at the table's edges), but no wider than ``most``."""
    n = len(table.header)
    return [max(1, min(most, max(len(row[k]) for row in (table.header, *table.rows)) + _left(k) + _right(k, n)))
            for k in range(n)]


def _left(k: int) -> int:
    return 1 if k > 0 else 0


def _right(k: int, n: int) -> int:
    return 1 if k < n - 1 else 0


def _table_measure(table: Table, most: int) -> int:
    """How wide the table says it is when it may take ``most`` cells."""
    natural = _natural_widths(table, most)
    if sum(natural) <= most:
        return sum(natural)
    fitted = sum(_widths(natural, most))
    return sum(min(w, fitted) for w in natural)


def _widths(natural: list[int], most: int) -> list[int]:
    """The columns' widths in ``most`` cells: the widest shrink first, down to the next widest,
    then all alike (rich's ``_collapse_widths`` and ``ratio_reduce``)."""
    widths = list(natural)
    excess = sum(widths) - most
    while sum(widths) and excess > 0:
        widest = max(widths)
        second = max(w if w != widest else 0 for w in widths)
        ratios = [1 if w == widest else 0 for w in widths]
        if not widest - second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        excess = sum(widths) - most
    if excess > 0:
        widths = _ratio_reduce(excess, [1] * len(widths), widths, widths)
    return widths


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums, strict=True)]
    left, remaining = sum(ratios), total
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and left > 0:
            taken = min(maximum, round(ratio * remaining / left))
            out.append(value - taken)
            remaining -= taken
            left -= ratio
        else:
            out.append(value)
    return out


def _table_lines(table: Table, body: int) -> list[str] | None:
    """The table's lines, each ``body`` wide: a cell wraps at its words within its column, a
    word longer than the column ends in an ellipsis, the header sits at the bottom of its row."""
    natural = _natural_widths(table, body)
    widths = natural if sum(natural) <= body else _widths(natural, body)
    n = len(widths)
    inside = [w - _left(k) - _right(k, n) for k, w in enumerate(widths)]
    if min(inside) < 2:
        return None
    out = []
    for first, row in enumerate((table.header, *table.rows)):
        cells = [_cell_lines(cell, room) for cell, room in zip(row, inside, strict=True)]
        height = max(len(c) for c in cells)
        cells = [([" " * room] * (height - len(c)) + c if first == 0 else c + [" " * room] * (height - len(c)))
                 for c, room in zip(cells, inside, strict=True)]
        for k in range(height):
            out.append("".join(" " * _left(j) + cells[j][k] + " " * _right(j, n) for j in range(n)).ljust(body))
    return out


def _cell_lines(text: str, width: int) -> list[str]:
    """A cell's text wrapped at its words, a word too long for the column cut with an ellipsis."""
    out = []
    breaks = _breaks(text, width, fold=False)
    for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        piece = _drop_trailing_space(text[start:end], width)
        out.append((piece[:width - 1] + "…" if len(piece) > width else piece).ljust(width))
    return out


# ------------------------------------------------------------------ text, as rich wraps it


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` wrapped at its words into lines of ``width`` characters (padded with spaces),
    as rich wraps a Text that folds a word longer than a line."""
    out = []
    for line in text.split("\n"):
        breaks = _breaks(line, width, fold=True)
        for start, end in zip([0, *breaks], [*breaks, len(line)], strict=True):
            out.append(_drop_trailing_space(line[start:end], width)[:width].ljust(width))
    return out


def _drop_trailing_space(piece: str, width: int) -> str:
    """Space past the end of the line is dropped first (rich's ``rstrip_end``)."""
    if len(piece) > width:
        trailing = _TRAILING.search(piece)
        if trailing is not None:
            return piece[:len(piece) - min(len(trailing.group()), len(piece) - width)]
    return piece


def _breaks(line: str, width: int, *, fold: bool) -> list[int]:
    """Where the lines of ``line`` start (after the first): rich's ``divide_line`` for text
    whose every character is one cell wide. A word longer than a line is folded over as many
    lines as it takes, or (``fold`` false) left whole on a line of its own."""
    breaks: list[int] = []
    offset = 0  # how much of the current line is taken
    position = 0
    while (match := _WORD.match(line, position)) is not None:
        start, position = match.span()
        word = match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width and not fold:
            if start:
                breaks.append(start)
            offset = len(word)
        elif length > width:
            chunks = [word[k:k + width] for k in range(0, len(word), width)]
            for k, chunk in enumerate(chunks):
                if start:
                    breaks.append(start)
                if k == len(chunks) - 1:
                    offset = len(chunk)
                else:
                    start += len(chunk)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks
