"""Tension of one statement: a hostility score in [-1, 1] with the cues that explain it.

The cue lexicon, the class weights and the modifier factors live in ``data/cues.toml``
(grounded on the PLOVER conflict/cooperation scores; see that file and docs/method.md).
A statement's tension is ``tanh(sum of effective cue weights)``; a cue's effective
weight is its class weight times its modifiers:

* negated ("did not refuse", "never threatened"): ``negation_factor`` (flips it);
* hedged ("cannot rule out leaving", "could leave"): ``hedge_factor``;
* denied ("leaving is not on the agenda"): ``denied_factor`` for hostile cues that share
  a clause with a denial;
* context: for a direct quote, the speech verb around the quote ("warned", "praised")
  counts ``context_factor`` of its weight; the quoted words themselves count fully.

TextBlob polarity is not blended in: on the validation sets it did not help (docs/method.md).
"""
from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from . import regexes
from .datafiles import loads_toml

try:  # internal regex parser, used only to index patterns by their first letters
    from re import _constants as _C
    from re import _parser
except ImportError:  # then every pattern is tried at every word: slower, same result
    _C = _parser = None

CUES_PATH = Path(__file__).parent / "data" / "cues.toml"
ARROW = "→"


@dataclass(frozen=True)
class _Entry:
    kind: str  # "cue" | "hedge" | "admonition" | "negator"
    cls: str | None = None
    weight: float = 0.0
    speech: bool = False
    denies: bool = False


class _Hit(NamedTuple):
    """A cue or marker found in a text. A named tuple, not a frozen dataclass: statements are scored by the
    thousand, and a frozen dataclass sets each field through object.__setattr__."""
    start: int
    end: int
    text: str
    entry: _Entry


class Lexicon:
    """The compiled cue lexicon: cue and marker patterns, indexed by the letters they can start with."""

    def __init__(self, path: Path = CUES_PATH):
        data = loads_toml(Path(path).read_text(encoding="utf-8"))
        self.path = Path(path)
        sc = data["scoring"]
        self.negation_factor = float(sc["negation_factor"])
        self.hedge_factor = float(sc["hedge_factor"])
        self.denied_factor = float(sc["denied_factor"])
        self.context_factor = float(sc["context_factor"])
        self.negation_window = int(sc["negation_window"])
        self.dead_zone = float(sc["dead_zone"])
        macros = data.get("macros", {})

        def expand(p: str) -> str:
            return re.sub(r"<([A-Z][A-Z0-9_]*)>", lambda m: macros[m.group(1)], p)

        self.classes: dict[str, dict] = {}
        entries: list[_Entry] = []
        alternatives: list[str] = []

        def add(pattern: str, entry: _Entry) -> None:
            body = expand(pattern)
            try:
                regexes.compile(body)
            except re.error as exc:
                raise ValueError(f"{path}: bad pattern {pattern!r}: {exc}") from None
            alternatives.append(body)
            entries.append(entry)

        # Cues first, then markers: see "PATTERN SYNTAX" in cues.toml for why the order matters.
        for name, c in data["classes"].items():
            weight = -float(c["score"]) / 10.0 + 0.0  # + 0.0: no "-0.0" for neutral classes
            self.classes[name] = {"score": float(c["score"]), "weight": weight, "basis": c.get("basis", ""),
                                  "denies_threat": bool(c.get("denies_threat", False))}
            for p in c.get("patterns", []):
                add(p, _Entry("cue", name, weight, False, bool(c.get("denies_threat", False))))
            for p in c.get("speech", []):
                add(p, _Entry("cue", name, weight, True, bool(c.get("denies_threat", False))))
        mk = data["markers"]
        for p in mk["hedges"]:
            add(p, _Entry("hedge"))
        for p in mk["admonitions"]:
            add(p, _Entry("admonition"))
        for p in mk["negators"]:
            add(p, _Entry("negator"))
        self.entries = entries
        # Each word tries only the patterns that can start with its first letters, in
        # file order (the precedence rules of cues.toml): ~170 patterns tried at every
        # word made scoring three times slower than TextBlob.
        self.patterns = [regexes.compile(f"(?:{body})(?![\\w])", re.IGNORECASE) for body in alternatives]
        self._index = _PrefixIndex(self.patterns, alternatives, _PREFIX_LEN)
        self.prefix_table = self._index.table
        # Most tries at three letters fail ("the", "not", "has" start many patterns but few matches):
        # six letters rule out five words in six of those. Used on ASCII text only, where lower() maps
        # one character to one and agrees with IGNORECASE, so it never rules out a word that can match.
        self._long_index = _PrefixIndex(self.patterns, alternatives, _LONG_PREFIX_LEN, lowered=True)
        self._scored: dict[tuple[str, str | None], tuple[float, tuple]] = {}
        breaks = "|".join(re.escape(w) for w in mk.get("clause_breaks", []))
        self.clause_re = regexes.compile(r"[,;:.!?()\[\]\"]|\s[-–—]+\s" + (rf"|\b(?:{breaks})\b" if breaks else ""), re.IGNORECASE)
        self.sentence_re = regexes.compile(r"[.!?;]+(?=\s|$)|\.{3}")

    def candidates(self, key: str) -> tuple[int, ...]:
        """The patterns (file order) that can match at a word starting with ``key`` (lower case)."""
        return self._index.candidates(key)


