"""The shortcuts of speaker attribution give what the plain code gives, on any text."""
import re

from hypothesis import given, settings, strategies as st

from analysis.speakers import _NOUN_MODIFIER_RE, _PASSIVE_AUX_RE, _mask, _search_tail

PIECES = ["was", "were", "is", "be", "been", "being", "widely", "only", "the", "these", "Russian", "Armenian's",
          "Moscow’s", "2024", "reports", "said", "Wasn't", "this", "(was", "x", "\n", " ", "  ", "\t", ",", "'",
          "’s", "-", "é", "ſ", "K", "İ", "\u00a0", "\u2003"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.sampled_from(["", " ", "  ", "\n", " \n"]))
def test_searching_only_the_last_words_finds_what_a_full_search_finds(pieces, tail):
    text = "".join(pieces) + tail
    assert _search_tail(_PASSIVE_AUX_RE, text, 2) == bool(_PASSIVE_AUX_RE.search(text))
    assert _search_tail(_NOUN_MODIFIER_RE, text, 1) == bool(_NOUN_MODIFIER_RE.search(text))
    spaced = " ".join(pieces) + tail
    assert _search_tail(_PASSIVE_AUX_RE, spaced, 2) == bool(_PASSIVE_AUX_RE.search(spaced))
    assert _search_tail(_NOUN_MODIFIER_RE, spaced, 1) == bool(_NOUN_MODIFIER_RE.search(spaced))


class Span:
    def __init__(self, start, end):
        self.start, self.end = start, end


def blanked_char_by_char(text, lo, hi, spans):
    chars = list(text[lo:hi])
    for q in spans:
        for k in range(max(q.start - lo, 0), min(q.end - lo, hi - lo)):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \n“”.", max_size=40), st.data())
def test_masking_blanks_every_quoted_character_but_line_breaks(text, data):
    n = len(text)
    lo = data.draw(st.integers(0, n))
    hi = data.draw(st.integers(lo, n))
    # quotations may overlap each other and reach past the unit on either side
    spans = [Span(*sorted(p)) for p in data.draw(st.lists(st.tuples(st.integers(-3, n + 3), st.integers(-3, n + 3)), max_size=4))]
    assert _mask(text, lo, hi, spans) == blanked_char_by_char(text, lo, hi, spans)


def test_a_passive_verb_with_an_adverb_is_found_at_the_end_only():
    assert _search_tail(_PASSIVE_AUX_RE, "The plan was widely ", 2)
    assert not _search_tail(_PASSIVE_AUX_RE, "The plan was widely and firmly ", 2)
    assert _search_tail(_NOUN_MODIFIER_RE, "Russia’s ", 1) and not _search_tail(_NOUN_MODIFIER_RE, "Russia’s own ", 1)
    assert re.search(_PASSIVE_AUX_RE, "was \n") and _search_tail(_PASSIVE_AUX_RE, "was \n", 2)


def test_a_context_reused_across_sentences_gives_what_a_fresh_one_gives():
    from analysis.actors import ActorIndex
    index = ActorIndex.default()
    first = index.find_mentions("Kazakh Foreign Minister Jane Tulegenova met Pashinyan.")
    context = tuple(m.actor for m in first if m.actor is not None and m.actor.kind == "person")
    later = ["Tulegenova said the talks went well.", "Pashinyan and Tulegenova spoke again.", "Nobody else came."]
    key = lambda ms: [(m.start, m.end, m.surface, m.actor, m.how) for m in ms]
    reused = [key(index.find_mentions(t, context=context)) for t in later]
    fresh = [key(index.find_mentions(t, context=list(context))) for t in later]
    assert reused == fresh
    assert [m[1] for m in reused[0]][:1] and reused[0][0][3].name == "Jane Tulegenova"


def plain_passive_re():
    from analysis.speakers import _data
    return re.compile(rf"^\W*(?:{'|'.join(_data()['passive']['patterns'])})\b", re.IGNORECASE)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["This", "this", "was", "were", "said", "by", "so", "These", "words", "belong", "to",
                                 " ", "   ", "\n", "“", "”", "\"", ",", "—", "-", "_", "x", "ſo", "İt"]), max_size=14))
def test_the_passive_pattern_taking_leading_spaces_for_good_matches_what_the_plain_one_matches(pieces):
    from analysis.speakers import passive_attribution_re
    for text in ("".join(pieces), " ".join(pieces), " " * 300 + " ".join(pieces)):
        fast, plain = passive_attribution_re().match(text), plain_passive_re().match(text)
        assert (fast and fast.span()) == (plain and plain.span())


def test_only_patterns_of_literal_words_may_take_the_leading_spaces_for_good():
    from analysis.speakers import _LITERAL_WORDS_RE
    assert all(_LITERAL_WORDS_RE.fullmatch(p) for p in ["so said", "(?:these|those) words belong to",
                                                          "(?:this|it) (?:was|were) said by"])
    # each of these could start a match on a non-word character, where giving spaces back matters
    assert not any(_LITERAL_WORDS_RE.fullmatch(p) for p in ['"?so said', "(?:|it) was said", "so|—said", "x?—said",
                                                             "(?:a|b)? said", "\\W said", "[“]said", "(?:\"it|this) said"])
