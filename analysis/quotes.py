"""Find direct quotations in a paragraph and tell statements from scare quotes.

``find_quotes`` pairs quotation marks of every common style — straight and curly
double quotes, « », „ “, and single quotes used as quote marks — and tolerates a
missing closing mark (the quote then runs to the end of the paragraph, as
newswriting does for quotes that continue in the next paragraph). Marks nested
inside a quotation are not top-level quotes.

``is_statement_quote`` decides whether a quoted string is someone's words or a
name / scare quote ("mini NATO", "Collective Security Treaty Organization").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import regexes
from .datafiles import read_toml

DATA = Path(__file__).parent / "data"


@dataclass
class QuoteSpan:
    start: int  # offset of the first character inside the marks
    end: int  # offset just past the last character inside the marks
    open_mark: str
    closed: bool  # False when the paragraph ended before a closing mark

    @property
    def outer(self) -> tuple[int, int]:
        """Span including the marks."""
        return self.start - 1, self.end + (1 if self.closed else 0)


_DOUBLE_OPEN = {"“": "”", "„": "“", "«": "»", "‹": "›", '"': '"', "”": "”"}
_OPENING_CONTEXT = set(" \t\n([{—–-/:;,") | {"\u00a0"}
_CLOSERS_AFTER = set(" \t\n)]},.;:!?—–-…") | {"\u00a0", "'", "’", '"', "”"}


def _can_open(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev in _OPENING_CONTEXT or prev in "«“‘\"'") and not nxt.isspace()


def _can_close(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not prev.isspace() and (nxt in _CLOSERS_AFTER or i + 1 >= len(text) or not nxt.isalnum())


_DOUBLE_MARKS_RE = regexes.compile("[" + re.escape("".join(sorted(set(_DOUBLE_OPEN) | set(_DOUBLE_OPEN.values()) | {'"', "”", "“"}))) + "]")


def _find_double(text: str, lo: int, hi: int) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    i = lo
    open_at = -1
    open_mark = ""
    close_mark = ""
    # Only quotation marks change the state: visit them, not every character.
    for found in _DOUBLE_MARKS_RE.finditer(text, lo, hi):
        i = found.start()
        ch = text[i]
        if open_at < 0:
            if ch in ("“", "„", "«", "‹") or (ch in ('"', "”") and _can_open(text, i)):
                open_at, open_mark = i, ch
                close_mark = _DOUBLE_OPEN[ch]
        else:
            is_close = False
            if ch == close_mark and (close_mark not in ('"', "”") or _can_close(text, i)):
                is_close = True
            elif open_mark in ("“", '"', "”") and ch in ('"', "”") and _can_close(text, i):
                is_close = True  # sloppy pages mix straight and curly marks
            if is_close:
                if i > open_at + 1:
                    spans.append(QuoteSpan(open_at + 1, i, open_mark, True))
                open_at = -1
            elif ch == "“" and open_mark == "“" and text[i - 1].isspace():
                # A second opening curly mark before any closing one: the first quote lost its closer.
                spans.append(QuoteSpan(open_at + 1, _trim_end(text, open_at + 1, i), open_mark, False))
                open_at = i
    if open_at >= 0 and hi - open_at > 2:
        spans.append(QuoteSpan(open_at + 1, _trim_end(text, open_at + 1, hi), open_mark, False))
    return spans


def _trim_end(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return hi


_SINGLE_OPEN_RE = regexes.compile(r"(?:(?<=^)|(?<=[\s(\[—–:;]))[‘'](?=[A-Za-z0-9À-ɏЀ-ӿ])")
# The same opening mark found in two steps: the regex engine scans fast for a
# pattern that starts with a character class, but tries a lookbehind at every
# position. A text without single marks (most paragraphs) is then one fast scan.
_SINGLE_MARK_RE = regexes.compile(r"[‘'](?=[A-Za-z0-9À-ɏЀ-ӿ])")
_BEFORE_SINGLE_OPEN_RE = regexes.compile(r"[\s(\[—–:;]")


def _next_single_open(text: str, pos: int, hi: int) -> int:
    """Where ``_SINGLE_OPEN_RE.search(text, pos, hi)`` matches, or -1."""
    for m in _SINGLE_MARK_RE.finditer(text, pos, hi):
        o = m.start()
        if o == 0 or _BEFORE_SINGLE_OPEN_RE.match(text, o - 1):
            return o
    return -1


def _find_single(text: str, lo: int, hi: int, taken: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Single quotes used as quotation marks, outside double-quoted spans."""
    spans = []
    pos = lo
    while True:
        o = _next_single_open(text, pos, hi)
        if o < 0:
            break
        if any(a <= o < b for a, b in taken):
            pos = o + 1
            continue
        close = -1
        j = o + 1
        while j < hi:
            c = text[j]
            if c in "’'":
                prev, nxt = text[j - 1], text[j + 1] if j + 1 < hi else " "
                if prev.isalpha() and nxt.isalpha():
                    j += 1  # apostrophe inside a word: Armenia's, don't
                    continue
                if prev.lower() == "s" and nxt == " " and j + 2 < hi and text[j + 2].islower() and j - o < 12:
                    j += 1  # plural possessive close to the opener: 'the Armenians' rights
                    continue
                if not prev.isspace() and (nxt in _CLOSERS_AFTER or j + 1 >= hi):
                    close = j
                    break
            elif c == "\n":
                break
            j += 1
        if close > o + 1:
            spans.append(QuoteSpan(o + 1, close, text[o], True))
            pos = close + 1
        else:
            pos = o + 1
    return spans


