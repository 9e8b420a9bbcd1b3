"""Dates in news text: find them, resolve them, and bound an undated article's publication.

Three steps, used by the pipeline to say *when a statement was made*:

``find_date_mentions(text)``
    Every date expression in ``text`` as a :class:`DateMention`: absolute dates
    ("November 14, 2023", "14 November 2023", "23/5/2023", "2023-05-22",
    "in October 2023", "late 2022"), partial ones without a year ("on March 13",
    "(22 May)", "in January", "mid-March"), weekdays ("on Monday", "said Tuesday"),
    relative phrases ("last month", "yesterday", "earlier this year", "two weeks
    ago", "in January of this year") and anaphoric ones that point back to a date
    given earlier ("at the time", "the same day", "at the same press conference",
    "he said then"). Each mention says whether the text looks *forward* to it
    ("scheduled for November 23", "will meet on Friday", "next week"): such a date
    is not when the statement was made.

``resolve_date_mention(m, reference, precision, previous)``
    Turns a mention into ``(UTC timestamp, precision)`` against the article's
    reference date (its publication date, or the inferred lower bound below).

``infer_reference_date(mentions)``
    For an article with no publication date: the latest past date it reports is
    a lower bound on when it was written.

Precision vocabulary is ``day | month | year``. A week or a weekend has no word of
its own: such periods resolve to the month they (mostly) fall in, with precision
``month``. When a value cannot be known the functions return ``None`` rather than
a guess.

One regex, compiled at import, finds every mention; word lists live in
``data/date_words.toml``.
"""
from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from . import regexes
from .datafiles import loads_toml
from .phrases import trie_pattern

__all__ = [
    "DateMention",
    "find_date_mentions",
    "resolve_date_mention",
    "infer_reference_date",
    "resolve_year_less",
]


@dataclass
class DateMention:
    start: int  # offsets in the text passed to find_date_mentions
    end: int
    text: str  # the matched expression, e.g. "on March 13", "last month"
    kind: str  # absolute | partial | weekday | relative | anaphoric
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None  # 0 = Monday
    precision: str  # day | month | year: what the expression itself can pin
    offset: dict | None  # steps and qualifiers, e.g. {"months": -1}, {"years": 0, "part": "earlier"},
    # {"part": "late"} for "late 2022", {"range_end": 2022} for "2020-2022"
    future: bool  # the text anticipates the date ("scheduled for", "will", "next week")
    bound: str | None = None  # since | after | until | by | before: the date is an edge of a period,
    # not the time of the event ("since September 2022", "by 2030")


# ----------------------------------------------------------------------------------------------------------
# Word lists

_WORDS = loads_toml((Path(__file__).parent / "data" / "date_words.toml").read_text(encoding="utf-8"))

_MONTHS: dict[str, int] = dict(_WORDS["months"])
_MONTH_ABBR: dict[str, int] = dict(_WORDS["month_abbreviations"])
_WEEKDAYS: dict[str, int] = dict(_WORDS["weekdays"])
_WEEKDAY_ABBR: dict[str, int] = dict(_WORDS["weekday_abbreviations"])
_NUMBERS: dict[str, int] = dict(_WORDS["numbers"])
_VAGUE = set(_WORDS["vague_numbers"]["words"])
_PREPOSITIONS: dict[str, str] = dict(_WORDS["prepositions"])
_PARTS: dict[str, str] = dict(_WORDS["parts"])
_SEASONS: list[str] = list(_WORDS["seasons"]["words"])
_DEICTIC: dict[str, int] = dict(_WORDS["deictic"])
_RELATIVE_PARTS: dict[str, str] = dict(_WORDS["relative_parts"])
_RELATIVE_PHRASES: dict[str, dict] = dict(_WORDS["relative_phrases"])
_ANAPHORIC: dict[str, dict] = dict(_WORDS["anaphoric_phrases"])
_EVENTS: list[str] = list(_WORDS["anaphoric_events"]["words"])
_SPEECH_VERBS: list[str] = list(_WORDS["speech_verbs"]["words"])
_FUTURE_BEFORE: list[str] = list(_WORDS["future_cues"]["before"])
_FUTURE_AFTER: list[str] = list(_WORDS["future_cues"]["after"])
_FUTURE_CANCEL: list[str] = list(_WORDS["future_cues"]["cancel"])

# Bounds after which a date may still lie in the future: never evidence of when an article was written.
_DEADLINE_BOUNDS = {"until", "by", "before"}


def _forms(words, cased: bool) -> set[str]:
    """How the words appear in running text. Month/weekday names (``cased``) only capitalised
    ('March', 'MARCH', never 'march': the verb 'may'); other words lower case or sentence-initial."""
    out = set()
    for w in words:
        if cased:
            out |= {w.capitalize(), w.upper()}
        else:
            out |= {w, w[:1].upper() + w[1:]}
    return out | {f.replace("'", "’") for f in out if "'" in f}


def _alt(words, cased: bool = False) -> str:
    """A regex matching any of the words, built as a trie.

    Python's regex engine tries alternatives one by one but skips a branch in one step when its
    first character is a literal that does not match; factoring common prefixes keeps the
    combined date regex fast (flat case-insensitive alternations made it ~2.7x slower). Greedy
    optional tails make longer phrases win ("at the time" over "at"). A space in a phrase
    matches any run of whitespace.
    """
    forms = sorted(_forms(words, cased))  # the trie is the same in any order; sorted, its digest is too
    return regexes.memo("date_alt", forms, lambda: _alt_trie(forms), code=[__name__])


def _alt_trie(forms: list[str]) -> str:
    tree: dict = {}
    for w in forms:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else "(?:" + body + ")?"
        return body

    return "(?:" + build(tree) + ")"


