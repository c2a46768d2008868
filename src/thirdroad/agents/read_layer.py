"""A layer read from its lines, built as the engine's layer and checked against the lines.

``thirdroad.formula.blocks`` names a GRU written as its gate lines, or Luong attention as its
four steps, and says which line is which part. Here the engine's layer (``nn.GRUCell``,
``nn.LuongAttention``) is built with random weights, the block's names are given the same
numbers (the update gate's matrices are the rows of ``weight_ih`` PyTorch keeps for z, and so
on), and the lines are run as written (``formula.blocks.tensors``): the two agree when the
block is the layer. A block whose convention the engine's layer cannot take (the reset gate
before the matrix, as Cho et al. write it) is said to be another layer, not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thirdroad import nn
from thirdroad.agents._errors import AgentInputError
from thirdroad.formula.ast import Apply, Concat, Node, Product, Sum, Symbol
from thirdroad.formula.blocks import BlockReading, Program, register_layer_checker
from thirdroad.formula.blocks.layers import LayerMatch
from thirdroad.formula.blocks.tensors import run_layer

Array = np.ndarray


@dataclass(frozen=True)
class LayerCheck:
    """The engine's layer built for a block, and the largest gap between the two on random
    inputs (``gap``); ``layer`` names the engine's class."""

    layer: str
    gap: float


def check_layer(reading: BlockReading, seed: int = 0, n_in: int = 3, n_hidden: int = 4, sources: int = 5) -> LayerCheck:
    """Run the block's lines and the engine's layer on the same random weights and inputs."""
    layer = reading.layer
    if layer is None:
        raise AgentInputError("this block is not a layer thirdroad can name")
    if layer.concept == "gru":
        return _check_gru(reading.program, layer, seed, n_in, n_hidden)
    if layer.concept.startswith("luong"):
        return _check_luong(reading.program, layer, seed, n_hidden, sources)
    raise AgentInputError(f"the engine has no {reading.name} layer to check this block against")


# ---------------------------------------------------------------- GRU


def _terms(program: Program, node: Node, x: str, h: str) -> dict[str, list[str]]:
    """The names in one gate line by what they multiply: ``w_in`` (the input), ``w_hid`` (the
    old state), ``bias`` (alone), and inside PyTorch's ``r ⊙ (U h + b)`` the ``inner`` bias."""
    out: dict[str, list[str]] = {"w_in": [], "w_hid": [], "bias": [], "inner": []}
    inner = node.args[0] if isinstance(node, Apply) else node
    terms = inner.terms if isinstance(inner, Sum) else (inner,)
    for term in terms:
        if isinstance(term, Symbol):
            out["bias"].append(_name(program, term))
        elif isinstance(term, Product):
            names = [_name(program, f) if isinstance(f, Symbol) else "" for f in term.factors]
            nested = [f for f in term.factors if isinstance(f, Sum | Product)]
            if nested:  # r ⊙ (U h + b) or r ⊙ (U h)
                found = _terms(program, nested[0], x, h)
                out["w_hid"] += found["w_hid"]
                out["inner"] += found["bias"]
            elif x in names:
                out["w_in"].append(names[0])
            elif h in names:
                out["w_hid"].append(names[0])
    return out


def _name(program: Program, node: Node) -> str:
    ref = program.ref(node)
    return ref.base if ref is not None else ""


def _check_gru(program: Program, layer: LayerMatch, seed: int, n_in: int, n_hid: int) -> LayerCheck:
    if not layer.pytorch and not _flipped_only(layer):
        raise AgentInputError("no engine layer computes this GRU: " + "; ".join(d.says for d in layer.differences))
    rng = np.random.default_rng(seed)
    cell = nn.GRUCell(n_in, n_hid, seed=seed, dtype=np.float64)
    h = layer.parts["state"]
    x = _input(program, h)
    values: dict[str, Array] = {"x": rng.normal(size=n_in), h: rng.normal(size=n_hid)}
    values[x] = values.pop("x")
    flip = -1.0 if not layer.pytorch else 1.0  # Chung et al.: z there is 1 - z here, σ(-a) = 1 - σ(a)
    blocks = {"reset": 0, "update": 1, "candidate": 2}
    lines = {a.target.base: a.value for a in program.assignments()}
    w_ih, w_hh = cell.weight_ih.data, cell.weight_hh.data
    b_ih, b_hh = cell.bias_ih.data, cell.bias_hh.data  # the cell's own arrays: biases the block lacks are zeroed
    for part, k in blocks.items():
        sign = flip if part == "update" else 1.0
        rows = slice(k * n_hid, (k + 1) * n_hid)
        t = _terms(program, lines[layer.parts[part]], x, h)
        if len(t["w_in"]) != 1 or len(t["w_hid"]) != 1 or len(t["bias"]) > 2 or len(t["inner"]) > 1:
            raise AgentInputError(f"the {part} line is not a gate of the input and the old state")
        values[t["w_in"][0]] = sign * w_ih[rows]
        values[t["w_hid"][0]] = sign * w_hh[rows]
        biases = t["bias"] if part != "candidate" else t["bias"][:1]
        for arr, name in zip((b_ih, b_hh), [*biases, None, None], strict=False):  # the biases the block lacks: 0
            if name is None:
                arr[rows] = 0.0
            else:
                values[name] = sign * arr[rows]
        if part == "candidate":
            if t["inner"]:
                values[t["inner"][0]] = b_hh[rows]
            else:
                b_hh[rows] = 0.0
            if len(t["bias"]) == 2:
                raise AgentInputError("the candidate has two biases outside the reset gate")
    got = run_layer(program, values)[h]
    want = cell(values[x][None, :], values[h][None, :]).numpy()[0]
    return LayerCheck("GRUCell", float(np.max(np.abs(got - want))))


