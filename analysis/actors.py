"""Who and what a text names: the people, bodies and places of the Armenia–Russia story.

``ActorIndex.find_mentions(text)`` returns the mentions of actors in a text, in order and
without overlaps, each with how it was found:

* ``name``: a person of ``data/actors.toml`` by full name, alias or unique surname
  ("Pashinian", "Mr. Peskov", "Pashinyan's"), possibly with the title written before it
  ("Kremlin spokesman Dmitry Peskov"); the span then covers title and name;
* ``role``: a role phrase ("the Armenian prime minister", "press secretary of the Belarusian
  head of state"). The actor is set when the phrase is qualified (by a side, a body, a person)
  and names exactly one person of the file; a bare generic role ("the head of government",
  "the spokesman") is returned with ``actor=None`` for the caller to resolve inside the article
  with ``role_candidates``;
* ``title_name``: a person not in the file, found from a title and a name
  ("Kazakh Foreign Minister Murat Nurtleu", "Jane Roe, the press secretary of the Kazakh
  president,"); the actor is new, with the role and side the title states;
* ``place``: a country, capital, demonym or organisation marking a side ("Yerevan", "Azeri",
  "the CSTO", "Russian Foreign Ministry").

How it works: one regex, compiled from a character trie of the known surfaces (names, places,
bodies, role phrasings, titles), finds the tokens in one C-level pass (the first words of big
families of surfaces, "Republic", "Foreign", stand in for them there, each family getting its own
pattern on first use); a few linear passes over that short token list then compose qualifiers with
roles ("Armenia's" + "Security Council" + "Secretary"), roles with the names that follow them, and
appositions ("X, the Y of Z").
Everything the matcher knows is data (``data/actors.toml``); the code only knows grammar.
"""
from __future__ import annotations

import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Iterable, Sequence

from . import regexes
from .datafiles import loads_toml
from .phrases import SEPARATOR, trie_pattern

DATA_FILE = Path(__file__).parent / "data" / "actors.toml"

__all__ = ["Actor", "Mention", "Office", "ActorIndex", "DATA_FILE"]


@dataclass(frozen=True)
class Actor:
    name: str
    side: str | None
    role: str | None
    kind: str  # person | organisation | place


@dataclass(slots=True)  # a few dozen are made for every article
class Mention:
    start: int
    end: int
    surface: str
    actor: Actor | None
    how: str  # name | role | title_name | place

    @property
    def side(self) -> str | None:
        return self.actor.side if self.actor is not None else None


@dataclass(frozen=True)
class Office:
    """One role a person held, with when and for whom."""

    actor: Actor
    role: str  # normalised role key
    side: str | None
    of: frozenset[str]
    since: date | None
    until: date | None
    plural: bool  # many people hold it at once ("deputy foreign minister"): a role phrase never names one

    def active(self, when: date) -> bool:
        return (self.since is None or self.since <= when) and (self.until is None or when < self.until)


# --- text primitives --------------------------------------------------------------------------

_SP = r"[^\S\n]+"  # spaces inside a phrase: never across a line break
_APOS = "'’"
_SMALL_WORDS = frozenset("of the for and to in on at a an de von der van la le du da al el bin ibn".split())
_PREPOSITIONS = frozenset("of for to in on at with".split())

_WORD = regexes.compile(r"\w+")
# First words starting at most this many surfaces are scanned with them; the rest (a few dozen words, "Republic",
# "Foreign", "ministry", which start most of the surfaces) get a pattern of their own. Measured: 8 keeps the scan
# as fast as one regex of every surface at a fifth of its size.
_SCANNED_WHOLE = 8

_NAME_TOKEN = r"(?:[A-ZÀ-ÖØ-Þ\u0100-\u024F\u0400-\u042F][\w'’]*(?:-[\w'’]+)*|[A-Z]\.)"
_FIRST_NAME_BEFORE = regexes.compile(rf"({_NAME_TOKEN}){_SP}\Z")
_FIRST_NAME_GAP = regexes.compile(rf"{_NAME_TOKEN}{_SP}")
_NON_SPACE = regexes.compile(r"\S+")
_POSSESSIVE_END = regexes.compile(r"['’]s?$")
_CAPITAL_NEXT = regexes.compile(rf"{_SP}[A-Z]")
# Every character that may come before a surface, and more: the ASCII ones outside [\w'#@] and all others (the scan's
# lookbehind then rejects a word character or "’" among them).
_MAY_PRECEDE = r"[\x00-\x22\x24-\x26\x28-\x2f\x3a-\x3f\x5b-\x5e\x60\x7b-\U0010ffff]"


def _fold(s: str) -> str:
    """ASCII spelling of a name ("Erdoğan" -> "Erdogan"), so both forms match."""
    if s.isascii():  # already ASCII: NFKD keeps every ASCII character, none combines (most names; loading folds ~9,000)
        return s
    out = unicodedata.normalize("NFKD", s)
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d")


def _norm_surface(s: str) -> str:
    return " ".join(s.replace("’", "'").replace("‐", "-").replace("‑", "-").split())


# Loading the index normalises 19,000 surfaces, 4,500 distinct ones (a name is added, remembered, folded...).
_norm_loading = lru_cache(maxsize=16384)(_norm_surface)


def _char_rx(ch: str) -> str:
    if ch == " ":
        return _SP
    if ch == "'":
        return "['’]"
    if ch == "-":
        return "[-‐‑]"
    return re.escape(ch)


def _parse_date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if hasattr(v, "to_pydatetime"):  # pandas.Timestamp
        return v.to_pydatetime().date()
    parts = [int(p) for p in str(v)[:10].split("-")]
    while len(parts) < 3:
        parts.append(1)
    return date(*parts)


# --- internal token/unit of the composition passes ---------------------------------------------


