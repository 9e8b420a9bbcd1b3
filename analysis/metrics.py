"""Validation of the tension score: macro-F1 against hand labels, and NewsMTSC.

Three checks, all computed live (nothing typed in):

* ``evaluate_gold_quotes``: the seeds' 22 gold quotes. Each is scored from the seed
  text itself: the quoted words around the gold ``start`` string, in the sentence(s)
  containing them. Label = sign of tension with a dead zone, against the gold label;
  baseline = sign of ``-polarity`` (TextBlob) with the same dead zone.
* ``evaluate_statements_file``: the same on a JSONL of hand-labelled statements
  (``tests/data/tension_statements.jsonl``: other people, sides and wordings).
* ``evaluate_newsmtsc``: NewsMTSC test splits (Hamborg & Donnay, EACL 2021), one row per
  sentence–target pair, labels 2.0 negative, 4.0 neutral, 6.0 positive. TextBlob's sign
  of polarity (exactly 0 = neutral, as in the published baseline) next to the
  "statement sentiment" ``polarity - STATEMENT_TENSION_WEIGHT * tension``.

Macro-F1 averages the per-class F1 over the classes that occur in the labels or the
predictions (so a class nobody uses does not count as a zero).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .tension import LEXICON, score_tension

DATA = Path(__file__).parent / "data"
GOLD_PATH = DATA / "gold" / "seeds_gold.json"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
NEWSMTSC_DIR = DATA / "newsmtsc"
NEWSMTSC_LABELS = {2.0: -1, 4.0: 0, 6.0: 1}

# Chosen on the NewsMTSC dev splits (rw + mt), never on test: see docs/method.md.
STATEMENT_TENSION_WEIGHT = 1.0
STATEMENT_DEAD_ZONE = 0.02


def labels_with_dead_zone(values, dead_zone: float | None = None) -> np.ndarray:
    """-1/0/1 per value: the sign, 0 inside the dead zone (|x| < dead_zone) and for NaN.
    With dead_zone 0 only an exact 0 is neutral."""
    dz = LEXICON.dead_zone if dead_zone is None else dead_zone
    x = np.asarray(values, dtype="float64")
    x = np.where(np.isnan(x), 0.0, x)
    inside = np.abs(x) < dz if dz > 0 else x == 0
    return np.where(inside, 0, np.sign(x)).astype(int)


def macro_f1(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    f1s = []
    for c in np.union1d(y_true, y_pred):
        tp = int(((y_true == c) & (y_pred == c)).sum())
        fp = int(((y_true != c) & (y_pred == c)).sum())
        fn = int(((y_true == c) & (y_pred != c)).sum())
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s)) if f1s else 0.0


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float((y_true == y_pred).mean()) if len(y_true) else 0.0


def _polarity(text: str) -> float:
    from textblob import TextBlob

    return float(TextBlob(text).sentiment.polarity)


def _compare(items: list[dict], dead_zone: float | None) -> dict:
    """Tension vs TextBlob-only labels on items with text, quote and a gold tension."""
    gold = np.array([it["tension"] for it in items], dtype=int)
    tension = np.array([score_tension(it["text"], it.get("quote"))[0] for it in items])
    polarity = np.array([_polarity(it.get("quote") or it["text"]) for it in items])
    pred = labels_with_dead_zone(tension, dead_zone)
    base = labels_with_dead_zone(-polarity, dead_zone)
    f1, f1_base = macro_f1(gold, pred), macro_f1(gold, base)
    rows = [
        {**{k: it.get(k) for k in ("id", "file", "start", "speaker")}, "gold": int(g), "tension": float(t),
         "label": int(p), "textblob_label": int(b)}
        for it, g, t, p, b in zip(items, gold, tension, pred, base)
    ]
    return {
        "n": len(items),
        "dead_zone": LEXICON.dead_zone if dead_zone is None else dead_zone,
        "tension_macro_f1": round(f1, 4),
        "tension_accuracy": round(accuracy(gold, pred), 4),
        "textblob_macro_f1": round(f1_base, 4),
        "textblob_accuracy": round(accuracy(gold, base), 4),
        "gap": round(f1 - f1_base, 4),
        "rows": rows,
    }


_QUOTE_SPAN = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"|«[^»\n]*»|„[^“”\n]*[“”]|‘[^’\n]{3,}’(?!\w)")


def gold_quote_items(gold_path: Path | str | None = None, seeds_dir: Path | str | None = None) -> list[dict]:
    """The gold quotes as scoring items: ``quote`` = the quoted words around the gold
    ``start`` string, ``text`` = the sentence(s) of the seed text that contain them."""
    import nupunkt

    gold = json.loads(Path(gold_path or GOLD_PATH).read_text(encoding="utf-8"))
    seeds = Path(seeds_dir or SEEDS_DIR)
    items = []
    for art in gold["articles"]:
        text = (seeds / art["file"]).read_text(encoding="utf-8")
        for q in art.get("quotes", []):
            if q.get("tension") is None:
                continue
            pos = text.find(q["start"])
            if pos < 0:
                raise ValueError(f"{art['file']}: gold start {q['start'][:40]!r} not in the text")
            line_start = text.rfind("\n", 0, pos) + 1
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end
            line = text[line_start:line_end]
            rel = pos - line_start
            span = next(((m.start(), m.end()) for m in _QUOTE_SPAN.finditer(line) if m.start() <= rel < m.end()), None)
            if span is None:  # not inside quotation marks: the sentence stands for the quote
                span = (rel, rel + len(q["start"]))
                quote = None
            else:
                quote = line[span[0] + 1:span[1] - 1].strip()
            sentences = [(a, b) for a, b in nupunkt.sent_spans(line) if a < span[1] and b > span[0]]
            a = min([s for s, _ in sentences] + [span[0]])
            b = max([e for _, e in sentences] + [span[1]])
            items.append({"file": art["file"], "start": q["start"], "speaker": q.get("speaker"),
                          "text": line[a:b].strip(), "quote": quote, "tension": int(q["tension"])})
    return items


def evaluate_gold_quotes(gold_path=None, seeds_dir=None, dead_zone: float | None = None) -> dict:
    """Tension macro-F1 on the seeds' gold quotes next to the TextBlob-only baseline."""
    return _compare(gold_quote_items(gold_path, seeds_dir), dead_zone)


