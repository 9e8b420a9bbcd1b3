"""Remember what each input file gave the last build, so that the next one replays the files that did not change
(same size and modification time, as ``stat`` says) instead of reading, decoding and hashing them again.

A rebuild with 1 % new articles spent a third of its time reading the other 99 %. A replayed file yields what
reading it yielded, in the same place: its articles, as ``KnownArticle`` (name, text id and digest; the text is read
again only if an article must be processed again), then its report line.

A file is replayed only when nothing else it depends on changed:
* the extraction code and data, the reader's included (the memo is dropped otherwise);
* the ``sources.csv`` sidecars that can give the file hints (in its folder and the folders above it, up to the
  input folder);
* the file was read whole last time (status ``built`` or ``partial``): a skipped file may have failed for a
  reason outside it (permissions, a full disk) and is read again;
* nothing but its own line was reported with it (a sidecar's problem is reported with the first file that
  needs the sidecar: that file is read, so the sidecar is loaded, and reported, where a full read does it).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .document import FileReport, RawArticle
from .reader import SIDECAR_NAME, read_file
_REPLAYED_STATUSES = frozenset({"built", "partial"})


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_id(raw: RawArticle) -> str:
    """Two articles with the same words are one, whatever the white space (a trailing newline, a CSV cell vs a
    .txt file): the build keeps the first and reports the other as a duplicate."""
    return content_hash(" ".join(raw.text.split()))


def content_digest(raw: RawArticle) -> str:
    """Everything an article's results depend on besides the code: its text, hints and name."""
    h = hashlib.sha256(raw.text.encode("utf-8", "surrogatepass"))
    for k in sorted(raw.hints):
        hint = raw.hints[k]
        h.update(f"\0{k}={hint.value}|{hint.source}|{hint.evidence}".encode("utf-8", "surrogatepass"))
    h.update(b"\0" + raw.source.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


@dataclass
class KnownArticle:
    """An article of a file that did not change since the last build: what the build needs of it without its
    text. ``load()`` reads it again when it must be processed again (the per-article cache lost it, or it is
    dated again with a borrowed reference)."""

    source: str
    text_id: str
    digest: str
    path: str  # the file, and the folder the reader named it from
    root: str

    def load(self) -> RawArticle:
        """The article as the reader reads it now; ``ValueError`` when that is no longer what the build listed."""
        for item in read_file(Path(self.path), Path(self.root)):
            if isinstance(item, RawArticle) and item.source == self.source:
                if content_digest(item) != self.digest:
                    raise ValueError(f"{self.source} is no longer what was listed")
                return item
        raise ValueError(f"{self.source} is no longer in {self.path}")


def as_raw(article: RawArticle | KnownArticle) -> RawArticle:
    return article.load() if isinstance(article, KnownArticle) else article


def sidecar_signature(listing: list[tuple[Path, str]]) -> dict[str, tuple[int, int]]:
    """Size and time of every sidecar that can give hints to the listed files, by its folder (resolved): those
    among them, and the one beside each file given alone (the reader looks for it there, the file's folder
    standing as its root). ``listing``: (resolved root, path relative to it, or "" for a file given alone)."""
    found: dict[str, tuple[int, int]] = {}
    for root, rel in listing:
        if rel:
            if os.path.basename(rel).lower() != SIDECAR_NAME:
                continue
            path = root / rel
        else:
            path = root.parent / SIDECAR_NAME
        try:
            st = os.stat(path)
        except OSError:
            continue
        found[str(path.parent)] = (st.st_size, st.st_mtime_ns)
    return found


class SourceMemo:
    """Handed to ``reader.iter_sources``: it asks ``replay(path)`` before reading a file and, when the answer is
    None, records what it reads into the list ``reading(path, root)`` returns. ``saved()`` is what the next
    build's memo starts from."""

    def __init__(self, previous: dict | None, version: str, sidecars: dict[str, tuple[int, int]]) -> None:
        self._version = version
        self._sidecars = sidecars
        ok = isinstance(previous, dict) and previous.get("version") == version
        self._previous: dict = previous["files"] if ok else {}
        was = previous["sidecars"] if ok else {}
        # Folders (resolved) whose sidecar changed, appeared or went away since the last build.
        self._changed = {f for f in sidecars.keys() | was.keys() if sidecars.get(f) != was.get(f)}
        self._hints_unchanged: dict[tuple[str, str], bool] = {}  # (folder, root) as the reader gives them
        # path -> (size, mtime_ns, root, the items read or replayed)
        self._files: dict[str, tuple[int, int, str, list]] = {}
        self._identity: dict[int, tuple[str, str]] = {}  # id(RawArticle) -> (text id, digest)

    @property
    def known_files(self) -> int:
        """How many files the last build read (or replayed) in full: a build that lists about as many files may
        have few to read."""
        return len(self._previous)

    def replay(self, path: str, root: str) -> list | None:
        """``path``, ``root``: as ``str(Path)`` spells them."""
        key = path
        was = self._previous.get(key)
        if was is None:
            return None
        size, mtime, was_root, entries = was
        if root != was_root or not self._sidecars_unchanged(os.path.dirname(path) or ".", root):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != (size, mtime):
            return None
        items = [e if isinstance(e, FileReport) else KnownArticle(*e, key, root) for e in entries]
        self._files[key] = (size, mtime, root, items)
        return items

    def _sidecars_unchanged(self, folder: str, root: str) -> bool:
        """Whether the sidecars that can give hints to a file of ``folder`` (its own, and those of the folders
        above it up to ``root``, where the reader stops looking) are as they were."""
        got = self._hints_unchanged.get((folder, root))
        if got is None:
            here, top = Path(os.path.realpath(folder)), Path(os.path.realpath(root))
            chain = [here, *here.parents] if here != top else [here]
            chain = chain[:chain.index(top) + 1] if top in chain else chain[:1]
            got = self._hints_unchanged[(folder, root)] = not any(str(f) in self._changed for f in chain)
        return got

    def reading(self, path: str, root: str) -> list | None:
        """The list to record the file's items into; None when the file cannot be stat'ed (it is not recorded)."""
        try:
            st = os.stat(path)  # before reading: a file written meanwhile has a newer time at the next build
        except OSError:
            return None
        items: list = []
        self._files[str(path)] = (st.st_size, st.st_mtime_ns, str(root), items)
        return items

    def identity(self, article: RawArticle | KnownArticle) -> tuple[str, str]:
        """(text id, content digest) of an article read or replayed by this build."""
        if isinstance(article, KnownArticle):
            return article.text_id, article.digest
        got = self._identity.get(id(article))  # the article is alive: this memo holds it
        if got is None:
            got = self._identity[id(article)] = (text_id(article), content_digest(article))
        return got

    def saved(self) -> dict:
        files = {}
        for key, (size, mtime, root, items) in self._files.items():
            if not items or not isinstance(items[-1], FileReport) or items[-1].status not in _REPLAYED_STATUSES:
                continue
            if any(isinstance(i, FileReport) for i in items[:-1]):
                continue  # a sidecar's problem came with it
            entries = [(i.source, *self.identity(i)) for i in items[:-1]]
            files[key] = (size, mtime, root, entries + [items[-1]])
        return {"version": self._version, "sidecars": self._sidecars, "files": files}
