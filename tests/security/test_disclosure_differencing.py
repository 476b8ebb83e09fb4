"""Issue "Nothing leaks, nothing lost", items 8 and 9: small-count suppression must survive an official setting
every view side by side (map cell sizes 8/7/6, monthly city totals, the cells download), and counts inside text
(risk reasons, alert evidence) are suppressed like the counts in tables.

The official views are taken as a client gets them (Flask test client: the map callback at every cell size,
month and metric, the city page's series and tables, the cells download) and then attacked by differencing.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import h3
import numpy as np
import pandas as pd
import pytest

from geo.h3index import parents
from scn.privacy.disclosure import RESTS
from scn.settings import suppress_below
from tests.support.dash_client import (  # noqa: F401 - settings_restored is an autouse fixture
    USERS,
    exact_counts,
    find_props,
    form_token,
    plotly_array,
    route,
    settings_restored,
)
from tests.support.snapshots import PERIODS, make_tables, publish_tables

K = 5  # suppress_below() of these tests (the default)
METRICS = ("flagged_posts", "crimes", "hate_crimes")
SERIES = ("flagged_posts", "hate_crimes")  # the city series shows these two (components/city.series_figure)
OFFICIALS = {"olive": "london", "omar": "saida"}
# saida's monthly totals hold events without a cell (area or city precision): total = cells + extra
EXTRA = {PERIODS[0]: 2, PERIODS[1]: 7, PERIODS[2]: 0}


# --- the snapshot and the client ---------------------------------------------------------------------------


def _tables() -> dict[str, pd.DataFrame]:
    """The synthetic snapshot (Poisson counts: most cell-months are 1-4), london's monthly totals exactly the sum
    of its cells (the worst case: nothing but hidden cells in the difference), saida's with a few extra events;
    alerts and risk with small counts in their texts."""
    tables = make_tables(seed=3)
    cm = tables["city_month"]
    for period, extra in EXTRA.items():
        row = (cm["city_id"] == "saida") & (cm["period"] == period)
        cm.loc[row, ["flagged_posts", "hate_crimes"]] += extra
    risk = tables["risk"]
    london = risk["city_id"] == "london"
    n = int(london.sum())
    risk.loc[london, "speech_recent"] = np.resize([0, 2, 4, 7, 12, 1, 3, 30], n)
    risk.loc[london, "crime_recent"] = np.resize([1, 3, 9, 0, 4, 15, 2, 6], n)
    risk.loc[london, "reasons"] = json.dumps({"codes": ["speech_high", "crime_high"], "recent_months": 6})
    alerts = pd.DataFrame({
        "city_id": ["london", "london", "london", "london"], "alert_type": ["burst", "burst", "coordinated",
                                                                            "coordinated"],
        "area_code": ["LON-006", "LON-007", None, None], "period": ["2026-W40", "2026-W41", "2026-W41", "2026-W42"],
        "score": [3.4, 6.1, 3.0, 9.0],
        "evidence": [
            json.dumps({"code": "speech_burst", "flagged_posts": 3, "week": "2026-W40", "baseline": 0.25,
                        "baseline_weeks": 8, "p_value": 0.0004}),
            json.dumps({"code": "speech_burst", "flagged_posts": 12, "week": "2026-W41", "baseline": 1.5,
                        "baseline_weeks": 8, "p_value": 8e-07}),
            json.dumps({"code": "near_duplicates", "posts": 4, "accounts": 3, "first_seen": "2026-10-08T12:21Z",
                        "last_seen": "2026-10-08T13:39Z", "fingerprint": "3f9a1c0b7e"}),
            json.dumps({"code": "near_duplicates", "posts": 17, "accounts": 9, "first_seen": "2026-10-15T08:05Z",
                        "last_seen": "2026-10-15T09:10Z", "fingerprint": "a1b2c3d4e5"})],
        "first_seen": pd.to_datetime([None, None, "2026-10-08 12:21", "2026-10-15 08:05"], utc=True),
        "last_seen": pd.to_datetime([None, None, "2026-10-08 13:39", "2026-10-15 09:10"], utc=True)})
    tables["alerts"] = pd.concat([alerts, tables["alerts"][tables["alerts"]["city_id"] != "london"]],
                                 ignore_index=True)
    return tables


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scn.access.users import add_user
    from scn.settings import override

    home = tmp_path_factory.mktemp("scn-differencing")
    publish_tables(home, _tables())
    with override(home=home):
        for name, (role, city, password) in USERS.items():
            add_user(name, role, city, password)
    return home


@pytest.fixture()
def client(home: Path):
    from dashboards.app import create_app

    app = create_app(home)

    def signed_in(username: str):
        c = app.server.test_client()
        form = {"username": username, "password": USERS[username][2], "next": "/"}
        try:  # the log-in form's CSRF token, where the form has one
            form["csrf_token"] = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
        except LookupError:
            pass
        r = c.post("/login", data=form)
        assert r.status_code == 302 and "error" not in r.headers.get("Location", "")
        return c

    return signed_in


def _raw(home: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(home / "serving" / "current" / f"{name}.parquet")


def _map(c, city: str, metric: str, period: int, res: int) -> pd.Series:
    payload = {"output": "cell-map.figure", "outputs": {"id": "cell-map", "property": "figure"},
               "inputs": [{"id": "map-metric", "property": "value", "value": metric},
                          {"id": "map-period", "property": "value", "value": period},
                          {"id": "map-res", "property": "value", "value": res}],
               "state": [{"id": "city-id", "property": "data", "value": city},
                         {"id": "lang", "property": "value", "value": "en"}],
               "changedPropIds": ["map-res.value"]}
    r = c.post("/_dash-update-component", json=payload)
    assert r.status_code == 200, r.data[:300]
    trace = r.get_json()["response"]["cell-map"]["figure"]["data"][0]
    return pd.Series(plotly_array(trace["z"]), index=list(trace["locations"]), dtype="float64")


def _page(c, city: str, lang: str = "en") -> object:
    r = c.post("/_dash-update-component", json=route(f"/city/{city}", lang=lang))
    assert r.status_code == 200
    return r.get_json()["response"]["_pages_content"]["children"]


def _series(page: object) -> dict[str, pd.Series]:
    """The city series as shown: metric -> values by month (NaN: hidden)."""
    fig = find_props(page, "series")["figure"]
    return {metric: pd.Series(plotly_array(trace["y"]), index=list(trace["x"]), dtype="float64")
            for metric, trace in zip(SERIES, fig["data"], strict=True)}


def _views(c, city: str, res_list: tuple[int, ...] = (8, 7, 6), months: range | None = None) -> dict:
    """Everything of ``city`` an official can set side by side: the map at every cell size, month and metric,
    the monthly series and the cells download."""
    months = range(len(PERIODS)) if months is None else months
    maps = {(metric, PERIODS[i], res): _map(c, city, metric, i, res)
            for metric in METRICS for i in months for res in res_list}
    download = pd.read_csv(io.BytesIO(c.get(f"/download/cells.csv?city={city}").data))
    return {"map": maps, "series": _series(_page(c, city)), "cells": download}


# --- the attack --------------------------------------------------------------------------------------------

def _attack(views: dict, truth: pd.DataFrame, k: int = K) -> dict[str, list]:
    """Try to get hidden counts back from the official views by differencing. ``truth``: the published
    cell_month rows of the city (to tell a recovered value from a wrong guess).

    For every shown sum (a parent cell at res 7 or 6, a monthly city total), against the cells download and
    every shown finer sum: the sum minus its visible cells, and minus its shown sub-sums too (the exclusive
    part); the union of those over the months (sums over months); and, per city-month, which hidden cells the
    shown sums determine by linear algebra alone. Returns the leaks found: ``recovered`` (a hidden count
    obtained exactly) and ``small`` (a derived difference in 1..k-1)."""
    leaks: dict[str, list] = {"recovered": [], "small": []}
    cells = views["cells"]
    for metric in METRICS:
        for period in PERIODS:
            shown = cells[cells["period"] == period].set_index("cell")[metric].astype("float64")
            true = truth[truth["period"] == period].set_index("cell")[metric].astype("float64")
            hidden = shown.index[shown.isna()]
            hidden_set = set(hidden)
            # the download is the finest view: only counts in 1..k-1 are hidden there, and counts whose rest beside
            # their part shown is (crimes less hate crimes: ``RESTS``)
            small = (true[hidden] >= 1) & (true[hidden] < k)
            part = {t: p for t, p, _ in RESTS}.get(metric)
            if part is not None:
                rest = true[hidden] - truth[truth["period"] == period].set_index("cell")[part].astype("float64")[hidden]
                small |= (rest >= 1) & (rest < k)
            assert small.all()
            sums: list[tuple[str, float, set]] = []  # (name, shown value, cells beneath)
            for res in (7, 6):
                view = views["map"].get((metric, period, res))
                if view is None:
                    continue
                parent = pd.Series(parents(list(shown.index), res), index=shown.index)
                for cell, value in view.items():
                    if not np.isnan(value):
                        sums.append((f"{res}:{cell}", value, set(parent.index[parent == cell])))
            if metric in views["series"]:
                value = views["series"][metric].get(period, np.nan)
                if not np.isnan(value):
                    sums.append(("city", value, set(shown.index)))
            # single sums: minus visible cells, and minus their shown sub-sums too (the exclusive part)
            for name, value, beneath in sums:
                subs = [(v, b) for _, v, b in sums if b < beneath]
                maximal = [(v, b) for v, b in subs if not any(b < b2 for _, b2 in subs)]
                rest = beneath - set().union(*[b for _, b in maximal])
                variants = [("all", float(shown[list(beneath)].sum()), beneath)]
                if maximal:
                    variants.append(("exclusive", sum(v for v, _ in maximal) + float(shown[list(rest)].sum()), rest))
                for label, known, cover in variants:
                    hid = [c for c in cover if c in hidden_set]
                    r = value - known
                    if r < len(hid):  # not a sum of these cells (a total below its parts)
                        continue
                    truth_sum = float(true[hid].sum())
                    if len(hid) == 1 and r == truth_sum:
                        leaks["recovered"].append((metric, period, name, label, hid[0], r))
                    elif hid and r == truth_sum and r in (len(hid), len(hid) * (k - 1)):
                        leaks["recovered"].append((metric, period, name, label, "all at a bound", r))
                    if 1 <= r <= k - 1:
                        leaks["small"].append((metric, period, name, label, len(hid), r))
            # linear algebra: hidden cells determined by the shown sums' equations alone
            if len(hidden) and sums:
                index = {c: i for i, c in enumerate(hidden)}
                a = np.zeros((len(sums), len(hidden)))
                for row, (_, _, beneath) in enumerate(sums):
                    for c in beneath:
                        if c in index:
                            a[row, index[c]] = 1.0
                _, s, vt = np.linalg.svd(a)
                null = vt[int((s > 1e-9).sum()):]
                determined = np.abs(null).sum(axis=0) < 1e-9 if len(null) else np.ones(len(hidden), bool)
                for c in np.asarray(hidden)[determined]:
                    leaks["recovered"].append((metric, period, "equations", "linear", c, None))
    # sums over months: the shown monthly totals minus all visible cells of those months
    for metric in views["series"]:
        months = [p for p in PERIODS if not np.isnan(views["series"][metric].get(p, np.nan))]
        sel = cells["period"].isin(months)
        r = views["series"][metric][months].sum() - cells.loc[sel, metric].sum()
        n = int(cells.loc[sel, metric].isna().sum())
        if n and (1 <= r <= k - 1 or r in (n, n * (k - 1))):
            leaks["small"].append((metric, "all months", "city", "months", n, r))
    return leaks


# --- item 8 ------------------------------------------------------------------------------------------------

def test_item_08_no_hidden_cell_is_recovered_by_differencing_official_views(client, home: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every map cell size, month and metric, the monthly series and the cells download of london (monthly
    totals = exactly the sum of its cells) and saida (totals with a few events without a cell): no hidden
    count comes back, no difference is a small count, and no published cell is hidden beyond its own rule.
    The views' counts exact (``exact_counts``: the suppression pattern against an attacker who knows every shown
    count; the perturbation of officials' counts only blurs them further)."""
    exact_counts(monkeypatch)
    truth, totals = _raw(home, "cell_month"), _raw(home, "city_month")
    for user, city in OFFICIALS.items():
        views = _views(client(user), city)
        mine = truth[truth["city_id"] == city]
        leaks = _attack(views, mine)
        assert leaks == {"recovered": [], "small": []}, (city, {k: v[:5] for k, v in leaks.items()},
                                                         {k: len(v) for k, v in leaks.items()})
        # nothing lost at the finest size: a cell is hidden exactly when its own count is 1..k-1, or when its rest
        # beside its part (crimes less hate crimes, ``RESTS``) is while the part is shown
        cells = views["cells"].merge(mine, on=["cell", "period"], suffixes=("", "_true"))
        parts = {t: p for t, p, _ in RESTS}
        for metric in METRICS:
            small = (cells[f"{metric}_true"] >= 1) & (cells[f"{metric}_true"] < K)
            if metric in parts:
                rest = cells[f"{metric}_true"] - cells[f"{parts[metric]}_true"]
                small |= ~small & cells[parts[metric]].notna() & (rest >= 1) & (rest < K)
            assert cells[metric].isna().equals(small), metric
        # the official's map is one level (issue 21, scn.privacy.levels), whatever cell size is asked for: no
        # hole, no small count; the series is that level's totals
        for (metric, period, res), view in views["map"].items():
            assert view.equals(views["map"][(metric, period, 8)]), (metric, period, res)
            assert view.notna().all() and not ((view > 0) & (view < K)).any(), (metric, period, res)
        for metric, series in views["series"].items():
            assert not ((series > 0) & (series < K)).any(), metric
        assert totals is not None


