"""Per-statement scores: TextBlob polarity/subjectivity (secondary signal) and tension."""
from __future__ import annotations

import math

from textblob import TextBlob


def score_statements(rows: list[dict]) -> None:
    """Fill polarity, subjectivity, tension and cues in place."""
    from .tension import score_tension, statement_direction

    for r in rows:
        r["direction"] = statement_direction(r["speaker_side"], r["target_sides"]) if r["speaker_side"] else None
        words = r["quote"] if r["kind"] == "quote" and r["quote"] else r["text"]
        s = TextBlob(words).sentiment
        r["polarity"] = float(s.polarity)
        r["subjectivity"] = float(s.subjectivity)
        if r["in_caption"]:
            r["tension"], r["cues"] = math.nan, "[]"
            continue
        t, cues = score_tension(r["text"], r["quote"])
        r["tension"] = float(t) if t is not None else math.nan
        import json
        r["cues"] = json.dumps(cues, ensure_ascii=False)
