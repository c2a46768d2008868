"""AdaBelief: Adam whose second average is of how far the gradient strays from its first.

Zhuang et al. (2020) keep Adam's ``m`` and replace ``v``, the average of ``g²``, by ``s``, the
average of ``(g − m)²``: the step is large where the gradient agrees with its own average (the
"belief") and small where it does not. The step is read as Adam's is: a coefficient times ``m``
over a root of ``s``, with the bias corrections and the place of ε read from the coefficient.
thirdroad's engine has no AdaBelief, so the reading names the block and builds no chain.
"""

from __future__ import annotations

from thirdroad.formula.blocks.context import Ctx
from thirdroad.formula.blocks.moments import FIRST, adam_step
from thirdroad.formula.blocks.patterns import Difference, Found, cur, grad, value_of

BELIEF = "the belief: a moving average of the squared gap between the gradient and its average m"


def adabelief(ctx: Ctx) -> Found | None:
    s = ctx.s
    others = ctx.others()
    if len(others) != 2:
        return None
    firsts = [n for n in others if ctx.rec(n).kind == "ema" and ctx.rec(n).input == grad(s)]
    if len(firsts) != 1:
        return None
    (m,) = firsts
    (v,) = [n for n in others if n != m]
    gap = grad(s) - cur(s, m)
    rm, rv = ctx.rec(m), ctx.rec(v)
    if rv.kind != "ema" or rv.input != gap * gap or rm.decay is None or rv.decay is None:
        return None
    b1, b2 = rm.decay, rv.decay
    step = adam_step(ctx, m, cur(s, v), b1, b2)
    if step is None:
        return None
    _, _, lr_c, eps_c, where = step
    beta1, beta2 = value_of(s, b1, "betas[0]"), value_of(s, b2, "betas[1]")
    lr = value_of(s, lr_c, "lr")
    eps = value_of(s, eps_c, "eps") if where != "none" else None
    if beta1 is None or beta2 is None or lr is None or (eps is None and where != "none"):
        return None
    diffs = [] if where != "none" else [
        Difference("no_eps", "there is no ε: the belief s can be 0 (a gradient equal to its average), and the "
                   "step then divides by zero; AdaBelief adds ε to the root")]
    return Found("adabelief", "Zhuang et al.", [], lr=lr_c, differences=diffs, roles={m: FIRST, v: BELIEF},
                 pieces=[(grad(s), "the gradient")])


__all__ = ["adabelief"]
