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

import re
from typing import TYPE_CHECKING

from thirdroad import concepts
from thirdroad.formula.ast import Block, Symbol
from thirdroad.formula.blocks import block_of
from thirdroad.formula.errors import FormulaError, LimitError
from thirdroad.formula.explanation.chunks import chunks as find_chunks
from thirdroad.formula.explanation.fade import NothingToFade
from thirdroad.formula.explanation.model import LENSES, Chunk
from thirdroad.formula.explanation.names_lens import lone_name, names_lens
from thirdroad.formula.explanation.reading_order import reading_order, scaled_gradient
from thirdroad.formula.explanation.result import Explanation
from thirdroad.formula.explanation.view import Explained
from thirdroad.formula.explanation.worked_examples import Example, action_lens, worked_example
from thirdroad.formula.latex import to_latex
from thirdroad.formula.nearmiss import Note, near_misses
from thirdroad.formula.reading import Formula, parse
from thirdroad.formula.recognize import recognize

if TYPE_CHECKING:
    from thirdroad.formula.blocks import BlockReading

# The most parts (nodes of the tree) a formula may have to be explained: naming and checking it
# looks at each part in the light of the whole, so the work grows faster than the formula. The
# largest formulas of the real-text corpus (algorithm boxes of 3,000 characters) have about 320;
# 400 are explained in well under a second (benchmarks/long_input.py). Longer text is refused
# with a LimitError before the work starts; parse() still reads it (up to 20,000 characters).
MAX_PARTS = 400


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


_ROW_BREAK = re.compile(r"\n|\\\\")  # a line break, or LaTeX's row break \\


def explain(text_or_formula: str | Formula, *, context: str = "", seed: int = 0) -> Explanation:
    """Recognise the concepts in a formula, flag near-misses and explain it in three lenses.

    ``context`` is the text around the formula (a document's sentence); names in it such as
    "Adam" count as claims the near-miss checks hold the formula to. Raises FormulaError for
    text that cannot be read as a formula.
    """
    source = text_or_formula.source if isinstance(text_or_formula, Formula) else text_or_formula
    block = block_of(source) if source else None  # several update lines read as one algorithm
    try:
        formula = text_or_formula if isinstance(text_or_formula, Formula) else read_formula(text_or_formula)
    except FormulaError:
        if block is None:
            raise
        formula = block.formula()  # an algorithm box: its lines, parsed one by one
    if block is None and isinstance(formula.root, Block) and not _ROW_BREAK.search(source):
        # lines that lost their breaks in a copy, or were run together on one line: the block
        # reader reads them as the rows the parser found (where the text has its own breaks, the
        # block reader has seen them already)
        block = block_of(" \\\\ ".join(to_latex(line) for line in formula.root.items))
    _within_limit(formula)
    rec = recognize(formula, context=context, seed=seed)

    def again(rest: Formula) -> Explanation:  # what is left after a fade, read with the same sentence
        return explain(rest, context=context, seed=seed)

    chunks = find_chunks(rec)
    if block is not None and block.concept is not None:
        chunks = [c for c in chunks if _fits(c, block)]
    notes = near_misses(rec, seed, context, block)
    example = worked_example(rec)
    if isinstance(formula.root, Symbol):
        # a name alone (a symbol in running text): what the catalog calls it; nothing to compute,
        # so no example ("with s_t = 0.5, it gives 0.5" tells nothing)
        names, order = lone_name(formula.root, formula)
        return Explanation(formula, chunks, notes, {"names": names, "reading_order": order, "action": ""},
                           tuple(rec.defining), explainer=again)
    lenses = {"names": names_lens(rec, chunks), "reading_order": reading_order(rec),
              "action": action_lens(rec, chunks, example)}
    if block is not None and block.concept is not None:
        chunks, notes = _whole_block(block, formula, chunks, notes, lenses)
    precedence = scaled_gradient(rec, chunks)  # the post's point: η ∇J(θ) is η times the whole gradient
    if precedence and lenses["reading_order"]:
        lenses["reading_order"] += " " + precedence
    return Explanation(formula, chunks, notes, lenses, tuple(rec.defining), block, example, explainer=again)


def _within_limit(formula: Formula) -> None:
    """Raise a LimitError for a formula with more than ``MAX_PARTS`` parts."""
    parts = sum(1 for _ in formula.root.walk())
    if parts > MAX_PARTS:
        raise LimitError(f"the formula is too large to explain ({parts} parts, at most {MAX_PARTS})", 1,
                         "explain its lines or terms one by one; parse() reads it whole")


def _whole_block(block: BlockReading, formula: Formula, chunks: list[Chunk], notes: list[Note],
                 lenses: dict[str, str]) -> tuple[list[Chunk], list[Note]]:
    """A block named as a whole (``thirdroad.formula.blocks``): the explanation opens with the
    whole and walks the lines, each with its role; the whole is the first chunk (evidence: the
    roles of its names), or a near-miss note."""
    cid = block.concept
    assert cid is not None
    # a layer's line-by-line names come from the catalog's usual convention (PyTorch's z keeps the
    # old state); the block's reading follows the lines as written, so it alone names a layer
    keep = lenses["names"] if block.layer is None else ""
    lenses["names"] = block.summary() + (f" {keep}" if keep else "")
    lenses["reading_order"] = "Line by line: " + block.walk()
    near = block.match.near_miss if block.match is not None else bool(block.layer and block.layer.near_miss)
    if near and not any(n.concept == cid for n in notes):
        return chunks, [Note("near_miss", cid, block.summary(), "a line differs",
                             span=(0, len(block.text)), reason=block.summary()), *notes]
    whole = Chunk(cid, formula.latex, (0, len(block.text)), {}, "role",
                  says=block.summary().split(". ")[0], words=block.name)
    return [whole, *chunks], notes


def _fits(chunk: Chunk, block: BlockReading) -> bool:
    """A line's chunk that contradicts what the block's lines do together is left out: another
    optimizer, not as a part of the block's own and not one of its box's options (λθ added to g
    is weight decay in Adam's box, not a Nesterov step), or an initialisation (dW/√s in RMSProp is
    the gradient over the root of its average, not He's initialisation)."""
    cid = block.concept or ""
    family = concepts.get(chunk.concept).family
    if family == "initialisation":
        return False
    if family != "optimizers" or chunk.concept == cid or cid in chunk.part_of:
        return True
    return any(concepts.get(chunk.concept).name in option for option in block.options)


__all__ = ["LENSES", "MAX_PARTS", "Chunk", "Example", "Explained", "Explanation", "Note", "NothingToFade", "explain",
           "read_formula"]
