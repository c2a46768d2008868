"""Documents built to make a naive reader slow: unclosed delimiters, environments and tags by
the thousand. A lazy ``open.*?close`` pattern would rescan the rest of the document from each
one (minutes here); the reader must stay linear (well under a second each here; the bound is
loose because the machine is shared)."""

from __future__ import annotations

import time

import pytest

from thirdroad.reader import read

HOSTILE = [
    ("unclosed \\(", "\\( a " * 10_000, "markdown"),
    ("many $$", "$$ a " * 10_000, "markdown"),
    ("unclosed environments", "\\begin{align} a " * 5_000, "latex"),
    ("unclosed verbatim", "\\begin{verbatim} a " * 5_000, "latex"),
    ("unclosed fences", "```\nx\n" * 10_000, "markdown"),
    ("unclosed <math>", "<math>" * 10_000, "html"),
    ("a sea of <", "<" * 50_000, "html"),
    ("unclosed katex spans", '<span class="katex-html">' * 3_000, "html"),
    ("unclosed tex scripts", '<script type="math/tex">' * 3_000, "html"),
    ("one endless line of math", "x = " + "a + " * 20_000, "text"),
    ("unclosed headings", "<h1>" * 20_000, "html"),
    ("a heading before every formula", "<h2>T</h2><p>$x$</p>" * 3_000, "html"),
]


@pytest.mark.parametrize(("name", "doc", "fmt"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_documents_are_read_in_linear_time(name: str, doc: str, fmt: str) -> None:
    started = time.perf_counter()
    reading = read(doc, format=fmt, progress=False, max_formulas=200)
    assert time.perf_counter() - started < 5
    assert len(reading.formulas) <= 200
