"""Blocks: several update lines read as one algorithm.

An optimizer on a page is rarely one formula: Ng writes Adam as three lines, PyTorch's
documentation as an algorithm box, a paper as pseudo-code. ``read_block`` takes any of
them apart (:mod:`.segment`), parses each line with :func:`thirdroad.formula.parse`,
follows the data from line to line (:mod:`.flow`), runs it symbolically (:mod:`.derive`)
and names what it computes against the catalog (:mod:`.optimizers`), saying how it differs
from PyTorch's canonical form. The result is plain data: the chain of agents the block
computes (:class:`Link`), which ``thirdroad.agents`` builds into a running optimizer.

>>> r = read_block(r"v = \\beta_1 v + (1-\\beta_1) dW \\\\ s = \\beta_2 s + (1-\\beta_2) dW^2 \\\\ "
...                r"W = W - \\alpha \\frac{v}{\\sqrt{s} + \\epsilon}")
>>> r.concept
'adam'
>>> [d.key for d in r.match.differences]
['no_bias_correction']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from thirdroad.formula.blocks.segment import Segmented, segment
from thirdroad.formula.errors import FormulaError

if TYPE_CHECKING:
    from thirdroad.formula.blocks.flow import Program, read_program
    from thirdroad.formula.blocks.patterns import Difference, Link, OptimizerMatch, Value
    from thirdroad.formula.blocks.reading import (
        BlockReading,
        Hyper,
        LineRole,
        read_block,
        register_layer_checker,
        register_optimizer_builder,
    )
    from thirdroad.formula.blocks.simulate import simulate, trajectory

# The block reader is loaded when a block is read (or one of its names is first used): most
# formulas explained are no block, and ``thirdroad explain`` starts faster without it.
_WHERE = {
    "Program": "flow", "read_program": "flow",
    "Difference": "patterns", "Link": "patterns", "OptimizerMatch": "patterns", "Value": "patterns",
    "BlockReading": "reading", "Hyper": "reading", "LineRole": "reading", "read_block": "reading",
    "register_layer_checker": "reading", "register_optimizer_builder": "reading",
    "simulate": "simulate", "trajectory": "simulate",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def block_of(text: str) -> BlockReading | None:
    """The reading of ``text`` when it is a block (two or more update lines, or an algorithm
    box), else ``None``; never raises for text that is no block."""
    try:
        seg = segment(text)
    except FormulaError:
        return None
    assigns = [line for line in seg.lines if line.kind == "assign"]
    if len(assigns) < 2 and not (seg.box and assigns):
        return None
    from thirdroad.formula.blocks.reading import read_block

    try:
        reading = read_block(text)
    except FormulaError:
        return None
    return reading if reading.program.body else None


__all__ = [
    "BlockReading",
    "Difference",
    "Hyper",
    "LineRole",
    "Link",
    "OptimizerMatch",
    "Program",
    "Segmented",
    "Value",
    "block_of",
    "read_block",
    "read_program",
    "register_layer_checker",
    "register_optimizer_builder",
    "segment",
    "simulate",
    "trajectory",
]
