"""A hand-written recursive-descent reader from tokens to the syntax tree.

The reader is one class assembled from parts, each in its own file and each holding one idea:

===============  ===========================================================================
cursor.py        the state: tokens, position, nesting, open brackets, decisions, errors
grammar.py       statements, relations, sums, products, factors (precedence, loosest first)
atoms.py         atoms, brackets, script arguments; scripts, primes and calls after an atom
commands.py      LaTeX constructs: \\frac, \\sqrt, fonts, accents, functions, big operators,
                 \\nabla, \\partial, the expectation
environments.py  matrices, cases, aligned statements
scripts.py       what x^... means: power, transpose, inverse, label, prime
guesses.py       notation guesses: function or product, update or equation, x_1 + … + x_n
passes.py        rewrites of the finished tree: dW and ΔW
===============  ===========================================================================

Every ambiguous choice is settled by a written rule (a :class:`~thirdroad.formula.rules.Rule`,
defined beside the code that applies it) and recorded in ``Parser.decisions``.
"""

from __future__ import annotations

from thirdroad.formula.parser.atoms import Atoms
from thirdroad.formula.parser.commands import Commands
from thirdroad.formula.parser.cursor import MAX_DEPTH
from thirdroad.formula.parser.environments import Environments
from thirdroad.formula.parser.grammar import Grammar, tree_depth
from thirdroad.formula.parser.guesses import Guesses
from thirdroad.formula.parser.passes import merge_changes, merge_differentials, split_lost_rows
from thirdroad.formula.parser.scripts import Scripts


class Parser(Grammar, Atoms, Commands, Environments, Scripts, Guesses):
    """Reads one token list; ``parse()`` returns the root node."""


__all__ = ["MAX_DEPTH", "Parser", "merge_changes", "merge_differentials", "split_lost_rows", "tree_depth"]
