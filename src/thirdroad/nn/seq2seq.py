"""Sequence to sequence with attention: a GRU reads the source, another GRU writes the target.

The encoder reads the source tokens and keeps its state after each one: the
encoder states h̄_1 ... h̄_S. The decoder starts from the encoder's last state
and writes one token at a time; at every step it looks back over all the
encoder states with Luong attention (:mod:`thirdroad.nn.attention`):

.. code-block:: text

    h_t = GRU(embed(y_{t-1}), h_{t-1})          decoder state
    a_t = softmax_s(score(h_t, h̄_s))            attention weights over the source
    c_t = Σ_s a_t(s) h̄_s                         context vector
    h̃_t = tanh(W_c [c_t; h_t])                  attentional hidden state
    p(y_t | y_<t, x) = softmax(W_s h̃_t + b_s)   the next token's distribution

While training, the decoder is fed the *true* previous token (teacher
forcing), so all target steps run at once. At test time it feeds its own
guesses: greedily, the most likely token each step, or by beam search, which
keeps the ``beam_size`` most likely prefixes.

:func:`train_attention` trains this model on the bundled date task
(:mod:`thirdroad.nn.data.dates`) and draws its attention weights.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from thirdroad.nn import functional as F
from thirdroad.nn._files import CheckpointError, atomic_write, checkpoint_path, read_arrays, save_figure
from thirdroad.nn._rng import Seed, make_rng
from thirdroad.nn._tensor import Array, EngineError, Tensor
from thirdroad.nn.attention import LuongAttention, _torch_classes
from thirdroad.nn.data.dates import SOURCE_VOCAB, TARGET_VOCAB, DateBatch, date_pairs, encode_pairs
from thirdroad.nn.layers import Dense, Embedding
from thirdroad.nn.losses import cross_entropy
from thirdroad.nn.module import Module
from thirdroad.nn.optim import Adam, Optimizer
from thirdroad.nn.recurrent import GRU
from thirdroad.nn.tape import GradientTape
from thirdroad.nn.training import training_bar

__all__ = ["AttentionRun", "Seq2Seq", "plot_attention", "train_attention"]

IntArray = npt.NDArray[np.int64]


def source_mask(lengths: Any, width: int) -> npt.NDArray[np.bool_]:
    """True at the real tokens of each padded source row, False at the padding."""
    return np.arange(width)[None, :] < np.asarray(lengths)[:, None]


class Seq2Seq(Module):
    """A GRU encoder, a GRU decoder with Luong attention, and an output layer.

    >>> model = Seq2Seq(src_vocab=59, tgt_vocab=14, n_embed=64, n_hidden=128, seed=0)
    >>> logits = model(source, target_in, lengths)        # (B, T, tgt_vocab), teacher forcing
    >>> ids, weights = model.greedy(source, lengths)      # decoded ids and attention weights

    ``source`` (B, S) holds token ids padded at the end; ``lengths`` (B,) says how many
    are real (default: all). ``target_in`` (B, T) starts with the start token.

    With ``bidirectional=True`` the encoder is two GRUs of ``n_hidden // 2`` units, one
    reading forwards and one backwards, their states side by side: each encoder state
    then knows the characters on both sides of its position (is the "3" in "3rd" a day
    on its own, or the start of "31"?), which a forward reader only learns later.
    """

    def __init__(
        self,
        src_vocab: int,
        tgt_vocab: int,
        n_embed: int = 64,
        n_hidden: int = 128,
        score: str = "general",
        bidirectional: bool = False,
        bos: int = 1,
        eos: int = 2,
        seed: Seed = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        if bidirectional and n_hidden % 2:
            raise EngineError(f"Seq2Seq: a bidirectional encoder splits n_hidden in two halves; {n_hidden} is odd")
        rng = make_rng(seed)
        self.config = {"src_vocab": src_vocab, "tgt_vocab": tgt_vocab, "n_embed": n_embed,
                       "n_hidden": n_hidden, "score": score, "bidirectional": bidirectional,
                       "bos": bos, "eos": eos}  # fmt: skip
        self.bos, self.eos = bos, eos
        self.src_embed = Embedding(src_vocab, n_embed, seed=rng, dtype=dtype)
        self.tgt_embed = Embedding(tgt_vocab, n_embed, seed=rng, dtype=dtype)
        if bidirectional:
            self.encoder = GRU(n_embed, n_hidden // 2, bidirectional=True, seed=rng, dtype=dtype)
        else:
            self.encoder = GRU(n_embed, n_hidden, seed=rng, dtype=dtype)
        self.decoder = GRU(n_embed, n_hidden, seed=rng, dtype=dtype)
        self.attention = LuongAttention(n_hidden, score, seed=rng, dtype=dtype)
        self.out = Dense(n_hidden, tgt_vocab, seed=rng, dtype=dtype)

    # ---- the pieces -----------------------------------------------------
    def encode(self, source: Any, lengths: Any = None) -> tuple[Tensor, Tensor, npt.NDArray[np.bool_] | None]:
        """Encoder states (B, S, H), the last real state (B, H), and the source mask."""
        src = np.asarray(source)
        states, last = self.encoder(self.src_embed(src), lengths=lengths)
        mask = None if lengths is None else source_mask(lengths, src.shape[1])
        return states, last, mask

    def decode(
        self, tokens: Any, h: Any, states: Tensor, mask: Any
    ) -> tuple[Tensor, Tensor, Tensor]:
        """Decoder steps for the tokens (B, T): logits (B, T, V), last state (B, H), weights (B, T, S)."""
        dec, last = self.decoder(self.tgt_embed(np.asarray(tokens)), h)
        context, weights = self.attention(dec, states, mask)
        h_tilde = self.attention.attentional(context, dec)
        B, T, H = h_tilde.shape
        logits = F.reshape(self.out(F.reshape(h_tilde, (B * T, H))), (B, T, -1))
        return logits, last, weights

    def run(self, source: Any, target_in: Any, lengths: Any = None) -> tuple[Tensor, Tensor]:
        """Teacher forcing: the logits (B, T, V) and attention weights (B, T, S) for every target step."""
        states, last, mask = self.encode(source, lengths)
        logits, _, weights = self.decode(target_in, last, states, mask)
        return logits, weights

    def forward(self, source: Any, target_in: Any, lengths: Any = None) -> Tensor:
        return self.run(source, target_in, lengths)[0]

    def loss(self, source: Any, target_in: Any, target_out: Any, lengths: Any = None) -> Tensor:
        """Mean cross-entropy of the true next tokens, over every target position."""
        return cross_entropy(self(source, target_in, lengths), np.asarray(target_out))

    # ---- decoding -------------------------------------------------------
    def greedy(self, source: Any, lengths: Any = None, max_len: int = 16) -> tuple[IntArray, Array]:
        """Feed back the most likely token at each step. Returns ids (B, L) and weights (B, L, S).

        After a row's end token its ids are padding (0), as in :meth:`beam_search`.
        """
        states, h, mask = self.encode(source, lengths)
        B = states.shape[0]
        token = np.full((B, 1), self.bos, dtype=np.int64)
        ids, weights = [], []
        done = np.zeros(B, dtype=bool)
        for _ in range(max_len):
            logits, h, w = self.decode(token, h, states, mask)
            token = np.argmax(logits.data, axis=-1)
            ids.append(np.where(done, 0, token[:, 0]))
            weights.append(w.data[:, 0])
            done |= token[:, 0] == self.eos
            if done.all():
                break
        return np.stack(ids, axis=1), np.stack(weights, axis=1)

    def beam_search(
        self, source: Any, lengths: Any = None, beam_size: int = 4, max_len: int = 16
    ) -> tuple[IntArray, Array]:
        """Keep the ``beam_size`` most likely prefixes at every step; return the most likely
        finished sequence of each example (B, L) and its log-probability (B,).

        A finished beam (one that wrote the end token) keeps its score and only
        writes padding after it. With ``beam_size=1`` this is greedy decoding.
        """
        if beam_size < 1:
            raise EngineError("beam_search: beam_size must be at least 1")
        states, h, mask = self.encode(source, lengths)
        B = states.shape[0]
        K = beam_size
        # every example's encoder states, once per beam: rows b*K ... b*K + K-1
        states = Tensor(np.repeat(states.data, K, axis=0))
        mask = None if mask is None else np.repeat(mask, K, axis=0)
        hd = np.repeat(h.data, K, axis=0)
        scores = np.full((B, K), -np.inf)
        scores[:, 0] = 0.0  # at first, all beams are the same prefix: keep only one
        seqs = np.zeros((B, K, 0), dtype=np.int64)
        finished = np.zeros((B, K), dtype=bool)
        token = np.full((B * K, 1), self.bos, dtype=np.int64)
        for _ in range(max_len):
            logits, h_new, _ = self.decode(token, hd, states, mask)
            logp = F.log_softmax(logits, axis=-1).data[:, 0].astype(np.float64)  # (B*K, V)
            V = logp.shape[1]
            logp = logp.reshape(B, K, V)
            # a finished beam may only write padding, at no cost
            logp[finished] = -np.inf
            logp[finished, 0] = 0.0
            cand = (scores[:, :, None] + logp).reshape(B, K * V)
            best = np.argsort(-cand, axis=1, kind="stable")[:, :K]
            beam, tok = best // V, best % V
            scores = np.take_along_axis(cand, best, axis=1)
            rows = (np.arange(B)[:, None] * K + beam).reshape(-1)
            hd = h_new.data[rows]
            seqs = np.concatenate([np.take_along_axis(seqs, beam[:, :, None], axis=1), tok[:, :, None]], axis=2)
            finished = np.take_along_axis(finished, beam, axis=1) | (tok == self.eos)
            token = tok.reshape(B * K, 1)
            if finished.all():
                break
        top = np.argmax(scores, axis=1)
        return seqs[np.arange(B), top], scores[np.arange(B), top]

    # ---- checkpoints ----------------------------------------------------
    def save_checkpoint(self, path: str | Path) -> Path:
        """The weights (``.npz``, :meth:`Module.save`) and, beside them, the sizes (``.json``),
        each file written atomically."""
        target = self.save(path)
        text = json.dumps(self.config, indent=2) + "\n"
        atomic_write(target.with_suffix(".json"), lambda fh: fh.write(text.encode()))
        return target

    @classmethod
    def from_checkpoint(cls, path: str | Path) -> Seq2Seq:
        """A model rebuilt from :meth:`save_checkpoint`'s two files (``"m"`` or ``"m.npz"``)."""
        weights = checkpoint_path(path)
        sizes = weights.with_suffix(".json")
        try:
            config = json.loads(sizes.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise CheckpointError(f"cannot read the model's sizes in {sizes}: {err}") from err
        if not isinstance(config, dict):
            raise CheckpointError(f"{sizes} does not hold the model's sizes (a JSON object)")
        state = read_arrays(weights)
        if "out.W" not in state:
            raise CheckpointError(f"{weights} is not a Seq2Seq checkpoint (no out.W)")
        try:
            model = cls(**config, dtype=state["out.W"].dtype)
        except TypeError as err:
            raise CheckpointError(f"{sizes} does not hold the model's sizes: {err}") from err
        model.load_state_dict(state)
        return model

    # ---- the way out ----------------------------------------------------
    def to_torch(self) -> Any:
        """The same model in PyTorch (``forward(source, target_in, lengths=None)`` -> logits)."""
        import torch

        cls = _torch_seq2seq_class()
        c = self.config
        dtype = torch.float64 if self.out.W.dtype == np.float64 else torch.float32
        model = cls(self.attention.to_torch(), self.encoder.to_torch(), c["src_vocab"], c["tgt_vocab"], c["n_embed"],
                    c["n_hidden"])  # fmt: skip
        model = model.to(dtype)
        with torch.no_grad():
            model.src_embed.weight.copy_(torch.from_numpy(self.src_embed.weight.data.copy()))
            model.tgt_embed.weight.copy_(torch.from_numpy(self.tgt_embed.weight.data.copy()))
            model.decoder.load_state_dict(self.decoder.to_torch().state_dict())
            model.out.weight.copy_(torch.from_numpy(self.out.W.data.T.copy()))
            assert self.out.b is not None
            model.out.bias.copy_(torch.from_numpy(self.out.b.data.copy()))
        return model


def _torch_seq2seq_class() -> Any:
    classes = _torch_classes()
    if "seq2seq" in classes:
        return classes["seq2seq"]
    import torch

    class TorchSeq2Seq(torch.nn.Module):
        """Seq2Seq in PyTorch: the same layers, weights and formulas."""

        def __init__(
            self, attention: Any, encoder: Any, src_vocab: int, tgt_vocab: int, n_embed: int, n_hidden: int
        ) -> None:
            super().__init__()
            self.src_embed = torch.nn.Embedding(src_vocab, n_embed)
            self.tgt_embed = torch.nn.Embedding(tgt_vocab, n_embed)
            self.encoder = encoder
            self.decoder = torch.nn.GRU(n_embed, n_hidden, batch_first=True)
            self.attention = attention
            self.out = torch.nn.Linear(n_hidden, tgt_vocab)

        def forward(
            self, source: torch.Tensor, target_in: torch.Tensor, lengths: torch.Tensor | None = None
        ) -> torch.Tensor:
            embedded, mask = self.src_embed(source), None
            if lengths is None:
                states, last = self.encoder(embedded)
            else:
                S = source.shape[1]
                packed = torch.nn.utils.rnn.pack_padded_sequence(
                    embedded, lengths, batch_first=True, enforce_sorted=False
                )
                states_packed, last = self.encoder(packed)
                states, _ = torch.nn.utils.rnn.pad_packed_sequence(states_packed, batch_first=True, total_length=S)
                mask = torch.arange(S).unsqueeze(0) < lengths.unsqueeze(1)
            if self.encoder.bidirectional:  # (2, B, H/2): forward and backward, side by side
                last = torch.cat([last[0], last[1]], dim=-1).unsqueeze(0)
            dec, _ = self.decoder(self.tgt_embed(target_in), last)
            context, _ = self.attention(dec, states, mask)
            return self.out(self.attention.attentional(context, dec))  # type: ignore[no-any-return]

    classes["seq2seq"] = TorchSeq2Seq
    return TorchSeq2Seq


# ------------------------------------------------------------------ training


@dataclass
class AttentionRun:
    """What :func:`train_attention` did: the model, its scores and where it saved things."""

    model: Seq2Seq
    accuracy: float  # exact match on held-out dates, greedy decoding, after the last epoch
    history: dict[str, list[float]] = field(default_factory=dict)
    checkpoint: Path | None = None
    heatmap: Path | None = None
    seconds: float = 0.0
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (source, truth, prediction)


def exact_match(model: Seq2Seq, batch: Any, batch_size: int = 500) -> tuple[float, list[str]]:
    """The share of examples whose greedy decoding equals the target exactly, and the decodings."""
    predictions: list[str] = []
    for i in range(0, len(batch), batch_size):
        part = batch.take(slice(i, i + batch_size))
        ids, _ = model.greedy(part.source, part.lengths, max_len=part.target_out.shape[1])
        predictions += [TARGET_VOCAB.decode(row, stop=model.eos) for row in ids]
    truths = [TARGET_VOCAB.decode(row, stop=model.eos) for row in batch.target_out]
    return float(np.mean([p == t for p, t in zip(predictions, truths, strict=True)])), predictions


def train_attention(
    epochs: int = 12,
    progress: bool = True,
    out_dir: str | Path = "runs/attention",
    seed: int = 0,
    n_train: int = 24_000,
    n_test: int = 2_000,
    batch_size: int = 64,
    n_embed: int = 32,
    n_hidden: int = 64,
    bidirectional: bool = True,
    lr: float = 3e-3,
    time_limit: float | None = 540.0,
    target_accuracy: float | None = None,
    threads: int | None = 1,
) -> AttentionRun:
    """Train the attention seq2seq model to turn written dates into ISO dates.

    Each epoch draws ``n_train`` fresh pairs from the training dates and visits
    them in batches of similar length, with teacher forcing and Adam (the
    learning rate falls along a cosine to 1/20 of ``lr`` over the planned
    steps). After each epoch, greedy decoding is scored on ``n_test`` pairs of
    held-out dates (never seen in training, in any form). Training stops after
    ``epochs``, once the held-out exact match reaches ``target_accuracy``, or
    when another epoch would pass ``time_limit`` seconds. The model is saved to
    ``out_dir/attention_dates.npz`` (sizes in ``attention_dates.json``; reload with
    :meth:`Seq2Seq.from_checkpoint`) and the attention weights of one example
    are drawn in ``out_dir/attention_dates.png``.

    The encoder is bidirectional by default: with a forward reader alone, some seeds
    get stuck reading a lone "3" (as in "3rd") as the start of "30" or "31", 97%
    exact match instead of 100%.

    ``threads`` caps the BLAS threads while training (``None``: leave them be).
    These matrices are small: on a busy two-core machine one thread is much faster
    than two, which wait for each other.
    """
    if epochs < 1:
        raise EngineError("train_attention: epochs must be at least 1")
    start = time.perf_counter()
    out = Path(out_dir)
    test_pairs = date_pairs(n_test, "test", seed=seed)
    test = encode_pairs(test_pairs)
    model = Seq2Seq(SOURCE_VOCAB.size, TARGET_VOCAB.size, n_embed, n_hidden, bidirectional=bidirectional, seed=seed)
    total_steps = max(1, epochs * math.ceil(n_train / batch_size))
    opt = Adam(lr=_cosine_schedule(lr, total_steps))
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "val_exact_match": []}
    with _blas_threads(threads), training_bar(progress) as bar:
        task = bar.add_task("attention on dates", total=total_steps, status="")
        for epoch in range(1, epochs + 1):
            train = encode_pairs(date_pairs(n_train, "train", seed=seed * 1000 + epoch))

            def report(loss: float, epoch: int = epoch) -> None:
                bar.update(task, advance=1, status=f"epoch {epoch}/{epochs} loss {loss:.4f}")

            mean_loss = _train_epoch(model, opt, train, batch_size, rng, report)
            accuracy, predictions = exact_match(model, test)
            history["loss"].append(mean_loss)
            history["val_exact_match"].append(accuracy)
            status = f"epoch {epoch}/{epochs} loss {mean_loss:.4f}, held-out exact match {accuracy:.2%}"
            bar.update(task, status=status)
            elapsed = time.perf_counter() - start
            if (target_accuracy is not None and accuracy >= target_accuracy) or (
                time_limit is not None and elapsed * (epoch + 1) / epoch > time_limit
            ):
                break
    checkpoint = model.save_checkpoint(out / "attention_dates.npz")
    example = encode_pairs([("Monday, November 23, 2026", "2026-11-23")])
    heatmap = plot_attention(model, example.source[0], out / "attention_dates.png")
    examples = [(s, t, p) for (s, t), p in zip(test_pairs[:8], predictions[:8], strict=True)]
    return AttentionRun(model, accuracy, history, checkpoint, heatmap, time.perf_counter() - start, examples)


