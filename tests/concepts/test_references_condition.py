"""The condition number (data/linear_algebra.more.toml) against torch.linalg.cond."""

from __future__ import annotations

import numpy as np
import torch

from thirdroad.concepts import references as R


def test_condition_number_against_torch(rng: np.random.Generator) -> None:
    A = rng.normal(size=(4, 4))
    np.testing.assert_allclose(R.condition_number(A), torch.linalg.cond(torch.tensor(A)).item(), rtol=1e-10)
    B = rng.normal(size=(4, 4))
    H = B @ B.T + 0.1 * np.eye(4)  # symmetric positive definite
    np.testing.assert_allclose(R.condition_number_eigen(H), torch.linalg.cond(torch.tensor(H)).item(), rtol=1e-10)
    assert R.condition_number(np.eye(3) * 5.0) == 1.0  # a scaled identity stretches every direction alike