def test_item_08_staff_views_are_unchanged(client, home: Path) -> None:
    """Staff see every count: the map at every size is the parents' true sums, the series the true totals."""
    truth, totals = _raw(home, "cell_month"), _raw(home, "city_month")
    views = _views(client("sam"), "london", months=range(len(PERIODS) - 2, len(PERIODS)))
    mine = truth[truth["city_id"] == "london"]
    for (metric, period, res), view in views["map"].items():
        month = mine[mine["period"] == period]
        cells = month["cell"] if res == 8 else parents(list(month["cell"]), res)
        true = month.groupby(np.asarray(cells))[metric].sum().astype("float64")
        pd.testing.assert_series_equal(view.sort_index(), true.reindex(view.index).sort_index(),
                                       check_names=False)
    monthly = totals[totals["city_id"] == "london"].set_index("period")
    for metric, series in views["series"].items():
        assert (series == monthly.loc[series.index, metric].astype("float64")).all()
    cells = views["cells"]
    assert not cells[list(METRICS)].isna().any().any() and len(cells) == len(mine)


def test_item_08_the_rule_on_small_trees() -> None:
    """``for_audience`` on hand-made views: a parent with one hidden cell, two hidden cells summing to 8 (both
    4) or to 3, a city total with a few events outside the cells; and the views the map offers are declared."""
    from dashboards.maps import RESOLUTIONS
    from scn.privacy.disclosure import CELL_LEVELS, for_audience

    assert set(RESOLUTIONS[1:]) <= set(CELL_LEVELS)
    base = h3.latlng_to_cell(51.5, -0.12, 8)
    p7 = h3.cell_to_parent(base, 7)
    kids = sorted(h3.cell_to_children(p7, 8))

    def views(values: list[int]) -> pd.DataFrame:
        leaves = pd.DataFrame({"city_id": "x", "cell": kids, "resolution": 8, "period": "2026-01",
                               "flagged_posts": values})
        parent = pd.DataFrame({"city_id": "x", "cell": [p7], "resolution": 7, "period": "2026-01",
                               "flagged_posts": [sum(values)]})
        return for_audience("cell_month", pd.concat([leaves, parent], ignore_index=True), "official",
                            k=5, min_group=10)

    def parent_shown(values: list[int]) -> bool:
        return not pd.isna(views(values)["flagged_posts"].iloc[-1])

    assert not parent_shown([3, 9, 7, 0, 10, 6, 8])  # one hidden cell: 43 - 40 = 3
    assert not parent_shown([4, 4, 9, 0, 10, 6, 8])  # two hidden, sum 8: both must be 4
    assert not parent_shown([1, 2, 9, 0, 10, 6, 8])  # two hidden, sum 3: a small count
    assert parent_shown([3, 4, 9, 0, 10, 6, 8])      # two hidden, sum 7: (3,4) or (4,3)
    assert parent_shown([9, 9, 9, 0, 10, 6, 8])      # nothing hidden
    assert views([3, 9, 7, 0, 10, 6, 8])["flagged_posts"].iloc[:7].isna().sum() == 1  # cells: own rule only
    cells = pd.DataFrame({"city_id": "x", "cell": kids, "resolution": 8, "period": "2026-01",
                          "flagged_posts": [3, 4, 9, 0, 10, 6, 8]})

    def total_shown(total: int) -> bool:
        frame = pd.DataFrame({"city_id": ["x"], "period": ["2026-01"], "flagged_posts": [total]})
        return not pd.isna(for_audience("city_month", frame, "official", parts=cells,
                                        k=5, min_group=10)["flagged_posts"].iloc[0])

    # res-7 parent shown (sum 7 of two hidden); the total adds u events without a cell
    assert total_shown(40) and not total_shown(42) and total_shown(47) and total_shown(30)
    with pytest.raises(ValueError, match="parts"):
        for_audience("city_month", cells.drop(columns="cell"), "official", k=5, min_group=10)
    staff = for_audience("city_month", cells.drop(columns="cell"), "staff", k=5, min_group=10)
    assert staff["flagged_posts"].tolist() == cells["flagged_posts"].tolist()


