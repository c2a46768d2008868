"""The one place the reader and the web app ask the formula package for an explanation.

``explain_text`` returns the JSON of DESIGN.md's ``Explanation.to_dict()``. Until
``thirdroad.formula.explain`` lands it is built from the parser alone (notation, repairs,
canonical LaTeX, the reading order in words; no chunks yet): switching is the one line marked
below. ``mathml`` draws the formula with every chunk boxed, from the chunks' spans, so the
page and the web app box chunks the same way whichever explanation is behind them.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from thirdroad.formula import Formula, parse


def _from_parser(formula: Formula) -> dict[str, Any]:
    data = formula.to_dict()
    return {
        "input": data["input"],
        "notation": data["notation"],
        "repairs": data["repairs"],
        "latex": data["latex"],
        "concepts": [],
        "chunks": [],
        "warnings": [],
        "lenses": {"names": "", "reading_order": formula.to_words(), "action": ""},
        "code": "",
    }


def explain_text(text: str) -> tuple[Formula, dict[str, Any]]:
    """The parsed formula and its explanation as plain data. Raises ``FormulaError``."""
    formula = parse(text)
    return formula, _from_parser(formula)  # the switch: explain(formula).to_dict()


_ELEMENT_WITH_SPAN = re.compile(r'<(?P<tag>m[a-z]+)(?P<attrs>[^>]*?) data-span="(?P<a>\d+),(?P<b>\d+)"')


def mathml(formula: Formula, chunks: list[dict[str, Any]], names: dict[str, str] | None = None,
           display: str = "block") -> str:
    """MathML of ``formula`` with each chunk's element boxed and labelled with its concept.

    A chunk is boxed on the outermost element whose span is the chunk's span; chunks whose span
    no element has exactly are boxed on the smallest element covering it.
    """
    markup = formula.to_mathml()
    if display != "block":
        markup = markup.replace('<math display="block">', f'<math display="{escape(display)}">', 1)
    elements = [(m.start(), int(m.group("a")), int(m.group("b"))) for m in _ELEMENT_WITH_SPAN.finditer(markup)]
    boxes: dict[int, list[str]] = {}
    for chunk in chunks:
        span = chunk.get("span") or [0, 0]
        a, b = int(span[0]), int(span[1])
        exact = [pos for pos, x, y in elements if (x, y) == (a, b)]
        covering = sorted((y - x, pos) for pos, x, y in elements if x <= a and y >= b)
        target = exact[0] if exact else (covering[0][1] if covering else None)
        if target is not None:
            boxes.setdefault(target, []).append(str(chunk.get("concept", "")))
    for pos in sorted(boxes, reverse=True):
        ids = boxes[pos]
        label = ", ".join((names or {}).get(c, c) for c in ids)
        head_end = markup.index(" ", pos)
        markup = (markup[:head_end]
                  + f' class="chunk" data-concept="{escape(" ".join(ids))}" title="{escape(label)}"'
                  + markup[head_end:])
    return markup
