"""Optimizers that divide by a running size of the gradients: Adagrad (a sum of squares),
RMSProp (a moving average of squares, centred or not, with or without momentum), Adadelta
(a second average, of the steps, in place of the learning rate) and Rprop (signs only, a
step size per weight that grows while the sign holds).

Where ε sits is read from the block: outside the root (√s + ε, PyTorch), inside it
(√(s + ε), Keras and optax), or nowhere.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from thirdroad.formula.blocks.algebra import Atom, Coef, Poly, fn, same
from thirdroad.formula.blocks.context import Ctx
from thirdroad.formula.blocks.patterns import (
    Difference,
    Found,
    Link,
    Over,
    Param,
    Value,
    cur,
    grad,
    lr_link,
    over_root,
    positive,
    prev,
    scalar,
    steady,
    times_atom,
    value_of,
)


def eps_value(ctx: Ctx, over: Over) -> tuple[Value | None, list[Difference]]:
    """ε as the block writes it, and what to say about where it sits."""
    if over.kind == "none":
        return None, [Difference("no_eps", "there is no ε: implementations add a small ε to the root so that a "
                                 "weight whose gradients have been zero cannot divide by zero (PyTorch: 1e-8)")]
    eps = value_of(ctx.s, over.q, "eps") if steady(ctx.s, over.q) else None
    if eps is None:
        return None, []
    if over.kind == "inside":
        return eps, [Difference("eps_inside_root", "ε sits inside the root, √(s + ε), as Keras and optax write it; "
                                "PyTorch adds it outside, √s + ε. The two differ only where s is as small as ε",
                                "Keras, optax")]
    return eps, []


def adagrad(ctx: Ctx) -> Found | None:
    others = ctx.others()
    if len(others) != 1:
        return None
    (acc,) = others
    rec = ctx.rec(acc)
    s = ctx.s
    if rec.kind != "sum" or rec.input is None or rec.input != grad(s) * grad(s) or rec.weight is None:
        return None
    if not same(rec.weight, np.ones_like(rec.weight)):
        return None
    over = over_root(ctx.step, cur(s, acc))
    if over is None:
        return None
    k = times_atom(over.rest, Atom("grad"))
    if k is None or not positive(-k):
        return None
    eps, diffs = eps_value(ctx, over)
    if eps is None and over.kind != "none":
        return None
    lr, decay = _rate_with_decay(ctx, -k)
    if lr is None:
        return None
    init = ctx.program.init.get(acc)
    start: Value = Value("initial_accumulator_value", number=0.0)
    if init is not None:
        named = _init_value(ctx, acc)
        if named is None:
            return None
        start = Value("initial_accumulator_value", named.symbol, named.number)
    params: tuple[tuple[str, Param], ...] = (
        ("eps", eps if eps is not None else Value("eps", number=0.0)), ("initial_accumulator_value", start),
        ("eps_inside", over.kind == "inside"))
    lr_params: tuple[tuple[str, Param], ...] = (("lr", lr),) + ((("lr_decay", decay),) if decay is not None else ())
    chain = [Link("scale_by_rss", params), Link("scale_by_learning_rate", lr_params)]
    roles = {acc: "the sum of all squared gradients so far (it never forgets)"}
    return Found("adagrad", "PyTorch" if over.kind == "outside" else "Duchi et al.", chain, lr=-k,
                 differences=diffs, roles=roles, pieces=[(grad(s), "the gradient")])


def _init_value(ctx: Ctx, name: str) -> Value | None:
    """A state's starting value, named: Adagrad's τ, Rprop's lr."""
    from thirdroad.formula.blocks.context import numeric_value

    node = ctx.program.init[name]
    number = numeric_value(node)
    if number is not None:
        return Value("initial", number=number)
    ref = ctx.program.ref(node)
    if ref is None:
        return None
    return Value("initial", symbol=ref.base)


def _rate_with_decay(ctx: Ctx, k: Coef) -> tuple[Value | None, Value | None]:
    """The learning rate, and Adagrad's decay of it (γ / (1 + (t-1)η)) when the block has one."""
    s = ctx.s
    if steady(s, k):
        return value_of(s, k, "lr"), None
    for name in s.names:
        d = s.values[name]
        lr_c = k * (1 + (s.t - 1) * d)
        if steady(s, lr_c):
            lr = value_of(s, lr_c, "lr")
            if lr is not None:
                return lr, Value("lr_decay", symbol=name)
    return None, None