# Every mark either pass starts from: a paragraph without one has no quotation.
_ANY_MARK_RE = regexes.compile(
    "[" + re.escape("".join(sorted(set(_DOUBLE_OPEN) | set(_DOUBLE_OPEN.values()) | {'"', "”", "“", "‘", "'"}))) + "]")


def find_quotes(text: str, lo: int = 0, hi: int | None = None) -> list[QuoteSpan]:
    """Top-level quotations in ``text[lo:hi]`` (offsets are absolute), in order."""
    hi = len(text) if hi is None else hi
    if _ANY_MARK_RE.search(text, lo, hi) is None:
        return []
    doubles = _find_double(text, lo, hi)
    taken = [(q.start - 1, q.end + 1) for q in doubles]
    singles = _find_single(text, lo, hi, taken)
    # A single-quoted span that contains a double-quoted one is the outer quote (British style).
    result = [q for q in doubles if not any(s.start <= q.start and q.end <= s.end for s in singles)]
    result += singles
    return sorted(result, key=lambda q: q.start)


@lru_cache(maxsize=1)
def _speech_data() -> dict:
    return read_toml(DATA / "speech.toml")


@lru_cache(maxsize=1)
def _designator_re() -> re.Pattern:
    words = _speech_data()["scare_quote"]["designators"]
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return regexes.compile(rf"(?:\b(?:{alt}))\s*[,:]?\s*$", re.IGNORECASE)


_WORD_RE = regexes.compile(r"[\w’'-]+", re.UNICODE)
_LOWER_FUNCTION = {"of", "the", "and", "for", "on", "in", "de", "la", "des", "du", "a", "an", "to", "at"}


def looks_like_name(quote: str) -> bool:
    """A quoted proper name or title: every content word capitalised (``Zvartnots``)."""
    words = _WORD_RE.findall(quote)
    if not words or len(words) > 8 or re.search(r"[.!?]\s*$", quote.strip()) and len(words) > 1:
        return False
    content = [w for w in words if w.lower() not in _LOWER_FUNCTION]
    return bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content)


def is_statement_quote(quote: str, before: str, has_speech_context: bool) -> bool:
    """Is the quoted string somebody's words (True) or a name / scare quote (False)?

    ``before`` is the text preceding the quote in its sentence; ``has_speech_context`` says whether the
    sentence (outside quotes) reports speech (a speech verb, "according to", a colon after a name).
    """
    q = quote.strip()
    n_words = len(_WORD_RE.findall(q))
    if n_words == 0:
        return False
    if _designator_re().search(before[-40:]):
        return False  # so-called "X", known as "X", dubbed "X"
    if looks_like_name(q) and n_words <= 6:
        return False
    if n_words >= 5 or re.search(r"[.!?,;]\s*$", q) and n_words >= 3:
        return True
    # Short fragments are quotes only inside reported speech ("...if “international guarantees” were provided").
    return has_speech_context
