"""``read_block(text)``: a block of update lines read as one algorithm.

>>> r = read_block(r"v = \\beta v + (1-\\beta) dW \\\\ W = W - \\alpha v")
>>> r.concept, r.match.form
('sgd_momentum', 'Ng')

The reading says what the whole is (named against the catalog, or not named), how it
differs from the canonical form, each line's role, the hyperparameters with the values the
block gives them, and the chain of agents it computes (plain data: ``thirdroad.agents``
builds the running optimizer from it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from thirdroad import concepts as catalog
from thirdroad.formula.ast import Block, Node, Relation, Symbol, Update
from thirdroad.formula.blocks.context import Ctx
from thirdroad.formula.blocks.derive import Config, Roles, Unreadable, find_roles, optional_hypers
from thirdroad.formula.blocks.flow import Assign, Branch, Program, Stmt, pretty, read_program
from thirdroad.formula.blocks.layers import LayerMatch, read_layer
from thirdroad.formula.blocks.optimizers import default_config, match_optimizer
from thirdroad.formula.blocks.patterns import Link, OptimizerMatch, Value
from thirdroad.formula.blocks.updates import ADDED, caller_step
from thirdroad.formula.blocks.words import FORMS, LABELS, PLURAL, ROLE_WORDS, STEP
from thirdroad.formula.reading import Formula
from thirdroad.formula.unicode import to_unicode


@dataclass(frozen=True)
class Hyper:
    """A hyperparameter of the block: its name as written, PyTorch's name for its role,
    the number the block gives it (if any) and the label an algorithm box gives it."""

    symbol: str
    shown: str
    role: str = ""
    value: float | None = None
    label: str = ""


@dataclass(frozen=True)
class LineRole:
    """One line of the block and its role in the whole."""

    line: int
    text: str
    target: str
    role: str
    kind: str = "assign"  # assign, condition, loop, input, init


@dataclass
class BlockReading:
    """A block read as one algorithm. ``concept`` is the catalog id of the whole (``None``
    when it is none that thirdroad knows); ``match`` the optimizer reading; ``lines`` each
    line's role; ``hypers`` the hyperparameters; ``notes`` what could not be read."""

    text: str
    program: Program
    roles: Roles | None
    config: Config
    match: OptimizerMatch | None = None
    lines: list[LineRole] = field(default_factory=list)
    hypers: dict[str, Hyper] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    kind: str = "block"
    layer: LayerMatch | None = None  # a GRU, an LSTM, Luong attention written as its lines
    variants: list[BlockReading] = field(default_factory=list)  # the box read with each option on

    @property
    def concept(self) -> str | None:
        if self.match is not None:
            return self.match.concept
        return self.layer.concept if self.layer is not None else None

    @property
    def name(self) -> str:
        return catalog.get(self.concept).name if self.concept else ""

    @property
    def chain(self) -> tuple[Link, ...]:
        return self.match.chain if self.match is not None else ()

    @property
    def runnable(self) -> bool:
        """Named, not a near miss, and with a chain to build."""
        return self.match is not None and not self.match.near_miss and bool(self.match.chain)

    def summary(self) -> str:
        """The opening sentence: the whole, named, and how it differs."""
        m = self.match
        if m is None and self.layer is not None:
            return _layer_summary(self.layer)
        if m is None:
            why = f" ({self.notes[0]})" if self.notes else ""
            return f"This block is not an optimizer thirdroad can name{why}."
        c = catalog.get(m.concept)
        form = FORMS.get(m.form, "")
        if m.near_miss:
            head = f"This looks like {c.name}, but it computes something else"
        else:
            head = f"This is {c.name}" + (f", {form}" if form else "")
        text = f"{head}. {c.summary}"
        for d in m.differences:
            text += f" Unlike PyTorch's {c.name}: {d.says}."
        return text

    def to_text(self) -> str:
        out = [self.summary()]
        for i, lr in enumerate(self.lines, start=1):
            out.append(f"  ({i}) {lr.text}" + (f" — {lr.role}" if lr.role else ""))
        shown = [h for h in self.hypers.values() if h.role or h.value is not None]
        if shown:
            parts = []
            for h in shown:
                words = ROLE_WORDS.get(h.role, h.role or "a hyperparameter")
                val = f" = {h.value:g}" if h.value is not None else ""
                parts.append(f"{h.shown}{val}: {words}")
            out.append("Hyperparameters: " + "; ".join(parts) + ".")
        if self.options:
            out.append("Options of the box: " + "; ".join(self.options) + ".")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        m = self.match
        if m is None and self.layer is not None:
            return {"kind": "layer", "concept": self.concept, "name": self.name, "form": self.layer.form,
                    "near_miss": self.layer.near_miss, "summary": self.summary(),
                    "differences": [{"key": d.key, "says": d.says, "source": d.source} for d in self.layer.differences],
                    "parts": dict(self.layer.parts),
                    "lines": [{"line": lr.line, "text": lr.text, "target": lr.target, "role": lr.role, "kind": lr.kind}
                              for lr in self.lines], "notes": []}
        return {
            "kind": self.kind,
            "concept": self.concept,
            "name": self.name,
            "form": m.form if m else None,
            "near_miss": m.near_miss if m else False,
            "summary": self.summary(),
            "differences": [{"key": d.key, "says": d.says, "source": d.source} for d in (m.differences if m else ())],
            "chain": [{"kind": link.kind, "params": {k: _plain(v) for k, v in link.params}} for link in self.chain],
            "lines": [{"line": lr.line, "text": lr.text, "target": lr.target, "role": lr.role, "kind": lr.kind}
                      for lr in self.lines],
            "hyperparameters": {h.shown: {"role": h.role, "value": h.value, "label": h.label}
                                for h in self.hypers.values()},
            "options": list(self.options),
            "notes": list(self.notes),
        }

    def walk(self) -> str:
        """The lines in order, each with its role: the reading order of a block."""
        steps = [f"({i}) {lr.text}" + (f": {lr.role}" if lr.role else "") for i, lr in enumerate(self.lines, 1)]
        return "; then ".join(steps) + "." if steps else ""

    def formula(self) -> Formula:
        """The block as one formula: its update lines, parsed, side by side (a ``Block``)."""
        nodes = [a.node for a in self.program.assignments() if a.node is not None]
        return Formula(Block(tuple(nodes)), self.text, "latex")

    def check_layer(self) -> str:
        """For a block read as a layer the engine has: the engine's layer run on random inputs
        beside the lines run as written, in a sentence ("" when there is none to run)."""
        if self.layer is None:
            return ""
        check = _CHECKER or _provided("layer_check")
        return str(check(self))

    def optimizer(self, label: str | None = None, **values: Any) -> Any:
        """The optimizer the block computes, built by ``thirdroad.agents`` as the engine's chain
        of agents (an ``nn.optim.Optimizer``); ``values`` set hyperparameters. ``None`` when the
        block is not a runnable optimizer."""
        if not self.runnable:
            return None
        build = _BUILDER or _provided("optimizer_from_block")
        return build(self, label, **values)

    def configured(self, **options: Any) -> BlockReading:
        """The same block read with options switched on: an algorithm box's flags
        (``nesterov=True``) or its optional hyperparameters (``momentum=0.9``)."""
        flags = dict(self.config.flags)
        on: set[str] = set()
        for key, value in options.items():
            sym = self.symbol_for(key)
            if isinstance(value, bool):
                flags[key] = value
            elif sym is not None and value:
                on.add(sym)
        return _read(self.text, self.program, default_config(self.program, flags, on))

    def with_lines(self, values: Mapping[int, Node]) -> BlockReading:
        """The block read again with the value of some lines replaced (by line number): how a
        near-miss check reads a block with one line repaired."""
        program = replace(self.program, body=_with_values(self.program.body, values))
        return _read(self.text, program, self.config)

    def symbol_for(self, key: str) -> str | None:
        """The block's name for a hyperparameter given by symbol or by PyTorch's name."""
        if key in self.hypers:
            return key
        for h in self.hypers.values():
            if h.role == key:
                return h.symbol
        return None


