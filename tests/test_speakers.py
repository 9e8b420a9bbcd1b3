"""Who said it: attribution patterns of English news, one article snippet each (none of them from the seeds)."""
from __future__ import annotations

import pytest

from analysis.document import RawArticle
from analysis.pipeline import process_article


def statements(text):
    _, rows = process_article(RawArticle(source="t.txt", text=text))
    return rows


def speaker_of(text, fragment):
    for r in statements(text):
        if fragment in r["text"]:
            return r["speaker"], r["kind"], r["attribution"]
    raise AssertionError(f"no statement contains {fragment!r}")


@pytest.mark.parametrize("text, fragment, speaker, how", [
    ('"The region cannot afford another war," said Fidan, speaking at a joint press conference.\n'
     'Turkish Foreign Minister Hakan Fidan met Bayramov.', "cannot afford", "Hakan Fidan", "verb"),  # known surname
    ('Armenian MP Hayk Tevosyan spoke in Yerevan.\n"The region cannot afford another war," said Tevosyan.',
     "cannot afford", "Hayk Tevosyan", "verb"),
    ("Armenian Prime Minister Nikol Pashinian told parliament that Russia had failed.\n"
     "'We were left alone,' the prime minister said. 'Nobody came.'", "Nobody came", "Nikol Pashinyan", "continuation"),
    ('Maria Zakharova, the Russian Foreign Ministry spokeswoman, said on Thursday: “Yerevan is being pushed into a trap.”',
     "pushed into a trap", "Maria Zakharova", "verb"),
    ("“Armenia must abandon its territorial claims” — Ilham Aliyev said.", "territorial claims", "Ilham Aliyev", "verb"),
    ('The Russian Foreign Ministry said in a statement that Yerevan had erred.\nThe ministry also accused Western countries of "meddling in the region".',
     "meddling", "Russian Foreign Ministry", "role"),
    ('A senior Armenian official, who asked not to be named, said: "The relationship is broken."', "broken", None, None),
    ("Kazakh Foreign Minister Murat Nurtleu spoke after the talks. “We respect every member's choice,” Nurtleu said.",
     "respect every", "Murat Nurtleu", "verb"),
    ("These moves have displeased Moscow, which has repeatedly criticized the government in Yerevan.",
     "displeased", "Russia", "verb"),
    ("In January, Yerevan asked for an EU mission, which was criticized by Moscow.", "EU mission", "Russia", "verb"),
    ("Please note, the CSTO is an alliance of six member states, including Armenia.", "Please note", None, None),
])
def test_attribution(text, fragment, speaker, how):
    got, kind, method = speaker_of(text, fragment)
    assert got == speaker
    if speaker is not None:
        assert method == how


def test_unknown_person_found_from_title_keeps_their_own_name():
    rows = statements("Armenian Deputy Economy Minister Narek Teryan told reporters that exports to Russia fell.\n"
                      "“The numbers speak for themselves,” Teryan said.")
    assert [r["speaker"] for r in rows] == ["Narek Teryan", "Narek Teryan"]


def test_a_quote_without_attribution_keeps_an_empty_speaker():
    rows = statements("The summit ended without a declaration.\n“Nothing was decided.”")
    quote = [r for r in rows if r["kind"] == "quote"]
    assert len(quote) == 1 and quote[0]["speaker"] is None


def test_pronoun_refers_to_the_subject_not_to_a_person_named_in_passing():
    rows = statements("Since the visit by House Speaker Nancy Pelosi in 2022, Pashinyan has begun to distance himself from Moscow.\n"
                      "On Monday, he also claimed Armenia had lost opportunities to buy weapons.")
    assert rows[-1]["speaker"] == "Nikol Pashinyan" and rows[-1]["attribution"] == "pronoun"


def test_datelines_and_credits_are_not_statements():
    rows = statements("MOSCOW, March 13. /TASS/. Russia will continue contacts with Armenia, Kremlin Spokesman Dmitry Peskov told reporters.\n(dpa/kat)")
    assert len(rows) == 1 and rows[0]["speaker"] == "Dmitry Peskov"


@pytest.mark.parametrize("text, fragment, speaker", [
    ('"Such statements are unacceptable," said Maria Zakharova, spokeswoman for the Russian Foreign Ministry.', "unacceptable", "Maria Zakharova"),
    ('Pashinyan\'s spokeswoman Nazeli Baghdasaryan said the prime minister had no plans to travel.', "no plans", "Nazeli Baghdasaryan"),
    ('Mirzoyan wrote on X: "Armenia is committed to peace."', "committed to peace", "Ararat Mirzoyan"),
    ("Armenia's Foreign Ministry said in a statement that it \"categorically rejects\" the accusations.", "categorically", "Armenian Foreign Ministry"),
    ('Russian Ambassador to Armenia Sergei Kopyrkin warned of interference.\n"We see attempts from outside," the ambassador said.', "attempts from outside", "Sergei Kopyrkin"),
])
def test_more_attribution_styles(text, fragment, speaker):
    assert speaker_of(text, fragment)[0] == speaker


def test_a_quotation_broken_by_its_attribution_keeps_both_halves():
    rows = statements('"Armenia," Pashinyan said, "will not be anyone\'s hostage."')
    assert rows[0]["kind"] == "quote" and rows[0]["quote"].startswith("Armenia,") and "hostage" in rows[0]["quote"]
