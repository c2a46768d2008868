"""The companion page shows the learner no raw LaTeX: every formula it could read is drawn
(MathML), every name and note is spelled in Unicode. Only a formula it could not read is shown
as written, marked as not read."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from thirdroad.reader import read

ROOT = Path(__file__).parents[2]
DOCUMENTS = [*sorted(p for p in (ROOT / "tests" / "data" / "documents").iterdir()
                     if not p.name.endswith(".expected.txt")), ROOT / "examples" / "three_ideas.md"]
# a command, a braced script, or a formula still in its dollars (money, "$5 and $10", is prose)
LATEX = re.compile(r"\\[A-Za-z]{2,}|[_^]\{|\$\S[^$]{0,80}\S\$")


class _Text(HTMLParser):
    """The text a reader sees, but for the stylesheet, the drawn math, the document's own code
    and a formula marked as not read (shown as written on purpose)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.skip or tag in ("style", "math", "code", "pre") or "unread" in classes:
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_the_page_text_has_no_raw_latex(document: Path) -> None:
    reading = read(document)
    parser = _Text()
    parser.feed(reading.to_html())
    text = " ".join(parser.text)
    found = sorted({m.group() for m in LATEX.finditer(text)})
    context = [text[max(0, m.start() - 40):m.end() + 40] for m in LATEX.finditer(text)][:3]
    assert found == [], context
    # the document itself is there, in order: its first heading or sentence, then its formulas
    assert reading.formulas and all(f'id="f-{f.index}"' in reading.to_html() for f in reading.formulas)


def test_no_lone_name_gets_a_card_of_its_own() -> None:
    reading = read(ROOT / "tests" / "data" / "documents" / "recurrent_cells.md")
    page = reading.to_html()
    names = [f for f in reading.formulas if f.formula is not None and f.formula.root.kind == "symbol"
             and f.explanation is not None and not f.explanation.chunks]
    assert names
    for found in names:
        assert f'id="x-{found.index}"' not in page  # no explanation of its own in the margin
        assert f'aria-describedby="t-{found.index}"' in page  # glossed where it stands
