"""The dashboard through Streamlit's AppTest, on the real build of the seeds.

Every page runs without an exception and draws its charts; a sidebar filter
changes what a page shows; filters and page choices round-trip through the URL;
an uploaded article shows up on the pages and its hostile markup stays text.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, state

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["overview", "actors", "outlets", "statements", "reader", "method", "upload"]
CHART_PAGES = {"overview": 1, "actors": 3, "outlets": 3}


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    """An empty upload folder and a fresh cache, so the app builds the seeds itself on first run."""
    base = tmp_path_factory.mktemp("app")
    env = {"RIFT_DATA_DIR": str(base / "uploads"), "RIFT_CACHE_DIR": str(base / "cache")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield base
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="module")
def corpus(app_env):
    """The frames the app shows (built by the first app run, read back from its cache)."""
    open_page("overview")
    cached = latest_cache()
    assert cached is not None, "the first run stores the built corpus in the Parquet cache"
    return cached


def latest_cache():
    """The corpus the app built last (read from its Parquet cache)."""
    folders = [p for p in data.cache_root().iterdir() if (p / "meta.json").is_file()]
    return data.read_cache(max(folders, key=lambda p: (p / "meta.json").stat().st_mtime_ns)) if folders else None


def open_page(page: str, params: dict | None = None) -> AppTest:
    """A fresh session opening the page's URL (with ``params`` as its query string)."""
    at = AppTest.from_file(APP, default_timeout=90)
    if params:
        at.query_params.update(params)
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def shown(at: AppTest) -> tuple:
    """What a page shows, to compare two runs: chart data, table contents, text."""
    charts = [json.dumps(s["data"], sort_keys=True, default=str) for s in specs(at)]
    tables = [df.value.to_json(default_handler=str) for df in at.dataframe]
    texts = [m.value for m in at.main.markdown] + [m.value for m in at.main.caption] + [str(m.value) for m in at.metric]
    return tuple(charts), tuple(tables), tuple(texts)


def share_link(at: AppTest) -> str:
    return at.sidebar.code[-1].value


def least_common_outlet(statements: pd.DataFrame) -> str:
    counts = statements["outlet"].value_counts()
    assert len(counts) >= 2, "the seeds name several outlets"
    return counts.index[-1]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_and_draws(page, corpus):
    at = open_page(page)
    assert at.title, f"{page} has a title"
    charts = specs(at)
    assert len(charts) >= CHART_PAGES.get(page, 0)
    for spec in charts:
        assert spec["data"], "every chart has traces"
    if page in CHART_PAGES:
        captions = " ".join(c.value for c in at.caption)
        assert captions.count("How to read this") >= len(charts)


def test_overview_shows_the_tension_index_with_counts_intervals_and_events(corpus):
    at = open_page("overview")
    spec = specs(at)[0]
    lines = [t for t in spec["data"] if "lines" in (t.get("mode") or "")]
    assert lines, "one line per direction"
    from analysis.aggregate import direction_groups

    # By default Russia and the CSTO count as one side: "Armenia→Russia/CSTO".
    merged = set(direction_groups(corpus.statements["direction"]).dropna())
    assert {t["name"] for t in lines} <= merged
    assert any("Russia/CSTO" in t["name"] for t in lines)
    assert all(t["text"][0].startswith("n=") for t in lines)
    assert all("error_y" in t for t in lines)
    from analysis.timeline import key_events

    if len(key_events(corpus.statements, corpus.articles)):
        assert any("key event" in (t.get("name") or "") for t in spec["data"])

    at.toggle(key="merge").set_value(False).run()
    split = {t["name"] for t in specs(at)[0]["data"] if "lines" in (t.get("mode") or "")}
    assert split <= set(corpus.statements["direction"].dropna())
    assert at.query_params.get("merge") == "0"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles"] == str(corpus.articles["article_id"].nunique())
    assert metrics["Statements"] == str(len(corpus.statements))


