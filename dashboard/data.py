"""Where the dashboard's frames come from: the seeds plus uploaded files, built once per content.

The corpus key is a hash of every input file's bytes (and of the engine's own
code, so a new extractor never serves stale frames). For each key the frames
are built once, with a progress bar, and written to ``data/cache/<key>/`` as
Parquet (atomically: temp name + ``os.replace``); ``st.cache_data`` keeps the
loaded frames per process, so every session and rerun after the first reads
memory. Uploads go to the data folder (``data/uploads/`` or ``$RIFT_DATA_DIR``):
names sanitised, never overwritten, duplicates by content hash not stored twice.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import engine

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
UPLOAD_TYPES = ("txt", "html", "htm", "csv", "jsonl")
DEFAULT_MAX_UPLOAD_MB = 20
KEEP_CACHES = 4  # corpus versions kept on disk; older ones are removed


def data_dir() -> Path:
    """The folder uploaded files persist in."""
    return Path(os.environ.get("RIFT_DATA_DIR") or ROOT / "data" / "uploads")


def cache_root() -> Path:
    return Path(os.environ.get("RIFT_CACHE_DIR") or ROOT / "data" / "cache")


def frames_dir() -> Path | None:
    """A finished build to show instead of building the seeds and uploads (``RIFT_FRAMES_DIR``): the ``--out``
    folder of ``python -m analysis build``, local or ``--engine dask``, with articles.parquet and statements.parquet."""
    value = os.environ.get("RIFT_FRAMES_DIR")
    return Path(value).expanduser() if value else None


class FramesUnreadable(Exception):
    """The build folder named by RIFT_FRAMES_DIR cannot be shown; the message names the folder and the reason."""


def frames_key(folder: Path) -> str:
    """Changes when the build in ``folder`` is rewritten (name, size and modification time of its frames)."""
    h = hashlib.sha256(str(folder.resolve()).encode())
    for name in ("articles.parquet", "statements.parquet", "build_report.json"):
        try:
            st_ = (folder / name).stat()
        except OSError:
            continue
        h.update(f"{name}:{st_.st_size}:{st_.st_mtime_ns}".encode())
    return "build-" + h.hexdigest()[:16]


def read_build_output(folder: Path) -> Corpus:
    """The frames of a finished build, with its per-file report."""
    missing = [n for n in ("articles.parquet", "statements.parquet") if not (folder / n).is_file()]
    if missing:
        raise FramesUnreadable(f"{folder}: no {' or '.join(missing)} here (is it the --out folder of a build?)")
    try:
        articles = pd.read_parquet(folder / "articles.parquet")
        statements = pd.read_parquet(folder / "statements.parquet")
        articles, statements = _restore_dtypes(articles, statements)
    except Exception as exc:  # noqa: BLE001 - shown to the user with the folder and the reason
        raise FramesUnreadable(f"{folder}: the frames cannot be read ({type(exc).__name__}: {exc})") from None
    from analysis.document import FileReport

    lines = []
    try:
        files = json.loads((folder / "build_report.json").read_text(encoding="utf-8")).get("files", [])
        lines = [FileReport(str(r.get("file", "")), str(r.get("status", "")), str(r.get("reason") or ""),
                            int(r.get("articles") or 0)) for r in files if isinstance(r, dict)]
    except (OSError, ValueError, AttributeError, TypeError):
        pass  # the report is optional: the frames are what the pages show
    report = _report_frame(lines)
    built = pd.Timestamp((folder / "statements.parquet").stat().st_mtime, unit="s", tz="UTC")
    return Corpus(frames_key(folder), articles, statements, report, built, {"frames_dir": str(folder)})


def source_dirs() -> list[Path]:
    dirs = [SEEDS_DIR]
    up = data_dir()
    if up.is_dir():
        dirs.append(up)
    return dirs


def input_files(dirs: Iterable[Path] | None = None) -> list[Path]:
    """Every file the build reads (hidden and temporary files excluded)."""
    out: list[Path] = []
    for d in dirs if dirs is not None else source_dirs():
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*")):
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(d).parts):
                out.append(p)
    return out


_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, remembered per (path, size, mtime) so reruns do not re-read files."""
    st = path.stat()
    memo_key = (str(path), st.st_size, st.st_mtime_ns)
    h = _FILE_HASHES.get(memo_key)
    if h is None:
        h = hashlib.sha256(path.read_bytes()).hexdigest()
        _FILE_HASHES[memo_key] = h
    return h


def corpus_key(files: Iterable[Path] | None = None) -> str:
    """Content hash of the inputs (names relative to their folder + bytes) and of the engine."""
    files = list(files) if files is not None else input_files()
    h = hashlib.sha256()
    from analysis.version import code_fingerprint

    h.update(code_fingerprint().encode())  # a new extractor rebuilds
    for p in files:
        h.update(f"{p.name}\0{file_hash(p)}\n".encode())
    return h.hexdigest()[:20]


@dataclass
class Corpus:
    key: str
    articles: pd.DataFrame
    statements: pd.DataFrame
    report: pd.DataFrame  # file, status, reason, articles
    built_at: pd.Timestamp | None = None
    extra: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.articles.empty


