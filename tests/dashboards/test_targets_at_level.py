"""An official's target groups (page table and download) are at the period grain of the level chosen for the
city's flagged posts: a city whose monthly totals would give a hidden cell back (its level by quarter) gets no
monthly total from the target groups, and no hidden cell of its cells download follows from them; staff keep the
months (Flask test client through the real log-in)."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import h3
import numpy as np
import pandas as pd
import pytest

from dashboards import downloads, i18n
from scn.settings import suppress_below
from tests.support.dash_client import (  # noqa: F401 - settings_restored is an autouse fixture
    exact_counts,
    find_props,
    home_with_users,
    route,
    settings_restored,
    signed_in,
)
from tests.support.snapshots import CITIES, PERIODS, make_tables

CITY, LEAK, NEXT = "saida", PERIODS[0], PERIODS[1]  # omar is saida's official
COUNTS = ["posts", "flagged_posts", "crimes", "hate_crimes"]
# flagged posts of the city's 7 cells per month: every post located (no post outside the cells, u = 0). In LEAK one
# cell is hidden (3), so the month's total minus the shown cells gives it back: the month level fails; in NEXT two
# (2, 4). Over the quarter (3 hidden cells, sum 9) nothing follows: the official's level is the city by quarter.
CELLS = {p: [9, 8, 7, 6, 6, 5, 5] for p in PERIODS} | {LEAK: [12, 10, 9, 8, 7, 6, 3], NEXT: [12, 10, 9, 8, 7, 2, 4]}
TARGETS = ("origin", "religion", "unspecified")  # each of k or more: the month's parts all shown before the fix


def _world() -> dict[str, pd.DataFrame]:
    tables = make_tables(0, {"london": 2})
    c = CITIES.set_index("city_id").loc[CITY]
    hexes = sorted(h3.grid_disk(h3.latlng_to_cell(c["lat"], c["lon"], 8), 1))
    cells = pd.DataFrame([{"city_id": CITY, "cell": h, "resolution": 8, "period": p, "posts": 50, "flagged_posts": v,
                           "crimes": 20, "hate_crimes": 0, "population": np.nan}
                          for p in PERIODS for h, v in zip(hexes, CELLS[p], strict=True)])
    city = cells.groupby(["city_id", "period"], as_index=False)[COUNTS].sum()
    city = city.assign(not_assessed_posts=0, population=float(c["population"]))
    total = city.set_index("period")["flagged_posts"]
    parts = pd.DataFrame([{"city_id": CITY, "period": p, "target": g, "flagged_posts": v}
                          for p in PERIODS for g, v in zip(TARGETS, (20, 20, int(total[p]) - 40), strict=True)])
    tables["cell_month"] = pd.concat([tables["cell_month"], cells], ignore_index=True)
    tables["city_month"] = pd.concat([tables["city_month"], city[tables["city_month"].columns]], ignore_index=True)
    tables["target_month"] = pd.concat([tables["target_month"], parts], ignore_index=True)
    return tables


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return home_with_users(tmp_path_factory.mktemp("scn-targets-level"), _world())


@pytest.fixture()
def app(home: Path):
    from dashboards.app import create_app

    return create_app(home)


def _page(app, user: str, lang: str = "en") -> list:
    r = signed_in(app, user).post("/_dash-update-component", json=route(f"/city/{CITY}", lang=lang))
    assert r.status_code == 200
    return r.get_json()["response"]["_pages_content"]["children"]


def _csv(app, user: str, kind: str) -> pd.DataFrame:
    r = signed_in(app, user).get(downloads.href(kind, "csv", CITY))
    assert r.status_code == 200
    return pd.read_csv(io.BytesIO(r.data), dtype={"period": str})


def _months_of(period: str) -> list[str]:
    """The months of ``period`` (a month, ``2026-Q2`` or ``2026``) among the published ones."""
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return [period]
    if "-Q" in period:
        year, q = period.split("-Q")
        return [p for p in PERIODS if p[:4] == year and (int(p[5:]) - 1) // 3 + 1 == int(q)]
    return [p for p in PERIODS if p[:4] == period]


def _pinned(targets: pd.DataFrame, cells: pd.DataFrame) -> list[str]:
    """Hidden cells of the official's cells download whose value follows from the target groups: every period
    whose parts are all shown gives its total, so the hidden cells of its months sum to the total minus the shown
    cells; a hidden cell is pinned when only one value in 1..k-1 fits every such equation."""
    k = suppress_below()
    cells = cells.reset_index(drop=True)
    hidden = np.flatnonzero(cells["flagged_posts"].isna().to_numpy())
    equations = []
    for period, rows in targets.groupby("period"):
        if rows["flagged_posts"].isna().any():
            continue
        months = cells["period"].isin(_months_of(str(period))).to_numpy()
        shown = cells.loc[months, "flagged_posts"].sum()
        equations.append(([i for i in hidden if months[i]], rows["flagged_posts"].sum() - shown))
    equations = [(at, r) for at, r in equations if at]
    free = sorted({i for at, _ in equations for i in at})
    fits = [dict(zip(free, v, strict=True)) for v in itertools.product(range(1, k), repeat=len(free))
            if all(sum(dict(zip(free, v, strict=True))[i] for i in at) == r for at, r in equations)]
    return [cells.at[i, "cell"] + " " + cells.at[i, "period"] for i in free if len({f[i] for f in fits}) < 2]


def test_the_month_would_pin_a_hidden_cell() -> None:
    """The world is as meant: LEAK's total minus its shown cells is its one hidden cell."""
    k = suppress_below()
    assert k == 5 and sum(v for v in CELLS[LEAK] if v < k) == 3 and sum(v < k for v in CELLS[LEAK]) == 1


