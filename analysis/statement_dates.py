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

import pandas as pd

_THAT_RE = re.compile(r"\b(?:that|whether|if)\b|[:“\"«]")


def resolve_statement_date(unit, attr, mentions, ref, previous, speaker_dates, next_mentions=(), text_of_unit: str = "") -> tuple[pd.Timestamp | None, str, str | None]:
    from .dates import resolve_date_mention

    def usable(m):  # deadlines ("by 2030") and anticipated dates never date a statement
        return not m.future and getattr(m, "bound", None) not in ("until", "by", "before")

    cands = [m for m in mentions if usable(m)]
    if attr.method == "passive":
        # "“...” This was said by X at a briefing on 3 March": the attribution sentence dates the quote
        cands = [m for m in next_mentions if usable(m)] + cands
    elif attr.kind in ("quote", "reported") and attr.verb_end is not None:
        # The head of a speech sentence runs up to where the reported content starts ("that", "whether", a
        # colon or a quotation after the verb); dates after that point date what was talked about.
        head_end = unit.end
        m = _THAT_RE.search(text_of_unit, attr.verb_end - unit.start) if text_of_unit else None
        if m:
            head_end = unit.start + m.start()
        head = [c for c in cands if c.start < head_end]
        if attr.kind == "reported":
            cands = head
        else:
            cands = head + [c for c in cands if c not in head and c.kind != "absolute"]
    ref_date = ref.date
    ref_prec = ref.precision if ref.date is not None else "unknown"
    for c in cands:
        if c.kind == "anaphoric":
            if previous is not None:
                return previous[0], previous[1], f"{c.text!s} → {_fmt(previous)}"
            continue
        got = resolve_date_mention(c, ref_date, ref_prec, previous)
        if got is not None:
            return got[0], got[1], c.text
    if attr.speaker is not None and attr.speaker.name in speaker_dates:
        d = speaker_dates[attr.speaker.name]
        return d[0], d[1], f"same speaker's earlier dated statement ({d[2]})"
    if ref_date is not None:
        return ref_date, "published", ref.evidence
    return None, "unknown", None


def _fmt(d) -> str:
    ts, prec = d[0], d[1]
    return ts.strftime("%Y-%m-%d" if prec == "day" else "%Y-%m" if prec == "month" else "%Y")


def resolve_statement_dates(units, attrs, unit_mentions, ref, masked: list[str] | None = None) -> list[tuple[pd.Timestamp | None, str, str | None]]:
    from .dates import resolve_date_mention

    out = []
    previous = None  # last date the text gave (for "at the time")
    speaker_dates: dict[str, tuple] = {}
    for k, (u, a, ms) in enumerate(zip(units, attrs, unit_mentions)):
        if u.in_caption:
            # a caption's dates describe the photo; the statement is not dated by them, nor by the article
            out.append((None, "unknown", None))
            continue
        d = resolve_statement_date(u, a, ms, ref, previous, speaker_dates,
                                   unit_mentions[k + 1] if k + 1 < len(unit_mentions) else (), masked[k] if masked else "")
        out.append(d)
        # "at the time" refers to the last time the article mentioned, whatever the statement it was in
        for m in ms:
            if m.future or m.kind == "anaphoric" or getattr(m, "bound", None) in ("until", "by", "before"):
                continue
            got = resolve_date_mention(m, ref.date, ref.precision if ref.date is not None else "unknown", previous)
            if got is not None:
                previous = (got[0], got[1])
        if d[1] in ("day", "month", "year") and d[0] is not None:
            if a.speaker is not None and a.kind in ("quote", "reported") and d[1] in ("day", "month"):
                speaker_dates[a.speaker.name] = (d[0], d[1], d[2])
    return out