@pytest.mark.parametrize("page", ["overview", "actors", "outlets", "statements", "reader"])
def test_a_sidebar_filter_changes_what_the_page_shows(page, corpus):
    at = open_page(page)
    before = shown(at)
    outlet = least_common_outlet(corpus.statements)
    at.sidebar.multiselect(key="outlet").set_value([outlet]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown(at) != before
    assert at.query_params.get("outlet") in (outlet, [outlet])


@pytest.mark.parametrize("page", ["method", "upload"])
def test_corpus_pages_follow_the_filters_in_their_link(page, corpus):
    at = open_page(page)
    outlet = least_common_outlet(corpus.statements)
    at.sidebar.multiselect(key="outlet").set_value([outlet]).run()
    assert not at.exception
    assert "outlet=" in share_link(at) and f"/{page}" in share_link(at)


def test_statements_page_lists_exactly_the_filtered_statements(corpus):
    at = open_page("statements")
    table = at.dataframe[0].value
    assert len(table) == len(corpus.statements)
    word = corpus.statements.loc[corpus.statements["kind"] == "quote", "quote"].dropna().iloc[0].split()[-1]
    at.sidebar.text_input(key="q").input(word).run()
    expected = state.apply_filters(corpus.statements, state.Filters(text=word))
    assert len(at.dataframe[0].value) == len(expected) < len(corpus.statements)
    assert at.query_params.get("q") == word


def test_filters_and_page_choices_round_trip_through_the_url(corpus):
    s = corpus.statements
    outlet = s["outlet"].value_counts().index[0]
    first = s["statement_date"].dropna().min().date()
    params = {"outlet": outlet, "kind": ["quote", "reported"], "start": first.isoformat(), "freq": "Q"}
    at = open_page("overview", params)
    assert at.sidebar.multiselect(key="outlet").value == [outlet]
    assert at.sidebar.multiselect(key="kind").value == ["quote", "reported"]
    assert at.selectbox(key="freq").value == "Q"
    kept = at.query_params
    assert kept["outlet"] == outlet and kept["kind"] == ["quote", "reported"] and kept["freq"] == "Q"
    link = share_link(at)
    assert "outlet=" in link and "freq=Q" in link and "kind=quote&kind=reported" in link

    # A fresh session opening the same URL sees the same view.
    again = open_page("overview", dict(kept))
    assert shown(again) == shown(at)

    # Changing a filter in the UI updates the URL; defaults leave it.
    at.sidebar.multiselect(key="kind").set_value([]).run()
    assert "kind" not in at.query_params and at.query_params["outlet"] == outlet


def test_reader_opens_the_article_in_the_link(corpus):
    a = corpus.articles.sort_values("source").iloc[-1]
    at = open_page("reader", {"article": a["article_id"]})
    assert at.selectbox(key="article").value == a["article_id"]
    body = at.get("html")[-1].value
    n = int((corpus.statements["article_id"] == a["article_id"]).sum())
    assert body.count("<mark ") == n
    assert at.query_params.get("article") in (a["article_id"], None)  # omitted when it is the default choice


def select_points(at: AppTest, chart_key: str, points: list[dict]) -> AppTest:
    """What the browser sends when a user clicks or lassoes points of a chart (AppTest has no plotly driver)."""
    chart = [c for c in at.get("plotly_chart") if chart_key in c.proto.id][0]
    states = at._tree.get_widget_states()
    w = states.widgets.add()
    w.id = chart.proto.id
    w.string_value = json.dumps({"selection": {"points": points, "point_indices": list(range(len(points))), "box": [], "lasso": []}})
    return at._run(states)


def test_selecting_chart_points_lists_the_statements_behind_them(corpus):
    at = open_page("outlets")
    dist = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "outlets_distribution" in c.proto.id][0]
    picked = [dist["data"][0]["customdata"][0]]
    select_points(at, "outlets_distribution", [{"customdata": cd} for cd in picked])
    assert not at.exception
    tables = [df.value for df in at.dataframe if "statement_id" in df.value]
    assert any(list(t["statement_id"]) == [picked[0][1]] for t in tables)

    overview = open_page("overview")
    line = [t for t in specs(overview)[0]["data"] if "lines" in (t.get("mode") or "")][0]
    point = line["customdata"][0]
    select_points(overview, "overview_timeline", [{"customdata": point}])
    behind = [df.value for df in overview.dataframe if "statement_id" in df.value][0]
    assert len(behind) == int(point[3])  # the point's statement count
    from analysis.aggregate import direction_groups

    assert set(direction_groups(behind["direction"])) == {point[2]}


