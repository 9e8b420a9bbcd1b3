"""Faults: a crash while writing, a corrupt cache or output, an article whose processing blows up.

Every file the project writes (frames, per-article cache, build report, CSV exports, dashboard cache,
uploads) goes to a hidden temporary name in the same folder and is renamed over the target, so a
crash leaves either the old file or the new one, never half of one. A cache or frame that cannot be
read is reported and rebuilt. One article that fails costs that article only.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pytest

import analysis.pipeline as pipeline
from analysis import schema, storage
from analysis.cli import main as cli_main
from analysis.pipeline import build_corpus

ARTICLES = {
    "mirzoyan.txt": ("Yerevan, 11 March 2025. Foreign Minister Ararat Mirzoyan said Armenia would “seek guarantees "
                     "elsewhere” if the CSTO kept silent about the border. Moscow called the remark unfriendly.\n"),
    "peskov.txt": ("Moscow, 12 March 2025. Kremlin spokesman Dmitry Peskov told reporters that Russia “remains "
                   "Armenia's main ally” and accused Western envoys of stirring tension in the South Caucasus.\n"),
    "grigoryan.txt": ("Mher Grigoryan, Armenia's deputy prime minister, said on 13 March 2025 that talks with Baku "
                      "on the border commission would resume in April.\n"),
}


def corpus(folder: Path, names=ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(ARTICLES[name], encoding="utf-8")
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


# ------------------------------------------------------------------------------------------------------
# Crash mid-write: the old file stays, no half file, no temp file


class Crash(RuntimeError):
    pass


def _crash(*args, **kwargs):
    raise Crash("simulated crash")


FRAME = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
WRITERS = {
    "bytes": lambda p: storage.atomic_write_bytes(p, b"new contents"),
    "parquet": lambda p: storage.write_parquet_atomic(FRAME, p),
    "csv": lambda p: storage.write_csv_atomic(FRAME, p),
    "pickle": lambda p: storage.write_pickle_atomic(p, {"new": 1}),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_crash_before_the_rename_leaves_the_old_file_intact(tmp_path, monkeypatch, writer):
    target = tmp_path / "out" / "file.bin"
    target.parent.mkdir()
    target.write_bytes(b"old contents")
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(Crash):
        WRITERS[writer](target)
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("writer", WRITERS)
def test_a_crash_in_the_middle_of_writing_leaves_no_half_file(tmp_path, monkeypatch, writer):
    """The disk fills up after some bytes: the target never sees them."""
    target = tmp_path / "file.bin"
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: HalfWriter(real_fdopen(fd, mode, *a, **k)))
    with pytest.raises(OSError):
        WRITERS[writer](target)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_new_file_keeps_the_mode_of_the_one_it_replaces(tmp_path):
    target = tmp_path / "shared.parquet"
    storage.write_parquet_atomic(FRAME, target)
    assert target.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
    target.chmod(0o640)
    storage.write_parquet_atomic(FRAME, target)
    assert target.stat().st_mode & 0o777 == 0o640


def test_every_file_the_build_command_writes_arrives_by_rename(tmp_path, monkeypatch):
    renamed: list[Path] = []
    real_replace = os.replace

    def recording_replace(src, dst):
        renamed.append(Path(dst).resolve())
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    out = tmp_path / "out"
    assert cli_main(["build", str(corpus(tmp_path / "c")), "--out", str(out), "--csv", "--workers", "1"]) == 0
    written = sorted(p.resolve() for p in out.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {"articles.parquet", "statements.parquet", "articles.csv", "statements.csv",
                                         "build_report.json", f"articles-v{pipeline.PIPELINE_VERSION}.pkl"}
    assert [p for p in written if p not in renamed] == []


def test_a_crash_while_writing_the_outputs_keeps_the_previous_outputs(tmp_path, monkeypatch):
    folder, out = corpus(tmp_path / "c"), tmp_path / "out"
    assert cli_main(["build", str(folder), "--out", str(out), "--workers", "1"]) == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    (folder / "late.txt").write_text("Armenian officials said on 2 April 2025 that the Russian border guards "
                                     "would leave Zvartnots airport.\n", encoding="utf-8")
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(Crash):
        cli_main(["build", str(folder), "--out", str(out), "--workers", "1", "--no-cache"])
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert leftovers(out) == []


# ------------------------------------------------------------------------------------------------------
# A corrupt per-article cache or frame is detected, reported and rebuilt


def _cache_file(cache_dir: Path, which: str) -> Path:
    return cache_dir / f"{which}-v{pipeline.PIPELINE_VERSION}.pkl"


CORRUPTIONS = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "garbage": lambda p: p.write_bytes(os.urandom(64)),
    "wrong contents": lambda p: p.write_bytes(pickle.dumps(["not", "a", "cache"])),
    "wrong entries": lambda p: p.write_bytes(pickle.dumps({"key": "not a (article, rows) pair"})),
}


@pytest.mark.parametrize("damage", CORRUPTIONS)
@pytest.mark.parametrize("which", ["articles", "frames"])
def test_a_corrupt_cache_is_reported_and_rebuilt(tmp_path, damage, which):
    """``articles``: the per-article results; ``frames``: the whole result of an unchanged corpus."""
    folder, cache = corpus(tmp_path / "c", ["mirzoyan.txt", "peskov.txt"]), tmp_path / "cache"
    build_corpus([folder], workers=1, cache_dir=cache)
    CORRUPTIONS[damage](_cache_file(cache, which))
    if which == "articles":
        # A new file, and no stored frames to extend: the build needs the per-article cache.
        corpus(folder, ["grigoryan.txt"])
        _cache_file(cache, "frames").unlink()
    expected = build_corpus([folder], workers=1)  # no cache at all

    second = build_corpus([folder], workers=1, cache_dir=cache)
    cache_lines = [r for r in second.report if r.status == "rebuilt"]
    assert len(cache_lines) == 1
    assert cache_lines[0].file == str(_cache_file(cache, which)) and "unreadable" in cache_lines[0].reason
    assert second.exit_code == 0, "a rebuilt cache does not make the build incomplete"
    pd.testing.assert_frame_equal(second.statements, expected.statements)
    pd.testing.assert_frame_equal(second.articles, expected.articles)
    assert [r for r in second.report if r.status != "rebuilt"] == expected.report

    third = build_corpus([folder], workers=1, cache_dir=cache)  # both caches are sound again
    assert third.report == expected.report
    assert pickle.loads(_cache_file(cache, which).read_bytes())


def test_a_corrupt_increment_of_the_article_cache_is_reported_and_rebuilt(tmp_path):
    """After an incremental build the cache may be several files; damage to the newest one is caught too."""
    folder, cache = corpus(tmp_path / "c", ["mirzoyan.txt"]), tmp_path / "cache"
    build_corpus([folder], workers=1, cache_dir=cache)
    corpus(folder, ["peskov.txt"])
    build_corpus([folder], workers=1, cache_dir=cache)
    newest = max(cache.glob("articles-v*.pkl"), key=lambda p: p.stat().st_mtime_ns)
    CORRUPTIONS["truncated"](newest)
    corpus(folder, ["grigoryan.txt"])
    _cache_file(cache, "frames").unlink()  # no stored frames to extend: the per-article cache is read
    result = build_corpus([folder], workers=1, cache_dir=cache)
    assert [r.file for r in result.report if r.status == "rebuilt"] == [str(newest)]
    assert sorted(result.articles["source"]) == sorted(ARTICLES)
    again = build_corpus([folder], workers=1, cache_dir=cache)
    assert not [r for r in again.report if r.status == "rebuilt"]


def test_a_corrupt_frames_store_with_new_articles_is_reported_and_built_in_full(tmp_path):
    folder, cache = corpus(tmp_path / "c", ["mirzoyan.txt", "peskov.txt"]), tmp_path / "cache"
    build_corpus([folder], workers=1, cache_dir=cache)
    CORRUPTIONS["garbage"](_cache_file(cache, "frames"))
    corpus(folder, ["grigoryan.txt"])
    result = build_corpus([folder], workers=1, cache_dir=cache)
    assert [r.file for r in result.report if r.status == "rebuilt"] == [str(_cache_file(cache, "frames"))]
    expected = build_corpus([folder], workers=1)
    pd.testing.assert_frame_equal(result.statements, expected.statements)
    stored, problem = pipeline._read_frames_store(cache)
    assert problem is None and stored["result"].articles.equals(expected.articles)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing"])
@pytest.mark.parametrize("which", ["articles", "statements"])
def test_a_damaged_frame_file_of_the_store_is_reported_and_rebuilt(tmp_path, damage, which):
    """The stored frames are Arrow files named by the store's index: one torn or missing is named, and the
    frames are built again, the same as without any cache."""
    folder, cache = corpus(tmp_path / "c", ["mirzoyan.txt", "peskov.txt"]), tmp_path / "cache"
    build_corpus([folder], workers=1, cache_dir=cache)
    [part] = cache.glob(f"frames-v*.{which}.arrow")
    if damage == "missing":
        part.unlink()
    else:
        CORRUPTIONS[damage](part)
    corpus(folder, ["grigoryan.txt"])  # a rebuild that would extend the stored frames
    result = build_corpus([folder], workers=1, cache_dir=cache)
    rebuilt = [r for r in result.report if r.status == "rebuilt"]
    assert [r.file for r in rebuilt] == [str(part)] and "unreadable" in rebuilt[0].reason
    expected = build_corpus([folder], workers=1)
    pd.testing.assert_frame_equal(result.statements, expected.statements)
    pd.testing.assert_frame_equal(result.articles, expected.articles)
    assert not part.exists() and len(list(cache.glob("frames-v*.arrow"))) == 2  # a new store, the old part gone
    again = build_corpus([folder], workers=1, cache_dir=cache)  # the store is sound again
    assert not [r for r in again.report if r.status == "rebuilt"]
    pd.testing.assert_frame_equal(again.statements, expected.statements)


def test_a_cache_that_cannot_be_written_costs_time_not_the_build(tmp_path):
    folder = corpus(tmp_path / "c")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    result = build_corpus([folder], workers=1, cache_dir=blocked)
    assert len(result.articles) == len(ARTICLES)
    notes = [r for r in result.report if r.status == "uncached"]
    assert len(notes) == 1 and "could not be written" in notes[0].reason
    assert result.exit_code == 0


def test_a_corrupt_parquet_frame_is_detected_with_its_reason(tmp_path):
    path = tmp_path / "articles.parquet"
    storage.write_parquet_atomic(FRAME, path)
    assert storage.read_parquet_report(path)[1] is None
    path.write_bytes(path.read_bytes()[:-40])  # lose the footer
    frame, reason = storage.read_parquet_report(path)
    assert frame is None and reason
    assert storage.read_parquet_checked(path) is None
    assert storage.read_parquet_report(tmp_path / "missing.parquet") == (None, None)


def test_the_build_command_replaces_a_corrupt_parquet_output(tmp_path):
    folder, out = corpus(tmp_path / "c"), tmp_path / "out"
    out.mkdir()
    (out / "articles.parquet").write_bytes(b"PAR1 half a file")
    (out / "statements.parquet").write_bytes(b"")
    assert cli_main(["build", str(folder), "--out", str(out), "--workers", "1"]) == 0
    articles, _ = storage.read_parquet_report(out / "articles.parquet")
    statements, _ = storage.read_parquet_report(out / "statements.parquet")
    assert sorted(articles["source"]) == sorted(ARTICLES)
    schema.validate_statements(schema.conform(statements, schema.STATEMENT_COLUMNS))


def test_the_dashboard_rebuilds_a_corrupt_frame_cache(tmp_path, monkeypatch):
    from dashboard import data

    monkeypatch.setenv("RIFT_CACHE_DIR", str(tmp_path / "dash-cache"))
    folder = corpus(tmp_path / "c")
    key = data.corpus_key(data.input_files([folder]))
    built = data.load_or_build(key, [folder])
    cached = data.find_cached(key)
    assert cached is not None and data.read_cache(cached) is not None
    parquet = cached / "statements.parquet"
    parquet.write_bytes(parquet.read_bytes()[:100])

    assert data.read_cache(cached) is None  # detected
    rebuilt = data.load_or_build(key, [folder])
    pd.testing.assert_frame_equal(rebuilt.statements, built.statements)
    assert data.read_cache(data.find_cached(key)) is not None  # and written again whole


# ------------------------------------------------------------------------------------------------------
# One article blows up: every other article is built, the failing one is reported


def _explode_on(monkeypatch, source: str):
    real = pipeline._extract_article  # the extraction of one article (process_article and the batches call it)

    def process(raw, reference_override=None):
        if raw.source == source:
            raise ValueError(f"boom in {source}")
        return real(raw, reference_override)

    monkeypatch.setattr(pipeline, "_extract_article", process)


def test_an_article_that_fails_is_reported_and_the_others_are_built(tmp_path, monkeypatch):
    folder = corpus(tmp_path / "c")
    _explode_on(monkeypatch, "peskov.txt")
    result = build_corpus([folder], workers=1)
    assert sorted(result.articles["source"]) == ["grigoryan.txt", "mirzoyan.txt"]
    line = {r.file: r for r in result.report}
    assert len(result.report) == len(ARTICLES), "the failing file is reported once, not as built and skipped"
    assert line["peskov.txt"].status == "skipped"
    assert "extraction failed" in line["peskov.txt"].reason and "boom in peskov.txt" in line["peskov.txt"].reason
    assert result.exit_code == 1
    schema.validate_statements(result.statements)


def test_a_failing_row_makes_its_table_partial(tmp_path, monkeypatch):
    folder = tmp_path / "t"
    folder.mkdir()
    pd.DataFrame({"text": list(ARTICLES.values()), "outlet": ["Asbarez", "TASS", "Armenpress"]}).to_csv(
        folder / "wire.csv", index=False)
    _explode_on(monkeypatch, "wire.csv#2")
    result = build_corpus([folder], workers=1)
    (line,) = result.report
    assert (line.file, line.status, line.articles) == ("wire.csv", "partial", 2)
    assert "#2: extraction failed: ValueError: boom in wire.csv#2" in line.reason
    assert sorted(result.articles["source"]) == ["wire.csv#1", "wire.csv#3"]


def test_a_failing_article_loses_no_cached_article_and_is_retried_next_time(tmp_path, monkeypatch):
    folder, cache = corpus(tmp_path / "c", ["mirzoyan.txt", "peskov.txt"]), tmp_path / "cache"
    first = build_corpus([folder], workers=1, cache_dir=cache)
    corpus(folder, ["grigoryan.txt"])
    with monkeypatch.context() as m:
        _explode_on(m, "grigoryan.txt")
        second = build_corpus([folder], workers=1, cache_dir=cache)
    assert sorted(second.articles["source"]) == sorted(first.articles["source"])
    assert {r.file: r.status for r in second.report}["grigoryan.txt"] == "skipped"
    third = build_corpus([folder], workers=1, cache_dir=cache)
    assert sorted(third.articles["source"]) == sorted(ARTICLES)
    assert third.exit_code == 0


# ------------------------------------------------------------------------------------------------------
# Uploads (dashboard/data.py): a failed upload loses no earlier upload and leaves no half file


def test_an_upload_that_fails_midway_keeps_every_earlier_upload(tmp_path, monkeypatch):
    from dashboard import data

    uploads = tmp_path / "uploads"
    first = data.save_uploads([("mirzoyan.txt", ARTICLES["mirzoyan.txt"].encode())], folder=uploads, max_mb=20)
    assert [r.status for r in first] == ["stored"]
    monkeypatch.setattr(os, "replace", _crash)
    try:
        data.save_uploads([("peskov.txt", ARTICLES["peskov.txt"].encode()),
                           ("mirzoyan.txt", b"another text under the same name")], folder=uploads, max_mb=20)
    except Crash:
        pass  # the page may show the error; what matters is what is on disk
    monkeypatch.undo()
    assert sorted(p.name for p in uploads.iterdir()) == ["mirzoyan.txt"]
    assert (uploads / "mirzoyan.txt").read_text(encoding="utf-8") == ARTICLES["mirzoyan.txt"]
    again = data.save_uploads([("peskov.txt", ARTICLES["peskov.txt"].encode())], folder=uploads, max_mb=20)
    assert [r.status for r in again] == ["stored"]


def test_a_worker_process_that_dies_does_not_take_the_build_with_it(tmp_path, monkeypatch):
    """An article that kills its worker (out of memory, a crash in native code) in a parallel build."""
    folder, cache = tmp_path / "many", tmp_path / "cache"
    folder.mkdir()
    names = [f"note-{k:02d}.txt" for k in range(40)]  # enough articles for the process pool
    for k, name in enumerate(names):
        (folder / name).write_text(f"Armenian officials said on {k % 28 + 1} May 2025 that talk number {k} "
                                   "with Moscow had ended without a result.\n", encoding="utf-8")
    real = pipeline._extract_article  # the extraction of one article (process_article and the batches call it)

    def process(raw, reference_override=None):
        if raw.source == "note-07.txt":
            os._exit(3)  # the worker process dies on the spot
        return real(raw, reference_override)

    monkeypatch.setattr(pipeline, "_extract_article", process)  # forked workers inherit the patch
    result = build_corpus([folder], workers=2, cache_dir=cache)
    line = {r.file: r for r in result.report}
    assert sorted(line) == names
    assert line["note-07.txt"].status == "skipped" and "worker process died" in line["note-07.txt"].reason
    for r in result.report:
        assert r.status == "built" or "worker process died" in r.reason
    assert len(result.articles) == sum(r.status == "built" for r in result.report)
    assert result.exit_code == 1

    monkeypatch.undo()
    again = build_corpus([folder], workers=2, cache_dir=cache)
    assert sorted(again.articles["source"]) == names and again.exit_code == 0
