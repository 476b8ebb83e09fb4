"""Big tables: a JSON Lines file was read whole (its text, then a list of its lines, then a DuckDB copy: a 300 MB
file took 2.6 GB), and the workbooks' cell limit refused CSV and JSON Lines files that stream (a 342 MB CSV of
5,000,001 rows x 10 columns). Each test failed on the code before its fix."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from scn import lake
from scn.ingest import readers
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from scn.settings import override
from tests.support.corpus import HEADER, jsonl, ok_rows, post_obj, posts

PROBE = r"""
import re, sys
from pathlib import Path
from scn.ingest import readers
def status(key):
    return int(re.search(rf"{key}:\s+(\d+) kB", Path("/proc/self/status").read_text())[1]) * 1024
readers.read_tabular(Path(sys.argv[1]))  # DuckDB, Arrow and the codecs loaded: their memory is not the file's
Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from the memory held now
before = status("VmRSS")
table = readers.read_tabular(Path(sys.argv[2]))
print(len(table.frame), len(table.bad_rows), before, status("VmHWM"))
"""


def _posts_jsonl(path: Path, n: int) -> int:
    """``n`` posts of 150-250 bytes a line (text with accents and an Arabic word), a few bad lines among them;
    returns the file's size."""
    words = "the council met residents about hate speech online and the programme café مدينة".split()
    lines = [json.dumps({"id": i, "created_at": "2025-03-01T10:00:00Z", "text": " ".join(words[: 6 + i % 7]) + f" {i}",
                         "lang": "en", "lat": 51.5, "lon": -0.12, "author": f"handle{i}", "platform": "x"},
                        ensure_ascii=False) for i in range(n)]
    lines[n // 2] = '{"id": 1, "text": '  # a cut line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def test_a_big_json_lines_file_takes_little_more_memory_than_its_size(tmp_path: Path) -> None:
    """Peak memory growth while a 48 MB JSON Lines file is read (in a process of its own, after a warm-up read):
    under 4 times its size (it was 8.8 times: the whole text, its lines as Python strings, a DuckDB copy; 2.4 now)."""
    big, tiny = tmp_path / "big.jsonl", tmp_path / "tiny.jsonl"
    size = _posts_jsonl(big, 240_000)
    _posts_jsonl(tiny, 5)
    assert size > 40 << 20
    out = subprocess.run([sys.executable, "-c", PROBE, str(tiny), str(big)], capture_output=True, text=True,
                         cwd=tmp_path, check=True).stdout.split()
    rows, bad, before, peak = map(int, out)
    assert (rows, bad) == (239_999, 1)
    assert peak - before < 4 * size, f"peak grew {(peak - before) / 2**20:.0f} MB for a {size / 2**20:.0f} MB file"


def test_a_json_lines_file_of_old_mac_line_ends_is_read_in_blocks_too(tmp_path: Path) -> None:
    """Lines ending in ``\r`` only (an old Mac's): the streaming reader completed each block to the next ``\n``, so
    such a file was one block, its text and every line held at once (6.1 times its size, 2.4 for ``\n``); a file
    of them over ``SCN_INGEST_MAX_LINE_BYTES`` was refused as one long line. Probed as the test above."""
    big, tiny = tmp_path / "big.jsonl", tmp_path / "tiny.jsonl"
    size = _posts_jsonl(big, 240_000)
    big.write_bytes(big.read_bytes().replace(b"\n", b"\r"))
    _posts_jsonl(tiny, 5)
    out = subprocess.run([sys.executable, "-c", PROBE, str(tiny), str(big)], capture_output=True, text=True,
                         cwd=tmp_path, check=True).stdout.split()
    rows, bad, before, peak = map(int, out)
    assert (rows, bad) == (239_999, 1)
    assert peak - before < 4 * size, f"peak grew {(peak - before) / 2**20:.0f} MB for a {size / 2**20:.0f} MB file"


@pytest.mark.parametrize("block", [3, 7, 64, readers.BLOCK_BYTES])
def test_json_lines_are_the_same_lines_whatever_the_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        block: int) -> None:
    """Every line end (``\n``, ``\r\n``, ``\r``, mixed in one file, a ``\r\n`` cut by a block's end) ends one line:
    the same objects under the same line numbers whatever the block size; a file of many short ``\r`` lines is
    not one long line for ``SCN_INGEST_MAX_LINE_BYTES``."""
    monkeypatch.setattr(readers, "BLOCK_BYTES", block)
    path = tmp_path / "mixed.jsonl"
    ends = ["\n", "\r\n", "\r", "\r\n", "\r", "\n\r", "\r\r\n", "\r", "\r", "\r", "\r", ""]
    path.write_bytes("".join(f'{{"id": "{i}", "text": "t{i}"}}{end}' for i, end in enumerate(ends)).encode())
    with override(ingest_max_line_bytes=64):
        table = readers.read_jsonl(path)
    assert table.bad_rows.empty
    assert table.frame["id"].tolist() == [str(i) for i in range(len(ends))]
    assert table.frame[readers.ROW].tolist() == [1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14]  # "\n\r", "\r\r\n": a
    # blank line each


