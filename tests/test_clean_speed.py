"""The fast paths of cleaning, metadata and segmentation find exactly what the plain code finds.

Each shortcut (a regex written as a prefix tree, a cheap test that proves a
slow pattern cannot match, a cache of per-line decisions, dateutil reading a
string once for two defaults) is checked here against the plain version on
many generated inputs made of the pieces these patterns look for.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import nupunkt
from dateutil import parser as date_parser
from hypothesis import given, settings, strategies as st

from analysis import clean, metadata, quotes, segment
from analysis.clean import clean_article
from analysis.phrases import trie_pattern

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def plain_alternation(strings) -> str:
    return "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


# Few letters, so that strings share prefixes and occur in the texts.
short_strings = st.lists(st.text(alphabet="ab .", min_size=1, max_size=5), min_size=1, max_size=8)
texts = st.text(alphabet="ab .1", max_size=40)


@settings(max_examples=400, deadline=None)
@given(short_strings, texts)
def test_a_prefix_tree_finds_what_the_alternation_finds(strings, text):
    tree, plain = re.compile(trie_pattern(strings)), re.compile(plain_alternation(strings))
    assert spans(tree, text) == spans(plain, text)


@settings(max_examples=400, deadline=None)
@given(short_strings, texts)
def test_inside_a_larger_pattern_the_tree_backtracks_like_the_alternation(strings, text):
    # The tail can fail after the longest string and succeed after a shorter one.
    tree = re.compile(rf"(?:{trie_pattern(strings)})\.?b?1")
    plain = re.compile(rf"(?:{plain_alternation(strings)})\.?b?1")
    assert spans(tree, text) == spans(plain, text)


def test_month_and_weekday_names_are_matched_longest_first():
    assert re.compile(clean._MONTH).match("Sept. 5").group(0) == "Sept."
    assert re.compile(clean._WEEKDAY).match("THURSDAY").group(0) == "THURSDAY"
    assert re.compile(clean._WEEKDAY).match("Thurs 14").group(0) == "Thurs"


# Pieces of the lines the line rules look at: dates, times, credits, widgets.
LINE_PIECES = [
    "14 November 2023", "Nov. 14, 2023", "2023-11-14T10:31:00Z", "14.11.2023", "11/14/2023", "10:31", "GMT+4",
    "Tuesday", "3 hours ago", "Published:", "Updated", "|", "-", "—", ":", "/", "(", ")", ".", ",", "©",
    "Photo:", "Photo by", "Getty Images", "AFP", "REUTERS/Jane Roe", "Reuters", "Credit:", "via REUTERS",
    "Share this article on", "privacy policy", "Leave a comment", "Read also:", "By", "Jane Roe",
    "the minister said", "Yerevan", "MOSCOW", "talks", "and", "2024", "12", "'", "’", "\u00a0", "\n",
    "(Reuters) -", "/TASS/.", "Baku, APA.", "Jakarta, CNBC Indonesia –", "YEREVAN, Nov 14 (Interfax) -",
]
lines = st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=14).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(lines)
def test_date_tests_with_a_digit_prefilter_match_the_full_patterns(line):
    assert clean.has_date(line) == (clean._LOOSE_DATE_RE.search(line) is not None)
    plain_timestamp = clean.DATE_RE.search(line) is not None and clean._SEPARATORS_RE.sub("", clean._TZ_NAME_RE.sub(
        " ", clean._LABEL_WORDS_RE.sub(" ", clean.DATE_RE.sub(" ", line)))) == ""
    assert clean._is_timestamp_line(line) == plain_timestamp


@settings(max_examples=600, deadline=None)
@given(lines)
def test_credit_patterns_behind_an_in_test_match_the_plain_search(line):
    tail_from = max(0, len(line) - clean._CREDIT_TAIL)
    for pattern, needed in clean._CAPTION_END_RES:
        if pattern.search(line, tail_from):
            assert needed.search(line, tail_from), pattern.pattern


@settings(max_examples=600, deadline=None)
@given(lines)
def test_dateline_patterns_behind_an_in_test_match_the_plain_match(line):
    for _, pattern, needed in clean._DATELINE_PATTERNS:
        if pattern.match(line):
            assert any(x in line for x in needed), pattern.pattern


@settings(max_examples=300, deadline=None)
@given(lines)
def test_boilerplate_phrases_are_found_as_by_the_plain_alternation(line):
    plain = re.compile(plain_alternation(clean._BP_PHRASE_REASON))
    low = line.lower()
    got, want = clean._BP_PHRASE_RE.search(low), plain.search(low)
    assert (got and (got.span(), got.group(0))) == (want and (want.span(), want.group(0)))
    if want:  # the cheap search for phrase tails never rules a phrase out
        assert clean._BP_PHRASE_TAIL_RE.search(low)


def test_cached_line_decisions_do_not_depend_on_what_was_cleaned_before():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    clean._line_facts.cache_clear()
    cold = [clean_article(t).blocks for t in texts]
    warm = [clean_article(t).blocks for t in reversed(texts)][::-1]
    assert cold == warm
    assert clean._line_facts.cache_info().hits > 0


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab '‘’(—:\n", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_single_quote_openers_are_found_like_the_lookbehind_pattern(text, a, b):
    pos, hi = min(a, b, len(text)), min(max(a, b), len(text))
    m = quotes._SINGLE_OPEN_RE.search(text, pos, hi)
    assert quotes._next_single_open(text, pos, hi) == (m.start() if m else -1)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab A/-'’ ", max_size=25))
def test_two_prose_words_are_found_without_listing_every_word(s):
    assert segment._has_prose(s) == (len(segment._PROSE_WORD_RE.findall(s)) >= 2)


def parse_twice(core: str, dayfirst: bool):
    """The reference: two public dateutil calls."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [date_parser.parse(core, dayfirst=dayfirst, default=d, tzinfos=metadata._TZINFOS)
                    for d in (metadata._DEFAULT_A, metadata._DEFAULT_B)]
    except (ValueError, OverflowError, TypeError):
        return None  # parse_timestamp gives up on all three alike


