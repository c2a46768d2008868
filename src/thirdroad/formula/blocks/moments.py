"""The optimizers built on two moving averages: Adam and its family.

Adam keeps ``m``, a moving average of the gradients (momentum's part), and ``v``, a moving
average of their squares (RMSProp's part), and steps by ``m̂ / (√v̂ + ε)``. Blocks write it
many ways; once the lines are put together the step is always a coefficient times ``m``
over a root of ``v``, and how that coefficient changes with the step count ``t`` tells
which bias corrections the block applies: ``√(1-β_2^t)/(1-β_1^t)`` for both (the paper,
PyTorch), 1 for none (Ng's three lines), one factor for one. Where ε sits is read the same
way (on the corrected root, as PyTorch does, or on the raw one, the paper's faster order).

AMSGrad divides by the largest v seen so far; AdaMax by a decaying maximum of |g|; NAdam
adds Nesterov's look-ahead to m; RAdam switches the division on once the variance of v̂ is
tractable; Lion keeps one average and steps by the sign of another.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from thirdroad.formula.blocks.algebra import Atom, Coef, Poly, Samples, same, unit
from thirdroad.formula.blocks.context import Ctx
from thirdroad.formula.blocks.patterns import (
    Difference,
    Found,
    Link,
    Over,
    Value,
    cur,
    grad,
    lr_link,
    over_root,
    positive,
    prev,
    steady,
    times_atom,
    value_of,
)

FIRST = "the first moment: a moving average of the gradients (momentum's part)"
SECOND = "the second moment: a moving average of the squared gradients (RMSProp's part)"


def _moments(ctx: Ctx) -> tuple[str, str, bool] | None:
    """The states m (an EMA of g) and v (an EMA of g², or of g when the square is missing)."""
    s = ctx.s
    g, g2 = grad(s), grad(s) * grad(s)
    firsts = [n for n in ctx.others() if ctx.rec(n).kind == "ema" and ctx.rec(n).input == g]
    seconds = [n for n in ctx.others() if ctx.rec(n).kind == "ema" and ctx.rec(n).input == g2]
    if len(firsts) == 1 and len(seconds) == 1:
        return firsts[0], seconds[0], False
    if len(firsts) == 2 and not seconds:  # Adam with the square missing
        return firsts[0], firsts[1], True
    return None


_CORRECTIONS: dict[str, Callable[[Coef, Coef, Coef], Coef]] = {
    "both": lambda b1, b2, t: np.sqrt(1 - b2**t) / (1 - b1**t),
    "none": lambda b1, b2, t: np.ones_like(t),
    "first": lambda b1, b2, t: 1 / (1 - b1**t),
    "second": lambda b1, b2, t: np.sqrt(1 - b2**t),
}


def _bias(s: Samples, k: Coef, b1: Coef, b2: Coef, options: tuple[str, ...] = tuple(_CORRECTIONS)
          ) -> tuple[str, Coef] | None:
    """Which bias corrections a step coefficient carries, and the learning rate left over."""
    for name in options:
        f = _CORRECTIONS[name]
        with np.errstate(all="ignore"):
            lr = k / f(b1, b2, s.t)
        if steady(s, lr) and positive(lr):
            return name, lr
    return None


def _eps_placement(s: Samples, over: Over, b2: Coef, corrected: bool) -> tuple[Coef, str] | None:
    """ε as the user would set it, and whether it sits on the corrected root or the raw one."""
    if over.kind == "none":
        return s.const(0.0), "none"
    scale = np.sqrt(1 - b2**s.t) if over.kind == "outside" else 1 - b2**s.t
    on_corrected = over.q / scale
    if corrected and steady(s, on_corrected):
        return on_corrected, "corrected"
    if steady(s, over.q):
        return over.q, "raw"
    return None


def adam_step(ctx: Ctx, m: str, x: Poly, b1: Coef, b2: Coef) -> tuple[Over, str, Coef, Coef, str] | None:
    """The step of Adam's family read from the parameter's update: a positive coefficient times
    ``m`` over a root of ``x``. Returns the root, which bias corrections the coefficient carries,
    the learning rate left over, ε and where it sits ("corrected", "raw" or "none")."""
    over = over_root(ctx.step, x)
    if over is None:
        return None
    k = times_atom(over.rest, Atom("cur", m))
    if k is None or not positive(-k):
        return None
    bias = _bias(ctx.s, -k, b1, b2)
    if bias is None:
        return None
    which, lr = bias
    placed = _eps_placement(ctx.s, over, b2, which in ("both", "second"))
    if placed is None:
        return None
    return over, which, lr, placed[0], placed[1]


def adam(ctx: Ctx) -> Found | None:
    s = ctx.s
    found = _moments(ctx)
    if found is None:
        return None
    m, v, missing_square = found
    extra = [n for n in ctx.others() if n not in (m, v)]
    x = cur(s, v)
    amsgrad = False
    if extra:
        if len(extra) != 1 or not _running_max(ctx, extra[0], v):
            return None
        x, amsgrad = cur(s, extra[0]), True
    rm, rv = ctx.rec(m), ctx.rec(v)
    assert rm.decay is not None and rv.decay is not None
    b1, b2 = rm.decay, rv.decay
    step = adam_step(ctx, m, x, b1, b2)
    if step is None:
        return None
    over, which, lr_c, eps_c, where = step
    beta1, beta2 = value_of(s, b1, "betas[0]"), value_of(s, b2, "betas[1]")
    lr = value_of(s, lr_c, "lr") or Value("lr")  # unnamed: only a shared schedule (AdamW's paper) names it
    eps = value_of(s, eps_c, "eps") if where != "none" else Value("eps", number=0.0)
    if beta1 is None or beta2 is None or eps is None:
        return None
    diffs = _bias_words(which, ctx, beta1, beta2) + _eps_words(over, where, which)
    concept = "amsgrad" if amsgrad else "adam"
    roles = {m: FIRST, v: SECOND}
    if amsgrad:
        roles[extra[0]] = "the largest second moment so far: the step never grows because v shrank"
    if missing_square:
        diffs.insert(0, Difference("missing_square", "the second moving average is of the gradients, not of their "
                                   "squares: its root is not a size, and it is undefined once that average turns "
                                   "negative. Adam averages g²"))
        roles[v] = "meant as the second moment, but it averages g, not g²: the square is missing"
    link = Link("scale_by_adam", (("b1", beta1), ("b2", beta2), ("eps", eps), ("amsgrad", amsgrad),
                                  ("bias_correction", which), ("eps_root", where),
                                  ("eps_inside", over.kind == "inside")))
    form = _form(which, where, amsgrad)
    pieces = [(grad(s), "the gradient"), (cur(s, m).scale(1 / (1 - b1**s.t)), "m with its bias corrected: "
               "divided by 1-β_1^t to undo its start at zero"), (x.scale(1 / (1 - b2**s.t)), "v with its bias "
               "corrected: divided by 1-β_2^t")]
    return Found(concept, form, [link, lr_link(lr)], lr=lr_c, differences=diffs, roles=roles, pieces=pieces,
                 near_miss=missing_square)


def _running_max(ctx: Ctx, name: str, v: str) -> bool:
    rec = ctx.rec(name)
    s = ctx.s
    return rec.kind == "max" and set(map(repr, rec.args)) == {repr(prev(s, name)), repr(cur(s, v))}


def _form(which: str, where: str, amsgrad: bool) -> str:
    if which == "none":
        return "Ng" if not amsgrad else "Reddi et al."
    if which == "both" and where == "raw":
        return "Kingma & Ba (the faster ordering)"
    return "PyTorch"


def _bias_words(which: str, ctx: Ctx, b1: Value, b2: Value) -> list[Difference]:
    if which == "both":
        return []
    f1 = _number(ctx, b1, 0.9)
    f2 = _number(ctx, b2, 0.999)
    if which == "none":
        first = (1 - f1) / np.sqrt(1 - f2)
        size = "larger" if first > 1 else "smaller"
        return [Difference("no_bias_correction",
                           "this is Adam without the bias correction: m and v start at zero, so the early steps are "
                           f"off by a factor (1-β_1^t)/√(1-β_2^t), which fades to 1 as t grows; with β_1 = {f1:g} "
                           f"and β_2 = {f2:g} the first step is {first:.2g} times {size} than Adam's", "Ng")]
    if which == "first":
        first = 1 / np.sqrt(1 - f2)
        return [Difference("no_second_bias_correction",
                           "only m is bias-corrected: v is not divided by 1-β_2^t, so the early steps are "
                           f"√(1-β_2^t) times Adam's (at t = 1 with β_2 = {f2:g}: {1 / first:.2g})")]
    return [Difference("no_first_bias_correction",
                       "only v is bias-corrected: m is not divided by 1-β_1^t, so the early steps are too small by a "
                       f"factor 1-β_1^t (at t = 1 with β_1 = {f1:g}: {1 - f1:.2g})")]


def _eps_words(over: Over, where: str, which: str) -> list[Difference]:
    if over.kind == "none":
        return [Difference("no_eps", "there is no ε: implementations add a small ε (PyTorch: 1e-8) so that a "
                           "weight whose gradients have been zero cannot divide by zero")]
    out = []
    if over.kind == "inside":
        out.append(Difference("eps_inside_root", "ε sits inside the root, √(v̂ + ε); PyTorch adds it outside, "
                              "√v̂ + ε. The two differ only where v̂ is as small as ε", "optax (eps_root)"))
    if where == "raw" and which in ("both", "second"):
        out.append(Difference("eps_on_raw_root", "ε is added to the root of the uncorrected v (the paper's faster "
                              "ordering); PyTorch adds it to the corrected root. The effective ε is larger by "
                              "1/√(1-β_2^t) early on, the same later", "Kingma & Ba, section 2"))
    return out


def _number(ctx: Ctx, value: Value, default: float) -> float:
    if value.number is not None:
        return value.number
    got = ctx.given.get(value.symbol)
    if got is None:
        return default
    return 1 - got if value.one_minus else got


def adamax(ctx: Ctx) -> Found | None:
    s = ctx.s
    firsts = [n for n in ctx.others() if ctx.rec(n).kind == "ema" and ctx.rec(n).input == grad(s)]
    maxes = [n for n in ctx.others() if ctx.rec(n).kind == "max"]
    if len(firsts) != 1 or len(maxes) != 1 or len(ctx.others()) != 2:
        return None
    m, u = firsts[0], maxes[0]
    args = ctx.rec(u).args
    decayed = [a for a in args if times_atom(a, Atom("prev", u)) is not None]
    fresh = [a for a in args if a not in decayed]
    if len(decayed) != 1 or len(fresh) != 1:
        return None
    b2 = times_atom(decayed[0], Atom("prev", u))
    size = Poly.atom(s, Atom("abs", args=(grad(s),)))
    inside = fresh[0] - size
    if b2 is None or not inside.is_scalar:
        return None
    b1 = ctx.rec(m).decay
    assert b1 is not None
    kind = "max"
    k = times_atom(ctx.step * cur(s, u), Atom("cur", m))
    eps_c = inside.coef
    if k is None:
        plus = _over_sum(ctx.step, cur(s, u))
        if plus is None or np.any(inside.coef):
            return None
        k, eps_c, kind = times_atom(plus[1], Atom("cur", m)), plus[0], "denominator"
        if k is None:
            return None
    if not positive(-k):
        return None
    bias = _bias(s, -k, b1, s.const(0.0), ("first", "none"))
    if bias is None:
        return None
    which, lr_c = bias
    beta1, beta2 = value_of(s, b1, "betas[0]"), value_of(s, b2, "betas[1]")
    lr = value_of(s, lr_c, "lr")
    eps = value_of(s, eps_c, "eps")
    if beta1 is None or beta2 is None or lr is None or eps is None:
        return None
    diffs: list[Difference] = []
    if which == "none":
        diffs.append(Difference("no_bias_correction", "m is not bias-corrected (AdaMax divides the step by 1-β_1^t): "
                                "the early steps are too small by that factor"))
    if kind == "max" and eps.number == 0.0:
        diffs.append(Difference("no_eps", "there is no ε: this is the paper's form; PyTorch takes "
                                "max(β_2 u, |g| + ε) so that u is never 0", "Kingma & Ba, section 7.1"))
    if kind == "denominator":
        diffs.append(Difference("eps_in_denominator", "ε is added to u in the denominator, u + ε; PyTorch puts it "
                                "inside the maximum, max(β_2 u, |g| + ε)", "Keras"))
    link = Link("scale_by_adamax", (("b1", beta1), ("b2", beta2), ("eps", eps), ("bias_correction", which),
                                    ("eps_where", kind)))
    roles = {m: FIRST, u: "a decaying maximum of |g|: the infinity norm in place of Adam's root mean square"}
    return Found("adamax", "PyTorch" if not diffs else "Kingma & Ba", [link, lr_link(lr)], lr=lr_c,
                 differences=diffs, roles=roles, pieces=[(grad(s), "the gradient")])


def _over_sum(step: Poly, x: Poly) -> tuple[Coef, Poly] | None:
    """``(q, rest)`` for a step written ``rest / (x + q)``."""
    if len(step.terms) != 1:
        return None
    ((mono, c),) = step.terms.items()
    for i, (atom, e) in enumerate(mono):
        if atom.kind == "paren" and e == -1:
            diff = atom.args[0] - x
            if diff.is_scalar:
                return diff.coef, Poly(step.s, {mono[:i] + mono[i + 1 :]: c})
    return None


def nadam(ctx: Ctx) -> Found | None:
    s = ctx.s
    found = _moments(ctx)
    if found is None or found[2] or len(ctx.others()) != 2:
        return None
    m, v, _ = found
    on_m = ctx.step - _terms(ctx.step, "grad")
    on_g = _terms(ctx.step, "grad")
    if on_m.is_zero_poly or on_g.is_zero_poly:
        return None
    om, og = over_root(on_m, cur(s, v)), over_root(on_g, cur(s, v))
    if om is None or og is None or om.kind != "outside" or og.kind != "outside" or not same(om.q, og.q):
        return None
    k1, k2 = times_atom(om.rest, Atom("cur", m)), times_atom(og.rest, Atom("grad"))
    rm, rv = ctx.rec(m), ctx.rec(v)
    assert rm.decay is not None and rv.decay is not None
    b1, b2 = rm.decay, rv.decay
    if k1 is None or k2 is None:
        return None
    corr = np.sqrt(1 - b2**s.t)
    placed = _eps_placement(s, om, b2, True)
    if placed is None:
        return None
    for form, schedule in _nadam_forms(ctx, b1):
        f1, f2, psi = schedule
        lr_c = -k2 / (f2 * corr)
        if steady(s, lr_c) and positive(lr_c) and same(-k1, lr_c * f1 * corr):
            beta1, beta2 = value_of(s, b1, "betas[0]"), value_of(s, b2, "betas[1]")
            lr, eps = value_of(s, lr_c, "lr"), value_of(s, placed[0], "eps")
            if beta1 is None or beta2 is None or lr is None or eps is None:
                return None
            params: list[tuple[str, object]] = [("b1", beta1), ("b2", beta2), ("eps", eps), ("form", form)]
            if psi is not None:
                params.append(("momentum_decay", psi))
            diffs = [] if form == "PyTorch" else [Difference(
                "constant_momentum", "the momentum coefficient stays β_1 at every step; PyTorch's NAdam warms it "
                "up with a schedule μ_t = β_1(1 - ½·0.96^{tψ}) (Dozat's momentum schedule)", form)]
            link = Link("scale_by_nadam", tuple(params))  # type: ignore[arg-type]
            roles = {m: FIRST, v: SECOND}
            return Found("nadam", form, [link, lr_link(lr)], lr=lr_c, differences=diffs, roles=roles,
                         pieces=[(grad(s), "the gradient")])
    return None


def _terms(poly: Poly, kind: str) -> Poly:
    return Poly(poly.s, {mono: c for mono, c in poly.terms.items() if any(a.kind == kind for a, _ in mono)})


def _nadam_forms(ctx: Ctx, b1: Coef) -> list[tuple[str, tuple[Coef, Coef, Value | None]]]:
    """NAdam's coefficients on m and on g for each way it is written (without the v part)."""
    s = ctx.s
    t = s.t
    out: list[tuple[str, tuple[Coef, Coef, Value | None]]] = [
        ("Ruder", (b1 / (1 - b1**t), (1 - b1) / (1 - b1**t), None)),
        ("Dozat", (b1 / (1 - b1 ** (t + 1)), (1 - b1) / (1 - b1**t), None)),
    ]
    for name in s.names:
        psi = s.values[name]
        mu = [b1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in range(1, 12)]
        prod_t = np.ones_like(t)
        prod_t1 = np.ones_like(t)
        for i, mu_i in enumerate(mu, start=1):
            prod_t = np.where(i <= t, prod_t * mu_i, prod_t)
            prod_t1 = np.where(i <= t + 1, prod_t1 * mu_i, prod_t1)
        mu_t = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_t1 = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        out.append(("PyTorch", (mu_t1 / (1 - prod_t1), (1 - mu_t) / (1 - prod_t), Value("momentum_decay", name))))
    return out


