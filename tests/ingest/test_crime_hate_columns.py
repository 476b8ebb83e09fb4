"""A generic crime file's hate information: a hate column under a name the synonyms do not list is still read; a
file with no hate information at all is unknown (NULL, warned), never "not hate" (docs/your-data.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest.pipeline import ingest_file
from tests.support.homes import home  # noqa: F401  (fixture)

ROWS = ["c1,2025-03-01T10:00:00Z,assault,{a}", "c2,2025-03-02T10:00:00Z,theft,{b}"]


def _hate(tmp_path: Path, header: str, a: str = "Y", b: str = "N") -> tuple[list, list]:
    path = tmp_path / "crimes.csv"
    path.write_text("\n".join([f"id,time,category,{header}", *(r.format(a=a, b=b) for r in ROWS), ""]))
    result = ingest_file("crime", path, city_id="london")
    got = lake.read_table("crimes", ["crime_id", "is_hate"]).sort_values("crime_id")["is_hate"]
    return [None if pd.isna(v) else bool(v) for v in got], [w["code"] for w in result.warnings]


@pytest.mark.parametrize("header", ["Hate crime (Y/N)", "HateCrime", "hate_motivated", "Is hate?"])
def test_a_hate_column_under_another_name_is_read(home: Path, tmp_path: Path, header: str) -> None:  # noqa: F811
    assert _hate(tmp_path, header) == ([True, False], [])


@pytest.mark.parametrize("header", ["flag_h", "notes"])
def test_no_hate_information_is_unknown_and_warned_never_not_hate(home: Path, tmp_path: Path,  # noqa: F811
                                                                   header: str) -> None:
    assert _hate(tmp_path, header) == ([None, None], ["no_hate_flag"])


def test_two_columns_that_could_be_the_flag_are_not_guessed(home: Path, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "crimes.csv"
    path.write_text("id,time,category,hate_victim,hate_suspect\nc1,2025-03-01T10:00:00Z,assault,Y,N\n")
    result = ingest_file("crime", path, city_id="london")
    assert lake.read_table("crimes", ["is_hate"])["is_hate"].isna().all()
    assert [w["code"] for w in result.warnings] == ["no_hate_flag"]


def test_a_known_bias_column_still_decides(home: Path, tmp_path: Path) -> None:  # noqa: F811
    assert _hate(tmp_path, "bias_motivation", a="religion", b="none") == ([True, False], [])
