"""Optimizers, built the way optax builds them: as chains of small agents.

Each :class:`Transform` takes the gradients and hands on something else: a
moving average of them, that average divided by the root of a moving
average of squares, the same scaled by the learning rate... The named
optimizers are short chains of these, and ``describe()`` reads the chain out:

>>> Adam(lr=1e-3).describe()
'Adam: keep a moving average of the gradients (β1=0.9) and of their squares ...'

A formula's lines map onto agents one by one, so a chain can be built from what a page
writes, variants included::

    v = β1·v + (1-β1)·dW         MovingAverage(β1)
    s = β2·s + (1-β2)·dW²        ScaleByRootOfMovingAverage(β2, ε, bias_correction=...)
    v̂ = v / (1-β1^t)             BiasCorrection(β1)
    W = W - α·v̂ / (√ŝ + ε)       ... ScaleByLearningRate(α)

Conventions follow PyTorch's ``torch.optim`` by default, so the two agree step
for step (tested to 1e-9 in float64). Where the literature writes things
differently, the docstrings say so:

- Momentum appears as ``v = γv + η∇J, θ = θ - v`` (the learning rate inside the
  velocity: ``[MovingAverage(γ, η), Descend()]``) and as ``v = βv + (1-β)dW, θ = θ - αv``
  (an exponential moving average, Andrew Ng's course: ``MovingAverage(β)``). PyTorch, and
  :func:`SGD`, use ``v = μv + g, θ = θ - lr·v`` (:class:`Trace`); with a constant learning
  rate all three trace the same path up to a rescaling of the learning rate (``α(1-β) = lr``).
- RMSProp: PyTorch (and this module) adds ε *outside* the root, ``g / (√s + ε)``;
  TensorFlow/Keras and optax add it *inside*, ``g / √(s + ε)`` (``eps_inside=True``).
- Adam: PyTorch adds ε to the bias-corrected root, ``m̂ / (√v̂ + ε)``, as the paper's
  algorithm box does; the paper's "more efficient" ordering puts an ε̂ on the raw root.
- Muon: PyTorch runs its Newton–Schulz steps in bfloat16; :class:`Orthogonalize` runs them in
  the variable's precision.

Every ``torch.optim`` optimizer but L-BFGS (a line search, not a chain of per-step agents)
and SparseAdam (sparse gradients) is here, plus Lion.
"""

from thirdroad.nn.optim._chain import Optimizer, ScalarTransform, Step, Transform
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
from thirdroad.nn.optim._named import (
    ASGD,
    SGD,
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Lion,
    Muon,
    NAdam,
    RAdam,
    RMSProp,
    RMSprop,
    Rprop,
)
from thirdroad.nn.optim._transforms import (
    AddDecayedWeights,
    BiasCorrection,
    ClipByGlobalNorm,
    Descend,
    Maximize,
    MovingAverage,
    Scale,
    ScaleByLearningRate,
    ScaleByRms,
    ScaleByRootOfMovingAverage,
    ScaleByRss,
    Schedule,
    Sign,
    Trace,
)

__all__ = [
    "ASGD",
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "AddDecayedWeights",
    "AverageIterates",
    "BiasCorrection",
    "ClipByGlobalNorm",
    "ClipByRms",
    "Descend",
    "Lion",
    "LionMomentum",
    "Maximize",
    "MovingAverage",
    "Muon",
    "NAdam",
    "NadamMomentum",
    "Optimizer",
    "Orthogonalize",
    "RAdam",
    "RMSProp",
    "RMSprop",
    "Rprop",
    "ScalarTransform",
    "Scale",
    "ScaleByAdam",
    "ScaleByFactoredRms",
    "ScaleByInfinityNorm",
    "ScaleByLearningRate",
    "ScaleByParameterRms",
    "ScaleByRectifiedRoot",
    "ScaleByRelativeStepSize",
    "ScaleByRms",
    "ScaleByRootOfMovingAverage",
    "ScaleByRootOfStepAverage",
    "ScaleByRprop",
    "ScaleByRss",
    "ScaleByShape",
    "Schedule",
    "Sign",
    "Step",
    "Trace",
    "Transform",
]
