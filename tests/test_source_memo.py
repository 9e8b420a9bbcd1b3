"""A rebuild replays the input files that did not change since the last build (same size and modification time)
instead of reading them again, and reads again whatever may have changed: an edited file, the files under a
changed ``sources.csv``, a file that was skipped, everything after a change of the extraction code. Whatever it
replays, the frames are the ones a build from scratch gives."""
import os

import pandas as pd
import pytest

from analysis import pipeline, reader
from analysis.document import RawArticle
from analysis.pipeline import build_corpus
from analysis.source_memo import KnownArticle, content_digest
from tests.test_corpus_pass import DATED, UNDATED
from tests.test_incremental import same_frames

PEACE = """Baku and Yerevan meet in Vienna
Published: 3 March 2024
By Tomas Berg, Danube Wire
Azerbaijani Foreign Minister Jeyhun Bayramov said the talks were "useful but far from a deal".
"""

GAS = """Moldova signs a gas deal
Published: 9 May 2024
Moldovan President Maia Sandu said the contract "ends a decade of blackmail".
"""


def build(paths, cache=None):
    return build_corpus(paths, cache_dir=cache, workers=1, sentiment="fast")


def same_as_fresh(result, paths):
    same_frames(result, build(paths))


@pytest.fixture()
def files_read(monkeypatch):
    """The names of the files the reader reads from now on."""
    names = []
    real = reader._read_file
    monkeypatch.setattr(reader, "_read_file", lambda path, name, *a: names.append(name) or real(path, name, *a))
    return names


def write(path, text, *, later_by_s=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if later_by_s:  # a file system with coarse times would give an edit made at once the old time
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + later_by_s * 1_000_000_000))


def test_only_new_files_are_read(tmp_path, files_read):
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "peace.txt", PEACE)
    write(folder / "copy.txt", UNDATED)
    build([folder], cache)
    files_read.clear()
    write(folder / "gas.txt", GAS)
    grown = build([folder], cache)
    assert files_read == ["gas.txt"]
    assert sorted(grown.articles["source"]) == ["copy.txt", "gas.txt", "peace.txt"]
    same_as_fresh(grown, [folder])


def test_an_edit_of_the_same_size_is_read_again(tmp_path, files_read):
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "peace.txt", PEACE)
    write(folder / "gas.txt", GAS)
    build([folder], cache)
    files_read.clear()
    write(folder / "gas.txt", GAS.replace("9 May", "8 May"), later_by_s=2)
    edited = build([folder], cache)
    assert files_read == ["gas.txt"]
    assert edited.articles.set_index("source").loc["gas.txt", "published"].day == 8
    same_as_fresh(edited, [folder])


def test_an_old_copy_dated_by_a_new_telling_is_read_again_for_its_text(tmp_path, files_read):
    """The undated copy's file is unchanged, but its statements are dated again from the new telling: its text
    comes back from the file."""
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "copy.txt", UNDATED)
    write(folder / "peace.txt", PEACE)
    build([folder], cache)
    files_read.clear()
    write(folder / "monitor.txt", DATED)
    dated = build([folder], cache)
    assert sorted(files_read) == ["copy.txt", "monitor.txt"]
    assert dated.articles.set_index("source").loc["copy.txt", "reference_evidence"].startswith("same quotation as monitor.txt")
    same_as_fresh(dated, [folder])


def test_a_changed_sidecar_reads_its_folder_again_and_only_it(tmp_path, files_read):
    wire, desk, cache = tmp_path / "wire", tmp_path / "desk", tmp_path / "cache"
    write(wire / "peace.txt", PEACE)
    write(wire / "sources.csv", "file,outlet\npeace.txt,Danube Wire\n")
    write(desk / "gas.txt", GAS)
    build([wire, desk], cache)
    files_read.clear()
    write(wire / "sources.csv", "file,outlet\npeace.txt,Alpine Post\n", later_by_s=2)
    again = build([wire, desk], cache)
    assert files_read == ["peace.txt"]
    assert again.articles.set_index("source").loc["peace.txt", "outlet"] == "Alpine Post"
    same_as_fresh(again, [wire, desk])


def test_a_changed_sidecar_reads_the_files_below_it_again(tmp_path, files_read):
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    write(corpus / "wire" / "peace.txt", PEACE)
    write(corpus / "wire" / "sources.csv", "file,outlet\npeace.txt,Danube Wire\n")
    write(corpus / "desk" / "gas.txt", GAS)
    write(corpus / "copy.txt", UNDATED)
    build([corpus], cache)
    files_read.clear()
    write(corpus / "wire" / "sources.csv", "file,outlet\npeace.txt,Alpine Post\n", later_by_s=2)
    again = build([corpus], cache)
    assert files_read == ["wire/peace.txt"]
    assert again.articles.set_index("source").loc["wire/peace.txt", "outlet"] == "Alpine Post"
    same_as_fresh(again, [corpus])

    files_read.clear()
    write(corpus / "sources.csv", "file,outlet\ndesk/gas.txt,Prut Daily\n")  # above every file
    again = build([corpus], cache)
    assert sorted(files_read) == ["copy.txt", "desk/gas.txt", "wire/peace.txt"]
    assert again.articles.set_index("source").loc["desk/gas.txt", "outlet"] == "Prut Daily"
    same_as_fresh(again, [corpus])


