"""Find any of many words and phrases in a text: the same matches as ``\\b(?:p1|p2|...)\\b`` with IGNORECASE,
but one scan for the words that can start a phrase, then one dictionary lookup per such word, instead of trying
every alternative at every position (a regex alternation of a few hundred speech verbs cost more than the rest
of speaker attribution together)."""
from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator, Sequence

from . import regexes

_WORD = regexes.compile(r"\w+")


class PhraseMatch:
    """Where a phrase was found, read like a ``re.Match``. (A plain class: a few are made for every sentence.)"""

    __slots__ = ("_start", "_end", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start = start
        self._end = end
        self.text = text

    def __repr__(self) -> str:
        return f"PhraseMatch({self._start}, {self._end}, {self.text!r})"

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, n: int = 0) -> str:
        if n != 0:
            raise IndexError("a phrase match has no groups")
        return self.text


def _trie(words: Iterable[str], follows: dict[str, str] | None = None) -> str:
    """A regex alternation of ``words``, factored as a trie: at every branch the alternatives start with different
    characters, so at most one goes on. ``follows``: a word -> a lookahead the text must match after that word.
    Kept between processes (``regexes.memo``), as ``trie_pattern`` is: the speakers' phrases cost each process
    that extracts a few milliseconds here."""
    follows = follows or {}
    words = sorted(set(words))  # the trie is the same in any order
    return regexes.memo("phrase_trie", [f"{w}\x01{follows.get(w, '')}" for w in words],
                        lambda: _trie_of(words, follows), code=[__name__])


def _trie_of(words: list[str], follows: dict[str, str]) -> str:
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = follows.get(w, "")

    def walk(node: dict) -> str:
        alts = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return node.get("", "")
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" not in node:
            return body
        return f"(?:{body}|{node['']})" if node[""] else f"(?:{body})?"

    return walk(root)


def _space_as_white_space(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)


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
        self._tails = {first: [p.split(" ", 1)[1] for p in ps] for first, ps in multi.items()}  # the words after it
        # Per first word, one anchored pattern: its phrases longest first, then the word alone if it is a phrase.
        self._multi: dict[str, re.Pattern] = {}
        for first, ps in multi.items():
            alts = [re.escape(p).replace(r"\ ", r"\s+") for p in sorted(ps, key=len, reverse=True)]
            self._multi[first] = regexes.compile(rf"(?:{'|'.join(alts)})\b", re.IGNORECASE)
        self._scanner = _StartScanner((self,))

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[PhraseMatch]:
        """``lowered``: ``text.lower()`` when the caller already has it."""
        return iter(self._scanner.find_each(text, lowered)[0])

    def _match_at(self, text: str, p: int, word: str, word_end: int) -> PhraseMatch | None:
        """The phrase starting with the token ``word`` at ``p`` (lowered; it ends at ``word_end``), if any."""
        rx = self._multi.get(word)
        if rx is not None:
            m = rx.match(text, p)
            if m is not None:
                return PhraseMatch(p, m.end(), m.group())
        if word in self._singles:
            return PhraseMatch(p, word_end, text[p:word_end])
        return None

    def _finditer_word_by_word(self, text: str, lowered: str) -> Iterator[PhraseMatch]:
        # Most sentences hold none of the words: one set test instead of a loop over every word.
        if len(lowered) == len(text) and self._starts.isdisjoint(_WORD.findall(lowered)):
            return
        free = 0
        for w in _WORD.finditer(text):
            p = w.start()
            if p < free:
                continue
            m = self._match_at(text, p, w.group().lower(), w.end())
            if m is not None:
                free = m._end
                yield m

    def search(self, text: str) -> PhraseMatch | None:
        return next(self.finditer(text), None)


class PhraseMatchers:
    """Several matchers over one text in one pass: what each finds alone."""

    def __init__(self, matchers: Iterable[PhraseMatcher]) -> None:
        self._scanner = _StartScanner(tuple(matchers))

    def find_each(self, text: str, lowered: str | None = None) -> list[list[PhraseMatch]]:
        """The matches of every matcher in ``text``, one list per matcher, in their order."""
        return self._scanner.find_each(text, lowered)

    def find_each_of(self, texts: Sequence[str]) -> list[list[list[PhraseMatch]]]:
        """``[self.find_each(t) for t in texts]``, in one scan of all the texts (the sentences of an article)."""
        return self._scanner.find_each_of(texts)


# Texts scanned together (the sentences of an article, here and in the actor scan) are joined with a character that
# no scan or phrase pattern matches (it is neither a word character nor white space, and phrases are words and
# spaces): next to it every lookaround, \b and \s+ behaves as at the end of a string, so each text gets the matches
# it gets alone.
SEPARATOR = "\x00"
# The ASCII characters that are not word characters, and all others.
_MAY_PRECEDE_WORD = r"[\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\U0010ffff]"


