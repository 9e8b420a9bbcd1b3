"""More fast paths of tension scoring, each checked against the plain algorithm it replaces.

* Word starts in ASCII text are found on bytes where every separator became a space, so the engine jumps from
  space to space: it must find every word start the lower-case prefix index asks for (an extra one is harmless).
* A word's candidate patterns are tried in one alternation, whose matching group names the pattern that wins:
  it must be the first candidate in file order that matches, as the loop over the candidates finds.
* score_statements keeps each statement's tension and cues JSON: a repeated statement gets what scoring it
  again gives, and a statement without cues still takes the model's sentiment of its own row.
"""
import json
import re
import string

from hypothesis import given, settings, strategies as st

from analysis import scoring, tension as T
from tests.test_tension import scan_every_pattern

LEX = T.LEXICON
LONG = LEX._long_index

WORDS = [
    "the", "not", "no", "has", "been", "freeze", "membership", "will", "leave", "could", "rule", "out", "cannot",
    "withdraw", "alliance", "sanctions", "peace", "respond", "won't", "tolerate", "don't", "refused", "to", "help",
    "severe", "consequences", "red", "lines", "agenda", "praised", "warned", "talks", "in", "concern", "co-operation",
    "Tbilisi", "Astana", "ministry", "said", "on", "Friday", "NEVER", "Threatened", "x", "9", "_",
]
# every ASCII separator, so each one the byte translation turns into a space is met before and inside words
SEPARATORS = [" ", " ", " "] + [c for c in string.printable if not re.match(r"[\w'-]", c)] + ["'", "-", ""]


@st.composite
def ascii_texts(draw):
    words = draw(st.lists(st.sampled_from(WORDS), max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words) + 1, max_size=len(words) + 1))
    return "".join(s + w for s, w in zip(seps, words)) + seps[-1]


def indexed_word_starts(heads: str) -> list[int]:
    """The plain pass: a word start (not after [\\w'-]) whose text begins with a prefix of the index."""
    trie = re.compile(rf"(?<![\w'-])(?=\w)(?={T._any_prefix(set(LONG.table))})")
    return [m.start() for m in trie.finditer(heads)]


def fast_word_starts(heads: str) -> list[int]:
    text = (" " + heads).encode("ascii").translate(LONG.separators_to_space)
    return [m.start() for m in LONG.word_starts.finditer(text)]


def test_the_shipped_cue_prefixes_allow_the_byte_pass():
    assert LONG.separators_to_space is not None


@settings(max_examples=300, deadline=None)
@given(ascii_texts())
def test_the_byte_pass_finds_every_word_start_the_index_asks_for_and_only_word_starts(text):
    heads = text.lower()
    fast = fast_word_starts(heads)
    assert set(indexed_word_starts(heads)) <= set(fast)
    assert all(p == 0 or not re.match(r"[\w'-]", heads[p - 1]) for p in fast)
    assert all(re.match(r"\w", heads[p]) for p in fast)


def first_candidate_that_matches(index, norm: str, p: int):
    for i in index.candidates(norm[p:p + index.size].lower()[:index.size]):
        m = LEX.patterns[i].match(norm, p)
        if m:
            return i, m.end()
    return None


@settings(max_examples=300, deadline=None)
@given(ascii_texts(), st.booleans())
def test_the_alternation_names_the_first_candidate_in_file_order_that_matches(text, long_index):
    index = LONG if long_index else LEX._index
    norm = T._normalise(text)
    for w in T._WORD_START.finditer(norm):
        p = w.start()
        match, candidates = index.test(norm[p:p + index.size].lower() if long_index else norm[p:p + index.size])
        expected = first_candidate_that_matches(index, norm, p)
        if match is None:
            assert not candidates or expected is None or any(LEX.patterns[i].groups for i in candidates)
            continue
        m = match(norm, p)
        got = None if m is None else (candidates[0] if len(candidates) == 1 else candidates[m.lastindex - 1], m.end())
        assert got == expected


@settings(max_examples=200, deadline=None)
@given(ascii_texts())
def test_the_scan_finds_what_trying_every_pattern_finds_with_any_separator(text):
    norm = T._normalise(text)
    got = [(h.start, h.end, h.entry) for h in T._scan(norm, LEX)]
    assert got == [(a, b, LEX.entries[i]) for a, b, i in scan_every_pattern(norm)]


def test_a_written_sentence_with_odd_separators_keeps_its_cues():
    text = ('Astana/Tbilisi: "we will not tolerate this" — the ministry (on Friday) warned;sanctions|respond*firmly, '
            "and could not rule out leaving/withdrawing")
    norm = T._normalise(text)
    got = [(h.start, h.end, h.entry) for h in T._scan(norm, LEX)]
    assert got == [(a, b, LEX.entries[i]) for a, b, i in scan_every_pattern(norm)]
    found = [(h.text, h.entry.kind) for h in T._scan(norm, LEX)]
    assert ("warned", "cue") in found and ("sanctions", "cue") in found and ("could not rule out", "hedge") in found


class FakeModel:
    """A sentiment model that finds Tbilisi negative and everything else positive."""
    name = "fake-for-test_tension_speed2"

    def predict(self, texts, spans):
        scores = [-0.8 if "Tbilisi" in t else 0.9 for t in texts]
        return [-1 if s < 0 else 1 for s in scores], [0.9] * len(texts), scores


def row(text, quote=None, targets=()):
    return {"text": text, "quote": quote, "kind": "quote" if quote else "narrative", "speaker": None,
            "speaker_side": None, "target_sides": [], "targets": list(targets), "in_caption": False}


def score_alone(r):
    """What score_statements writes for one scored row, computed the plain way (tension of the text, then the
    model's fallback for a statement without cues)."""
    t, cues = T.score_tension(r["text"], r["quote"])
    if not cues and r["sentiment"] is not None and abs(r["sentiment"]) >= scoring.MODEL_MIN_SCORE:
        t = -scoring.MODEL_TENSION_WEIGHT * r["sentiment"]
        cues = [{"cue": f"sentiment model: {r['sentiment_label']} about {r['targets'][0] if r['targets'] else 'the subject'}",
                 "class": "MODEL", "weight": round(t, 3), "modifier": "model"}]
    return float(t), json.dumps(cues, ensure_ascii=False)


def test_a_repeated_statement_gets_its_own_rows_model_fallback_and_the_same_cues(monkeypatch):
    monkeypatch.setattr(scoring, "_mode", "fast")
    monkeypatch.setattr(scoring, "_model", lambda mode: FakeModel())
    plain = "The delegation met in Tbilisi on Friday."
    hostile = "Baku warned of severe consequences and refused to attend Tbilisi talks."
    rows = [row(plain, targets=["Georgia"]), row(hostile), row(plain), row(hostile, targets=["Georgia"]),
            row(plain, targets=["Georgia"])]
    scoring.score_statements(rows)
    got = [(r["tension"], r["cues"]) for r in rows]
    assert got == [score_alone(r) for r in rows]
    assert json.loads(got[0][1])[0]["class"] == "MODEL" and got[2] == (0.0, "[]") and got[4] == got[0]
    assert got[1] == got[3] and json.loads(got[1][1])[0]["class"] != "MODEL"


def test_the_statement_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(scoring, "_mode", "none")
    monkeypatch.setattr(scoring, "_TENSION_MAX", 3)
    rows = [row(f"Minister {i} warned of consequences.") for i in range(7)]
    scoring.score_statements(rows)
    assert len(scoring._TENSION) <= 3
    assert all(json.loads(r["cues"]) for r in rows)