_LAYER_NAMES = {"gru": "a gated recurrent unit (GRU)", "lstm": "a long short-term memory cell (LSTM)"}


_LUONG = ("score each source state against the decoder state, turn the scores into weights with a softmax, "
          "average the source states with those weights (the context vector), then mix the context with the "
          "decoder state through a tanh layer (the attentional hidden state)")


def _layer_summary(layer: LayerMatch) -> str:
    c = catalog.get(layer.concept)
    if layer.concept.startswith("luong"):
        head = "This looks like Luong attention, but one step computes something else" if layer.near_miss else \
            "This is Luong attention, in its four steps"
        text = f"{head}: {_LUONG}. {layer.says[0].upper()}{layer.says[1:]}."
    else:
        text = f"This is {_LAYER_NAMES.get(layer.concept, c.name)}. {c.summary} Here {layer.says}."
    for d in layer.differences:
        text += f" Unlike {'Luong' if layer.concept.startswith('luong') else 'PyTorch'}'s: {d.says}."
    if layer.check:
        text += f" {layer.check}"
    return text


def _plain(v: object) -> object:
    if isinstance(v, Value):
        return {"role": v.role, "symbol": v.symbol or None, "number": v.number, "one_minus": v.one_minus}
    return v


# ---------------------------------------------------------------- reading

