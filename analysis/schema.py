"""The two frames the project is about, documented once.

Every column of ``articles`` and ``statements`` is listed here with its dtype and
meaning; ``validate_articles`` / ``validate_statements`` check a frame against
this list and the tests call them on every build. Other modules never restate
the schema: they import ``ARTICLE_COLUMNS`` / ``STATEMENT_COLUMNS``.

Precision vocabularies:

* ``published_precision``: ``second``, ``day``, ``month``, ``year`` (stated in
  the text or a sidecar), or ``unknown`` (then ``published`` is NaT).
* ``date_precision`` of a statement: ``day``, ``month``, ``year`` (the text dates
  the statement itself), ``published`` (nothing dates it; the article's
  publication or reference date stands in), ``unknown`` (no date at all).

Provenance vocabulary (``*_source``): ``text`` (found in the article text),
``sidecar`` (``sources.csv`` beside the corpus), ``column`` (a column of a
CSV/JSONL corpus row), ``inferred`` (derived from other dates in the text or in
a matching article; the evidence says how), or null when the value is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "string", "datetime", "int", "float", "bool", "list[string]", "json"
    doc: str
    nullable: bool = True


ARTICLE_COLUMNS: tuple[Column, ...] = (
    Column("article_id", "string", "Stable content hash of the decoded article text (16 hex chars).", False),
    Column("source", "string", "File name the article came from; `file.csv#12` for row 12 of a CSV/JSONL corpus.", False),
    Column("url", "string", "URL from a corpus column or the sidecar, else null."),
    Column("outlet", "string", "Publishing outlet as the text (or sidecar) names it; null when not stated. Never guessed."),
    Column("outlet_evidence", "string", "The exact text the outlet was read from."),
    Column("outlet_source", "string", "Provenance of `outlet` (text, sidecar, column)."),
    Column("syndicated_from", "string", "Wire or partner credits, e.g. 'TASS, Reuters'; not the outlet."),
    Column("syndicated_evidence", "string", "The text the credit was read from."),
    Column("title", "string", "Headline where the text has one, else null."),
    Column("title_source", "string", "Provenance of `title`."),
    Column("published", "datetime", "Publication time, UTC; NaT when unknown."),
    Column("published_precision", "string", "second, day, month, year or unknown.", False),
    Column("published_evidence", "string", "The text the publication date was read from (or the inference made)."),
    Column("published_source", "string", "Provenance of `published`."),
    Column("reference_date", "datetime", "Date relative expressions ('last month', 'on Monday') are resolved against: `published` if known, else an inference; NaT if none."),
    Column("reference_precision", "string", "Precision of `reference_date` (day, month, year, unknown).", False),
    Column("reference_evidence", "string", "Why `reference_date` is what it is."),
    Column("story_id", "string", "Articles reporting the same story (shared quotes) share a story id; syndicated copies count once.", False),
    Column("language", "string", "Best guess of the text's language code ('en' when unsure)."),
    Column("n_statements", "int", "Number of statements extracted.", False),
    Column("n_quotes", "int", "Number of statements of kind `quote`.", False),
    Column("blocks", "json", "JSON list of [start, end, kind] spans over `text`: body, title, caption, boilerplate, duplicate, meta.", False),
    Column("text", "string", "The decoded article text exactly as read; all offsets point into it.", False),
)

STATEMENT_COLUMNS: tuple[Column, ...] = (
    Column("statement_id", "string", "article_id + ':' + position.", False),
    Column("article_id", "string", "The article the statement is in.", False),
    Column("position", "int", "Order of the statement within its article, from 0.", False),
    Column("start", "int", "Character offset of the statement in the article text.", False),
    Column("end", "int", "End offset (exclusive).", False),
    Column("text", "string", "The statement's sentence(s), as in the article.", False),
    Column("quote", "string", "The words inside the quotation marks (fragments joined by ' … '); null unless kind is quote."),
    Column("kind", "string", "quote (contains a direct quotation), reported (indirect speech) or narrative.", False),
    Column("speaker", "string", "Canonical name of who made the statement; null when the text does not say."),
    Column("speaker_side", "string", "Country or organisation the speaker speaks for (Armenia, Russia, CSTO, ...)."),
    Column("speaker_role", "string", "The speaker's role where known (prime minister, spokesman, ...)."),
    Column("speaker_evidence", "string", "The text that names the speaker (e.g. 'Pashinyan told reporters')."),
    Column("attribution", "string", "How the speaker was found: verb, according_to, colon, continuation, pronoun, role, relay; null if none."),
    Column("targets", "list[string]", "Canonical actors the statement is about (not the speaker).", False),
    Column("target_sides", "list[string]", "Sides of those targets, in order of first mention, deduplicated.", False),
    Column("direction", "string", "speaker side → side the statement is about, e.g. 'Armenia→CSTO'; null when either is unknown."),
    Column("statement_date", "datetime", "When the statement was made (UTC midnight of the day/first of month); NaT when unknown."),
    Column("date_precision", "string", "day, month, year, published or unknown.", False),
    Column("date_evidence", "string", "The date expression (or inference) used."),
    Column("published", "datetime", "The article's publication date (copied for filtering)."),
    Column("outlet", "string", "The article's outlet (copied for filtering)."),
    Column("in_caption", "bool", "True when the statement sits in a photo caption.", False),
    Column("polarity", "float", "TextBlob polarity in [-1, 1] of the quoted words (quotes) or the sentence; secondary signal.", False),
    Column("subjectivity", "float", "TextBlob subjectivity in [0, 1].", False),
    Column("tension", "float", "Hostility score in [-1, 1] (higher = more hostile); see docs/method.md."),
    Column("cues", "json", "JSON list of {cue, class, weight, modifier} that explain `tension`."),
    Column("sentiment", "float", "News-calibrated sentiment in [-1, 1] (p_pos - p_neg) toward the first target, from a model trained on NewsMTSC; null where the statement has no speaker and no target."),
    Column("sentiment_label", "string", "negative, neutral or positive (the model's most likely class)."),
    Column("sentiment_prob", "float", "The model's probability of `sentiment_label`."),
    Column("sentiment_model", "string", "Which model scored it: minilm-newsmtsc-* (encoder) or tfidf-newsmtsc (fast mode)."),
)

ARTICLE_COLUMN_NAMES = tuple(c.name for c in ARTICLE_COLUMNS)
STATEMENT_COLUMN_NAMES = tuple(c.name for c in STATEMENT_COLUMNS)

_PANDAS_DTYPES = {
    "string": "string",
    "json": "string",
    "datetime": "datetime64[ns, UTC]",
    "int": "int64",
    "float": "float64",
    "bool": "bool",
}


class SchemaError(ValueError):
    pass


def empty_frame(columns: tuple[Column, ...]) -> pd.DataFrame:
    return conform(pd.DataFrame({c.name: [] for c in columns}), columns)


def conform(frame: pd.DataFrame, columns: tuple[Column, ...]) -> pd.DataFrame:
    """Order the columns as documented and cast each to its documented dtype."""
    out = {}
    n = len(frame)
    for c in columns:
        s = frame[c.name] if c.name in frame.columns else pd.Series([None] * n, index=frame.index)
        if c.dtype == "list[string]":
            s = s.map(lambda v: [str(x) for x in v] if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else [])
            s = s.astype(object)
        elif c.dtype == "datetime":
            s = pd.to_datetime(s, utc=True, errors="coerce").astype("datetime64[ns, UTC]")
        elif c.dtype == "float":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        elif c.dtype == "int":
            s = pd.to_numeric(s, errors="coerce").fillna(0).astype("int64")
        elif c.dtype == "bool":
            s = s.fillna(False).astype("bool")
        else:
            s = s.astype(_PANDAS_DTYPES[c.dtype])
        out[c.name] = s
    extra = [k for k in frame.columns if k not in out]
    result = pd.DataFrame(out, index=frame.index)
    for k in extra:
        result[k] = frame[k]
    return result.reset_index(drop=True)


def _validate(frame: pd.DataFrame, columns: tuple[Column, ...], what: str) -> None:
    problems = []
    for c in columns:
        if c.name not in frame.columns:
            problems.append(f"missing column {c.name!r}")
            continue
        s = frame[c.name]
        if c.dtype == "list[string]":
            bad = s.map(lambda v: not (isinstance(v, (list, tuple)) or hasattr(v, "tolist")))
            if bad.any():
                problems.append(f"{c.name}: {int(bad.sum())} values are not lists")
        elif c.dtype == "datetime":
            if not (pd.api.types.is_datetime64_any_dtype(s) and getattr(s.dt, "tz", None) is not None):
                problems.append(f"{c.name}: dtype {s.dtype}, expected UTC datetime")
        elif c.dtype in ("string", "json"):
            if not pd.api.types.is_string_dtype(s):
                problems.append(f"{c.name}: dtype {s.dtype}, expected string")
        elif c.dtype == "int":
            if not pd.api.types.is_integer_dtype(s):
                problems.append(f"{c.name}: dtype {s.dtype}, expected int")
        elif c.dtype == "float":
            if not pd.api.types.is_float_dtype(s):
                problems.append(f"{c.name}: dtype {s.dtype}, expected float")
        elif c.dtype == "bool":
            if not pd.api.types.is_bool_dtype(s):
                problems.append(f"{c.name}: dtype {s.dtype}, expected bool")
        if not c.nullable and c.dtype not in ("list[string]",) and s.isna().any():
            problems.append(f"{c.name}: {int(s.isna().sum())} nulls in a non-null column")
    if problems:
        raise SchemaError(f"{what} frame does not match the schema: " + "; ".join(problems))


def validate_articles(frame: pd.DataFrame) -> None:
    _validate(frame, ARTICLE_COLUMNS, "articles")


def validate_statements(frame: pd.DataFrame) -> None:
    _validate(frame, STATEMENT_COLUMNS, "statements")


def schema_markdown() -> str:
    """The schema as Markdown tables (docs/schema.md is generated from this)."""
    lines = []
    for title, cols in (("articles", ARTICLE_COLUMNS), ("statements", STATEMENT_COLUMNS)):
        lines += [f"## {title}", "", "| column | type | null? | meaning |", "|---|---|---|---|"]
        for c in cols:
            lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.nullable else 'no'} | {c.doc} |")
        lines.append("")
    return "\n".join(lines)
