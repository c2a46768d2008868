"""Layers written as blocks: a GRU in PyTorch's and the original papers' conventions, an LSTM in
its six lines, Luong attention in its four steps. Each is named as a whole with each line's
role, and where the engine has the layer, the layer is run beside the lines (and torch is the
oracle for both)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import thirdroad as tr
from thirdroad.agents import AgentInputError, check_layer
from thirdroad.formula.blocks import read_block
from thirdroad.formula.blocks.tensors import run_layer

GRU_PYTORCH = r"""r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})) \\
h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"""
GRU_CHUNG = r"""z_t = \sigma(W_z x_t + U_z h_{t-1} + b_z) \\
r_t = \sigma(W_r x_t + U_r h_{t-1} + b_r) \\
\tilde{h}_t = \tanh(W_h x_t + r_t \odot (U_h h_{t-1}) + b_h) \\
h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde{h}_t"""
GRU_CHO = r"""z = \sigma(W_z x + U_z h_{t-1}) \\
r = \sigma(W_r x + U_r h_{t-1}) \\
\tilde{h} = \tanh(W x + U (r \odot h_{t-1})) \\
h = z \odot h_{t-1} + (1 - z) \odot \tilde{h}"""
LSTM = r"""i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
c_t = f_t \odot c_{t-1} + i_t \odot g_t \\
h_t = o_t \odot \tanh(c_t)"""
SOFTMAX = r"\frac{\exp(\mathrm{score}(h_t, \bar{h}_s))}{\sum_{s'} \exp(\mathrm{score}(h_t, \bar{h}_{s'}))}"
STEPS = r" \\ c_t = \sum_s \alpha_{ts} \bar{h}_s \\ \tilde{h}_t = \tanh(W_c [c_t; h_t])"
LUONG = {
    "luong_general": r"\mathrm{score}(h_t, \bar{h}_s) = h_t^\top W_a \bar{h}_s \\ \alpha_{ts} = " + SOFTMAX + STEPS,
    "luong_dot": r"e_{ts} = h_t^\top \bar{h}_s \\ \alpha_{ts} = \frac{\exp(e_{ts})}{\sum_{s'} \exp(e_{ts'})}" + STEPS,
    "luong_concat": r"\mathrm{score}(h_t, \bar{h}_s) = v_a^\top \tanh(W_a [h_t; \bar{h}_s]) \\ \alpha_{ts} = "
    + SOFTMAX + STEPS,
}


def _roles(text: str) -> list[str]:
    return [line.role.split(":")[0] for line in read_block(text).lines]


def test_gru_as_pytorch_writes_it() -> None:
    r = read_block(GRU_PYTORCH)
    assert r.concept == "gru" and r.layer is not None and r.layer.form == "PyTorch" and not r.layer.differences
    assert _roles(GRU_PYTORCH) == ["the reset gate", "the update gate", "the candidate state", "the new state"]
    assert "where the update gate z is near 1 the old state is kept" in r.summary()
    assert check_layer(r).gap <= 1e-12


def test_gru_where_z_lets_the_candidate_in() -> None:
    """Chung et al. write h = (1-z) h_prev + z h̃: the explanation follows the formula as written."""
    r = read_block(GRU_CHUNG)
    assert r.concept == "gru" and r.layer is not None
    assert [d.key for d in r.layer.differences] == ["update_gate_flipped"]
    assert "where the update gate z is near 1 the candidate takes the old state's place" in r.summary()
    assert "near 1 the old state is kept" not in tr.explain(GRU_CHUNG).lenses["names"]
    assert check_layer(r).gap <= 1e-12  # the engine's GRUCell with the update gate's weights negated


def test_gru_with_the_reset_gate_before_the_matrix_is_another_layer() -> None:
    r = read_block(GRU_CHO)
    assert r.concept == "gru" and r.layer is not None and r.layer.form == "Cho et al."
    assert [d.key for d in r.layer.differences] == ["reset_before_matrix"]
    with pytest.raises(AgentInputError, match="no engine layer computes this GRU"):
        check_layer(r)


def _torch_gru(values: dict[str, np.ndarray], h: np.ndarray, x: np.ndarray) -> np.ndarray:
    cell = torch.nn.GRUCell(3, 4).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(np.concatenate([values["W_ir"], values["W_iz"], values["W_in"]])))
        cell.weight_hh.copy_(torch.tensor(np.concatenate([values["W_hr"], values["W_hz"], values["W_hn"]])))
        cell.bias_ih.copy_(torch.tensor(np.concatenate([values["b_ir"], values["b_iz"], values["b_in"]])))
        cell.bias_hh.copy_(torch.tensor(np.concatenate([values["b_hr"], values["b_hz"], values["b_hn"]])))
        return cell(torch.tensor(x)[None], torch.tensor(h)[None]).numpy()[0]


def test_the_gru_lines_run_as_torch_s_gru_cell() -> None:
    rng = np.random.default_rng(1)
    names = [f"{w}_{k}{g}" for w in ("W", "b") for k in ("i", "h") for g in "rzn"]
    values = {n: rng.normal(size=(4, 3 if n.startswith("W_i") else 4) if n[0] == "W" else 4) for n in names}
    x, h = rng.normal(size=3), rng.normal(size=4)
    got = run_layer(read_block(GRU_PYTORCH).program, {**values, "x": x, "h": h})["h"]  # W_{ir} is W_ir ...
    np.testing.assert_allclose(got, _torch_gru(values, h, x), rtol=0, atol=1e-12)


def test_lstm_in_its_six_lines() -> None:
    r = read_block(LSTM)
    assert r.concept == "lstm"
    assert _roles(LSTM) == ["the input gate", "the forget gate", "the candidate", "the output gate", "the cell",
                            "the new state"]
    rng = np.random.default_rng(2)
    cell = torch.nn.LSTMCell(3, 4).double()
    x, h, c = rng.normal(size=3), rng.normal(size=4), rng.normal(size=4)
    values: dict[str, np.ndarray] = {"x": x, "h": h, "c": c}
    w_ih, w_hh = cell.weight_ih.detach().numpy(), cell.weight_hh.detach().numpy()
    b_ih, b_hh = cell.bias_ih.detach().numpy(), cell.bias_hh.detach().numpy()
    for k, gate in enumerate("ifgo"):  # torch stacks the gates i, f, g, o
        rows = slice(4 * k, 4 * (k + 1))
        values.update({f"W_i{gate}": w_ih[rows], f"W_h{gate}": w_hh[rows], f"b_i{gate}": b_ih[rows],
                       f"b_h{gate}": b_hh[rows]})
    out = run_layer(r.program, values)
    with torch.no_grad():
        h_new, c_new = cell(torch.tensor(x)[None], (torch.tensor(h)[None], torch.tensor(c)[None]))
    np.testing.assert_allclose(out["h"], h_new.numpy()[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(out["c"], c_new.numpy()[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("concept", sorted(LUONG))
def test_luong_attention_in_its_four_steps(concept: str) -> None:
    r = read_block(LUONG[concept])
    assert r.concept == concept
    assert _roles(LUONG[concept]) == ["the score of each source position against the decoder state",
                                      "the attention weights", "the context vector", "the attentional hidden state"]
    assert r.summary().startswith("This is Luong attention, in its four steps")
    assert check_layer(r).gap <= 1e-12


def test_luong_weights_without_exp_in_the_denominator_are_a_near_miss() -> None:
    text = LUONG["luong_general"].replace(r"\sum_{s'} \exp(\mathrm{score}(h_t, \bar{h}_{s'}))",
                                          r"\sum_{s'} \mathrm{score}(h_t, \bar{h}_{s'})")
    e = tr.explain(text)
    assert e.block is not None and e.block.layer is not None and e.block.layer.near_miss
    assert any(n.kind == "near_miss" and "exponentials" in n.message for n in e.warnings)


def test_a_gru_explained_opens_with_the_whole_and_its_check() -> None:
    e = tr.explain(GRU_PYTORCH)
    assert e.lenses["names"].startswith("This is a gated recurrent unit (GRU).")
    assert "Checked: the engine's GRUCell" in e.lenses["names"]
    assert e.lenses["reading_order"].startswith("Line by line: (1) r_t = σ(")
    assert e.chunks[0].concept == "gru" and e.optimizer is None