def evaluate_statements_file(path: Path | str, dead_zone: float | None = None, batch: int | None = None) -> dict:
    """The same comparison on a JSONL of {text, quote, tension} statements; ``batch``
    keeps only the rows of one batch (rows without a batch are batch 1)."""
    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if batch is not None:
        items = [it for it in items if it.get("batch", 1) == batch]
    return _compare(items, dead_zone)


def tension_validation_summary(statements_path: Path | str | None = None) -> str:
    """Lines for ``python -m analysis evaluate``: gold quotes scored from the seed text,
    and hand-labelled statements per batch (batches after the first were held out: each
    was scored once, before any lexicon change it could inform; docs/method.md)."""
    lines = [format_tension_validation(evaluate_gold_quotes(), "seed gold quotes (from the seed text)")]
    if statements_path is not None and Path(statements_path).exists():
        rows = [json.loads(x) for x in Path(statements_path).read_text(encoding="utf-8").splitlines() if x.strip()]
        lines.append(format_tension_validation(evaluate_statements_file(statements_path), "own statements, all"))
        for b in sorted({r.get("batch", 1) for r in rows}):
            lines.append("  " + format_tension_validation(evaluate_statements_file(statements_path, batch=b), f"batch {b}"))
    return "\n".join(lines)


def _newsmtsc_rows(split_path: Path | str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Unique sentences, and per sentence–target pair: sentence index and gold label."""
    sentences: list[str] = []
    index: dict[str, int] = {}
    which, gold = [], []
    for line in Path(split_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        s = row["sentence_normalized"]
        if s not in index:
            index[s] = len(sentences)
            sentences.append(s)
        for t in row["targets"]:
            which.append(index[s])
            gold.append(NEWSMTSC_LABELS[float(t["polarity"])])
    return sentences, np.array(which, dtype=int), np.array(gold, dtype=int)


def newsmtsc_scores(split_path: Path | str) -> dict:
    """Per sentence–target pair: gold label, TextBlob polarity, tension (for tuning on dev)."""
    sentences, which, gold = _newsmtsc_rows(split_path)
    polarity = np.array([_polarity(s) for s in sentences])
    tension = np.array([score_tension(s)[0] for s in sentences])
    return {"gold": gold, "polarity": polarity[which], "tension": tension[which]}


def statement_sentiment(polarity, tension, weight: float = STATEMENT_TENSION_WEIGHT) -> np.ndarray:
    """A sentiment in [-2, 2] from both signals: TextBlob polarity minus weighted tension."""
    return np.asarray(polarity, dtype="float64") - weight * np.asarray(tension, dtype="float64")


def evaluate_newsmtsc(split_path: Path | str) -> dict:
    """Macro-F1 and accuracy on a NewsMTSC split: TextBlob sign of polarity vs statement sentiment."""
    s = newsmtsc_scores(split_path)
    gold = s["gold"]
    tb = labels_with_dead_zone(s["polarity"], 0.0)
    ours = labels_with_dead_zone(statement_sentiment(s["polarity"], s["tension"]), STATEMENT_DEAD_ZONE)
    tension_only = labels_with_dead_zone(-s["tension"], LEXICON.dead_zone)
    return {
        "split": str(split_path),
        "n": int(len(gold)),
        "textblob_macro_f1": round(macro_f1(gold, tb), 4),
        "textblob_accuracy": round(accuracy(gold, tb), 4),
        "statement_macro_f1": round(macro_f1(gold, ours), 4),
        "statement_accuracy": round(accuracy(gold, ours), 4),
        "tension_only_macro_f1": round(macro_f1(gold, tension_only), 4),
        "tension_only_accuracy": round(accuracy(gold, tension_only), 4),
    }


def evaluate_newsmtsc_summary(newsmtsc_dir: Path | str | None = None) -> str:
    """Lines for ``python -m analysis evaluate``: NewsMTSC rw and mt test splits."""
    base = Path(newsmtsc_dir or NEWSMTSC_DIR)
    lines = ["NewsMTSC test (macro-F1 / accuracy, %)       TextBlob sign    statement sentiment    tension only"]
    for split in ("rw", "mt"):
        path = base / f"newsmtsc-{split}" / "test.jsonl"
        if not path.exists():
            lines.append(f"  {split}: {path} missing")
            continue
        m = evaluate_newsmtsc(path)
        lines.append(
            f"  {split} (n={m['n']:>4})                              "
            f"{100 * m['textblob_macro_f1']:5.1f} / {100 * m['textblob_accuracy']:4.1f}     "
            f"{100 * m['statement_macro_f1']:5.1f} / {100 * m['statement_accuracy']:4.1f}          "
            f"{100 * m['tension_only_macro_f1']:5.1f} / {100 * m['tension_only_accuracy']:4.1f}"
        )
    return "\n".join(lines)


def format_tension_validation(m: dict, title: str) -> str:
    return (f"{title}: tension macro-F1 {m['tension_macro_f1']:.3f} vs TextBlob-only {m['textblob_macro_f1']:.3f} "
            f"(gap {m['gap']:+.3f}, n={m['n']}, dead zone ±{m['dead_zone']})")
