"""extract_metadata: outlet, title, publication date and wire credits, each with its evidence.

The rule throughout: a value is read from where the article states it (masthead,
its own dateline, a timestamp line, a credit) or it is None. Agencies cited in
the body are not the outlet; dates in captions and link lists are not the
publication date.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.clean import clean_article
from analysis.document import Hint
from analysis.metadata import extract_metadata, parse_timestamp, strip_site_suffix

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = {a["file"]: a for a in json.loads(
    (ROOT / "analysis" / "data" / "gold" / "seeds_gold.json").read_text())["articles"]}


def meta_of(text: str, hints: dict | None = None):
    return extract_metadata(clean_article(text), hints or {})


def utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


def assert_evidence_is_in_text(found, text: str) -> None:
    assert found.evidence in text
    assert text[found.start:found.start + len(found.evidence)] == found.evidence


# ---------------------------------------------------------------- seeds

@pytest.mark.parametrize("file", sorted(GOLD))
def test_seed_outlet_title_and_published_match_the_annotations(file):
    gold = GOLD[file]
    text = (SEEDS / file).read_text(encoding="utf-8")
    meta = meta_of(text)
    assert (meta.outlet.value if meta.outlet else None) == gold["outlet"]
    assert (meta.title.value if meta.title else None) == gold["title"]
    if gold["published"] is None:
        assert meta.published is None
    else:
        assert meta.published.value.strftime("%Y-%m-%d") == gold["published"]
        assert meta.published.value.tz is not None and str(meta.published.value.tz) == "UTC"
        assert meta.published.evidence == gold["published_evidence"]
    for found in (meta.outlet, meta.title, meta.published, meta.syndicated_from):
        if found is not None:
            assert found.source == "text"
            assert_evidence_is_in_text(found, text) if ";" not in found.evidence else None


def test_seed_000_outlet_evidence_is_the_dateline():
    text = next(SEEDS.glob("000*")).read_text()
    meta = meta_of(text)
    assert meta.outlet.evidence == "Jakarta, CNBC Indonesia –"
    assert meta.syndicated_from is None, "Interfax/Newsweek/TASS are only cited in the body"


def test_seed_001_credits_go_to_syndicated_from():
    meta = meta_of(next(SEEDS.glob("001*")).read_text())
    assert "merkur" in meta.syndicated_from.value.lower()
    assert "dpa" in meta.syndicated_from.value.lower()
    assert meta.published.value == utc("2023-05-23T07:59:16.104")
    assert meta.published.precision == "second"


def test_seed_002_wire_credit_without_an_outlet():
    meta = meta_of(next(SEEDS.glob("002*")).read_text())
    assert meta.outlet is None
    assert meta.syndicated_from.value == "TASS, Reuters"
    assert meta.published is None, "'Photo ... December 2023' and 'March 13' are not publication dates"


# ---------------------------------------------------------------- datelines

def test_reuters_dateline_names_the_outlet_but_has_no_year():
    text = ("YEREVAN, Nov 14 (Reuters) - Armenia's parliament on Tuesday voted to ratify the Rome Statute "
            "of the International Criminal Court, a move Moscow has called unfriendly.\n")
    meta = meta_of(text)
    assert meta.outlet.value == "Reuters"
    assert meta.outlet.evidence == "YEREVAN, Nov 14 (Reuters) -"
    assert meta.outlet.start == 0
    assert meta.published is None, "'Nov 14' without a year does not date the article"


def test_ap_dateline_and_us_month_first_date():
    text = ("Published 05/06/2023\n"
            "MOSCOW (AP) — Russia's foreign ministry summoned Armenia's ambassador on Friday over remarks "
            "by officials in Yerevan about the peacekeeping mission.\n")
    meta = meta_of(text)
    assert meta.outlet.value == "AP"
    assert meta.outlet.evidence == "MOSCOW (AP) —"
    assert meta.published.value == utc("2023-05-06"), "AP is a US outlet: month first"
    assert meta.published.precision == "day"


def test_ambiguous_numeric_date_is_day_first_without_us_context():
    text = ("Posted on 05/06/2023\n"
            "The Armenian foreign ministry said on Monday that it had handed a protest note to the Russian "
            "ambassador over comments made on state television.\n")
    meta = meta_of(text)
    assert meta.published.value == utc("2023-06-05")
    assert meta.published.evidence == "Posted on 05/06/2023"


@pytest.mark.parametrize("lead,outlet", [
    ("Baku, APA. Azerbaijan's foreign ministry said on Tuesday that talks with Yerevan would resume.", "APA"),
    ("YEREVAN, NOVEMBER 14, ARMENPRESS. The government approved the draft agreement on Tuesday.", "Armenpress"),
    ("MOSCOW, November 14. /TASS/. The Kremlin regrets the decision of the Armenian side, Peskov said.", "TASS"),
    ("Tbilisi, Caucasus Daily – Georgian officials met their Armenian counterparts on Monday.", "Caucasus Daily"),
    ("(Interfax) - Russia will continue to consult with Armenia on the CSTO, the deputy minister said.", "Interfax"),
])
def test_regional_and_agency_datelines(lead, outlet):
    meta = meta_of(lead + "\n")
    assert meta.outlet.value == outlet
    assert lead.startswith(meta.outlet.evidence)


@pytest.mark.parametrize("lead", [
    "Kyiv, Ukraine — Officials said on Monday that the delegation from Yerevan had arrived.",
    "YEREVAN, ARMENIA — Thousands rallied outside the Russian embassy on Sunday evening.",
    "Moscow - Russia's deputy foreign minister said the alliance remained open to Armenia.",
])
def test_place_names_in_a_dateline_are_not_outlets(lead):
    assert meta_of(lead + "\n").outlet is None


def test_agencies_cited_in_the_body_are_not_the_outlet():
    text = ("Armenia's security council secretary said the country would not attend the session.\n\n"
            "According to the news agency Interfax, the Kremlin regretted the decision. BelTA reported that "
            "Minsk had been informed by telephone, and Sputnik quoted a diplomat as saying talks would continue.\n")
    meta = meta_of(text)
    assert meta.outlet is None
    assert meta.syndicated_from is None


def test_a_wire_dateline_under_a_masthead_is_a_credit():
    text = ("Caucasus Herald\n"
            "YEREVAN, Nov 14 (Reuters) - Armenia will not attend the summit of the Russian-led bloc in Minsk, "
            "the prime minister's office said on Tuesday.\n")
    meta = meta_of(text)
    assert meta.outlet.value == "Caucasus Herald"
    assert meta.syndicated_from.value == "Reuters"
    assert meta.syndicated_from.evidence == "YEREVAN, Nov 14 (Reuters) -"


# ---------------------------------------------------------------- credits and source lines

def test_with_agencies_line_and_trailing_dash_credit():
    text = ("Russia's defence ministry said it had begun withdrawing border guards from the airport in Yerevan.\n"
            "(With AFP, Reuters)\n")
    assert meta_of(text).syndicated_from.value == "AFP, Reuters"
    text2 = ("Russia's defence ministry said it had begun withdrawing border guards from the airport. — AFP\n")
    assert meta_of(text2).syndicated_from.value == "AFP"


def test_source_line_without_masthead_names_the_outlet():
    text = ("Armenian Prime Minister Nikol Pashinyan said on Thursday that the CSTO had failed his country.\n"
            "Source: azatutyun\n")
    meta = meta_of(text)
    assert meta.outlet.value == "Azatutyun"
    assert meta.outlet.evidence == "Source: azatutyun"
    assert meta.syndicated_from is None


def test_a_data_source_under_a_chart_is_not_an_outlet():
    text = ("Trade between Armenia and Russia doubled in 2022, according to official figures.\n"
            "Source: Statistical Committee of the Republic of Armenia\n"
            "The growth was driven by re-exports of electronics and cars, economists say.\n")
    meta = meta_of(text)
    assert meta.outlet is None
    assert meta.syndicated_from is None


# ---------------------------------------------------------------- published

def test_masthead_published_line_with_offset_is_converted_to_utc():
    text = ("Caucasus Herald\n"
            "Yerevan and Moscow trade barbs over border guards\n"
            "Published: 14 November 2023 10:31 (GMT+4)\n"
            "Updated: 15 November 2023 08:02 (GMT+4)\n"
            "Yerevan and Moscow traded accusations on Tuesday over the future of Russian border guards.\n")
    meta = meta_of(text)
    assert meta.outlet.value == "Caucasus Herald"
    assert meta.title.value == "Yerevan and Moscow trade barbs over border guards"
    assert meta.published.value == utc("2023-11-14 06:31")
    assert meta.published.precision == "second"
    assert meta.published.evidence == "Published: 14 November 2023 10:31 (GMT+4)"
    assert_evidence_is_in_text(meta.published, text)


def test_byline_with_updated_date():
    text = ("By Jane Doe | Updated 12 March 2024\n"
            "Armenia has frozen its participation in the Collective Security Treaty Organization, "
            "the prime minister told parliament.\n")
    meta = meta_of(text)
    assert meta.published.value == utc("2024-03-12")
    assert meta.published.precision == "day"
    assert meta.published.evidence == "Updated 12 March 2024"


def test_publication_beats_update_on_the_same_line():
    text = ("Updated: 20 Feb 2024 | Published: 18 Feb 2024\n"
            "The Kremlin said on Sunday that it had not received any formal notice from Yerevan.\n")
    assert meta_of(text).published.value == utc("2024-02-18")


def test_the_meta_timestamp_nearest_the_top_wins():
    text = ("2024-02-22 09:15\n"
            "The Kremlin said on Thursday that it had not received any formal notice from Yerevan.\n"
            "Posted 2024-02-25 10:00\n")
    meta = meta_of(text)
    assert meta.published.value == utc("2024-02-22 09:15")
    assert meta.published.evidence == "2024-02-22 09:15"


def test_dates_in_captions_and_link_lists_never_date_the_article():
    text = ("Armenian soldiers near the border on 14 November 2023. REUTERS/Irakli Gedenidze\n"
            "The Armenian defence ministry said its troops had repelled an incursion overnight, "
            "blaming Azerbaijani units for opening fire first.\n"
            "Related\n"
            "World 2024-03-19T05:10:05.233Z\n"
            "Europe 2024-02-24T11:12:22.612Z\n")
    assert meta_of(text).published is None


def test_dated_dateline_and_lead_stamp():
    text = ("YEREVAN, 14 November 2023 (ARKA) — Armenia's central bank kept its key rate unchanged, "
            "citing risks from trade with Russia.\n")
    meta = meta_of(text)
    assert meta.outlet.value == "ARKA"
    assert meta.published.value == utc("2023-11-14")
    assert meta.published.evidence == "14 November 2023"
    text2 = ("Armenia's prime minister said the country would not host the drills, the ministry said "
             "Wednesday (15/11/2023). Moscow did not comment.\n")
    meta2 = meta_of(text2)
    assert meta2.published.value == utc("2023-11-15")
    assert meta2.published.evidence == "Wednesday (15/11/2023)"


def test_event_dates_in_the_body_are_not_the_publication_date():
    text = ("Armenia's Prime Minister declared on Tuesday, November 14, 2023, that he would not attend the "
            "summit scheduled for November 23, 2023 in Minsk.\n")
    assert meta_of(text).published is None


def test_month_first_context_from_an_unambiguous_header_date():
    text = ("Posted 11/14/2023 | Last updated 12/01/2023\n"
            "Officials in Yerevan said the talks with Moscow would resume later in the month.\n")
    assert meta_of(text).published.value == utc("2023-11-14")


# ---------------------------------------------------------------- hints

def test_sidecar_and_column_hints_win_over_the_text():
    text = ("Caucasus Herald\nArmenia recalls envoy\nPublished: 14 November 2023\n"
            "Armenia recalled its ambassador to Moscow on Tuesday, the foreign ministry said.\n")
    hints = {
        "outlet": Hint("Yerevan Daily", "sidecar", "sources.csv row 2"),
        "published": Hint("2023-11-13", "column", "column 'published' of news.csv row 4"),
        "title": Hint("Envoy recalled", "sidecar", "sources.csv row 2"),
        "url": Hint("https://example.am/envoy", "column", "column 'url' of news.csv row 4"),
    }
    meta = meta_of(text, hints)
    assert (meta.outlet.value, meta.outlet.source, meta.outlet.evidence) == (
        "Yerevan Daily", "sidecar", "sources.csv row 2")
    assert meta.published.value == utc("2023-11-13") and meta.published.source == "column"
    assert meta.title.value == "Envoy recalled"
    assert meta.url.value == "https://example.am/envoy"
    assert meta.syndicated_from is None, "a masthead overridden by the sidecar is not a credit"


def test_html_hints_count_as_text_and_site_suffix_is_dropped():
    text = "Armenia recalled its ambassador to Moscow on Tuesday, the foreign ministry said.\n"
    hints = {
        "title": Hint("Armenia recalls envoy - Caucasus Herald", "html", '<meta property="og:title" ...>'),
        "outlet": Hint("Caucasus Herald", "html", '<meta property="og:site_name" ...>'),
        "published": Hint("2024-03-12T09:30:00+04:00", "html", "<meta property=\"article:published_time\" ...>"),
    }
    meta = meta_of(text, hints)
    assert meta.title.value == "Armenia recalls envoy"
    assert meta.outlet.value == "Caucasus Herald" and meta.outlet.source == "text"
    assert meta.published.value == utc("2024-03-12 05:30") and meta.published.precision == "second"


def test_unparseable_published_hint_falls_back_to_the_text():
    text = "Published: 3 January 2024\nYerevan said on Wednesday that it would not sign the declaration.\n"
    meta = meta_of(text, {"published": Hint("sometime last winter", "column", "column 'published' of c.csv row 1")})
    assert meta.published.value == utc("2024-01-03") and meta.published.source == "text"


# ---------------------------------------------------------------- helpers

@pytest.mark.parametrize("s,expected,precision", [
    ("2023-05-23T07:59:16.104Z", "2023-05-23 07:59:16.104", "second"),
    ("2023-05-23 15:00:00", "2023-05-23 15:00", "second"),
    ("Published: 14 November 2023 10:31", "2023-11-14 10:31", "second"),
    ("Nov 14, 2023", "2023-11-14", "day"),
    ("14th of November 2023", "2023-11-14", "day"),
    ("Tuesday (23/5/2023)", "2023-05-23", "day"),
    ("14.11.2023, 15:42 MSK", "2023-11-14 12:42", "second"),
    ("Nov. 14, 2023 at 3:05 p.m. EST", "2023-11-14 20:05", "second"),
    ("November 2023", "2023-11-01", "month"),
])
def test_parse_timestamp(s, expected, precision):
    ts, prec = parse_timestamp(s)
    assert ts == utc(expected)
    assert str(ts.tz) == "UTC"
    assert prec == precision


@pytest.mark.parametrize("s", ["Nov 14", "yesterday", "", "no date here", "1066-10-14"])
def test_parse_timestamp_without_a_usable_date(s):
    assert parse_timestamp(s) is None


def test_parse_timestamp_day_month_order():
    assert parse_timestamp("05/06/2023")[0] == utc("2023-06-05")
    assert parse_timestamp("05/06/2023", dayfirst=False)[0] == utc("2023-05-06")
    assert parse_timestamp("05.06.2023", dayfirst=False)[0] == utc("2023-06-05"), "dotted dates are day-first"


@pytest.mark.parametrize("title,expected", [
    ("Armenia recalls envoy | The Moscow Times", "Armenia recalls envoy"),
    ("Armenia recalls envoy - news.am", "Armenia recalls envoy"),
    ("Putin's gamble - is the alliance finally over for Yerevan?", "Putin's gamble - is the alliance finally over for Yerevan?"),
    ("Pashinyan - Aliyev talks postponed", "Pashinyan - Aliyev talks postponed"),
])
def test_strip_site_suffix(title, expected):
    assert strip_site_suffix(title) == expected


def test_a_cited_source_at_the_end_of_a_paragraph_is_not_a_credit():
    lead = "Border clashes resumed on Sunday. Three Armenian soldiers were wounded in the shelling overnight "
    assert meta_of(lead + "(according to Armenia's Defence Ministry)\n").syndicated_from is None
    assert meta_of(lead + "(according to Interfax)\n").syndicated_from.value == "Interfax"


@pytest.mark.parametrize("footer,outlet", [
    ("© 2023 Caucasus Herald. All rights reserved.", "Caucasus Herald"),
    ("Armenpress.am © 2023 All rights reserved.", "Armenpress"),
    ("Copyright 2024 The Yerevan Post | Privacy", "The Yerevan Post"),
    ("© Communities 2019 - Privacy", None),  # not shaped like an outlet name
])
def test_copyright_footer_is_the_last_resort_for_the_outlet(footer, outlet):
    text = ("Armenia and Russia traded accusations on Tuesday over the future of the border guards.\n"
            + footer + "\n")
    meta = meta_of(text)
    assert (meta.outlet.value if meta.outlet else None) == outlet
    if outlet:
        assert meta.outlet.evidence == footer
    with_masthead = meta_of("Gyumri Courier\n" + text)
    assert with_masthead.outlet.value == "Gyumri Courier"
    assert with_masthead.syndicated_from is None, "the footer is not a credit"
