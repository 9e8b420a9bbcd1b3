"""Find any of many words and phrases in a text: the same matches as ``\\b(?:p1|p2|...)\\b`` with IGNORECASE,
but one dictionary lookup per word instead of trying every alternative at every position (a regex
alternation of a few hundred speech verbs cost more than the rest of speaker attribution together)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    _start: int
    _end: int
    text: str

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, n: int = 0) -> str:
        if n != 0:
            raise IndexError("a phrase match has no groups")
        return self.text


class PhraseMatcher:
    """Phrases of whole words; inside a phrase, any run of white space matches a space. Where several phrases
    start at one word, the longest (in characters, as written) that matches wins, as in a regex alternation
    sorted longest first; matches do not overlap and are found left to right."""

    def __init__(self, phrases: Iterable[str]) -> None:
        singles: set[str] = set()
        multi: dict[str, list[str]] = {}
        for p in phrases:
            words = p.lower().split()
            if not words:
                continue
            if not all(_WORD.fullmatch(w) for w in words):
                raise ValueError(f"a phrase must be whole words separated by spaces: {p!r}")
            if len(words) == 1:
                singles.add(words[0])
            else:
                multi.setdefault(words[0], []).append(" ".join(words))
        self._singles = frozenset(singles)
        self._starts = frozenset(singles | multi.keys())
        # Per first word, one anchored pattern: its phrases longest first, then the word alone if it is a phrase.
        self._multi: dict[str, re.Pattern] = {}
        for first, ps in multi.items():
            alts = [re.escape(p).replace(r"\ ", r"\s+") for p in sorted(ps, key=len, reverse=True)]
            self._multi[first] = re.compile(rf"(?:{'|'.join(alts)})\b", re.IGNORECASE)

    def finditer(self, text: str) -> Iterator[PhraseMatch]:
        singles, multi = self._singles, self._multi
        lowered = text.lower()
        # Most sentences hold none of the words: one set test instead of a loop over every word. (lower() can
        # change a text's length, e.g. "İ"; such texts take the loop, which keeps offsets right.)
        if len(lowered) == len(text) and self._starts.isdisjoint(_WORD.findall(lowered)):
            return
        free = 0
        for w in _WORD.finditer(text):
            p = w.start()
            if p < free:
                continue
            word = w.group().lower()
            rx = multi.get(word)
            if rx is not None:
                m = rx.match(text, p)
                if m is not None:
                    free = m.end()
                    yield PhraseMatch(p, m.end(), m.group())
                    continue
            if word in singles:
                free = w.end()
                yield PhraseMatch(p, w.end(), w.group())

    def search(self, text: str) -> PhraseMatch | None:
        return next(self.finditer(text), None)
