"""Plotly figures for the dashboard: pure functions of frames, no Streamlit.

Every marker a user can select carries ``customdata`` whose first item says what
it stands for, so ``frames.statements_for_points`` can find the statements behind
a selection:

* ``["period", period_start_iso, group]``: an aggregate point of a tension series;
* ``["event", article_id, statement_id_or_empty]``: a key-event marker;
* ``["statement", statement_id]``: one statement;
* ``["outlet", outlet]``, ``["speaker", speaker]``, ``["pair", speaker, target]``.

Text from articles (names, quotes, outlets) is HTML-escaped before it reaches
hover labels or tick labels, because plotly interprets a subset of HTML there.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import theme

HEIGHT = 480
TENSION_AXIS = "Mean tension (−1 conciliatory … +1 hostile)"
UNKNOWN_OUTLET = "(outlet unknown)"


def esc(value, limit: int | None = None) -> str:
    """Text safe for plotly labels: escaped, newlines flattened, optionally shortened."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    s = " ".join(str(value).split())
    if limit and len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return html.escape(s, quote=True)


def wrap(value: str, width: int = 60, limit: int = 300) -> str:
    """Escaped text broken into hover lines (<br> is the only tag we add)."""
    s = " ".join(str(value or "").split())
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    lines, line = [], ""
    for word in s.split(" "):
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(html.escape(x) for x in lines)


def chart_config(filename: str) -> dict:
    """Plotly toolbar: PNG download at double resolution, no plotly logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["autoScale2d"],
    }


def _base_layout(fig: go.Figure, *, height: int = HEIGHT, title: str | None = None) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 30, b=10),
        # Below the plot: above it the legend collides with titles once there are many lines.
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
        hoverlabel=dict(bgcolor="white", font_size=13, align="left"),
        font=dict(size=13),
        title=dict(text=esc(title), x=0, font=dict(size=16)) if title else None,
        dragmode="select",
    )
    return fig


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=esc(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=15))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, height=240)


def period_start(values: pd.Series) -> pd.Series:
    """Period labels (Period, Timestamp or string) as naive timestamps of the period start."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.start_time
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_convert(None) if values.dt.tz is not None else values
    out = []
    for v in values:
        if isinstance(v, pd.Period):
            out.append(v.start_time)
        else:
            ts = pd.Timestamp(v)
            out.append(ts.tz_convert(None) if ts.tzinfo else ts)
    return pd.Series(out, index=values.index, dtype="datetime64[ns]")


def _marker_sizes(n: pd.Series) -> list[float]:
    return [float(7 + 4.5 * math.sqrt(max(0, int(x)))) for x in n.fillna(0)]


