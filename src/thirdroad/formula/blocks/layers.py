"""Layers written as blocks: a GRU's gate lines, an LSTM's six lines, Luong attention's four
steps, each named as one whole with each line's role.

Roles come from what the lines do to each other, not from their letters: in a GRU the gate
that multiplies the old state inside the candidate is the reset gate, the one that mixes the
candidate with the old state is the update gate; and *which* of z and 1 - z keeps the old state
is read from the last line as written (PyTorch and Cho et al. keep it with z, Chung et al. with
1 - z), so the explanation says what this block's z does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from thirdroad.formula.ast import Apply, BigOp, Concat, Fraction, Node, Product, Sum, Symbol, Transpose
from thirdroad.formula.blocks.algebra import Atom, Poly, Samples, fn
from thirdroad.formula.blocks.flow import INIT, Assign, Program
from thirdroad.formula.blocks.patterns import Difference

SIGMOID = ("sigma", "sigmoid")


@dataclass
class LayerMatch:
    """A block named as a layer: ``parts`` maps each role (``update``, ``reset``,
    ``candidate``, ``state``; ``input``, ``forget``, ``output``, ``cell``; ``score``,
    ``weights``, ``context``, ``attentional``) to the block's name for it."""

    concept: str
    form: str
    parts: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)  # name -> its role in words
    says: str = ""  # the convention, in words
    differences: tuple[Difference, ...] = ()
    near_miss: bool = False
    pytorch: bool = False  # computes exactly what the engine's layer computes
    check: str = ""  # the engine's layer run beside the lines, in a sentence


def read_layer(program: Program) -> LayerMatch | None:
    for rule in (_gru, _lstm, _luong):
        found = rule(program)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- recurrent cells


def _func(node: Node) -> str:
    if isinstance(node, Apply) and isinstance(node.func, Symbol):
        return node.func.name
    return ""


def _reads(node: Node, program: Program) -> set[tuple[str, int | None]]:
    out = set()
    for n in node.walk():
        if isinstance(n, Symbol):
            r = program.ref(n)
            if r is not None:
                out.add((r.base, r.offset))
    return out


def _state(program: Program) -> tuple[str, list[Assign]] | None:
    """The recurrent state: assigned at t and read at t-1 (or read bare before its line)."""
    assigns = program.assignments()
    read_before = {b for a in assigns for b, o in _reads(a.value, program) if o == -1}
    seen: set[str] = set()
    for a in assigns:
        read_before |= {b for b, o in _reads(a.value, program) if o is None and b not in seen}
        seen.add(a.target.base)
    states = [a for a in assigns if a.target.base in read_before and a.target.offset in (0, None)]
    if not states:
        return None
    return states[-1].target.base, assigns


def _elementwise(node: Node, program: Program, s: Samples, own: str = "") -> Poly | None:
    """A line of elementwise arithmetic (a gate mix) as a poly: each name an atom; the line's
    own name on its right (``h = (1-z) h + z h̃``) or at t-1 is the old value."""
    if isinstance(node, Symbol):
        r = program.ref(node)
        if r is None:
            return None
        old = r.offset in (-1, INIT) or (r.base == own and r.offset is None)
        return Poly.atom(s, Atom("prev" if old else "cur", r.base))
    if isinstance(node, Sum):
        out = Poly(s)
        for t in node.terms:
            p = _elementwise(t, program, s, own)
            if p is None:
                return None
            out = out + p
        return out
    if isinstance(node, Product):
        out = Poly.scalar(s, 1.0)
        for f in node.factors:
            p = _elementwise(f, program, s, own)
            if p is None:
                return None
            out = out * p
        return out
    if node.kind == "neg":
        inner = _elementwise(node.arg, program, s, own)  # type: ignore[attr-defined]
        return None if inner is None else -inner
    if node.kind == "number":
        return Poly.scalar(s, float(node.value))  # type: ignore[attr-defined]
    if _func(node) == "tanh" and isinstance(node, Apply):
        inner = _elementwise(node.args[0], program, s, own)
        return None if inner is None else fn("tanh", inner)
    return None


