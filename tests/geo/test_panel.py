"""Panels: complete grids over months and ISO weeks, lags within a place."""

from __future__ import annotations

import pandas as pd

from geo.panel import full_panel, period_range


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

