"""Read article files into ``RawArticle`` objects, and say what happened to each file.

Accepted inputs (a path may be a file or a folder, folders are walked
recursively in sorted order, hidden files and folders are skipped):

* ``.txt`` / ``.md``: one article of raw scraped text;
* ``.html`` / ``.htm``: one page; trafilatura extracts the article text, and the
  title, date and site name it finds become hints (``source="html"``);
* ``.csv`` / ``.jsonl`` / ``.json`` (a list of objects): one article a row. A
  ``text`` column is required; ``outlet``, ``url``, ``title`` and ``published``
  columns become hints (``source="column"``). Row N (1-based, header not
  counted; for JSONL the line number) becomes ``source="file.csv#N"``.

A ``sources.csv`` sidecar (columns ``file,outlet,url,title,published``) in a
corpus folder gives metadata for the files beside it (or below it: ``file`` may
be a relative path, and ``news.csv#3`` addresses one row of a table). Its values
become hints with ``source="sidecar"`` and override everything else. A sidecar is
not an article file: it is reported only when it cannot be used.

Decoding: UTF-8 (BOM stripped), UTF-16/32 with a BOM, otherwise
charset-normalizer guesses (cp1251, latin-1 ...). Line ends become ``\\n`` here
and nowhere else, so offsets computed later point into ``RawArticle.text``;
the text is not otherwise changed.

Bad input never raises: every input file yields exactly one ``FileReport``
(after its articles), with a one-sentence reason when it was skipped or only
partly read. ``iter_sources`` streams, so a large corpus is never held in
memory at once; ``read_sources`` collects everything.
"""
from __future__ import annotations

import codecs
import csv
import html as html_lib
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis.document import FileReport, Hint, RawArticle

from . import regexes

MAX_FILE_BYTES = 10 * 1024 * 1024
# A table holds many articles: it may be as large as an upload (server.maxUploadSize) and more, up to this.
MAX_TABLE_BYTES = 200 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".csv", ".jsonl", ".json")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + TABLE_SUFFIXES
SIDECAR_NAME = "sources.csv"
HINT_FIELDS = ("outlet", "url", "title", "published")

_MB = 1024 * 1024
_LIST_LIMIT = 10  # how many row/line numbers a reason spells out

csv.field_size_limit(2**31 - 1)  # one cell may hold a whole long article


class UnreadableFile(ValueError):
    """A file problem; the message is the FileReport reason (one plain sentence)."""


def read_sources(paths: Iterable[str | Path] | str | Path,
                 max_file_bytes: int = MAX_FILE_BYTES) -> tuple[list[RawArticle], list[FileReport]]:
    articles: list[RawArticle] = []
    reports: list[FileReport] = []
    for item in iter_sources(paths, max_file_bytes=max_file_bytes):
        (articles if isinstance(item, RawArticle) else reports).append(item)
    return articles, reports


def iter_sources(paths: Iterable[str | Path] | str | Path,
                 max_file_bytes: int = MAX_FILE_BYTES, memo=None) -> Iterator[RawArticle | FileReport]:
    """``memo``: a ``source_memo.SourceMemo``: files it knows unchanged are replayed, the others recorded."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        yield FileReport("(no input paths)", "skipped", "no article files found")
        return
    sidecars = _Sidecars(max_file_bytes)
    for path in paths:
        if path.is_dir():
            files = _list_folder(path)
            if not files:
                yield FileReport(str(path), "skipped", "no article files found")
                continue
            # Each file's path as a string, spelled as str(path / rel) spells it: a Path per file cost more than
            # replaying an unchanged file.
            folder = str(path)
            for rel in files:
                file = rel if folder == "." else os.path.join(folder, rel)
                yield from _read_or_replay(file, rel, path, sidecars, max_file_bytes, memo)
        elif path.exists() or path.is_symlink():
            yield from _read_or_replay(path, path.name, path.parent, sidecars, max_file_bytes, memo)
        else:
            yield FileReport(str(path), "skipped", "path does not exist")


def read_file(path: Path, root: Path, max_file_bytes: int = MAX_FILE_BYTES) -> Iterator[RawArticle | FileReport]:
    """One file of a folder ``root`` given to ``iter_sources`` (or given itself, with its folder as ``root``),
    read as ``iter_sources`` reads it."""
    yield from _read_file(path, path.relative_to(root).as_posix(), root, _Sidecars(max_file_bytes), max_file_bytes)


def _read_or_replay(path: Path | str, name: str, root: Path, sidecars: "_Sidecars", max_file_bytes: int,
                    memo) -> Iterator[RawArticle | FileReport]:
    if memo is None:
        yield from _read_file(Path(path), name, root, sidecars, max_file_bytes)
        return
    known = memo.replay(str(path), str(root))
    if known is not None:
        yield from known
        return
    record = memo.reading(str(path), str(root))
    for item in _read_file(Path(path), name, root, sidecars, max_file_bytes):
        if record is not None:
            record.append(item)
        yield item


def _list_folder(root: Path) -> list[str]:
    """Relative posix paths of the candidate files under ``root``, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"  # (rel_dir / name).as_posix(), without a Path per file
        found += [prefix + name for name in filenames if not (name.startswith(".") or name.lower() == SIDECAR_NAME)]
    return sorted(found)


