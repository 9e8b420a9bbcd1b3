"""Who said it: classify each unit as quote / reported / narrative and attribute its speaker.

The attribution follows how newswriting names speakers, in order of reliability:

1. a speech verb with its subject in the same sentence, outside the quotation
   ("..., Pashinyan told reporters", "said Grigoryan", "Zakharova underlined: ...",
   "X conveyed that ..."), where the subject may be a name, a title + name, a role
   ("the Kremlin spokesman") or a pronoun;
2. a source phrase ("according to X", "in his opinion");
3. a quotation that continues the previous speaker's quotation (same or next paragraph);
4. a following "This was said by X".

Pronouns and generic roles are resolved inside the article: a pronoun refers to the
speaker of the nearest preceding statement, or else the first person named in it; a
role ("the prime minister") to the most recently mentioned actor holding it. When none of
this finds a speaker the speaker stays empty: never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import regexes
from .datafiles import read_toml
from .phrases import PhraseMatcher, PhraseMatchers
from .quotes import is_statement_quote
from .segment import Unit

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _data() -> dict:
    return read_toml(DATA / "speech.toml")


def _inflections(base: str) -> list[str]:
    forms = {base, base + "s"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ied", base[:-1] + "ies", base + "ing"}
    else:
        forms |= {base + "ed", base + "ing"}
        if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", base) and base not in ("answer", "question", "threaten", "comment", "mention", "post", "remark", "report"):
            forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
        if base.endswith(("sh", "ch", "ss", "x")):
            forms |= {base + "es"}
    return sorted(forms)


def speech_verb_forms() -> list[str]:
    """Every form of every speech verb and phrase in speech.toml ("said", "says", "pointed out", ...)."""
    d = _data()["verbs"]
    forms: set[str] = set(d["irregular"])
    for b in d["base"]:
        forms.update(_inflections(b))
    return sorted(forms | set(d["phrasal"]))


@lru_cache(maxsize=1)
def speech_verbs() -> PhraseMatcher:
    return PhraseMatcher(speech_verb_forms())


@lru_cache(maxsize=1)
def _need_complement() -> frozenset[str]:
    out = set()
    for b in _data()["verbs"]["need_complement"]:
        out.update(_inflections(b))
    return frozenset(out)


@lru_cache(maxsize=1)
def according_to_phrases() -> PhraseMatcher:
    # "per" alone is too often not a source ("per cent", "per day")
    return PhraseMatcher(p for p in _data()["according_to"]["phrases"] if p != "per")


@lru_cache(maxsize=1)
def pronoun_source_phrases() -> PhraseMatcher:
    return PhraseMatcher(_data()["according_to"]["pronoun_phrases"])


@lru_cache(maxsize=1)
def _unit_phrases() -> PhraseMatchers:
    """What attribution looks for in every unit, found in one pass over it."""
    return PhraseMatchers([speech_verbs(), according_to_phrases(), pronoun_source_phrases()])


# Literal words and groups of literal alternatives, "(?:this|that statement) was said by": nothing optional, so every
# match starts with a letter (a letter, even ignoring case, only matches a word character).
_WORDS_ALT = r"[^\W\d_][\w ]*"
_WORDS_GROUP = rf"\(\?:{_WORDS_ALT}(?:\|{_WORDS_ALT})*\)"
_LITERAL_WORDS_RE = regexes.compile(rf"(?:{_WORDS_GROUP}|[^\W\d_])(?:{_WORDS_GROUP}|[\w ])*")


@lru_cache(maxsize=1)
def passive_attribution_re() -> re.Pattern:
    patterns = _data()["passive"]["patterns"]
    alt = "|".join(patterns)
    # A unit opening with a blanked quotation starts with hundreds of spaces, and a plain \W* gives them back one by
    # one, retrying every pattern after each. When every pattern is literal words no match can start on a non-word
    # character, so no retry can succeed: the spaces are taken for good (\W*+).
    leading = r"\W*+" if all(_LITERAL_WORDS_RE.fullmatch(p) for p in patterns) else r"\W*"
    return regexes.compile(rf"^{leading}(?:{alt})\b", re.IGNORECASE)


_OBJECT_BEFORE_RE = regexes.compile(
    r"\b(?:by|with|to|of|from|for|about|against|near|between|among|on|at|toward|towards|into|than|like|and|or|met|meet|meets|meeting)\s+"
    r"(?:(?:the|then|former|then-\w+|[A-Z][\w-]*)[\s-]+){0,4}$")
_RELATIVE_RE = regexes.compile(r",\s*(?:which|who)\s+(?:(?:has|have|had|also|then|later|repeatedly|previously|again|\w+ly)\s+){0,3}$", re.IGNORECASE)
_BY_AFTER_RE = regexes.compile(r"\s+by\b")
_BY_RE = regexes.compile(r"\s+by\s+")
_SPACES_RE = regexes.compile(r"\s+")
_COMPLEMENT_RE = regexes.compile(r"\s*(?:that|whether|for|on|,|:|\s*$)")
_COLON_END_RE = regexes.compile(r":\s*$")
_PLACE_LEAD_RE = regexes.compile(r"[\s,;:\"“”'‘’(—–-]*(?:the\s+|The\s+)?")
_PLACE_GAP_RE = regexes.compile(r"[\s\w'’-]{0,30}")
_BROKEN_QUOTE_END_RE = regexes.compile(r"[,.!?…]\s*$")
_DESIGNATOR_END_RE = regexes.compile(r"\b(?:so-called|known as|dubbed)\s*$")
_INVERTED_GAP_RE = regexes.compile(r"[\s,]*(?:[A-Za-z.'’-]+\s+){0,6}")
_CLAUSE_END_RE = regexes.compile(r"[.;:]")
_PREPOSITION_RE = regexes.compile(r"\b(?:that|to|with|about|of|for|by|on|at)\b")
_BY_ALONE_RE = regexes.compile(r"\s*by\s*")
_OBJECT_PRONOUN_RE = regexes.compile(r"\s*(him|her|them)\b")
_SUBJ_PRONOUN_RE = regexes.compile(r"\b(he|she|they)\b", re.IGNORECASE)
_PASSIVE_AUX_RE = regexes.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_GENERIC_ROLE_RE = regexes.compile(
    r"\b(?:the|his|her|its)\s+((?:[A-Z][a-z]+(?:n|ian|ish|ese|i)?\s+)?(?:deputy\s+|vice\s+|former\s+)?"
    r"(?:prime\s+minister(?![\'’]s\b)|president(?![\'’]s\b)|foreign\s+minister|defen[cs]e\s+minister|minister|head\s+of\s+(?:government|state)|"
    r"spokes(?:man|woman|person)|press\s+secretary|secretary|leader|premier|ambassador|chancellor|speaker|envoy|diplomat|official|"
    r"(?:presidential\s+)?(?:aide|adviser|advisor)|representative|chief|ministry|government|office|council))\b(?![\'’]s\b)",
    re.IGNORECASE,
)


# The roles a role noun can stand for when matching the roles of people already named.
_ROLE_SYNONYMS = {"aide": ("aide", "assistant", "adviser", "advisor"), "premier": ("prime minister",),
                  "leader": ("president", "prime minister", "leader"), "head-of-state": ("president", "head of state"),
                  "spokesman": ("spokes", "press secretary"), "spokeswoman": ("spokes", "press secretary"),
                  "spokesperson": ("spokes", "press secretary")}


@lru_cache(maxsize=1)
def _base_forms() -> frozenset[str]:
    d = _data()["verbs"]
    return frozenset(b for b in d["base"]) | {"say", "tell", "write", "speak"}


@lru_cache(maxsize=1)
def _plural_nouns() -> frozenset[str]:
    """-s forms of speech verbs that are also plural nouns ("member states", "his remarks")."""
    return frozenset({"states", "claims", "comments", "posts", "answers", "remarks", "reports", "notes", "calls",
                      "demands", "promises", "pledges", "questions", "responses", "replies", "warnings", "statements",
                      "tweets", "signals", "proposals", "writes", "charges", "assessments"})


_NOUN_MODIFIER_RE = regexes.compile(
    r"(?:\b(?:the|these|those|its|their|his|her|our|your|my|member|other|new|many|numerous|several|some|any|no|all|both|"
    r"such|recent|latest|earlier|previous|official|public|media|press|two|three|four|five|six|seven|eight|nine|ten|"
    r"\d+|united|baltic|arab|gulf|nuclear|neighbou?ring|\w+ian|\w+ese|\w+ish)|['’]s)\s+$", re.IGNORECASE)


@dataclass
class Attribution:
    kind: str = "narrative"  # quote | reported | narrative
    quotes: list = field(default_factory=list)  # statement quotes (QuoteSpan)
    speaker: object | None = None  # analysis.actors.Actor
    evidence: str | None = None
    method: str | None = None
    verb_end: int | None = None  # where the speech verb ends: the reported content starts after it
    mentions: list = field(default_factory=list)  # every actor mention in the unit (absolute offsets)


def _mask(text: str, lo: int, hi: int, spans) -> str:
    """The unit's text with quotation contents blanked (offsets kept) so only the frame is searched."""
    unit = text[lo:hi]
    if not spans:
        return unit
    blanks = sorted((max(q.start - lo, 0), min(q.end - lo, hi - lo)) for q in spans)
    pieces = []
    done = 0  # unit[:done] is in pieces; quotations may overlap, so a span may start before it
    for a, b in blanks:
        a = max(a, done)
        if a >= b:
            continue
        pieces.append(unit[done:a])
        pieces.append("\n".join(" " * len(line) for line in unit[a:b].split("\n")))
        done = b
    pieces.append(unit[done:])
    return "".join(pieces)


