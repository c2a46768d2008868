"""References of ``data/optimizers.toml``.

Optimizers and schedules: each a small rule that turns a gradient (and some state) into a step.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thirdroad.concepts.references._arrays import Array, Fn, _a


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


def gd_step_with_weight_decay(theta: ArrayLike, lr: float, weight_decay: float, grad: ArrayLike) -> Array:
    """(1 - lr * weight_decay) * theta - lr * grad: a gradient step on weights shrunk towards zero
    (the same as theta - lr * (grad + weight_decay * theta), PyTorch's SGD with weight_decay)."""
    theta = _a(theta)
    return (1 - lr * weight_decay) * theta - lr * _a(grad)


def decayed_gd_step(theta: ArrayLike, lr: float, decay: float, grad: ArrayLike) -> Array:
    """(1 - decay) * theta - lr * grad: the fraction ``decay`` of each weight taken off at each step."""
    theta = _a(theta)
    return (1 - decay) * theta - lr * _a(grad)


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


# --------------------------------------------------------------------------------------------
# data/optimizers.more.toml


def yogi_second_moment(v: ArrayLike, grad: ArrayLike, beta2: float) -> Array:
    """v - (1 - beta2) sign(v - g^2) g^2: moves v towards g^2 by a step that does not grow with v."""
    g2 = _a(grad) ** 2
    return _a(_a(v) - (1 - beta2) * np.sign(_a(v) - g2) * g2)


def belief_second_moment(s: ArrayLike, grad: ArrayLike, m: ArrayLike, beta2: float) -> Array:
    """beta2 s + (1 - beta2) (g - m)^2: an EMA of how far the gradient is from its own average."""
    return _a(beta2 * _a(s) + (1 - beta2) * (_a(grad) - _a(m)) ** 2)


def sign_sgd_step(theta: ArrayLike, lr: float, grad: ArrayLike) -> Array:
    """theta - lr sign(g): every parameter moves by the same amount, in the downhill direction."""
    return _a(_a(theta) - lr * np.sign(_a(grad)))


def newton_step(theta: ArrayLike, H: ArrayLike, grad: ArrayLike) -> Array:
    """theta - H^{-1} g: the step to the minimum of the quadratic model with Hessian H."""
    return _a(_a(theta) - np.linalg.solve(_a(H), _a(grad)))


def preconditioned_step(theta: ArrayLike, lr: float, P: ArrayLike, grad: ArrayLike) -> Array:
    """theta - lr P^{-1} g: gradient descent in the geometry the preconditioner P sets."""
    return _a(_a(theta) - lr * np.linalg.solve(_a(P), _a(grad)))


def running_average(avg: ArrayLike, theta: ArrayLike, t: int) -> Array:
    """avg + (theta - avg) / t: the mean of the first t iterates, updated with the t-th."""
    return _a(_a(avg) + (_a(theta) - _a(avg)) / t)


def inverse_time_decay(lr0: float, k: float, t: float) -> float:
    """lr0 / (1 + k t)."""
    return float(lr0 / (1 + k * t))
