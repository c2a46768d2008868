"""Models written out (data/models.toml): a dense layer, a multilayer perceptron and maxout,
against torch.nn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from thirdroad.concepts import references as R


def test_dense_layer_and_one_neuron_against_torch(rng: np.random.Generator) -> None:
    W, b, x = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=4)
    layer = torch.nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W))
        layer.bias.copy_(torch.tensor(b))
    want = torch.relu(layer(torch.tensor(x))).detach().numpy()
    np.testing.assert_allclose(R.dense(lambda z: np.maximum(z, 0), W, x, b), want, rtol=1e-12)
    for row in range(3):
        ours = R.neuron(np.tanh, W[row], x, b[row])
        np.testing.assert_allclose(ours, torch.tanh(layer(torch.tensor(x)))[row].item(), rtol=1e-12)


def test_mlp_against_a_torch_sequential(rng: np.random.Generator) -> None:
    W1, b1, W2, b2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(2, 5)), rng.normal(size=2)
    x = rng.normal(size=3)
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    with torch.no_grad():
        for layer, (w, b) in zip((net[0], net[2]), ((W1, b1), (W2, b2)), strict=True):
            layer.weight.copy_(torch.tensor(w))
            layer.bias.copy_(torch.tensor(b))
    want = net(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(R.mlp_two_activations(W1, b1, W2, b2, np.tanh, lambda z: z, x), want, rtol=1e-12)
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    np.testing.assert_allclose(R.mlp_two_activations(W1, b1, W2, b2, np.tanh, sigmoid, x),
                               torch.sigmoid(net(torch.tensor(x))).detach().numpy(), rtol=1e-12)

    # a linear output layer: no activation after the second layer, biases left out as zeros
    np.testing.assert_allclose(R.mlp_linear_output(W1, W2, np.tanh, x, b1, b2), want, rtol=1e-12)
    relu_net = torch.nn.Sequential(torch.nn.Linear(3, 5, bias=False), torch.nn.ReLU(),
                                   torch.nn.Linear(5, 2, bias=False)).double()
    with torch.no_grad():
        relu_net[0].weight.copy_(torch.tensor(W1))
        relu_net[2].weight.copy_(torch.tensor(W2))
    np.testing.assert_allclose(R.mlp_linear_output(W1, W2, lambda z: np.maximum(z, 0), x),
                               relu_net(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_maxout_is_the_larger_piece_and_contains_relu(rng: np.random.Generator) -> None:
    w1, w2, x = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    pieces = torch.stack([torch.tensor(w1) @ torch.tensor(x) + 0.3, torch.tensor(w2) @ torch.tensor(x) - 0.1])
    assert R.maxout(w1, 0.3, w2, -0.1, x) == pytest.approx(torch.max(pieces).item(), rel=1e-12)
    # with one piece fixed at zero, maxout is a ReLU of the other
    zero = np.zeros(4)
    assert R.maxout(w1, 0.3, zero, 0.0, x) == pytest.approx(torch.relu(torch.tensor(w1 @ x + 0.3)).item(), rel=1e-12)


def test_dense_layers_on_rows_against_torch(rng: np.random.Generator) -> None:
    X, A, b = rng.normal(size=(5, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)
    layer = torch.nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(A))
        layer.bias.copy_(torch.tensor(b))
    want = torch.tanh(layer(torch.tensor(X))).detach().numpy()
    np.testing.assert_allclose(R.dense_transposed(np.tanh, X, A, b), want, rtol=1e-12)
    np.testing.assert_allclose(R.dense_rows(np.tanh, X, A.T, b), want, rtol=1e-12)  # Keras stores W = A^T
