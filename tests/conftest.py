"""Shared fixtures: the seeds are built once per test session."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def pytest_configure(config):
    # The compiled-pattern cache (analysis/regexes.py) of this session, in a folder of its own: the tests neither
    # read nor write the user's ~/.cache. Child processes (workers, the dashboard server) inherit it.
    config._regex_cache = tempfile.mkdtemp(prefix="analysis-regex-cache-")
    os.environ["ANALYSIS_REGEX_CACHE"] = config._regex_cache


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_regex_cache", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def seeds_build():
    from analysis.pipeline import build_corpus
    return build_corpus([SEEDS], workers=1)


@pytest.fixture(scope="session")
def seeds_frames(seeds_build):
    return seeds_build.articles, seeds_build.statements


@pytest.fixture(scope="session")
def written_build(tmp_path_factory):
    """The articles in tests/written_articles.py, built as a corpus folder."""
    from analysis.pipeline import build_corpus
    from written_articles import ARTICLES

    folder = tmp_path_factory.mktemp("written")
    for a in ARTICLES:
        (folder / a["name"]).write_text(a["text"], encoding="utf-8")
    return build_corpus([folder], workers=1)
