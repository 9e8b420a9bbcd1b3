"""A rebuild with a cache extends the last build (new articles processed, the corpus pass planned again) and gives
exactly the frames a build from scratch gives: articles added, removed and edited, an undated copy dated from a
telling that arrives later, and going back when that telling is removed again."""
import shutil

import pandas as pd
import pytest

from analysis import pipeline
from analysis.pipeline import build_corpus
from analysis.source_memo import content_hash
from analysis.synth import write_corpus
from tests.test_corpus_pass import DATED, UNDATED


def same_frames(a, b):
    pd.testing.assert_frame_equal(a.articles, b.articles)
    pd.testing.assert_frame_equal(a.statements, b.statements)
    assert [(r.file, r.status) for r in a.report if r.status != "rebuilt"] == [(r.file, r.status) for r in b.report]


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(40, folder, seed=5)
    (folder / "copy.txt").write_text(UNDATED, encoding="utf-8")
    return folder


def build_both(folder, cache, monkeypatch, expect_incremental=True):
    """The cached rebuild (which must not fall back to reading every article's cached rows) and a fresh build."""
    calls = []
    real = pipeline._load_cache
    monkeypatch.setattr(pipeline, "_load_cache", lambda d: calls.append(d) or real(d))
    grown = build_corpus([folder], cache_dir=cache, workers=1, sentiment="fast")
    monkeypatch.setattr(pipeline, "_load_cache", real)
    if expect_incremental:
        assert not calls, "the rebuild read the whole per-article cache instead of extending the last frames"
    fresh = build_corpus([folder], workers=1, sentiment="fast")
    same_frames(grown, fresh)
    # The store as this rebuild left it (often its last frames plus a delta) reads back as the same frames.
    unchanged = build_corpus([folder], cache_dir=cache, workers=1, sentiment="fast")
    same_frames(unchanged, fresh)
    return grown


def test_added_removed_and_edited_articles(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = build_corpus([corpus], cache_dir=cache, workers=1, sentiment="fast")
    write_corpus(2, corpus, seed=5, start=40)
    grown = build_both(corpus, cache, monkeypatch)
    assert len(grown.articles) == len(first.articles) + 2

    victim = sorted(p for p in corpus.rglob("*.txt") if p.name != "copy.txt")[3]
    victim.unlink()
    shrunk = build_both(corpus, cache, monkeypatch)
    assert len(shrunk.articles) == len(grown.articles) - 1

    edited = sorted(p for p in corpus.rglob("*.txt") if p.name != "copy.txt")[5]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe talks resume next week, officials said.\n",
                      encoding="utf-8")
    build_both(corpus, cache, monkeypatch)


