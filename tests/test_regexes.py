"""The compiled-pattern cache (analysis/regexes.py): a pattern from the cache is the pattern re.compile makes,
derived data is computed again when its inputs or its code change, and a bad cache file costs only time."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from array import array
from pathlib import Path

import pytest

from analysis import regexes
from tests.fresh_process import cache, new_process  # noqa: F401 - cache is a fixture

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = [
    (r"(?<![\w'’-])(?:former|then-)\s+(?P<role>[A-Z]\w+)", 0),
    (r"(?i:of|for|to)\s+(?:the\s+)?", 0),
    (r"\b(\d{1,2})\s+(Jan|Feb|Mar)\w*\.?\s+(\d{4})\b", re.IGNORECASE),
    (r"[.!?;:\"“”«»\n](?:\s|(?<=[\"“”«»\n]))", 0),
    (r"^\s*(?:Read more|Subscribe)\b.*$", re.MULTILINE | re.IGNORECASE),
    (r"(?x) \d+ \s* (?# a comment ) km", 0),
    (r"Ереван|Yerevan|Երևան", re.UNICODE),
    (rb" (?=\w)(?=(?:ab|c[de]))", 0),  # bytes patterns are kept too (the cue scan runs on ASCII bytes)
]


def test_a_pattern_from_the_cache_is_the_pattern_re_compile_makes(cache, monkeypatch):
    for p, f in PATTERNS:
        assert regexes.compile(p, f) == re.compile(p, f)
    assert regexes.save() == len(PATTERNS)
    assert regexes.cache_file().exists()

    new_process(monkeypatch)
    for p, f in PATTERNS:
        got = regexes.compile(p, f)
        # Pattern objects compare pattern, flags and the engine's code; the groups are checked besides.
        assert got == re.compile(p, f)
        assert (got.groups, got.groupindex) == (re.compile(p, f).groups, re.compile(p, f).groupindex)
    assert len(regexes._hits) == len(PATTERNS) and not regexes._new
    m = regexes.compile(PATTERNS[0][0]).search("the then- President spoke")
    assert m and m.group("role") == "President"


def test_a_bad_pattern_raises_re_error_as_re_compile_does(cache):
    with pytest.raises(re.error):
        regexes.compile(r"(?:unbalanced")
    assert not regexes._new


def test_a_damaged_or_foreign_cache_file_only_costs_time(cache, monkeypatch):
    path = regexes.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    for garbage in (b"not marshal data", b"", __import__("marshal").dumps({"other": "format"})):
        path.write_bytes(garbage)
        new_process(monkeypatch)
        assert regexes.compile(*PATTERNS[2]) == re.compile(*PATTERNS[2])
    # An entry that is not what _sre.compile takes (another Python's layout) falls back to re.compile.
    path.write_bytes(__import__("marshal").dumps((regexes._FORMAT, {PATTERNS[1]: (0, [1, 2, 3], 0, {}, ())})))
    new_process(monkeypatch)
    assert regexes.compile(*PATTERNS[1]) == re.compile(*PATTERNS[1])


def test_save_merges_what_another_process_wrote(cache, monkeypatch):
    regexes.compile(*PATTERNS[0])
    regexes.save()
    new_process(monkeypatch)  # a second process, started before the first saved, compiles another pattern
    monkeypatch.setattr(regexes, "_known", {})
    regexes.compile(*PATTERNS[1])
    regexes.save()
    new_process(monkeypatch)
    regexes.compile(*PATTERNS[0]), regexes.compile(*PATTERNS[1])
    assert len(regexes._hits) == 2


def test_off_or_unwritable_saves_nothing_and_raises_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_REGEX_CACHE", "off")
    new_process(monkeypatch)
    assert regexes.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    assert regexes.cache_file() is None and regexes.save() == 0

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ANALYSIS_REGEX_CACHE", str(blocker / "below-a-file"))
    new_process(monkeypatch)
    regexes.compile(*PATTERNS[3])
    assert regexes.save() == 0
    assert list(tmp_path.iterdir()) == [blocker]  # no temporary file left behind


def test_memo_computes_again_when_its_inputs_or_its_code_change(cache, monkeypatch, tmp_path):
    source = tmp_path / "derive.py"
    source.write_text("# version 1\n")
    monkeypatch.setitem(sys.modules, "derive_fixture", types.SimpleNamespace(__file__=str(source)))
    calls = []

    def compute(words):
        calls.append(words)
        return {"|".join(words): (len(words),)}

    def run(words):
        return regexes.memo("test", words, lambda: compute(words), code=["derive_fixture"])

    assert run(["a", "b"]) == {"a|b": (2,)}
    regexes.save()
    new_process(monkeypatch)
    assert run(["a", "b"]) == {"a|b": (2,)} and len(calls) == 1  # kept
    assert run(["a", "c"]) == {"a|c": (2,)} and len(calls) == 2  # other inputs
    assert run(["ab"]) == {"ab": (1,)} and len(calls) == 3  # inputs are told apart, not concatenated
    source.write_text("# version 2\n")
    regexes._source_digest.cache_clear()
    new_process(monkeypatch)
    assert run(["a", "b"]) == {"a|b": (2,)} and len(calls) == 4  # the code changed
    regexes._source_digest.cache_clear()


def test_a_value_marshal_cannot_store_is_computed_each_time_and_spoils_no_save(cache, monkeypatch):
    import datetime as dt

    value = regexes.memo("test-date", ["x"], lambda: {"when": dt.date(2024, 5, 1)}, code=[__name__])
    assert value == {"when": dt.date(2024, 5, 1)}
    regexes.compile(*PATTERNS[0])
    assert regexes.save() == 1  # the pattern is stored; the date is not
    new_process(monkeypatch)
    regexes.compile(*PATTERNS[0])
    assert regexes._hits == {PATTERNS[0]}


def test_the_trie_and_cue_tables_from_the_cache_equal_those_computed(cache, monkeypatch):
    from analysis import phrases, tension

    words = ["Pashinyan", "Pashinian", "Putin", "Peskov", "Yerevan"]
    fresh = phrases._trie_pattern(sorted(words), re.escape)
    assert phrases.trie_pattern(words) == fresh
    bodies = [p.pattern for p in tension.LEXICON.patterns[:40]]
    assert tension._PrefixIndex([], bodies, 3).table == tension._prefix_table(bodies, 3)
    regexes.save()
    new_process(monkeypatch)
    assert phrases.trie_pattern(reversed(words)) == fresh
    assert tension._PrefixIndex([], bodies, 3).table == tension._prefix_table(bodies, 3)
    assert len(regexes._hits) == 2 and not regexes._new


WARM_UP = """
import json, sys
from analysis import regexes
from analysis.pipeline import process_article
from analysis.document import RawArticle
text = sys.stdin.read()
process_article(RawArticle(source="a.txt", text=text))
unused = sorted(k[1] for k in regexes._entries() if k[0] == "memo" and k not in regexes._hits)
print(json.dumps({"new": len(regexes._new), "hits": len(regexes._hits), "unused": unused, "saved": regexes.save()}))
"""

ARTICLE = """Yerevan, 12 March 2024 (Caucasus Wire) - Armenian Prime Minister Nikol Pashinyan said on Tuesday that
Armenia had "frozen" its participation in the CSTO. "We will not take part," he told parliament.
Kremlin spokesman Dmitry Peskov said Moscow regretted the decision and warned of consequences."""


def warm_up(cache_dir: Path, hash_seed: str) -> dict:
    env = dict(os.environ, ANALYSIS_REGEX_CACHE=str(cache_dir), PYTHONHASHSEED=hash_seed)
    out = subprocess.run([sys.executable, "-c", WARM_UP], input=ARTICLE, capture_output=True, text=True, env=env,
                         cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    """A cache folder one process filled (hash seed 1), and what that process reported."""
    folder = tmp_path_factory.mktemp("warmed")
    return folder, warm_up(folder, "1")


def test_every_pattern_of_the_steps_is_the_same_in_every_process(warmed):
    """The steps build some patterns from sets of words: a set's order changes with the hash seed, and a pattern
    spelled differently in each process would never be found in the cache (and its alternatives would be tried in
    another order). A second process with another seed finds every pattern the first one stored."""
    folder, first = warmed
    assert first["new"] > 500 and first["saved"] == first["new"] and first["hits"] == 0 and first["unused"] == []
    second = warm_up(folder, "2")
    # Every entry is found again, but the parsed actor file: the actor index kept whole spares parsing it.
    assert second == {"new": 0, "hits": first["saved"] - 1, "unused": ["toml"], "saved": 0}


def test_every_stored_pattern_recompiles_equal(warmed):
    import _sre
    import marshal

    (path,) = warmed[0].glob("regex-*.marshal")
    fmt, entries = marshal.loads(path.read_bytes())
    patterns = [k for k in entries if len(k) == 2]
    assert fmt == regexes._FORMAT and len(patterns) > 500
    for pattern, flags in patterns:
        flags_out, code, groups, groupindex, indexgroup = entries[(pattern, flags)]
        assert isinstance(code, bytes)  # the engine's code words, loaded without an int object per word
        words = array(regexes._CODE_TYPE, code).tolist()
        assert _sre.compile(pattern, flags_out, words, groups, groupindex, indexgroup) == re.compile(pattern, flags)


PARALLEL_BUILD = """
import sys
from analysis.pipeline import build_corpus
from analysis import regexes
r = build_corpus([sys.argv[1]], workers=2)
print(len(r.articles), "steps imported here:", "analysis.speakers" in sys.modules)
"""


def test_workers_store_the_patterns_they_compiled(tmp_path):
    """In a parallel build the steps run (and compile) in the workers only; each stores what it compiled as it
    exits, so the next build's workers start warm."""
    import marshal

    from analysis.synth import write_corpus

    corpus = write_corpus(45, tmp_path / "corpus", seed=3)  # enough articles to start workers
    env = dict(os.environ, ANALYSIS_REGEX_CACHE=str(tmp_path / "rx"))
    out = subprocess.run([sys.executable, "-c", PARALLEL_BUILD, str(corpus)], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True).stdout
    assert out.split()[0] == "45" and out.strip().endswith("steps imported here: False")
    (path,) = (tmp_path / "rx").glob("regex-*.marshal")
    _, entries = marshal.loads(path.read_bytes())
    assert sum(1 for k in entries if len(k) == 2) > 500
