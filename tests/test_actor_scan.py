"""The actor index finds the surfaces of its actors exactly where one prefix-tree regex of every surface would.

That regex, ``(?<![\\w'’#@])(?:TREE)(?!\\w)`` run with ``finditer``, is the reference: leftmost match first, no
overlaps, at one position the longest surface that is not followed by a letter, a space inside a surface matching
any run of spaces or tabs (not a line break), an apostrophe ' or ’, a hyphen -, ‐ or ‑. The index scans with a much
smaller pattern (big families of surfaces are stood for by their first word and get a pattern of their own on first
use), so it is compared with the reference on texts built from the real surfaces of the data file, bent every way
a text can bend them, and on indexes of made-up names split every way between the scan and the families.
The ASCII spelling of names (``_fold``), which loading computes some 9,000 times, is checked against its reference
too.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from analysis import actors
from analysis.actors import ActorIndex, _char_rx, _fold, _norm_surface
from analysis.phrases import trie_pattern
from tests.written_articles import ARTICLES

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parent.parent.joinpath("seeds").glob("*.txt"))]


def one_regex(index: ActorIndex) -> re.Pattern:
    """The reference: every surface of the index in one prefix-tree regex."""
    return re.compile(rf"(?<![\w'’#@])(?:{trie_pattern(sorted(index._surfaces), _char_rx)})(?!\w)")


def reference_tokens(index: ActorIndex, rx: re.Pattern, text: str) -> list[tuple]:
    """What the reference finds, as tokens: blockers ("Mr. President" kinds of phrases) take their span and vanish."""
    out = []
    for m in rx.finditer(text):
        prio_entry = index._surfaces.get(_norm_surface(m.group()))
        if prio_entry is not None and prio_entry[1].kind != "block":
            out.append((m.start(), m.end(), prio_entry[1]))
    return out


def tokens(index: ActorIndex, text: str) -> list[tuple]:
    return [(u.start, u.end, u.entry) for u in index._tokens(text)]


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex.default()


@pytest.fixture(scope="module")
def reference(index) -> re.Pattern:
    return one_regex(index)


# --- texts built from the real surfaces ------------------------------------------------------------------------

DEFAULT = ActorIndex.default()
SURFACES = sorted(DEFAULT._surfaces)
# Surfaces of the big families (scanned by first word) and of the small ones (scanned whole) are both drawn.
BIG = sorted(s for s in SURFACES if re.match(r"\w+", s).group() in DEFAULT._big_first_words)
SMALL = sorted(s for s in SURFACES if re.match(r"\w+", s).group() not in DEFAULT._big_first_words)

SPACES = [" ", "  ", "\t", "\n", " \n ", "\u00a0", "\u2003", " \t"]
GLUE = ["", "", "", "x", "Z", "9", "_", "'", "’", "#", "@", "é", "ß", "Ж", "-", ".", ",", "(", "«", "’s", "'s"]


@st.composite
def bent_surface(draw) -> str:
    s = draw(st.sampled_from(BIG) | st.sampled_from(SMALL))
    if draw(st.booleans()):  # cut short: the tree must fall back to a shorter surface, or find none
        s = s[:draw(st.integers(1, len(s)))]
    case = draw(st.sampled_from(["as is", "as is", "upper", "lower", "title", "swap"]))
    s = {"as is": s, "upper": s.upper(), "lower": s.lower(), "title": s.title(), "swap": s.swapcase()}[case]
    s = "".join(draw(st.sampled_from(["'", "’"])) if c == "'" else
                draw(st.sampled_from(["-", "‐", "‑", "–"])) if c == "-" else
                draw(st.sampled_from(SPACES)) if c == " " else c for c in s)
    return draw(st.sampled_from(GLUE)) + s + draw(st.sampled_from(GLUE))


pieces = st.lists(bent_surface() | st.sampled_from(SPACES + [", ", ". ", "the ", "of ", "’s "]) |
                  st.text(max_size=6), max_size=12)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces, st.sampled_from(["", " ", "\n", ", "]))
def test_the_index_finds_what_the_one_regex_finds_in_texts_of_bent_surfaces(index, reference, parts, joiner):
    text = joiner.join(parts)
    assert tokens(index, text) == reference_tokens(index, reference, text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_the_index_finds_what_the_one_regex_finds_in_any_text(index, reference, text):
    assert tokens(index, text) == reference_tokens(index, reference, text)


def test_written_and_seed_articles_give_the_same_tokens_and_many_of_them(index, reference):
    found = 0
    for text in SEED_TEXTS + [a["text"] for a in ARTICLES]:
        got = tokens(index, text)
        assert got == reference_tokens(index, reference, text)
        found += len(got)
    assert found > 300


def test_the_scan_pattern_is_a_small_part_of_the_one_regex(index, reference):
    # what made construction cheap; both kinds of family exist in the data file
    assert len(index._scan_rx.pattern) * 3 < len(reference.pattern)
    assert BIG and SMALL


def test_a_long_surface_wins_and_falls_back_when_glued_to_a_letter(index):
    text = "Republic of Armenia. Republic of Armeniax. Republic of\tArmenia’s envoy"
    spans = [text[s:e] for s, e, _ in tokens(index, text)]
    assert spans[0] == "Republic of Armenia"
    assert "Republic of\tArmenia" in spans


# --- made-up indexes: any names, any split between the scan and the families ----------------------------------

NAME_WORDS = ["Re", "Rep", "Republic", "of", "the", "A", "Ab", "Ava", "U.S.", "U.N", "x-y", "it's", "Ünal", "Ерев",
              "(RA)", "#tag", "9th", "co-op", "O'Neil", "_k"]


@st.composite
def made_up_names(draw) -> list[str]:
    words = st.sampled_from(NAME_WORDS)
    return draw(st.lists(st.lists(words, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=14,
                         unique_by=lambda n: _norm_surface(n).casefold()))


@settings(max_examples=150, deadline=None)
@given(made_up_names(), st.lists(st.sampled_from(NAME_WORDS + SPACES + ["Republicx", "’", "‐", "Ab’", ",", "."]),
                                 max_size=25), st.sampled_from([0, 1, 2, 8]))
def test_made_up_indexes_scan_like_their_one_regex_however_the_families_are_split(names, words, scanned_whole):
    # names starting with punctuation ("(RA)", "#tag") have no first word: they are always scanned whole
    with patch.object(actors, "_SCANNED_WHOLE", scanned_whole):
        made_up = ActorIndex({"organisation": [{"name": n} for n in names]})
    text = "".join(words)
    assert tokens(made_up, text) == reference_tokens(made_up, one_regex(made_up), text)


# --- folding names to ASCII --------------------------------------------------------------------------------------

def folded_by_decomposition(s: str) -> str:
    """The reference fold: decompose, drop the accents, spell the few letters that do not decompose."""
    out = unicodedata.normalize("NFKD", s)
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20) | st.sampled_from(["Erdoğan", "Kılıç", "Çavuşoğlu", "Łukasz Øster", "Đorđe", "Pashinyan",
                                               "ﬁnal ½", "Jean-Noël"]))
def test_folding_takes_a_short_cut_for_ascii_names_only(name):
    assert _fold(name) == folded_by_decomposition(name)


def test_every_ascii_character_folds_to_itself():
    ascii_text = "".join(map(chr, range(128)))
    assert _fold(ascii_text) == folded_by_decomposition(ascii_text) == ascii_text


def test_sentences_without_a_role_skip_the_composing_passes_and_give_what_they_give(index):
    # find_mentions emits a sentence holding no role or honorific straight from its tokens; the composing passes and
    # their emitter must give the same mentions, with and without the people the article named before.
    key = lambda ms: [(m.start, m.end, m.surface, m.actor, m.how) for m in ms]
    sentences = [s for text in SEED_TEXTS + [a["text"] for a in ARTICLES] for s in re.split(r"(?<=[.!?])\s+", text)]
    sentences += ["Kazakh Foreign Minister Jane Tulegenova met Pashinyan in Yerevan.", "Tulegenova said Moscow agreed.",
                  "Grigoryan and Tigran Grigoryan spoke in Baku.", "Mr. Peskov and Erdoğan's aides left Ankara."]
    context = tuple(m.actor for m in index.find_mentions(sentences[-4]) if m.actor is not None and m.actor.kind == "person")
    plain = 0
    for s in sentences:
        for ctx in ((), context):
            assert key(index.find_mentions(s, ctx)) == key(index._emit(s, index._compose(s), ctx))
        plain += not any(u.kind in ("role", "hon") for u in index._tokens(s))
    assert plain > 100