# --------------------------------------------------------------------------
# Bytes -> text
# --------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")
# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; a regex counts them far faster than asking
# unicodedata about every character (which was most of the time of reading an unchanged corpus).
_DISALLOWED_CONTROLS_RE = regexes.compile("[" + "".join(
    re.escape(chr(c)) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in _ALLOWED_CONTROLS) + "]")


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a file's bytes (BOM, UTF-8, declared charset, then a guess) with \n line ends.

    Raises UnreadableFile, whose message is the reason, when the bytes are not text.

    ``declared`` is the charset an HTML page names for itself; it is tried when
    the bytes are not UTF-8, before guessing.
    """
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableFile(f"undecodable file (starts with a {encoding.upper()} byte-order mark "
                                  "but is not valid in that encoding)") from None
            break
    if text is None:
        if b"\x00" in data:
            raise UnreadableFile("binary file (contains NUL bytes), not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_declared(data, declared) or _guess_decode(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_DISALLOWED_CONTROLS_RE.findall(text))
    if controls > max(2, len(text) // 200):
        raise UnreadableFile("binary file (control characters throughout), not text")
    return text


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        return data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        return None


_CHARSET_RE = regexes.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET_RE.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


# Code pages news sites actually used; left to itself charset-normalizer picks
# exotic DOS/Mac pages for short texts (German latin-1 read as Baltic cp775).
_COMMON_LEGACY_ENCODINGS = (
    "cp1252", "latin_1", "cp1251", "koi8_r", "koi8_u", "cp1250", "iso8859_2", "cp1254", "cp1253",
    "cp1257", "cp1256", "cp1255", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr",
)


def _guess_decode(data: bytes) -> str:
    from charset_normalizer import from_bytes  # only needed for non-UTF-8 files

    matches = from_bytes(data, cp_isolation=list(_COMMON_LEGACY_ENCODINGS))
    if matches.best() is None:
        matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise UnreadableFile("binary or undecodable file (no text encoding fits its bytes)")
    # Short Western texts often score the same in several code pages; the
    # Windows/Latin-1 one is by far the most common, so it wins ties.
    for m in matches:
        if m.encoding in ("cp1252", "latin_1") and m.chaos <= best.chaos + 0.01 \
                and m.coherence >= best.coherence - 0.02:
            return str(m)
    return str(best)


def _read_bytes(path: Path, max_file_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UnreadableFile(f"file could not be read ({e.strerror or e})") from None
    if size > max_file_bytes:
        raise UnreadableFile(f"file is {size / _MB:.1f} MB, over the {max_file_bytes / _MB:g} MB limit")
    if size == 0:
        raise UnreadableFile("file is empty")
    try:
        return path.read_bytes()
    except OSError as e:
        raise UnreadableFile(f"file could not be read ({e.strerror or e})") from None


def _read_text(path: Path, max_file_bytes: int, html: bool = False) -> str:
    data = _read_bytes(path, max_file_bytes)
    text = decode_bytes(data, _declared_charset(data) if html else None)
    if not text.strip():
        raise UnreadableFile("file is empty (only whitespace)")
    return text


# --------------------------------------------------------------------------
# Sidecar
# --------------------------------------------------------------------------

@dataclass
class _Sidecar:
    hints: dict[str, dict[str, Hint]] = field(default_factory=dict)  # file key -> hints
    problem: FileReport | None = None


_NOT_LOADED = object()


class _Sidecars:
    """``sources.csv`` files, loaded once per folder when first needed."""

    def __init__(self, max_file_bytes: int) -> None:
        self._max = max_file_bytes
        self._by_dir: dict[Path, _Sidecar | None] = {}
        self.pending_reports: list[FileReport] = []

    def _load(self, folder: Path, label: str) -> _Sidecar | None:
        if folder in self._by_dir:
            return self._by_dir[folder]
        path = folder / SIDECAR_NAME
        sidecar = None
        if path.is_file():
            sidecar = _Sidecar()
            try:
                self._parse(path, label, sidecar)
            except UnreadableFile as e:
                sidecar.problem = FileReport(label, "skipped", f"sidecar not used: {e}")
                self.pending_reports.append(sidecar.problem)
        self._by_dir[folder] = sidecar
        return sidecar

    def _parse(self, path: Path, label: str, sidecar: _Sidecar) -> None:
        text = _read_text(path, self._max)
        rows = csv.reader(io.StringIO(text), delimiter=_guess_delimiter(text))
        header = next(rows, None) or []
        columns = [h.strip().lower() for h in header]
        if "file" not in columns:
            raise UnreadableFile(f"no 'file' column; columns are: {', '.join(h.strip() for h in header)}")
        try:
            for n, row in enumerate(rows, 1):
                record = dict(zip(columns, row))
                key = _file_key(record.get("file", ""))
                if not key:
                    continue
                hints = {f: Hint(v.strip(), "sidecar", f"{label} row {n}")
                         for f in HINT_FIELDS if (v := record.get(f)) and v.strip()}
                sidecar.hints[key] = hints
        except csv.Error as e:
            raise UnreadableFile(f"CSV could not be parsed ({e})") from None

    def hints_for(self, file: Path, root: Path, row: int | None = None) -> dict[str, Hint]:
        """Sidecar hints for ``file`` (or one row of it): the nearest sidecar that names it wins."""
        folder = file.parent
        rel = file.name  # the file's path relative to ``folder``, grown as the search climbs
        while True:
            sidecar = self._by_dir.get(folder, _NOT_LOADED)  # the label costs more than the look-up: only on a miss
            if sidecar is _NOT_LOADED:
                label = (folder / SIDECAR_NAME).relative_to(root).as_posix() if _is_within(folder, root) else SIDECAR_NAME
                sidecar = self._load(folder, label)
            if sidecar is not None and sidecar.hints:
                keys = [_file_key(rel), _file_key(file.name)]
                if row is not None:
                    keys = [f"{k}#{row}" for k in keys] + keys
                for k in keys:
                    if k in sidecar.hints:
                        return sidecar.hints[k]
            if folder == root or folder.parent == folder or not _is_within(folder.parent, root):
                return {}
            rel = f"{folder.name}/{rel}"
            folder = folder.parent


def _is_within(folder: Path, root: Path) -> bool:
    return folder == root or root in folder.parents


def _file_key(name: str) -> str:
    return name.strip().replace("\\", "/").lstrip("./").lower()


# --------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------

def _read_file(path: Path, name: str, root: Path, sidecars: _Sidecars,
               max_file_bytes: int) -> Iterator[RawArticle | FileReport]:
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        what = f"'{path.suffix}'" if path.suffix else "(no extension)"
        yield FileReport(name, "skipped", f"unsupported file type {what}; expected one of "
                                          f"{', '.join(ARTICLE_SUFFIXES)}")
        return
    try:
        if suffix in TABLE_SUFFIXES:
            reader = {".csv": _csv_rows, ".jsonl": _jsonl_rows, ".json": _json_rows}[suffix]
            yield from _read_table(path, name, root, sidecars, max_file_bytes, reader)
            return
        text = _read_text(path, max_file_bytes, html=suffix in HTML_SUFFIXES)
        hints: dict[str, Hint] = {}
        html = None
        if suffix in HTML_SUFFIXES:
            html = text
            text, hints = _extract_html(html, name)
        hints.update(sidecars.hints_for(path, root))
        yield from _flush(sidecars)
        yield RawArticle(name, text, hints, html)
        yield FileReport(name, "built", "", 1)
    except UnreadableFile as e:
        yield from _flush(sidecars)
        yield FileReport(name, "skipped", str(e))


def _flush(sidecars: _Sidecars) -> Iterator[FileReport]:
    while sidecars.pending_reports:
        yield sidecars.pending_reports.pop(0)


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

def _extract_html(html: str, name: str) -> tuple[str, dict[str, Hint]]:
    import trafilatura  # heavy import, only for HTML corpora

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as e:  # trafilatura/lxml raise many kinds on malformed pages
        raise UnreadableFile(f"HTML could not be parsed ({type(e).__name__})") from None
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("no article text could be extracted from the HTML")
    if not _has_article_text(text):
        raise UnreadableFile("no article text could be extracted from the HTML (only menus, footers and the like)")
    hints: dict[str, Hint] = {}
    for key, attr in (("title", "title"), ("outlet", "sitename"), ("url", "url")):
        value = getattr(doc, attr, None)
        if value and str(value).strip():
            hints[key] = Hint(str(value).strip(), "html", _html_evidence(html, str(value).strip(), attr))
    date = getattr(doc, "date", None)
    if date:
        value, evidence = _html_date(html, str(date))
        hints["published"] = Hint(value, "html", evidence)
    return text, hints


_MIN_ARTICLE_WORDS = 8


def _has_article_text(text: str) -> bool:
    # On pages without an article trafilatura falls back to whatever text there
    # is (menus, cookie notices); such a page is not an article.
    from analysis.clean import clean_article

    doc = clean_article(text)
    return sum(len(text[b.start:b.end].split()) for b in doc.body()) >= _MIN_ARTICLE_WORDS


_META_TAG_RE = regexes.compile(r"<meta\b[^>]*>", re.I)
_TITLE_TAG_RE = regexes.compile(r"<title\b[^>]*>.*?</title>", re.I | re.S)


def _html_evidence(html: str, value: str, what: str) -> str:
    """The tag of the page that carries ``value`` (or a plain note when none does)."""
    needles = {value, html_lib.escape(value, quote=True), html_lib.escape(value, quote=False)}
    for m in _META_TAG_RE.finditer(html):
        if any(f'"{n}"' in m.group(0) or f"'{n}'" in m.group(0) for n in needles):
            return _short(m.group(0))
    if what == "title":
        m = _TITLE_TAG_RE.search(html)
        if m and any(n in m.group(0) for n in needles):
            return _short(" ".join(m.group(0).split()))
    return f"trafilatura metadata ({what})"


_DATE_SOURCES = [
    regexes.compile(r"<meta\b[^>]*(?:published|pubdate|datePublished|dc\.date|article:published_time)[^>]*>", re.I),
    regexes.compile(r"\"datePublished\"\s*:\s*\"[^\"]+\"", re.I),
    regexes.compile(r"<time\b[^>]*datetime\s*=\s*[\"'][^\"']+[\"'][^>]*>", re.I),
    regexes.compile(r"<meta\b[^>]*>", re.I),
]
_ISO_VALUE_RE = regexes.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def _html_date(html: str, date: str) -> tuple[str, str]:
    """The full timestamp and its tag for trafilatura's (day-only) date, when the page has one."""
    for pattern in _DATE_SOURCES:
        for m in pattern.finditer(html):
            tag = m.group(0)
            for v in _ISO_VALUE_RE.findall(tag):
                if v.startswith(date):
                    return v, _short(tag)
    return date, "trafilatura metadata (date)"