def _official_month(values: np.ndarray, cells: list[str], total: float, k: int = K) -> tuple[dict, float]:
    """``for_audience`` on one city-month (threshold ``k``): the cells with their res-7 and res-6 sums, and the
    city total."""
    from scn.privacy.disclosure import for_audience

    leaves = pd.DataFrame({"city_id": "x", "cell": cells, "resolution": 8, "period": "2026-01",
                           "flagged_posts": values})
    frames = [leaves]
    for res in (7, 6):
        sums = leaves.groupby(parents(cells, res))["flagged_posts"].sum()
        frames.append(pd.DataFrame({"city_id": "x", "cell": sums.index, "resolution": res, "period": "2026-01",
                                    "flagged_posts": sums.to_numpy()}))
    frame = pd.concat(frames, ignore_index=True)
    shown = for_audience("cell_month", frame, "official", k=k, min_group=10)["flagged_posts"].astype("Float64")
    views = {res: pd.Series(shown[(frame["resolution"] == res).to_numpy()].to_numpy(dtype="float64",
                                                                                      na_value=np.nan),
                            index=frame.loc[frame["resolution"] == res, "cell"].to_numpy()) for res in (8, 7, 6)}
    city = pd.DataFrame({"city_id": ["x"], "period": ["2026-01"], "flagged_posts": [total]})
    shown_total = for_audience("city_month", city, "official", parts=leaves,
                               k=k, min_group=10)["flagged_posts"].astype("Float64")
    return views, float(shown_total.to_numpy(dtype="float64", na_value=np.nan)[0])


