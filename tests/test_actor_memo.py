"""The actor index a process loads from the cache (``ActorIndex.from_file`` keeps the loaded state between processes)
is the index it would have loaded from the data file itself: the same state, the same mentions and speakers."""
from __future__ import annotations

import marshal

from analysis import actors, regexes
from analysis.actors import ActorIndex
from analysis.clean import clean_article
from analysis.datafiles import read_toml
from analysis.segment import segment_units
from analysis.speakers import attribute_speakers
from tests.fresh_process import cache, new_process  # noqa: F401 - cache is a fixture

# Made up for these tests: other people, outlets and dates than the seed articles.
ARTICLE = (
    "ANKARA, 3 March 2025 (Anadolu Agency) - Turkish Foreign Minister Hakan Fidan met his Azerbaijani counterpart "
    "Jeyhun Bayramov on Monday.\n"
    "“The road through Syunik must open this year,” Fidan told reporters after the talks.\n"
    "Bayramov said Baku was ready to sign the text, according to the Azerbaijani foreign ministry.\n"
    "Georgian Deputy Foreign Minister Lasha Darsalia, who attended as an observer, said Tbilisi backed the talks.\n"
    "“We will host the next round,” Darsalia added.\n"
    "The Kremlin spokesman said Moscow had not been consulted, while Belarusian leader Alexander Lukashenko called "
    "the meeting “a Western show”.\n"
)
SENTENCES = [line for line in ARTICLE.splitlines() if line]


def kept(kind: str = "actor_index") -> int:
    """Values of that kind (a prefix of it) this process took from the cache rather than computed."""
    return sum(1 for k in regexes._hits if k[0] == "memo" and k[1].startswith(kind))


def computed(kind: str = "actor_index") -> int:
    """Values of that kind this process computed, to be saved."""
    return sum(1 for k in regexes._new if k[0] == "memo" and k[1].startswith(kind))


def state(index: ActorIndex) -> dict:
    """Every attribute of the index; a lazy pattern table by the surfaces it compiles (a dict of compiled matches)."""
    out = dict(vars(index))
    out["_group_match"] = (dict(index._group_match), index._group_match._groups)
    return out


def assert_same_index(got: ActorIndex, want: ActorIndex) -> None:
    a, b = state(got), state(want)
    assert sorted(a) == sorted(b)
    for name in b:
        assert a[name] == b[name], name  # ==, not pickled bytes: the order of a set depends on the process


def speakers(index: ActorIndex) -> list:
    return [(a.kind, a.speaker, a.method, a.evidence, [(m.surface, m.actor, m.how) for m in a.mentions])
            for a in attribute_speakers(ARTICLE, segment_units(clean_article(ARTICLE)), index)]


def scan(index: ActorIndex) -> list:
    return [[(m.start, m.end, m.surface, m.actor, m.how) for m in ms] for ms in index.find_mentions_in_turn(SENTENCES)]


def test_the_index_kept_between_processes_is_the_one_loaded_from_the_file(cache, monkeypatch):
    loaded = ActorIndex(read_toml(actors.DATA_FILE))  # as every process loaded it before the cache
    first = ActorIndex.from_file(actors.DATA_FILE)
    assert kept() == 0 and computed() == 1
    assert_same_index(first, loaded)
    first_speakers, first_scan = speakers(first), scan(first)  # fills the index's own caches in this process
    first.role_candidates("the foreign minister")
    assert first._token_entries and first._role_candidates_seen
    regexes.save()

    new_process(monkeypatch)
    again = ActorIndex.from_file(actors.DATA_FILE)
    assert kept() == 1 and computed() == 0  # restored, not loaded
    # What one process's matching remembered is not carried over to the next.
    assert again._token_entries == {} and again._role_candidates_seen == {} and again._context_seen is None
    assert_same_index(again, ActorIndex(read_toml(actors.DATA_FILE)))
    assert speakers(again) == first_speakers == speakers(loaded)
    assert scan(again) == first_scan == scan(loaded)
    for when in ("2021-06-01", "2025-03-03"):  # Cavusoglu, then Fidan
        assert again.role_candidates("the Turkish foreign minister", when) == loaded.role_candidates(
            "the Turkish foreign minister", when) != []
    assert again.role_candidates("the Turkish foreign minister", "2025-03-03") == [again.lookup("Hakan Fidan")]