def radam(ctx: Ctx) -> Found | None:
    runs = ctx.steps()
    if len(runs) != 2 or len(ctx.cases.keys) != 1:
        return None
    s = ctx.s
    found = _moments(ctx)
    if found is None or found[2] or len(ctx.others()) != 2:
        return None
    m, v, _ = found
    rm, rv = ctx.rec(m), ctx.rec(v)
    assert rm.decay is not None and rv.decay is not None
    b1, b2 = rm.decay, rv.decay
    on, off = runs
    plain = times_atom(off.step - _decoupled(ctx, off), Atom("cur", m))
    if plain is None:
        return None
    lr_c = -plain * (1 - b1**s.t)
    over = over_root(on.step - _decoupled(ctx, on), cur(s, v))
    if over is None or over.kind != "outside" or not steady(s, lr_c) or not steady(s, over.q):
        return None
    k = times_atom(over.rest, Atom("cur", m))
    t = s.t
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
    with np.errstate(all="ignore"):
        r_t = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    expected = -lr_c * r_t * np.sqrt(1 - b2**t) / (1 - b1**t)
    ok = np.isfinite(expected)
    if k is None or not np.allclose(k[ok], expected[ok], rtol=1e-8):
        return None
    beta1, beta2 = value_of(s, b1, "betas[0]"), value_of(s, b2, "betas[1]")
    lr, eps = value_of(s, lr_c, "lr"), value_of(s, over.q, "eps")
    if beta1 is None or beta2 is None or lr is None or eps is None:
        return None
    threshold = _threshold(ctx.cases.keys[0])
    diffs = [] if threshold == 5.0 else [Difference(
        "rectification_threshold", f"the adaptive step switches on once ρ_t > {threshold:g}; PyTorch waits for "
        "ρ_t > 5 (the paper writes 4)", "Liu et al.")]
    link = Link("scale_by_radam", (("b1", beta1), ("b2", beta2), ("eps", eps), ("threshold", threshold)))
    roles = {m: FIRST, v: SECOND}
    return Found("radam", "PyTorch", [link, lr_link(lr)], lr=lr_c, differences=diffs, roles=roles,
                 pieces=[(grad(s), "the gradient")])


