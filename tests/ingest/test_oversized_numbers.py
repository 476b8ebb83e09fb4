"""Numbers no count, year or population can be (found by a careless partner and an attacker): ``99999999999999999999``
and ``1e300`` counts were stored as -9223372036854775808 (an int64 overflow), and an ``inf`` or 20-digit
population, year or amount failed the whole file with a TypeError naming no row. Each is now a row of its own in
quarantine, "not a number" or "not a whole number", with the file's other rows kept."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from scn import lake
from scn.ingest.parse import MAX_WHOLE, parse_float, parse_int
from scn.ingest.pipeline import ingest_file
from tests.support.area_files import CODES, balanced, ingest_text

HUGE = ["99999999999999999999", "1e300", "inf", "-inf", "1e400", "nan", "NaN", "Infinity"]


def test_parse_keeps_finite_numbers_only() -> None:
    f = parse_float(pd.Series(["3", "2,5", *HUGE, None]))
    assert f.iloc[0] == 3 and f.iloc[1] == 2.5 and f.iloc[-1] != f.iloc[-1]
    assert f.iloc[2] == 1e20 and f.iloc[3] == 1e300  # finite: too large for a whole number (below)
    assert f.iloc[4:-1].isna().all()  # inf, -inf, 1e400, nan: not numbers
    values, ok = parse_int(pd.Series(["7", str(MAX_WHOLE), str(MAX_WHOLE + 1), *HUGE, None, "2.5"]))
    assert values.iloc[0] == 7 and values.iloc[1] == MAX_WHOLE
    assert ok.tolist() == [True, True, False] + [False] * len(HUGE) + [True, False]
    assert values.iloc[2:].isna().all()  # nothing wrapped around


def test_huge_counts_are_quarantined_not_stored_negative(home: Path, tmp_path: Path) -> None:
    rows = "".join(f"2024-0{i + 1},{CODES[i % len(CODES)]},Burglary,{v}\n" for i, v in enumerate(HUGE[:5]))
    r = ingest_text("crime-counts", tmp_path, "huge.csv", f"Month,LSOA code,Crime type,Count\n2024-06,{CODES[0]},"
                    f"Burglary,3\n{rows}")
    assert (r.accepted, r.quarantined) == (1, 5)
    assert {e["field"] for e in r.errors} == {"Count"}
    counts = lake.read_table("crime_counts")["count"]
    assert counts.tolist() == [3] and (counts >= 0).all()


def test_huge_populations_years_and_amounts_fail_their_row_only(home: Path, tmp_path: Path) -> None:
    feats = []
    for i, pop in enumerate(["100", "inf", "99999999999999999999", "1e400"]):
        x = -0.2 + 0.01 * i
        ring = [[x, 51.5], [x + 0.01, 51.5], [x + 0.01, 51.51], [x, 51.51], [x, 51.5]]
        feats.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                      "properties": {"area_code": CODES[i], "area_name": f"Area {i}", "population": pop}})
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    r = balanced(ingest_file("boundaries", path, city_id="london"))
    assert (r.accepted, r.quarantined) == (1, 3) and {e["field"] for e in r.errors} == {"population"}
    cities = tmp_path / "cities.csv"
    cities.write_text("city_id,name,country,country_code,region,lat,lon,population\n"
                      "newtown,Newtown,Norway,NO,Europe,60.0,10.0,50000\n"
                      "bigtown,Bigtown,Norway,NO,Europe,60.1,10.1,1e25\n"
                      "inftown,Inftown,Norway,NO,Europe,60.2,10.2,inf\n")
    r = balanced(ingest_file("cities", cities))
    assert (r.accepted, r.quarantined) == (1, 2) and {e["field"] for e in r.errors} == {"population"}
    grants = tmp_path / "grants.csv"
    grants.write_text("grant_id,city_id,programme_line,recipient_org,amount,currency,year\n"
                      "G-1,london,innovation_grant,Org,1000,EUR,2025\n"
                      "G-2,london,innovation_grant,Org,inf,EUR,2025\n"
                      "G-3,london,innovation_grant,Org,5,EUR,99999999999999999999\n")
    r = balanced(ingest_file("programme", grants, city_id="london"))
    assert (r.accepted, r.quarantined) == (1, 2)
    assert sorted(e["field"] for e in r.errors) == ["amount", "year"]
    assert np.isfinite(lake.read_table("programme_grants")["amount"]).all()
