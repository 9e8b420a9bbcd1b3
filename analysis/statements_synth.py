"""Schema-conformant frames of any size, made directly (no extraction), for the dashboard data-path benchmark.

Building a million statements through the pipeline takes hours; the dashboard's load, memory and
filter costs depend only on the frames' shape: how many rows, how long the texts are, how many distinct
speakers, outlets, targets and dates there are. ``synth_frames(n)`` makes an articles and a statements
frame with the shapes of a real build (about 18 statements per article, a few hundred speakers, dozens
of outlets, three years of dates, quotation, reported and narrative statements with their evidence and
cues), from the same invented building blocks as the synthetic corpus (``data/synth.toml``).

    python -m analysis.statements_synth --statements 1000000 --out DIR   # DIR/articles.parquet, statements.parquet
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from . import schema
from .synth import MONTHS, _blocks, _cap, _cast, _fill, _title_role

STATEMENTS_PER_ARTICLE = 18
POOL = 30_000  # distinct statement texts; rows draw from them, as syndicated copies repeat sentences


def _pool(seed: int) -> dict[str, list]:
    """Distinct statements with everything that belongs together (text, quote, speaker, targets, scores)."""
    rng = random.Random(f"pool:{seed}")
    b = _blocks()
    actors, by_side, analysts = _cast()
    sw = b["side_words"]
    speakers = [a for a in actors if a.side in sw]
    tones = {"quote_hostile": (0.15, 0.85), "quote_conciliatory": (-0.7, -0.1), "quote_neutral": (-0.05, 0.05)}
    cue_classes = {"quote_hostile": ["threaten", "accuse", "reject", "demand"],
                   "quote_conciliatory": ["agree", "consult", "praise"], "quote_neutral": []}
    cols: dict[str, list] = {k: [] for k in ("text", "quote", "kind", "speaker", "speaker_side", "speaker_role",
                                             "speaker_evidence", "attribution", "targets", "target_sides",
                                             "direction", "polarity", "subjectivity", "tension", "cues")}
    for _ in range(POOL):
        sp = rng.choices(speakers, [4 if a.side in ("Armenia", "Russia") else 1 for a in speakers])[0]
        other = rng.choice(b["counterparts"].get(sp.side, ["Russia"]))
        noun, adj, cap = sw.get(other, [other] * 3)
        slots = {"other": noun, "other_adj": adj, "other_capital": cap, "org": "the CSTO", "topic": rng.choice(b["topics"]),
                 "place": rng.choice(b["places"]), "side": sw[sp.side][0], "capital": sw[sp.side][2],
                 "topic_short": rng.choice(b["topic_short"])}
        targets = [a.name for a in rng.sample(by_side.get(other, []), min(len(by_side.get(other, [])), rng.choice([0, 1, 1, 2])))]
        target_sides = [other] if other else []
        kind = rng.choices(["quote", "reported", "narrative"], [5, 2, 4])[0]
        tone = rng.choices(list(tones), [5, 3, 2])[0]
        verb = _fill(rng.choice(b["speech_verbs"]), slots)
        name = rng.choice([sp.name, sp.surname, f"{_title_role(sp.role)} {sp.name}"])
        lo, hi = tones[tone]
        tension = round(rng.uniform(lo, hi), 3)
        quote = None
        speaker = sp
        if kind == "quote":
            quote = _cap(_fill(rng.choice(b[tone]), slots))
            text = rng.choice([f"“{quote},” {name} {verb}.", f"{name} {verb}: \"{quote}.\"", f"«{quote}», {name} {verb}."])
            attribution, evidence = "verb", f"{name} {verb}"
        elif kind == "reported":
            text = f"{name} {rng.choice(b['reported_verbs'])} that {_fill(rng.choice(b['reported']), slots)}."
            attribution, evidence = "verb", name
        else:
            text = _cap(_fill(rng.choice(b["background"]), slots))
            speaker, attribution, evidence = None, None, None
            tension = round(rng.uniform(-0.1, 0.3), 3) if rng.random() < 0.4 else 0.0
        if rng.random() < 0.3:  # longer statements: two sentences
            text += " " + _cap(_fill(rng.choice(b["background"]), slots))
        cues = [{"cue": c, "class": c, "weight": round(tension, 2), "modifier": None}
                for c in rng.sample(cue_classes[tone], min(len(cue_classes[tone]), rng.choice([0, 1, 2])))] if speaker else []
        cols["text"].append(text)
        cols["quote"].append(quote)
        cols["kind"].append(kind)
        cols["speaker"].append(speaker.name if speaker else None)
        cols["speaker_side"].append(speaker.side if speaker else None)
        cols["speaker_role"].append(speaker.role if speaker else None)
        cols["speaker_evidence"].append(evidence)
        cols["attribution"].append(attribution)
        cols["targets"].append(targets)
        cols["target_sides"].append(target_sides)
        cols["direction"].append(f"{speaker.side}→{other}" if speaker and other else None)
        cols["polarity"].append(round(rng.uniform(-0.5, 0.5), 3))
        cols["subjectivity"].append(round(rng.uniform(0, 1), 3))
        cols["tension"].append(tension)
        cols["cues"].append(json.dumps(cues, ensure_ascii=False))
    return cols


def synth_frames(n_statements: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(articles, statements) frames conforming to ``analysis.schema``, with ``n_statements`` statements."""
    g = np.random.default_rng(seed)
    b = _blocks()
    pool = _pool(seed)
    n_art = max(1, n_statements // STATEMENTS_PER_ARTICLE)
    # Articles: outlet (a few outlets publish most), publication time over the corpus's span, id.
    outlets = np.array(b["outlets"] + b["wires"], dtype=object)
    w = 1 / np.arange(1, len(outlets) + 1)
    art_outlet = outlets[g.choice(len(outlets), n_art, p=w / w.sum())]
    art_outlet[g.random(n_art) < 0.08] = None  # outlet not stated
    start = pd.Timestamp(b["start_date"], tz="UTC")
    art_pub = start + pd.to_timedelta(g.integers(0, b["span_days"] * 86400, n_art), unit="s")
    art_ids = np.array([f"{x:016x}" for x in g.integers(0, 2**63, n_art, dtype=np.int64)], dtype=object)
    # Statements: spread over articles in order, positions within each article.
    art_of = np.sort(g.integers(0, n_art, n_statements))
    first = np.searchsorted(art_of, np.arange(n_art))
    position = np.arange(n_statements) - first[art_of]
    pick = g.integers(0, POOL, n_statements)

    def take(col):
        return pa.array(pool[col], type=pa.string()).take(pa.array(pick)) if col not in ("targets", "target_sides") else None

    lag_days = g.choice([0, 0, 0, 1, 2, 5, 30], n_statements)
    published = art_pub[art_of]
    st_date = (published.normalize() - pd.to_timedelta(lag_days, unit="D")).to_numpy()
    precision = g.choice(np.array(["day", "month", "published", "unknown"], dtype=object), n_statements, p=[0.55, 0.1, 0.25, 0.1])
    st_date = pd.DatetimeIndex(st_date).where(precision != "unknown")
    month_start = st_date.tz_convert(None).to_period("M").to_timestamp().tz_localize("UTC")
    st_date = st_date.where(precision != "month", month_start)
    day_words = pd.Series(st_date).dt.strftime("on %-d %B").astype(object).to_numpy()
    evidence = np.where(precision == "day", day_words, np.where(precision == "month", "last month", None))
    text = take("text")
    lengths = pa.compute.utf8_length(text).to_numpy(zero_copy_only=False)
    starts = np.zeros(n_statements, dtype=np.int64)
    # Offsets of each statement within its article's text (statements joined by blank lines).
    cum = np.cumsum(lengths + 2)
    starts[1:] = cum[:-1]
    starts = starts - np.where(first[art_of] > 0, cum[first[art_of] - 1], 0)
    pick_list = pick.tolist()
    st = pd.DataFrame({
        "statement_id": pd.array(art_ids[art_of] + ":" + position.astype(str).astype(object), dtype="str"),
        "article_id": art_ids[art_of],
        "position": position,
        "start": starts,
        "end": starts + lengths,
        "text": pd.array(text, dtype="str"),
        "quote": pd.array(take("quote"), dtype="str"),
        "kind": pd.array(take("kind"), dtype="str"),
        "speaker": pd.array(take("speaker"), dtype="str"),
        "speaker_side": pd.array(take("speaker_side"), dtype="str"),
        "speaker_role": pd.array(take("speaker_role"), dtype="str"),
        "speaker_evidence": pd.array(take("speaker_evidence"), dtype="str"),
        "attribution": pd.array(take("attribution"), dtype="str"),
        # A fresh list per row, as a build produces (and as Parquet gives back).
        "targets": [list(pool["targets"][k]) for k in pick_list],
        "target_sides": [list(pool["target_sides"][k]) for k in pick_list],
        "direction": pd.array(take("direction"), dtype="str"),
        "statement_date": st_date,
        "date_precision": precision,
        "date_evidence": evidence,
        "published": published,
        "outlet": art_outlet[art_of],
        "in_caption": g.random(n_statements) < 0.02,
        "polarity": np.asarray(pool["polarity"])[pick],
        "subjectivity": np.asarray(pool["subjectivity"])[pick],
        "tension": np.asarray(pool["tension"])[pick],
        "cues": pd.array(take("cues"), dtype="str"),
    })
    st.loc[st["in_caption"], "tension"] = np.nan
    st = schema.conform(st, schema.STATEMENT_COLUMNS)

    # Articles: their text is their statements joined, as long as a real page's body.
    texts = pd.Series(st["text"].to_numpy(dtype=object)).groupby(art_of).agg("\n\n".join)
    n_st = np.bincount(art_of, minlength=n_art)
    n_q = np.bincount(art_of, weights=(st["kind"] == "quote").to_numpy(), minlength=n_art).astype(int)
    story = art_ids[np.maximum(0, np.arange(n_art) - g.integers(0, 3, n_art))]  # neighbours share a story
    arts = pd.DataFrame({
        "article_id": art_ids,
        "source": [f"part-{k // 1000:04d}/synth-{k:07d}.txt" for k in range(n_art)],
        "url": None,
        "outlet": art_outlet,
        "outlet_evidence": art_outlet,
        "outlet_source": np.where(pd.isna(art_outlet), None, "text"),
        "title": [f"{MONTHS[k % 12]} report {k}" for k in range(n_art)],
        "title_source": "text",
        "published": art_pub,
        "published_precision": "second",
        "published_evidence": art_pub.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "published_source": "text",
        "reference_date": art_pub.normalize(),
        "reference_precision": "day",
        "reference_evidence": "publication date",
        "story_id": story,
        "language": "en",
        "n_statements": n_st,
        "n_quotes": n_q,
        "blocks": "[]",
        "text": texts.reindex(range(n_art), fill_value="").to_numpy(dtype=object),
    })
    arts = schema.conform(arts, schema.ARTICLE_COLUMNS)
    return arts, st


def write_frames(n_statements: int, out: str | Path, seed: int = 0) -> tuple[Path, Path]:
    from .storage import write_parquet_atomic

    out = Path(out)
    arts, st = synth_frames(n_statements, seed)
    write_parquet_atomic(arts, out / "articles.parquet")
    write_parquet_atomic(st, out / "statements.parquet")
    return out / "articles.parquet", out / "statements.parquet"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.statements_synth", description=__doc__.split("\n")[0])
    p.add_argument("--statements", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    a, s = write_frames(args.statements, args.out, args.seed)
    print(f"{args.statements} statements -> {s}, articles -> {a}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
