"""The shipped NewsMTSC sentiment models, loaded offline from analysis/data/sentiment_model/.

The sentences here are invented for the tests (people, places and events that
are not in NewsMTSC nor in the seed articles); each is clearly positive,
negative or neutral toward the person whose span is given.
"""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # the model must never need the network

from analysis.sentiment_model import (  # noqa: E402
    DEFAULT_DIR,
    LABELS,
    SentimentModel,
    evaluate_newsmtsc,
    mark_target,
)

# Quality is checked on the dev splits against the figures each model records
# in its own json file (the numbers its choices were made on); the test-split
# figures are only reported (docs/sentiment_model.md), never asserted here, so
# that nothing is ever tuned to pass a test-split threshold.
ENCODER_META = json.loads((DEFAULT_DIR / "encoder.json").read_text(encoding="utf-8"))
FAST_META = json.loads((DEFAULT_DIR / "fast.json").read_text(encoding="utf-8"))


def span_of(sentence: str, mention: str) -> tuple[int, int]:
    start = sentence.index(mention)
    return start, start + len(mention)


NEGATIVE = [
    ("Critics slammed Minister Jane Koval for the botched reform.", "Jane Koval"),
    ("Prosecutors charged Mayor Pieter Lund with fraud after millions vanished from the city budget.", "Pieter Lund"),
    ("Protesters accused General Ivo Marek of ordering the brutal crackdown that killed dozens.", "Ivo Marek"),
]
POSITIVE = [
    ("Villagers praised Governor Tomas Reyes for rebuilding the flooded bridge in record time.", "Tomas Reyes"),
    ("Doctors hailed Dr. Amara Osei as a hero whose tireless work saved thousands of lives.", "Amara Osei"),
    ("The award honours Ambassador Lena Fiske for her remarkable success in ending the border dispute.", "Lena Fiske"),
]
NEUTRAL = [
    ("Mayor Elena Brandt will attend the opening of the new library on Tuesday.", "Elena Brandt"),
    ("Finance Minister Karl Weiss is scheduled to meet his counterparts in Oslo next week.", "Karl Weiss"),
    ("Senator Rosa Tamm was born in a small town and studied law at the state university.", "Rosa Tamm"),
]


@pytest.fixture(scope="module")
def encoder() -> SentimentModel:
    return SentimentModel.load(mode="encoder", threads=2)


@pytest.fixture(scope="module")
def fast() -> SentimentModel:
    return SentimentModel.load(mode="fast")


@pytest.fixture(scope="module")
def raw_encoder() -> SentimentModel:
    return SentimentModel.load(mode="encoder", threads=2, calibrated=False)


def predict_cases(model, cases):
    sentences = [s for s, _ in cases]
    spans = [span_of(s, m) for s, m in cases]
    return model.predict(sentences, spans)


@pytest.mark.parametrize(
    "cases, expected",
    [(NEGATIVE, -1), (POSITIVE, 1), (NEUTRAL, 0)],
    ids=["negative", "positive", "neutral"],
)
def test_encoder_reads_the_sentiment_toward_a_named_target(encoder, cases, expected):
    labels, probs, scores = predict_cases(encoder, cases)
    assert labels.tolist() == [expected] * len(cases)
    assert np.all(probs > 0.5)


def test_encoder_tells_apart_two_targets_of_one_sentence(encoder):
    sentence = "Analysts praised Mayor Nadia Holm for her careful budget, while they blamed Governor Oskar Brenner for the deficit."
    labels, _, scores = encoder.predict([sentence, sentence], [span_of(sentence, "Nadia Holm"), span_of(sentence, "Oskar Brenner")])
    assert labels.tolist() == [1, -1]
    assert scores[0] > 0 > scores[1]