def _prefix_table(bodies: list[str], size: int) -> dict[str, tuple[int, ...]]:
    table: dict[str, set[int]] = {}
    for i, body in enumerate(bodies):
        for p in _prefixes(body, size):
            table.setdefault(p, set()).add(i)
    return {k: tuple(sorted(v)) for k, v in table.items()}


class _PrefixIndex:
    """Patterns indexed by the first ``size`` lower-case characters their matches can start with."""

    def __init__(self, patterns: list[re.Pattern], bodies: list[str], size: int, lowered: bool = False):
        self.patterns = patterns
        self.size = size
        self.table = regexes.memo("cue_prefixes", [str(size), *bodies], lambda: _prefix_table(bodies, size), code=[__name__])
        # The words to try: every word; or, in lower-cased text, only those that start with an indexed
        # prefix, found in one regex pass instead of a Python step per word (five words in six have none).
        self.word_starts = _WORD_START
        self.separators_to_space: bytes | None = None
        if lowered:
            prefixes = sorted(self.table)  # the trie is the same in any order; sorted, its digest is too
            trie = regexes.memo("any_prefix", prefixes, lambda: _any_prefix(set(prefixes)), code=[__name__])
            self.word_starts = regexes.compile(rf"(?<![\w'-])(?=\w)(?={trie})")
            # Faster still on ASCII bytes where every separator (a character other than [\w'-]) became a space:
            # the engine then jumps from space to space instead of trying the pattern at every character. A
            # separator is turned into a space only where no prefix uses it, so the trie still sees each prefix
            # (a space it now sees in "in,the" only adds a word for the candidates' test to rule out).
            prefix_separators = {c for p in self.table for c in p if not _WORD_CHAR.match(c)}
            if prefix_separators <= {" "} and all(p.isascii() for p in self.table):
                separators = bytes(c for c in range(128) if not _WORD_CHAR.match(chr(c)) and c != ord(" "))
                self.separators_to_space = bytes.maketrans(separators, b" " * len(separators))
                self.word_starts = regexes.compile(rb" (?=\w)(?=" + trie.encode("ascii") + rb")")
        self._candidates: dict[str, tuple[int, ...]] = {}
        self.tests: dict[str, tuple[Callable[[str, int], re.Match | None] | None, tuple[int, ...]]] = {}
        self._tests_of: dict[tuple[int, ...], Callable[[str, int], re.Match | None] | None] = {}

    def candidates(self, key: str) -> tuple[int, ...]:
        """The patterns (file order) that can match at a word starting with ``key``; memoised, since a
        corpus has a few thousand distinct word starts and this runs at every word."""
        got = self._candidates.get(key)
        if got is None:
            table = self.table
            lists = [table[k] for k in {key[:j] for j in range(len(key) + 1)} if k in table]
            got = () if not lists else lists[0] if len(lists) == 1 else tuple(sorted(set().union(*lists)))
            if len(self._candidates) < 100_000:
                self._candidates[key] = got
        return got

    def test(self, head: str) -> tuple[Callable[[str, int], re.Match | None] | None, tuple[int, ...]]:
        """``(match, candidates)`` for a word starting with ``head`` (its first ``size`` letters as written):
        ``match(text, pos)`` finds the first candidate (in file order) that matches there, and the number of
        the group it matched (``lastindex``) is its place among the candidates when there are several;
        ``match`` is None when there is no candidate, or when the candidates must be tried one by one.
        Memoised in ``tests``.

        Most words with candidates match none of them: one regex alternation of the candidates, tried in
        one call, rules a word out far faster than a Python loop over the patterns; and a regex alternation
        takes its first alternative that matches, so the call also tells which pattern wins."""
        got = self.tests.get(head)
        if got is None:
            indices = self.candidates(head.lower()[:self.size])
            if indices not in self._tests_of:
                self._tests_of[indices] = self._alternation(indices)
            got = (self._tests_of[indices], indices)
            if len(self.tests) < 100_000:
                self.tests[head] = got
        return got

    def _alternation(self, indices: tuple[int, ...]) -> Callable[[str, int], re.Match | None] | None:
        if not indices:
            return None
        patterns = [self.patterns[i] for i in indices]
        if len(patterns) == 1:
            return patterns[0].match
        # A group inside a pattern would be renumbered in the alternation (a backreference would then point
        # elsewhere, and lastindex would not name the pattern): such words try their patterns one by one.
        if any(p.groups for p in patterns):
            return None
        return regexes.compile("|".join(f"({p.pattern})" for p in patterns), re.IGNORECASE).match


