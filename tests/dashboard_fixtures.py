"""Small hand-written frames for the dashboard tests (not the seeds' people, outlets or dates).

``synthetic_corpus()`` returns articles and statements that follow analysis/schema.py,
built from texts written here so every offset is real.
"""
from __future__ import annotations

import json

import pandas as pd

from analysis import schema

# (outlet, published, title, [(speaker, side, role, targets, target_sides, kind, sentence, quote, date, tension, cues)])
_ARTICLES = [
    ("Baltic Wire", "2021-04-02", "Vilnius warns Minsk over border drills", [
        ("Tomas Varga", "Lithuania", "defence minister", ["Belarus"], ["Belarus"], "quote",
         "“We will not accept drills on our doorstep,” defence minister Tomas Varga said on Thursday.",
         "We will not accept drills on our doorstep", "2021-04-01", 0.6,
         [{"cue": "not accept", "class": "rejection", "weight": 0.6, "modifier": None}]),
        ("Olga Ruba", "Belarus", "spokeswoman", ["Lithuania"], ["Lithuania"], "reported",
         "Spokeswoman Olga Ruba said Minsk remained open to consultations with Vilnius.",
         None, "2021-04-01", -0.4, [{"cue": "consultations", "class": "dialogue", "weight": -0.4, "modifier": None}]),
        (None, None, None, [], [], "narrative",
         "The exercises are planned for late spring near the shared frontier.", None, None, 0.0, []),
    ]),
    ("Caucasus Ledger", "2022-06-15", "Tbilisi hails new corridor deal", [
        ("Nino Kapanadze", "Georgia", "foreign minister", ["Turkey"], ["Turkey"], "quote",
         "“This agreement is a historic step for our partnership,” foreign minister Nino Kapanadze said.",
         "This agreement is a historic step for our partnership", "2022-06-14", -0.7,
         [{"cue": "partnership", "class": "cooperation", "weight": -0.7, "modifier": None}]),
        ("Mehmet Aslan", "Turkey", "envoy", ["Georgia"], ["Georgia"], "reported",
         "Envoy Mehmet Aslan said Ankara would not rule out sanctions if the deal stalls.",
         None, "2022-06-14", 0.5, [{"cue": "sanctions", "class": "threaten", "weight": 0.7, "modifier": "hedged"}]),
    ]),
    ("Caucasus Ledger", "2022-06-16", "Corridor deal: Tbilisi and Ankara sign", [
        ("Nino Kapanadze", "Georgia", "foreign minister", ["Turkey"], ["Turkey"], "quote",
         "“This agreement is a historic step for our partnership,” Kapanadze told reporters.",
         "This agreement is a historic step for our partnership", "2022-06-14", -0.7,
         [{"cue": "partnership", "class": "cooperation", "weight": -0.7, "modifier": None}]),
    ]),
    (None, None, "Undated wire copy", [
        ("Tomas Varga", "Lithuania", "defence minister", ["Belarus", "Russia"], ["Belarus", "Russia"], "quote",
         "“Moscow and Minsk must withdraw the missiles,” Varga said.",
         "Moscow and Minsk must withdraw the missiles", None, 0.8,
         [{"cue": "must withdraw", "class": "demand", "weight": 0.8, "modifier": None}]),
    ]),
    ("Nordic Monitor", "2023-11-20", "Helsinki and Tallinn trade barbs", [
        ("Liisa Tamm", "Estonia", "prime minister", ["Finland"], ["Finland"], "quote",
         "“Helsinki has abandoned its neighbours,” prime minister Liisa Tamm said in November.",
         "Helsinki has abandoned its neighbours", "2023-11-01", 0.9,
         [{"cue": "abandoned", "class": "accuse", "weight": 0.9, "modifier": None}]),
        ("Aino Virtanen", "Finland", "president", ["Estonia"], ["Estonia"], "reported",
         "President Aino Virtanen said the accusation was unfounded and called for calm talks.",
         None, "2023-11-19", 0.1, [{"cue": "unfounded", "class": "reject", "weight": 0.4, "modifier": None},
                                   {"cue": "talks", "class": "dialogue", "weight": -0.3, "modifier": None}]),
        ("Liisa Tamm", "Estonia", "prime minister", ["Finland"], ["Finland"], "quote",
         "“=HYPERLINK(\"http://evil.example\") we will respond,” Tamm added on November 19.",
         "=HYPERLINK(\"http://evil.example\") we will respond", "2023-11-19", 0.7,
         [{"cue": "respond", "class": "threaten", "weight": 0.7, "modifier": None}]),
    ]),
    ("Nordic Monitor", "2024-02-03", "Tallinn escalates row with Helsinki", [
        ("Liisa Tamm", "Estonia", "prime minister", ["Finland"], ["Finland"], "quote",
         "“We are suspending our participation in the joint council,” Tamm said on February 2.",
         "We are suspending our participation in the joint council", "2024-02-02", 0.85,
         [{"cue": "suspending", "class": "reduce relations", "weight": 0.85, "modifier": None}]),
        ("Liisa Tamm", "Estonia", "prime minister", ["Finland"], ["Finland"], "quote",
         "“Helsinki has failed us again,” Tamm said.",
         "Helsinki has failed us again", "2024-02-02", 0.75,
         [{"cue": "failed", "class": "blame", "weight": 0.75, "modifier": None}]),
        ("Aino Virtanen", "Finland", "president", ["Estonia"], ["Estonia"], "quote",
         "“Our door stays open to Tallinn,” Virtanen replied on February 3.",
         "Our door stays open to Tallinn", "2024-02-03", -0.5,
         [{"cue": "door stays open", "class": "reassure", "weight": -0.5, "modifier": None}]),
    ]),
]