def test_a_line_separator_inside_a_json_string_does_not_end_the_line(tmp_path: Path) -> None:
    """U+2028, U+2029 and U+0085 are valid, unescaped, inside a JSON string; the reader split lines at them (and
    lost the post as two bad lines). A line ends at \\n, \\r\\n or \\r only."""
    path = tmp_path / "p.jsonl"
    texts = ["first\u2028second", "para\u2029graph", "next\x85line"]
    path.write_bytes(jsonl(*(post_obj(i, text=t) for i, t in enumerate(texts))) + b'{"id": 9}\r{"id": 10}\r\n')
    table = readers.read_jsonl(path)
    assert table.bad_rows.empty
    assert table.frame["text"].tolist()[:3] == texts
    assert table.frame[readers.ROW].tolist() == [1, 2, 3, 4, 5]


@pytest.mark.usefixtures("home")
def test_a_csv_over_the_workbooks_cell_limit_streams_in(tmp_path: Path) -> None:
    """A CSV streams (Arrow batches into an Arrow-backed frame): it is held to the tables' cell limit, not the
    workbooks' (a 342 MB CSV of 5,000,001 rows x 10 columns was refused by ``SCN_INGEST_XLSX_MAX_CELLS``), and so
    is a JSON Lines file."""
    csv_path, jsonl_path = tmp_path / "posts.csv", tmp_path / "posts.jsonl"
    csv_path.write_bytes(posts(*ok_rows(300)))
    jsonl_path.write_bytes(jsonl(*(post_obj(i) for i in range(1000, 1300))))
    with override(ingest_xlsx_max_cells=1_000):
        assert ingest_file("social", csv_path, city_id="london").accepted == 300
        assert ingest_file("social", jsonl_path, city_id="london").accepted == 300
        book = tmp_path / "posts.xlsx"  # a workbook keeps the workbooks' limit
        wb = openpyxl.Workbook()
        for values in csv.reader([HEADER, *ok_rows(300)]):
            wb.active.append(values)
        wb.save(book)
        with pytest.raises(IngestError, match=r"^posts\.xlsx: .*the limit is 1000, SCN_INGEST_XLSX_MAX_CELLS"):
            ingest_file("social", book, city_id="london")


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("name", ["posts.csv", "posts.jsonl"])
def test_a_table_over_the_tables_cell_limit_is_refused_naming_it(tmp_path: Path, name: str) -> None:
    """Empty cells cost some 15 bytes each at the read's peak and a byte in the file: past
    ``SCN_INGEST_TABLE_MAX_CELLS`` the file is refused before its frame is built, naming the file and the limit."""
    path = tmp_path / name
    path.write_bytes(posts(*ok_rows(300)) if name.endswith(".csv") else jsonl(*(post_obj(i) for i in range(300))))
    columns = 10 if name.endswith(".csv") else len(post_obj(0))
    with override(ingest_table_max_cells=300 * columns - 1):
        with pytest.raises(IngestError, match=rf"^{name.replace('.', '[.]')}: .*cells \(the limit is "
                                              rf"{300 * columns - 1:,}, SCN_INGEST_TABLE_MAX_CELLS\)"):
            ingest_file("social", path, city_id="london")
    with override(ingest_table_max_cells=300 * columns):
        assert ingest_file("social", path, city_id="london").accepted == 300


