"""NumPy reference implementations of the catalog's formula templates.

Each function computes the right-hand side of one or more templates; its parameter names are
the templates' pattern variables (``lr`` is written ``\\eta`` or ``\\alpha`` in the LaTeX, the
data says which), so a recognizer that bound the variables can call it by keyword. Indexed
formulas (``\\sigma(x)_i``) return the whole array: the free index picks an entry. A variable
written with an index (``\\bar h_s``) is passed whole, stacked along its first axis.

Hyperparameter names follow PyTorch where it has one. Where libraries disagree, the docstring
says which convention this function follows, and the data carries the other as its own template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Fn = Callable[[Array], Any]


def _a(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# calculus (numerical, by central differences: the definition a learner can check by hand)
# ---------------------------------------------------------------------------------------------
_H = 1e-5


def derivative(f: Callable[[float], float], x: float) -> float:
    """df/dx at x, by a central difference."""
    return (float(f(x + _H)) - float(f(x - _H))) / (2 * _H)


def gradient(f: Fn, x: ArrayLike) -> Array:
    """The vector of partial derivatives of a scalar function f at x (same shape as x)."""
    x = _a(x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = _H
        grad[idx] = (float(f(x + step)) - float(f(x - step))) / (2 * _H)
    return grad


def jacobian(f: Fn, x: ArrayLike) -> Array:
    """J[i, j] = d f_i / d x_j for a function from vectors to vectors."""
    x = _a(x)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step.flat[j] = _H
        columns.append((_a(f(x + step)) - _a(f(x - step))).ravel() / (2 * _H))
    return np.stack(columns, axis=1)


def hessian(f: Fn, x: ArrayLike) -> Array:
    """H[i, j] = d^2 f / dx_i dx_j: the Jacobian of the gradient."""
    return jacobian(lambda z: gradient(f, z), x)


def chain_rule(dz_dy: ArrayLike, dy_dx: ArrayLike) -> Array:
    """dz/dx = dz/dy dy/dx: numbers multiply, Jacobians multiply as matrices."""
    a, b = _a(dz_dy), _a(dy_dx)
    return a * b if a.ndim == 0 or b.ndim == 0 else a @ b


def vector_jacobian_product(v: ArrayLike, J: ArrayLike) -> Array:
    """v^T J: what backpropagation passes back through one step."""
    return _a(v) @ _a(J)


def reparameterize(mu: ArrayLike, sigma: ArrayLike, eps: ArrayLike) -> Array:
    """mu + sigma * eps with eps drawn from N(0, 1): a sample that gradients can flow through."""
    return _a(mu) + _a(sigma) * _a(eps)


def backprop_delta(W_next: ArrayLike, delta_next: ArrayLike, dact: ArrayLike) -> Array:
    """delta^l = (W^{l+1})^T delta^{l+1} * sigma'(z^l), layer l's error from layer l+1's."""
    return (_a(W_next).T @ _a(delta_next)) * _a(dact)


# ---------------------------------------------------------------------------------------------
# optimizers: each is a small rule that turns a gradient (and some state) into a step
# ---------------------------------------------------------------------------------------------
def gd_step(theta: ArrayLike, lr: float, grad: ArrayLike) -> Array:
    """theta - lr * grad."""
    return _a(theta) - lr * _a(grad)


def ema(avg: ArrayLike, x: ArrayLike, beta: float) -> Array:
    """beta * avg + (1 - beta) * x: beta is the weight kept on the old average."""
    return beta * _a(avg) + (1 - beta) * _a(x)


def ema_new_weight(avg: ArrayLike, x: ArrayLike, alpha: float) -> Array:
    """alpha * x + (1 - alpha) * avg: alpha is the weight given to the new value."""
    return alpha * _a(x) + (1 - alpha) * _a(avg)


def ema_square(avg: ArrayLike, grad: ArrayLike, beta: float) -> Array:
    """beta * avg + (1 - beta) * grad**2: a running average of squared gradients."""
    return beta * _a(avg) + (1 - beta) * _a(grad) ** 2


def bias_correction(avg: ArrayLike, beta: float, t: int) -> Array:
    """avg / (1 - beta**t): undoes the pull towards zero of an average started at zero."""
    return _a(avg) / (1 - beta**t)


def momentum_velocity(v: ArrayLike, grad: ArrayLike, momentum: float, lr: float) -> Array:
    """momentum * v + lr * grad (Sutskever et al.; the step is then theta - v)."""
    return momentum * _a(v) + lr * _a(grad)


def momentum_buffer(buf: ArrayLike, grad: ArrayLike, momentum: float, dampening: float) -> Array:
    """PyTorch's SGD buffer: momentum * buf + (1 - dampening) * grad (step theta - lr * buf)."""
    return momentum * _a(buf) + (1 - dampening) * _a(grad)


def nesterov_velocity(v: ArrayLike, theta: ArrayLike, grad_fn: Fn, momentum: float,
                      lr: float) -> Array:
    """momentum * v + lr * grad(theta - momentum * v): the gradient taken at the look-ahead."""
    v = _a(v)
    return momentum * v + lr * _a(grad_fn(_a(theta) - momentum * v))


def nesterov_direction(grad: ArrayLike, buf: ArrayLike, momentum: float) -> Array:
    """PyTorch's Nesterov step direction grad + momentum * buf (buf already updated)."""
    return _a(grad) + momentum * _a(buf)


def rmsprop_step(theta: ArrayLike, sq_avg: ArrayLike, grad: ArrayLike, lr: float,
                 eps: float) -> Array:
    """theta - lr * grad / (sqrt(sq_avg) + eps): epsilon outside the root (PyTorch)."""
    return _a(theta) - lr * _a(grad) / (np.sqrt(_a(sq_avg)) + eps)


