"""Actors: who drove the tension, about whom, and in which words."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, engine, state, theme, ui

FREQS = {"M": "month", "Q": "quarter", "Y": "year"}


def _list_param(vs: list[str]) -> list[str]:
    return list(dict.fromkeys(vs))


def main() -> None:
    ctx = ui.context()
    st.title("Actors")
    st.caption("Who said what about whom. Speakers are people or institutions the text names; targets are the actors a statement is about.")

    all_speakers = ctx.all_statements["speaker"].dropna().value_counts().loc[lambda c: c > 0]  # categoricals list unused values too
    default_pick = all_speakers.head(3).index.tolist()
    state.page_param("pick", default_pick, parse=_list_param)
    state.page_param("card", "", parse=lambda vs: vs[-1])
    state.page_param("afreq", "M", parse=lambda vs: vs[-1] if vs[-1] in FREQS else "M")

    s = ctx.statements
    speakers = s["speaker"].dropna().value_counts().loc[lambda c: c > 0]
    if speakers.empty:
        ui.empty("No attributed statements match these filters.")
        return
    options = speakers.index.tolist()
    ss = st.session_state
    ss["pick"] = [p for p in ss.get("pick", []) if p in options]
    c1, c2 = st.columns([4, 1])
    picked = c1.multiselect("Actors to compare", options, key="pick", placeholder="Pick speakers",
                            help="Speakers with statements under the current filters, most active first.")
    freq = c2.selectbox("Period", list(FREQS), key="afreq", format_func=FREQS.get)

    # --- each actor's tension over time -----------------------------------------
    st.subheader("Tension of each actor's statements over time")
    if not picked:
        st.info("Pick one or more actors above to draw their lines.")
    else:
        mine = s[s["speaker"].isin(picked)]
        try:
            series, _, excluded = ui.tension_series(mine, ctx.articles, ui.series_key(ctx, "actors", freq, tuple(sorted(picked))),
                                          freq=freq, by="speaker", basis=ctx.filters.basis)
        except engine.EngineMissing as exc:
            ui.engine_missing(exc)
            series = None
        if series is not None:
            if series.empty:
                ui.empty("These actors have no dated statements under these filters.")
            else:
                fig = charts.tension_timeline(series, by="speaker", colors=theme.actor_colors(all_speakers.index))
                points = ui.chart(fig, key="actors_timeline", filename="actor-tension",
                                  caption="one line per actor: the mean tension of their statements per period (higher = more hostile), "
                                          "dot size and label = number of statements, bars = 90% interval, open dots = too few statements.")
                ui.excluded_note(excluded)
                ui.statements_behind(points, by="speaker", freq=freq, key="actors_timeline_selected")

    # --- who about whom ----------------------------------------------------------------
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Speaker × target")
        fig = charts.speaker_target_matrix(s)
        points = ui.chart(fig, key="actors_matrix", filename="speaker-target-matrix",
                          caption="each cell is the mean tension of what the row's speaker said about the column's target "
                                  "(red = hostile, blue = conciliatory) and how many statements that is; empty = never.")
        ui.statements_behind(points, key="actors_matrix_selected")
    with right:
        st.subheader("Top speakers")
        fig = charts.top_speakers(s)
        points = ui.chart(fig, key="actors_top", filename="top-speakers",
                          caption="bar length = statements by that speaker under the filters, colour = the side they speak for; "
                                  "hover for direct quotes and mean tension.")
        ui.statements_behind(points, key="actors_top_selected")

    # --- actor card ------------------------------------------------------------------------
    st.subheader("Actor card")
    card_options = list(dict.fromkeys(picked + options))
    if ss.get("card") not in card_options:
        ss["card"] = card_options[0]
    state.page_param("card", card_options[0])  # the first actor is the default: leave it out of the URL
    who = st.selectbox("Actor", card_options, key="card")
    mine = s[s["speaker"] == who]
    sides = mine["speaker_side"].dropna().value_counts().loc[lambda c: c > 0]
    roles = mine["speaker_role"].dropna().value_counts().loc[lambda c: c > 0]
    quotes = mine[mine["kind"] == "quote"]
    dates = mine["statement_date"].dropna()
    targets = pd.Series([t for v in mine["targets"] for t in (list(v) if v is not None else [])], dtype="object")
    st.markdown(
        f"### {ui.safe(who)}\n"
        f"{ui.safe(roles.index[0]) if len(roles) else 'role unknown'} · "
        f"speaks for **{ui.safe(sides.index[0]) if len(sides) else 'unknown side'}**"
    )
    m = st.columns(5)
    m[0].metric("Statements", len(mine))
    m[1].metric("Direct quotes", len(quotes))
    m[2].metric("Mean tension", f"{mine['tension'].mean():+.2f}" if mine["tension"].notna().any() else "–")
    m[3].metric("First statement", f"{dates.min():%Y-%m-%d}" if len(dates) else "undated")
    m[4].metric("Latest statement", f"{dates.max():%Y-%m-%d}" if len(dates) else "undated")
    if len(targets):
        top = targets.value_counts().head(6)
        st.caption("Talks most about: " + ", ".join(f"{ui.safe(t)} ({n})" for t, n in top.items()))
    ordered = pd.concat([quotes, mine[mine["kind"] != "quote"]]).sort_values("statement_date", na_position="last")
    ui.statements_table(ordered, key="actors_card_table", height=min(460, 38 + 35 * len(ordered)))


main()
