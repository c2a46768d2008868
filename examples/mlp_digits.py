"""Train an MLP on scikit-learn's bundled 8x8 digits with thirdroad's engine, step by step.

    python examples/mlp_digits.py

The same model and data as ``thirdroad train mlp`` (thirdroad.nn.digits), with the
training loop written out so you can see each part: a tape records the forward pass,
the tape gives the gradients, the optimizer turns them into steps.
"""

from __future__ import annotations

import numpy as np

from thirdroad import nn
from thirdroad.nn.digits import build, load


def main(epochs: int = 40, batch_size: int = 32, seed: int = 0) -> None:
    x_train, x_test, y_train, y_test = load(seed)
    model = build(seed)
    optimizer = nn.optim.Adam(lr=2e-3)
    print(optimizer.describe())
    rng = np.random.default_rng(seed)
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            with nn.GradientTape() as tape:
                logits = model(x_train[idx])
                loss = nn.losses.cross_entropy(logits, y_train[idx])
            grads = tape.gradient(loss, model.variables)
            optimizer.apply_gradients(zip(grads, model.variables, strict=True))
        if epoch % 10 == 0:
            acc = nn.accuracy(nn.predict(model, x_test), y_test)
            print(f"epoch {epoch:3d}  last batch loss {loss.item():.4f}  test accuracy {acc:.2%}")


if __name__ == "__main__":
    main()