def rmsprop(ctx: Ctx) -> Found | None:
    s = ctx.s
    squares = [n for n in ctx.others() if ctx.rec(n).kind == "ema" and ctx.rec(n).input == grad(s) * grad(s)]
    if len(squares) != 1:
        return _rmsprop_missing_square(ctx)
    (v,) = squares
    rec = ctx.rec(v)
    assert rec.decay is not None
    alpha = value_of(s, rec.decay, "alpha")
    if alpha is None or not steady(s, rec.decay):
        return None
    rest = [n for n in ctx.others() if n != v]
    x = cur(s, v)
    centered = [n for n in rest if ctx.rec(n).kind == "ema" and ctx.rec(n).input == grad(s)
                and ctx.rec(n).decay is not None and same(ctx.rec(n).decay, rec.decay)]  # type: ignore[arg-type]
    roles = {v: "the moving average of the squared gradients: how big each weight's gradients have been lately"}
    if centered:
        x = x - cur(s, centered[0]) * cur(s, centered[0])
        roles[centered[0]] = "the moving average of the gradients themselves (to centre the variance)"
        rest = [n for n in rest if n != centered[0]]
    momentum: Value | None = None
    direction = ctx.step
    if rest:
        if len(rest) != 1:
            return None
        b = rest[0]
        brec = ctx.rec(b)
        if brec.kind != "trace" or brec.input is None or brec.decay is None:
            return None
        momentum = value_of(s, brec.decay, "momentum")
        kb = times_atom(ctx.step, Atom("cur", b))
        if momentum is None or kb is None:
            return None
        direction = brec.input.scale(kb)
        roles[b] = "a velocity over the scaled gradients (RMSProp with momentum)"
    over = over_root(direction, x)
    if over is None:
        return None
    k = times_atom(over.rest, Atom("grad"))
    if k is None or not positive(-k) or not steady(s, k):
        return None
    eps, diffs = eps_value(ctx, over)
    lr = value_of(s, -k, "lr")
    if lr is None or (eps is None and over.kind != "none"):
        return None
    rms = Link("scale_by_rms", (("alpha", alpha), ("eps", eps or Value("eps", number=0.0)),
                                ("centered", bool(centered)), ("eps_inside", over.kind == "inside")))
    chain = [rms] + ([Link("trace", (("momentum", momentum),))] if momentum is not None else []) + [lr_link(lr)]
    form = "PyTorch" if over.kind == "outside" else ("Hinton's lecture" if over.kind == "inside" else "Ng")
    return Found("rmsprop", form, chain, lr=-k, differences=diffs, roles=roles, pieces=[(grad(s), "the gradient")])


def _rmsprop_missing_square(ctx: Ctx) -> Found | None:
    """An RMSProp whose average is of the gradients, not their squares: a near miss."""
    s = ctx.s
    others = ctx.others()
    if len(others) != 1:
        return None
    (v,) = others
    rec = ctx.rec(v)
    if rec.kind != "ema" or rec.input != grad(s) or rec.decay is None:
        return None
    over = over_root(ctx.step, cur(s, v))
    if over is None or times_atom(over.rest, Atom("grad")) is None:
        return None
    alpha = value_of(s, rec.decay, "alpha")
    if alpha is None:
        return None
    diff = Difference("missing_square", "the moving average is of the gradients, not of their squares: its root "
                      "is not a size (it is undefined once the average turns negative). RMSProp averages g²")
    return Found("rmsprop", "", [], differences=[diff], near_miss=True,
                 roles={v: "meant as the moving average of the squared gradients, but the square is missing"})


