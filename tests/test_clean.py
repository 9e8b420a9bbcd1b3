"""clean_article: which lines of a scraped page are the article, and which are not.

Most articles here are written for the tests, in styles the seeds do not have;
the seed articles are checked against their hand annotations.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.clean import clean_article
from analysis.metadata import extract_metadata

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = json.loads((ROOT / "analysis" / "data" / "gold" / "seeds_gold.json").read_text())["articles"]


def kinds(text: str) -> dict[str, tuple[str, str]]:
    """Block text -> (kind, reason), for readable assertions."""
    doc = clean_article(text)
    return {text[b.start:b.end]: (b.kind, b.reason) for b in doc.blocks}


def kind_of(text: str, line: str) -> str:
    return kinds(text)[line][0]


def seed(name_prefix: str) -> str:
    return next(SEEDS.glob(name_prefix + "*")).read_text(encoding="utf-8")


# ---------------------------------------------------------------- invariants

ARTICLES_IN_OTHER_STYLES = [
    "Armenia skips CSTO drills\n\nBy Lilit Harutyunyan\n\nYEREVAN, Nov 14 (Reuters) - Armenia will not "
    "join the drills, the ministry said.\n\n(Reporting by Lilit Harutyunyan; Editing by Tom Kerr)\n",
    "\r\n  Indented first line of an article that ends with a full stop here.  \n\n\n   \n|\n",
    "Caucasus Herald\nPolitics\nYerevan and Moscow trade barbs\nPublished: 14 November 2023 10:31\n"
    "The two capitals traded accusations on Tuesday over the role of Russian border guards at the airport.\n",
]


@pytest.mark.parametrize("text", ARTICLES_IN_OTHER_STYLES + [p.read_text() for p in sorted(SEEDS.glob("*.txt"))])
def test_blocks_cover_all_content_with_exact_offsets(text):
    doc = clean_article(text)
    covered = [False] * len(text)
    previous_end = 0
    for b in doc.blocks:
        assert b.start >= previous_end, "blocks are in text order and do not overlap"
        chunk = text[b.start:b.end]
        assert chunk == chunk.strip() and chunk, "a block is its trimmed, non-empty content"
        assert b.kind in {"body", "title", "caption", "boilerplate", "duplicate", "meta"}
        assert (b.kind == "body") == (b.reason == ""), "every non-body block says why"
        covered[b.start:b.end] = [True] * (b.end - b.start)
        previous_end = b.end
    uncovered = "".join(c for c, hit in zip(text, covered) if not hit)
    assert uncovered.strip() == "", "all non-blank content sits in some block"


def test_empty_text_has_no_blocks():
    assert clean_article("").blocks == []
    assert clean_article(" \n\n\t\n").blocks == []


# ---------------------------------------------------------------- seeds

@pytest.mark.parametrize("article", GOLD, ids=lambda a: a["file"][:3])
def test_seed_quotes_and_statements_stay_in_the_body(article):
    text = (SEEDS / article["file"]).read_text(encoding="utf-8")
    doc = clean_article(text)
    for item in article["quotes"] + article.get("indirect", []):
        offset = text.index(item["start"])
        block = doc.block_at(offset)
        assert block is not None and block.kind in ("body", "caption"), item["start"]


def test_seed_000_caption_initials_timestamp_and_hashtags():
    text = seed("000")
    k = kinds(text)
    assert k[text.splitlines()[0]][0] == "caption"  # "Photo: ... (via REUTERS/SPUTNIK)"
    assert k["(sef/sef)"] == ("boilerplate", "editor initials")
    assert k["|"][0] == "boilerplate"
    assert k["2023-05-23 15:00:00"] == ("meta", "timestamp")
    hashtags = next(line for line in text.splitlines() if line.startswith("#"))
    assert k[hashtags] == ("boilerplate", "hashtag line")


def test_seed_001_masthead_title_duplicate_and_related_list():
    text = seed("001")
    doc = clean_article(text)
    k = kinds(text)
    gold = next(a for a in GOLD if a["file"].startswith("001"))
    assert k["The Limited Times"] == ("meta", "masthead")
    assert k[gold["title"]][0] == "title"
    assert k["Source: merkur"] == ("meta", "source line")
    dup_start = gold["duplicate_paragraphs"][0]
    copies = [b for b in doc.blocks if text[b.start:b.end].startswith(dup_start)]
    assert [b.kind for b in copies] == ["body", "duplicate"]
    for date in gold["dates_that_are_not_the_publication_date"]:
        block = doc.block_at(text.index(date))
        assert block.kind == "boilerplate"
    highlights = doc.block_at(text.index("Highlights:"))
    assert highlights.kind == "meta", "a summary repeating the body is not body"
    assert doc.block_at(text.index("The information on this site")).kind == "boilerplate"


def test_seed_002_photo_credit_caption_and_wire_credit_line():
    text = seed("002")
    doc = clean_article(text)
    assert doc.block_at(text.index("Kremlin spokesman Dmitry Peskov at President")).kind == "caption"
    assert doc.block_at(text.index("Huyen Le")).kind == "meta"
    assert kind_of(text, "Source link") == "boilerplate"
    assert kind_of(text, "Comment (0)") == "boilerplate"


@pytest.mark.parametrize("prefix,widgets", [
    ("003", ["Share This Post On", "0 comments", "Leave a comment"]),
    ("004", ["Leave a Reply", "Verified by MonsterInsights"]),
])
def test_seed_comment_and_share_widgets_are_boilerplate(prefix, widgets):
    text = seed(prefix)
    k = kinds(text)
    for w in widgets:
        assert k[w][0] == "boilerplate", w
    login_or_email = [line for line in k if "login" in line.lower() or "email address" in line.lower()]
    assert login_or_email and all(k[line][0] == "boilerplate" for line in login_or_email)


def test_seed_004_headline_is_the_title():
    text = seed("004")
    assert kind_of(text, "Ex-Soviet state threatens to leave Russian-led military alliance") == "title"


# ---------------------------------------------------------------- other styles

REUTERS_STYLE = """Armenia to skip CSTO drills in Kazakhstan, defence ministry says

