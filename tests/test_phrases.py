"""PhraseMatcher finds what the equivalent regex alternation finds, only faster."""
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from analysis.phrases import PhraseMatcher, PhraseMatchers
from analysis.speakers import _data, speech_verb_forms
from tests.written_articles import ARTICLES


def alternation(phrases) -> re.Pattern:
    """The reference: one regex, longest alternative first, whole words, any white space inside a phrase."""
    alts = [re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True)]
    return re.compile(rf"\b(?:{'|'.join(alts)})\b", re.IGNORECASE)


def spans(it):
    return [(m.start(), m.end(), m.group(0)) for m in it]


SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parent.parent.joinpath("seeds").glob("*.txt"))]
WRITTEN = [a["text"] for a in ARTICLES]


def test_speech_verbs_match_like_the_regex_on_real_and_written_articles():
    phrases = speech_verb_forms()
    fast, slow = PhraseMatcher(phrases), alternation(phrases)
    found = 0
    for text in SEED_TEXTS + WRITTEN:
        got = spans(fast.finditer(text))
        assert got == spans(slow.finditer(text))
        found += len(got)
    assert found > 50


def test_a_phrase_wins_over_its_first_word_and_spaces_inside_it_may_vary():
    m = PhraseMatcher(["called", "called for", "called on", "said"])
    text = "She called  for\ntalks and Called the envoy; he said."
    assert [g for _, _, g in spans(m.finditer(text))] == ["called  for", "Called", "said"]
    assert [s for s, _, _ in spans(m.finditer(text))] == [text.index("called"), text.index("Called"), text.index("said")]


def test_only_whole_words_match():
    m = PhraseMatcher(["said", "according to"])
    text = "unsaid saidx according tone, according to_ according to him"
    start = text.index("according to him")
    assert spans(m.finditer(text)) == [(start, start + len("according to"), "according to")]


def test_a_phrase_must_be_words():
    with pytest.raises(ValueError, match="whole words"):
        PhraseMatcher(["U.S. said"])


WORDS = ["said", "says", "called", "called for", "pointed out", "according to", "in his view", "per", "told"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["the", "x", "Said", "CALLED", "For", "out", "his", "view", "in", "to",
                                          "\n", "  ", ",", "-", "_", "é", "pointed", "according"]), max_size=30),
       st.lists(st.sampled_from(WORDS), min_size=1, max_size=9, unique=True))
def test_same_matches_as_the_alternation_on_any_text(tokens, phrases):
    text = " ".join(tokens)
    assert spans(PhraseMatcher(phrases).finditer(text)) == spans(alternation(phrases).finditer(text))


MATCHER_GROUPS = [["said", "says", "called", "called for", "pointed out"], ["according to", "in the words of", "per"],
                  ["in his view", "according to him", "in her words"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["the", "Said", "In", "HIS", "view", "words", "of", "him", "to", "\n", "  ",
                                          ",", "_", "é", "İ", "Σ", "ΟΔΟΣ", "K", "according", "saidΣ"]), max_size=30))
def test_matchers_scanned_together_find_what_each_finds_alone(tokens):
    # "İ" lowers to two characters and "Σ" by its context: such texts must still give the alternation's matches
    text = " ".join(tokens)
    together = PhraseMatchers([PhraseMatcher(g) for g in MATCHER_GROUPS]).find_each(text)
    assert [spans(ms) for ms in together] == [spans(alternation(g).finditer(text)) for g in MATCHER_GROUPS]


def test_the_speaker_phrases_scanned_together_match_the_regexes_on_articles():
    d = _data()["according_to"]
    groups = [speech_verb_forms(), [p for p in d["phrases"] if p != "per"], d["pronoun_phrases"]]
    together = PhraseMatchers([PhraseMatcher(g) for g in groups])
    found = 0
    for text in SEED_TEXTS + WRITTEN:
        got = [spans(ms) for ms in together.find_each(text)]
        assert got == [spans(alternation(g).finditer(text)) for g in groups]
        found += sum(map(len, got))
    assert found > 50


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["in", "In", "IN", "İ", "by", "his", "hiſ", "HIS", "her", "view", "vieW", "words",
                                  "the", "of", "according", "to", "Tο", "him", "said", "\u212a", "\n", "  ", "\t",
                                  "\u00a0", ",", "_", "x"]), max_size=30),
       st.sampled_from([" ", "", "\n"]))
def test_words_that_only_start_phrases_are_looked_at_only_where_a_phrase_follows(tokens, glue):
    # The scan skips "in", "by", "according" unless the rest of one of their phrases follows (ignoring case, any
    # white space): the matches must stay those of the alternation, whatever the case, spacing or lookalike letters.
    text = glue.join(tokens)
    groups = MATCHER_GROUPS + [["by the way", "in the words of", "said"]]
    together = PhraseMatchers([PhraseMatcher(g) for g in groups]).find_each(text)
    assert [spans(ms) for ms in together] == [spans(alternation(g).finditer(text)) for g in groups]