def tension_timeline(
    series: pd.DataFrame,
    *,
    by: str | None = "direction",
    events: pd.DataFrame | None = None,
    min_count: int = 3,
    title: str | None = None,
    label_counts: bool | None = None,
    max_visible: int = 6,
    colors: dict[str, str] | None = None,
) -> go.Figure:
    """Mean tension per period and group, sized and labelled by statement count.

    Error bars are the bootstrap interval; open markers are periods with fewer
    than ``min_count`` statements (shown, not hidden); triangles along the bottom
    are dated key events. Only the ``max_visible`` busiest lines are drawn at
    first; the others wait in the legend (click to show).
    """
    if series is None or series.empty:
        return empty_figure("No dated statements for these filters.")
    s = series.copy()
    s["x"] = period_start(s["period"])
    s["group"] = s["group"].astype("object").where(s["group"].notna(), "all statements")
    if by is None:
        s["group"] = "all statements"
    order = s.groupby("group")["n_statements"].sum().sort_values(ascending=False).index.tolist()
    if label_counts is None:
        label_counts = len(s) <= 60
    fig = go.Figure()
    for rank, group in enumerate(order):
        g = s[s["group"] == group].sort_values("x")
        low = g["low_count"].fillna(False).astype(bool)
        color = (colors or {}).get(str(group)) or theme.group_color(by, None if group == "all statements" else str(group))
        up = (g["ci_high"] - g["mean_tension"]).clip(lower=0)
        down = (g["mean_tension"] - g["ci_low"]).clip(lower=0)
        custom = np.column_stack([
            np.full(len(g), "period"),
            g["x"].dt.strftime("%Y-%m-%d"),
            np.full(len(g), str(group)),
            g["n_statements"].astype(int).astype(str),
            g["n_articles"].astype(int).astype(str),
            g["n_stories"].astype(int).astype(str),
            g["ci_low"].map(lambda v: "–" if pd.isna(v) else f"{v:+.2f}"),
            g["ci_high"].map(lambda v: "–" if pd.isna(v) else f"{v:+.2f}"),
            np.where(low, f"<br><i>low count: fewer than {min_count} statements</i>", ""),
        ])
        fig.add_trace(go.Scatter(
            x=g["x"], y=g["mean_tension"],
            mode="lines+markers+text" if label_counts else "lines+markers",
            name=esc(group),
            legendgroup=esc(group),
            visible=True if rank < max_visible else "legendonly",
            line=dict(color=color, width=2, dash=theme.group_dash(by, None if group == "all statements" else str(group))),
            marker=dict(
                color=color,
                size=_marker_sizes(g["n_statements"]),
                symbol=["circle-open" if x else "circle" for x in low],
                line=dict(color=color, width=2),
            ),
            error_y=dict(type="data", array=up.fillna(0), arrayminus=down.fillna(0), color=color, thickness=1.2, width=4),
            text=g["n_statements"].astype(int).map(lambda n: f"n={n}"),
            textposition="top center",
            textfont=dict(size=11, color=color),
            customdata=custom,
            hovertemplate=(
                "<b>%{customdata[2]}</b><br>%{x|%b %Y}<br>mean tension %{y:+.2f} "
                "(90% interval %{customdata[6]} … %{customdata[7]})<br>"
                "%{customdata[3]} statements · %{customdata[4]} articles · %{customdata[5]} stories"
                "%{customdata[8]}<extra></extra>"
            ),
        ))
    if s["low_count"].fillna(False).astype(bool).any():
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=f"open marker: fewer than {min_count} statements",
            marker=dict(symbol="circle-open", size=11, color=theme.GREY, line=dict(width=2)), hoverinfo="skip",
        ))
    _add_events(fig, events)
    fig.add_hline(y=0, line=dict(color="#BBBBBB", width=1, dash="dot"))
    fig.update_yaxes(title_text=TENSION_AXIS, range=[-1.22, 1.12], zeroline=False)
    fig.update_xaxes(title_text=None, type="date")
    return _base_layout(fig, title=title)


def _add_events(fig: go.Figure, events: pd.DataFrame | None) -> None:
    if events is None or events.empty:
        return
    ev = events.dropna(subset=["date"]).copy()
    if ev.empty:
        return
    x = pd.to_datetime(ev["date"], utc=True, errors="coerce").dt.tz_convert(None)
    ev = ev.assign(x=x).dropna(subset=["x"])
    name = "key event (dated in the articles)"
    if len(ev) > MAX_EVENT_MARKERS:
        # A large corpus dates thousands of events: the chart marks those told by the most sources (all are in
        # the events table below it).
        order = ev.sort_values(["n_sources", "x"], ascending=[False, True]) if "n_sources" in ev else ev
        ev = order.head(MAX_EVENT_MARKERS).sort_values("x")
        name = f"key event (the {MAX_EVENT_MARKERS} told by most sources)"
    labels = [
        f"<b>{esc(d.strftime('%Y-%m-%d') if p == 'day' else d.strftime('%Y-%m') if p == 'month' else d.strftime('%Y'))}</b> "
        f"{esc(lab, 80)}<br>{wrap(txt, 70, 240)}"
        for d, p, lab, txt in zip(ev["x"], ev.get("precision", pd.Series(["day"] * len(ev))), ev["label"], ev["text"])
    ]
    custom = np.column_stack([
        np.full(len(ev), "event"),
        ev["article_id"].astype("object").fillna("").astype(str),
        ev["statement_id"].astype("object").fillna("").astype(str) if "statement_id" in ev else np.full(len(ev), ""),
    ])
    fig.add_trace(go.Scatter(
        x=ev["x"], y=[-1.12] * len(ev), mode="markers", name=name,
        marker=dict(symbol="triangle-up", size=12, color=theme.GREY, line=dict(color="#444444", width=1)),
        hovertext=labels, hoverinfo="text", customdata=custom,
    ))
    # One layout update for all guide lines: add_vline re-validates every shape each time (quadratic).
    fig.update_layout(shapes=list(fig.layout.shapes) + [
        dict(type="line", xref="x", yref="paper", x0=xv, x1=xv, y0=0, y1=1, layer="below",
             line=dict(color="#D0D0D0", width=1, dash="dot")) for xv in ev["x"].drop_duplicates()])