class _StartScanner:
    """Finds the tokens that start a phrase of any of its matchers and lets each matcher take it from there."""

    def __init__(self, matchers: tuple[PhraseMatcher, ...]) -> None:
        self._matchers = matchers
        owners: dict[str, list[int]] = {}
        for k, matcher in enumerate(matchers):
            for w in matcher._starts:
                owners.setdefault(w, []).append(k)
        self._owners = {w: tuple(ks) for w, ks in owners.items()}
        # A word that only starts longer phrases ("in" of "in his view") is a token only where one of them follows:
        # such words are most tokens ("in", "by", "is"), and almost never start a phrase.
        follows = {}
        for w, ks in self._owners.items():
            if not any(w in matchers[k]._singles for k in ks):
                tails = [t for k in ks for t in matchers[k]._tails[w]]
                follows[w] = rf"(?=(?i:\s+{trie_pattern(tails, _space_as_white_space)}))"
        # Every start word as a whole token of the lowered text, factored as a trie so the scan stays one C-level
        # pass however many words there are (a flat alternation of a few hundred words is several times slower).
        # The pattern takes the character before the word too (the scanned text gets one in front): starting with a
        # class, it lets the engine skip to the next character that may precede a word with a table look-up, where a
        # leading lookbehind cost a full match attempt at every position. The class admits every non-ASCII character:
        # the lookbehind still rejects the word characters among them.
        self._start_rx = regexes.compile(rf"{_MAY_PRECEDE_WORD}(?<!\w)({_trie(owners, follows)})(?!\w)"
                                         if owners else "(?!)")
        # What _match_at does for a word, spelled out per word for the scan loop: per matcher that it starts a phrase
        # of, (matcher's index, its phrases' pattern or None, whether the word alone is a phrase).
        self._plans = {w: tuple((k, matchers[k]._multi[w].match if w in matchers[k]._multi else None,
                                 w in matchers[k]._singles) for k in ks)
                       for w, ks in self._owners.items()}

    def find_each(self, text: str, lowered: str | None) -> list[list[PhraseMatch]]:
        if lowered is None:
            lowered = text.lower()
        # Where lowering keeps every character in place, the tokens of the lowered text are those of the text,
        # lowered: only the tokens that start a phrase need looking at. lower() can move offsets ("İ" becomes two
        # characters) and lowers "Σ" by its context, not alone; such texts go word by word.
        if len(lowered) != len(text) or "Σ" in text:
            return [list(m._finditer_word_by_word(text, lowered)) for m in self._matchers]
        return self._scan(text, lowered, (len(text),))[0]

    def find_each_of(self, texts: Sequence[str]) -> list[list[list[PhraseMatch]]]:
        joined = SEPARATOR.join(texts)
        lowered = joined.lower()
        # No character lowers to nothing: the same length means every one lowers in place, in every text.
        if len(lowered) != len(joined) or "Σ" in joined:
            return [self.find_each(t, None) for t in texts]
        ends = []
        end = -1
        for t in texts:
            end += len(t) + 1
            ends.append(end)
        return self._scan(joined, lowered, ends)

    def _scan(self, text: str, lowered: str, ends: Sequence[int]) -> list[list[list[PhraseMatch]]]:
        """The matches in each part of ``text`` (the parts end at ``ends``, separated by one character), with
        offsets in their part."""
        matchers = self._matchers
        found = [[[] for _ in matchers] for _ in ends]
        free = [0] * len(matchers)  # per matcher, where its last match ended: matches do not overlap
        plans = self._plans
        part = 0
        part_end = ends[0] if ends else 0
        offset = 0  # where the part starts
        for w in self._start_rx.finditer(SEPARATOR + lowered):
            p, word_end = w.span(1)
            p -= 1  # the text scanned has the separator in front
            while p >= part_end:
                offset = part_end + 1
                part += 1
                part_end = ends[part]
            for k, multi, single in plans[w.group(1)]:
                if p < free[k]:
                    continue
                if multi is not None and (m := multi(text, p)) is not None:
                    end = m.end()
                    found[part][k].append(PhraseMatch(p - offset, end - offset, m.group()))
                elif single:
                    end = word_end - 1
                    found[part][k].append(PhraseMatch(p - offset, end - offset, text[p:end]))
                else:
                    continue
                free[k] = end
        return found


def trie_pattern(strings: Iterable[str], char: Callable[[str], str] = re.escape) -> str:
    """A regex matching any of ``strings``, written as a prefix tree: the plain alternation, longest string first,
    made faster (the engine tries the strings of an alternation one by one at every position; the tree rejects a
    position at its first character). Strings matching at one position are prefixes of each other and the tree
    offers them longest first (greedy optional tails), so it matches the same, alone or inside a larger pattern.
    ``char`` writes one character (the actor index lets a space match any run of white space, for example)."""
    strings = sorted(set(strings))  # the tree is the same in any order; sorted, its digest is too
    return regexes.memo("trie_pattern", [getattr(char, "__qualname__", repr(char)), *strings],
                        lambda: _trie_pattern(strings, char), code=[__name__, getattr(char, "__module__", "") or ""])


def _trie_pattern(strings: list[str], char: Callable[[str], str]) -> str:
    tree: dict = {}
    for s in strings:
        node = tree
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}  # a string ends here

    def emit(node: dict) -> str:
        branches = [char(ch) + emit(child) for ch, child in sorted((k, v) for k, v in node.items() if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(tree)