def adadelta(ctx: Ctx) -> Found | None:
    s = ctx.s
    others = ctx.others()
    if len(others) != 2:
        return None
    squares = [n for n in others if ctx.rec(n).kind == "ema" and ctx.rec(n).input == grad(s) * grad(s)]
    if len(squares) != 1:
        return None
    (v,) = squares
    (u,) = [n for n in others if n != v]
    rho = ctx.rec(v).decay
    assert rho is not None
    rho_v = value_of(s, rho, "rho")
    over = over_root(ctx.step, cur(s, v))
    if rho_v is None or over is None or over.kind != "inside":
        return None
    eps_v = value_of(s, over.q, "eps")
    k_poly = over.rest
    unit = (prev(s, u) + scalar(s, over.q)).sqrt() * grad(s)
    ratio = k_poly / unit
    if not ratio.is_scalar or not positive(-ratio.coef) or eps_v is None:
        return None
    lr = value_of(s, -ratio.coef, "lr")
    delta = unit / (cur(s, v) + scalar(s, over.q)).sqrt()
    expected_u = prev(s, u).scale(rho) + (delta * delta).scale(1 - rho)
    if lr is None or ctx.states[u] != expected_u:
        return None
    chain = [Link("scale_by_adadelta", (("rho", rho_v), ("eps", eps_v))), lr_link(lr)]
    roles = {v: "the moving average of the squared gradients",
             u: "the moving average of the squared steps: the step's own size, in the weights' units"}
    form = "PyTorch" if lr.number != 1.0 else "Zeiler"
    return Found("adadelta", form, chain, lr=-ratio.coef, roles=roles,
                 pieces=[(grad(s), "the gradient"), (delta, "the step before the learning rate: the root of the "
                          "steps' average over the root of the gradients' average, times the gradient")])


def rprop(ctx: Ctx) -> Found | None:
    """Three cases by the sign of g_prev·g: grow the step size, shrink it (and skip the step),
    keep it."""
    runs = ctx.steps()
    s = ctx.s
    if len(runs) != 3:
        return None
    grow, shrink, keep = runs
    sizes = [n for n in grow.states if ctx.program.init.get(n) is not None and grow.states[n].mentions("min")]
    if len(sizes) != 1:
        return None
    (eta,) = sizes
    memory = [n for n in grow.states if n != eta]
    if len(memory) != 1:
        return None
    (gp,) = memory
    up = _scaled_bound(grow.states[eta], "min", eta)
    down = _scaled_bound(shrink.states[eta], "max", eta)
    if up is None or down is None or keep.states[eta] != prev(keep.samples, eta):
        return None
    sign_step = -(cur(s, eta) * Poly.atom(s, Atom("sign", args=(grad(s),))))
    if grow.step != sign_step or keep.step != sign_step or not shrink.step.is_zero_poly:
        return None
    if grow.states[gp] != grad(s) or not shrink.states[gp].is_zero_poly:
        return None
    lr = _init_value(ctx, eta)
    names = [value_of(s, c, r) for c, r in ((up[0], "etaplus"), (up[1], "step_max"), (down[0], "etaminus"),
                                             (down[1], "step_min"))]
    if lr is None or any(n is None for n in names):
        return None
    plus, top, minus, bottom = names
    chain = [Link("scale_by_rprop", (("lr", Value("lr", lr.symbol, lr.number)), ("etaplus", plus), ("etaminus", minus),
                                     ("step_min", bottom), ("step_max", top)))]  # type: ignore[arg-type]
    roles = {eta: "each weight's own step size: it grows while the gradient keeps its sign and shrinks when the "
             "sign flips", gp: "the previous gradient, to compare signs with"}
    return Found("rprop", "PyTorch", chain, roles=roles, pieces=[(grad(s), "the gradient")])


def _scaled_bound(poly: Poly, kind: str, eta: str) -> tuple[Coef, Coef] | None:
    """``(factor, bound)`` for ``min(factor·η_prev, bound)`` (or max)."""
    if len(poly.terms) != 1:
        return None
    ((mono, c),) = poly.terms.items()
    if len(mono) != 1 or mono[0][0].kind != kind or not np.allclose(c, 1.0):
        return None
    args = mono[0][0].args
    scaled = [a for a in args if not a.is_scalar]
    bound = [a for a in args if a.is_scalar]
    if len(scaled) != 1 or len(bound) != 1:
        return None
    f = times_atom(scaled[0], Atom("prev", eta))
    return None if f is None else (f, bound[0].coef)




