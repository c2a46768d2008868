"""Attention, energy-model, layer and initialisation references against PyTorch and
brute-force enumeration."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from thirdroad.concepts import references as R

T = torch.tensor


def close(ours: Any, theirs: Any, tol: float = 1e-9) -> None:
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().double().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


# -- attention ---------------------------------------------------------------------------------
def test_luong_and_bahdanau_scores(rng: np.random.Generator) -> None:
    h, H = rng.normal(size=4), rng.normal(size=(6, 4))
    th, tH = T(h), T(H)
    close(R.luong_dot(h, H), torch.stack([torch.dot(th, row) for row in tH]))
    W = rng.normal(size=(4, 4))
    close(R.luong_general(h, W, H), torch.stack([th @ T(W) @ row for row in tH]))
    Wc, v = rng.normal(size=(5, 8)), rng.normal(size=5)
    close(R.luong_concat(v, Wc, h, H),
          torch.stack([T(v) @ torch.tanh(T(Wc) @ torch.cat([th, row])) for row in tH]))
    Wa, Ua, s = rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), rng.normal(size=3)
    close(R.additive_score(v, Wa, s, Ua, H),
          torch.stack([T(v) @ torch.tanh(T(Wa) @ T(s) + T(Ua) @ row) for row in tH]))
    c = rng.normal(size=4)
    close(R.attentional_hidden(Wc[:, :8], c, h), torch.tanh(T(Wc) @ torch.cat([T(c), th])))


def test_attention_weights_and_context(rng: np.random.Generator) -> None:
    scores, H = rng.normal(size=6), rng.normal(size=(6, 4))
    weights = R.softmax(scores)
    close(weights.sum(), 1.0)
    close(R.convex_combination(weights, H), torch.softmax(T(scores), 0) @ T(H))


def test_scaled_dot_product_and_causal_attention(rng: np.random.Generator) -> None:
    Q, K, V = rng.normal(size=(5, 8)), rng.normal(size=(5, 8)), rng.normal(size=(5, 3))
    close(R.scaled_dot_product_attention(Q, K, V),
          F.scaled_dot_product_attention(T(Q), T(K), T(V)))
    close(R.causal_attention(Q, K, V),
          F.scaled_dot_product_attention(T(Q), T(K), T(V), is_causal=True))
    close(R.scaled_scores(Q, K), T(Q) @ T(K).T / np.sqrt(8))


def test_multi_head_attention_matches_torch(rng: np.random.Generator) -> None:
    torch.manual_seed(0)
    d, heads, n = 8, 2, 5
    mha = torch.nn.MultiheadAttention(d, heads, bias=False, batch_first=True).double()
    x = rng.normal(size=(n, d))
    expected, _ = mha(T(x[None]), T(x[None]), T(x[None]))
    w_in = mha.in_proj_weight.detach().numpy()
    dh = d // heads
    # PyTorch applies x W^T; head i uses rows i*dh:(i+1)*dh of each projection.
    per_head = [np.stack([w_in[k * d + i * dh: k * d + (i + 1) * dh].T for i in range(heads)])
                for k in range(3)]
    W_o = mha.out_proj.weight.detach().numpy().T
    close(R.multi_head_attention(x, x, x, *per_head, W_o), expected[0])


def test_positional_encoding(rng: np.random.Generator) -> None:
    d, pos = 16, 7.0
    i = torch.arange(0, d, 2, dtype=torch.float64)
    freq = torch.exp(-np.log(10000.0) * i / d)  # the usual PyTorch tutorial way
    expected = torch.zeros(d, dtype=torch.float64)
    expected[0::2], expected[1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    close(R.positional_encoding(pos, d), expected)


# -- energy models -----------------------------------------------------------------------------
def states(n: int) -> np.ndarray:
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


@pytest.fixture
def rbm(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)


def test_free_energy_sums_out_the_hidden_units(
        rng: np.random.Generator, rbm: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    W, a, b = rbm
    v = rng.integers(0, 2, size=4).astype(float)
    brute = -np.log(sum(np.exp(-R.rbm_energy(v, h, W, a, b)) for h in states(3)))
    close(R.rbm_free_energy(v, W, a, b), brute)


def test_rbm_conditionals_by_enumeration(
        rng: np.random.Generator, rbm: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    W, a, b = rbm
    v = rng.integers(0, 2, size=4).astype(float)
    hs = states(3)
    weights = np.array([np.exp(-R.rbm_energy(v, h, W, a, b)) for h in hs])
    close(R.rbm_hidden_prob(v, W, b), weights @ hs / weights.sum())
    h = rng.integers(0, 2, size=3).astype(float)
    vs = states(4)
    weights = np.array([np.exp(-R.rbm_energy(u, h, W, a, b)) for u in vs])
    close(R.rbm_visible_prob(h, W, a), weights @ vs / weights.sum())


def test_boltzmann_machine_energy_and_distribution(rng: np.random.Generator) -> None:
    W = rng.normal(size=(4, 4))
    W = np.triu(W, 1) + np.triu(W, 1).T
    b, s = rng.normal(size=4), rng.integers(0, 2, size=4).astype(float)
    pairs = sum(W[i, j] * s[i] * s[j] for i in range(4) for j in range(i + 1, 4))
    close(R.hopfield_energy(s, W, b), -pairs - b @ s)
    E = np.array([R.hopfield_energy(x, W, b) for x in states(4)])
    p = R.boltzmann(E)
    close(p, np.exp(-E) / R.partition_function(E))
    close(R.free_energy_of(E), -np.log(R.partition_function(E)))
    close(R.free_energy_of(E, 2.5), -torch.logsumexp(-2.5 * T(E), 0) / 2.5)
    close(R.free_energy_of(1e3 * E, 1.0), -torch.logsumexp(-1e3 * T(E), 0))  # no overflow
    close(R.boltzmann_temperature(E, 2.0), torch.softmax(-T(E) / 2.0, 0))
    assert np.argmax(p) == np.argmin(E)


def test_contrastive_divergence_update(rng: np.random.Generator) -> None:
    v0, vk = (rng.integers(0, 2, size=(6, 4)).astype(float) for _ in range(2))
    h0, hk = rng.uniform(size=(6, 3)), rng.uniform(size=(6, 3))
    expected = 0.1 * np.mean([np.outer(v0[n], h0[n]) - np.outer(vk[n], hk[n])
                              for n in range(6)], axis=0)
    close(R.cd_weight_update(v0, h0, vk, hk, 0.1), expected)
    close(R.cd_from_correlations(v0.T @ h0 / 6, vk.T @ hk / 6, 0.1), expected)


# -- layers ------------------------------------------------------------------------------------
def test_dense_layers(rng: np.random.Generator) -> None:
    x, A, b = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)
    close(R.linear(x, A, b), F.linear(T(x), T(A), T(b)))
    x2, Ab = rng.normal(size=(3, 5)), rng.normal(size=(2, 4, 5))
    close(R.bilinear(x, Ab, x2, b), F.bilinear(T(x), T(x2), T(Ab), T(b)))
    W1, b1, W2, b2 = (rng.normal(size=s) for s in [(4, 6), 6, (6, 4), 4])
    close(R.feed_forward(x, W1, b1, W2, b2),
          F.relu(T(x) @ T(W1) + T(b1)) @ T(W2) + T(b2))
    table = rng.normal(size=(10, 3))
    idx = np.array([3, 0, 3])
    close(R.embedding(table, idx), F.embedding(T(idx), T(table)))


def test_convolutions_and_pooling(rng: np.random.Generator) -> None:
    x, w = rng.normal(size=12), rng.normal(size=3)
    close(R.conv1d(x, w), F.conv1d(T(x)[None, None], T(w)[None, None])[0, 0])
    img, k = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    close(R.conv2d_single(img, k), F.conv2d(T(img)[None, None], T(k)[None, None])[0, 0])
    batch, weight, bias = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2)), \
        rng.normal(size=4)
    close(R.conv2d(batch, weight, bias), F.conv2d(T(batch), T(weight), T(bias)))
    rows = rng.uniform(0.1, 2.0, size=(2, 3, 10))
    close(R.max_pool1d(rows, 3), F.max_pool1d(T(rows), 3))
    close(R.avg_pool1d(rows, 3), F.avg_pool1d(T(rows), 3))
    close(R.lp_pool1d(rows, 2.0, 3), F.lp_pool1d(T(rows), 2.0, 3))


def test_rnn_cell(rng: np.random.Generator) -> None:
    torch.manual_seed(1)
    cell = torch.nn.RNNCell(3, 4).double()
    x, h = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    p = {k: v.detach().numpy() for k, v in cell.named_parameters()}
    close(R.rnn_cell(x, h, p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]),
          cell(T(x), T(h)))
    no_bias = torch.nn.RNNCell(3, 4, bias=False).double()
    q = {k: v.detach().numpy() for k, v in no_bias.named_parameters()}
    close(R.rnn_cell(x, h, q["weight_ih"], q["weight_hh"]), no_bias(T(x), T(h)))  # a bias may be left out


def test_gru_templates_compose_to_torch_gru_cell(rng: np.random.Generator) -> None:
    torch.manual_seed(2)
    cell = torch.nn.GRUCell(3, 4).double()
    x, h = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    p = {k: np.split(v.detach().numpy(), 3) for k, v in cell.named_parameters()}

    def part(k: int) -> tuple[np.ndarray, ...]:
        return p["weight_ih"][k], p["weight_hh"][k], p["bias_ih"][k], p["bias_hh"][k]

    r = R.sigmoid_gate(x, h, *part(0))
    z = R.sigmoid_gate(x, h, *part(1))
    W_in, W_hn, b_in, b_hn = part(2)
    n = R.gru_candidate(x, h, r, W_in, W_hn, b_in, b_hn)
    close(R.gru_interpolate(z, n, h), cell(T(x), T(h)))
    close(R.gru_interpolate_update_new(1 - z, n, h), cell(T(x), T(h)))


def test_lstm_templates_compose_to_torch_lstm_cell(rng: np.random.Generator) -> None:
    torch.manual_seed(3)
    cell = torch.nn.LSTMCell(3, 4).double()
    x, h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    p = {k: np.split(v.detach().numpy(), 4) for k, v in cell.named_parameters()}

    def part(k: int) -> tuple[np.ndarray, ...]:
        return p["weight_ih"][k], p["weight_hh"][k], p["bias_ih"][k], p["bias_hh"][k]

    i, f = R.sigmoid_gate(x, h, *part(0)), R.sigmoid_gate(x, h, *part(1))
    g, o = R.tanh_candidate(x, h, *part(2)), R.sigmoid_gate(x, h, *part(3))
    c_new = R.lstm_cell_state(f, c, i, g)
    h_t, c_t = cell(T(x), (T(h), T(c)))
    close(c_new, c_t)
    close(R.lstm_hidden(o, c_new), h_t)


def test_normalisations(rng: np.random.Generator) -> None:
    x = rng.normal(size=(4, 6, 5)) * 3 + 1
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    feats = x[:, :, 0]
    close(R.layer_norm(feats, gamma, beta, 1e-5), F.layer_norm(T(feats), (6,), T(gamma), T(beta)))
    close(R.batch_norm(x, gamma, beta, 1e-5),
          F.batch_norm(T(x), None, None, T(gamma), T(beta), training=True))
    close(R.instance_norm(x, gamma, beta, 1e-5),
          F.instance_norm(T(x), weight=T(gamma), bias=T(beta)))
    close(R.group_norm(x, 3, gamma, beta, 1e-5), F.group_norm(T(x), 3, T(gamma), T(beta)))
    close(R.rms_norm(feats, gamma, 1e-6), F.rms_norm(T(feats), (6,), T(gamma), eps=1e-6))
    close(R.local_response_norm(x, 3, 1e-2, 0.75, 2.0),
          F.local_response_norm(T(x), 3, alpha=1e-2, beta=0.75, k=2.0))


def test_weight_and_spectral_norm(rng: np.random.Generator) -> None:
    import scipy.linalg

    v, g = rng.normal(size=(3, 4)), rng.uniform(0.5, 2, size=3)
    close(R.weight_norm(v, g), torch._weight_norm(T(v), T(g[:, None]), 0))
    close(R.weight_norm(v[0], 2.0), 2.0 * F.normalize(T(v[0]), dim=0))
    sigma = scipy.linalg.svdvals(v)[0]
    close(R.spectral_normalize(v), v / sigma)
    u = rng.normal(size=3)
    for _ in range(200):
        right = R.power_iteration(v, u)
        u = v @ right / np.linalg.norm(v @ right)
    close(np.abs(right), np.abs(scipy.linalg.svd(v)[2][0]), tol=1e-7)


def test_dropout_keeps_the_mean(rng: np.random.Generator) -> None:
    torch.manual_seed(4)
    x = rng.uniform(1, 2, size=(50, 40))
    out = F.dropout(T(x), p=0.3, training=True).numpy()
    mask = (out != 0).astype(float)
    close(R.dropout(x, mask, 0.3), out)


def test_residual_and_layer_scale(rng: np.random.Generator) -> None:
    x, W = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))
    block = torch.nn.Linear(3, 3, bias=False).double()
    with torch.no_grad():
        block.weight.copy_(T(W))
    expected = T(x) + block(T(x))
    close(R.residual(x, lambda z: z @ W.T), expected)
    lam = np.full(3, 1e-4)
    close(R.layer_scale(x, lam, lambda z: z @ W.T), T(x) + T(lam) * block(T(x)))


# -- initialisation ----------------------------------------------------------------------------
def drawn(init: Any, shape: tuple[int, int], **kwargs: Any) -> np.ndarray:
    torch.manual_seed(5)
    w = torch.empty(shape, dtype=torch.float64)
    init(w, **kwargs)
    return w.numpy()


def test_initialisation_scales_match_torch() -> None:
    fan_out, fan_in = 300, 500  # torch weights are (out, in)
    init = torch.nn.init
    w = drawn(init.xavier_uniform_, (fan_out, fan_in), gain=1.5)
    bound = R.xavier_uniform_bound(fan_in, fan_out, 1.5)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    std = drawn(init.xavier_normal_, (fan_out, fan_in)).std()
    assert std == pytest.approx(R.xavier_normal_std(fan_in, fan_out), rel=0.01)
    std = drawn(init.kaiming_normal_, (fan_out, fan_in), nonlinearity="relu").std()
    assert std == pytest.approx(R.kaiming_normal_std(fan_in), rel=0.01)
    assert R.kaiming_std_gain(np.sqrt(2), fan_in) == pytest.approx(R.kaiming_normal_std(fan_in))
    w = drawn(init.kaiming_uniform_, (fan_out, fan_in), a=0.0)
    assert np.abs(w).max() == pytest.approx(R.kaiming_uniform_bound(fan_in), rel=1e-3)
    std = drawn(init.kaiming_normal_, (fan_out, fan_in), a=0.2, nonlinearity="leaky_relu").std()
    assert std == pytest.approx(R.kaiming_std_leaky(fan_in, 0.2), rel=0.01)
    std = drawn(init.kaiming_normal_, (fan_out, fan_in), nonlinearity="linear").std()
    assert std == pytest.approx(R.lecun_normal_std(fan_in), rel=0.01)


def test_orthogonal_init_from_qr(rng: np.random.Generator) -> None:
    Q, Rm = np.linalg.qr(rng.normal(size=(5, 5)))
    W = R.orthogonal_from_qr(Q, Rm)
    close(W.T @ W, np.eye(5), tol=1e-12)
    assert np.all(np.diag(W.T @ (Q @ Rm)) > 0)