@pytest.mark.parametrize("mode", ["encoder", "fast"])
def test_label_probability_and_score_are_consistent(request, mode):
    model = request.getfixturevalue(mode)
    cases = NEGATIVE + POSITIVE + NEUTRAL
    sentences = [s for s, _ in cases]
    spans = [span_of(s, m) for s, m in cases]
    probs = model.predict_proba(sentences, spans)
    labels, prob, score = model.predict(sentences, spans)
    assert probs.shape == (len(cases), 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(labels, LABELS[probs.argmax(axis=1)])
    np.testing.assert_allclose(prob, probs.max(axis=1), atol=1e-6)
    np.testing.assert_allclose(score, probs[:, 2] - probs[:, 0], atol=1e-6)
    assert np.all((prob >= 1 / 3) & (prob <= 1)) and np.all(np.abs(score) <= 1)
    # A positive label means p_pos is the largest, so p_pos - p_neg > 0 (and vice versa).
    assert np.all(score[labels == 1] > 0) and np.all(score[labels == -1] < 0)


@pytest.mark.parametrize("mode", ["encoder", "fast"])
def test_both_modes_load_and_name_themselves(request, mode):
    model = request.getfixturevalue(mode)
    assert model.mode == mode
    assert model.name == ("tfidf-newsmtsc" if mode == "fast" else json.loads((DEFAULT_DIR / "encoder.json").read_text())["name"])
    assert model.name.startswith("minilm-newsmtsc" if mode == "encoder" else "tfidf")


def test_fast_model_separates_clear_praise_from_clear_blame(fast):
    # The fast model is lexical (about 61 macro-F1): it is only asked for the
    # direction on sentences whose words leave no doubt, not for neutrality.
    neg_labels, _, neg_scores = predict_cases(fast, NEGATIVE)
    pos_labels, _, pos_scores = predict_cases(fast, POSITIVE)
    assert neg_labels.tolist() == [-1, -1, -1]
    assert pos_scores.mean() > neg_scores.mean() + 0.5
    assert pos_scores.max() > 0.5


@pytest.mark.parametrize("mode", ["encoder", "fast"])
def test_batched_predictions_equal_one_at_a_time(request, mode):
    """Length-sorted batching must not mix up which row belongs to which pair."""
    model = request.getfixturevalue(mode)
    cases = NEUTRAL + NEGATIVE + POSITIVE
    batch = model.predict_proba([s for s, _ in cases], [span_of(s, m) for s, m in cases])
    single = np.vstack([model.predict_proba([s], [span_of(s, m)]) for s, m in cases])
    np.testing.assert_allclose(batch, single, atol=1e-4)


@pytest.mark.parametrize("mode", ["encoder", "fast"])
def test_whole_sentence_without_a_target_and_empty_input(request, mode):
    model = request.getfixturevalue(mode)
    labels, probs, scores = model.predict(
        ["Residents condemned the disastrous and corrupt handling of the crisis.", "The committee meets on Tuesday."],
        [None, None],
    )
    assert labels[0] == -1 and scores[0] < scores[1]
    empty = model.predict([], [])
    assert all(len(a) == 0 for a in empty)


def test_a_target_deep_inside_a_very_long_sentence_stays_in_view():
    filler = "the committee discussed routine budget items and procedural matters " * 30
    sentence = filler + "and then members furiously condemned Deputy Arno Vik for lying."
    text, mention = mark_target(sentence, span_of(sentence, "Arno Vik"))
    assert mention == "Arno Vik"
    assert "[TGT] Arno Vik [/TGT]" in text and len(text) <= 600


def test_runtime_needs_neither_torch_nor_transformers():
    code = (
        "import sys\n"
        "from analysis.sentiment_model import SentimentModel\n"
        "for mode in ('encoder', 'fast'):\n"
        "    SentimentModel.load(mode=mode).predict(['Critics slammed Jane Koval.'], [(16, 26)])\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_shipped_files_fit_in_git():
    total = sum(p.stat().st_size for p in DEFAULT_DIR.iterdir() if p.is_file())
    assert total <= 50 * 2**20


def test_fast_model_reproduces_its_recorded_dev_scores(fast):
    for split in ("rw", "mt"):
        result = evaluate_newsmtsc(fast, split, "dev")
        assert result["macro_f1"] >= FAST_META["dev_macro_f1"][split] - 0.5


def test_shipped_encoder_reproduces_its_recorded_dev_scores(encoder):
    # The calibration was adopted because it beat the raw encoder by at least
    # half a point of mean dev macro-F1; the shipped files must still do so.
    calibration = ENCODER_META["calibration"]
    assert calibration["chosen_on"] == "dev"
    assert calibration["dev_after"]["mean"] >= calibration["dev_before"]["mean"] + 0.5
    scores = {split: evaluate_newsmtsc(encoder, split, "dev") for split in ("rw", "mt")}
    assert {split: r["n"] for split, r in scores.items()} == {"rw": 343, "mt": 442}
    for split, result in scores.items():
        assert abs(result["macro_f1"] - calibration["dev_after"][split]) <= 0.5


def test_calibrated_encoder_is_the_renormalised_biased_mix_of_both_models(encoder, raw_encoder, fast):
    calibration = ENCODER_META["calibration"]
    w, bias = calibration["encoder_weight"], np.asarray(calibration["bias"])
    cases = NEGATIVE + POSITIVE + NEUTRAL
    sentences, spans = [s for s, _ in cases], [span_of(s, m) for s, m in cases]
    mixed = w * raw_encoder.predict_proba(sentences, spans) + (1 - w) * fast.predict_proba(sentences, spans)
    expected = mixed * np.exp(bias)
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(encoder.predict_proba(sentences, spans), expected, atol=1e-5)


def test_the_name_says_whether_the_encoder_is_calibrated(encoder, raw_encoder):
    # Frames record the name in `sentiment_model`: a reader must be able to tell the two apart.
    assert encoder.name == ENCODER_META["name"] != raw_encoder.name
    assert raw_encoder.name == ENCODER_META["calibration"]["base_name"]
    assert encoder.name.startswith(raw_encoder.name)


def test_calibration_refuses_a_fast_model_it_was_not_chosen_with(tmp_path):
    for f in DEFAULT_DIR.iterdir():
        if f.is_file() and f.name != "fast.json":
            (tmp_path / f.name).symlink_to(f)
    (tmp_path / "fast.json").write_text(json.dumps(dict(FAST_META, name="tfidf-retrained-elsewhere")))
    with pytest.raises(ValueError, match="calibration was chosen with"):
        SentimentModel.load(tmp_path, mode="encoder")


def test_the_recorded_benchmark_figures_are_what_the_shipped_models_score():
    """The method page shows analysis/data/sentiment_model/benchmark.json; it must be the shipped models' own result."""
    from analysis.benchmarks_newsmtsc import newsmtsc_table, recorded_table
    from analysis.sentiment_model import SentimentModel

    recorded = recorded_table()
    fresh = newsmtsc_table()
    assert recorded == fresh
    names = {r["model"] for r in recorded}
    assert {SentimentModel.load(mode="encoder").name, SentimentModel.load(mode="fast").name} < names
    f1 = {(r["model"], r["split"]): r["macro_f1"] for r in recorded}
    assert f1[(SentimentModel.load(mode="encoder").name, "rw")] > f1[("TextBlob (sign of polarity)", "rw")] + 20


def test_the_fast_models_batch_path_is_the_training_featuriser():
    """Training builds rows with fast_vectorise; inference builds the whole batch at once: the same numbers."""
    import numpy as np

    from analysis.sentiment_model import SentimentModel, fast_features, fast_vectorise

    model = SentimentModel.load(mode="fast")
    sentences = ["Critics slammed Minister Jane Koval for the botched reform.",
                 "Oslo praised the generous aid package announced by Helsinki on Monday!",
                 "The talks ended.", "", "Nothing here names anyone, and nothing here is in the vocabulary: qzx."]
    spans = [(25, 35), (0, 4), None, None, None]
    logits = np.tile(model.intercept, (len(sentences), 1)).astype(np.float64)
    for row, (s, sp) in enumerate(zip(sentences, spans)):
        idx, val = fast_vectorise(fast_features(s, sp), model.vocab, model.idf, model.ranges)
        if len(idx):
            logits[row] += val @ model.coef[idx]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(sentences, spans), expected, atol=1e-5)


# ------------------------------------------------- the fast model's run-time path against its references

from hypothesis import given, settings, strategies as st  # noqa: E402

from analysis.sentiment_model import (  # noqa: E402
    _tokens_around,
    fast_features,
    fast_tokens,
    fast_vectorise,
    load_newsmtsc,
    newsmtsc_file,
)

# Words that are in the fast model's vocabulary and pieces that are not, glued by every kind of separator the
# tokeniser treats specially (apostrophes of both kinds, "!" and "?", digits, capitals, non-Latin letters).
PIECES = ["the", "minister", "praised", "blamed", "corrupt", "talks", "said", "not", "don", "t", "s", "2018", "x9",
          "Oslo", "HELSINKI", "qzx", "ереван", "é", "'", "’", "!", "?", " ", "  ", ", ", ".", "-", "_", "\n", "\"", "İ"]
sentences_from_pieces = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@st.composite
def sentence_and_span(draw):
    sentence = draw(sentences_from_pieces)
    kind = draw(st.sampled_from(["none", "inside", "any"]))
    if kind == "none":
        return sentence, None
    if kind == "inside":
        start = draw(st.integers(0, len(sentence)))
        return sentence, (start, draw(st.integers(start, len(sentence))))
    # Offsets past the end, reversed or negative: the tokeniser must still do what the reference does.
    return sentence, (draw(st.integers(-3, len(sentence) + 3)), draw(st.integers(-3, len(sentence) + 3)))


@settings(max_examples=600, deadline=None)
@given(sentence_and_span())
def test_fast_tokens_are_the_token_by_token_reading(case):
    """The three-scan shortcut gives what a reading of every token (does it overlap the span?) gives."""
    sentence, span = case
    tokens, target_at = fast_tokens(sentence, span)
    if span is None:
        assert target_at == -1 and tokens == [m.group() for m in re.finditer(r"[a-z0-9]+(?:['’][a-z]+)?|[!?]", sentence.lower())]
    else:
        assert (tokens, target_at) == _tokens_around(sentence.lower(), span)
        assert tokens[target_at] == "<t>"


def test_a_possessive_or_a_cut_word_makes_the_whole_token_the_target():
    sentence = "Critics said Koval's plan and Lundberg failed."
    koval, lund = span_of(sentence, "Koval"), span_of(sentence, "Lund")
    assert fast_tokens(sentence, koval) == (["critics", "said", "<t>", "plan", "and", "lundberg", "failed"], 2)
    assert fast_tokens(sentence, lund) == (["critics", "said", "koval's", "plan", "and", "<t>", "failed"], 5)
    assert fast_tokens(sentence, (12, 13)) == (["critics", "said", "<t>", "koval's", "plan", "and", "lundberg", "failed"], 2)


def row_by_row(model, sentences, spans) -> np.ndarray:
    """The reference: the training featuriser and fast_vectorise, one row at a time, in float64 sums."""
    logits = np.tile(model.intercept, (len(sentences), 1))
    for row, (s, sp) in enumerate(zip(sentences, spans)):
        idx, val = fast_vectorise(fast_features(s, sp), model.vocab, model.idf, model.ranges)
        if len(idx):
            contrib = val[:, None] * model.coef[idx]
            logits[row] += contrib.astype(np.float64).sum(axis=0).astype(np.float32)
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(sentence_and_span(), max_size=12))
def test_the_batch_path_scores_like_the_training_featuriser_on_any_batch(fast, cases):
    sentences, spans = [s for s, _ in cases], [sp for _, sp in cases]
    got = fast.predict_proba(sentences, spans)
    assert got.shape == (len(cases), 3)
    np.testing.assert_allclose(got, row_by_row(fast, sentences, spans), rtol=0, atol=1e-6)


