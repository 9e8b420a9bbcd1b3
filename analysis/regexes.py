"""Compiled regular expressions, and what the steps derive from their patterns, kept between processes, as
Python keeps bytecode in ``__pycache__``.

The steps compile about 640 regular expressions (cue words, date grammar, actor names), some of them thousands
of characters long. CPython compiles a pattern in Python code (parse, then code generation) and cannot persist the
result, so every process that extracts paid about 0.2 s for them before its first article: most of a rebuild
that adds ten articles, and once more in each worker of a parallel build.

``compile(pattern, flags)`` returns the same ``re.Pattern`` as ``re.compile`` (of a str or bytes pattern). What
the engine runs is a list of integers (the "code") that the ``_sre`` C module turns into a pattern object; this
module stores that list (as the bytes of an array of the engine's code words), keyed by the pattern and its flags,
in a file made for one build of Python (its version, the engine's magic number and code size, the byte order),
and gives it back to ``_sre.compile`` in the next process. Safeguards:

* An entry is stored only after the pattern it makes compares equal to ``re.compile``'s (pattern objects compare
  their pattern, flags and code), so a Python whose compiler differs from the steps below stores nothing.
* Any failure (no such private function, another signature, an unreadable or foreign file) falls back to
  ``re.compile``: the cache can only make start-up faster, never change a match.
* The file is ``marshal`` data (lists, tuples, strings, numbers), which loading cannot turn into running code,
  written to a temporary file and renamed, so readers never see half of it.

``memo(kind, inputs, compute, code)`` keeps what the steps build from their data files before they compile it (the
prefix tree of 20,000 actor names, the first letters each cue pattern can match: another 0.08 s; the parsed TOML
data files, see ``datafiles.py``; TextBlob's sentiment lexicon, see ``scoring.py``; the loaded actor index, see
``actors.ActorIndex.from_file``), under a digest of the inputs and of the source files of the code that computes it:
editing either computes it again.

Where: ``$ANALYSIS_REGEX_CACHE`` (a folder, or ``off``), else ``$XDG_CACHE_HOME/armenia-russia-rift``, else
``~/.cache/armenia-russia-rift``. Saving is best effort: a read-only home only costs the start-up time.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import threading
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, TypeVar

try:  # private modules of CPython's re; any Python without them simply compiles
    import _sre
    from re import _compiler as _re_compiler, _parser as _re_parser
except ImportError:  # pragma: no cover - another Python implementation
    _sre = None

_FORMAT = 2  # 2: the code stored as machine words (bytes), not as a list of numbers
_re_compile = re.compile  # the reference every stored entry is checked against
_lock = threading.Lock()
_known: dict[tuple, tuple] | None = None  # loaded lazily, on the first compile
_new: dict[tuple, tuple] = {}
_hits: set[tuple] = set()
# Edited cue or actor files leave their old patterns behind; past this many entries a save keeps only the patterns
# this process used (the steps compile about 700, and the lazily compiled ones grow with the corpus).
_MAX_ENTRIES = 5000
# Every process loads the whole file, and each edit of the actor file or its loader leaves a stale loaded index of
# ~0.45 MB behind (``actors.ActorIndex.from_file``): past this size too a save keeps only what this process used.
_MAX_BYTES = 8 << 20
# The array type whose items are the engine's code words. Stored as bytes, the code of 700 patterns loads in under
# a millisecond; as lists of numbers, marshal made an int object of each of 600,000 words (7-12 ms per process).
_CODE_TYPE = next((t for t in "ILQ" if _sre is not None and array(t).itemsize == getattr(_sre, "CODESIZE", 0)), None)


def cache_file() -> Path | None:
    """The file of this Python build, or None when the cache is off or CPython's engine is not there."""
    if _sre is None:
        return None
    setting = os.environ.get("ANALYSIS_REGEX_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        folder = Path(setting).expanduser()
    else:
        try:
            base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        except RuntimeError:  # no home directory to be found
            return None
        folder = Path(base) / "armenia-russia-rift"
    magic, codesize = getattr(_sre, "MAGIC", None), getattr(_sre, "CODESIZE", None)
    if magic is None or _CODE_TYPE is None or not sys.implementation.cache_tag:
        return None  # an engine this module does not know how to tell apart: no cache
    # and the byte order: the code words are stored as this machine writes them
    build = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{magic}-{codesize}-{sys.byteorder}"
    return folder / f"regex-{build}.marshal"


def _load() -> dict[tuple, tuple]:
    path = cache_file()
    if path is None:
        return {}
    try:
        data = marshal.loads(path.read_bytes())
        if not (isinstance(data, tuple) and len(data) == 2 and data[0] == _FORMAT and isinstance(data[1], dict)):
            return {}
        return data[1]
    except (OSError, ValueError, EOFError, TypeError):
        return {}


def _entries() -> dict:
    """What the file held when this process first needed it, plus what it saved since."""
    global _known
    if _known is None:
        with _lock:
            if _known is None:
                _known = _load()
    return _known


def _entry_of(pattern: str | bytes, flags: int) -> tuple:
    """What ``re._compiler.compile`` hands ``_sre.compile`` after the pattern string (CPython 3.11-3.13)."""
    p = _re_parser.parse(pattern, flags)
    code = _re_compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    # array(): the opcodes are named int subclasses, which marshal does not store; a word too large is an error
    return (int(flags | p.state.flags), array(_CODE_TYPE, code).tobytes(), p.state.groups - 1, groupindex,
            tuple(indexgroup))


def _compile_entry(pattern: str | bytes, entry: tuple) -> re.Pattern:
    flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, flags, array(_CODE_TYPE, code).tolist(), groups, groupindex, indexgroup)