# ------------------------------------------------------------------------------------- messy partner files
@pytest.mark.usefixtures("home")
def test_trailing_empty_columns_are_read_and_nothing_else_is_padded(tmp_path: Path) -> None:
    """A spreadsheet saved as CSV with empty columns after the last one: rows ending in ``,,,`` under a header
    without them, or a header ending in ``,,,`` over rows without them. Every row was quarantined (``expected 10
    fields, found 13``). Empty trailing fields are dropped and unnamed trailing columns padded; a row with a value
    past the header, or short of a named column, is still quarantined naming its row."""
    rows = [r + ",,," for r in ok_rows(3)] + [ok_rows(1, start=4)[0] + ",,x", ok_rows(1, start=5)[0].rsplit(",", 2)[0]]
    rows_only = tmp_path / "rows-only.csv"
    rows_only.write_bytes(posts(*rows))
    result = ingest_file("social", rows_only, city_id="london")
    assert (result.rows_read, result.accepted, result.quarantined) == (5, 3, 2)
    q = lake.read_table("quarantine")
    assert sorted(q.loc[q["file"].str.endswith("rows-only.csv"), ["row", "reason"]].itertuples(index=False)) == [
        (4, "expected 10 fields, found 12"), (5, "expected 10 fields, found 8")]
    header_only = tmp_path / "header-only.csv"
    header_only.write_bytes(posts(*ok_rows(3, start=10), header=HEADER + ",,,"))
    assert ingest_file("social", header_only, city_id="london").accepted == 3


@pytest.mark.usefixtures("home")
def test_excel_date_serials_are_read_as_the_dates_they_count(tmp_path: Path) -> None:
    """A date column Excel formatted as General is saved as its serial: days since 1899-12-30, a fraction for the
    time (45717.5 is 2025-03-01 12:00). Every such row was quarantined ``not a valid date/time``; a serial is a
    date now (a wall clock, like a date written without an offset), and one outside 1990..today is quarantined
    as out of range, naming its row and field."""
    path = tmp_path / "p.csv"
    path.write_bytes(posts("1,45717.5,noon post,en,51.5,-0.12,,u1,x,", "2,45717,midnight post,en,51.5,-0.12,,u2,x,",
                           '3,"45717,75",decimal comma,en,51.5,-0.12,,u3,x,', "4,12000,too early,en,51.5,-0.12,,u4,x,"))
    result = ingest_file("social", path, city_id="london")
    assert (result.accepted, result.quarantined) == (3, 1)
    got = lake.read_table("posts").set_index("text")["created_at"].dt.strftime("%Y-%m-%d %H:%M").to_dict()
    assert got == {"noon post": "2025-03-01 12:00", "midnight post": "2025-03-01 00:00",
                   "decimal comma": "2025-03-01 18:00"}
    q = lake.read_table("quarantine")
    assert q[["row", "field"]].values.tolist() == [[4, "created_at"]] and "outside" in q["reason"].iloc[0]
    programme = tmp_path / "activities.csv"
    programme.write_bytes(b"activity_id,programme_line,activity_type,title,host_city,country,city_id,start_date,"
                          b"end_date\nA1,Training,workshop,T,Saida,Lebanon,saida,45717,45718.25\n")
    assert ingest_file("programme", programme).accepted == 1
    dates = lake.read_table("programme_activities")[["start_date", "end_date"]].astype(str).values.tolist()
    assert dates == [["2025-03-01", "2025-03-02"]]