Builder = Callable[..., Any]
_BUILDER: Builder | None = None
_CHECKER: Callable[[BlockReading], str] | None = None


def _provided(what: str) -> Builder:
    """The function the root package names for ``what`` (``thirdroad.PROVIDERS``): formula does
    not import the agents that build optimizers and layers; the package, which may, names them."""
    import importlib

    import thirdroad

    module, _, name = thirdroad.PROVIDERS[what].partition(":")
    found: Builder = getattr(importlib.import_module(module), name)
    return found


def register_optimizer_builder(build: Builder) -> None:
    """``thirdroad.agents`` builds optimizers (formula may not import it): it registers here."""
    global _BUILDER
    _BUILDER = build


def register_layer_checker(check: Callable[[BlockReading], str]) -> None:
    """``thirdroad.agents`` builds the engine's layers and runs them beside a layer's lines."""
    global _CHECKER
    _CHECKER = check


def read_block(text: str) -> BlockReading:
    """Read ``text`` as a block; raises :class:`~thirdroad.formula.FormulaError` only when
    no line of it can be read."""
    program = read_program(text)
    return _read(text, program, default_config(program))


def _read(text: str, program: Program, config: Config) -> BlockReading:
    roles = find_roles(program)
    stepped = caller_step(program) if roles is None else None
    if stepped is not None and (stepped_roles := find_roles(stepped)) is not None:
        program, roles = stepped, stepped_roles  # optax's box writes the update u_t (.updates)
    reading = BlockReading(text, program, roles, config)
    for line, message in program.problems:
        reading.notes.append(f"line {line + 1} could not be read: {message}")
    reading.hypers = _hypers(program, roles)
    if roles is None:
        reading.layer = read_layer(program) if not program.problems else None
        if reading.layer is not None:
            reading.kind = "layer"
            reading.layer.check = reading.check_layer()
        else:
            reading.notes.append("it has no gradient and no parameter to update")
        reading.lines = _lines(reading, None)
        return reading
    ctx: Ctx | None = None
    if not program.problems:
        try:
            reading.match, ctx = _match(program, roles, config, reading.notes)
        except Unreadable as e:
            reading.notes.append(e.message)
    if reading.match is not None:
        reading.kind = "optimizer"
        reading.hypers = _hypers(program, roles, reading.match)
    reading.lines = _lines(reading, ctx)
    if program.box and reading.match is not None and config == default_config(program):
        reading.options = _options(reading)
    return reading