def compile(pattern: str | bytes, flags: int = 0) -> re.Pattern:  # noqa: A001 - the same call as re.compile
    """``re.compile(pattern, flags)``, from the cache when this Python build compiled it before."""
    flags = int(flags)
    if _sre is None or not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        return _re_compile(pattern, flags)
    key = (pattern, flags)
    entry = _entries().get(key)
    if entry is not None:
        try:
            compiled = _compile_entry(pattern, entry)
            _hits.add(key)
            return compiled
        except Exception:  # noqa: BLE001 - a foreign or damaged entry: compile it as re does
            pass
    compiled = _re_compile(pattern, flags)
    if cache_file() is not None:
        try:
            entry = _entry_of(pattern, flags)
            if _compile_entry(pattern, entry) == compiled:
                _new[key] = entry
        except Exception:  # noqa: BLE001 - this Python compiles otherwise: nothing is stored
            pass
    return compiled


T = TypeVar("T")


@lru_cache(maxsize=None)
def _source_digest(module: str) -> bytes | None:
    try:
        return hashlib.blake2b(Path(sys.modules[module].__file__).read_bytes(), digest_size=16).digest()
    except (KeyError, TypeError, OSError):
        return None


def memo(kind: str, inputs: Iterable[str], compute: Callable[[], T], code: Iterable[str]) -> T:
    """``compute()``, kept between processes under ``kind``, the ``inputs`` and the source files of the modules
    named in ``code`` (those that define ``compute`` and whatever it calls): a change to any of them computes it
    again. The result must be made of strings, numbers, tuples, lists and dicts (``marshal``'s types)."""
    if cache_file() is None:
        return compute()
    h = hashlib.blake2b(kind.encode(), digest_size=20)
    for module in code:
        digest = _source_digest(module)
        if digest is None:  # code that cannot be fingerprinted is never reused
            return compute()
        h.update(digest)
    for s in inputs:
        h.update(s.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    key = ("memo", kind, h.hexdigest())
    known = _entries()
    if key in known:
        _hits.add(key)
        return known[key]
    value = compute()
    try:
        marshal.dumps(value)
    except ValueError:  # not marshal's types: computed in each process
        return value
    _new[key] = value
    return value


def save() -> int:
    """Add the patterns compiled since the last save to the file (merged with what another process wrote
    meanwhile); returns how many were new. Called at the end of a build and by workers as they exit."""
    from .storage import atomic_write_bytes  # imports pandas: not needed before a save

    if not _new:
        return 0
    path = cache_file()
    if path is None:
        return 0
    with _lock:
        fresh = dict(_new)
        _new.clear()
        merged = _load()
        merged.update(fresh)
        try:
            data = marshal.dumps((_FORMAT, merged))
            if len(merged) > _MAX_ENTRIES or len(data) > _MAX_BYTES:
                merged = {k: v for k, v in merged.items() if k in fresh or k in _hits}
                data = marshal.dumps((_FORMAT, merged))
            atomic_write_bytes(path, data, durable=False)
        except (OSError, ValueError):
            return 0
        if _known is not None:
            _known.update(fresh)
    return len(fresh)
