"""Overview: did tension rise, in which direction, and around which events."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, engine, frames, state, ui

FREQS = {"M": "month", "Q": "quarter", "Y": "year"}
GROUPS = {"direction": "direction", "speaker_side": "speaker's side", "outlet": "outlet", "all": "all statements"}


def main() -> None:
    ctx = ui.context()
    f = ctx.filters
    state.page_param("freq", "M", parse=lambda vs: vs[-1] if vs[-1] in FREQS else "M")
    state.page_param("by", "direction", parse=lambda vs: vs[-1] if vs[-1] in GROUPS else "direction")
    state.page_param("merge", True, parse=lambda vs: vs[-1] != "0", serialize=lambda v: [] if v else ["0"])

    st.title("Armenia–Russia rift: tension over time")
    st.caption(
        "Each statement in the news corpus is scored from −1 (conciliatory) to +1 (hostile) by cue words grounded in an "
        "event scale; the index is the mean per period. See **Method and data quality** for how and how well."
    )

    # --- headline figures --------------------------------------------------------
    h = frames.headline(ctx.articles, ctx.statements)
    total = frames.headline(ctx.all_articles, ctx.all_statements)
    cols = st.columns([1, 1, 1, 1, 2.2])
    cols[0].metric("Articles", h["articles"], help=f"{total['articles']} in the corpus")
    cols[1].metric("Outlets", h["outlets"], help="Outlets named in the text or a sidecar; never guessed.")
    cols[2].metric("Statements", h["statements"], help=f"{total['statements']} in the corpus before filters")
    cols[3].metric("Quotes", h["attributed_quotes"], help="Attributed quotes: direct quotations with a known speaker.")
    span = (f"{h['first_date']:%Y-%m-%d} → {h['last_date']:%Y-%m-%d}" if h["first_date"] is not None else "no dated statements")
    fresh = f"{total['latest_published']:%Y-%m-%d}" if total["latest_published"] is not None else "unknown"
    built = f"{ctx.corpus.built_at:%Y-%m-%d %H:%M} UTC" if ctx.corpus.built_at is not None else "unknown"
    with cols[4].container(border=True):
        st.markdown(
            f"**Statement dates** {span}  \n"
            f"**Latest article** {fresh}  \n"
            f"**Frames built** {built}",
            help="Date span of the statements after filters; data freshness = the latest publication date in the corpus.",
        )

    if ctx.statements.empty:
        ui.empty("No statements match these filters.")
        return

    # --- controls (in the URL) -----------------------------------------------------
    c1, c2, c3 = st.columns([1, 2.2, 1.3], vertical_alignment="bottom")
    freq = c1.selectbox("Period", list(FREQS), key="freq", format_func=FREQS.get)
    by_choice = c2.segmented_control("Lines by", list(GROUPS), key="by", format_func=GROUPS.get, required=True) or "direction"
    by = None if by_choice == "all" else by_choice
    merge = c3.toggle("Russia and the CSTO as one side", key="merge", disabled=by != "direction",
                      help="Armenia→Russia and Armenia→CSTO become one line, Armenia→Russia/CSTO (and back).")

    basis_label = "statement dates" if f.basis == "statement" else "publication dates"
    try:
        series, rising, excluded = ui.tension_series(ctx.statements, ctx.articles, ui.series_key(ctx, freq, by, f.basis, merge),
                                                     freq=freq, by=by, basis=f.basis, merge=merge)
        drawn = ui.merged_directions(ctx.statements) if merge and by == "direction" else ctx.statements
    except engine.EngineMissing as exc:
        ui.engine_missing(exc)
        return

    try:
        events = ui.events_for(ctx.statements, ctx.articles, ui.series_key(ctx, "events"))
    except engine.EngineMissing:
        events = pd.DataFrame(columns=["date", "precision", "label", "text", "article_id", "statement_id"])

    # --- rising callout ------------------------------------------------------------
    if rising is not None and len(rising) and "rising" in rising:
        for _, r in rising[rising["rising"].fillna(False).astype(bool)].iterrows():
            group = r["group"] if pd.notna(r["group"]) else "all statements"
            st.warning(f"**Tension rising: {ui.safe(group)}.** {ui.safe(r.get('reason', ''))}", icon=":material/trending_up:")

    # --- the index -------------------------------------------------------------------
    if series.empty:
        ui.empty(f"No statements with {basis_label} for these filters.")
    else:
        fig = charts.tension_timeline(series, by=by, events=events, title=f"Tension index per {FREQS[freq]}, on {basis_label}")
        points = ui.chart(
            fig, key="overview_timeline", filename="tension-index",
            caption=f"each dot is the mean tension of one {FREQS[freq]}'s statements for one line (higher = more hostile); "
                    "its size and label give the number of statements, the bar its 90% bootstrap interval, an open dot "
                    "a period with too few statements to trust; grey triangles are dated events the articles report.",
        )
        ui.excluded_note(excluded)
        ui.statements_behind(points, by=by, freq=freq, key="overview_selected", statements=drawn)

    # --- key events --------------------------------------------------------------------
    st.subheader("Key events the articles report")
    if events.empty:
        st.info("The articles behind these filters report no dated events.")
    else:
        ev = ui.capped(events, "key events").copy()
        ev["date"] = pd.to_datetime(ev["date"], utc=True, errors="coerce").dt.tz_convert(None).dt.date
        ev["article"] = ev["article_id"].map(ui.reader_link)
        st.dataframe(
            ev[["date", "precision", "label", "text", "article"]].sort_values("date"),
            hide_index=True,
            column_config={
                "date": st.column_config.DateColumn("date"),
                "precision": st.column_config.TextColumn("precision", help="How exactly the article dates the event."),
                "label": st.column_config.TextColumn("event"),
                "text": st.column_config.TextColumn("as reported", width="large"),
                "article": st.column_config.LinkColumn("article", display_text="open in reader"),
            },
            key="overview_events",
        )


main()