MAX_EVENT_MARKERS = 30


def _explode_targets(statements: pd.DataFrame) -> pd.DataFrame:
    s = statements[["statement_id", "speaker", "speaker_side", "targets", "tension"]].copy()
    s = s[s["speaker"].notna()]
    s["target"] = s["targets"].map(lambda v: list(v) if v is not None and not isinstance(v, float) else [])
    s = s.explode("target")
    return s[s["target"].notna() & (s["target"] != s["speaker"])]


def speaker_target_matrix(statements: pd.DataFrame, top_speakers: int = 12, top_targets: int = 10) -> go.Figure:
    """Mean tension of what each speaker said about each target; cell text is the count."""
    pairs = _explode_targets(statements)
    if pairs.empty:
        return empty_figure("No statements with both a speaker and a target for these filters.")
    speakers = pairs["speaker"].value_counts().loc[lambda c: c > 0].head(top_speakers).index.tolist()
    targets = pairs["target"].value_counts().loc[lambda c: c > 0].head(top_targets).index.tolist()
    pairs = pairs[pairs["speaker"].isin(speakers) & pairs["target"].isin(targets)]
    agg = pairs.groupby(["speaker", "target"]).agg(mean=("tension", "mean"), n=("statement_id", "nunique")).reset_index()
    z = agg.pivot(index="speaker", columns="target", values="mean").reindex(index=speakers[::-1], columns=targets)
    n = agg.pivot(index="speaker", columns="target", values="n").reindex(index=speakers[::-1], columns=targets)
    text = [[("" if pd.isna(c) else f"{z.iat[i, j]:+.2f}<br>n={int(c)}" if not pd.isna(z.iat[i, j]) else f"n={int(c)}")
             for j, c in enumerate(row)] for i, row in enumerate(n.to_numpy())]
    custom = [[["pair", sp, tg] for tg in targets] for sp in speakers[::-1]]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=[esc(t) for t in targets], y=[esc(sp) for sp in speakers[::-1]],
        zmin=-1, zmax=1, zmid=0, colorscale=theme.TENSION_SCALE,
        text=text, texttemplate="%{text}", textfont=dict(size=11),
        customdata=custom,
        hovertemplate="<b>%{y}</b> about <b>%{x}</b><br>mean tension %{z:+.2f}<extra></extra>",
        colorbar=dict(title=dict(text="tension"), tickvals=[-1, 0, 1], ticktext=["−1 concil.", "0", "+1 hostile"]),
        xgap=2, ygap=2,
    ))
    fig.update_xaxes(title_text="target (who the statement is about)", side="bottom", tickangle=-30)
    fig.update_yaxes(title_text=None)
    return _base_layout(fig, height=max(320, 60 + 34 * len(speakers)))


def top_speakers(statements: pd.DataFrame, top: int = 15) -> go.Figure:
    """Statements per speaker, coloured by side; hover gives mean tension."""
    s = statements[statements["speaker"].notna()]
    if s.empty:
        return empty_figure("No attributed statements for these filters.")
    agg = (s.groupby("speaker", dropna=True)
             .agg(n=("statement_id", "size"), quotes=("kind", lambda k: int((k == "quote").sum())),
                  mean=("tension", "mean"), side=("speaker_side", lambda v: v.dropna().mode().iat[0] if v.notna().any() else None))
             .sort_values(["n", "mean"], ascending=[False, False]).head(top).iloc[::-1].reset_index())
    fig = go.Figure()
    for side, g in agg.groupby(agg["side"].astype("string").fillna("side unknown"), sort=False):
        fig.add_trace(go.Bar(
            x=g["n"], y=[esc(x) for x in g["speaker"]], orientation="h", name=esc(side),
            marker_color=theme.side_color(None if side == "side unknown" else side),
            customdata=np.column_stack([np.full(len(g), "speaker"), g["speaker"].astype(str),
                                        g["quotes"].astype(str), g["mean"].map(lambda v: "–" if pd.isna(v) else f"{v:+.2f}")]),
            hovertemplate="<b>%{y}</b><br>%{x} statements (%{customdata[2]} direct quotes)<br>mean tension %{customdata[3]}<extra></extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=[esc(x) for x in agg["speaker"]])
    fig.update_xaxes(title_text="statements")
    fig = _base_layout(fig, height=max(280, 60 + 26 * len(agg)))
    fig.update_layout(barmode="stack", legend=dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.02, title_text="side"))
    return fig


def _outlet_label(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), UNKNOWN_OUTLET)


