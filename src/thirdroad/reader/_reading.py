"""``read(path_or_text)``: every formula of a document, found, placed and explained."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from thirdroad.errors import ThirdroadError
from thirdroad.formula import Explanation, Formula, FormulaError, checkpoint, claims, explain, read_formula
from thirdroad.reader._annotate import document_notes
from thirdroad.reader._find import Place, find_first_math, format_of, left_out
from thirdroad.reader._found import FoundFormula
from thirdroad.reader._notes import DocumentNote
from thirdroad.reader._page import companion_page
from thirdroad.reader._spans import FORMATS, Format, MathSpan
from thirdroad.reader._summary import summary_renderable, summary_text

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

T = TypeVar("T")

#: Documents longer than this are refused (a 50-page paper is about 150,000 characters).
MAX_DOCUMENT_CHARS = 2_000_000
#: At most this many formulas are explained; the rest are listed as not read.
MAX_FORMULAS = 5_000
#: A progress bar is shown (on a terminal) from this many formulas on.
PROGRESS_FROM = 40


class DocumentError(ThirdroadError, ValueError):
    """A document that cannot be read at all (too long, not text, unknown format)."""


@dataclass(frozen=True)
class Reading:
    """A document read: its formulas in order, the concepts met, the near-misses gathered."""

    source: str
    format: Format
    formulas: tuple[FoundFormula, ...]
    skipped: int = 0
    title: str = field(default="")
    document: str = field(default="", repr=False, compare=False)  # the text read, newlines normalised
    notes: tuple[DocumentNote, ...] = field(default=(), compare=False)  # on its words, code, damaged math
    left_out: str = ""  # what was not read and why: "12 lines of code (a Python file's prose is ...)"

    @property
    def concepts(self) -> list[str]:
        """Concept ids met, in the order the document first meets them."""
        seen: dict[str, None] = {}
        for found in self.formulas:
            seen.update(dict.fromkeys(found.concepts))
        return list(seen)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Every formula's warnings, each with the formula's index, location and text."""
        return [
            {**warning, "formula": found.index, "location": found.location, "text": found.text}
            for found in self.formulas
            for warning in found.warnings
        ]

    @property
    def errors(self) -> list[FoundFormula]:
        return [f for f in self.formulas if f.error is not None]

    def to_dict(self) -> dict[str, Any]:
        """DESIGN.md's ``read --json`` schema."""
        return {
            "source": self.source,
            "format": self.format,
            "formulas": [f.to_dict() for f in self.formulas],
            "concepts": self.concepts,
            "warnings": self.warnings,
            "notes": [note.to_dict() for note in self.notes],
            "skipped": self.skipped,
            "left_out": self.left_out,
        }

    def to_html(self) -> str:
        """One self-contained companion page (no script, no network)."""
        return companion_page(self)

    def _repr_html_(self) -> str:
        return companion_page(self, fragment=True)

    def to_text(self) -> str:
        """A plain-text summary: counts, concepts met, near-misses, unread formulas."""
        return summary_text(self)

    def summary(self) -> RenderableType:
        """The terminal summary as a rich renderable."""
        return summary_renderable(self)

    def __repr__(self) -> str:
        return (f"<Reading {self.source!r}: {len(self.formulas)} formulas, "
                f"{len(self.concepts)} concepts, {len(self.warnings)} warnings>")


def _is_file(text: str) -> bool:
    """Whether a file of this name exists; a line too long to be a file name is not one (the
    system says so with an error: a one-line document of 300 characters raised it)."""
    try:
        return Path(text).is_file()
    except OSError:
        return False


#: File suffixes a document is read from: a string ending in one, with no space or line
#: break, is a file name, and a missing file is an error rather than a one-line document.
DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".tex", ".html", ".htm", ".txt", ".text", ".py", ".rst"})


def _names_a_file(text: str) -> bool:
    return (len(text) < 1024 and not any(c.isspace() for c in text)
            and Path(text).suffix.lower() in DOCUMENT_SUFFIXES)


def _exists(text: str) -> bool:
    try:
        return Path(text).exists()
    except OSError:  # a name the system cannot even look up (too long) names no file here
        return False


