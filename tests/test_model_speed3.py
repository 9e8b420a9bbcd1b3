"""Shortcuts in the fast sentiment model's batch path, each checked against the plain reading it replaces.

* A feature column's group (sentence or window) is worked out from where each group starts, instead of being
  read from the ``_group_of`` table: it must be the table's value for every column of the vocabulary.
* ``predict`` takes a row's probability with ``max`` instead of indexing the row at its argmax, and the
  sentiment scores of a batch are the same numbers, bit for bit, as the reading of ``predict_proba`` by hand.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from analysis.sentiment_model import LABELS, SentimentModel


@pytest.fixture(scope="module")
def fast():
    return SentimentModel.load(mode="fast")


def test_the_group_worked_out_from_the_ranges_is_the_tables_for_every_column(fast):
    columns = np.arange(len(fast.idf))
    worked_out = np.searchsorted(fast._group_starts, columns, side="right")
    assert len(fast.ranges) >= 2  # sentence and window groups: the test compares something
    assert np.array_equal(worked_out, fast._group_of)


WORDS = ["Moscow", "Yerevan", "warned", "praised", "the", "alliance", "not", "a", "betrayal", "friendly", "!",
         "talks", "sanctions", "Pashinyan", "Lavrov", "said", "on", "Tuesday", "unacceptable", "partner", "?",
         "grateful", "threatens", "peace", "it's", "—", ",", "Kremlin", "ministry", "good", "bad"]


@st.composite
def batches(draw):
    rows = []
    for words in draw(st.lists(st.lists(st.sampled_from(WORDS), max_size=30), min_size=1, max_size=12)):
        sentence = " ".join(words)
        span = None
        if sentence and draw(st.booleans()):
            start = draw(st.integers(0, len(sentence) - 1))
            span = (start, draw(st.integers(start + 1, len(sentence))))
        rows.append((sentence, span))
    return rows


@settings(max_examples=150, deadline=None)
@given(batches())
def test_predict_reads_the_probabilities_as_argmax_indexing_does(fast, batch):
    sentences, spans = [s for s, _ in batch], [sp for _, sp in batch]
    probs = fast.predict_proba(sentences, spans)
    best = probs.argmax(axis=1)
    labels, prob, score = fast.predict(sentences, spans)
    assert np.array_equal(labels, LABELS[best])
    assert prob.tobytes() == probs[np.arange(len(best)), best].astype(np.float64).tobytes()
    assert score.tobytes() == (probs[:, 2] - probs[:, 0]).astype(np.float64).tobytes()


def test_a_batch_without_any_known_feature_gets_the_intercepts_softmax(fast):
    probs = fast.predict_proba(["", "—"], [None, None])
    logits = np.repeat(fast.intercept[None, :], 2, axis=0)
    logits -= logits.max(axis=1, keepdims=True)
    expected = np.exp(logits)
    expected /= expected.sum(axis=1, keepdims=True)
    assert probs.dtype == np.float32 and probs.tobytes() == expected.tobytes()
