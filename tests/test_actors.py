"""Finding actors in text: people by name, role or title, and the places and bodies that mark a side.

The sentences are written for these tests, about people and events other than the seed
articles; the seeds appear only where the hand annotations (gold speakers) are checked.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from analysis.actors import DATA_FILE, Actor, ActorIndex, Mention

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "analysis" / "data" / "gold" / "seeds_gold.json"


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex.default()


def people(index: ActorIndex, text: str) -> list[Mention]:
    return index.person_mentions(text)


def only_person(index: ActorIndex, text: str) -> Mention:
    found = people(index, text)
    assert len(found) == 1, [(m.surface, m.actor) for m in found]
    return found[0]


def sides(index: ActorIndex, text: str) -> list[str | None]:
    return [m.side for m in index.find_mentions(text)]


# --- people of the file, by name ----------------------------------------------------------------


def test_a_title_and_full_name_is_one_mention_of_the_known_person(index):
    m = only_person(index, "Georgian Prime Minister Irakli Kobakhidze said Tbilisi would stay out of the dispute.")
    assert m.actor.name == "Irakli Kobakhidze"
    assert (m.actor.side, m.actor.role) == ("Georgia", "prime minister")
    assert m.how == "name"
    assert m.surface == "Georgian Prime Minister Irakli Kobakhidze"


def test_spelling_variants_resolve_to_the_canonical_person(index):
    text = "Pashinian called Alyaksandr Lukashenka, and later Sergey Lavrov phoned Ceyhun Bayramov."
    assert [m.actor.name for m in people(index, text)] == [
        "Nikol Pashinyan", "Alexander Lukashenko", "Sergei Lavrov", "Jeyhun Bayramov"]


def test_a_first_name_spelled_differently_still_names_the_person(index):
    m = only_person(index, "The talks with Dmitri Peskov ended without a statement.")
    assert m.actor.name == "Dmitry Peskov"
    assert m.surface == "Dmitri Peskov"


def test_possessives_and_honorifics_count_as_mentions(index):
    found = people(index, "Mr. Peskov said Lukashenko's offer stood, while Ms Zakharova mocked Aliyev's claim.")
    assert [m.actor.name for m in found] == ["Dmitry Peskov", "Alexander Lukashenko", "Maria Zakharova", "Ilham Aliyev"]
    assert found[0].surface == "Mr. Peskov"
    assert found[1].surface == "Lukashenko"  # the possessive ending stays outside the mention


def test_a_name_does_not_match_inside_a_longer_word(index):
    found = people(index, "Mehriban Aliyeva opened the forum before Aliyev arrived.")
    assert [m.actor.name for m in found] == ["Mehriban Aliyeva", "Ilham Aliyev"]
    assert people(index, "The Putinist camp and the hashtag #Putin trended.") == []


def test_a_shared_surname_alone_is_left_open_unless_the_article_says_who(index):
    assert only_person(index, "Simonyan called it a provocation.").actor is None
    assert only_person(index, "Speaker Simonyan replied.").actor.name == "Alen Simonyan"
    assert only_person(index, "RT editor-in-chief Simonyan mocked him.").actor.name == "Margarita Simonyan"
    later = index.person_mentions("Simonyan called it a provocation.", context=[index.lookup("Margarita Simonyan")])
    assert later[0].actor.name == "Margarita Simonyan"


def test_another_person_with_a_known_surname_is_not_the_known_person(index):
    found = people(index, "Political analyst Tigran Grigoryan disagreed with the government.")
    assert found[0].how == "title_name"
    assert found[0].actor.name == "Tigran Grigoryan"
    assert people(index, "The report, written by Tigran Grigoryan, was ignored.") == []


def test_the_speaker_of_the_armenian_parliament_has_his_own_surname_entry(index):
    m = only_person(index, "Alen Simonyan, the speaker of the Armenian parliament, dismissed the claim.")
    assert (m.actor.name, m.actor.side) == ("Alen Simonyan", "Armenia")


# --- people by role -------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase, who", [
    ("the Russian leader", "Vladimir Putin"),
    ("the Belarusian head of state", "Alexander Lukashenko"),
    ("the Armenian premier", "Nikol Pashinyan"),
    ("Armenia's PM", "Nikol Pashinyan"),
    ("the Kremlin's spokesman", "Dmitry Peskov"),
    ("Putin's spokesman", "Dmitry Peskov"),
    ("the Press Secretary of the Russian President", "Dmitry Peskov"),
    ("the official representative of the Russian Ministry of Foreign Affairs", "Maria Zakharova"),
    ("the Armenian Foreign Ministry spokeswoman", "Ani Badalyan"),
    ("the secretary of Armenia's Security Council", "Armen Grigoryan"),
    ("the leader of Kazakhstan", "Kassym-Jomart Tokayev"),
    ("the State Duma speaker", "Vyacheslav Volodin"),
    ("the Azerbaijani foreign minister", "Jeyhun Bayramov"),
])
def test_a_qualified_role_names_its_only_holder(index, phrase, who):
    m = only_person(index, f"Reporters then asked {phrase} about the summit.")
    assert (m.how, m.actor.name) == ("role", who)


def test_a_generic_role_is_a_mention_without_actor_for_the_article_to_resolve(index):
    m = only_person(index, "The head of government said the bloc had failed.")
    assert (m.how, m.actor, m.surface) == ("role", None, "head of government")
    candidates = {a.name for a in index.role_candidates("the head of government")}
    assert {"Nikol Pashinyan", "Mikhail Mishustin"} <= candidates


def test_a_role_held_by_several_people_over_time_is_resolved_by_date(index):
    m = only_person(index, "The Russian defense minister inspected the base.")
    assert (m.how, m.actor) == ("role", None)
    assert [a.name for a in index.role_candidates("the Russian defense minister", "2023-06-01")] == ["Sergei Shoigu"]
    assert [a.name for a in index.role_candidates("the Russian defense minister", "2024-08-01")] == ["Andrei Belousov"]
    assert [a.name for a in index.role_candidates("the CSTO Secretary General", "2022-06")] == ["Stanislav Zas"]
    assert [a.name for a in index.role_candidates("the CSTO Secretary General", "2023-11-14")] == ["Imangali Tasmagambetov"]


def test_role_candidates_asked_again_give_the_same_people_and_a_list_of_ones_own(index):
    # answers are remembered per phrase and date: the date must still count, and a caller may change its list
    phrase = "the Russian defense minister"
    first = index.role_candidates(phrase, "2023-06-01")
    first.append("changed by the caller")
    assert [a.name for a in index.role_candidates(phrase, "2023-06-01")] == ["Sergei Shoigu"]
    assert [a.name for a in index.role_candidates(phrase, "2024-08-01")] == ["Andrei Belousov"]
    assert {a.name for a in index.role_candidates(phrase)} >= {"Sergei Shoigu", "Andrei Belousov"}
    fresh = ActorIndex.from_file(DATA_FILE)
    for p in ["the prime minister", "the Kremlin spokesman", "the Armenian foreign minister", "the premier"]:
        assert index.role_candidates(p) == index.role_candidates(p) == fresh.role_candidates(p)


def test_a_role_many_people_hold_at_once_never_names_one_of_them(index):
    m = only_person(index, "A Duma deputy proposed a law on foreign agents.")
    assert m.actor is None
    m = only_person(index, "A Russian deputy foreign minister summoned the diplomats.")
    assert m.actor is None


def test_security_council_secretary_without_a_name_is_a_role_phrase(index):
    m = only_person(index, "The Security Council Secretary said nothing about it.")
    assert (m.how, m.actor) == ("role", None)
    assert {a.name for a in index.role_candidates(m.surface)} >= {"Armen Grigoryan", "Nikolai Patrushev"}


# --- people not in the file: title + name --------------------------------------------------------


def test_unknown_person_after_a_title_gets_role_and_side_from_the_title(index):
    m = only_person(index, "Kazakh Foreign Minister Murat Nurtleu met his counterparts in Astana.")
    assert m.how == "title_name"
    assert m.actor == Actor("Murat Nurtleu", "Kazakhstan", "foreign minister", "person")


def test_unknown_mp_and_later_surname_only_mention(index):
    found = people(index, "Armenian MP Hayk Mamijanyan accused the cabinet of lying. Mamijanyan said it twice.")
    assert [m.how for m in found] == ["title_name", "name"]
    assert found[0].actor == Actor("Hayk Mamijanyan", "Armenia", "MP", "person")
    assert found[1].actor is found[0].actor


def test_unknown_person_after_a_possessive_qualifier_and_a_comma(index):
    m = only_person(index, "Azerbaijan's Deputy Foreign Minister, Elnur Mammadov, rejected the accusation.")
    assert m.actor == Actor("Elnur Mammadov", "Azerbaijan", "deputy foreign minister", "person")


def test_title_without_side_leaves_the_side_unknown(index):
    m = only_person(index, "Deputy Foreign Minister Gohar Tsaturyan told reporters in Gyumri.")
    assert (m.actor.name, m.actor.side, m.actor.role) == ("Gohar Tsaturyan", None, "deputy foreign minister")


def test_a_modifier_that_only_dates_the_role_is_left_out_of_it(index):
    m = only_person(index, "In 2019 then-Foreign Minister Zohrab Mnatsakanyan visited Moscow.")
    assert (m.actor.name, m.actor.role) == ("Zohrab Mnatsakanyan", "foreign minister")
    m = only_person(index, "Former Armenian President Robert Kocharyan criticised the deal.")
    assert (m.actor.name, m.how) == ("Robert Kocharyan", "name")


def test_unknown_person_in_apposition_takes_the_side_of_the_person_served(index):
    m = only_person(index, "Tamara Vardikyan, the press secretary of the Kazakh president, confirmed the visit.")
    assert m.how == "title_name"
    assert (m.actor.name, m.actor.side, m.actor.role) == ("Tamara Vardikyan", "Kazakhstan", "press secretary")


def test_unknown_person_in_apposition_with_an_indefinite_article(index):
    m = only_person(index, "Hayk Ziroyan, an Armenian opposition MP, called for early elections.")
    assert (m.actor.name, m.actor.side) == ("Hayk Ziroyan", "Armenia")
    assert "MP" in m.actor.role


def test_known_people_with_titles_from_the_wider_story(index):
    text = ("Azerbaijani presidential aide Hikmet Hajiyev spoke after EU foreign policy chief Josep Borrell "
            "and French Armed Forces Minister Sebastien Lecornu.")
    found = people(index, text)
    assert [(m.actor.name, m.actor.side) for m in found] == [
        ("Hikmet Hajiyev", "Azerbaijan"), ("Josep Borrell", "EU"), ("Sébastien Lecornu", "France")]
    assert all(m.how == "name" for m in found)


def test_a_title_case_headline_verb_is_not_a_name(index):
    assert [m.how for m in people(index, "Defense Minister Visits Troops")] == ["role"]
    found = people(index, "Kremlin Spokesman Warns Yerevan Against Western Drift")
    assert [(m.how, m.actor.name) for m in found] == [("role", "Dmitry Peskov")]


# --- no false people -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "According to the outlet, the Prime Minister's Office disclosed the decision.",
    "Tens of thousands fled Nagorno Karabakh within a week.",
    "The Collective Security Council session was moved to December.",
    "Article 4 of the CSTO charter mandates collective defense.",
    "The Foreign Ministry of Armenia issued a note of protest.",
    "Snow closed the road between Yerevan and Gyumri on Monday.",
])
def test_bodies_places_and_charters_are_not_people(index, text):
    assert people(index, text) == []


def test_a_body_is_an_organisation_mention_with_its_side(index):
    found = index.find_mentions("The Prime Minister's Office of Armenia and the Russian Defence Ministry replied.")
    assert [(m.actor.name, m.actor.kind, m.side) for m in found] == [
        ("Prime Minister's Office of Armenia", "organisation", "Armenia"),
        ("Russian Defense Ministry", "organisation", "Russia")]


def test_collective_security_council_belongs_to_the_csto(index):
    found = index.find_mentions("The Collective Security Council session was moved.")
    assert [(m.actor.name, m.side) for m in found] == [("CSTO Collective Security Council", "CSTO")]


# --- places and demonyms mark sides ------------------------------------------------------------------


def test_demonyms_capitals_and_blocs_mark_their_side(index):
    text = ("Azeri troops, Russian-led exercises and pro-Western voices in Yerevan; "
            "Brussels, Ankara, Tehran and Kyiv watched the West and the Collective Security Treaty Organization.")
    assert sides(index, text) == ["Azerbaijan", "Russia", "West", "Armenia", "EU", "Turkey", "Iran", "Ukraine",
                                  "West", "CSTO"]


def test_karabakh_has_its_own_side_under_every_name(index):
    assert set(sides(index, "Artsakh, Stepanakert, Nagorno-Karabakh and Karabakh")) == {"Nagorno-Karabakh"}


def test_place_words_are_case_sensitive(index):
    assert sides(index, "The US and us") == ["US"]
    assert index.find_mentions("armenian dram rates rose") == []


def test_outlets_and_other_regions_do_not_mark_a_side(index):
    assert index.find_mentions("the Washington Post and Latin America and the West Bank") == []


def test_lookup_and_side_of_place(index):
    assert index.lookup("Mr. Peskov").name == "Dmitry Peskov"
    assert index.lookup("pashinian").name == "Nikol Pashinyan"
    assert index.lookup("Lukashenka's").name == "Alexander Lukashenko"
    assert index.lookup("Grigoryan") is None  # two Grigoryans in the file
    assert {a.name for a in index.name_candidates("Grigoryan")} == {"Armen Grigoryan", "Mher Grigoryan"}
    assert index.side_of_place("Baku's") == "Azerbaijan"
    assert index.side_of_place("the West") == "West"
    assert index.side_of_place("Nowhere") is None


# --- the data file ---------------------------------------------------------------------------------------


def test_the_file_documents_its_format_and_lists_enough_people(index):
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    header = "\n".join(line for line in lines[:lines.index("")] if line.startswith("#"))
    for key in ("[[person]]", "role_phrases", "[[organisation]]", "[roles.", "surname_alone"):
        assert key in header
    assert len(index.people()) >= 60


@pytest.mark.parametrize("name, side, role", [
    ("Dmitry Peskov", "Russia", "Kremlin spokesman"),
    ("Maria Zakharova", "Russia", "foreign ministry spokeswoman"),
    ("Armen Grigoryan", "Armenia", "security council secretary"),
    ("Natalya Eismont", "Belarus", "presidential press secretary"),
    ("Imangali Tasmagambetov", "CSTO", "secretary general"),
    ("Alen Simonyan", "Armenia", "parliament speaker"),
])
def test_roles_are_those_of_2022_to_2024(index, name, side, role):
    actor = index.lookup(name)
    assert (actor.side, actor.role) == (side, role)


def test_every_role_phrase_of_the_file_names_its_person(index):
    with open(DATA_FILE, "rb") as f:
        data = tomllib.load(f)
    for person in data["person"]:
        for phrase in person.get("role_phrases", []):
            found = index.person_mentions(f"Yesterday {phrase} spoke.")
            assert [m.actor.name for m in found if m.actor] == [person["name"]], phrase


def test_every_person_speaks_for_a_known_side(index):
    for actor in index.people():
        assert actor.side in index.sides, actor


# --- the seeds' hand annotations -----------------------------------------------------------------------


def _gold_speakers():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    out = {}
    for art in gold["articles"]:
        for item in art.get("quotes", []) + art.get("indirect", []):
            out.setdefault((art["file"], item["speaker"]), item.get("speaker_side"))
    return sorted(out.items())


@pytest.mark.parametrize("key, gold_side", _gold_speakers())
def test_every_gold_speaker_is_found_in_its_article_with_the_right_side(index, key, gold_side):
    file, speaker = key
    text = (ROOT / "seeds" / file).read_text(encoding="utf-8")
    actor = index.lookup(speaker)
    assert actor is not None and actor.kind == "person"
    if gold_side:
        assert actor.side == gold_side
    assert actor in {m.actor for m in index.person_mentions(text)}
