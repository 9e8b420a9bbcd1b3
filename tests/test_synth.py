"""The synthetic benchmark data: a corpus that makes the extraction work like real news, and big frames.

The benchmarks (``python -m analysis bench``) are only meaningful if the synthetic articles exercise the
same code paths as scraped news and if the same command gives the same corpus on every machine.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.schema_compact import compact_statements, frame_bytes, involves, text_match
from analysis.statements_synth import synth_frames
from analysis.synth import article, main as synth_main, write_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = [article(i)[0] for i in range(200)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_command_writes_the_same_corpus(tmp_path):
    assert synth_main(["--articles", "25", "--out", str(tmp_path / "a"), "--seed", "3"]) == 0
    assert synth_main(["--articles", "25", "--out", str(tmp_path / "b"), "--seed", "3"]) == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(write_corpus(25, tmp_path / "c", seed=4))


def test_adding_articles_leaves_the_existing_ones_unchanged(tmp_path):
    """What the incremental-rebuild benchmark relies on: 100 + 1 % is the 100 plus one new file."""
    big = _files(write_corpus(101, tmp_path / "big"))
    grown = write_corpus(100, tmp_path / "grown")
    before = _files(grown)
    write_corpus(1, grown, start=100)
    after = _files(grown)
    assert after == big
    assert {k: v for k, v in after.items() if k in before and not k.endswith("sources.csv")} == \
           {k: v for k, v in before.items() if not k.endswith("sources.csv")}
    assert len([k for k in after if k.endswith(".txt")]) == 101


def test_articles_have_the_size_of_news_pages():
    sizes = [len(t.encode("utf-8")) for t in SAMPLE]
    assert min(sizes) >= 2000 and max(sizes) <= 5000
    assert np.std(sizes) > 200  # not one fixed length


def test_every_quotation_style_and_date_expression_occurs():
    joined = "\n".join(SAMPLE)
    patterns = {
        "curly quotes": r"“[A-Z][^”]+,” ",
        "straight quotes": r"\"[A-Z][^\"]+,\" ",
        "guillemets": r"«[^»]+», ",
        "single quotes": r"(?m)^'[A-Z][^']+,' ",
        "quote broken by the attribution": r",” [^“”\n]{3,80}, “[a-z]",
        "second sentence after the attribution": r",” [^“”\n]{3,80}\. “[A-Z]",
        "colon before the quote": r"[a-z]: “[A-Z]",
        "according to": r"According to [A-Z]",
        "quote running over two paragraphs": r"“[^”\n]+\n\n“",
        "weekday": r"on (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
        "relative date": r"(last month|yesterday|weeks ago|earlier this year|late last year|at the time)",
        "absolute date": r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, 20\d\d",
        "ISO timestamp line": r"(?m)^20\d\d-\d\d-\d\dT\d\d:\d\d",
        "dateline": r"(?m)^[A-Z]{4,}(, [A-Z][a-z]+\.? \d+)? \([^)]+\) [–—] ",
        "caption": r"(Photo: |FILE PHOTO)",
        "related-links block": r"(?m)^(Read also|You may like|Related|More on this story|Trending now|Latest)$",
        "page furniture": r"(?m)^(Share This Post On|Subscribe to our newsletter|Leave a comment|Advertisement)$",
    }
    missing = [name for name, rx in patterns.items() if not re.search(rx, joined)]
    assert not missing


def test_some_pages_state_no_publication_date():
    dated = re.compile(r"(?m)^(20\d\d-\d\d-\d\dT|Published: |Updated |[A-Z][a-z]{2}, \d|\d\d\.\d\d\.20|[A-Z][a-z]+ \d{1,2}, 20\d\d \d)")
    undated = sum(1 for t in SAMPLE[:100] if not dated.search(t) and not re.search(r"\(.*\) [–—] ", t))
    assert 3 <= undated <= 40


def test_no_sentence_of_a_real_article_is_copied():
    """No run of eight words from the seed articles appears in the synthetic text."""
    def shingles(text):
        words = re.findall(r"[a-z0-9’']+", text.lower())
        return {" ".join(words[k:k + 8]) for k in range(len(words) - 7)}

    seeds = set().union(*(shingles(p.read_text(encoding="utf-8")) for p in (ROOT / "seeds").glob("*.txt")))
    assert seeds
    assert not seeds & shingles("\n".join(SAMPLE))


def test_stories_are_told_by_several_articles():
    """The same quotation in several articles: the corpus pass has stories to link."""
    quotes = [set(re.findall(r"“([^”]{40,})[,.]”", t)) for t in SAMPLE]
    seen: dict[str, int] = {}
    for qs in quotes:
        for q in qs:
            seen[q] = seen.get(q, 0) + 1
    assert sum(1 for n in seen.values() if n >= 2) >= 10


def test_speakers_include_the_officials_of_the_actor_list_and_invented_people():
    import tomllib

    joined = "\n".join(SAMPLE)
    invented = [a[0] for a in tomllib.loads((ROOT / "analysis" / "data" / "synth.toml").read_text(encoding="utf-8"))["invented_actors"]]
    assert sum(1 for n in invented if n in joined) >= 5  # people no actor list knows
    actors = ROOT / "analysis" / "data" / "actors.toml"
    if actors.exists():  # the shipped actor list supplies the real officials
        people = [p["name"] for p in tomllib.loads(actors.read_text(encoding="utf-8")).get("person", [])]
        assert sum(1 for n in people if n in joined) >= 10


# --------------------------------------------------------------------------------------------------------------
# Frames made directly, for the dashboard data path


@pytest.fixture(scope="module")
def frames():
    return synth_frames(3000, seed=1)


def test_direct_frames_follow_the_schema(frames):
    articles, statements = frames
    schema.validate_articles(articles)
    schema.validate_statements(statements)
    assert len(statements) == 3000
    assert statements["statement_id"].is_unique and articles["article_id"].is_unique
    assert set(statements["article_id"]) <= set(articles["article_id"])
    per_article = statements.groupby("article_id").size()
    assert (articles.set_index("article_id")["n_statements"].reindex(per_article.index) == per_article).all()


def test_direct_frames_have_the_shape_of_a_build(frames):
    _, s = frames
    assert set(s["kind"]) == {"quote", "reported", "narrative"}
    assert s["speaker"].nunique() > 50 and s["outlet"].nunique() > 15
    assert s.loc[s["kind"] == "quote", "quote"].notna().all() and s.loc[s["kind"] != "quote", "quote"].isna().all()
    with_dir = s[s["direction"].notna()]
    assert (with_dir["direction"].str.split("→").str[0] == with_dir["speaker_side"]).all()
    assert set(s["date_precision"]) <= {"day", "month", "year", "published", "unknown"}
    assert s.loc[s["date_precision"] == "unknown", "statement_date"].isna().all()
    span = s["statement_date"].max() - s["statement_date"].min()
    assert span > pd.Timedelta(days=600)


def test_the_compact_frame_holds_the_same_values_in_less_memory(frames):
    _, s = frames
    c = compact_statements(s)
    assert list(c.columns) == list(s.columns)
    assert frame_bytes(c) < 0.7 * frame_bytes(s)
    for col in s.columns:
        if col in ("targets", "target_sides"):
            assert [list(v) for v in c[col]] == [list(v) for v in s[col]]
        else:
            left = s[col].astype(object).where(s[col].notna(), None).tolist()
            right = c[col].astype(object).where(c[col].notna(), None).tolist()
            assert left == right, col


@pytest.mark.parametrize("lean", [False, True])
def test_fast_filters_agree_with_the_plain_ones(frames, lean):
    _, s = frames
    frame = compact_statements(s) if lean else s
    who = list(s["speaker"].dropna().value_counts().index[:2]) + [s["targets"].explode().dropna().iloc[0]]
    plain = (s["speaker"].isin(who).fillna(False) | s["targets"].map(lambda v: bool(set(who) & set(v)))).to_numpy()
    assert plain.any() and not plain.all()
    assert (involves(frame, "speaker", "targets", who) == plain).all()

    words = ["border", s["outlet"].dropna().iloc[0].split()[-1].lower()]
    hay = (s["text"].fillna("") + " " + s["speaker"].fillna("") + " " + s["outlet"].fillna("")).str.lower()
    plain = np.logical_and.reduce([hay.str.contains(w, regex=False).to_numpy(dtype=bool) for w in words])
    assert plain.any() and not plain.all()
    assert (text_match(frame, words) == plain).all()
