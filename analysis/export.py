"""Frames as CSV that a spreadsheet opens as data, never as formulas.

Article text is untrusted: a scraped sentence such as ``=HYPERLINK("http://evil", "click")`` or
``@SUM(1+1)*cmd|'/c calc'!A0`` would run as a formula when an analyst opens the CSV in Excel or
LibreOffice (CSV/formula injection). Every string cell that a spreadsheet could read as a formula
gets a leading apostrophe, which spreadsheets show as text and hide; list and dict cells (targets,
target_sides) are written as JSON, which starts with ``[`` or ``{`` and so is inert. Numbers, dates
and booleans are left as they are (a negative tension stays a number).
"""
from __future__ import annotations

import json

import pandas as pd

# What a spreadsheet reads as the start of a formula (OWASP list: = + - @ tab CR), plus line feed and the
# full-width forms some spreadsheets normalise to the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


# RFC 4180 line ends. With pandas' default "\n" a cell holding a bare CR is written unquoted, and a spreadsheet
# starts a new row there: "text\r=cmd()" would put an unescaped formula at the start of a row of its own.
# With "\r\n" both characters are line-end characters, so any cell holding either is quoted.
CSV_LINE_END = "\r\n"


def neutralise(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _json_default(value):
    if hasattr(value, "tolist"):  # numpy arrays and scalars (Parquet gives list columns back as arrays)
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _cell(value):
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, (list, tuple, dict, set)) or (hasattr(value, "tolist") and getattr(value, "ndim", 0) > 0):
        if isinstance(value, set):
            value = sorted(value, key=str)
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return value


def safe_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text and list cells are safe to open in a spreadsheet.

    String cells starting with ``= + - @``, tab or CR (or LF, or a full-width ``＝ ＋ － ＠``) get a leading
    apostrophe; list/tuple/dict/array cells become JSON text. Numeric, datetime and boolean columns are
    unchanged. Column names are neutralised too (a header row is a row of cells).
    """
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_bool_dtype(s):
            out[col] = s
            continue
        # object or string dtype: strings, lists, None; map cell by cell and keep nulls as nulls
        out[col] = s.astype(object).map(lambda v: v if _is_null(v) else _cell(v))
    frame = pd.DataFrame(out, index=df.index)
    frame.columns = [neutralise(str(c)) for c in df.columns]
    return frame


def _is_null(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and v != v


def to_safe_csv_bytes(df: pd.DataFrame, *, excel_bom: bool = True) -> bytes:
    """``safe_csv_frame(df)`` as CSV bytes: UTF-8, with a byte-order mark by default so Excel shows
    Armenian and Cyrillic text correctly (pandas and Python's csv module read it either way)."""
    text = safe_csv_frame(df).to_csv(index=False, lineterminator=CSV_LINE_END)
    return text.encode("utf-8-sig" if excel_bom else "utf-8")