def _gru(program: Program) -> LayerMatch | None:
    found = _state(program)
    if found is None:
        return None
    h, assigns = found
    gates = [a for a in assigns if _func(a.value) in SIGMOID]
    cands = [a for a in assigns if _func(a.value) == "tanh" and a.target.base != h]
    last = [a for a in assigns if a.target.base == h]
    if len(gates) != 2 or len(cands) != 1 or len(last) != 1 or len(assigns) != 4:
        return None
    cand, final = cands[0], last[0]
    in_final = [g for g in gates if (g.target.base, g.target.offset) in _reads(final.value, program)
                or any(b == g.target.base for b, _ in _reads(final.value, program))]
    if len(in_final) != 1:
        return None
    z = in_final[0].target.base
    r = next(g.target.base for g in gates if g.target.base != z)
    if r not in {b for b, _ in _reads(cand.value, program)}:
        return None
    s = Samples(())
    mix = _elementwise(final.value, program, s, h)
    zz, hh = Poly.atom(s, Atom("cur", z)), Poly.atom(s, Atom("prev", h))
    nn = Poly.atom(s, Atom("cur", cand.target.base))
    one = Poly.scalar(s, 1.0)
    if mix is None:
        return None
    if mix == (one - zz) * nn + zz * hh:
        keeps, form = "z", "PyTorch"
    elif mix == zz * nn + (one - zz) * hh:
        keeps, form = "1 - z", "Chung et al."
    else:
        return None
    after = _reset_after(cand.value, r, program)
    names = {z: program.shown.get(z, z), r: program.shown.get(r, r)}
    zs = names[z]
    if keeps == "z":
        says = (f"where the update gate {zs} is near 1 the old state is kept, where it is near 0 the candidate "
                "takes its place (the convention of Cho et al. and PyTorch)")
    else:
        says = (f"where the update gate {zs} is near 1 the candidate takes the old state's place, where it is near 0 "
                "the old state is kept (the convention of Chung et al., 2014; PyTorch keeps the old state with z)")
    diffs: list[Difference] = []
    if keeps != "z":
        diffs.append(Difference("update_gate_flipped", f"z and 1 - z swap places: here {zs} lets the candidate in, "
                                "where PyTorch's z keeps the old state; the same layer with the update gate's "
                                "weights and biases negated", "Chung et al. 2014"))
    if not after:
        diffs.append(Difference("reset_before_matrix", f"the reset gate {names[r]} multiplies the old state before "
                                "its matrix, U(r ⊙ h); PyTorch multiplies after it, r ⊙ (U h + b), so the two are "
                                "different layers", "Cho et al. 2014"))
        form = "Cho et al." if keeps == "z" else form
    roles = {
        z: f"the update gate: how much of the old state to keep or replace ({says.split(' (')[0]})",
        r: "the reset gate: how much of the old state the candidate may look at",
        cand.target.base: "the candidate state: what the new state would be, from the input and the (reset) old state",
        h: "the new state: the old state and the candidate mixed, unit by unit, by the update gate",
    }
    return LayerMatch("gru", form, {"update": z, "reset": r, "candidate": cand.target.base, "state": h}, roles,
                      says, tuple(diffs), pytorch=not diffs)


def _reset_after(node: Node, r: str, program: Program) -> bool:
    """Whether the reset gate multiplies ``U h + b`` or ``(U h)`` (PyTorch) rather than the old
    state itself inside ``U(r ⊙ h)`` (Cho et al.)."""
    for n in node.walk():
        if isinstance(n, Product) and any(_is(program, f, r) for f in n.factors):
            others = [f for f in n.factors if not _is(program, f, r)]
            return any(isinstance(o, Sum | Product) for o in others)
    return False


def _is(program: Program, node: Node, name: str) -> bool:
    if not isinstance(node, Symbol):
        return False
    ref = program.ref(node)
    return ref is not None and ref.base == name


