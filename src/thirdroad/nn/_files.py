"""Files the engine writes and reads: checkpoints, their side files, pictures.

Every file is written *atomically*: under a temporary name in the same folder, flushed to
disk, then renamed over the target, so a crash mid-write leaves the old file (or none),
never half a file. The temporary file is created the way ``open(path, "w")`` creates one,
so its permissions follow the umask.
"""

from __future__ import annotations

import os
import secrets
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

from thirdroad.nn._errors import EngineError
from thirdroad.nn.numerics import Array

__all__ = ["CheckpointError", "atomic_write", "checkpoint_path", "read_arrays", "save_figure", "write_arrays"]


class CheckpointError(EngineError):
    """A checkpoint file cannot be read: damaged, truncated, or not a checkpoint at all."""


def checkpoint_path(path: str | os.PathLike[str]) -> Path:
    """The file a checkpoint name stands for, for saving and loading alike: ``"m"`` and
    ``"m.npz"`` are both ``m.npz`` (NumPy's ``savez`` adds the suffix the same way)."""
    target = Path(path)
    return target if target.suffix == ".npz" else target.with_name(target.name + ".npz")


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any]) -> Path:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it to ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open()
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def save_figure(fig: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """A matplotlib figure to ``path``, atomically, in the format its suffix names."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    return atomic_write(path, lambda fh: fig.savefig(fh, format=fmt, **options))


def write_arrays(path: str | os.PathLike[str], arrays: dict[str, Array]) -> Path:
    """Named arrays to an ``.npz`` checkpoint (the name resolved by :func:`checkpoint_path`)."""
    return atomic_write(checkpoint_path(path), lambda fh: np.savez(fh, **arrays))  # type: ignore[arg-type]


def read_arrays(path: str | os.PathLike[str]) -> dict[str, Array]:
    """The named arrays of an ``.npz`` checkpoint, all read in full (so that a damaged member
    is found here, not halfway through loading them into a model)."""
    source = checkpoint_path(path)
    try:
        with open(source, "rb") as fh:  # ours to close, whatever np.load makes of the bytes
            data = np.load(fh, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise CheckpointError(f"{source} holds one array, not a checkpoint of named arrays")
            with data:
                return {name: data[name] for name in data.files}
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, OSError) as err:
        if isinstance(err, FileNotFoundError | IsADirectoryError | PermissionError):
            raise
        raise CheckpointError(
            f"cannot read the checkpoint {source}: the file is damaged or truncated, "
            f"or not a checkpoint ({type(err).__name__}: {err})"
        ) from err
