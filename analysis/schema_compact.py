"""A memory-lean representation of the statements frame, and filters that stay fast on a million rows.

``schema.conform`` gives list columns as Python lists (one list object and one str object per
element, per row) and every text column as Arrow-backed strings. At a million statements the lists
alone cost hundreds of MB and any ``.map(lambda ...)`` over them a second. ``compact_statements``
keeps the same values with leaner dtypes:

* ``targets`` / ``target_sides``: Arrow ``list<string>`` (values still come out as Python lists from
  ``.map``/``.tolist()``/iteration, and ``explode`` works as on lists);
* with ``categories=True`` (the default), the low-cardinality text columns (speaker, side, role,
  outlet, kind, direction, date precision, attribution, article id, cues, evidence) become pandas
  categoricals. Code that does ``col.fillna("")`` or ``text + col`` on them must first
  ``.astype("string")``; ``isin``, ``==``, ``groupby``, ``value_counts``, ``dropna`` work unchanged.

``involves`` and ``text_match`` are vectorised versions of the dashboard's actor/side and text filters
that work on both representations.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CATEGORY_COLUMNS = ("article_id", "kind", "speaker", "speaker_side", "speaker_role", "speaker_evidence", "attribution",
                    "direction", "date_precision", "date_evidence", "outlet", "cues")
LIST_COLUMNS = ("targets", "target_sides")
LIST_TYPE = pd.ArrowDtype(pa.list_(pa.string()))


def _as_arrow_list(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_list(s.dtype.pyarrow_dtype):
        return s
    values = [list(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else [] for v in s]
    return pd.Series(pd.array(values, dtype=LIST_TYPE), index=s.index, name=s.name)


def compact_statements(df: pd.DataFrame, categories: bool = True) -> pd.DataFrame:
    """The same statements with lean dtypes (see the module docstring); the input is not modified."""
    out = {}
    for col in df.columns:
        s = df[col]
        if col in LIST_COLUMNS:
            s = _as_arrow_list(s)
        elif categories and col in CATEGORY_COLUMNS and not isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("category")
        elif pd.api.types.is_string_dtype(s) and not isinstance(s.dtype, pd.CategoricalDtype) and s.dtype != "string":
            s = s.astype("string")
        out[col] = s
    return pd.DataFrame(out, index=df.index)


def frame_bytes(df: pd.DataFrame) -> int:
    """Memory of a frame, counting what ``memory_usage(deep=True)`` leaves out: the strings inside list cells."""
    total = int(df.memory_usage(deep=True, index=True).sum())
    for col in df.columns:
        s = df[col]
        if s.dtype == object and len(s):
            # Sample: the str objects inside the lists are separate allocations pandas does not count.
            sample = s.iloc[:: max(1, len(s) // 20_000)]
            import sys
            inner = sum(sys.getsizeof(x) for v in sample if isinstance(v, (list, tuple)) for x in v)
            total += int(inner * len(s) / max(1, len(sample)))
    return total


def _list_hits(s: pd.Series, wanted: set[str]) -> np.ndarray:
    """Rows whose list cell holds any of ``wanted``."""
    n = len(s)
    if isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_list(s.dtype.pyarrow_dtype):
        arr = pa.chunked_array(s.array._pa_array).combine_chunks() if hasattr(s.array, "_pa_array") else pa.array(s)
        flat = pc.list_flatten(arr)
        parents = np.asarray(pc.list_parent_indices(arr))
        hit = np.asarray(pc.is_in(flat, value_set=pa.array(sorted(wanted), type=pa.string())).fill_null(False))
        mask = np.zeros(n, dtype=bool)
        mask[parents[hit]] = True
        return mask
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.array([bool(wanted.intersection(v)) for v in s.cat.categories], dtype=bool)
        codes = s.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[codes], False)
    return np.fromiter((bool(wanted.intersection(v)) if isinstance(v, (list, tuple, np.ndarray)) else False for v in s),
                       dtype=bool, count=n)


def involves(df: pd.DataFrame, column: str, list_column: str, wanted: Iterable[str], unknown: str | None = None) -> np.ndarray:
    """Rows whose ``column`` is one of ``wanted`` or whose ``list_column`` names one of them.

    ``unknown``: the option standing for a missing value (the dashboard's "(unknown)"), which then also
    matches rows where ``column`` is null.
    """
    wanted = set(wanted)
    own = df[column].isin(wanted).fillna(False).to_numpy(dtype=bool, copy=True)
    if unknown is not None and unknown in wanted:
        own |= df[column].isna().to_numpy()
    return own | _list_hits(df[list_column], wanted)


def text_match(df: pd.DataFrame, words: Iterable[str], columns: tuple[str, ...] = ("text", "speaker", "outlet")) -> np.ndarray:
    """Rows where every word occurs (case-insensitively) in at least one of ``columns``.

    Searches each column on its own instead of concatenating them into one haystack per call; on a
    categorical column it searches the categories once.
    """
    mask = np.ones(len(df), dtype=bool)
    for word in (w.lower() for w in words):
        any_col = np.zeros(len(df), dtype=bool)
        for col in columns:
            s = df[col]
            if isinstance(s.dtype, pd.CategoricalDtype):
                cats = s.cat.categories.astype("string").str.lower().str.contains(word, regex=False).to_numpy(dtype=bool)
                codes = s.cat.codes.to_numpy()
                any_col |= np.where(codes >= 0, cats[codes], False)
            else:
                arr = pa.array(s.astype("string").array) if not hasattr(s.array, "_pa_array") else s.array._pa_array
                hit = pc.match_substring(arr, word, ignore_case=True).fill_null(False)
                any_col |= np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
        mask &= any_col
    return mask
