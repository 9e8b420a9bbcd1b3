"""The date finder looks for mentions only just before anchors, and still finds exactly what the plain regex finds.

An anchor is what every mention reaches (a digit, "(", a month or weekday name, a word naming a time, the "then"
after a verb of saying). ``dates._date_matches`` searches for anchors, reads the run of date words before each one
backwards to find where a mention could start, and tries the mention patterns only there (at a digit, only when it
starts a year, a day or a count: "2020", "23/5", "14th", "5 days"). The references here: the
plain regex run with ``finditer``, and a forward, word-by-word reading of the run.
"""
import re

from hypothesis import given, settings, strategies as st

from analysis import dates

REFERENCE = re.compile(rf"(?<![\w.,/-]){dates._GATE}{dates._DATE_BODY}", re.VERBOSE)


def found(matches) -> list:
    return [(m.span(), m.lastgroup, m.groupdict()) for m in matches]


def test_the_anchor_search_is_the_one_in_use():
    # It relies on every date word being made of word characters; the data files say so today.
    assert dates._SPARSE_SEARCH
    assert dates._date_matches is dates._date_matches_by_anchor


# Pieces that put anchors where they cannot start a mention (inside words: "Mayor", "Sunday's", "COVID19",
# "thence"), long runs of date words before an anchor, verbs of saying before "then", and mentions at the very start.
PIECES = [
    "May", "Mayor", "MAY", "Sunday", "Sunday's", "today", "Today", "yesterday", "holiday", "then", "thence", "Then",
    "said", "pointed out", "Pointed out", "made clear", "told", "Declared", "declared then", "the", "The", "of", "in", "on", "at", "last", "this", "next", "early",
    "late", "mid", "same", "time", "the same time", "at the time", "week", "weekend", "weekends", "year", "years",
    "month", "days", "ago", "two", "a", "few", "later", "earlier", "2023", "1998", "14", "3", "COVID19", "9/11",
    "23/5/2023", "2023-05-22", "14th", "2nd of", "1st", "3.3", "5 days ago", "2 weeks", "1850", "18", "05", "300",
    "٣", "(", ")", "(22", "word(", "Jan", "Sept.", "March", "Friday", "Fri.", "spring", "of 2020",
    "Russia", "government", "percent", "'s", "—", "-", ".", ",", ":", "é", "_", "x2",
]
SEPARATORS = ["", " ", " ", "  ", "\n", "-", " - ", ", ", ". ", " (", ") ", "\t", "/"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=16))
def test_the_anchor_search_finds_what_the_plain_regex_finds(pieces):
    text = "".join(piece + sep for piece, sep in pieces)
    expected = found(REFERENCE.finditer(text))
    assert found(dates._date_matches_by_anchor(text)) == expected
    assert found(dates._date_matches_plain(text)) == expected


def test_mentions_next_to_each_other_and_at_the_start_are_all_found():
    text = "Monday (6/5/2023) he said then, on the same day, that last week's talks in mid-March 2022 failed"
    got = found(dates._date_matches_by_anchor(text))
    assert got == found(REFERENCE.finditer(text))
    assert [span for span, _, _ in got][0][0] == 0  # "Monday ..." opens the text
    assert len(got) >= 4


def earliest_run_start(text: str, anchor: int, run_words: set[str]) -> int:
    """Going back word by word from the anchor: while the word before is one of ``run_words``, whole, and joined to
    what follows by white space or hyphens only, the run goes on."""
    start = anchor
    while True:
        gap = re.search(r"[\s-]+\Z", text[:start])
        if gap is None:
            return start
        word = re.search(r"\w+\Z", text[:gap.start()])
        if word is None or word.group() not in run_words:
            return start
        start = word.start()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=1, max_size=12))
def test_the_run_read_backwards_starts_where_a_forward_reading_says(pieces):
    # Before "then" the run may also hold the words of a verb of saying ("he pointed out then").
    text = "".join(piece + sep for piece, sep in pieces)
    reversed_text = text[::-1]
    for run_back, forms in ((dates._RUN_BACK_RE, dates._RUN_FORMS), (dates._THEN_RUN_BACK_RE, dates._THEN_RUN_FORMS)):
        for anchor in range(len(text) + 1):
            backwards = len(text) - run_back.match(reversed_text, len(text) - anchor).end()
            assert backwards == earliest_run_start(text, anchor, set(forms))