@dataclass
class _Entry:
    kind: str  # name | role | place | hon | block
    actors: tuple = ()  # name: candidate people; place: (the place/organisation actor,)
    body: str | None = None  # place entries that are national bodies: "foreign ministry"
    query: str | None = None  # role: normalised phrasing
    standalone: bool = False  # role: a mention even without qualifier or name
    relational: bool = False  # role: takes a place after "to"/"in"
    fixed: Actor | None = None  # role: an explicit role phrase of one person
    inner_side: str | None = None  # role: side named inside the phrasing ("EU foreign policy chief")
    surname: bool = False  # name: a surname alone, which another person may share with a different first name


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    entry: _Entry
    kind: str  # name | role | place | hon | person
    # role units: lists; the other units have empty tuples (only a role's are ever changed)
    quals: list | tuple = field(default_factory=list)  # role: [(how, actor, body)], how = prefix | suffix | person
    mods: list | tuple = field(default_factory=list)  # role: modifier words ("former", "opposition")
    parts: list | tuple = field(default_factory=list)  # role: place units it consumed (given back if it names nobody)
    actor: Actor | None = None  # person units
    how: str | None = None  # person units: name | title_name
    dead: bool = False
    role_start: int = 0  # role units: where the role words themselves are
    role_end: int = 0


_UNSEEN = object()
_PRIORITY = {"block": 0, "fixed": 1, "name": 2, "org": 3, "place": 4, "body": 5, "role": 6, "title": 7, "hon": 8}


