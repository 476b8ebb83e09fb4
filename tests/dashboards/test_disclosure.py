"""One disclosure function (``scn.privacy.disclosure.for_audience``) shapes what an official sees on the city
page, in the map callback and in downloads: a count of 3 is hidden everywhere, 0 and counts from the threshold
up are shown everywhere; an official's map and series are one coarser level with no hole (issue 21,
``scn.privacy.levels``), staff's map and the download agree cell by cell, and changing the declared rule (or the
threshold) changes every path at once (in-process, Flask test client)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn.privacy.disclosure import SMALL_COUNTS
from scn.settings import override
from tests.support.dash_client import city_map, find_props, home_with_users, plotly_array, route, signed_in
from tests.support.snapshots import PERIODS, make_tables, programme_years_of

PERIOD = PERIODS[-1]
# programme people per (line, year) on the city page: summed over roles, then disclosed
PEOPLE = {("local_action_planning", 2025): (3, 0), ("training", 2025): (0, 0), ("summit", 2025): (6, 6)}


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic snapshot with known counts in London: cells at 3, 0 and 7 flagged posts in the last month,
    monthly flagged posts 3, 0, 12, and programme people summing to 3, 0 and 12."""
    tables = make_tables()
    cm = tables["cell_month"]
    london = cm.index[(cm["city_id"] == "london") & (cm["period"] == PERIOD)]
    cm.loc[london[:3], "flagged_posts"] = [3, 0, 7]
    monthly = tables["city_month"]
    for period, value in zip(PERIODS[:3], (3, 0, 12), strict=True):
        monthly.loc[(monthly["city_id"] == "london") & (monthly["period"] == period), "flagged_posts"] = value
    pm = tables["programme_metrics"]
    mine = pm["city_id"] == "london"
    pm.loc[mine, "people"] = 40
    for (line, year), (mayor, practitioner) in PEOPLE.items():
        row = mine & (pm["programme_line"] == line) & (pm["year"] == year)
        pm.loc[row & (pm["role"] == "mayor"), "people"] = mayor
        pm.loc[row & (pm["role"] == "practitioner"), "people"] = practitioner
    tables["programme_years"] = programme_years_of(pm)
    return home_with_users(tmp_path_factory.mktemp("scn-small"), tables)


@pytest.fixture()
def client(small_home: Path) -> Iterator:
    from dashboards.app import create_app

    app = create_app(small_home)
    yield lambda username: signed_in(app, username)


def _seen(c) -> dict[str, object]:
    """What the signed-in user sees of London: the city page (series, programme table), the map callback for
    the last month and the downloads of the same tables."""
    page = c.post("/_dash-update-component", json=route("/city/london")).get_json()["response"]
    content = page["_pages_content"]["children"]
    series = find_props(content, "series")["figure"]["data"][0]
    programmes = pd.DataFrame(find_props(content, "programmes")["data"])
    answer = c.post("/_dash-update-component", json=city_map("london", period=len(PERIODS) - 1)).get_json()
    trace = answer["response"]["cell-map"]["figure"]["data"][0]
    cells = pd.read_csv(io.BytesIO(c.get("/download/cells.csv?city=london").data))
    people = pd.read_csv(io.BytesIO(c.get("/download/programme-metrics.csv?city=london").data))
    return {"series": dict(zip(series["x"], plotly_array(series["y"]), strict=True)),
            "programmes": {(r.programme_line, r.year): r.people for r in programmes.itertuples()},
            "map": pd.Series(plotly_array(trace["z"]), index=trace["locations"]),
            "cells": cells[cells["period"] == PERIOD].set_index("cell")["flagged_posts"].astype("float64"),
            "people": people}


def _within(shown: pd.Series, true: pd.Series, k: int = 5) -> bool:
    """Shown counts as the perturbation allows (docs/security.md, "Consistent perturbation"): 0 as 0, a small
    count hidden, any other within the table's reach of the true count (2) or hidden where that reach falls
    below k; never 1..k-1."""
    shown, true = shown.astype("float64"), true.reindex(shown.index).astype("float64")
    small = (true > 0) & (true < k)
    ok = np.where(true == 0, shown == 0, np.where(small, shown.isna(), np.where(
        shown.isna(), true - 2 < k, (shown - true).abs() <= 2)))
    return bool(ok.all()) and not ((shown > 0) & (shown < k)).any()


