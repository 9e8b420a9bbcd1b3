"""Prefilters of the line rules decide exactly what the plain rules decide.

Each shortcut in ``analysis.clean`` (one search standing for several, a regex
standing for ``str.isalnum``) only skips work when the plain test cannot
succeed; here it is checked against the plain test on many generated lines made
of the pieces those tests look for.
"""
from __future__ import annotations

import re
import sys

from hypothesis import given, settings, strategies as st

from analysis import clean, quotes


def plain_boilerplate_pattern(line: str) -> str | None:
    for pattern, reason in clean._BP_PATTERNS:
        if pattern.search(line):
            return reason
    return None


def plain_is_caption(s: str, words: int) -> bool:
    if clean._CAPTION_START_RE.match(s):
        return True
    if words > 80:
        return False
    tail_from = max(0, len(s) - clean._CREDIT_TAIL)
    return any(pattern.search(s, tail_from) for pattern, _ in clean._CAPTION_END_RES)


def plain_is_menu(s: str) -> bool:
    if clean.ends_sentence(s):
        return False
    parts = [p for p in clean._MENU_SPLIT_RE.split(s) if p]
    if not all(len(p.split()) <= 3 for p in parts) or clean.has_date(s):
        return False
    return len(parts) >= 3 or (len(parts) == 2 and parts[0].lower() in clean._BREADCRUMB_ROOTS)


# Pieces of widgets, credits and menus, and of ordinary sentences around them.
LINE_PIECES = [
    "Share", "shares", "share on", "Facebook", "via", "12", "3", "comments", "Comment", "(", ")", "[", "]", ":",
    "Powered by", "WordPress", "Our standards:", "The views expressed", "in", "are", "solely", "their own", ".",
    "Advertisement", "Sponsored", "—", "-", "03:15", "/", "12:40", "Listen to this article", "Watch the video",
    "Photo:", "Getty Images", "AFP", "REUTERS/Jane Roe", "via REUTERS", "Sputnik via", "(Photo by Ann Lee/AP)",
    "：", "Home", "Politics", "World", "|", "•", "»", "›", ">", "Yerevan", "talks", "resumed", "on", "Monday",
    "14 November 2023", "the minister said", "?", "!", "\u00a0", "\t", "_", "©", "Ω", "٣", "½",
]
lines = st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=16).map(" ".join)
glued_lines = st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=10).map("".join)
# Widget lines each boilerplate pattern takes, to be wrapped in other pieces.
WIDGET_LINES = [
    "Share: 12", "12 shares", "Share on Facebook now", "3 comments", "Comments (4)", "Comments: 5",
    "Powered by WordPress", "Our standards: the Trust Principles", "The views expressed in this post are solely theirs.",
    "Advertisement - story continues", "03:15 / 12:40", "Listen to this article now",
]
maybe_piece = st.one_of(st.just(""), st.sampled_from(LINE_PIECES))
wrapped_widgets = st.tuples(maybe_piece, st.sampled_from(WIDGET_LINES), maybe_piece).map(lambda parts: " ".join(p for p in parts if p))
short_lines = st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=3).map(" ".join)  # whole-line widgets
any_line = st.one_of(wrapped_widgets, short_lines, lines, glued_lines, st.text(max_size=30))


@settings(max_examples=800, deadline=None)
@given(any_line)
def test_one_search_for_all_boilerplate_patterns_finds_a_line_any_of_them_finds(line):
    assert (clean._BP_ANY_PATTERN_RE.search(line) is not None) == (plain_boilerplate_pattern(line) is not None)


def test_boilerplate_patterns_can_be_joined_into_one():
    # Joining renumbers groups: a back-reference would then point at another pattern's group.
    for pattern, _ in clean._BP_PATTERNS:
        assert not re.search(r"\\[1-9]|\(\?P=", pattern.pattern), pattern.pattern
    for line in ["Share: 12", "3 comments", "Powered by WordPress", "Advertisement - story continues below"]:
        assert plain_boilerplate_pattern(line) is not None
        assert clean._line_rules(line, len(line.split()))[1] == plain_boilerplate_pattern(line)


@settings(max_examples=800, deadline=None)
@given(any_line)
def test_captions_are_found_with_or_without_the_credit_mark_prefilter(line):
    words = len(line.split())
    assert clean._is_caption(line, words) == plain_is_caption(line, words)
    long_line = "Talks resumed in Yerevan on Monday. " * 6 + line  # the credit must sit in the tail
    assert clean._is_caption(long_line, len(long_line.split())) == plain_is_caption(long_line, len(long_line.split()))


