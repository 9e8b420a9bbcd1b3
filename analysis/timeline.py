"""The dated events the articles report, for the dashboard's event markers."""
from __future__ import annotations

import re

import pandas as pd

_EVENT_KINDS = ("narrative", "reported", "quote")


def key_events(statements: pd.DataFrame, articles: pd.DataFrame | None = None, max_label: int = 90) -> pd.DataFrame:
    """Statements dated by their own text (day or month precision), one row per (date, speaker, gist).

    Columns: date, precision, label, text, article_id, statement_id, n_sources.
    """
    cols = ["date", "precision", "label", "text", "article_id", "statement_id", "n_sources"]
    if statements is None or len(statements) == 0:
        return pd.DataFrame(columns=cols)
    s = statements[statements["date_precision"].isin(["day", "month"]) & ~statements["in_caption"]
                   & statements["kind"].isin(_EVENT_KINDS) & statements["statement_date"].notna()]
    if s.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (date, prec), g in s.groupby(["statement_date", "date_precision"], sort=True):
        # one event per speaker (or per narration) and date; the first telling labels it
        for who, gg in g.groupby(g["speaker"].astype("string").fillna(""), sort=False):  # may be categorical
            first = gg.iloc[0]
            text = re.sub(r"\s+", " ", str(first["text"])).strip()
            label = (f"{who}: " if who else "") + (text if len(text) <= max_label else text[: max_label - 1] + "…")
            rows.append({"date": date, "precision": prec, "label": label, "text": text,
                         "article_id": first["article_id"], "statement_id": first["statement_id"],
                         "n_sources": gg["article_id"].nunique()})
    return pd.DataFrame(rows, columns=cols).sort_values("date").reset_index(drop=True)