HOSTILE = """<script>alert("pwned")</script>
Ani Karapetyan, Gyumri Courier — 12 April 2025
“We will <img src=x onerror=alert(1)> never accept this [deal](javascript:alert(2)),” said deputy mayor Ani Karapetyan on Friday.
Read more: <a href="javascript:alert(3)">here</a> and [markdown link](https://evil.example) **now**.
"""


def test_an_uploaded_article_flows_into_every_page_and_its_markup_stays_text(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("RIFT_DATA_DIR", str(tmp_path / "uploads"))
    at = open_page("upload")
    at.file_uploader[0].set_value([("../../gyumri <evil>.txt", HOSTILE.encode(), "text/plain")])
    submit = [b for b in at.form_submit_button if "Add to the corpus" in b.label][0]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    stored = list((tmp_path / "uploads").iterdir())
    assert [p.name for p in stored] == ["gyumri_evil.txt"]
    # The new article's date widens the span; an unrestricted date range stays unrestricted.
    assert "start" not in at.query_params and "end" not in at.query_params
    report = [df.value for df in at.dataframe]
    assert any("gyumri_evil.txt" in set(t.get("file", pd.Series(dtype=str)).astype(str)) for t in report)

    new = latest_cache()
    assert len(new.articles) == len(corpus.articles) + 1
    art = new.articles[new.articles["source"].astype(str).str.startswith("gyumri_evil")].iloc[0]

    reader = open_page("reader", {"article": art["article_id"]})
    html_out = "".join(h.value for h in reader.get("html"))
    assert "<script" not in html_out and "<img" not in html_out and "<a href" not in html_out
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_out and "[markdown link](https://evil.example)" in html_out
    reader.toggle(key="hidden").set_value(True).run()  # the lines the cleaner set aside, shown on demand
    assert "&lt;script&gt;" in "".join(h.value for h in reader.get("html"))
    raw = [c.value for c in reader.main.code]
    assert any("<script>" in c for c in raw), "the raw text is shown verbatim in a code block"
    for md in reader.markdown:
        assert "<script" not in md.value and "](javascript" not in md.value and "](https://evil" not in md.value

    stmts = open_page("statements")
    assert len(stmts.dataframe[0].value) > len(corpus.statements) - 1

    # The same bytes again are reported as a duplicate and not stored twice.
    at.file_uploader[0].set_value([("copy.txt", HOSTILE.encode(), "text/plain")])
    [b for b in at.form_submit_button if "Add to the corpus" in b.label][0].click().run()
    assert len(list((tmp_path / "uploads").iterdir())) == 1
    assert any("duplicate" in set(df.value.get("upload", pd.Series(dtype=str)).astype(str)) for df in at.dataframe)


def test_an_empty_filter_result_says_so_on_every_page(corpus):
    for page in PAGES[:5]:
        at = open_page(page, {"q": "zzzz-no-such-word-zzzz"})
        assert not at.exception
        infos = " ".join(i.value for i in at.info)
        assert "No " in infos and "filters" in infos, page


def test_switching_the_date_basis_keeps_an_unrestricted_range_unrestricted(corpus):
    at = open_page("statements")
    at.segmented_control(key="basis").set_value("published").run()
    assert not at.exception
    assert at.query_params.get("basis") == "published" and "start" not in at.query_params
    assert len(at.dataframe[0].value) == len(corpus.statements)
    span = state.options_for(corpus.statements).span("published")
    assert tuple(at.sidebar.date_input(key="dates").value) == span


def test_method_page_shows_both_sentiment_scores_on_the_news_benchmark(corpus):
    from analysis.benchmarks_newsmtsc import recorded_table

    at = open_page("method")
    table = next(df.value for df in at.dataframe if "rw: accuracy" in df.value.columns)
    models = list(table["model"])
    assert "TextBlob (sign of polarity)" in models
    model = corpus.statements["sentiment_model"].dropna().iloc[0]  # the model the statements were scored with
    assert model in models
    rw = dict(zip(table["model"], table["real-world news (rw): macro-F1"]))
    recorded = {r["model"]: r["macro_f1"] for r in recorded_table() if r["split"] == "rw"}
    assert rw[model] == round(recorded[model], 1) and rw[model] > rw["TextBlob (sign of polarity)"]
    assert any("polarity column" in c.value for c in at.caption)