def adafactor(ctx: Ctx) -> Found | None:
    """Adafactor (Shazeer & Stern 2018, as PyTorch writes it), read on a vector (the box's
    ``dim(G) ≤ 1`` branch; a matrix keeps the same average factored by rows and columns): an
    average of g² whose weight grows as t^τ, the gradient over its root (at least ε_1), clipped
    to a root mean square of d, times a step relative to the parameter's own size,
    max(ε_2, RMS(θ))·min(γ, 1/√t)."""
    s = ctx.s
    others = ctx.others()
    if len(others) != 1 or not _has_matrix_branch(ctx):
        return None
    (v,) = others
    rec = ctx.rec(v)
    if rec.kind != "ema" or rec.input != grad(s) * grad(s) or rec.decay is None:
        return None
    with np.errstate(all="ignore"):
        tau_c = np.log(1 - rec.decay) / np.log(s.t)
    tau = value_of(s, tau_c, "beta2_decay")
    if tau is None or len(ctx.step.terms) != 1:
        return None
    ((mono, c),) = ctx.step.terms.items()
    found: dict[str, Coef] = {}
    for atom, e in mono:
        if atom.kind == "max" and len(atom.args) == 2:
            _bound(atom.args, e, v, found, s)
    if set(found) != {"eps1", "eps2", "d"}:
        return None
    names = {k: value_of(s, x, k) for k, x in found.items()}
    lr_c = next((s.values[n] for n in s.names if same(-c, np.minimum(s.values[n], 1 / np.sqrt(s.t)))), None)
    lr = value_of(s, lr_c, "lr") if lr_c is not None else None
    if lr is None or any(x is None for x in names.values()):
        return None
    u = grad(s) * fn("max", cur(s, v).sqrt(), scalar(s, found["eps1"])).power(Fraction(-1))
    expected = -(u * fn("max", scalar(s, 1.0), fn("rms", u).scale(1 / found["d"])).power(Fraction(-1))
                 * fn("max", fn("rms", Poly.atom(s, Atom("param"))), scalar(s, found["eps2"]))).scale(-c)
    if expected != ctx.step:  # every part of the step accounted for
        return None
    link = Link("scale_by_adafactor", (("beta2_decay", tau), ("eps1", names["eps1"]), ("eps2", names["eps2"]),
                                       ("d", names["d"]), ("lr", lr)))  # type: ignore[arg-type]
    roles = {v: "the moving average of the squared gradients, with a weight that grows as t^τ (kept as row and "
             "column averages for a matrix)"}
    return Found("adafactor", "PyTorch", [link, Link("descend")], lr=lr_c, roles=roles,
                 pieces=[(grad(s), "the gradient")])


def _bound(args: tuple[Poly, ...], e: Fraction, v: str, found: dict[str, Coef], s: object) -> None:
    """Which of Adafactor's three maxima an atom is: max(√V, ε_1), max(RMS(θ), ε_2), max(1, RMS(U)/d)."""
    scalars = [a for a in args if a.is_scalar]
    rest = [a for a in args if not a.is_scalar]
    if len(scalars) != 1 or len(rest) != 1:
        return
    q, other = scalars[0].coef, rest[0]
    atoms = other.atoms()
    if e == -1 and Atom("cur", v) in atoms and not any(a.kind == "fn" for a in atoms):
        found["eps1"] = q
    elif e == 1 and any(a.kind == "fn" and a.name == "rms" for a in atoms) and Atom("param") in atoms:
        found["eps2"] = q
    elif e == -1 and np.allclose(q, 1.0) and len(other.terms) == 1:
        ((_, k),) = other.terms.items()
        found["d"] = 1.0 / k


def _has_matrix_branch(ctx: Ctx) -> bool:
    """The box keeps a matrix's average as row and column averages (its ``dim(G) > 1`` branch)."""
    from thirdroad.formula.blocks.derive import _about_shape
    from thirdroad.formula.blocks.flow import Branch

    return any(isinstance(st, Branch) and _about_shape(st.cond.node) and len(st.then) >= 3
               for st in ctx.program.body)


__all__ = ["adadelta", "adafactor", "adagrad", "eps_value", "rmsprop", "rprop"]
