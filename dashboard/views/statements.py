"""Statements: every statement behind the charts, searchable, sortable, downloadable."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import frames, ui


def _details(row: pd.Series) -> None:
    st.markdown(f"**{ui.safe(row['speaker'] or 'Speaker unknown')}** · {ui.safe(row['kind'])} · "
                f"{ui.safe(row['direction'] or 'direction unknown')}")
    st.text(" ".join(str(row["text"]).split()))
    facts = {
        "statement date": f"{row['statement_date']:%Y-%m-%d} ({row['date_precision']})" if pd.notna(row["statement_date"]) else "unknown",
        "date evidence": row["date_evidence"],
        "speaker evidence": row["speaker_evidence"],
        "attribution": row["attribution"],
        "role / side": " / ".join(str(x) for x in (row["speaker_role"], row["speaker_side"]) if pd.notna(x)) or None,
        "targets": ", ".join(row["targets"]) if len(row["targets"]) else None,
        "tension": f"{row['tension']:+.2f}" if pd.notna(row["tension"]) else "not scored",
        "why (cues)": frames.cues_text(row["cues"]) or "no cue matched",
        "TextBlob polarity": f"{row['polarity']:+.2f}",
        "outlet": row["outlet"],
        "in a photo caption": "yes" if row["in_caption"] else "no",
    }
    if "sentiment" in row and pd.notna(row["sentiment"]):
        facts["sentiment (model)"] = f"{row['sentiment']:+.2f}" + (f" {row.get('sentiment_label')}" if pd.notna(row.get("sentiment_label")) else "")
        if "sentiment_model" in row and pd.notna(row["sentiment_model"]):
            facts["sentiment model"] = row["sentiment_model"]
    st.dataframe(
        pd.DataFrame({"": list(facts), "value": [("" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in facts.values()]}),
        hide_index=True, key="statements_detail",
    )
    st.link_button("Open the article with this statement highlighted", ui.reader_link(row["article_id"]), icon=":material/article:")


def main() -> None:
    ctx = ui.context()
    st.title("Statements")
    s = ctx.statements
    st.caption(
        f"{len(s)} of {len(ctx.all_statements)} statements match the filters. Search words in the sidebar's "
        "**Search text** (all words must appear in the statement, speaker or outlet); click a column header to sort; "
        "select a row for its details."
    )
    if s.empty:
        ui.empty("No statements match these filters.")
    else:
        ordered = s.sort_values(["statement_date", "article_id", "position"], na_position="last")
        event = ui.statements_table(ordered, key="statements_table", height=520, selectable=True)
        rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
        if rows and rows[0] < len(ordered):
            st.subheader("Selected statement")
            _details(ordered.iloc[rows[0]])

    st.subheader("Download")
    c = st.columns(3)
    c[0].download_button("Filtered statements (CSV)", lambda: frames.safe_csv(frames.statement_table(s)),
                         file_name="statements-filtered.csv", mime="text/csv", icon=":material/download:",
                         disabled=s.empty, help="The rows above, spreadsheet-safe (formula-like cells are prefixed with ').")
    c[1].download_button("All statements (CSV)", lambda: frames.safe_csv(ctx.all_statements),
                         file_name="statements.csv", mime="text/csv", icon=":material/download:")
    c[1].download_button("All statements (Parquet)", lambda: frames.parquet_bytes(ctx.all_statements),
                         file_name="statements.parquet", mime="application/octet-stream", icon=":material/download:")
    c[2].download_button("All articles (CSV)", lambda: frames.safe_csv(ctx.all_articles),
                         file_name="articles.csv", mime="text/csv", icon=":material/download:")
    c[2].download_button("All articles (Parquet)", lambda: frames.parquet_bytes(ctx.all_articles),
                         file_name="articles.parquet", mime="application/octet-stream", icon=":material/download:")
    st.caption("Columns are documented in docs/schema.md; Parquet keeps the exact types (lists, UTC datetimes).")


main()
