"""The tension index over time, by direction, speaker, side or outlet, and a "rising" flag.

``tension_over_time`` bins statements by period (statement dates by default) and
group, and reports per bin the mean tension, how many statements, articles and
distinct stories (syndicated copies of one story count once) it rests on, and a
bootstrap interval of the mean. Bins with few statements are marked, not hidden.

``rising_flag`` compares the latest period with the mean of the previous ones, in the
way ACLED's Conflict Trendfinder flags changes: named thresholds and a low-count guard.
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from .tension import ARROW

BY_COLUMNS = (None, "direction", "speaker", "speaker_side", "outlet")

# rising_flag thresholds (ACLED Trendfinder style: the latest period against the mean
# of the previous periods, flagged only when the change is large in both senses).
RATIO_THRESHOLD = 0.25   # change of at least 25 % of the baseline's magnitude
ABS_THRESHOLD = 0.15     # and at least 0.15 on the [-1, 1] tension scale
MIN_COUNT = 3            # the latest period must rest on at least this many statements
MIN_HISTORY = 2          # and there must be at least this many earlier periods

# Bootstrap cost control: bins larger than BOOTSTRAP_MAX_N, and bins beyond a total of
# BOOTSTRAP_BUDGET resampled values (largest bins first), use the normal limit of the
# bootstrap distribution of the mean (plug-in s.d. / sqrt(n)); at such sizes the two agree.
BOOTSTRAP_MAX_N = 500
BOOTSTRAP_BUDGET = 5_000_000
_CHUNK = 2_000_000  # resampled values drawn per numpy call

# Sides merged by direction_groups: the Russia-led bloc is read as one counterpart.
RUSSIA_CSTO = {"Russia": "Russia/CSTO", "CSTO": "Russia/CSTO"}

_FREQS = {
    "D": "D", "day": "D",
    "W": "W", "W-MON": "W", "week": "W",
    "M": "M", "MS": "M", "ME": "M", "month": "M",
    "Q": "Q", "QS": "Q", "QE": "Q", "quarter": "Q",
    "Y": "Y", "YS": "Y", "YE": "Y", "A": "Y", "AS": "Y", "year": "Y",
}
# How coarse a date may be and still sit in a bin: 0 day, 1 month, 2 year.
_BIN_RANK = {"D": 0, "W": 0, "M": 1, "Q": 1, "Y": 2}
_PRECISION_RANK = {"second": 0, "day": 0, "published": 0, "month": 1, "year": 2}

RESULT_COLUMNS = ("period", "group", "mean_tension", "n_statements", "n_articles", "n_stories",
                  "ci_low", "ci_high", "low_count")


def _utc_ns(s: pd.Series) -> np.ndarray:
    s = pd.to_datetime(s, utc=True, errors="coerce")
    return s.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))


def _period_index(dates: np.ndarray, freq: str) -> np.ndarray:
    """Integer period number since the epoch (1970-01-01, a Thursday), via a lookup table
    over the days spanned (numpy's calendar conversion of every row is ten times slower)."""
    days = dates.view("int64") // 86_400_000_000_000
    if freq == "D":
        return days
    if freq == "W":  # weeks start on Monday; 1970-01-05 was one
        return (days - 4) // 7
    if not len(days):
        return days
    first = int(days.min())
    span = np.arange(first, int(days.max()) + 1).astype("datetime64[D]")
    unit = "datetime64[Y]" if freq == "Y" else "datetime64[M]"
    table = span.astype(unit).astype("int64")
    if freq == "Q":
        table = table // 3
    return table[days - first]


def _period_start(index: np.ndarray, freq: str) -> pd.DatetimeIndex:
    if freq == "D":
        starts = index.astype("datetime64[D]")
    elif freq == "W":
        starts = (index * 7 + 4).astype("datetime64[D]")
    elif freq == "M":
        starts = index.astype("datetime64[M]")
    elif freq == "Q":
        starts = (index * 3).astype("datetime64[M]")
    else:
        starts = index.astype("datetime64[Y]")
    return pd.DatetimeIndex(starts.astype("datetime64[ns]")).tz_localize("UTC")


def _bootstrap(values: np.ndarray, key: np.ndarray, counts: np.ndarray, exact: np.ndarray,
               n_boot: int, ci: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the mean for the bins flagged ``exact``
    (vectorised over bins of equal size); NaN elsewhere."""
    low = np.full(len(counts), np.nan)
    high = np.full(len(counts), np.nan)
    if not exact.any() or n_boot <= 0:
        return low, high
    take = exact[key]
    vals, keys = values[take], key[take]
    order = np.argsort(keys, kind="stable")
    vals, keys = vals[order], keys[order]
    starts = np.searchsorted(keys, np.flatnonzero(exact))
    bins = np.flatnonzero(exact)
    q = [(1 - ci) / 2, 1 - (1 - ci) / 2]
    sizes = counts[bins]
    for size in np.unique(sizes):
        same = bins[sizes == size]
        first = starts[sizes == size]
        per_chunk = max(1, _CHUNK // (n_boot * int(size)))
        for c in range(0, len(same), per_chunk):
            b, f = same[c:c + per_chunk], first[c:c + per_chunk]
            draws = rng.integers(0, size, size=(len(b), n_boot, int(size)))
            means = vals[f[:, None, None] + draws].mean(axis=2)
            lo, hi = np.quantile(means, q, axis=1)
            low[b], high[b] = lo, hi
    return low, high


def _story_of_article(statements: pd.DataFrame, articles: pd.DataFrame | None, art_codes: np.ndarray,
                      art_ids) -> np.ndarray | None:
    """Story number per article code; an article without a story id is a story of its own.
    None when no story ids are available at all."""
    if "story_id" in statements.columns:
        first = np.unique(art_codes[art_codes >= 0], return_index=True)[1]
        rows = np.flatnonzero(art_codes >= 0)[first]
        story = pd.Series(statements["story_id"].iloc[rows].to_numpy(dtype=object), dtype=object)
    elif articles is not None and "story_id" in articles.columns:
        lookup = articles.drop_duplicates("article_id").set_index("article_id")["story_id"]
        story = pd.Series(pd.Index(art_ids).map(lookup), dtype=object)
    else:
        return None
    ids = pd.Series(np.asarray(art_ids, dtype=object), dtype=object)
    story = story.where(story.notna(), "article:" + ids.astype(str))
    return pd.factorize(story)[0]


def tension_over_time(statements: pd.DataFrame, freq: str = "M", by: str | None = "direction",
                      date: str = "statement", min_count: int = 3, n_boot: int = 1000, ci: float = 0.9,
                      seed: int = 0, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mean tension per period and group, with counts and a bootstrap interval.

    Columns: period (UTC Timestamp, period start), group, mean_tension, n_statements,
    n_articles, n_stories, ci_low, ci_high, low_count (n_statements < min_count).
    ``by``: None (one group, "all"), "direction", "speaker", "speaker_side" or "outlet".
    ``date``: "statement" (statement_date) or "published". ``freq``: D, W (from Monday),
    M, Q or Y. Stories come from a ``story_id`` column on ``statements`` or from
    ``articles`` (merged on article_id); without either each article is its own story.

    Statements left out are counted in ``frame.attrs["excluded"]``: no date, no tension,
    a date coarser than the bin (e.g. year-only dates in monthly bins), no group value.
    """
    if by not in BY_COLUMNS:
        raise ValueError(f"by must be one of {BY_COLUMNS}, not {by!r}")
    if date not in ("statement", "published"):
        raise ValueError(f"date must be 'statement' or 'published', not {date!r}")
    if freq not in _FREQS:
        raise ValueError(f"freq must be one of {sorted(set(_FREQS))}, not {freq!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), not {ci!r}")
    f = _FREQS[freq]
    n_all = len(statements)

    dates = _utc_ns(statements["statement_date" if date == "statement" else "published"])
    tension = pd.to_numeric(statements["tension"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if date == "statement":
        precision = statements["date_precision"] if "date_precision" in statements else None
    elif articles is not None and "published_precision" in articles:
        precision = statements["article_id"].map(articles.drop_duplicates("article_id").set_index("article_id")["published_precision"])
    else:
        precision = None
    coarse = np.zeros(n_all, dtype=bool)
    if precision is not None:
        for value, rank in _PRECISION_RANK.items():
            if rank > _BIN_RANK[f]:
                coarse |= (precision == value).to_numpy(dtype=bool, na_value=False)
    if by is None:
        group_codes, group_names = np.zeros(n_all, dtype="int64"), pd.Index(["all"])
    else:
        group_codes, group_names = pd.factorize(statements[by])

    no_date = np.isnat(dates)
    no_tension = ~no_date & np.isnan(tension)
    too_coarse = ~no_date & ~no_tension & coarse
    no_group = ~no_date & ~no_tension & ~too_coarse & (group_codes < 0)
    keep = ~(no_date | no_tension | too_coarse | no_group)
    excluded = {"no_date": int(no_date.sum()), "no_tension": int(no_tension.sum()),
                "coarse_date": int(too_coarse.sum()), "no_group": int(no_group.sum())}

    t = tension[keep]
    g = group_codes[keep].astype("int64")
    p = _period_index(dates[keep], f)
    n_groups = max(len(group_names), 1)
    if len(t):
        p0 = int(p.min())
        dense = (int(p.max()) - p0 + 1) * n_groups
        raw_key = (p - p0) * n_groups + g
        if dense <= 5_000_000:
            counts_dense = np.bincount(raw_key, minlength=dense)
            used = np.flatnonzero(counts_dense)
            remap = np.full(dense, -1, dtype="int64")
            remap[used] = np.arange(len(used))
            key = remap[raw_key]
        else:
            used, key = np.unique(raw_key, return_inverse=True)
    else:
        p0, used, key = 0, np.array([], dtype="int64"), np.array([], dtype="int64")
    n_bins = len(used)
    counts = np.bincount(key, minlength=n_bins)
    sums = np.bincount(key, weights=t, minlength=n_bins)
    squares = np.bincount(key, weights=t * t, minlength=n_bins)

    # distinct articles and stories per bin: dedupe (bin, article) pairs once, then map
    # each surviving pair to its story
    all_art_codes, art_ids = pd.factorize(statements["article_id"])
    art_codes = all_art_codes[keep]
    n_art = len(art_ids) + 1  # the extra code stands for a missing article id
    art_codes = np.where(art_codes < 0, n_art - 1, art_codes)
    pairs = key * n_art + art_codes
    if len(pairs) > 1:  # statements of one article are usually adjacent: drop those repeats first
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    pairs = pd.unique(pairs)
    pair_bin, pair_art = pairs // n_art, pairs % n_art
    n_articles = np.bincount(pair_bin, minlength=n_bins)
    story = _story_of_article(statements, articles, all_art_codes, art_ids)
    if story is None:
        n_stories = n_articles.copy()
    else:
        n_story = max(int(story.max()) + 1, 1) if len(story) else 1
        story = np.append(story, n_story)  # a missing article id: a story of its own
        story_pairs = pd.unique(pair_bin * (n_story + 1) + story[pair_art])
        n_stories = np.bincount(story_pairs // (n_story + 1), minlength=n_bins)

    mean = sums / np.maximum(counts, 1)
    # bootstrap the small bins (cheapest first, within budget); normal limit for the rest
    order = np.argsort(counts, kind="stable")
    cost = np.cumsum(counts[order].astype("float64") * n_boot)
    exact = np.zeros(n_bins, dtype=bool)
    exact[order[(counts[order] <= BOOTSTRAP_MAX_N) & (cost <= BOOTSTRAP_BUDGET)]] = True
    rng = np.random.default_rng(seed)
    ci_low, ci_high = _bootstrap(t, key, counts, exact, n_boot, ci, rng)
    z = NormalDist().inv_cdf(1 - (1 - ci) / 2)
    sd = np.sqrt(np.maximum(squares / np.maximum(counts, 1) - mean ** 2, 0.0))
    half = z * sd / np.sqrt(np.maximum(counts, 1))
    normal = ~exact
    ci_low[normal] = np.clip(mean[normal] - half[normal], -1, 1)
    ci_high[normal] = np.clip(mean[normal] + half[normal], -1, 1)

    out = pd.DataFrame({
        "period": _period_start(used // n_groups + p0, f),
        "group": pd.array(np.asarray(group_names, dtype=object)[used % n_groups] if n_bins else [], dtype="string"),
        "mean_tension": mean,
        "n_statements": counts.astype("int64"),
        "n_articles": n_articles.astype("int64"),
        "n_stories": n_stories.astype("int64"),
        "ci_low": ci_low,
        "ci_high": ci_high,
        "low_count": counts < min_count,
    }).sort_values(["period", "group"], kind="stable").reset_index(drop=True)
    out.attrs.update({
        "excluded": excluded, "included": int(keep.sum()), "freq": f, "by": by, "date": date,
        "min_count": min_count, "ci": ci, "n_boot": n_boot,
        "ci_method": {"bootstrap": int(exact.sum()), "normal": int(normal.sum())},
    })
    return out


def rising_flag(series: pd.DataFrame, group=None, ratio_threshold: float = RATIO_THRESHOLD,
                abs_threshold: float = ABS_THRESHOLD, min_count: int = MIN_COUNT,
                min_history: int = MIN_HISTORY, window: int | None = None) -> pd.DataFrame:
    """Is tension rising? One row per group of a ``tension_over_time`` frame.

    The latest period of the whole series is compared with the mean of the group's
    earlier periods (the last ``window`` of them, or all). Rising needs a change of at
    least ``abs_threshold`` and at least ``ratio_threshold`` of the baseline's magnitude,
    a latest period with >= ``min_count`` statements and >= ``min_history`` earlier periods.
    Columns: group, latest_period, latest_mean, baseline_mean, change, ratio, n_latest,
    n_history, rising, reason.
    """
    columns = ["group", "latest_period", "latest_mean", "baseline_mean", "change", "ratio",
               "n_latest", "n_history", "rising", "reason"]
    if series.empty:
        return pd.DataFrame(columns=columns)
    s = series
    if group is not None:
        wanted = [group] if isinstance(group, str) else list(group)
        s = s[s["group"].isin(wanted)]
    latest = series["period"].max()
    label = _period_label(latest, series.attrs.get("freq", "M"))
    rows = []
    for name, rows_g in s.sort_values("period").groupby("group", sort=True):
        last = rows_g[rows_g["period"] == latest]
        history = rows_g[rows_g["period"] < latest]
        if window is not None:
            history = history.tail(window)
        n_latest = int(last["n_statements"].sum()) if len(last) else 0
        latest_mean = float(last["mean_tension"].iloc[0]) if len(last) else np.nan
        baseline = float(history["mean_tension"].mean()) if len(history) else np.nan
        change = latest_mean - baseline
        if np.isnan(change):
            ratio = np.nan
        elif baseline == 0:  # any rise from an exactly neutral baseline is unbounded in relative terms
            ratio = np.inf if change > 0 else 0.0
        else:
            ratio = change / abs(baseline)
        rising = False
        if not len(last):
            reason = f"no statements in the latest period ({label})"
        elif n_latest < min_count:
            reason = f"too few statements in {label}: {n_latest} < {min_count}"
        elif len(history) < min_history:
            reason = f"too little history: {len(history)} earlier period(s) < {min_history}"
        elif change < abs_threshold:
            reason = f"change {change:+.2f} below {abs_threshold:.2f}"
        elif ratio < ratio_threshold:
            reason = f"change {change:+.2f} is {ratio:.0%} of the baseline's magnitude, below {ratio_threshold:.0%}"
        else:
            rising = True
            reason = (f"rising: {latest_mean:+.2f} in {label} vs {baseline:+.2f} over {len(history)} "
                      f"earlier period(s) ({change:+.2f})")
        rows.append({"group": name, "latest_period": latest, "latest_mean": latest_mean, "baseline_mean": baseline,
                     "change": change, "ratio": ratio, "n_latest": n_latest, "n_history": len(history),
                     "rising": rising, "reason": reason})
    return pd.DataFrame(rows, columns=columns)


def direction_groups(directions, merge: dict[str, str] | None = None):
    """Merge sides inside directions: with the default, "Armenia→CSTO" and "Armenia→Russia"
    both become "Armenia→Russia/CSTO". Accepts a string, a list or a Series (same shape back)."""
    merge = RUSSIA_CSTO if merge is None else merge

    def one(d):
        if not isinstance(d, str) or ARROW not in d:
            return d
        a, b = d.split(ARROW, 1)
        ma, mb = merge.get(a, a), merge.get(b, b)
        if ma == mb:
            return d  # Russia speaking about the CSTO stays "Russia→CSTO", not a side talking to itself
        return f"{ma}{ARROW}{mb}"

    if isinstance(directions, str) or directions is None:
        return one(directions)
    if isinstance(directions, pd.Series):
        codes, uniques = pd.factorize(directions)
        mapped = np.array([one(u) for u in uniques] + [None], dtype=object)
        dtype = "string" if isinstance(directions.dtype, pd.CategoricalDtype) else directions.dtype  # new labels
        return pd.Series(mapped[codes], index=directions.index, name=directions.name, dtype=dtype)
    return [one(d) for d in directions]


def _period_label(ts, freq: str) -> str:
    if ts is None or pd.isna(ts):
        return "?"
    if freq == "M":
        return ts.strftime("%Y-%m")
    if freq == "Q":
        return f"{ts.year}-Q{(ts.month - 1) // 3 + 1}"
    if freq == "Y":
        return f"{ts.year}"
    return ts.strftime("%Y-%m-%d")


def format_tension_table(df: pd.DataFrame, title: str | None = None) -> str:
    """A plain-text table of a ``tension_over_time`` frame, for the command line."""
    a = df.attrs
    freq = a.get("freq", "M")
    words = {"D": "daily", "W": "weekly", "M": "monthly", "Q": "quarterly", "Y": "yearly"}
    ci = a.get("ci", 0.9)
    min_count = a.get("min_count", 3)
    head = title or (f"Tension {'by ' + a['by'].replace('_', ' ') if a.get('by') else 'overall'}, "
                     f"{words.get(freq, freq)}, by {a.get('date', 'statement')} date "
                     f"(-1 conciliatory .. +1 hostile; {ci:.0%} bootstrap interval; * fewer than {min_count} statements)")
    lines = [head]
    if df.empty:
        lines.append("(no dated statements with a tension score)")
    else:
        width = max(5, int(df["group"].astype(str).str.len().max()))
        lines.append(f"{'period':<10} {'group':<{width}}  {'mean':>6}  {'interval':^15}  {'statements':>10} {'articles':>8} {'stories':>7}")
        for r in df.itertuples(index=False):
            star = "*" if r.low_count else " "
            lines.append(
                f"{_period_label(r.period, freq):<10} {str(r.group):<{width}}  {r.mean_tension:+6.2f}  "
                f"[{r.ci_low:+.2f}, {r.ci_high:+.2f}]  {r.n_statements:>9}{star} {r.n_articles:>8} {r.n_stories:>7}")
    ex = a.get("excluded")
    if ex:
        lines.append(f"left out: {ex['no_date']} without a date, {ex['no_tension']} without a tension score, "
                     f"{ex['coarse_date']} dated more coarsely than the {words.get(freq, freq)} bins, "
                     f"{ex['no_group']} without a {str(a.get('by') or 'group').replace('_', ' ')}")
    return "\n".join(lines)