def _words_key(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").split())


# ----------------------------------------------------------------------------------------------------------
# The one regex

_MONTH = _alt(_MONTHS, cased=True)
# A month word; the full stop belongs to it only after an abbreviation ("Nov. 14"), never after "March."
_MONTH_TOKEN = rf"(?:{_alt(_MONTH_ABBR, cased=True)}(?!\w)\.?|{_MONTH}(?!\w))"
_WD = _alt(_WEEKDAYS, cased=True)
_WD_ANY = _alt(list(_WEEKDAYS) + list(_WEEKDAY_ABBR), cased=True)
_PREP = _alt(_PREPOSITIONS)
# "a total of 2000", "at 1900 hours", "on 2020 figures": these prepositions take counts, not years.
_YEAR_PREP = _alt(p for p in _PREPOSITIONS if p not in ("of", "at", "on"))
_PART = _alt(_PARTS)
_DEIC = _alt(_DEICTIC)
_REL_PART = _alt(_RELATIVE_PARTS)
_NUM = rf"(?:{_alt(_NUMBERS)}|\d{{1,2}})"
_YEAR4 = r"(?:19|20)\d\d"
_ORD = r"(?:st|nd|rd|th)?"

_FULL = rf"""
(?P<F>
  (?:(?P<f_prep>{_PREP})\s+)?
  (?:(?P<f_part>{_PART})(?:\s+|-|\s*-\s*))?
  (?:(?P<f_deic>{_DEIC})\s+)?
  (?:(?P<f_wd>{_WD_ANY})\.?(?:\s*,\s*|\s*(?P<f_par>\()\s*|\s+))?
  (?:
      (?P<f_iy>{_YEAR4})(?P<f_isep>[-/])(?P<f_im>\d\d?)(?P=f_isep)(?P<f_id>\d\d?)(?!\d)
    | (?P<f_n1>\d\d?)(?P<f_nsep>[./-])(?P<f_n2>\d\d?)(?P=f_nsep)(?P<f_ny>{_YEAR4})(?!\d)
    | (?P<f_am>{_MONTH_TOKEN})(?:\s+|(?<=\.))(?:the\s+)?(?P<f_ad>\d\d?){_ORD}(?![\d:.,]\d)(?!\w)
        (?:\s*,?\s*(?P<f_ay>{_YEAR4})(?!\d))?
    | (?:the\s+)?(?P<f_bd>\d\d?){_ORD}\s+(?:of\s+)?(?P<f_bm>{_MONTH_TOKEN})
        (?:\s*,?\s*(?P<f_by>{_YEAR4})(?!\d))?
    | (?P<f_mm>{_MONTH_TOKEN})(?:\s*,?\s+(?:of\s+)?(?P<f_my>{_YEAR4})(?!\d))?
  )
  (?(f_par)\s*\))
  (?P<f_tail>\s*,?\s+(?:of\s+)?(?P<f_rel>{_alt(['this', 'last', 'next'])})\s+year(?!\w))?
)"""

_YEAR_ONLY = rf"""
(?P<Y>
  (?:(?P<y_prep>{_YEAR_PREP})\s+(?:the\s+(?:year\s+)?)?)?
  (?:(?P<y_part>{_PART})(?:\s+|-|\s*-\s*))?
  (?:(?:{_alt(["the"])}\s+)?(?P<y_season>{_alt(_SEASONS)})(?:\s+of)?\s+)?
  (?P<y_y>(?:1[89]|20)\d\d)(?!\d)
  (?:\s*(?:-|–|—|/|\s(?:to|and|until|through)\s)\s*(?P<y_end>(?:1[89]|20)\d\d|\d\d)(?!\d))?
  (?!s\b|\s*(?:%|percent|per\s+cent)|[.,:]\d)
)"""

_RELATIVE = rf"""
(?P<R>
  (?:(?P<r_prep>{_PREP})\s+)?
  (?:
      (?P<r_phrase>{_alt(_RELATIVE_PHRASES)})(?!\w)
    | (?:(?P<r_part>{_REL_PART})\s+)?(?<![Tt]he\s)(?P<r_deic>{_DEIC})\s+(?P<r_unit>week(?:end)?|month|year)(?!\w)
    | (?P<r_n>{_NUM})\s+(?P<r_nunit>days?|weeks?|months?|years?)\s+(?P<r_dir>ago|earlier|later|before|after)(?!\w)
  )
)"""

_WEEKDAY = rf"""
(?P<W>
  (?:(?P<w_prep>{_PREP})\s+)?
  (?:(?P<w_deic>{_DEIC})\s+)?
  (?P<w_wd>{_WD})(?!\w)(?:['’]s)?
  (?:\s+(?P<w_tod>morning|afternoon|evening|night))?
)"""

_ANAPHORA = rf"""
(?P<A>
    (?P<a_phrase>{_alt(_ANAPHORIC)})(?!\w)
  | (?P<a_same>{_alt(['at', 'during', 'in', 'on'])}\s+the\s+same\s+{_alt(_EVENTS)})(?!\w)
  | {_alt(_SPEECH_VERBS)}\s+(?P<a_then>then)(?![\w‐-])
)"""


def _first_words(*lists) -> set[str]:
    return {re.split(r"[\s-]", w, maxsplit=1)[0] for words in lists for w in words}


# Every mention starts at a word start (the lookbehind rejects positions inside words in one step)
# with one of these words, a digit or "(": the gate rejects most other words after a few character
# comparisons, before the engine walks the alternatives below (2.5x faster than without it).
_GATE = (
    r"(?=[\d(]|"
    + _alt(_first_words(_MONTHS, _MONTH_ABBR, _WEEKDAYS, _WEEKDAY_ABBR), cased=True)
    + "|"
    + _alt(_first_words(_PREPOSITIONS, _PARTS, _DEICTIC, _RELATIVE_PARTS, _NUMBERS, _RELATIVE_PHRASES,
                        _ANAPHORIC, _SPEECH_VERBS, _SEASONS, ["the", "at", "during", "in", "on"]))
    + r"(?![\w]))"
)


def _words_of(*lists) -> set[str]:
    return {w for words in lists for phrase in words for w in re.split(r"[\s-]+", phrase) if w}


# Most gate words ("the", "in", "of", "a") start no mention, and the engine spends microseconds finding that out.
# A mention holds an anchor (a number, a month or weekday name, or a word naming a time) and reaches its first one
# through date words only, separated by white space or hyphens: "in the end of 2020", "at the time"; or it is a
# verb of saying with "then". The run lookahead checks that word by word, so "the government" or "in the
# country" fail at their second word. It must know every word the patterns above can put before an anchor:
# the word lists and the literals "the", "of" and "year". A relative or anaphoric phrase naming no time
# ("back then" names "then") lends its last word.
_TIME_WORDS = {"day", "days", "week", "weeks", "weekend", "month", "months", "year", "years", "same", "then"}
_TIME_WORDS |= {re.split(r"[\s-]+", p)[-1] for p in (*_RELATIVE_PHRASES, *_ANAPHORIC)
                if not _TIME_WORDS & _words_of([p])}
_DATE_WORDS = _words_of(_PREPOSITIONS, _PARTS, _DEICTIC, _RELATIVE_PARTS, _NUMBERS, _RELATIVE_PHRASES, _ANAPHORIC,
                        _SEASONS, ["the", "of", "year"])
_ANCHOR_RUN = (
    rf"(?=(?:{_alt(_DATE_WORDS)}(?!\w)[\s-]+)*?"
    rf"(?:[\d(]|(?:{_alt(_words_of(_MONTHS, _MONTH_ABBR, _WEEKDAYS, _WEEKDAY_ABBR), cased=True)}|{_alt(_TIME_WORDS)})"
    rf"(?!\w))|{_alt(_SPEECH_VERBS)}\s+then)"
)
_DATE_BODY = rf"(?:{_FULL}|{_YEAR_ONLY}|{_RELATIVE}|{_WEEKDAY}|{_ANAPHORA})"
_DATE_RE = regexes.compile(rf"(?<![\w.,/-]){_GATE}{_ANCHOR_RUN}{_DATE_BODY}", re.VERBOSE)
# _DATE_RE without its lookbehind: matched at a position the caller has checked.
_DATE_AT_RE = regexes.compile(rf"{_GATE}{_ANCHOR_RUN}{_DATE_BODY}", re.VERBOSE)
_BEFORE_CHAR_RE = regexes.compile(r"[^\w.,/-]")


def _trie(forms, first_suffix: str = "") -> str:
    """A prefix tree of exactly ``forms`` (``trie_pattern``), with ``first_suffix`` put after each first character."""
    rest_of: dict[str, list[str]] = {}
    for w in forms:
        rest_of.setdefault(w[0], []).append(w[1:])
    branches = [re.escape(ch) + first_suffix + trie_pattern(rest) for ch, rest in sorted(rest_of.items())]
    return "(?:" + (branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")") + ")"


# Every mention reaches an anchor (_ANCHOR_RUN): a digit, "(", a month or weekday name, a word naming a time, or
# the "then" after a verb of saying; at the mention's start or after white space or a hyphen, so never right after
# a word character. Anchors are rare, and a pattern that opens with a character class or with literal characters
# only lets the engine skip in C to the next possible first character; the "(?<!\w.)" after that character checks
# what comes before it. Searching for anchors and then for the mention's start just before each one replaces a
# search that ran the gate at every space.
_ANCHOR_FORMS = sorted(_forms(_words_of(_MONTHS, _MONTH_ABBR, _WEEKDAYS, _WEEKDAY_ABBR), cased=True)
                       | _forms(_TIME_WORDS, cased=False) | {"then"})
_DIGIT_ANCHOR_RE = regexes.compile(r"[\d(](?<!\w.)")
_WORD_ANCHOR_RE = regexes.compile(_trie(_ANCHOR_FORMS, r"(?<!\w.)"))
# Between a mention's start and its anchor lie only date words, each a whole word, joined by white space or hyphens
# (before "then", also a verb of saying). Read backwards from the anchor (on the reversed text), this gives the
# earliest start.
_RUN_FORMS = sorted(_forms(_DATE_WORDS, cased=False))
_THEN_RUN_FORMS = sorted(set(_RUN_FORMS) | _forms({w for p in _SPEECH_VERBS for w in re.split(r"[\s-]+", p) if w},
                                                   cased=False))
_RUN_BACK_RE = regexes.compile(rf"(?:[\s-]+{_trie(sorted(f[::-1] for f in _RUN_FORMS))}(?!\w))*")
_THEN_RUN_BACK_RE = regexes.compile(rf"(?:[\s-]+{_trie(sorted(f[::-1] for f in _THEN_RUN_FORMS))}(?!\w))*")
# The reasoning above holds only for words made of word characters, and, for a verb of saying of several words
# ("pointed out"), only if no anchor is found at the start of a word after its first; any other lists fall back to
# the plain search.
_SPARSE_SEARCH = (all(re.fullmatch(r"\w+", w) for w in [*_ANCHOR_FORMS, *_THEN_RUN_FORMS])
                  and not any(_DIGIT_ANCHOR_RE.match(w) or _WORD_ANCHOR_RE.match(w)
                              for p in _forms(_SPEECH_VERBS, cased=False) for w in re.split(r"[\s-]+", p)[1:]))
# What a mention opening with a digit starts with: a year ("2023-05-22", "2020"), a day or count before a separator
# ("23/5/2023", "14th of May", "two" written "2 days ago"). Most numbers in news ("300 people", "3.3 percent") are
# thus rejected before the mention patterns run; valid while no listed word starts with a digit.
_DIGIT_START_RE = regexes.compile(r"\D|(?:1[89]|20)\d\d|\d\d?(?:[./-]|(?:st|nd|rd|th)?\s)")
_NO_DIGIT_WORDS = not any(re.match(r"\d", w) for name in (
    "months", "month_abbreviations", "weekdays", "weekday_abbreviations", "numbers", "prepositions", "parts",
    "deictic", "relative_parts", "relative_phrases", "anaphoric_phrases") for w in _WORDS[name]) and not any(
    re.match(r"\d", w) for w in [*_SEASONS, *_EVENTS, *_SPEECH_VERBS])
# The engine tries a pattern that opens with a lookbehind at every position of the text; one that opens with a
# character class skips to the next such character in C. So the search looks for the character the lookbehind
# allows before a mention, with the lookaheads of _DATE_RE, and the mention itself is matched right after it.
_BEFORE_DATE_RE = regexes.compile(rf"[^\w.,/-](?={_GATE}{_ANCHOR_RUN})")
_DATE_BODY_RE = regexes.compile(_DATE_BODY, re.VERBOSE)
# A punctuation mark before white space, or a quotation mark or line break anywhere. Written to open with a
# character class, so the search skips in C to the next candidate mark.
_CLAUSE_END = regexes.compile(r"[.!?;:\"“”«»\n](?:\s|(?<=[\"“”«»\n]))")
_FUTURE_BEFORE_RE = regexes.compile(rf"(?<![\w'’]){_alt(_FUTURE_BEFORE)}(?!\w)|['’]ll(?!\w)")
_FUTURE_AFTER_RE = regexes.compile(rf"(?<![\w'’]){_alt(_FUTURE_AFTER)}(?!\w)|['’]ll(?!\w)")
_SPEECH_RE = regexes.compile(rf"(?<!\w){_alt(_SPEECH_VERBS + _FUTURE_CANCEL)}(?!\w)")
_SENTENCE_START = regexes.compile(r"^[\s\"“”'‘’(\[–—-]*$")

_CONTEXT = 90  # characters looked at around a mention for future cues


# ----------------------------------------------------------------------------------------------------------
# Finding


def find_date_mentions(text: str) -> list[DateMention]:
    """All date expressions in ``text``, in order, non-overlapping.

    Only expressions that are dates by their form count: a month name, a weekday,
    a four-digit year after a preposition or a qualifier ("in 2020", "late 2022",
    "since 1992"), a full numeric date ("23/5/2023", "2023-05-22"), or a listed
    relative/anaphoric phrase. Bare numbers never become days: "Article 4",
    "5.5 percent", "COVID-19", "9/11" are not dates.

    A year range ("2020-2022", "from 2020 to 2022", "between 2020 and 2022") is
    one mention dated at its start (when the period began) with the end kept in
    ``offset["range_end"]``; infer_reference_date uses the end, since the
    article was written after the whole period.

    Numeric dates are read day-first (as most of the world writes them) unless
    the numbers only fit month-first, or a weekday next to them fits only the
    month-first reading ("Monday (6/5/2023)" -> 5 June 2023).
    """
    out = []
    for m in _date_matches(text):
        # The branch groups are the outermost ones, so the last group closed names the branch; the match is read
        # by group name (m["f_prep"]) rather than through a groupdict of all sixty groups.
        branch = m.lastgroup
        if branch == "F":
            dm = _full(m, m)
        elif branch == "Y":
            dm = _year_only(m, m)
        elif branch == "R":
            dm = _relative(m, m)
        elif branch == "W":
            dm = _weekday(m, m)
        else:
            dm = _anaphoric(m, m)
        if dm is None:
            continue
        if not dm.future and dm.kind != "anaphoric":
            dm.future = _looks_forward(text, dm.start, dm.end)
        out.append(dm)
    return out


def _date_matches_plain(text: str):
    """What ``_DATE_RE.finditer(text)`` yields, found faster (see _BEFORE_DATE_RE)."""
    m = _DATE_RE.match(text)  # at the start of the text no character comes before a mention
    pos = 0
    while True:
        if m is not None:
            yield m
            # A mention may end in a character another one may follow ("(22 May)"): search from that character.
            pos = m.end() - 1
        before = _BEFORE_DATE_RE.search(text, pos)
        if before is None:
            return
        pos = before.end()
        m = _DATE_BODY_RE.match(text, pos)


def _date_matches_by_anchor(text: str):
    """What ``_DATE_RE.finditer(text)`` yields, trying the mention patterns only just before anchors.

    ``lo`` is the first position a mention may start at: finditer goes on from where a mention ends, and the
    character a mention ends in may come before the next one ("(22 May)"). A mention starting at or after ``lo``
    reaches an anchor at or after ``lo``; the first such anchor lies within its run of date words or is its own
    anchor, so the mention starts between the run's start and that anchor. When none does, the next one starts
    after the anchor.
    """
    n = len(text)
    reversed_text = None
    digit_at = word_at = -1  # the next anchor of each kind at or after lo (n: none); -1: not searched yet
    lo = 0
    while True:
        if digit_at < lo:
            a = _DIGIT_ANCHOR_RE.search(text, lo)
            digit_at = a.start() if a is not None else n
        if word_at < lo:
            a = _WORD_ANCHOR_RE.search(text, lo)
            word_at = a.start() if a is not None else n
        anchor = digit_at if digit_at < word_at else word_at
        if anchor == n:
            return
        if reversed_text is None:
            reversed_text = text[::-1]
        run_back = _THEN_RUN_BACK_RE if text.startswith("then", anchor) else _RUN_BACK_RE
        first = n - run_back.match(reversed_text, n - anchor).end()
        m = None
        if first == 0 and lo == 0:
            m = _DATE_RE.match(text)  # at the start of the text no character comes before a mention
        pos = max(lo, first, 1) - 1
        while m is None:
            before = _BEFORE_CHAR_RE.search(text, pos, anchor)
            if before is None:
                break
            pos = before.end()
            if pos != digit_at or _DIGIT_START_RE.match(text, pos):
                m = _DATE_AT_RE.match(text, pos)
        if m is None:
            lo = anchor + 1
        else:
            yield m
            lo = m.end()


_date_matches = _date_matches_by_anchor if _SPARSE_SEARCH and _NO_DIGIT_WORDS else _date_matches_plain


def _mention(m, kind, year=None, month=None, day=None, weekday=None, precision="day", offset=None,
             future=False, bound=None, span=None) -> DateMention:
    s, e = span if span is not None else m.span()
    return DateMention(s, e, m.string[s:e], kind, year, month, day, weekday, precision, offset, future, bound)


def _valid(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    # Without a year, the longest the month ever is (2000 is a leap year): "Sept. 31" is no date.
    return day <= calendar.monthrange(year or 2000, month)[1]


def _bound(prep: str | None) -> str | None:
    return _PREPOSITIONS.get(_words_key(prep)) or None if prep else None


def _full(m, g) -> DateMention | None:
    dm = _full_date(m, g)
    if dm is None and g["f_wd"]:
        # "on Monday, May said ...", "on Friday, Jan Kubiš ...": not a date after all, but the weekday is.
        weekday = _WEEKDAYS.get(g["f_wd"].lower())
        if weekday is not None:
            dm = _mention(m, "weekday", weekday=weekday, bound=_bound(g["f_prep"]), span=(m.start(), m.end("f_wd")))
    return dm


def _full_date(m, g) -> DateMention | None:
    weekday = None
    if g["f_wd"]:
        key = g["f_wd"].lower()
        weekday = _WEEKDAYS.get(key, _WEEKDAY_ABBR.get(key))
    part = _PARTS.get(_words_key(g["f_part"])) if g["f_part"] else None
    year = month = day = None
    if g["f_iy"]:
        year, month, day = int(g["f_iy"]), int(g["f_im"]), int(g["f_id"])
    elif g["f_n1"]:
        year, a, b = int(g["f_ny"]), int(g["f_n1"]), int(g["f_n2"])
        readings = [(b, a), (a, b)]  # (month, day): day-first first
        readings = [(mo, d) for mo, d in readings if _valid(year, mo, d)]
        if weekday is not None:
            readings = [(mo, d) for mo, d in readings if date(year, mo, d).weekday() == weekday] or readings
        if not readings:
            return None
        month, day = readings[0]
    elif g["f_am"]:
        month, day = _month_number(g["f_am"]), int(g["f_ad"])
        year = int(g["f_ay"]) if g["f_ay"] else None
    elif g["f_bd"]:
        month, day = _month_number(g["f_bm"]), int(g["f_bd"])
        year = int(g["f_by"]) if g["f_by"] else None
    else:
        word = g["f_mm"]
        month = _month_number(word)
        year = int(g["f_my"]) if g["f_my"] else None
        if year is None:
            # A month alone is a date only in date position ("in January", "mid-March", "last May"),
            # and abbreviations never stand alone ("Jan" is a name).
            if word.rstrip(".").lower() in _MONTH_ABBR and word.rstrip(".").lower() not in _MONTHS:
                return None
            if not (g["f_prep"] or g["f_part"] or g["f_deic"]):
                return None
            if g["f_wd"]:
                return None
    if month is None or (day is not None and not _valid(year, month, day)):
        return None
    if year is not None and not 1900 <= year <= 2099:
        return None
    precision = "day" if day is not None else "month"
    offset = {"part": part} if part else None
    bound = _bound(g["f_prep"])
    if g["f_deic"] and year is None:
        step = _DEICTIC[_words_key(g["f_deic"])]
        offset = dict(offset or {}, occurrence=step)
        return _mention(m, "relative", None, month, day, weekday, precision, offset, future=step > 0, bound=bound)
    if g["f_rel"] and year is None:
        step = {"this": 0, "last": -1, "next": 1}[g["f_rel"].lower()]
        offset = dict(offset or {}, years=step)
        return _mention(m, "relative", None, month, day, weekday, precision, offset, future=step > 0, bound=bound)
    if g["f_rel"]:
        # "March 2023 this year" never happens; a year already given wins and the tail is not part of the date.
        return _mention(m, "absolute", year, month, day, weekday, precision, offset, bound=bound,
                        span=(m.start(), m.start("f_tail")))
    kind = "absolute" if year is not None else "partial"
    return _mention(m, kind, year, month, day, weekday, precision, offset, bound=bound)


def _month_number(word: str) -> int:
    key = word.rstrip(".").lower()
    return _MONTHS.get(key) or _MONTH_ABBR[key]


def _year_only(m, g) -> DateMention | None:
    if not (g["y_prep"] or g["y_part"] or g["y_season"]):
        return None
    year = int(g["y_y"])
    if year > 2099:
        return None
    offset: dict = {}
    if g["y_part"]:
        offset["part"] = _PARTS[_words_key(g["y_part"])]
    if g["y_season"]:
        offset["season"] = g["y_season"].lower()
    span = None
    if g["y_end"]:
        end = g["y_end"]
        end_year = int(end) if len(end) == 4 else year // 100 * 100 + int(end)
        if year < end_year <= year + 50:
            offset["range_end"] = end_year
        else:  # "2023-12", "in 2020 and 15 other years": not a range; keep the first year only
            span = (m.start(), m.end("y_y"))
    return _mention(m, "absolute", year, None, None, None, "year", offset or None,
                    bound=_bound(g["y_prep"]), span=span)


def _relative(m, g) -> DateMention | None:
    bound = _bound(g["r_prep"])
    if g["r_phrase"]:
        spec = _RELATIVE_PHRASES[_words_key(g["r_phrase"])]
        if g["r_phrase"].lower() == "today" and m.string[max(0, m.start("r_phrase") - 7):m.start("r_phrase")] == "Russia ":
            return None  # the broadcaster "Russia Today"
        if "weeks" in spec:  # "over the weekend"
            offset = {"weeks": spec["weeks"], "weekend": bool(spec.get("weekend"))}
            return _mention(m, "relative", precision="month", offset=offset, future=bool(spec.get("future")),
                            bound=bound)
        return _mention(m, "relative", precision="day", offset={"days": spec.get("days", 0)},
                        future=bool(spec.get("future")), bound=bound)
    if g["r_deic"]:
        step = _DEICTIC[_words_key(g["r_deic"])]
        unit = g["r_unit"].lower()
        offset: dict = {("weeks" if unit == "weekend" else unit + "s"): step}
        if unit == "weekend":
            offset["weekend"] = True
        part = _RELATIVE_PARTS.get(_words_key(g["r_part"])) if g["r_part"] else None
        if part:
            offset["part"] = part
        future = step > 0 or (step == 0 and part == "later")
        precision = "year" if unit == "year" else "month"
        return _mention(m, "relative", precision=precision, offset=offset, future=future, bound=bound)
    word = _words_key(g["r_n"])
    n = int(word) if word.isdigit() else _NUMBERS[word]
    unit = g["r_nunit"].lower().rstrip("s") + "s"
    direction = g["r_dir"].lower()
    sign = 1 if direction in ("later", "after") else -1
    if direction != "ago" and unit == "weeks":
        unit, n = "days", 7 * n  # "a week later" is a point in time: seven days after the date before
    offset = {unit: sign * n}
    if word in _VAGUE:
        offset["approx"] = True
    precision = {"days": "day", "weeks": "month", "months": "month", "years": "year"}[unit]
    if offset.get("approx") and precision == "day":
        precision = "month"
    if direction == "ago":
        return _mention(m, "relative", precision=precision, offset=offset, bound=bound)
    # "two days later", "a week earlier": counted from the date given before, not from publication.
    return _mention(m, "anaphoric", precision=precision, offset=offset, bound=bound)


def _weekday(m, g) -> DateMention | None:
    weekday = _WEEKDAYS[g["w_wd"].lower()]
    offset = None
    future = False
    if g["w_deic"]:
        step = _DEICTIC[_words_key(g["w_deic"])]
        if step:
            offset = {"weeks": step}
            future = step > 0
    return _mention(m, "weekday", weekday=weekday, precision="day", offset=offset, future=future,
                    bound=_bound(g["w_prep"]))


def _anaphoric(m, g) -> DateMention | None:
    if g["a_then"]:
        return _mention(m, "anaphoric", precision="day", span=m.span("a_then"))
    if g["a_same"]:
        return _mention(m, "anaphoric", precision="day")
    spec = _ANAPHORIC[_words_key(g["a_phrase"])]
    if spec.get("skip"):
        return None
    offset = {k: spec[k] for k in ("days", "weeks", "months", "years") if k in spec}
    unit = spec.get("unit")
    if unit:
        offset["unit"] = unit
    precision = {"week": "month", "month": "month", "year": "year"}.get(unit, "day")
    return _mention(m, "anaphoric", precision=precision, offset=offset or None)


def _looks_forward(text: str, start: int, end: int) -> bool:
    """Does the clause around the date anticipate it ("scheduled for ...", "will meet on ...")?

    Looks back within the clause for a future cue not followed by a verb of saying (which would
    make the date the time of that saying: "will visit Moscow, he said on Monday"), and, for a
    date opening a sentence, ahead for "will"/"is scheduled" before any verb of saying.
    """
    lo = max(0, start - _CONTEXT)
    before = text[lo:start]
    cut = None
    for cut in _CLAUSE_END.finditer(before):
        pass
    if cut is not None:
        before = before[cut.end():]
    cue = None
    for cue in _FUTURE_BEFORE_RE.finditer(before):
        pass
    if cue is not None and not _SPEECH_RE.search(before, cue.end()):
        return True
    if _SENTENCE_START.match(before) and (cut is not None or lo == 0):
        after = text[end:end + _CONTEXT]
        stop = _CLAUSE_END.search(after)
        if stop is not None:
            after = after[:stop.start()]
        cue = _FUTURE_AFTER_RE.search(after)
        if cue is not None and not _SPEECH_RE.search(after, 0, cue.start()):
            return True
    return False


# ----------------------------------------------------------------------------------------------------------
# Resolving


@functools.lru_cache(maxsize=1 << 14)
def _utc(y: int, m: int = 1, d: int = 1) -> pd.Timestamp:
    # Building a Timestamp takes microseconds and articles resolve the same few days again and again;
    # a Timestamp is immutable, so one object can be handed out to every caller.
    return pd.Timestamp(year=y, month=m, day=d, tz="UTC")


def _truncate(ts: pd.Timestamp, precision: str) -> pd.Timestamp:
    if precision == "year":
        return _utc(ts.year)
    if precision == "month":
        return _utc(ts.year, ts.month)
    return _utc(ts.year, ts.month, ts.day)


def _period_end(ts: pd.Timestamp, precision: str) -> date:
    if precision == "year":
        return date(ts.year, 12, 31)
    if precision == "month":
        return date(ts.year, ts.month, calendar.monthrange(ts.year, ts.month)[1])
    return date(ts.year, ts.month, ts.day)


def _as_reference(reference, precision: str) -> tuple[pd.Timestamp, str] | None:
    if type(reference) is pd.Timestamp:  # every mention of an article resolves against the same reference
        return _timestamp_reference(reference, precision)
    if reference is None or pd.isna(reference):
        return None
    return _timestamp_reference(pd.Timestamp(reference), precision)


@functools.lru_cache(maxsize=1 << 10)
def _timestamp_reference(ts: pd.Timestamp, precision: str) -> tuple[pd.Timestamp, str] | None:
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    precision = {"second": "day", "published": "day"}.get(precision, precision)
    if precision not in ("day", "month", "year"):
        return None
    return _truncate(ts, precision), precision


def resolve_year_less(month: int, day: int | None, anchor: pd.Timestamp, *, precision: str = "day",
                      future: bool = False) -> pd.Timestamp:
    """The year-less date (``day`` None: the month) nearest the anchor on the right side of it.

    Past (the default, for what was said): the latest occurrence not after the anchor's period,
    i.e. the anchor's year unless that puts the date after the anchor (then the year before).
    With ``precision="month"`` an anchor of 2024-03 means "some day in March 2024", so
    "March 13" stays in 2024. ``future=True`` gives the earliest occurrence not before the anchor
    ("scheduled for November 23"). February 29 goes to the nearest leap year on that side.
    """
    anchor = pd.Timestamp(anchor)
    if precision not in ("day", "month", "year"):
        precision = "day"
    end = _period_end(anchor, precision)
    start = date(anchor.year, anchor.month if precision != "year" else 1, anchor.day if precision == "day" else 1)
    step = 1 if future else -1
    year = anchor.year
    for _ in range(9):
        if _valid(year, month, day or 1):
            first = date(year, month, day or 1)
            last = date(year, month, day or calendar.monthrange(year, month)[1])
            if (not future and first <= end) or (future and last >= start):
                return _utc(year, month, day or 1)
        year += step
    raise ValueError(f"no year fits month={month} day={day}")


def resolve_date_mention(m: DateMention, reference: pd.Timestamp | None, reference_precision: str = "day",
                         previous: tuple[pd.Timestamp, str] | None = None) -> tuple[pd.Timestamp, str] | None:
    """The date a mention stands for, as (UTC midnight / first of month / Jan 1, precision), or None.

    * absolute: as written ("late 2022" -> 2022, year; "2020-2022" -> 2020, year).
    * partial ("on March 13", "in January"): the reference's year unless that puts the date after
      the reference, then the year before (see resolve_year_less); forward for future mentions.
    * weekday ("on Monday"): the latest such day on or before a day-precise reference (the
      reference itself when it is that weekday); "last Monday" is strictly before, "next
      Monday"/future mentions on or after. A month-precise reference gives its month.
    * relative: "yesterday", "two days ago" -> day; "last month" -> the month before the
      reference; "last week"/"this weekend" -> the month the week (mostly) falls in;
      "this/last year" -> year; "in January of this year" -> that month of the reference year.
      The result is never more precise than the reference allows.
    * anaphoric ("at the time", "the same day", "a day later"): ``previous`` (the date last
      resolved before it in the article), stepped by the offset; None without one.
    """
    off = m.offset or {}
    if m.kind == "absolute":
        if m.year is None:
            return None
        return _utc(m.year, m.month or 1, m.day or 1), m.precision
    if m.kind == "anaphoric":
        return _step_previous(previous, off) if previous is not None else None
    ref = _as_reference(reference, reference_precision)
    if ref is None:
        return None
    ref_ts, ref_prec = ref
    if m.kind == "partial":
        if m.month is None:
            return None
        ts = resolve_year_less(m.month, m.day, ref_ts, precision=ref_prec, future=m.future)
        return ts, m.precision
    if m.kind == "weekday":
        return _resolve_weekday(m, ref_ts, ref_prec)
    if m.kind == "relative":
        return _resolve_relative(m, off, ref_ts, ref_prec)
    return None


def _coarsest(*precisions: str) -> str:
    order = {"day": 0, "month": 1, "year": 2}
    return max(precisions, key=order.__getitem__)


def _shift_months(ts: pd.Timestamp, months: int) -> pd.Timestamp:
    k = ts.year * 12 + ts.month - 1 + months
    return _utc(k // 12, k % 12 + 1)


def _month_of_range(a: date, b: date) -> pd.Timestamp:
    """The month holding the middle of [a, b]: where a week that straddles two months mostly lies."""
    mid = a + (b - a) // 2
    return _utc(mid.year, mid.month)


def _resolve_weekday(m: DateMention, ref_ts: pd.Timestamp, ref_prec: str):
    if ref_prec != "day":
        return _truncate(ref_ts, ref_prec), ref_prec
    ref = ref_ts.date()
    step = (m.offset or {}).get("weeks", 0)
    if step > 0 or m.future:
        delta = (m.weekday - ref.weekday()) % 7
        if step > 0 and delta == 0:
            delta = 7
        day = ref + timedelta(days=delta)
    else:
        delta = (ref.weekday() - m.weekday) % 7
        if step < 0 and delta == 0:
            delta = 7
        day = ref - timedelta(days=delta)
    return _utc(day.year, day.month, day.day), "day"


def _resolve_relative(m: DateMention, off: dict, ref_ts: pd.Timestamp, ref_prec: str):
    if m.month is not None:
        # "in January of this year", "March 13 last year", "last March", "next May"
        if "years" in off:
            year = ref_ts.year + off["years"]
            if m.day is not None and not _valid(year, m.month, m.day):
                return None
            return _utc(year, m.month, m.day or 1), m.precision
        occurrence = off.get("occurrence", 0)
        if occurrence < 0:  # strictly before the reference's month
            anchor = _truncate(ref_ts, "month") - pd.Timedelta(days=1)
            return resolve_year_less(m.month, m.day, anchor, precision="month"), m.precision
        if occurrence > 0:
            anchor = _shift_months(_truncate(ref_ts, "month"), 1)
            return resolve_year_less(m.month, m.day, anchor, precision="month", future=True), m.precision
        return resolve_year_less(m.month, m.day, ref_ts, precision=ref_prec, future=m.future), m.precision
    if "years" in off:
        return _utc(ref_ts.year + off["years"]), "year"
    if "months" in off:
        if ref_prec == "year":
            return _utc(ref_ts.year), "year"
        if off.get("approx"):
            return _utc(ref_ts.year), "year"
        return _shift_months(ref_ts, off["months"]), "month"
    if "weeks" in off:
        if ref_prec != "day":
            return _truncate(ref_ts, ref_prec), ref_prec
        a, b = _week_range(ref_ts.date(), off["weeks"], bool(off.get("weekend")), m.future)
        return _month_of_range(a, b), "month"
    if "days" in off:
        if ref_prec != "day":
            return _truncate(ref_ts, ref_prec), ref_prec
        day = ref_ts + pd.Timedelta(days=off["days"])
        if m.precision == "day":
            return day, "day"
        return _truncate(day, "month"), "month"
    return None


def _week_range(ref: date, step: int, weekend: bool, future: bool) -> tuple[date, date]:
    """The days a 'last/this/next week(end)' can mean, seen from the reference day (weeks start Monday)."""
    monday = ref - timedelta(days=ref.weekday())
    if weekend:
        on_weekend = ref.weekday() >= 5
        if step < 0:
            saturday = monday - timedelta(days=2)  # the weekend before this week (or before the current one)
        elif step > 0:
            saturday = monday + timedelta(days=12 if on_weekend else 5)
        elif on_weekend or future:
            saturday = monday + timedelta(days=5)
        else:
            saturday = monday - timedelta(days=2)  # "this weekend" in the past tense on a weekday: the one just gone
        return saturday, saturday + timedelta(days=1)
    if step == 0:
        return (ref, monday + timedelta(days=6)) if future else (monday, ref)
    first = monday + timedelta(days=7 * step)
    return first, first + timedelta(days=6)


def _step_previous(previous: tuple[pd.Timestamp, str], off: dict) -> tuple[pd.Timestamp, str] | None:
    ts, prec = previous
    if ts is None or pd.isna(ts) or prec not in ("day", "month", "year"):
        return None
    ts = pd.Timestamp(ts)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    cap = {"week": "month", "month": "month", "year": "year"}.get(off.get("unit"), "day")
    if off.get("approx"):
        cap = _coarsest(cap, "month")
    if "years" in off:
        p = _coarsest(prec, cap)
        return _truncate(_utc(ts.year + off["years"], ts.month), p), p
    if "months" in off:
        p = _coarsest(prec, cap, "month")
        return _truncate(_shift_months(ts, off["months"]), p), p
    if ("weeks" in off or "days" in off) and prec == "day":
        p = _coarsest(prec, cap)
        return _truncate(ts + pd.Timedelta(days=off.get("days", 0) + 7 * off.get("weeks", 0)), p), p
    # A step in days from a month- or year-precise date stays (almost surely) within it.
    p = _coarsest(prec, cap)
    return _truncate(ts, p), p


# ----------------------------------------------------------------------------------------------------------
# Inferring an article's reference date

_RECENT_MONTHS = 2  # how far back a year-less "said on March 13" can lie before the article's latest dated event


def _place_year_less(m: DateMention, latest: pd.Timestamp) -> pd.Timestamp:
    """Year for a past year-less date, given the latest year-bearing date L of the article.

    The article was written after L. A year-less date is the latest occurrence at or before L's
    month, unless that is a day ("on March 13") lying more than two months before L's month:
    a statement dated by day without a year is news of the last weeks, which cannot be the
    case if the article was written after an event months later; it is then the following
    occurrence. Month-only dates ("In January") are background and keep the earlier reading,
    which never raises the bound.
    """
    month_start = _truncate(latest, "month")
    ts = resolve_year_less(m.month, m.day, month_start, precision="month")
    if m.day is not None and ts < _shift_months(month_start, -_RECENT_MONTHS):
        year = ts.year + 1
        while not _valid(year, m.month, m.day):  # February 29
            year += 1
        ts = _utc(year, m.month, m.day)
    if m.weekday is not None and m.day is not None and date(ts.year, ts.month, ts.day).weekday() != m.weekday:
        # "Wednesday, March 13": the weekday picks the other reading when only that one fits it.
        for year in (ts.year + 1, ts.year - 1):
            if _valid(year, m.month, m.day) and date(year, m.month, m.day).weekday() == m.weekday:
                return _utc(year, m.month, m.day)
    return ts


def infer_reference_date(mentions: list[DateMention]) -> tuple[pd.Timestamp, str, str] | None:
    """A lower bound on when an undated article was written: (first of month, "month", evidence).

    An article is written after every past event it reports, so its latest explicit past date
    is a lower bound on publication; news reports their peg within days or weeks, so the month
    of that date is a good stand-in for the publication month (and is what relative phrases are
    resolved against). Only dates the text states are used: future ones ("scheduled for
    November 23"), deadlines ("by 2030", "until May 2024") and relative/weekday/anaphoric
    expressions (which need the reference themselves) are ignored.

    Year-less dates get their year from the latest year-bearing date L (see _place_year_less).
    A year-less *day* in a report ("Peskov said on March 13") is news of the last weeks; if
    its reading at or before L lies months before L, the article (written after L) cannot be
    weeks after it, so the date is the next occurrence: "in September 2023 ... said on
    March 13" -> 2024-03-13, the bound becomes March 2024. One close before L keeps L's year
    ("On November 14, 2023 ... on October 30" -> 2023-10-30). A year-less *month* ("In
    January, ...") is background and keeps the reading at or before L. A weekday given with
    the date ("Wednesday, March 13") picks the year when only one reading fits it.

    Year-only dates ("in 2020", "late 2022") are used only when the article has no month- or
    day-level date: they are the most often forward-looking ("elections in 2026"), and a
    year is a weak bound anyway; the result then has precision "year".

    Returns None when the article states no year at all: unknown is an answer, a guessed
    year is not.
    """
    usable = [m for m in mentions if not m.future and m.bound not in _DEADLINE_BOUNDS]
    dated = [(m, _utc(m.year, m.month, m.day or 1)) for m in usable
             if m.kind == "absolute" and m.year is not None and m.month is not None]
    if dated:
        latest_m, latest = max(dated, key=lambda p: (p[1], p[0].precision == "day"))
        best_m, best, via = latest_m, latest, None
        for m in usable:
            if m.kind == "partial" and m.month is not None:
                ts = _place_year_less(m, latest)
                if ts > best:
                    best_m, best, via = m, ts, latest_m
        evidence = f"latest dated event: '{best_m.text.strip()}'"
        if via is not None:
            evidence += f" (year from '{via.text.strip()}')"
        return _truncate(best, "month"), "month", evidence + "; the article was written on or after it"
    years = [(m, m.offset["range_end"] if m.offset and "range_end" in m.offset else m.year)
             for m in usable if m.kind == "absolute" and m.year is not None]
    if years:
        m, year = max(years, key=lambda p: p[1])
        return _utc(year), "year", f"latest year mentioned: '{m.text.strip()}'; the article was written in or after it"
    return None