def _short(s: str, limit: int = 200) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

@dataclass
class _TableRow:
    number: int
    record: dict | None  # None: the row could not be read


@dataclass
class _TableProblems:
    broken: list[int] = field(default_factory=list)
    broken_what: str = "lines"
    row_word: str = "row"
    empty: list[int] = field(default_factory=list)
    fields_seen: set[str] = field(default_factory=set)
    fatal: str = ""


def _read_table(path, name, root, sidecars, max_file_bytes, rows_of) -> Iterator[RawArticle | FileReport]:
    # the per-file limit is for one article; a table of many articles gets the table limit (never less)
    text = _read_text(path, max(max_file_bytes, MAX_TABLE_BYTES) if max_file_bytes == MAX_FILE_BYTES else max_file_bytes)
    problems = _TableProblems()
    count = 0
    for row in rows_of(text, problems):
        if row.record is None:
            problems.broken.append(row.number)
            continue
        record = {str(k).strip().lower(): v for k, v in row.record.items()}
        problems.fields_seen.update(record)
        body = _cell(record.get("text"))
        if not body.strip():
            problems.empty.append(row.number)
            continue
        hints = {f: Hint(v, "column", f"column '{f}' of {name} row {row.number}")
                 for f in HINT_FIELDS if (v := _cell(record.get(f)).strip())}
        hints.update(sidecars.hints_for(path, root, row.number))
        yield from _flush(sidecars)
        yield RawArticle(f"{name}#{row.number}", body.replace("\r\n", "\n").replace("\r", "\n"), hints)
        count += 1
    yield from _flush(sidecars)
    yield _table_report(name, count, problems)