@pytest.mark.parametrize("k", [3, 5, 10])
def test_item_08_no_hidden_cell_is_pinned_by_any_combination(k: int) -> None:
    """Random city-months (37 cells over several res-7 and res-6 parents, a few events without a cell): with
    every shown sum as an equation and each hidden count in 1..k-1, linear programming (exact here: the sums
    are nested, so the constraint matrix is totally unimodular) gives every hidden cell at least two possible
    values, and every shown sum minus its visible cells is 0 or at least k."""
    from scipy.optimize import linprog

    from scn.settings import override

    rng = np.random.default_rng(k)
    cells = sorted(h3.grid_disk(h3.latlng_to_cell(51.5, -0.12, 8), 3))
    checked = 0
    with override(suppress_below=k):
        for trial in range(12):
            values = rng.poisson(rng.uniform(0.3, 3.0) * k / 5, len(cells))
            extra = int(rng.choice([0, 0, 1, 3, 8]))
            views, total = _official_month(values, cells, float(values.sum() + extra), k)
            leaf = views[8]
            true = pd.Series(values.astype("float64"), index=cells)
            assert leaf.isna().equals((true >= 1) & (true < k))  # the cells: their own rule only
            hidden = list(leaf.index[leaf.isna()])
            if not hidden:
                continue
            rows, rhs = [], []
            for res in (7, 6):
                parent = pd.Series(parents(cells, res), index=cells)
                for cell, value in views[res].dropna().items():
                    beneath = parent.index[parent == cell]
                    assert value == true[beneath].sum()
                    rows.append([1.0 if c in set(beneath) else 0.0 for c in hidden])
                    rhs.append(value - leaf[beneath].sum())
            if not np.isnan(total):  # as the official takes it, and as if the events without a cell were known
                assert not 1 <= total - leaf.sum() <= k - 1, trial
                rows.append([1.0] * len(hidden))
                rhs.append(total - extra - leaf.sum())
            assert all(r == 0 or r >= k for r in rhs), (trial, rhs)
            if not rows:
                continue
            for i in range(len(hidden)):
                c = np.zeros(len(hidden))
                c[i] = 1.0
                lo = linprog(c, A_eq=rows, b_eq=rhs, bounds=[(1, k - 1)] * len(hidden))
                hi = linprog(-c, A_eq=rows, b_eq=rhs, bounds=[(1, k - 1)] * len(hidden))
                assert lo.status == 0 and hi.status == 0
                assert -hi.fun - lo.fun >= 1 - 1e-6, (trial, hidden[i], lo.fun, -hi.fun)
                checked += 1
    assert checked > 20


