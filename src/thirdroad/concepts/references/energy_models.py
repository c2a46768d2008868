"""References of ``data/energy_models.toml``.

Energy-based models: binary units; an RBM's W has one row per visible unit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a
from thirdroad.concepts.references.activations import sigmoid, softmax, softplus


def hopfield_energy(s: ArrayLike, W: ArrayLike, b: ArrayLike) -> float:
    """-1/2 s^T W s - b^T s: the energy of a state of a Boltzmann machine or Hopfield net."""
    s = _a(s)
    return float(-0.5 * s @ _a(W) @ s - _a(b) @ s)


def boltzmann(E: ArrayLike) -> Array:
    """exp(-E_i) / sum_j exp(-E_j): low energy means high probability."""
    return softmax(-_a(E))


def boltzmann_temperature(E: ArrayLike, T: float) -> Array:
    """exp(-E_i / T) / sum_j exp(-E_j / T)."""
    return softmax(-_a(E) / T)


def partition_function(E: ArrayLike) -> float:
    """Z = sum over states of exp(-E)."""
    return float(np.sum(np.exp(-_a(E))))


def free_energy_of(E: ArrayLike, beta: float = 1.0) -> float:
    """-(1/beta) log sum over configurations of exp(-beta E): minus the log of the partition
    function, at inverse temperature beta (computed stably, as a log-sum-exp)."""
    scaled = -beta * _a(E)
    top = float(np.max(scaled))
    return float(-(top + np.log(np.sum(np.exp(scaled - top)))) / beta)


def rbm_energy(v: ArrayLike, h: ArrayLike, W: ArrayLike, a: ArrayLike, b: ArrayLike) -> float:
    """-a^T v - b^T h - v^T W h."""
    v, h = _a(v), _a(h)
    return float(-_a(a) @ v - _a(b) @ h - v @ _a(W) @ h)


def rbm_free_energy(v: ArrayLike, W: ArrayLike, a: ArrayLike, b: ArrayLike) -> float:
    """-a^T v - sum_j log(1 + exp(b_j + (v^T W)_j)): the hidden units summed out."""
    v = _a(v)
    return float(-_a(a) @ v - np.sum(softplus(_a(b) + v @ _a(W))))


def rbm_hidden_prob(v: ArrayLike, W: ArrayLike, b: ArrayLike) -> Array:
    """p(h_j = 1 | v) = sigmoid(b_j + sum_i v_i W_ij)."""
    return sigmoid(_a(b) + _a(v) @ _a(W))


def rbm_visible_prob(h: ArrayLike, W: ArrayLike, a: ArrayLike) -> Array:
    """p(v_i = 1 | h) = sigmoid(a_i + sum_j W_ij h_j)."""
    return sigmoid(_a(a) + _a(W) @ _a(h))


def cd_weight_update(v0: ArrayLike, h0: ArrayLike, vk: ArrayLike, hk: ArrayLike,
                     lr: float) -> Array:
    """lr (<v h^T>_data - <v h^T>_model), averages over the rows of a batch."""
    v0, h0, vk, hk = (np.atleast_2d(_a(m)) for m in (v0, h0, vk, hk))
    return lr * (v0.T @ h0 - vk.T @ hk) / len(v0)


def cd_from_correlations(pos: ArrayLike, neg: ArrayLike, lr: float) -> Array:
    """lr (<v h>_data - <v h>_recon), from the two correlation tables."""
    return lr * (_a(pos) - _a(neg))
