"""Split a scraped article into blocks and decide which blocks are the article.

``clean_article(text)`` cuts the text into blocks (one per line, or one per
paragraph when the text is hard-wrapped) and gives each a kind:

* ``body``        article text; everything downstream reads only these;
* ``title``       the headline at the top;
* ``caption``     photo captions and credits;
* ``meta``        lines *about* the article: timestamps, bylines, datelines,
                  mastheads, ``Source: X`` and wire-credit lines, "Highlights:"
                  summaries (``analysis.metadata`` reads these);
* ``boilerplate`` page furniture: share/comment widgets, footers, related-links
                  lists and their timestamps, hashtags, editor initials ...;
* ``duplicate``   a paragraph repeated from (or contained in) an earlier one.

The rules lean towards keeping text as body: a long sentence-like paragraph
stays body even when it mentions a date or the word "source"; only short,
non-sentence lines are taken by the positional rules (headers, related lists,
footers). The word lists live in ``data/boilerplate.toml`` and
``data/outlets.toml``.

The date and dateline patterns and the outlet lexicon are shared with
``analysis.metadata`` and defined here, so that "this line is only a timestamp"
and "this is the timestamp" use the same definition.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.document import Block, CleanDoc
from analysis.phrases import trie_pattern

from . import regexes
from .datafiles import read_toml

DATA_DIR = Path(__file__).resolve().parent / "data"

BODY, TITLE, CAPTION, BOILERPLATE, DUPLICATE, META = (
    "body", "title", "caption", "boilerplate", "duplicate", "meta")

# Reasons of the meta blocks that analysis.metadata reads.
REASON_TIMESTAMP = "timestamp"
REASON_BYLINE = "byline"
REASON_DATELINE = "dateline"
REASON_SOURCE = "source line"
REASON_WIRE = "wire credit"
REASON_MASTHEAD = "masthead"
REASON_SUMMARY = "summary that repeats the body"

REASON_COPYRIGHT = "copyright footer"
REASON_RELATED = "related-links list"
REASON_DATED_LINK = "dated link outside the article"


def _load_toml(name: str) -> dict:
    return read_toml(DATA_DIR / name)


_BOILERPLATE = _load_toml("boilerplate.toml")
_OUTLET_DATA = _load_toml("outlets.toml")


# --------------------------------------------------------------------------
# Outlet lexicon
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class OutletName:
    name: str  # canonical spelling
    wire: bool  # a news agency whose copy other outlets carry
    us: bool  # month-first numeric dates


def outlet_key(name: str) -> str:
    return " ".join(name.strip().strip("/").strip().rstrip(".:").lower().split())


def _build_outlet_index() -> dict[str, OutletName]:
    us = {outlet_key(n) for n in _OUTLET_DATA.get("us_outlets", [])}
    index: dict[str, OutletName] = {}
    for table, wire in (("outlets", False), ("wire_agencies", True)):
        for canonical, aliases in _OUTLET_DATA.get(table, {}).items():
            entry = OutletName(canonical, wire, outlet_key(canonical) in us)
            for spelling in [canonical, *aliases]:
                index.setdefault(outlet_key(spelling), entry)
    return index


_OUTLET_INDEX = _build_outlet_index()
MEDIA_WORDS = frozenset(w.lower() for w in _OUTLET_DATA.get("media_words", []))
SECTION_WORDS = frozenset(w.lower() for w in _OUTLET_DATA.get("section_words", []))
NOT_OUTLETS = frozenset(outlet_key(w) for w in _OUTLET_DATA.get("not_outlets", []))
# seconds east of UTC, for dateutil's tzinfos
TIMEZONE_OFFSETS: dict[str, int] = {
    k: int(round(float(v) * 3600)) for k, v in _OUTLET_DATA.get("timezones", {}).items()}


def lookup_outlet(name: str) -> OutletName | None:
    return _OUTLET_INDEX.get(outlet_key(name))


_DOMAIN_RE = regexes.compile(
    r"^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|am|az|ru|by|ge|ua|kz|info|news|de|fr|uk|co|io|tv|eu)$",
    re.I)


def _is_acronym(word: str) -> bool:
    w = word.strip(".,/()")
    return len(w) >= 2 and w.isupper() and any(c.isalpha() for c in w)


def plausible_outlet(name: str, *, in_parentheses: bool = False, strict: bool = False) -> bool:
    """Could ``name``, found where a dateline names its source, be an outlet?

    Known outlets pass. Otherwise the name must look like one: an acronym
    ("CNBC Indonesia", "APA"), a media word ("Caucasus Herald") or a domain;
    in parentheses ("MOSCOW (Interfax) -") any short capitalised name will do.
    ``strict`` (an all-caps dateline, where "YEREVAN, TEXAS" style place names
    look like acronyms) accepts known outlets only.
    """
    key = outlet_key(name)
    if not key or key in NOT_OUTLETS or _MONTH_OR_DAY_RE.fullmatch(name.strip(" .")):
        return False
    if lookup_outlet(name):
        return True
    if strict:
        return False
    words = name.split()
    if not words or len(words) > 4 or not words[0][:1].isupper():
        return False
    if _DOMAIN_RE.match(key):
        return True
    if any(_is_acronym(w) for w in words) or any(w.lower() in MEDIA_WORDS for w in words):
        return True
    return in_parentheses and len(words) <= 3 and all(w[:1].isupper() for w in words)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

def _cased(words: list[str]) -> str:
    # Title case and upper case only: lower-case "may"/"march"/"sun" are words.
    forms = []
    for w in words:
        forms += [w, w.upper()]
    return trie_pattern(forms)


_MONTH = r"(?:%s)\.?" % _cased([
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec"])
_WEEKDAY = r"(?:%s)\.?" % _cased([
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun"])
_MONTH_OR_DAY_RE = regexes.compile(rf"{_MONTH}|{_WEEKDAY}")
_TZ_NAMES = trie_pattern(k for k in TIMEZONE_OFFSETS if len(k) > 1)
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
_TZ = rf"(?:\s*\(?(?:{_TZ_NAMES})(?:\s*[+-]\d{{1,2}}(?::?\d{{2}})?)?\)?|\s*[+-]\d{{2}}:?\d{{2}})?"
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD = r"\d{4}/\d{1,2}/\d{1,2}"
_NUMERIC = r"\d{1,2}[./-]\d{1,2}[./-]\d{4}"
_DMY = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
_MDY = rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
_MY = rf"{_MONTH},?\s+\d{{4}}"
DATE_CORE = rf"(?:{_ISO}|{_YMD}|{_NUMERIC}|{_DMY}|{_MDY}|{_MY})"
# A calendar date with a year, optionally with weekday, time and zone.
DATE_PATTERN = (
    rf"(?<![\w/.:-])(?:{_WEEKDAY},?\s+)?(?:{_TIME}{_TZ}\s*,?\s*)?{DATE_CORE}"
    rf"(?:(?:\s*,?\s*(?:at\s+)?|\s*[|/-]\s*){_TIME}{_TZ})?(?![\w/])"
)
DATE_RE = regexes.compile(DATE_PATTERN)
# Dates without a year, clock times and "3 hours ago": enough to call a short
# line "dated", never enough to date an article.
_LOOSE_DATE_RE = regexes.compile(
    rf"{DATE_PATTERN}|\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}(?!\w)|(?<![\d:]){_TIME}(?![\d:])"
    r"|\b\d+\s*(?i:min|mins|minutes?|h|hrs?|hours?|days?|weeks?)\s+(?i:ago)\b|\b(?i:yesterday|today)\b,?\s+\d{1,2}:\d{2}"
)
PUBLISHED_LABEL = (
    r"(?i:first\s+published|originally\s+published|published|posted|updated|last\s+updated|"
    r"last\s+modified|modified|created|released|date|dated|time)(?:\s+(?i:on|at))?\s*:?"
)
_MAX_DATE_LABEL_WORDS = 4
_LABEL_WORDS_RE = regexes.compile(rf"{PUBLISHED_LABEL}|(?i:\bon\b|\bat\b|\blocal time\b|\bGMT\b|\bUTC\b)")


# Every date pattern needs a digit, every full date a four-digit year: a cheap
# search for those proves most lines dateless before the slow patterns run.
_DIGIT_RE = regexes.compile(r"\d")
_FOUR_DIGITS_RE = regexes.compile(r"\d{4}")


def has_date(s: str) -> bool:
    return _DIGIT_RE.search(s) is not None and _LOOSE_DATE_RE.search(s) is not None


def _date_dominated(s: str) -> bool:
    """A date with at most a short label: "Politics | 14 Nov 2023", not "Vote set for June 20"."""
    if not has_date(s):
        return False
    rest = _LABEL_WORDS_RE.sub(" ", _LOOSE_DATE_RE.sub(" ", s))
    return sum(1 for w in _SEPARATORS_RE.split(rest) if any(c.isalpha() for c in w)) <= _MAX_DATE_LABEL_WORDS


# --------------------------------------------------------------------------
# Datelines
# --------------------------------------------------------------------------

_CAP_WORD = r"[A-ZÀ-ÞĀ-Ž][\w'’.\-]*"
_CITY = rf"{_CAP_WORD}(?:[ \-]{_CAP_WORD}){{0,2}}"
_NAME = r"[A-Z0-9][\w.&'’+/\-]*(?:\s+[A-Z0-9][\w.&'’+/\-]*){0,3}"
_DAY_PART = rf"(?:{_WEEKDAY},?\s+)?(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}})(?:,?\s+\d{{4}})?"
_DASH = r"[-–—]+"

# (style, pattern, strings of which a match contains one): the patterns
# backtrack through the capitalised words of every paragraph start, an ``in``
# test is much cheaper.
_DATELINE_PATTERNS = [
    # MOSCOW (Reuters) -   /   YEREVAN, Nov 14 (Reuters) -   /   MOSCOW. Nov 14 (Interfax) -
    ("paren", regexes.compile(
        rf"^(?P<city>{_CITY})(?P<date>[,.]\s*[^()\n]{{1,40}}?)?\s*"
        rf"\((?P<outlet>[^()\n]{{2,40}})\)\s*(?P<dash>{_DASH}|:)"), ("(",)),
    # MOSCOW, November 14. /TASS/.
    ("slash", regexes.compile(
        rf"^(?P<city>{_CITY})(?:[,.]\s*(?P<date>{_DAY_PART}))?\.?\s*/(?P<outlet>[A-Z][\w .\-]{{1,30}})/\.?"), ("/",)),
    # (Reuters) -
    ("paren", regexes.compile(rf"^\((?P<outlet>[^()\n]{{2,40}})\)\s*(?P<dash>{_DASH})"), ("(",)),
    # Jakarta, CNBC Indonesia –
    ("comma", regexes.compile(
        rf"^(?P<city>{_CITY}),\s*(?:(?P<date>{_DAY_PART}),\s*)?(?P<outlet>{_NAME})\s*(?P<dash>{_DASH})(?=\s|$)"),
     (",",)),
    # Baku, APA.   /   YEREVAN, NOVEMBER 14, ARMENPRESS.   /   BAKU, Azerbaijan, Nov. 14. Trend:
    ("comma", regexes.compile(
        rf"^(?P<city>{_CITY})(?:,\s*{_CAP_WORD})?(?:[,.]\s*(?P<date>{_DAY_PART}))?[,.]\s*"
        rf"(?P<outlet>{_NAME})(?P<dash>[.:])(?=\s|$)"), (",", ".")),
]
# A dateline without an outlet, alone on its line: "YEREVAN, 14 November 2023 —".
_PLAIN_DATELINE_RE = regexes.compile(
    rf"^{_CITY}(?:,\s*{_CAP_WORD})?(?:[,.]\s*(?:{DATE_PATTERN}|{_DAY_PART}))?\s*(?:{_DASH})?$")


@dataclass
class Dateline:
    end: int  # where the dateline ends in the string (after its dash)
    outlet: str | None
    outlet_start: int | None
    date_text: str | None
    date_start: int | None


def find_dateline(s: str) -> Dateline | None:
    """The dateline at the very start of ``s`` if it names an outlet."""
    for style, pattern, needed in _DATELINE_PATTERNS:
        m = any(x in s for x in needed) and pattern.match(s)
        if not m:
            continue
        outlet = m.group("outlet").strip()
        city = m.groupdict().get("city") or ""
        strict = style == "comma" and city.isupper() and len(city) > 2
        if not plausible_outlet(outlet, in_parentheses=style in ("paren", "slash"), strict=strict):
            continue
        date = m.groupdict().get("date")
        date_text = date.strip(" ,.") if date else None
        date_start = s.find(date_text, m.start("date")) if date_text else None
        outlet_start = m.start("outlet") + (len(m.group("outlet")) - len(m.group("outlet").lstrip()))
        return Dateline(m.end(), outlet, outlet_start, date_text or None, date_start)
    return None


# --------------------------------------------------------------------------
# Line rules
# --------------------------------------------------------------------------

_TERMINAL_RE = regexes.compile(r"[.!?…][\"'”’)\]»]*$")
_STATEMENT_END_RE = regexes.compile(r"[.…][\"'”’)\]»]*$")
_INNER_SENTENCE_BREAK_RE = regexes.compile(r"[.!?][\"'”’)\]»]*\s+[\"“‘(]?[A-Z]")
_MID_SENTENCE_END_RE = regexes.compile(r"[a-z]{2,}[.!?]\s+\S")
_ELLIPSIS_END_RE = regexes.compile(r"(?:\.\.\.|…)[\"'”’)\]»]*$")
_TRAILING_PUNCT = " \t:.|>»›-–—•·*"


def ends_sentence(s: str) -> bool:
    return _TERMINAL_RE.search(s) is not None


def _line_key(s: str, low: str | None = None) -> str:
    """The line as the line rules compare it; ``low`` is ``" ".join(s.lower().split())`` when the caller has it."""
    if low is None:
        low = " ".join(s.lower().split())
    return low.strip(_TRAILING_PUNCT).lstrip("•·*-–— ")


def _compile_rules():
    lines: dict[str, str] = {}
    patterns: list[tuple[re.Pattern, str]] = []
    phrases: list[tuple[str, str]] = []
    for rule in _BOILERPLATE.get("rule", []):
        reason = rule["reason"]
        for line in rule.get("lines", []):
            lines.setdefault(_line_key(line), reason)
        for p in rule.get("patterns", []):
            patterns.append((regexes.compile(p, re.I), reason))
        for p in rule.get("phrases", []):
            phrases.append((p.lower(), reason))
    return lines, patterns, regexes.compile(trie_pattern(p for p, _ in phrases)), dict(phrases)


_BP_LINES, _BP_PATTERNS, _BP_PHRASE_RE, _BP_PHRASE_REASON = _compile_rules()
# All the patterns in one: a line matching none of them (nearly every line) is
# settled by one search instead of one per pattern. (The patterns hold no group
# references, which the joining would renumber.)
_BP_ANY_PATTERN_RE = regexes.compile("|".join(f"(?:{p.pattern})" for p, _ in _BP_PATTERNS), re.I)
# Each phrase from its first space on ("share this post on" -> " this post on"):
# a line holding none of these holds no phrase. The regex engine jumps from space
# to space here, where the phrases themselves must be tried at every letter.
_BP_PHRASE_TAIL_RE = regexes.compile(trie_pattern(p[p.index(" "):] if " " in p else p for p in _BP_PHRASE_REASON))
_MAX_PHRASE_WORDS = int(_BOILERPLATE.get("max_phrase_words", 40))
_RELATED_LABELS = frozenset(_line_key(x) for x in _BOILERPLATE.get("related_labels", []))
_RELATED_PREFIXES = tuple(x.lower() for x in _BOILERPLATE.get("related_prefixes", []))
_SUMMARY_RE = regexes.compile(
    r"^(?:%s)\s*[:\-–—]" % "|".join(re.escape(x) for x in _BOILERPLATE.get("summary_labels", [])), re.I)

# A line that is only tags (and a script/style body): "<script>...</script>", "<div class=x>".
_MARKUP_LINE_RE = regexes.compile(r"^(?:<(script|style|noscript)\b[^>]*>.*?</\1\s*>|</?[a-zA-Z][^<>]*>\s*)+$", re.S | re.I)
_HASHTAG_LINE_RE = regexes.compile(r"^#[^\W_][\w-]*(?:[\s,]+#[^\W_][\w-]*)*$")
_PAREN_INITIALS_RE = regexes.compile(r"^\(\s*([A-Za-z]{2,10})(?:\s*/\s*[A-Za-z]{2,6})+\s*\)$|^\(\s*([a-z]{2,4})\s*\)$")
_COPYRIGHT_RE = regexes.compile(r"(?:\(c\)\s|copyright\b)", re.I)
_FOOTER_WORDS_RE = regexes.compile(r"\b(?:19|20)\d{2}\b|rights|privacy|terms|reserved|cookie", re.I)
_CAPTION_START_RE = regexes.compile(
    r"^[(\[]?\s*(?:photos?|images?|pictures?|pictured|photograph|illustration|illustrative\s+(?:photo|image)|"
    r"file\s+photo|cover\s+photo|main\s+photo|featured\s+image|videos?|foto|caption|pic|photo\s+credit)"
    r"\s*(?:by\b|credit\b|courtesy\b)?\s*[:.|/\-–—(]", re.I)
_PHOTO_AGENCY_CREDITS = ["Getty Images", "Shutterstock", "AP Photo", "AFP Photo", "Reuters Photo", "EPA-EFE",
                         "Sipa USA", "Pool via REUTERS", "via REUTERS", "Sputnik via"]
# (credit pattern, strings of which its match contains one): most lines lack
# them, and a search for them is much cheaper than the pattern's own search.
_CAPTION_END_RES = [
    (regexes.compile(r"(?:^|[.!?)\]]\s+|\s[-–—|/]\s*)(?i:photos?|images?|pictures?|photograph|credit|foto|pic)\s*"
                r"(?i:by|credit|courtesy(?:\s+of)?)?\s*[:：]\s*[^.!?]{1,60}[.)]?$"), (":", "：")),
    (regexes.compile(r"\((?i:via\s+)?(?:(?i:photo)\s*(?i:by|:)\s*)?[A-Z][A-Za-z.&\- ]{1,40}/[^()]{1,60}\)\.?$"), ("/",)),
    (regexes.compile(r"\((?i:photos?|images?|pictures?)\s*(?i:by|:|credit:?)[^()]{1,80}\)\.?$"), ("(",)),
    (regexes.compile(r"\b(?:%s)\b[^.]{0,60}\)?\.?$" % "|".join(_PHOTO_AGENCY_CREDITS)), _PHOTO_AGENCY_CREDITS),
    (regexes.compile(r"\b(?:REUTERS|AFP|AP|EPA|TASS|SPUTNIK|ANADOLU|XINHUA|RIA NOVOSTI)\s*/\s*[A-Z][\w .'\-]{1,40}\)?\.?$"), ("/",)),
]
# Every string any credit needs, in one search: most lines hold none of them.
_CAPTION_MARK_RE = regexes.compile(trie_pattern(sorted({x for _, needed in _CAPTION_END_RES for x in needed})))
_CAPTION_END_RES = [(p, regexes.compile(trie_pattern(needed))) for p, needed in _CAPTION_END_RES]
_CREDIT_TAIL = 160
_SOURCE_LINE_RE = regexes.compile(r"^(?i:source|sources|quelle|источник|fuente)\s*:\s*(?P<value>\S.{0,80})$")
# "(According to TASS, Reuters)", "(with inputs from PTI)": names the copy's origin.
CREDIT_PAREN_RE = regexes.compile(
    r"\(\s*(?i:according\s+to|sources?\s*:|via|with\s+(?:inputs?\s+|reporting\s+)?from|based\s+on|from)\s+"
    r"(?P<names>[^()]{2,80})\)")
_WIRE_ONLY_STRIP_RE = regexes.compile(
    r"(?i:\bwith\b|\band\b|\bby\b|\bagencies\b|\bwires?\b|\bsources?\b)|[()\[\],;:&+/—–]|(?:^|\s)-(?=\s|$)")
_BYLINE_RE = regexes.compile(
    r"^(?i:by|written\s+by|author|authors|reporter|text|reporting\s+by|words\s+by)\s*:?\s+"
    r"[A-ZÀ-ÞĀ-Ž][\w'’.\-]+(?:\s+[A-ZÀ-ÞĀ-Ž][\w'’.\-]+){1,3}(?:\s*$|\s*[|,•·–—\-]|\s+(?:and|in|for)\b)")
# "(Reporting by A; Editing by B)", "Jane Roe in Yerevan contributed to this report."
_STAFF_CREDIT_RE = regexes.compile(
    r"[(\[]?\s*(?i:(?:additional\s+)?reporting|writing|editing|compiled|translated|produced|fact-checked)\s+by\b")
_CONTRIBUTED_RE = regexes.compile(r"(?i:contributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article))\W*$")
_BREADCRUMB_ROOTS = frozenset({"home", "homepage", "main", "main page", "start", "news", "index"})
_MENU_SPLIT_RE = regexes.compile(r"\s*(?:\||•|·|»|›|\s>\s|\s/\s)\s*")
_TZ_NAME_RE = regexes.compile(rf"\b(?:{_TZ_NAMES})\b")
_SEPARATORS_RE = regexes.compile(r"[\s|,•·/()\[\]:;.\-–—]+")


def _is_timestamp_line(s: str) -> bool:
    """Only a date (with label, time, zone): "Published: 14 November 2023 10:31"."""
    if not _FOUR_DIGITS_RE.search(s) or not DATE_RE.search(s):
        return False
    rest = _LABEL_WORDS_RE.sub(" ", DATE_RE.sub(" ", s))
    rest = _TZ_NAME_RE.sub(" ", rest)
    return _SEPARATORS_RE.sub("", rest) == ""


_WIRE_NAMES_SPLIT_RE = regexes.compile(r",|\band\b|&")


def _is_wire_only_line(s: str) -> bool:
    """"(With AFP, Reuters)", "— Reuters", "By AFP": only agency names."""
    if len(s.split()) > 8:
        return False
    parts = [p.strip() for p in _WIRE_NAMES_SPLIT_RE.split(_WIRE_ONLY_STRIP_RE.sub(",", s)) if p.strip()]
    if not parts:
        return False
    return all((o := lookup_outlet(p)) is not None and o.wire for p in parts)


def _is_caption(s: str, words: int) -> bool:
    if _CAPTION_START_RE.match(s):
        return True
    if words > 80:
        return False
    tail_from = max(0, len(s) - _CREDIT_TAIL)  # credits sit at the very end
    if _CAPTION_MARK_RE.search(s, tail_from) is None:
        return False
    for pattern, needed in _CAPTION_END_RES:
        if needed.search(s, tail_from) and pattern.search(s, tail_from):
            return True
    return False


def _is_menu(s: str) -> bool:
    # Without a separator the line is one part, never a menu.
    if ends_sentence(s) or _MENU_SPLIT_RE.search(s) is None:
        return False
    parts = [p for p in _MENU_SPLIT_RE.split(s) if p]
    # Short parts first: a cheaper test than has_date, and it rules out most lines.
    if not all(len(p.split()) <= 3 for p in parts) or has_date(s):
        return False
    # "Home / Politics" is a breadcrumb; "Armenia | Russia" alone could be anything.
    return len(parts) >= 3 or (len(parts) == 2 and parts[0].lower() in _BREADCRUMB_ROOTS)


def looks_like_site_name(s: str) -> bool:
    """A masthead such as "The Limited Times", "Caucasus Herald", "news.am"."""
    s = s.strip()
    if lookup_outlet(s) is not None:
        return True
    words = s.split()
    if not words or len(words) > 5 or ends_sentence(s) or s.endswith((":", ",")):
        return False
    if len(words) == 1 and _DOMAIN_RE.match(s):
        return True
    if not all(w[:1].isupper() or w[:1].isdigit() for w in words):
        return False
    lower = [w.lower().strip(".,") for w in words]
    # One word ("World", "Politics") is a section label unless the outlet is known.
    if len(words) < 2 or lower[0] in SECTION_WORDS:
        return False
    return lower[-1] in MEDIA_WORDS or (lower[0] in MEDIA_WORDS and len(words) <= 3)


@dataclass
class _Line:
    start: int
    end: int
    s: str
    words: int
    ends_sentence: bool
    kind: str = BODY
    reason: str = ""
    opens_related_list: bool = False
    opens_footer: bool = False
    norm: str = ""  # the line as compared for duplicates: _normalise(s)

    def paragraph_like(self) -> bool:
        # A single sentence ending in "?" or "!" is more likely a headline.
        if self.kind != BODY:
            return False
        if self.words >= 30:
            return True
        return self.words >= 12 and self.ends_sentence and (
            _STATEMENT_END_RE.search(self.s) is not None or _INNER_SENTENCE_BREAK_RE.search(self.s) is not None)


_BODY_LINE = (BODY, "", False, False)
# A letter or digit: str.isalnum's characters, which are \w's without "_".
_ALNUM_RE = regexes.compile(r"[^\W_]")


# A pure function of the line, cached: page furniture (share widgets, footers,
# bylines, related-links labels) recurs word for word across a corpus.
@lru_cache(maxsize=16384)
def _line_facts(s: str) -> tuple[int, bool, tuple[str, str, bool, bool], str]:
    """(words, ends_sentence, line rules, duplicate key) of a line: one lower-casing
    and split serve the word count, the rules' line key and the duplicate key."""
    low_words = s.lower().split()
    # Lower-casing never makes or removes a space (tests/test_clean_speed2.py):
    # as many words as s.split().
    words = len(low_words)
    low = " ".join(low_words)
    ends = ends_sentence(s)
    return words, ends, _line_rules(s, words, low, ends), _duplicate_key(s, low)


