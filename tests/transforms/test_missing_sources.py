"""A source a city never sent is null in every speech x crime mart, never 0; a quiet month of a source the city does
send stays 0 (a measurement). Built over its own small lake: Oslo sends posts only, Lyon crime records only,
London both (with a month of posts and no crime, and a month of crimes and no post)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scn.lake import ensure_tables
from scn.settings import override
from tests.support.cli import scn_home
from tests.support.dbt_world import C1, CRIMES_ENRICHED, POSTS_ENRICHED, _part, dbt_build

MARTS = ("city_month", "area_month", "cell_month", "area_week", "area_period")


def _posts(city: str, months: list[str]) -> pd.DataFrame:
    rows = pd.DataFrame({"month": months})
    rows["post_key"] = [f"{city}:{i}" for i in range(len(rows))]
    rows["city_id"] = city
    rows["created_at"] = pd.to_datetime(rows["month"] + "-10T12:00:00Z")
    rows["week"] = rows["created_at"].dt.strftime("%G-W%V")
    rows["lang"], rows["label"], rows["score_hate"], rows["assessed"] = "en", "hate", 0.9, True
    rows["method"], rows["target"], rows["model_version"], rows["precision"] = "model", None, "t", "cell"
    rows["lat"], rows["lon"], rows["area_code"], rows["cell"], rows["resolution"] = 51.5, -0.1, "E01", C1, 8
    return rows


def _crimes(city: str, months: list[str]) -> pd.DataFrame:
    rows = pd.DataFrame({"month": months})
    rows["crime_key"] = [f"{city}:{i}" for i in range(len(rows))]
    rows["city_id"] = city
    rows["occurred_at"] = pd.to_datetime(rows["month"] + "-10T12:00:00Z")
    rows["week"] = rows["occurred_at"].dt.strftime("%G-W%V")
    rows["category"], rows["is_hate"], rows["precision"] = "public-order", True, "cell"
    rows["lat"], rows["lon"], rows["area_code"], rows["cell"], rows["resolution"] = 51.5, -0.1, "E01", C1, 8
    return rows


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    home: Path = tmp_path_factory.mktemp("missing-sources")
    with scn_home(home), override(home=home):  # override: a settings override of a shared fixture wins otherwise
        _part("posts_enriched", pd.concat([_posts("london", ["2024-01"]), _posts("oslo", ["2024-01", "2024-02"])]),
              schema=POSTS_ENRICHED)
        _part("crimes_enriched", pd.concat([_crimes("london", ["2024-02"]), _crimes("lyon", ["2024-01"])]),
              schema=CRIMES_ENRICHED)
        ensure_tables()
        dbt_build(home, "--select", " ".join(f"+{m}" for m in MARTS), "--exclude", "test_type:unit",
                  "--indirect-selection", "cautious")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return {m: con.execute(f"select * from {m}").df() for m in MARTS}


@pytest.mark.parametrize("mart", MARTS)
def test_a_source_never_sent_is_null_and_a_quiet_month_is_zero(marts: dict[str, pd.DataFrame], mart: str) -> None:
    df = marts[mart]
    if "period_kind" in df.columns:
        df = df[df["period_kind"] == "month"]
    by = {(r.city_id, r.period): r for r in df.itertuples()}
    # never sent: null on every row of the city
    assert {"oslo", "lyon"} <= set(df["city_id"])
    assert df.loc[df["city_id"] == "lyon", ["posts", "flagged_posts"]].isna().all().all()
    if mart != "area_period":  # area_period: crimes are null wherever the city has no crime that period anyway
        assert df.loc[df["city_id"] == "oslo", ["crimes", "hate_crimes"]].isna().all().all()
    else:
        assert df.loc[df["city_id"] == "oslo", "hate_source"].eq("none").all()
    if mart == "city_month":
        assert df.loc[df["city_id"] == "lyon", "not_assessed_posts"].isna().all()
    # sent: a quiet month is 0, not null
    month = "2024-W02" if mart == "area_week" else "2024-01"
    quiet_posts = "2024-W06" if mart == "area_week" else "2024-02"
    assert by[("london", quiet_posts)].posts == 0 and by[("london", quiet_posts)].flagged_posts == 0
    if mart != "area_period":
        assert by[("london", month)].crimes == 0 and by[("london", month)].hate_crimes == 0
    assert by[("oslo", month)].posts == 1 and by[("lyon", month)].crimes == 1
