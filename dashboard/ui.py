"""Streamlit pieces every page uses: the run's context, charts with selection and export, empty states."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from . import charts, engine, frames, state
from .data import Corpus
from .render import md_escape

_LOCAL = threading.local()  # each session's script run has its own thread; pages run in it


@dataclass
class Context:
    corpus: Corpus
    filters: state.Filters
    options: state.Options
    statements: pd.DataFrame  # filtered
    articles: pd.DataFrame  # articles behind the filtered statements (all articles when nothing is filtered)
    page_path: str = ""  # url path of the page being shown

    @property
    def all_statements(self) -> pd.DataFrame:
        return self.corpus.statements

    @property
    def all_articles(self) -> pd.DataFrame:
        return self.corpus.articles


def set_context(corpus: Corpus, filters: state.Filters, options: state.Options, page_path: str = "") -> Context:
    statements = state.apply_filters(corpus.statements, filters)
    if filters.restricts():
        articles = corpus.articles[corpus.articles["article_id"].isin(set(statements["article_id"]))]
    else:
        articles = corpus.articles
    ctx = Context(corpus, filters, options, statements, articles, page_path)
    _LOCAL.ctx = ctx
    return ctx


def context() -> Context:
    ctx = getattr(_LOCAL, "ctx", None)
    if ctx is None:
        st.error("Open the dashboard through `streamlit run dashboard/app.py`.")
        st.stop()
    return ctx


@st.cache_data(show_spinner=False, max_entries=8)
def options_for(_statements: pd.DataFrame, corpus_key: str) -> state.Options:
    return state.options_for(_statements)


def merged_directions(statements: pd.DataFrame) -> pd.DataFrame:
    """The statements with Russia and the CSTO as one side in ``direction``."""
    return statements.assign(direction=engine.direction_groups(statements["direction"]))


@st.cache_data(show_spinner="Computing the tension index…", max_entries=64)
def tension_series(_statements: pd.DataFrame, _articles: pd.DataFrame, cache_key: str, *, freq: str, by: str | None,
                   basis: str, min_count: int = 3, merge: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """tension_over_time, rising_flag and what was left out, cached per corpus + filters + parameters (``cache_key``)."""
    statements = merged_directions(_statements) if merge and by == "direction" else _statements
    series = engine.tension_over_time(statements, freq=freq, by=by, date=basis, min_count=min_count, articles=_articles)
    excluded = dict(series.attrs.get("excluded", {}))
    try:
        rising = engine.rising_flag(series)
    except engine.EngineMissing:
        rising = pd.DataFrame()
    return series, rising, excluded


@st.cache_data(show_spinner=False, max_entries=16)
def events_for(_statements: pd.DataFrame, _articles: pd.DataFrame, cache_key: str) -> pd.DataFrame:
    return engine.key_events(_statements, _articles)


def series_key(ctx: Context, *parts) -> str:
    return "|".join([ctx.corpus.key, ctx.filters.cache_key(), *map(str, parts)])


def empty(message: str) -> None:
    """The one way pages say "nothing to show", with a hint to loosen the filters."""
    hint = " Loosen or reset the filters in the sidebar." if context().filters.restricts() else ""
    st.info(message + hint, icon=":material/filter_alt_off:")


def engine_missing(exc: Exception) -> None:
    st.warning(f"This part of the analysis is not available in this installation: {exc}", icon=":material/construction:")


def chart(fig, *, key: str, caption: str, filename: str, selectable: bool = True) -> list[dict]:
    """Draw a figure with its how-to-read caption and PNG exports; return the selected points."""
    event = st.plotly_chart(
        fig,
        key=key,
        on_select="rerun" if selectable else "ignore",
        selection_mode=("points", "box", "lasso"),
        config=charts.chart_config(filename),
        width="stretch",
    )
    st.caption(f"**How to read this:** {caption}")
    png_export(fig, key=key, filename=filename)
    if not selectable or event is None:
        return []
    try:
        return list(event.selection.points)
    except AttributeError:
        return []


def png_export(fig, *, key: str, filename: str) -> None:
    """Server-side PNG through kaleido, made on request (it starts a headless Chromium)."""
    store = st.session_state.setdefault("_png", {})
    row = st.container(horizontal=True, gap="small")
    if row.button("Export PNG", key=f"{key}__png", help="Render this chart on the server (kaleido + Chromium). "
                  "The camera icon in the chart's toolbar saves a PNG from your browser too.", type="tertiary",
                  icon=":material/image:"):
        try:
            store[key] = charts.figure_png(fig)
        except Exception as exc:  # noqa: BLE001 - kaleido/Chromium missing or crashed: say so, never fail the page
            store.pop(key, None)
            row.warning(
                f"Server-side PNG export failed ({type(exc).__name__}). Use the camera icon in the chart's toolbar instead.",
                icon=":material/warning:",
            )
    if key in store:
        row.download_button("Download PNG", store[key], file_name=f"{filename}.png", mime="image/png",
                            key=f"{key}__pngdl", type="tertiary", icon=":material/download:")


def statements_behind(points: list[dict], *, by: str | None = "direction", freq: str = "M", key: str,
                      statements: pd.DataFrame | None = None) -> None:
    """Under a chart: the statements behind the selected points, or how to select some.

    ``statements``: the frame the chart was drawn from, when it differs from the filtered one (merged directions).
    """
    ctx = context()
    if not points:
        st.caption("Click a point, or drag a box/lasso over points, to list the statements behind them.")
        return
    pool = ctx.statements if statements is None else statements
    chosen = frames.statements_for_points(pool, points, by=by, basis=ctx.filters.basis, freq=freq)
    chosen = ctx.statements[ctx.statements["statement_id"].isin(set(chosen["statement_id"]))]
    if chosen.empty:
        st.info("No statements behind this selection (key-event markers point at articles outside the filters).")
        return
    st.markdown(f"**{len(chosen)} statement{'s' if len(chosen) != 1 else ''} behind the selection**")
    statements_table(chosen, key=key, height=min(420, 38 + 35 * len(chosen)))


def reader_link(article_id: str) -> str:
    ctx = context()
    params = {**ctx.filters.to_params(), "article": [article_id]}
    return state.share_url(state.app_base_url(), "reader", params, current_page_path=ctx.page_path)


# A browser table of a million rows would take the page down (and a link per row to build): tables show the
# first rows in their order, say so, and the downloads hold every row.
TABLE_ROWS = 5_000


def capped(frame: pd.DataFrame, what: str = "statements", rows: int | None = None) -> pd.DataFrame:
    """The first ``rows`` rows, with a note under the table when there are more."""
    rows = TABLE_ROWS if rows is None else rows
    if len(frame) <= rows:
        return frame
    st.caption(f"Showing the first {rows:,} of {len(frame):,} {what} in this order; narrow the filters to see the "
               "others, or download them all below.")
    return frame.head(rows)


def statements_table(statements: pd.DataFrame, *, key: str, height: int | str = "auto", selectable: bool = False):
    statements = capped(statements)
    table = frames.statement_table(statements, link=reader_link)
    config = {
        "date": st.column_config.DateColumn("statement date", help="When the statement was made (see precision)."),
        "precision": st.column_config.TextColumn("date precision", help="day, month, year; 'published' = only the article's date stands in."),
        "statement": st.column_config.TextColumn("statement / quote", width="large"),
        "tension": st.column_config.NumberColumn("tension", format="%+.2f",
                                                  help="Hostility score: −1 conciliatory … +1 hostile (see Method)."),
        "cues": st.column_config.TextColumn("why (cues)", help="The cue words that set the tension score, with their weights."),
        "polarity": st.column_config.NumberColumn("TextBlob polarity", format="%+.2f", help="Secondary signal; leans positive on news."),
        "published": st.column_config.DateColumn("published"),
        "article": st.column_config.LinkColumn("article", display_text="open in reader", help="Opens the article with this statement highlighted."),
        "statement_id": None,
    }
    if "sentiment" in table:
        config["sentiment"] = st.column_config.NumberColumn("sentiment (model)", format="%+.2f")
    return st.dataframe(
        table, key=key, hide_index=True, column_config=config, height=height,
        on_select="rerun" if selectable else "ignore", selection_mode="single-row",
    )


def share_link(params: dict, page_path: str) -> None:
    url = state.share_url(state.app_base_url(), page_path, params, current_page_path=page_path)
    with st.sidebar:
        st.markdown("**Link to this view**")
        st.code(url, language=None, wrap_lines=True)
        st.caption("Copy it with the icon at its right: the link reopens this page with these filters.")


def safe(text) -> str:
    return md_escape(text)


EXCLUDED_WORDS = {"no_date": "without a date", "no_tension": "without a tension score",
                  "coarse_date": "dated only more coarsely than the period", "no_group": "without a value for the lines"}


def excluded_note(excluded: dict) -> None:
    """Say which statements the index leaves out, and why, instead of dropping them silently."""
    parts = [f"{n} {EXCLUDED_WORDS.get(k, k)}" for k, n in excluded.items() if n]
    if parts:
        st.caption("Left out of this chart: " + "; ".join(parts) + ". They are still in the Statements table.")
