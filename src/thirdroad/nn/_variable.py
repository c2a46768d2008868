"""Variables: the tensors that training changes in place."""

from __future__ import annotations

from typing import Any

import numpy as np

from thirdroad.nn._errors import ShapeError
from thirdroad.nn._tensor import EVERY_TAPE, NO_TAPES, Tensor, const

__all__ = ["Variable"]


class Variable(Tensor):
    """A trainable tensor: every tape follows it, and optimizers change it in place.

    >>> w = Variable(np.zeros(3), name="w")
    >>> w.assign_sub(np.ones(3))   # what an optimizer does
    """

    __slots__ = ("name", "trainable")

    def __init__(
        self, value: Any, dtype: Any = None, name: str | None = None, trainable: bool = True
    ) -> None:
        super().__init__(value, dtype)
        self.name = name
        self.data = np.array(self.data, copy=True)  # a variable owns its buffer
        self.trainable = trainable
        self._tapes = EVERY_TAPE if trainable else NO_TAPES

    def assign(self, value: Any) -> None:
        """Overwrite the values in place (shape must match)."""
        new = const(value)
        if np.shape(new) != self.data.shape:
            raise ShapeError(
                f"assign to {self.name or 'variable'}: shape {np.shape(new)} "
                f"does not match the variable's shape {self.data.shape}"
            )
        self.data[...] = new

    def assign_sub(self, delta: Any) -> None:
        np.subtract(self.data, const(delta), out=self.data, casting="same_kind")

    def assign_add(self, delta: Any) -> None:
        np.add(self.data, const(delta), out=self.data, casting="same_kind")
