"""The fast paths of the date finder find exactly what the plain patterns find.

``find_date_mentions`` no longer runs the date regex at every word: a lookahead first checks that a run of date
words reaches an anchor (a number, a month or weekday name, a word naming a time), and a search that skips in C
to the character before a candidate replaces ``finditer``. The reference here is the regex without either: the
lookbehind, the first-word gate and the five patterns, run with ``finditer``.
"""
import re
from pathlib import Path

from hypothesis import given, settings, strategies as st

from analysis import dates
from tests.written_articles import ARTICLES

REFERENCE = re.compile(rf"(?<![\w.,/-]){dates._GATE}{dates._DATE_BODY}", re.VERBOSE)
BRANCHES = ("F", "Y", "R", "W", "A")


def found(matches) -> list:
    return [(m.span(), m.groupdict()) for m in matches]


def assert_same_as_reference(text: str) -> int:
    fast = list(dates._date_matches(text))
    assert found(fast) == found(REFERENCE.finditer(text))
    for m in fast:  # find_date_mentions reads the branch from the last group closed
        assert m.lastgroup == next(b for b in BRANCHES if m[b] is not None)
    return len(fast)


SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parent.parent.joinpath("seeds").glob("*.txt"))]


def test_same_mentions_as_the_plain_regex_on_real_and_written_articles():
    total = sum(assert_same_as_reference(text) for text in SEED_TEXTS + [a["text"] for a in ARTICLES])
    assert total > 40


def _forms(words):
    return sorted({f for w in words for f in (w, w.capitalize(), w.upper())})


# Date words of every list, in every case, and words and numbers that only look like dates.
_LISTS = ("months", "month_abbreviations", "weekdays", "weekday_abbreviations", "numbers", "prepositions", "parts",
          "deictic", "relative_parts", "relative_phrases", "anaphoric_phrases")
FRAGMENTS = _forms(
    [w for name in _LISTS for w in dates._WORDS[name]]
    + dates._WORDS["seasons"]["words"] + dates._WORDS["anaphoric_events"]["words"] + dates._WORDS["speech_verbs"]["words"]
    + ["the", "of", "year", "years", "day", "days", "week", "weekend", "month", "months", "same", "then", "ago",
       "later", "morning", "night", "to", "and", "until", "percent", "per cent", "government", "Russia", "will",
       "said", "the past", "St", "th"]
) + ["2023", "1998", "2026", "14", "3", "31", "05", "2023-05-22", "23/5/2023", "6.5.2023", "9/11", "3.5", "300,000",
     "2020s", "19", "22nd", "%", "(", ")", ".", ",", ":", "'s", "’s", "—", "–", "/", "-", "é"]
SEPARATORS = [" ", " ", " ", "", "  ", "\n", "-", ", ", ". ", " (", ") "]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), max_size=14))
def test_same_mentions_as_the_plain_regex_on_any_run_of_date_words(pieces):
    assert_same_as_reference("".join(w + sep for w, sep in pieces))


def test_every_date_phrase_may_lead_to_a_date():
    # Random runs rarely hit "this past March" or "a couple of days ago": each entry of each list, in each place.
    phrases = [f for f in FRAGMENTS if f[:1].isalpha()]
    found_any = 0
    for phrase in phrases:
        for before in ("", "this ", "in the ", "in ", "at ", "the "):
            for after in ("2022", "March", "Monday", "14 May", "week", "days ago", "weeks later", "then", "yesterday",
                          "same day", "year 2020", "day", "time"):
                for sep in (" ", "-"):
                    found_any += assert_same_as_reference(f"{before}{phrase}{sep}{after}") > 0
    assert found_any > 1000


def test_mentions_right_after_one_another_are_all_found():
    # A mention may end in a character another one may follow: the search must not step over it.
    text = "Monday (22 May)yesterday, on 3 March 2024last week (June 2)(May 5) 2023-05-22/2024-01-01"
    assert assert_same_as_reference(text) >= 5
    assert [m.text for m in dates.find_date_mentions("(22 May)(May 5)")] == ["22 May", "May 5"]


CLAUSE_END_REFERENCE = re.compile(r"[.!?;:\"“”«»\n]\s|[\"“”«»\n]")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=".!?;:\"“”«»\n \tab,'", max_size=30))
def test_clause_ends_are_found_as_by_the_plain_alternation(text):
    assert [m.span() for m in dates._CLAUSE_END.finditer(text)] == [m.span() for m in CLAUSE_END_REFERENCE.finditer(text)]


def test_resolved_dates_are_shared_but_equal_to_fresh_ones():
    import pandas as pd

    first = dates._utc(2024, 2, 29)
    assert first is dates._utc(2024, 2, 29)  # built once
    assert first == pd.Timestamp(year=2024, month=2, day=29, tz="UTC") and str(first.tz) == "UTC"
    ref = dates._as_reference(pd.Timestamp("2024-03-05 23:30", tz="Asia/Yerevan"), "second")
    assert ref == (pd.Timestamp("2024-03-05", tz="UTC"), "day")
    assert dates._as_reference(pd.Timestamp("2024-03-05 23:30"), "month") == (pd.Timestamp("2024-03-01", tz="UTC"), "month")
    assert dates._as_reference(pd.NaT, "day") is None and dates._as_reference(None, "day") is None


def blank_quotes_char_by_char(text: str, u) -> str:
    """The reference masking: each character of a quotation but a line break becomes a space."""
    chars = list(text[u.start:u.end])
    for q in u.quotes:
        for k in range(max(q.start - u.start, 0), min(q.end - u.start, len(chars))):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n\r“”", max_size=30), st.integers(0, 33), st.integers(0, 33),
       st.lists(st.tuples(st.integers(-4, 36), st.integers(-4, 36)), max_size=3))
def test_quotations_are_masked_as_character_by_character(text, start, end, quotes):
    from types import SimpleNamespace

    from analysis.pipeline import _masked_text

    u = SimpleNamespace(start=start, end=end, quotes=[SimpleNamespace(start=a, end=b) for a, b in quotes])
    masked = _masked_text(text, u)
    assert masked == blank_quotes_char_by_char(text, u)
    assert len(masked) == len(text[start:end])