By Lilit Harutyunyan

YEREVAN, Nov 14 (Reuters) - Armenia will not take part in this year's military exercises of the Russian-led Collective Security Treaty Organization, its defence ministry said on Tuesday, widening a rift with Moscow.

"Our partners have not met their obligations to us," Deputy Minister Aram Sargsyan told reporters in Yerevan.

(Reporting by Lilit Harutyunyan; Editing by Tom Kerr)

Our Standards: The Thomson Reuters Trust Principles.
"""


def test_reuters_style_headline_byline_credits_and_standards():
    k = kinds(REUTERS_STYLE)
    assert k["Armenia to skip CSTO drills in Kazakhstan, defence ministry says"][0] == "title"
    assert k["By Lilit Harutyunyan"] == ("meta", "byline")
    assert k["(Reporting by Lilit Harutyunyan; Editing by Tom Kerr)"][0] == "meta"
    assert k["Our Standards: The Thomson Reuters Trust Principles."][0] == "boilerplate"
    dateline_paragraph = next(line for line in k if line.startswith("YEREVAN"))
    assert k[dateline_paragraph][0] == "body", "the dateline paragraph is article text"


MASTHEAD_STYLE = """Caucasus Herald
Home | World | Politics | Business | Opinion
Politics
Yerevan and Moscow trade barbs over border guards
Published: 14 November 2023 10:31
Updated: 15 November 2023 08:02

Yerevan and Moscow traded accusations on Tuesday over the future of Russian border guards at Zvartnots airport, the latest sign of strain between the allies.

A government source said on 14 November 2023 that the decision was final and would not be revisited.

Read also:
Armenia recalls its envoy to the CSTO
Moscow summons Armenian ambassador

The Russian foreign ministry said it regretted the move and would respond "in due course".

Most read
Politics 2024-01-09T11:02:00Z
Economy 2024-01-08T17:45:10Z

