"""The fast paths of tension scoring give what the plain algorithms give.

The cue scan tests each word against all its candidate patterns at once, finds the words worth testing in
ASCII text with one regex pass over a six-letter prefix index, and memoises scores per statement; the text
normalisation joins split() words instead of substituting a regex. Each is checked here against the plain
algorithm it replaces, on texts built from words that start (or almost start) cue patterns.
"""
import json
import re

from hypothesis import given, settings, strategies as st

from analysis import tension as T
from tests.test_tension import scan_every_pattern

LEX = T.LEXICON

WORDS = [
    "the", "The", "not", "NOT", "no", "has", "hasn't", "been", "decided", "freeze", "freezing", "its", "membership",
    "in", "CSTO", "will", "leave", "leaving", "could", "rule", "out", "cannot", "withdraw", "from", "alliance",
    "sanctions", "May", "may", "peace", "peacekeeping", "respond", "firmly", "won't", "tolerate", "question", "for",
    "a", "matter", "anti-Western", "rhetoric", "co-operation", "don't", "accept", "refused", "to", "help", "ties",
    "relations", "severe", "consequences", "red", "lines", "on", "agenda", "summit", "attend", "Uzbekistan's",
    "praised", "warned", "talks", "if", "possibly", "responsibility", "regime", "change", "security", "liability",
    # characters whose lower case is longer, or that IGNORECASE folds onto ASCII letters
    "İf", "İstanbul", "\u212aill", "ſanctions", "naïve", "Ørsted",
]
SEPARATORS = [" ", " ", " ", "", "-", "'", ", ", ". ", " (", '"', " — ", "\u00a0", "\n", "  "]


@st.composite
def texts(draw):
    words = draw(st.lists(st.sampled_from(WORDS), max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    return "".join(s + w for s, w in zip(seps, words))


def scan_every_word(norm: str) -> list[tuple[int, int, int]]:
    """The plain scan: at every word, its three-letter candidates one by one, the first match wins."""
    hits, free = [], 0
    for w in T._WORD_START.finditer(norm):
        p = w.start()
        if p < free:
            continue
        for i in LEX.candidates(norm[p:p + 3].lower()[:3]):
            m = LEX.patterns[i].match(norm, p)
            if m:
                hits.append((p, m.end(), i))
                free = m.end()
                break
    return hits



def scanned(norm: str) -> list[tuple[int, int, int]]:
    return [(h.start, h.end, LEX.entries.index(h.entry)) for h in T._scan(norm, LEX)]


def same_entries(got, expected):
    # several patterns share one entry value (same class and flags): compare the entries, not their indices
    return [(a, b, LEX.entries[i]) for a, b, i in got] == [(a, b, LEX.entries[i]) for a, b, i in expected]


@settings(max_examples=250, deadline=None)
@given(texts())
def test_the_scan_finds_what_trying_each_words_candidates_finds(text):
    norm = T._normalise(text)
    assert same_entries(scanned(norm), scan_every_word(norm))


@settings(max_examples=120, deadline=None)
@given(texts())
def test_on_ascii_text_the_scan_finds_what_trying_every_pattern_finds(text):
    norm = T._normalise(text)
    if norm.isascii():
        assert same_entries(scanned(norm), scan_every_pattern(norm))


def test_the_scan_finds_cues_on_written_sentences_in_both_paths():
    ascii_text = "Kazakhstan could not rule out leaving the alliance, and Baku did not reject the plan, Tokayev warned."
    accented = ascii_text.replace("Tokayev", "Tokáyev")
    for text in (ascii_text, accented):
        norm = T._normalise(text)
        got = scanned(norm)
        assert same_entries(got, scan_every_word(norm)) and same_entries(got, scan_every_pattern(norm))
        assert {LEX.entries[i].kind for _, _, i in got} == {"hedge", "cue", "negator"}


WHITE = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\u00a0", "\u2028", "\ufeff", "\u200b"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WHITE + ["a", "’", "`", "“", "…", "x", "İ", "—"]), max_size=20))
def test_normalising_is_the_regex_substitution(chars):
    text = "".join(chars)
    assert T._normalise(text) == re.sub(r"\s+", " ", text.translate(T._TRANSLATE)).strip()


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(alphabet="ab -", min_size=1, max_size=3), max_size=6), st.text(alphabet="aAb -'x", max_size=12))
def test_the_prefix_regex_matches_where_a_prefix_starts(prefixes, text):
    rx = re.compile(T._any_prefix(prefixes))
    for pos in range(len(text) + 1):
        assert bool(rx.match(text, pos)) == any(text.startswith(p, pos) for p in prefixes)


def test_a_repeated_statement_is_scored_once_and_each_caller_gets_its_own_cues():
    lex = T.Lexicon()
    text = "Minsk warned of serious consequences and condemned the blockade."
    first_score, first = T.score_tension(text, None, lex)
    assert len(lex._scored) == 1 and first
    first[0]["weight"] = 99.0
    first.append({"cue": "added by a caller"})
    again_score, again = T.score_tension(text, None, lex)
    assert len(lex._scored) == 1
    expected = [{"cue": a, "class": b, "weight": w, "modifier": m} for a, b, w, m in T._score(text, None, lex)[1]]
    assert again_score == first_score and again == expected != first


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"cue": st.text(max_size=12), "class": st.sampled_from(["WARN", "MODEL"]),
                                       "weight": st.floats(allow_nan=True), "modifier": st.sampled_from([None, "hedge"])}),
                max_size=3))
def test_the_cues_column_is_json_dumps_of_the_cues(cues):
    from analysis.scoring import _cues_json

    assert (_cues_json(cues) if cues else "[]") == json.dumps(cues, ensure_ascii=False)
