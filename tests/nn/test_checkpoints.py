"""Checkpoints: one name for saving and loading, all-or-nothing loading, atomic files whose
permissions follow the umask, and a clear error that names a damaged file."""

from __future__ import annotations

import ast
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from thirdroad import nn
from thirdroad.nn.seq2seq import Seq2Seq


def _model(seed: int = 0) -> nn.Sequential:
    return nn.Sequential(nn.Dense(3, 4, seed=seed), nn.Dense(4, 2, seed=seed + 1))


def _values(model: nn.Module) -> list[np.ndarray]:
    return [v.numpy().copy() for _, v in model.named_variables()]


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("saved_as", "loaded_as"), [("m", "m"), ("m", "m.npz"), ("m.npz", "m"), ("m.npz", "m.npz")])
def test_save_and_load_resolve_the_same_name(tmp_path: Path, saved_as: str, loaded_as: str) -> None:
    a, b = _model(0), _model(5)
    written = a.save(tmp_path / saved_as)
    assert written == tmp_path / "m.npz" and os.listdir(tmp_path) == ["m.npz"]
    b.load(tmp_path / loaded_as)
    for x, y in zip(_values(a), _values(b), strict=True):
        np.testing.assert_array_equal(x, y)


def test_seq2seq_checkpoint_by_a_bare_name(tmp_path: Path) -> None:
    model = Seq2Seq(7, 6, n_embed=4, n_hidden=6, seed=0)
    model.save_checkpoint(tmp_path / "s2s")
    assert sorted(os.listdir(tmp_path)) == ["s2s.json", "s2s.npz"]
    for name in ("s2s", "s2s.npz"):
        again = Seq2Seq.from_checkpoint(tmp_path / name)
        for x, y in zip(_values(model), _values(again), strict=True):
            np.testing.assert_array_equal(x, y)


def _broken_states(model: nn.Module) -> Iterator[tuple[str, dict[str, object], type[Exception]]]:
    good = {k: v + 1 for k, v in model.state_dict().items()}
    last = list(good)[-1]
    yield "the last shape is wrong", {**good, last: np.zeros(7, np.float32)}, nn.ShapeError
    yield "the last values are not numbers", {**good, last: np.array(["a", "b"])}, nn.EngineError
    yield "one name is missing", {k: v for k, v in good.items() if k != last}, nn.EngineError
    yield "one name is unknown", {**good, "extra": np.zeros(1)}, nn.EngineError


def test_load_state_dict_checks_everything_before_it_changes_anything() -> None:
    model = _model()
    before = _values(model)
    for why, state, error in _broken_states(model):
        with pytest.raises(error):
            model.load_state_dict(state)
        for x, y in zip(before, _values(model), strict=True):
            np.testing.assert_array_equal(x, y, err_msg=why)


def test_a_non_strict_load_skips_unknown_names_and_fills_the_rest() -> None:
    model = _model()
    state = {k: v + 1 for k, v in model.state_dict().items()}
    model.load_state_dict({**state, "extra": np.zeros(1)}, strict=False)
    for (name, v), want in zip(model.named_variables(), state.values(), strict=True):
        np.testing.assert_array_equal(v.numpy(), want, err_msg=name)


def test_files_follow_the_umask(tmp_path: Path, umask: None) -> None:
    for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        os.umask(mask)
        target = tmp_path / f"u{mask:o}"
        Seq2Seq(7, 6, n_embed=4, n_hidden=6, seed=0).save_checkpoint(target)
        for suffix in (".npz", ".json"):
            assert stat.S_IMODE(os.stat(target.with_suffix(suffix)).st_mode) == mode, (mask, suffix)


def test_a_crash_while_writing_the_side_file_leaves_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = Seq2Seq(7, 6, n_embed=4, n_hidden=6, seed=0)
    model.save_checkpoint(tmp_path / "m")
    before = (tmp_path / "m.json").read_bytes()
    model.config["n_hidden"] = 99  # what the half-written side file would say
    real_fsync = os.fsync

    def power_cut(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp") and ".m.json." in os.readlink(f"/proc/self/fd/{fd}"):
            raise KeyboardInterrupt("power cut")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(KeyboardInterrupt):
        model.save_checkpoint(tmp_path / "m")
    assert (tmp_path / "m.json").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.json", "m.npz"]  # no temporary file left behind


def test_the_engine_writes_files_only_through_the_atomic_writer() -> None:
    """Every file the engine writes goes through _files.atomic_write (checkpoints, side files,
    pictures): no direct write_text, write_bytes, savefig, np.save or open(..., "w")."""
    root = Path(nn.__file__).parent
    direct = {"write_text", "write_bytes", "savez", "save", "savefig", "savez_compressed"}
    for path in root.rglob("*.py"):
        if path.name == "_files.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in direct:
                owner = ast.unparse(node.func.value)
                assert owner not in {"np", "fig", "numpy"} and node.func.attr not in {"write_text", "write_bytes"}, (
                    f"{path.name}:{node.lineno} {ast.unparse(node)}"
                )
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
                modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
                assert not any("w" in str(m) or "a" in str(m) for m in modes), f"{path.name}:{node.lineno}"


def _damaged(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    _model().save(tmp_path / "good.npz")
    good = (tmp_path / "good.npz").read_bytes()
    (tmp_path / "truncated.npz").write_bytes(good[: len(good) // 2])
    yield "truncated", tmp_path / "truncated.npz"
    (tmp_path / "short.npz").write_bytes(good[:200])
    yield "cut in its first entry", tmp_path / "short.npz"
    flipped = bytearray(good)
    at = good.index(b"\x93NUMPY") + 140  # inside the first array's numbers
    flipped[at : at + 8] = bytes(255 - b for b in flipped[at : at + 8])
    (tmp_path / "flipped.npz").write_bytes(bytes(flipped))
    yield "bytes changed (the zip's checksum no longer matches)", tmp_path / "flipped.npz"
    (tmp_path / "text.npz").write_text("not a checkpoint\n")
    yield "not a checkpoint at all", tmp_path / "text.npz"
    np.save(tmp_path / "single.npy", np.zeros(3))
    os.replace(tmp_path / "single.npy", tmp_path / "single.npz")
    yield "one bare array", tmp_path / "single.npz"


def test_a_damaged_checkpoint_gets_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    model = _model()
    before = _values(model)
    for why, path in _damaged(tmp_path):
        with pytest.raises(nn.CheckpointError, match=re.escape(str(path))) as caught:
            model.load(path)
        assert isinstance(caught.value, nn.EngineError), why
        for x, y in zip(before, _values(model), strict=True):
            np.testing.assert_array_equal(x, y, err_msg=why)
    with pytest.raises(FileNotFoundError, match=r"nothing\.npz"):
        model.load(tmp_path / "nothing")


def test_a_damaged_seq2seq_side_file_is_named(tmp_path: Path) -> None:
    Seq2Seq(7, 6, n_embed=4, n_hidden=6, seed=0).save_checkpoint(tmp_path / "m")
    (tmp_path / "m.json").write_text('{"src_vocab": 7, "tgt_v')
    with pytest.raises(nn.CheckpointError, match=r"m\.json"):
        Seq2Seq.from_checkpoint(tmp_path / "m")
    (tmp_path / "m.json").write_text('{"colour": "red"}')
    with pytest.raises(nn.CheckpointError, match=r"m\.json"):
        Seq2Seq.from_checkpoint(tmp_path / "m")
