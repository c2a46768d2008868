"""The training loop: it learns the bundled digits, and it stops clearly when the loss blows up."""

from __future__ import annotations

import numpy as np
import pytest

from thirdroad import nn
from thirdroad.nn import digits as mlp_digits


def test_mlp_example_reaches_97_percent_on_held_out_digits() -> None:
    assert mlp_digits.main(progress=False) >= 0.97


def test_fit_is_reproducible_and_keeps_history() -> None:
    x, _, y, _ = mlp_digits.load(0)
    x, y = x[:300], y[:300]
    runs = []
    for _ in range(2):
        model = mlp_digits.build(0)
        h = nn.fit(
            model, nn.losses.cross_entropy, x, y, nn.optim.SGD(0.1), epochs=3, batch_size=50, seed=1, progress=False
        )
        runs.append((h["loss"], model.state_dict()))
    assert runs[0][0] == runs[1][0]
    assert len(runs[0][0]) == 3 and runs[0][0][2] < runs[0][0][0]
    for k in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][k], runs[1][1][k])


def test_nan_loss_names_the_step() -> None:
    x = np.ones((8, 2), dtype=np.float32)
    y = np.zeros((8, 1), dtype=np.float32)
    model = nn.Dense(2, 1, seed=0)

    def exploding(pred: nn.Tensor, target: np.ndarray) -> nn.Tensor:
        return nn.log(nn.losses.mse(pred, target) * 0.0)  # log 0 = -inf

    with (
        np.errstate(divide="ignore"),
        pytest.raises(nn.TrainingError, match=r"the loss became -inf at epoch 1, step 1 of 2"),
    ):
        nn.fit(model, exploding, x, y, nn.optim.SGD(0.1), epochs=1, batch_size=4, progress=False)


def test_bad_fit_arguments() -> None:
    model = nn.Dense(2, 1)
    with pytest.raises(nn.EngineError, match="3 inputs but 2 targets"):
        nn.fit(model, nn.losses.mse, np.ones((3, 2)), np.ones((2, 1)), nn.optim.SGD(), progress=False)