def _cell(value) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return value if isinstance(value, str) else str(value)


def _numbers(ns: list[int]) -> str:
    shown = ", ".join(str(n) for n in ns[:_LIST_LIMIT])
    return shown + (f" and {len(ns) - _LIST_LIMIT} more" if len(ns) > _LIST_LIMIT else "")


def _table_report(name: str, count: int, p: _TableProblems) -> FileReport:
    if p.fatal and not count:
        return FileReport(name, "skipped", p.fatal)
    if not count and p.fields_seen and "text" not in p.fields_seen:
        return FileReport(name, "skipped", f"no 'text' field; fields are: {', '.join(sorted(p.fields_seen))}")
    parts = []
    if p.fatal:
        parts.append(p.fatal)
    if p.broken:
        if len(p.broken) == 1:
            parts.append(f"{p.broken_what[:-1]} {p.broken[0]} is not a valid JSON object and was skipped")
        else:
            parts.append(f"{p.broken_what} {_numbers(p.broken)} are not valid JSON objects and were skipped")
    if p.empty:
        rows = p.row_word if len(p.empty) == 1 else p.row_word + "s"
        parts.append(f"{len(p.empty)} {rows} with empty text skipped ({rows} {_numbers(p.empty)})")
    if not count:
        return FileReport(name, "skipped", "; ".join(parts) or "no rows")
    return FileReport(name, "partial" if parts else "built", "; ".join(parts), count)


