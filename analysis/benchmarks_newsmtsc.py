"""`python -m analysis evaluate --newsmtsc`: sentiment on the NewsMTSC test splits, from the shipped files."""
from __future__ import annotations

import numpy as np


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


def print_newsmtsc() -> None:
    rows = newsmtsc_table()
    print("NewsMTSC test splits (one row per sentence–target pair; macro-F1 / accuracy, %)")
    print(f"{'model':<30} {'rw':>16} {'mt':>16}")
    for name in dict.fromkeys(r["model"] for r in rows):
        cells = []
        for split in ("rw", "mt"):
            r = next(x for x in rows if x["model"] == name and x["split"] == split)
            cells.append(f"{r['macro_f1']:.1f} / {r['accuracy']:.1f}")
        print(f"{name:<30} {cells[0]:>16} {cells[1]:>16}")
    print("reference (paper): fine-tuned RoBERTa 83.1 (rw) / 82.5 (mt)")
