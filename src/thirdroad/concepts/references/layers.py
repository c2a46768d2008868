"""References of ``data/layers.toml``.

Layers, in PyTorch's layouts: a batch of rows, weights applied as x W^T, channels on axis 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, Fn, _a
from thirdroad.concepts.references.activations import sigmoid


def linear(x: ArrayLike, A: ArrayLike, b: ArrayLike = 0.0) -> Array:
    """x A^T + b, PyTorch's nn.Linear on a batch of rows (or A x + b for one column x)."""
    return _a(x) @ _a(A).T + _a(b)


def linear_rows(x: ArrayLike, W: ArrayLike, b: ArrayLike = 0.0) -> Array:
    """x W + b with W stored in by out (Keras' Dense, attention's projections X W^Q)."""
    return _a(x) @ _a(W) + _a(b)


def bilinear(x1: ArrayLike, A: ArrayLike, x2: ArrayLike, b: ArrayLike) -> Array:
    """y_k = x1^T A_k x2 + b_k for every output k (A has shape out, in1, in2)."""
    return _a(np.einsum("...i,kij,...j->...k", _a(x1), _a(A), _a(x2)) + _a(b))


def conv1d(x: ArrayLike, w: ArrayLike) -> Array:
    """Valid 1-D cross-correlation y[n] = sum_k x[n + k] w[k] (what deep learning calls
    convolution: the kernel is not flipped)."""
    x, w = _a(x), _a(w)
    return np.array([x[n:n + len(w)] @ w for n in range(len(x) - len(w) + 1)])


def conv2d_single(x: ArrayLike, w: ArrayLike) -> Array:
    """Valid 2-D cross-correlation S[i, j] = sum_mn I[i + m, j + n] K[m, n] of one image."""
    windows = np.lib.stride_tricks.sliding_window_view(_a(x), _a(w).shape)
    return _a(np.einsum("ijmn,mn->ij", windows, _a(w)))


def conv2d(x: ArrayLike, weight: ArrayLike, bias: ArrayLike) -> Array:
    """PyTorch's conv2d, stride 1, no padding: x (N, C_in, H, W), weight (C_out, C_in, kH, kW)."""
    x, weight = _a(x), _a(weight)
    kh, kw = weight.shape[-2:]
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    return _a(np.einsum("nchwij,ocij->nohw", windows, weight) + _a(bias)[None, :, None, None])


def _windows(x: ArrayLike, kernel_size: int) -> Array:
    """Non-overlapping windows along the last axis (stride = kernel size)."""
    x = _a(x)
    n = x.shape[-1] // kernel_size
    return x[..., : n * kernel_size].reshape(*x.shape[:-1], n, kernel_size)


def max_pool1d(x: ArrayLike, kernel_size: int) -> Array:
    """The largest value of each window of kernel_size entries."""
    return _a(_windows(x, kernel_size).max(axis=-1))


def avg_pool1d(x: ArrayLike, kernel_size: int) -> Array:
    """The mean of each window of kernel_size entries."""
    return _a(_windows(x, kernel_size).mean(axis=-1))


def lp_pool1d(x: ArrayLike, p: float, kernel_size: int) -> Array:
    """(sum of x^p over each window)^(1/p): between average (p = 1, times k) and max (p large)."""
    return _a((_windows(x, kernel_size) ** p).sum(axis=-1) ** (1 / p))


def rnn_cell(x: ArrayLike, h: ArrayLike, W_ih: ArrayLike, W_hh: ArrayLike, b_ih: ArrayLike = 0.0,
             b_hh: ArrayLike = 0.0) -> Array:
    """tanh(W_ih x + b_ih + W_hh h + b_hh) on a batch of rows (a formula with one bias, or none,
    has the others 0)."""
    return np.tanh(_a(x) @ _a(W_ih).T + _a(b_ih) + _a(h) @ _a(W_hh).T + _a(b_hh))


def sigmoid_gate(x: ArrayLike, h: ArrayLike, W_i: ArrayLike, W_h: ArrayLike, b_i: ArrayLike = 0.0,
                 b_h: ArrayLike = 0.0) -> Array:
    """sigmoid(W_i x + b_i + W_h h + b_h): a gate of a GRU or LSTM, between 0 and 1."""
    return sigmoid(_a(x) @ _a(W_i).T + _a(b_i) + _a(h) @ _a(W_h).T + _a(b_h))


