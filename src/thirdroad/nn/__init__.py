"""thirdroad.nn: a deep-learning engine on NumPy, small enough to read.

Tensors and reverse-mode autodiff behind a ``GradientTape``; layers; losses;
optimizers composed from moving averages; a training loop. Hyperparameters
carry PyTorch's names so results compare line by line.
"""

import importlib
import typing

from thirdroad.nn import functional, losses, numerics, optim, rules
from thirdroad.nn._files import CheckpointError
from thirdroad.nn._rng import manual_seed
from thirdroad.nn._tensor import EngineError, ShapeError, Tensor, tensor
from thirdroad.nn._variable import Variable
from thirdroad.nn.attention import BahdanauAttention, LuongAttention
from thirdroad.nn.energy import RBM, BoltzmannMachine
from thirdroad.nn.functional import (
    abs,
    add,
    broadcast_to,
    cast,
    clip,
    concat,
    div,
    einsum,
    elu,
    embedding,
    exp,
    expand_dims,
    gelu_tanh,
    leaky_relu,
    log,
    log1p,
    log_sigmoid,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    minimum,
    mul,
    neg,
    pow,
    relu,
    reshape,
    sigmoid,
    silu,
    softmax,
    softplus,
    split,
    sqrt,
    square,
    stack,
    stop_gradient,
    sub,
    sum,
    tanh,
    transpose,
    var,
    where,
)
from thirdroad.nn.layers import (
    Activation,
    Dense,
    Dropout,
    Embedding,
    LayerNorm,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from thirdroad.nn.module import Module, Sequential
from thirdroad.nn.recurrent import GRU, GRUCell, RNNCell
from thirdroad.nn.seq2seq import Seq2Seq
from thirdroad.nn.tape import GradientTape
from thirdroad.nn.training import History, TrainingError, accuracy, fit, predict

__all__ = [
    "GRU",
    "RBM",
    "Activation",
    "BahdanauAttention",
    "BoltzmannMachine",
    "CheckpointError",
    "Dense",
    "Dropout",
    "Embedding",
    "EngineError",
    "GRUCell",
    "GradientTape",
    "History",
    "LayerNorm",
    "LuongAttention",
    "Module",
    "RNNCell",
    "ReLU",
    "Seq2Seq",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "Tensor",
    "TrainingError",
    "Variable",
    "abs",
    "accuracy",
    "add",
    "broadcast_to",
    "cast",
    "clip",
    "concat",
    "digits",
    "div",
    "einsum",
    "elu",
    "embedding",
    "energy",
    "exp",
    "expand_dims",
    "fit",
    "functional",
    "gelu_tanh",
    "leaky_relu",
    "log",
    "log1p",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "losses",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "mul",
    "neg",
    "numerics",
    "optim",
    "pow",
    "predict",
    "relu",
    "reshape",
    "rules",
    "seq2seq",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "split",
    "sqrt",
    "square",
    "stack",
    "stop_gradient",
    "sub",
    "sum",
    "tanh",
    "tensor",
    "transpose",
    "var",
    "where",
]


def __getattr__(name: str) -> typing.Any:
    """The public submodules ``digits`` load on first use (they are not needed to start)."""
    if name in ("digits",):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