DATE_PIECES = ["14", "11", "2023", "05", "31", "Nov", "November", "Tue", "Tuesday", "10:31", "10:31:05", "PM",
               "GMT", "MSK", "+04:00", "UTC", "EST", "XYZ", ".", "/", "-", ",", "(", ")", "at", "of", "May", "Feb"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(DATE_PIECES), min_size=1, max_size=7).map(" ".join), st.booleans())
def test_reading_a_date_once_for_both_defaults_gives_what_two_parses_give(core, dayfirst):
    want = parse_twice(core, dayfirst)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = metadata._parse_with_defaults(core, dayfirst, metadata._DEFAULT_A, metadata._DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        got = None
    assert got == want


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["1", "12", "2023", "/", ".", " ", "a", "-"]), max_size=14).map("".join))
def test_numeric_dates_are_only_sought_where_their_core_is(s):
    if metadata._NUMERIC_DATE_RE.findall(s):
        assert metadata._NUMERIC_DATE_CORE_RE.search(s)


def test_the_generated_pieces_do_reach_the_slow_patterns():
    # So that the properties above compare real matches, not only misses.
    assert clean.has_date("Updated 10:31 | Tuesday") and clean._is_timestamp_line("Published: 14 November 2023 10:31")
    assert clean._is_caption("The minister in Yerevan. Photo: REUTERS/Jane Roe", 8)
    assert clean._is_caption("Talks in Yerevan, 2024 (Getty Images)", 6)
    assert quotes._next_single_open("He said: 'talks", 0, 15) == 9
    assert clean.find_dateline("YEREVAN, Nov 14 (Interfax) - talks").outlet == "Interfax"
    assert parse_twice("Tue 14 Nov 2023 10:31 MSK", True)[0].hour == 10
    assert metadata._NUMERIC_DATE_RE.findall("on 11/14/2023") == [("11", "14")]


def test_every_boilerplate_phrase_has_its_tail_found():
    for phrase in clean._BP_PHRASE_REASON:
        assert clean._BP_PHRASE_TAIL_RE.search(f"x{phrase}y"), phrase


paragraph_pieces = st.lists(st.sampled_from(
    ["Talks", "resumed", "in", "Yerevan", "Mr.", "U.S.", "said", "no", ".", "?", "!", "…", "...", '"', "”", "’",
     ")", "(", "3.5", "\n", "  ", " "]), max_size=16).map(lambda ws: " ".join(ws).replace("  ", " ", 1))


@settings(max_examples=600, deadline=None)
@given(st.one_of(paragraph_pieces, paragraph_pieces.map(lambda p: p.replace(".", "").replace("?", "").replace("!", "")
                                                       .replace("…", "") + "."), st.text(max_size=12)))
def test_sentences_are_nupunkts_with_or_without_the_one_sentence_shortcut(paragraph):
    assert segment._sent_tokenize(paragraph) == nupunkt.sent_tokenize(paragraph)


def test_the_one_sentence_shortcut_keeps_the_text_nupunkt_keeps():
    for p in ["Armenia recalls its envoy.", "  Talks in Yerevan  ", "No end mark", " ", "", "x", "Why?\n"]:
        assert segment._sent_tokenize(p) == nupunkt.sent_tokenize(p)