@settings(max_examples=800, deadline=None)
@given(any_line)
def test_menus_are_found_with_or_without_the_separator_prefilter(line):
    assert clean._is_menu(line) == plain_is_menu(line)


def test_menus_and_captions_still_found():
    assert clean._is_menu("Home / Politics") and clean._is_menu("World | Politics | Caucasus")
    assert not clean._is_menu("Armenia and Russia")
    assert clean._is_caption("Nikol Pashinyan in Brussels. (Photo by Ann Lee/AP)", 8)
    assert not clean._is_caption("Nikol Pashinyan spoke in Brussels on Monday.", 7)


def test_the_letter_or_digit_pattern_is_str_isalnum_on_every_character():
    alnum = clean._ALNUM_RE
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert (alnum.match(ch) is not None) == ch.isalnum(), hex(code)
    assert clean._line_rules("— * —", 3)[1] == "punctuation line"
    assert clean._line_rules("__ ٣ __", 3)[1] != "punctuation line"


def test_lower_case_never_makes_or_removes_a_space():
    # So s.lower().split() has as many words as s.split(), which _line_facts relies on.
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        low = ch.lower()
        if ch.isspace():
            assert low == ch, hex(code)
        else:
            assert low and not any(c.isspace() for c in low), hex(code)


odd_text = st.text(alphabet="aAΣσİK\u212a “”„«»‘’`'\"\u00a0\u2003\x1c\t.!?…-:|•", max_size=30)


@settings(max_examples=800, deadline=None)
@given(st.one_of(any_line, odd_text))
def test_line_facts_are_the_plain_word_count_end_test_rules_and_duplicate_key(line):
    clean._line_facts.cache_clear()
    words, ends, rules, norm = clean._line_facts(line)
    assert words == len(line.split())
    assert ends == clean.ends_sentence(line)
    assert rules == clean._line_rules(line, words)  # the line key computed on its own
    assert norm == clean._normalise(line)


def test_duplicate_key_makes_quotation_marks_plain_only_outside_ascii():
    assert clean._line_facts("“We will act,” he said.")[3] == '"we will act," he said.'
    assert clean._line_facts("`Talks` resumed")[3] == "`talks` resumed"  # ascii: kept as the plain key did
    assert clean._line_facts("`Talks` résumé")[3] == "'talks' résumé"


def quotes_of_both_passes(text: str, lo: int, hi: int) -> list:
    """find_quotes without the shortcut for paragraphs that hold no quotation mark."""
    doubles = quotes._find_double(text, lo, hi)
    singles = quotes._find_single(text, lo, hi, [(q.start - 1, q.end + 1) for q in doubles])
    result = [q for q in doubles if not any(s.start <= q.start and q.end <= s.end for s in singles)] + singles
    return sorted(result, key=lambda q: q.start)


QUOTE_PIECES = ["ab", " ", ",", ".", "\n", "'", '"', "“", "”", "„", "«", "»", "‹", "›", "‘", "’", "`", "(", ":",
                " 'we act' ", " ‘we act’ ", "“we act”", "Armenia's", "‹no›", "'the Armenians' rights"]
quote_texts = st.one_of(st.text(alphabet="ab ,.\n'\"“”„«»‹›‘’`", max_size=30),
                        st.lists(st.sampled_from(QUOTE_PIECES), max_size=8).map("".join))


@settings(max_examples=800, deadline=None)
@given(quote_texts, st.integers(0, 40), st.integers(0, 40))
def test_quotes_are_found_with_or_without_the_no_mark_shortcut(text, a, b):
    lo, hi = min(a, b, len(text)), min(max(a, b), len(text))
    assert quotes.find_quotes(text, lo, hi) == quotes_of_both_passes(text, lo, hi)
    assert quotes.find_quotes(text) == quotes_of_both_passes(text, 0, len(text))


def test_a_paragraph_without_marks_has_no_quotes_and_one_with_them_has():
    assert quotes.find_quotes("Talks resumed in Yerevan on Monday.") == []
    assert [text[q.start:q.end] for text in ["He said ‹no› and left.", "She said: 'we act' now."]
            for q in quotes.find_quotes(text)] == ["no", "we act"]
