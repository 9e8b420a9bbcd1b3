"""Finding quotations: every common mark style, broken and nested quotes, and scare quotes."""
from analysis.quotes import find_quotes, is_statement_quote, looks_like_name


def quoted(text):
    return [text[q.start:q.end] for q in find_quotes(text)]


def test_curly_quotes_broken_by_attribution_are_two_quotes():
    t = "“We will not leave,” Aliyev said. “Not now, not ever.”"
    assert quoted(t) == ["We will not leave,", "Not now, not ever."]


def test_straight_quotes_with_apostrophes_inside():
    t = '"That\'s a question for the CSTO. We shouldn\'t speak for it," he noted.'
    assert quoted(t) == ["That's a question for the CSTO. We shouldn't speak for it,"]


def test_guillemets_and_german_quotes():
    assert quoted("«Nous restons», a-t-il dit.") == ["Nous restons"]
    assert quoted("Er sagte: „Wir bleiben“ und ging.") == ["Wir bleiben"]


def test_single_quotes_as_quote_marks_but_not_apostrophes():
    t = "'France will stand by Armenia,' Macron said, in Armenia’s capital."
    assert quoted(t) == ["France will stand by Armenia,"]
    assert quoted("Armenia's and Russia's leaders met.") == []


def test_nested_quote_is_not_a_top_level_quote():
    t = "“They told me ‘this is not our war’, and that was it,” Grigoryan said."
    assert quoted(t) == ["They told me ‘this is not our war’, and that was it,"]


def test_missing_closing_mark_runs_to_the_end_of_the_paragraph():
    qs = find_quotes("“Armenia is making a historic mistake. Nobody abandoned it.")
    assert len(qs) == 1 and not qs[0].closed
    assert qs[0].end == len("“Armenia is making a historic mistake. Nobody abandoned it.")


def test_names_and_scare_quotes_are_not_statements():
    assert not is_statement_quote("Collective Security Treaty Organization", "The alliance ", True)
    assert not is_statement_quote("Crossroads of Peace", "the so-called ", True)
    assert not is_statement_quote("mini NATO", "The Moscow-led ", False)
    assert looks_like_name("Zvartnots")


def test_short_fragment_inside_reported_speech_is_a_statement():
    assert is_statement_quote("international guarantees", "He said he was ready if ", True)
    assert not is_statement_quote("international guarantees", "The ", False)


def test_full_sentences_are_statements_even_without_a_verb_nearby():
    assert is_statement_quote("We expect explanations from our partners.", "", False)
