"""read_sources / iter_sources: files in, RawArticles and one FileReport per file out.

Bad input never raises; every problem is one plain sentence in a FileReport.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.clean import clean_article
from analysis.document import FileReport, RawArticle
from analysis.metadata import extract_metadata
from analysis.reader import MAX_FILE_BYTES, iter_sources, read_sources

ARTICLE = ("Armenia's foreign ministry summoned the Russian ambassador on Thursday.\n"
           "\"We will not accept such statements,\" a spokeswoman said in Yerevan.\n")

RUSSIAN = ("Премьер-министр Армении заявил в четверг, что Ереван заморозил участие в ОДКБ. "
           "В Кремле ответили, что продолжат диалог с армянскими партнёрами по всем вопросам.\n")


def report_for(reports: list[FileReport], name: str) -> FileReport:
    matching = [r for r in reports if r.file == name]
    assert len(matching) == 1, f"{name} is reported exactly once"
    return matching[0]


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- text files and decoding

def test_text_file_is_one_article_with_newlines_normalised(tmp_path):
    write(tmp_path / "a.txt", ARTICLE.replace("\n", "\r\n"))
    articles, reports = read_sources([tmp_path])
    assert [a.source for a in articles] == ["a.txt"]
    assert articles[0].text == ARTICLE
    assert articles[0].html is None and articles[0].hints == {}
    assert report_for(reports, "a.txt") == FileReport("a.txt", "built", "", 1)


def test_old_mac_line_ends_and_markdown_files(tmp_path):
    write(tmp_path / "notes.md", "# Heading\rFirst line.\rSecond line.\r")
    articles, _ = read_sources([tmp_path / "notes.md"])
    assert articles[0].text == "# Heading\nFirst line.\nSecond line.\n"
    assert articles[0].source == "notes.md"


@pytest.mark.parametrize("encoding,text", [
    ("cp1251", RUSSIAN),
    ("koi8_r", RUSSIAN),
    ("utf-16", RUSSIAN),  # with BOM, native order
    ("utf-16-be", None),
    ("utf-8-sig", RUSSIAN),
    ("latin-1", "Le ministre arménien a déclaré jeudi à Erevan que la coopération était gelée.\n"),
])
def test_decoding(tmp_path, encoding, text):
    if encoding == "utf-16-be":  # explicit BOM + big-endian bytes
        data = b"\xfe\xff" + RUSSIAN.encode("utf-16-be")
        text = RUSSIAN
    else:
        data = text.encode(encoding)
    write(tmp_path / "x.txt", data)
    articles, reports = read_sources([tmp_path])
    assert articles[0].text == text
    assert not articles[0].text.startswith("\ufeff")
    assert reports[0].status == "built"


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Yerevan recalls envoy from Moscow - Caucasus Herald</title>
<meta property="og:site_name" content="Caucasus Herald">
<meta property="og:title" content="Yerevan recalls envoy from Moscow">
<meta property="article:published_time" content="2024-03-12T09:30:00+04:00">
<script>var tracking = "SCRIPT-TEXT-MUST-NOT-APPEAR";</script>
<style>.x { color: red }</style>
</head><body>
<nav><a href="/">Home</a> | <a href="/politics">Politics</a> | <a href="/sport">NAV-TEXT</a></nav>
<article>
<h1>Yerevan recalls envoy from Moscow</h1>
<p>Armenia recalled its ambassador to Moscow for consultations on Tuesday, the foreign ministry said,
after Russian state television aired remarks that officials in Yerevan called insulting.</p>
<p>"We expect an apology," Deputy Foreign Minister Vahan Kostanyan told reporters, adding that relations
had reached their lowest point since the two countries established diplomatic ties.</p>
<p>The Russian foreign ministry said it regretted the decision and would respond in due course.</p>
</article>
<footer>FOOTER-TEXT © 2024 Caucasus Herald. All rights reserved.</footer>
</body></html>
"""


def test_html_page_article_text_and_hints(tmp_path):
    write(tmp_path / "page.html", PAGE)
    articles, reports = read_sources([tmp_path])
    (a,) = articles
    assert "Armenia recalled its ambassador" in a.text
    assert "We expect an apology" in a.text
    for junk in ("SCRIPT-TEXT", "NAV-TEXT", "FOOTER-TEXT", "color: red"):
        assert junk not in a.text
    assert a.html == PAGE
    assert a.hints["outlet"].value == "Caucasus Herald"
    assert a.hints["outlet"].source == "html"
    assert "og:site_name" in a.hints["outlet"].evidence
    assert a.hints["published"].value == "2024-03-12T09:30:00+04:00"
    assert "article:published_time" in a.hints["published"].evidence
    assert a.hints["title"].value.startswith("Yerevan recalls envoy from Moscow")
    assert report_for(reports, "page.html").status == "built"

    meta = extract_metadata(clean_article(a.text), a.hints)
    assert meta.outlet.value == "Caucasus Herald"
    assert meta.title.value == "Yerevan recalls envoy from Moscow"
    assert str(meta.published.value) == "2024-03-12 05:30:00+00:00"


