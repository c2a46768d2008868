"""The named optimizers: each a short chain of agents, with ``torch.optim``'s hyperparameter
names and defaults (tested against it, step for step)."""

from __future__ import annotations

from thirdroad.nn._errors import EngineError
from thirdroad.nn.optim._chain import Optimizer, Transform
from thirdroad.nn.optim._cores import (
    AverageIterates,
    ClipByRms,
    LionMomentum,
    NadamMomentum,
    Orthogonalize,
    ScaleByAdam,
    ScaleByFactoredRms,
    ScaleByInfinityNorm,
    ScaleByParameterRms,
    ScaleByRectifiedRoot,
    ScaleByRelativeStepSize,
    ScaleByRootOfStepAverage,
    ScaleByRprop,
    ScaleByShape,
)
from thirdroad.nn.optim._transforms import (
    AddDecayedWeights,
    BiasCorrection,
    Descend,
    Maximize,
    MovingAverage,
    ScaleByLearningRate,
    ScaleByRms,
    ScaleByRootOfMovingAverage,
    ScaleByRss,
    Schedule,
    Sign,
    Trace,
)


def _head(maximize: bool, weight_decay: float = 0.0) -> list[Transform]:
    """What PyTorch does to the gradient first: flip it to maximize, add L2 weight decay."""
    return [*([Maximize()] if maximize else []), *([AddDecayedWeights(weight_decay)] if weight_decay else [])]


def _decoupled(weight_decay: float) -> list[Transform]:
    return [AddDecayedWeights(weight_decay, decoupled=True)] if weight_decay else []


def SGD(
    lr: float | Schedule = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
    *,
    maximize: bool = False,
) -> Optimizer:
    """Stochastic gradient descent: ``θ ← θ - lr·g``; with momentum, step along a velocity
    that remembers past gradients (see the package notes for the other ways momentum is
    written)."""
    if nesterov and (momentum <= 0 or dampening != 0):
        raise EngineError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")
    chain = _head(maximize, weight_decay)
    if momentum:
        chain.append(Trace(momentum, dampening, nesterov))
    chain.append(ScaleByLearningRate(lr))
    name = "SGD with Nesterov momentum" if nesterov else "SGD with momentum" if momentum else "SGD"
    return Optimizer(name, chain)


def RMSProp(
    lr: float | Schedule = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
    *,
    maximize: bool = False,
) -> Optimizer:
    """RMSProp (Hinton, lecture 6e, 2012): divide each gradient by the root of a moving average
    of its squares, so every direction takes steps of similar size; ``momentum`` then averages
    those steps (PyTorch's buffer, starting at 0). ε outside the root (PyTorch)."""
    chain = [*_head(maximize, weight_decay), ScaleByRms(alpha, eps, centered)]
    if momentum:
        chain.append(Trace(momentum))  # PyTorch starts this buffer at 0: the same as at the first value
    chain.append(ScaleByLearningRate(lr))
    return Optimizer("RMSProp", chain)


RMSprop = RMSProp  # PyTorch's spelling