def test_the_batch_path_scores_like_the_training_featuriser_on_newsmtsc_dev(fast):
    for split in ("rw", "mt"):
        sentences, spans, _ = load_newsmtsc(newsmtsc_file(split, "dev"))
        got = fast.predict_proba(sentences, spans)
        np.testing.assert_allclose(got, row_by_row(fast, sentences, spans), rtol=0, atol=1e-6)
        # One batch or one pair at a time: the very same numbers (each row's sums do not depend on the others).
        one = np.vstack([fast.predict_proba([s], [sp]) for s, sp in zip(sentences[:50], spans[:50])])
        assert np.array_equal(got[:50], one)


def counted_row_by_row(model, sentences, spans) -> tuple[list[int], list[int], list[int]]:
    """The reference for the batch's features: fast_vectorise's counting, a dict per row in first-seen order."""
    rows, cols, counts = [], [], []
    for row, (s, sp) in enumerate(zip(sentences, spans)):
        count: dict[int, int] = {}
        for feature in fast_features(s, sp):
            col = model.vocab.get(feature)
            if col is not None:
                count[col] = count.get(col, 0) + 1
        rows += [row] * len(count)
        cols += count
        counts += count.values()
    return rows, cols, counts


def batch_counts(model, sentences, spans) -> tuple[list[int], list[int], list[int]]:
    return tuple(part.tolist() for part in model._feature_counts(sentences, spans))


