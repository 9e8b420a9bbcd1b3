"""Article reader: one article's cleaned text with every statement highlighted, and where its metadata came from."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import render, state, ui


def _label(row: pd.Series) -> str:
    date = f"{row['published']:%Y-%m-%d}" if pd.notna(row["published"]) else "undated"
    outlet = row["outlet"] if pd.notna(row["outlet"]) else "outlet unknown"
    title = row["title"] if pd.notna(row["title"]) else row["source"]
    title = " ".join(str(title).split())
    return f"{date} · {outlet} · {title[:90]}"


def _metadata(a: pd.Series) -> pd.DataFrame:
    def v(x):
        return "" if x is None or pd.isna(x) else str(x)

    published = f"{a['published']:%Y-%m-%d %H:%M} UTC ({a['published_precision']})" if pd.notna(a["published"]) else "unknown"
    reference = f"{a['reference_date']:%Y-%m-%d} ({a['reference_precision']})" if pd.notna(a["reference_date"]) else "unknown"
    def ev(evidence, source):
        evidence, source = v(evidence), v(source)
        return f"{evidence} ({source})" if evidence and source else evidence or (f"({source})" if source else "")

    rows = [
        ("outlet", v(a["outlet"]) or "unknown (not stated)", ev(a["outlet_evidence"], a["outlet_source"])),
        ("published", published, ev(a["published_evidence"], a["published_source"])),
        ("reference date", reference, v(a["reference_evidence"])),
        ("title", v(a["title"]) or "none", ev(None, a["title_source"])),
        ("syndicated from", v(a["syndicated_from"]) or "none found", v(a["syndicated_evidence"])),
        ("url", v(a["url"]) or "unknown", ""),
        ("story", v(a["story_id"]), "articles sharing quotations share a story id"),
        ("language", v(a["language"]), ""),
        ("file", v(a["source"]), ""),
        ("article id", v(a["article_id"]), "hash of the text"),
    ]
    return pd.DataFrame(rows, columns=["field", "value", "evidence (where it was read; provenance)"])


def main() -> None:
    ctx = ui.context()
    st.title("Article reader")
    articles = ctx.articles.sort_values(["published", "source"], ascending=[False, True], na_position="last")
    ids = articles["article_id"].tolist()
    default = ids[0] if ids else ""
    state.page_param("article", default)
    state.page_param("hidden", False, parse=lambda vs: vs[-1] == "1", serialize=lambda v: ["1"] if v else [])
    ss = st.session_state
    wanted = ss.get("article")
    all_ids = set(ctx.all_articles["article_id"])
    if wanted and wanted not in ids and wanted in all_ids:
        # A link to an article outside the filters still opens it.
        articles = pd.concat([ctx.all_articles[ctx.all_articles["article_id"] == wanted], articles])
        ids = [wanted] + ids
        st.caption("This article has no statements under the current filters; it is shown because the link asks for it.")
    if not ids:
        ui.empty("No article matches these filters.")
        return
    if wanted not in ids:
        ss["article"] = ids[0]
    labels = dict(zip(articles["article_id"], articles.apply(_label, axis=1)))
    art_id = st.selectbox(f"Article ({len(ids)})", ids, key="article", format_func=lambda i: labels.get(i, i))
    a = articles[articles["article_id"] == art_id].iloc[0]
    stmts = ctx.all_statements[ctx.all_statements["article_id"] == art_id].sort_values("start")

    st.subheader(ui.safe(a["title"]) if pd.notna(a["title"]) else ui.safe(a["source"]))
    text_col, meta_col = st.columns([3, 2], gap="large")
    with text_col:
        show_hidden = st.toggle("Show the lines the cleaner set aside (boilerplate, duplicates, metadata)", key="hidden")
        st.html(render.legend_html())
        st.html(render.highlight_html(a["text"], a["blocks"], stmts, show_hidden=show_hidden))
        with st.expander("Raw text, exactly as read"):
            st.code(a["text"], language=None, wrap_lines=True)
    with meta_col:
        st.markdown("**Metadata and its evidence**")
        st.table(_metadata(a).set_index("field"))
    st.markdown(f"**{len(stmts)} statements** ({int((stmts['kind'] == 'quote').sum())} direct quotes) in this article")
    if stmts.empty:
        st.info("The extractor found no statements in this article.")
    else:
        ui.statements_table(stmts, key="reader_statements", height=min(420, 38 + 35 * len(stmts)))

main()