def _decoupled(ctx: Ctx, run: object) -> Poly:
    from thirdroad.formula.blocks.patterns import terms_with

    step: Poly = run.step  # type: ignore[attr-defined]
    p = terms_with(step, Atom("param"))
    return p if len(p.terms) == 1 and next(iter(p.terms)) == unit(Atom("param")) else Poly(step.s)


def _threshold(key: str) -> float:
    import re

    m = re.search(r">\s*([0-9.]+)", key)
    return float(m.group(1)) if m else 5.0


def lion(ctx: Ctx) -> Found | None:
    s = ctx.s
    others = ctx.others()
    if len(others) != 1:
        return None
    (m,) = others
    rec = ctx.rec(m)
    if rec.kind != "ema" or rec.input != grad(s) or rec.decay is None:
        return None
    if len(ctx.step.terms) != 1:
        return None
    ((mono, c),) = ctx.step.terms.items()
    if len(mono) != 1 or mono[0][0].kind != "sign" or mono[0][1] != 1:
        return None
    inner: Poly = mono[0][0].args[0]
    cm = inner.terms.get(unit(Atom("prev", m)))
    cg = inner.terms.get(unit(Atom("grad")))
    if cm is None or cg is None or len(inner.terms) != 2:
        return None
    b1 = cm / (cm + cg)
    beta1, beta2 = value_of(s, b1, "betas[0]"), value_of(s, rec.decay, "betas[1]")
    lr = value_of(s, -c, "lr")
    if beta1 is None or beta2 is None or lr is None or not positive(-c):
        return None
    link = Link("scale_by_lion", (("b1", beta1), ("b2", beta2)))
    roles = {m: "the moving average of the gradients (momentum), updated after the step with β_2"}
    interp = prev(s, m).scale(b1) + grad(s).scale(1 - b1)
    return Found("lion", "Chen et al.", [link, lr_link(lr)], lr=-c, roles=roles,
                 pieces=[(grad(s), "the gradient"), (interp, "a blend of the old average and the new gradient "
                          "(with β_1): only its sign is used")])


__all__ = ["adam", "adamax", "lion", "nadam", "radam"]