def _search_tail(rx: re.Pattern, s: str, words: int) -> bool:
    """``rx.search(s)`` for a pattern anchored at the end of ``s`` whose matches span at most ``words`` white-space
    separated words: only those last words are searched (a search from the start costs a try at every position)."""
    parts = s.rsplit(None, words)
    return rx.search(s, len(parts[0]) if len(parts) > words else 0) is not None


class SpeakerResolver:
    """Attributes speakers over one article's units, in order, keeping the article's memory of who was named."""

    def __init__(self, text: str, index):
        self.text = text
        self.index = index
        self.history: list[tuple[int, object]] = []  # (offset, actor) of every person mentioned so far
        self.results: list[Attribution] = []
        self.units: list[Unit] = []
        self.masked: list[str] = []
        self.mentions: list[list] = []

    # -- helpers -----------------------------------------------------------------------------------
    def _is_person_like(self, m) -> bool:
        a = m.actor
        return a is not None and a.kind in ("person", "organisation")

    def _resolve_pronoun(self, upto_unit: int) -> object | None:
        for k in range(upto_unit - 1, max(upto_unit - 6, -1), -1):
            r = self.results[k]
            if r.speaker is not None and getattr(r.speaker, "kind", "") == "person":
                return r.speaker
            persons = [m for m in self.mentions[k] if m.actor is not None and m.actor.kind == "person" and not self._possessive(m)]
            u = self.units[k]
            subjects = [m for m in persons if not _OBJECT_BEFORE_RE.search(self.text[max(u.start, m.start - 40):m.start])]
            if subjects or persons:
                return (subjects or persons)[0].actor
        return None

    def _possessive(self, m) -> bool:
        tail = self.text[m.end:m.end + 2]
        return tail.startswith(("'s", "’s")) or tail in ("' ", "’ ")

    def _resolve_role(self, phrase: str, before: int) -> object | None:
        # First the people this article has already named whose role ends in the same noun
        # ("the presidential aide" after "Assistant to the President ... Hikmet Hajiyev").
        low = _SPACES_RE.sub(" ", phrase.lower())
        head = low.split(" ")[-1]
        if "head of government" in low:
            head = "premier"
        elif "head of state" in low:
            head = "head-of-state"
        keys = _ROLE_SYNONYMS.get(head, (head,))
        for off, actor in reversed(self.history):
            if off < before and actor.role and any(k in actor.role.lower() for k in keys):
                return actor
            if off < before and actor.kind == "organisation" and head in ("ministry", "government", "office", "council") and head in actor.name.lower():
                return actor  # "the ministry" after "the Russian Foreign Ministry"
        cands = self.index.role_candidates(phrase)
        if not cands:
            return None
        names = {c.name for c in cands}
        for off, actor in reversed(self.history):
            if off < before and actor.name in names:
                return actor
        return cands[0] if len(cands) == 1 else None

    def _subject_in(self, unit_i: int, lo: int, hi: int, prefer_last: bool = False):
        """The speaker named in masked text [lo, hi) (absolute offsets) of unit ``unit_i``."""
        u = self.units[unit_i]
        persons, orgs, places = [], [], []
        of_kind = {"person": persons, "organisation": orgs, "place": places}
        for m in self.mentions[unit_i]:
            if lo <= m.start and m.end <= hi and m.actor is not None:
                group = of_kind.get(m.actor.kind)
                if group is not None and not self._possessive(m):
                    group.append(m)
        seg = self.masked[unit_i][lo - u.start:hi - u.start]
        pron = _SUBJ_PRONOUN_RE.search(seg)
        pick = None
        if persons:
            if prefer_last:
                chosen = persons[-1]
            else:
                # the grammatical subject: the first person not introduced by a preposition
                # ("Since the visit by Speaker Nancy Pelosi, Pashinyan has begun to blame ...")
                subjects = [m for m in persons if not _OBJECT_BEFORE_RE.search(self.text[max(lo, m.start - 40):m.start])]
                chosen = subjects[0] if subjects else persons[0]
            pick = chosen.actor, "name"
        if pron and (pick is None or (lo + pron.start() < (persons[0].start if persons else hi))):
            if not persons or not prefer_last or lo + pron.start() > persons[-1].start:
                actor = self._resolve_pronoun(unit_i)
                if actor is not None:
                    pick = actor, "pronoun"
        role = _GENERIC_ROLE_RE.search(seg) if pick is None else None
        if role:
            actor = self._resolve_role(role.group(1), lo + role.start())
            if actor is not None:
                pick = actor, "role"
        if pick is None and orgs:
            pick = (orgs[-1] if prefer_last else orgs[0]).actor, "name"
        if pick is None and places:
            # A country or capital as the grammatical subject ("Russia said", "the Kremlin has warned") speaks for
            # its government; a place inside a noun phrase ("one diplomat in Yerevan told") does not.
            pl = places[0]
            lead = self.text[lo:pl.start]
            gap = self.text[pl.end:hi]
            if _PLACE_LEAD_RE.fullmatch(lead) and _PLACE_GAP_RE.fullmatch(gap) and "," not in gap:
                pick = pl.actor, "name"
        return pick

    # -- main --------------------------------------------------------------------------------------
    def attribute(self, units: list[Unit]) -> list[Attribution]:
        self.units = units
        text = self.text
        # Each unit read with the people the units before it named: resolves later surname-only mentions ("Grigoryan
        # said") and shared surnames.
        self.mentions = self.index.find_mentions_in_turn([text[u.start:u.end] for u in units])
        for u, found in zip(units, self.mentions):
            self.masked.append(_mask(text, u.start, u.end, u.quotes))
            # the mentions are in the unit's text: shift to absolute offsets
            for m in found:
                m.start += u.start
                m.end += u.start
        unit_phrases = _unit_phrases()
        base_forms, plural_nouns, need_complement = _base_forms(), _plural_nouns(), _need_complement()
        phrases_of_units = unit_phrases.find_each_of(self.masked)
        for i, u in enumerate(units):
            masked = self.masked[i]
            quotes = u.quotes
            # Mentions inside quotations are content, not the frame: drop them for speaker search.
            if quotes:
                frame_mentions = [m for m in self.mentions[i] if not any(q.start <= m.start < q.end for q in quotes)]
            else:
                frame_mentions = self.mentions[i]
            verb_found, acc_found, pro_src_found = phrases_of_units[i]
            verbs = []
            for m in verb_found:
                word = m.text.lower()
                if word in base_forms:
                    continue  # "demands that the CSTO condemn", "Please note": a bare base form does not report speech
                a, b = u.start + m.start(), u.start + m.end()
                before = masked[:m.start()]
                if word in plural_nouns and (m.text[0].isupper() and m.start() > 0 or _search_tail(_NOUN_MODIFIER_RE, before, 1)):
                    continue  # "member states", "these reports", "United States"
                if _search_tail(_PASSIVE_AUX_RE, before, 2) and not _BY_AFTER_RE.match(masked, m.end()):
                    continue  # "was conveyed", "is expected": no speaker here
                if (word in need_complement and not _COMPLEMENT_RE.match(masked[m.end():m.end() + 12])
                        and not any(q.start - 1 >= b and q.start - 1 - b < 6 for q in quotes)):
                    continue
                verbs.append((a, b, word))
            acc = [(u.start + m.start(), u.start + m.end()) for m in acc_found]
            pro_src = [(u.start + m.start(), u.start + m.end()) for m in pro_src_found]
            has_speech = bool(verbs or acc or pro_src or quotes and _COLON_END_RE.search(masked[:quotes[0].start - 1 - u.start]))
            # A quotation that is the whole sentence is somebody's words however short ("'Nobody came.'")
            standalone = bool(quotes) and not masked.strip(" \t\n.,;:!?—–-\"“”‘’'«»„")
            stmt_quotes = [q for q in quotes if is_statement_quote(text[q.start:q.end], text[u.start:q.start - 1], has_speech or standalone)]
            if stmt_quotes and has_speech:
                # the first half of a quotation broken by its attribution ('"Armenia," Pashinyan said, "will not ..."')
                stmt_quotes = [q for q in u.quotes if q in stmt_quotes
                               or (_BROKEN_QUOTE_END_RE.search(text, q.start, q.end) and not _DESIGNATOR_END_RE.search(text[max(u.start, q.start - 20):q.start - 1]))]
            res = Attribution(quotes=stmt_quotes, mentions=self.mentions[i])
            res.kind = "quote" if stmt_quotes else ("reported" if has_speech else "narrative")
            saved_mentions = self.mentions[i]
            self.mentions[i] = frame_mentions
            if res.kind != "narrative":
                self._attribute_one(i, u, res, verbs, acc, pro_src)
            self.mentions[i] = saved_mentions
            if res.kind == "reported" and res.speaker is None and not acc and not pro_src:
                res.kind = "narrative"  # a speech verb with no speaker is usually narrative ("was announced")
            self.results.append(res)
            for m in frame_mentions:
                if m.actor is not None and m.actor.kind in ("person", "organisation"):
                    self.history.append((m.start, m.actor))
            if res.speaker is not None:
                self.history.append((u.start, res.speaker))
        self._passive_pass()
        return self.results

    def _attribute_one(self, i: int, u: Unit, res: Attribution, verbs, acc, pro_src) -> None:
        text = self.text
        qs = res.quotes
        # 1. speech verbs, nearest to the quotation first (after it, then before it).
        order = verbs
        if qs:
            q0, qn = qs[0], qs[-1]
            after_q = [v for v in verbs if v[0] >= qn.end]
            before_q = [v for v in verbs if v[1] <= q0.start]
            between = [v for v in verbs if q0.end <= v[0] and v[1] <= qn.start]
            order = sorted(between, key=lambda v: v[0]) + sorted(after_q, key=lambda v: v[0]) + sorted(before_q, key=lambda v: -v[0])
        for a, b, word in order:
            # subject before the verb, within its clause: from the last clause boundary to the verb
            lo = u.start
            for q in u.quotes:
                if q.end <= a:
                    lo = max(lo, q.end + 1)
            seg_start = self.masked[i][lo - u.start:a - u.start]
            cut = max(seg_start.rfind(";"), seg_start.rfind(" that "), seg_start.rfind(" whether "))
            in_clause = None  # the subject found in the clause, which the search below would find again
            if cut >= 0 and cut + lo < a - 1:
                lo2 = lo + cut + 1
                in_clause = self._subject_in(i, lo2, a)
                if in_clause:
                    lo = lo2
            by = _BY_RE.match(text[b:b + 8])
            subj = None
            if by and _search_tail(_PASSIVE_AUX_RE, self.masked[i][:a - u.start], 2):
                # "..., which was criticized by Moscow": the speaker follows "by"
                after = [m for m in self.mentions[i] if b + by.end() <= m.start <= b + by.end() + 30 and m.actor is not None]
                if after:
                    subj = after[0].actor, "name"
            rel = _RELATIVE_RE.search(self.masked[i][:a - u.start])
            if subj is None and rel:
                # "Moscow, which has repeatedly criticized ...": the antecedent before the comma
                cut_at = u.start + rel.start()
                prior = [m for m in self.mentions[i] if m.end <= cut_at and m.actor is not None and not self._possessive(m)]
                if prior and cut_at - prior[-1].end <= 3:
                    subj = prior[-1].actor, "name"
            if subj is None:
                subj = in_clause or self._subject_in(i, lo, a)
            if subj is None:
                # inverted: "said Grigoryan", "said Russian President Vladimir Putin"
                hi = min(u.end, b + 60)
                nxt = [m for m in self.mentions[i] if b <= m.start < hi and m.actor is not None and m.actor.kind in ("person", "organisation")]
                if nxt and _INVERTED_GAP_RE.fullmatch(text[b:nxt[0].start] + " ") and not _CLAUSE_END_RE.search(text, b, nxt[0].start):
                    gap = text[b:nxt[0].start]
                    if not _PREPOSITION_RE.search(gap) or _BY_ALONE_RE.fullmatch(gap):
                        subj = nxt[0].actor, "name"
            if subj is not None:
                res.speaker, res.method = subj[0], ("verb" if subj[1] == "name" else subj[1])
                res.evidence = _evidence(text, u, lo, a, b)
                res.verb_end = b
                return
        # 2. "according to X", "in his opinion"
        for a, b in acc:
            m = _OBJECT_PRONOUN_RE.match(text[b:b + 8])
            nxt = [mm for mm in self.mentions[i] if b <= mm.start <= b + 60 and mm.actor is not None]
            if not m and nxt and nxt[0].actor.kind in ("person", "organisation"):
                res.speaker, res.method, res.evidence, res.verb_end = nxt[0].actor, "according_to", text[a:nxt[0].end], nxt[0].end
                return
            if m:
                actor = self._resolve_pronoun(i)
                if actor is not None:
                    res.speaker, res.method, res.evidence, res.verb_end = actor, "pronoun", text[a:b + m.end()], b + m.end()
                    return
        for a, b in pro_src:
            actor = self._resolve_pronoun(i)
            if actor is not None:
                res.speaker, res.method, res.evidence, res.verb_end = actor, "pronoun", text[a:b], b
                return
        # 3. A colon introducing the quotation after a name: "Zakharova: “...”"
        if qs:
            pre = self.masked[i][: qs[0].start - 1 - u.start]
            if _COLON_END_RE.search(pre):
                subj = self._subject_in(i, u.start, qs[0].start - 1, prefer_last=True)
                if subj is not None:
                    res.speaker, res.method, res.evidence = subj[0], "colon", pre.strip()[-80:]
                    return
        # 4. Continuation of the previous speaker's quotation.
        if qs and i > 0:
            prev = self.results[i - 1]
            frame = self.masked[i].strip(" \t\n.,;:—–-\"“”‘’'«»")
            starts_with_quote = qs[0].start - 1 - u.start <= 1
            same_or_next_para = u.block - self.units[i - 1].block <= 1
            if prev.speaker is not None and prev.kind == "quote" and starts_with_quote and same_or_next_para and (len(frame) < 3 or u.continues_quote):
                res.speaker, res.method, res.evidence = prev.speaker, "continuation", prev.evidence
                return

    def _passive_pass(self) -> None:
        """'This was said by X' gives X the quotation just before it; a paragraph-spanning quotation
        attributed only in its last paragraph gets that speaker for its first paragraphs too."""
        for i in range(len(self.units) - 2, -1, -1):
            cur, nxt = self.results[i], self.results[i + 1]
            if (cur.kind == "quote" and cur.speaker is None and self.units[i + 1].continues_quote
                    and nxt.kind == "quote" and nxt.speaker is not None and cur.quotes and not cur.quotes[-1].closed):
                cur.speaker, cur.method, cur.evidence = nxt.speaker, "continuation", nxt.evidence
        rx = passive_attribution_re()
        for i in range(1, len(self.units)):
            u = self.units[i]
            m = rx.match(self.masked[i])  # the pattern is anchored at the start: search would try every position
            if not m:
                continue
            prev = self.results[i - 1]
            b = u.start + m.end()
            nxt = [mm for mm in self.mentions[i] if b <= mm.start <= b + 80 and mm.actor is not None and mm.actor.kind == "person"]
            if not nxt:
                continue
            actor = nxt[0].actor
            res = self.results[i]
            res.kind, res.speaker, res.method, res.evidence = "reported", actor, "verb", self.text[u.start:nxt[0].end].strip()
            if prev.kind == "quote" and prev.speaker is None:
                prev.speaker, prev.method, prev.evidence = actor, "passive", self.text[u.start:nxt[0].end].strip()


def _evidence(text: str, u: Unit, lo: int, a: int, b: int) -> str:
    start = max(lo, a - 100)
    return _SPACES_RE.sub(" ", text[start:b]).strip(" ,\"“”")


def attribute_speakers(text: str, units: list[Unit], index) -> list[Attribution]:
    """Kind, statement quotes and speaker of every unit of one article, in order."""
    return SpeakerResolver(text, index).attribute(units)