def synthetic_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    articles, statements = [], []
    for i, (outlet, published, title, rows) in enumerate(_ARTICLES):
        header = f"{title}\n{outlet or ''}\n"
        text = header
        spans = []
        blocks = [[0, len(title), "title"]]
        if outlet:
            blocks.append([len(title) + 1, len(title) + 1 + len(outlet), "meta"])
        for r in rows:
            start = len(text)
            text += r[6] + "\n"
            spans.append((start, start + len(r[6])))
            blocks.append([start, start + len(r[6]), "body"])
        text += "Share this article on social media\n"
        blocks.append([len(text) - 35, len(text) - 1, "boilerplate"])
        article_id = f"{i:016x}"
        pub = pd.Timestamp(published, tz="UTC") if published else pd.NaT
        articles.append({
            "article_id": article_id, "source": f"fixture_{i}.txt", "url": None, "outlet": outlet,
            "outlet_evidence": outlet, "outlet_source": "text" if outlet else None,
            "syndicated_from": None, "syndicated_evidence": None, "title": title, "title_source": "text",
            "published": pub, "published_precision": "day" if published else "unknown",
            "published_evidence": published, "published_source": "text" if published else None,
            "reference_date": pub, "reference_precision": "day" if published else "unknown",
            "reference_evidence": "publication date" if published else None,
            "story_id": "story-corridor" if i in (1, 2) else f"story-{i}",
            "language": "en", "n_statements": len(rows), "n_quotes": sum(r[5] == "quote" for r in rows),
            "blocks": json.dumps(blocks), "text": text,
        })
        for pos, (r, (s, e)) in enumerate(zip(rows, spans)):
            speaker, side, role, targets, tsides, kind, sentence, quote, date, tension, cues = r
            direction = f"{side}→{tsides[0]}" if side and tsides else None
            statements.append({
                "statement_id": f"{article_id}:{pos}", "article_id": article_id, "position": pos,
                "start": s, "end": e, "text": sentence, "quote": quote, "kind": kind,
                "speaker": speaker, "speaker_side": side, "speaker_role": role,
                "speaker_evidence": speaker, "attribution": "verb" if speaker else None,
                "targets": targets, "target_sides": tsides, "direction": direction,
                "statement_date": pd.Timestamp(date, tz="UTC") if date else (pub if published else pd.NaT),
                "date_precision": "day" if date else ("published" if published else "unknown"),
                "date_evidence": date, "published": pub, "outlet": outlet, "in_caption": False,
                "polarity": round(-tension / 3, 3), "subjectivity": 0.4, "tension": tension, "cues": json.dumps(cues),
            })
    art = schema.conform(pd.DataFrame(articles), schema.ARTICLE_COLUMNS)
    stm = schema.conform(pd.DataFrame(statements), schema.STATEMENT_COLUMNS)
    return art, stm