REPORT_COLUMNS = ("file", "status", "reason", "articles")


def _report_frame(report) -> pd.DataFrame:
    rows = [
        {"file": r.file, "status": r.status, "reason": r.reason or "", "articles": int(r.articles or 0)}
        for r in report or []
    ]
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS)).astype(
        {"file": "string", "status": "string", "reason": "string", "articles": "int64"}
    )


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def cache_dir_for(key: str) -> Path:
    return cache_root() / key


def _cache_complete(folder: Path) -> bool:
    return (folder / "meta.json").is_file()


def write_cache(folder: Path, articles: pd.DataFrame, statements: pd.DataFrame, report: pd.DataFrame) -> None:
    """Write the frames, then meta.json last: a folder without it is incomplete and ignored."""
    for name, frame in (("articles", articles), ("statements", statements), ("report", report)):
        _atomic_write(folder / f"{name}.parquet", _to_parquet_bytes(frame))
    meta = {"built_at": pd.Timestamp.now(tz="UTC").isoformat(), "articles": len(articles), "statements": len(statements)}
    _atomic_write(folder / "meta.json", json.dumps(meta).encode())


def read_cache(folder: Path) -> Corpus | None:
    if not _cache_complete(folder):
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text())
        articles = pd.read_parquet(folder / "articles.parquet")
        statements = pd.read_parquet(folder / "statements.parquet")
        report = pd.read_parquet(folder / "report.parquet")
    except Exception:  # noqa: BLE001 - a corrupt cache is rebuilt, never fatal
        return None
    articles, statements = _restore_dtypes(articles, statements)
    return Corpus(folder.name, articles, statements, report, pd.Timestamp(meta.get("built_at")))


