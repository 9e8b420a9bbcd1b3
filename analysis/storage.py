"""Files the project writes: always to a temporary name in the same folder, then renamed.

A crash never leaves half a file; a cache that cannot be read (truncated, corrupt, another format) is
reported and treated as absent, so it is rebuilt.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


@contextmanager
def _replacing(path: Path):
    """``(fd, name)`` of a hidden temporary file beside ``path`` to write (the writer closes ``fd``); renamed over
    ``path`` when the block ends, removed if it fails. A hidden name in the same folder: os.replace is then
    atomic, and the reader and the dashboard skip hidden files, so a temp file left by a killed process is never
    read as an article or a frame."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode of the file replaced, else an ordinary 0644.
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        os.fchmod(fd, mode)
        yield fd, tmp
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """``durable=False`` skips the fsync: for caches, which are rebuilt when found torn after a power cut."""
    with _replacing(path) as (fd, _), os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        if durable:
            os.fsync(f.fileno())


def write_feather_cache(frame: pd.DataFrame, path: Path) -> None:
    """A frame as an Arrow (Feather) file, zstd-compressed (several times smaller, no slower to write or read),
    written by pyarrow straight to the temporary name; no fsync: a cache found torn is rebuilt.

    A frame joined from many slices (a rebuild's delta) is written as one block per column: written as it is, each
    slice became a record batch of its own, and reading 560 rows in 21 batches took 30 ms, as long as 26,000 rows
    in one."""
    import pyarrow as pa
    from pyarrow import feather

    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    if table.num_columns and table.column(0).num_chunks > 8:
        table = table.combine_chunks()
    with _replacing(path) as (fd, tmp):
        os.close(fd)
        feather.write_feather(table, tmp, compression="zstd")


def write_parquet_atomic(frame: pd.DataFrame, path: Path) -> None:
    import io
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    atomic_write_bytes(path, buf.getvalue())


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    # CRLF (RFC 4180) so a cell holding a bare CR is quoted, never read as the start of a new row.
    atomic_write_bytes(path, frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8"))


def write_pickle_atomic(path: Path, obj, durable: bool = True) -> None:
    atomic_write_bytes(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), durable)


def read_pickle_checked(path: Path) -> tuple[object | None, str | None]:
    """``(object, None)``; ``(None, None)`` when the file does not exist; ``(None, reason)`` when it exists but
    cannot be read (truncated, corrupt, another format): the caller reports the reason and rebuilds.

    Only caches this project wrote are read: pickle runs code on load, so a cache folder must never be shared
    with or writable by others (uploads go to another folder under sanitised names and cannot land here).
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            return pickle.load(f), None
    except FileNotFoundError:
        return None, None
    except Exception as exc:  # truncated or corrupt cache: rebuild rather than fail
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        log.warning("cache %s is unreadable (%s); rebuilding it", path, reason)
        return None, reason


def read_pickle_cache(path: Path):
    """The cached object, or None when missing or unreadable (reported in the log, then rebuilt)."""
    return read_pickle_checked(path)[0]


def read_parquet_checked(path: Path) -> pd.DataFrame | None:
    """The frame, or None when missing or unreadable (reported in the log, then rebuilt)."""
    return read_parquet_report(path)[0]


def read_parquet_report(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    """Like ``read_pickle_checked`` for a Parquet file: ``(frame, None)``, ``(None, None)`` when missing,
    ``(None, reason)`` when the file exists but is not readable Parquet."""
    path = Path(path)
    if not path.exists():
        return None, None
    try:
        return pd.read_parquet(path), None
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        log.warning("frame %s is unreadable (%s); rebuilding it", path, reason)
        return None, reason