def rmsprop_step_eps_inside(theta: ArrayLike, sq_avg: ArrayLike, grad: ArrayLike, lr: float,
                            eps: float) -> Array:
    """theta - lr * grad / sqrt(sq_avg + eps): epsilon inside the root (Keras, optax, Ruder)."""
    return _a(theta) - lr * _a(grad) / np.sqrt(_a(sq_avg) + eps)


def adam_update(theta: ArrayLike, m_hat: ArrayLike, v_hat: ArrayLike, lr: float,
                eps: float) -> Array:
    """theta - lr * m_hat / (sqrt(v_hat) + eps), with bias-corrected moments."""
    return _a(theta) - lr * _a(m_hat) / (np.sqrt(_a(v_hat)) + eps)


def adam_step(theta: ArrayLike, m: ArrayLike, v: ArrayLike, t: int, lr: float, beta1: float,
              beta2: float, eps: float) -> Array:
    """Adam's step from the raw moments: bias-correct both, then divide (PyTorch's convention)."""
    m_hat = _a(m) / (1 - beta1**t)
    v_hat = _a(v) / (1 - beta2**t)
    return _a(theta) - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_step_eps_hat(theta: ArrayLike, m: ArrayLike, v: ArrayLike, t: int, lr: float,
                      beta1: float, beta2: float, eps_hat: float) -> Array:
    """The paper's faster form (Keras, TensorFlow): both corrections folded into the step size,
    eps-hat added to sqrt(v).

    The same as ``adam_step`` only when eps_hat = eps * sqrt(1 - beta2**t).
    """
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return _a(_a(theta) - lr_t * _a(m) / (np.sqrt(_a(v)) + eps_hat))


def adamw_update(theta: ArrayLike, m_hat: ArrayLike, v_hat: ArrayLike, lr: float, eps: float,
                 weight_decay: float) -> Array:
    """theta - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * theta): decay kept apart."""
    theta = _a(theta)
    return theta - lr * (_a(m_hat) / (np.sqrt(_a(v_hat)) + eps) + weight_decay * theta)


def running_max(v_max: ArrayLike, v: ArrayLike) -> Array:
    """max(v_max, v): AMSGrad's second moment, which never shrinks."""
    return np.maximum(_a(v_max), _a(v))


def adamax_norm(u: ArrayLike, grad: ArrayLike, beta2: float) -> Array:
    """max(beta2 * u, |grad|): an exponentially weighted infinity norm of the gradients."""
    return np.maximum(beta2 * _a(u), np.abs(_a(grad)))


def adamax_step(theta: ArrayLike, m: ArrayLike, u: ArrayLike, t: int, lr: float,
                beta1: float) -> Array:
    """theta - lr / (1 - beta1**t) * m / u."""
    return _a(theta) - lr / (1 - beta1**t) * _a(m) / _a(u)


def nadam_step(theta: ArrayLike, m: ArrayLike, v_hat: ArrayLike, grad: ArrayLike, t: int,
               lr: float, beta1: float, eps: float) -> Array:
    """Dozat's NAdam: Adam whose momentum term looks one step ahead (constant beta1)."""
    direction = beta1 * _a(m) / (1 - beta1 ** (t + 1)) + (1 - beta1) * _a(grad) / (1 - beta1**t)
    return _a(theta) - lr * direction / (np.sqrt(_a(v_hat)) + eps)


def radam_rho(t: int, beta2: float) -> float:
    """rho_t, the length of the simple moving average that Adam's EMA approximates at step t."""
    rho_inf = 2 / (1 - beta2) - 1
    return float(rho_inf - 2 * t * beta2**t / (1 - beta2**t))


def radam_rectification(rho_t: float, rho_inf: float) -> float:
    """r_t: shrinks the adaptive step while the variance estimate is still unreliable."""
    return float(np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                         / ((rho_inf - 4) * (rho_inf - 2) * rho_t)))


def radam_update(theta: ArrayLike, m_hat: ArrayLike, v_hat: ArrayLike, r: float, lr: float,
                 eps: float) -> Array:
    """theta - lr * r * m_hat / (sqrt(v_hat) + eps) (used once rho_t > 5; before, plain momentum)."""
    return _a(theta) - lr * r * _a(m_hat) / (np.sqrt(_a(v_hat)) + eps)


def accumulate_square(acc: ArrayLike, grad: ArrayLike) -> Array:
    """acc + grad**2: Adagrad's ever-growing sum of squared gradients."""
    return _a(acc) + _a(grad) ** 2


def adagrad_step(theta: ArrayLike, acc: ArrayLike, grad: ArrayLike, lr: float,
                 eps: float) -> Array:
    """theta - lr * grad / (sqrt(acc) + eps) (epsilon outside the root, as PyTorch)."""
    return _a(theta) - lr * _a(grad) / (np.sqrt(_a(acc)) + eps)


def adagrad_step_eps_inside(theta: ArrayLike, acc: ArrayLike, grad: ArrayLike, lr: float,
                            eps: float) -> Array:
    """theta - lr * grad / sqrt(acc + eps) (epsilon inside, as Ruder's overview writes it)."""
    return _a(theta) - lr * _a(grad) / np.sqrt(_a(acc) + eps)


def adadelta_delta(acc_delta: ArrayLike, sq_avg: ArrayLike, grad: ArrayLike,
                   eps: float) -> Array:
    """-sqrt(acc_delta + eps) / sqrt(sq_avg + eps) * grad: the step, in the parameters' units."""
    return -np.sqrt(_a(acc_delta) + eps) / np.sqrt(_a(sq_avg) + eps) * _a(grad)


def rprop_step_size(step: ArrayLike, grad: ArrayLike, prev_grad: ArrayLike, etaplus: float,
                    etaminus: float) -> Array:
    """Grow each step size by etaplus where the gradient kept its sign, shrink by etaminus
    where it flipped, keep it where either gradient is zero (PyTorch also clips the sizes)."""
    sign = np.sign(_a(grad) * _a(prev_grad))
    factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
    return _a(step) * factor