def test_item_08_the_attack_recovers_cells_from_views_shaped_one_by_one(client, home: Path, monkeypatch) -> None:
    """The attack is real: with an official's map at every cell size (before issue 21) and coarse views shaped
    cell by cell (the code before the fix), it recovers hidden cells of london."""
    from dashboards import maps
    from scn.privacy import disclosure

    exact_counts(monkeypatch)  # as the code before: exact counts
    monkeypatch.setattr(maps, "OFFICIAL_LEVELS", False)
    monkeypatch.setattr(disclosure, "_cell_views", lambda frame, out, cols, k: out)
    monkeypatch.setattr(disclosure, "_totals", lambda frame, out, parts, cols, k: out)
    views = _views(client("olive"), "london", res_list=(8, 7, 6), months=range(len(PERIODS) - 3, len(PERIODS)))
    truth = _raw(home, "cell_month")
    leaks = _attack(views, truth[truth["city_id"] == "london"])
    assert len(leaks["recovered"]) >= 10 and leaks["small"], {k: len(v) for k, v in leaks.items()}


# --- item 9 ------------------------------------------------------------------------------------------------

COUNT = re.compile(r"(?<![\w.,:])(\d+)(?![\w:]|[.,]\d)")  # a whole number on its own (Arabic-Indic digits too)


