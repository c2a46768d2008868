"""The words a block reading uses: what each optimizer's step does, whose form a block is
written in, and the roles of the names an algorithm box labels."""

from __future__ import annotations

STEP = {
    "gradient_descent": "the update: the parameters step against the gradient, scaled by the learning rate",
    "sgd_momentum": "the update: the parameters step along the velocity",
    "nesterov": "the update: the parameters step along the velocity and the look-ahead",
    "rmsprop": "the update: each gradient divided by the root of its recent squares, times the learning rate",
    "adagrad": "the update: each gradient divided by the root of its running sum of squares, times the learning rate",
    "adadelta": "the update: the step, scaled by the learning rate",
    "adam": "the update: the learning rate times the first moment over the root of the second",
    "adamw": "the update: Adam's step, and the weights shrunk towards zero on their own (decoupled weight decay)",
    "amsgrad": "the update: the first moment over the root of the largest second moment so far",
    "adamax": "the update: the bias-corrected first moment over the decaying maximum of |g|",
    "nadam": "the update: Adam's step with the first moment looking one step ahead",
    "radam": "the update: Adam's step once the second moment can be trusted, momentum's step before",
    "lion": "the update: a step of the same size for every weight, in the direction of the sign",
    "rprop": "the update: each weight moves by its own step size against the sign of its gradient",
    "adafactor": "the update: the clipped, scaled gradient times a step relative to the parameter's own size",
}

FORMS = {
    "Ng": "as Andrew Ng's course writes it",
    "Ruder": "as Ruder's overview (and Sutskever et al.) write it: the learning rate inside the velocity",
    "PyTorch": "as PyTorch writes it",
    "Sutskever": "as Sutskever et al. write it: the velocity is the step itself, θ + v",
    "Ruder look-ahead": "in the look-ahead form Ruder writes: the gradient is taken at θ - γv, where momentum is "
    "about to carry the parameters",
    "Sutskever look-ahead": "in the look-ahead form of Sutskever et al.: the gradient is taken at θ + μv, where "
    "momentum is about to carry the parameters",
    "Kingma & Ba (the faster ordering)": "in the paper's faster ordering (Kingma & Ba, section 2)",
    "Kingma & Ba": "as the paper writes it (Kingma & Ba)",
    "Reddi et al.": "as the AMSGrad paper writes it (Reddi et al.)",
    "Hinton's lecture": "as Hinton's lecture writes it",
    "Duchi et al.": "as Duchi et al. write it",
    "Zeiler": "as Zeiler's paper writes it (no learning rate)",
    "Dozat": "as Dozat's paper writes it, with a constant momentum",
    "Chen et al.": "as Chen et al. write it",
    "plain": "",
}

# what an algorithm box's labels mean, as PyTorch's argument names
LABELS = {
    "lr": "lr", "learning rate": "lr", "weight decay": "weight_decay", "weightdecay": "weight_decay",
    "momentum": "momentum", "dampening": "dampening", "epsilon": "eps", "alpha": "alpha", "decay": "rho",
    "lr decay": "lr_decay", "initial accumulator value": "initial_accumulator_value",
    "momentum decay": "momentum_decay", "clipping threshold": "d", "beta2 decay": "beta2_decay",
}  # fmt: skip
PLURAL = {"betas": ("betas[0]", "betas[1]"), "epsilons": ("eps[0]", "eps[1]"),
          "etaplus, etaminus": ("etaplus", "etaminus"), "step sizes": ("step_min", "step_max")}

ROLE_WORDS = {
    "lr": "the learning rate", "momentum": "the momentum coefficient", "dampening": "the dampening",
    "betas[0]": "the decay of the first moment", "betas[1]": "the decay of the second moment",
    "eps": "a small number that keeps the division safe", "alpha": "the decay of the average of squares",
    "rho": "the decay of the averages", "weight_decay": "the weight decay",
    "lr_decay": "the decay of the learning rate",
    "initial_accumulator_value": "the starting value of the sum",
    "momentum_decay": "the decay of the momentum schedule",
    "etaplus": "the growth factor of the step sizes", "etaminus": "the shrink factor of the step sizes",
    "step_min": "the smallest step size", "step_max": "the largest step size",
}  # fmt: skip

__all__ = ["FORMS", "LABELS", "PLURAL", "ROLE_WORDS", "STEP"]