def test_html_without_article_text_is_skipped(tmp_path):
    write(tmp_path / "blank.htm",
          '<html><head><title>Caucasus Herald</title></head><body><nav><a href="/">Home</a> | '
          '<a href="/p">Politics</a> | <a href="/w">World</a></nav><div>We use cookies to improve your '
          'experience.</div><footer>© 2024 Caucasus Herald. All rights reserved.</footer></body></html>')
    articles, reports = read_sources([tmp_path])
    assert articles == []
    r = report_for(reports, "blank.htm")
    assert r.status == "skipped" and "no article text" in r.reason


# ---------------------------------------------------------------- tables

def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def test_csv_rows_with_optional_columns(tmp_path):
    write_csv(tmp_path / "news.csv", [
        ["Text", "Outlet", "url", "published", "extra"],
        [ARTICLE, "Yerevan Daily", "https://example.am/1", "2024-01-02", "x"],
        ["", "Nobody", "", "", ""],
        ["Second article about the talks in Minsk.", "", "", "", ""],
    ])
    articles, reports = read_sources([tmp_path])
    assert [a.source for a in articles] == ["news.csv#1", "news.csv#3"]
    first = articles[0]
    assert first.text == ARTICLE
    assert first.hints["outlet"].value == "Yerevan Daily"
    assert first.hints["outlet"].source == "column"
    assert first.hints["outlet"].evidence == "column 'outlet' of news.csv row 1"
    assert first.hints["url"].value == "https://example.am/1"
    assert set(articles[1].hints) == set(), "empty cells give no hints"
    r = report_for(reports, "news.csv")
    assert (r.status, r.articles) == ("partial", 2)
    assert "1 row with empty text" in r.reason and "row 2" in r.reason


def test_semicolon_csv(tmp_path):
    write(tmp_path / "s.csv", "title;text\nHeadline one;Body of the first article.\n")
    articles, _ = read_sources([tmp_path])
    assert articles[0].text == "Body of the first article."
    assert articles[0].hints["title"].value == "Headline one"


def test_csv_without_text_column_is_skipped_with_its_columns_named(tmp_path):
    write(tmp_path / "bad.csv", "a,b\n1,2\n")
    articles, reports = read_sources([tmp_path])
    assert articles == []
    assert report_for(reports, "bad.csv") == FileReport(
        "bad.csv", "skipped", "no 'text' column; columns are: a, b")


def test_jsonl_with_broken_lines_keeps_the_good_rows(tmp_path):
    lines = [json.dumps({"text": "First article from the feed.", "outlet": "Feed One"}),
             "{not json",
             json.dumps({"text": "Second article from the feed."}),
             "[1, 2, 3]",
             json.dumps({"text": "   "})]
    write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    articles, reports = read_sources([tmp_path])
    assert [a.source for a in articles] == ["feed.jsonl#1", "feed.jsonl#3"]
    assert articles[0].hints["outlet"].evidence == "column 'outlet' of feed.jsonl row 1"
    r = report_for(reports, "feed.jsonl")
    assert r.status == "partial" and r.articles == 2
    assert "lines 2, 4" in r.reason and "line 5" in r.reason


def test_json_list_of_objects(tmp_path):
    write(tmp_path / "items.json", json.dumps([
        {"text": "One.", "title": "T1", "published": "2024-05-01"},
        {"text": "Two.", "url": "https://example.az/2"},
    ]))
    articles, reports = read_sources([tmp_path])
    assert [a.source for a in articles] == ["items.json#1", "items.json#2"]
    assert articles[0].hints["published"].value == "2024-05-01"
    assert report_for(reports, "items.json").status == "built"


@pytest.mark.parametrize("content,reason_part", [
    ("{broken", "not valid JSON"),
    (json.dumps([{"body": "x"}]), "no 'text' field; fields are: body"),
])
def test_unusable_json(tmp_path, content, reason_part):
    write(tmp_path / "bad.json", content)
    articles, reports = read_sources([tmp_path])
    assert articles == []
    r = report_for(reports, "bad.json")
    assert r.status == "skipped" and reason_part in r.reason


# ---------------------------------------------------------------- sidecar

def test_sidecar_overrides_text_columns_and_html(tmp_path):
    write(tmp_path / "a.txt", "Caucasus Herald\nPublished: 1 May 2024\n" + ARTICLE)
    write(tmp_path / "news.csv", "text,outlet\nRow one text.,Column Outlet\nRow two text.,Column Outlet\n")
    write(tmp_path / "web" / "page.html", PAGE)
    write(tmp_path / "sources.csv",
          "file,outlet,url,title,published\n"
          "a.txt,Armenian Weekly,https://example.am/a,,2024-05-02\n"
          "news.csv#2,Sidecar Outlet,,,\n"
          "web/page.html,Page Outlet,,,\n")
    articles, reports = read_sources([tmp_path])
    by_source = {a.source: a for a in articles}
    assert set(by_source) == {"a.txt", "news.csv#1", "news.csv#2", "web/page.html"}
    assert "sources.csv" not in {r.file for r in reports}, "a usable sidecar is not an article file"

    a = by_source["a.txt"]
    assert a.hints["outlet"].source == "sidecar"
    assert a.hints["outlet"].evidence == "sources.csv row 1"
    meta = extract_metadata(clean_article(a.text), a.hints)
    assert meta.outlet.value == "Armenian Weekly" and meta.outlet.source == "sidecar"
    assert meta.published.value.strftime("%Y-%m-%d") == "2024-05-02"
    assert meta.url.value == "https://example.am/a"

    assert by_source["news.csv#1"].hints["outlet"].value == "Column Outlet"
    assert by_source["news.csv#2"].hints["outlet"].value == "Sidecar Outlet"
    assert by_source["web/page.html"].hints["outlet"].value == "Page Outlet"
    assert by_source["web/page.html"].hints["title"].source == "html", "fields the sidecar leaves empty stay"