@settings(max_examples=200, deadline=None)
@given(st.lists(sentence_and_span(), max_size=12))
def test_the_batch_finds_each_rows_features_counts_and_order_like_the_training_featuriser(fast, cases):
    """The batch reads every feature from per-token tables (words, bigrams, window sides) through templates
    of where a row's features sit; it must find exactly the vocabulary features of fast_features, with their
    counts, in the order fast_vectorise meets them (the order of the sums)."""
    sentences, spans = [s for s, _ in cases], [sp for _, sp in cases]
    assert batch_counts(fast, sentences, spans) == counted_row_by_row(fast, sentences, spans)


def test_repeated_words_bigrams_and_window_words_are_counted_once_each_in_first_seen_order(fast):
    sentence = "The minister said the minister said that Oslo praised the minister, and the minister said no."
    spans = [span_of(sentence, "Oslo"), None, (0, 3)]
    got = batch_counts(fast, [sentence] * 3, spans)
    assert got == counted_row_by_row(fast, [sentence] * 3, spans)
    assert max(got[2]) >= 3  # "minister" and "the minister" come back, so some count is above one


def test_the_batch_features_are_the_training_featurisers_on_newsmtsc_dev(fast):
    for split in ("rw", "mt"):
        sentences, spans, _ = load_newsmtsc(newsmtsc_file(split, "dev"))
        assert batch_counts(fast, sentences, spans) == counted_row_by_row(fast, sentences, spans)