def test_the_text_compared_names_people_of_the_file_and_a_person_it_does_not_list(cache, monkeypatch):
    # So that the comparisons above are not of empty results.
    ActorIndex.from_file(actors.DATA_FILE)
    regexes.save()
    new_process(monkeypatch)
    index = ActorIndex.from_file(actors.DATA_FILE)
    assert kept() == 1
    assert {a[1].name for a in speakers(index) if a[1] is not None} >= {"Hakan Fidan", "Jeyhun Bayramov",
                                                                       "Lasha Darsalia"}
    found = {(m[2], m[3].name if m[3] else None, m[4]) for ms in scan(index) for m in ms}
    assert {("Belarusian leader Alexander Lukashenko", "Alexander Lukashenko", "name"),
            ("Georgian Deputy Foreign Minister Lasha Darsalia", "Lasha Darsalia", "title_name"),
            ("Darsalia", "Lasha Darsalia", "name"), ("Kremlin spokesman", "Dmitry Peskov", "role")} <= found


def edited_actor_file(tmp_path):
    """The data file with one more alias: "Fidan Hakan", the name order some outlets use."""
    text = actors.DATA_FILE.read_text(encoding="utf-8")
    before = 'name = "Hakan Fidan"\nside = "Turkey"\nrole = "foreign minister"\nsince = "2023-06-04"\naliases = []'
    assert before in text
    path = tmp_path / "actors_edited.toml"
    path.write_text(text.replace(before, before.replace("aliases = []", 'aliases = ["Fidan Hakan"]')),
                    encoding="utf-8")
    return path


def test_an_edited_data_file_is_loaded_afresh_not_taken_from_the_cache(cache, monkeypatch, tmp_path):
    ActorIndex.from_file(actors.DATA_FILE)
    regexes.save()
    new_process(monkeypatch)
    edited = ActorIndex.from_file(edited_actor_file(tmp_path))
    assert kept() == 0 and computed() == 1  # another text: loaded, not the original file's kept state
    assert_same_index(edited, ActorIndex(read_toml(edited_actor_file(tmp_path))))
    fidan = edited.lookup("Hakan Fidan")
    assert edited.lookup("Fidan Hakan") == fidan is not None
    mentions = edited.find_mentions("Fidan Hakan told the Anadolu Agency that talks would resume.")
    assert [(m.surface, m.actor) for m in mentions][:1] == [("Fidan Hakan", fidan)]
    regexes.save()

    new_process(monkeypatch)
    original = ActorIndex.from_file(actors.DATA_FILE)  # both files' states are now kept, each under its own text
    edited_again = ActorIndex.from_file(edited_actor_file(tmp_path))
    assert kept() == 2
    assert original.lookup("Fidan Hakan") is None and edited_again.lookup("Fidan Hakan") == fidan


def test_with_the_cache_off_the_index_is_loaded_in_each_process(monkeypatch):
    monkeypatch.setenv("ANALYSIS_REGEX_CACHE", "off")
    new_process(monkeypatch)
    index = ActorIndex.from_file(actors.DATA_FILE)
    assert not regexes._new and not regexes._hits
    assert_same_index(index, ActorIndex(read_toml(actors.DATA_FILE)))


def test_a_damaged_kept_state_is_loaded_from_the_file_instead(cache, monkeypatch):
    memo = regexes.memo
    monkeypatch.setattr(regexes, "memo", lambda kind, *a, **k: b"not a pickle" if kind.startswith("actor_index")
                        else memo(kind, *a, **k))
    assert_same_index(ActorIndex.from_file(actors.DATA_FILE), ActorIndex(read_toml(actors.DATA_FILE)))


def test_a_save_past_the_size_bound_drops_what_this_process_did_not_use(cache, monkeypatch):
    # Each edit of the actor file leaves a stale loaded index in the file, which every process then reads.
    regexes.memo("stale", ["old actor file"], lambda: b"x" * 100_000, code=[regexes.__name__])
    regexes.save()
    new_process(monkeypatch)
    regexes.memo("stale", ["new actor file"], lambda: b"y" * 100_000, code=[regexes.__name__])
    regexes.save()
    assert kept("stale") == 0 and len(regexes.cache_file().read_bytes()) > 200_000  # both kept: under the bound

    new_process(monkeypatch)
    monkeypatch.setattr(regexes, "_MAX_BYTES", 150_000)
    assert regexes.memo("stale", ["new actor file"], lambda: b"recomputed", code=[regexes.__name__]) == b"y" * 100_000
    regexes.memo("other", ["a value"], lambda: "new", code=[regexes.__name__])
    regexes.save()
    _, entries = marshal.loads(regexes.cache_file().read_bytes())
    values = list(entries.values())
    assert len(values) == 2 and b"y" * 100_000 in values and "new" in values  # the old file's state is gone
