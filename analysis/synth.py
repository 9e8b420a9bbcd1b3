"""A deterministic synthetic news corpus for benchmarks: ``python -m analysis.synth --articles N --out DIR``.

Articles are assembled from the invented building blocks in ``data/synth.toml`` (no real article text):
stories told by several outlets with the same quotations (so the corpus pass links them), speakers
named in full, by surname, by role or by pronoun, every quotation style the quote finder meets in
scraped news (curly, straight, guillemets, single, broken by the attribution, several sentences,
introduced by a colon, running over two paragraphs), absolute, weekday and relative date expressions,
datelines, mastheads, captions and page furniture. Sizes are those of news pages (2–5 KB).

Article ``i`` depends only on ``(seed, i)``: generating 1 010 articles after 1 000 writes the same 1 000
files plus 10 new ones, which is what the incremental-rebuild benchmark needs.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterator

DATA = Path(__file__).parent / "data"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SHARD = 1000  # files per sub-folder, so that no folder holds 100 000 files


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    side: str | None
    pronoun: str | None  # None: the text never refers to them by pronoun

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@lru_cache(maxsize=1)
def _blocks() -> dict:
    with open(DATA / "synth.toml", "rb") as f:
        data = tomllib.load(f)
    data.update(data.pop("text", {}))  # the [text] table only groups the word lists in the file
    return data


def _known_actors() -> list[Actor]:
    """The people of analysis/data/actors.toml (its ``[[person]]`` tables), when the file is there."""
    path = DATA / "actors.toml"
    if not path.exists():
        return []
    try:
        with open(path, "rb") as f:
            people = tomllib.load(f).get("person", [])
    except (OSError, tomllib.TOMLDecodeError):
        return []
    out = []
    for p in people:
        name, side, role = p.get("name"), p.get("side"), p.get("role")
        if isinstance(name, str) and isinstance(side, str) and isinstance(role, str) and " " in name:
            out.append(Actor(name, role, side, None))
    return out


@lru_cache(maxsize=1)
def _cast() -> tuple[list[Actor], dict[str, list[Actor]], list[Actor]]:
    b = _blocks()
    invented = [Actor(n, r, s, p) for n, r, s, p in b["invented_actors"]]
    known = [a for a in _known_actors() if a.side in b["side_words"]]
    actors = known + invented
    by_side: dict[str, list[Actor]] = {}
    for a in actors:
        by_side.setdefault(a.side, []).append(a)
    analysts = [Actor(n, r, None, p) for n, r, p in b["analysts"]]
    return actors, by_side, analysts


# ----------------------------------------------------------------------------------------------------------
# Small text helpers


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _title_role(role: str) -> str:
    small = {"of", "the", "to", "for", "and", "in", "at"}
    return " ".join(w if w in small else _cap(w) for w in role.split())


def _d_long(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def _d_british(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _fill(template: str, slots: dict) -> str:
    out = template
    # Two passes: a topic may itself contain {place}.
    for _ in range(2):
        out = out.format_map(_Slots(slots))
    return out


class _Slots(dict):
    def __missing__(self, key):
        return "{" + key + "}"


# ----------------------------------------------------------------------------------------------------------
# Stories: what happened, told by several articles


@dataclass
class Story:
    day: date
    speaker: Actor
    other: str  # the side the speaker talks about
    responder: Actor | None
    analyst: Actor
    topic: str
    topic_short: str
    speaker_clauses: list[str]
    responder_clauses: list[str]
    reported: str
    older_clause: str  # something the speaker said weeks earlier
    analyst_clauses: list[str]


def _pick_other(rng: random.Random, side: str) -> str:
    options = _blocks()["counterparts"].get(side, ["Russia"])
    weights = [len(options) - k + 1 for k in range(len(options))]
    return rng.choices(options, weights)[0]


def story(k: int, seed: int) -> Story:
    rng = random.Random(f"story:{seed}:{k}")
    b = _blocks()
    actors, by_side, analysts = _cast()
    # The two protagonists of the rift speak most.
    weights = [4 if a.side in ("Armenia", "Russia") else 1 for a in actors]
    speaker = rng.choices(actors, weights)[0]
    other = _pick_other(rng, speaker.side)
    responders = by_side.get(other) or []
    responder = rng.choice(responders) if responders and rng.random() < 0.8 else None
    tone = rng.choices(["quote_hostile", "quote_conciliatory", "quote_neutral"], [5, 3, 2])[0]
    topic = rng.choice(b["topics"])
    # Two or three clauses: two stories rarely put the very same words in one speaker's mouth.
    clauses = rng.sample(b[tone], rng.choice([2, 2, 3]))
    reply_tone = rng.choice(["quote_hostile", "quote_conciliatory", "quote_neutral"])
    reply = rng.sample(b[reply_tone], rng.choice([1, 2]))
    start = date.fromisoformat(b["start_date"])
    return Story(
        day=start + timedelta(days=rng.randrange(b["span_days"])),
        speaker=speaker, other=other, responder=responder, analyst=rng.choice(analysts),
        topic=topic, topic_short=rng.choice(b["topic_short"]),
        speaker_clauses=clauses, responder_clauses=reply,
        reported=rng.choice(b["reported"]),
        older_clause=rng.choice(b[rng.choice(["quote_hostile", "quote_conciliatory", "quote_neutral"])]),
        analyst_clauses=rng.sample(b["quote_hostile"] + b["quote_neutral"], 2),
    )


def story_of(i: int, rng: random.Random) -> int:
    """Most stories are told by two or three articles; some are followed up over the next weeks."""
    if rng.random() < 0.75:
        return i // 3
    return i // 3 - rng.randrange(min(i // 3, 30) + 1)


# ----------------------------------------------------------------------------------------------------------
# One article


class _Writer:
    """Assembles one article: keeps track of who has been introduced, for surname/role/pronoun references."""

    def __init__(self, rng: random.Random, st: Story, published: date, outlet: str):
        self.rng = rng
        self.st = st
        self.published = published
        self.outlet = outlet
        self.introduced: set[str] = set()
        self.last_speaker: Actor | None = None
        self.used_background: set[int] = set()
        b = _blocks()
        sw = b["side_words"]
        self.side_noun, self.side_adj, self.capital = sw.get(st.speaker.side, [st.speaker.side] * 3)
        self.other_noun, self.other_adj, self.other_capital = sw.get(st.other, [st.other] * 3)

    # -- slots and references -------------------------------------------------------------------------
    def slots(self, about: str | None = None, speaker: Actor | None = None, fixed: bool = False) -> dict:
        """Values for the placeholders; ``fixed``: the story's own wording, the same in every telling."""
        b = _blocks()
        sw = b["side_words"]
        about = about or self.st.other
        noun, adj, cap = sw.get(about, [about] * 3)
        spk = speaker or self.st.speaker
        s_noun, s_adj, s_cap = sw.get(spk.side, [spk.side] * 3) if spk.side else ("the country", "", "")
        own = fixed or self.rng.random() < 0.4
        return {
            "other": noun, "other_adj": adj, "other_capital": cap,
            "org": "the CSTO" if fixed or self.rng.random() < 0.6 else "the alliance",
            "org_short": "CSTO", "topic": self.st.topic if own else self.rng.choice(b["topics"]),
            "topic_short": self.st.topic_short, "place": self.rng.choice(b["places"]), "side": s_noun,
            "capital": s_cap, "outlet": self.outlet, "wire": self.rng.choice(b["wires"]),
        }

    def ref(self, a: Actor) -> str:
        """How the text names the actor here: in full at first, then surname, role or pronoun."""
        if a.name not in self.introduced:
            self.introduced.add(a.name)
            if a.side is None:  # analysts: "Sofia Reyes, an analyst at ..."
                return f"{a.name}, {a.role},"
            adj = _blocks()["side_words"].get(a.side, [a.side, a.side, a.side])[1]
            role = a.role
            former = role.startswith("former ")
            if adj.lower() in role.lower().split() or former:
                adj = ""  # "Kremlin spokesman", "former president": the role says enough
            style = self.rng.random()
            if style < 0.6:
                lead = f"{adj} {_title_role(role)}".strip()
                return f"{lead} {a.name}"
            if style < 0.8:
                return f"{_title_role(role)} {a.name}"
            return f"{a.name}, {(adj + ' ' + role).strip()},"
        r = self.rng.random()
        if a.pronoun and self.last_speaker == a and r < 0.45:
            return a.pronoun
        if r < 0.8:
            return a.surname
        if (r < 0.9 or a.side is None) and a.pronoun in ("he", "she"):
            return ("Mr " if a.pronoun == "he" else "Ms ") + a.surname
        if a.side is None:
            return a.surname
        return "the " + a.role

    def when(self, spoke: date) -> str:
        """A date expression for a statement made on ``spoke`` (empty: the text does not say)."""
        delta = (self.published - spoke).days
        r = self.rng.random()
        if delta == 0:
            return self.rng.choice(["", "", "today", f"on {WEEKDAYS[spoke.weekday()]}"])
        if delta == 1 and r < 0.35:
            return "yesterday"
        if delta < 7 and r < 0.7:
            return f"on {WEEKDAYS[spoke.weekday()]}"
        if r < 0.85:
            return self.rng.choice([f"on {MONTHS[spoke.month - 1]} {spoke.day}", f"on {spoke.day} {MONTHS[spoke.month - 1]}",
                                    f"({spoke.day} {MONTHS[spoke.month - 1]})"])
        return f"on {_d_long(spoke)}"

    def older_when(self, days_back: int) -> str:
        d = self.published - timedelta(days=days_back)
        return self.rng.choice([
            "last month" if days_back < 60 else "earlier this year",
            f"in {MONTHS[d.month - 1]} {d.year}",
            f"on {_d_british(d)}",
            "at the time",
            f"{days_back // 7} weeks ago" if days_back < 70 else "in the spring" if d.month in (3, 4, 5) else "late last year",
        ])

    def verb(self) -> str:
        return _fill(self.rng.choice(_blocks()["speech_verbs"]), self.slots())

    # -- paragraphs -----------------------------------------------------------------------------------
    def quote_paragraph(self, speaker: Actor, clauses: list[str], spoke: date | None, about: str | None = None,
                        fixed: bool = False) -> str:
        slots = self.slots(about, speaker, fixed)
        sents = [_cap(_fill(c, slots)) for c in clauses]
        when = self.when(spoke) if spoke is not None else self.older_when(self.rng.randrange(20, 120))
        when_s = f" {when}" if when else ""
        verb = self.verb()
        style = self.rng.choice(["curly", "curly", "straight", "straight", "guillemets", "single", "colon", "broken",
                                 "broken_mid", "multi", "verb_first", "according", "spanning"])
        if len(sents) == 1 and style in ("broken", "multi", "spanning"):
            style = "curly"
        who = self.ref(speaker)
        self.last_speaker = speaker
        one = ". ".join(sents)
        if style == "curly":
            return f"“{one},” {who} {verb}{when_s}."
        if style == "straight":
            return f"\"{one},\" {who} {verb}{when_s}."
        if style == "guillemets":
            return f"«{one}», {who} {verb}{when_s}."
        if style == "single":
            return f"'{one},' {who} {verb}{when_s}."
        if style == "colon":
            return f"{_cap(who.rstrip(','))} {verb}{when_s}: “{one}.”"
        if style == "broken":
            return f"“{sents[0]},” {who} {verb}{when_s}. “{'. '.join(sents[1:])}.”"
        if style == "broken_mid":
            first, _, rest = sents[0].partition(", ")
            if not rest:
                return f"“{one},” {who} {verb}{when_s}."
            return f"“{first},” {who} {verb}{when_s}, “{rest}.”"
        if style == "multi":
            return f"“{sents[0]}. {'. '.join(sents[1:])},” {who} {verb}{when_s}."
        if style == "verb_first":
            return f"“{one},” said {who.rstrip(',')}{when_s}."
        if style == "according":
            return f"According to {who.rstrip(',')}, “{one[:1].lower() + one[1:]}.”"
        # A quotation over two paragraphs: the first is left open, the second re-opens it.
        return f"“{sents[0]},” {who} {verb}{when_s}. “{sents[1]}.\n\n“{'. '.join(sents[2:]) or 'That is all I can say for now'}.”"

    def reported_paragraph(self, speaker: Actor, clause: str, spoke: date, dateline: str = "") -> str:
        slots = self.slots(None, speaker)
        when = self.when(spoke)
        who = self.ref(speaker).rstrip(",")
        self.last_speaker = speaker
        verb = self.rng.choice(_blocks()["reported_verbs"])
        body = _fill(clause, slots)
        lead = self.rng.choice([
            f"{_cap(who)} {verb}{' ' + when if when else ''} that {body}.",
            f"{_cap(who)} {verb}{' ' + when if when else ''} that {body}, in remarks that drew an immediate response from {slots['other_capital']}.",
        ])
        return dateline + lead

    def background(self, n: int) -> str:
        b = _blocks()
        slots = self.slots()
        slots.update({"side": self.side_noun, "capital": self.capital, "other_capital": self.other_capital})
        fresh = [k for k in range(len(b["background"])) if k not in self.used_background]
        picked = self.rng.sample(fresh, min(n, len(fresh))) or [0]
        self.used_background.update(picked)
        out = []
        for k in picked:
            # Numbers, days and openers vary, so that, as in real news, background sentences rarely repeat word
            # for word (a corpus of repeated sentences would flatter every cache keyed by text).
            slots.update({"num": self.rng.randint(2, 95), "num_small": self.rng.randint(2, 9),
                          "num_big": f"{self.rng.randint(2, 60) * 500:,}", "month": self.rng.choice(MONTHS),
                          "weekday": self.rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
                          "place": self.rng.choice(b["places"])})
            opener = _fill(self.rng.choice(b["background_openers"]), slots)
            sentence = _fill(b["background"][k], slots)
            if opener and sentence.split(" ", 1)[0] in _COMMON_OPENING_WORDS:
                sentence = sentence[0].lower() + sentence[1:]  # "Separately, diplomats say", not "Separately, Diplomats"
            out.append(opener + sentence if opener else _cap(sentence))
        return " ".join(out)


