"""What version of the extraction a result comes from: a hash of this package's code and data files.

Caches (per-article results, stored frames, the dashboard's Parquet cache) and the workers of a distributed
build compare it, so an edited word list or step never serves results of the old one and no version number
has to be remembered to bump.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# Evaluation data does not change the frames.
_IGNORED = ("data/gold/", "data/newsmtsc/")
_BIG = 1_000_000  # models: size stands in for the bytes (hashing 45 MB at every build start is not free)


@lru_cache(maxsize=1)  # once per process: a running build or server does not pick up edits anyway
def code_fingerprint() -> str:
    """A hash of the package's files. Reading and hashing them cost every build 8 ms, a seventh of a rebuild with
    nothing changed: the hash is kept (``regexes.memo``) under each file's path, size and modification time, as
    the inputs of a build are fingerprinted, so only an edit makes it read them again."""
    from . import regexes  # (which imports nothing of the package's steps)

    files = _package_files()
    stats = [f"{rel}\0{st.st_size}\0{st.st_mtime_ns}" for rel, _, st in files]
    return regexes.memo("code-fingerprint", stats, lambda: _hash_files(files), code=[__name__])


def _package_files() -> list[tuple[str, Path, os.stat_result]]:
    """``(path relative to the package, path, stat)`` of each file that shapes the frames, by relative path."""
    out = []
    for folder, dirs, names in os.walk(PACKAGE):
        rel_folder = Path(folder).relative_to(PACKAGE).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = [d for d in dirs if d != "__pycache__" and not (prefix + d + "/").startswith(_IGNORED)]
        for name in names:
            if name.endswith(".pyc"):
                continue
            path = Path(folder, name)
            st = path.stat()
            out.append((prefix + name, path, st))
    return sorted(out, key=lambda f: f[0])


def _hash_files(files: list[tuple[str, Path, os.stat_result]]) -> str:
    h = hashlib.sha256()
    for rel, path, st in files:
        h.update(f"{rel}\0{st.st_size}\n".encode() if st.st_size > _BIG else rel.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]
