"""Rows that split a city's monthly totals (``target_month``) shown to an official at the level chosen for that
count (``levels.parts_at``): summed to the level's period grain, and a period left out where its total would say
more than the level does (a hidden count of the level, events in no unit of the level, parts that follow from
the total)."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd

from scn.privacy import published_levels
from scn.privacy.disclosure import for_audience
from scn.privacy.levels import Choice, View, choose, parts_at

CITY = "c"
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
METRIC = "flagged_posts"


def _cells(values: dict[str, list[int]]) -> pd.DataFrame:
    hexes = sorted(h3.grid_disk(h3.latlng_to_cell(33.56, 35.37, 8), 1))
    return pd.DataFrame([{"city_id": CITY, "cell": h, "resolution": 8, "period": p, METRIC: v}
                         for p in MONTHS for h, v in zip(hexes, values[p], strict=True)])


def _official(cells: pd.DataFrame, unlocated: dict[str, int], parts: dict[str, tuple[int, ...]],
              ) -> tuple[Choice, pd.DataFrame]:
    """The official's choice of flagged posts (cells, the city; no areas) and their target rows at it."""
    city = cells.groupby(["city_id", "period"], as_index=False)[METRIC].sum()
    city[METRIC] += city["period"].map(unlocated).fillna(0).astype(int)
    tables = {"city_month": city, "area_month": pd.DataFrame()}
    leaves = published_levels.leaves_of(cells)

    def views(levels: tuple[str, ...] = published_levels.LEVELS):
        return published_levels.views(CITY, METRIC, leaves, tables.__getitem__, lambda cells: None, levels)

    chosen = choose(views(), leaves, METRIC, "official", k=5)
    total = city.set_index("period")[METRIC]
    rows = pd.DataFrame([{"city_id": CITY, "period": p, "target": f"t{i}", METRIC: v}
                         for p in MONTHS for i, v in enumerate(parts.get(p, (total[p] - 10, 10)))])
    view = next(views((chosen.level,)), None)
    return chosen, parts_at("target_month", rows, METRIC, chosen, view, leaves, k=5)


def test_a_city_by_quarter_gets_quarters_and_no_month() -> None:
    values = {p: [9, 8, 7, 6, 6, 5, 5] for p in MONTHS} | {"2025-01": [12, 10, 9, 8, 7, 6, 3],
                                                          "2025-02": [12, 10, 9, 8, 7, 2, 4]}
    chosen, got = _official(_cells(values), {}, {})
    assert chosen.level == "city_quarter"
    monthly = for_audience("target_month", pd.DataFrame({"city_id": CITY, "period": "2025-01", "target": ["a", "b"],
                                                         METRIC: [45, 10]}), "official", k=5, min_group=10)
    assert monthly[METRIC].notna().all()  # the month's parts alone: every one shown, so the month's total
    assert set(got["period"]) == {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}
    q1 = got[got["period"] == "2025-Q1"][METRIC]
    assert q1.sum() == sum(values["2025-01"]) + sum(values["2025-02"]) + 46  # the quarter's total, as the official's series shows it


def test_events_in_no_cell_leave_their_month_out() -> None:
    values = {p: [9, 8, 7, 6, 6, 5, 5] for p in MONTHS}  # every cell shown: the official sees cells by month
    chosen, got = _official(_cells(values), {"2025-03": 2, "2025-04": 7}, {})
    assert chosen.level == "cell8_month"
    # 2025-03: the month's total minus its cells is 2 posts located less precisely, a count of fewer than k
    assert "2025-03" not in set(got["period"]) and {"2025-04", "2025-05"} <= set(got["period"])
    assert got[METRIC].notna().all()


def test_a_period_whose_parts_follow_from_the_total_is_left_out() -> None:
    values = {p: [9, 8, 7, 6, 6, 5, 5] for p in MONTHS}
    _, got = _official(_cells(values), {}, {"2025-05": (4, 4)})  # both hidden, their sum 8 = 2(k - 1): 4 each
    assert "2025-05" not in set(got["period"])
    _, kept = _official(_cells(values), {}, {"2025-05": (4, 3)})  # 7: 4 + 3 or 3 + 4
    assert kept[kept["period"] == "2025-05"][METRIC].isna().sum() == 2


def test_a_hidden_count_of_the_level_leaves_its_period_out() -> None:
    units = pd.DataFrame({"unit": CITY, "period": ["2024", "2025"], METRIC: [3.0, 40.0]})
    chosen = Choice("city_year", "coarsest_hidden", units.assign(**{METRIC: pd.array([pd.NA, 40], dtype="Float64")}))
    rows = pd.DataFrame({"city_id": CITY, "period": ["2024-05", "2025-01", "2025-02"], "target": "a",
                         METRIC: [3, 20, 20]})
    got = parts_at("target_month", rows, METRIC, chosen, View("city_year", units), pd.DataFrame(), k=5)
    assert got["period"].tolist() == ["2025"] and got[METRIC].tolist() == [40]
    none = Choice("city_year", "no_data", pd.DataFrame(columns=["unit", "period", METRIC]))
    assert parts_at("target_month", rows, METRIC, none, None, pd.DataFrame(), k=5).empty
    assert np.array_equal(rows[METRIC], for_audience("target_month", rows, "staff",
                                                     k=5, min_group=10)[METRIC])
