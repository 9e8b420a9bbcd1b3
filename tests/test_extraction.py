"""The extraction end to end: on the seeds against the shipped gold, and on articles written for the tests."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import schema
from analysis.evaluate import evaluate_corpus
from written_articles import ARTICLES


def _norm(s):
    s = re.sub(r"[“”„«»\"]", '"', s or "")
    return re.sub(r"[‘’]", "'", re.sub(r"\s+", " ", s)).lower()


def test_frames_match_the_schema(seeds_frames, written_build):
    for arts, sts in (seeds_frames, (written_build.articles, written_build.statements)):
        schema.validate_articles(arts)
        schema.validate_statements(sts)
        assert len(sts) > 0


def test_seeds_meet_the_gold_thresholds(seeds_frames):
    m = evaluate_corpus(articles=seeds_frames[0], statements=seeds_frames[1])
    assert m["quote_recall"] >= 0.95, m["misses"]
    assert m["speaker_accuracy"] >= 0.95, m["misses"]
    assert m["statement_date_accuracy"] >= 0.85, m["misses"]
    assert m["published_right"] == m["published_stated"] == 2
    assert m["published_wrong"] == 0
    assert m["outlet_right"] == m["outlet_named"] and m["outlet_invented"] == 0, m["misses"]
    assert m["scare_quotes_as_statements"] == 0, m["misses"]


def _article(build, name):
    arts = build.articles
    row = arts[arts["source"] == name]
    assert len(row) == 1, f"{name} was not built"
    return row.iloc[0], build.statements[build.statements["article_id"] == row.iloc[0]["article_id"]]


def _quote_statement(sts, start):
    hit = sts[(sts["kind"] == "quote") & sts["quote"].fillna("").map(lambda q: _norm(start) in _norm(q))]
    return hit.iloc[0] if len(hit) else None


def _date_ok(gold, ts, precision):
    if gold is None:
        return precision in ("published", "unknown")
    if pd.isna(ts):
        return False
    return ts.strftime({10: "%Y-%m-%d", 7: "%Y-%m", 4: "%Y"}[len(gold)]) == gold


@pytest.mark.parametrize("spec", ARTICLES, ids=[a["name"] for a in ARTICLES])
def test_written_article(written_build, spec):
    art, sts = _article(written_build, spec["name"])
    # outlet: right where the text names it, never invented
    if spec["outlet"] is None:
        assert pd.isna(art["outlet"]), f"invented outlet {art['outlet']!r}"
    else:
        assert isinstance(art["outlet"], str) and art["outlet"].lower() == spec["outlet"].lower()
        assert art["outlet_evidence"] and art["outlet_evidence"] in art["text"]
    # publication date: right where stated, never guessed
    if spec["published"] is None:
        assert pd.isna(art["published"])
    else:
        assert art["published"].strftime("%Y-%m-%d") == spec["published"]
        assert art["published_evidence"]
    for start, speaker, date in spec["quotes"]:
        s = _quote_statement(sts, start)
        assert s is not None, f"quote not found: {start!r}"
        got = None if pd.isna(s["speaker"]) else s["speaker"]
        assert got == speaker, f"{start!r}: speaker {got!r}, expected {speaker!r}"
        assert _date_ok(date, s["statement_date"], s["date_precision"]), (
            f"{start!r}: date {s['statement_date']} ({s['date_precision']}, {s['date_evidence']!r}), expected {date}")
        if speaker is not None:
            assert s["speaker_evidence"], "a reported speaker keeps its evidence"
    for start, speaker in spec.get("reported", []):
        hit = sts[sts["text"].map(lambda t: start in t)]
        assert len(hit) and hit.iloc[0]["speaker"] == speaker, f"{start!r}: {list(hit['speaker'])}"
    for ns in spec.get("not_statements", []):
        taken = sts[(sts["kind"] == "quote") & sts["quote"].fillna("").map(lambda q: _norm(q) == _norm(ns))]
        assert taken.empty, f"scare quote {ns!r} taken as a statement"


def test_quote_counts_are_exactly_the_written_quotes(written_build):
    """No scare quote or name sneaks in as a statement: quote statements == the quotations written."""
    for spec in ARTICLES:
        art, sts = _article(written_build, spec["name"])
        n_quotes = (sts["kind"] == "quote").sum()
        assert n_quotes <= len(spec["quotes"]) + 1, (spec["name"], list(sts[sts["kind"] == "quote"]["quote"]))


def test_offsets_point_into_the_article_text(seeds_frames):
    arts, sts = seeds_frames
    texts = dict(zip(arts["article_id"], arts["text"]))
    for s in sts.itertuples():
        assert texts[s.article_id][s.start:s.end] == s.text


def test_same_input_same_output(tmp_path):
    from analysis import build
    from conftest import SEEDS
    a1, s1 = build([SEEDS], workers=1)
    a2, s2 = build([SEEDS], workers=1)
    pd.testing.assert_frame_equal(s1, s2)
    assert list(a1["article_id"]) == list(a2["article_id"])