def _flipped_only(layer: LayerMatch) -> bool:
    return [d.key for d in layer.differences] == ["update_gate_flipped"]


def _input(program: Program, state: str) -> str:
    """The input: read at time t, never assigned, not a weight or a bias."""
    assigned = program.assigned()
    for a in program.assignments():
        for n in a.value.walk():
            if isinstance(n, Symbol):
                ref = program.ref(n)
                if ref is not None and ref.offset == 0 and ref.base not in assigned and ref.base != state:
                    return ref.base
    raise AgentInputError("cannot tell which name is the input")


# ---------------------------------------------------------------- Luong attention


def _check_luong(program: Program, layer: LayerMatch, seed: int, n_hid: int, sources: int) -> LayerCheck:
    if layer.near_miss:
        raise AgentInputError("this block is a near miss of Luong attention; the engine's layer computes the real one")
    kind = layer.concept.removeprefix("luong_")
    rng = np.random.default_rng(seed)
    attn = nn.LuongAttention(n_hid, score=kind, seed=seed, dtype=np.float64)
    query, keys = rng.normal(size=n_hid), rng.normal(size=(sources, n_hid))
    lines = {a.target.base: a for a in program.assignments()}
    score, att = lines[layer.parts["score"]], lines[layer.parts["attentional"]]
    stacked = next(n for n in att.value.walk() if isinstance(n, Concat))
    decoder = next(_name(program, i) for i in stacked.items if _name(program, i) != layer.parts["context"])
    names = [n for n in score.value.walk() if isinstance(n, Symbol)]
    source = next(n for n in names if n.sub and n.accent)  # h̄_s
    values: dict[str, Array] = {decoder: query, _name(program, Symbol(source.name, source.font, source.accent)): keys}
    mats = [_name(program, n) for n in names if n.name[:1].isupper()]
    if kind == "general":
        values[mats[0]] = attn.W_a.numpy()
    elif kind == "concat":
        vec = [_name(program, n) for n in names if n.name[:1].islower() and n is not source
               and _name(program, n) != decoder]
        values[mats[0]] = attn.W_a.numpy().T  # the formula's W_a acts on the column [h_t; h̄_s]
        values[vec[0]] = attn.v_a.numpy()
    wc = [_name(program, n) for n in att.value.walk() if isinstance(n, Symbol) and n.name[:1].isupper()]
    values[wc[0]] = attn.W_c.numpy().T  # the engine multiplies row vectors: [c; h] @ W_c
    out = run_layer(program, values, {"s": sources})
    context, _ = attn(query[None, :], keys[None, :, :])
    h_tilde = attn.attentional(context, query[None, :]).numpy()[0]
    gap = max(float(np.max(np.abs(out[layer.parts["context"]] - context.numpy()[0]))),
              float(np.max(np.abs(out[layer.parts["attentional"]] - h_tilde))))
    return LayerCheck("LuongAttention", gap)


def layer_sentence(reading: BlockReading) -> str:
    """The check in a sentence, for the explanation."""
    try:
        done = check_layer(reading)
    except AgentInputError:
        return ""
    return (f"Checked: the engine's {done.layer}, given the same weights, computes what these lines compute on "
            f"random inputs (largest difference {done.gap:.1g}).")


register_layer_checker(layer_sentence)

__all__ = ["LayerCheck", "check_layer", "layer_sentence"]