def sign_step(theta: ArrayLike, grad: ArrayLike, step: ArrayLike) -> Array:
    """theta - sign(grad) * step: only the gradient's sign is used."""
    return _a(theta) - np.sign(_a(grad)) * _a(step)


def adafactor_second_moment(R: ArrayLike, C: ArrayLike) -> Array:
    """R C^T / (1^T R): rebuild a matrix of squared-gradient averages from its row sums R
    and column sums C (exact when that matrix has rank one)."""
    R, C = _a(R), _a(C)
    return _a(np.outer(R, C) / R.sum())


def lion_step(theta: ArrayLike, m: ArrayLike, grad: ArrayLike, lr: float, beta1: float,
              weight_decay: float) -> Array:
    """theta - lr * (sign(beta1 * m + (1 - beta1) * grad) + weight_decay * theta)."""
    theta = _a(theta)
    c = beta1 * _a(m) + (1 - beta1) * _a(grad)
    return theta - lr * (np.sign(c) + weight_decay * theta)


def clip_by_norm(grad: ArrayLike, max_norm: float) -> Array:
    """grad * min(1, max_norm / ||grad||): shorten the gradient, keep its direction."""
    grad = _a(grad)
    norm = float(np.linalg.norm(grad))
    return grad * min(1.0, max_norm / norm) if norm > 0 else grad


def clip_by_value(grad: ArrayLike, clip_value: float) -> Array:
    """Each entry clamped to [-clip_value, clip_value] (changes the direction)."""
    return np.clip(_a(grad), -clip_value, clip_value)


def decoupled_weight_decay(theta: ArrayLike, lr: float, weight_decay: float) -> Array:
    """theta - lr * weight_decay * theta: shrink the weights towards zero, apart from the loss."""
    theta = _a(theta)
    return theta - lr * weight_decay * theta


def step_decay(lr0: float, gamma: float, t: int, step_size: int) -> float:
    """lr0 * gamma ** floor(t / step_size) (PyTorch's StepLR)."""
    return float(lr0 * gamma ** (t // step_size))


def exponential_decay(lr0: float, gamma: float, t: float) -> float:
    """lr0 * gamma**t (PyTorch's ExponentialLR; Keras uses t / decay_steps as the power)."""
    return float(lr0 * gamma**t)


def exponential_decay_rate(lr0: float, k: float, t: float) -> float:
    """lr0 * exp(-k t): the same curve, with a rate k = -log(gamma)."""
    return float(lr0 * np.exp(-k * t))


def polynomial_decay(lr0: float, lr_end: float, t: float, total_steps: float,
                     power: float) -> float:
    """(lr0 - lr_end) * (1 - t / total_steps)**power + lr_end, then constant at lr_end."""
    frac = min(t, total_steps) / total_steps
    return float((lr0 - lr_end) * (1 - frac) ** power + lr_end)


def cosine_annealing(lr_min: float, lr_max: float, t: float, T_max: float) -> float:
    """lr_min + (lr_max - lr_min) * (1 + cos(pi * t / T_max)) / 2."""
    return float(lr_min + 0.5 * (lr_max - lr_min) * (1 + np.cos(np.pi * t / T_max)))


def linear_warmup(lr: float, t: float, warmup_steps: float) -> float:
    """lr * min(1, t / warmup_steps): ramp up from zero, then hold."""
    return float(lr * min(1.0, t / warmup_steps))


def inverse_sqrt_schedule(d_model: float, t: float, warmup_steps: float) -> float:
    """d_model**-0.5 * min(t**-0.5, t * warmup_steps**-1.5) (the Transformer paper's schedule)."""
    return float(d_model**-0.5 * min(t**-0.5, t * warmup_steps**-1.5))


# ---------------------------------------------------------------------------------------------
# activations (element-wise unless said; the softmax family works along the last axis)
# ---------------------------------------------------------------------------------------------
def softmax(x: ArrayLike) -> Array:
    """exp(x_i) / sum_j exp(x_j) along the last axis."""
    x = _a(x)
    # Subtracting the max changes nothing mathematically and keeps exp from overflowing.
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return _a(e / e.sum(axis=-1, keepdims=True))


def softmax_temperature(x: ArrayLike, T: float) -> Array:
    """softmax(x / T): T > 1 flattens the weights, T < 1 sharpens them."""
    return softmax(_a(x) / T)


def softmin(x: ArrayLike) -> Array:
    """softmax(-x): the smallest entry gets the largest weight."""
    return softmax(-_a(x))


def logsumexp(x: ArrayLike) -> Array:
    """log sum_j exp(x_j) along the last axis: a smooth maximum."""
    x = _a(x)
    top = x.max(axis=-1, keepdims=True)
    return _a(np.squeeze(top, -1) + np.log(np.exp(x - top).sum(axis=-1)))


def log_softmax(x: ArrayLike) -> Array:
    """x_i - logsumexp(x): the log of softmax, computed without taking log of tiny numbers."""
    x = _a(x)
    return x - logsumexp(x)[..., None]


def sigmoid(x: ArrayLike) -> Array:
    """1 / (1 + exp(-x)), the logistic function."""
    x = _a(x)
    # Two branches so that exp never sees a large positive argument.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def logit(p: ArrayLike) -> Array:
    """log(p / (1 - p)), the inverse of the sigmoid: from a probability back to a score."""
    p = _a(p)
    return _a(np.log(p) - np.log1p(-p))


def log_sigmoid(x: ArrayLike) -> Array:
    """log(sigmoid(x)) = -softplus(-x)."""
    return -softplus(-_a(x))


def tanh(x: ArrayLike) -> Array:
    """(e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(_a(x))


def relu(x: ArrayLike) -> Array:
    """max(0, x)."""
    return np.maximum(_a(x), 0.0)


def relu6(x: ArrayLike) -> Array:
    """min(max(0, x), 6)."""
    return np.minimum(np.maximum(_a(x), 0.0), 6.0)


def leaky_relu(x: ArrayLike, negative_slope: float) -> Array:
    """x for x >= 0, negative_slope * x below."""
    x = _a(x)
    return np.where(x >= 0, x, negative_slope * x)


def prelu(x: ArrayLike, a: ArrayLike) -> Array:
    """Leaky ReLU whose slope a is learned."""
    x = _a(x)
    return np.where(x >= 0, x, _a(a) * x)


def elu(x: ArrayLike, alpha: float) -> Array:
    """x for x > 0, alpha * (exp(x) - 1) below."""
    x = _a(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: ArrayLike) -> Array:
    """scale * elu(x, alpha) with the fixed constants that keep activations normalised."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def celu(x: ArrayLike, alpha: float) -> Array:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    x = _a(x)
    return np.maximum(x, 0.0) + np.minimum(0.0, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def _erf(x: Array) -> Array:
    from math import erf

    return _a(np.vectorize(erf, otypes=[np.float64])(x))


def gelu(x: ArrayLike) -> Array:
    """x * Phi(x), Phi the standard normal CDF (the exact form)."""
    x = _a(x)
    return 0.5 * x * (1 + _erf(x / np.sqrt(2.0)))


def gelu_tanh(x: ArrayLike) -> Array:
    """The tanh approximation of GELU used by BERT and GPT-2."""
    x = _a(x)
    return _a(0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))))