def _match(program: Program, roles: Roles, config: Config,
           notes: list[str]) -> tuple[OptimizerMatch | None, Ctx | None]:
    """The optimizer of the block; a block that updates several parameters (W and b) is read
    per parameter, and named only when every one follows the same rule."""
    if len(roles.params) == 1:
        return match_optimizer(program, roles, config)
    found: list[tuple[OptimizerMatch | None, Ctx | None]] = []
    for p in roles.params:
        others = set(roles.params) - {p}
        own = replace(roles, param=p, params=(p,))
        found.append(match_optimizer(program.sliced(p, others), own, config))
    first = found[0][0]
    rules = {(m.concept, m.form, len(m.chain)) if m else None for m, _ in found}
    if first is None or len(rules) != 1:
        notes.append("its parameters are not all updated by the same rule")
        return None, found[0][1]
    rest = ", ".join(program.shown.get(p, pretty(p)) for p in roles.params[1:])
    notes.append(f"{rest} follow{'s' if len(roles.params) == 2 else ''} the same rule as "
                 f"{program.shown.get(roles.param, pretty(roles.param))}")
    return first, found[0][1]


def _hypers(program: Program, roles: Roles | None, match: OptimizerMatch | None = None) -> dict[str, Hyper]:
    from thirdroad.formula.blocks.context import numeric_value

    if roles is None:
        return {}
    out: dict[str, Hyper] = {}
    labelled = _labels(program)
    from_chain = _chain_roles(match)
    for name in roles.hypers:
        node = program.given.get(name)
        value = numeric_value(node) if node is not None else None
        role = from_chain.get(name) or labelled.get(name, ("", ""))[0]
        out[name] = Hyper(name, program.shown.get(name, pretty(name)), role, value, labelled.get(name, ("", ""))[1])
    return out


def _labels(program: Program) -> dict[str, tuple[str, str]]:
    """An algorithm box's labels as roles: ``\\gamma \\text{ (lr)}`` makes γ the learning rate."""
    out: dict[str, tuple[str, str]] = {}
    groups: dict[str, list[str]] = {}
    for item in program.inputs:
        if item.flag:
            continue
        label = item.label.strip().lower()
        if label in LABELS:
            out[item.base] = (LABELS[label], item.label)
        elif label in PLURAL:
            groups.setdefault(label, []).append(item.base)
    for label, names in groups.items():
        for name, role in zip(names, PLURAL[label], strict=False):
            out[name] = (role, label)
    return out


