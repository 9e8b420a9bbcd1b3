"""Armenia–Russia rift dashboard: `streamlit run dashboard/app.py`.

The entry point loads the corpus (built once per content, cached), draws the
shared sidebar filters, runs the selected page from ``dashboard/views/`` and
writes the view's state back to the URL.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts dashboard/ first on the path, not the repo
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import data, engine, state, ui  # noqa: E402

st.set_page_config(
    page_title="Armenia–Russia rift",
    page_icon=":material/crisis_alert:",
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"About": "Statements, actors, dates and tension from news about the Armenia–Russia rift."},
)

VIEWS = Path(__file__).parent / "views"
PAGES = [
    st.Page(VIEWS / "overview.py", title="Overview", icon=":material/timeline:", url_path="overview", default=True),
    st.Page(VIEWS / "actors.py", title="Actors", icon=":material/groups:", url_path="actors"),
    st.Page(VIEWS / "outlets.py", title="Outlets", icon=":material/newspaper:", url_path="outlets"),
    st.Page(VIEWS / "statements.py", title="Statements", icon=":material/format_quote:", url_path="statements"),
    st.Page(VIEWS / "reader.py", title="Article reader", icon=":material/article:", url_path="reader"),
    st.Page(VIEWS / "method.py", title="Method and data quality", icon=":material/science:", url_path="method"),
    st.Page(VIEWS / "upload.py", title="Add articles", icon=":material/upload_file:", url_path="upload"),
]

state.begin_run()
page = st.navigation(PAGES, position="sidebar", expanded=True)
page_path = "" if page.url_path in ("", PAGES[0].url_path) else page.url_path

try:
    corpus = data.load_corpus()
except engine.EngineMissing as exc:
    st.error(f"The analysis engine is not installed, so there is nothing to show yet: {exc}")
    st.stop()
except data.FramesUnreadable as exc:
    st.error(f"RIFT_FRAMES_DIR names a build this dashboard cannot show: {exc}", icon=":material/error:")
    st.stop()

options = ui.options_for(corpus.statements, corpus.key)
filters = state.sidebar_filters(options)
ui.set_context(corpus, filters, options, page_path)
share_box = st.sidebar.container()
st.sidebar.caption(
    f"Corpus: {len(corpus.articles)} articles, {len(corpus.statements)} statements"
    + (f" · built {corpus.built_at:%Y-%m-%d %H:%M} UTC" if corpus.built_at is not None else "")
    + (" · a finished build (RIFT_FRAMES_DIR)" if corpus.extra.get("frames_dir") else "")
)

page.run()

params = state.publish(filters)
with share_box:
    ui.share_link(params, page_path)