def softplus(x: ArrayLike, beta: float = 1.0) -> Array:
    """log(1 + exp(beta x)) / beta, a smooth ReLU."""
    z = beta * _a(x)
    return (np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))) / beta


def softsign(x: ArrayLike) -> Array:
    """x / (1 + |x|)."""
    x = _a(x)
    return _a(x / (1 + np.abs(x)))


def silu(x: ArrayLike) -> Array:
    """x * sigmoid(x), also called swish."""
    x = _a(x)
    return x * sigmoid(x)


def swish(x: ArrayLike, beta: float) -> Array:
    """x * sigmoid(beta x); beta = 1 gives SiLU."""
    x = _a(x)
    return x * sigmoid(beta * x)


def mish(x: ArrayLike) -> Array:
    """x * tanh(softplus(x))."""
    x = _a(x)
    return x * np.tanh(softplus(x))


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> Array:
    """x clipped to [min_val, max_val]."""
    return np.clip(_a(x), min_val, max_val)


def hardsigmoid(x: ArrayLike) -> Array:
    """relu6(x + 3) / 6: a piecewise-linear sigmoid (PyTorch's slope 1/6)."""
    return relu6(_a(x) + 3) / 6


def hardswish(x: ArrayLike) -> Array:
    """x * relu6(x + 3) / 6."""
    x = _a(x)
    return x * relu6(x + 3) / 6


def glu(a: ArrayLike, b: ArrayLike) -> Array:
    """a * sigmoid(b): half of the input gates the other half."""
    return _a(a) * sigmoid(b)


def swiglu(a: ArrayLike, b: ArrayLike) -> Array:
    """silu(a) * b: a GLU whose gate is SiLU (Swish) instead of a sigmoid."""
    return silu(a) * _a(b)


def softshrink(x: ArrayLike, lambd: float) -> Array:
    """Move x towards zero by lambd, and to zero if it is closer than lambd."""
    x = _a(x)
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


def hardshrink(x: ArrayLike, lambd: float) -> Array:
    """x where |x| > lambd, else 0."""
    x = _a(x)
    return np.where(np.abs(x) > lambd, x, 0.0)


def tanhshrink(x: ArrayLike) -> Array:
    """x - tanh(x)."""
    x = _a(x)
    return x - np.tanh(x)


def threshold(x: ArrayLike, threshold: float, value: float) -> Array:
    """x where x > threshold, else value."""
    x = _a(x)
    return np.where(x > threshold, x, value)


# ---------------------------------------------------------------------------------------------
# losses (PyTorch's default reduction: the mean over examples, unless the docstring says so)
# ---------------------------------------------------------------------------------------------
def _rows_mean(per_example: Array) -> float:
    return float(np.mean(per_example))


def mse(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Mean of the squared differences."""
    return float(np.mean((_a(y_hat) - _a(y)) ** 2))


def sum_squared_error(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Half the sum of squared differences (the form whose gradient is just y_hat - y)."""
    return float(0.5 * np.sum((_a(y_hat) - _a(y)) ** 2))


def l1(y_hat: ArrayLike, y: ArrayLike) -> float:
    """Mean of the absolute differences."""
    return float(np.mean(np.abs(_a(y_hat) - _a(y))))


def huber(y_hat: ArrayLike, y: ArrayLike, delta: float) -> float:
    """Squared error for small differences, delta * (|d| - delta/2) for large ones (mean)."""
    d = np.abs(_a(y_hat) - _a(y))
    return float(np.mean(np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta))))


def smooth_l1(y_hat: ArrayLike, y: ArrayLike, beta: float) -> float:
    """0.5 d^2 / beta for |d| < beta, |d| - beta/2 beyond: Huber divided by beta (mean)."""
    d = np.abs(_a(y_hat) - _a(y))
    return float(np.mean(np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)))


def cross_entropy(p: ArrayLike, y: ArrayLike) -> float:
    """-sum_c y_c log p_c from probabilities p and target distribution y (mean over rows)."""
    return _rows_mean(-np.sum(_a(y) * np.log(_a(p)), axis=-1))


def cross_entropy_logits(z: ArrayLike, y: ArrayLike) -> float:
    """Cross-entropy from logits z and a class label y per row (mean over rows)."""
    logp = np.atleast_2d(log_softmax(z))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    return _rows_mean(-logp[np.arange(len(labels)), labels])


