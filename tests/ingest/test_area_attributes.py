"""`scn ingest area-attributes`: published area tables (wide years with title rows in XLSX, long, names instead of
codes, codes of another boundary vintage, suppressed cells), each with rows_read == accepted + quarantined +
duplicates and a re-ingest that only finds duplicates."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from scn import lake
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.ingest.result import IngestError
from tests.support.area_files import CODES, NAMES, balanced, boundaries, ingest_text, no_boundaries_yet


def attributes() -> dict[tuple[str, str, int], float]:
    t = lake.read_table("area_attributes")
    return {(a, c, int(y)): float(v) for a, c, y, v in zip(t["attribute"], t["area_code"], t["year"], t["value"],
                                                           strict=True)}


def test_wide_years_xlsx_with_title_rows_and_population_spelling(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Contents"
    notes.append(["This workbook holds population estimates"])
    ws = wb.create_sheet("Mid-year estimates")
    ws.append(["Mid-year population estimates, London LSOAs"])
    ws.append(["Source: Office for National Statistics"])
    ws.append([])
    ws.append(["LSOA 2021 Code", "LSOA 2021 Name", "Persons_All-Ages 2019", "Persons_All-Ages 2020", "Age 0-15 2020"])
    for i, code in enumerate(CODES[:4]):
        ws.append([code, NAMES[i], 1500 + i, "1,6" + f"{i:02d}", 300 + i])
    ws.append(["Note: figures rounded"])
    path = tmp_path / "sape.xlsx"
    wb.save(path)
    r = balanced(ingest_file("area-attributes", path, city_id="london"))
    assert (r.rows_read, r.accepted, r.quarantined, r.sheet) == (12, 12, 0, "Mid-year estimates")
    got = attributes()
    assert got[("population", CODES[0], 2019)] == 1500 and got[("population", CODES[2], 2020)] == 1602
    assert got[("age_0_15", CODES[3], 2020)] == 303
    rows = lake.read_table("area_attributes")
    assert set(rows["source_row"]) == {5, 6, 7, 8}  # lines of the sheet: title lines and header counted
    again = balanced(ingest_file("area-attributes", path, city_id="london"))
    assert (again.accepted, again.duplicates) == (0, 12) and lake.row_count("area_attributes") == 12


def test_years_only_columns_take_the_attribute_from_the_title(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    path = tmp_path / "estimates.csv"
    lines = ["Usual residents by LSOA,,", ",,", "code,2021,2022"] + [f"{c},{100 + i},{110 + i}"
                                                                     for i, c in enumerate(CODES)]
    path.write_text("\n".join(lines) + "\n")
    r = balanced(ingest_file("area-attributes", path, city_id="london"))
    assert (r.accepted, r.quarantined) == (12, 0)
    assert attributes()[("population", CODES[5], 2022)] == 115


def test_long_layout_with_names_instead_of_codes(home: Path, tmp_path: Path) -> None:
    r = ingest_text("area-attributes", tmp_path, "imd.csv",
        "ward,indicator,year,value\n"
        "camden 001a,IMD score,2019,21.5\n"
        "SAINT ETIENNE WARD,IMD score,2019,30.25\n"
        "Saint-Étienne Ward,Recent migrants (%),2019,12.5%\n"
        "Nowhere Ward,IMD score,2019,10\n")
    assert (r.rows_read, r.accepted, r.quarantined) == (4, 3, 1)
    assert r.errors == [{"row": 5, "field": "value", "reason": "area matches no boundary of london"}]
    got = attributes()
    assert got[("imd_score", CODES[2], 2019)] == 30.25 and got[("recent_migrants", CODES[2], 2019)] == 12.5
    assert got[("imd_score", CODES[0], 2019)] == 21.5


def test_codes_of_another_vintage_are_reported(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    old = [f"E01{i:06d}" for i in range(1, 9)]  # 2011 LSOAs: same family, no 2021 boundary has them
    path = tmp_path / "pop2011.csv"
    path.write_text("geography code,All Ages\n" + "".join(f"{c},{1000 + i}\n" for i, c in enumerate(old))
                    + f"{CODES[0]},999\n")
    r = balanced(ingest_file("area-attributes", path, city_id="london"))
    assert (r.rows_read, r.accepted, r.quarantined) == (9, 1, 8)
    assert r.warnings == [{"code": "other_vintage", "city_id": "london", "rows": 8, "of": 9, "example": old[0]}]
    assert all(e["reason"].startswith("code of another boundary vintage") for e in r.errors)
    assert lake.read_table("ingest_warnings")["code"].tolist() == ["other_vintage"]


def test_suppressed_cells_are_quarantined_not_zero(home: Path, tmp_path: Path) -> None:
    r = ingest_text("area-attributes", tmp_path, "groups.csv",
        "area,total,recent_migrants\n"
        f"{CODES[0]},\"1,234\",..\n{CODES[1]},-,c\n{CODES[2]},*,\n{CODES[3]},12,abc\n{CODES[4]},7,5.5\n")
    assert (r.rows_read, r.accepted, r.quarantined) == (10, 4, 6)
    reasons = [e["reason"] for e in r.errors]
    assert reasons.count("suppressed or missing in source") == 5 and reasons.count("not a number") == 1
    assert attributes() == {("population", CODES[0], 0): 1234.0, ("population", CODES[3], 0): 12.0,
                            ("population", CODES[4], 0): 7.0, ("recent_migrants", CODES[4], 0): 5.5}


def test_value_columns_and_missing_boundaries(home: Path, tmp_path: Path) -> None:
    path = no_boundaries_yet("area-attributes", tmp_path, "a.csv",
                             f"code,population,imd\n{CODES[0]},10,2.5\n")
    r = balanced(ingest_file("area-attributes", path, city_id="london", options={"value_columns": ["IMD"]}))
    assert (r.accepted, attributes()) == (1, {("imd", CODES[0], 0): 2.5})
    with pytest.raises(IngestError, match="no column named 'deprivation'"):
        ingest_file("area-attributes", path, city_id="london", options={"value_columns": ["deprivation"]})


def test_ons_workbook_with_a_sheet_per_year_from_the_inbox(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    wb = openpyxl.Workbook()
    wb.active.title = "Cover sheet"
    wb.active.append(["Lower layer Super Output Area population estimates"])
    for year in (2021, 2022):
        ws = wb.create_sheet(f"Mid-{year} LSOA 2021")
        ws.append([f"Mid-{year} population estimates for Lower layer Super Output Areas"])
        ws.append(["LAD 2021 Code", "LAD 2021 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total", "F0", "M90+"])
        for i, code in enumerate(CODES[:3]):
            ws.append(["E09000007", "Camden", code, NAMES[i], year - 1000 + i, 10 + i, 2])
    path = home / "inbox" / "area-attributes" / "london" / "sapelsoasyoa20212022.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    (r,) = ingest_inbox("area-attributes")
    assert (balanced(r).rows_read, r.accepted, r.quarantined, r.city_id) == (18, 18, 0, "london")
    assert r.sheet == "Mid-2021 LSOA 2021, Mid-2022 LSOA 2021"
    got = attributes()
    assert got[("population", CODES[1], 2021)] == 1022 and got[("population", CODES[2], 2022)] == 1024
    assert got[("f0", CODES[0], 2022)] == 10 and got[("m90_plus", CODES[0], 2021)] == 2
    assert ingest_inbox("area-attributes") == []


def test_national_file_skips_lines_of_other_districts(home: Path, tmp_path: Path) -> None:
    boundaries(tmp_path)
    others = [f"E01{i:06d}" for i in range(10)]  # other cities' LSOAs, same code family
    path = tmp_path / "england.csv"
    path.write_text("LAD code,LSOA code,Total\n" + "".join(f"E09000007,{c},{100 + i}\n" for i, c in enumerate(CODES))
                    + "".join(f"E06000001,{c},5\n" for c in others) + "E09000007,E01999999,7\n")
    r = balanced(ingest_file("area-attributes", path, city_id="london"))
    assert (r.rows_read, r.accepted, r.quarantined) == (7, 6, 1)  # the unknown code of a city district: quarantined
    assert r.warnings == [{"code": "other_vintage", "city_id": "london", "rows": 1, "of": 7, "example": "E01999999"},
                          {"code": "outside_city", "city_id": "london", "lines": 10, "column": "LAD code"}]