def outlet_volume(statements: pd.DataFrame, articles: pd.DataFrame) -> go.Figure:
    """Articles, stories and statements per outlet (left) and mean tension with its spread (right)."""
    if statements.empty:
        return empty_figure("No statements for these filters.")
    s = statements.assign(outlet_label=_outlet_label(statements["outlet"]))
    story = articles.set_index("article_id")["story_id"] if "story_id" in articles else pd.Series(dtype="string")
    s = s.assign(story=s["article_id"].map(story).fillna(s["article_id"]))
    agg = (s.groupby("outlet_label")
             .agg(statements=("statement_id", "size"), articles=("article_id", "nunique"), stories=("story", "nunique"),
                  mean=("tension", "mean"), sd=("tension", "std"))
             .sort_values("statements").reset_index())
    agg["se"] = (agg["sd"] / np.sqrt(agg["statements"])).fillna(0)
    y = [esc(o) for o in agg["outlet_label"]]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.55, 0.45], horizontal_spacing=0.04,
                        subplot_titles=("volume", "mean tension ± 1.645 SE"))
    custom = np.column_stack([np.full(len(agg), "outlet"), agg["outlet_label"].astype(str)])
    for col, color, name in (("articles", theme.SKY_BLUE, "articles"), ("stories", theme.BLUISH_GREEN, "stories (syndicated copies once)"),
                             ("statements", theme.BLUE, "statements")):
        fig.add_trace(go.Bar(x=agg[col], y=y, orientation="h", name=name, marker_color=color, customdata=custom,
                             hovertemplate="<b>%{y}</b><br>%{x} " + col + "<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=agg["mean"], y=y, mode="markers", name="mean tension",
        marker=dict(size=11, color=[theme.HOSTILE if m > 0 else theme.CONCILIATORY for m in agg["mean"].fillna(0)]),
        error_x=dict(type="data", array=(1.645 * agg["se"]).tolist(), color="#777777"),
        customdata=custom, hovertemplate="<b>%{y}</b><br>mean tension %{x:+.2f}<extra></extra>",
    ), row=1, col=2)
    fig.update_layout(barmode="group")
    fig.update_xaxes(range=[-1.05, 1.05], row=1, col=2, zeroline=True, zerolinecolor="#BBBBBB")
    return _base_layout(fig, height=max(320, 80 + 48 * len(agg)))


def outlet_distribution(statements: pd.DataFrame) -> go.Figure:
    """Each statement's tension per outlet: box for the spread, one dot per statement."""
    s = statements[statements["tension"].notna()]
    if s.empty:
        return empty_figure("No scored statements for these filters.")
    s = s.assign(outlet_label=_outlet_label(s["outlet"]))
    order = s.groupby("outlet_label")["tension"].median().sort_values().index.tolist()
    fig = go.Figure()
    summarised = False
    for outlet in order:
        g = s[s["outlet_label"] == outlet]
        if len(g) > POINTS_PER_BOX:
            # Tens of thousands of dots tell nothing more than the box and would stall the browser: the box is
            # drawn from its quartiles, computed here, without the dots.
            summarised = True
            y = g["tension"].to_numpy(dtype=float)
            q1, med, q3 = np.percentile(y, [25, 50, 75])
            lo = y[y >= q1 - 1.5 * (q3 - q1)].min()
            hi = y[y <= q3 + 1.5 * (q3 - q1)].max()
            fig.add_trace(go.Box(
                q1=[q1], median=[med], q3=[q3], lowerfence=[lo], upperfence=[hi], mean=[float(y.mean())],
                x=[esc(outlet)], name=esc(outlet), line=dict(color="#555555", width=1.2),
                fillcolor="rgba(86,180,233,0.15)", showlegend=False,
                hovertemplate=f"<b>{esc(outlet)}</b><br>{len(g):,} statements (box only; too many to draw one by one)<extra></extra>",
            ))
            continue
        fig.add_trace(go.Box(
            y=g["tension"], name=esc(outlet), boxpoints="all", jitter=0.45, pointpos=0,
            marker=dict(size=7, color=theme.BLUE, opacity=0.75), line=dict(color="#555555", width=1.2),
            fillcolor="rgba(86,180,233,0.15)",
            customdata=np.column_stack([np.full(len(g), "statement"), g["statement_id"].astype(str),
                                        [esc(v, 40) for v in g["speaker"]], [wrap(v, 60, 220) for v in g["text"]]]),
            hovertemplate="<b>%{customdata[2]}</b> · tension %{y:+.2f}<br>%{customdata[3]}<extra></extra>",
            showlegend=False,
        ))
    fig.add_hline(y=0, line=dict(color="#BBBBBB", width=1, dash="dot"))
    fig.update_yaxes(title_text="tension per statement", range=[-1.1, 1.1])
    if summarised:
        fig.update_layout(title=dict(text=f"Outlets with more than {POINTS_PER_BOX:,} statements: box only, no dots",
                                     font=dict(size=12)))
    return _base_layout(fig)


