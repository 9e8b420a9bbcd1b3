"""The build on a Dask cluster gives the same frames as the local build, row for row.

A ``LocalCluster`` stands in for a real cluster: the tasks, the batching, the Parquet dataset the workers
write and the corpus pass on the client are the same code a remote scheduler would run.
"""
from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis import distributed
from analysis.cli import main as cli_main
from analysis.distributed import build_with_dask
from analysis.pipeline import build_corpus
from analysis.synth import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(30, folder, seed=5)
    # A copy of one article under another name: both builds must report it as a duplicate.
    first = sorted(folder.rglob("*.txt"))[0]
    (folder / "copy-of-first.txt").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local(corpus):
    return build_corpus([corpus], workers=1)


@pytest.fixture(scope="module")
def on_dask(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask-out")
    # Threads keep the cluster quick to start; batches of 4 give many tasks, in any completion order.
    return build_with_dask([corpus], out, n_workers=2, processes=False, batch_size=4), out


def test_the_dask_build_equals_the_local_build_row_for_row(local, on_dask):
    result, _ = on_dask
    assert len(local.articles) == 30 and len(local.statements) > 300
    assert_frame_equal(result.articles, local.articles)
    assert_frame_equal(result.statements, local.statements)


def test_both_builds_report_every_file_the_same_way(local, on_dask):
    result, _ = on_dask
    assert [(r.file, r.status, r.reason) for r in result.report] == [(r.file, r.status, r.reason) for r in local.report]
    assert sum(r.status == "duplicate" for r in result.report) == 1


def test_stories_linked_across_articles_survive_the_distribution(local, on_dask):
    """The corpus pass needs every article at once; it must still run after the tasks."""
    result, _ = on_dask
    shared = result.articles["story_id"].value_counts()
    assert (shared >= 2).any()
    assert (result.articles["story_id"] == local.articles["story_id"]).all()


def test_the_workers_write_each_batch_as_a_part_of_a_parquet_dataset(on_dask):
    result, out = on_dask
    parts = sorted((out / "dataset" / "statements").glob("part-*.parquet"))
    assert len(parts) == 8  # 30 articles in batches of 4
    dataset = pd.read_parquet(out / "dataset" / "statements")
    assert sorted(dataset["statement_id"]) == sorted(result.statements["statement_id"])
    articles = pd.read_parquet(out / "dataset" / "articles")
    assert sorted(articles["article_id"]) == sorted(result.articles["article_id"])


def test_the_sentiment_mode_the_build_picks_reaches_the_workers(corpus, tmp_path):
    """A worker process has its own default mode; the one the build chose for this corpus travels with each batch."""
    from analysis.document import RawArticle
    from analysis.scoring import sentiment_mode, set_sentiment_mode

    before = sentiment_mode()
    try:
        set_sentiment_mode("encoder")  # what a freshly started worker process would use
        raw = RawArticle("one.txt", sorted(corpus.rglob("*.txt"))[1].read_text(encoding="utf-8"))
        [(_, (_, _, rows, err))] = distributed.process_batch(0, [(0, raw, None)], None, "fast")
        assert err is None
        assert {r["sentiment_model"] for r in rows if r["sentiment_model"]} == {"tfidf-newsmtsc"}
    finally:
        set_sentiment_mode(before)
    local_fast = build_corpus([corpus], workers=1, sentiment="fast")
    result = build_with_dask([corpus], tmp_path, n_workers=2, processes=False, sentiment="fast")
    assert_frame_equal(result.statements, local_fast.statements)


def test_workers_running_another_version_stop_the_build(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(distributed, "_worker_fingerprint", lambda: "another-version")
    with pytest.raises(RuntimeError, match="another version of the analysis package"):
        build_with_dask([corpus], tmp_path, n_workers=1, processes=False)


def test_the_command_line_builds_on_a_local_cluster_of_processes(corpus, local, tmp_path):
    """``--engine dask`` without a scheduler: worker processes, so every task is pickled as on a cluster."""
    out = tmp_path / "out"
    assert cli_main(["build", str(corpus), "--engine", "dask", "--out", str(out)]) == 0
    assert (out / "dataset" / "articles").is_dir()
    statements = pd.read_parquet(out / "statements.parquet")
    assert len(statements) == len(local.statements)
    assert sorted(statements["statement_id"]) == sorted(local.statements["statement_id"])
    assert (statements["tension"].fillna(9) == local.statements["tension"].fillna(9)).all()


def test_every_run_links_the_same_stories_whatever_the_hash_seed(tmp_path):
    """Each Dask worker and each build is its own process with its own string-hash seed; the corpus pass must
    not depend on it, or two builds of one corpus (local, on Dask, or a rebuild) would differ."""
    import subprocess
    import sys

    folder = write_corpus(150, tmp_path / "corpus", seed=2)
    script = ("import sys; from analysis.pipeline import build_corpus; "
              "r = build_corpus([sys.argv[1]], workers=1, sentiment='none'); "
              "print(r.articles[['article_id', 'story_id', 'reference_evidence']].to_json())")
    runs = [subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1]
    assert '"story_id"' in runs[0]
