"""A partial or re-sent registry file (``inbox/cities/*.csv``) speaks only for the columns it has: a file without
``steering_committee`` (or ``population``, ``joined_year``, ``continent``, ``themes``, ``timezone``, ``left_year``)
changes nothing of that field for the cities it lists; a file with the column speaks for every city it lists (as
``left_year`` does, tests/pipeline/test_former_members.py).

Was: a file without ``steering_committee`` took every city it listed off the steering committee (the parser wrote
False for a missing column, and the newest part's False won in stg_cities).

Registry files go through the real ingest, then ``dbt build`` of ``cities`` and its parents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.lake import ensure_tables
from scn.settings import override
from tests.support.dbt_world import dbt_build
from tests.support.homes import home  # noqa: F401  (fixture)

REQUIRED = "city_id,name,country,country_code,region,lat,lon"
FULL = REQUIRED + ",continent,population,steering_committee,joined_year,themes,timezone,left_year"
CITIES = {"mombasa": "mombasa,Mombasa,Kenya,KE,Sub-Saharan Africa,-4.0435,39.6682",
          "tromso": "tromso,Tromsø,Norway,NO,Europe,69.6492,18.9553"}
OPTIONAL = {"mombasa": ",Africa,1200000,yes,2016,youth;hate,Africa/Nairobi,",
            "tromso": ",Europe,77000,no,2018,schools,Europe/Oslo,2024"}


@pytest.fixture(autouse=True)
def _in_home(home: Path) -> Iterator[None]:  # noqa: F811
    with override(home=home):
        yield


def _send(path: Path, header: str, rows: list[str]) -> None:
    path.write_text(header + "\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    ingest_file("cities", path)


def _cities(home: Path) -> pd.DataFrame:  # noqa: F811
    ensure_tables()
    dbt_build(home, "--select", "+cities", "--exclude", "test_type:unit", "--indirect-selection", "cautious")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select * from cities order by city_id").df().set_index("city_id")


def test_a_file_without_the_optional_columns_keeps_what_an_earlier_file_said(home: Path,  # noqa: F811
                                                                             tmp_path: Path) -> None:
    _send(tmp_path / "cities.csv", FULL, [CITIES[c] + OPTIONAL[c] for c in CITIES])
    _send(tmp_path / "kenya.csv", REQUIRED, [CITIES["mombasa"].replace("-4.0435", "-4.05")])  # a partial file
    _send(tmp_path / "norway.csv", REQUIRED, [CITIES["tromso"].replace("Tromsø", "Tromso")])
    assert lake.row_count("quarantine") == 0
    assert lake.row_count("cities") == 4  # each re-sent city changed (lat, name): written again
    got = _cities(home)
    assert got.loc["mombasa", "lat"] == -4.05 and got.loc["tromso", "name"] == "Tromso"  # what the files said
    # ... and nothing else: every optional field as the full file gave it
    assert bool(got.loc["mombasa", "steering_committee"]) is True  # was False
    assert bool(got.loc["tromso", "steering_committee"]) is False
    assert got["population"].tolist() == [1200000, 77000]
    assert got["joined_year"].tolist() == [2016, 2018]
    assert got["continent"].tolist() == ["Africa", "Europe"]
    assert got["themes"].tolist() == ["youth;hate", "schools"]
    assert got["timezone"].tolist() == ["Africa/Nairobi", "Europe/Oslo"]
    assert pd.isna(got.loc["mombasa", "left_year"]) and got.loc["tromso", "left_year"] == 2024


def test_a_file_with_the_steering_column_speaks_for_every_city_it_lists(home: Path,  # noqa: F811
                                                                        tmp_path: Path) -> None:
    _send(tmp_path / "cities.csv", FULL, [CITIES[c] + OPTIONAL[c] for c in CITIES])
    # mombasa leaves the committee (no), tromso joins it (yes)
    _send(tmp_path / "steering.csv", REQUIRED + ",steering_committee",
          [CITIES["mombasa"] + ",no", CITIES["tromso"] + ",yes"])
    got = _cities(home)
    assert got["steering_committee"].astype(bool).tolist() == [False, True]
    _send(tmp_path / "steering-2.csv", REQUIRED + ",steering_committee", [CITIES["tromso"] + ","])
    assert bool(_cities(home).loc["tromso", "steering_committee"]) is False  # a blank cell in the column: no


def test_the_parser_says_nothing_of_a_column_the_file_has_not(tmp_path: Path) -> None:
    """The lake row of a file without ``steering_committee`` holds null there (nothing said), not False."""
    from scn.ingest.cities import parse
    from scn.ingest.model import Source

    path = tmp_path / "kenya.csv"
    path.write_text(f"{REQUIRED}\n{CITIES['mombasa']}\n", encoding="utf-8")
    out = parse(Source(path=path, archived=path, kind="cities", city_id=None, sha256="0" * 64)).tables["cities"]
    assert out["steering_committee"].isna().all()
    assert out[["population", "joined_year", "continent", "themes", "timezone", "left_year", "member"]].isna().all(
        axis=None)
