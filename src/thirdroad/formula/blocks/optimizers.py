"""Name a block as an optimizer: run it, try each family's rule, put weight decay back.

The rules are tried from the simplest family up; each checks the whole block (every
state, the whole step), so a block that is none of them is named none of them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from thirdroad.formula.ast import Relation, Symbol
from thirdroad.formula.blocks.adaptive import adadelta, adafactor, adagrad, rmsprop, rprop
from thirdroad.formula.blocks.algebra import Coef
from thirdroad.formula.blocks.belief import adabelief
from thirdroad.formula.blocks.context import Ctx
from thirdroad.formula.blocks.derive import (
    Config,
    Derived,
    Roles,
    Unreadable,
    find_states,
    optional_hypers,
    run,
    run_cases,
)
from thirdroad.formula.blocks.first_order import gradient_descent, momentum
from thirdroad.formula.blocks.flow import Branch, Program, Stmt
from thirdroad.formula.blocks.moments import adam, adamax, lion, nadam, radam
from thirdroad.formula.blocks.patterns import Found, Link, OptimizerMatch, Value, steady, value_of

Rule = Callable[[Ctx], Found | None]
RULES: tuple[Rule, ...] = (gradient_descent, momentum, adagrad, rmsprop, adadelta, adam, adabelief, adamax, nadam,
                          lion, adafactor)
CASE_RULES: tuple[Rule, ...] = (radam, rprop)


def default_config(program: Program, flags: dict[str, bool] | None = None, on: set[str] | None = None) -> Config:
    """Switches off and optional hyperparameters at 0 (PyTorch's defaults), unless turned on."""
    zero = frozenset(optional_hypers(program) - (on or set()))
    return Config(tuple(sorted((flags or {}).items())), zero)


def match_optimizer(program: Program, roles: Roles, config: Config) -> tuple[OptimizerMatch | None, Ctx | None]:
    """The optimizer the block computes in this configuration, or ``(None, ctx)``."""
    states = find_states(program, roles)
    cases = run_cases(program, roles, states, config)
    first = _first_step(program, roles, states, config)
    ctx = Ctx(program, roles, cases, first)
    rules = RULES if len(cases.runs) == 1 else CASE_RULES
    for rule in rules:
        found = rule(ctx)
        if found is not None:
            done = _with_decay(ctx, found)
            return done, ctx
    return None, ctx


def _first_step(program: Program, roles: Roles, states: set[str], config: Config) -> Derived | None:
    """The block at t = 1, when one of its conditions is about t alone (PyTorch's
    ``\\textbf{if} t > 1``)."""
    if not _has_step_condition(program.body, program.loop_var):
        return None
    try:
        return run(program, roles, states, Config(config.flags, config.zero, True, config.forced))
    except Unreadable:
        return None


def _has_step_condition(stmts: tuple[Stmt, ...], loop: str) -> bool:
    for s in stmts:
        if isinstance(s, Branch):
            node = s.cond.node
            if isinstance(node, Relation) and any(isinstance(o, Symbol) and o.name == loop and not o.sub
                                                  for o in node.operands):
                return True
            if _has_step_condition(s.then, loop) or _has_step_condition(s.orelse, loop):
                return True
    return False


def _with_decay(ctx: Ctx, found: Found) -> OptimizerMatch | None:
    chain = list(found.chain)
    concept = found.concept
    diffs = list(found.differences)
    s = ctx.s
    if ctx.decoupled is not None:
        decay = _decoupled_link(ctx, found, ctx.decoupled)
        shared = _shared_schedule(ctx, found, ctx.decoupled) if decay is None else None
        if decay is None and shared is None:
            return None
        if shared is not None:
            chain = shared
            concept = "adamw" if concept in ("adam", "amsgrad") else concept
        elif decay is None:
            return None
        elif concept == "gradient_descent":  # for plain descent the two kinds of decay are one
            chain.insert(0, Link("add_decayed_weights", (("weight_decay", decay.get("weight_decay")),
                                                         ("decoupled", False))))  # type: ignore[arg-type]
        else:
            last = len(chain) - 1 if chain and chain[-1].kind == "scale_by_learning_rate" else len(chain)
            chain.insert(last, decay)
            if concept in ("adam", "amsgrad"):
                concept = "adamw"
    if any(_unnamed(v) for link in chain for _, v in link.params):
        return None
    if ctx.coupled is not None:
        wd = value_of(s, ctx.coupled, "weight_decay") if steady(s, ctx.coupled) else None
        if wd is None:
            return None
        chain.insert(0, Link("add_decayed_weights", (("weight_decay", wd), ("decoupled", False))))
    if ctx.maximize:
        chain.insert(0, Link("maximize"))
    lines: dict[int, str] = {}
    for line, value in ctx.cases.main.lines.items():
        words = next((w for poly, w in found.pieces if poly == value), "")
        if words:
            lines[line] = words
    return OptimizerMatch(concept, found.form, tuple(chain), tuple(diffs), dict(found.roles), found.near_miss, lines)


def _unnamed(v: object) -> bool:
    return isinstance(v, Value) and not v.symbol and v.number is None


def _decoupled_link(ctx: Ctx, found: Found, c: Coef) -> Link | None:
    s = ctx.s
    if found.lr is None or not steady(s, c):
        return None
    with_lr = value_of(s, c / found.lr, "weight_decay")
    if with_lr is not None:
        return Link("add_decayed_weights", (("weight_decay", with_lr), ("decoupled", True)))
    alone = value_of(s, c, "weight_decay")
    if alone is not None:
        return Link("add_decayed_weights", (("weight_decay", alone), ("decoupled", True), ("times_lr", False)))
    return None


def _shared_schedule(ctx: Ctx, found: Found, c: Coef) -> list[Link] | None:
    """Loshchilov & Hutter's AdamW: θ - η(α·step + λθ). The rate is η·α and the decay η·λ:
    η, the schedule multiplier, is shared; the chain scales by α, adds λθ, then scales by η."""
    s = ctx.s
    if found.lr is None or not found.chain or found.chain[-1].kind != "scale_by_learning_rate":
        return None
    for name in s.names:
        eta = s.values[name]
        if not np.all(eta):
            continue  # a setting read at 0 (optax's ε̄) is no shared schedule
        alpha, lam, shared = value_of(s, found.lr / eta, "lr"), value_of(s, c / eta, "weight_decay"), \
            Value("schedule", symbol=name)
        if alpha is not None and lam is not None and not alpha.number and not lam.number:
            return [*found.chain[:-1], Link("scale", (("factor", alpha),)),
                    Link("add_decayed_weights", (("weight_decay", lam), ("decoupled", True))),
                    Link("scale_by_learning_rate", (("lr", shared),))]
    return None


__all__ = ["CASE_RULES", "RULES", "default_config", "match_optimizer"]

