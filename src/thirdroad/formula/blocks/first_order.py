"""Gradient descent, momentum in its three dresses, and Nesterov's look-ahead.

Momentum keeps one state ``v`` and steps along it. Read as ``v ← a·v + w·g`` and
``θ ← θ - k·v``, every way of writing it is the same optimizer with PyTorch's momentum
``a`` and learning rate ``k·w`` (its buffer is ``v / w``); what differs is where the
learning rate sits, and that is the *form*:

- Ng: ``v = βv + (1-β)dW``, ``W = W - αv`` (w = 1 - a: a true average);
- Ruder / Sutskever: ``v = γv + η∇J``, ``θ = θ - v`` (k = 1: the rate inside the velocity);
- PyTorch: ``b = μb + (1-τ)g``, ``θ = θ - γb`` (w = 1 - τ, the dampening).

Nesterov adds the look-ahead: PyTorch steps by ``g + μb``; Sutskever and Ruder take the
gradient at ``θ - γv``. The two trace the same points (PyTorch's parameter *is* the
look-ahead point), so the second runs as the first.
"""

from __future__ import annotations

import numpy as np

from thirdroad.formula.blocks.algebra import Atom, Poly, same
from thirdroad.formula.blocks.context import Ctx
from thirdroad.formula.blocks.patterns import (
    Difference,
    Found,
    Link,
    Value,
    grad,
    lr_link,
    param,
    positive,
    prev,
    recurrence,
    steady,
    terms_with,
    times_atom,
    value_of,
)


def gradient_descent(ctx: Ctx) -> Found | None:
    if ctx.states:
        return None
    s = ctx.s
    k = times_atom(ctx.step, Atom("grad"))
    if k is None or not steady(s, k):
        return None
    lr = value_of(s, -k, "lr")
    if lr is not None and positive(-k):
        return Found("gradient_descent", "plain", [lr_link(lr)], lr=-k, pieces=[(grad(s), "the gradient")])
    up = value_of(s, k, "lr")
    if up is not None and positive(k):
        diff = Difference("climbs", "the step adds the gradient instead of subtracting it: this climbs the loss "
                          "(gradient ascent); gradient descent has a minus sign here")
        return Found("gradient_descent", "plain", [lr_link(up)], lr=k, differences=[diff], near_miss=True)
    return None


def momentum(ctx: Ctx) -> Found | None:
    others = ctx.others()
    if len(others) != 1:
        return None
    (v,) = others
    s = ctx.s
    rec, step = ctx.rec(v), ctx.step
    flipped = rec.weight is not None and bool(np.all(rec.weight < 0))
    if flipped:  # Sutskever: v = μv - εg, θ = θ + v; read -v as the velocity
        back = {Atom("prev", v): -prev(s, v)}
        rec = recurrence(s, v, -ctx.states[v].subst(back))
        step = step.subst({Atom("cur", v): -Poly.atom(s, Atom("cur", v))})
    if rec.kind not in ("ema", "trace", "scaled") or rec.input is None or rec.decay is None or rec.weight is None:
        return None
    a, w = rec.decay, rec.weight
    if not (steady(s, a) and steady(s, w) and positive(a) and positive(w) and np.all(a < 1)):
        return None
    ahead = _look_ahead(ctx, v, rec.input, a)
    if rec.input != grad(s) and not ahead:
        return None
    step_v = terms_with(step, Atom("cur", v))
    step_g = step - step_v
    kv = times_atom(step_v, Atom("cur", v))
    kg = times_atom(step_g, Atom("grad")) if not step_g.is_zero_poly else s.const(0.0)
    if kv is None or kg is None or not positive(-kv) or not steady(s, kv):
        return None
    kv, kg = -kv, -kg
    mu = value_of(s, a, "momentum")
    if mu is None:
        return None
    # θ - lr·(g + μ·b): the look-ahead, with b the buffer as kept (PyTorch, dampened) or
    # rescaled to weigh each gradient 1 (Keras: v = μv - lr·g, θ + μv - lr·g)
    damped = bool(np.any(kg)) and same(kg * a, kv)
    rescaled = bool(np.any(kg)) and same(kg * a, kv * w)
    nesterov = ahead or damped or rescaled
    if np.any(kg) and not nesterov:
        return None
    if rescaled and not damped:
        w = np.ones_like(w)  # the rate sits in front of the gradient: PyTorch's form with lr = kg
    lr_eff = kg if (nesterov and not ahead) else kv * w
    found = _form(ctx, v, mu, a, w, kv, lr_eff, bool(nesterov), ahead)
    if found is None:
        return None
    if flipped:
        found.form = {"Ruder": "Sutskever", "Ruder look-ahead": "Sutskever look-ahead"}.get(found.form, found.form)
    words = "the velocity: a running sum of the gradients, each step keeping a share of the old one"
    if found.form == "Ng":
        words = "the velocity: an exponential moving average of the gradients"
    found.roles = {v: words}
    found.pieces = [(grad(s), "the gradient")]
    return found


