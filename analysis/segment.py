"""Split an article's body into statement units: sentences, joined where a quotation spans them.

A unit is what the statements frame calls a statement: one sentence, or several sentences held together
by one quotation ("“We heard it. We will act,” Peskov said." is one unit). Quotation marks are found per
paragraph; a quote left open at the end of a paragraph and re-opened at the start of the next is the
newswriting convention for a paragraph-spanning quote, and the second part is marked as continuing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import nupunkt

from . import regexes
from .document import CleanDoc
from .quotes import QuoteSpan, find_quotes


@dataclass
class Unit:
    start: int
    end: int
    block: int  # index into doc.blocks
    quotes: list[QuoteSpan] = field(default_factory=list)  # all top-level quotes in the unit
    in_caption: bool = False
    continues_quote: bool = False  # starts with the continuation of the previous paragraph's open quote


_SPACE_RE = regexes.compile(r"\s+")
_PROSE_WORD_RE = regexes.compile(r"(?<![/\w])[a-z][a-z’'-]+(?![/\w])")


def _has_prose(s: str) -> bool:
    """Two lower-case words outside credits like "(dpa/kat)": a sentence, not a dateline or label."""
    first = _PROSE_WORD_RE.search(s)  # two searches, not a findall of every word of the sentence
    return first is not None and _PROSE_WORD_RE.search(s, first.end()) is not None


# nupunkt breaks only after ".", "?", "!" or "…" with more text behind it.
_BREAK_CHAR_RE = regexes.compile(r"[.?!…]")


def _sent_tokenize(chunk: str) -> list[str]:
    """``nupunkt.sent_tokenize(chunk)``; a paragraph with no break character
    before its last one (a third of news paragraphs) is one sentence, no call needed."""
    if _BREAK_CHAR_RE.search(chunk, 0, len(chunk) - 1) is None:
        s = chunk.rstrip()
        return [s] if s else []
    return nupunkt.sent_tokenize(chunk)


def split_sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) inside ``text[lo:hi]``, using nupunkt."""
    chunk = text[lo:hi]
    spans = []
    pos = 0
    for sent in _sent_tokenize(chunk):
        s = sent.strip()
        if not s:
            continue
        i = chunk.find(s, pos)
        if i < 0:  # nupunkt normalised whitespace; fall back to a whitespace-tolerant search
            m = regexes.compile(r"\s+".join(re.escape(w) for w in s.split())).search(chunk, pos)
            if not m:
                continue
            i, j = m.start(), m.end()
        else:
            j = i + len(s)
        spans.append((lo + i, lo + j))
        pos = j
    return spans


def segment_units(doc: CleanDoc, include_captions: bool = True) -> list[Unit]:
    text = doc.text
    units: list[Unit] = []
    prev_body_open = False  # did the previous body paragraph end inside an unclosed quote?
    for bi, block in enumerate(doc.blocks):
        if block.kind not in ("body", "caption") or (block.kind == "caption" and not include_captions):
            continue
        quotes = find_quotes(text, block.start, block.end)
        sents = split_sentences(text, block.start, block.end)
        if not sents:
            continue
        # Merge sentences that one quotation spans.
        merged: list[list[int]] | list[tuple[int, int]] = [[s, e] for s, e in sents] if quotes else sents
        for q in quotes:
            qs, qe = q.outer
            first = next((k for k, (s, e) in enumerate(merged) if s <= qs < e), None)
            last = next((k for k, (s, e) in enumerate(merged) if s < qe <= e or (s <= qe - 1 < e)), None)
            if first is not None and last is not None and last > first:
                merged[first][1] = merged[last][1]
                del merged[first + 1:last + 1]
        first_in_block = True
        in_caption = block.kind == "caption"
        for s, e in merged:
            unit_quotes = [q for q in quotes if s <= q.start < e] if quotes else []
            if not unit_quotes and not _has_prose(text[s:e]):
                continue  # a dateline or credit fragment ("MOSCOW, March 13.", "/TASS/.", "(dpa/kat)")
            u = Unit(s, e, bi, unit_quotes, in_caption=in_caption)
            if first_in_block and block.kind == "body" and prev_body_open and u.quotes and u.quotes[0].start - 1 <= s:
                u.continues_quote = True
            first_in_block = False
            units.append(u)
        if block.kind == "body":
            prev_body_open = bool(quotes) and not quotes[-1].closed
    return units
