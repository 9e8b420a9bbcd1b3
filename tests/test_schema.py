"""The schema is documented once (analysis/schema.py); docs/schema.md is generated from it."""
from pathlib import Path

import pandas as pd
import pytest

from analysis import schema

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def test_docs_schema_is_generated_from_the_code():
    assert schema.schema_markdown() in DOC.read_text(encoding="utf-8")


def test_required_columns_exist():
    required_articles = {"article_id", "source", "outlet", "syndicated_from", "title", "published", "published_precision", "text"}
    required_statements = {"statement_id", "article_id", "position", "text", "quote", "kind", "speaker", "speaker_side",
                           "targets", "statement_date", "date_precision", "polarity", "subjectivity", "tension"}
    assert required_articles <= set(schema.ARTICLE_COLUMN_NAMES)
    assert required_statements <= set(schema.STATEMENT_COLUMN_NAMES)


def test_validate_catches_a_wrong_dtype_and_a_missing_column():
    frame = schema.empty_frame(schema.STATEMENT_COLUMNS)
    schema.validate_statements(frame)
    with pytest.raises(schema.SchemaError, match="missing column 'tension'"):
        schema.validate_statements(frame.drop(columns=["tension"]))
    bad = frame.assign(statement_date=pd.Series([], dtype="object"))
    with pytest.raises(schema.SchemaError, match="statement_date"):
        schema.validate_statements(bad)


def test_conform_casts_and_orders_columns():
    df = pd.DataFrame({"tension": ["0.5"], "statement_id": ["a:0"], "targets": [("X",)]})
    out = schema.conform(df, schema.STATEMENT_COLUMNS)
    assert list(out.columns[: len(schema.STATEMENT_COLUMNS)]) == list(schema.STATEMENT_COLUMN_NAMES)
    assert out.loc[0, "tension"] == 0.5 and out.loc[0, "targets"] == ["X"]
