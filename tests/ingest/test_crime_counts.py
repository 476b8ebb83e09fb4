"""`scn ingest crime-counts` (long months, wide months, yearly hate counts by strand, financial years, names instead
of codes, suppressed cells) and the police.uk file without a hate flag (unknown, never zero; a warning in the JSON
result naming where the city's hate crime comes from)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import openpyxl
import pytest

from scn import lake
from scn.ingest.ingest_warnings import published
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from tests.support.area_files import CODES, NAMES, balanced, boundaries, ingest_text, no_boundaries_yet
from tests.support.cli import scn
from tests.support.corpus import POLICE, police, prow


def counts() -> dict[tuple, int]:
    t = lake.read_table("crime_counts")
    return {(r.area_code, r.period, str(r.period_start)[:10], r.category, r.hate_strand, bool(r.is_hate)): int(r.count)
            for r in t.itertuples()}


def test_long_months_with_category_and_reingest(home: Path, tmp_path: Path) -> None:
    r = ingest_text("crime-counts", tmp_path, "monthly.csv",
        "Month,LSOA code,Crime type,Count\n"
        f"2022-03,{CODES[0]},Burglary,4\n"
        f"Mar-2022,{CODES[1]},Burglary,\"1,204\"\n"
        f"April 2022,{CODES[1]},Burglary,0\n"
        f"2022-04,{CODES[2]},Burglary,2.5\n"
        f"2022-13,{CODES[2]},Burglary,3\n"
        f"2022-05,{CODES[3]},Burglary,-1\n")
    assert (r.rows_read, r.accepted, r.quarantined) == (6, 3, 3)
    assert [e["reason"] for e in r.errors] == ["not a whole non-negative number", "period not understood (month, "
                                               "quarter or year)", "not a whole non-negative number"]
    assert counts() == {(CODES[0], "month", "2022-03-01", "Burglary", "", False): 4,
                        (CODES[1], "month", "2022-03-01", "Burglary", "", False): 1204,
                        (CODES[1], "month", "2022-04-01", "Burglary", "", False): 0}
    assert set(lake.read_table("crime_counts")["area_name"]) == {NAMES[0], NAMES[1]}
    again = balanced(ingest_file("crime-counts", tmp_path / "monthly.csv", city_id="london"))
    assert (again.accepted, again.duplicates, again.quarantined) == (0, 3, 3)
    assert lake.row_count("crime_counts") == 3 and lake.row_count("crimes") == 0  # never mixed with incidents


def test_wide_months_xlsx_with_major_minor_categories(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Recorded crime by LSOA"])
    ws.append(["LSOA Code", "MajorText", "MinorText", 202204, "2022-05", datetime.datetime(2022, 6, 1)])
    ws.append([CODES[0], "Theft", "Shoplifting", 3, 1, "c"])
    ws.append([CODES[1], "Theft", "Bicycle", 0, None, 2])
    path = tmp_path / "mps.xlsx"
    wb.save(path)
    r = balanced(ingest_file("crime-counts", path, city_id="london"))
    assert (r.rows_read, r.accepted, r.quarantined) == (6, 4, 2)
    assert {e["reason"] for e in r.errors} == {"suppressed or missing in source"}
    got = counts()
    assert got[(CODES[0], "month", "2022-04-01", "Theft / Shoplifting", "", False)] == 3
    assert got[(CODES[1], "month", "2022-06-01", "Theft / Bicycle", "", False)] == 2


def test_yearly_hate_counts_by_strand_with_names(home: Path, tmp_path: Path) -> None:
    r = ingest_text("crime-counts", tmp_path, "hate_by_ward.csv",
        "Ward,Year,Racist,Faith,Anti-Muslim,Antisemitic,Sexual orientation,Disability,Transphobic,"
        "Total hate crime\n"
        "Camden 001A,2022,5,1,0,2,1,0,0,8\n"
        "saint etienne ward,2022,3,..,1,0,0,1,*,5\n")
    assert (r.rows_read, r.accepted, r.quarantined) == (16, 14, 2)
    got = counts()
    assert got[(CODES[0], "year", "2022-01-01", "", "racist", True)] == 5
    assert got[(CODES[0], "year", "2022-01-01", "", "religious", True)] == 1
    assert got[(CODES[2], "year", "2022-01-01", "", "anti_muslim", True)] == 1
    assert got[(CODES[0], "year", "2022-01-01", "", "homophobic", True)] == 1
    assert got[(CODES[2], "year", "2022-01-01", "", "", True)] == 5  # the all-strand total
    assert set(lake.read_table("crime_counts")["hate_strand"]) == {
        "racist", "religious", "anti_muslim", "antisemitic", "homophobic", "disability", "transgender", ""}


def test_long_layout_with_a_hate_strand_column(home: Path, tmp_path: Path) -> None:
    """A column named "Hate strand" holds strands (it is not an all-strand total): one row per strand, none lost."""
    r = ingest_text("crime-counts", tmp_path, "strand_long.csv",
        "Area code,Month,Hate strand,Count\n"
        f"{CODES[0]},2022-01,Racist,4\n{CODES[0]},2022-01,Faith,2\n{CODES[0]},2022-01,Disability,1\n"
        f"{CODES[1]},2022-01,Racist,3\n", options={"hate": True})
    assert (r.rows_read, r.accepted, r.duplicates) == (4, 4, 0)
    assert counts() == {(CODES[0], "month", "2022-01-01", "", "racist", True): 4,
                        (CODES[0], "month", "2022-01-01", "", "religious", True): 2,
                        (CODES[0], "month", "2022-01-01", "", "disability", True): 1,
                        (CODES[1], "month", "2022-01-01", "", "racist", True): 3}


def test_financial_years_quarters_and_hate_flag(home: Path, tmp_path: Path) -> None:
    r = ingest_text("crime-counts", tmp_path, "fy.csv",
        "area code,financial year,offences\n"
        f"{CODES[0]},2021/22,7\n{CODES[0]},2022-23,9\n{CODES[1]},2022/23,[x]\n",
        options={"hate": True, "category": "All"})
    assert (r.accepted, r.quarantined) == (2, 1)
    assert counts() == {(CODES[0], "year", "2021-04-01", "All", "", True): 7,
                        (CODES[0], "year", "2022-04-01", "All", "", True): 9}
    quarters = tmp_path / "quarters.csv"
    quarters.write_text(f"code,2021 Q1,Q2 2021,2022/23 Q4\n{CODES[3]},1,2,3\n")
    r = balanced(ingest_file("crime-counts", quarters, city_id="london"))
    starts = sorted(str(d)[:10] for d in lake.read_table("crime_counts", where="area_code = ?",
                                                    params=[CODES[3]])["period_start"])
    assert (r.accepted, starts) == (3, ["2021-01-01", "2021-04-01", "2023-01-01"])


def test_unknown_area_and_no_period_and_no_boundaries(home: Path, tmp_path: Path) -> None:
    no_boundaries_yet("crime-counts", tmp_path, "c.csv", f"code,month,count\n{CODES[0]},2022-01,1\n")
    bad = tmp_path / "noperiod.csv"
    bad.write_text(f"code,count\n{CODES[0]},1\n")
    with pytest.raises(IngestError, match="no period"):
        ingest_file("crime-counts", bad, city_id="london")
    old = tmp_path / "old.csv"
    old.write_text("code,month,count\n" + "".join(f"E01{i:06d},2022-01,1\n" for i in range(1, 4))
                   + f"{CODES[0]},2022-01,2\n")
    r = balanced(ingest_file("crime-counts", old, city_id="london"))
    assert (r.accepted, r.quarantined) == (1, 3) and r.warnings[0]["code"] == "other_vintage"


def test_police_uk_without_hate_flag_is_unknown_and_reported(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    street = tmp_path / "2025-03-metropolitan-street.csv"
    header = POLICE.rsplit(",", 1)[0]
    street.write_bytes(police(*(prow(f"id{i}").rsplit(",", 1)[0] for i in range(3)), header=header))
    out = json.loads(scn("ingest", "crime", str(street), "--city", "london", "--json", home=home).stdout)
    assert (out["rows_read"], out["accepted"]) == (3, 3) and out["archived_to"]
    assert out["warnings"] == [{"code": "no_hate_flag", "city_id": "london", "hate_source": None}]
    crimes = lake.read_table("crimes")
    assert crimes["is_hate"].isna().all()  # unknown: never false, never zero hate crime
    hate = tmp_path / "hate_2025.csv"
    hate.write_text(f"lsoa,month,racist,religious\n{CODES[0]},2025-03,2,1\n")
    r = balanced(ingest_file("crime-counts", hate, city_id="london"))
    assert r.accepted == 2 and r.warnings == []
    shown = published()
    assert shown[["city_id", "code", "hate_source"]].values.tolist() == [["london", "no_hate_flag", "hate_2025.csv"]]
    again = tmp_path / "2025-04-metropolitan-street.csv"
    again.write_bytes(police(prow("id9", month="2025-04").rsplit(",", 1)[0], header=header))
    assert ingest_file("crime", again, city_id="london").warnings[0]["hate_source"] == "hate_2025.csv"
    assert published()["file"].str.endswith("2025-04-metropolitan-street.csv").tolist() == [True]  # once a city


@pytest.mark.parametrize(("header", "named"), [
    ("Racist,Faith,Total,total", "columns 'Total' and 'total' each give the all-strand total"),
    ("Racist,Faith,Total hate crime,Hate crimes total", "'Total hate crime' and 'Hate crimes total'"),
    ("Racist,Faith,Total hate crime,Total hate crime", "'Total hate crime' and 'Total hate crime'"),  # repeated
    ("Racist,Faith,Religious,Total", "columns 'Faith' and 'Religious' each count the religious strand"),
    ("Racist,Racist total,Faith,Total", "columns 'Racist' and 'Racist total' each count the racist strand"),
])
def test_two_columns_for_one_strand_or_total_are_refused_naming_them(home: Path, tmp_path: Path, header: str,
                                                                     named: str) -> None:
    boundaries(tmp_path)
    path = tmp_path / "strands_twice.csv"
    path.write_text(f"Ward,Year,{header}\nCamden 001A,2022,5,1,6,7\n")
    with pytest.raises(IngestError, match="ambiguous hate strand columns") as err:
        ingest_file("crime-counts", path, city_id="london")
    assert str(err.value).startswith("strands_twice.csv: ") and named in str(err.value)
    assert not lake.has_table("crime_counts") or lake.row_count("crime_counts") == 0


def test_a_plain_total_beside_strands_is_their_total_and_a_strand_total_is_the_strand(home: Path,
                                                                                     tmp_path: Path) -> None:
    r = ingest_text("crime-counts", tmp_path, "strand_totals.csv",
                    "Ward,Year,Racist total,Total faith,Total\nCamden 001A,2022,5,1,6\n")
    assert (r.accepted, r.quarantined) == (3, 0)
    assert counts() == {(CODES[0], "year", "2022-01-01", "", "racist", True): 5,
                        (CODES[0], "year", "2022-01-01", "", "religious", True): 1,
                        (CODES[0], "year", "2022-01-01", "", "", True): 6}


def test_one_key_with_two_counts_stores_neither(home: Path, tmp_path: Path) -> None:
    """A file with a line per police division under one area and month: the two counts of one key were kept as
    "the first, and a duplicate" (3 stored where the file says 3 and 4). Which number is meant is unknown: both
    rows are quarantined, naming each other; a row repeated with the same count stays a duplicate."""
    r = ingest_text("crime-counts", tmp_path, "divisions.csv",
        "Month,LSOA code,Crime type,Division,Count\n"
        f"2024-05,{CODES[0]},Burglary,North,3\n"
        f"2024-05,{CODES[0]},Burglary,South,4\n"
        f"2024-05,{CODES[1]},Burglary,North,2\n"
        f"2024-05,{CODES[1]},Burglary,North,2\n")
    assert (r.accepted, r.quarantined, r.duplicates) == (1, 2, 1)
    assert [e["row"] for e in r.errors] == [2, 3] and {e["field"] for e in r.errors} == {"count"}
    assert all(e["reason"].startswith("rows 2, 3 hold the same area code, period") for e in r.errors)
    assert counts() == {(CODES[1], "month", "2024-05-01", "Burglary", "", False): 2}


def test_periods_no_record_can_have_are_quarantined(home: Path, tmp_path: Path) -> None:
    """2099-01 and 1890-01 were accepted as periods (a typo'd year, a placeholder)."""
    r = ingest_text("crime-counts", tmp_path, "years.csv",
        "Month,LSOA code,Crime type,Count\n"
        f"2099-01,{CODES[0]},Burglary,4\n"
        f"1890-01,{CODES[1]},Burglary,5\n"
        f"2024-01,{CODES[2]},Burglary,6\n")
    assert (r.accepted, r.quarantined) == (1, 2)
    assert [e["reason"] for e in r.errors] == ["period outside 1900..next year"] * 2