def test_rows_too_long_for_the_template_cache_are_read_the_same_way(fast):
    from analysis.sentiment_model import _CACHED_TEMPLATE_TOKENS

    clause = "the minister praised the talks but critics blamed the corrupt deal, "
    sentence = clause * (_CACHED_TEMPLATE_TOKENS // 5) + "said Mayor Ines Vidal on Friday, " + clause * 3
    assert len(fast_tokens(sentence, None)[0]) > _CACHED_TEMPLATE_TOKENS
    sentences = [sentence, sentence, "Short one praised Vidal."]
    spans = [span_of(sentence, "Ines Vidal"), None, span_of(sentences[2], "Vidal")]
    assert batch_counts(fast, sentences, spans) == counted_row_by_row(fast, sentences, spans)


def test_the_shipped_lookup_tables_are_those_of_the_shipped_vocabulary(tmp_path):
    """The fast model loads its lookup tables from fast_tables.npz instead of deriving them at every start; they
    must be exactly what the vocabulary of fast.json gives, and a model whose vocabulary they were not made
    from derives its own."""
    from analysis.sentiment_model import FAST_TABLES, _FastModel

    shipped = _FastModel(DEFAULT_DIR)
    fresh_dir = tmp_path / "model"
    fresh_dir.mkdir()
    for name in ("fast.json", "fast.npz"):
        (fresh_dir / name).write_bytes((DEFAULT_DIR / name).read_bytes())
    derived = _FastModel(fresh_dir)  # no tables beside it: derived from the vocabulary
    assert shipped._token_id == derived._token_id and shipped.ranges == derived.ranges
    for name in ("_word_cols", "_pair_code", "_pair_cols", "_group_of"):
        a, b = getattr(shipped, name), getattr(derived, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert shipped._code_type == derived._code_type and shipped._unknown == derived._unknown
    assert "meta" not in shipped.__dict__, "with its tables, the model loads without parsing fast.json"
    assert shipped.name == derived.name == json.loads((DEFAULT_DIR / "fast.json").read_text(encoding="utf-8"))["name"]

    (fresh_dir / FAST_TABLES).write_bytes((DEFAULT_DIR / FAST_TABLES).read_bytes())
    meta = json.loads((fresh_dir / "fast.json").read_text(encoding="utf-8"))
    meta["vocab"] = meta["vocab"][:-1]  # another vocabulary: the stored tables are not its own
    (fresh_dir / "fast.json").write_text(json.dumps(meta), encoding="utf-8")
    other = _FastModel(fresh_dir)
    assert len(other._group_of) == len(meta["vocab"])
