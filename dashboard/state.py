"""The view's state: sidebar filters and per-page choices, kept in the URL.

Every filter and every page choice round-trips through ``st.query_params`` so a
URL reproduces exactly what its sender saw. The flow on each run:

1. ``sidebar_filters`` seeds the filter widgets from the URL the first time a
   session sees them (a fresh browser opening a shared link), then renders them;
2. pages call ``page_param`` for their own choices (selected article, actors...);
3. ``publish`` writes the resulting state back to the URL, omitting defaults.

The parsing half (``Filters.from_params`` / ``to_params`` / ``apply_filters``)
is pure so it is tested without Streamlit.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urlsplit

import pandas as pd

from analysis.schema_compact import involves, text_match

BASES = ("statement", "published")
BASIS_COLUMN = {"statement": "statement_date", "published": "published"}
KINDS = ("quote", "reported", "narrative")
UNKNOWN = "(unknown)"  # option standing for a null outlet / side

# URL parameter -> Filters attribute, for the multi-valued filters.
LIST_PARAMS = {
    "actor": "actors",
    "side": "sides",
    "direction": "directions",
    "outlet": "outlets",
    "kind": "kinds",
}
SCALAR_PARAMS = ("start", "end", "basis", "q")
FILTER_PARAMS = tuple(LIST_PARAMS) + SCALAR_PARAMS


@dataclass(frozen=True)
class Options:
    """What the filters can take, read from the corpus."""

    actors: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    kinds: tuple[str, ...] = KINDS
    date_span: Mapping[str, tuple[dt.date, dt.date] | None] = field(default_factory=dict)

    def span(self, basis: str) -> tuple[dt.date, dt.date] | None:
        return self.date_span.get(basis)


def _by_frequency(values: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(v for v in values if isinstance(v, str) and v)
    return tuple(v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _list_cells(series: pd.Series) -> list[str]:
    out: list[str] = []
    for v in series:
        if v is None or isinstance(v, float):
            continue
        out.extend(str(x) for x in v)
    return out


def options_for(statements: pd.DataFrame) -> Options:
    """Filter options, most frequent first, so the useful choices are at the top."""
    if statements.empty:
        return Options(kinds=KINDS)
    actors = _by_frequency(list(statements["speaker"].dropna()) + _list_cells(statements["targets"]))
    sides = _by_frequency(list(statements["speaker_side"].dropna()) + _list_cells(statements["target_sides"]))
    directions = _by_frequency(statements["direction"].dropna())
    outlets = _by_frequency(statements["outlet"].dropna())
    if statements["outlet"].isna().any():
        outlets = outlets + (UNKNOWN,)
    kinds = tuple(k for k in KINDS if k in set(statements["kind"])) or KINDS
    spans = {}
    # Background history ("founded in 1992", "as early as 1949") would stretch the default range over decades:
    # the span shown is that of the speech and of the events dated to the day or month.
    focus = statements[(statements["kind"] != "narrative") | statements["date_precision"].isin(["day", "month"])]
    for basis, col in BASIS_COLUMN.items():
        dates = focus[col].dropna()
        if dates.empty:
            dates = statements[col].dropna()
        spans[basis] = (dates.min().date(), dates.max().date()) if len(dates) else None
    return Options(actors, sides, directions, outlets, kinds, spans)


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters. Empty tuples and None mean "no restriction"."""

    start: dt.date | None = None
    end: dt.date | None = None
    basis: str = "statement"
    actors: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    text: str = ""

    @property
    def date_column(self) -> str:
        return BASIS_COLUMN[self.basis]

    def is_default(self) -> bool:
        return self == Filters(basis=self.basis) and self.basis == "statement"

    def restricts(self) -> bool:
        """True when some statements may be filtered out (the basis alone does not)."""
        return replace(self, basis="statement") != Filters()

    @classmethod
    def from_params(cls, params: Mapping[str, str | list[str]], options: Options | None = None) -> "Filters":
        """Read filters from URL parameters; unknown or invalid values are dropped, never fatal."""

        def values(name: str) -> list[str]:
            v = params.get(name)
            if v is None:
                return []
            items = [v] if isinstance(v, str) else list(v)
            return [x for x in (str(i).strip() for i in items) if x]

        def choose(name: str, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
            seen: list[str] = []
            for v in values(name):
                if (allowed is None or v in allowed) and v not in seen:
                    seen.append(v)
            return tuple(seen)

        def date(name: str) -> dt.date | None:
            for v in values(name)[-1:]:
                try:
                    return dt.date.fromisoformat(v[:10])
                except ValueError:
                    return None
            return None

        basis = (values("basis") or ["statement"])[-1]
        if basis not in BASES:
            basis = "statement"
        start, end = date("start"), date("end")
        if start and end and start > end:
            start, end = end, start
        o = options
        return cls(
            start=start,
            end=end,
            basis=basis,
            actors=choose("actor", o.actors if o else None),
            sides=choose("side", o.sides if o else None),
            directions=choose("direction", o.directions if o else None),
            outlets=choose("outlet", o.outlets if o else None),
            kinds=choose("kind", (o.kinds if o else KINDS)),
            text=" ".join((values("q") or [""])[-1].split())[:200],
        )

    def to_params(self) -> dict[str, list[str]]:
        """The URL parameters for these filters; defaults are left out to keep links short."""
        out: dict[str, list[str]] = {}
        for param, attr in LIST_PARAMS.items():
            if getattr(self, attr):
                out[param] = list(getattr(self, attr))
        if self.start:
            out["start"] = [self.start.isoformat()]
        if self.end:
            out["end"] = [self.end.isoformat()]
        if self.basis != "statement":
            out["basis"] = [self.basis]
        if self.text:
            out["q"] = [self.text]
        return out

    def cache_key(self) -> str:
        return urlencode(sorted(self.to_params().items()), doseq=True)


def apply_filters(statements: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Statements that pass the filters.

    Actors and sides match the speaker or any target ("involving"); a date range
    keeps only statements dated on the chosen basis, so undated statements drop
    out as soon as a range is set.
    """
    if statements.empty:
        return statements
    # The actor, side and text filters are analysis.schema_compact's vectorised ones: the same answer on the
    # frames as built and on the compact ones, and fast at a million statements.
    keep = pd.Series(True, index=statements.index)
    if f.start or f.end:
        dates = statements[f.date_column]
        keep &= dates.notna()
        if f.start:
            keep &= dates >= pd.Timestamp(f.start, tz="UTC")
        if f.end:
            keep &= dates < pd.Timestamp(f.end, tz="UTC") + pd.Timedelta(days=1)
    if f.actors:
        keep &= involves(statements, "speaker", "targets", f.actors, unknown=UNKNOWN)
    if f.sides:
        keep &= involves(statements, "speaker_side", "target_sides", f.sides, unknown=UNKNOWN)
    if f.directions:
        keep &= statements["direction"].isin(set(f.directions)).fillna(False).astype(bool)
    if f.outlets:
        outlet_ok = statements["outlet"].isin(set(f.outlets)).fillna(False).astype(bool)
        if UNKNOWN in f.outlets:
            outlet_ok |= statements["outlet"].isna()
        keep &= outlet_ok
    if f.kinds:
        keep &= statements["kind"].isin(set(f.kinds)).fillna(False).astype(bool)
    if f.text:
        keep &= text_match(statements, f.text.split())
    return statements[keep.to_numpy()]


def share_url(app_url: str | None, page_path: str, params: Mapping[str, list[str] | str], current_page_path: str = "") -> str:
    """A link to ``page_path`` with ``params``: absolute when the app's URL is known, else relative.

    ``app_url`` is ``st.context.url`` (the app's URL, ending in the current page's path).
    """
    query = urlencode(sorted((k, v) for k, v in params.items() if v not in ("", [], None)), doseq=True)
    root = ""
    if app_url:
        parts = urlsplit(app_url)
        path = parts.path.rstrip("/")
        if current_page_path and path.endswith("/" + current_page_path.strip("/")):
            path = path[: -len(current_page_path.strip("/")) - 1]
        root = f"{parts.scheme}://{parts.netloc}{path}"
    page = "/" + page_path.strip("/") if page_path else "/"
    if root and page == "/":
        page = "/"
    return f"{root}{page}" + (f"?{query}" if query else "")


# ---------------------------------------------------------------------------
# Streamlit side
# ---------------------------------------------------------------------------

_PAGE_REGISTRY = "_rift_page_params"


def _st():
    import streamlit as st

    return st


def current_query_params() -> dict[str, list[str]]:
    st = _st()
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def begin_run() -> None:
    """Forget the previous run's page parameters; pages re-register theirs."""
    _st().session_state[_PAGE_REGISTRY] = {}


def page_param(
    key: str,
    default,
    *,
    parse: Callable[[list[str]], object] | None = None,
    serialize: Callable[[object], list[str]] | None = None,
):
    """Declare a page choice that lives in the URL under ``key`` (also its widget key).

    The first time a session renders the widget, its value comes from the URL;
    afterwards from the widget. Returns the value to pass nowhere: create the
    widget with ``key=key`` and no default.
    """
    if key in FILTER_PARAMS:
        raise ValueError(f"{key!r} is a sidebar filter's URL parameter")
    st = _st()
    parse = parse or (lambda vs: vs[-1] if vs else default)
    serialize = serialize or (lambda v: [] if v in (None, "", [], ()) else ([str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]))
    if key not in st.session_state:
        from_url = st.query_params.get_all(key)
        value = parse(from_url) if from_url else default
        st.session_state[key] = value
    st.session_state.setdefault(_PAGE_REGISTRY, {})[key] = (default, serialize)
    return st.session_state[key]


def page_params() -> dict[str, list[str]]:
    st = _st()
    out: dict[str, list[str]] = {}
    for key, (default, serialize) in st.session_state.get(_PAGE_REGISTRY, {}).items():
        value = st.session_state.get(key, default)
        if value != default:
            ser = serialize(value)
            if ser:
                out[key] = ser
    return out


def publish(filters: Filters) -> dict[str, list[str]]:
    """Write the filters and this page's choices to the URL (only when they changed)."""
    st = _st()
    desired = {**filters.to_params(), **page_params()}
    if desired != current_query_params():
        st.query_params.from_dict(desired)
    return desired


def reset_filters(options: Options) -> None:
    st = _st()
    for key in LIST_PARAMS:
        st.session_state[key] = []
    st.session_state["q"] = ""
    st.session_state["basis"] = "statement"
    span = options.span("statement")
    st.session_state["dates"] = span if span else ()


def _seed_from_url(options: Options) -> None:
    """Initialise the filter widgets from the URL the first time this session renders them."""
    st = _st()
    ss = st.session_state
    if all(k in ss for k in ("dates", "basis", "q", *LIST_PARAMS)):
        return
    f = Filters.from_params(current_query_params(), options)
    for param, attr in LIST_PARAMS.items():
        ss.setdefault(param, list(getattr(f, attr)))
    ss.setdefault("basis", f.basis)
    ss.setdefault("q", f.text)
    span = options.span(f.basis)
    if "dates" not in ss:
        if span:
            ss["dates"] = (f.start or span[0], f.end or span[1])
        else:
            ss["dates"] = ()


def _clamp(d: dt.date, span: tuple[dt.date, dt.date]) -> dt.date:
    return min(max(d, span[0]), span[1])


def sidebar_filters(options: Options) -> Filters:
    """Render the shared filters in the sidebar and return them."""
    st = _st()
    ss = st.session_state
    _seed_from_url(options)
    # Drop values that are no longer options (a shared link from a bigger corpus,
    # or a file removed): Streamlit refuses a widget value outside its options.
    for param, attr in LIST_PARAMS.items():
        allowed = set(getattr(options, attr))
        if any(v not in allowed for v in ss[param]):
            ss[param] = [v for v in ss[param] if v in allowed]

    sb = st.sidebar
    sb.header("Filters")
    basis = sb.segmented_control(
        "Date basis",
        BASES,
        key="basis",
        required=True,
        format_func=lambda b: "Statement date" if b == "statement" else "Publication date",
        help="Statement date: when the words were said (the default; the text dates them). "
        "Publication date: when the article appeared.",
    ) or "statement"
    span = options.span(basis)
    start = end = None
    last_span = ss.get("_dates_span")
    ss["_dates_span"] = span
    if span and last_span and tuple(last_span) != tuple(span):
        # The span moved (other date basis, new articles): a range that covered the old span
        # was "no restriction" and stays so, instead of silently hiding the new dates.
        if not ss.get("dates") or tuple(ss["dates"]) == tuple(last_span):
            ss["dates"] = span
            ss["_last_full_dates"] = span
    if span:
        current = ss.get("dates") or span
        if len(current) == 2:
            fixed = (_clamp(current[0], span), _clamp(current[1], span))
            if tuple(current) != fixed:
                ss["dates"] = fixed
        dates = sb.date_input("Date range", key="dates", min_value=span[0], max_value=span[1], format="YYYY-MM-DD")
        # While the user is picking the second end, the widget returns one date; keep the last full range.
        if isinstance(dates, (tuple, list)) and len(dates) == 2:
            ss["_last_full_dates"] = tuple(dates)
        picked = ss.get("_last_full_dates", span)
        if tuple(picked) != tuple(span):
            start, end = picked[0], picked[1]
    else:
        sb.caption("No dated statements on this basis.")
    sb.multiselect("Actors (speaker or target)", options.actors, key="actor", placeholder="All actors")
    sb.multiselect("Sides (speaker or target)", options.sides, key="side", placeholder="All sides")
    sb.multiselect("Directions", options.directions, key="direction", placeholder="All directions",
                   help="Speaker's side → the side the statement is about.")
    sb.multiselect("Outlets", options.outlets, key="outlet", placeholder="All outlets")
    sb.multiselect("Statement kinds", options.kinds, key="kind", placeholder="All kinds",
                   help="quote: direct quotation; reported: indirect speech; narrative: the outlet's own sentence.")
    text = sb.text_input("Search text", key="q", placeholder="words in the statement, speaker or outlet")
    sb.button("Reset filters", on_click=reset_filters, args=(options,), width="stretch")
    return Filters(
        start=start,
        end=end,
        basis=basis,
        actors=tuple(ss["actor"]),
        sides=tuple(ss["side"]),
        directions=tuple(ss["direction"]),
        outlets=tuple(ss["outlet"]),
        kinds=tuple(ss["kind"]),
        text=" ".join((text or "").split())[:200],
    )


def app_base_url() -> str | None:
    try:
        return _st().context.url
    except Exception:  # noqa: BLE001 - older runtimes / AppTest without a URL
        return None
