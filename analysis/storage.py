"""Files the project writes: always to a temporary name in the same folder, then renamed.

A crash never leaves half a file; a cache that cannot be read (truncated, corrupt, another format) is
reported and treated as absent, so it is rebuilt.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_parquet_atomic(frame: pd.DataFrame, path: Path) -> None:
    import io
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    atomic_write_bytes(path, buf.getvalue())


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    atomic_write_bytes(path, frame.to_csv(index=False).encode("utf-8"))


def write_pickle_atomic(path: Path, obj) -> None:
    atomic_write_bytes(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle_cache(path: Path):
    """The cached object, or None when missing or unreadable (reported in the log, then rebuilt)."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception as exc:  # truncated or corrupt cache: rebuild rather than fail
        log.warning("cache %s is unreadable (%s: %s); rebuilding it", path, type(exc).__name__, exc)
        return None


def read_parquet_checked(path: Path) -> pd.DataFrame | None:
    path = Path(path)
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:
        log.warning("frame %s is unreadable (%s: %s); rebuilding it", path, type(exc).__name__, exc)
        return None