def test_sidecar_without_file_column_is_reported_and_ignored(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "sources.csv", "name,outlet\na.txt,X\n")
    articles, reports = read_sources([tmp_path])
    assert articles[0].hints == {}
    r = report_for(reports, "sources.csv")
    assert r.status == "skipped" and "no 'file' column" in r.reason


# ---------------------------------------------------------------- bad input

def test_every_bad_file_is_skipped_with_a_reason_and_nothing_raises(tmp_path):
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.txt", "  \n\n \t\n")
    write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    write(tmp_path / "slides.pdf", b"%PDF-1.4")
    write(tmp_path / "README", "no extension")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    with open(tmp_path / "huge.txt", "wb") as f:  # sparse: takes no disk or memory
        f.truncate(20 * 1024 * 1024)
    write(tmp_path / "good.txt", ARTICLE)

    articles, reports = read_sources([tmp_path])
    assert [a.source for a in articles] == ["good.txt"]
    reasons = {r.file: r.reason for r in reports if r.status == "skipped"}
    assert reasons["empty.txt"] == "file is empty"
    assert "empty" in reasons["blank.txt"]
    assert "binary" in reasons["image.txt"]
    assert "unsupported file type '.pdf'" in reasons["slides.pdf"]
    assert "unsupported file type (no extension)" in reasons["README"]
    assert "could not be read" in reasons["dangling.txt"]
    assert reasons["huge.txt"] == "file is 20.0 MB, over the 10 MB limit"
    assert MAX_FILE_BYTES == 10 * 1024 * 1024
    assert len(reports) == 8, "every file appears exactly once"


def test_size_limit_is_configurable(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    articles, reports = read_sources([tmp_path], max_file_bytes=64)
    assert articles == []
    assert "over the" in reports[0].reason and "limit" in reports[0].reason


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "locked.txt", ARTICLE)

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    articles, reports = read_sources([path])
    assert articles == []
    assert reports == [FileReport("locked.txt", "skipped", "file could not be read (Permission denied)")]


def test_empty_folder_and_no_paths(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "HEAD.txt", "hidden folder")
    write(tmp_path / ".notes.txt", "hidden file")
    write(tmp_path / "sources.csv", "file,outlet\n")
    articles, reports = read_sources([tmp_path])
    assert articles == []
    assert reports == [FileReport(str(tmp_path), "skipped", "no article files found")]
    articles, reports = read_sources([])
    assert articles == [] and len(reports) == 1 and reports[0].reason == "no article files found"


def test_missing_path(tmp_path):
    _, reports = read_sources([tmp_path / "nope.txt"])
    assert reports[0].status == "skipped" and "does not exist" in reports[0].reason


# ---------------------------------------------------------------- order and streaming

def test_folders_are_walked_recursively_in_sorted_order_reports_after_articles(tmp_path):
    write(tmp_path / "b.txt", ARTICLE)
    write(tmp_path / "a" / "z.txt", ARTICLE)
    write(tmp_path / "a" / "rows.jsonl", '{"text": "one"}\n{"text": "two"}\n')
    stream = iter_sources([tmp_path])
    assert iter(stream) is stream, "a generator: files are read as they are consumed"
    items = [(type(x).__name__, x.source if isinstance(x, RawArticle) else x.file) for x in stream]
    assert items == [
        ("RawArticle", "a/rows.jsonl#1"), ("RawArticle", "a/rows.jsonl#2"), ("FileReport", "a/rows.jsonl"),
        ("RawArticle", "a/z.txt"), ("FileReport", "a/z.txt"),
        ("RawArticle", "b.txt"), ("FileReport", "b.txt"),
    ]


def test_seed_folder_reads_cleanly():
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    articles, reports = read_sources([seeds])
    assert len(articles) == 5
    assert all(r.status == "built" and r.articles == 1 for r in reports)
    assert all("\r" not in a.text for a in articles)


def test_html_page_in_its_declared_legacy_charset(tmp_path):
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    page = page.replace("The Russian foreign ministry said it regretted the decision and would respond in due course.",
                        "МИД России заявил, что сожалеет о решении Еревана и ответит в своё время.")
    write(tmp_path / "ru.html", page.encode("cp1251"))
    (a,), _ = read_sources([tmp_path])
    assert "МИД России заявил, что сожалеет о решении Еревана" in a.text
