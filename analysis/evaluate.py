"""Scores the extraction against hand annotations (the seeds' gold ships in analysis/data/gold/).

Every figure is computed from the frames the pipeline builds, never typed in:

* quote recall: a gold quotation counts as found when a statement of kind ``quote`` covers its first words;
* speaker accuracy: of the found quotes, the share with the gold speaker (or an accepted alternative);
* statement-date accuracy: of the found quotes, the share whose date agrees at the gold's precision; where the
  gold says the text does not date the statement (null), an honest ``published``/``unknown`` is right;
* publication date: right where the gold has one; a wrong guess is any date that differs from the gold, or any
  date where the gold has none;
* outlet: right where the gold names one; invented = an outlet where the gold has none;
* scare quotes taken as statements: gold ``not_statements`` that became quote statements;
* tension macro-F1: sign of ``tension`` with a dead zone vs the gold label, next to TextBlob alone.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

GOLD_PATH = Path(__file__).parent / "data" / "gold" / "seeds_gold.json"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
DEAD_ZONE = 0.1


def _norm(s: str) -> str:
    s = re.sub(r"[“”„«»\"]", '"', s)
    s = re.sub(r"[‘’]", "'", s)
    return re.sub(r"\s+", " ", s).strip().lower()


def _date_matches(gold: str | None, ts, precision: str) -> bool:
    if gold is None:
        return precision in ("published", "unknown")
    if ts is None or pd.isna(ts):
        return False
    fmt = "%Y-%m-%d" if len(gold) == 10 else "%Y-%m" if len(gold) == 7 else "%Y"
    return ts.strftime(fmt) == gold


def sign(x: float, dead_zone: float = DEAD_ZONE) -> int:
    if x is None or pd.isna(x):
        return 0
    return 0 if abs(x) < dead_zone else (1 if x > 0 else -1)


def macro_f1(gold: list[int], pred: list[int], labels=(-1, 0, 1)) -> float:
    f1s = []
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        if tp + fp + fn == 0:
            continue
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s) if f1s else 0.0


def _find_statement(st: pd.DataFrame, text: str, start: str, kinds) -> pd.Series | None:
    idx = text.find(start)
    if idx < 0:
        idx = _norm(text).find(_norm(start))
    if idx < 0:
        return None
    hit = st[(st["start"] <= idx) & (st["end"] > idx) & st["kind"].isin(kinds)]
    if tuple(kinds) == ("quote",) and len(hit):
        ns = _norm(start)[:40]
        hit = hit[hit["quote"].fillna("").map(lambda q: ns in _norm(q))]
    return hit.iloc[0] if len(hit) else None


def evaluate_frames(articles: pd.DataFrame, statements: pd.DataFrame, gold: dict) -> dict:
    q_total = q_found = spk_ok = date_ok = 0
    i_total = i_found = i_spk_ok = i_date_ok = i_dated = 0
    pub_right = pub_stated = pub_wrong = 0
    out_right = out_named = out_invented = 0
    scare = 0
    tension_gold, tension_pred, tb_pred = [], [], []
    dir_ok = dir_total = 0
    misses = []
    for g in gold["articles"]:
        arow = articles[articles["source"] == g["file"]]
        if arow.empty:
            continue
        a = arow.iloc[0]
        st = statements[statements["article_id"] == a["article_id"]]
        text = a["text"]
        for q in g["quotes"]:
            q_total += 1
            s = _find_statement(st, text, q["start"], ("quote",))
            if s is None:
                misses.append(f"{g['file']}: quote not found: {q['start'][:50]!r}")
                continue
            q_found += 1
            ok_names = {q["speaker"], *q.get("speaker_also_accepted", [])}
            if s["speaker"] in ok_names:
                spk_ok += 1
            else:
                misses.append(f"{g['file']}: speaker {s['speaker']!r} for {q['start'][:40]!r} (gold {q['speaker']})")
            if _date_matches(q["statement_date"], s["statement_date"], s["date_precision"]):
                date_ok += 1
            else:
                misses.append(f"{g['file']}: date {s['statement_date']} ({s['date_precision']}) for {q['start'][:40]!r} (gold {q['statement_date']})")
            if "tension" in q and not pd.isna(s["tension"]):
                tension_gold.append(q["tension"])
                tension_pred.append(sign(s["tension"]))
                tb_pred.append(sign(-s["polarity"]))
            if q.get("direction"):
                dir_total += 1
                d = s.get("direction")
                if isinstance(d, str) and d.replace("→", "->") == q["direction"]:
                    dir_ok += 1
        for q in g.get("indirect", []):
            i_total += 1
            s = _find_statement(st, text, q["start"], ("reported", "quote"))
            if s is None:
                misses.append(f"{g['file']}: reported speech not found: {q['start'][:50]!r}")
                continue
            i_found += 1
            if s["speaker"] == q["speaker"]:
                i_spk_ok += 1
            else:
                misses.append(f"{g['file']}: reported speaker {s['speaker']!r} for {q['start'][:40]!r} (gold {q['speaker']})")
            i_dated += 1
            if _date_matches(q.get("statement_date"), s["statement_date"], s["date_precision"]):
                i_date_ok += 1
        pub = a["published"]
        if g.get("published"):
            pub_stated += 1
            if not pd.isna(pub) and pub.strftime("%Y-%m-%d") == g["published"]:
                pub_right += 1
            elif not pd.isna(pub):
                pub_wrong += 1
        elif not pd.isna(pub):
            pub_wrong += 1
        outlet = a["outlet"]
        if g.get("outlet"):
            out_named += 1
            if isinstance(outlet, str) and outlet.strip().lower() == g["outlet"].lower():
                out_right += 1
            else:
                misses.append(f"{g['file']}: outlet {outlet!r} (gold {g['outlet']})")
        elif isinstance(outlet, str) and outlet:
            out_invented += 1
            misses.append(f"{g['file']}: invented outlet {outlet!r}")
        for ns in g.get("not_statements", []):
            n = _norm(ns)
            if (st["kind"].eq("quote") & st["quote"].fillna("").map(lambda x: _norm(x) == n)).any():
                scare += 1
                misses.append(f"{g['file']}: scare quote taken as a statement: {ns!r}")

    def ratio(a, b):
        return round(a / b, 4) if b else None

    return {
        "gold_quotes": q_total,
        "quote_recall": ratio(q_found, q_total),
        "speaker_accuracy": ratio(spk_ok, q_found),
        "statement_date_accuracy": ratio(date_ok, q_found),
        "reported_recall": ratio(i_found, i_total),
        "reported_speaker_accuracy": ratio(i_spk_ok, i_found),
        "reported_date_accuracy": ratio(i_date_ok, i_dated),
        "published_right": pub_right,
        "published_stated": pub_stated,
        "published_wrong": pub_wrong,
        "outlet_right": out_right,
        "outlet_named": out_named,
        "outlet_invented": out_invented,
        "scare_quotes_as_statements": scare,
        "direction_accuracy": ratio(dir_ok, dir_total),
        "tension_macro_f1": round(macro_f1(tension_gold, tension_pred), 4) if tension_gold else None,
        "textblob_macro_f1": round(macro_f1(tension_gold, tb_pred), 4) if tension_gold else None,
        "tension_n": len(tension_gold),
        "misses": misses,
    }


def evaluate_corpus(gold_path=None, source_dir=None, articles=None, statements=None) -> dict:
    """Build ``source_dir`` (the seeds by default) unless frames are given, and score it against the gold."""
    gold = json.loads(Path(gold_path or GOLD_PATH).read_text(encoding="utf-8"))
    if articles is None or statements is None:
        from .pipeline import build
        articles, statements = build([source_dir or SEEDS_DIR])
    return evaluate_frames(articles, statements, gold)


def format_report(m: dict) -> str:
    lines = [
        f"quote recall              {m['quote_recall']}  ({m['gold_quotes']} gold quotes)",
        f"speaker accuracy          {m['speaker_accuracy']}",
        f"statement-date accuracy   {m['statement_date_accuracy']}",
        f"reported speech: recall {m['reported_recall']}, speaker accuracy {m['reported_speaker_accuracy']}, date accuracy {m['reported_date_accuracy']}",
        f"publication date          {m['published_right']}/{m['published_stated']} right, {m['published_wrong']} wrong guesses",
        f"outlet                    {m['outlet_right']}/{m['outlet_named']} right, {m['outlet_invented']} invented",
        f"scare quotes as statements {m['scare_quotes_as_statements']}",
        f"direction accuracy        {m['direction_accuracy']}",
        f"tension macro-F1          {m['tension_macro_f1']}  vs TextBlob-only {m['textblob_macro_f1']}  (n={m['tension_n']}, dead zone ±{DEAD_ZONE})",
    ]
    if m.get("misses"):
        lines.append("disagreements with the gold:")
        lines += [f"  - {x}" for x in m["misses"]]
    return "\n".join(lines)


def evaluate_written_statements(path, mode: str = "encoder") -> dict:
    """Tension as the build scores it (cues, and the sentiment model for cue-less statements) on a JSONL of
    hand-labelled statements, next to the cues alone and to TextBlob alone (macro-F1, sign with the dead zone).

    Per batch too: batches after the first were written after the lexicon and show how it generalises.
    """
    from .actors import ActorIndex
    from .scoring import score_statements, set_sentiment_mode, sentiment_mode
    from .tension import score_tension

    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    index = ActorIndex.default()
    rows = []
    for it in items:
        targets, span = [], None
        for m in index.find_mentions(it["text"]):
            if m.actor is not None and m.actor.name != it.get("speaker") and m.actor.name not in targets:
                targets.append(m.actor.name)
                span = span or (m.start, m.end)
        rows.append({"text": it["text"], "quote": it.get("quote"), "kind": "quote" if it.get("quote") else "reported",
                     "speaker": it.get("speaker"), "speaker_side": it.get("speaker_side"),
                     "target_sides": it.get("target_sides") or [], "targets": targets, "in_caption": False,
                     "_target_span": span})
    before = sentiment_mode()
    set_sentiment_mode(mode)
    try:
        score_statements(rows)
    finally:
        set_sentiment_mode(before)
    gold = [it["tension"] for it in items]
    full = [sign(r["tension"]) for r in rows]
    cues = [sign(score_tension(it["text"], it.get("quote"))[0]) for it in items]
    tb = [sign(-r["polarity"]) for r in rows]
    out = {"n": len(items), "tension": macro_f1(gold, full), "cues_only": macro_f1(gold, cues), "textblob": macro_f1(gold, tb),
           "batches": {}}
    for b in sorted({it.get("batch", 1) for it in items}):
        idx = [k for k, it in enumerate(items) if it.get("batch", 1) == b]
        g = [gold[k] for k in idx]
        out["batches"][b] = {"n": len(idx), "tension": macro_f1(g, [full[k] for k in idx]),
                             "cues_only": macro_f1(g, [cues[k] for k in idx]), "textblob": macro_f1(g, [tb[k] for k in idx])}
    return out


def format_written(m: dict) -> str:
    lines = [f"hand-written statements (n={m['n']}): tension as built {m['tension']:.3f} | cues alone {m['cues_only']:.3f} | TextBlob alone {m['textblob']:.3f}"]
    for b, v in m["batches"].items():
        lines.append(f"  batch {b} (n={v['n']}): as built {v['tension']:.3f} | cues alone {v['cues_only']:.3f} | TextBlob {v['textblob']:.3f}")
    return "\n".join(lines)
