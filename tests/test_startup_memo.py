"""What a process keeps from an earlier one to start faster is exactly what it would have computed itself: the parsed
TOML data files, TextBlob's sentiment lexicon, the date and cue tries, and the actor index loaded with its shortcuts."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from textblob import en as textblob_en

from analysis import actors, dates, datafiles, regexes, scoring, tension
from tests.fresh_process import cache, new_process  # noqa: F401 - cache is a fixture

DATA = Path(actors.__file__).parent / "data"


def kept(kind: str) -> int:
    return sum(1 for k in regexes._hits if k[:2] == ("memo", kind))


# --- TOML data files ---------------------------------------------------------------------------------------------

def test_every_data_file_reads_as_tomllib_parses_it_computed_or_kept(cache, monkeypatch):
    files = sorted(DATA.glob("*.toml"))
    assert len(files) >= 5
    expected = {f: tomllib.load(open(f, "rb")) for f in files}
    for f in files:
        assert datafiles.read_toml(f) == expected[f]
    regexes.save()
    new_process(monkeypatch)
    for f in files:
        assert datafiles.read_toml(f) == expected[f]
        assert datafiles.loads_toml(f.read_text(encoding="utf-8")) == tomllib.loads(f.read_text(encoding="utf-8"))
    assert kept("toml") == len(files) and not regexes._new


def test_each_read_gets_a_value_of_its_own(cache, monkeypatch):
    text = 'title = "Briefing"\n[speaker]\nnames = ["Kallas", "Lavrov"]\n'
    datafiles.loads_toml(text)
    regexes.save()
    new_process(monkeypatch)
    first = datafiles.loads_toml(text)
    first["speaker"]["names"].append("changed by a caller")
    assert datafiles.loads_toml(text) == {"title": "Briefing", "speaker": {"names": ["Kallas", "Lavrov"]}}


def test_toml_dates_which_marshal_cannot_keep_are_parsed_in_each_process(cache, monkeypatch):
    text = 'since = 2019-04-09\nat = 1979-05-27T07:32:00Z\nlabel = "x"\n'
    assert datafiles.loads_toml(text) == tomllib.loads(text)
    regexes.save()
    new_process(monkeypatch)
    got = datafiles.loads_toml(text)
    assert got == tomllib.loads(text) and got["since"] == dt.date(2019, 4, 9)


def test_a_malformed_file_raises_tomllibs_error_every_time(cache, monkeypatch):
    for _ in range(2):
        with pytest.raises(tomllib.TOMLDecodeError):
            datafiles.loads_toml("key = [unclosed\n")
        regexes.save()
        new_process(monkeypatch)


TOML_VALUES = st.recursive(
    st.one_of(st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), st.booleans(),
              st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)),
    lambda inner: st.lists(inner, max_size=4), max_leaves=12)


def toml_literal(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08x}" for c in v) + '"'
    return "[" + ", ".join(toml_literal(x) for x in v) + "]"


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), TOML_VALUES, max_size=6))
def test_any_toml_value_kept_is_the_value_parsed(table):
    text = "".join(f"{k} = {toml_literal(v)}\n" for k, v in table.items())
    reference = tomllib.loads(text)
    got = datafiles.loads_toml(text)
    regexes.save()
    again = datafiles.loads_toml(text)  # from the cache this time
    assert got == reference == again
    assert [type(x) for x in again.values()] == [type(x) for x in reference.values()]  # True stays bool, not 1


# --- TextBlob's sentiment lexicon ----------------------------------------------------------------------------------

def fresh_lexicon() -> textblob_en.Sentiment:
    """A lexicon like textblob.en.sentiment, not yet loaded."""
    model = textblob_en.sentiment
    return textblob_en.Sentiment(path=model.path, synset="wordnet_id", negations=model.negations,
                                 modifiers=model.modifiers, modifier=model.modifier, tokenizer=model.tokenizer,
                                 language="en")


SENTENCES = [
    "Moscow's decision is a terrible, deeply hostile mistake.",
    "The minister was not happy with the very slow talks.",
    "Brussels warmly welcomed the historic and good agreement!",
    "Never again will we accept such an outrageous ultimatum.",
    "It is hardly a surprise; the envoy seemed rather uncertain :-(",
    "Relations are neither good nor bad, officials said.",
]


def test_the_kept_lexicon_equals_textblobs_own_load_and_scores_the_same(cache, monkeypatch):
    reference = fresh_lexicon()
    reference.load()
    first = fresh_lexicon()
    scoring._use_kept_lexicon(first)
    first("warm up")  # computed here (TextBlob's own load), and kept
    regexes.save()
    new_process(monkeypatch)

    calls = []
    own_load = textblob_en.Sentiment.load
    monkeypatch.setattr(textblob_en.Sentiment, "load", lambda self, path=None: (calls.append(1), own_load(self, path)))
    restored = fresh_lexicon()
    scoring._use_kept_lexicon(restored)
    assert restored("warm up") == reference("warm up")
    assert not calls and kept("textblob_lexicon") == 1  # no XML parsed in this "process"

    for got, want in [(first, reference), (restored, reference)]:
        assert list(dict.items(got)) == list(dict.items(reference))  # every word, pos and value, in order
        assert got.labeler == reference.labeler and got._synsets == reference._synsets
        assert got._language == reference._language == "en"
    for s in SENTENCES:
        assert restored(s) == reference(s)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(dict.keys(textblob_en.sentiment))[::7] + ["not", "never", "very", "!", "?",
                                                                                  "hardly", ":-)", "Yerevan"]),
                min_size=1, max_size=12))
def test_sentiment_is_identical_with_the_kept_lexicon_on_many_texts(words):
    reference = getattr(test_sentiment_is_identical_with_the_kept_lexicon_on_many_texts, "reference", None)
    if reference is None:
        reference = fresh_lexicon()
        reference.load()
        test_sentiment_is_identical_with_the_kept_lexicon_on_many_texts.reference = reference
    text = " ".join(words)
    assert scoring.textblob_sentiment.__wrapped__(text) == tuple(map(float, reference(text)))


def test_a_damaged_kept_lexicon_falls_back_to_textblobs_load(cache, monkeypatch):
    lexicon = fresh_lexicon()
    monkeypatch.setattr(regexes, "memo", lambda *a, **k: ({}, {}, {}, "en"))  # an empty state is not a lexicon
    scoring._use_kept_lexicon(lexicon)
    reference = fresh_lexicon()
    assert lexicon(SENTENCES[0]) == reference(SENTENCES[0]) and len(lexicon) == len(reference) > 1000


# --- tries built from word lists -----------------------------------------------------------------------------------

WORDS = st.lists(st.text(st.sampled_from("ab '’-.c"), min_size=1, max_size=6), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(WORDS, st.booleans())
def test_the_date_word_trie_is_the_one_built_from_the_forms(words, cased):
    forms = dates._forms(words, cased)
    assert dates._alt(words, cased) == dates._alt_trie(list(forms)) == dates._alt_trie(sorted(forms, reverse=True))
    rx = re.compile(dates._alt(words, cased) + r"\Z")
    for f in forms:
        assert rx.match(f)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(st.sampled_from("abcd"), min_size=1, max_size=5), min_size=1, max_size=12),
       st.dictionaries(st.text(st.sampled_from("abcd"), min_size=1, max_size=5), st.sampled_from(["", "(?=x)", "(?=y)"])))
def test_the_phrase_start_trie_kept_is_the_one_built_in_any_order(words, follows):
    from analysis import phrases
    kept = phrases._trie(words, follows)
    assert kept == phrases._trie_of(sorted(set(words)), follows) == phrases._trie(list(reversed(words)), follows)
    for w in words:
        after = {"(?=x)": "x", "(?=y)": "y"}.get(follows.get(w, ""), "")  # what the word's lookahead wants
        assert re.fullmatch(rf"(?:{kept}){after}", w + after)


def test_a_fresh_process_takes_the_phrase_trie_kept_and_another_word_list_builds_its_own(cache, monkeypatch):
    from analysis import phrases
    built = []
    real = phrases._trie_of
    monkeypatch.setattr(phrases, "_trie_of", lambda w, f: built.append(1) or real(w, f))
    first = phrases._trie(["said", "says", "told"], {"told": "(?=x)"})
    regexes.save()
    new_process(monkeypatch)
    assert phrases._trie(["told", "says", "said"], {"told": "(?=x)"}) == first and built == [1]
    assert phrases._trie(["said", "says", "told"], {}) != first and built == [1, 1]


@settings(max_examples=150, deadline=None)
@given(st.sets(st.text(st.sampled_from("abc '-"), min_size=1, max_size=5), max_size=15))
def test_the_cue_prefix_trie_matches_exactly_where_a_prefix_starts(prefixes):
    rx = re.compile(tension._any_prefix(prefixes))
    for probe in [p + "x" for p in prefixes] + ["", "a", "ab", "c-", "zz", "b a"]:
        assert bool(rx.match(probe)) == any(probe.startswith(p) for p in prefixes)


# --- the actor index ------------------------------------------------------------------------------------------------

class ReferenceIndex(actors.ActorIndex):
    """The index as loaded before the shortcuts: every surface normalised as given and as folded."""

    def _add(self, surface, prio_kind, entry):
        for s in {actors._norm_surface(surface), actors._norm_surface(actors._fold(surface))}:
            if not s:
                continue
            prio = actors._PRIORITY[prio_kind]
            old = self._surfaces.get(s)
            if old is None or prio < old[0]:
                self._surfaces[s] = (prio, entry)
            elif prio == old[0]:
                self._surfaces[s] = (prio, self._merge(s, old[1], entry))

    def _remember(self, surface, actor):
        for s in {surface, actors._fold(surface)}:
            lst = self._lookup.setdefault(actors._norm_surface(s).casefold(), [])
            if actor not in lst:
                lst.append(actor)


def index_state(index: actors.ActorIndex):
    return (index._surfaces, index._lookup, index._side_words, index._by_query, index.actors, index.offices,
            index._scan_rx.pattern, index._initials)


def test_the_actor_index_loads_as_before_on_the_data_file():
    data = datafiles.read_toml(actors.DATA_FILE)
    assert index_state(actors.ActorIndex(data)) == index_state(ReferenceIndex(data))


NAMES = st.lists(st.tuples(st.sampled_from(["Ana", "Zoë", "Łukasz", "Jean-Yves", "Nikol", "Ирина", "Çelik"]),
                           st.sampled_from(["Ng", "Erdoğan", "O’Brien", "Smith", "Pashinyan", "Dvořák", "Иванов"])),
                 min_size=1, max_size=8, unique=True)


@settings(max_examples=40, deadline=None)
@given(NAMES, st.sampled_from(["  ", "\t", " ", "‐"]))
def test_the_actor_index_loads_as_before_with_accented_and_spaced_names(names, gap):
    people = [{"name": f"{a} {b}", "side": "Armenia", "role": "minister", "aliases": [f"{a}{gap}{b}"]}
              for a, b in names]
    data = {"side": [{"name": "Armenia", "adjectives": ["Armenian"], "names": ["Armenia"]}],
            "roles": {"minister": {"phrasings": ["minister"]}}, "person": people}
    assert index_state(actors.ActorIndex(data)) == index_state(ReferenceIndex(data))
