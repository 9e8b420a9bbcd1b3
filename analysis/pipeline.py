"""From files to the two frames: read, process each article through the named steps, then a corpus pass.

Per article (pure function of its text and hints, cached by content, run in parallel):
    clean_article -> extract_metadata -> segment_units -> attribute_speakers
    -> find targets -> resolve_statement_date -> polarity/subjectivity -> score_tension

Corpus pass (needs every article): group articles that report the same story (a shared quotation by the
same speaker, or near-identical text) under one ``story_id``; an article with no date of its own takes
its reference date from a dated telling of the same quotation elsewhere, and is dated again.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import itertools
import json
import multiprocessing.util
import os
import re
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from . import regexes, schema
from .document import FileReport, RawArticle
from .scoring import SCORE_COLUMNS, sentiment_mode, set_sentiment_mode
from .source_memo import SourceMemo, as_raw, content_digest, content_hash, sidecar_signature, text_id
from .version import code_fingerprint

# The format of the cache files (in their names); the extraction's own version is analysis.version's
# fingerprint of the code and data, part of every cache key.
PIPELINE_VERSION = "1"


@dataclass
class BuildResult:
    articles: pd.DataFrame
    statements: pd.DataFrame
    report: list[FileReport] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if all(r.status in _OK_STATUSES for r in self.report) else 1


# Report statuses that do not make a build incomplete: a duplicate is already in the corpus under another name;
# "rebuilt" and "uncached" are lines about the per-article cache, not about an input file.
_OK_STATUSES = frozenset({"built", "duplicate", "rebuilt", "uncached"})


def _cache_key(digest: str) -> str:
    """The key of an article's results: its ``content_digest`` (text, hints, name) under this code and model."""
    # an edited step or word list never reuses the old results
    h = f"{PIPELINE_VERSION}\0{code_fingerprint()}\0{sentiment_mode()}\0{digest}"
    return hashlib.sha256(h.encode()).hexdigest()[:20]


# ----------------------------------------------------------------------------------------------------------
# One article


@dataclass
class Reference:
    date: pd.Timestamp | None
    precision: str  # day | month | year | unknown
    evidence: str | None
    # An article dated again with a borrowed reference keeps its first-pass scores (scoring.SCORE_COLUMNS per
    # statement): only its dates change, and scoring is most of an article's cost.
    scores: tuple | None = None
    # Its whole first pass, when this process has it: (article row, statement rows, Dating). Then only the dates
    # are worked out again (``redate_article``), not the cleaning, segmentation and attribution.
    first_pass: tuple | None = None


@dataclass
class Dating:
    """What dating an undated article again needs of its first pass: one ``StatementFrame`` and the date
    mentions per statement. Returned with the first pass under the article row's ``_dating`` key (never
    stored: the build takes it off as it collects the results)."""
    frames: list
    mentions: list


def _fmt_date(ts: pd.Timestamp, precision: str) -> str:
    return ts.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}.get(precision, "%Y-%m-%d"))


def process_article(raw: RawArticle, reference_override: Reference | None = None) -> tuple[dict, list[dict]]:
    """The article row and its statement rows (dicts keyed by schema column names)."""
    from .scoring import score_statements

    article, rows, unscored = _extract_article(raw, reference_override)
    if unscored:
        score_statements(rows)
    return article, rows


def process_articles(items: list[tuple[RawArticle, Reference | None]]) -> list[tuple[dict, list[dict]] | Exception]:
    """``process_article`` for each item (its result, or the exception it raised), with the statements of all of
    them scored in one pass: the sentiment model and TextBlob's lexicon then stay in the processor's caches
    across articles (one article at a time, the other steps push them out, and most of a model call on one
    article's sentences is the cost of reading its tables back in). Scoring works statement by statement, so
    each row gets the scores it gets alone; an article whose scoring fails is scored again on its own, so that
    the error is its own."""
    from .scoring import score_statements

    done: list = []
    unscored: list[int] = []
    for raw, ref in items:
        try:
            article, rows, needs = _extract_article(raw, ref)
        except Exception as exc:  # noqa: BLE001 - reported by the caller, as for one article
            done.append(exc)
            continue
        if needs:
            unscored.append(len(done))
        done.append((article, rows))
    spans = [(r, r.get("_target_span")) for k in unscored for r in done[k][1]]  # scoring takes them out
    try:
        score_statements([r for r, _ in spans])
    except Exception:  # noqa: BLE001 - find whose rows fail: each article alone, its rows as they were
        for r, span in spans:
            r["_target_span"] = span
        for k in unscored:
            try:
                score_statements(done[k][1])
            except Exception as exc:  # noqa: BLE001
                done[k] = exc
    return done


def _extract_article(raw: RawArticle, reference_override: Reference | None = None) -> tuple[dict, list[dict], bool]:
    """The article row and its statement rows, and whether those still need ``score_statements``."""
    if reference_override is not None and reference_override.first_pass is not None:
        # Only its dates change: this runs in the building process, which need not import every step for it.
        return (*redate_article(*reference_override.first_pass, reference_override), False)
    from .actors import ActorIndex
    from .clean import clean_article
    from .dates import find_date_mentions, infer_reference_date
    from .metadata import extract_metadata
    from .segment import segment_units
    from .speakers import attribute_speakers
    from .statement_dates import resolve_statement_dates, statement_frames

    text = raw.text
    article_id = content_hash(text)
    doc = clean_article(text)
    meta = extract_metadata(doc, raw.hints)
    units = segment_units(doc)
    index = ActorIndex.default()
    attrs = attribute_speakers(text, units, index)

    published = meta.published.value if meta.published is not None else None
    if published is not None and not isinstance(published, pd.Timestamp):
        published = pd.Timestamp(published)
    if published is not None and published.tzinfo is None:
        published = published.tz_localize("UTC")
    pub_precision = (meta.published.precision or "day") if meta.published is not None else "unknown"

    # Dates inside quotations are what the speaker talks about, not when they spoke: mask them.
    unit_mentions, masked_units = [], []
    for u, a in zip(units, attrs):
        masked = _masked_text(text, u)
        masked_units.append(masked)
        unit_mentions.append([_shift(m, u.start) for m in find_date_mentions(masked)])
    if published is not None:
        ref = Reference(published.normalize(), "day" if pub_precision in ("second", "day") else pub_precision,
                        f"publication date ({meta.published.evidence})")
    elif reference_override is not None:
        ref = reference_override
    else:
        body_mentions = [m for u, ms in zip(units, unit_mentions) if not u.in_caption for m in ms]
        inferred = infer_reference_date(body_mentions)
        # Only a day- or month-level event pins when the article was written; "in 2021 and 2022" says
        # only "not before 2022", too weak to resolve "on February 22" or to stand in as a date.
        if inferred and inferred[1] in ("day", "month"):
            ref = Reference(inferred[0], inferred[1], "inferred: " + inferred[2])
        else:
            ref = Reference(None, "unknown", None)

    frames = statement_frames(units, attrs, masked_units)
    dates = resolve_statement_dates(frames, unit_mentions, ref)
    rows = []
    for pos, (u, a, d) in enumerate(zip(units, attrs, dates)):
        speaker = a.speaker
        quote = " … ".join(re.sub(r"\s+", " ", text[q.start:q.end]).strip() for q in a.quotes) if a.quotes else None
        targets, target_sides = _targets(a.mentions, speaker, a.quotes)
        span = _target_span(a.mentions, targets, a.quotes, u.start)
        rows.append({
            "statement_id": f"{article_id}:{pos}",
            "article_id": article_id,
            "position": pos,
            "start": u.start,
            "end": u.end,
            "text": text[u.start:u.end],
            "quote": quote,
            "kind": a.kind,
            "speaker": speaker.name if speaker is not None else None,
            "speaker_side": speaker.side if speaker is not None else None,
            "speaker_role": speaker.role if speaker is not None else None,
            "speaker_evidence": a.evidence if speaker is not None else None,
            "attribution": a.method if speaker is not None else None,
            "targets": targets,
            "target_sides": target_sides,
            "statement_date": d[0],
            "date_precision": d[1],
            "date_evidence": d[2],
            "published": published,
            "outlet": meta.outlet.value if meta.outlet is not None else None,
            "in_caption": u.in_caption,
            "_target_span": span,  # for the sentiment model; removed by score_statements
        })
    _borrow_targets(rows)
    prior = reference_override.scores if reference_override is not None else None
    unscored = not (prior is not None and len(prior) == len(rows))
    if not unscored:
        for r, kept in zip(rows, prior):
            r.pop("_target_span", None)
            r.update(kept)

    def fv(f):
        return None if f is None else (str(f.value) if f.value is not None else None)

    article = {
        "article_id": article_id,
        "source": raw.source,
        "url": fv(meta.url),
        "outlet": fv(meta.outlet),
        "outlet_evidence": meta.outlet.evidence if meta.outlet else None,
        "outlet_source": meta.outlet.source if meta.outlet else None,
        "syndicated_from": fv(meta.syndicated_from),
        "syndicated_evidence": meta.syndicated_from.evidence if meta.syndicated_from else None,
        "title": fv(meta.title),
        "title_source": meta.title.source if meta.title else None,
        "published": published,
        "published_precision": pub_precision if published is not None else "unknown",
        "published_evidence": meta.published.evidence if meta.published else None,
        "published_source": meta.published.source if meta.published else None,
        "reference_date": ref.date,
        "reference_precision": ref.precision if ref.date is not None else "unknown",
        "reference_evidence": ref.evidence,
        "story_id": article_id,
        "language": "en",
        "n_statements": len(rows),
        "n_quotes": sum(r["kind"] == "quote" for r in rows),
        "blocks": json.dumps([[b.start, b.end, b.kind] for b in doc.blocks]),
        "text": text,
    }
    for r in rows:
        r["story_id"] = article_id
    if published is None and reference_override is None:
        # Only an undated article's first pass may be dated again, from another telling of its quotations.
        article["_dating"] = Dating(frames, unit_mentions)
    return article, rows, unscored