def tanh_candidate(x: ArrayLike, h: ArrayLike, W_i: ArrayLike, W_h: ArrayLike, b_i: ArrayLike = 0.0,
                   b_h: ArrayLike = 0.0) -> Array:
    """tanh(W_i x + b_i + W_h h + b_h): the LSTM's candidate cell values g."""
    return np.tanh(_a(x) @ _a(W_i).T + _a(b_i) + _a(h) @ _a(W_h).T + _a(b_h))


def gru_candidate(x: ArrayLike, h: ArrayLike, r: ArrayLike, W_in: ArrayLike, W_hn: ArrayLike,
                  b_in: ArrayLike = 0.0, b_hn: ArrayLike = 0.0) -> Array:
    """tanh(W_in x + b_in + r * (W_hn h + b_hn)): the reset gate scales the old state's part."""
    return np.tanh(_a(x) @ _a(W_in).T + _a(b_in) + _a(r) * (_a(h) @ _a(W_hn).T + _a(b_hn)))


def gru_interpolate(z: ArrayLike, n: ArrayLike, h: ArrayLike) -> Array:
    """(1 - z) * n + z * h: z keeps the old state (PyTorch, Cho et al.)."""
    z = _a(z)
    return (1 - z) * _a(n) + z * _a(h)


def gru_interpolate_update_new(z: ArrayLike, n: ArrayLike, h: ArrayLike) -> Array:
    """(1 - z) * h + z * n: z takes the new candidate (Chung et al. 2014, many tutorials)."""
    z = _a(z)
    return (1 - z) * _a(h) + z * _a(n)


def lstm_cell_state(f: ArrayLike, c: ArrayLike, i: ArrayLike, g: ArrayLike) -> Array:
    """f * c + i * g: forget some of the old cell, write some of the candidate."""
    return _a(f) * _a(c) + _a(i) * _a(g)


def lstm_hidden(o: ArrayLike, c: ArrayLike) -> Array:
    """o * tanh(c): show a gated view of the cell."""
    return _a(o) * np.tanh(_a(c))


def _normalize(x: Array, axes: tuple[int, ...], eps: float) -> Array:
    mu = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return _a((x - mu) / np.sqrt(var + eps))


def _per_channel(p: ArrayLike, ndim: int) -> Array:
    return _a(p).reshape((1, -1) + (1,) * (ndim - 2))


def layer_norm(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float) -> Array:
    """Standardise each example over its last axis (its features), then scale and shift."""
    x = _a(x)
    return _normalize(x, (-1,), eps) * _a(gamma) + _a(beta)


def batch_norm(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float) -> Array:
    """Standardise each channel (axis 1) over the batch and all positions (training mode)."""
    x = _a(x)
    axes = (0, *range(2, x.ndim))
    return _normalize(x, axes, eps) * _per_channel(gamma, x.ndim) + _per_channel(beta, x.ndim)


def instance_norm(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float) -> Array:
    """Standardise each channel of each example over its positions (axes 2 and on)."""
    x = _a(x)
    axes = tuple(range(2, x.ndim))
    return _normalize(x, axes, eps) * _per_channel(gamma, x.ndim) + _per_channel(beta, x.ndim)


def group_norm(x: ArrayLike, num_groups: int, gamma: ArrayLike, beta: ArrayLike,
               eps: float) -> Array:
    """Standardise each group of channels of each example, over the group and all positions."""
    x = _a(x)
    grouped = x.reshape(x.shape[0], num_groups, -1)
    out = _normalize(grouped, (2,), eps).reshape(x.shape)
    return out * _per_channel(gamma, x.ndim) + _per_channel(beta, x.ndim)


def rms_norm(x: ArrayLike, gamma: ArrayLike, eps: float) -> Array:
    """x / sqrt(mean(x^2) + eps) * gamma over the last axis: layer norm without the centring."""
    x = _a(x)
    return _a(x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps) * _a(gamma))