POINTS_PER_BOX = 1_500


TONE_METRICS = {
    "tension": "tension (−1 conciliatory … +1 hostile)",
    "polarity": "TextBlob polarity (−1 negative … +1 positive)",
    "sentiment": "sentiment model (−1 negative … +1 positive)",
}


def tone_by_outlet(statements: pd.DataFrame, metric: str = "tension") -> pd.DataFrame:
    """Per outlet: mean ``metric`` of its own narrative sentences vs of the statements it quotes or reports."""
    cols = ["outlet", "narrative", "quoted", "n_narrative", "n_quoted"]
    if statements.empty or metric not in statements:
        return pd.DataFrame(columns=cols)
    s = statements[statements[metric].notna()].assign(outlet=lambda d: _outlet_label(d["outlet"]))
    s = s.assign(voice=np.where(s["kind"] == "narrative", "narrative", "quoted"))
    agg = s.pivot_table(index="outlet", columns="voice", values=metric, aggfunc=["mean", "size"])
    out = pd.DataFrame(index=agg.index)
    for voice in ("narrative", "quoted"):
        out[voice] = agg[("mean", voice)] if ("mean", voice) in agg else np.nan
        out[f"n_{voice}"] = agg[("size", voice)].fillna(0).astype(int) if ("size", voice) in agg else 0
    return out.reset_index()[cols]


def tone_vs_quoted(statements: pd.DataFrame, metric: str = "tension") -> go.Figure:
    """One dot per outlet: its narrative tone (x) against the tone of whom it quotes (y)."""
    t = tone_by_outlet(statements, metric).dropna(subset=["narrative", "quoted"])
    if t.empty:
        return empty_figure("No outlet has both narrative sentences and quoted statements for these filters.")
    n = t["n_narrative"] + t["n_quoted"]
    fig = go.Figure(go.Scatter(
        x=t["narrative"], y=t["quoted"], mode="markers+text", text=[esc(o, 30) for o in t["outlet"]],
        textposition="top center", name="outlet",
        marker=dict(size=[10 + 3 * math.sqrt(v) for v in n], color=theme.BLUE, opacity=0.8, line=dict(color="white", width=1)),
        customdata=np.column_stack([np.full(len(t), "outlet"), t["outlet"].astype(str), t["n_narrative"].astype(str), t["n_quoted"].astype(str)]),
        hovertemplate="<b>%{text}</b><br>narrative %{x:+.2f} (%{customdata[2]} sentences)<br>"
                      "quoted %{y:+.2f} (%{customdata[3]} statements)<extra></extra>",
    ))
    fig.add_shape(type="line", x0=-1, y0=-1, x1=1, y1=1, line=dict(color="#BBBBBB", dash="dot"))
    label = TONE_METRICS.get(metric, metric)
    fig.update_xaxes(title_text=f"outlet's own narrative: {label}", range=[-1.05, 1.05], zeroline=True, zerolinecolor="#DDDDDD")
    fig.update_yaxes(title_text=f"quoted / reported: {label}", range=[-1.05, 1.05], zeroline=True, zerolinecolor="#DDDDDD")
    return _base_layout(fig)


def figure_png(fig: go.Figure, width: int = 1200, height: int | None = None) -> bytes:
    """Server-side PNG through kaleido (needs Chromium; the caller reports failures)."""
    return fig.to_image(format="png", width=width, height=height or fig.layout.height or HEIGHT, scale=2)