@pytest.mark.usefixtures("home")
def test_a_header_row_repeated_mid_file_is_quarantined_as_one(tmp_path: Path) -> None:
    """Two exports joined into one file: the second's header row was read as data (a post quarantined on
    ``created_at; lat; lon``, a survey response on each question). It is quarantined as what it is, naming its
    row; the rows around it load."""
    path = tmp_path / "joined.csv"
    path.write_bytes(posts(*ok_rows(2), HEADER, *ok_rows(2, start=3)))
    result = ingest_file("social", path, city_id="london")
    assert (result.rows_read, result.accepted, result.quarantined) == (5, 4, 1)
    q = lake.read_table("quarantine")
    assert q[["row", "field", "reason"]].values.tolist() == [[3, "(row)", "the header row again (two files joined?)"]]


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl", ".json"])
def test_a_header_row_repeated_in_a_workbook_or_json_lines_is_quarantined_as_one(tmp_path: Path, suffix: str) -> None:
    """The repeated-header check was the CSV reader's only: two sheets pasted into one (the second's header row
    under the first's rows), or such a file turned into JSON Lines or a JSON array (an object whose every value is
    its own key),
    had that row read as a post and quarantined on ``created_at; lat; lon``. It is the header row again, naming
    its row, in every tabular reader; the rows around it load."""
    rows = [*csv.reader([*ok_rows(2), HEADER, *ok_rows(2, start=3)])]
    names = next(csv.reader([HEADER]))
    path = tmp_path / f"joined{suffix}"
    if suffix == ".xlsx":
        wb = openpyxl.Workbook()
        for values in [names, *rows]:
            wb.active.append([v if v != "" else None for v in values])
        wb.save(path)
    else:
        objects = [{k: v for k, v in zip(names, values, strict=True) if v != ""} for values in rows]
        path.write_text("".join(json.dumps(o) + "\n" for o in objects) if suffix == ".jsonl" else json.dumps(objects),
                        encoding="utf-8")
    result = ingest_file("social", path, city_id="london")
    assert (result.rows_read, result.accepted, result.quarantined) == (5, 4, 1)
    q = lake.read_table("quarantine")
    assert q[["row", "field", "reason"]].values.tolist() == [[3, "(row)", "the header row again (two files joined?)"]]


@pytest.mark.usefixtures("home")
def test_a_csv_with_ragged_rows_streams_and_quarantines_only_those_rows(tmp_path: Path) -> None:
    """A CSV with a row of the wrong width fell whole to the stdlib reader (every record a Python list, held to the
    workbooks' cell limit): a big file with one ragged row was refused (``SCN_INGEST_XLSX_MAX_CELLS``) or slow.
    The rows of the file's width stream as any CSV's; only the ragged ones are read as lists, quarantined naming
    their record (a quoted newline does not start one), a spreadsheet's empty trailing fields still cut."""
    good = ok_rows(300)
    good[10] = good[10].replace("post number 11", '"two\nlines"')  # a record over two lines: the numbers are records'
    rows = [*good[:50], ok_rows(1, start=900)[0] + ",extra", *good[50:200], ok_rows(1, start=901)[0].rsplit(",", 3)[0],
            *good[200:250], ok_rows(1, start=902)[0] + ",,", "", *good[250:]]
    path = tmp_path / "ragged.csv"
    path.write_bytes(posts(*rows))
    with override(ingest_xlsx_max_cells=1_000):
        table = readers.read_csv(path)
        result = ingest_file("social", path, city_id="london")
    assert sorted(table.bad_rows[[readers.ROW, "reason"]].itertuples(index=False)) == [
        (51, "expected 10 fields, found 11"), (202, "expected 10 fields, found 7")]
    assert table.frame[readers.ROW].tolist() == [*range(1, 51), *range(52, 202), *range(203, 304)]  # a blank line: none
    assert table.frame["text"].str.contains("\n").sum() == 1 and table.frame["id"].iloc[250] == "902"
    assert (result.rows_read, result.accepted, result.quarantined) == (303, 301, 2)


@pytest.mark.usefixtures("home")
def test_a_spreadsheets_trailing_commas_stream_whatever_the_workbooks_limit(tmp_path: Path) -> None:
    """Every row ending ``,,,`` under a header without them (or a header ending ``,,,`` over rows without them) is
    the usual spreadsheet export: every row was ragged, so the whole file was read as lists under the workbooks'
    cell limit. It streams; a row with a value past the header is still quarantined naming its row."""
    rows = [r + ",,," for r in ok_rows(300)]
    rows[7] += "x"
    path = tmp_path / "trailing.csv"
    path.write_bytes(posts(*rows))
    header = tmp_path / "header.csv"
    header.write_bytes(posts(*ok_rows(300, start=1000), header=HEADER + ",,,"))
    with override(ingest_xlsx_max_cells=1_000):
        table = readers.read_csv(path)
        assert table.bad_rows[[readers.ROW, "reason"]].values.tolist() == [[8, "expected 10 fields, found 13"]]
        assert len(table.frame) == 299 and list(table.frame.columns) == [*next(csv.reader([HEADER])), readers.ROW]
        assert ingest_file("social", header, city_id="london").accepted == 300