class ActorIndex:
    """All actors of the data file, and the matcher over them."""

    def __init__(self, data: dict):
        self._load(data)
        self._start()

    def _load(self, data: dict) -> None:
        """Everything the index knows from the data file: what ``from_file`` keeps between processes."""
        words = data.get("words", {})
        self._modifiers = list(words.get("modifiers", []))  # compiled by _start, in each process
        self._variants: dict[str, str] = {}
        self._variant_forms: dict[str, list[str]] = {}
        for group in words.get("variants", []):
            for w in group:
                self._variants[w.lower()] = group[0].lower()
                self._variant_forms[w.lower()] = list(group)
        self._rank = frozenset(self._norm_word(w) for w in words.get("rank_words", []))
        self._not_name = frozenset(words.get("not_name_words", []))
        self._particles = frozenset(words.get("name_particles", []))
        self._silent = frozenset(w.lower() for w in words.get("silent_modifiers", []))
        self._relational = frozenset(self._norm_role(w) for w in words.get("relational", []))
        self.sides: list[str] = []
        self.actors: list[Actor] = []
        self.offices: list[Office] = []
        self._surfaces: dict[str, tuple[int, _Entry]] = {}
        self._lookup: dict[str, list[Actor]] = {}  # casefolded name/alias/surname/place -> actors
        self._side_words: dict[str, str | None] = {}  # casefolded place/org surface -> side
        self._roles: dict[str, dict] = {}
        self._by_query: dict[str, list[Office]] = {}

        self._load_roles(data.get("roles", {}))
        self._load_sides(data.get("side", []), data.get("body", []))
        self._load_organisations(data.get("organisation", []))
        self._load_people(data.get("person", []))
        self._load_role_surfaces(data.get("titles", {}).get("bound", []))
        for h in words.get("honorifics", []):
            self._add(h, "hon", _Entry("hon"))
        for b in words.get("blockers", []):
            self._add(b, "block", _Entry("block"))
        self._mark_inner_sides()
        self._index_offices()
        self._known_people = frozenset(a for a in self.actors if a.kind == "person")

    def _start(self) -> None:
        """What each process makes for itself on top of the loaded state: empty caches, the compiled patterns."""
        self._token_entries: dict[str, _Entry | None] = {}
        self._context_seen: tuple | None = None  # the last context tuple and what _unknown_people found in it
        self._context_facts: tuple = (set(), [])
        # The last list of unknown people _surname_references was given (such lists are never changed once made; the
        # sentences of an article share one until it grows) and their surnames.
        self._surnames_seen: tuple = (None, {})
        self._role_candidates_seen: dict[tuple, tuple[Actor, ...]] = {}
        self._compile()

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_file(cls, path: Path | str) -> "ActorIndex":
        """The index of a data file. Loading it costs a process ~20 ms (19,000 surfaces normalised, merged, indexed);
        the loaded state is kept between processes under the file's text and the source of the code that loads it
        (an edited file or loader loads afresh), so a later process only unpickles it (~5 ms) and compiles."""
        text = Path(path).read_bytes().decode()  # as read_toml reads it
        if regexes.cache_file() is None:
            return cls(loads_toml(text))

        def loaded_state() -> bytes:
            index = cls.__new__(cls)
            index._load(loads_toml(text))
            return pickle.dumps(vars(index), pickle.HIGHEST_PROTOCOL)

        # Pickle (memo keeps marshal's types only): unpickling can run code, but the cache file already holds the
        # regex code this process runs, so it is trusted as the package's own files are.
        state = regexes.memo(f"actor_index {cls.__module__}.{cls.__qualname__}", [text], loaded_state,
                             code=[__name__, cls.__module__, "analysis.phrases", "analysis.datafiles"])
        index = cls.__new__(cls)
        try:
            index.__dict__.update(pickle.loads(state))
        except Exception:  # noqa: BLE001 - a damaged entry: loaded as without the cache
            return cls(loads_toml(text))
        index._start()
        return index

    @classmethod
    def default(cls) -> "ActorIndex":
        return _default_index()

    def _norm_word(self, w: str) -> str:
        w = w.lower()
        return self._variants.get(w, w)

    def _norm_role(self, s: str) -> str:
        s = _norm_loading(s).lower().replace("-", " ")
        toks = [self._norm_word(t) for t in s.split()]
        while toks and toks[0] in ("the", "a", "an"):
            toks = toks[1:]
        return " ".join(toks)

    def _add(self, surface: str, prio_kind: str, entry: _Entry) -> None:
        folded = _fold(surface)  # the string itself when it is ASCII (most surfaces): one form to add
        forms = (_norm_loading(surface),) if folded is surface else {_norm_loading(surface), _norm_loading(folded)}
        for s in forms:
            if not s:
                continue
            prio = _PRIORITY[prio_kind]
            old = self._surfaces.get(s)
            if old is None or prio < old[0]:
                self._surfaces[s] = (prio, entry)
            elif prio == old[0]:
                self._surfaces[s] = (prio, self._merge(s, old[1], entry))

    @staticmethod
    def _merge(surface: str, a: _Entry, b: _Entry) -> _Entry:
        if a.kind == "name":
            return _Entry("name", tuple(dict.fromkeys(a.actors + b.actors)), surname=a.surname and b.surname)
        if a.kind == "role" and a.fixed is None:
            return _Entry("role", query=a.query, standalone=a.standalone or b.standalone,
                          relational=a.relational or b.relational)
        if a.kind == "role" and a.fixed != b.fixed:
            raise ValueError(f"role phrase {surface!r} names both {a.fixed.name} and {b.fixed.name}")
        if a.kind == "place" and a.actors != b.actors:
            raise ValueError(f"{surface!r} names both {a.actors[0].name} and {b.actors[0].name}")
        return a

    def _remember(self, surface: str, actor: Actor) -> None:
        folded = _fold(surface)
        for s in (surface,) if folded is surface else {surface, folded}:
            lst = self._lookup.setdefault(_norm_loading(s).casefold(), [])
            if actor not in lst:
                lst.append(actor)

    def _case_forms(self, phrase: str) -> set[str]:
        """A role phrase as texts write it: as given, Title Cased, Sentence cased; with word variants."""
        out: set[str] = set()
        words = phrase.split(" ")
        options = []
        for w in words:
            forms = self._variant_forms.get(w.lower())
            if forms and w.islower():
                options.append(forms)
            else:
                options.append([w])
        for combo in product(*options):
            base = " ".join(combo)
            out.add(base)
            titled = []
            for i, w in enumerate(combo):
                parts = w.split("-")
                parts = [p if (p.lower() in _SMALL_WORDS and (i or k)) or not p.islower() else p[:1].upper() + p[1:]
                         for k, p in enumerate(parts)]
                titled.append("-".join(parts))
            out.add(" ".join(titled))
            if combo[0].islower():
                out.add(combo[0][:1].upper() + base[1:])
        return out

    def _load_roles(self, roles: dict) -> None:
        for key, spec in roles.items():
            nk = self._norm_role(key)
            bound = list(spec.get("bound", []))
            self._roles[nk] = {
                "phrasings": ([] if key in bound else [key]) + list(spec.get("phrasings", [])),
                "bound": bound,
                "plural": bool(spec.get("plural", False)),
            }

    def _load_sides(self, sides: list, bodies: list) -> None:
        for s in sides:
            name = s["name"]
            self.sides.append(name)
            actor = Actor(name, name, None, s.get("kind", "place"))
            self.actors.append(actor)
            for w in s.get("adjectives", []) + s.get("names", []) + s.get("places", []):
                self._add(w, "place", _Entry("place", (actor,)))
                self._remember(w, actor)
                self._side_words[_norm_loading(w).casefold()] = name
            if not s.get("bodies"):
                continue
            adjs = s.get("adjectives", [])
            names = s.get("names", [])
            for b in bodies:
                body_actor = Actor(f"{adjs[0]} {b['name']}", name, None, "organisation")
                self.actors.append(body_actor)
                entry = _Entry("place", (body_actor,), body=self._norm_role(b["name"]))
                for p in b["phrasings"]:
                    for form in {p, p.lower(), " ".join(w[:1].upper() + w[1:] if w not in _SMALL_WORDS else w
                                                       for w in p.split())}:
                        surfaces = [f"{a} {form}" for a in adjs]
                        surfaces += [f"{n}'s {form}" for n in names]
                        surfaces += [f"{form} of {n}" for n in names]
                        surfaces += [f"{form} of the {n}" for n in names if " " in n]
                        for sf in surfaces:
                            self._add(sf, "body", entry)
                            self._remember(sf, body_actor)
                            self._side_words[_norm_loading(sf).casefold()] = name

    def _load_organisations(self, orgs: list) -> None:
        for o in orgs:
            actor = Actor(o["name"], o.get("side"), None, "organisation")
            self.actors.append(actor)
            for w in [o["name"]] + o.get("aliases", []):
                self._add(w, "org", _Entry("place", (actor,)))
                self._remember(w, actor)
                self._side_words[_norm_loading(w).casefold()] = actor.side

    @staticmethod
    def _surname(full: str, particles: frozenset[str]) -> str | None:
        toks = full.split()
        if len(toks) < 2:
            return None
        for i, t in enumerate(toks[1:], 1):
            if t in particles:
                return " ".join(toks[i:])
        return toks[-1]

    def _load_people(self, people: list) -> None:
        surnames: dict[str, list[Actor]] = {}
        self._initials: dict[Actor, set[str]] = {}
        for p in people:
            actor = Actor(p["name"], p.get("side"), p.get("role"), "person")
            self.actors.append(actor)
            since, until = _parse_date(p.get("since")), _parse_date(p.get("until"))
            of = frozenset(p.get("of", []))
            specs = [(p.get("role"), p.get("side"), of, since, until)]
            for extra in p.get("also", []):
                specs.append((extra["role"], extra.get("side", p.get("side")), frozenset(extra.get("of", [])) or of,
                              _parse_date(extra.get("since")), _parse_date(extra.get("until"))))
            if p.get("leader"):
                specs.append(("leader", p.get("side"), of, since, until))
            for role, side, off_of, s, u in specs:
                if not role:
                    continue
                key = self._norm_role(role)
                spec = self._roles.get(key)
                self.offices.append(Office(actor, key, side, off_of, s, u, bool(spec and spec["plural"])))
                if spec is None:  # a role the roles table does not list is matched by its own wording
                    self._roles[key] = {"phrasings": [role], "bound": [], "plural": False}
            names = [p["name"]] + list(p.get("aliases", []))
            self._initials[actor] = {_fold(n)[0].upper() for n in names if len(n.split()) > 1}
            for n in names:
                self._add(n, "name", _Entry("name", (actor,)))
                self._remember(n, actor)
            if p.get("surname_alone", True):
                for n in names:
                    sur = self._surname(n, self._particles)
                    if sur and sur not in self._not_name:
                        for form in {sur, _fold(sur)}:
                            lst = surnames.setdefault(form, [])
                            if actor not in lst:
                                lst.append(actor)
            for phrase in p.get("role_phrases", []):
                entry = _Entry("role", query=self._norm_role(phrase), standalone=True, fixed=actor)
                for form in self._case_forms(phrase):
                    self._add(form, "fixed", entry)
        for sur, actors in surnames.items():
            if _norm_surface(sur) in self._surfaces and self._surfaces[_norm_surface(sur)][1].kind != "name":
                continue
            self._add(sur, "name", _Entry("name", tuple(actors), surname=True))
            for a in actors:
                self._remember(sur, a)

    def _load_role_surfaces(self, titles: list) -> None:
        for key, spec in self._roles.items():
            for phr, standalone in [(x, True) for x in spec["phrasings"]] + [(x, False) for x in spec["bound"]]:
                q = self._norm_role(phr)
                entry = _Entry("role", query=q, standalone=standalone, relational=q.split()[-1] in self._relational
                               or q in self._relational)
                for form in self._case_forms(phr):
                    self._add(form, "role", entry)
        for t in titles:
            q = self._norm_role(t)
            entry = _Entry("role", query=q, standalone=False, relational=q in self._relational)
            for form in self._case_forms(t):
                self._add(form, "title", entry)

    def _mark_inner_sides(self) -> None:
        """Role phrasings that name their side themselves ("EU foreign policy chief", "Duma speaker")."""
        for surface, (prio, entry) in self._surfaces.items():
            if entry.kind != "role" or entry.fixed is not None:
                continue
            words = surface.split(" ")
            for cut, w in enumerate(words):
                if w.lower() in ("to", "in"):
                    words = words[:cut]
                    break
            for i in range(len(words)):
                for j in range(len(words), i, -1):
                    sub = self._surfaces.get(" ".join(words[i:j]))
                    if sub and sub[1].kind == "place" and sub[1].actors[0].side:
                        entry.inner_side = sub[1].actors[0].side
                        break
                if entry.inner_side:
                    break

    def _index_offices(self) -> None:
        """Map every role phrasing, and every tail of it without a rank word, to the offices it names."""
        by_query: dict[str, list[Office]] = {}
        for office in self.offices:
            spec = self._roles[office.role]
            for phr in [office.role] + spec["phrasings"] + spec["bound"]:
                toks = self._norm_role(phr).split()
                keys = [" ".join(toks)]
                if not _PREPOSITIONS.intersection(toks):
                    ranked = False
                    for i in range(1, len(toks)):
                        dropped = toks[i - 1]
                        if dropped.endswith("'s"):  # "prime minister's press secretary": a new head starts
                            ranked = False
                        elif dropped in self._rank:
                            ranked = True
                        if not ranked:
                            keys.append(" ".join(toks[i:]))
                for k in keys:
                    lst = by_query.setdefault(k, [])
                    if office not in lst:
                        lst.append(office)
        self._by_query = by_query

    def _compile(self) -> None:
        # The scan finds what one prefix-tree regex of every surface would, (?<![\w'’#@])(?:TREE)(?!\w), but
        # that regex is ~80,000 characters and compiling it cost every process a fifth of a second. A surface can
        # only match where the text's word run equals the surface's first word (it is followed by a non-word
        # character, or by (?!\w)), so surfaces are grouped by first word: the small groups go whole into the
        # scan pattern, a big group only by its first word, which then selects the group's own pattern (compiled
        # on first use; most never occur in a given text stream).
        groups: dict[str, list[str]] = {}
        in_scan: list[str] = []
        for s in self._surfaces:
            first = _WORD.match(s)
            if first is None:  # starts with punctuation: no word run to group by, always scanned whole
                in_scan.append(s)
            else:
                groups.setdefault(first.group(), []).append(s)
        big = {w: ss for w, ss in groups.items() if len(ss) > _SCANNED_WHOLE}
        for w, ss in groups.items():
            if w in big:
                in_scan.append(w)
            else:
                in_scan.extend(ss)
        # The pattern takes the character before the surface too (a leading space stands for the string's start):
        # starting with a class, it lets the engine skip to the next character that class admits with a table
        # look-up, where a leading lookbehind cost a full match attempt at every position.
        self._scan_rx = regexes.compile(rf"{_MAY_PRECEDE}(?<![\w'’#@])({trie_pattern(in_scan, _char_rx)})(?!\w)")
        self._separator_in_surfaces = any(SEPARATOR in s for s in self._surfaces)
        self._big_first_words = frozenset(big)
        self._group_match = _GroupPatterns(big)
        mods = sorted(set(self._modifiers), key=lambda m: (-len(m), m))  # one order in every process
        mod_alt = "|".join(re.escape(m).replace(r"\ ", _SP) for m in mods)
        self._mod_words = regexes.compile(rf"(?i:{mod_alt})")
        # Between a qualifier and its role: "Armenia's former ", "Armenian opposition ".
        self._qual_gap = regexes.compile(rf"(?:['’]s?)?{_SP}((?:(?i:{mod_alt})(?:-|{_SP}))*)")
        # Modifiers before a role or its qualifier: "former ", "then-".
        self._mods_before = regexes.compile(rf"(?<![\w'’-])(?:(?i:{mod_alt})(?:-|{_SP}))+\Z")
        # After a role, before the qualifier it is "of": " of the ", " for ", " to ".
        self._of_gap = regexes.compile(rf"{_SP}((?i:of|for|to|in|at)){_SP}(?:(?i:the){_SP})?")
        # Between a title and the name it introduces: " ", ", ", " (PM) ".
        self._name_sep = regexes.compile(rf"(?:{_SP}\([^()\n]{{1,15}}\))?,?{_SP}")
        self._hon_sep = regexes.compile(rf"\.?{_SP}")
        # Between a name and the role in apposition to it: ", the ", ", a ", ", ".
        self._appos_gap = regexes.compile(rf",{_SP}(?:(?i:the|a|an){_SP})?\Z")
        particles = "|".join(sorted(self._particles, key=lambda p: (-len(p), p)))
        name = rf"{_NAME_TOKEN}(?:{_SP}(?:(?:{particles}){_SP})*{_NAME_TOKEN}){{0,3}}"
        self._name_rx = regexes.compile(name)
        self._name_end_rx = regexes.compile(rf"(?<![\w'’-])(?:{name})\Z")

    # ------------------------------------------------------------------ public look-ups

    def lookup(self, name: str) -> Actor | None:
        """The actor a name, alias, unique surname or place word stands for; None if unknown or ambiguous."""
        s = _norm_surface(name)
        s = re.sub(r"^(?:Mr|Mrs|Ms|Dr)\.?\s+", "", s, flags=re.IGNORECASE)
        s = re.sub(r"['’]s?$", "", s)
        found = self._lookup.get(s.casefold())
        if not found:
            return None
        return found[0] if len(found) == 1 else None

    def name_candidates(self, name: str) -> list[Actor]:
        """Every actor a name could be (a shared surname gives several)."""
        s = re.sub(r"^(?:Mr|Mrs|Ms|Dr)\.?\s+", "", _norm_surface(name), flags=re.IGNORECASE)
        s = re.sub(r"['’]s?$", "", s)
        return list(self._lookup.get(s.casefold(), []))

    def side_of_place(self, word: str) -> str | None:
        s = _norm_surface(word)
        s = re.sub(r"^the\s+", "", s, flags=re.IGNORECASE)
        s = re.sub(r"['’]s?$", "", s)
        return self._side_words.get(s.casefold())

    def role_candidates(self, phrase: str, when=None) -> list[Actor]:
        """Everyone the role phrase can refer to ("the prime minister", "the Russian leader").

        With ``when`` (a date, Timestamp or "YYYY-MM[-DD]") only those holding the role then.
        The caller picks among them, e.g. the one its article mentioned last.
        """
        on = _parse_date(when)
        # Articles ask for the same few roles ("the prime minister") again and again: remembered.
        key = (phrase, on)
        found = self._role_candidates_seen.get(key)
        if found is None:
            if len(self._role_candidates_seen) >= 10_000:  # phrasings can vary without end: stay bounded
                self._role_candidates_seen.clear()
            found = self._role_candidates_seen[key] = tuple(self._role_candidates(phrase, on))
        return list(found)

    def _role_candidates(self, phrase: str, on: date | None) -> list[Actor]:
        text = re.sub(r"^\s*(?:the|a|an|his|her|its|their)\s+", "", phrase, flags=re.IGNORECASE)
        units = self._compose(text)
        for u in units:
            if u.kind != "role" or u.dead:
                continue
            if u.entry.fixed is not None and not u.quals:
                return [u.entry.fixed]
            return self._actors(self._offices_for(u, on, for_mention=False))
        offices = self._by_query.get(self._norm_role(text), [])
        return self._actors([o for o in offices if on is None or o.active(on)])

    def offices_of(self, actor: Actor) -> list[Office]:
        return [o for o in self.offices if o.actor == actor]

    def people(self) -> list[Actor]:
        return [a for a in self.actors if a.kind == "person"]

    # ------------------------------------------------------------------ matching

    def find_mentions(self, text: str, context: Sequence[Actor] = ()) -> list[Mention]:
        """Actors mentioned in ``text``, in order, without overlaps.

        ``context``: people the surrounding article already mentioned (most recent last); they
        resolve a shared surname and let an unknown person found earlier be named by surname.
        """
        return self._mentions(text, self._scan(text), context)

    def find_mentions_in_turn(self, texts: Sequence[str]) -> list[list[Mention]]:
        """``find_mentions`` of each text, each with the people named in the texts before it as ``context`` (most
        recent last): the sentences of an article, in order. One scan goes over all the texts."""
        out = []
        context: tuple = ()
        in_context: set = set()
        for text, found in zip(texts, self._scan_each(texts)):
            mentions = self._mentions(text, found, context)
            for m in mentions:
                a = m.actor
                if a is not None and a.kind == "person" and a not in in_context:
                    context += (a,)
                    in_context.add(a)
            out.append(mentions)
        return out

    def _mentions(self, text: str, found: list[tuple[int, int, _Entry]], context: Sequence[Actor]) -> list[Mention]:
        """The mentions of ``text``, from its scanned surfaces."""
        # Most sentences name people and places without any role or honorific: nothing to compose, no units needed.
        for _, _, e in found:
            if e.kind == "role" or e.kind == "hon":
                return self._emit(text, self._compose_units(text, self._units(found)), context)
        out: list[Mention] = []
        seen: list[Actor] = list(context)
        for start, end, e in found:
            if e.kind == "place":
                out.append(Mention(start, end, text[start:end], e.actors[0], "place"))
            else:
                self._emit_name(text, start, end, e, out, seen)
        return self._with_surname_references(text, out, context, seen)

    def person_mentions(self, text: str, context: Sequence[Actor] = ()) -> list[Mention]:
        return [m for m in self.find_mentions(text, context) if m.how in ("name", "role", "title_name")]

    # -- composition passes

    def _tokens(self, text: str) -> list[_Unit]:
        return self._units(self._scan(text))

    @staticmethod
    def _units(found: list[tuple[int, int, _Entry]]) -> list[_Unit]:
        out = []
        for start, end, e in found:
            if e.kind == "role":
                out.append(_Unit(start, end, e, "role", [], [], [], None, None, False, start, end))
            else:  # only a role gathers qualifiers, modifiers and parts: the others share empty ones
                out.append(_Unit(start, end, e, e.kind, (), (), (), None, None, False, start, end))
        return out

    def _scan(self, text: str) -> list[tuple[int, int, _Entry]]:
        """(start, end, entry) of every surface of the text, in order."""
        out = []
        entries = self._token_entries
        search = self._scan_rx.search
        big = self._big_first_words
        end = 0
        spaced = " " + text  # offsets one more than in text: the character before position p is spaced[p]
        # Leftmost-first and non-overlapping, like finditer; each search starts where the last surface ended
        # (a first word whose group finds nothing is one word run: no surface starts inside it).
        while (m := search(spaced, end)) is not None:
            start, end = m.span(1)
            start -= 1
            end -= 1
            surface = m.group(1)
            if surface in big:
                m = self._group_match[surface](text, start)
                if m is None:
                    continue
                end = m.end()
                surface = m.group()
            e = entries.get(surface, _UNSEEN)
            if e is _UNSEEN:
                e = self._token_entry(surface)
            if e is None:
                continue
            out.append((start, end, e))
        return out

    def _scan_each(self, texts: Sequence[str]) -> list[list[tuple[int, int, _Entry]]]:
        """``[self._scan(t) for t in texts]``, from one scan of the texts joined by a character no surface holds:
        the scan pattern takes it for the start or the end of a string, as a character before a surface (like the
        space _scan puts first) and as no word character after one."""
        if self._separator_in_surfaces:
            return [self._scan(t) for t in texts]
        out = [[] for _ in texts]
        found = self._scan(SEPARATOR.join(texts))
        if not found:
            return out
        k = 0
        offset = 0  # where texts[k] starts in the joined string
        part_end = len(texts[0])
        for start, end, e in found:
            while start >= part_end:
                k += 1
                offset = part_end + 1
                part_end = offset + len(texts[k])
            out[k].append((start - offset, end - offset, e))
        return out

    def _token_entry(self, surface: str) -> _Entry | None:
        """What a matched surface stands for; None for a blocker. Remembered: the same few surfaces recur."""
        entry = self._surfaces.get(_norm_surface(surface))
        e = None if entry is None or entry[1].kind == "block" else entry[1]
        if len(self._token_entries) >= 100_000:  # spellings can vary without end (white space): stay bounded
            self._token_entries.clear()
        self._token_entries[surface] = e
        return e

    def _compose(self, text: str) -> list[_Unit]:
        return self._compose_units(text, self._tokens(text))

    def _compose_units(self, text: str, units: list[_Unit]) -> list[_Unit]:
        # Every pass composes around a role or an honorific; most sentences hold neither.
        if not any(u.kind == "role" or u.kind == "hon" for u in units):
            return units
        self._prefix_qualifiers(text, units)
        self._suffix_qualifiers(text, units)
        self._attach_names(text, units)
        self._appositions(text, units)
        return units

    def _prefix_qualifiers(self, text: str, units: list[_Unit]) -> None:
        for i, u in enumerate(units):
            if u.kind != "role":
                continue
            first = u
            j = i - 1
            while j >= 0 and len(u.quals) < 2:
                p = units[j]
                if p.dead or p.kind not in ("place", "name"):
                    break
                m = self._qual_gap.fullmatch(text, p.end, first.start)
                if not m:
                    break
                if p.kind == "name":
                    # "Putin's spokesman": the name stays a mention of its own and also qualifies the role.
                    if text[p.end:p.end + 1] in _APOS and len(p.entry.actors) == 1 and u.entry.fixed is None:
                        u.quals.insert(0, ("person", p.entry.actors[0], None))
                    break
                u.mods[:0] = self._mod_words.findall(m.group(1))
                u.quals.insert(0, ("prefix", p.entry.actors[0], p.entry.body))
                u.parts.insert(0, p)
                p.dead = True
                u.start = p.start
                first = p
                j -= 1
            lo = units[j].end if j >= 0 else 0
            m = self._mods_before.search(text, max(lo, u.start - 60), u.start)
            if m:
                u.mods[:0] = self._mod_words.findall(m.group())
                u.start = m.start()

    def _next_alive(self, units: list[_Unit], i: int) -> int | None:
        for k in range(i + 1, len(units)):
            if not units[k].dead:
                return k
        return None

    def _suffix_qualifiers(self, text: str, units: list[_Unit]) -> None:
        for i in range(len(units) - 1, -1, -1):
            u = units[i]
            if u.kind != "role" or u.dead:
                continue
            k = self._next_alive(units, i)
            if k is None:
                continue
            n = units[k]
            m = self._of_gap.fullmatch(text, u.end, n.start)
            if not m:
                continue
            if m.group(1).lower() in ("to", "in", "at") and not u.entry.relational:
                continue
            if n.kind == "place":
                u.quals.append(("suffix", n.entry.actors[0], n.entry.body))
                u.parts.append(n)
            elif n.kind == "name" and len(n.entry.actors) == 1:
                u.quals.append(("person", n.entry.actors[0], None))
            elif n.kind == "role":
                whom = self._single(self._offices_for(n, None, for_mention=True)) if not n.entry.fixed else n.entry.fixed
                k2 = self._next_alive(units, k)
                if k2 is not None and units[k2].kind == "name" and len(units[k2].entry.actors) == 1:
                    named = units[k2].entry.actors[0]
                    sep = self._name_sep.fullmatch(text, n.end, units[k2].start)
                    # "spokesman for President Vladimir Putin": the name belongs to the inner title
                    if sep and "," not in sep.group() and (whom is None or whom == named):
                        whom = named
                        n.end = units[k2].end
                        units[k2].dead = True
                if whom is not None:
                    u.quals.append(("person", whom, None))
                else:
                    side = self._side_of_unit(n)
                    if side is None:
                        continue
                    u.quals.append(("suffix", Actor(side, side, None, "place"), None))
                u.parts.extend(n.parts)
            else:
                continue
            n.dead = True
            u.end = n.end

    def _attach_names(self, text: str, units: list[_Unit]) -> None:
        for i, u in enumerate(units):
            if u.dead or u.kind not in ("role", "hon"):
                continue
            sep = (self._name_sep if u.kind == "role" else self._hon_sep).match(text, u.end)
            if not sep:
                continue
            pos = sep.end()
            k = self._next_alive(units, i)
            while k is not None and units[k].start < pos:  # "(PM)" inside the separator
                units[k].dead = True
                k = self._next_alive(units, k)
            nxt = units[k] if k is not None else None
            if nxt is not None and nxt.kind == "name":
                gap = text[pos:nxt.start]
                # "Dmitri Peskov" where only "Peskov" is known: a first name before a known surname
                first = gap.split()[0] if gap else ""
                if gap == "" or _FIRST_NAME_GAP.fullmatch(gap) and first not in self._not_name:
                    if first and nxt.entry.surname and not self._same_first_name(first, nxt.entry.actors):
                        # "analyst Tigran Grigoryan" is neither Armen nor Mher Grigoryan
                        name = f"{first} {text[nxt.start:nxt.end]}"
                        actor = Actor(name, self._side_of_unit(u), self._role_text(text, u), "person")
                        self._make_person(u, u.start, nxt.end, actor, "title_name")
                        nxt.dead = True
                        continue
                    actor = self._pick_name(nxt.entry.actors, u)
                    self._make_person(u, u.start, nxt.end, actor, "name")
                    if actor is None:  # a shared surname the title does not settle: resolved in _emit
                        u.entry = nxt.entry
                    nxt.dead = True
                    continue
            limit = nxt.start if nxt is not None else len(text)
            found = self._unknown_name(text, pos, limit, from_right=False, min_tokens=1)
            if found is None:
                continue
            name, end = found
            if u.kind == "hon":
                actor = Actor(name, None, None, "person")
            else:
                actor = Actor(name, self._side_of_unit(u), self._role_text(text, u), "person")
            self._make_person(u, u.start, end, actor, "title_name")

    def _appositions(self, text: str, units: list[_Unit]) -> None:
        for i, u in enumerate(units):
            if u.dead or u.kind != "role":
                continue
            j = i - 1
            while j >= 0 and units[j].dead:
                j -= 1
            lo = units[j].end if j >= 0 else 0
            m = self._appos_gap.search(text, max(lo, u.start - 12), u.start)
            if not m:
                continue
            comma = m.start()
            prev = units[j] if j >= 0 else None
            if prev is not None and prev.end == comma and prev.kind == "name":
                cands = self._offices_for(u, None, for_mention=True) if u.entry.fixed is None else []
                holders = {o.actor for o in cands}
                actor = self._pick_name(prev.entry.actors, u)
                if u.entry.fixed is not None and actor != u.entry.fixed:
                    continue
                if actor is not None and holders and actor not in holders and len(holders) == 1:
                    continue
                prev.dead = True
                self._make_person(u, prev.start, u.end, actor, "name")
                if actor is None:
                    u.entry = prev.entry
                continue
            if prev is not None and prev.end == comma and prev.kind != "name":
                continue
            found = self._unknown_name(text, max(lo, comma - 80), comma, from_right=True, min_tokens=2)
            if found is None:
                continue
            name, start = found
            actor = Actor(name, self._side_of_unit(u), self._role_text(text, u), "person")
            self._make_person(u, start, u.end, actor, "title_name")

    def _same_first_name(self, first: str, actors: tuple) -> bool:
        # spelling variants of one first name share the initial (Dmitry/Dmitri, Sergei/Sergey, Hikmet/Hikmat)
        initial = _fold(first)[0].upper()
        return any(initial in self._initials.get(a, ()) for a in actors)

    def _make_person(self, u: _Unit, start: int, end: int, actor: Actor | None, how: str) -> None:
        u.kind = "person"
        u.start, u.end = start, end
        u.actor = actor
        u.how = how

    # -- resolution helpers

    def _pick_name(self, actors: tuple, title: _Unit) -> Actor | None:
        if len(actors) == 1:
            return actors[0]
        if title.kind != "role":
            return None
        holders = {o.actor for o in self._offices_for(title, None, for_mention=False)}
        fits = [a for a in actors if a in holders or a == title.entry.fixed]
        return fits[0] if len(fits) == 1 else None

    def _query(self, u: _Unit) -> str:
        ranks = []
        for w in u.mods:
            n = self._norm_role(w)
            if n and n.split()[-1] in self._rank:
                ranks.append(n)
        return " ".join(ranks + [u.entry.query])

    def _offices_for(self, u: _Unit, on: date | None, for_mention: bool) -> list[Office]:
        """Offices a role unit can name, given its qualifiers."""
        if u.entry.fixed is not None:
            return [o for o in self.offices if o.actor == u.entry.fixed][:1]
        query = self._query(u)
        offices = self._by_query.get(query, [])
        for how, q, body in u.quals:
            if how == "person":
                offices = [o for o in offices if q.name in o.of]
                continue
            if body:
                within = [o for o in self._by_query.get(f"{body} {query}", []) if o.side == q.side]
                offices = within or [o for o in offices if q.name in o.of]
                continue
            by_of = [o for o in offices if q.name in o.of]
            by_side = [o for o in offices if o.side == q.side]
            if how == "prefix" and q.kind == "place":
                offices = by_side
            else:
                offices = by_of or by_side
        if on is not None:
            offices = [o for o in offices if o.active(on)]
        if for_mention:
            offices = [o for o in offices if not o.plural]
        return offices

    @staticmethod
    def _actors(offices: Iterable[Office]) -> list[Actor]:
        return list(dict.fromkeys(o.actor for o in offices))

    def _single(self, offices: list[Office]) -> Actor | None:
        people = self._actors(offices)
        return people[0] if len(people) == 1 else None

    def _side_of_unit(self, u: _Unit) -> str | None:
        if u.entry.fixed is not None:
            return u.entry.fixed.side
        for how, q, body in u.quals:
            if q.side:
                return q.side
        return u.entry.inner_side

    def _role_text(self, text: str, u: _Unit) -> str | None:
        if u.kind == "hon":
            return None
        if u.entry.fixed is not None:
            return u.entry.fixed.role
        words = [self._norm_surface_words(w) for w in u.mods if w.lower() not in self._silent]
        bodies = [b for how, q, b in u.quals if b and how == "prefix"]
        role = self._norm_surface_words(text[u.role_start:u.role_end])
        return " ".join(words + bodies + [role])

    @staticmethod
    def _norm_surface_words(s: str) -> str:
        return " ".join(w if (w.isupper() and len(w) > 1) else w.lower() for w in _norm_surface(s).split())

    def _unknown_name(self, text: str, lo: int, hi: int, from_right: bool, min_tokens: int):
        """A person's name written in text[lo:hi] (after a title, or before an apposition)."""
        if from_right:
            m = self._name_end_rx.search(text, lo, hi)
        else:
            m = self._name_rx.match(text, lo, hi)
        if not m:
            return None
        toks = [(t.start() + m.start(), t.end() + m.start(), t.group()) for t in _NON_SPACE.finditer(m.group())]
        if from_right:
            toks = toks[::-1]
        kept = []
        for s, e, w in toks:
            if w in self._particles:
                kept.append((s, e, w, True))
                continue
            bare = _POSSESSIVE_END.sub("", w)
            if (not bare or not bare[0].isupper() or bare in self._not_name or bare.rstrip(".") in self._not_name
                    or _norm_surface(bare) in self._surfaces):
                break
            if not from_right and bare != w:
                kept.append((s, s + len(bare), bare, False))
                break
            if from_right and bare != w:
                break
            kept.append((s, e, bare, False))
        while kept and kept[-1][3]:
            kept.pop()
        real = [k for k in kept if not k[3]]
        if len(real) < min_tokens or len(real) > 3:
            return None
        if len(real) == 1:
            s, e, w, _ = real[0]
            after = text[e:e + 40]
            if len(w) < 3 or w.endswith(".") or _CAPITAL_NEXT.match(after):
                return None
        if from_right:
            kept = kept[::-1]
            return " ".join(k[2] for k in kept), kept[0][0]
        return " ".join(k[2] for k in kept), kept[-1][1]

    # -- output

    def _emit(self, text: str, units: list[_Unit], context: Sequence[Actor]) -> list[Mention]:
        out: list[Mention] = []
        seen: list[Actor] = list(context)
        for u in units:
            if u.dead:
                continue
            if u.kind == "person":
                actor = u.actor
                if actor is None:
                    actor = self._recent(u.entry.actors, seen)
                out.append(Mention(u.start, u.end, text[u.start:u.end], actor, u.how))
                if actor is not None:
                    seen.append(actor)
            elif u.kind == "name":
                self._emit_name(text, u.start, u.end, u.entry, out, seen)
            elif u.kind == "place":
                out.append(Mention(u.start, u.end, text[u.start:u.end], u.entry.actors[0], "place"))
            elif u.kind == "role":
                self._emit_role(text, u, out, seen)
        return self._with_surname_references(text, out, context, seen)

    def _emit_name(self, text: str, start: int, end: int, entry: _Entry, out: list[Mention], seen: list[Actor]) -> None:
        if entry.surname:
            first = self._first_name_before(text, start)
            if first is not None:
                if not self._same_first_name(first[1], entry.actors):
                    return  # "Tigran Grigoryan said": someone else with that surname
                start = first[0]
        actor = entry.actors[0] if len(entry.actors) == 1 else self._recent(entry.actors, seen)
        out.append(Mention(start, end, text[start:end], actor, "name"))
        if actor is not None:
            seen.append(actor)

    def _with_surname_references(self, text: str, out: list[Mention], context: Sequence[Actor],
                                 seen: list[Actor]) -> list[Mention]:
        unknown = self._unknown_people(context, seen[len(context):])
        if unknown:
            out = self._surname_references(text, out, unknown)
        return out

    def _unknown_people(self, context: Sequence[Actor], found: list[Actor]) -> list[Actor]:
        """People of ``context`` and then of ``found`` that the data file does not list, each once, in order."""
        if context is self._context_seen:
            in_context, unknown = self._context_facts
        else:
            in_context = set(context)
            unknown = [a for a in dict.fromkeys(context) if a.kind == "person" and a not in self._known_people]
            if isinstance(context, tuple):  # the sentences of an article share one context until it grows
                self._context_seen, self._context_facts = context, (in_context, unknown)
        # Most people found are listed in the data file: dropped before anything else is asked of them.
        found = [a for a in found if a.kind == "person" and a not in self._known_people]
        if not found:
            return unknown
        return unknown + [a for a in dict.fromkeys(found) if a not in in_context]

    def _emit_role(self, text: str, u: _Unit, out: list[Mention], seen: list[Actor]) -> None:
        surface = text[u.start:u.end]
        if u.entry.fixed is not None:
            out.append(Mention(u.start, u.end, surface, u.entry.fixed, "role"))
            seen.append(u.entry.fixed)
            return
        if u.quals or u.entry.inner_side is not None:
            people = self._actors(self._offices_for(u, None, for_mention=True))
            if len(people) == 1:
                out.append(Mention(u.start, u.end, surface, people[0], "role"))
                seen.append(people[0])
                return
            if people or self._offices_for(u, None, for_mention=False):
                # several holders (over time, or at once): the caller resolves with role_candidates
                out.append(Mention(u.start, u.end, surface, None, "role"))
                return
            for p in u.parts:  # a role nobody in the file holds: its qualifiers still mark sides
                if p.kind == "place":
                    out.append(Mention(p.start, p.end, text[p.start:p.end], p.entry.actors[0], "place"))
            return
        if u.entry.standalone:
            out.append(Mention(u.start, u.end, surface, None, "role"))

    def _first_name_before(self, text: str, pos: int) -> tuple[int, str] | None:
        """A capitalised word right before a surname, inside a sentence (so a first name, not "Unlike")."""
        m = _FIRST_NAME_BEFORE.search(text, max(0, pos - 40), pos)
        if not m:
            return None
        word = m.group(1)
        if not word[0].isupper() or word in self._not_name or _norm_surface(word) in self._surfaces:
            return None
        before = text[max(0, m.start() - 3):m.start()].rstrip(" \t")
        if not before or before[-1] in ".!?\n\"“”'‘’(:;—–-" or m.start() == 0:
            return None
        if m.start() > 0 and (text[m.start() - 1].isalnum()):
            return None
        return m.start(), word

    @staticmethod
    def _recent(actors: tuple, seen: list[Actor]) -> Actor | None:
        for a in reversed(seen):
            if a in actors:
                return a
        return None

    def _surname_references(self, text: str, out: list[Mention], unknown: list[Actor]) -> list[Mention]:
        """Later surname-only mentions of people found by title + name ("Nurtleu said")."""
        last, by_surname = self._surnames_seen
        if unknown is not last:
            by_surname = {}
            for a in unknown:
                toks = a.name.split()
                if len(toks) >= 2:
                    by_surname.setdefault(toks[-1], a)
            self._surnames_seen = (unknown, by_surname)
        # Every match holds a surname as written: a text without any has none (most sentences of an article).
        if not any(s in text for s in by_surname):
            return out
        rx = _surname_regex(tuple(by_surname))
        taken = [(m.start, m.end) for m in out]
        extra = []
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            a = by_surname[m.group(1)]
            extra.append(Mention(m.start(), m.end(), m.group(), a, "name"))
        if not extra:
            return out
        return sorted(out + extra, key=lambda x: x.start)


class _GroupPatterns(dict):
    """First word -> ``match`` of the anchored pattern of the surfaces it starts, compiled on first use."""

    def __init__(self, groups: dict[str, list[str]]) -> None:
        super().__init__()
        self._groups = groups

    def __missing__(self, word: str):
        match = regexes.compile(rf"(?:{trie_pattern(self._groups[word], _char_rx)})(?!\w)").match
        self[word] = match
        return match


@lru_cache(maxsize=256)
def _surname_regex(surnames: tuple[str, ...]) -> re.Pattern:
    alt = "|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True))
    return regexes.compile(rf"(?<![\w'’-])(?:(?:Mr|Mrs|Ms|Dr)\.?{_SP})?({alt})(?!\w)")


@lru_cache(maxsize=1)
def _default_index() -> ActorIndex:
    return ActorIndex.from_file(DATA_FILE)