def _look_ahead(ctx: Ctx, v: str, inp: Poly, a: np.ndarray) -> bool:
    """The gradient taken at the point momentum is about to reach: θ - a·v."""
    if len(inp.terms) != 1:
        return False
    ((mono, _),) = inp.terms.items()
    if len(mono) != 1 or mono[0][0].kind != "grad" or mono[0][0].name != "ahead":
        return False
    at: Poly = mono[0][0].args[0]
    s = ctx.s
    return at == param(s) - prev(s, v).scale(a)


def _form(ctx: Ctx, v: str, mu: Value, a: np.ndarray, w: np.ndarray, kv: np.ndarray, lr_eff: np.ndarray,
          nesterov: bool, ahead: bool) -> Found | None:
    """Where the learning rate sits decides the form; the chain is PyTorch's momentum with
    its buffer scaled to match."""
    s = ctx.s
    concept = "nesterov" if nesterov else "sgd_momentum"
    start = "gradient" if _starts_at_gradient(ctx, v) else "zero"
    one = np.ones_like(kv)
    ema = same(w, 1 - a)
    if ahead:
        lr = value_of(s, lr_eff, "lr")
        if lr is None or lr.one_minus:
            return None
        chain = [Link("trace", (("momentum", mu), ("nesterov", True))), lr_link(lr)]
        return Found(concept, "Ruder look-ahead", chain, lr=lr_eff)
    if same(kv, one) and not ema and not same(w, one):
        lr = value_of(s, w, "lr")
        if lr is not None and not lr.one_minus:  # the rate inside the velocity: Ruder, Sutskever
            average = Link("moving_average", (("decay", mu), ("weight", lr), ("start", start)))
            return Found(concept, "Ruder", [average, Link("descend")], lr=w)
        inside = value_of(s, w / (1 - a), "lr")
        if inside is None or inside.one_minus or nesterov:
            return None
        average = Link("moving_average", (("decay", mu), ("start", start)))
        return Found(concept, "Ng", [lr_link(inside), average], lr=w / (1 - a), differences=[_LR_INSIDE])
    lr = value_of(s, lr_eff if nesterov else kv, "lr")
    if lr is None or lr.one_minus:
        return None
    if nesterov and not ema:  # PyTorch: b = μb + (1-τ)g, then θ - lr·(g + μb)
        dampening = value_of(s, 1 - w, "dampening") if not same(w, one) else Value("dampening", number=0.0)
        if dampening is None:
            return None
        trace = Link("trace", (("momentum", mu), ("dampening", dampening), ("nesterov", True), ("start", start)))
        return Found(concept, "PyTorch", [trace, lr_link(lr)], lr=lr_eff)
    if ema:
        average = Link("moving_average", (("decay", mu), ("start", start), ("nesterov", nesterov)))
        return Found(concept, "Ng", [average, lr_link(lr)], lr=kv)
    if same(w, one):
        trace = Link("trace", (("momentum", mu), ("nesterov", nesterov), ("start", start)))
        return Found(concept, "PyTorch", [trace, lr_link(lr)], lr=kv)
    dampening = value_of(s, 1 - w, "dampening")
    if dampening is None or nesterov:
        return None
    trace = Link("trace", (("momentum", mu), ("dampening", dampening), ("nesterov", False), ("start", start)))
    return Found(concept, "PyTorch", [trace, lr_link(lr)], lr=kv)


_LR_INSIDE = Difference(
    "lr_inside_average",
    "this is momentum with the learning rate inside the average: v = βv + (1-β)·α·g, then θ - v. With a constant "
    "α it takes exactly the steps of Ng's form (v = βv + (1-β)g, then θ - αv); under a schedule a new α reaches "
    "only the gradients that come after it",
)


def _starts_at_gradient(ctx: Ctx, v: str) -> bool:
    """Whether the block sets the velocity to the first gradient itself (PyTorch's
    ``\\textbf{if} t > 1 ... \\textbf{else} b_t ← g_t``)."""
    if ctx.first is None or v not in ctx.first.states:
        return False
    return bool(ctx.first.states[v] == grad(ctx.first.samples))


__all__ = ["gradient_descent", "momentum"]

