"""Boltzmann machines and RBMs, held against enumeration, PyTorch and the tape."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from thirdroad.nn import EngineError, GradientTape, ShapeError
from thirdroad.nn.energy.boltzmann import BoltzmannMachine, all_states
from thirdroad.nn.energy.digits import load_binary_digits, train_rbm
from thirdroad.nn.energy.rbm import RBM


# ---- independent oracles: loops over units and enumeration, written from the formulas ------
def bm_energy_by_loops(W: np.ndarray, b: np.ndarray, s: tuple[int, ...]) -> float:
    """E(s) = -Σ_{i<j} W_ij s_i s_j - Σ_i b_i s_i (each pair counted once)."""
    n = len(s)
    pairs = sum(W[i, j] * s[i] * s[j] for i in range(n) for j in range(i + 1, n))
    return float(-pairs - sum(b[i] * s[i] for i in range(n)))


def rbm_energy_by_loops(rbm: RBM, v: tuple[float, ...], h: tuple[float, ...]) -> float:
    W, b, c = rbm.W.data, rbm.b.data, rbm.c.data
    coupling = sum(v[i] * W[i, j] * h[j] for i in range(len(v)) for j in range(len(h)))
    if rbm.visible == "bernoulli":
        visible = -sum(b[i] * v[i] for i in range(len(v)))
    else:
        visible = sum((v[i] - b[i]) ** 2 / 2 for i in range(len(v)))
    return float(-coupling + visible - sum(c[j] * h[j] for j in range(len(h))))


def binary_tuples(n: int) -> list[tuple[int, ...]]:
    return list(itertools.product((0, 1), repeat=n))


def tiny_rbm(n_visible: int, n_hidden: int, seed: int, visible: str = "bernoulli") -> RBM:
    """A float64 RBM with weights big enough that the conditionals are far from 1/2."""
    rbm = RBM(n_visible, n_hidden, seed=seed, visible=visible, dtype=np.float64)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed + 100)
    rbm.W.assign(rng.normal(0, 1.0, rbm.W.shape))
    rbm.b.assign(rng.normal(0, 0.5, rbm.b.shape))
    rbm.c.assign(rng.normal(0, 0.5, rbm.c.shape))
    return rbm


def torch_cd(rbm: RBM, v0: np.ndarray, draws: list[np.ndarray], lr: float, k: int, chains: np.ndarray | None = None):
    """CD-k (or persistent CD when ``chains`` is given) in PyTorch, from the textbook rule."""
    W, b, c = (torch.tensor(a, dtype=torch.float64) for a in (rbm.W.data, rbm.b.data, rbm.c.data))
    gaussian = rbm.visible == "gaussian"
    data = torch.tensor(v0)
    v = data if chains is None else torch.tensor(chains)
    us = [torch.tensor(d) for d in draws]
    for step in range(k):
        h = (us[2 * step] < torch.sigmoid(v @ W + c)).double()
        mean = h @ W.T + b
        v = mean + us[2 * step + 1] if gaussian else (us[2 * step + 1] < torch.sigmoid(mean)).double()
    ph_data, ph_model = torch.sigmoid(data @ W + c), torch.sigmoid(v @ W + c)
    dW = lr * (data.T @ ph_data / len(data) - v.T @ ph_model / len(v))
    db = lr * (data.mean(0) - v.mean(0))
    dc = lr * (ph_data.mean(0) - ph_model.mean(0))
    return dW.numpy(), db.numpy(), dc.numpy(), v.numpy()


def cd_draws(rng: np.random.Generator, rows: int, rbm: RBM, k: int) -> list[np.ndarray]:
    out = []
    for _ in range(k):
        out.append(rng.random((rows, rbm.n_hidden)))
        visible = rng.standard_normal if rbm.visible == "gaussian" else rng.random
        out.append(visible((rows, rbm.n_visible)))
    return out


# ---- Boltzmann machine ----------------------------------------------------------------------
def test_all_states_counts_in_binary() -> None:
    assert all_states(3).tolist() == [list(s) for s in binary_tuples(3)]
    with pytest.raises(EngineError, match="enumeration"):
        all_states(25)


@pytest.mark.parametrize("T", [1.0, 0.5, 3.0])
def test_exact_distribution_is_a_softmax_over_states_of_minus_energy(T: float) -> None:
    bm = BoltzmannMachine(4, seed=3)
    states, probs = bm.exact_distribution(T=T)
    W, b = bm.W.data, bm.b.data
    energies = [bm_energy_by_loops(W, b, s) for s in binary_tuples(4)]
    expected = torch.softmax(-torch.tensor(energies, dtype=torch.float64) / T, dim=0).numpy()
    np.testing.assert_allclose(states, np.array(binary_tuples(4)))
    np.testing.assert_allclose(bm.energy(states), energies, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(probs, expected, rtol=1e-10, atol=1e-15)
    assert probs.sum() == pytest.approx(1.0)


def test_weights_are_symmetric_with_zero_diagonal() -> None:
    bm = BoltzmannMachine(6, seed=0)
    np.testing.assert_array_equal(bm.W.data, bm.W.data.T)
    np.testing.assert_array_equal(np.diag(bm.W.data), 0.0)


def test_unit_conditional_is_a_sigmoid_of_the_gap_and_matches_the_joint() -> None:
    bm = BoltzmannMachine(5, seed=7)
    states, probs = bm.exact_distribution(T=2.0)
    p_of = dict(zip(map(tuple, states.astype(int)), probs, strict=True))
    for unit in range(5):
        on, off = states.copy(), states.copy()
        on[:, unit], off[:, unit] = 1, 0
        # from the joint distribution: p(s_i = 1 | rest) = p(on) / (p(on) + p(off))
        p_on = np.array([p_of[s] for s in map(tuple, on.astype(int))])
        p_off = np.array([p_of[s] for s in map(tuple, off.astype(int))])
        joint = p_on / (p_on + p_off)
        # a softmax over the two states of the unit, scored -E/T
        two = torch.softmax(-torch.tensor(np.stack([bm.energy(off), bm.energy(on)], axis=1)) / 2.0, dim=1)
        got = bm.conditional(states, unit, T=2.0)
        np.testing.assert_allclose(got, joint, rtol=1e-10)
        np.testing.assert_allclose(got, two[:, 1].numpy(), rtol=1e-10)
        np.testing.assert_allclose(bm.energy_gap(states, unit), bm.energy(off) - bm.energy(on), atol=1e-12)


@pytest.mark.parametrize("T", [1.0, 2.0])
def test_gibbs_samples_match_the_exact_distribution(T: float) -> None:
    bm = BoltzmannMachine(5, seed=11)
    _, exact = bm.exact_distribution(T=T)
    samples = bm.sample(40_000, burn_in=50, T=T, seed=5)
    assert samples.shape == (40_000, 5)
    codes = samples.astype(int) @ (2 ** np.arange(4, -1, -1))
    empirical = np.bincount(codes, minlength=32) / len(codes)
    seen = empirical > 0
    kl = float(np.sum(empirical[seen] * np.log(empirical[seen] / exact[seen])))
    assert kl < 0.01, kl
    assert np.all(seen[exact > 1e-3]), "a state with probability above 0.001 was never visited"


def test_boltzmann_machine_describes_itself_in_plain_words() -> None:
    words = BoltzmannMachine(3, seed=0).describe()
    for phrase in ("energy", "softmax", "sigmoid", "energy gap", "temperature", "Gibbs"):
        assert phrase in words
    with pytest.raises(EngineError, match="temperature"):
        BoltzmannMachine(3, seed=0).exact_distribution(T=0.0)


# ---- RBM: energies and conditionals against enumeration ---------------------------------------
@pytest.mark.parametrize("visible", ["bernoulli", "gaussian"])
def test_free_energy_sums_the_hidden_units_out(visible: str) -> None:
    rbm = tiny_rbm(4, 3, seed=1, visible=visible)
    rng = np.random.default_rng(0)
    vs = np.array(binary_tuples(4), dtype=float) if visible == "bernoulli" else rng.normal(size=(6, 4))
    hs = binary_tuples(3)
    by_enumeration = [-np.log(sum(np.exp(-rbm_energy_by_loops(rbm, tuple(v), h)) for h in hs)) for v in vs]
    np.testing.assert_allclose(rbm.free_energy(vs), by_enumeration, rtol=1e-10)
    np.testing.assert_allclose(rbm.free_energy_tensor(vs).numpy(), by_enumeration, rtol=1e-10)
    h_rows = np.array([hs[i % len(hs)] for i in range(len(vs))], dtype=float)
    loops = [rbm_energy_by_loops(rbm, tuple(v), tuple(h)) for v, h in zip(vs, h_rows, strict=True)]
    np.testing.assert_allclose(rbm.energy(vs, h_rows), loops, rtol=1e-10)


def test_both_conditionals_equal_the_exact_ones_from_the_joint() -> None:
    rbm = tiny_rbm(3, 3, seed=2)
    vs, hs = binary_tuples(3), binary_tuples(3)
    joint = np.array([[np.exp(-rbm_energy_by_loops(rbm, v, h)) for h in hs] for v in vs])  # unnormalised
    h_on = np.array(hs, dtype=float)  # (hidden states, units)
    v_on = np.array(vs, dtype=float)
    exact_h = (joint @ h_on) / joint.sum(axis=1, keepdims=True)  # p(h_j = 1 | v), one row per v
    exact_v = (joint.T @ v_on) / joint.sum(axis=0)[:, None]  # p(v_i = 1 | h), one row per h
    np.testing.assert_allclose(rbm.prob_h_given_v(v_on), exact_h, rtol=1e-10)
    np.testing.assert_allclose(rbm.prob_v_given_h(h_on), exact_v, rtol=1e-10)


def test_pseudo_likelihood_equals_enumeration_on_a_tiny_rbm() -> None:
    rbm = tiny_rbm(4, 2, seed=3)
    vs = binary_tuples(4)
    unnormalised = {v: sum(np.exp(-rbm_energy_by_loops(rbm, v, h)) for h in binary_tuples(2)) for v in vs}
    rows = np.array(vs[3:9], dtype=float)
    expected = 0.0
    for v in vs[3:9]:
        for i in range(4):
            flipped = tuple(1 - x if j == i else x for j, x in enumerate(v))
            expected += np.log(unnormalised[v] / (unnormalised[v] + unnormalised[flipped]))
    assert rbm.pseudo_likelihood(rows) == pytest.approx(expected / len(rows), rel=1e-10)


# ---- RBM: learning ------------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "visible"), [(1, "bernoulli"), (3, "bernoulli"), (1, "gaussian")])
def test_cd_update_equals_an_independent_computation_on_fixed_random_numbers(k: int, visible: str) -> None:
    rbm = tiny_rbm(7, 5, seed=4, visible=visible)
    rng = np.random.default_rng(9)
    v0 = (rng.random((6, 7)) < 0.4).astype(float) if visible == "bernoulli" else rng.normal(size=(6, 7))
    draws = cd_draws(rng, 6, rbm, k)
    before = rbm.state_dict()
    dW, db, dc, v_model = torch_cd(rbm, v0, draws, lr=0.1, k=k)
    update = rbm.cd_step(v0, lr=0.1, k=k, draws=draws)
    for name, got, expected in (("W", update.W, dW), ("b", update.b, db), ("c", update.c, dc)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(rbm.state_dict()[name] - before[name], expected, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(update.v_model, v_model, rtol=1e-12, atol=1e-14)  # exactly 0/1 for Bernoulli


def test_persistent_cd_continues_its_chains_between_updates() -> None:
    rbm = tiny_rbm(6, 4, seed=5)
    rng = np.random.default_rng(10)
    batches = [(rng.random((5, 6)) < 0.5).astype(float) for _ in range(2)]
    draws = [cd_draws(rng, 5, rbm, 1) for _ in range(2)]
    twin = tiny_rbm(6, 4, seed=5)
    chains = batches[0]  # the chains start at the first batch of data
    for batch, d in zip(batches, draws, strict=True):
        dW, _, _, chains = torch_cd(twin, batch, d, lr=0.2, k=1, chains=chains)
        twin.W.assign_add(dW)  # only W matters for the next chain step's check below
        update = rbm.cd_step(batch, lr=0.2, k=1, persistent=True, draws=d)
        np.testing.assert_allclose(update.W, dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(update.v_model, chains)
        twin.load_state_dict(rbm.state_dict())


def test_cd_statistics_are_the_tape_gradient_of_the_free_energy_difference() -> None:
    rbm, twin = tiny_rbm(8, 5, seed=6), tiny_rbm(8, 5, seed=6)
    rng = np.random.default_rng(11)
    v0 = (rng.random((10, 8)) < 0.5).astype(float)
    update = rbm.cd_step(v0, lr=0.3, k=2, draws=cd_draws(rng, 10, rbm, 2))
    with GradientTape() as tape:
        gap = twin.free_energy_tensor(v0).mean() - twin.free_energy_tensor(update.v_model).mean()
    gW, gb, gc = tape.gradient(gap, [twin.W, twin.b, twin.c])
    for step, grad in zip(update[:3], (gW, gb, gc), strict=True):
        np.testing.assert_allclose(step, -0.3 * np.asarray(grad), rtol=1e-10, atol=1e-14)


def test_cd_step_checks_its_random_numbers() -> None:
    rbm = tiny_rbm(4, 3, seed=0)
    v0 = np.ones((2, 4))
    with pytest.raises(EngineError, match="2 per round"):
        rbm.cd_step(v0, draws=[np.zeros((2, 3))])
    with pytest.raises(ShapeError, match="shape"):
        rbm.cd_step(v0, draws=[np.zeros((2, 3)), np.zeros((2, 5))])
    with pytest.raises(ShapeError, match="4 values"):
        rbm.free_energy(np.ones((2, 5)))


def test_pseudo_likelihood_on_held_out_digits_improves_with_training() -> None:
    x_tr, x_te, _, _ = load_binary_digits(seed=0)
    rbm = RBM(64, 50, seed=0)
    before = rbm.pseudo_likelihood(x_te)
    history = rbm.fit(x_tr, epochs=4, lr=0.1, batch_size=10, validation_data=x_te, progress=False)
    after = rbm.pseudo_likelihood(x_te)
    assert after == pytest.approx(history["val_pseudo_likelihood"][-1])
    assert after > before + 15, (before, after)  # from about -44 to about -22 per digit
    assert history["val_pseudo_likelihood"][-1] > history["val_pseudo_likelihood"][0]
    assert history["recon_error"][-1] < history["recon_error"][0]


def test_persistent_training_also_learns_the_digits() -> None:
    x_tr, x_te, _, _ = load_binary_digits(seed=0)
    rbm = RBM(64, 30, seed=1)
    before = rbm.pseudo_likelihood(x_te)
    rbm.fit(x_tr, epochs=3, persistent=True, lr=0.05, batch_size=20, progress=False)
    assert rbm.pseudo_likelihood(x_te) > before + 10


def test_gaussian_visible_units_learn_standardised_digits() -> None:
    from sklearn.datasets import load_digits

    x = load_digits().data[:600]
    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-6)  # real pixels, mean 0 and variance 1 (or all 0)
    rbm = RBM(64, 40, seed=0, visible="gaussian", init_std=0.1)
    before = rbm.reconstruction_error(x)
    history = rbm.fit(x, epochs=3, lr=0.01, batch_size=20, progress=False)
    assert history["recon_error"][-1] < 0.85 * before, (before, history["recon_error"])
    assert "pseudo_likelihood" not in history.metrics
    with pytest.raises(EngineError, match="Bernoulli"):
        rbm.pseudo_likelihood(x)


def test_samples_are_binary_and_repeatable() -> None:
    rbm = tiny_rbm(6, 4, seed=8)
    a = rbm.sample(7, steps=20, seed=3)
    b = rbm.sample(7, steps=20, seed=3)
    assert a.shape == (7, 6) and set(np.unique(a)) <= {0.0, 1.0}
    np.testing.assert_array_equal(a, b)
    means = rbm.sample(7, steps=20, seed=3, probabilities=True)
    assert np.all((means >= 0) & (means <= 1))


def test_rbm_words_are_right() -> None:
    words = RBM(64, 10, seed=0).describe()
    assert "bipartite undirected model" in words and "visible" in words and "hidden" in words
    assert "radial basis function" in words
    assert "no input layer and output layer" in words


def test_train_rbm_saves_a_checkpoint_and_pictures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = train_rbm(epochs=2, out_dir=tmp_path, n_hidden=16, progress=False)
    assert run.heldout_pl_after > run.heldout_pl_before
    for path in (run.filters_png, run.samples_png, run.curves_png):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = RBM(64, 16, seed=99)
    again.load(run.checkpoint)
    x_te = load_binary_digits(seed=0)[1]
    assert again.pseudo_likelihood(x_te) == pytest.approx(run.heldout_pl_after)
