"""Several articles are scored in one pass (``process_articles``): the sentiment model and TextBlob's lexicon stay in
the processor's caches, which made a one-process build about an eighth faster. Each article still gets exactly
what it gets alone, and an article that fails, in extraction or in scoring, fails alone."""
import pandas as pd
import pytest

from analysis import pipeline, scoring
from analysis.document import RawArticle
from analysis.pipeline import process_article, process_articles
from analysis.synth import write_corpus
from tests.written_articles import ARTICLES


@pytest.fixture(scope="module")
def raws(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    write_corpus(12, folder, seed=11)
    synthetic = [RawArticle(source=p.name, text=p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.txt"))]
    written = [RawArticle(source=a["name"], text=a["text"]) for a in ARTICLES]
    return written + synthetic


@pytest.fixture(autouse=True)
def fast_mode():
    before = scoring.sentiment_mode()
    scoring.set_sentiment_mode("fast")
    yield
    scoring.set_sentiment_mode(before)


def frames(results):
    articles = pd.DataFrame([a for a, _ in results]).drop(columns=["_dating"], errors="ignore")
    return articles, pd.DataFrame([r for _, rows in results for r in rows])


def test_articles_scored_together_get_what_each_gets_alone(raws):
    scoring._PREDICTED.clear()
    scoring._TENSION.clear()
    scoring.textblob_sentiment.cache_clear()
    together = process_articles([(raw, None) for raw in raws])
    scoring._PREDICTED.clear()
    scoring._TENSION.clear()
    scoring.textblob_sentiment.cache_clear()
    alone = [process_article(raw) for raw in raws]
    assert len(together) == len(raws) > 15
    for got, want in zip(frames(together), frames(alone)):
        pd.testing.assert_frame_equal(got, want)
    assert frames(together)[1]["sentiment"].notna().sum() > 20, "the model scored nothing: the test proves nothing"


def test_an_article_that_fails_extraction_fails_alone(raws, monkeypatch):
    real = pipeline._extract_article

    def extract(raw, ref=None):
        if raw.source == raws[2].source:
            raise ValueError("torn file")
        return real(raw, ref)

    monkeypatch.setattr(pipeline, "_extract_article", extract)
    done = process_articles([(raw, None) for raw in raws[:5]])
    assert isinstance(done[2], ValueError)
    assert [isinstance(d, tuple) for d in done] == [True, True, False, True, True]
    assert frames([done[3]])[1].equals(frames([process_article(raws[3])])[1])


def test_an_article_whose_scoring_fails_fails_alone_and_the_others_are_scored_as_alone(raws, monkeypatch):
    bad = process_article(raws[1])[0]["article_id"]
    real = scoring.score_statements

    def score(rows):
        if any(r["article_id"] == bad for r in rows):
            real(rows[:3])  # part of the batch scored, then a failure: the others must not keep a half state
            raise RuntimeError("model crashed")
        return real(rows)

    monkeypatch.setattr(scoring, "score_statements", score)
    done = process_articles([(raw, None) for raw in raws[:4]])
    assert isinstance(done[1], RuntimeError) and "model crashed" in str(done[1])
    monkeypatch.setattr(scoring, "score_statements", real)
    for k in (0, 2, 3):
        assert frames([done[k]])[1].equals(frames([process_article(raws[k])])[1])


def test_a_build_reports_the_article_that_failed_and_keeps_the_others(tmp_path, monkeypatch):
    write_corpus(20, tmp_path, seed=3)
    victim = sorted(tmp_path.rglob("*.txt"))[7]
    real = pipeline._extract_article

    def extract(raw, ref=None):
        if raw.source.endswith(victim.name):
            raise ValueError("torn file")
        return real(raw, ref)

    monkeypatch.setattr(pipeline, "_extract_article", extract)
    result = pipeline.build_corpus([tmp_path], workers=1, sentiment="fast")
    failed = [r for r in result.report if r.status not in ("built", "rebuilt", "duplicate", "uncached")]
    assert [(r.file.endswith(victim.name), "torn file" in r.reason) for r in failed] == [(True, True)]
    assert len(result.articles) == 19
