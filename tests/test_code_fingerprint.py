"""The fingerprint of the package's code and data, which every cache compares: kept between processes under each
file's path, size and modification time, and computed again when any of them changes."""
import os

from analysis import regexes, version
from tests.fresh_process import cache, new_process  # noqa: F401 - the fixture

import pytest


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package of two modules and a data file, with an ignored folder and bytecode beside them."""
    root = tmp_path / "pkg"
    (root / "data" / "gold").mkdir(parents=True)
    (root / "__pycache__").mkdir()
    (root / "steps.py").write_text("RULE = 1\n")
    (root / "data" / "words.toml").write_text("words = ['a']\n")
    (root / "data" / "gold" / "annotations.json").write_text("{}")
    (root / "__pycache__" / "steps.cpython-311.pyc").write_bytes(b"\0")
    monkeypatch.setattr(version, "PACKAGE", root)
    version.code_fingerprint.cache_clear()
    yield root
    version.code_fingerprint.cache_clear()


def _fresh_fingerprint(monkeypatch, hashed: list) -> str:
    """The fingerprint as a new process computes it, counting the times the files are read and hashed."""
    new_process(monkeypatch)
    version.code_fingerprint.cache_clear()
    real = version._hash_files
    monkeypatch.setattr(version, "_hash_files", lambda files: hashed.append(1) or real(files))
    got = version.code_fingerprint()
    monkeypatch.setattr(version, "_hash_files", real)
    return got


def test_the_next_process_takes_the_fingerprint_without_reading_the_files(package, cache, monkeypatch):
    hashed = []
    first = _fresh_fingerprint(monkeypatch, hashed)
    regexes.save()
    again = _fresh_fingerprint(monkeypatch, hashed)
    assert again == first and hashed == [1]


def test_an_edited_file_changes_the_fingerprint(package, cache, monkeypatch):
    hashed = []
    first = _fresh_fingerprint(monkeypatch, hashed)
    regexes.save()
    words = package / "data" / "words.toml"
    st = words.stat()
    words.write_text("words = ['b']\n")  # same size
    os.utime(words, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    edited = _fresh_fingerprint(monkeypatch, hashed)
    assert edited != first and hashed == [1, 1]


def test_only_files_that_shape_the_frames_count(package, cache, monkeypatch):
    hashed = []
    first = _fresh_fingerprint(monkeypatch, hashed)
    (package / "data" / "gold" / "annotations.json").write_text('{"more": 1}')
    (package / "__pycache__" / "steps.cpython-311.pyc").write_bytes(b"\1\2")
    assert _fresh_fingerprint(monkeypatch, hashed) == first
    (package / "new_step.py").write_text("")
    assert _fresh_fingerprint(monkeypatch, hashed) != first


def test_without_the_cache_the_files_are_read_each_time(package, monkeypatch):
    monkeypatch.setenv("ANALYSIS_REGEX_CACHE", "off")
    hashed = []
    assert _fresh_fingerprint(monkeypatch, hashed) == _fresh_fingerprint(monkeypatch, hashed)
    assert hashed == [1, 1]
