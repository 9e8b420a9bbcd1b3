"""The scores a build gives each statement: tension (cues, with the sentiment model for cue-less
statements), the NewsMTSC sentiment, and TextBlob as the secondary signal."""
from pathlib import Path

import pandas as pd

from analysis.evaluate import evaluate_written_statements

WRITTEN = Path(__file__).parent / "data" / "tension_statements.jsonl"


def test_tension_as_built_beats_textblob_on_hand_written_statements():
    m = evaluate_written_statements(WRITTEN)
    assert m["n"] >= 30
    assert m["tension"] >= 0.75
    assert m["tension"] - m["textblob"] >= 0.25
    # the model fallback measurably helps on statements written after the lexicon (batch 4)
    late = m["batches"][max(m["batches"])]
    assert late["tension"] >= late["cues_only"] + 0.05
    assert late["tension"] - late["textblob"] >= 0.25


def test_statements_carry_both_scores_and_say_which_model(seeds_frames):
    _, st = seeds_frames
    scored = st[st["sentiment"].notna()]
    assert len(scored) > 20
    assert scored["sentiment"].between(-1, 1).all() and scored["sentiment_prob"].between(0, 1).all()
    assert set(scored["sentiment_label"]) <= {"negative", "neutral", "positive"}
    assert scored["sentiment_model"].str.startswith("minilm-newsmtsc").all()  # small corpus: the encoder
    # only statements with a speaker or a target are sent to the model
    assert (scored["speaker"].notna() | scored["targets"].map(len).gt(0)).all()
    assert st["polarity"].between(-1, 1).all()


def test_model_cues_explain_a_cue_less_score(seeds_frames):
    _, st = seeds_frames
    import json
    for row in st.itertuples():
        cues = json.loads(row.cues)
        if cues and all(c["class"] == "MODEL" for c in cues):
            assert not pd.isna(row.sentiment) and abs(row.tension) > 0


def test_fast_mode_is_recorded_in_the_frame(tmp_path):
    from analysis.pipeline import build_corpus
    (tmp_path / "a.txt").write_text('"Yerevan has betrayed its allies," Russian Foreign Minister Sergei Lavrov said on 3 May 2024.',
                                    encoding="utf-8")
    r = build_corpus([tmp_path], sentiment="fast", workers=1)
    assert set(r.statements["sentiment_model"].dropna()) == {"tfidf-newsmtsc"} or r.statements["sentiment_model"].dropna().str.contains("tfidf|fast").all()
    none = build_corpus([tmp_path], sentiment="none", workers=1)
    assert none.statements["sentiment"].isna().all()


def test_newsmtsc_table_reproduces_textblob_and_ranks_the_fast_model_above_it():
    from analysis.benchmarks_newsmtsc import newsmtsc_table
    rows = {(r["model"], r["split"]): r for r in newsmtsc_table(modes=("fast",))}
    assert abs(rows[("TextBlob (sign of polarity)", "rw")]["macro_f1"] - 42.3) < 0.5  # the published baseline
    assert abs(rows[("TextBlob (sign of polarity)", "mt")]["macro_f1"] - 39.8) < 0.5
    assert rows[("tfidf-newsmtsc", "rw")]["macro_f1"] > rows[("TextBlob (sign of polarity)", "rw")]["macro_f1"] + 10


def test_polarity_is_textblobs_own_value():
    from hypothesis import given, settings, strategies as st
    from textblob import TextBlob

    from analysis.scoring import textblob_sentiment

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.sampled_from(["not", "very", "good", "bad", "terrible", "!", "Moscow", "hardly", "great", "?",
                                     "unacceptable", "friendly", ":)", "never", "\n", "“", "excellent", "SAD"]),
                    max_size=25))
    def same(words):
        text = " ".join(words)
        s = TextBlob(text).sentiment
        assert textblob_sentiment(text) == (s.polarity, s.subjectivity)

    same()
    assert textblob_sentiment("A terrible, unacceptable betrayal.")[0] < 0 < textblob_sentiment("A great friend.")[0]
