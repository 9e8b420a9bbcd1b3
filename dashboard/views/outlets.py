"""Outlets: who published what, how hostile the statements they carried were, and how they framed them."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, frames, state, ui


def main() -> None:
    ctx = ui.context()
    st.title("Outlets")
    st.caption("Outlets as the articles name them (never guessed; unnamed ones are grouped as “outlet unknown”). "
               "Syndicated copies and rewrites of one story share a story id and count once as a story.")
    metrics = [m for m in charts.TONE_METRICS if m in ctx.all_statements.columns]
    state.page_param("tone", "tension", parse=lambda vs: vs[-1] if vs[-1] in metrics else "tension")

    s = ctx.statements
    if s.empty:
        ui.empty("No statements match these filters.")
        return

    n_articles = ctx.articles["article_id"].nunique()
    n_stories = ctx.articles["story_id"].nunique()
    c = st.columns(3)
    c[0].metric("Outlets", int(ctx.articles["outlet"].dropna().nunique()))
    c[1].metric("Articles", int(n_articles))
    c[2].metric("Stories", int(n_stories), help="Articles telling the same story (shared quotations or near-identical text) count once.")

    st.subheader("Volume and tension by outlet")
    points = ui.chart(charts.outlet_volume(s, ctx.articles), key="outlets_volume", filename="outlet-volume",
                      caption="left: how many articles, distinct stories and statements each outlet contributes; right: the mean "
                              "tension of those statements with a 90% normal interval (wide bars = few statements).")
    ui.statements_behind(points, key="outlets_volume_selected")

    st.subheader("Distribution of statement tension per outlet")
    points = ui.chart(charts.outlet_distribution(s), key="outlets_distribution", filename="outlet-distribution",
                      caption="one dot per statement (jittered sideways), the box spans the middle half and its line is the median; "
                              "outlets are ordered from most conciliatory to most hostile median.")
    ui.statements_behind(points, key="outlets_distribution_selected")

    st.subheader("Narrative tone vs quoted tone")
    tone = st.segmented_control("Measure", metrics, key="tone", required=True) or "tension"
    points = ui.chart(charts.tone_vs_quoted(s, tone), key="outlets_tone", filename="narrative-vs-quoted",
                      caption=f"one dot per outlet: x = mean {tone} of the outlet's own narrative sentences, y = mean {tone} of the "
                              "statements it quotes or reports; above the dotted diagonal the quoted voices are harsher "
                              "than the outlet's own framing. Dot size = number of statements.")
    ui.statements_behind(points, key="outlets_tone_selected")

    st.subheader("Stories carried by more than one article")
    stories = frames.stories(ctx.articles)
    if stories.empty:
        st.info("Every article under these filters tells its own story: no syndicated copies or rewrites found.")
    else:
        st.dataframe(ui.capped(stories, "stories"), hide_index=True, key="outlets_stories", column_config={
            "story_id": st.column_config.TextColumn("story"),
            "articles": st.column_config.NumberColumn("articles"),
            "first_published": st.column_config.DateColumn("first published"),
            "titles": st.column_config.TextColumn("titles", width="large"),
        })
        st.caption("**How to read this:** each row is one story told by several articles; the volume chart's “stories” bar counts it once.")


main()
