"""Modules: named containers of variables and of other modules.

A module is a function with memory. Assigning a :class:`Variable` or another
module to an attribute registers it under that name, so a model can list its
variables (``model.variables``), hand them to an optimizer, and save them
(``model.save("model.npz")``) under dotted names such as ``"layers.0.W"``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from thirdroad.nn._files import read_arrays, write_arrays
from thirdroad.nn._tensor import Array, EngineError, ShapeError
from thirdroad.nn._variable import Variable


class Module:
    """Base class of layers and models: subclasses set variables and submodules in
    ``__init__`` and compute in ``forward``. ``model(x)`` calls ``forward(x)``."""

    training: bool
    _variables: dict[str, Variable]
    _modules: dict[str, Module]

    def __init__(self) -> None:
        object.__setattr__(self, "_variables", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_variables" not in self.__dict__:
            Module.__init__(self)  # a subclass forgot super().__init__(): forgive it
        self._variables.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Variable):
            if value.name is None:
                value.name = name
            self._variables[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    # ---- what it holds --------------------------------------------------
    def named_variables(self, prefix: str = "") -> Iterator[tuple[str, Variable]]:
        for name, v in self._variables.items():
            yield prefix + name, v
        for name, m in self._modules.items():
            yield from m.named_variables(prefix + name + ".")

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix.rstrip("."), self
        for name, m in self._modules.items():
            yield from m.named_modules(prefix + name + ".")

    @property
    def variables(self) -> list[Variable]:
        """The trainable variables, in the order they were assigned (depth first)."""
        return [v for _, v in self.named_variables() if v.trainable]

    @property
    def all_variables(self) -> list[Variable]:
        return [v for _, v in self.named_variables()]

    def num_parameters(self) -> int:
        return sum(v.size for v in self.variables)

    # ---- modes ----------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        for _, m in self.named_modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    # ---- saving and loading ---------------------------------------------
    def state_dict(self) -> dict[str, Array]:
        """Every variable's values (copies), by dotted name."""
        return {name: v.data.copy() for name, v in self.named_variables()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> None:
        """Copy values into the variables. With ``strict``, the names must match exactly.

        All or nothing: every name, shape and dtype is checked before any variable changes,
        so a state that does not fit leaves the model as it was.
        """
        own = dict(self.named_variables())
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unexpected:
                parts.append(f"unexpected {unexpected}")
            raise EngineError("load_state_dict: " + "; ".join(parts))
        checked: list[tuple[Variable, Array]] = []
        for name, value in state.items():
            if name not in own:
                continue
            arr = np.asarray(value)
            if arr.shape != own[name].shape:
                raise ShapeError(
                    f"load_state_dict: {name} has shape {own[name].shape} here, "
                    f"{arr.shape} in the state (nothing was loaded)"
                )
            if arr.dtype.kind not in "biuf":
                raise EngineError(f"load_state_dict: {name} holds {arr.dtype} values, not numbers (nothing was loaded)")
            checked.append((own[name], arr))
        for var, arr in checked:
            var.data[...] = arr

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the variables to an ``.npz`` file, atomically; ``.npz`` is added to a name
        without it, and :meth:`load` resolves the name the same way.

        The file is written under a temporary name in the same folder, flushed to disk, then
        renamed over the target: a crash mid-save leaves the old file (or none), never half a
        file. Its permissions follow the umask, as any file the program creates.
        """
        return write_arrays(path, self.state_dict())

    def load(self, path: str | os.PathLike[str], strict: bool = True) -> None:
        """Read variables written by :meth:`save` (``"m"`` and ``"m.npz"`` name the same file).
        A damaged or truncated file raises :class:`CheckpointError`, naming it."""
        self.load_state_dict(read_arrays(path), strict=strict)

    def to_torch(self) -> Any:
        """An equivalent ``torch.nn.Module`` with the weights copied (PyTorch must be installed)."""
        raise NotImplementedError(f"{type(self).__name__} has no PyTorch counterpart yet")

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={type(m).__name__}" for n, m in self._modules.items())
        return f"{type(self).__name__}({inner})"


class Sequential(Module):
    """Layers applied one after the other: ``Sequential(Dense(4, 8), ReLU(), Dense(8, 2))``."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        self.layers = list(layers)
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise EngineError(f"Sequential: item {i} is a {type(layer).__name__}, not a Module")
            setattr(self, str(i), layer)

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def to_torch(self) -> Any:
        import torch

        return torch.nn.Sequential(*(layer.to_torch() for layer in self.layers))

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(repr(m) for m in self.layers) + ")"
