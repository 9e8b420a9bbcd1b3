"""The pattern cache's in-process state as a fresh process has it, for tests of what one process keeps for the next
(``analysis/regexes.py``, and what ``regexes.memo`` keeps)."""
import pytest

from analysis import regexes


def new_process(monkeypatch):
    """The module's in-process state as a fresh process has it."""
    monkeypatch.setattr(regexes, "_known", None)
    monkeypatch.setattr(regexes, "_new", {})
    monkeypatch.setattr(regexes, "_hits", set())


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder, seen by a fresh process."""
    monkeypatch.setenv("ANALYSIS_REGEX_CACHE", str(tmp_path))
    new_process(monkeypatch)
    return tmp_path
