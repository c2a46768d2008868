"""Every error thirdroad raises on purpose, under one base class.

Catch ``ThirdroadError`` to catch them all; each one also keeps the built-in class it always
subclassed (``ValueError`` for bad input, ``KeyError`` for an unknown concept id), so older
``except ValueError`` code keeps working::

    ThirdroadError
     +-- FormulaError          a formula could not be read            thirdroad.formula
     |    +-- ValuesError      the values given to a formula do not fit it
     |    +-- LimitError       a formula over a size limit (the message says which)
 +-- Unreadable, NeedCase  a block's line the block reader cannot  thirdroad.formula.blocks
 |                         follow, or must read twice (both caught there, said in the notes)
     +-- NothingToFade         fading out names nothing, or everything thirdroad.formula (a ValueError)
     +-- AgentInputError       a matrix, activation or optimizer an    thirdroad.agents
     |                         agent cannot act on
     +-- CatalogError          the concept catalog's data is wrong     thirdroad.concepts
     +-- UnknownConceptError   no concept has this id (a KeyError)     thirdroad.concepts
     +-- NoPathError           one concept does not build on another   thirdroad.concepts
     +-- DocumentError         a document cannot be read at all        thirdroad.reader
     +-- Cancelled             a reading was stopped (time ran out)    thirdroad.reader
     +-- EngineError           the engine: a bad dtype, target, file   thirdroad.nn
     |    +-- ShapeError       two shapes do not fit together
     |    +-- TrainingError    a training step failed (names epoch and step)
     |    +-- CheckpointError  a saved file is missing, damaged or does not fit
     +-- ApiError              a web request the user can act on       thirdroad.web
     +-- TooLarge              a request body over the size limit      thirdroad.web

**Positions** are counted one way everywhere: ``position`` is the 1-based column of the fault
in the text the error carries (``text``), ``offset`` the same place counted from 0.

This module imports nothing: every package, the engine included, may build on it.
"""

from __future__ import annotations

__all__ = ["ThirdroadError"]


class ThirdroadError(Exception):
    """The base of every error thirdroad raises on purpose."""
