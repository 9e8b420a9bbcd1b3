"""What version of the extraction a result comes from: a hash of this package's code and data files.

Caches (per-article results, stored frames, the dashboard's Parquet cache) and the workers of a distributed
build compare it, so an edited word list or step never serves results of the old one and no version number
has to be remembered to bump.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# Evaluation data does not change the frames.
_IGNORED = ("data/gold/", "data/newsmtsc/")
_BIG = 1_000_000  # models: size stands in for the bytes (hashing 45 MB at every build start is not free)


@lru_cache(maxsize=1)  # once per process: a running build or server does not pick up edits anyway
def code_fingerprint() -> str:
    h = hashlib.sha256()
    for p in sorted(PACKAGE.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts or p.suffix == ".pyc":
            continue
        rel = p.relative_to(PACKAGE).as_posix()
        if rel.startswith(_IGNORED):
            continue
        size = p.stat().st_size
        h.update(f"{rel}\0{size}\n".encode() if size > _BIG else rel.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]