def Adam(
    lr: float | Schedule = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    *,
    maximize: bool = False,
    decoupled_weight_decay: bool = False,
) -> Optimizer:
    """Adam: momentum on top (a moving average of gradients), RMSProp below (a moving
    average of their squares), both bias-corrected. Kingma & Ba, 2015. ``weight_decay`` is an
    L2 penalty on the gradient, or AdamW's decoupled decay with ``decoupled_weight_decay``."""
    if decoupled_weight_decay:
        return AdamW(lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
    core = ScaleByAdam(betas[0], betas[1], eps, amsgrad)
    return Optimizer("Adam", [*_head(maximize, weight_decay), core, ScaleByLearningRate(lr)])


def AdamW(
    lr: float | Schedule = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
    *,
    maximize: bool = False,
) -> Optimizer:
    """AdamW: Adam, with weight decay applied to the step itself rather than mixed into
    the gradient, so the adaptive scaling does not weaken it. Loshchilov & Hutter, 2019."""
    chain = [
        *_head(maximize),
        ScaleByAdam(betas[0], betas[1], eps, amsgrad),
        *_decoupled(weight_decay),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("AdamW", chain)


def Adagrad(
    lr: float | Schedule = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
    *,
    maximize: bool = False,
) -> Optimizer:
    """Adagrad: divide each gradient by the root of the sum of all its past squares;
    directions that have moved a lot slow down for good. Duchi et al., 2011."""
    chain = [
        *_head(maximize, weight_decay),
        ScaleByRss(initial_accumulator_value, eps),
        ScaleByLearningRate(lr, lr_decay),
    ]
    return Optimizer("Adagrad", chain)


def Adadelta(
    lr: float | Schedule = 1.0,
    rho: float = 0.9,
    eps: float = 1e-6,
    weight_decay: float = 0.0,
    *,
    maximize: bool = False,
) -> Optimizer:
    """Adadelta (Zeiler, 2012): RMSProp's division (ε inside the root), then a multiplication
    by the root of a moving average of past squared steps, which gives the step θ's units."""
    chain = [
        *_head(maximize, weight_decay),
        ScaleByRootOfMovingAverage(rho, eps, eps_inside=True),
        ScaleByRootOfStepAverage(rho, eps),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("Adadelta", chain)


def Adamax(
    lr: float | Schedule = 2e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    *,
    maximize: bool = False,
) -> Optimizer:
    """AdaMax (Kingma & Ba 2015, section 7.1): Adam with the largest recent gradient size in
    place of the root of the average of squares (the infinity norm)."""
    chain = [
        *_head(maximize, weight_decay),
        MovingAverage(betas[0]),
        BiasCorrection(betas[0]),
        ScaleByInfinityNorm(betas[1], eps),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("AdaMax", chain)


def NAdam(
    lr: float | Schedule = 2e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum_decay: float = 4e-3,
    decoupled_weight_decay: bool = False,
    *,
    maximize: bool = False,
) -> Optimizer:
    """NAdam (Dozat, 2016): Adam whose momentum looks one step ahead, as Nesterov's does, with a
    momentum schedule that warms up."""
    chain = [
        *_head(maximize, 0.0 if decoupled_weight_decay else weight_decay),
        NadamMomentum(betas[0], momentum_decay),
        ScaleByRootOfMovingAverage(betas[1], eps, bias_correction=True),
        *(_decoupled(weight_decay) if decoupled_weight_decay else []),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("NAdam", chain)


def RAdam(
    lr: float | Schedule = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
    *,
    maximize: bool = False,
) -> Optimizer:
    """RAdam (Liu et al., 2020): Adam that steps with momentum alone while its second moment
    is still too noisy to trust, then with Adam's division, rectified."""
    chain = [
        *_head(maximize, 0.0 if decoupled_weight_decay else weight_decay),
        MovingAverage(betas[0]),
        BiasCorrection(betas[0]),
        ScaleByRectifiedRoot(betas[1], eps),
        *(_decoupled(weight_decay) if decoupled_weight_decay else []),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("RAdam", chain)


def Rprop(
    lr: float = 1e-2,
    etas: tuple[float, float] = (0.5, 1.2),
    step_sizes: tuple[float, float] = (1e-6, 50.0),
    *,
    maximize: bool = False,
) -> Optimizer:
    """Rprop (Riedmiller & Braun, 1993): a step size per coordinate that grows while the
    gradient keeps its sign and shrinks when it flips; only the gradient's sign is used."""
    return Optimizer("Rprop", [*_head(maximize), ScaleByRprop(lr, etas, step_sizes), Descend()])


def ASGD(
    lr: float = 1e-2,
    lambd: float = 1e-4,
    alpha: float = 0.75,
    t0: float = 1e6,
    weight_decay: float = 0.0,
    *,
    maximize: bool = False,
) -> Optimizer:
    """Averaged SGD (Polyak & Juditsky, 1992, as PyTorch writes it): SGD whose step size
    shrinks as ``η_t = lr/(1 + λ·lr·t)^α``, with a pull ``λ`` of θ towards 0, keeping the
    average of the points visited from step ``t0`` on (read it with ``memory_of``)."""
    chain = [
        *_head(maximize, weight_decay),
        AddDecayedWeights(lambd),
        ScaleByLearningRate(lr, lambd * lr, alpha),
        AverageIterates(t0),
    ]
    return Optimizer("ASGD", chain)


def Adafactor(
    lr: float = 1e-2,
    beta2_decay: float = -0.8,
    eps: tuple[float | None, float] = (None, 1e-3),
    d: float = 1.0,
    weight_decay: float = 0.0,
    *,
    maximize: bool = False,
) -> Optimizer:
    """Adafactor (Shazeer & Stern, 2018), PyTorch 2.13's version: a second moment kept as row
    and column means, update clipping, a step relative to the variable's own size, and
    decoupled weight decay scaled by ``lr``."""
    if d < 1.0 or beta2_decay > 0.0 or (eps[0] is not None and eps[0] < 0.0) or eps[1] < 0.0:
        raise EngineError(
            f"Adafactor: d must be at least 1 (got {d}), beta2_decay at most 0 (got {beta2_decay}), "
            f"eps non-negative (got {eps})"
        )
    chain = [
        *_head(maximize),
        ScaleByFactoredRms(beta2_decay, eps[0]),
        ClipByRms(d),
        ScaleByParameterRms(eps[1]),
        ScaleByRelativeStepSize(lr),
        *_decoupled(lr * weight_decay),
        Descend(),
    ]
    return Optimizer("Adafactor", chain)


def Muon(
    lr: float = 1e-3,
    weight_decay: float = 0.1,
    momentum: float = 0.95,
    nesterov: bool = True,
    ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
    eps: float = 1e-7,
    ns_steps: int = 5,
    adjust_lr_fn: str | None = None,
) -> Optimizer:
    """Muon (Jordan et al., 2024): momentum, then the nearest orthogonal matrix to it (by
    Newton–Schulz steps), scaled by the matrix's shape. For 2-D variables."""
    chain = [
        MovingAverage(momentum, nesterov=nesterov),
        Orthogonalize(ns_coefficients, ns_steps, eps),
        ScaleByShape(adjust_lr_fn),
        *_decoupled(weight_decay),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("Muon", chain)


def Lion(
    lr: float | Schedule = 1e-4,
    betas: tuple[float, float] = (0.9, 0.99),
    weight_decay: float = 0.0,
    *,
    maximize: bool = False,
) -> Optimizer:
    """Lion (Chen et al., 2023; not in torch.optim): the sign of a blend of the gradient and
    its momentum, the same step size in every coordinate, with decoupled weight decay."""
    chain = [
        *_head(maximize),
        LionMomentum(betas[0], betas[1]),
        Sign(),
        *_decoupled(weight_decay),
        ScaleByLearningRate(lr),
    ]
    return Optimizer("Lion", chain)
