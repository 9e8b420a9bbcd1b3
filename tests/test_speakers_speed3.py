"""Scanning all the sentences of an article at once gives what scanning each alone gives."""
import re
import sys

import pytest
from hypothesis import given, settings, strategies as st

from analysis.actors import _MAY_PRECEDE, ActorIndex
from analysis.phrases import _MAY_PRECEDE_WORD
from analysis.speakers import _unit_phrases


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex.default()


# Sentences of other people and places than the seeds, with the characters that could upset a joined scan: the
# separator itself, characters that lower to two ("İ") or by context ("Σ"), quotes, apostrophes, hyphens, #, @.
PIECES = ["Kazakh Foreign Minister", "Ana Tulegenova", "said", "says", "according to", "in his view", "told",
          "Tokayev", "Astana", "the prime minister", "Mr.", "Prime Minister", "Russia", "Georgian", "pointed out",
          "Ms", "Tulegenova", "’s", "'s", "#", "@", "-", "—", "“", "”", "\x00", "\n", " ", "  ", "\t", ".", ",", "İ",
          "Σ", "x", "_", "é", "K", "2025", "Moscow"]
texts_strategy = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=6)


def spans(found):
    return [[(m.start(), m.end(), m.group()) for m in ms] for ms in found]


@settings(max_examples=400, deadline=None)
@given(texts_strategy)
def test_phrases_of_joined_sentences_are_those_of_each_sentence(texts):
    matchers = _unit_phrases()
    assert [spans(f) for f in matchers.find_each_of(texts)] == [spans(matchers.find_each(t)) for t in texts]


@settings(max_examples=400, deadline=None)
@given(texts_strategy)
def test_actor_surfaces_of_joined_sentences_are_those_of_each_sentence(index, texts):
    assert index._scan_each(texts) == [index._scan(t) for t in texts]


def mention_keys(mentions):
    return [(m.start, m.end, m.surface, m.actor, m.how) for m in mentions]


def one_by_one(index, texts):
    """The reference: each sentence alone, with the people the ones before it named as context."""
    out, context = [], []
    for t in texts:
        found = index.find_mentions(t, context=tuple(context))
        for m in found:
            if m.actor is not None and m.actor.kind == "person" and m.actor not in context:
                context.append(m.actor)
        out.append(mention_keys(found))
    return out


@settings(max_examples=300, deadline=None)
@given(texts_strategy)
def test_mentions_in_turn_are_those_found_one_sentence_after_another(index, texts):
    assert [mention_keys(ms) for ms in index.find_mentions_in_turn(texts)] == one_by_one(index, texts)


def test_a_person_named_with_a_title_is_found_by_surname_in_later_sentences(index):
    texts = ["Kazakh Foreign Minister Jane Tulegenova arrived in Yerevan.", "Tulegenova said the talks went well.",
             "", "Later Tulegenova met Pashinyan."]
    found = index.find_mentions_in_turn(texts)
    assert [mention_keys(ms) for ms in found] == one_by_one(index, texts)
    assert [m.actor.name for m in found[1]] == ["Jane Tulegenova"] and found[2] == []
    assert "Jane Tulegenova" in [m.actor.name for m in found[3]]


EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize("admitting, before", [(_MAY_PRECEDE, r"[\w'’#@]"), (_MAY_PRECEDE_WORD, r"\w")])
def test_the_class_before_a_word_admits_every_character_the_lookbehind_admits(admitting, before):
    # a scan's class only lets the engine skip ahead: it must not drop a character that can come before a match
    refused = re.sub(admitting, "", EVERY_CHARACTER)
    assert refused and re.fullmatch(f"{before}+", refused)
    assert re.fullmatch(admitting, "\x00") and not re.match(before, "\x00")  # the separator, and the text's start
