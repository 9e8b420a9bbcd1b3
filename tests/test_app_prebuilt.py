"""The dashboard showing a finished build (RIFT_FRAMES_DIR), as after a build on a cluster."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.written_articles import ARTICLES

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture()
def env(tmp_path, monkeypatch):
    """Empty upload and cache folders; each test points RIFT_FRAMES_DIR at its build."""
    monkeypatch.setenv("RIFT_DATA_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("RIFT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RIFT_FRAMES_DIR", raising=False)
    return monkeypatch, tmp_path


def run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    return at


def test_the_pages_show_the_build_in_the_folder_and_uploads_are_off(env):
    monkeypatch, env = env
    corpus = env / "corpus"
    corpus.mkdir()
    for a in ARTICLES[:4]:
        (corpus / a["name"]).write_text(a["text"], encoding="utf-8")
    out = env / "run-1"
    done = subprocess.run([sys.executable, "-m", "analysis", "build", str(corpus), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    statements = pd.read_parquet(out / "statements.parquet")
    monkeypatch.setenv("RIFT_FRAMES_DIR", str(out))

    at = run()
    assert not at.exception
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert f"4 articles, {len(statements)} statements" in caption and "RIFT_FRAMES_DIR" in caption
    # the seeds are not built: the app's own cache stays empty
    assert not (env / "cache").exists() or not any((env / "cache").iterdir())

    at = run("upload")
    assert not at.exception
    assert any("uploads are off" in i.value for i in at.info)
    assert not at.get("file_uploader")


def test_a_folder_without_frames_is_named_with_the_reason(env):
    monkeypatch, env = env
    monkeypatch.setenv("RIFT_FRAMES_DIR", str(env / "nothing-here"))
    at = run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "nothing-here" in errors and "articles.parquet" in errors


def test_every_page_renders_a_large_corpus_with_tables_capped_and_said_so(env):
    """100 000 statements (made directly, as the benchmark makes them): charts draw on aggregates, tables show
    the first rows with a note instead of sending every row to the browser."""
    from analysis.statements_synth import write_frames
    from dashboard import ui

    monkeypatch, env = env
    out = env / "large"
    write_frames(100_000, out)
    monkeypatch.setenv("RIFT_FRAMES_DIR", str(out))
    for page in ["overview", "actors", "outlets", "statements", "reader", "method"]:
        at = run(page)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not [e for e in at.error], page
        for table in at.dataframe:
            assert len(table.value) <= ui.TABLE_ROWS, page
    at = run("statements")
    assert len(at.dataframe[0].value) == ui.TABLE_ROWS
    assert any(f"first {ui.TABLE_ROWS:,} of 100,000 statements" in c.value for c in at.caption)