def redate_article(article: dict, rows: list[dict], dating: Dating, ref: Reference) -> tuple[dict, list[dict]]:
    """An undated article's first pass dated with a borrowed reference: what ``process_article(raw, ref)``
    returns, from the first pass's statement frames and date mentions (only the dates change)."""
    from .statement_dates import resolve_statement_dates

    dates = resolve_statement_dates(dating.frames, dating.mentions, ref)
    art = dict(article)
    art.update(reference_date=ref.date, reference_precision=ref.precision if ref.date is not None else "unknown",
               reference_evidence=ref.evidence, story_id=art["article_id"])
    out = []
    for r, d in zip(rows, dates):
        r = dict(r, statement_date=d[0], date_precision=d[1], date_evidence=d[2], story_id=art["article_id"])
        out.append(r)
    return art, out


def _target_span(mentions, targets, quotes, offset: int) -> tuple[int, int] | None:
    """Where the first target is named in the statement (relative offsets), for target-dependent sentiment."""
    if not targets:
        return None
    inside = [m for m in mentions if any(q.start <= m.start < q.end for q in quotes)]
    for m in inside + [m for m in mentions if m not in inside]:
        if m.actor is not None and m.actor.name == targets[0]:
            return (m.start - offset, m.end - offset)
    return None


def _borrow_targets(rows: list[dict]) -> None:
    """A statement that names nobody ("I wouldn't say this issue is off the agenda") is about what the same
    speaker's next or previous statement names, when the two stand side by side."""
    for k, r in enumerate(rows):
        if r["target_sides"] or r["speaker"] is None:
            continue
        for j in (k + 1, k - 1):
            if 0 <= j < len(rows) and rows[j]["speaker"] == r["speaker"] and rows[j]["target_sides"]:
                r["targets"], r["target_sides"] = list(rows[j]["targets"]), list(rows[j]["target_sides"])
                break


def _masked_text(text: str, u) -> str:
    """The unit's text with every character of its quotations but line breaks blanked (offsets unchanged)."""
    masked = text[u.start:u.end]
    for q in u.quotes:
        a, b = max(q.start - u.start, 0), min(q.end - u.start, len(masked))
        if a < b:
            blank = "\n".join(" " * len(line) for line in masked[a:b].split("\n"))
            masked = masked[:a] + blank + masked[b:]
    return masked


def _shift(m, by: int):
    m.start += by
    m.end += by
    return m


def _targets(mentions, speaker, quotes=()) -> tuple[list[str], list[str]]:
    """Actors the statement is about: those in the quoted words first (what the speaker talks about), then
    those in the rest of the sentence; never the speaker."""
    names: list[str] = []
    sides: list[str] = []
    inside = [m for m in mentions if any(q.start <= m.start < q.end for q in quotes)]
    outside = [m for m in mentions if m not in inside]
    for m in inside + outside:
        a = m.actor
        if a is None:
            continue
        if speaker is not None and a.name == speaker.name:
            continue
        if a.name not in names:
            names.append(a.name)
        if a.side and a.side not in sides:
            sides.append(a.side)
    return names, sides


def _process_one(args: tuple):
    """``(raw, reference)`` or ``(raw, reference, sentiment mode)``: a worker started before the build chose the
    mode is told it with each article."""
    return _process_batch([args])[0]


# Articles scored together by a runner (``process_articles``): enough for the sentiment model's and TextBlob's
# tables to stay in the processor's caches, few enough that a worker's batch is not a large share of a small build.
_SCORE_BATCH = 16


def _process_batch(batch: list[tuple]) -> list[tuple]:
    """``_process_one`` for each item of ``batch``: ``(source, article, rows, None)``, or ``(source, None, None,
    reason)`` for an article that failed (one bad article never stops the build; it is reported)."""
    mode = batch[0][2] if batch and len(batch[0]) > 2 else None
    if mode is not None and mode != sentiment_mode():
        set_sentiment_mode(mode)
    items = [(args[0], args[1]) for args in batch]
    if sentiment_mode() == "encoder":  # the encoder pads a batch to its longest sentence: each article alone
        done = [process_articles([item])[0] for item in items]
    else:
        done = process_articles(items)
    out = []
    for (raw, _), got in zip(items, done):
        if isinstance(got, Exception):
            out.append((raw.source, None, None, f"extraction failed: {type(got).__name__}: {got}"))
        else:
            out.append((raw.source, got[0], got[1], None))
    return out


# ----------------------------------------------------------------------------------------------------------
# Corpus pass

_TOKEN_RE = regexes.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of to in on at and or but is are was were be been it its this that i we you he she they".split())


@lru_cache(maxsize=65536)  # copies of a quotation recur across a corpus
def _quote_signature(quote: str) -> frozenset[str]:
    toks = [t[:5] for t in _TOKEN_RE.findall(quote.lower().replace("'s", "").replace("’s", "")) if t not in _STOP]
    return frozenset(toks)


def link_stories(articles: list[dict], statements: list[dict], threshold: float = 0.5) -> dict[str, tuple[str, dict]]:
    """Union articles sharing a quotation (same speaker, Jaccard >= threshold over content words).

    Returns {article_id: (story_id, best matching dated statement or None)}: the best is the day-dated, else
    month-dated, telling with the smallest statement id among the quotations of other articles matching one of
    the article's own.
    """
    parent = {a["article_id"]: a["article_id"] for a in articles}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_speaker: dict[str, list[tuple[frozenset, dict]]] = {}
    for s in statements:
        if s["kind"] == "quote" and s["speaker"] and s["quote"]:
            sig = _quote_signature(s["quote"])
            if len(sig) >= 6:
                by_speaker.setdefault(s["speaker"], []).append((sig, s))
    best: dict[str, tuple] = {}  # article id -> (rank, statement): its best dated match so far

    def offer(aid: str, dated: list[tuple]) -> None:
        # ``dated``: (rank, statement) sorted by rank; the first from another article is this group's best for aid
        for cand in dated:
            if cand[1]["article_id"] != aid:
                cur = best.get(aid)
                if cur is None or cand[0] < cur[0]:
                    best[aid] = cand
                return

    for items in by_speaker.values():
        # Copies of one quotation (syndication) share a signature: one group, linked to itself at once, then
        # compared with the other signatures once per group instead of once per copy. Pairs of statements are
        # never listed: each article keeps only the best dated statement it is offered, and a group offers
        # each member its best dated statement from another article.
        groups: dict[frozenset, list[dict]] = {}
        for sig, s in items:
            groups.setdefault(sig, []).append(s)
        sigs = list(groups)
        dated_of: list[list[tuple]] = []
        for sig in sigs:
            members = groups[sig]
            dated_of.append(sorted((((s["date_precision"] != "day", s["statement_id"]), s) for s in members
                                    if s["date_precision"] in ("day", "month")), key=lambda c: c[0]))
            root = find(members[0]["article_id"])
            for s in members[1:]:
                parent[find(s["article_id"])] = root = find(root)
            for s in members:
                offer(s["article_id"], dated_of[-1])
        # Bucket by rare-ish tokens so large corpora do not compare every pair.
        buckets: dict[str, list[int]] = {}
        for k, sig in enumerate(sigs):
            # Ties broken by the token itself: a frozenset's order changes with the process's hash seed, and the
            # stories must not (the same corpus gives the same frames in every run, local or on Dask).
            for t in sorted(sorted(sig), key=len, reverse=True)[:3]:  # by (-len, token): the sort is stable
                buckets.setdefault(t, []).append(k)
        sizes = [len(sig) for sig in sigs]
        n = len(sigs)
        seen: set[int] = set()
        for ids in buckets.values():
            if len(ids) > 200:
                continue
            for x, i in enumerate(ids):  # ids ascend: each pair once as (i, j), i < j
                si, ni = sigs[i], sizes[i]
                for j in ids[x + 1:]:
                    key = i * n + j
                    if key in seen:
                        continue
                    seen.add(key)
                    inter = len(si & sigs[j])
                    if inter / (ni + sizes[j] - inter) >= threshold:  # Jaccard: |A ∪ B| = |A| + |B| - |A ∩ B|
                        a_members, b_members = groups[si], groups[sigs[j]]
                        parent[find(a_members[0]["article_id"])] = find(b_members[0]["article_id"])
                        for s in a_members:
                            offer(s["article_id"], dated_of[j])
                        for s in b_members:
                            offer(s["article_id"], dated_of[i])
    out = {}
    # A story is named by its smallest article id (one pass; order-independent, so stable across builds).
    roots: dict[str, str] = {}
    for a in articles:
        r = find(a["article_id"])
        if r not in roots or a["article_id"] < roots[r]:
            roots[r] = a["article_id"]
    for a in articles:
        aid = a["article_id"]
        got = best.get(aid)
        out[aid] = (roots[find(aid)], got[1] if got is not None else None)
    return out