def _line_rules(s: str, words: int, low: str | None = None, ends: bool | None = None) -> tuple[str, str, bool, bool]:
    """(kind, reason, opens_related_list, opens_footer) of a line with ``words`` words;
    ``low`` (``" ".join(s.lower().split())``) and ``ends`` (``ends_sentence(s)``) when the caller has them."""
    key = _line_key(s, low)
    if ends is None:
        ends = ends_sentence(s)
    if _ALNUM_RE.search(s) is None:
        return BOILERPLATE, "punctuation line", False, False
    if _MARKUP_LINE_RE.match(s):
        return BOILERPLATE, "HTML markup", False, False
    if _HASHTAG_LINE_RE.match(s):
        return BOILERPLATE, "hashtag line", False, False
    m = _PAREN_INITIALS_RE.match(s)
    if m:
        first = m.group(1) or m.group(2)
        agency = lookup_outlet(first)
        if agency is not None and agency.wire:
            return META, REASON_WIRE, False, False
        return BOILERPLATE, "editor initials", False, False
    if _SUMMARY_RE.match(s):
        return META, REASON_SUMMARY, False, False
    if key in _RELATED_LABELS:
        return BOILERPLATE, REASON_RELATED, True, False
    if key.startswith(_RELATED_PREFIXES) and not ends:
        return BOILERPLATE, "related link", False, False
    if key in _BP_LINES:
        return BOILERPLATE, _BP_LINES[key], False, False
    if words <= 40 and ("©" in s or _COPYRIGHT_RE.match(s)):
        if words <= 8 and not _FOOTER_WORDS_RE.search(s):
            return CAPTION, "photo credit", False, False
        return BOILERPLATE, REASON_COPYRIGHT, False, True
    if _BP_ANY_PATTERN_RE.search(s):
        for pattern, reason in _BP_PATTERNS:
            if pattern.search(s):
                return BOILERPLATE, reason, False, False
    if words <= _MAX_PHRASE_WORDS:
        low = s.lower()
        m = _BP_PHRASE_TAIL_RE.search(low) and _BP_PHRASE_RE.search(low)
        if m:
            return BOILERPLATE, _BP_PHRASE_REASON[m.group(0)], False, False
    if _is_caption(s, words):
        return CAPTION, "photo caption", False, False
    m = _SOURCE_LINE_RE.match(s)
    if m and len(m.group("value").split()) <= 8:
        return META, REASON_SOURCE, False, False
    m = CREDIT_PAREN_RE.search(s)
    if m and not s[m.end():].strip() and len(s[:m.start()].split()) <= 5:
        # "Huyen Le (According to TASS, Reuters)": a byline with its credit.
        return META, REASON_WIRE, False, False
    if words <= 8 and _is_wire_only_line(s):
        return META, REASON_WIRE, False, False
    if words <= 20 and _BYLINE_RE.match(s) or words <= 40 and (
            _STAFF_CREDIT_RE.match(s) or _CONTRIBUTED_RE.search(s, max(0, len(s) - 80))):
        return META, REASON_BYLINE, False, False
    if words <= 15 and _is_timestamp_line(s):
        return META, REASON_TIMESTAMP, False, False
    if words <= 12:
        dl = find_dateline(s)
        if (dl is not None and not s[dl.end:].strip(" -–—:.")) or _PLAIN_DATELINE_RE.match(s) and has_date(s):
            return META, REASON_DATELINE, False, False
    if not ends and _is_menu(s):  # a menu never ends a sentence
        return BOILERPLATE, "navigation menu", False, False
    return _BODY_LINE


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------