def _lstm(program: Program) -> LayerMatch | None:
    found = _state(program)
    if found is None:
        return None
    _, assigns = found
    gates = [a for a in assigns if _func(a.value) in SIGMOID]
    if len(gates) != 3 or len(assigns) != 6:
        return None
    gate_names = {g.target.base for g in gates}
    others = [a for a in assigns if a.target.base not in gate_names]
    s = Samples(())
    cell = out = cand = None
    for a in others:
        reads = {b for b, _ in _reads(a.value, program)}
        if _func(a.value) == "tanh" and not (reads & gate_names):
            cand = a
        elif a.target.base in {b for b, o in _reads(a.value, program) if o == -1}:
            cell = a
        else:
            out = a
    if cell is None or out is None or cand is None:
        return None
    c, h, g = cell.target.base, out.target.base, cand.target.base
    mix = _elementwise(cell.value, program, s, cell.target.base)
    last = _elementwise(out.value, program, s)
    if mix is None or last is None:
        return None
    parts: dict[str, str] = {}
    for gate in gate_names:
        gp = Poly.atom(s, Atom("cur", gate))
        if last == gp * fn("tanh", Poly.atom(s, Atom("cur", c))):
            parts["output"] = gate
    rest = gate_names - {parts.get("output", "")}
    for f in rest:
        (i,) = rest - {f}
        fp, ip = Poly.atom(s, Atom("cur", f)), Poly.atom(s, Atom("cur", i))
        if mix == fp * Poly.atom(s, Atom("prev", c)) + ip * Poly.atom(s, Atom("cur", g)):
            parts["forget"], parts["input"] = f, i
    if set(parts) != {"output", "forget", "input"}:
        return None
    parts.update({"candidate": g, "cell": c, "state": h})
    roles = {
        parts["input"]: "the input gate: how much of the candidate to write into the cell",
        parts["forget"]: "the forget gate: how much of the old cell to keep",
        parts["output"]: "the output gate: how much of the cell to show as the new state",
        g: "the candidate: new content for the cell, from the input and the old state",
        c: "the cell: the old cell, partly forgotten, plus the new content, partly written",
        h: "the new state: the output gate times the squashed cell",
    }
    return LayerMatch("lstm", "Hochreiter & Schmidhuber / PyTorch", parts, roles,
                      "the forget gate keeps the old cell, the input gate writes the candidate, the output gate shows "
                      "the squashed cell", pytorch=True)


# ---------------------------------------------------------------- Luong attention


def _luong(program: Program) -> LayerMatch | None:
    assigns = program.assignments()
    if len(assigns) != 4:
        return None
    score_a, weights_a, context_a, att_a = assigns
    kind = _score_kind(score_a.value)
    if kind is None or not _is_context(context_a.value) or not _is_attentional(att_a.value):
        return None
    softmax, near = _is_softmax(weights_a.value)
    if not softmax:
        return None
    concept = f"luong_{kind}"
    words = {"dot": "the dot score h_tᵀ h̄_s", "general": "the general score h_tᵀ W_a h̄_s",
             "concat": "the concat score v_aᵀ tanh(W_a [h_t; h̄_s])"}[kind]
    names = [a.target.base for a in assigns]
    roles = {
        names[0]: f"the score of each source position against the decoder state: {words}",
        names[1]: "the attention weights: a softmax of the scores over the source positions",
        names[2]: "the context vector: the average of the source states, weighted by the attention weights",
        names[3]: "the attentional hidden state: a dense layer with tanh on the context and the decoder state, stacked",
    }
    diffs: tuple[Difference, ...] = ()
    if near:
        diffs = (Difference("missing_exp", "the denominator sums the scores, not their exponentials: the weights do "
                            "not add up to 1 (a softmax has exp in both places)"),)
        roles[names[1]] = "meant as the attention weights, but the denominator lacks exp: they do not sum to 1"
    parts = {"score": names[0], "weights": names[1], "context": names[2], "attentional": names[3]}
    return LayerMatch(concept, "Luong et al.", parts, roles, f"Luong attention with {words}", diffs, near_miss=near,
                      pytorch=not near)


def _score_kind(node: Node) -> str | None:
    if not isinstance(node, Product):
        return None
    f = node.factors
    if len(f) == 2 and isinstance(f[0], Transpose) and isinstance(f[1], Symbol):
        return "dot"
    if len(f) == 3 and isinstance(f[0], Transpose) and all(isinstance(x, Symbol) for x in f[1:]):
        return "general"
    if len(f) == 2 and isinstance(f[0], Transpose) and _func(f[1]) == "tanh":
        inner = f[1].args[0]  # type: ignore[attr-defined]
        if isinstance(inner, Product) and any(isinstance(x, Concat) for x in inner.factors):
            return "concat"
    return None


def _is_softmax(node: Node) -> tuple[bool, bool]:
    """(a softmax over an index, the denominator lacks exp): exp(a)/Σ exp(a), or exp(a)/Σ a."""
    if not isinstance(node, Fraction) or _func(node.num) != "exp" or not isinstance(node.den, BigOp):
        return False, False
    if node.den.op != "sum":
        return False, False
    return True, _func(node.den.body) != "exp"


def _is_context(node: Node) -> bool:
    return isinstance(node, BigOp) and node.op == "sum" and isinstance(node.body, Product)


def _is_attentional(node: Node) -> bool:
    if _func(node) != "tanh":
        return False
    inner = node.args[0]  # type: ignore[attr-defined]
    return isinstance(inner, Product) and any(isinstance(x, Concat) for x in inner.factors)


__all__ = ["LayerMatch", "read_layer"]
