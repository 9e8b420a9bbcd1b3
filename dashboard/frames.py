"""Pure frame helpers the views share: tables for display, selections, downloads."""
from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable

import pandas as pd

from .state import BASIS_COLUMN

BY_COLUMN = {"direction": "direction", "speaker": "speaker", "speaker_side": "speaker_side", "outlet": "outlet", None: None}
PERIOD_FREQ = {"M": "M", "Q": "Q", "Y": "Y", "W": "W"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- downloads ------------------------------------------------------------

def neutralise_cell(value):
    """A spreadsheet must not execute a cell: text starting with = + - @ (or tab/CR) gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") and not isinstance(v, str) else v)
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV for spreadsheets: lists joined with '; ', formula-like cells neutralised, UTF-8 with BOM for Excel."""
    from analysis.export import to_safe_csv_bytes

    # one implementation of the neutralising for the app and the CLI (CRLF rows: a carriage return inside a
    # cell cannot start a new spreadsheet row and escape the apostrophe)
    return to_safe_csv_bytes(_flatten(frame))


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


# --- cues -----------------------------------------------------------------

def cues_list(cues) -> list[dict]:
    if cues is None or (isinstance(cues, float) and cues != cues):
        return []
    if isinstance(cues, str):
        try:
            cues = json.loads(cues)
        except ValueError:
            return []
    return [c for c in cues if isinstance(c, dict)] if isinstance(cues, list) else []


def cues_text(cues) -> str:
    """'threat: cannot rule out (+0.70, hedged); dialogue: consultations (−0.40)'."""
    parts = []
    for c in cues_list(cues):
        weight = c.get("weight")
        w = f"{weight:+.2f}".replace("-", "−") if isinstance(weight, (int, float)) else ""
        mod = c.get("modifier")
        detail = ", ".join(x for x in (w, str(mod) if mod else "") if x)
        parts.append(f"{c.get('class', '?')}: {c.get('cue', '')}" + (f" ({detail})" if detail else ""))
    return "; ".join(parts)


# --- display tables -------------------------------------------------------

def statement_table(statements: pd.DataFrame, link: Callable[[str], str] | None = None) -> pd.DataFrame:
    """The statements as the Statements page shows them (one row each, readable columns)."""
    s = statements
    table = pd.DataFrame({
        "date": s["statement_date"].dt.tz_convert(None).dt.date,
        "precision": s["date_precision"],
        "speaker": s["speaker"],
        "side": s["speaker_side"],
        "direction": s["direction"],
        "kind": s["kind"],
        "statement": s["quote"].where(s["quote"].notna() & (s["kind"] == "quote"), s["text"]).map(lambda t: " ".join(str(t).split())),
        "tension": s["tension"],
        "cues": s["cues"].map(cues_text),
        "polarity": s["polarity"],
    })
    if "sentiment" in s:
        table["sentiment"] = s["sentiment"]
    if "sentiment_label" in s:
        table["sentiment label"] = s["sentiment_label"]
    table["targets"] = s["targets"].map(lambda v: ", ".join(v) if v is not None and not isinstance(v, float) else "")
    table["outlet"] = s["outlet"]
    table["published"] = s["published"].dt.tz_convert(None).dt.date
    table["article"] = s["article_id"].map(link) if link else s["article_id"]
    table["statement_id"] = s["statement_id"]
    return table.reset_index(drop=True)


def headline(articles: pd.DataFrame, statements: pd.DataFrame) -> dict:
    """The Overview's headline figures."""
    dates = statements["statement_date"].dropna() if len(statements) else pd.Series(dtype="datetime64[ns, UTC]")
    published = articles["published"].dropna() if len(articles) else pd.Series(dtype="datetime64[ns, UTC]")
    quotes = statements[(statements["kind"] == "quote") & statements["speaker"].notna()] if len(statements) else statements
    return {
        "articles": int(articles["article_id"].nunique()) if len(articles) else 0,
        "outlets": int(articles["outlet"].dropna().nunique()) if len(articles) else 0,
        "statements": int(len(statements)),
        "attributed_quotes": int(len(quotes)),
        "first_date": dates.min() if len(dates) else None,
        "last_date": dates.max() if len(dates) else None,
        "latest_published": published.max() if len(published) else None,
    }


def stories(articles: pd.DataFrame) -> pd.DataFrame:
    """Stories told by more than one article (syndicated copies or rewrites), one row per story."""
    cols = ["story_id", "articles", "outlets", "first_published", "titles", "sources"]
    if articles.empty:
        return pd.DataFrame(columns=cols)
    a = articles[articles.duplicated("story_id", keep=False)]  # only stories of several articles are listed
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(outlet_label=a["outlet"].astype("string").fillna("(outlet unknown)"))
    g = a.groupby("story_id")
    out = pd.DataFrame({
        "articles": g["article_id"].nunique(),
        "outlets": g["outlet_label"].agg(lambda v: ", ".join(sorted(set(v)))),
        "first_published": g["published"].min().dt.tz_convert(None).dt.date,
        "titles": g["title"].agg(lambda v: " | ".join(sorted({str(x) for x in v.dropna()}))),
        "sources": g["source"].agg(lambda v: ", ".join(sorted(v))),
    }).reset_index()
    return out[out["articles"] > 1].sort_values(["articles", "first_published"], ascending=[False, True])[cols].reset_index(drop=True)


def unknowns(articles: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """What the corpus does not say: counts of missing outlets, dates, speakers, directions."""
    rows = [
        ("articles without an outlet", int(articles["outlet"].isna().sum()), len(articles)),
        ("articles without a publication date", int(articles["published"].isna().sum()), len(articles)),
        ("articles without any reference date", int((articles["reference_precision"] == "unknown").sum()), len(articles)),
        ("statements without a speaker", int(statements["speaker"].isna().sum()), len(statements)),
        ("statements without a direction", int(statements["direction"].isna().sum()), len(statements)),
        ("statements without a statement date", int(statements["statement_date"].isna().sum()), len(statements)),
        ("statements dated only by the article's date", int((statements["date_precision"] == "published").sum()), len(statements)),
        ("statements without a tension score", int(statements["tension"].isna().sum()), len(statements)),
    ]
    out = pd.DataFrame(rows, columns=["what", "count", "of"])
    out["share"] = (out["count"] / out["of"].where(out["of"] > 0)).fillna(0.0)
    return out


def parse_blocks(blocks) -> list[tuple[int, int, str]]:
    if blocks is None or (isinstance(blocks, float) and blocks != blocks):
        return []
    try:
        raw = json.loads(blocks) if isinstance(blocks, str) else blocks
    except ValueError:
        return []
    out = []
    for b in raw or []:
        try:
            out.append((int(b[0]), int(b[1]), str(b[2])))
        except (TypeError, ValueError, IndexError):
            continue
    return out


# --- selections -----------------------------------------------------------

def _period_bounds(start_iso: str, freq: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    p = pd.Period(pd.Timestamp(start_iso), freq=PERIOD_FREQ.get(freq, "M"))
    return p.start_time.tz_localize("UTC"), (p.end_time + pd.Timedelta(1, "ns")).tz_localize("UTC")


def statements_for_points(
    statements: pd.DataFrame,
    points: Iterable[dict],
    *,
    by: str | None = "direction",
    basis: str = "statement",
    freq: str = "M",
) -> pd.DataFrame:
    """The statements behind selected chart points (see charts.py for the customdata conventions)."""
    if statements.empty:
        return statements
    keep = pd.Series(False, index=statements.index)
    date_col = BASIS_COLUMN.get(basis, "statement_date")
    group_col = BY_COLUMN.get(by)
    for point in points or []:
        cd = point.get("customdata") if isinstance(point, dict) else None
        if not cd:
            continue
        tag = cd[0]
        if tag == "period" and len(cd) >= 3:
            lo, hi = _period_bounds(cd[1], freq)
            dates = statements[date_col]
            m = dates.notna() & (dates >= lo) & (dates < hi)
            if group_col and cd[2] != "all statements":
                m &= statements[group_col] == cd[2]
            keep |= m.fillna(False).astype(bool)
        elif tag == "statement" and len(cd) >= 2:
            keep |= statements["statement_id"] == cd[1]
        elif tag == "event" and len(cd) >= 3:
            if cd[2]:
                keep |= statements["statement_id"] == cd[2]
            elif cd[1]:
                keep |= statements["article_id"] == cd[1]
        elif tag == "outlet" and len(cd) >= 2:
            keep |= statements["outlet"].isna() if cd[1].startswith("(outlet unknown") else (statements["outlet"] == cd[1]).fillna(False)
        elif tag == "speaker" and len(cd) >= 2:
            keep |= (statements["speaker"] == cd[1]).fillna(False)
        elif tag == "pair" and len(cd) >= 3:
            keep |= ((statements["speaker"] == cd[1]).fillna(False)
                     & statements["targets"].map(lambda v, t=cd[2]: t in list(v) if v is not None and not isinstance(v, float) else False))
    return statements[keep.astype(bool).to_numpy()]