def plan_corpus_pass(articles: list[dict], statements: list[dict]) -> tuple[dict[str, tuple[str, dict]], list]:
    """Stories (``link_stories``) and the undated articles to date again from a dated telling of the same
    quotation: ``(links, [(article index, Reference), ...])``. ``articles`` carry their first-pass reference
    dates and ``statements`` are first-pass rows (at least the quotations)."""
    links = link_stories(articles, statements)
    by_id = {a["article_id"]: a for a in articles}
    redo = []
    for k, art in enumerate(articles):
        story, dated = links[art["article_id"]]
        # An undated article's own inference is only a lower bound ("published after September 2022"); a dated
        # telling of the same quotation elsewhere that is no earlier than that bound is the better anchor.
        if (dated is not None and art["published"] is None
                and (art["reference_date"] is None or dated["statement_date"] >= art["reference_date"])):
            src_art = by_id[dated["article_id"]]
            ev = (f"same quotation as {src_art['source']} ({dated['speaker']}: “{dated['quote'][:60]}…”), "
                  f"dated {_fmt_date(dated['statement_date'], dated['date_precision'])} there ({dated['date_evidence']})")
            redo.append((k, Reference(dated["statement_date"], dated["date_precision"], ev)))
    return links, redo


# What the corpus pass reads of a statement.
_QUOTE_FIELDS = ("statement_id", "article_id", "kind", "speaker", "quote", "statement_date", "date_precision",
                 "date_evidence")


def _quote_rows(rows: list[dict]) -> list[dict]:
    return [{f: r[f] for f in _QUOTE_FIELDS} for r in rows if r["kind"] == "quote" and r["speaker"] and r["quote"]]


@dataclass
class _PassState:
    """What an incremental build needs besides the frames: which articles (by cache key) they hold, which were
    dated again with a borrowed reference (and its key), and those articles' first-pass reference date and
    quotations (the corpus pass is planned on first-pass values, as in a full build)."""
    keys: dict[str, str]  # cache key -> article_id
    redone: dict[str, str]  # article_id -> redo key
    first_pass: dict[str, tuple]  # article_id -> (reference_date, quotation rows)
    files: dict | None = None  # source_memo.SourceMemo.saved(): what each input file gave


# ----------------------------------------------------------------------------------------------------------
# Build


def _cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"articles-v{PIPELINE_VERSION}.pkl"


def _cache_parts(cache_dir: Path) -> list[Path]:
    """The cache file and the parts appended to it since it was last written whole."""
    return [_cache_file(cache_dir), *sorted(cache_dir.glob(f"articles-v{PIPELINE_VERSION}+*.pkl"))]


def _load_cache(cache_dir: Path | None) -> tuple[dict[str, tuple[dict, list[dict]]], FileReport | None]:
    """The per-article cache, and a report line when it existed but could not be used (it is then rebuilt)."""
    if cache_dir is None:
        return {}, None
    from .storage import read_pickle_checked
    cache: dict = {}
    for path in _cache_parts(cache_dir):
        part, problem = read_pickle_checked(path)
        if problem is None and part is not None and not _cache_is_sound(part):
            problem = "not a per-article cache of this version (unexpected contents)"
        if problem is not None:
            return {}, FileReport(str(path), "rebuilt", f"per-article cache was unreadable ({problem}); "
                                                        "every article was processed again and the cache rewritten")
        cache.update(part or {})
    return cache, None


def _cache_is_sound(cache) -> bool:
    return isinstance(cache, dict) and all(
        isinstance(k, str) and isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], dict) and isinstance(v[1], list)
        for k, v in cache.items())


_CACHE_PARTS_MAX = 16


def _save_cache(cache_dir: Path | None, cache: dict, previous: dict | None = None) -> FileReport | None:
    """Store the cache; a cache that cannot be written (read-only or full disk) costs time, never the build.

    Only the entries not in ``previous`` (what was loaded) are written, as a new part: a rebuild with 1 % new
    articles must not rewrite the whole cache. The parts are folded into one file when a quarter of the entries
    are stale (articles gone, or dated again differently) or the parts become many.
    """
    if cache_dir is None:
        return None
    previous = previous or {}
    existing = [p for p in _cache_parts(cache_dir) if p.exists()]
    stale = sum(1 for k in previous if k not in cache)
    whole = not previous or not existing or stale > len(cache) // 4 or len(existing) >= _CACHE_PARTS_MAX
    new = cache if whole else {k: v for k, v in cache.items() if k not in previous}
    if not new:
        return None
    return _write_cache_file(cache_dir, new, replacing=existing if whole else None)


def _write_cache_file(cache_dir: Path, entries: dict, replacing: list[Path] | None = None) -> FileReport | None:
    """``entries`` as the whole cache (removing the files ``replacing``) or, with ``replacing=None``, as one more
    part; a cache that cannot be written costs time, never the build."""
    from .storage import write_pickle_atomic
    whole = replacing is not None
    path = _cache_file(cache_dir) if whole else cache_dir / f"articles-v{PIPELINE_VERSION}+{time.time_ns():x}-{os.getpid()}.pkl"
    try:
        write_pickle_atomic(path, entries, durable=False)  # a cache: found torn, it is rebuilt
        for old in replacing or []:
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        return FileReport(str(path), "uncached", f"per-article cache could not be written ({type(exc).__name__}: "
                                                 f"{exc}); the next build processes these articles again")
    return None


_ROW_SOURCE_RE = regexes.compile(r"^(?P<file>.+)#(?P<row>\d+)$")
_LISTED = 5  # how many rows a folded reason spells out


def _file_part(source: str) -> str:
    m = _ROW_SOURCE_RE.match(source)
    return m.group("file") if m else source


class _FileOutcomes:
    """The build report: the reader's line for each input file, with what happened to its articles afterwards
    (a duplicate of an article read earlier, extraction failed) folded into that same line, so every input
    file appears exactly once.

    The reader yields a file's articles before the file's line; articles are tagged with a token in that
    order, so two files with the same name in different folders (seeds/ and uploads/) are never confused.
    """

    def __init__(self) -> None:
        self.lines: list[FileReport] = []
        self.notes: list[FileReport] = []  # lines about the build itself (the cache), listed first
        self._pending: list[tuple[int, str]] = []  # (token, source) of articles whose file line has not come yet
        self._line_of: dict[int, int] = {}
        self._source: dict[int, str] = {}
        self._duplicate: dict[int, str] = {}
        self._failed: dict[int, str] = {}

    def article(self, source: str) -> int:
        token = len(self._source)
        self._source[token] = source
        self._pending.append((token, source))
        return token

    def file(self, line: FileReport) -> None:
        self.lines.append(line)
        # Sidecar problems are interleaved before a file's articles: they never match the articles' file.
        if self._pending and all(_file_part(src) == line.file for _, src in self._pending):
            for token, _ in self._pending:
                self._line_of[token] = len(self.lines) - 1
            self._pending = []

    def duplicate(self, token: int, first_source: str) -> None:
        self._duplicate[token] = first_source

    def failed(self, token: int, reason: str) -> None:
        self._failed[token] = reason

    @property
    def any_failed(self) -> bool:
        return bool(self._failed)

    def report(self, with_notes: bool = True) -> list[FileReport]:
        by_line: dict[int | None, list[int]] = {}
        for token in sorted({*self._duplicate, *self._failed}):
            by_line.setdefault(self._line_of.get(token), []).append(token)
        out = list(self.lines)
        for idx, tokens in by_line.items():
            if idx is None:  # not expected: an article without its file line; still reported, never lost
                out += [self._own_line(t) for t in tokens]
            else:
                out[idx] = self._fold(out[idx], tokens)
        return (self.notes if with_notes else []) + out

    def _own_line(self, token: int) -> FileReport:
        src = self._source[token]
        if token in self._failed:
            return FileReport(src, "skipped", self._failed[token], 0)
        return FileReport(src, "duplicate", f"same text as {self._duplicate[token]}", 0)

    def _fold(self, line: FileReport, tokens: list[int]) -> FileReport:
        dups = [t for t in tokens if t in self._duplicate]
        fails = [t for t in tokens if t in self._failed]
        kept = max(0, line.articles - len(dups) - len(fails))
        if all(self._source[t] == line.file for t in tokens):  # a one-article file (.txt, .html)
            only = tokens[0]
            return self._own_line(only)
        parts = [line.reason] if line.reason else []
        if fails:
            listed = "; ".join(f"{self._row(t)}: {self._failed[t]}" for t in fails[:_LISTED])
            more = f"; and {len(fails) - _LISTED} more" if len(fails) > _LISTED else ""
            parts.append(f"{len(fails)} article{'s' if len(fails) != 1 else ''} skipped ({listed}{more})")
        if dups:
            listed = ", ".join(f"{self._row(t)} = {self._duplicate[t]}" for t in dups[:_LISTED])
            more = f" and {len(dups) - _LISTED} more" if len(dups) > _LISTED else ""
            parts.append(f"{len(dups)} duplicate article{'s' if len(dups) != 1 else ''} not counted twice "
                         f"({listed}{more})")
        if fails:
            status = "partial" if kept else "skipped"
        else:  # duplicates only: nothing is lost, they are in the corpus under their first name
            status = "duplicate" if kept == 0 and line.status == "built" else line.status
        return FileReport(line.file, status, "; ".join(parts), kept)

    def _row(self, token: int) -> str:
        m = _ROW_SOURCE_RE.match(self._source[token])
        return f"#{m.group('row')}" if m else self._source[token]