def nll(x: ArrayLike, y: ArrayLike) -> float:
    """Negative log-likelihood: minus the log-probability x[n, y_n] of each true class (mean)."""
    logp = np.atleast_2d(_a(x))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    return _rows_mean(-logp[np.arange(len(labels)), labels])


def info_nce(s: ArrayLike, j: ArrayLike, tau: float) -> float:
    """-log softmax(s / tau)[j]: the positive pair j must out-score the others (mean over rows)."""
    logp = np.atleast_2d(log_softmax(_a(s) / tau))
    labels = np.atleast_1d(np.asarray(j, dtype=np.int64))
    return _rows_mean(-logp[np.arange(len(labels)), labels])


def entropy(p: ArrayLike) -> float:
    """-sum_i p_i log p_i: how spread out a distribution is (in nats)."""
    p = _a(p)
    return float(-np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)))


def bce(p: ArrayLike, y: ArrayLike) -> float:
    """-[y log p + (1 - y) log(1 - p)], mean over entries; p are probabilities."""
    p, y = _a(p), _a(y)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def bce_terms(p: ArrayLike, y: ArrayLike) -> Array:
    """-[y log p + (1 - y) log(1 - p)] for each entry (bce is their mean)."""
    p, y = _a(p), _a(y)
    return _a(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_with_logits(z: ArrayLike, y: ArrayLike) -> float:
    """Binary cross-entropy from logits, as max(z, 0) - z y + log(1 + exp(-|z|)) (mean)."""
    z, y = _a(z), _a(y)
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """sum_i p_i log(p_i / q_i) for discrete distributions (mean over rows)."""
    p, q = _a(p), _a(q)
    return _rows_mean(np.sum(p * np.log(p / q), axis=-1))


def kl_div_log_input(x: ArrayLike, y: ArrayLike) -> float:
    """PyTorch's kl_div: x holds log q, y holds p; sum_i y_i (log y_i - x_i), mean over rows."""
    x, y = _a(x), _a(y)
    return _rows_mean(np.sum(y * (np.log(y) - x), axis=-1))


def poisson_nll(x: ArrayLike, y: ArrayLike) -> float:
    """exp(x) - y x with x the log of the predicted rate (PyTorch, log_input=True), mean."""
    x, y = _a(x), _a(y)
    return float(np.mean(np.exp(x) - y * x))


def poisson_nll_rate(rate: ArrayLike, y: ArrayLike) -> float:
    """rate - y log(rate), with the rate itself as input (constant log y! dropped), mean."""
    rate, y = _a(rate), _a(y)
    return float(np.mean(rate - y * np.log(rate)))


def gaussian_nll(mu: ArrayLike, y: ArrayLike, var: ArrayLike) -> float:
    """0.5 (log var + (y - mu)^2 / var), mean (PyTorch without the constant)."""
    mu, y, var = _a(mu), _a(y), _a(var)
    return float(np.mean(0.5 * (np.log(var) + (y - mu) ** 2 / var)))


def hinge_embedding(x: ArrayLike, y: ArrayLike, margin: float) -> float:
    """x where y = 1, max(0, margin - x) where y = -1 (x is usually a distance), mean."""
    x, y = _a(x), _a(y)
    return float(np.mean(np.where(y == 1, x, np.maximum(0.0, margin - x))))


def margin_ranking(x1: ArrayLike, x2: ArrayLike, y: ArrayLike, margin: float) -> float:
    """max(0, -y (x1 - x2) + margin): x1 should beat x2 by margin where y = 1, mean."""
    return float(np.mean(np.maximum(0.0, -_a(y) * (_a(x1) - _a(x2)) + margin)))


def triplet_margin_terms(a: ArrayLike, p: ArrayLike, n: ArrayLike, margin: float) -> Array:
    """max(d(a_i, p_i) - d(a_i, n_i) + margin, 0) for each row i, with Euclidean d."""
    d_ap = np.linalg.norm(_a(a) - _a(p), axis=-1)
    d_an = np.linalg.norm(_a(a) - _a(n), axis=-1)
    return _a(np.maximum(d_ap - d_an + margin, 0.0))


def triplet_margin(a: ArrayLike, p: ArrayLike, n: ArrayLike, margin: float) -> float:
    """The mean over triplets of triplet_margin_terms (one triplet: its loss)."""
    return float(np.mean(triplet_margin_terms(a, p, n, margin)))


def cosine_embedding(x1: ArrayLike, x2: ArrayLike, y: ArrayLike, margin: float) -> float:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1, mean."""
    x1, x2, y = np.atleast_2d(_a(x1)), np.atleast_2d(_a(x2)), _a(y)
    cos = np.sum(x1 * x2, -1) / (np.linalg.norm(x1, axis=-1) * np.linalg.norm(x2, axis=-1))
    return float(np.mean(np.where(y == 1, 1 - cos, np.maximum(0.0, cos - margin))))


def multi_margin(x: ArrayLike, y: ArrayLike, margin: float) -> float:
    """sum over wrong classes i of max(0, margin - x[y] + x[i]), divided by the class count."""
    x = np.atleast_2d(_a(x))
    labels = np.atleast_1d(np.asarray(y, dtype=np.int64))
    rows = np.arange(len(labels))
    hinge = np.maximum(0.0, margin - x[rows, labels][:, None] + x)
    hinge[rows, labels] = 0.0
    return _rows_mean(hinge.sum(axis=1) / x.shape[1])


def soft_margin(x: ArrayLike, y: ArrayLike) -> float:
    """log(1 + exp(-y x)) with labels y in {-1, 1}, mean."""
    return float(np.mean(softplus(-_a(y) * _a(x))))


def multilabel_soft_margin(x: ArrayLike, y: ArrayLike) -> float:
    """-(1/C) sum_i [y_i log sigmoid(x_i) + (1 - y_i) log sigmoid(-x_i)], mean over rows."""
    x, y = _a(x), _a(y)
    per = y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x)
    return _rows_mean(-per.mean(axis=-1))


def kl_gaussian_standard(mu: ArrayLike, logvar: ArrayLike) -> float:
    """KL(N(mu, sigma^2) || N(0, 1)) summed over dimensions, from mu and log sigma^2 (the VAE term)."""
    mu, logvar = _a(mu), _a(logvar)
    return float(-0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar)))


def kl_gaussian_neg(mu: ArrayLike, logvar: ArrayLike) -> float:
    """Minus the KL term, as printed in Kingma & Welling: (1/2) sum (1 + log var - mu^2 - var)."""
    return -kl_gaussian_standard(mu, logvar)


def perplexity(logp: ArrayLike) -> float:
    """exp of the mean negative log-probability of the observed tokens."""
    return float(np.exp(-np.mean(_a(logp))))


def perplexity_from_loss(H: float) -> float:
    """exp(H): perplexity from a cross-entropy measured in nats."""
    return float(np.exp(H))


def smooth_labels(y: ArrayLike, eps: float) -> Array:
    """(1 - eps) y + eps / K: move a little probability from the true class to all K classes."""
    y = _a(y)
    return _a((1 - eps) * y + eps / y.shape[-1])


def focal_loss(p_t: ArrayLike, alpha: float, gamma: float) -> float:
    """-alpha (1 - p_t)^gamma log(p_t), mean: down-weights examples already classified well."""
    p_t = _a(p_t)
    return float(np.mean(-alpha * (1 - p_t) ** gamma * np.log(p_t)))


def l2_penalty(theta: ArrayLike, lambd: float) -> float:
    """(lambd / 2) ||theta||^2."""
    return float(0.5 * lambd * np.sum(_a(theta) ** 2))


# ---------------------------------------------------------------------------------------------
# linear algebra and statistics
# ---------------------------------------------------------------------------------------------
def dot_product(x: ArrayLike, y: ArrayLike) -> float:
    """sum_i x_i y_i."""
    return float(np.dot(_a(x), _a(y)))


def bilinear_form(x: ArrayLike, A: ArrayLike, y: ArrayLike) -> float:
    """x^T A y: a dot product with a matrix in the middle."""
    return float(_a(x) @ _a(A) @ _a(y))


def matrix_vector_product(A: ArrayLike, x: ArrayLike) -> Array:
    """A x: each output entry is the dot product of a row of A with x."""
    return _a(A) @ _a(x)


def matmul(A: ArrayLike, B: ArrayLike) -> Array:
    """(A B)_ij = sum_k A_ik B_kj."""
    return _a(A) @ _a(B)


def hadamard(A: ArrayLike, B: ArrayLike) -> Array:
    """Entry-by-entry product."""
    return _a(A) * _a(B)


def affine(W: ArrayLike, x: ArrayLike, b: ArrayLike) -> Array:
    """W x + b."""
    return _a(W) @ _a(x) + _a(b)


def outer_product(x: ArrayLike, y: ArrayLike) -> Array:
    """x y^T: the matrix of all products x_i y_j."""
    return np.outer(_a(x), _a(y))


def l2_norm(x: ArrayLike) -> float:
    """sqrt(sum_i x_i^2), the Euclidean length."""
    return float(np.sqrt(np.sum(_a(x) ** 2)))


def lp_norm(x: ArrayLike, p: float) -> float:
    """(sum_i |x_i|^p)^(1/p)."""
    return float(np.sum(np.abs(_a(x)) ** p) ** (1 / p))


def lp_normalize(v: ArrayLike, p: float) -> Array:
    """v / ||v||_p along the last axis (PyTorch also floors the norm at a tiny eps)."""
    v = _a(v)
    return _a(v / (np.sum(np.abs(v) ** p, axis=-1, keepdims=True) ** (1 / p)))


def cosine_similarity(x1: ArrayLike, x2: ArrayLike) -> Array:
    """x1 . x2 / (||x1|| ||x2||) along the last axis: the cosine of the angle between them."""
    x1, x2 = _a(x1), _a(x2)
    return _a(
        np.sum(x1 * x2, axis=-1) / (np.linalg.norm(x1, axis=-1) * np.linalg.norm(x2, axis=-1))
    )


def pairwise_distance(x1: ArrayLike, x2: ArrayLike, p: float) -> Array:
    """||x1 - x2||_p along the last axis (PyTorch adds 1e-6 to the difference first)."""
    return _a(np.sum(np.abs(_a(x1) - _a(x2)) ** p, axis=-1) ** (1 / p))


def frobenius_norm(A: ArrayLike) -> float:
    """sqrt(sum_ij A_ij^2)."""
    return float(np.sqrt(np.sum(_a(A) ** 2)))


def trace(A: ArrayLike) -> float:
    """sum_i A_ii."""
    return float(np.trace(_a(A)))


def weighted_average(a: ArrayLike, x: ArrayLike) -> Array:
    """sum_i a_i x_i / sum_i a_i (x may hold one vector per weight, along its first axis)."""
    a, x = _a(a), _a(x)
    return _a(np.tensordot(a, x, axes=(0, 0)) / a.sum())


def convex_combination(a: ArrayLike, x: ArrayLike) -> Array:
    """sum_i a_i x_i with weights that already sum to one."""
    return np.tensordot(_a(a), _a(x), axes=(0, 0))


def mean(x: ArrayLike) -> float:
    """(1/n) sum_i x_i."""
    return float(np.mean(_a(x)))


def variance(x: ArrayLike) -> float:
    """(1/n) sum_i (x_i - mean)^2: the population (biased) variance."""
    return float(np.var(_a(x)))


def sample_variance(x: ArrayLike) -> float:
    """(1/(n-1)) sum_i (x_i - mean)^2: the unbiased estimate from a sample."""
    return float(np.var(_a(x), ddof=1))


def gaussian_pdf(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> Array:
    """exp(-(x - mu)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2): the bell curve's height at x."""
    x, mu, sigma = _a(x), _a(mu), _a(sigma)
    return _a(np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2))