def test_a_file_given_alone_follows_the_sidecar_beside_it(tmp_path):
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "gas.txt", GAS)
    write(folder / "sources.csv", "file,outlet\ngas.txt,Prut Daily\n")
    first = build([folder / "gas.txt"], cache)
    assert first.articles["outlet"].tolist() == ["Prut Daily"]
    write(folder / "sources.csv", "file,outlet\ngas.txt,Chisinau Times\n", later_by_s=2)
    again = build([folder / "gas.txt"], cache)
    assert again.articles["outlet"].tolist() == ["Chisinau Times"]


def test_a_skipped_file_is_read_again(tmp_path, files_read):
    """A skip may have a cause outside the file (permissions, a full disk): the next build tries it again."""
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "peace.txt", PEACE)
    write(folder / "notes.csv", "title,author\nA note,Me\n")  # no text column: skipped
    build([folder], cache)
    files_read.clear()
    write(folder / "gas.txt", GAS)
    again = build([folder], cache)
    assert sorted(files_read) == ["gas.txt", "notes.csv"]
    assert {r.file: r.status for r in again.report}["notes.csv"] == "skipped"


def test_rows_of_an_unchanged_table_are_replayed(tmp_path, files_read):
    folder, cache = tmp_path / "c", tmp_path / "cache"
    table = pd.DataFrame({"text": [PEACE, GAS], "outlet": ["Danube Wire", "Prut Daily"]})
    folder.mkdir()
    table.to_csv(folder / "news.csv", index=False)
    build([folder], cache)
    files_read.clear()
    write(folder / "copy.txt", UNDATED)
    again = build([folder], cache)
    assert files_read == ["copy.txt"]
    assert sorted(again.articles["source"]) == ["copy.txt", "news.csv#1", "news.csv#2"]
    same_as_fresh(again, [folder])


def test_other_extraction_code_reads_everything_again(tmp_path, files_read, monkeypatch):
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "peace.txt", PEACE)
    write(folder / "gas.txt", GAS)
    build([folder], cache)
    files_read.clear()
    write(folder / "copy.txt", UNDATED)
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda: "an edited step")
    build([folder], cache)
    assert sorted(files_read) == ["copy.txt", "gas.txt", "peace.txt"]


def test_a_known_article_reads_back_as_the_reader_read_it(tmp_path):
    folder = tmp_path / "c"
    write(folder / "sub" / "news.jsonl", '{"text": "First article, long enough."}\n{"text": "%s", "title": "Gas"}\n'
          % GAS.replace("\n", "\\n").replace('"', '\\"'))
    write(folder / "sources.csv", "file,outlet\nsub/news.jsonl#2,Prut Daily\n")
    read = [a for a in reader.iter_sources([folder]) if isinstance(a, RawArticle)]
    known = KnownArticle(read[1].source, "id", content_digest(read[1]), str(folder / "sub" / "news.jsonl"), str(folder))
    assert known.load() == read[1]
    assert known.load().hints["outlet"].value == "Prut Daily"
    stale = KnownArticle(read[1].source, "id", content_digest(read[0]), known.path, known.root)
    with pytest.raises(ValueError, match="no longer what was listed"):
        stale.load()


def lose_the_caches_but_the_index(cache):
    """The per-article results and the stored frames gone, the store's index (with what each file gave) kept."""
    for part in [*cache.glob("articles-v*.pkl"), *cache.glob("frames-v*.arrow")]:
        part.unlink()


def test_with_the_results_lost_unchanged_files_are_read_back_for_their_text(tmp_path, files_read):
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "peace.txt", PEACE)
    write(folder / "gas.txt", GAS)
    build([folder], cache)
    lose_the_caches_but_the_index(cache)
    files_read.clear()
    write(folder / "copy.txt", UNDATED)
    again = build([folder], cache)
    assert sorted(files_read) == ["copy.txt", "gas.txt", "peace.txt"]
    same_as_fresh(again, [folder])


def test_a_file_changed_between_listing_and_reading_is_reported_not_misread(tmp_path, monkeypatch):
    """Replayed, then read back for its text, it no longer says what was listed (a scraper rewrote it during the
    build): that article is reported, the others are built, and nothing is stored as if it had been read."""
    from analysis import source_memo
    folder, cache = tmp_path / "c", tmp_path / "cache"
    write(folder / "peace.txt", PEACE)
    write(folder / "gas.txt", GAS)
    build([folder], cache)
    lose_the_caches_but_the_index(cache)
    real = source_memo.read_file

    def rewritten_meanwhile(path, root):
        for item in real(path, root):
            if isinstance(item, RawArticle) and item.source == "gas.txt":
                item = RawArticle(item.source, item.text.replace("blackmail", "pressure"), item.hints)
            yield item

    monkeypatch.setattr(source_memo, "read_file", rewritten_meanwhile)
    write(folder / "copy.txt", UNDATED)
    result = build([folder], cache)
    status = {r.file: (r.status, r.reason) for r in result.report}
    assert status["gas.txt"][0] == "skipped" and "changed while the build ran" in status["gas.txt"][1]
    assert sorted(result.articles["source"]) == ["copy.txt", "peace.txt"]
    monkeypatch.setattr(source_memo, "read_file", real)
    same_as_fresh(build([folder], cache), [folder])