def build_corpus(paths: Iterable[str | os.PathLike] | str | os.PathLike | None = None, *, cache_dir: str | os.PathLike | None = None,
                 workers: int | None = None, progress: Callable[[int, int, str], None] | None = None,
                 runner: Callable[[list[tuple[int, RawArticle, Reference | None]], int | None],
                                  Iterable[tuple[int, tuple]]] | None = None,
                 sentiment: str = "auto",
                 ) -> BuildResult:
    """Read every source, process each article (in parallel, reusing cached results), link stories.

    ``runner(todo, workers)`` runs ``_process_one((raw, reference))`` for each ``(i, raw, reference)`` of
    ``todo`` and yields ``(i, result)`` in any order; the default is a local process pool,
    ``analysis.distributed`` passes a Dask cluster.
    """
    try:
        with _fewer_full_collections(), _LocalRunner() as local:
            return _build_corpus(paths, cache_dir=cache_dir, workers=workers, progress=progress, runner=runner or local,
                                 sentiment=sentiment, warm=local.warm if runner is None else None)
    finally:
        regexes.save()  # the patterns this process compiled, for the next one (see analysis/regexes.py)


# The garbage collector's thresholds while building: (young objects, young collections per middle one, middle
# collections per full one). A build makes millions of short-lived dicts and lists that reference counting frees,
# and with Python's defaults (700, 10, 10) the collector kept scanning the growing frames for cycles that are not
# there: a full collection walks every object the build holds. Cycles still get collected, only less often.
_BUILD_GC_THRESHOLDS = (20_000, 50, 100)


_gc_lock = threading.Lock()
_gc_builds = 0  # builds under way in this process (a server may run several, in threads)
_gc_before: tuple = ()


@contextlib.contextmanager
def _fewer_full_collections():
    """The build's collector thresholds, and the caller's back once the last build under way ends (a server
    builds inside its process)."""
    global _gc_builds, _gc_before
    with _gc_lock:
        if _gc_builds == 0:
            _gc_before = gc.get_threshold()
            gc.set_threshold(*_BUILD_GC_THRESHOLDS)
        _gc_builds += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_builds -= 1
            if _gc_builds == 0:
                gc.set_threshold(*_gc_before)


def _build_corpus(paths, *, cache_dir, workers, progress, runner, sentiment, warm=None) -> BuildResult:
    from .reader import iter_sources

    if paths is None:
        paths = [Path(__file__).resolve().parent.parent / "seeds"]
    elif isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    cache_path = Path(cache_dir) if cache_dir is not None else None
    # Nothing changed since the last build with this cache (same files, sizes and times): its frames as they were.
    listing = _input_listing(paths)
    sidecars = sidecar_signature(listing) if cache_path is not None else {}
    manifest = _manifest(listing, sidecars) if cache_path is not None else None
    if manifest is not None:
        manifest = f"{manifest}|sentiment={sentiment}"
    unchanged, frames_problem = _load_frames(cache_path, manifest) if manifest is not None else (None, None)
    if unchanged is not None:
        if progress:
            progress(len(unchanged.articles), len(unchanged.articles), "cached")
        return unchanged
    outcomes = _FileOutcomes()
    if frames_problem is not None:
        outcomes.notes.append(frames_problem)
    previous = None  # the last build's pass state, and its frames (a future)
    memo = None
    state = index = None
    if cache_path is not None:
        if frames_problem is None:
            index, problem = _read_frames_index(cache_path)
            if problem is not None:
                outcomes.notes.append(problem)
            state = index.get("state") if index is not None else None
        memo = SourceMemo(getattr(state, "files", None), f"{PIPELINE_VERSION}|{code_fingerprint()}", sidecars)
    if warm is not None:
        # Workers are started (and warm up while this process reads) when there may be many articles to process.
        # Fewer run in this process once it is warm, which keeps what it warmed up for the next build (a server
        # adding a few uploads to a large corpus pays the warm-up once). A cold command-line rebuild has them
        # processed by one helper worker instead, which warms up on another core while this process lists the
        # sources and reads the last frames: that warm-up is a third of such a rebuild. Only a process with no
        # other thread forks for a few articles: a server's threads may hold locks that the child would inherit
        # held; it processes a few uploads itself, as before.
        if len(listing) - (memo.known_files if memo is not None else 0) >= _FEW_ARTICLES:
            warm(workers)
        elif (isinstance(state, _PassState) and not _warm_here and _only_thread()
              and _resolve_sentiment(sentiment, len(state.keys)) != "encoder"):
            warm(workers, helper=True)
    if isinstance(state, _PassState):
        # The last build's frames load in a thread (Arrow reads without holding the interpreter) while this one
        # reads the sources and processes the new articles. (Started after the workers: forking a process
        # while a thread holds a lock leaves that lock held in the child.)
        from concurrent.futures import ThreadPoolExecutor
        loader = ThreadPoolExecutor(max_workers=1)
        previous = (state, loader.submit(_read_last_build, cache_path, index), index)
        loader.shutdown(wait=False)  # the thread finishes its one task; the rebuild waits on the future

    raws: list[RawArticle] = []  # or KnownArticle: an article of a file unchanged since the last build
    raw_tokens: list[int] = []  # each raw's token in the report
    digests: list[str] = []
    seen_ids: dict[str, str] = {}
    identity = memo.identity if memo is not None else (lambda raw: (text_id(raw), content_digest(raw)))

    def read():
        """``(index in raws, article)`` for each article that is not a copy of one read before."""
        for item in iter_sources(paths, memo=memo):
            if isinstance(item, FileReport):
                outcomes.file(item)
                continue
            token = outcomes.article(item.source)
            tid, digest = identity(item)
            if tid in seen_ids:
                outcomes.duplicate(token, seen_ids[tid])
                continue
            seen_ids[tid] = item.source
            raws.append(item)
            raw_tokens.append(token)
            digests.append(digest)
            yield len(raws) - 1, item

    files = memo.saved if memo is not None else (lambda: None)
    results: dict[int, tuple] = {}
    # The statements frame is built piece by piece while the workers run (this process mostly waits on them
    # then), not all at once after the last article, when the workers would stand idle.
    pieces = _FramePieces(schema.STATEMENT_COLUMNS)

    def to_process(items, cache: dict):
        """The ``(i, article, None)`` of ``items`` to process: a cached article's result and an unreadable one's
        reason go straight to ``results``."""
        for i, raw in items:
            hit = cache.get(_cache_key(digests[i]))
            if hit is not None:
                results[i] = (raw.source, *hit, None)
                pieces.add(hit[1])
                continue
            ready, unreadable = _load_known([(i, raw, None)])
            for k, source, reason in unreadable:
                results[k] = (source, None, None, reason)
            yield from ready

    if previous is None and getattr(runner, "streams", False):
        # A full build on started workers: each batch of articles goes to them as soon as it is read, rather
        # than after the last file (reading and hashing a thousand files kept two warm workers idle 0.2-0.6 s).
        cache, cache_problem = _load_cache(cache_path)
        reading = read()
        # The sentiment model depends on the number of articles only up to the encoder's limit: known once
        # one more than that is read (or all of them).
        first = list(itertools.islice(reading, ENCODER_MAX_ARTICLES + 1))
        set_sentiment_mode(_resolve_sentiment(sentiment, len(first)))
        # returns once every article is read and sent
        work = runner.stream(to_process(itertools.chain(first, reading), cache), workers, len(listing))
        keys = [_cache_key(d) for d in digests]
    else:
        for _ in read():
            pass
        set_sentiment_mode(_resolve_sentiment(sentiment, len(raws)))
        keys = [_cache_key(d) for d in digests]
        if previous is not None:
            grown = _build_incremental(cache_path, manifest, raws, raw_tokens, keys, outcomes, runner, workers,
                                       progress, previous, files)
            if grown is not None:
                return grown
        cache, cache_problem = _load_cache(cache_path)
        work = runner(list(to_process(enumerate(raws), cache)), workers)
    if cache_problem is not None:
        outcomes.notes.append(cache_problem)
    done = len(results)
    total = len(raws)
    if progress:
        progress(done, total, "cached")
    for i, out in work:
        results[i] = out
        if out[3] is None:
            pieces.add(out[2])
        done += 1
        if progress and (done % 25 == 0 or done == total):
            progress(done, total, out[0])

    articles, statements = [], []
    new_cache = {}
    art_index: list[int] = []  # raws index of each article
    art_rows: list[list[dict]] = []  # each article's statement rows
    dating_of: dict[int, Dating] = {}  # article index -> its first pass's dating (articles processed just now)
    for i in range(len(raws)):
        src, art, rows, err = results[i]
        if err:
            outcomes.failed(raw_tokens[i], err)
            continue
        dating = art.pop("_dating", None)
        if dating is not None:
            dating_of[len(articles)] = dating
        new_cache[keys[i]] = (art, rows)
        articles.append(art)
        art_index.append(i)
        art_rows.append(rows)
        statements.extend(rows)

    # Corpus pass: stories, and a reference date for undated articles from a dated telling of the same quote.
    links, redo = plan_corpus_pass(articles, statements)
    for art in articles:
        art["story_id"] = links[art["article_id"]][0]
    first_pass = {articles[k]["article_id"]: (articles[k]["reference_date"], _quote_rows(art_rows[k])) for k, _ in redo}
    redo_keys: dict[int, str] = {}
    if redo:
        # Dated again with the borrowed reference: cached like the first pass (keyed by the reference too),
        # and run in parallel like it.
        redo_keys = {k: _redo_key(keys[art_index[k]], ref) for k, ref in redo}
        redone: dict[int, tuple[dict, list[dict]]] = {}
        # (an article whose re-dating fails keeps its first pass, and is not marked as re-dated)
        for k, _ in redo:
            hit = cache.get(redo_keys[k])
            if hit is not None:
                new_cache[redo_keys[k]] = redone[k] = hit
        # (an article whose file changed since it was listed keeps its first pass; the file is read next time)
        todo, _ = _load_known([(k, raws[art_index[k]], _with_first_pass(ref, articles[k], art_rows[k], dating_of.get(k)))
                               for k, ref in redo if k not in redone])
        for k, (_, art, rows, err) in _run_redo(runner, todo, workers):
            if err:  # keep the first-pass result of an article that fails only with the borrowed date
                continue
            new_cache[redo_keys[k]] = (art, rows)
            redone[k] = (art, rows)
        for k, (art, rows) in redone.items():
            art["story_id"] = articles[k]["story_id"]
            articles[k] = art
            art_rows[k] = rows
        pieces.replace({articles[k]["article_id"] for k in redone}, [r for k in redone for r in art_rows[k]])
        redo_keys = {k: v for k, v in redo_keys.items() if k in redone}
    _release(runner)
    if cache_path is not None and new_cache.keys() != cache.keys():
        unsaved = _save_cache(cache_path, new_cache, cache)
        if unsaved is not None:
            outcomes.notes.append(unsaved)
    story_of = {a["article_id"]: a["story_id"] for a in articles}

    art_df = schema.conform(pd.DataFrame(articles, columns=None) if articles else pd.DataFrame(), schema.ARTICLE_COLUMNS)
    st_df = pieces.frame(["article_id", "position"])
    if len(st_df):
        st_df["story_id"] = _map_ids(st_df["article_id"], story_of, "str")
    art_df = art_df.sort_values("source").reset_index(drop=True) if len(art_df) else art_df
    result = BuildResult(art_df, st_df, outcomes.report())
    # Not stored when an article failed: the failure may be passing (memory), so the next build retries it.
    # Stored without the lines about the caches themselves: they describe this build, not the next one.
    if manifest is not None and not outcomes.any_failed:
        state = _PassState(
            keys={keys[art_index[k]]: a["article_id"] for k, a in enumerate(articles)},
            redone={articles[k]["article_id"]: rk for k, rk in redo_keys.items()},
            first_pass={aid: v for aid, v in first_pass.items() if aid in {articles[k]["article_id"] for k in redo_keys}},
            files=files())
        _save_frames(cache_path, manifest, BuildResult(art_df, st_df, outcomes.report(with_notes=False)), state)
    return result


