"""Panels: complete grids over months and ISO weeks, lags, roll-ups to areas, small-count suppression."""

from __future__ import annotations

import pandas as pd

from geo.panel import full_panel, period_range, rollup_to_areas, suppress_small


def test_period_range_fills_gaps_in_months_and_weeks() -> None:
    assert period_range(pd.Series(["2025-11", "2026-02"])) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period_range(pd.Series(["2025-W52", "2026-W02"])) == ["2025-W52", "2026-W01", "2026-W02"]
    assert period_range(pd.Series([], dtype=str)) == []


def test_full_panel_adds_zero_rows_and_lags_within_a_cell() -> None:
    cm = pd.DataFrame({"cell": ["a", "a", "b"], "period": ["2026-01", "2026-03", "2026-02"], "posts": [4, 2, 1],
                       "flagged_posts": [3, 1, 1], "crimes": [1, 0, 2], "hate_crimes": [1, 0, 1],
                       "population": [100, 100, None]})
    p = full_panel(cm)
    assert len(p) == 6
    a = p[p["cell"] == "a"].set_index("period")
    assert a["flagged_posts"].tolist() == [3, 0, 1]
    assert pd.isna(a.loc["2026-01", "flagged_lag1"]) and a.loc["2026-02", "flagged_lag1"] == 3
    assert a.loc["2026-03", "flagged_lag1"] == 0
    assert p.loc[p["cell"] == "b", "population"].isna().all() and (a["population"] == 100).all()


def test_rollup_to_areas_keeps_city_totals() -> None:
    cm = pd.DataFrame({"city_id": "x", "cell": ["a", "b", "c"], "period": "2026-01", "posts": [1, 2, 4],
                       "flagged_posts": [1, 1, 1], "crimes": [0, 1, 1], "hate_crimes": [0, 1, 0]})
    areas = pd.DataFrame({"city_id": "x", "cell": ["a", "b"], "area_code": ["A", "A"]})
    out = rollup_to_areas(cm, areas)
    assert out["posts"].sum() == 7
    assert out.loc[out["area_code"] == "A", "posts"].item() == 3
    assert out.loc[out["area_code"].isna(), "posts"].item() == 4


def test_suppress_small_hides_counts_below_the_threshold_only() -> None:
    frame = pd.DataFrame({"posts": [0, 1, 4, 5, 12], "hate_crimes": [3, 0, 9, 2, 5]})
    out = suppress_small(frame, min_count=5)
    assert out["posts"].tolist()[0] == 0 and out["posts"].isna().tolist() == [False, True, True, False, False]
    assert out["hate_crimes"].isna().tolist() == [True, False, False, True, False]
    assert frame["posts"].tolist() == [0, 1, 4, 5, 12]  # input untouched
