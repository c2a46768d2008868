"""The one place the reader and the web app ask the formula package for an explanation.

``explain_text`` returns an :class:`Explained`: the parsed formula, ``Explanation.to_dict()``
(DESIGN.md's schema) and where each chunk sits in the tree. ``mathml`` draws the formula with
every chunk boxed, from those places, with classes the companion page and the web app style
themselves (the explanation's own HTML brings an inline stylesheet, which the web app's
Content-Security-Policy does not allow).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from thirdroad.formula import Formula
from thirdroad.formula.explain import explain
from thirdroad.formula.explain import read as read_formula


@dataclass(frozen=True)
class Explained:
    """A formula and its explanation. ``boxes`` maps a node path (``data-node`` in the MathML)
    to the chunks on that node, outermost first: their concept ids, and for each the part of
    that concept the node is ("" for the whole; "scaled scores" inside attention)."""

    formula: Formula
    data: dict[str, Any]
    boxes: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]


def explain_text(text: str, context: str = "", *, code: bool = False) -> Explained:
    """Explain one formula; ``context`` is the sentence around it (names in it, such as "Adam",
    are claims the near-miss checks hold the formula to). ``code`` adds the generated NumPy
    code. Raises ``FormulaError``."""
    return explain_formula(read_formula(text), context, code=code)


def explain_formula(formula: Formula, context: str = "", *, code: bool = False) -> Explained:
    """``explain_text`` for a formula already read (``thirdroad.formula.explain.read``, which
    tries a damaged copy's repairs when the text cannot be read as it is)."""
    explanation = explain(formula, context=context)
    boxes: dict[str, list[tuple[str, str]]] = {}
    for chunk in explanation.chunks:
        boxes.setdefault(chunk.path, []).append((chunk.concept, chunk.part))
    ordered = sorted(boxes.items(), key=lambda item: item[0].count("."))
    return Explained(explanation.formula, explanation.to_dict(code=code),
                     tuple((path, tuple(c for c, _ in found), tuple(p for _, p in found)) for path, found in ordered))


def mathml(explained: Explained, names: dict[str, str] | None = None, display: str = "block") -> str:
    """MathML of the formula with each chunk's element boxed (class ``chunk``), its concept ids
    in ``data-concept`` and their names in ``title``."""
    markup = explained.formula.to_mathml()
    if display != "block":
        markup = markup.replace('<math display="block">', f'<math display="{escape(display)}">', 1)
    known = names or {}
    for path, ids, parts in explained.boxes:
        shown = [f"{known.get(c, c)}: {part}" if part else known.get(c, c) for c, part in zip(ids, parts, strict=True)]
        label = ", ".join(shown)
        attrs = f' class="chunk" data-concept="{escape(" ".join(ids))}" title="{escape(label)}"'
        markup = markup.replace(f' data-node="{path}"', f' data-node="{path}"{attrs}', 1)
    return markup