def test_an_official_sees_the_same_small_counts_hidden_everywhere(client, small_home: Path) -> None:
    seen = _seen(client("olive"))
    # the map callback and the download of cell_month: 3 hidden, 0 shown, 7 shown (perturbed), cell by cell
    raw = pd.read_parquet(small_home / "serving" / "current" / "cell_month.parquet")
    raw = raw[(raw["city_id"] == "london") & (raw["period"] == PERIOD)].set_index("cell")["flagged_posts"]
    first = raw.index[:3]
    cells = seen["cells"]
    assert np.isnan(cells[first[0]]) and cells[first[1]] == 0 and 5 <= cells[first[2]] <= 9
    assert _within(cells, raw) and cells[raw[raw >= 7].index].notna().all()
    # the map and the series: one coarser level (issue 21: London's areas by year, not its cells), no small
    # count, each area's count of the last year as the perturbation allows
    assert not seen["map"].index.isin(raw.index).any()
    areas = pd.read_parquet(small_home / "serving" / "current" / "area_month.parquet")
    areas = areas[(areas["city_id"] == "london") & areas["period"].astype(str).str.startswith(PERIOD[:4])]
    assert _within(seen["map"], areas.groupby("area_code")["flagged_posts"].sum()) and seen["map"].notna().all()
    series = pd.Series(seen["series"])
    assert series.notna().mean() > 0.5 and not ((series > 0) & (series < 5)).any()
    # programme people (summed over roles, then disclosed): 3 hidden, 0 shown, 12 shown perturbed
    progs = seen["programmes"]
    assert pd.isna(progs[("local_action_planning", 2025)]) and progs[("training", 2025)] == 0
    assert 10 <= progs[("summit", 2025)] <= 14
    # the programme download: per role, 3 hidden, 0 shown, 6 perturbed (or hidden, where it fell below 5)
    people = seen["people"].set_index(["programme_line", "year", "role"])["people"]
    assert np.isnan(people[("local_action_planning", 2025, "mayor")])
    assert people[("local_action_planning", 2025, "practitioner")] == 0
    assert _within(people[[("summit", 2025, "mayor")]], pd.Series({("summit", 2025, "mayor"): 6}))


def test_staff_see_the_counts(client) -> None:
    seen = _seen(client("sam"))
    assert not seen["map"].isna().any() and ((seen["map"] > 0) & (seen["map"] < 5)).any()
    pd.testing.assert_series_equal(seen["map"].sort_index(), seen["cells"].sort_index(), check_names=False)
    assert seen["series"][PERIODS[0]] == 3 and seen["programmes"][("local_action_planning", 2025)] == 3


def test_the_declared_rule_is_the_only_suppression(client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Take flagged posts and programme people out of ``SMALL_COUNTS`` and an official sees the 3 on the page,
    in the map and in the downloads: nothing in the dashboards suppresses on its own."""
    monkeypatch.setitem(SMALL_COUNTS, "cell_month", tuple(c for c in SMALL_COUNTS["cell_month"]
                                                          if c != "flagged_posts"))
    monkeypatch.setitem(SMALL_COUNTS, "programme_metrics", ())
    monkeypatch.setitem(SMALL_COUNTS, "programme_years", ())  # the page's programme table
    if "city_month" in SMALL_COUNTS:
        monkeypatch.setitem(SMALL_COUNTS, "city_month", tuple(c for c in SMALL_COUNTS["city_month"]
                                                              if c != "flagged_posts"))
    seen = _seen(client("olive"))
    assert not seen["map"].isna().any() and (seen["map"] == 3).any()
    pd.testing.assert_series_equal(seen["map"].sort_index(), seen["cells"].sort_index(), check_names=False)
    assert list(seen["series"]) == PERIODS and seen["programmes"][("local_action_planning", 2025)] == 3
    assert seen["people"]["people"].eq(3).any()


def test_one_threshold_for_every_path(client) -> None:
    with override(suppress_below=13):
        seen = _seen(client("olive"))
    assert pd.isna(seen["programmes"][("summit", 2025)])
    cells = seen["cells"]
    assert cells.isna().any() and not ((cells > 0) & (cells < 13)).any() and (cells == 0).any()
    assert not seen["map"].isna().any() and not ((seen["map"] > 0) & (seen["map"] < 13)).any()
    series = pd.Series(seen["series"])
    assert not ((series > 0) & (series < 13)).any()
