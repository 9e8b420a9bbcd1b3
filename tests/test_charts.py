"""The dashboard's pure parts: figures, filters in the URL, tables, downloads, safe rendering, uploads.

They run on small frames written for these tests (tests/dashboard_fixtures.py), with
other people, outlets and dates than the seeds.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import json

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, data, frames, render, state, theme
from dashboard_fixtures import synthetic_corpus


@pytest.fixture(scope="module")
def corpus():
    return synthetic_corpus()


def _series(rows):
    return pd.DataFrame(rows, columns=["period", "group", "mean_tension", "n_statements", "n_articles", "n_stories",
                                       "ci_low", "ci_high", "low_count"])


SERIES = _series([
    (pd.Period("2023-11", "M"), "Estonia→Finland", 0.8, 4, 2, 2, 0.7, 0.9, False),
    (pd.Period("2024-02", "M"), "Estonia→Finland", 0.8, 2, 1, 1, 0.75, 0.85, True),
    (pd.Period("2024-02", "M"), "Finland→Estonia", -0.5, 1, 1, 1, np.nan, np.nan, True),
])


# --- figures -----------------------------------------------------------------

def test_timeline_draws_one_line_per_group_sized_by_count_with_intervals_and_open_low_count_markers():
    fig = charts.tension_timeline(SERIES, by="direction")
    lines = {t.name: t for t in fig.data if t.mode and "lines" in t.mode}
    assert set(lines) == {html.escape("Estonia→Finland"), html.escape("Finland→Estonia")}
    est = lines["Estonia→Finland"]
    assert list(est.marker.symbol) == ["circle", "circle-open"]  # the 2-statement month is marked, not hidden
    assert est.marker.size[0] > est.marker.size[1]  # 4 statements draw a bigger dot than 2
    assert list(est.text) == ["n=4", "n=2"]
    assert est.error_y.array[0] == pytest.approx(0.1) and est.error_y.arrayminus[0] == pytest.approx(0.1)
    assert est.line.color == theme.direction_color("Estonia→Finland")
    assert any("fewer than" in (t.name or "") for t in fig.data)


def test_timeline_points_carry_what_they_stand_for():
    fig = charts.tension_timeline(SERIES, by="direction")
    first = fig.data[0].customdata[0]
    assert list(first[:3]) == ["period", "2023-11-01", "Estonia→Finland"]


def test_timeline_marks_key_events_along_the_bottom_with_escaped_text():
    events = pd.DataFrame({
        "date": [pd.Timestamp("2023-11-19", tz="UTC")], "precision": ["day"], "label": ["<b>Row</b> erupts"],
        "text": ["Tamm: <script>alert(1)</script>"], "article_id": ["a1"], "statement_id": ["a1:2"],
    })
    fig = charts.tension_timeline(SERIES, by="direction", events=events)
    ev = [t for t in fig.data if t.name and "key event" in t.name][0]
    assert ev.marker.symbol == "triangle-up" and list(ev.customdata[0]) == ["event", "a1", "a1:2"]
    assert "<script>" not in ev.hovertext[0] and "&lt;script&gt;" in ev.hovertext[0]
    assert "<b>Row</b>" not in ev.hovertext[0]


def test_empty_inputs_give_a_message_figure_not_an_error(corpus):
    articles, statements = corpus
    none = statements.iloc[0:0]
    for fig in (charts.tension_timeline(SERIES.iloc[0:0]), charts.speaker_target_matrix(none), charts.top_speakers(none),
                charts.outlet_volume(none, articles), charts.outlet_distribution(none), charts.tone_vs_quoted(none)):
        assert fig.layout.annotations and fig.layout.annotations[0].text
        assert not fig.data


def test_speaker_target_matrix_holds_mean_tension_and_counts(corpus):
    _, statements = corpus
    fig = charts.speaker_target_matrix(statements)
    heat = fig.data[0]
    row = list(heat.y).index("Liisa Tamm")
    col = list(heat.x).index("Finland")
    tamm = statements[(statements["speaker"] == "Liisa Tamm")]
    assert heat.z[row][col] == pytest.approx(tamm["tension"].mean())
    assert f"n={len(tamm)}" in heat.text[row][col]


def test_top_speakers_colours_bars_by_side(corpus):
    _, statements = corpus
    fig = charts.top_speakers(statements)
    estonia = [t for t in fig.data if t.name == "Estonia"][0]
    assert estonia.marker.color == theme.side_color("Estonia")
    assert "Liisa Tamm" in list(estonia.y)
    assert max(estonia.x) == (statements["speaker"] == "Liisa Tamm").sum()


def test_outlet_volume_counts_syndicated_copies_as_one_story(corpus):
    articles, statements = corpus
    fig = charts.outlet_volume(statements, articles)
    stories = [t for t in fig.data if t.name and t.name.startswith("stories")][0]
    arts = [t for t in fig.data if t.name == "articles"][0]
    i = list(arts.y).index("Caucasus Ledger")
    assert arts.x[i] == 2 and stories.x[i] == 1  # two copies of the corridor story
    assert "(outlet unknown)" in list(arts.y)


def test_outlet_distribution_has_one_selectable_dot_per_statement(corpus):
    _, statements = corpus
    fig = charts.outlet_distribution(statements)
    ids = [cd[1] for t in fig.data for cd in t.customdata]
    assert sorted(ids) == sorted(statements.loc[statements["tension"].notna(), "statement_id"])


def test_tone_by_outlet_separates_the_outlets_own_voice_from_whom_it_quotes(corpus):
    _, statements = corpus
    tone = charts.tone_by_outlet(statements, "tension").set_index("outlet")
    baltic = statements[statements["outlet"] == "Baltic Wire"]
    assert tone.loc["Baltic Wire", "narrative"] == pytest.approx(baltic.loc[baltic["kind"] == "narrative", "tension"].mean())
    assert tone.loc["Baltic Wire", "quoted"] == pytest.approx(baltic.loc[baltic["kind"] != "narrative", "tension"].mean())
    fig = charts.tone_vs_quoted(statements, "tension")
    assert list(fig.data[0].text) == ["Baltic Wire"]  # the only outlet with both voices


def test_png_toolbar_config_names_the_file():
    cfg = charts.chart_config("tension-index")
    assert cfg["toImageButtonOptions"] == {"format": "png", "filename": "tension-index", "scale": 2}


def test_colours_are_fixed_per_side_and_direction_and_stable_for_new_ones():
    assert theme.side_color("Armenia") == theme.ORANGE and theme.side_color("Russia") == theme.BLUE
    assert theme.direction_color("Armenia→CSTO") != theme.direction_color("Russia→Armenia")
    assert theme.direction_color("Armenia→EU") == theme.side_color("Armenia")
    assert theme.side_color("Moldova") == theme.side_color("Moldova") in theme.OKABE_ITO
    assert theme.tension_rgba(1.0).startswith("rgba(213,94,0") and theme.tension_rgba(-1.0).startswith("rgba(0,114,178")


# --- filters and the URL ---------------------------------------------------------

def test_filters_round_trip_through_url_parameters(corpus):
    _, statements = corpus
    options = state.options_for(statements)
    f = state.Filters(start=dt.date(2022, 1, 1), end=dt.date(2023, 12, 31), basis="published",
                      actors=("Liisa Tamm",), sides=("Estonia", "Finland"), directions=("Estonia→Finland",),
                      outlets=("Nordic Monitor", state.UNKNOWN), kinds=("quote",), text="abandoned")
    params = f.to_params()
    assert params["side"] == ["Estonia", "Finland"] and params["basis"] == ["published"]
    assert state.Filters.from_params(params, options) == f
    assert state.Filters().to_params() == {}  # defaults stay out of the link


def test_invalid_url_values_are_dropped_not_fatal(corpus):
    _, statements = corpus
    options = state.options_for(statements)
    f = state.Filters.from_params({"actor": ["Nobody", "Tomas Varga"], "start": "yesterday", "basis": "bogus",
                                   "kind": ["quote", "rumour"], "end": "2022-01-01", "q": "  two   words "}, options)
    assert f.actors == ("Tomas Varga",) and f.kinds == ("quote",)
    assert f.start is None and f.end == dt.date(2022, 1, 1) and f.basis == "statement" and f.text == "two words"


def test_apply_filters_matches_speaker_or_target_and_the_date_basis(corpus):
    _, statements = corpus
    finland = state.apply_filters(statements, state.Filters(actors=("Finland",)))
    assert set(finland["speaker"]) == {"Liisa Tamm"}  # Finland is only ever a target here
    dated = state.apply_filters(statements, state.Filters(start=dt.date(2024, 1, 1)))
    assert len(dated) and (dated["statement_date"] >= pd.Timestamp("2024-01-01", tz="UTC")).all()
    undated = statements["statement_date"].isna().sum()
    assert undated and len(state.apply_filters(statements, state.Filters())) == len(statements)
    unknown_outlet = state.apply_filters(statements, state.Filters(outlets=(state.UNKNOWN,)))
    assert len(unknown_outlet) and unknown_outlet["outlet"].isna().all()
    words = state.apply_filters(statements, state.Filters(text="HELSINKI failed"))
    assert list(words["quote"]) == ["Helsinki has failed us again"]


def test_share_url_keeps_the_app_root_and_points_at_the_page():
    url = state.share_url("https://rift.streamlit.app/actors", "reader", {"article": ["abc"], "side": ["A", "B"]},
                          current_page_path="actors")
    assert url == "https://rift.streamlit.app/reader?article=abc&side=A&side=B"
    assert state.share_url(None, "", {}) == "/"


# --- tables and downloads ---------------------------------------------------------

def test_csv_download_neutralises_formulas(corpus):
    _, statements = corpus
    raw = frames.safe_csv(frames.statement_table(statements))
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    cells = table.astype(str).to_numpy().ravel()
    assert not any(c.startswith(("=", "+", "@")) or (c.startswith("-") and not _is_number(c)) for c in cells)
    assert "'=HYPERLINK(\"http://evil.example\") we will respond" in set(table["statement"])


def _is_number(s: str) -> bool:
    try:
        float(s.lstrip("'"))
        return True
    except ValueError:
        return False


def test_cues_are_explained_in_words(corpus):
    _, statements = corpus
    row = statements[statements["text"].str.contains("unfounded")].iloc[0]
    assert frames.cues_text(row["cues"]) == "reject: unfounded (+0.40); dialogue: talks (−0.30)"
    assert frames.cues_text(None) == "" and frames.cues_text("not json") == ""


def test_points_lead_back_to_their_statements(corpus):
    _, statements = corpus
    point = {"customdata": ["period", "2024-02-01", "Estonia→Finland"]}
    behind = frames.statements_for_points(statements, [point], by="direction", freq="M")
    assert set(behind["quote"]) == {"We are suspending our participation in the joint council", "Helsinki has failed us again"}
    pair = frames.statements_for_points(statements, [{"customdata": ["pair", "Tomas Varga", "Russia"]}])
    assert list(pair["quote"]) == ["Moscow and Minsk must withdraw the missiles"]
    none = frames.statements_for_points(statements, [{"x": 1}])
    assert none.empty


def test_stories_and_unknowns_summarise_the_corpus(corpus):
    articles, statements = corpus
    stories = frames.stories(articles)
    assert list(stories["articles"]) == [2] and stories["outlets"].iat[0] == "Caucasus Ledger"
    unk = frames.unknowns(articles, statements).set_index("what")
    assert unk.loc["articles without an outlet", "count"] == 1
    assert unk.loc["statements without a speaker", "count"] == statements["speaker"].isna().sum()


# --- untrusted text -----------------------------------------------------------------

HOSTILE = ('<script>alert("x")</script> <img src=x onerror=alert(1)> <a href="javascript:alert(2)">click</a> '
           '[markdown](https://evil.example) **bold** :red[colour]')


def test_reader_html_escapes_article_text_and_only_adds_its_own_tags():
    text = f"Title\n“We reject this,” said Ana Lusine. {HOSTILE}\n"
    stmts = pd.DataFrame([{"statement_id": "a:0", "start": 6, "end": len(text) - 1, "speaker": "<b>Ana</b>",
                           "direction": None, "tension": 0.6, "cues": json.dumps([{"cue": "<i>reject</i>", "class": "reject", "weight": 0.5}])}])
    out = render.highlight_html(text, json.dumps([[0, 5, "title"], [6, len(text) - 1, "body"]]), stmts)
    assert "<script" not in out and "<img" not in out and "<a " not in out and "<b>Ana" not in out and "<i>" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "[markdown](https://evil.example)" in out  # shown as text; st.html does not render Markdown
    assert out.count("<mark ") == 1 and "&lt;b&gt;Ana&lt;/b&gt;" in out


def test_markdown_escaping_leaves_no_live_markup():
    escaped = render.md_escape(HOSTILE)
    assert "\\[markdown\\]\\(https\\:\\/\\/evil\\.example\\)" in escaped
    assert "\\<script\\>" in escaped and "\\*\\*bold\\*\\*" in escaped and "\\:red\\[colour\\]" in escaped


def test_hidden_blocks_stay_hidden_unless_asked(corpus):
    articles, statements = corpus
    a = articles.iloc[0]
    mine = statements[statements["article_id"] == a["article_id"]]
    shown = render.highlight_html(a["text"], a["blocks"], mine)
    assert "Share this article" not in shown
    assert "Share this article" in render.highlight_html(a["text"], a["blocks"], mine, show_hidden=True)


# --- uploads ---------------------------------------------------------------------------

def test_upload_names_cannot_escape_the_data_folder():
    assert data.safe_name("../../etc/passwd") == "passwd"
    assert data.safe_name("..\\..\\boot.ini") == "boot.ini"
    assert data.safe_name(".hidden.TXT") == "hidden.txt"
    assert data.safe_name("Ереван news (1).html") == "news_1.html"
    assert data.safe_name("") == "upload"


def test_uploads_never_overwrite_and_duplicates_are_not_stored_twice(tmp_path):
    first = data.save_uploads([("story.txt", b"Yerevan Daily\nA first story."), ("../story.txt", b"Another story.")],
                              folder=tmp_path, max_mb=1)
    assert [r.status for r in first] == ["stored", "stored"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story-2.txt", "story.txt"]
    again = data.save_uploads([("copy.txt", b"Yerevan Daily\nA first story.")], folder=tmp_path, max_mb=1)
    assert again[0].status == "duplicate" and "story.txt" in again[0].reason
    assert len(list(tmp_path.iterdir())) == 2


def test_uploads_are_checked_for_size_and_type(tmp_path):
    out = data.save_uploads([("big.txt", b"x" * (1024 * 1024 + 1)), ("tool.exe", b"MZ"), ("empty.txt", b"  ")],
                            folder=tmp_path, max_mb=1)
    assert [r.status for r in out] == ["rejected"] * 3
    assert "limit" in out[0].reason and "unsupported" in out[1].reason and "empty" in out[2].reason
    assert not list(tmp_path.iterdir())


def test_corpus_key_changes_with_content_not_with_reruns(tmp_path):
    (tmp_path / "a.txt").write_text("one")
    k1 = data.corpus_key(data.input_files([tmp_path]))
    assert data.corpus_key(data.input_files([tmp_path])) == k1
    (tmp_path / "b.txt").write_text("two")
    assert data.corpus_key(data.input_files([tmp_path])) != k1


def test_cache_round_trip_keeps_the_schema(tmp_path, corpus):
    from analysis import schema

    articles, statements = corpus
    report = pd.DataFrame({"file": ["x.txt"], "status": ["built"], "reason": [""], "articles": [1]})
    data.write_cache(tmp_path / "k", articles, statements, report)
    back = data.read_cache(tmp_path / "k")
    schema.validate_articles(back.articles)
    schema.validate_statements(back.statements)
    assert back.statements["targets"].map(list).tolist() == statements["targets"].map(list).tolist()
    assert not list((tmp_path / "k").glob("*.tmp"))


def test_unlisted_directions_share_their_speaker_side_colour_and_differ_by_dash():
    assert theme.direction_dash("Armenia→Russia") == "solid"
    a, b = theme.direction_dash("Armenia→Azerbaijan"), theme.direction_dash("Armenia→EU")
    assert theme.direction_color("Armenia→Azerbaijan") == theme.direction_color("Armenia→EU") == theme.side_color("Armenia")
    assert "solid" not in (a, b)


def test_a_second_sidecar_is_kept_but_flagged(tmp_path):
    data.save_uploads([("sources.csv", b"file,outlet\na.txt,Gyumri Courier\n")], folder=tmp_path, max_mb=1)
    second = data.save_uploads([("sources.csv", b"file,outlet\nb.txt,Vanadzor Post\n")], folder=tmp_path, max_mb=1)
    assert second[0].stored_as == "sources-2.csv" and "sidecar" in second[0].reason
    assert (tmp_path / "sources.csv").read_bytes().endswith(b"Gyumri Courier\n")


def test_apply_filters_gives_the_same_rows_on_compact_frames(corpus):
    """The dashboard may hold a million statements in the compact form; every filter answers the same there."""
    from analysis.schema_compact import compact_statements

    _, statements = corpus
    lean = compact_statements(statements)
    speaker = statements["speaker"].dropna().iloc[0]
    side = statements["speaker_side"].dropna().iloc[0]
    cases = [state.Filters(actors=("Finland", speaker)), state.Filters(sides=(side, state.UNKNOWN)),
             state.Filters(outlets=(state.UNKNOWN,)), state.Filters(text="helsinki FAILED"),
             state.Filters(start=dt.date(2024, 1, 1), kinds=("quote",)), state.Filters(actors=(state.UNKNOWN,))]
    for f in cases:
        plain = state.apply_filters(statements, f)["statement_id"].tolist()
        assert plain != statements["statement_id"].tolist() or f.actors == (state.UNKNOWN,)
        assert state.apply_filters(lean, f)["statement_id"].tolist() == plain, f
