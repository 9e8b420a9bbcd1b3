"""The steps' TOML data files, parsed once per machine rather than once per process.

``tomllib`` is pure Python: the data files cost every extracting process about 15 ms to parse (the actor file
alone 8 ms), more than a tenth of its start-up. The parsed value is kept with ``regexes.memo`` under the file's
text, so an edited file is parsed again, and stored as ``marshal`` bytes, so that every call returns a value of its
own, as ``tomllib`` does (a caller may change what it gets without changing what the next one gets).

A file whose value ``marshal`` cannot store (TOML dates and times) is parsed in every process, as before.
"""
from __future__ import annotations

import marshal
import tomllib
from pathlib import Path

from . import regexes

__all__ = ["read_toml", "loads_toml"]


def loads_toml(text: str) -> dict:
    """``tomllib.loads(text)``, parsed by an earlier process when the same text was parsed before."""
    stored = regexes.memo("toml", [text], lambda: _marshalled(text), code=[__name__])
    if stored is None:
        return tomllib.loads(text)
    return marshal.loads(stored)


def read_toml(path: Path | str) -> dict:
    """``tomllib.load(open(path, "rb"))``: the bytes read as UTF-8, without newline translation."""
    return loads_toml(Path(path).read_bytes().decode())


def _marshalled(text: str) -> bytes | None:
    value = tomllib.loads(text)  # a malformed file raises here, in every process, as before
    try:
        return marshal.dumps(value)
    except ValueError:  # dates and times: not marshal's types
        return None
