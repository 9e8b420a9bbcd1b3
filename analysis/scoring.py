"""Per-statement scores: TextBlob polarity/subjectivity (secondary signal), the NewsMTSC sentiment model,
and tension.

The sentiment model runs where it matters, on statements with a speaker or a target. ``encoder`` is the
fine-tuned MiniLM (ONNX, about 100 statements/s per core), ``fast`` the TF-IDF model (about 14,000/s) for
corpora too large for the encoder; ``build_corpus`` picks one (``auto``) and the frame records which.

Tension comes from the cue lexicon; a statement with no cue at all takes a small share of the model's
sentiment instead (a negative statement about a target reads as hostile), shown as a ``MODEL`` cue, so the
score stays explained.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import math
import os
from functools import lru_cache

from textblob.en import sentiment as _pattern_sentiment

from . import regexes

SENTIMENT_MODES = ("encoder", "fast", "none")
# Share of the model's sentiment a cue-less statement takes as tension, and the confidence it needs:
# chosen on the hand-written statements (tests/data/tension_statements.jsonl), checked on the seeds' gold.
MODEL_TENSION_WEIGHT = 0.5
MODEL_MIN_SCORE = 0.5

_mode = os.environ.get("RIFT_SENTIMENT", "encoder")


def set_sentiment_mode(mode: str) -> None:
    global _mode
    if mode not in SENTIMENT_MODES:
        raise ValueError(f"sentiment mode must be one of {SENTIMENT_MODES}, not {mode!r}")
    _mode = mode


def sentiment_mode() -> str:
    return _mode


@lru_cache(maxsize=2)
def _model(mode: str):
    from .sentiment_model import SentimentModel
    return SentimentModel.load(mode=mode, threads=1)


_LABELS = {-1: "negative", 0: "neutral", 1: "positive"}

# What score_statements writes; none of it depends on the statement's date, so a statement dated again
# with a borrowed reference keeps its scores.
SCORE_COLUMNS = ("direction", "polarity", "subjectivity", "sentiment", "sentiment_label", "sentiment_prob",
                 "sentiment_model", "tension", "cues")


def _lexicon_state(lexicon) -> tuple:
    """What TextBlob's lazy ``Sentiment.load`` leaves in the lexicon: its word entries (in order), labels,
    synsets and language."""
    return dict(dict.items(lexicon)), dict(lexicon.labeler), dict(lexicon._synsets), lexicon._language


def _load_lexicon_from_memo(lexicon) -> None:
    """TextBlob's sentiment lexicon as its own ``load`` would fill it, from the state an earlier process kept:
    parsing en-sentiment.xml and averaging its senses cost every process about 24 ms.

    TextBlob fills the lexicon lazily (``lazydict``) by calling ``load()`` on first use; this function takes that
    call, through an attribute of the instance. The state is kept under the XML file's bytes, TextBlob's version
    and the source of its loader; without the cache, or if anything in it is not as TextBlob makes it, TextBlob's
    own ``load`` runs."""
    own_load = type(lexicon).load
    loaded_here: list[bool] = []
    try:
        xml = hashlib.blake2b(open(lexicon.path, "rb").read(), digest_size=20).hexdigest()
        inputs = [importlib.metadata.version("textblob"), lexicon.path, xml, repr(lexicon._synset), repr(lexicon._confidence)]

        def load_and_keep() -> tuple:
            loaded_here.append(True)
            own_load(lexicon)
            return _lexicon_state(lexicon)

        state = regexes.memo("textblob_lexicon", inputs, load_and_keep,
                             code=[__name__, type(lexicon).__module__, "textblob._text"])
        if loaded_here:
            return
        words, labels, synsets, language = state
        if not (isinstance(words, dict) and words and isinstance(labels, dict) and isinstance(synsets, dict)):
            raise TypeError("not a lexicon state")
    except Exception:  # noqa: BLE001 - an unreadable file or cache: TextBlob loads it itself
        if loaded_here:  # TextBlob's own load failed: its error, as without this function
            raise
        own_load(lexicon)
        return
    lexicon._language = language
    dict.update(lexicon, words)
    dict.update(lexicon.labeler, labels)
    dict.update(lexicon._synsets, synsets)


def _use_kept_lexicon(lexicon) -> None:
    """Have the lexicon's first use load it from the kept state, if TextBlob's lexicon is what this expects."""
    needed = ("path", "labeler", "_synsets", "_language", "_synset", "_confidence")
    if dict.__len__(lexicon) == 0 and all(hasattr(lexicon, a) for a in needed) and "load" not in vars(lexicon):
        lexicon.load = lambda path=None: (type(lexicon).load(lexicon, path) if path
                                          else _load_lexicon_from_memo(lexicon))


_use_kept_lexicon(_pattern_sentiment)


@lru_cache(maxsize=32768)
def textblob_sentiment(text: str) -> tuple[float, float]:
    """``TextBlob(text).sentiment`` as (polarity, subjectivity): the function it calls, without building a
    blob (which tokenises and lower-cases the text for nothing) and a namedtuple class per call; that
    wrapping cost as much as the analysis. Cached: syndicated stories repeat whole statements."""
    polarity, subjectivity = _pattern_sentiment(text)
    return float(polarity), float(subjectivity)


# The model's predictions by (model, sentence, target span): syndicated copies repeat whole statements, and the
# encoder is the slowest step of a build. Bounded; cleared when full (the next article refills what it needs).
_PREDICTED: dict[tuple, tuple[float, float, str]] = {}
_PREDICTED_MAX = 200_000

# json.dumps(cues, ensure_ascii=False), without building an encoder for every statement.
_cues_json = json.JSONEncoder(ensure_ascii=False).encode


# Tension and cues JSON (None: no cue, the model may speak) by (text, quote): syndicated copies repeat whole
# statements, and the cues' dicts and JSON cost as much again as looking the score up. Bounded like _PREDICTED.
_TENSION: dict[tuple[str, str | None], tuple[float, str | None]] = {}
_TENSION_MAX = 32_768


def score_statements(rows: list[dict]) -> None:
    """Fill polarity, subjectivity, direction, sentiment, tension and cues in place."""
    from .tension import score_tension, statement_direction

    todo: list[tuple[dict, tuple | None]] = []  # (row, target span) for the sentiment model
    for r in rows:
        r["direction"] = statement_direction(r["speaker_side"], r["target_sides"]) if r["speaker_side"] else None
        words = r["quote"] if r["kind"] == "quote" and r["quote"] else r["text"]
        r["polarity"], r["subjectivity"] = textblob_sentiment(words)
        r["sentiment"] = r["sentiment_label"] = r["sentiment_prob"] = r["sentiment_model"] = None
        span = r.pop("_target_span", None)
        if not r["in_caption"] and (r["speaker"] is not None or r["targets"]):
            todo.append((r, span))

    if todo and _mode != "none":
        model = _model(_mode)
        keys = [(model.name, r["text"], span) for r, span in todo]
        missing = list(dict.fromkeys(k for k in keys if k not in _PREDICTED))
        if missing:
            labels, probs, scores = model.predict([k[1] for k in missing], [k[2] for k in missing])
            if len(_PREDICTED) > _PREDICTED_MAX:
                _PREDICTED.clear()
            for k, lab, p, sc in zip(missing, labels, probs, scores):
                _PREDICTED[k] = (float(sc), float(p), _LABELS[int(lab)])
        for (r, _), k in zip(todo, keys):
            r["sentiment"], r["sentiment_prob"], r["sentiment_label"] = _PREDICTED[k]
            r["sentiment_model"] = model.name

    for r in rows:
        if r["in_caption"]:
            r["tension"], r["cues"] = math.nan, "[]"
            continue
        key = (r["text"], r["quote"])
        scored = _TENSION.get(key)
        if scored is None:
            t, cues = score_tension(*key)
            scored = (t, _cues_json(cues) if cues else None)
            if len(_TENSION) >= _TENSION_MAX:
                _TENSION.clear()
            _TENSION[key] = scored
        t, cues_json = scored
        if cues_json is None and r["sentiment"] is not None and abs(r["sentiment"]) >= MODEL_MIN_SCORE:
            t = -MODEL_TENSION_WEIGHT * r["sentiment"]
            about = r["targets"][0] if r["targets"] else "the subject"
            cues_json = _cues_json([{"cue": f"sentiment model: {r['sentiment_label']} about {about}", "class": "MODEL",
                                     "weight": round(t, 3), "modifier": "model"}])
        r["tension"] = float(t) if t is not None else math.nan
        r["cues"] = cues_json or "[]"
