"""Layers: small modules with their variables and a forward pass that reads like the formula."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from thirdroad.nn import functional as F
from thirdroad.nn._rng import Seed, make_rng
from thirdroad.nn._tensor import EngineError, Tensor
from thirdroad.nn._variable import Variable
from thirdroad.nn.module import Module

ACTIVATIONS: dict[str, Callable[[Any], Tensor]] = {
    "relu": F.relu,
    "tanh": F.tanh,
    "sigmoid": F.sigmoid,
    "softmax": F.softmax,
    "log_softmax": F.log_softmax,
    "softplus": F.softplus,
    "silu": F.silu,
    "elu": F.elu,
    "leaky_relu": F.leaky_relu,
    "gelu_tanh": F.gelu_tanh,
}


def _activation(name: str | None) -> Callable[[Any], Tensor] | None:
    if name is None:
        return None
    if name not in ACTIVATIONS:
        raise EngineError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


class Dense(Module):
    """A fully connected (linear, affine) layer: ``y = x W + b``, then an optional activation.

    ``W`` has shape (n_in, n_out), so a batch of rows ``x`` (B, n_in) maps to (B, n_out).
    Both start uniform in ±1/√n_in, as PyTorch's ``nn.Linear`` does.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | None = None,
        bias: bool = True,
        seed: Seed = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        rng = make_rng(seed)
        bound = 1.0 / np.sqrt(n_in)
        self.n_in, self.n_out = n_in, n_out
        self.W = Variable(rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype))
        self.b = Variable(rng.uniform(-bound, bound, (n_out,)).astype(dtype)) if bias else None
        self.activation = activation
        self._act = _activation(activation)

    def forward(self, x: Any) -> Tensor:
        y = F.matmul(x, self.W)
        if self.b is not None:
            y = y + self.b
        return self._act(y) if self._act is not None else y

    def to_torch(self) -> Any:
        import torch

        lin = torch.nn.Linear(self.n_in, self.n_out, bias=self.b is not None)
        dtype = torch.float64 if self.W.dtype == np.float64 else torch.float32
        lin = lin.to(dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(self.W.data.T.copy()))
            if self.b is not None:
                lin.bias.copy_(torch.from_numpy(self.b.data.copy()))
        if self.activation is None:
            return lin
        return torch.nn.Sequential(lin, _torch_activation(self.activation))

    def __repr__(self) -> str:
        act = f", activation={self.activation!r}" if self.activation else ""
        return f"Dense({self.n_in}, {self.n_out}{act})"


class Embedding(Module):
    """A table of vectors, one row per id: ``embed(ids)`` looks the rows up.

    Rows start standard normal, as in PyTorch's ``nn.Embedding``.
    """

    def __init__(self, n: int, d: int, seed: Seed = None, dtype: Any = np.float32) -> None:
        super().__init__()
        self.weight = Variable(make_rng(seed).standard_normal((n, d)).astype(dtype))

    def forward(self, ids: Any) -> Tensor:
        return F.embedding(self.weight, ids)

    def to_torch(self) -> Any:
        import torch

        n, d = self.weight.shape
        emb = torch.nn.Embedding(n, d).to(torch.float64 if self.weight.dtype == np.float64 else torch.float32)
        with torch.no_grad():
            emb.weight.copy_(torch.from_numpy(self.weight.data.copy()))
        return emb


class LayerNorm(Module):
    """Standardise each example over its last axis, then scale by γ and shift by β.

    ``y = (x - mean) / sqrt(var + eps) * gamma + beta``, statistics over the features
    of one example (batch norm takes them over the batch instead).
    """

    def __init__(self, d: int, eps: float = 1e-5, dtype: Any = np.float32) -> None:
        super().__init__()
        self.eps = eps
        self.gamma = Variable(np.ones(d, dtype=dtype))
        self.beta = Variable(np.zeros(d, dtype=dtype))

    def forward(self, x: Any) -> Tensor:
        return F.layer_norm(x, self.gamma, self.beta, self.eps)

    def to_torch(self) -> Any:
        import torch

        ln = torch.nn.LayerNorm(self.gamma.shape[0], eps=self.eps)
        ln = ln.to(torch.float64 if self.gamma.dtype == np.float64 else torch.float32)
        with torch.no_grad():
            ln.weight.copy_(torch.from_numpy(self.gamma.data.copy()))
            ln.bias.copy_(torch.from_numpy(self.beta.data.copy()))
        return ln


class Dropout(Module):
    """While training, zero each value with probability p and scale the survivors by 1/(1-p).

    In eval mode (``model.eval()``) it passes values through unchanged.
    """

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise EngineError(f"Dropout: p must lie in [0, 1), got {p}")
        self.p = p
        self.rng = make_rng(seed)

    def forward(self, x: Any) -> Tensor:
        return F.dropout(x, self.p, self.rng, training=self.training)

    def to_torch(self) -> Any:
        import torch

        return torch.nn.Dropout(self.p)


class Activation(Module):
    """An activation function as a layer, e.g. ``Activation("relu")``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        fn = _activation(name)
        assert fn is not None
        self.fn = fn

    def forward(self, x: Any) -> Tensor:
        return self.fn(x)

    def to_torch(self) -> Any:
        return _torch_activation(self.name)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


def ReLU() -> Activation:
    return Activation("relu")


def Tanh() -> Activation:
    return Activation("tanh")


def Sigmoid() -> Activation:
    return Activation("sigmoid")


def Softmax() -> Activation:
    return Activation("softmax")


def _torch_activation(name: str) -> Any:
    import torch

    table = {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "softplus": torch.nn.Softplus,
        "silu": torch.nn.SiLU,
        "elu": torch.nn.ELU,
        "leaky_relu": torch.nn.LeakyReLU,
    }
    if name == "softmax":
        return torch.nn.Softmax(dim=-1)
    if name == "log_softmax":
        return torch.nn.LogSoftmax(dim=-1)
    if name == "gelu_tanh":
        return torch.nn.GELU(approximate="tanh")
    return table[name]()