class _FramePieces:
    """A frame built from rows as they come, one conformed piece per ``_ROWS`` rows: the same frame as
    ``schema.conform(pd.DataFrame(all rows))`` (conform works value by value), in row order; ``frame(by)``
    sorts it."""

    _ROWS = 20_000

    def __init__(self, columns) -> None:
        self._columns = columns
        self._pieces: list[pd.DataFrame] = []
        self._rows: list[dict] = []
        self._stale: list[tuple[int, set[str]]] = []  # (rows conformed so far, the articles replaced then)

    def add(self, rows: list[dict]) -> None:
        self._rows += rows
        if len(self._rows) >= self._ROWS:
            self._flush()

    def replace(self, article_ids: set[str], rows: list[dict]) -> None:
        """``rows`` in place of the rows these articles had so far (articles dated again). The old rows are left
        out when the frame is made, in the one copy that sorts it: filtering the pieces now copied every column."""
        self._flush()
        self._stale.append((sum(len(p) for p in self._pieces), set(article_ids)))
        self.add(rows)

    def _flush(self) -> None:
        if self._rows:
            self._pieces.append(schema.conform(pd.DataFrame(self._rows), self._columns))
            self._rows = []

    def frame(self, by: list[str] | None = None) -> pd.DataFrame:
        """The rows (without those replaced), sorted by the columns ``by`` when given."""
        self._flush()
        if not self._pieces:
            return schema.conform(pd.DataFrame(), self._columns)
        whole = self._pieces[0] if len(self._pieces) == 1 else pd.concat(self._pieces, ignore_index=True)
        keep = None
        if self._stale:
            ids = whole["article_id"]
            out = np.zeros(len(whole), dtype=bool)
            for upto, stale in self._stale:
                out[:upto] |= ids.iloc[:upto].isin(list(stale)).to_numpy()
            keep = np.flatnonzero(~out)
        if by:
            keys = whole[by] if keep is None else whole[by].take(keep)
            keep = keys.sort_values(by).index.to_numpy()  # positions in ``whole``: its index is a range
        if keep is None:
            return whole
        return whole.take(keep).reset_index(drop=True)


def _map_ids(ids: pd.Series, mapping: dict, dtype) -> pd.Series:
    """``ids.map(mapping).astype(dtype)``, looking each distinct id up once (a statement frame repeats each
    article id dozens of times)."""
    codes, uniques = pd.factorize(ids)
    looked_up = np.array([mapping[u] for u in uniques] + [None], dtype=object)
    return pd.Series(looked_up[codes], index=ids.index).astype(dtype)


def _load_known(work: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """``work`` items ``(key, article, reference)`` with each ``KnownArticle`` read back from its file, and apart,
    as ``(key, source, reason)``, those that cannot be: the file changed or went away since it was listed (a
    scraper writing into the corpus during the build). Read here, not by a worker: a cluster's workers may not
    see this machine's files."""
    ready, unreadable = [], []
    for key, article, ref in work:
        try:
            ready.append((key, as_raw(article), ref))
        except (OSError, ValueError) as exc:
            unreadable.append((key, article.source, f"the file changed while the build ran ({exc}); it is read "
                                                   "again on the next build"))
    return ready, unreadable


def _records(frame: pd.DataFrame) -> list[dict]:
    """Frame rows as dicts with None for every missing value (NaN, NaT, NA), as the steps produce them."""
    names = list(frame.columns)
    columns = []
    for c in names:
        values = frame[c].astype(object).tolist()
        if frame[c].hasnans:
            values = [None if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v) else v for v in values]
        columns.append(values)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _build_incremental(cache_path: Path, manifest: str | None, raws: list[RawArticle], raw_tokens: list[int],
                       keys: list[str], outcomes: "_FileOutcomes", runner, workers, progress,
                       previous: tuple, files: Callable[[], dict | None]) -> BuildResult | None:
    """The frames of the last build, with the articles that left removed, the new ones processed, and the corpus
    pass planned again over all of them; the same frames as a full build, without unpickling and re-framing
    every article's rows (which made a rebuild with 1 % new articles cost a quarter of a full build). None when
    the last build cannot be extended (another version, most articles new, its frames unreadable): build in full.
    ``previous``: the last build's ``_PassState``, a future of its frames (``_read_last_build``) and the store's
    index."""
    state, frames, stored = previous
    new_idx = [i for i, k in enumerate(keys) if k not in state.keys]
    if len(new_idx) * 2 > len(raws):
        return None
    total, done = len(raws), len(raws) - len(new_idx)
    if progress:
        progress(done, total, "cached")
    todo, unreadable = _load_known([(i, raws[i], None) for i in new_idx])
    results: dict[int, tuple] = {i: (source, None, None, reason) for i, source, reason in unreadable}
    # The new articles first: the last frames go on loading meanwhile.
    for i, out in runner(todo, workers):
        results[i] = out
        done += 1
        if progress and (done % 25 == 0 or done == total):
            progress(done, total, out[0])
    last, problem, planned = frames.result()
    if problem is not None:
        outcomes.notes.append(problem)
    if last is None:
        return None
    stored_arts, stored_quotes = planned
    keep_ids = {state.keys[k] for k in keys if k in state.keys}
    art_prev, st_prev = last.articles, last.statements
    if len(keep_ids) < len(art_prev):  # filtering a million rows is not free: only when articles left
        art_prev = art_prev[art_prev["article_id"].isin(keep_ids)]
        st_prev = st_prev[st_prev["article_id"].isin(keep_ids)]
    new_entries: dict[str, tuple[dict, list[dict]]] = {}
    new_art: dict[str, dict] = {}
    new_rows: dict[str, list[dict]] = {}
    key_of = {aid: k for k, aid in state.keys.items() if aid in keep_ids}
    dating_of: dict[str, Dating] = {}
    for i in new_idx:
        _, art, rows, err = results[i]
        if err:
            outcomes.failed(raw_tokens[i], err)
            continue
        dating = art.pop("_dating", None)
        if dating is not None:
            dating_of[art["article_id"]] = dating
        new_entries[keys[i]] = (art, rows)
        new_art[art["article_id"]], new_rows[art["article_id"]] = art, rows
        key_of[art["article_id"]] = keys[i]
    index_of_key = {k: i for i, k in enumerate(keys)}
    raw_of = {aid: raws[index_of_key[k]] for aid, k in key_of.items()}

    # The corpus pass, planned on first-pass values as a full build plans it.
    plan_arts = [a for a in stored_arts if a["article_id"] in keep_ids]
    plan_arts += [{f: a[f] for f in _PLAN_FIELDS} for a in new_art.values()]
    for a in plan_arts:
        if a["article_id"] in state.redone:
            a["reference_date"] = state.first_pass[a["article_id"]][0]
    quotes_of = {aid: rows for aid, rows in stored_quotes.items() if aid in keep_ids and aid not in state.redone}
    for aid in state.redone:
        if aid in keep_ids:
            quotes_of[aid] = list(state.first_pass[aid][1])
    for aid, rows in new_rows.items():
        quotes_of[aid] = _quote_rows(rows)
    links, redo = plan_corpus_pass(plan_arts, [r for rows in quotes_of.values() for r in rows])

    redone: dict[str, str] = {}
    first_pass: dict[str, tuple] = {}
    tasks: list[tuple[str, Reference, str]] = []
    for k, ref in redo:
        aid = plan_arts[k]["article_id"]
        rk = _redo_key(key_of[aid], ref)
        first_pass[aid] = (plan_arts[k]["reference_date"], quotes_of.get(aid, []))
        if state.redone.get(aid) == rk:
            redone[aid] = rk  # dated with this reference already: its rows in the last frames stand
            continue
        if aid in new_rows:
            ref = _with_first_pass(ref, new_art[aid], new_rows[aid], dating_of.get(aid))
        tasks.append((aid, ref, rk))
    # Articles dated with a borrowed reference last time that no longer take one go back to their first pass.
    back = [aid for aid in state.redone if aid in keep_ids and aid not in redone and aid not in {t[0] for t in tasks}]
    work = [(n, raw_of[aid], ref) for n, (aid, ref, _) in enumerate(tasks)]
    work += [(len(tasks) + n, raw_of[aid], None) for n, aid in enumerate(back)]
    work, unreadable = _load_known(work)
    if unreadable:
        return None  # an old article's file changed since it was listed: build in full, which reports it
    replaced: dict[str, tuple[dict, list[dict]]] = {}
    for n, (_, art, rows, err) in _run_redo(runner, work, workers):
        aid = tasks[n][0] if n < len(tasks) else back[n - len(tasks)]
        if err:
            if aid not in new_rows:
                return None  # an old article's rows can no longer be told apart: build in full
            continue  # a new article that fails only with the borrowed date keeps its first pass
        art.pop("_dating", None)  # an article going back to its first pass comes with its dating
        replaced[aid] = (art, rows)
        if n < len(tasks):
            redone[aid] = tasks[n][2]
            new_entries[tasks[n][2]] = (art, rows)
    _release(runner)

    for aid, (art, rows) in replaced.items():
        if aid in new_rows:
            new_art[aid], new_rows[aid] = art, rows
    old_replaced = {aid: v for aid, v in replaced.items() if aid not in new_rows}
    story_of = {aid: story for aid, (story, _) in links.items()}
    frames = []
    for prev, columns, new_records, old_records, order in (
            (art_prev, schema.ARTICLE_COLUMNS, list(new_art.values()), [a for a, _ in old_replaced.values()], ["source"]),
            (st_prev, schema.STATEMENT_COLUMNS, [r for rows in new_rows.values() for r in rows],
             [r for _, rows in old_replaced.values() for r in rows], ["article_id", "position"])):
        old_frame = schema.conform(pd.DataFrame(old_records), columns) if old_records else None
        updated = _replace_rows(prev, old_frame, order) if old_frame is not None else prev
        if updated is None:  # not the same rows after all: take them out and put the new ones in
            updated = prev[~prev["article_id"].isin(list(old_replaced))]
            new_records = new_records + old_records
        new_frame = schema.conform(pd.DataFrame(new_records), columns) if new_records else None
        frames.append(_insert_sorted(updated, new_frame, order) if new_frame is not None else updated.reset_index(drop=True))
    art_df, st_df = frames
    art_df["story_id"] = _map_ids(art_df["article_id"], story_of, last.articles["story_id"].dtype)
    st_df["story_id"] = _map_ids(st_df["article_id"], story_of, last.statements["story_id"].dtype)
    # What the store's delta needs: the articles whose rows changed (left, new, dated again), and the old
    # articles that joined another story.
    changed = (set(state.keys.values()) - keep_ids) | set(old_replaced) | set(new_art)
    restoried = {aid: story_of[aid] for aid, story in zip(art_prev["article_id"].tolist(), art_prev["story_id"].tolist())
                 if aid not in changed and story_of[aid] != story}

    result = BuildResult(art_df, st_df, outcomes.report())
    if new_entries:
        unsaved = _append_cache(cache_path, new_entries)
        if unsaved is not None:
            result.report.insert(0, unsaved)
    if manifest is not None and not outcomes.any_failed:
        state = _PassState(keys={k: aid for aid, k in key_of.items()}, redone=redone,
                           first_pass={aid: first_pass[aid] for aid in redone}, files=files())
        _save_frames(cache_path, manifest, BuildResult(art_df, st_df, outcomes.report(with_notes=False)), state,
                     _FramesChange(stored, changed, restoried))
    return result