def standardize(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> Array:
    """(x - mu) / sigma: how many standard deviations from the mean."""
    return (_a(x) - _a(mu)) / _a(sigma)


def concatenate(a: ArrayLike, b: ArrayLike) -> Array:
    """[a; b]: a followed by b along the last axis."""
    return np.concatenate([_a(a), _a(b)], axis=-1)


def transpose(A: ArrayLike) -> Array:
    """A^T: rows become columns."""
    return _a(A).T


def permute_rows(A: ArrayLike, pi: ArrayLike) -> Array:
    """P A with P the permutation matrix of pi: row i of the result is row pi(i) of A."""
    return _a(A)[np.asarray(pi, dtype=np.int64)]


def permutation_matrix(pi: ArrayLike) -> Array:
    """P_ij = 1 if j = pi(i) else 0."""
    pi = np.asarray(pi, dtype=np.int64)
    return _a(np.eye(len(pi))[pi])


def rotation_2d(theta: float) -> Array:
    """The matrix that turns the plane by the angle theta, anticlockwise."""
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def householder(v: ArrayLike) -> Array:
    """I - 2 v v^T / (v^T v): the reflection across the plane perpendicular to v."""
    v = _a(v)
    return np.eye(len(v)) - 2 * np.outer(v, v) / (v @ v)


def projection(A: ArrayLike) -> Array:
    """A (A^T A)^-1 A^T: projects onto the column space of A (a vector is one column)."""
    A = _a(A)
    if A.ndim == 1:
        A = A[:, None]
    return A @ np.linalg.solve(A.T @ A, A.T)


def inverse(A: ArrayLike) -> Array:
    """A^-1: the matrix that undoes A."""
    return _a(np.linalg.inv(_a(A)))


def lu_product(P: ArrayLike, L: ArrayLike, U: ArrayLike) -> Array:
    """P L U: rebuild A from its LU factors (SciPy's convention A = P L U)."""
    return _a(P) @ _a(L) @ _a(U)


def qr_product(Q: ArrayLike, R: ArrayLike) -> Array:
    """Q R: rebuild A from an orthogonal Q and an upper-triangular R."""
    return _a(Q) @ _a(R)


def eig_product(Q: ArrayLike, Lambda: ArrayLike) -> Array:
    """Q Lambda Q^-1: rebuild A from eigenvectors (columns of Q) and eigenvalues (diagonal)."""
    Q, Lambda = _a(Q), _a(Lambda)
    if Lambda.ndim == 1:
        Lambda = np.diag(Lambda)
    return Q @ Lambda @ np.linalg.inv(Q)


def svd_product(U: ArrayLike, Sigma: ArrayLike, V: ArrayLike) -> Array:
    """U Sigma V^T: rebuild A from its singular vectors and singular values."""
    U, Sigma, V = _a(U), _a(Sigma), _a(V)
    if Sigma.ndim == 1:
        Sigma = np.diag(Sigma)
    return U @ Sigma @ V.T


def determinant(A: ArrayLike) -> float:
    """det A: the factor by which A scales volumes (negative if it flips orientation)."""
    return float(np.linalg.det(_a(A)))


def determinant_2x2(a: float, b: float, c: float, d: float) -> float:
    """ad - bc for the matrix [[a, b], [c, d]]."""
    return float(a * d - b * c)


def product(lambdas: ArrayLike) -> float:
    """The product of the entries (the determinant is the product of the eigenvalues)."""
    return float(np.prod(_a(lambdas)))


def rbf_kernel(x1: ArrayLike, x2: ArrayLike, sigma: float) -> float:
    """exp(-||x1 - x2||^2 / (2 sigma^2))."""
    return float(np.exp(-np.sum((_a(x1) - _a(x2)) ** 2) / (2 * sigma**2)))


# ---------------------------------------------------------------------------------------------
# attention (one decoder state h against source states H, one row per source position s)
# ---------------------------------------------------------------------------------------------
def luong_dot(h: ArrayLike, H: ArrayLike) -> Array:
    """score(h_t, hbar_s) = h_t . hbar_s for every s."""
    return _a(H) @ _a(h)


def luong_general(h: ArrayLike, W: ArrayLike, H: ArrayLike) -> Array:
    """score(h_t, hbar_s) = h_t^T W_a hbar_s for every s."""
    return _a(H) @ _a(W).T @ _a(h)


def luong_concat(v: ArrayLike, W: ArrayLike, h: ArrayLike, H: ArrayLike) -> Array:
    """score(h_t, hbar_s) = v_a^T tanh(W_a [h_t; hbar_s]) for every s."""
    H = _a(H)
    stacked = np.concatenate([np.broadcast_to(_a(h), (len(H), len(_a(h)))), H], axis=1)
    return np.tanh(stacked @ _a(W).T) @ _a(v)


def additive_score(v: ArrayLike, W: ArrayLike, s: ArrayLike, U: ArrayLike,
                   H: ArrayLike) -> Array:
    """e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j) for every j (Bahdanau)."""
    return np.tanh(_a(W) @ _a(s) + _a(H) @ _a(U).T) @ _a(v)


def attentional_hidden(W: ArrayLike, c: ArrayLike, h: ArrayLike) -> Array:
    """tanh(W_c [c_t; h_t]): mix the context back into the decoder state (Luong)."""
    return _a(np.tanh(_a(W) @ np.concatenate([_a(c), _a(h)])))


def scaled_scores(Q: ArrayLike, K: ArrayLike) -> Array:
    """Q K^T / sqrt(d_k): every query against every key, scaled by the key width."""
    K = _a(K)
    return _a(_a(Q) @ np.swapaxes(K, -1, -2) / np.sqrt(K.shape[-1]))


def scaled_dot_product_attention(Q: ArrayLike, K: ArrayLike, V: ArrayLike) -> Array:
    """softmax(Q K^T / sqrt(d_k)) V."""
    return softmax(scaled_scores(Q, K)) @ _a(V)


def causal_attention(Q: ArrayLike, K: ArrayLike, V: ArrayLike) -> Array:
    """softmax(Q K^T / sqrt(d_k) + M) V with M = -inf above the diagonal: no peeking ahead."""
    S = scaled_scores(Q, K)
    n, m = S.shape[-2:]
    S = np.where(np.tril(np.ones((n, m), dtype=bool)), S, -np.inf)
    return softmax(S) @ _a(V)


def multi_head_attention(Q: ArrayLike, K: ArrayLike, V: ArrayLike, W_q: ArrayLike,
                         W_k: ArrayLike, W_v: ArrayLike, W_o: ArrayLike) -> Array:
    """Concat(head_1..head_h) W^O, head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V).

    W_q, W_k, W_v have shape (heads, d_model, d_head); W_o has shape (heads * d_head, d_model).
    """
    heads = [scaled_dot_product_attention(_a(Q) @ wq, _a(K) @ wk, _a(V) @ wv)
             for wq, wk, wv in zip(_a(W_q), _a(W_k), _a(W_v), strict=True)]
    return np.concatenate(heads, axis=-1) @ _a(W_o)


def positional_encoding(pos: float, d_model: int) -> Array:
    """The sinusoidal code of one position: sin at even entries 2i, cos at odd entries 2i+1."""
    i = np.arange(0, d_model, 2)
    angle = pos / 10000 ** (i / d_model)
    pe = np.zeros(d_model)
    pe[0::2] = np.sin(angle)
    pe[1::2] = np.cos(angle[: d_model // 2])
    return pe


# ---------------------------------------------------------------------------------------------
# energy-based models (binary units; an RBM's W has one row per visible unit)
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# layers (PyTorch's layouts: a batch of rows, weights applied as x W^T, channels on axis 1)
# ---------------------------------------------------------------------------------------------
def linear(x: ArrayLike, A: ArrayLike, b: ArrayLike) -> Array:
    """x A^T + b, PyTorch's nn.Linear on a batch of rows."""
    return _a(x) @ _a(A).T + _a(b)


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


def rnn_cell(x: ArrayLike, h: ArrayLike, W_ih: ArrayLike, b_ih: ArrayLike, W_hh: ArrayLike,
             b_hh: ArrayLike) -> Array:
    """tanh(W_ih x + b_ih + W_hh h + b_hh) on a batch of rows."""
    return np.tanh(_a(x) @ _a(W_ih).T + _a(b_ih) + _a(h) @ _a(W_hh).T + _a(b_hh))


def sigmoid_gate(x: ArrayLike, h: ArrayLike, W_i: ArrayLike, b_i: ArrayLike, W_h: ArrayLike,
                 b_h: ArrayLike) -> Array:
    """sigmoid(W_i x + b_i + W_h h + b_h): a gate of a GRU or LSTM, between 0 and 1."""
    return sigmoid(_a(x) @ _a(W_i).T + _a(b_i) + _a(h) @ _a(W_h).T + _a(b_h))


def tanh_candidate(x: ArrayLike, h: ArrayLike, W_i: ArrayLike, b_i: ArrayLike, W_h: ArrayLike,
                   b_h: ArrayLike) -> Array:
    """tanh(W_i x + b_i + W_h h + b_h): the LSTM's candidate cell values g."""
    return np.tanh(_a(x) @ _a(W_i).T + _a(b_i) + _a(h) @ _a(W_h).T + _a(b_h))


def gru_candidate(x: ArrayLike, h: ArrayLike, r: ArrayLike, W_in: ArrayLike, b_in: ArrayLike,
                  W_hn: ArrayLike, b_hn: ArrayLike) -> Array:
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


# ---------------------------------------------------------------------------------------------
# initialisation: the scale of the first random weights
# ---------------------------------------------------------------------------------------------
def xavier_uniform_bound(fan_in: float, fan_out: float, gain: float = 1.0) -> float:
    """gain * sqrt(6 / (fan_in + fan_out)): draw weights uniformly in [-bound, bound]."""
    return float(gain * np.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal_std(fan_in: float, fan_out: float, gain: float = 1.0) -> float:
    """gain * sqrt(2 / (fan_in + fan_out)): the standard deviation of normal weights."""
    return float(gain * np.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_normal_std(fan_in: float) -> float:
    """sqrt(2 / fan_in): the standard deviation for ReLU layers."""
    return float(np.sqrt(2.0 / fan_in))


def kaiming_std_gain(gain: float, fan_in: float) -> float:
    """gain / sqrt(fan_in): PyTorch's form; the ReLU gain sqrt(2) gives kaiming_normal_std."""
    return float(gain / np.sqrt(fan_in))


def kaiming_uniform_bound(fan_in: float) -> float:
    """sqrt(6 / fan_in): the uniform bound with the same variance as kaiming_normal_std."""
    return float(np.sqrt(6.0 / fan_in))


def kaiming_std_leaky(fan_in: float, a: float) -> float:
    """sqrt(2 / ((1 + a^2) fan_in)) for leaky ReLU with negative slope a."""
    return float(np.sqrt(2.0 / ((1 + a**2) * fan_in)))


def lecun_normal_std(fan_in: float) -> float:
    """sqrt(1 / fan_in): keeps the variance for linear or tanh-like units (and SELU)."""
    return float(np.sqrt(1.0 / fan_in))


def orthogonal_from_qr(Q: ArrayLike, R: ArrayLike) -> Array:
    """Q diag(sign(diag R)): the sign fix that makes Q uniformly random among orthogonal
    matrices when it comes from the QR of a Gaussian matrix."""
    return _a(Q) * np.sign(np.diag(_a(R)))
