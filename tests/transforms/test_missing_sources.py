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


def _events(city: str, months: list[str], key: str, when: str, **columns: object) -> pd.DataFrame:
    """One enriched event per month (the 10th, noon UTC) of ``city`` in the same res-8 cell, with ``columns``."""
    rows = pd.DataFrame({"month": months})
    rows[key] = [f"{city}:{i}" for i in range(len(rows))]
    rows["city_id"] = city
    rows[when] = pd.to_datetime(rows["month"] + "-10T12:00:00Z")
    rows["week"] = rows[when].dt.strftime("%G-W%V")
    rows["lat"], rows["lon"], rows["area_code"], rows["cell"], rows["resolution"] = 51.5, -0.1, "E01", C1, 8
    return rows.assign(precision="cell", **columns)


def _posts(city: str, months: list[str]) -> pd.DataFrame:
    return _events(city, months, "post_key", "created_at", lang="en", label="hate", score_hate=0.9, assessed=True,
                   method="model", target=None, model_version="t")


def _crimes(city: str, months: list[str]) -> pd.DataFrame:
    return _events(city, months, "crime_key", "occurred_at", category="public-order", is_hate=True)


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