def _restore_dtypes(articles: pd.DataFrame, statements: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parquet returns list columns as numpy arrays; the schema says lists."""
    from analysis import schema

    return schema.conform(articles, schema.ARTICLE_COLUMNS), schema.conform(statements, schema.STATEMENT_COLUMNS)


def _prune_caches(keep: str) -> None:
    root = cache_root()
    if not root.is_dir():
        return
    folders = [p for p in root.iterdir() if p.is_dir() and _cache_complete(p) and p.name != keep]
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[KEEP_CACHES - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def build_frames(
    key: str,
    dirs: list[Path],
    progress: Callable[[int, int, str], None] | None = None,
) -> Corpus:
    """Build the corpus with the engine and store it under ``key`` (in a temp dir if the cache is read-only)."""
    result = engine.build_corpus(dirs, cache_dir=cache_root() / "articles", progress=progress)
    report = _report_frame(result.report)
    corpus = Corpus(key, result.articles, result.statements, report, pd.Timestamp.now(tz="UTC"))
    for folder in (cache_dir_for(key), Path(tempfile.gettempdir()) / "rift-cache" / key):
        try:
            write_cache(folder, corpus.articles, corpus.statements, corpus.report)
            if folder == cache_dir_for(key):
                _prune_caches(key)
            break
        except OSError:
            continue
    return corpus


def lean(corpus: Corpus) -> Corpus:
    """The corpus as the dashboard holds it: statements in the compact form (categoricals, Arrow lists), which
    at a million statements takes about 40 % of the memory and keeps every page's filtering under 300 ms."""
    from analysis.schema_compact import compact_statements

    return Corpus(corpus.key, corpus.articles, compact_statements(corpus.statements), corpus.report,
                  corpus.built_at, corpus.extra)


def find_cached(key: str) -> Path | None:
    for folder in (cache_dir_for(key), Path(tempfile.gettempdir()) / "rift-cache" / key):
        if _cache_complete(folder):
            return folder
    return None


def load_or_build(key: str, dirs: list[Path], progress=None) -> Corpus:
    folder = find_cached(key)
    if folder is not None:
        corpus = read_cache(folder)
        if corpus is not None:
            return corpus
    return build_frames(key, dirs, progress)


# ---------------------------------------------------------------------------
# Streamlit: one load per process and content key
# ---------------------------------------------------------------------------


def _cached_loader():
    import streamlit as st

    # cache_resource, not cache_data: every session shares one read-only copy of the frames (pages never
    # modify them; pandas copy-on-write makes derived frames independent). cache_data would unpickle a fresh
    # copy on every rerun: seconds and another copy in memory at a million statements.
    @st.cache_resource(show_spinner=False, max_entries=3)
    def frames(key: str, dirs: tuple[str, ...], prebuilt: str | None = None) -> Corpus:
        if prebuilt is not None:
            return lean(read_build_output(Path(prebuilt)))
        # Reached only after ensure_built, so this reads the Parquet cache (no UI inside a cached function).
        return lean(load_or_build(key, [Path(d) for d in dirs]))

    return frames


_LOADER = None


def load_corpus() -> Corpus:
    """The current corpus for the app: builds with a progress bar on first use of a content key."""
    import streamlit as st

    global _LOADER
    if _LOADER is None:
        _LOADER = _cached_loader()
    prebuilt = frames_dir()
    if prebuilt is not None:
        return _LOADER(frames_key(prebuilt), (), str(prebuilt))
    dirs = source_dirs()
    key = corpus_key(input_files(dirs))
    if find_cached(key) is None:
        # Sessions arriving while a corpus is being built wait for that build instead of starting their own.
        with _build_lock(key):
            if find_cached(key) is None:
                _build_with_progress(st, key, dirs)
    return _LOADER(key, tuple(str(d) for d in dirs))


_BUILD_LOCKS: dict[str, threading.Lock] = {}
_BUILD_LOCKS_GUARD = threading.Lock()


def _build_lock(key: str) -> threading.Lock:
    with _BUILD_LOCKS_GUARD:
        return _BUILD_LOCKS.setdefault(key, threading.Lock())


def _build_with_progress(st, key: str, dirs: list[Path]) -> None:
    if True:
        bar = st.progress(0.0, text="Building the corpus from the articles (first visit only)…")
        t0 = time.perf_counter()

        def progress(done: int, total: int, name: str) -> None:
            frac = done / total if total else 1.0
            bar.progress(min(1.0, frac), text=f"Building the corpus: {done}/{total} articles ({time.perf_counter() - t0:.0f} s)")

        build_frames(key, dirs, progress)
        bar.empty()


def forget_cached_frames() -> None:
    """Drop in-memory frames (after an upload the key changes anyway; this frees the old copy)."""
    if _LOADER is not None:
        _LOADER.clear()


# ---------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name that cannot leave the data folder: no directories, no leading dots, plain characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._-")[:80] or "upload"
    ext = _UNSAFE.sub("", ext).lower()[:10]
    return f"{stem}.{ext}" if ext else stem


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    if not target.exists():
        return target
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    for n in range(2, 10_000):
        candidate = folder / (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
        if not candidate.exists():
            return candidate
    raise OSError("no free file name")


def _claim_name(folder: Path, name: str) -> Path:
    """Reserve a free name with an exclusive create, so two sessions uploading the same name at once
    never overwrite each other; the atomic write then replaces the empty placeholder."""
    for _ in range(10_000):
        target = _free_name(folder, name)
        try:
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return target
    raise OSError("no free file name")


@dataclass
class SavedUpload:
    original: str
    stored_as: str | None
    status: str  # stored | duplicate | rejected
    reason: str = ""


def existing_hashes(dirs: Iterable[Path] | None = None) -> dict[str, str]:
    """content hash -> file name, for every input file (seeds and uploads)."""
    return {file_hash(p): p.name for p in input_files(dirs)}


def max_upload_mb() -> int:
    try:
        import streamlit as st

        return int(st.get_option("server.maxUploadSize"))
    except Exception:  # noqa: BLE001
        return DEFAULT_MAX_UPLOAD_MB


def save_uploads(files: Iterable[tuple[str, bytes]], folder: Path | None = None, max_mb: int | None = None) -> list[SavedUpload]:
    """Store uploaded (name, bytes) pairs in the data folder; never overwrite, never store a duplicate."""
    folder = folder or data_dir()
    limit = (max_mb if max_mb is not None else max_upload_mb()) * 1024 * 1024
    known = existing_hashes([SEEDS_DIR, folder])
    out: list[SavedUpload] = []
    for original, data in files:
        name = safe_name(original)
        ext = name.rpartition(".")[2].lower() if "." in name else ""
        if ext not in UPLOAD_TYPES:
            out.append(SavedUpload(original, None, "rejected", f"unsupported type .{ext or '?'}; use " + ", ".join(UPLOAD_TYPES)))
            continue
        if len(data) > limit:
            out.append(SavedUpload(original, None, "rejected", f"{len(data) / 1e6:.1f} MB is over the {limit // (1024 * 1024)} MB limit"))
            continue
        if not data.strip():
            out.append(SavedUpload(original, None, "rejected", "empty file"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in known:
            out.append(SavedUpload(original, None, "duplicate", f"same content as {known[digest]}; not stored again"))
            continue
        target = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = _claim_name(folder, name)
            _atomic_write(target, data)
        except BaseException as exc:
            if target is not None:  # never leave the empty placeholder of a failed upload behind
                target.unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise
            # full disk, read-only folder: this file is rejected, the others go on
            out.append(SavedUpload(original, None, "rejected", f"could not be stored: {exc.strerror or exc}"))
            continue
        known[digest] = target.name
        reason = "" if target.name == original else f"stored as {target.name}"
        if name == "sources.csv" and target.name != name:
            reason += ("; only the file named sources.csv is read as the sidecar: merge its rows into that file "
                       "and upload it again after removing the old one")
        out.append(SavedUpload(original, target.name, "stored", reason))
    return out


def uploaded_files(folder: Path | None = None) -> list[Path]:
    return input_files([folder or data_dir()])


def remove_upload(name: str, folder: Path | None = None) -> bool:
    folder = folder or data_dir()
    target = folder / safe_name(name)
    if target.parent.resolve() != folder.resolve() or not target.is_file():
        return False
    target.unlink()
    return True
