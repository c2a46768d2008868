"""A box that writes the update, not the new parameters: optax's ``u_t``, Zeiler's ``Δx_t``.

optax documents each optimizer by the update ``u_t`` it returns and the state ``S_t`` it keeps;
the caller adds the update to the parameters (``optax.apply_updates``: θ_t = θ_{t-1} + u_t).
Zeiler writes Adadelta's step as ``Δx_t`` and then ``x_{t+1} = x_t + Δx_t``, a line that copies
of it often leave out. Such a box updates no parameter of its own, so the block reader would
call it no optimizer. Here the line the caller runs is added after the box's last update line,
said as added, and the box is read with it. The line listing the state (``S_t ← (m_t, v_t)``)
computes nothing and is left out of the run.

Only a box that updates no parameter, writes an update name (``u``, ``update``, ``Δθ``, ``Δw``,
``Δx``) and reads a gradient is read so; whether it is an optimizer is still decided by the
rules, on the whole box.
"""

from __future__ import annotations

from dataclasses import replace

from thirdroad.formula.ast import Node, Relation, Symbol, Tuple, Update
from thirdroad.formula.blocks.flow import Assign, Program, Stmt
from thirdroad.formula.blocks.segment import Line
from thirdroad.formula.errors import FormulaError
from thirdroad.formula.latex import to_latex
from thirdroad.formula.reading import parse

_UPDATE_NAMES = ("u", "update", "updates")
_PARAMS = {"theta": r"\theta", "w": "w", "W": "W", "x": "x", "p": "p", "params": r"\mathrm{params}"}
ADDED = "not written in the box: the caller adds the update to the parameters"


def caller_step(program: Program) -> Program | None:
    """``program`` with the caller's line ``θ_t ← θ_{t-1} + u_t`` added after its last update
    line (and its state list left out), or None when it is no such box (see the module)."""
    top = [s for s in program.body if isinstance(s, Assign)]
    updates = [a for a in top if _param_for(a.target.base, program) is not None]
    if not updates:
        return None
    last = updates[-1]
    param = _param_for(last.target.base, program)
    target = _target_node(last)
    if param is None or target is None:
        return None
    t = program.loop_var
    offset = last.target.offset
    if offset not in (None, 0, 1):
        return None
    shown = _PARAMS.get(param, param)
    now = f"{shown}_{{{t}}}" if offset == 0 else f"{shown}_{{{t}+1}}" if offset == 1 else shown
    before = f"{shown}_{{{t}-1}}" if offset == 0 else f"{shown}_{{{t}}}" if offset == 1 else shown
    math = rf"{now} \leftarrow {before} + {to_latex(target)}"
    try:
        node = parse(math).root
    except FormulaError:
        return None
    ref = program.ref(node.target) if isinstance(node, Update) else None
    if not isinstance(node, Update) or ref is None:
        return None
    end = program.lines[last.line].span[1]
    lines = (*program.lines, Line("assign", math, (end, end), note=ADDED))
    step = Assign(ref, node.value, len(program.lines), ref.base, node)
    body: list[Stmt] = []
    for s in program.body:
        if isinstance(s, Assign) and _state_list(s, program):
            continue
        body.append(s)
        if s is last:
            body.append(step)
    shown_names = {**program.shown, ref.base: program.shown.get(ref.base, to_latex(node.target))}
    return replace(program, lines=lines, body=tuple(body), shown=shown_names)


def _param_for(base: str, program: Program) -> str | None:
    """The parameter an update name updates: θ for optax's u (or the parameter the box reads,
    as AdamW's λθ_t), w for Δw."""
    if base in _UPDATE_NAMES:
        read = {n.name for a in program.assignments() for n in a.value.walk() if isinstance(n, Symbol)}
        own = [p for p in _PARAMS if p in read and p not in program.assigned()]
        return own[0] if own else "theta"
    if base.startswith("Δ") and base[1:] in _PARAMS:
        return base[1:]
    return None


def _target_node(a: Assign) -> Node | None:
    if isinstance(a.node, Update):
        return a.node.target
    if isinstance(a.node, Relation):
        return a.node.operands[0]
    return None


def _state_list(a: Assign, program: Program) -> bool:
    """``S_t ← (m_t, v_t)``: a tuple of the box's own names, read by no line."""
    if not isinstance(a.value, Tuple):
        return False
    read = {n.name for s in program.assignments() for n in s.value.walk() if isinstance(n, Symbol)}
    return a.target.base not in read


__all__ = ["ADDED", "caller_step"]
