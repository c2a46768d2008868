"""References of ``data/activations.toml``.

Activations: element-wise unless said; the softmax family works along the last axis. Each one an
agent can show has its derivative right below it (``@derivative``): the slope of an element-wise
function, the Jacobian of one along an axis, following PyTorch's choice at a kink. Settings have
PyTorch's defaults.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, _a, derivative


def softmax(x: ArrayLike) -> Array:
    """exp(x_i) / sum_j exp(x_j) along the last axis."""
    x = _a(x)
    # Subtracting the max changes nothing mathematically and keeps exp from overflowing.
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return _a(e / e.sum(axis=-1, keepdims=True))


@derivative(softmax)
def _softmax_jacobian(x: ArrayLike) -> Array:
    p = softmax(x)
    return _a(np.diag(p) - np.outer(p, p))


def softmax_temperature(x: ArrayLike, T: float) -> Array:
    """softmax(x / T): T > 1 flattens the weights, T < 1 sharpens them."""
    return softmax(_a(x) / T)


def softmin(x: ArrayLike) -> Array:
    """softmax(-x): the smallest entry gets the largest weight."""
    return softmax(-_a(x))


@derivative(softmin)
def _softmin_jacobian(x: ArrayLike) -> Array:
    return -_softmax_jacobian(-_a(x))


def logsumexp(x: ArrayLike) -> Array:
    """log sum_j exp(x_j) along the last axis: a smooth maximum."""
    x = _a(x)
    top = x.max(axis=-1, keepdims=True)
    return _a(np.squeeze(top, -1) + np.log(np.exp(x - top).sum(axis=-1)))


def log_softmax(x: ArrayLike) -> Array:
    """x_i - logsumexp(x): the log of softmax, computed without taking log of tiny numbers."""
    x = _a(x)
    return x - logsumexp(x)[..., None]


@derivative(log_softmax)
def _log_softmax_jacobian(x: ArrayLike) -> Array:
    x = _a(x)
    return _a(np.eye(len(x)) - softmax(x)[None, :])


def sigmoid(x: ArrayLike) -> Array:
    """1 / (1 + exp(-x)), the logistic function."""
    x = _a(x)
    # Two branches so that exp never sees a large positive argument.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


@derivative(sigmoid)
def _sigmoid_slope(x: ArrayLike) -> Array:
    s = sigmoid(x)
    return _a(s * (1 - s))


def logit(p: ArrayLike) -> Array:
    """log(p / (1 - p)), the inverse of the sigmoid: from a probability back to a score."""
    p = _a(p)
    return _a(np.log(p) - np.log1p(-p))


def log_sigmoid(x: ArrayLike) -> Array:
    """log(sigmoid(x)) = -softplus(-x)."""
    return -softplus(-_a(x))


@derivative(log_sigmoid)
def _log_sigmoid_slope(x: ArrayLike) -> Array:
    return sigmoid(-_a(x))


def tanh(x: ArrayLike) -> Array:
    """(e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(_a(x))


@derivative(tanh)
def _tanh_slope(x: ArrayLike) -> Array:
    return _a(1 - np.tanh(_a(x)) ** 2)


def relu(x: ArrayLike) -> Array:
    """max(0, x)."""
    return np.maximum(_a(x), 0.0)


@derivative(relu)
def _relu_slope(x: ArrayLike) -> Array:
    return _a(_a(x) > 0)


def relu6(x: ArrayLike) -> Array:
    """min(max(0, x), 6)."""
    return np.minimum(np.maximum(_a(x), 0.0), 6.0)


@derivative(relu6)
def _relu6_slope(x: ArrayLike) -> Array:
    x = _a(x)
    return _a((x > 0) & (x < 6))


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> Array:
    """x for x >= 0, negative_slope * x below."""
    x = _a(x)
    return np.where(x >= 0, x, negative_slope * x)


@derivative(leaky_relu)
def _leaky_relu_slope(x: ArrayLike, negative_slope: float = 0.01) -> Array:
    return _a(np.where(_a(x) > 0, 1.0, negative_slope))


def prelu(x: ArrayLike, weight: ArrayLike = 0.25) -> Array:
    """Leaky ReLU whose slope (PyTorch's ``weight``, starting at 0.25) is learned."""
    x = _a(x)
    return np.where(x >= 0, x, _a(weight) * x)


@derivative(prelu)
def _prelu_slope(x: ArrayLike, weight: ArrayLike = 0.25) -> Array:
    return _a(np.where(_a(x) > 0, 1.0, weight))


def elu(x: ArrayLike, alpha: float = 1.0) -> Array:
    """x for x > 0, alpha * (exp(x) - 1) below."""
    x = _a(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


@derivative(elu)
def _elu_slope(x: ArrayLike, alpha: float = 1.0) -> Array:
    x = _a(x)
    return _a(np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: ArrayLike) -> Array:
    """scale * elu(x, alpha) with the fixed constants that keep activations normalised."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


@derivative(selu)
def _selu_slope(x: ArrayLike) -> Array:
    return SELU_SCALE * _elu_slope(x, SELU_ALPHA)


def celu(x: ArrayLike, alpha: float = 1.0) -> Array:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    x = _a(x)
    return np.maximum(x, 0.0) + np.minimum(0.0, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


@derivative(celu)
def _celu_slope(x: ArrayLike, alpha: float = 1.0) -> Array:
    x = _a(x)
    return _a(np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)))


def _erf(x: Array) -> Array:
    from math import erf

    return _a(np.vectorize(erf, otypes=[np.float64])(x))


def gelu(x: ArrayLike) -> Array:
    """x * Phi(x), Phi the standard normal CDF (the exact form)."""
    x = _a(x)
    return 0.5 * x * (1 + _erf(x / np.sqrt(2.0)))


@derivative(gelu)
def _gelu_slope(x: ArrayLike) -> Array:
    x = _a(x)  # Phi(x) + x phi(x)
    return _a(0.5 * (1 + _erf(x / np.sqrt(2.0))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi))


def gelu_tanh(x: ArrayLike) -> Array:
    """The tanh approximation of GELU used by BERT and GPT-2."""
    x = _a(x)
    return _a(0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))))


@derivative(gelu_tanh)
def _gelu_tanh_slope(x: ArrayLike) -> Array:
    x = _a(x)
    k = np.sqrt(2 / np.pi)
    t = np.tanh(k * (x + 0.044715 * x**3))
    return _a(0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x))


def softplus(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Array:
    """log(1 + exp(beta x)) / beta, a smooth ReLU; x itself where beta x > threshold (PyTorch's
    switch to the straight line, where the two differ by less than e^-threshold)."""
    x = _a(x)
    z = beta * x
    return _a(np.where(z > threshold, x, (np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))) / beta))


@derivative(softplus)
def _softplus_slope(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Array:
    z = beta * _a(x)
    return _a(np.where(z > threshold, 1.0, sigmoid(z)))


def softsign(x: ArrayLike) -> Array:
    """x / (1 + |x|)."""
    x = _a(x)
    return _a(x / (1 + np.abs(x)))


@derivative(softsign)
def _softsign_slope(x: ArrayLike) -> Array:
    return _a(1 / (1 + np.abs(_a(x))) ** 2)


def silu(x: ArrayLike) -> Array:
    """x * sigmoid(x), also called swish."""
    x = _a(x)
    return x * sigmoid(x)


@derivative(silu)
def _silu_slope(x: ArrayLike) -> Array:
    x = _a(x)
    s = sigmoid(x)
    return _a(s * (1 + x * (1 - s)))


def swish(x: ArrayLike, beta: float) -> Array:
    """x * sigmoid(beta x); beta = 1 gives SiLU."""
    x = _a(x)
    return x * sigmoid(beta * x)


def mish(x: ArrayLike) -> Array:
    """x * tanh(softplus(x))."""
    x = _a(x)
    return x * np.tanh(softplus(x))


@derivative(mish)
def _mish_slope(x: ArrayLike) -> Array:
    x = _a(x)
    t = np.tanh(softplus(x))
    return _a(t + x * (1 - t * t) * sigmoid(x))


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> Array:
    """x clipped to [min_val, max_val]."""
    return np.clip(_a(x), min_val, max_val)


@derivative(hardtanh)
def _hardtanh_slope(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> Array:
    x = _a(x)
    return _a((x > min_val) & (x < max_val))


def hardsigmoid(x: ArrayLike) -> Array:
    """relu6(x + 3) / 6: a piecewise-linear sigmoid (PyTorch's slope 1/6)."""
    return relu6(_a(x) + 3) / 6


@derivative(hardsigmoid)
def _hardsigmoid_slope(x: ArrayLike) -> Array:
    x = _a(x)
    return _a(np.where((x > -3) & (x < 3), 1 / 6, 0.0))


def hardswish(x: ArrayLike) -> Array:
    """x * relu6(x + 3) / 6."""
    x = _a(x)
    return x * relu6(x + 3) / 6


@derivative(hardswish)
def _hardswish_slope(x: ArrayLike) -> Array:
    x = _a(x)
    return _a(np.where(x <= -3, 0.0, np.where(x < 3, x / 3 + 0.5, 1.0)))


def glu(a: ArrayLike, b: ArrayLike) -> Array:
    """a * sigmoid(b): half of the input gates the other half."""
    return _a(a) * sigmoid(b)


@derivative(glu)
def _glu_jacobian(a: ArrayLike, b: ArrayLike) -> Array:
    """d glu / d [a; b]: the gates on a's entries, then a times the gates' slopes on b's."""
    gate = sigmoid(b)
    return _a(np.hstack([np.diag(gate), np.diag(_a(a) * gate * (1 - gate))]))


def swiglu(a: ArrayLike, b: ArrayLike) -> Array:
    """silu(a) * b: a GLU whose gate is SiLU (Swish) instead of a sigmoid."""
    return silu(a) * _a(b)


def softshrink(x: ArrayLike, lambd: float = 0.5) -> Array:
    """Move x towards zero by lambd, and to zero if it is closer than lambd."""
    x = _a(x)
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


@derivative(softshrink)
def _softshrink_slope(x: ArrayLike, lambd: float = 0.5) -> Array:
    return _a(np.abs(_a(x)) > lambd)


def hardshrink(x: ArrayLike, lambd: float = 0.5) -> Array:
    """x where |x| > lambd, else 0."""
    x = _a(x)
    return np.where(np.abs(x) > lambd, x, 0.0)


@derivative(hardshrink)
def _hardshrink_slope(x: ArrayLike, lambd: float = 0.5) -> Array:
    return _a(np.abs(_a(x)) > lambd)


def tanhshrink(x: ArrayLike) -> Array:
    """x - tanh(x)."""
    x = _a(x)
    return x - np.tanh(x)


@derivative(tanhshrink)
def _tanhshrink_slope(x: ArrayLike) -> Array:
    return _a(np.tanh(_a(x)) ** 2)


def threshold(x: ArrayLike, threshold: float = 0.0, value: float = 0.0) -> Array:
    """x where x > threshold, else value (PyTorch asks for both; 0 and 0 make it a ReLU)."""
    x = _a(x)
    return np.where(x > threshold, x, value)


@derivative(threshold)
def _threshold_slope(x: ArrayLike, threshold: float = 0.0, value: float = 0.0) -> Array:
    return _a(_a(x) > threshold)


def heaviside(x: ArrayLike) -> Array:
    """1 where x >= 0, else 0 (the perceptron's step; NumPy's heaviside with 1 at zero)."""
    return np.heaviside(_a(x), 1.0)


@derivative(heaviside)
def _d_heaviside(x: ArrayLike) -> Array:
    return np.zeros_like(_a(x))  # flat on both sides; the jump at zero has no slope