def _train_epoch(
    model: Seq2Seq, opt: Optimizer, train: DateBatch, batch_size: int, rng: np.random.Generator,
    report: Callable[[float], None],
) -> float:
    """One pass over ``train`` in length-bucketed batches; the mean loss per example."""
    variables = model.variables
    total = 0.0
    for idx in _length_buckets(train.lengths, batch_size, rng):
        part = train.take(idx)
        with GradientTape() as tape:
            loss = model.loss(part.source, part.target_in, part.target_out, part.lengths)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables, strict=True))
        total += float(loss.data) * len(idx)
        report(float(loss.data))
    return total / len(train)


def _blas_threads(threads: int | None) -> AbstractContextManager[Any]:
    """A cap on the BLAS threads while training (``None``: leave them be)."""
    if threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    limit: AbstractContextManager[Any] = threadpool_limits(threads)
    return limit


def _cosine_schedule(lr: float, total_steps: int, floor: float = 0.05) -> Any:
    """lr at step 1, falling along half a cosine to ``floor·lr`` at the last step."""

    def rate(step: int) -> float:
        progress = min(step, total_steps) / total_steps
        return lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))

    return rate


def _length_buckets(lengths: IntArray, batch_size: int, rng: np.random.Generator) -> list[IntArray]:
    """Shuffled batches of rows of similar source length (less padding, less work per batch)."""
    order = rng.permutation(len(lengths))
    order = order[np.argsort(lengths[order], kind="stable")]
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def plot_attention(model: Seq2Seq, source_ids: Any, path: str | Path) -> Path:
    """Draw where the decoder looks: output characters (rows) against source characters (columns)."""
    from matplotlib.figure import Figure  # no pyplot: draws to a file whatever backend is active

    src = np.asarray(source_ids)
    src = src[src != 0][None, :]
    ids, weights = model.greedy(src, np.array([src.shape[1]]))
    out_ids = ids[0]
    n_out = int(np.argmax(out_ids == model.eos)) + 1 if (out_ids == model.eos).any() else len(out_ids)
    w = weights[0, :n_out]
    src_chars = [SOURCE_VOCAB.tokens[i] for i in src[0]]
    out_chars = [TARGET_VOCAB.tokens[i] for i in out_ids[:n_out]]
    fig = Figure(figsize=(max(6.0, 0.35 * len(src_chars)), max(3.5, 0.4 * n_out)))
    ax = fig.add_subplot()
    ax.imshow(w, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(src_chars)), ["␣" if c == " " else c for c in src_chars])
    ax.set_yticks(range(n_out), out_chars)
    ax.set_xlabel("source characters (what the encoder read)")
    ax.set_ylabel("output characters (what the decoder wrote)")
    ax.set_title(f'attention weights: "{"".join(src_chars)}" -> "{TARGET_VOCAB.decode(out_ids, stop=model.eos)}"')
    fig.colorbar(ax.images[0], ax=ax, fraction=0.03, label="weight")
    fig.tight_layout()
    return save_figure(fig, path, dpi=120)