© 2023 Caucasus Herald. All rights reserved.
Privacy Policy | Terms of Use | Contact
"""


def test_masthead_menu_section_title_and_published_lines():
    k = kinds(MASTHEAD_STYLE)
    assert k["Caucasus Herald"] == ("meta", "masthead")
    assert k["Home | World | Politics | Business | Opinion"][0] == "boilerplate"
    assert k["Politics"][0] == "boilerplate"
    assert k["Yerevan and Moscow trade barbs over border guards"][0] == "title"
    assert k["Published: 14 November 2023 10:31"] == ("meta", "timestamp")
    assert k["Updated: 15 November 2023 08:02"] == ("meta", "timestamp")


def test_a_paragraph_with_a_date_and_the_word_source_stays_body():
    k = kinds(MASTHEAD_STYLE)
    assert k["A government source said on 14 November 2023 that the decision was final and would not be revisited."][0] == "body"


def test_related_links_in_the_middle_end_at_the_next_paragraph():
    k = kinds(MASTHEAD_STYLE)
    assert k["Read also:"][0] == "boilerplate"
    assert k["Armenia recalls its envoy to the CSTO"][0] == "boilerplate"
    assert k["Moscow summons Armenian ambassador"][0] == "boilerplate"
    after = 'The Russian foreign ministry said it regretted the move and would respond "in due course".'
    assert k[after][0] == "body"


def test_section_label_plus_timestamp_in_a_list_is_never_meta_or_body():
    k = kinds(MASTHEAD_STYLE)
    assert k["Politics 2024-01-09T11:02:00Z"][0] == "boilerplate"
    assert k["Economy 2024-01-08T17:45:10Z"][0] == "boilerplate"


def test_copyright_footer_and_its_links():
    k = kinds(MASTHEAD_STYLE)
    assert k["© 2023 Caucasus Herald. All rights reserved."][0] == "boilerplate"
    assert k["Privacy Policy | Terms of Use | Contact"][0] == "boilerplate"


@pytest.mark.parametrize("caption", [
    "Armenian servicemen at a checkpoint near Tegh, 2 October 2023. REUTERS/Irakli Gedenidze",
    "Image: Lusine Avetisyan addresses parliament in Yerevan",
    "(Photo by Karo Sahakyan/AFP)",
    "Protesters outside the Russian embassy in Yerevan (AP Photo/Hayk Baghdasaryan)",
    "Demonstrators in Republic Square. Getty Images",
    "© AFP",
])
def test_photo_captions(caption):
    text = ("Armenian parliament debates leaving the alliance\n\n" + caption + "\n\n"
            "Lawmakers in Yerevan on Thursday debated a motion to leave the alliance, with the ruling party split.\n")
    assert kind_of(text, caption) == "caption"


@pytest.mark.parametrize("line,reason_word", [
    ("Share on Facebook", "share"),
    ("12 Comments", "comment"),
    ("Comments (3)", "comment"),
    ("You must be logged in to post a comment.", "login"),
    ("Subscribe to our newsletter", "subscription"),
    ("#Armenia #Russia #CSTO", "hashtag"),
    ("(ab/cd)", "initials"),
    ("•", "punctuation"),
    ("Powered by WordPress", "footer"),
    ("Home > News > Politics", "menu"),
    ('<script>window.dataLayer = [];</script>', "markup"),
    ('<div class="ad-slot"></div>', "markup"),
])
def test_widget_and_furniture_lines(line, reason_word):
    text = ("The Armenian government said on Friday that talks with Moscow would continue despite the dispute.\n"
            + line + "\n")
    kind, reason = kinds(text)[line]
    assert kind == "boilerplate"
    assert reason_word in reason


def test_highlights_summary_is_meta_and_body_copy_is_kept():
    text = (
        "Key points: Armenia froze its participation in the bloc. Moscow called the step regrettable.\n\n"
        "Armenia froze its participation in the bloc. Moscow called the step regrettable.\n"
    )
    doc = clean_article(text)
    assert [b.kind for b in doc.blocks] == ["meta", "body"]


def test_paragraph_contained_in_an_earlier_one_is_a_duplicate():
    lead = ("Armenia has frozen its participation in the Collective Security Treaty Organization, "
            "Prime Minister's office said.")
    text = (lead + " The decision follows months of tension with Moscow over Nagorno-Karabakh.\n\n"
            "Officials in Yerevan declined to give further details on Wednesday evening.\n\n"
            + lead + "\n")
    doc = clean_article(text)
    assert [b.kind for b in doc.blocks] == ["body", "body", "duplicate"]


def test_short_repeated_phrases_are_not_duplicates():
    text = ("He said no.\n\nThe ministry spokesperson was asked twice about the envoy on Thursday.\n\n"
            "He said no.\n")
    assert [b.kind for b in clean_article(text).blocks] == ["body", "body", "body"]


def test_hard_wrapped_paragraphs_become_one_block():
    text = (
        "Russia and Armenia trade accusations\n\n"
        "MOSCOW, Nov 15 (Interfax) - Russia's foreign ministry on Wednesday accused\n"
        "Armenia of pursuing what it called an unfriendly course, after Yerevan\n"
        "said it would not attend a summit of the Collective Security Treaty\n"
        "Organization in Minsk later this month.\n\n"
        "Armenian officials rejected the accusation and said the country had\n"
        "repeatedly asked its allies for support that never came during the\n"
        "attacks on its sovereign territory in September of last year.\n"
    )
    doc = clean_article(text)
    body = [text[b.start:b.end] for b in doc.body()]
    assert len(body) == 2
    assert body[0].startswith("MOSCOW") and body[0].endswith("Minsk later this month.")
    assert doc.blocks[0].kind == "title"


def test_dateline_only_line_and_plain_date_line_are_meta():
    text = ("MOSCOW, November 14. /TASS/.\n"
            "Russia regrets the decision of the Armenian side not to attend the summit, the ministry said.\n"
            "Yerevan, 14 November 2023\n")
    k = kinds(text)
    assert k["MOSCOW, November 14. /TASS/."] == ("meta", "dateline")
    assert k["Yerevan, 14 November 2023"][0] == "meta"


def test_tagline_with_ellipsis_above_the_headline_is_not_body():
    text = ("Armenia Insider\nEverything you need to know about the region...\n"
            "Pashinyan names new envoy to Moscow\n"
            "Prime Minister Nikol Pashinyan appointed a new ambassador to Russia on Monday, his office said.\n")
    k = kinds(text)
    assert k["Armenia Insider"] == ("meta", "masthead")
    assert k["Everything you need to know about the region..."][0] == "boilerplate"
    assert k["Pashinyan names new envoy to Moscow"][0] == "title"


def test_a_question_headline_is_still_a_headline():
    text = ("Is Armenia really about to leave the Russian-led military alliance it joined in 1992?\n\n"
            "Armenia's leaders have hinted for months that the country could leave the bloc. "
            "Officials in Moscow have so far dismissed the talk.\n")
    assert [b.kind for b in clean_article(text).blocks] == ["title", "body"]


def test_headlines_and_subheads_that_mention_a_date_are_kept():
    text = ("Armenia to hold snap parliamentary vote on June 20\n"
            "Prime Minister Nikol Pashinyan announced early elections on Monday, saying the country needed "
            "a fresh mandate after months of protests.\n"
            "Timeline of the dispute since September 2023\n"
            "The crisis began when Azerbaijan launched an offensive in Nagorno-Karabakh.\n")
    k = kinds(text)
    assert k["Armenia to hold snap parliamentary vote on June 20"][0] == "title"
    assert k["Timeline of the dispute since September 2023"][0] == "body"


_SCRAPE_PIECES = st.sampled_from([
    "YEREVAN", " (AFP) ", "-", "—", "\n", "\n\n", "\r\n", "Image:", "©", "#tag", " ", ".", "?", "…",
    "2024-01-09T11:02:00Z", "9 January 2024", "07/08/2024", "Posted:", "By Ann Lee", "|", "(ab/cd)",
    "Source: x", "Daily Star", "Read also", "Most read", "Key points:", "«", "»", "(via REUTERS/X)",
    "Baku, Trend.", "minister", "Moscow", "UTC+3", "09:15", "Jan 9", "0 comments", "\t",
])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_SCRAPE_PIECES | st.text(max_size=6), max_size=30).map("".join))
def test_any_scrape_gives_valid_blocks_and_metadata_evidence_in_place(text):
    doc = clean_article(text)
    for b in doc.blocks:
        chunk = text[b.start:b.end]
        assert chunk and chunk == chunk.strip()
    meta = extract_metadata(doc, {})
    for found in (meta.outlet, meta.title, meta.published):
        if found is not None:
            assert text[found.start:found.start + len(found.evidence)] == found.evidence


def test_donation_briefing_and_disclaimer_footers_are_boilerplate_but_a_quoted_view_is_not():
    text = ("Kazakhstan recalls envoy over pipeline row\n\n"
            "ASTANA - Kazakhstan recalled its ambassador from Tbilisi on Friday.\n\n"
            "\u201cThe views expressed by the minister are not those of this government,\u201d a spokesman said.\n\n"
            "The views expressed by commentators are their own.\n\n"
            "Sign up for our morning briefing\n\n"
            "Our journalism is free to read. Support it with a donation.\n")
    blocks = kinds(text)
    assert blocks["The views expressed by commentators are their own."] == ("boilerplate", "site navigation or footer")
    assert blocks["Sign up for our morning briefing"][0] == "boilerplate"
    assert blocks["Our journalism is free to read. Support it with a donation."][0] == "boilerplate"
    quoted = "\u201cThe views expressed by the minister are not those of this government,\u201d a spokesman said."
    assert blocks[quoted][0] == "body"
