"""Documents built to make a naive reader slow: unclosed delimiters, environments and tags by
the thousand. A lazy ``open.*?close`` pattern would rescan the rest of the document from each
one (minutes here). The test checks what each reading gives; how its time grows with the length
is measured by ``benchmarks/hostile.py`` (each document at 1x and 2x its size here, CPU time),
not by a timed test."""

from __future__ import annotations

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
def test_hostile_documents_are_read_within_the_limit(name: str, doc: str, fmt: str) -> None:
    reading = read(doc, format=fmt, progress=False, max_formulas=200)
    assert len(reading.formulas) <= 200
    assert reading.to_text()  # and it can say what it found and what it left
