"""The corpus pass: articles that share a quotation form one story, and an undated article takes its reference
date from a dated telling of the same quotation, keeping the scores of its first pass."""
import pandas as pd
import pytest

from analysis.pipeline import build_corpus
from analysis.scoring import SCORE_COLUMNS

DATED = """Georgia and Kazakhstan trade barbs over pipeline deal
Published: 14 June 2023
By Lena Sorensen, Caspian Monitor
TBILISI — Georgian Prime Minister Irakli Garibashvili said on Tuesday that the pipeline agreement with Kazakhstan was "a betrayal of everything we negotiated in good faith over three long years".
Kazakh officials did not respond to a request for comment.
"""

UNDATED = """Tbilisi lashes out at Astana
Georgian Prime Minister Irakli Garibashvili said on Tuesday that the pipeline agreement with Kazakhstan was "a betrayal of everything we negotiated in good faith over three long years".
The row is the sharpest in years, analysts say.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    (d / "monitor.txt").write_text(DATED, encoding="utf-8")
    (d / "copy.txt").write_text(UNDATED, encoding="utf-8")
    alone = tmp_path_factory.mktemp("alone")
    (alone / "copy.txt").write_text(UNDATED, encoding="utf-8")
    return build_corpus([d], workers=1), build_corpus([alone], workers=1)


def test_articles_sharing_a_quotation_are_one_story(corpus):
    both, _ = corpus
    assert both.articles["story_id"].nunique() == 1


def test_an_undated_copy_is_dated_from_the_dated_telling(corpus):
    both, alone = corpus
    copy = both.articles.set_index("source").loc["copy.txt"]
    assert pd.isna(copy["published"])  # still unknown: it is only the reference that is borrowed
    assert copy["reference_date"] == pd.Timestamp("2023-06-13", tz="UTC")  # the Tuesday before 14 June 2023
    assert copy["reference_evidence"].startswith("same quotation as monitor.txt (Irakli Garibashvili")
    quote = both.statements[(both.statements["article_id"] == copy["article_id"]) & (both.statements["kind"] == "quote")]
    assert quote["statement_date"].tolist() == [pd.Timestamp("2023-06-13", tz="UTC")]
    # alone, the copy says "on Tuesday" of no known week: unknown, not a guess
    assert alone.statements.loc[alone.statements["kind"] == "quote", "statement_date"].isna().all()


def test_dating_again_keeps_the_scores(corpus):
    both, alone = corpus
    copy_id = alone.articles["article_id"].iloc[0]
    redated = both.statements[both.statements["article_id"] == copy_id].reset_index(drop=True)
    first = alone.statements.reset_index(drop=True)
    assert len(redated) == len(first) > 0
    pd.testing.assert_frame_equal(redated[list(SCORE_COLUMNS)], first[list(SCORE_COLUMNS)])


def test_dating_again_from_the_first_pass_equals_processing_the_article_again():
    """The build dates an undated article again from its first pass (statement frames and date mentions),
    not by running every step again; both give the same rows. Written with other people, a quotation dated in
    its own frame, a reported statement and an anaphoric "at the time"."""
    from analysis.document import RawArticle
    from analysis.pipeline import Reference, process_article

    text = ("Minsk signals cool-down with Vilnius\n"
            "Belarusian Foreign Minister Maxim Ryzhenkov said on Monday that the border talks were \"a dead end "
            "unless Lithuania reopens the crossings\".\n"
            "At the time, Lithuanian Foreign Minister Kestutis Budrys said Vilnius would not be pressured.\n"
            "\"We will decide on our own border,\" Budrys told reporters on 2 May.\n"
            "Budrys added that talks were scheduled for next week.\n")
    raw = RawArticle(text=text, source="minsk.txt")
    first_art, first_rows = process_article(raw)
    dating = first_art.pop("_dating")
    ref = Reference(pd.Timestamp("2024-05-08", tz="UTC"), "day", "borrowed for the test")
    slow_art, slow_rows = process_article(raw, ref)
    fast_art, fast_rows = process_article(raw, Reference(ref.date, ref.precision, ref.evidence,
                                                         first_pass=(first_art, first_rows, dating)))
    assert fast_art == slow_art
    assert fast_rows == slow_rows
    assert fast_art["reference_date"] == ref.date != first_art["reference_date"]
    # the borrowed reference changed some statement dates (else this test would prove nothing)
    assert [r["statement_date"] for r in fast_rows] != [r["statement_date"] for r in first_rows]