@pytest.mark.parametrize("lang", ("en", "fr", "ar"))
def test_an_officials_target_groups_are_by_quarter(app, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    exact_counts(monkeypatch)  # the pattern against an attacker who knows every shown count (no noise)
    content = _page(app, "omar", lang)
    rows = pd.DataFrame(find_props(content, "targets")["data"])
    periods = set(rows["period"].astype(str))
    assert periods and all(re.fullmatch(r"\d{4}-Q[1-4]", p) for p in periods), periods  # no monthly total
    title = find_props(content, "targets-section")["children"][0]["props"]["children"]
    assert title == i18n.t("target_groups_quarter", lang)
    cells = _csv(app, "omar", "cells")
    assert cells["flagged_posts"].isna().sum() == 3  # the hidden cells of LEAK and NEXT
    got = rows.assign(period=rows["period"].astype(str))
    assert _pinned(got, cells) == []


def test_an_officials_download_is_by_quarter_and_pins_nothing(app, monkeypatch: pytest.MonkeyPatch) -> None:
    exact_counts(monkeypatch)  # the pattern against an attacker who knows every shown count (no noise)
    targets = _csv(app, "omar", "target-groups")
    assert set(targets["city_id"]) == {CITY}
    assert _pinned(targets, _csv(app, "omar", "cells")) == []  # before: LEAK's hidden cell, from its month's total
    assert all(re.fullmatch(r"\d{4}-Q[1-4]", p) for p in targets["period"]), set(targets["period"])
    assert not set(targets["period"]) & set(PERIODS)
    quarter = targets[targets["period"] == "2025-Q4"]["flagged_posts"]  # LEAK and NEXT together, all shown
    assert quarter.notna().all() and quarter.sum() == sum(CELLS[LEAK]) + sum(CELLS[NEXT])
    r = signed_in(app, "omar").get(downloads.href("target-groups", "xlsx", CITY))
    sheet = pd.read_excel(io.BytesIO(r.data), sheet_name="target_month", dtype={"period": str})
    assert r.status_code == 200 and sheet["period"].tolist() == targets["period"].tolist()
    readme = pd.read_excel(io.BytesIO(r.data), sheet_name="README")["README"].astype(str)
    assert readme.str.contains("by quarter").any()


def test_staff_keep_the_months(app) -> None:
    staff = _csv(app, "sam", "target-groups")
    staff = staff[staff["city_id"] == CITY]
    assert set(staff["period"]) == set(PERIODS)
    assert staff[staff["period"] == LEAK]["flagged_posts"].sum() == sum(CELLS[LEAK])
    rows = pd.DataFrame(find_props(_page(app, "sam"), "targets")["data"])
    assert LEAK in set(rows["period"]) and rows[rows["period"] == LEAK]["flagged_posts"].sum() == sum(CELLS[LEAK])
    title = find_props(_page(app, "sam"), "targets-section")["children"][0]["props"]["children"]
    assert title == i18n.t("target_groups_month", "en")


def test_scn_export_gives_an_official_the_same_quarters(home: Path, app, monkeypatch: pytest.MonkeyPatch) -> None:
    """``scn export target-groups --audience official`` (scn.publish.exports) reads the published levels: the same
    rows as the download, no month, nothing pinned; for every city at once too."""
    exact_counts(monkeypatch)  # the pattern against an attacker who knows every shown count (no noise)
    from scn import settings
    from scn.publish import exports

    with settings.override(home=home):
        one = exports.table("target_month", CITY, "official")
        every = exports.table("target_month", None, "official")
        staff = exports.table("target_month", CITY, "staff")
    assert set(one["period"]) and not set(one["period"]) & set(PERIODS)
    assert _pinned(one, _csv(app, "omar", "cells")) == []
    download = _csv(app, "omar", "target-groups")
    assert one[["period", "target", "flagged_posts"]].astype(str).values.tolist() == \
        download[["period", "target", "flagged_posts"]].astype(str).values.tolist()
    assert every[every["city_id"] == CITY].reset_index(drop=True).astype(str).equals(one.astype(str))
    assert set(staff["period"]) == set(PERIODS)
