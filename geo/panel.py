"""Panels of counts per place (cell or area) x period (YYYY-MM month or YYYY-Www ISO week), complete grids,
roll-ups from cells to official areas, and small-count suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.config import suppress_below

COUNTS = ["posts", "flagged_posts", "crimes", "hate_crimes"]


def period_range(periods: pd.Series | np.ndarray) -> list[str]:
    """Every month (YYYY-MM) or ISO week (YYYY-Www) from the first to the last of ``periods``, gaps filled."""
    values = pd.Series(pd.unique(np.asarray(periods, dtype=object))).dropna().astype(str)
    if values.empty:
        return []
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


def located_counts(posts: pd.DataFrame, crimes: pd.DataFrame, key: str = "cell",
                   period: str = "month") -> pd.DataFrame:
    """Counts per city x place x period from ``posts_enriched`` and ``crimes_enriched`` rows.

    Only rows with a non-null ``key`` count: a post placed to city level (no cell, no area) is never counted
    in a cell or area. Flagged = label ``hate``."""
    p = posts.loc[posts[key].notna()]
    c = crimes.loc[crimes[key].notna()]
    post_counts = (p.assign(flagged=p["label"].eq("hate"))
                   .groupby(["city_id", key, period]).agg(posts=("flagged", "size"), flagged_posts=("flagged", "sum")))
    crime_counts = (c.assign(hate=c["is_hate"].astype(bool))
                    .groupby(["city_id", key, period]).agg(crimes=("hate", "size"), hate_crimes=("hate", "sum")))
    out = pd.concat([post_counts, crime_counts], axis=1).fillna(0).astype("int64").reset_index()
    return out.rename(columns={period: "period"})[["city_id", key, "period", *COUNTS]]


def rollup_to_areas(cell_period: pd.DataFrame, areas_of_cells: pd.DataFrame) -> pd.DataFrame:
    """Cell counts summed to official areas (``geo.h3index.area_cells``); cells outside every area roll up to a
    null area_code so city totals still add up."""
    mapped = cell_period.merge(areas_of_cells[["city_id", "cell", "area_code"]], on=["city_id", "cell"],
                               how="left")
    counts = [c for c in COUNTS if c in mapped]
    return mapped.groupby(["city_id", "area_code", "period"], dropna=False, as_index=False)[counts].sum()


def suppress_small(frame: pd.DataFrame, columns: list[str] | None = None,
                   min_count: int | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with counts from 1 to min_count - 1 replaced by null (default ``SCN_SUPPRESS_BELOW``),
    for anything shown outside staff; zeros stay zeros."""
    threshold = suppress_below() if min_count is None else min_count
    out = frame.copy()
    for col in columns or [c for c in COUNTS if c in frame]:  # a handful of columns
        values = pd.to_numeric(out[col], errors="coerce").astype("Int64")
        out[col] = values.mask((values > 0) & (values < threshold))
    return out
