"""The objects the pipeline steps pass to each other.

One article flows through small named steps (spaCy style):

    read_sources -> RawArticle
    clean_article(text) -> CleanDoc             (analysis.clean)
    extract_metadata(doc, hints) -> ArticleMeta  (analysis.metadata)
    split_sentences(doc) -> [Span]              (analysis.sentences)
    find_quotes(doc) -> [QuoteSpan]             (analysis.quotes)
    attribute_speakers(...)                     (analysis.speakers)
    resolve_statement_date(...)                 (analysis.dates)
    score_tension(...)                          (analysis.tension)

All offsets are character offsets into ``RawArticle.text`` (== ``CleanDoc.text``),
so a statement can always be shown in place in the original article.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hint:
    """A metadata value supplied outside the article text (sidecar or corpus column)."""

    value: str
    source: str  # "sidecar" | "column"
    evidence: str  # e.g. "sources.csv row 3" or "column 'outlet' of news.csv row 12"


@dataclass
class RawArticle:
    source: str  # file name, or "file.csv#12" for a row of a table corpus
    text: str  # decoded text; for HTML, the extracted article text
    hints: dict[str, Hint] = field(default_factory=dict)  # keys: outlet, url, title, published
    html: str | None = None  # the original HTML when the article came from an .html file


@dataclass
class FileReport:
    """One line of the build report: every input file appears exactly once."""

    file: str
    status: str  # "built" | "skipped" | "partial" (some rows skipped) | "duplicate"
    reason: str = ""
    articles: int = 0  # articles read from the file


@dataclass
class Block:
    """A line/paragraph of the article with what the cleaner decided about it."""

    start: int
    end: int
    kind: str  # "body" | "title" | "caption" | "boilerplate" | "duplicate" | "meta"
    reason: str = ""  # why it is not body, e.g. "share widget", "related-links list"


@dataclass
class CleanDoc:
    text: str
    blocks: list[Block]

    def body(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "body"]

    def block_at(self, offset: int) -> Block | None:
        for b in self.blocks:
            if b.start <= offset < b.end:
                return b
        return None


@dataclass
class Found:
    """A metadata value with the evidence it was read from."""

    value: Any
    evidence: str | None
    source: str | None  # "text" | "sidecar" | "column" | "inferred"
    precision: str | None = None  # for dates: second, day, month, year
    start: int | None = None  # offset of the evidence in the text, when from the text


@dataclass
class ArticleMeta:
    outlet: Found | None = None
    title: Found | None = None
    published: Found | None = None  # value: pandas.Timestamp (UTC)
    syndicated_from: Found | None = None
    url: Found | None = None


@dataclass
class Span:
    start: int
    end: int

    def text(self, doc_text: str) -> str:
        return doc_text[self.start:self.end]