def local_response_norm(a: ArrayLike, size: int, alpha: float, beta: float,
                        k: float) -> Array:
    """a_c / (k + alpha/size * sum of a^2 over the `size` neighbouring channels)^beta."""
    a = _a(a)
    channels = a.shape[1]
    sq = a**2
    out = np.empty_like(a)
    for c in range(channels):
        lo, hi = max(0, c - size // 2), min(channels, c + (size - 1) // 2 + 1)
        out[:, c] = a[:, c] / (k + alpha / size * sq[:, lo:hi].sum(axis=1)) ** beta
    return out


def weight_norm(v: ArrayLike, g: ArrayLike) -> Array:
    """g * v / ||v||, per output row of v: a length g and a direction v learned apart."""
    v = _a(v)
    if v.ndim == 1:
        return _a(g) * v / np.linalg.norm(v)
    norms = np.linalg.norm(v.reshape(len(v), -1), axis=1).reshape((-1,) + (1,) * (v.ndim - 1))
    return _a(_a(g).reshape(norms.shape) * v / norms)


def spectral_normalize(W: ArrayLike) -> Array:
    """W / sigma(W), sigma the largest singular value: the layer can stretch by at most 1."""
    W = _a(W)
    return W / np.linalg.norm(W, 2)


def power_iteration(W: ArrayLike, u: ArrayLike) -> Array:
    """W^T u / ||W^T u||, the half-step that spectral norm repeats to find sigma cheaply."""
    v = _a(W).T @ _a(u)
    return v / np.linalg.norm(v)


def dropout(x: ArrayLike, mask: ArrayLike, p: float) -> Array:
    """mask * x / (1 - p): zero a random fraction p, scale the rest so the mean is kept
    (inverted dropout, as PyTorch and Keras do it in training)."""
    return _a(mask) * _a(x) / (1 - p)


def embedding(W: ArrayLike, k: ArrayLike) -> Array:
    """Row k of the table W (a one-hot vector times W, without the multiplication)."""
    return _a(W)[np.asarray(k, dtype=np.int64)]


def residual(x: ArrayLike, F: Fn) -> Array:
    """x + F(x): the block only has to learn a correction to its input."""
    x = _a(x)
    return x + _a(F(x))


def layer_scale(x: ArrayLike, lambd: ArrayLike, F: Fn) -> Array:
    """x + lambd * F(x), lambd a learned per-channel scale that starts tiny (CaiT)."""
    x = _a(x)
    return x + _a(lambd) * _a(F(x))


def feed_forward(x: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike,
                 b2: ArrayLike) -> Array:
    """max(0, x W1 + b1) W2 + b2, the Transformer's position-wise feed-forward block."""
    return np.maximum(_a(x) @ _a(W1) + _a(b1), 0.0) @ _a(W2) + _a(b2)


def conv_output_size(L_in: int, padding: int, dilation: int, kernel_size: int, stride: int) -> int:
    """floor((L_in + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1): how many positions a
    window fits along one axis (PyTorch's convolution and pooling layers)."""
    return (L_in + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv_output_size_plain(W: int, F: int, P: int, S: int) -> int:
    """(W - F + 2P) / S + 1 for input width W, filter size F, padding P and stride S, when the
    stride divides evenly (floored otherwise, as a layer does)."""
    return (W - F + 2 * P) // S + 1


def transposed_conv_output_size(L_in: int, stride: int, padding: int, dilation: int, kernel_size: int,
                                output_padding: int) -> int:
    """(L_in - 1) stride - 2 padding + dilation (kernel_size - 1) + output_padding + 1: the length a
    transposed convolution produces (it undoes the sizes of a convolution)."""
    return (L_in - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1


def unpool_output_size(L_in: int, stride: int, padding: int, kernel_size: int) -> int:
    """(L_in - 1) stride - 2 padding + kernel_size: the length max-unpooling restores."""
    return (L_in - 1) * stride - 2 * padding + kernel_size


def one_hot(y: ArrayLike, num_classes: int) -> Array:
    """A vector of num_classes zeros with a 1 at position y (one row per label)."""
    return _a(np.eye(num_classes)[np.asarray(y, dtype=np.int64)])