_LINE_RE = regexes.compile(r"[^\n]+")


def _line_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, follows_blank_line) of every non-blank line, whitespace trimmed."""
    spans = []
    prev_end = -1
    for m in _LINE_RE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = m.start() + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        gap = text[prev_end:m.start()] if prev_end >= 0 else ""
        spans.append((start, end, prev_end >= 0 and gap.count("\n") > 1 or bool(gap.strip())))
        prev_end = m.end()
    return spans


def _merge_hard_wrapped(text: str, spans: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """Join lines of hard-wrapped paragraphs (text broken at a fixed width).

    A line counts as wrapped when it reaches close to the text's widest line and
    the next line follows it without a blank line; short lines (headlines,
    bylines) never reach the width and stay blocks of their own.
    """
    plain = [(s, e) for s, e, _ in spans]
    if len(spans) < 4:
        return plain
    width = max(e - s for s, e, _ in spans)
    if width > 120 or width < 40:
        return plain
    near = [(e - s) >= 0.75 * width for s, e, _ in spans]
    joined = [near[i] and not spans[i + 1][2] for i in range(len(spans) - 1)]
    if sum(joined) < 3 or sum(near) < 0.4 * len(spans):
        return plain
    blocks: list[tuple[int, int]] = []
    cur_start = spans[0][0]
    for i, (s, e, _) in enumerate(spans):
        if i + 1 < len(spans) and joined[i]:
            continue
        blocks.append((cur_start, e))
        if i + 1 < len(spans):
            cur_start = spans[i + 1][0]
    return blocks


_QUOTE_VARIANTS = (("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'), ("»", '"'), ("‘", "'"), ("’", "'"), ("`", "'"))


def _normalise(s: str) -> str:
    if not s.isascii():  # str.replace is much faster than str.translate with a dict
        for variant, plain in _QUOTE_VARIANTS:
            s = s.replace(variant, plain)
    return " ".join(s.lower().split())


def _duplicate_key(s: str, low: str) -> str:
    """``_normalise(s)``, given ``low = " ".join(s.lower().split())``: the same
    unless a quotation mark had to be made plain first."""
    if s.isascii():
        return low
    plain = s
    for variant, mark in _QUOTE_VARIANTS:
        plain = plain.replace(variant, mark)
    return low if plain == s else " ".join(plain.lower().split())


def clean_article(text: str) -> CleanDoc:
    spans = _merge_hard_wrapped(text, _line_spans(text))
    lines = []
    for start, end in spans:
        s = text[start:end]
        words, ends, (kind, reason, opens_list, opens_footer), norm = _line_facts(s)
        lines.append(_Line(start, end, s, words, ends, kind, reason, opens_list, opens_footer, norm))
    _mark_lists_and_footer(lines)
    first_paragraph = next((i for i, ln in enumerate(lines) if ln.paragraph_like()), len(lines))
    _mark_header(lines[:first_paragraph])
    _mark_dated_links(lines[first_paragraph:])
    _mark_duplicates(lines)
    return CleanDoc(text, [Block(ln.start, ln.end, ln.kind, ln.reason) for ln in lines])


def _mark_lists_and_footer(lines: list[_Line]) -> None:
    """Related-links lists and page footers swallow the short lines after them.

    A list only opens once the article has started (a label such as "Latest"
    above the headline is a menu item, not a list) and ends at the next real
    paragraph; a footer opened by a copyright line keeps taking short lines.
    """
    article_started = False
    in_list = in_footer = False
    for ln in lines:
        if ln.opens_footer:
            in_footer = True
            continue
        if ln.opens_related_list:
            in_list = article_started
            continue
        if in_footer and ln.words <= 40 and ln.kind in (BODY, TITLE, META):
            ln.kind, ln.reason = BOILERPLATE, "page footer"
            continue
        if in_list:
            if ln.ends_sentence and ln.words >= 4 and not (ln.words <= 20 and has_date(ln.s)):
                in_list = False
            else:
                ln.kind, ln.reason = BOILERPLATE, REASON_RELATED
                continue
        if ln.paragraph_like():
            article_started = True


def _mark_header(header: list[_Line]) -> None:
    """Masthead, teaser/tagline, section labels and the headline above the first paragraph."""
    title_found = False
    for i, ln in enumerate(header):
        if ln.kind != BODY:
            continue
        if not title_found and i < 4 and looks_like_site_name(ln.s):
            ln.kind, ln.reason = META, REASON_MASTHEAD
        elif _ELLIPSIS_END_RE.search(ln.s) and ln.words <= 15:
            ln.kind, ln.reason = BOILERPLATE, "site tagline or teaser"
        elif ln.words <= 12 and not ln.ends_sentence and _date_dominated(ln.s):
            ln.kind, ln.reason = META, REASON_TIMESTAMP
        elif ln.words <= 2 and not ln.ends_sentence:
            ln.kind, ln.reason = BOILERPLATE, "section label"
        elif not title_found and i < 8 and _is_title_candidate(ln):
            ln.kind, ln.reason = TITLE, "headline"
            title_found = True


def _is_title_candidate(ln: _Line) -> bool:
    if not 3 <= ln.words <= 30 or len(ln.s) > 250:
        return False
    last = ln.s.rstrip("\"'”’)]» ")[-1:]
    return (last not in (".", ",", ";", ":", "…") and not ln.s.startswith(("(", "-", "•", "*"))
            and not _MID_SENTENCE_END_RE.search(ln.s))


def _mark_dated_links(lines: list[_Line]) -> None:
    # A short dated line that is not a sentence, once the article has begun, is a
    # link or archive stamp ("News/Politics 2024-03-19T05:10:05Z"); bare
    # timestamps were already taken as meta by the line rules.
    for ln in lines:
        if ln.kind == BODY and ln.words <= 12 and not ln.ends_sentence and _date_dominated(ln.s):
            ln.kind, ln.reason = BOILERPLATE, REASON_DATED_LINK


_NORM_SENTENCE_BREAK_RE = regexes.compile(r"[.!?][\"')\]]*\s+")
_PREFIX = 30


def _mark_duplicates(lines: list[_Line]) -> None:
    """Repeated paragraphs, and paragraphs contained in an earlier one.

    Containment is looked up from sentence starts (a repeated excerpt starts
    where a sentence starts), which keeps this linear on very long pages.
    """
    seen: set[str] = set()
    sentence_starts: dict[str, list[tuple[str, int]]] = {}
    for ln in lines:
        if ln.kind not in (BODY, TITLE):
            continue
        norm = ln.norm
        if ln.kind == BODY:
            # Very short lines ("He said no.") may legitimately recur.
            if norm in seen and ln.words >= 4 and len(norm) >= 20:
                ln.kind, ln.reason = DUPLICATE, "repeats an earlier paragraph"
                continue
            earlier = sentence_starts.get(norm[:_PREFIX])
            if earlier and len(norm) >= 40 and ln.words >= 6 and any(src.startswith(norm, pos) for src, pos in earlier):
                ln.kind, ln.reason = DUPLICATE, "contained in an earlier paragraph"
                continue
            for pos in [0, *(m.end() for m in _NORM_SENTENCE_BREAK_RE.finditer(norm))]:
                sentence_starts.setdefault(norm[pos:pos + _PREFIX], []).append((norm, pos))
        seen.add(norm)
