"""Panels of counts per place (cell or area) x period (YYYY-MM month or YYYY-Www ISO week): complete grids
and lags. Frames in, frames out; no configuration is read here."""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTS = ["posts", "flagged_posts", "crimes", "hate_crimes"]


def period_range(periods: pd.Series | np.ndarray) -> list[str]:
    """Every month (YYYY-MM), ISO week (YYYY-Www), quarter (YYYY-Qn) or year (YYYY) from the first to the last of
    ``periods``, gaps filled."""
    values = pd.Series(pd.unique(np.asarray(periods, dtype=object))).dropna().astype(str)
    if values.empty:
        return []
    if values.str.fullmatch(r"\d{4}").all():  # years
        return [str(y) for y in range(int(values.min()), int(values.max()) + 1)]
    if values.str.fullmatch(r"\d{4}-Q[1-4]").all():  # quarters
        quarters = pd.PeriodIndex(values, freq="Q")
        return [f"{q.year}-Q{q.quarter}" for q in pd.period_range(quarters.min(), quarters.max(), freq="Q")]
    if values.str.contains("-W").all():
        days = pd.to_datetime(values + "-1", format="%G-W%V-%u")
        weeks = pd.date_range(days.min(), days.max(), freq="7D")
        return list(weeks.strftime("%G-W%V"))
    months = pd.PeriodIndex(values, freq="M")
    return list(pd.period_range(months.min(), months.max(), freq="M").strftime("%Y-%m"))


def full_panel(place_period: pd.DataFrame, key: str = "cell") -> pd.DataFrame:
    """Every place x every period of one city (zeros where the input has no row), sorted by place and period,
    with the place's population (nullable) and ``flagged_lag1`` = flagged posts of the previous period."""
    counts = [c for c in COUNTS if c in place_period]
    agg = place_period.groupby([key, "period"], as_index=False)[counts].sum()
    grid = pd.MultiIndex.from_product([agg[key].unique(), period_range(agg["period"])],
                                      names=[key, "period"]).to_frame(index=False)
    panel = grid.merge(agg, on=[key, "period"], how="left").fillna({c: 0 for c in counts})
    panel[counts] = panel[counts].astype("int64")
    if "population" in place_period:
        pop = pd.to_numeric(place_period["population"], errors="coerce").groupby(place_period[key]).max()
        panel["population"] = panel[key].map(pop).astype("float64")
    else:
        panel["population"] = np.nan
    panel = panel.sort_values([key, "period"], ignore_index=True)
    if "flagged_posts" in panel:
        panel["flagged_lag1"] = panel.groupby(key)["flagged_posts"].shift(1)
    return panel