def _chain_roles(match: OptimizerMatch | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if match is None:
        return out
    for link in match.chain:
        for _, v in link.params:
            if isinstance(v, Value) and v.symbol and v.symbol not in out and not v.one_minus:
                out[v.symbol] = v.role
    return out


def _lines(reading: BlockReading, ctx: Ctx | None) -> list[LineRole]:
    program = reading.program
    out: list[LineRole] = []
    done = ctx.cases.main if ctx is not None else None
    m = reading.match
    for a in _all_assignments(program.body):
        text = program.lines[a.line].math
        role = ""
        base = a.target.base
        if reading.layer is not None:
            role = reading.layer.roles.get(base, "")
        elif m is not None and base in m.roles:
            role = m.roles[base]
        elif reading.roles is not None and base == reading.roles.param:
            role = STEP.get(m.concept, "the update of the parameters") if m else "the update of the parameters"
            if _overwritten(program, a):
                role = (f"as written this line has no effect: the next update of {program.shown.get(base, base)} "
                        "starts again from its old value")
        elif m is not None and a.line in m.line_roles:
            role = m.line_roles[a.line]
        elif done is not None and a.line not in done.lines:
            role = "not used here: it belongs to an option that is off"
        elif done is not None and done.lines[a.line].is_scalar:
            role = "a number worked out from the hyperparameters and the step count t"
        if a.node is not None:
            text = to_unicode(a.node)
        if program.lines[a.line].note == ADDED:
            role = f"{role} ({ADDED})" if role else ADDED
        out.append(LineRole(a.line, text, program.shown.get(base, pretty(base)), role))
    return out


def _with_values(stmts: tuple[Stmt, ...], values: Mapping[int, Node]) -> tuple[Stmt, ...]:
    out: list[Stmt] = []
    for s in stmts:
        if isinstance(s, Assign) and s.line in values:
            node = s.node
            if isinstance(node, Update | Relation):
                node = replace(node, value=values[s.line]) if isinstance(node, Update) else \
                    replace(node, operands=(*node.operands[:-1], values[s.line]))
            out.append(replace(s, value=values[s.line], node=node))
        elif isinstance(s, Branch):
            out.append(replace(s, then=_with_values(s.then, values), orelse=_with_values(s.orelse, values)))
        else:
            out.append(s)
    return tuple(out)


def _overwritten(program: Program, line: Assign) -> bool:
    """A parameter update the next one ignores: it reads the old value again (PyTorch's Adafactor
    box subtracts γλθ_{t-1}, then sets θ_t from θ_{t-1} once more)."""
    top = [a for a in program.body if isinstance(a, Assign)]
    later = [a for a in top if a.target.base == line.target.base and a.line > line.line]
    if line not in top or not later or isinstance(line.value, Symbol):
        return False
    nxt = later[0]
    reads = [program.ref(n) for n in nxt.value.walk() if isinstance(n, Symbol)]
    own = [r for r in reads if r is not None and r.base == line.target.base]
    return bool(own) and line.target.offset is not None and all(r.offset == line.target.offset - 1 for r in own)


def _all_assignments(stmts: tuple[Stmt, ...]) -> list[Assign]:
    out: list[Assign] = []
    for s in stmts:
        if isinstance(s, Assign):
            out.append(s)
        elif isinstance(s, Branch):
            out.extend(_all_assignments(s.then))
            out.extend(_all_assignments(s.orelse))
    return out


def _options(reading: BlockReading) -> list[str]:
    """What each switch of an algorithm box turns the optimizer into."""
    program, base = reading.program, reading.match
    assert base is not None
    out: list[str] = []
    flags = sorted({i.base for i in program.inputs if i.flag} | _condition_flags(program.body))
    for name in sorted(optional_hypers(program)):
        shown = program.shown.get(name, pretty(name))
        other = _read(reading.text, program, default_config(program, None, {name}))
        reading.variants.append(other)
        out.append(f"with {shown} ≠ 0: {_what(other, base)}")
    for flag in flags:
        if flag == "maximize":
            out.append("maximize: the gradient's sign is flipped, so it climbs the objective")
            continue
        other = _read(reading.text, program, default_config(program, {flag: True}))
        if other.match is not None and other.match.chain == base.chain:  # the switch sits under an option
            on = set(optional_hypers(program))
            other = _read(reading.text, program, default_config(program, {flag: True}, on))
            base = _read(reading.text, program, default_config(program, None, on)).match or base
        reading.variants.append(other)
        if other.match is not None and other.match.chain != base.chain:
            out.append(f"{flag.replace('_', ' ')}: {_what(other, base)}")
    return out


def _condition_flags(stmts: tuple[Stmt, ...]) -> set[str]:
    out: set[str] = set()
    for s in stmts:
        if isinstance(s, Branch):
            if s.cond.flag:
                out.add(s.cond.flag)
            out |= _condition_flags(s.then) | _condition_flags(s.orelse)
    return out


def _what(other: BlockReading, base: OptimizerMatch) -> str:
    m = other.match
    if m is None:
        return "something thirdroad cannot name"
    decay = [link for link in m.chain if link.kind == "add_decayed_weights" and link not in base.chain]
    if m.concept != base.concept:
        return catalog.get(m.concept).name + (" with weight decay" if decay else "")
    if decay:
        decoupled = decay[0].get("decoupled")
        return "decoupled weight decay (the weights shrink on their own)" if decoupled else \
            "an L2 penalty: λθ is added to the gradient"
    said = []
    kinds = {link.kind for link in base.chain}
    for link in m.chain:
        if link.kind not in kinds:
            said.append(_ADDED.get(link.kind, link.kind))
        elif link not in base.chain:
            old = next(b for b in base.chain if b.kind == link.kind)
            said += [_SWITCHED.get(k, k) for k, v in link.params if v is True and old.get(k) is not True]
    return "; ".join(said) or "the same optimizer"


_ADDED = {"trace": "momentum on top: a velocity over the scaled steps"}
_SWITCHED = {"centered": "centred: the square of the gradients' own moving average is taken off first",
             "amsgrad": "AMSGrad: divide by the largest second moment so far", "nesterov": "Nesterov's look-ahead"}


__all__ = ["BlockReading", "Hyper", "LineRole", "read_block", "register_layer_checker",
           "register_optimizer_builder"]

