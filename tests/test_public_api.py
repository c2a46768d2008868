"""The public surface: what DESIGN.md promises is there, and __all__ lists exactly it."""

from __future__ import annotations

import types

import thirdroad as tr
from thirdroad import nn

PROMISED = {"parse", "Formula", "FormulaError", "compile", "concepts", "agent", "nn", "explain", "Explanation", "Chunk",
            "Note", "Agent", "read", "Reading", "ThirdroadError", "Concept", "CompiledFormula"}
PROMISED_NN = {
    "Tensor", "Variable", "tensor", "GradientTape", "Module", "Sequential", "Dense", "Embedding", "LayerNorm",
    "Dropout", "losses", "optim", "fit", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softmax",
    "log_softmax", "logsumexp", "matmul", "einsum", "concat", "stack", "where", "maximum", "sum", "mean", "max",
}  # fmt: skip


def test_all_is_complete_and_resolves() -> None:
    for module in (tr, nn):
        public = {n for n, v in vars(module).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)}
        public |= {n for n in ("concepts", "nn", "losses", "optim", "functional", "rules") if hasattr(module, n)}
        assert set(module.__all__) >= public - {"annotations"}, sorted(public - set(module.__all__))
        for name in module.__all__:
            assert hasattr(module, name), name


def test_design_names_are_there() -> None:
    assert set(tr.__all__) >= PROMISED
    assert set(nn.__all__) >= PROMISED_NN
    assert {"mse", "cross_entropy", "bce_with_logits"} <= set(dir(nn.losses))
    assert {"SGD", "RMSProp", "Adam", "AdamW", "Adagrad"} <= set(dir(nn.optim))
