"""Outlet, headline, publication date and wire credits of one article.

``extract_metadata(doc, hints)`` reads what the article says about itself and
returns every value as a ``Found`` with the exact text it was read from. It
never guesses: a value that is not stated is ``None``.

Where each value comes from, strongest first:

outlet
    1. a ``sources.csv`` sidecar, then a corpus column (``hints``);
    2. a masthead line at the top ("The Limited Times");
    3. the HTML page's site name (trafilatura);
    4. the article's own dateline ("Jakarta, CNBC Indonesia –",
       "YEREVAN, Nov 14 (Reuters) -", "Baku, APA."), i.e. at the start of its
       first paragraph, never a name cited further down ("BelTA reported");
    5. a ``Source: X`` line, when X is not a wire agency. On aggregator pages
       ``Source: merkur`` names where the copy was taken from: with a masthead
       the masthead is the outlet and Merkur goes to ``syndicated_from``;
       without one, Merkur is the outlet;
    6. the site's own copyright footer ("© 2023 Caucasus Herald. All rights
       reserved."), when the name there looks like an outlet.
syndicated_from
    Whatever names the copy's origin but is not the outlet: wire credits such as
    "(According to TASS, Reuters)", "(dpa/kat)", "— AFP", a wire dateline under
    somebody else's masthead, a ``Source:`` line under a masthead. Publishers
    come first and agencies follow in brackets: "Merkur (dpa)".
title
    sidecar/column, the HTML title, else the headline block; a trailing
    " - Site Name" is dropped.
published
    sidecar/column, the HTML date, else the first dated meta line from the top
    (timestamp, byline, dateline lines: "2023-05-23T07:59:16.104Z",
    "Published: 14 November 2023 10:31", "By Jane Doe | Updated 12 March 2024"),
    else a dated dateline or a "Tuesday (23/5/2023)" stamp in the lead. Dates in
    captions, boilerplate and related-links lists are never used, nor are event
    dates in the body (``analysis.dates`` infers from those, marked "inferred").

Dates are stored as UTC ``pandas.Timestamp``. A time without a zone is taken
as UTC (the text does not say which zone; we do not guess one). Ambiguous
numeric dates (05/06/2023) are read day-first, the convention of most of the
world's press, unless the article is US-dated: the outlet is listed as US in
``data/outlets.toml`` or another numeric date in its header is unambiguously
month-first (11/14/2023).

HTML metadata counts as ``source="text"``: it is part of the page the article
came in (the schema's provenance vocabulary has no separate "html").
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from dateutil import parser as date_parser

from analysis.clean import (
    BODY, BOILERPLATE, CREDIT_PAREN_RE, META, REASON_COPYRIGHT, TITLE, DATE_PATTERN, DATE_RE, PUBLISHED_LABEL, REASON_BYLINE, REASON_DATELINE,
    REASON_MASTHEAD, REASON_SOURCE, REASON_TIMESTAMP, REASON_WIRE, TIMEZONE_OFFSETS,
    find_dateline, looks_like_site_name, lookup_outlet, outlet_key, plausible_outlet,
)
from analysis.document import ArticleMeta, Block, CleanDoc, Found, Hint

from . import regexes

__all__ = ["extract_metadata", "parse_timestamp", "strip_site_suffix"]

_TEXT = "text"
_OUTSIDE_SOURCES = ("sidecar", "column")  # win over anything in the text

# --------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------

_ISO_RE = regexes.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
# "GMT+4" means four hours east; dateutil reads it the POSIX way (west).
_GMT_OFFSET_RE = regexes.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b")
_DOTTED_DATE_RE = regexes.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")
_ORDINAL_RE = regexes.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)
_TZINFOS = dict(TIMEZONE_OFFSETS)


def parse_timestamp(s: str, dayfirst: bool = True) -> tuple[pd.Timestamp, str] | None:
    """Parse a date found in the text into (UTC timestamp, precision).

    Precision is "second" when a clock time is given, else "day", "month" or
    "year". A date without a year gives None: the year cannot be read.
    """
    if not s or not s.strip():
        return None
    m = DATE_RE.search(s)
    core = (m.group(0) if m else s).strip().strip("()[]")
    if _ISO_RE.fullmatch(core):
        try:
            dt = date_parser.isoparse(core)
        except ValueError:
            return None
        precision = "second" if len(core) > 10 else "day"
        return _finish(dt, precision)
    if _DOTTED_DATE_RE.search(core):
        dayfirst = True  # 05.06.2023 is day-first wherever dots are used
    core = _GMT_OFFSET_RE.sub(lambda g: f"{g[1]}{int(g[2]):02d}:{g[3] or '00'}", core)
    core = _ORDINAL_RE.sub("", core).replace("(", " ").replace(")", " ")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a, b = _parse_with_defaults(core, dayfirst, _DEFAULT_A, _DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    # Parsing twice with different defaults shows which parts the text gave.
    if a.year != b.year:
        return None
    if a.month != b.month:
        precision = "year"
    elif a.day != b.day:
        precision = "month"
    elif a.hour != b.hour:
        precision = "day"
    else:
        precision = "second"
    return _finish(a, precision)


def _parse_with_defaults(core: str, dayfirst: bool, *defaults: datetime) -> list[datetime]:
    """``date_parser.parse(core, dayfirst=dayfirst, default=d, tzinfos=_TZINFOS)`` for each default.

    ``parse`` is dateutil's ``_parse`` (reading the string: nearly all the
    time) then ``_build_naive``/``_build_tzaware`` (filling in the default);
    reading the string once for both defaults halves the cost.
    """
    parser = date_parser.DEFAULTPARSER
    res, _ = parser._parse(core, dayfirst=dayfirst)
    if res is None or len(res) == 0:
        raise ValueError(f"no date in {core!r}")  # what parse raises (a ParserError)
    return [parser._build_tzaware(parser._build_naive(res, d), res, _TZINFOS) for d in defaults]


def _finish(dt: datetime, precision: str) -> tuple[pd.Timestamp, str] | None:
    if not 1900 <= dt.year <= 2100:
        return None
    ts = pd.Timestamp(dt)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts, precision


# --------------------------------------------------------------------------
# Helpers over the cleaned document
# --------------------------------------------------------------------------

def _block_text(doc: CleanDoc, b: Block) -> str:
    return doc.text[b.start:b.end]


def _canonical(name: str) -> tuple[str, bool]:
    """(display name, is a wire agency)."""
    entry = lookup_outlet(name)
    if entry is not None:
        return entry.name, entry.wire
    return " ".join(name.split()).strip(" ,;"), False


def _from_hint(hint: Hint | None) -> Found | None:
    if hint is None or not str(hint.value).strip():
        return None
    source = hint.source if hint.source in _OUTSIDE_SOURCES else _TEXT
    return Found(str(hint.value).strip(), hint.evidence, source)


def _hint(hints: dict[str, Hint], key: str, outside: bool) -> Hint | None:
    """The hint for ``key`` if it comes from outside the text (or from inside)."""
    h = hints.get(key)
    if h is None:
        return None
    return h if (h.source in _OUTSIDE_SOURCES) == outside else None


# --------------------------------------------------------------------------
# Outlet and credits
# --------------------------------------------------------------------------

@dataclass
class _Credit:
    name: str  # display name
    wire: bool
    evidence: str
    start: int
    names_outlet: bool = True  # could be a publisher (not a chart's data source)


_NAME_SPLIT_RE = regexes.compile(r"\s*(?:,|;|\band\b|&)\s*")
_INITIALS_CREDIT_RE = regexes.compile(r"\(\s*(?P<names>[A-Za-z]{2,10})(?:\s*/\s*[A-Za-z]{2,6})+\s*\)")
_PAREN_NAMES_END_RE = regexes.compile(r"\(\s*(?:(?i:with)\s+)?(?P<names>[A-Z][\w .,&/-]{1,60})\)\s*$")
_DASH_NAME_END_RE = regexes.compile(r"[-–—]\s*(?:(?i:with)\s+)?(?P<names>[A-Z][\w .,&-]{1,40})\s*$")
_SOURCE_VALUE_RE = regexes.compile(r"^(?i:source|sources|quelle|источник|fuente)\s*:\s*(?P<value>\S.*?)\s*$")
_URL_HOST_RE = regexes.compile(r"^(?:https?://)?(?:www\.)?(?P<host>[^/\s]+)")


def _names(raw: str, *, known_only: bool, outlet_like: bool = False) -> list[tuple[str, bool]]:
    """Credited names in "TASS , Reuters" / "AFP and dpa"; unknown ones only if capitalised
    (and, with ``outlet_like``, shaped like an outlet name)."""
    out = []
    for part in _NAME_SPLIT_RE.split(raw.strip()):
        part = part.strip(" .")
        if not part or len(part.split()) > 5:
            continue
        if lookup_outlet(part) is None and (
                known_only or not part[:1].isupper() or (outlet_like and not plausible_outlet(part))):
            continue
        out.append(_canonical(part))
    return out


def _credits_in(text: str, offset: int, *, tail_only: bool) -> list[_Credit]:
    """Wire credits in a meta line, or at the very end of a body paragraph."""
    found: list[_Credit] = []
    for pattern, known_only in ((CREDIT_PAREN_RE, False), (_INITIALS_CREDIT_RE, True)):
        for m in pattern.finditer(text):
            if tail_only and text[m.end():].strip():
                continue
            # At the end of a paragraph "(according to Armenia's defence ministry)"
            # cites a source; only outlet-like names there are credits.
            for name, wire in _names(m.group("names"), known_only=known_only, outlet_like=tail_only):
                found.append(_Credit(name, wire, m.group(0), offset + m.start()))
    if not found:
        for pattern in (_PAREN_NAMES_END_RE, _DASH_NAME_END_RE):
            m = pattern.search(text)
            if m:
                names = _names(m.group("names"), known_only=True)
                if names and all(wire for _, wire in names):
                    found += [_Credit(n, w, m.group(0).strip(), offset + m.start()) for n, w in names]
                    break
    return found


def _source_line_credit(doc: CleanDoc, b: Block) -> _Credit | None:
    s = _block_text(doc, b)
    m = _SOURCE_VALUE_RE.match(s)
    if not m:
        return None
    value = m.group("value")
    host = _URL_HOST_RE.match(value) if "/" in value or value.startswith("www.") else None
    if host:
        value = host.group("host")
    name, wire = _canonical(value)
    # "Source: merkur" above or below the article names a publisher; "Source:
    # Ministry of Defence" under a chart between paragraphs names where figures
    # came from.
    body_before = any(x.kind == BODY and x.end <= b.start for x in doc.blocks)
    body_after = any(x.kind == BODY and x.start >= b.end for x in doc.blocks)
    names_outlet = not (body_before and body_after) and (plausible_outlet(value) or len(value.split()) <= 2)
    return _Credit(name, wire, s, b.start, names_outlet)


def _first_lead_blocks(doc: CleanDoc) -> list[Block]:
    """Dateline lines and the first body blocks up to the first real paragraph."""
    out = []
    body_seen = 0
    for b in doc.blocks:
        if b.kind == META and b.reason == REASON_DATELINE:
            out.append(b)
        elif b.kind == BODY:
            out.append(b)
            body_seen += 1
            if body_seen >= 3 or len(_block_text(doc, b).split()) >= 12:
                break
    return out


@dataclass
class _DatelineFound:
    outlet: _Credit | None
    date_text: str | None
    date_start: int | None


def _find_article_dateline(doc: CleanDoc) -> _DatelineFound | None:
    for b in _first_lead_blocks(doc):
        s = _block_text(doc, b)
        dl = find_dateline(s)
        if dl is None:
            continue
        name, wire = _canonical(dl.outlet) if dl.outlet else ("", False)
        credit = _Credit(name, wire, s[:dl.end].strip(), b.start) if dl.outlet else None
        date_start = b.start + dl.date_start if dl.date_text is not None and dl.date_start is not None else None
        return _DatelineFound(credit, dl.date_text, date_start)
    return None


def _masthead(doc: CleanDoc) -> Found | None:
    for b in doc.blocks:
        if b.kind == META and b.reason == REASON_MASTHEAD:
            s = _block_text(doc, b)
            return Found(" ".join(s.split()), s, _TEXT, start=b.start)
    return None


_COPYRIGHT_HOLDER_RE = regexes.compile(
    r"(?:©|\((?i:c)\)|(?i:copyright))\s*(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s*,?\s*)?"
    r"(?P<name>[A-Z][\w.&'’+ -]{1,40}?)\s*(?=[.,|©]\s|\s[-–—|]\s|\s+(?i:all\s+rights)|\s+(?:19|20)\d{2}|\.?$)")


_HOLDER_BEFORE_SIGN_RE = regexes.compile(r"^(?P<name>[A-Z][\w.&'’+-]*(?:\s[A-Z][\w.&'’+-]*){0,3})\s*©")


def _copyright_holder(doc: CleanDoc) -> Found | None:
    """The site named in its own copyright footer ("© 2023 Caucasus Herald. All rights reserved.")."""
    for b in reversed(doc.blocks):
        if b.kind != BOILERPLATE or b.reason != REASON_COPYRIGHT:
            continue
        s = _block_text(doc, b)
        for m in [*_COPYRIGHT_HOLDER_RE.finditer(s), *_HOLDER_BEFORE_SIGN_RE.finditer(s)]:
            name = m.group("name").strip(" -")
            if plausible_outlet(name) or looks_like_site_name(name):
                return Found(_canonical(name)[0], s, _TEXT, start=b.start)
    return None


def _resolve_outlet(doc: CleanDoc, hints: dict[str, Hint], dateline: _DatelineFound | None
                    ) -> tuple[Found | None, Found | None]:
    outlet = (_from_hint(_hint(hints, "outlet", outside=True))
              or _masthead(doc)
              or _from_hint(_hint(hints, "outlet", outside=False)))
    dateline_credit = dateline.outlet if dateline else None
    source_credits = [c for b in doc.blocks if b.kind == META and b.reason == REASON_SOURCE
                      if (c := _source_line_credit(doc, b)) is not None and (c.names_outlet or c.wire)]
    if outlet is None and dateline_credit is not None:
        outlet = Found(dateline_credit.name, dateline_credit.evidence, _TEXT, start=dateline_credit.start)
        dateline_credit = None
    if outlet is None:
        publisher = next((c for c in source_credits if not c.wire), None)
        if publisher is not None:
            outlet = Found(publisher.name, publisher.evidence, _TEXT, start=publisher.start)
            source_credits.remove(publisher)
    if outlet is None:
        outlet = _copyright_holder(doc)

    credits: list[_Credit] = []
    if dateline_credit is not None:
        credits.append(dateline_credit)
    credits += source_credits
    for b in doc.blocks:
        if b.kind == META and b.reason == REASON_WIRE:
            credits += _credits_in(_block_text(doc, b), b.start, tail_only=False)
    for b in [b for b in doc.blocks if b.kind == BODY][-2:]:
        credits += _credits_in(_block_text(doc, b), b.start, tail_only=True)
    return outlet, _syndicated(credits, outlet)


def _syndicated(credits: list[_Credit], outlet: Found | None) -> Found | None:
    taken = {outlet_key(str(outlet.value))} if outlet is not None else set()
    publishers: list[str] = []
    wires: list[str] = []
    evidence: list[tuple[int, str]] = []
    for c in credits:
        key = outlet_key(c.name)
        if not key or key in taken:
            continue
        taken.add(key)
        (wires if c.wire else publishers).append(c.name)
        if (c.start, c.evidence) not in evidence:
            evidence.append((c.start, c.evidence))
    if not publishers and not wires:
        return None
    if publishers and wires:
        value = f"{', '.join(publishers)} ({', '.join(wires)})"
    else:
        value = ", ".join(publishers or wires)
    evidence.sort()
    return Found(value, "; ".join(e for _, e in evidence), _TEXT, start=evidence[0][0])


# --------------------------------------------------------------------------
# Title
# --------------------------------------------------------------------------

_SITE_SUFFIX_RE = regexes.compile(r"^(?P<title>.+?)\s+(?:[-–—|]|::)\s+(?P<site>[^-–—|]{2,60})$")
_MARKDOWN_HEADING_RE = regexes.compile(r"^#{1,6}\s+")


def strip_site_suffix(title: str, outlet: str | None = None) -> str:
    """Drop a trailing " - Site Name" / " | Site Name" from a headline."""
    title = _MARKDOWN_HEADING_RE.sub("", " ".join(title.split()))
    m = _SITE_SUFFIX_RE.match(title)
    if not m:
        return title
    site = m.group("site").strip()
    if len(site.split()) > 5:
        return title
    if (lookup_outlet(site) is not None or looks_like_site_name(site)
            or (outlet and outlet_key(site) == outlet_key(outlet))):
        return m.group("title").strip()
    return title


def _title(doc: CleanDoc, hints: dict[str, Hint], outlet: Found | None) -> Found | None:
    outlet_name = str(outlet.value) if outlet is not None else None
    found = _from_hint(_hint(hints, "title", outside=True))
    if found is not None:
        return found
    html = _from_hint(_hint(hints, "title", outside=False))
    if html is not None:
        html.value = strip_site_suffix(str(html.value), outlet_name)
        return html
    for b in doc.blocks:
        if b.kind == TITLE:
            s = _block_text(doc, b)
            return Found(strip_site_suffix(s, outlet_name), s, _TEXT, start=b.start)
    return None


# --------------------------------------------------------------------------
# Publication date
# --------------------------------------------------------------------------

_WEEKDAY_NAMES = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "Tuesday (9/4/2024)": evidence includes the weekday and brackets.
_CANDIDATE_RE = regexes.compile(
    rf"(?:(?P<label>{PUBLISHED_LABEL})\s*)?(?:{_WEEKDAY_NAMES}\s*\(\s*(?P<stamped>{DATE_PATTERN})\s*\)"
    rf"|(?P<date>{DATE_PATTERN}))")
_UPDATE_LABEL_RE = regexes.compile(r"(?i:updated|last|modified)")
_LEAD_STAMP_RE = regexes.compile(rf"(?P<stamp>{_WEEKDAY_NAMES}\s*\(\s*(?P<date>{DATE_PATTERN})\s*\))")
_NUMERIC_DATE_RE = regexes.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.]\d{4}(?![\d/.])")
# What every match of _NUMERIC_DATE_RE contains; a pattern starting with a digit
# is scanned fast, one starting with a lookbehind is tried at every position.
_NUMERIC_DATE_CORE_RE = regexes.compile(r"\d[/.]\d{1,2}[/.]\d{4}")
_DATED_META_REASONS = (REASON_TIMESTAMP, REASON_BYLINE, REASON_DATELINE)


def _month_first(doc: CleanDoc, outlet: Found | None, hints: dict[str, Hint]) -> bool:
    """Are ambiguous numeric dates in this article month-first (US style)?"""
    header = [_block_text(doc, b) for b in doc.blocks if b.kind == META] + [
        _block_text(doc, b) for b in doc.blocks[:6] if b.kind == BODY]
    for s in header:
        if not _NUMERIC_DATE_CORE_RE.search(s):
            continue
        for a, b in _NUMERIC_DATE_RE.findall(s):
            if int(b) > 12 >= int(a):
                return True
            if int(a) > 12 >= int(b):
                return False
    if outlet is not None:
        entry = lookup_outlet(str(outlet.value))
        if entry is not None and entry.us:
            return True
    url = hints.get("url")
    return bool(url and _URL_HOST_RE.match(url.value) and
                _URL_HOST_RE.match(url.value).group("host").lower().endswith(".us"))


def _from_hint_date(hint: Hint | None, dayfirst: bool) -> Found | None:
    if hint is None:
        return None
    parsed = parse_timestamp(str(hint.value), dayfirst=dayfirst)
    if parsed is None:
        return None
    source = hint.source if hint.source in _OUTSIDE_SOURCES else _TEXT
    return Found(parsed[0], hint.evidence, source, precision=parsed[1])


def _published(doc: CleanDoc, hints: dict[str, Hint], dateline: _DatelineFound | None,
               dayfirst: bool) -> Found | None:
    found = (_from_hint_date(_hint(hints, "published", outside=True), dayfirst)
             or _from_hint_date(_hint(hints, "published", outside=False), dayfirst))
    if found is not None:
        return found
    for b in doc.blocks:
        if b.kind != META or b.reason not in _DATED_META_REASONS:
            continue
        s = _block_text(doc, b)
        candidates = list(_CANDIDATE_RE.finditer(s))
        # "Updated ... | Published ..." on one line: the publication wins.
        candidates.sort(key=lambda m: bool(m.group("label") and _UPDATE_LABEL_RE.match(m.group("label"))))
        for m in candidates:
            parsed = parse_timestamp(m.group("date") or m.group("stamped"), dayfirst=dayfirst)
            if parsed is not None:
                return Found(parsed[0], m.group(0).strip(), _TEXT, parsed[1], b.start + m.start())
    if dateline is not None and dateline.date_text:
        parsed = parse_timestamp(dateline.date_text, dayfirst=dayfirst)
        if parsed is not None:
            return Found(parsed[0], dateline.date_text, _TEXT, parsed[1], dateline.date_start)
    for b in [b for b in doc.blocks if b.kind == BODY][:2]:
        s = _block_text(doc, b)
        m = _LEAD_STAMP_RE.search(s, 0, 400)
        if m:
            parsed = parse_timestamp(m.group("date"), dayfirst=dayfirst)
            if parsed is not None:
                return Found(parsed[0], m.group("stamp"), _TEXT, parsed[1], b.start + m.start())
    return None


# --------------------------------------------------------------------------

def extract_metadata(doc: CleanDoc, hints: dict[str, Hint] | None = None) -> ArticleMeta:
    hints = hints or {}
    dateline = _find_article_dateline(doc)
    outlet, syndicated = _resolve_outlet(doc, hints, dateline)
    dayfirst = not _month_first(doc, outlet, hints)
    return ArticleMeta(
        outlet=outlet,
        title=_title(doc, hints, outlet),
        published=_published(doc, hints, dateline, dayfirst),
        syndicated_from=syndicated,
        url=_from_hint(hints.get("url")),
    )