# First words of background sentences that are not names: lower-cased after an opener.
_COMMON_OPENING_WORDS = frozenset({"The", "A", "About", "Relations", "Diplomats", "Opposition", "Trade", "Observers",
                                   "Officials", "Satellite", "Energy", "Prices", "Lawmakers"})


def _published_line(rng: random.Random, ts: datetime) -> str:
    d = ts.date()
    return rng.choice([
        ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(1000):03d}Z",
        f"Published: {_d_british(d)}, {ts:%H:%M}",
        f"{_d_long(d)} {ts:%I:%M} {'AM' if ts.hour < 12 else 'PM'} GMT",
        f"Updated {ts:%H:%M} GMT, {_d_long(d)}",
        f"{WEEKDAYS[d.weekday()][:3]}, {d.day} {MONTHS[d.month - 1][:3]} {d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
    ])


def article(i: int, seed: int = 0) -> tuple[str, dict]:
    """Article ``i`` of the corpus: its text and the sidecar values a scraper would have (maybe none)."""
    rng = random.Random(f"article:{seed}:{i}")
    b = _blocks()
    t = b
    st = story(story_of(i, rng), seed)
    # A few outlets publish most of the coverage.
    outlets = t["outlets"]
    outlet = rng.choices(outlets, [1 / (k + 1) for k in range(len(outlets))])[0]
    wire = rng.choice(t["wires"]) if rng.random() < 0.25 else None
    published = st.day + timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 5]))
    ts = datetime(published.year, published.month, published.day, rng.randrange(6, 22), rng.randrange(60), rng.randrange(60))
    w = _Writer(rng, st, published, outlet)
    dated = rng.random() > 0.15  # some pages carry no publication date at all
    outlet_style = rng.choice(["masthead", "dateline", "source", "copyright", "none"])
    sep = rng.choice(["\n\n", "\n", "\n\n"])
    slots = w.slots()

    top: list[str] = []
    if rng.random() < 0.3:
        top += rng.sample(b["boilerplate_top"], rng.randint(1, 3))
    if outlet_style == "masthead":
        top.append(outlet)
    title = _fill(rng.choice(b["headlines"]), {
        **slots, "side": w.side_noun, "capital": w.capital, "surname": st.speaker.surname,
        "short_quote": _cap(_fill(st.speaker_clauses[0], slots)).split(",")[0][:60],
        "org": "CSTO", "other": w.other_noun.removeprefix("the "),
    })
    top.append(_cap(title))
    # A dateline often stands in for the date line.
    if dated and (outlet_style != "dateline" or rng.random() < 0.5):
        top.append(_published_line(rng, ts))

    body: list[str] = []
    if rng.random() < 0.4:
        cap_actor = st.speaker
        body.append(_fill(rng.choice(b["captions"]), {
            **slots, "name": cap_actor.name, "role": cap_actor.role, "role_cap": _title_role(cap_actor.role),
            "date_long": _d_long(st.day), "month_year": f"{MONTHS[st.day.month - 1]} {st.day.year}",
        }))
    dateline = ""
    if outlet_style == "dateline":
        place = rng.choice(t["places"]).upper()
        src = wire if wire and rng.random() < 0.5 else outlet
        dateline = rng.choice([f"{place}, {MONTH_ABBR[published.month - 1]} {published.day} ({src}) – ",
                               f"{place} ({src}) — ", f"{_cap(place.lower())}, {outlet} – "])
    body.append(w.reported_paragraph(st.speaker, st.reported, st.day, dateline))
    body.append(w.quote_paragraph(st.speaker, st.speaker_clauses, st.day, fixed=True))
    body.append(w.background(rng.randint(1, 3)))
    if st.responder is not None:
        reply_day = st.day + timedelta(days=rng.choice([0, 0, 1])) if published > st.day else st.day
        body.append(w.quote_paragraph(st.responder, st.responder_clauses, min(reply_day, published), about=st.speaker.side,
                                      fixed=True))
    target = rng.randint(2000, 4800)
    extras = ["background", "analyst", "older", "background", "reported_other", "background", "reported_other",
              "background", "reported_other", "background", "background"]
    rng.shuffle(extras)
    for kind in extras:
        if sum(len(p) + len(sep) for p in top + body) >= target:
            break
        if kind == "background":
            body.append(w.background(rng.randint(2, 4)))
        elif kind == "analyst":
            body.append(w.quote_paragraph(st.analyst, st.analyst_clauses, published, fixed=True))
        elif kind == "older":
            body.append(w.quote_paragraph(st.speaker, [st.older_clause], None, fixed=True))
        else:
            speaker = st.responder or st.speaker
            body.append(w.reported_paragraph(speaker, rng.choice(b["reported"]), st.day))
    if rng.random() < 0.05:  # some scrapers keep the hard line wraps of the page
        body = ["\n\n".join("\n".join(textwrap.wrap(q, 72)) for q in p.split("\n\n")) for p in body]

    bottom: list[str] = []
    if wire and rng.random() < 0.5:
        bottom.append(f"({wire})")
    if rng.random() < 0.5:
        bottom.append(rng.choice(b["related_labels"]))
        for _ in range(rng.randint(2, 4)):
            other = story(rng.randrange(i // 3 + 5), seed)
            bottom.append(_cap(_fill(rng.choice(b["headlines"]), {
                **slots, "side": other.speaker.side or "Armenia", "surname": other.speaker.surname,
                "short_quote": "We will respond", "org": "CSTO", "topic_short": other.topic_short,
                "capital": slots["capital"] or "Yerevan", "other": other.other})))
    if outlet_style == "source":
        bottom.append(f"Source: {outlet}")
    bottom += [_fill(x, {**slots, "side": w.side_noun, "other": w.other_noun}) for x in rng.sample(b["boilerplate_bottom"], rng.randint(1, 4))]
    if outlet_style == "copyright":
        bottom.append(f"© {published.year} {outlet}. All rights reserved.")

    text = sep.join(top) + sep + sep.join(body) + sep + sep.join(bottom) + "\n"
    hints = {}
    if rng.random() < 0.1:
        hints = {"url": f"https://news.example/{published:%Y/%m/%d}/story-{i}", "outlet": outlet if outlet_style == "none" else ""}
    return text, hints


def file_name(i: int) -> str:
    return f"part-{i // SHARD:04d}/synth-{i:07d}.txt"


def iter_articles(n: int, seed: int = 0, start: int = 0) -> Iterator[tuple[int, str, dict]]:
    for i in range(start, start + n):
        text, hints = article(i, seed)
        yield i, text, hints


def write_corpus(n: int, out: str | Path, seed: int = 0, start: int = 0, fmt: str = "txt") -> Path:
    """Write articles ``start .. start+n-1``; ``txt``: one file each (plus ``sources.csv`` sidecars), ``jsonl``: one file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        path = out / f"synth-{seed}-{start:07d}-{start + n - 1:07d}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for i, text, hints in iter_articles(n, seed, start):
                row = {"text": text}
                row.update({k: v for k, v in hints.items() if v})
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return out
    sidecars: dict[Path, list[dict]] = {}
    for i, text, hints in iter_articles(n, seed, start):
        path = out / file_name(i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if hints:
            sidecars.setdefault(path.parent, []).append({"file": path.name, **hints})
    for folder, rows in sidecars.items():
        side = folder / "sources.csv"
        old = list(csv.DictReader(io.StringIO(side.read_text(encoding="utf-8")))) if side.exists() else []
        merged = {r["file"]: r for r in old}
        merged.update({r["file"]: r for r in rows})
        buf = io.StringIO()
        wr = csv.DictWriter(buf, fieldnames=["file", "outlet", "url", "title", "published"], extrasaction="ignore")
        wr.writeheader()
        for name in sorted(merged):
            wr.writerow(merged[name])
        side.write_text(buf.getvalue(), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.synth", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, required=True, help="how many articles")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", type=int, default=0, help="index of the first article (to add articles to a corpus)")
    p.add_argument("--format", choices=["txt", "jsonl"], default="txt")
    args = p.parse_args(argv)
    write_corpus(args.articles, args.out, args.seed, args.start, args.format)
    print(f"{args.articles} synthetic articles -> {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