def _small_numbers(text: str, k: int = K) -> list[int]:
    return [int(m) for m in COUNT.findall(text or "") if 1 <= int(m) <= k - 1]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_item_09_risk_and_alert_texts_hide_small_counts(client, home: Path, lang: str) -> None:
    """The official's city page shows no count of 1-4 in the risk reasons or the alert evidence, and says
    "fewer than 5" in the reader's language instead; staff still see the numbers."""
    from dashboards.i18n import t

    page = _page(client("olive"), "london", lang)
    alerts = pd.DataFrame(find_props(page, "alerts")["data"])
    risk = pd.DataFrame(find_props(page, "risk")["data"])
    texts = list(alerts["evidence"]) + list(risk["reasons"])
    assert all(texts) and not [(x, _small_numbers(x)) for x in texts if _small_numbers(x)]
    fewer = t("fewer_than", lang, k=suppress_below())
    assert sum(fewer in x for x in alerts["evidence"]) == 2 and any(fewer in x for x in risk["reasons"])
    assert any("12" in x for x in alerts["evidence"])  # a count of 12 is shown
    hidden = alerts["score"].isna()
    assert hidden.tolist() == [True, False, True, False]  # the score is computed from the hidden counts
    staff = _page(client("sam"), "london", lang)
    staff_texts = list(pd.DataFrame(find_props(staff, "alerts")["data"])["evidence"])
    assert any(_small_numbers(x) for x in staff_texts)


def test_item_09_components_and_export_agree(home: Path) -> None:
    """The renderers (components) and the export of the same tables for an official: no count of 1-4 in the
    risk numbers or the evidence JSON, nor in any sentence rendered from the export."""
    from dashboards import i18n
    from dashboards.components import city as view
    from scn.publish.exports import table
    from scn.settings import override

    with override(home=home):
        risk = table("risk", "london", audience="official")
        alerts = table("alerts", "london", audience="official")
        for lang in ("en", "fr", "ar"):
            rendered = list(view.risk_table("london", lang, "official")["reasons"])
            rendered += list(view.alerts_table("london", lang, "official")["evidence"])
            rendered += [i18n.evidence(e, lang, k=5) for e in alerts["evidence"]]
            rendered += [i18n.reasons(r, s, c, x, lang, k=5) for r, s, c, x in
                         zip(risk["reasons"], risk["speech_recent"], risk["crime_recent"], risk["resilience"],
                             strict=True)]
            assert all(rendered) and not [x for x in rendered if _small_numbers(x)], lang
        for col in ("speech_recent", "crime_recent"):
            values = risk[col].astype("Float64")
            assert not ((values >= 1) & (values < K)).any() and (values >= K).any()
        for raw in alerts["evidence"]:
            ev = json.loads(raw)
            counts = [ev.get(c) for c in ("flagged_posts", "posts", "accounts")]
            assert not [v for v in counts if v is not None and 1 <= v < K]
            if ev.get("baseline") is not None:
                assert round(ev["baseline"] * ev["baseline_weeks"]) >= K or ev["baseline"] == 0
        burst = json.loads(alerts["evidence"].iloc[0])
        assert burst["flagged_posts"] is None and burst["p_value"] is None and pd.isna(alerts["score"].iloc[0])
        staff = table("alerts", "london", audience="staff")
        assert json.loads(staff["evidence"].iloc[0])["flagged_posts"] == 3
