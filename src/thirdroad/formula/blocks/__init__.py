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

from thirdroad.formula.blocks.flow import Program, read_program
from thirdroad.formula.blocks.patterns import Difference, Link, OptimizerMatch, Value
from thirdroad.formula.blocks.reading import (
    BlockReading,
    Hyper,
    LineRole,
    block_of,
    read_block,
    register_layer_checker,
    register_optimizer_builder,
)
from thirdroad.formula.blocks.segment import Segmented, segment
from thirdroad.formula.blocks.simulate import simulate, trajectory

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
