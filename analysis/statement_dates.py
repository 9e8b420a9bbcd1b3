"""When each statement was made: ``resolve_statement_date`` applied along an article.

Order of evidence for one statement:
1. a date expression in the statement's own frame (outside quotation marks): for speech, the part up to
   the reported content ("said on March 13 that ..."), since dates inside the reported clause date the
   events talked about; for narration, the first date in the sentence;
2. an anaphoric expression ("at the time", "then") takes the last date the article gave;
3. a statement by a speaker who was dated earlier in the article (same press conference) takes that date;
4. the article's reference date (publication date, or an inference the article row documents), precision
   ``published``; 5. unknown.
Expressions about the future ("scheduled for November 23", "next week") never date a statement.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from . import regexes
from .dates import resolve_date_mention

_THAT_RE = regexes.compile(r"\b(?:that|whether|if)\b|[:“\"«]")


class StatementFrame(NamedTuple):
    """What dating reads of one statement: where it is, how it is attributed and where the head of a speech
    sentence ends. Small, so an article's frames travel with its first pass and dating it again with a borrowed
    reference date (the corpus pass) needs none of the earlier steps."""
    start: int
    end: int
    in_caption: bool
    kind: str  # quote | reported | narrative
    method: str | None  # the attribution method ("passive", ...)
    speaker: str | None
    head_end: int  # the reported content starts here: dates after it date what was talked about


def statement_frames(units, attrs, masked: list[str] | None = None) -> list[StatementFrame]:
    """One ``StatementFrame`` per unit; ``masked`` is each unit's text with its quotations blanked."""
    out = []
    for k, (u, a) in enumerate(zip(units, attrs)):
        head_end = u.end
        if a.kind in ("quote", "reported") and a.verb_end is not None and masked:
            # The head of a speech sentence runs up to where the reported content starts ("that", "whether", a
            # colon or a quotation after the verb).
            m = _THAT_RE.search(masked[k], a.verb_end - u.start)
            if m:
                head_end = u.start + m.start()
        out.append(StatementFrame(u.start, u.end, u.in_caption, a.kind, a.method,
                                  a.speaker.name if a.speaker is not None else None, head_end))
    return out


def _usable(m) -> bool:  # deadlines ("by 2030") and anticipated dates never date a statement
    return not m.future and getattr(m, "bound", None) not in ("until", "by", "before")


def resolve_statement_date(frame: StatementFrame, mentions, ref, previous, speaker_dates,
                           next_mentions=(), resolve=None) -> tuple[pd.Timestamp | None, str, str | None]:
    """``resolve(m)``: what resolve_date_mention gives for a mention that is not anaphoric (default: computed)."""
    ref_date = ref.date
    ref_prec = ref.precision if ref.date is not None else "unknown"
    if resolve is None:
        def resolve(m):
            return resolve_date_mention(m, ref_date, ref_prec)

    cands = [m for m in mentions if _usable(m)]
    if frame.method == "passive":
        # "“...” This was said by X at a briefing on 3 March": the attribution sentence dates the quote
        cands = [m for m in next_mentions if _usable(m)] + cands
    elif frame.kind in ("quote", "reported") and frame.head_end < frame.end:
        head = [c for c in cands if c.start < frame.head_end]
        if frame.kind == "reported":
            cands = head
        else:
            cands = head + [c for c in cands if c not in head and c.kind != "absolute"]
    for c in cands:
        if c.kind == "anaphoric":
            if previous is not None:
                return previous[0], previous[1], f"{c.text!s} → {_fmt(previous)}"
            continue
        got = resolve(c)
        if got is not None:
            return got[0], got[1], c.text
    if frame.speaker is not None and frame.speaker in speaker_dates:
        d = speaker_dates[frame.speaker]
        return d[0], d[1], f"same speaker's earlier dated statement ({d[2]})"
    if ref_date is not None:
        return ref_date, "published", ref.evidence
    return None, "unknown", None


def _fmt(d) -> str:
    ts, prec = d[0], d[1]
    return ts.strftime("%Y-%m-%d" if prec == "day" else "%Y-%m" if prec == "month" else "%Y")


def resolve_statement_dates(frames: list[StatementFrame], unit_mentions, ref) -> list[tuple[pd.Timestamp | None, str, str | None]]:
    ref_date = ref.date
    ref_prec = ref.precision if ref_date is not None else "unknown"
    # Without ``previous`` (only anaphoric mentions use it) a mention resolves against the article's reference alone:
    # once per mention, though it is read both as a candidate and as the article's last given date.
    resolved: dict[int, tuple | None] = {}

    def resolve(m):
        key = id(m)
        if key not in resolved:
            resolved[key] = resolve_date_mention(m, ref_date, ref_prec)
        return resolved[key]

    out = []
    previous = None  # last date the text gave (for "at the time")
    speaker_dates: dict[str, tuple] = {}
    for k, (f, ms) in enumerate(zip(frames, unit_mentions)):
        if f.in_caption:
            # a caption's dates describe the photo; the statement is not dated by them, nor by the article
            out.append((None, "unknown", None))
            continue
        d = resolve_statement_date(f, ms, ref, previous, speaker_dates,
                                   unit_mentions[k + 1] if k + 1 < len(unit_mentions) else (), resolve)
        out.append(d)
        # "at the time" refers to the last time the article mentioned, whatever the statement it was in
        for m in ms:
            if m.future or m.kind == "anaphoric" or getattr(m, "bound", None) in ("until", "by", "before"):
                continue
            got = resolve(m)
            if got is not None:
                previous = (got[0], got[1])
        if f.kind in ("quote", "reported") and f.speaker is not None and d[1] in ("day", "month") and d[0] is not None:
            speaker_dates[f.speaker] = (d[0], d[1], d[2])
    return out
