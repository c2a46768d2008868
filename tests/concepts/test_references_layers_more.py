"""Output sizes of convolutions and one-hot vectors (data/layers.more.toml) against the shapes
torch.nn produces and torch.nn.functional.one_hot."""

from __future__ import annotations

import itertools

import numpy as np
import torch
import torch.nn.functional as F

from thirdroad.concepts import references as R


def test_conv_output_size_against_torch_shapes() -> None:
    for L, p, d, k, s in itertools.product((7, 10, 16), (0, 1, 2), (1, 2), (1, 3), (1, 2, 3)):
        if d * (k - 1) + 1 > L + 2 * p:
            continue
        conv = torch.nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d)
        assert R.conv_output_size(L, p, d, k, s) == conv(torch.zeros(1, 1, L)).shape[-1]
        if d == 1:
            assert R.conv_output_size_plain(L, k, p, s) == conv(torch.zeros(1, 1, L)).shape[-1]
        if d == 1 and 2 * p <= k:
            pool = torch.nn.MaxPool1d(k, stride=s, padding=p)
            assert R.conv_output_size(L, p, 1, k, s) == pool(torch.zeros(1, 1, L)).shape[-1]


def test_transposed_conv_and_unpool_sizes_against_torch_shapes() -> None:
    for L, s, p, d, k, q in itertools.product((3, 5), (1, 2, 3), (0, 1), (1, 2), (2, 3), (0, 1)):
        if q >= max(s, d):
            continue
        layer = torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, dilation=d, output_padding=q)
        assert R.transposed_conv_output_size(L, s, p, d, k, q) == layer(torch.zeros(1, 1, L)).shape[-1]
    for L, s, k in itertools.product((3, 6), (1, 2), (2, 3)):
        pool, unpool = torch.nn.MaxPool1d(k, stride=s, return_indices=True), torch.nn.MaxUnpool1d(k, stride=s)
        x = torch.randn(1, 1, (L - 1) * s + k)
        out, idx = pool(x)
        assert out.shape[-1] == L
        assert R.unpool_output_size(L, s, 0, k) == unpool(out, idx).shape[-1]


def test_one_hot_against_torch(rng: np.random.Generator) -> None:
    y = rng.integers(0, 5, size=8)
    np.testing.assert_array_equal(R.one_hot(y, 5), F.one_hot(torch.tensor(y), 5).numpy())
    np.testing.assert_array_equal(R.one_hot(3, 5), [0, 0, 0, 1, 0])
