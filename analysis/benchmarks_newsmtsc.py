"""`python -m analysis evaluate --newsmtsc`: sentiment on the NewsMTSC test splits, from the shipped files."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# The figures the dashboard's method page shows, written by ``python -m analysis evaluate --newsmtsc --write``
# from the shipped files; tests/test_sentiment_model.py recomputes them, so they cannot drift from the models.
RECORDED = Path(__file__).parent / "data" / "sentiment_model" / "benchmark.json"


def newsmtsc_table(modes=("fast", "encoder")) -> list[dict]:
    """Macro-F1 and accuracy (%) on the rw and mt test splits for TextBlob and each shipped model."""
    from textblob import TextBlob

    from .sentiment_model import SentimentModel, evaluate_newsmtsc, load_newsmtsc, macro_f1, newsmtsc_file

    rows = []
    for split in ("rw", "mt"):
        sentences, _, gold = load_newsmtsc(newsmtsc_file(split, "test"))
        pol = np.array([TextBlob(s).sentiment.polarity for s in sentences])
        pred = np.where(pol > 0, 2, np.where(pol < 0, 0, 1))  # sign of polarity, as the paper's baseline
        rows.append({"model": "TextBlob (sign of polarity)", "split": split, "n": int(len(gold)),
                     "macro_f1": round(100 * macro_f1(gold, pred), 2),
                     "accuracy": round(100 * float(np.mean(gold == pred)), 2)})
        for mode in modes:
            r = evaluate_newsmtsc(SentimentModel.load(mode=mode), split)
            rows.append({"model": r["model"], "split": split, "n": r["n"], "macro_f1": r["macro_f1"], "accuracy": r["accuracy"]})
    return rows


def write_recorded(rows: list[dict], path: Path = RECORDED) -> None:
    from .storage import atomic_write_bytes
    doc = {"benchmark": "NewsMTSC test splits (rw: real-world, mt: multi-target), one row per sentence-target pair",
           "command": "python -m analysis evaluate --newsmtsc --write", "rows": rows}
    atomic_write_bytes(path, (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def recorded_table(path: Path = RECORDED) -> list[dict]:
    """The recorded figures (empty when the file is missing)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        return []


def print_newsmtsc(write: bool = False) -> None:
    rows = newsmtsc_table()
    if write:
        write_recorded(rows)
    print("NewsMTSC test splits (one row per sentence–target pair; macro-F1 / accuracy, %)")
    print(f"{'model':<30} {'rw':>16} {'mt':>16}")
    for name in dict.fromkeys(r["model"] for r in rows):
        cells = []
        for split in ("rw", "mt"):
            r = next(x for x in rows if x["model"] == name and x["split"] == split)
            cells.append(f"{r['macro_f1']:.1f} / {r['accuracy']:.1f}")
        print(f"{name:<30} {cells[0]:>16} {cells[1]:>16}")
    print("reference (paper): fine-tuned RoBERTa 83.1 (rw) / 82.5 (mt)")