_PREFIX_LEN = 3
_LONG_PREFIX_LEN = 6
_PREFIX_CAP = 3000


def _any_prefix(prefixes: set[str]) -> str:
    """A regex that matches where one of ``prefixes`` starts, as a trie: one character test per letter."""
    if "" in prefixes:
        return ""
    if not prefixes:
        return "(?!)"
    by_first: dict[str, set[str]] = {}
    for p in prefixes:
        by_first.setdefault(p[0], set()).add(p[1:])
    alternatives = [re.escape(c) + _any_prefix(rest) for c, rest in sorted(by_first.items())]
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


_WORD_START = regexes.compile(r"(?<![\w'-])\w")
_WORD_CHAR = regexes.compile(r"[\w'-]")


def _item_strings(op, av, room: int) -> list[tuple[str, bool]] | None:
    """Strings (lower case, at most ``room`` long) one parsed regex item can start with,
    each flagged complete (the item ended) or not; None: anything."""
    if op is _C.LITERAL:
        return [(chr(av).lower(), True)]
    if op is _C.IN:
        out = []
        for kind, value in av:
            if kind is _C.LITERAL:
                out.append((chr(value).lower(), True))
            elif kind is _C.RANGE:
                out += [(chr(c).lower(), True) for c in range(value[0], value[1] + 1)]
            else:  # a category such as \w, or a negated set
                return None
        return list(set(out))
    if op is _C.SUBPATTERN:
        return _sequence_strings(av[-1], room)
    if op is _C.BRANCH:
        out = set()
        for branch in av[1]:
            got = _sequence_strings(branch, room)
            if got is None:
                return None
            out |= set(got)
        return list(out)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", object()):
        low, high, body = av
        done: set[tuple[str, bool]] = {("", True)} if low == 0 else set()
        frontier = {""}
        for i in range(1, min(high, room + 1) + 1):
            nxt = set()
            for p in frontier:
                got = _sequence_strings(body, room - len(p))
                if got is None:
                    return None
                for e, complete in got:
                    t = p + e
                    if complete and len(t) < room and t != p:
                        nxt.add(t)
                        if i >= low:
                            done.add((t, True))
                    else:
                        done.add((t[:room], False))
            frontier = nxt
            if not frontier or len(done) > _PREFIX_CAP:
                break
        return None if len(done) > _PREFIX_CAP else list(done)
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return [("", True)]
    return None


def _sequence_strings(items, room: int) -> list[tuple[str, bool]] | None:
    states = {""}
    finished: set[tuple[str, bool]] = set()
    for op, av in items:
        nxt = set()
        for p in states:
            got = _item_strings(op, av, room - len(p))
            if got is None:
                finished.add((p, False))
                continue
            for e, complete in got:
                t = p + e
                if not complete or len(t) >= room:
                    finished.add((t[:room], False))
                else:
                    nxt.add(t)
        states = nxt
        if len(states) + len(finished) > _PREFIX_CAP:
            return None
        if not states:
            break
    return list(finished | {(p, True) for p in states})


def _prefixes(body: str, size: int = _PREFIX_LEN) -> set[str]:
    """The first ``size`` lower-case characters a pattern's match can start with
    (shorter strings when the pattern may end or become unconstrained sooner; "" = any)."""
    if _parser is None:
        return {""}
    try:
        got = _sequence_strings(_parser.parse(body, re.IGNORECASE), size)
    except Exception:  # an unusual construct: try the pattern at every word
        return {""}
    return {""} if got is None else {p for p, _ in got}


_WORD = regexes.compile(r"[\w'-]+")
_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                            "…": "...", "\u00a0": " "})

LEXICON = Lexicon()


# The ASCII characters _TRANSLATE changes: "in" for each costs less than a generator over them per text.
_ASCII_TRANSLATED = tuple(chr(c) for c in _TRANSLATE if c < 128)