def _load(path_or_text: str | os.PathLike[str]) -> tuple[str, str, str]:
    """(text, source name, file suffix). A string is a path if such a file exists, or if it
    looks like a file name (``my_post.md``): then a missing file is an error."""
    if isinstance(path_or_text, str) and _names_a_file(path_or_text) and not _exists(path_or_text):
        raise DocumentError(f"no such file: {path_or_text} (looked in {Path.cwd()}); "
                            "to read text itself, pass the text, not a file name")
    if isinstance(path_or_text, os.PathLike) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and len(path_or_text) < 1024
        and _is_file(path_or_text)
    ):
        path = Path(path_or_text)
        if not path.is_file():
            raise DocumentError(f"no such file: {path}" if not path.exists() else f"{path} is not a file")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_CHARS * 4:
            raise DocumentError(f"{path} is {size:,} bytes: documents are read up to {MAX_DOCUMENT_CHARS:,} characters")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        return text, str(path), path.suffix
    if not isinstance(path_or_text, str):
        raise DocumentError(f"read() takes a path or text, not {type(path_or_text).__name__}")
    return path_or_text, "<text>", ""


def read(path_or_text: str | os.PathLike[str], *, format: str | None = None,
         progress: bool | Console | None = None, max_formulas: int = MAX_FORMULAS) -> Reading:
    """Read a document (a path, or the text itself) and explain every formula in it.

    ``format`` is ``markdown``, ``latex``, ``html`` or ``text``; by default it comes from the
    file's suffix, else from what the text holds. ``progress`` shows a rich progress bar (given
    a Console, on it); by default one is shown on a terminal for long documents. Formulas past
    ``max_formulas`` are counted in ``Reading.skipped``, not read.
    """
    text, source, suffix = _load(path_or_text)
    if len(text) > MAX_DOCUMENT_CHARS:
        raise DocumentError(f"the document has {len(text):,} characters: the limit is {MAX_DOCUMENT_CHARS:,}")
    if format is not None and format not in FORMATS:
        raise DocumentError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fmt: Format = format_of(text, suffix) if format is None else format
    placed, skipped = find_first_math(text, fmt, limit=max_formulas)
    formulas = _explain_all(placed, _progress_console(progress, len(placed)))
    return Reading(source, fmt, tuple(formulas), skipped, document=text,
                   notes=document_notes(text, fmt, formulas), left_out=left_out(text, fmt))


def _progress_console(progress: bool | Console | None, count: int) -> Console | None:
    from rich.console import Console

    if isinstance(progress, Console):
        return progress
    if progress is None:
        progress = count >= PROGRESS_FROM
        console = Console(stderr=True)
        return console if progress and console.is_terminal else None
    return Console(stderr=True) if progress else None


class _Memo:
    """What one document has read so far, so that nothing is read twice.

    Papers repeat formulas (an update rule in the text and again in the algorithm box; ``$\\eta$``
    in every other sentence). A text is parsed once; it is explained once for each set of
    concepts its sentences name, because that set (``recognize.claims``) is all an explanation
    takes from the sentence. A formula that cannot be read keeps its error, once per text."""

    def __init__(self) -> None:
        self.formulas: dict[str, Formula | FormulaError] = {}
        self.explained: dict[tuple[str, frozenset[str]], Explanation | FormulaError] = {}

    def explain(self, text: str, context: str) -> tuple[Explanation | None, FormulaError | None]:
        formula = self.formulas.get(text)
        if formula is None:
            formula = self.formulas[text] = _attempt(read_formula, text)
        if isinstance(formula, FormulaError):
            return None, formula
        key = (text, claims(formula, context))
        explained = self.explained.get(key)
        if explained is None:
            explained = self.explained[key] = _attempt(_explain_in, formula, context)
        return (None, explained) if isinstance(explained, FormulaError) else (explained, None)


def _explain_in(formula: Formula, context: str) -> Explanation:
    return explain(formula, context=context)


def _attempt(fn: Callable[..., T], *args: Any) -> T | FormulaError:
    try:
        return fn(*args)
    except FormulaError as err:
        return err


def _explain_all(placed: list[tuple[MathSpan, Place]], console: Console | None) -> list[FoundFormula]:
    memo = _Memo()

    def one(i: int, span: MathSpan, place: Place) -> FoundFormula:
        checkpoint()  # a caller's deadline (the web app's time limit) stops the reading here
        explained, error = memo.explain(span.text, place.context)
        return FoundFormula(i, span.text, place, span.display, span.how, explained, error, span.written,
                            span.start, span.end)

    if console is None:
        return [one(i, span, place) for i, (span, place) in enumerate(placed)]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    found = []
    columns = (TextColumn("reading formulas"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("read", total=len(placed))
        for i, (span, place) in enumerate(placed):
            found.append(one(i, span, place))
            bar.advance(task)
    return found
