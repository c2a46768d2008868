"""Reading and writing the real-text corpus files (``tests/data/realtext/<source>.toml``).

The standard library reads TOML but does not write it; the corpus needs only strings, booleans
and lists of strings, so a small writer is enough. Formula text is written as a literal string
(``'''...'''``: backslashes stay as they are) whenever it can be, so the files read like the
LaTeX they hold.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REALTEXT = Path(__file__).resolve().parents[2] / "tests" / "data" / "realtext"

SOURCE_KEYS = ("name", "kind", "origin", "license", "extracted_by")
FORMULA_KEYS = ("id", "where", "display", "text", "context", "core", "also", "fragment", "slip", "note")


def load(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def sources(folder: Path = REALTEXT) -> list[Path]:
    """The corpus files of a folder, sorted; ``slips.toml`` is not a source."""
    return sorted(p for p in folder.glob("*.toml") if p.name != "slips.toml")


def _basic(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def string(text: str, multiline: bool = False) -> str:
    """A TOML string that reads back as ``text``: a literal string where TOML allows one."""
    control = any((ord(ch) < 0x20 and ch not in "\n\t") or ord(ch) == 0x7F for ch in text)
    if not control:
        if "\n" not in text and "'" not in text and not multiline:
            return f"'{text}'"
        if "'''" not in text and not text.endswith("'"):
            # a newline right after the opening ''' is dropped by TOML, so one is added when the
            # text itself starts with a newline
            lead = "\n" if text.startswith("\n") else ""
            return f"'''{lead}{text}'''"
    return _basic(text)


def value(v: Any, multiline: bool = False) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return string(v, multiline)
    if isinstance(v, Sequence):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to the corpus")


def table(name: str, entries: Mapping[str, Any], order: Sequence[str], array: bool = False) -> str:
    lines = [f"[[{name}]]" if array else f"[{name}]"]
    keys = [k for k in order if k in entries] + sorted(k for k in entries if k not in order)
    for key in keys:
        lines.append(f"{key} = {value(entries[key], multiline=key == 'text')}")
    return "\n".join(lines)


def dump(source: Mapping[str, Any], formulas: Sequence[Mapping[str, Any]], header: str = "") -> str:
    parts = [header.rstrip()] if header else []
    parts.append(table("source", source, SOURCE_KEYS))
    parts.extend(table("formula", f, FORMULA_KEYS, array=True) for f in formulas)
    return "\n\n".join(parts) + "\n"