def _normalise(text: str) -> str:
    if not text.isascii() or _has_any(text, _ASCII_TRANSLATED):  # else nothing to translate
        text = text.translate(_TRANSLATE)
    # str.split() and the regex \s agree on what white space is (both use Unicode's definition), so this
    # is re.sub(r"\s+", " ", text).strip() in one C pass.
    return " ".join(text.split())


def _has_any(text: str, chars: tuple[str, ...]) -> bool:
    for c in chars:
        if c in text:
            return True
    return False


def _scan(norm: str, lex: Lexicon) -> list[_Hit]:
    """Cues and markers left to right, non-overlapping; at each word the first pattern
    (in file order) that matches wins."""
    # A word is tested against all its candidates at once, in one regex call that also tells which one
    # matches first (see _PrefixIndex.test). lower() per word, not the whole text, as lower() can change a
    # text's length; except for ASCII text, where it cannot and where the longer prefixes apply (see Lexicon):
    # a pattern that matches is among the candidates of either index, so both find the same first one in file
    # order.
    if norm.isascii():
        heads, index = norm.lower(), lex._long_index
    else:
        heads, index = norm, lex._index
    size, known_test = index.size, index.tests.get
    hits: list[_Hit] = []
    free = 0
    if index.separators_to_space is None:
        starts = index.word_starts.finditer(heads)
    else:  # the space in front stands for the text's start; it shifts each word start onto the space before it
        starts = index.word_starts.finditer((" " + heads).encode("ascii").translate(index.separators_to_space))
    for w in starts:
        p = w.start()
        if p < free:
            continue
        head = heads[p:p + size]
        match, candidates = known_test(head) or index.test(head)
        if match is not None:
            m = match(norm, p)
            if m is None:
                continue
            i = candidates[0] if len(candidates) == 1 else candidates[m.lastindex - 1]
        else:
            for i in candidates:
                m = lex.patterns[i].match(norm, p)
                if m:
                    break
            else:
                continue
        hits.append(_Hit(p, m.end(), m.group(), lex.entries[i]))
        free = m.end()
    return hits


def _cues(norm: str, lex: Lexicon, only_speech: bool = False) -> list[tuple[str, str, float, str | None]]:
    """(cue text, class, effective weight, modifier) for every cue in a normalised text."""
    hits = _scan(norm, lex)
    cues = [h for h in hits if h.entry.kind == "cue"]
    if not cues:
        return []
    modifiers = [h for h in hits if h.entry.kind in ("negator", "admonition")]
    hedges = [h for h in hits if h.entry.kind == "hedge"]
    # Clauses and sentences are cut only when a modifier, a denial or a hedge asks: most cues have none.
    sentence_cuts = [m.start() for m in lex.sentence_re.finditer(norm)] if hedges else []
    hedged_sentences = {bisect.bisect_right(sentence_cuts, h.start): h for h in hedges}
    clause_cuts: list[int] | None = None

    def clause(pos: int) -> int:
        nonlocal clause_cuts
        if clause_cuts is None:
            clause_cuts = [m.start() for m in lex.clause_re.finditer(norm)]
        return bisect.bisect_right(clause_cuts, pos)

    def negation_of(c: _Hit) -> _Hit | None:
        # the nearest negator before the cue, in its clause, within the window
        for m in reversed(modifiers):
            if m.end > c.start:
                continue
            if clause(m.start) != clause(c.start):
                return None
            if len(_WORD.findall(norm[m.end:c.start])) > lex.negation_window:
                return None
            return m
        return None

    negations = {id(c): negation_of(c) for c in cues}
    denial_clauses: dict[int, _Hit] = {}
    for c in cues:
        n = negations[id(c)]
        if c.entry.denies and (n is None or n.entry.kind == "admonition"):
            denial_clauses.setdefault(clause(c.start), c)

    out = []
    for c in cues:
        if only_speech and not c.entry.speech:
            continue
        w = c.entry.weight
        label = c.text
        modifier = None
        n = negations[id(c)]
        if n is not None and n.entry.kind == "negator":
            w *= lex.negation_factor
            modifier = "negated"
            label = f"{n.text} ... {label}"
        d = denial_clauses.get(clause(c.start)) if denial_clauses else None
        if d is not None and d is not c and c.entry.weight > 0 and modifier is None:
            w *= lex.denied_factor
            modifier = "negated"
            label = f"{label} ... {d.text}" if d.start > c.start else f"{d.text} ... {label}"
        h = hedged_sentences.get(bisect.bisect_right(sentence_cuts, c.start)) if hedges else None
        if h is not None and (h.end <= c.start or h.start >= c.end):
            w *= lex.hedge_factor
            modifier = modifier or "hedge"
            label = f"{h.text} ... {label}" if h.start < c.start else f"{label} ... {h.text}"
        out.append((label, c.entry.cls, w, modifier))
    return out