def test_a_later_dated_telling_dates_an_old_copy_and_leaving_undoes_it(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    alone = build_corpus([corpus], cache_dir=cache, workers=1, sentiment="fast")
    copy_id = alone.articles.set_index("source").loc["copy.txt", "article_id"]
    assert pd.isna(alone.articles.set_index("source").loc["copy.txt", "reference_date"])

    (corpus / "monitor.txt").write_text(DATED, encoding="utf-8")
    dated = build_both(corpus, cache, monkeypatch)
    copy = dated.articles.set_index("source").loc["copy.txt"]
    assert copy["reference_evidence"].startswith("same quotation as monitor.txt")
    assert copy["story_id"] == dated.articles.set_index("source").loc["monitor.txt", "story_id"]
    assert dated.statements.loc[dated.statements["article_id"] == copy_id, "statement_date"].notna().any()

    (corpus / "monitor.txt").unlink()
    undone = build_both(corpus, cache, monkeypatch)
    assert pd.isna(undone.articles.set_index("source").loc["copy.txt", "reference_date"])


def stored_index(cache):
    [index] = cache.glob("frames-v*.pkl")
    return pd.read_pickle(index)


def test_a_small_rebuild_stores_only_the_changed_articles_until_they_are_many(corpus, tmp_path, monkeypatch):
    """A rebuild writes the rows of the articles it changed as a delta beside the stored frames (writing the whole
    frames again cost more than extracting 1 % new articles); once more than a tenth of the articles have changed
    since the frames were written whole, it writes them whole again."""
    cache = tmp_path / "cache"
    build_corpus([corpus], cache_dir=cache, workers=1, sentiment="fast")
    base = stored_index(cache)["token"]
    held = set()
    for n in range(40, 48):  # one new article per rebuild
        write_corpus(1, corpus, seed=5, start=n)
        grown = build_both(corpus, cache, monkeypatch)
        index = stored_index(cache)
        [new_id] = grown.articles.loc[grown.articles["source"].str.endswith(f"synth-{n:07d}.txt"), "article_id"]
        if index.get("delta") is None:
            break
        delta = index["delta"]
        assert index["token"] == base
        assert new_id in delta["ids"] and held <= delta["ids"], "the delta holds every article changed since the base"
        assert delta["ids"] <= delta["stale"] and len(delta["stale"]) <= 0.1 * len(grown.articles)
        tokens = sorted(p.name.split(".")[1] for p in cache.glob("frames-v*.arrow"))
        assert tokens == sorted([base, base, delta["token"], delta["token"]])
        held = set(delta["ids"])
    assert held, "no rebuild wrote a delta"
    assert index.get("delta") is None and index["token"] != base, "the frames were never written whole again"
    assert len(held) + 1 > 0.1 * len(grown.articles)
    assert len(list(cache.glob("frames-v*.arrow"))) == 2, "the old base and its delta are gone"


def test_an_old_article_joining_the_story_of_a_new_one_reads_back_with_its_new_story(corpus, tmp_path, monkeypatch):
    """A story is named by its smallest article id: a new telling of an old article's quotation, with a smaller
    id, renames the old article's story although its rows are not in the delta."""
    (corpus / "monitor.txt").write_text(DATED, encoding="utf-8")
    cache = tmp_path / "cache"
    first = build_corpus([corpus], cache_dir=cache, workers=1, sentiment="fast")
    monitor = first.articles.set_index("source").loc["monitor.txt"]
    echo = next(text for text in (DATED.replace("Lena Sorensen, Caspian Monitor", f"Desk {i}, Black Sea Wire")
                                  for i in range(200)) if content_hash(text) < monitor["story_id"])
    (corpus / "echo.txt").write_text(echo, encoding="utf-8")
    grown = build_both(corpus, cache, monkeypatch)
    stories = grown.articles.set_index("source")["story_id"]
    assert stories["monitor.txt"] == stories["echo.txt"] == content_hash(echo) != monitor["story_id"]
    assert stored_index(cache)["delta"]["stories"][monitor["article_id"]] == content_hash(echo)


def test_most_articles_new_builds_in_full(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    build_corpus([corpus], cache_dir=cache, workers=1, sentiment="fast")
    write_corpus(60, corpus, seed=5, start=40)
    build_both(corpus, cache, monkeypatch, expect_incremental=False)


def test_list_columns_come_back_from_the_store_as_they_went_in(tmp_path):
    """The store writes each distinct list of a list column once; every row reads back a list of its own."""
    column = pd.Series([["Russia"], [], None, ["Russia"], ['Pashinyan "PM"', "Ереван, Armenia"], [""]], dtype=object)
    frame = pd.DataFrame({"targets": column})
    frame.assign(targets=pipeline._encode_lists(column)).to_feather(tmp_path / "t.arrow")
    back = pipeline._decode_lists(pd.read_feather(tmp_path / "t.arrow")["targets"])
    assert back == column.tolist()
    assert back[0] is not back[3], "rows must not share one list object"


def test_a_build_gives_the_garbage_collector_its_settings_back(corpus):
    import gc
    before = gc.get_threshold()
    build_corpus([corpus], workers=1, sentiment="fast")
    assert gc.get_threshold() == before


def _count_pools(monkeypatch) -> list[int]:
    """The ``max_workers`` of each process pool the pipeline starts."""
    pools = []
    real = pipeline.ProcessPoolExecutor
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor",
                        lambda *a, **k: pools.append(k.get("max_workers")) or real(*a, **k))
    return pools


def test_a_warm_process_processes_a_few_new_articles_itself(tmp_path, monkeypatch):
    """Workers cost a warm-up each (imports, actor index, models): a build with many articles to process starts
    them; a rebuild with a few new ones, in a process that has processed articles before (a server adding
    uploads), processes them itself."""
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    write_corpus(pipeline._FEW_ARTICLES + 5, folder, seed=7)
    pools = _count_pools(monkeypatch)
    build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    assert pools == [2], "a build of many articles runs them on every core"
    pools.clear()
    monkeypatch.setattr(pipeline, "_warm_here", True)
    write_corpus(2, folder, seed=7, start=pipeline._FEW_ARTICLES + 5)
    grown = build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    assert not pools
    fresh = build_corpus([folder], workers=1, sentiment="fast")
    pd.testing.assert_frame_equal(grown.statements, fresh.statements)
    pd.testing.assert_frame_equal(grown.articles, fresh.articles)


def test_a_cold_process_hands_a_few_new_articles_to_one_helper_worker(tmp_path, monkeypatch):
    """A process that has not processed articles yet (a command-line rebuild) has one worker warm up while it
    reads; it processes them once it has, and the frames are those of a build from scratch. With one worker
    asked for, no helper; in a process running other threads (a server), no helper either."""
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    write_corpus(pipeline._FEW_ARTICLES + 5, folder, seed=8)
    build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    monkeypatch.setattr(pipeline, "_warm_here", False)
    monkeypatch.setattr(pipeline, "_only_thread", lambda: True)  # as a command-line build is (pytest may not be)
    pools = _count_pools(monkeypatch)
    served = []
    real_batch = pipeline._LocalRunner._on_pool
    monkeypatch.setattr(pipeline._LocalRunner, "_on_pool", lambda self, todo, chunk: served.append(1) or real_batch(self, todo, chunk))
    write_corpus(3, folder, seed=8, start=pipeline._FEW_ARTICLES + 5)
    grown = build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    assert pools == [1] and served, "one helper, which processed the new articles"
    assert pipeline._warm_here is False, "this process did not process them itself"
    fresh = build_corpus([folder], workers=1, sentiment="fast")
    pd.testing.assert_frame_equal(grown.statements, fresh.statements)
    pd.testing.assert_frame_equal(grown.articles, fresh.articles)
    pools.clear()
    write_corpus(2, folder, seed=8, start=pipeline._FEW_ARTICLES + 8)
    build_corpus([folder], cache_dir=cache, workers=1, sentiment="fast")
    assert not pools
    monkeypatch.setattr(pipeline, "_warm_here", False)
    monkeypatch.setattr(pipeline, "_only_thread", lambda: False)
    write_corpus(2, folder, seed=8, start=pipeline._FEW_ARTICLES + 10)
    served_by_server = build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    assert not pools and pipeline._warm_here is True, "a server's process processes a few uploads itself"
    pd.testing.assert_frame_equal(served_by_server.statements, build_corpus([folder], workers=1, sentiment="fast").statements)


def test_a_helper_given_many_articles_after_all_makes_way_for_every_core(tmp_path, monkeypatch):
    """A file that changed may hold many new articles (a JSON-lines export grown by hundreds): the helper that
    was started for a few is replaced by a worker per core."""
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    write_corpus(2 * pipeline._FEW_ARTICLES + 5, folder, seed=9)
    build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    monkeypatch.setattr(pipeline, "_warm_here", False)
    monkeypatch.setattr(pipeline, "_only_thread", lambda: True)
    monkeypatch.setattr(pipeline.SourceMemo, "known_files", property(lambda self: 10**6))  # looks like few new
    pools = _count_pools(monkeypatch)
    write_corpus(pipeline._FEW_ARTICLES + 2, folder, seed=9, start=2 * pipeline._FEW_ARTICLES + 5)
    grown = build_corpus([folder], cache_dir=cache, workers=2, sentiment="fast")
    assert pools == [1, 2]
    fresh = build_corpus([folder], workers=1, sentiment="fast")
    pd.testing.assert_frame_equal(grown.statements, fresh.statements)


def test_the_statements_frame_built_piece_by_piece_is_the_frame_built_at_once(corpus, monkeypatch):
    """A full build conforms the statements in pieces while the workers run, replacing the rows of articles dated
    again; pieces of three rows give the frame of pieces of twenty thousand."""
    whole = build_corpus([corpus], workers=1, sentiment="fast")
    assert whole.articles["reference_evidence"].str.startswith("same quotation as", na=False).any(), \
        "the corpus has an article dated again"
    monkeypatch.setattr(pipeline._FramePieces, "_ROWS", 3)
    pieces = build_corpus([corpus], workers=1, sentiment="fast")
    pd.testing.assert_frame_equal(pieces.statements, whole.statements)
    pd.testing.assert_frame_equal(pieces.articles, whole.articles)


def test_frame_pieces_replace_the_rows_of_an_article(monkeypatch):
    from analysis import schema
    monkeypatch.setattr(pipeline._FramePieces, "_ROWS", 2)
    rows = [{"statement_id": f"a{i}", "article_id": "a", "position": i, "text": f"old {i}"} for i in range(3)]
    rows += [{"statement_id": "b0", "article_id": "b", "position": 0, "text": "kept"}]
    pieces = pipeline._FramePieces(schema.STATEMENT_COLUMNS)
    pieces.add(rows[:2])
    pieces.add(rows[2:])
    pieces.replace({"a"}, [{"statement_id": "a0", "article_id": "a", "position": 0, "text": "new"}])
    frame = pieces.frame()
    assert sorted(zip(frame["article_id"], frame["text"])) == [("a", "new"), ("b", "kept")]


def test_overlapping_builds_give_the_collector_back_its_settings_when_the_last_ends():
    import gc
    before = gc.get_threshold()
    first, second = pipeline._fewer_full_collections(), pipeline._fewer_full_collections()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold() == pipeline._BUILD_GC_THRESHOLDS
    first.__exit__(None, None, None)
    assert gc.get_threshold() == pipeline._BUILD_GC_THRESHOLDS, "the second build is still under way"
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_a_frame_joined_from_many_slices_is_stored_in_one_block_per_column(tmp_path):
    """A delta's rows are slices of the frames joined together; stored as they are, each slice became a record
    batch of its own, and reading a few hundred rows took as long as the whole corpus."""
    from pyarrow import feather

    from analysis.storage import write_feather_cache

    frame = pd.DataFrame({"article_id": [f"a{i:03d}" for i in range(300)], "n": range(300)}).astype({"article_id": "string"})
    joined = pd.concat([frame.iloc[k:k + 10] for k in range(0, 300, 20)], ignore_index=True)
    write_feather_cache(joined, tmp_path / "delta.arrow")
    table = feather.read_table(tmp_path / "delta.arrow")
    assert table.column(0).num_chunks == 1 and table.num_rows == 150
    pd.testing.assert_frame_equal(pd.read_feather(tmp_path / "delta.arrow"), joined)