def _insert_sorted(prev: pd.DataFrame, new: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``concat([prev, new]).sort_values(by)`` for a ``prev`` sorted by ``by`` and a ``new`` whose ``by[0]`` values
    are not in ``prev`` (new articles): ``new``'s rows are slotted between slices of ``prev``, so the big Arrow
    columns are joined rather than copied; re-sorting a whole corpus cost more than the rest of a small rebuild."""
    new = new.sort_values(by).reset_index(drop=True)
    prev_keys = prev[by[0]].to_numpy(dtype=object)
    new_keys = new[by[0]].to_numpy(dtype=object)
    at = np.searchsorted(prev_keys, new_keys) if len(prev_keys) else np.zeros(len(new_keys), dtype=np.int64)
    hit = at < len(prev_keys)
    if (len(prev_keys) > 1 and not (prev_keys[:-1] <= prev_keys[1:]).all()) or (prev_keys[at[hit]] == new_keys[hit]).any():
        return pd.concat([prev, new], ignore_index=True).sort_values(by).reset_index(drop=True)
    pieces, done = [], 0
    cuts = np.flatnonzero(np.diff(at)) + 1  # runs of new rows going to the same place
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(at)]):
        place = int(at[lo])
        if place > done:
            pieces.append(prev.iloc[done:place])
        pieces.append(new.iloc[lo:hi])
        done = place
    if done < len(prev):
        pieces.append(prev.iloc[done:])
    return pd.concat(pieces, ignore_index=True)


def _replace_rows(prev: pd.DataFrame, repl: pd.DataFrame, by: list[str]) -> pd.DataFrame | None:
    """``prev`` with the rows of the articles in ``repl`` replaced by ``repl``'s rows where they are the same rows
    (same ``by`` values, in order) differing in a few columns (an old article dated again: its dates); None when
    they are not, and the caller removes and inserts them instead."""
    pos = np.flatnonzero(prev["article_id"].isin(list(dict.fromkeys(repl["article_id"]))).to_numpy())
    repl = repl.sort_values(by).reset_index(drop=True)
    if len(pos) != len(repl):
        return None
    old = prev.iloc[pos].reset_index(drop=True)
    for c in by:
        if not (old[c].to_numpy(dtype=object) == repl[c].to_numpy(dtype=object)).all():
            return None
    out = prev.copy(deep=False)
    for c in repl.columns:
        if c == "story_id":
            continue  # mapped again for every row by the caller
        if c not in out.columns or old[c].dtype != repl[c].dtype:
            return None
        if old[c].equals(repl[c]):
            continue
        if prev[c].dtype == object:  # lists: set one by one (numpy would read a list of lists as a matrix)
            values = out[c].to_numpy(dtype=object, copy=True)
            for p, v in zip(pos, repl[c].to_numpy(dtype=object)):
                values[p] = v
        else:  # in the column's own array type: no round trip through Python objects
            values = out[c].array.copy()
            values[pos] = repl[c].array
        out[c] = pd.Series(values, index=out.index, dtype=prev[c].dtype)
    return out


def _append_cache(cache_dir: Path, entries: dict) -> FileReport | None:
    """New per-article results as one more part of the cache (folded into one file when the parts become many)."""
    existing = [p for p in _cache_parts(cache_dir) if p.exists()]
    if not existing or len(existing) >= _CACHE_PARTS_MAX:
        cache, _ = _load_cache(cache_dir)
        return _save_cache(cache_dir, {**cache, **entries})
    return _write_cache_file(cache_dir, entries)


def _input_listing(paths: list[Path]) -> list[tuple[Path, str]]:
    """``(root, path relative to it)`` of every input file, in a stable order; hidden files and folders are left
    out, as the reader leaves them out. One walk serves both the fingerprint and the decision to start workers."""
    out: list[tuple[Path, str]] = []
    for root in paths:
        root = root.resolve()
        if root.is_file():
            out.append((root, ""))
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel = os.path.relpath(folder, root)  # once per folder, not per file
            out += [(root, name if rel == "." else os.path.join(rel, name)) for name in sorted(files)
                    if not name.startswith(".")]
    return out


def _manifest(listing: list[tuple[Path, str]], sidecars: dict) -> str | None:
    """Fingerprint of the inputs as the file system describes them (path, size, modification time), or None.

    Reading and hashing every article only to find nothing changed costs more than the 5 % of a full build a
    no-change rebuild may take; the file system's metadata answers that in a stat per file.
    """
    h = hashlib.sha256(PIPELINE_VERSION.encode() + code_fingerprint().encode())
    try:
        for root, rel in listing:
            st = os.stat(os.path.join(root, rel) if rel else root)
            h.update(f"\0{root}\0{rel}|{st.st_size}|{st.st_mtime_ns}".encode("utf-8", "surrogatepass"))
    except OSError:
        return None  # a file vanished while listing: build normally
    h.update(repr(sidecars).encode("utf-8", "surrogatepass"))  # ``sidecar_signature``: the one beside a file given alone
    return h.hexdigest()


def _frames_file(cache_dir: Path) -> Path:
    return cache_dir / f"frames-v{PIPELINE_VERSION}.pkl"


def _load_frames(cache_dir: Path, manifest: str) -> tuple[BuildResult | None, FileReport | None]:
    """The stored result when the inputs are unchanged, and a report line when the store is unreadable."""
    # The fingerprint sits in a small file of its own: when the inputs changed, the frames are not unpickled.
    try:
        if _frames_file(cache_dir).with_suffix(".key").read_text(encoding="utf-8") != manifest:
            return None, None
    except (OSError, UnicodeDecodeError):
        return None, None
    stored, problem = _read_frames_store(cache_dir)
    if stored is None or stored.get("manifest") != manifest:
        return None, problem
    return stored["result"], None


def _read_frames_store(cache_dir: Path) -> tuple[dict | None, FileReport | None]:
    """The stored frames (``{"manifest", "result", "state"}``), and a report line when the store is unreadable."""
    index, problem = _read_frames_index(cache_dir)
    if index is None:
        return None, problem
    result, problem = _read_frame_parts(cache_dir, index)
    if result is None:
        return None, problem
    return {"manifest": index.get("manifest"), "state": index.get("state"), "result": result}, None


def _unreadable_store(path: Path, problem: str) -> FileReport:
    return FileReport(str(path), "rebuilt", f"corpus cache was unreadable ({problem}); "
                                            "the frames were built again and the cache rewritten")


def _read_frames_index(cache_dir: Path) -> tuple[dict | None, FileReport | None]:
    """The store's index (``{"manifest", "token", "report", "state"}``), and a report line when it is unreadable."""
    from .storage import read_pickle_checked
    path = _frames_file(cache_dir)
    index, problem = read_pickle_checked(path)
    if problem is None and index is not None and not (
            isinstance(index, dict) and isinstance(index.get("token"), str) and isinstance(index.get("report"), list)):
        problem = "not a corpus cache of this version (unexpected contents)"
    if problem is not None:
        return None, _unreadable_store(path, problem)
    return index, None


# What the corpus pass reads of an article.
_PLAN_FIELDS = ("article_id", "source", "published", "reference_date")


def _read_last_build(cache_dir: Path, index: dict) -> tuple[BuildResult | None, FileReport | None, tuple | None]:
    """``_read_frame_parts``, and what planning the corpus pass reads of those frames: the articles' plan fields
    and the quotation rows by article (as rows of dicts, in frame order). Run in a thread while the new articles
    are processed: the Arrow work (reading, and the first filter of a process, ~20 ms) runs beside them."""
    last, problem = _read_frame_parts(cache_dir, index)
    if last is None:
        return None, problem, None
    q = last.statements[list(_QUOTE_FIELDS)]  # the columns first: filtering every column of a big frame costs
    q = q[(q["kind"] == "quote") & q["speaker"].notna() & q["quote"].notna()]
    quotes_of: dict[str, list[dict]] = {}
    for r in _records(q):
        quotes_of.setdefault(r["article_id"], []).append(r)
        _quote_signature(r["quote"])  # memoised: planning the corpus pass then finds them computed
    return last, problem, (_records(last.articles[list(_PLAN_FIELDS)]), quotes_of)


def _read_frame_parts(cache_dir: Path, index: dict) -> tuple[BuildResult | None, FileReport | None]:
    """The frames an index names (its base, with its delta applied), and a report line naming the part that is
    unreadable."""
    delta = index.get("delta")
    frames = []
    for token in (index["token"], delta["token"]) if delta else (index["token"],):
        for which, columns in (("articles", schema.ARTICLE_COLUMNS), ("statements", schema.STATEMENT_COLUMNS)):
            part = _frames_part(cache_dir, token, which)
            try:
                frames.append(_read_frame_part(part, columns))
            except Exception as exc:  # noqa: BLE001 - missing, truncated or foreign: rebuild, as for the index
                return None, _unreadable_store(part, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if delta:
        frames = _apply_delta(frames, delta)
    return BuildResult(frames[0], frames[1], list(index["report"])), None


def _apply_delta(frames: list[pd.DataFrame], delta: dict) -> list[pd.DataFrame]:
    """``[articles, statements]`` of the base without its stale articles, with their story ids as they are now,
    and the delta's rows slotted in: the frames the build that wrote the delta returned."""
    base_art, base_st, new_art, new_st = frames
    stale, stories = list(delta["stale"]), delta["stories"]
    out = []
    for base, new, order in ((base_art, new_art, ["source"]), (base_st, new_st, ["article_id", "position"])):
        # Both touch few rows of a big frame: found by position, so that the columns are not copied whole (a
        # boolean filter of the 10k corpus's statements copied every string column, 0.3 s).
        if stale:
            base = _without_rows(base, np.flatnonzero(base["article_id"].isin(stale).to_numpy()))
        if stories:
            hit = np.flatnonzero(base["article_id"].isin(list(stories)).to_numpy())
            if len(hit):
                story = base["story_id"].array.copy()
                story[hit] = [stories[aid] for aid in base["article_id"].iloc[hit].tolist()]
                base = base.assign(story_id=pd.Series(story, index=base.index))
        out.append(_insert_sorted(base, new, order) if len(new) else base.reset_index(drop=True))
    return out


def _without_rows(frame: pd.DataFrame, hit: np.ndarray) -> pd.DataFrame:
    """``frame`` without the rows at positions ``hit`` (ascending): the slices between them joined."""
    if not len(hit):
        return frame
    return _rows_at(frame, np.delete(np.arange(len(frame)), hit))


def _rows_at(frame: pd.DataFrame, hit: np.ndarray) -> pd.DataFrame:
    """The rows at positions ``hit`` (ascending), as slices joined: a boolean filter or a take of a frame joined
    from slices (``_insert_sorted``) copied every column whole first, 50 ms for a few rows at 1,000 articles."""
    if not len(hit):
        return frame.iloc[:0]
    cuts = np.flatnonzero(np.diff(hit) > 1) + 1  # runs of adjacent rows: an article's statements
    return pd.concat([frame.iloc[hit[a]:hit[b - 1] + 1] for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(hit)])],
                     ignore_index=True)