def _context(text: str, quote: str) -> str:
    """The sentence around a quote with the quoted words taken out."""
    rest = text
    for fragment in quote.split(" … "):
        fragment = fragment.strip()
        if fragment:
            rest = rest.replace(fragment, " ", 1)
    return rest


def score_tension(text: str, quote: str | None = None, lexicon: Lexicon | None = None) -> tuple[float, list[dict]]:
    """Tension in [-1, 1] (higher = more hostile) and the cues that explain it.

    For a direct quote, the quoted words are scored and the speech verbs of the
    surrounding sentence (``text`` minus the quote) count ``context_factor`` of their
    weight; otherwise ``text`` is scored.
    """
    lex = lexicon or LEXICON
    text = text or ""
    key = (text, quote)
    scored = lex._scored.get(key)
    if scored is None:
        scored = _score(text, quote, lex)
        if len(lex._scored) >= _SCORED_MAX:  # bounded; the next statements refill what they need
            lex._scored.clear()
        lex._scored[key] = scored
    score, cues = scored
    return score, [{"cue": label, "class": cls, "weight": w, "modifier": modifier} for label, cls, w, modifier in cues]


# Scores by (text, quote), per lexicon: syndicated copies of a story repeat whole statements.
_SCORED_MAX = 32_768


def _score(text: str, quote: str | None, lex: Lexicon) -> tuple[float, tuple[tuple[str, str, float, str | None], ...]]:
    found: list[tuple[str, str, float, str | None]] = []
    if quote and quote.strip():
        found += _cues(_normalise(quote), lex)
        for label, cls, w, modifier in _cues(_normalise(_context(text, quote)), lex, only_speech=True):
            found.append((label, cls, w * lex.context_factor, "context" if modifier is None else modifier))
    else:
        found += _cues(_normalise(text), lex)
    if not found:  # most statements: what the lines below give for no cue
        return 0.0, ()
    total = sum(w for _, _, w, _ in found)
    cues = tuple((label, cls, round(w, 4) + 0.0, modifier) for label, cls, w, modifier in found)
    return round(math.tanh(total), 4), cues


def score_many(texts: list[str], quotes: list[str | None], lexicon: Lexicon | None = None) -> tuple[np.ndarray, list[str]]:
    """Tension and cues (as JSON strings) for many statements; repeated statements
    (syndicated copies) are scored once."""
    if len(texts) != len(quotes):
        raise ValueError(f"{len(texts)} texts but {len(quotes)} quotes")
    memo: dict[tuple[str, str | None], tuple[float, str]] = {}
    tensions = np.empty(len(texts), dtype="float64")
    cues_json: list[str] = []
    for i, (t, q) in enumerate(zip(texts, quotes)):
        t = t if isinstance(t, str) else ""
        q = q if isinstance(q, str) and q.strip() else None
        key = (t, q)
        hit = memo.get(key)
        if hit is None:
            score, cues = score_tension(t, q, lexicon)
            hit = memo[key] = (score, json.dumps(cues, ensure_ascii=False))
        tensions[i] = hit[0]
        cues_json.append(hit[1])
    return tensions, cues_json


def statement_direction(speaker_side: str | None, target_sides: list[str] | None) -> str | None:
    """'Armenia→Russia': the speaker's side to the first target side that is not the speaker's."""
    if not isinstance(speaker_side, str) or not speaker_side.strip():
        return None
    for side in list(target_sides) if target_sides is not None else []:
        if isinstance(side, str) and side.strip() and side != speaker_side:
            return f"{speaker_side}{ARROW}{side}"
    return None


def tension_label(tension: float | None, dead_zone: float | None = None) -> int:
    """-1, 0 or 1: the sign of ``tension`` with |tension| < dead zone read as 0 (NaN -> 0)."""
    dz = LEXICON.dead_zone if dead_zone is None else dead_zone
    if tension is None or (isinstance(tension, float) and math.isnan(tension)) or abs(tension) < dz:
        return 0
    return 1 if tension > 0 else -1


def cue_classes() -> dict[str, dict]:
    """Class -> {score, weight, basis, denies_threat}, for the method page."""
    return {k: dict(v) for k, v in LEXICON.classes.items()}