def _guess_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(text: str, problems: _TableProblems) -> Iterator[_TableRow]:
    rows = csv.reader(io.StringIO(text), delimiter=_guess_delimiter(text))
    try:
        header = next(rows, None)
    except csv.Error as e:
        problems.fatal = f"CSV could not be parsed ({e})"
        return
    columns = [h.strip().lower() for h in header or []]
    if "text" not in columns:
        problems.fatal = f"no 'text' column; columns are: {', '.join(h.strip() for h in header or [])}"
        return
    n = 0
    try:
        for row in rows:
            n += 1  # every record counts, so row N is the N-th data row a spreadsheet shows
            if not any(cell.strip() for cell in row):
                continue
            yield _TableRow(n, dict(zip(columns, row)))
    except csv.Error as e:
        problems.fatal = f"CSV could not be parsed after data row {n} ({e})"


def _jsonl_rows(text: str, problems: _TableProblems) -> Iterator[_TableRow]:
    problems.broken_what = "lines"
    problems.row_word = "line"
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        yield _TableRow(number, record if isinstance(record, dict) else None)


def _json_rows(text: str, problems: _TableProblems) -> Iterator[_TableRow]:
    problems.broken_what = "items"
    problems.row_word = "item"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        problems.fatal = f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
        return
    if isinstance(data, dict):
        listed = next((data[k] for k in ("articles", "items", "data", "rows") if isinstance(data.get(k), list)), None)
        data = listed if listed is not None else [data]
    if not isinstance(data, list):
        problems.fatal = "JSON must be a list of objects with a 'text' field"
        return
    for number, item in enumerate(data, 1):
        yield _TableRow(number, item if isinstance(item, dict) else None)
