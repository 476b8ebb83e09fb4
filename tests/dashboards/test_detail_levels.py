"""Each audience's level of detail through the app (Flask test client): an official of London sees one level
(areas by year: London's cells by month are mostly small counts) whatever cell size the request asks for, with no
hole, the sentence saying why, rates per 10,000 residents, and a series made of the same level's totals; staff
keep the cells by month; a small city's series says why it is blank; a count that is 0 everywhere says "no data
at this level" instead of a -0.4..0.4 colour bar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.support.dash_client import (  # noqa: F401 - settings_restored is an autouse fixture
    city_map,
    find_props,
    home_with_users,
    plotly_array,
    route,
    settings_restored,
    signed_in,
)
from tests.support.snapshots import make_tables, quiet_city


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """The synthetic snapshot; Saida made a small city: one event (2 flagged posts) in a year, no hate crime."""
    from dashboards.app import create_app
    from scn import settings as scn_settings

    tables = quiet_city(make_tables(), "saida", flagged_posts=2)
    home = home_with_users(tmp_path_factory.mktemp("scn-levels"), tables)
    saved = scn_settings.saved_overrides()
    app = create_app(home)  # sets the home for the process: each test sets it again, the module restores it

    def client_of(username: str):
        scn_settings.use(home=home)
        return signed_in(app, username)

    yield client_of
    scn_settings.restore_overrides(saved)


def _map(c, city: str, res: int = 8, period: int = 99, metric: str = "flagged_posts") -> dict:
    body = city_map(city, period=period, res=res)
    body["inputs"][0]["value"] = metric
    r = c.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    return r.get_json()["response"]["cell-map"]["figure"]


def _page(c, city: str) -> object:
    return c.post("/_dash-update-component", json=route(f"/city/{city}")).get_json()["response"][
        "_pages_content"]["children"]


def test_official_sees_one_level_without_holes(client) -> None:
    olive = client("olive")
    page = _page(olive, "london")
    level = find_props(page, "map-level")["children"]
    assert level.startswith("Shown: areas by year.") and "small cells (0.7 km²) by month" in level
    assert find_props(page, "map-res")["value"] == 8 and find_props(page, "map-periods")["data"] == ["2025", "2026"]
    figures = [_map(olive, "london", res=res) for res in (8, 7, 6)]
    trace = figures[0]["data"][0]
    z = plotly_array(trace["z"])
    assert len(trace["locations"]) == 16 and not np.isnan(z).any() and (z >= 5).all()  # 16 areas, no hole
    assert all(f["data"][0]["locations"] == trace["locations"] for f in figures)  # the request changes nothing
    assert all((plotly_array(f["data"][0]["z"]) == z).all() for f in figures)
    assert figures[0]["data"][1]["text"][0] == "London 1"  # area names drawn over the map
    assert "per 10,000 residents" in trace["customdata"][0]
    # the series: the same level's totals (areas by year summed), by year
    series = find_props(page, "series")["figure"]["data"]
    years = {p: sum(plotly_array(_map(olive, "london", period=i)["data"][0]["z"]))
             for i, p in enumerate(["2025", "2026"])}
    assert series[0]["x"] == ["2025", "2026"]
    assert dict(zip(series[0]["x"], plotly_array(series[0]["y"]), strict=True)) == years
    notes = " ".join(p["props"]["children"] for p in find_props(page, "series-notes")["children"])
    assert "totals over areas by year" in notes


def test_staff_keep_cells_by_month(client) -> None:
    sam = client("sam")
    page = _page(sam, "london")
    assert "every published count" in find_props(page, "map-level")["children"]
    trace = _map(sam, "london", period=11)["data"][0]
    z = plotly_array(trace["z"])
    assert len(trace["locations"]) == 217 and ((z > 0) & (z < 5)).any()
    assert len(_map(sam, "london", res=6, period=11)["data"][0]["locations"]) == 12


def test_small_city_says_why_and_empty_counts_say_no_data(client) -> None:
    omar = client("omar")
    page = _page(omar, "saida")
    notes = " ".join(p["props"]["children"] for p in find_props(page, "series-notes")["children"])
    assert "fewer than 5" in notes
    level = find_props(page, "map-level")["children"]
    assert "Even at this level some counts are fewer than 5" in level
    figure = _map(omar, "saida", metric="hate_crimes")
    assert figure["layout"]["annotations"][0]["text"] == "No data at this level"
    assert figure["data"][0]["zmax"] == 1 and figure["data"][0]["zmin"] == 0
    flagged = _map(omar, "saida", period=0)
    hidden = [t for t in flagged["data"] if t["type"] == "choroplethmap" and "fewer than 5" in t["hovertemplate"]]
    assert hidden and pd.Series(flagged["data"][0]["locations"]).size >= 1  # drawn as "fewer than 5", not a hole


def test_a_series_drawn_by_year_says_so_and_names_its_partial_years(client) -> None:
    """London's official series is drawn by year (its flagged posts' level): the notes say the series is by year,
    not by month as the section's words would otherwise read, and name each year the data cover only in part with
    its months (a 2-month year beside a 12-month one would look like a fall); staff's monthly series says neither."""
    from tests.support.snapshots import PERIODS

    months = pd.Series([p[:4] for p in PERIODS]).value_counts()
    partial = {y: n for y, n in months.items() if n < 12}
    assert partial  # the synthetic snapshot starts or ends mid-year, else this test proves nothing
    notes = " ".join(p["props"]["children"] for p in find_props(_page(client("olive"), "london"),
                                                                 "series-notes")["children"])
    assert "Both counts are drawn by year" in notes
    for year, n in partial.items():
        assert f"{year} ({n} months)" in notes
    for year in set(months.index) - set(partial):
        assert f"{year} (" not in notes
    staff = find_props(_page(client("sam"), "london"), "series-notes")["children"]
    assert not any("drawn by" in p["props"]["children"] for p in staff)