def _frames_part(cache_dir: Path, token: str, which: str) -> Path:
    return cache_dir / f"frames-v{PIPELINE_VERSION}.{token}.{which}.arrow"


def _read_frame_part(path: Path, columns) -> pd.DataFrame:
    frame = pd.read_feather(path)
    missing = [c.name for c in columns if c.name not in frame.columns]
    if missing:
        raise ValueError(f"columns {', '.join(missing)} are missing")
    for c in columns:
        if c.dtype == "list[string]":
            frame[c.name] = pd.Series(_decode_lists(frame[c.name]), index=frame.index, dtype=object)
    return frame


def _encode_lists(values: pd.Series) -> pd.Categorical:
    """A column of lists of strings as a categorical of their distinct values (JSON), for the frames store: the few
    hundred distinct target lists of a corpus are written and read once each, not once per statement (Arrow list
    columns read back as arrays, and turning 260,000 arrays into lists took half the time of loading the frames)."""
    index: dict[tuple, int] = {}
    codes = [-1 if v is None else index.setdefault(tuple(v), len(index)) for v in values.tolist()]
    return pd.Categorical.from_codes(codes, categories=[json.dumps(list(k), ensure_ascii=False) for k in index])


def _decode_lists(column: pd.Series) -> list:
    if isinstance(column.dtype, pd.CategoricalDtype):
        distinct = [json.loads(v) for v in column.cat.categories]
        return [None if c < 0 else list(distinct[c]) for c in column.cat.codes.tolist()]  # a list of its own per row
    return [None if v is None else v.tolist() for v in column]  # a store written with Arrow list columns


@dataclass
class _FramesChange:
    """What a rebuild changed in the frames of the store it extended: ``stored`` (that store's index), the
    ``changed`` articles (left, new, or dated again: their rows differ) and ``restoried``, the other old articles
    whose story id changed (id -> new story id)."""
    stored: dict
    changed: set[str]
    restoried: dict[str, str]


# A delta grows with each rebuild (it holds every article changed since the base was written): past this share
# of the corpus's articles, the frames are written whole again, so reading the store stays one base and one
# small delta.
_DELTA_MAX_SHARE = 0.1


def _next_delta(change: _FramesChange | None, articles: pd.DataFrame) -> dict | None:
    """The delta against the stored base that gives ``articles`` (and their statements), or None when the frames
    are better written whole. A delta: ``stale``, the base's articles left out (every article changed since the
    base: a superset of ``ids``); ``ids``, the articles whose rows the delta holds; ``stories``, the base's
    articles whose story id changed since (id -> story id)."""
    if change is None:
        return None
    last = change.stored.get("delta") or {"stale": frozenset(), "ids": frozenset(), "stories": {}}
    stale = last["stale"] | change.changed
    if len(stale) > _DELTA_MAX_SHARE * len(articles):
        return None
    now = set(articles["article_id"].tolist())
    stories = {aid: story for aid, story in {**last["stories"], **change.restoried}.items() if aid not in stale}
    return {"stale": frozenset(stale), "ids": frozenset(a for a in last["ids"] | change.changed if a in now),
            "stories": stories}


