"""``explain(text)``: name the chunks of a formula, say in which order to read it, and show
what it does on a tiny example.

>>> e = explain(r"\\frac{e^{z_k}}{\\sum_m e^{z_m}}")
>>> e.concepts
{'softmax'}
>>> e.chunks[0].says
'softmax over k of z_k'

Three lenses, each short and concrete:

- **names** (abstraction): "This is just a softmax: ..." (``names_lens``);
- **reading order** (chunking): inside out, each step an operation whose inputs are ready
  (``reading_order``);
- **action**: the formula computed by the evaluator on a small example (``worked_examples``).

The chunks are built in ``chunks``; the result, :class:`Explanation`, in ``result``; it is
drawn for the terminal by ``terminal`` and as HTML by ``html`` (the one renderer the reader's
companion page and the web app use too).
"""

from __future__ import annotations

from thirdroad.formula.ast import Symbol
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.explanation.chunks import chunks as find_chunks
from thirdroad.formula.explanation.model import LENSES, Chunk, Explained
from thirdroad.formula.explanation.names_lens import lone_name, names_lens
from thirdroad.formula.explanation.reading_order import reading_order
from thirdroad.formula.explanation.result import Explanation
from thirdroad.formula.explanation.worked_examples import action_lens
from thirdroad.formula.nearmiss import Note, near_misses
from thirdroad.formula.parse import Formula, parse
from thirdroad.formula.recognize import recognize


def read_formula(text: str) -> Formula:
    """Parse ``text``; if it cannot be read as it is, read it once more as a damaged copy.

    The parser calls a text mangled only when it sees typical damage; a single misspelt command
    (``\\frca``) or a lost closing bracket can slip through and then stop it. The repairs are
    kept in ``Formula.repairs`` and shown, so nothing is guessed silently.
    """
    try:
        return parse(text)
    except FormulaError as first:
        try:
            return parse(text, "mangled")
        except FormulaError:
            raise first from None


def explain(text_or_formula: str | Formula, *, context: str = "", seed: int = 0) -> Explanation:
    """Recognise the concepts in a formula, flag near-misses and explain it in three lenses.

    ``context`` is the text around the formula (a document's sentence); names in it such as
    "Adam" count as claims the near-miss checks hold the formula to. Raises FormulaError for
    text that cannot be read as a formula.
    """
    formula = text_or_formula if isinstance(text_or_formula, Formula) else read_formula(text_or_formula)
    rec = recognize(formula, context=context, seed=seed)
    chunks = find_chunks(rec)
    notes = near_misses(rec, seed)
    lenses = {"names": names_lens(rec, chunks), "reading_order": reading_order(rec),
              "action": action_lens(rec, chunks)}
    if isinstance(formula.root, Symbol):
        # a name alone (a symbol in running text): what the catalog calls it, no computation
        lenses["names"], lenses["reading_order"] = lone_name(formula.root, formula)
    return Explanation(formula, chunks, notes, lenses, tuple(rec.defining))


__all__ = ["LENSES", "Chunk", "Explained", "Explanation", "Note", "explain", "read_formula"]
