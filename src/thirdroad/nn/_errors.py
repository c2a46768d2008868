"""The engine's errors, under the package's one base (:class:`thirdroad.errors.ThirdroadError`)::

    ThirdroadError
    └── EngineError          a bad shape, dtype, target, training step or checkpoint
        ├── ShapeError       two shapes do not fit together in an operation
        ├── CheckpointError  a checkpoint file is damaged or not a checkpoint (in _files.py)
        └── TrainingError    training cannot go on (in training.py)
"""

from __future__ import annotations

from thirdroad.errors import ThirdroadError


class EngineError(ThirdroadError, ValueError):
    """Base of the engine's errors: a bad shape, dtype, target, training step or checkpoint."""


class ShapeError(EngineError):
    """Two shapes do not fit together in an operation; the message names the op and the shapes."""