def _save_frames(cache_dir: Path, manifest: str, result: BuildResult, state: _PassState | None = None,
                 change: _FramesChange | None = None) -> None:
    """The frames as Arrow (Feather) files, which write and read several times faster than a pickle of Arrow-
    backed frames (zstd-compressed, an eighth of the size), and a small index (manifest, report, pass state)
    naming them. The index is replaced last, so a crash leaves the last complete store in place; a file torn by a
    power cut is found unreadable and rebuilt, which is why these cache files skip the fsync that outputs get.

    A rebuild that changed few articles (``change``) writes only their rows, as a delta against the stored base
    (``_next_delta``): writing the whole frames again cost more than extracting 1 % new articles."""
    import secrets

    from .storage import atomic_write_bytes, write_feather_cache, write_pickle_atomic
    path = _frames_file(cache_dir)
    token = secrets.token_hex(6)
    delta = _next_delta(change, result.articles)
    frames = (result.articles, result.statements)
    if delta is not None:
        ids = list(delta["ids"])
        frames = tuple(_rows_at(f, np.flatnonzero(f["article_id"].isin(ids).to_numpy())) for f in frames)
        index = {"token": change.stored["token"], "delta": {**delta, "token": token}}
    else:
        index = {"token": token}
    parts = []
    try:
        for which, frame, columns in zip(("articles", "statements"), frames,
                                         (schema.ARTICLE_COLUMNS, schema.STATEMENT_COLUMNS)):
            parts.append(_frames_part(cache_dir, token, which))
            frame = frame.reset_index(drop=True)
            lists = {c.name: _encode_lists(frame[c.name]) for c in columns if c.dtype == "list[string]"}
            write_feather_cache(frame.assign(**lists) if lists else frame, parts[-1])
        write_pickle_atomic(path, {"manifest": manifest, **index, "report": result.report, "state": state},
                            durable=False)
        atomic_write_bytes(path.with_suffix(".key"), manifest.encode("utf-8"), durable=False)
    except OSError:
        # The index still names the last complete store: the new parts are nobody's. Only the next rebuild
        # gets slower.
        for part in parts:
            try:
                part.unlink(missing_ok=True)
            except OSError:
                pass
        return
    try:
        for old in cache_dir.glob(f"frames-v{PIPELINE_VERSION}.*.arrow"):
            if old.name.split(".")[1] not in (token, index["token"]):
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _with_first_pass(ref: Reference, article: dict, rows: list[dict], dating: Dating | None) -> Reference:
    """The borrowed reference with what the article's first pass leaves for dating it again: the whole first
    pass when its dating came back with it, else its scores (scoring does not depend on the date)."""
    if dating is not None:
        return dataclasses.replace(ref, first_pass=(article, rows, dating))
    return dataclasses.replace(ref, scores=tuple({c: r[c] for c in SCORE_COLUMNS} for r in rows))


def _run_redo(runner, work: list[tuple[int, RawArticle, Reference | None]], workers: int | None):
    """Articles dated again: those with their first pass at hand here, in this process (only their dates are
    worked out again, well under a millisecond: sending them to a worker would cost more); the others through
    the runner (the whole article again)."""
    remote = []
    for n, raw, ref in work:
        if ref is not None and ref.first_pass is not None:
            yield n, _process_one((raw, ref))
        else:
            remote.append((n, raw, ref))
    yield from runner(remote, workers)


def _release(runner) -> None:
    """Tell a runner that can be told (the local one) that the build has no more articles for it."""
    release = getattr(runner, "release", None)
    if release is not None:
        release()


def _redo_key(key: str, ref: Reference) -> str:
    when = ref.date.isoformat() if ref.date is not None else ""
    return hashlib.sha256(f"{key}\0{when}\0{ref.precision}\0{ref.evidence}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


# Fewer articles than this are processed in the building process (or by one helper worker while it is cold):
# starting workers costs more.
_FEW_ARTICLES = 40
_warm_here = False  # this process has processed articles itself (its patterns, actor index and models are loaded)


def _only_thread() -> bool:
    """This process runs no other thread (a command-line build, not a server)."""
    return threading.active_count() == 1


def _warm_worker() -> None:
    gc.set_threshold(*_BUILD_GC_THRESHOLDS)  # a worker process only builds
    # The patterns a worker compiled, kept for the next build as the worker exits (workers that were killed save
    # nothing: the next build compiles them again).
    multiprocessing.util.Finalize(None, regexes.save, exitpriority=10)
    try:
        from .actors import ActorIndex
        from . import clean, dates, metadata, scoring, segment, speakers, statement_dates, tension  # noqa: F401
        ActorIndex.default()
        tension.score_tension("warm", None)
        scoring.textblob_sentiment("warm")  # loads TextBlob's lexicon
        segment.split_sentences("Warm. Up.", 0, 9)
    except Exception:  # noqa: BLE001 - warming up is an optimisation: a failure shows when the article runs
        pass


class _LocalRunner:
    """The default runner: a local process pool, kept for the whole build so that re-dating articles in the
    corpus pass does not start (and warm up: imports, actor index, sentiment model) a second set of workers."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._used = False
        self._helper = False  # the pool is one helper worker (``warm(helper=True)``)
        self._exiting: threading.Thread | None = None  # ``release``: the pool's thread that waits for its workers

    def release(self) -> None:
        """The build has no more work for the workers: they exit now, while it makes its frames (``__exit__``
        still waits for them, so that no process outlives the build)."""
        if self._pool is not None and self._used:
            self._exiting = getattr(self._pool, "_executor_manager_thread", None)
            self._pool.shutdown(wait=False)
            self._pool = None

    def __enter__(self) -> "_LocalRunner":
        return self

    def __exit__(self, *exc) -> None:
        if self._exiting is not None:
            self._exiting.join()
            self._exiting = None
        if self._pool is not None:
            # Workers that only warmed up (a build that had nothing to process) are not waited for; workers that
            # did work are, so that no process outlives the build.
            self._pool.shutdown(wait=self._used, cancel_futures=True)
            self._pool = None

    def warm(self, workers: int | None, helper: bool = False) -> None:
        """Start the workers now and let them warm up (imports, the actor index) while this process reads the
        sources: that warm-up is most of what a rebuild with a few new articles waits for. ``helper``: one
        worker, for a few articles."""
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers <= 1 or self._pool is not None:
            return
        if helper:
            workers = 1
        try:
            self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker)
            self._helper = helper
            for _ in range(workers):
                self._pool.submit(int)  # starts a worker process (each runs the initializer first)
        except (OSError, RuntimeError):
            self._pool = None  # no workers to be had: the build runs them later, or in this process

    def __call__(self, todo: list[tuple[int, RawArticle, Reference | None]], workers: int | None):
        global _warm_here
        if not todo:
            return
        workers = workers if workers is not None else (os.cpu_count() or 1)
        # A few articles are not worth starting workers for; once the workers run, they take any number (workers
        # still warming up are waited for: running the articles here meanwhile competes with them for the cores).
        if workers <= 1 or (len(todo) < _FEW_ARTICLES and self._pool is None):
            for k in range(0, len(todo), _SCORE_BATCH):
                batch = todo[k:k + _SCORE_BATCH]
                yield from zip((i for i, _, _ in batch), _process_batch([(r, ref) for _, r, ref in batch]))
                _warm_here = True
            return
        if self._helper and len(todo) >= _FEW_ARTICLES:  # more than a helper's share after all: every core
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool, self._helper = None, False
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker)
        yield from self._on_pool(iter(todo), self._chunk(len(todo), workers))

    @property
    def streams(self) -> bool:
        """Workers are started (``warm``) and take work as it is read (``stream``)."""
        return self._pool is not None and not self._helper

    def stream(self, todo: Iterable[tuple[int, RawArticle, Reference | None]], workers: int | None, expected: int):
        """``__call__`` for work still being read: each batch goes to the workers as it fills. Returns once
        ``todo`` is exhausted, with an iterator of the results. ``expected``: about how many items come."""
        workers = workers if workers is not None else (os.cpu_count() or 1)
        return self._on_pool(iter(todo), self._chunk(expected, workers))

    @staticmethod
    def _chunk(items: int, workers: int) -> int:
        return max(1, min(4, -(-items // _SCORE_BATCH) // (workers * 8)))

    def _on_pool(self, todo, chunk: int):
        """Send ``todo`` to the workers in batches (now: ``Executor.map`` submits everything before it returns)
        and return an iterator of ``(i, result)``."""
        mode = sentiment_mode()
        batches: list[list[tuple]] = []

        def work():
            for batch in iter(lambda: list(itertools.islice(todo, _SCORE_BATCH)), []):
                batches.append(batch)
                yield [(r, ref, mode) for _, r, ref in batch]

        self._used = True
        try:
            outs = self._pool.map(_process_batch, work(), chunksize=chunk)
        except BrokenProcessPool as exc:
            for _ in work():  # the rest is read all the same, and reported
                pass
            return self._lost(batches, set(), exc)
        return self._collect(batches, outs)

    def _collect(self, batches: list[list[tuple]], outs):
        done: set[int] = set()
        try:
            for batch, got in zip(batches, outs):
                for (i, _, _), out in zip(batch, got):
                    done.add(i)
                    yield i, out
        except BrokenProcessPool as exc:
            yield from self._lost(batches, done, exc)

    def _lost(self, batches: list[list[tuple]], done: set[int], exc: BaseException):
        # A worker died (killed for memory, a crash in native code): the build goes on without the articles it
        # had not finished; they are reported, not cached, so the next build tries them again.
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        reason = f"extraction failed: a worker process died ({type(exc).__name__}); retried on the next build"
        for batch in batches:
            for i, r, _ in batch:
                if i not in done:
                    yield i, (r.source, None, None, reason)


def _run(todo: list[tuple[int, RawArticle, Reference | None]], workers: int | None):
    """``_LocalRunner`` for one batch of work."""
    with _LocalRunner() as local:
        yield from local(todo, workers)


# The encoder scores about 100 statements a second per core; beyond this many articles the build takes the
# fast model (and says so in `sentiment_model`) unless asked otherwise.
ENCODER_MAX_ARTICLES = 100


def _resolve_sentiment(requested: str, n_articles: int) -> str:
    if requested == "auto":
        return "encoder" if n_articles <= ENCODER_MAX_ARTICLES else "fast"
    return requested


def build(paths=None, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The articles and statements frames of the given sources (the shipped seeds by default)."""
    r = build_corpus(paths, **kwargs)
    return r.articles, r.statements
